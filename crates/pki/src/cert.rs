//! Reading certificates, CSRs and CRLs: fingerprints, names, serials, validity.
//!
//! Everything here parses with `x509-parser` and never panics on bad input: a PEM that is not what
//! it claims to be is a [`PkiError::Crypto`] naming what was expected, so the caller can add the file
//! or certname to the message.

use std::collections::BTreeMap;

use x509_parser::certificate::X509Certificate;
use x509_parser::certification_request::X509CertificationRequest;
use x509_parser::cri_attributes::ParsedCriAttribute;
use x509_parser::extensions::{GeneralName, X509Extension};
use x509_parser::prelude::FromDer;
use x509_parser::revocation_list::CertificateRevocationList;
use x509_parser::time::ASN1Time;
use x509_parser::x509::{SubjectPublicKeyInfo, X509Name};

use crate::PkiError;

/// Puppet's private OID arc; every `pp_*` extension lives under it.
pub const PUPPET_OID_ARC: &str = "1.3.6.1.4.1.34380.1";
/// `pp_cli_auth`: the extension that lets a certificate administer the CA.
pub const PP_CLI_AUTH_OID: &str = "1.3.6.1.4.1.34380.1.3.39";

/// The short names Puppet gives to the extensions of its OID arc (`.1.x` registered, `.3.x`
/// authorization); anything else is shown as a dotted OID.
const PUPPET_SHORT_NAMES: &[(&str, &str)] = &[
    ("1.1", "pp_uuid"),
    ("1.2", "pp_instance_id"),
    ("1.3", "pp_image_name"),
    ("1.4", "pp_preshared_key"),
    ("1.5", "pp_cost_center"),
    ("1.6", "pp_product"),
    ("1.7", "pp_project"),
    ("1.8", "pp_application"),
    ("1.9", "pp_service"),
    ("1.10", "pp_employee"),
    ("1.11", "pp_created_by"),
    ("1.12", "pp_environment"),
    ("1.13", "pp_role"),
    ("1.14", "pp_software_version"),
    ("1.15", "pp_department"),
    ("1.16", "pp_cluster"),
    ("1.17", "pp_provisioner"),
    ("1.18", "pp_region"),
    ("1.19", "pp_datacenter"),
    ("1.20", "pp_zone"),
    ("1.21", "pp_network"),
    ("1.22", "pp_securitypolicy"),
    ("1.23", "pp_cloudplatform"),
    ("1.24", "pp_apptier"),
    ("1.25", "pp_hostname"),
    ("1.26", "pp_owner"),
    ("3.1", "pp_authorization"),
    ("3.13", "pp_auth_role"),
    ("3.39", "pp_cli_auth"),
];

/// A SHA-256 fingerprint of DER bytes, as Puppet prints it: `AB:CD:…`.
pub fn fingerprint_sha256(der: &[u8]) -> String {
    use sha2::Digest;
    colon_hex(&sha2::Sha256::digest(der))
}

/// The SHA1, SHA256 and SHA512 fingerprints plus `default` (= SHA256), the `fingerprints` object of
/// puppetserver's certificate status JSON.
pub fn fingerprints(der: &[u8]) -> BTreeMap<String, String> {
    use sha2::Digest;
    let sha256 = fingerprint_sha256(der);
    BTreeMap::from([
        ("SHA1".to_string(), colon_hex(&sha1::Sha1::digest(der))),
        ("SHA256".to_string(), sha256.clone()),
        ("SHA512".to_string(), colon_hex(&sha2::Sha512::digest(der))),
        ("default".to_string(), sha256),
    ])
}

fn colon_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(":")
}

/// The SHA-256 fingerprint of a CSR (PEM), what `cert list` and the agent print.
pub fn csr_fingerprint(csr_pem: &str) -> Result<String, PkiError> {
    Ok(fingerprint_sha256(&pem_der(csr_pem, "CERTIFICATE REQUEST")?))
}

/// The SHA-256 fingerprint of a certificate (PEM).
pub fn cert_fingerprint(cert_pem: &str) -> Result<String, PkiError> {
    Ok(fingerprint_sha256(&pem_der(cert_pem, "CERTIFICATE")?))
}

