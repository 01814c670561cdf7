//! rustls configurations for both ends of Puppet's mutual TLS, and the identity of a verified peer.
//!
//! Both ends use the aws-lc-rs provider explicitly (not the process default, which another crate
//! could install differently) and accept TLS 1.2 and 1.3: Puppet 7's Ruby OpenSSL negotiates 1.3,
//! older agents 1.2.

use std::path::Path;
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateRevocationListDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::server::WebPkiClientVerifier;
use rustls::{client::WebPkiServerVerifier, DigitallySignedStruct, RootCertStore, SignatureScheme};
use rustls_pki_types::CertificateDer;

use crate::{cert, files, PkiError, SslDir};

/// Who is on the other end of a verified TLS connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerIdentity {
    /// The subject CN: Puppet's authenticated certname.
    pub certname: String,
    pub serial: u64,
    /// Puppet extensions by short name (`pp_cli_auth` → `true`, `pp_role` → …) or dotted OID.
    pub extensions: Vec<(String, String)>,
    pub dns_alt_names: Vec<String>,
}

impl PeerIdentity {
    /// Reads the identity from the leaf certificate a verified peer presented.
    pub fn from_certificate(der: &CertificateDer<'_>) -> Result<PeerIdentity, PkiError> {
        let info = cert::cert_info_from_der(der.as_ref())?;
        if info.subject_cn.is_empty() {
            return Err(PkiError::Crypto("the peer certificate has no subject CN".to_string()));
        }
        let serial = info.serial.ok_or_else(|| {
            PkiError::Crypto(format!(
                "the certificate of {} has a serial wider than 64 bits",
                info.subject_cn
            ))
        })?;
        Ok(PeerIdentity {
            certname: info.subject_cn,
            serial,
            extensions: info.extensions,
            dns_alt_names: info.dns_alt_names,
        })
    }

    /// Whether the certificate carries `pp_cli_auth = true` (the master's own certificate does).
    pub fn has_cli_auth(&self) -> bool {
        self.extensions.iter().any(|(k, v)| k == "pp_cli_auth" && v == "true")
    }

    /// The value of one extension by short name or dotted OID (`pp_role`, `pp_environment`, …).
    pub fn extension(&self, name: &str) -> Option<&str> {
        self.extensions.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

const VERSIONS: &[&rustls::SupportedProtocolVersion] = &[&rustls::version::TLS13, &rustls::version::TLS12];

fn tls_error(context: &str, e: impl std::fmt::Display) -> PkiError {
    PkiError::Crypto(format!("{context}: {e}"))
}

fn read_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>, PkiError> {
    let text = files::read(path)?;
    let certs: Result<Vec<_>, _> = CertificateDer::pem_slice_iter(text.as_bytes()).collect();
    let certs = certs.map_err(|e| PkiError::BadFile { path: path.to_path_buf(), message: e.to_string() })?;
    if certs.is_empty() {
        return Err(PkiError::BadFile {
            path: path.to_path_buf(),
            message: "no certificate in the file".into(),
        });
    }
    Ok(certs)
}

fn read_key(path: &Path) -> Result<PrivateKeyDer<'static>, PkiError> {
    let text = files::read(path)?;
    PrivateKeyDer::from_pem_slice(text.as_bytes())
        .map_err(|e| PkiError::BadFile { path: path.to_path_buf(), message: e.to_string() })
}

fn crls_from_pem(text: &str, origin: &str) -> Result<Vec<CertificateRevocationListDer<'static>>, PkiError> {
    let crls: Result<Vec<_>, _> = CertificateRevocationListDer::pem_slice_iter(text.as_bytes()).collect();
    crls.map_err(|e| PkiError::Crypto(format!("{origin}: {e}")))
}

fn roots(ssldir: &SslDir) -> Result<Arc<RootCertStore>, PkiError> {
    let path = ssldir.ca_cert_path();
    let mut store = RootCertStore::empty();
    for ca in read_certs(&path)? {
        store.add(ca).map_err(|e| PkiError::BadFile {
            path: path.clone(),
            message: format!("unusable CA certificate: {e}"),
        })?;
    }
    Ok(Arc::new(store))
}

/// The master's TLS config: its own cert/key from `ssldir`, client certificates optional but, when
/// sent, verified against the CA and the CRL (a revoked or foreign certificate fails the handshake).
/// The CRL is read from `ssldir/crl.pem`; a master that holds the CA should rather use
/// [`server_config_with_crl`] with the CA's current CRL.
pub fn server_config(ssldir: &SslDir, certname: &str) -> Result<Arc<rustls::ServerConfig>, PkiError> {
    let crl = files::read_optional(&ssldir.crl_path())?;
    build_server_config(ssldir, certname, crl.as_deref(), &ssldir.crl_path().display().to_string())
}

