//! The certificate authority in `cadir`, as puppetserver 7 keeps it.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::{Autosign, PkiError};

/// Where a certname stands with the CA.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CertState {
    Requested,
    Signed,
    Revoked,
}

/// One entry of `cert list`: what puppetserver's `certificate_status` API returns.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CertStatus {
    pub name: String,
    pub state: CertState,
    /// SHA-256 fingerprint of the CSR (requested) or certificate, `AB:CD:…`.
    pub fingerprint: String,
    /// `DNS:x`, `IP:y` entries.
    pub dns_alt_names: Vec<String>,
    pub serial_number: Option<u64>,
    pub not_before: Option<String>,
    pub not_after: Option<String>,
}

/// What happened to a submitted CSR.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubmitOutcome {
    /// Stored in `requests/`, waiting for `cert sign`.
    Pending,
    /// Autosigned; the certificate is in `signed/`.
    Signed,
}

/// A CA on disk. Every operation reads and writes the files under a lock, so the master and
/// `bunraku cert` (another process) can work on the same cadir at once.
pub struct CertificateAuthority {
    cadir: PathBuf,
    ttl: Duration,
    keylength: u32,
}

impl CertificateAuthority {
    /// Opens the CA in `cadir`, creating it (key, self-signed cert `CN=<ca_name>`, CRL, serial,
    /// inventory) if it does not exist yet, logging each step as Puppet does.
    pub fn open_or_create(
        cadir: &Path,
        ca_name: &str,
        ttl: Duration,
        keylength: u32,
    ) -> Result<Self, PkiError> {
        let _ = (ca_name,);
        Ok(CertificateAuthority { cadir: cadir.to_path_buf(), ttl, keylength })
    }

    /// Opens an existing CA; errors if `cadir` holds none.
    pub fn open(cadir: &Path) -> Result<Self, PkiError> {
        todo!("{cadir:?}")
    }

    pub fn cadir(&self) -> &Path {
        &self.cadir
    }

    /// The CA certificate (PEM).
    pub fn ca_cert_pem(&self) -> Result<String, PkiError> {
        todo!()
    }

    /// The current CRL (PEM).
    pub fn crl_pem(&self) -> Result<String, PkiError> {
        todo!()
    }

    /// Accepts a CSR for `name` (the `PUT /puppet-ca/v1/certificate_request/<name>` checks, in
    /// puppetserver's order), and signs it at once when `autosign` allows.
    pub fn submit_csr(
        &self,
        name: &str,
        csr_pem: &str,
        autosign: &Autosign,
    ) -> Result<SubmitOutcome, PkiError> {
        todo!("{name} {csr_pem} {autosign:?} {:?} {}", self.ttl, self.keylength)
    }

    /// A pending CSR (PEM), for `GET certificate_request/<name>`.
    pub fn csr_pem(&self, name: &str) -> Result<String, PkiError> {
        todo!("{name}")
    }

    /// A signed certificate (PEM); `NotFound` when not signed.
    pub fn certificate_pem(&self, name: &str) -> Result<String, PkiError> {
        todo!("{name}")
    }

    /// Signs the pending CSR of `name`.
    pub fn sign(&self, name: &str) -> Result<(), PkiError> {
        todo!("{name}")
    }

    /// Signs every pending CSR; returns the names signed.
    pub fn sign_all(&self) -> Result<Vec<String>, PkiError> {
        todo!()
    }

    /// Revokes the signed certificate of `name` (adds its serial to the CRL, reason keyCompromise).
    pub fn revoke(&self, name: &str) -> Result<(), PkiError> {
        todo!("{name}")
    }

    /// Revokes (when signed) and deletes everything the CA holds for `name`.
    pub fn clean(&self, name: &str) -> Result<(), PkiError> {
        todo!("{name}")
    }

    /// Every pending, signed and revoked name, sorted by name.
    pub fn list(&self) -> Result<Vec<CertStatus>, PkiError> {
        todo!()
    }

    /// The status of one name.
    pub fn status(&self, name: &str) -> Result<CertStatus, PkiError> {
        todo!("{name}")
    }

    /// Issues a key and certificate for the master itself into `ssldir` (key, cert, `certs/ca.pem`,
    /// `crl.pem`), with `pp_cli_auth` and SAN `DNS:puppet, DNS:<certname>` or `dns_alt_names`.
    /// Does nothing if the master's certificate already exists and belongs to this CA.
    pub fn ensure_server_certificate(
        &self,
        ssldir: &crate::SslDir,
        certname: &str,
        dns_alt_names: &[String],
    ) -> Result<(), PkiError> {
        todo!("{ssldir:?} {certname} {dns_alt_names:?}")
    }
}
