//! A node's own ssldir, as the Puppet agent lays it out.

use std::path::{Path, PathBuf};

use crate::PkiError;

/// The files of one node's ssldir: `certs/ca.pem`, `certs/<name>.pem`, `private_keys/<name>.pem`,
/// `public_keys/<name>.pem`, `certificate_requests/<name>.pem`, `crl.pem`.
#[derive(Debug, Clone)]
pub struct SslDir {
    root: PathBuf,
}

impl SslDir {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        SslDir { root: root.into() }
    }
    pub fn root(&self) -> &Path {
        &self.root
    }
    pub fn ca_cert_path(&self) -> PathBuf {
        self.root.join("certs/ca.pem")
    }
    pub fn crl_path(&self) -> PathBuf {
        self.root.join("crl.pem")
    }
    pub fn cert_path(&self, name: &str) -> PathBuf {
        self.root.join("certs").join(format!("{name}.pem"))
    }
    pub fn key_path(&self, name: &str) -> PathBuf {
        self.root.join("private_keys").join(format!("{name}.pem"))
    }
    pub fn public_key_path(&self, name: &str) -> PathBuf {
        self.root.join("public_keys").join(format!("{name}.pem"))
    }
    pub fn csr_path(&self, name: &str) -> PathBuf {
        self.root.join("certificate_requests").join(format!("{name}.pem"))
    }

    /// Loads the node's private key, generating an RSA key of `keylength` bits (mode 0640) when
    /// there is none ("Creating a new SSL key for <name>"). Returns the key PEM.
    pub fn ensure_key(&self, name: &str, keylength: u32) -> Result<String, PkiError> {
        todo!("{name} {keylength}")
    }

    /// Creates (or reuses) the CSR for `name` with SAN `DNS:<name>` plus `dns_alt_names`, signed with
    /// SHA-256, saved under `certificate_requests/`. Returns the CSR PEM.
    pub fn ensure_csr(&self, name: &str, dns_alt_names: &[String]) -> Result<String, PkiError> {
        todo!("{name} {dns_alt_names:?}")
    }

    /// Saves the CA certificate fetched on first contact (trust on first use).
    pub fn save_ca_cert(&self, pem: &str) -> Result<(), PkiError> {
        todo!("{pem}")
    }

    /// Saves the CRL.
    pub fn save_crl(&self, pem: &str) -> Result<(), PkiError> {
        todo!("{pem}")
    }

    /// Checks a downloaded certificate (signed by our CA, not revoked by our CRL, matching our key)
    /// and saves it, deleting the CSR. Errors name what does not match.
    pub fn save_certificate(&self, name: &str, pem: &str) -> Result<(), PkiError> {
        todo!("{name} {pem}")
    }

    /// Checks that the files present belong together: the key matches the cert, the cert was issued
    /// by `certs/ca.pem`. On a mismatch (a stale ssldir from another certname or CA), the error names
    /// exactly which files to remove.
    pub fn check_consistency(&self, name: &str) -> Result<(), PkiError> {
        todo!("{name}")
    }
}