/// The DER bytes of the first PEM block tagged `tag` (`CERTIFICATE`, `CERTIFICATE REQUEST`,
/// `X509 CRL`). OpenSSL's legacy `NEW CERTIFICATE REQUEST` tag is accepted for CSRs.
pub fn pem_der(text: &str, tag: &str) -> Result<Vec<u8>, PkiError> {
    let blocks = pem::parse_many(text).map_err(|e| PkiError::Crypto(format!("bad PEM: {e}")))?;
    blocks
        .into_iter()
        .find(|p| p.tag() == tag || (tag == "CERTIFICATE REQUEST" && p.tag() == "NEW CERTIFICATE REQUEST"))
        .map(|p| p.into_contents())
        .ok_or_else(|| PkiError::Crypto(format!("no {tag} PEM block found")))
}

/// Encodes DER as PEM with Unix line endings (Puppet's files use LF).
pub fn der_to_pem(tag: &str, der: &[u8]) -> String {
    pem::encode_config(
        &pem::Pem::new(tag, der.to_vec()),
        pem::EncodeConfig::new().set_line_ending(pem::LineEnding::LF),
    )
}

/// Formats an ASN.1 time as Puppet does in `inventory.txt` and the status API:
/// `2026-11-26T05:02:05UTC`.
pub fn puppet_time(t: ASN1Time) -> String {
    puppet_time_from_unix(t.timestamp())
}

/// Formats Unix seconds as `2026-11-26T05:02:05UTC`.
pub fn puppet_time_from_unix(secs: i64) -> String {
    match chrono::DateTime::from_timestamp(secs, 0) {
        Some(t) => t.format("%Y-%m-%dT%H:%M:%SUTC").to_string(),
        None => format!("@{secs}"),
    }
}

/// A serial number as u64 from its big-endian bytes; `None` when it does not fit (not one of ours).
pub fn serial_from_bytes(bytes: &[u8]) -> Option<u64> {
    let trimmed: Vec<u8> = bytes.iter().copied().skip_while(|b| *b == 0).collect();
    if trimmed.len() > 8 {
        return None;
    }
    Some(trimmed.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b)))
}

/// What the CA and the agent need to know about a certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertInfo {
    /// Subject CN: the certname.
    pub subject_cn: String,
    /// Issuer CN: the CA's name.
    pub issuer_cn: String,
    /// `None` when the serial is wider than 64 bits (never one of Puppet's).
    pub serial: Option<u64>,
    /// `2026-11-26T05:02:05UTC`.
    pub not_before: String,
    pub not_after: String,
    /// `DNS:x` / `IP:y` entries of the SAN.
    pub dns_alt_names: Vec<String>,
    /// Puppet extensions by short name or dotted OID, values decoded.
    pub extensions: Vec<(String, String)>,
    pub fingerprint: String,
    pub fingerprints: BTreeMap<String, String>,
    /// The DER SubjectPublicKeyInfo, to match against a private key.
    pub spki_der: Vec<u8>,
}

/// Reads a certificate (PEM).
pub fn read_certificate(cert_pem: &str) -> Result<CertInfo, PkiError> {
    cert_info_from_der(&pem_der(cert_pem, "CERTIFICATE")?)
}

/// Reads a certificate (DER).
pub fn cert_info_from_der(der: &[u8]) -> Result<CertInfo, PkiError> {
    let cert = parse_cert(der)?;
    let validity = cert.validity();
    Ok(CertInfo {
        subject_cn: common_name(cert.subject()).unwrap_or_default(),
        issuer_cn: common_name(cert.issuer()).unwrap_or_default(),
        serial: serial_from_bytes(cert.raw_serial()),
        not_before: puppet_time(validity.not_before),
        not_after: puppet_time(validity.not_after),
        dns_alt_names: alt_names(cert.extensions()),
        extensions: puppet_extensions(cert.extensions()),
        fingerprint: fingerprint_sha256(der),
        fingerprints: fingerprints(der),
        spki_der: cert.public_key().raw.to_vec(),
    })
}

/// What the CA needs to know about a CSR.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsrInfo {
    pub subject_cn: String,
    /// `DNS:x` / `IP:y` entries of the requested SAN.
    pub dns_alt_names: Vec<String>,
    /// Every requested extension as (dotted OID, critical, DER value), SAN included.
    pub requested_extensions: Vec<(String, bool, Vec<u8>)>,
    /// Puppet extensions by short name or dotted OID, values decoded.
    pub extensions: Vec<(String, String)>,
    pub fingerprint: String,
    pub fingerprints: BTreeMap<String, String>,
    pub spki_der: Vec<u8>,
    /// Whether the CSR's self-signature verifies with its own public key.
    pub signature_valid: bool,
}

