//! Building keys, CSRs, certificates and CRLs with rcgen, in Puppet's profile.
//!
//! The few DER values rcgen has no builder for (a critical extendedKeyUsage, Puppet's string
//! extensions, the Netscape comment) are short fixed encodings written here; everything that is
//! cryptography (keys, signatures, key identifiers) is rcgen's and aws-lc's.

use std::net::IpAddr;
use std::time::Duration;

use rcgen::{
    CertificateParams, CertificateRevocationListParams, CustomExtension, DistinguishedName, DnType, IsCa,
    Issuer, KeyIdMethod, KeyPair, KeyUsagePurpose, RevocationReason, RevokedCertParams, SanType,
    SerialNumber,
};
use x509_parser::time::ASN1Time;

use crate::cert;
use crate::PkiError;

/// `Netscape Comment`, which Puppet puts in every certificate it issues.
const NETSCAPE_COMMENT_OID: &[u64] = &[2, 16, 840, 1, 113730, 1, 13];
const NETSCAPE_COMMENT: &str = "Puppet Server Internal Certificate";
const EXT_KEY_USAGE_OID: &[u64] = &[2, 5, 29, 37];
/// `pp_cli_auth` as OID components.
const PP_CLI_AUTH: &[u64] = &[1, 3, 6, 1, 4, 1, 34380, 1, 3, 39];

/// The CRL's validity, as puppetserver sets it: five years.
pub(crate) const CRL_VALIDITY: Duration = Duration::from_secs(5 * 365 * 24 * 3600);
const ONE_DAY: Duration = Duration::from_secs(24 * 3600);

pub(crate) fn crypto(context: &str, e: impl std::fmt::Display) -> PkiError {
    PkiError::Crypto(format!("{context}: {e}"))
}

/// A new RSA key of `keylength` bits; rcgen (aws-lc) supports 2048, 3072 and 4096.
pub(crate) fn generate_key(keylength: u32) -> Result<KeyPair, PkiError> {
    let size = match keylength {
        2048 => rcgen::RsaKeySize::_2048,
        3072 => rcgen::RsaKeySize::_3072,
        4096 => rcgen::RsaKeySize::_4096,
        other => {
            return Err(PkiError::Crypto(format!(
                "keylength {other} is not supported; use 2048, 3072 or 4096"
            )))
        }
    };
    KeyPair::generate_rsa_for(&rcgen::PKCS_RSA_SHA256, size).map_err(|e| crypto("generating an RSA key", e))
}

/// A private key from PEM (PKCS#8 or PKCS#1, as older Puppet wrote).
pub(crate) fn load_key(pem: &str) -> Result<KeyPair, PkiError> {
    KeyPair::from_pem(pem).map_err(|e| crypto("reading the private key", e))
}

/// The DER SubjectPublicKeyInfo of a key, for matching against certificates and CSRs.
pub(crate) fn key_spki(key: &KeyPair) -> Vec<u8> {
    use rcgen::PublicKeyData;
    key.subject_public_key_info()
}

/// Whether two DER SubjectPublicKeyInfos hold the same key (compares the key bits, not the
/// encoding of the algorithm parameters).
pub(crate) fn same_public_key(a: &[u8], b: &[u8]) -> bool {
    use x509_parser::prelude::FromDer;
    use x509_parser::x509::SubjectPublicKeyInfo;
    match (SubjectPublicKeyInfo::from_der(a), SubjectPublicKeyInfo::from_der(b)) {
        (Ok((_, a)), Ok((_, b))) => a.subject_public_key.data == b.subject_public_key.data,
        _ => false,
    }
}

/// One `dns_alt_names` entry as Puppet reads it: `IP:1.2.3.4`, `DNS:x`, or a bare DNS name.
pub(crate) fn san_entry(entry: &str) -> Result<SanType, PkiError> {
    let entry = entry.trim();
    if let Some(ip) = entry.strip_prefix("IP:") {
        let ip: IpAddr =
            ip.parse().map_err(|_| PkiError::BadRequest(format!("invalid IP alt name '{entry}'")))?;
        return Ok(SanType::IpAddress(ip));
    }
    let dns = entry.strip_prefix("DNS:").unwrap_or(entry);
    dns.try_into()
        .map(SanType::DnsName)
        .map_err(|_| PkiError::BadRequest(format!("invalid DNS alt name '{entry}'")))
}

/// The SAN list of a CSR or certificate: `DNS:<name>` first, then the others without duplicates.
pub(crate) fn san_list(name: &str, alt_names: &[String]) -> Result<Vec<SanType>, PkiError> {
    let mut out = vec![san_entry(name)?];
    for alt in alt_names {
        let san = san_entry(alt)?;
        if !out.contains(&san) {
            out.push(san);
        }
    }
    Ok(out)
}

fn dn(cn: &str) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, cn);
    dn
}