/// Like [`server_config`], with the CRL given as PEM (the master passes `ca.crl_pem()`, so a
/// revocation takes effect as soon as the config is rebuilt, without copying files around).
pub fn server_config_with_crl(
    ssldir: &SslDir,
    certname: &str,
    crl_pem: &str,
) -> Result<Arc<rustls::ServerConfig>, PkiError> {
    build_server_config(ssldir, certname, Some(crl_pem), "the CA's CRL")
}

fn build_server_config(
    ssldir: &SslDir,
    certname: &str,
    crl_pem: Option<&str>,
    crl_origin: &str,
) -> Result<Arc<rustls::ServerConfig>, PkiError> {
    let chain = read_certs(&ssldir.cert_path(certname))?;
    let key = read_key(&ssldir.key_path(certname))?;
    let crls = match crl_pem {
        Some(text) => crls_from_pem(text, crl_origin)?,
        None => Vec::new(),
    };
    let verifier = WebPkiClientVerifier::builder_with_provider(roots(ssldir)?, provider())
        .with_crls(crls)
        .allow_unauthenticated()
        .build()
        .map_err(|e| tls_error("building the client certificate verifier", e))?;
    let config = rustls::ServerConfig::builder_with_provider(provider())
        .with_protocol_versions(VERSIONS)
        .map_err(|e| tls_error("TLS versions", e))?
        .with_client_cert_verifier(verifier)
        .with_single_cert(chain, key)
        .map_err(|e| tls_error(&format!("the certificate and key of {certname}"), e))?;
    Ok(Arc::new(config))
}

/// The agent's TLS config: verifies the server against `certs/ca.pem` and `crl.pem`; presents the
/// node's certificate when it has one (`certname` signed), none otherwise.
pub fn client_config(ssldir: &SslDir, certname: Option<&str>) -> Result<Arc<rustls::ClientConfig>, PkiError> {
    let crls = match files::read_optional(&ssldir.crl_path())? {
        Some(text) => crls_from_pem(&text, &ssldir.crl_path().display().to_string())?,
        None => Vec::new(),
    };
    let verifier = WebPkiServerVerifier::builder_with_provider(roots(ssldir)?, provider())
        .with_crls(crls)
        .build()
        .map_err(|e| tls_error("building the server certificate verifier", e))?;
    let builder = rustls::ClientConfig::builder_with_provider(provider())
        .with_protocol_versions(VERSIONS)
        .map_err(|e| tls_error("TLS versions", e))?
        .with_webpki_verifier(verifier);
    let cert_path = certname.map(|name| (name, ssldir.cert_path(name)));
    let config = match cert_path {
        Some((name, path)) if path.exists() => {
            let chain = read_certs(&path)?;
            let key = read_key(&ssldir.key_path(name))?;
            builder
                .with_client_auth_cert(chain, key)
                .map_err(|e| tls_error(&format!("the certificate and key of {name}"), e))?
        }
        _ => builder.with_no_client_auth(),
    };
    Ok(Arc::new(config))
}

/// A client config that accepts any server certificate: only for the first `GET certificate/ca`
/// (trust on first use, as Puppet does), never for anything else.
pub fn bootstrap_client_config() -> Arc<rustls::ClientConfig> {
    let provider = provider();
    let verifier = Arc::new(TrustOnFirstUse { provider: provider.clone() });
    // Fails only for a provider without TLS 1.2/1.3 cipher suites: a static property of the
    // aws-lc-rs provider (and exercised by the tests), not of any input.
    #[allow(clippy::expect_used)]
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(VERSIONS)
        .expect("the aws-lc-rs provider supports TLS 1.2 and 1.3");
    Arc::new(builder.dangerous().with_custom_certificate_verifier(verifier).with_no_client_auth())
}

/// Accepts any server certificate chain. Puppet's agent has no CA certificate before its first
/// contact, so it downloads `certificate/ca` without verifying the server (trust on first use,
/// optionally pinned by `ca_fingerprint` by the caller) and verifies everything after that against
/// the saved CA. The handshake signatures are still verified, with the provider's algorithms, so
/// the connection is at least bound to the key of the certificate the server presented.
#[derive(Debug)]
struct TrustOnFirstUse {
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for TrustOnFirstUse {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}