/// Reads a CSR (PEM), including whether its signature is valid.
pub fn read_csr(csr_pem: &str) -> Result<CsrInfo, PkiError> {
    let der = pem_der(csr_pem, "CERTIFICATE REQUEST")?;
    let (_, csr) = X509CertificationRequest::from_der(&der)
        .map_err(|e| PkiError::Crypto(format!("cannot parse the certificate request: {e}")))?;
    let info = &csr.certification_request_info;
    let extensions = csr_extensions(&csr);
    Ok(CsrInfo {
        subject_cn: common_name(&info.subject).unwrap_or_default(),
        dns_alt_names: alt_names(&extensions),
        requested_extensions: extensions
            .iter()
            .map(|e| (e.oid.to_id_string(), e.critical, e.value.to_vec()))
            .collect(),
        extensions: puppet_extensions(&extensions),
        fingerprint: fingerprint_sha256(&der),
        fingerprints: fingerprints(&der),
        spki_der: info.subject_pki.raw.to_vec(),
        signature_valid: csr.verify_signature().is_ok(),
    })
}

fn csr_extensions<'a>(csr: &'a X509CertificationRequest<'a>) -> Vec<X509Extension<'a>> {
    let mut out = Vec::new();
    for attr in csr.certification_request_info.iter_attributes() {
        if let ParsedCriAttribute::ExtensionRequest(req) = attr.parsed_attribute() {
            out.extend(req.extensions.iter().cloned());
        }
    }
    out
}

/// Parses a certificate's DER, with an error that says it was a certificate.
pub(crate) fn parse_cert(der: &[u8]) -> Result<X509Certificate<'_>, PkiError> {
    X509Certificate::from_der(der)
        .map(|(_, c)| c)
        .map_err(|e| PkiError::Crypto(format!("cannot parse the certificate: {e}")))
}

/// Parses a CRL's DER.
pub(crate) fn parse_crl(der: &[u8]) -> Result<CertificateRevocationList<'_>, PkiError> {
    CertificateRevocationList::from_der(der)
        .map(|(_, c)| c)
        .map_err(|e| PkiError::Crypto(format!("cannot parse the CRL: {e}")))
}

/// The first CN of a name, if any and if it is a string.
pub(crate) fn common_name(name: &X509Name<'_>) -> Option<String> {
    name.iter_common_name().next().and_then(|cn| cn.as_str().ok()).map(str::to_string)
}