/// A certificate request for `name` with SAN `DNS:<name>` plus `alt_names`, signed (SHA-256) by
/// `key`. Returns PEM.
pub(crate) fn build_csr(key: &KeyPair, name: &str, alt_names: &[String]) -> Result<String, PkiError> {
    let mut params = CertificateParams::default();
    params.distinguished_name = dn(name);
    params.subject_alt_names = san_list(name, alt_names)?;
    let csr = params.serialize_request(key).map_err(|e| crypto("creating the certificate request", e))?;
    Ok(cert::der_to_pem("CERTIFICATE REQUEST", csr.der()))
}

fn serial(n: u64) -> SerialNumber {
    let bytes: Vec<u8> = n.to_be_bytes().iter().copied().skip_while(|b| *b == 0).collect();
    if bytes.is_empty() {
        SerialNumber::from(vec![0])
    } else {
        SerialNumber::from(bytes)
    }
}

/// The current time minus/plus offsets as rcgen's time type, via x509-parser's (so this crate does
/// not need its own `time` dependency).
fn now_unix() -> i64 {
    chrono::Utc::now().timestamp()
}

macro_rules! at_unix {
    ($secs:expr) => {
        ASN1Time::from_timestamp($secs).map_err(|e| crypto("date out of range", e))?.to_datetime()
    };
}

fn secs(d: Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX / 4)
}

fn netscape_comment() -> CustomExtension {
    CustomExtension::from_oid_content(NETSCAPE_COMMENT_OID, der_string(0x16, NETSCAPE_COMMENT))
}

/// DER of a short string type (`0x0c` UTF8String, `0x16` IA5String).
fn der_string(tag: u8, s: &str) -> Vec<u8> {
    let mut out = vec![tag];
    der_len(&mut out, s.len());
    out.extend_from_slice(s.as_bytes());
    out
}

fn der_len(out: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = (len as u64).to_be_bytes().iter().copied().skip_while(|b| *b == 0).collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
}

/// extendedKeyUsage serverAuth + clientAuth, marked critical as Puppet does (rcgen's builder writes
/// it non-critical).
fn critical_eku() -> CustomExtension {
    const SERVER_AUTH: [u8; 10] = [0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01];
    const CLIENT_AUTH: [u8; 10] = [0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02];
    let mut content = vec![0x30, 20];
    content.extend_from_slice(&SERVER_AUTH);
    content.extend_from_slice(&CLIENT_AUTH);
    let mut ext = CustomExtension::from_oid_content(EXT_KEY_USAGE_OID, content);
    ext.set_criticality(true);
    ext
}

/// A fresh self-signed CA certificate (serial 1) for `ca_name`. Returns PEM.
pub(crate) fn build_ca_cert(
    key: &KeyPair,
    ca_name: &str,
    ttl: Duration,
    serial_no: u64,
) -> Result<String, PkiError> {
    let now = now_unix();
    let mut params = CertificateParams::default();
    params.distinguished_name = dn(ca_name);
    params.serial_number = Some(serial(serial_no));
    params.not_before = at_unix!(now - secs(ONE_DAY));
    params.not_after = at_unix!(now.saturating_add(secs(ttl)));
    params.is_ca = IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    params.use_authority_key_identifier_extension = true;
    params.custom_extensions = vec![netscape_comment()];
    let cert = params.self_signed(key).map_err(|e| crypto("creating the CA certificate", e))?;
    Ok(cert::der_to_pem("CERTIFICATE", cert.der()))
}

/// What goes into a certificate the CA signs, beyond the CSR's key.
pub(crate) struct LeafProfile {
    pub certname: String,
    pub serial: u64,
    pub ttl: Duration,
    pub sans: Vec<SanType>,
    /// Extensions copied through from the CSR.
    pub copied_extensions: Vec<CopiedExtension>,
    /// Adds `pp_cli_auth = "true"` (the master's own certificate).
    pub cli_auth: bool,
}

/// A CSR extension the CA copies into the certificate as it is.
pub(crate) struct CopiedExtension {
    pub oid: Vec<u64>,
    pub critical: bool,
    /// The DER value (extnValue contents).
    pub value: Vec<u8>,
}

/// Signs a leaf certificate for the public key `spki_der` with the CA. Returns PEM.
pub(crate) fn build_leaf_cert(
    spki_der: &[u8],
    profile: &LeafProfile,
    ca_cert_pem: &str,
    ca_key: &KeyPair,
) -> Result<String, PkiError> {
    let issuer =
        Issuer::from_ca_cert_pem(ca_cert_pem, ca_key).map_err(|e| crypto("reading the CA certificate", e))?;
    let public_key = rcgen::SubjectPublicKeyInfo::from_der(spki_der)
        .map_err(|e| crypto("reading the request's public key", e))?;
    let now = now_unix();
    let mut params = CertificateParams::default();
    params.distinguished_name = dn(&profile.certname);
    params.serial_number = Some(serial(profile.serial));
    params.not_before = at_unix!(now - secs(ONE_DAY));
    params.not_after = at_unix!(now.saturating_add(secs(profile.ttl)));
    params.is_ca = IsCa::ExplicitNoCa;
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature, KeyUsagePurpose::KeyEncipherment];
    params.subject_alt_names = profile.sans.clone();
    params.use_authority_key_identifier_extension = true;
    let mut extensions = vec![netscape_comment(), critical_eku()];
    if profile.cli_auth {
        extensions.push(CustomExtension::from_oid_content(PP_CLI_AUTH, der_string(0x0c, "true")));
    }
    for copied in &profile.copied_extensions {
        let mut ext = CustomExtension::from_oid_content(&copied.oid, copied.value.clone());
        ext.set_criticality(copied.critical);
        extensions.push(ext);
    }
    params.custom_extensions = extensions;
    let cert = params
        .signed_by(&public_key, &issuer)
        .map_err(|e| crypto(&format!("signing the certificate for {}", profile.certname), e))?;
    Ok(cert::der_to_pem("CERTIFICATE", cert.der()))
}

