//! rustls configurations for both ends of Puppet's mutual TLS, and the identity of a verified peer.

use std::sync::Arc;

use rustls_pki_types::CertificateDer;

use crate::{PkiError, SslDir};

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
        todo!("{der:?}")
    }

    /// Whether the certificate carries `pp_cli_auth = true` (the master's own certificate does).
    pub fn has_cli_auth(&self) -> bool {
        self.extensions.iter().any(|(k, v)| k == "pp_cli_auth" && v == "true")
    }
}

/// The master's TLS config: its own cert/key from `ssldir`, client certificates optional but, when
/// sent, verified against the CA and the CRL (a revoked or foreign certificate fails the handshake).
pub fn server_config(ssldir: &SslDir, certname: &str) -> Result<Arc<rustls::ServerConfig>, PkiError> {
    todo!("{ssldir:?} {certname}")
}

/// The agent's TLS config: verifies the server against `certs/ca.pem` and `crl.pem`; presents the
/// node's certificate when it has one (`certname` signed), none otherwise.
pub fn client_config(ssldir: &SslDir, certname: Option<&str>) -> Result<Arc<rustls::ClientConfig>, PkiError> {
    todo!("{ssldir:?} {certname:?}")
}

/// A client config that accepts any server certificate: only for the first `GET certificate/ca`
/// (trust on first use, as Puppet does), never for anything else.
pub fn bootstrap_client_config() -> Arc<rustls::ClientConfig> {
    todo!()
}