/// The SAN entries Puppet shows (`DNS:`, `IP:`), in order.
fn alt_names(extensions: &[X509Extension<'_>]) -> Vec<String> {
    let mut out = Vec::new();
    for ext in extensions {
        let x509_parser::extensions::ParsedExtension::SubjectAlternativeName(san) = ext.parsed_extension()
        else {
            continue;
        };
        for name in &san.general_names {
            match name {
                GeneralName::DNSName(d) => out.push(format!("DNS:{d}")),
                GeneralName::IPAddress(bytes) => {
                    if let Some(ip) = ip_from_bytes(bytes) {
                        out.push(format!("IP:{ip}"));
                    }
                }
                _ => {}
            }
        }
    }
    out
}

fn ip_from_bytes(bytes: &[u8]) -> Option<std::net::IpAddr> {
    match bytes.len() {
        4 => <[u8; 4]>::try_from(bytes).ok().map(std::net::IpAddr::from),
        16 => <[u8; 16]>::try_from(bytes).ok().map(std::net::IpAddr::from),
        _ => None,
    }
}

/// Puppet extensions (OID arc 1.3.6.1.4.1.34380.1) by short name or dotted OID, with string values
/// decoded from their DER (UTF8String, IA5String, PrintableString).
pub(crate) fn puppet_extensions(extensions: &[X509Extension<'_>]) -> Vec<(String, String)> {
    extensions
        .iter()
        .filter_map(|ext| {
            let oid = ext.oid.to_id_string();
            let rest = oid.strip_prefix(PUPPET_OID_ARC)?.strip_prefix('.')?;
            let name = PUPPET_SHORT_NAMES
                .iter()
                .find(|(suffix, _)| *suffix == rest)
                .map(|(_, short)| short.to_string())
                .unwrap_or_else(|| oid.clone());
            Some((name, decode_der_string(ext.value)))
        })
        .collect()
}

/// Whether a Puppet extension name (as [`CertInfo::extensions`] gives it) is an authorization
/// extension (OID arc `.3`), the ones puppetserver reports as `authorization_extensions`.
pub fn is_auth_extension(name: &str) -> bool {
    matches!(name, "pp_authorization" | "pp_auth_role" | "pp_cli_auth")
        || name.starts_with("1.3.6.1.4.1.34380.1.3.")
}

/// Decodes a DER string value; bytes that are not a DER string are shown as (lossy) UTF-8, since
/// Puppet's own tooling sometimes writes raw values.
pub(crate) fn decode_der_string(value: &[u8]) -> String {
    use x509_parser::asn1_rs::{Any, Tag};
    if let Ok((rest, any)) = <Any as x509_parser::asn1_rs::FromDer<'_>>::from_der(value) {
        if rest.is_empty() {
            let tag = any.tag();
            if [Tag::Utf8String, Tag::Ia5String, Tag::PrintableString, Tag::VisibleString, Tag::T61String]
                .contains(&tag)
            {
                return String::from_utf8_lossy(any.data).into_owned();
            }
        }
    }
    String::from_utf8_lossy(value).into_owned()
}

/// Whether `cert_der` was signed by the key of `issuer_spki` (a cryptographic check, not a name
/// comparison).
pub(crate) fn verify_cert_signed_by(cert_der: &[u8], issuer_spki_der: &[u8]) -> Result<bool, PkiError> {
    let cert = parse_cert(cert_der)?;
    let (_, spki) = SubjectPublicKeyInfo::from_der(issuer_spki_der)
        .map_err(|e| PkiError::Crypto(format!("cannot parse the issuer public key: {e}")))?;
    Ok(cert.verify_signature(Some(&spki)).is_ok())
}

/// The serials a CRL (PEM) revokes.
pub fn crl_revoked_serials(crl_pem: &str) -> Result<Vec<u64>, PkiError> {
    let der = pem_der(crl_pem, "X509 CRL")?;
    let crl = parse_crl(&der)?;
    Ok(crl.iter_revoked_certificates().filter_map(|r| serial_from_bytes(r.raw_serial())).collect())
}

/// The cRLNumber of a CRL (PEM), 0 when absent.
pub fn crl_number(crl_pem: &str) -> Result<u64, PkiError> {
    let der = pem_der(crl_pem, "X509 CRL")?;
    let crl = parse_crl(&der)?;
    Ok(crl.crl_number().and_then(|n| serial_from_bytes(&n.to_bytes_be())).unwrap_or(0))
}

/// Whether `cert_pem` is revoked by `crl_pem`. The CRL must be signed by the certificate's issuer
/// (checked against `ca_pem`); a CRL from another CA is an error rather than "not revoked", so a
/// mixed-up ssldir is noticed.
pub fn is_revoked(cert_pem: &str, crl_pem: &str, ca_pem: &str) -> Result<bool, PkiError> {
    let ca_der = pem_der(ca_pem, "CERTIFICATE")?;
    let ca = parse_cert(&ca_der)?;
    let crl_der = pem_der(crl_pem, "X509 CRL")?;
    let crl = parse_crl(&crl_der)?;
    if crl.verify_signature(ca.public_key()).is_err() {
        return Err(PkiError::Crypto(format!(
            "the CRL (issuer {}) is not signed by the CA {}",
            crl.issuer(),
            ca.subject()
        )));
    }
    let cert_der = pem_der(cert_pem, "CERTIFICATE")?;
    let cert = parse_cert(&cert_der)?;
    let serial = cert.raw_serial();
    let strip = |b: &[u8]| b.iter().copied().skip_while(|x| *x == 0).collect::<Vec<u8>>();
    let serial = strip(serial);
    let revoked = crl.iter_revoked_certificates().any(|r| strip(r.raw_serial()) == serial);
    Ok(revoked)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serials_from_bytes() {
        assert_eq!(serial_from_bytes(&[0, 0x01, 0x02]), Some(0x102));
        assert_eq!(serial_from_bytes(&[]), Some(0));
        assert_eq!(serial_from_bytes(&[1; 9]), None);
    }

    #[test]
    fn time_format() {
        assert_eq!(puppet_time_from_unix(1795669325), "2026-11-26T05:02:05UTC");
    }

    #[test]
    fn der_strings() {
        assert_eq!(decode_der_string(&[0x0c, 4, b't', b'r', b'u', b'e']), "true");
        assert_eq!(decode_der_string(b"raw"), "raw");
    }

    #[test]
    fn bad_pem_is_an_error() {
        assert!(csr_fingerprint("garbage").is_err());
        assert!(read_certificate("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n").is_err());
    }
}