/// One revoked entry of a CRL being rebuilt.
pub(crate) struct Revoked {
    pub serial_bytes: Vec<u8>,
    pub revoked_at_unix: i64,
    pub reason: Option<RevocationReason>,
}

/// A CRL signed by the CA with `crl_number`, listing `revoked`. A fresh CA's CRL starts now; later
/// ones one second back, as puppetserver does. Returns PEM.
pub(crate) fn build_crl(
    ca_cert_pem: &str,
    ca_key: &KeyPair,
    crl_number: u64,
    revoked: &[Revoked],
    fresh: bool,
) -> Result<String, PkiError> {
    let issuer =
        Issuer::from_ca_cert_pem(ca_cert_pem, ca_key).map_err(|e| crypto("reading the CA certificate", e))?;
    let ca_der = cert::pem_der(ca_cert_pem, "CERTIFICATE")?;
    let ca = cert::parse_cert(&ca_der)?;
    // The AKI must equal the CA's SKI, whatever method computed it (SHA-1 on a CA puppetserver made).
    let key_identifier_method = ca
        .iter_extensions()
        .find_map(|ext| match ext.parsed_extension() {
            x509_parser::extensions::ParsedExtension::SubjectKeyIdentifier(id) => {
                Some(KeyIdMethod::PreSpecified(id.0.to_vec()))
            }
            _ => None,
        })
        .unwrap_or(KeyIdMethod::Sha256);
    let now = now_unix();
    let mut revoked_certs = Vec::new();
    for r in revoked {
        revoked_certs.push(RevokedCertParams {
            serial_number: SerialNumber::from(r.serial_bytes.clone()),
            revocation_time: at_unix!(r.revoked_at_unix),
            reason_code: r.reason,
            invalidity_date: None,
        });
    }
    let params = CertificateRevocationListParams {
        this_update: at_unix!(if fresh { now } else { now - 1 }),
        next_update: at_unix!(now + secs(CRL_VALIDITY)),
        crl_number: serial(crl_number),
        issuing_distribution_point: None,
        revoked_certs,
        key_identifier_method,
    };
    let crl = params.signed_by(&issuer).map_err(|e| crypto("signing the CRL", e))?;
    Ok(cert::der_to_pem("X509 CRL", crl.der()))
}

/// The entries of an existing CRL (PEM), to carry over into the next one.
pub(crate) fn revoked_entries(crl_pem: &str) -> Result<Vec<Revoked>, PkiError> {
    let der = cert::pem_der(crl_pem, "X509 CRL")?;
    let crl = cert::parse_crl(&der)?;
    Ok(crl
        .iter_revoked_certificates()
        .map(|r| Revoked {
            serial_bytes: r.raw_serial().to_vec(),
            revoked_at_unix: r.revocation_date.timestamp(),
            reason: r.reason_code().and_then(|(_, code)| reason_from_code(code.0)),
        })
        .collect())
}

fn reason_from_code(code: u8) -> Option<RevocationReason> {
    Some(match code {
        1 => RevocationReason::KeyCompromise,
        2 => RevocationReason::CaCompromise,
        3 => RevocationReason::AffiliationChanged,
        4 => RevocationReason::Superseded,
        5 => RevocationReason::CessationOfOperation,
        6 => RevocationReason::CertificateHold,
        8 => RevocationReason::RemoveFromCrl,
        9 => RevocationReason::PrivilegeWithdrawn,
        10 => RevocationReason::AaCompromise,
        _ => return None,
    })
}

/// The current Unix time, for revocation dates.
pub(crate) fn unix_now() -> i64 {
    now_unix()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn der_strings() {
        assert_eq!(der_string(0x0c, "true"), vec![0x0c, 4, b't', b'r', b'u', b'e']);
        let long = "x".repeat(200);
        assert_eq!(&der_string(0x16, &long)[..3], &[0x16, 0x81, 200]);
    }

    #[test]
    fn alt_name_entries() {
        assert_eq!(san_entry("IP:127.0.0.1").unwrap(), SanType::IpAddress("127.0.0.1".parse().unwrap()));
        assert_eq!(san_entry("DNS:puppet").unwrap(), SanType::DnsName("puppet".try_into().unwrap()));
        assert_eq!(san_entry("puppet").unwrap(), SanType::DnsName("puppet".try_into().unwrap()));
        assert!(san_entry("IP:nope").is_err());
        assert_eq!(san_list("a", &["a".into(), "DNS:b".into()]).unwrap().len(), 2);
    }
}
