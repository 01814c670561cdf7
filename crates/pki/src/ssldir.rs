//! A node's own ssldir, as the Puppet agent lays it out.

use std::path::{Path, PathBuf};

use crate::{cert, files, issue, PkiError};

/// The files of one node's ssldir: `certs/ca.pem`, `certs/<name>.pem`, `private_keys/<name>.pem`,
/// `public_keys/<name>.pem`, `certificate_requests/<name>.pem`, `crl.pem`.
#[derive(Debug, Clone)]
pub struct SslDir {
    root: PathBuf,
}

impl SslDir {
    /// An ssldir rooted at `root` (Puppet's `ssldir` setting); nothing is read or created yet.
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
    /// there is none ("Creating a new SSL key for <name>"). Also writes `public_keys/<name>.pem`,
    /// as Puppet does. Returns the key PEM.
    pub fn ensure_key(&self, name: &str, keylength: u32) -> Result<String, PkiError> {
        let path = self.key_path(name);
        if let Some(pem) = files::read_optional(&path)? {
            issue::load_key(&pem).map_err(|e| bad_file(&path, e))?;
            return Ok(pem);
        }
        tracing::debug!("Creating a new SSL key for {name}");
        let key = issue::generate_key(keylength)?;
        let pem = key.serialize_pem();
        files::ensure_dir(&self.root, 0o771)?;
        files::ensure_dir(&self.root.join("private_keys"), 0o750)?;
        files::write_atomic(&path, pem.as_bytes(), 0o640)?;
        files::ensure_dir(&self.root.join("public_keys"), 0o755)?;
        files::write_atomic(&self.public_key_path(name), key.public_key_pem().as_bytes(), 0o644)?;
        Ok(pem)
    }

    /// Creates (or reuses) the CSR for `name` with SAN `DNS:<name>` plus `dns_alt_names`, signed with
    /// SHA-256, saved under `certificate_requests/`. Returns the CSR PEM.
    ///
    /// The key must exist ([`SslDir::ensure_key`] first). A saved CSR is reused only when it was made
    /// with the current key, so a regenerated key never leaves a stale request behind.
    pub fn ensure_csr(&self, name: &str, dns_alt_names: &[String]) -> Result<String, PkiError> {
        let key = self.load_key(name)?;
        let path = self.csr_path(name);
        if let Some(pem) = files::read_optional(&path)? {
            if let Ok(info) = cert::read_csr(&pem) {
                if issue::same_public_key(&info.spki_der, &issue::key_spki(&key)) {
                    return Ok(pem);
                }
            }
        }
        tracing::debug!("Creating a new SSL certificate request for {name}");
        let pem = issue::build_csr(&key, name, dns_alt_names)?;
        tracing::debug!("Certificate Request fingerprint (SHA256): {}", cert::csr_fingerprint(&pem)?);
        files::ensure_dir(&self.root.join("certificate_requests"), 0o755)?;
        files::write_atomic(&path, pem.as_bytes(), 0o644)?;
        Ok(pem)
    }

    /// Saves the CA certificate fetched on first contact (trust on first use).
    pub fn save_ca_cert(&self, pem: &str) -> Result<(), PkiError> {
        let path = self.ca_cert_path();
        cert::read_certificate(pem).map_err(|e| bad_file(&path, e))?;
        files::ensure_dir(&self.root.join("certs"), 0o755)?;
        files::write_atomic(&path, pem.as_bytes(), 0o644)
    }

    /// Saves the CRL, after checking that `certs/ca.pem` (when present) signed it: a CRL from
    /// another CA would make every later handshake fail for a reason hard to see.
    pub fn save_crl(&self, pem: &str) -> Result<(), PkiError> {
        let path = self.crl_path();
        let der = cert::pem_der(pem, "X509 CRL").map_err(|e| bad_file(&path, e))?;
        let crl = cert::parse_crl(&der).map_err(|e| bad_file(&path, e))?;
        if let Some(ca_pem) = files::read_optional(&self.ca_cert_path())? {
            let ca_der =
                cert::pem_der(&ca_pem, "CERTIFICATE").map_err(|e| bad_file(&self.ca_cert_path(), e))?;
            let ca = cert::parse_cert(&ca_der)?;
            if crl.verify_signature(ca.public_key()).is_err() {
                return Err(PkiError::BadFile {
                    path,
                    message: format!(
                        "the CRL is issued by {}, not by the CA in {} ({})",
                        crl.issuer(),
                        self.ca_cert_path().display(),
                        ca.subject()
                    ),
                });
            }
        }
        files::ensure_dir(&self.root, 0o771)?;
        files::write_atomic(&path, pem.as_bytes(), 0o644)
    }

    /// Checks a downloaded certificate (signed by our CA, not revoked by our CRL, matching our key)
    /// and saves it, deleting the CSR. Errors name what does not match.
    pub fn save_certificate(&self, name: &str, pem: &str) -> Result<(), PkiError> {
        let path = self.cert_path(name);
        let info = cert::read_certificate(pem).map_err(|e| bad_file(&path, e))?;
        let cert_der = cert::pem_der(pem, "CERTIFICATE")?;
        let ca_path = self.ca_cert_path();
        let ca_pem = files::read(&ca_path)?;
        let ca_der = cert::pem_der(&ca_pem, "CERTIFICATE").map_err(|e| bad_file(&ca_path, e))?;
        let ca = cert::parse_cert(&ca_der).map_err(|e| bad_file(&ca_path, e))?;
        if !cert::verify_cert_signed_by(&cert_der, ca.public_key().raw)? {
            return Err(PkiError::Crypto(format!(
                "The certificate for 'CN={}' was not issued by the CA in {} ({}); it names issuer 'CN={}'",
                info.subject_cn,
                ca_path.display(),
                ca.subject(),
                info.issuer_cn
            )));
        }
        if let Some(crl_pem) = files::read_optional(&self.crl_path())? {
            if cert::is_revoked(pem, &crl_pem, &ca_pem).map_err(|e| bad_file(&self.crl_path(), e))? {
                return Err(PkiError::Crypto(format!(
                    "The certificate for 'CN={}' (serial {}) is revoked by {}",
                    info.subject_cn,
                    info.serial.map(|s| s.to_string()).unwrap_or_default(),
                    self.crl_path().display()
                )));
            }
        }
        let key = self.load_key(name)?;
        if !issue::same_public_key(&info.spki_der, &issue::key_spki(&key)) {
            return Err(PkiError::Crypto(format!(
                "The certificate for 'CN={}' does not match its private key",
                info.subject_cn
            )));
        }
        files::ensure_dir(&self.root.join("certs"), 0o755)?;
        files::write_atomic(&path, pem.as_bytes(), 0o644)?;
        files::remove(&self.csr_path(name))?;
        Ok(())
    }

    /// Checks that the files present belong together: the key matches the cert, the cert was issued
    /// by `certs/ca.pem`, `crl.pem` was issued by `certs/ca.pem`, a pending CSR matches the key. On a
    /// mismatch (a stale ssldir from another certname or CA), the error names exactly which files
    /// to remove. Absent files are not an error: the agent fetches or creates them.
    pub fn check_consistency(&self, name: &str) -> Result<(), PkiError> {
        let root = self.root.display();
        let key_path = self.key_path(name);
        let cert_path = self.cert_path(name);
        let ca_path = self.ca_cert_path();
        let crl_path = self.crl_path();
        let csr_path = self.csr_path(name);
        let inconsistent = |what: String, remove: &[&Path]| {
            let files: Vec<String> = remove.iter().map(|p| p.display().to_string()).collect();
            PkiError::BadFile {
                path: self.root.clone(),
                message: format!(
                    "ssldir {root} holds {what}; remove {}, or the whole ssldir, then run again",
                    files.join(" and ")
                ),
            }
        };

        let key_pem = files::read_optional(&key_path)?;
        let key = match &key_pem {
            Some(pem) => Some(issue::load_key(pem).map_err(|e| {
                inconsistent(format!("an unreadable private key for {name} ({e})"), &[&key_path])
            })?),
            None => None,
        };
        let ca_pem = files::read_optional(&ca_path)?;
        let ca_der = match &ca_pem {
            Some(pem) => Some(cert::pem_der(pem, "CERTIFICATE").map_err(|e| {
                inconsistent(format!("an unreadable CA certificate ({e})"), &[&ca_path, &crl_path])
            })?),
            None => None,
        };
        let ca = match &ca_der {
            Some(der) => Some(cert::parse_cert(der).map_err(|e| {
                inconsistent(format!("an unreadable CA certificate ({e})"), &[&ca_path, &crl_path])
            })?),
            None => None,
        };

        if let (Some(crl_pem), Some(ca)) = (files::read_optional(&crl_path)?, &ca) {
            let crl_der = cert::pem_der(&crl_pem, "X509 CRL")
                .map_err(|e| inconsistent(format!("an unreadable CRL ({e})"), &[&crl_path]))?;
            let crl = cert::parse_crl(&crl_der)
                .map_err(|e| inconsistent(format!("an unreadable CRL ({e})"), &[&crl_path]))?;
            if crl.verify_signature(ca.public_key()).is_err() {
                return Err(inconsistent(
                    format!(
                        "a CRL from another CA (CRL issuer {}, ca.pem is {})",
                        crl.issuer(),
                        ca.subject()
                    ),
                    &[&crl_path],
                ));
            }
        }

        if let Some(cert_pem) = files::read_optional(&cert_path)? {
            let cert_der = cert::pem_der(&cert_pem, "CERTIFICATE").map_err(|e| {
                inconsistent(format!("an unreadable certificate for {name} ({e})"), &[&cert_path])
            })?;
            let info = cert::cert_info_from_der(&cert_der).map_err(|e| {
                inconsistent(format!("an unreadable certificate for {name} ({e})"), &[&cert_path])
            })?;
            if info.subject_cn != name {
                return Err(inconsistent(
                    format!("a certificate for '{}' in the place of {name}'s", info.subject_cn),
                    &[&cert_path],
                ));
            }
            match &key {
                None => {
                    return Err(inconsistent(
                        format!("a certificate for {name} but no private key {}", key_path.display()),
                        &[&cert_path],
                    ))
                }
                Some(key) if !issue::same_public_key(&info.spki_der, &issue::key_spki(key)) => {
                    return Err(PkiError::BadFile {
                        path: self.root.clone(),
                        message: format!(
                            "ssldir {root} holds a certificate for {name} that does not match its private key \
                             {} (certificate fingerprint {}); remove {} and clean {name} on the CA \
                             (`bunraku cert clean {name}`), or remove the whole ssldir, then run again",
                            key_path.display(),
                            info.fingerprint,
                            cert_path.display()
                        ),
                    });
                }
                Some(_) => {}
            }
            if let Some(ca) = &ca {
                if !cert::verify_cert_signed_by(&cert_der, ca.public_key().raw)? {
                    return Err(inconsistent(
                        format!(
                            "a certificate for {name} from another CA (issuer 'CN={}', ca.pem is '{}')",
                            info.issuer_cn,
                            ca.subject()
                        ),
                        &[&cert_path, &ca_path, &crl_path],
                    ));
                }
            }
        }

        if let (Some(csr_pem), Some(key)) = (files::read_optional(&csr_path)?, &key) {
            let matches = cert::read_csr(&csr_pem)
                .map(|info| issue::same_public_key(&info.spki_der, &issue::key_spki(key)))
                .unwrap_or(false);
            if !matches {
                return Err(inconsistent(
                    format!("a certificate request for {name} that does not match its private key"),
                    &[&csr_path],
                ));
            }
        }
        Ok(())
    }

    /// The node's private key as rcgen's key pair.
    pub(crate) fn load_key(&self, name: &str) -> Result<rcgen::KeyPair, PkiError> {
        let path = self.key_path(name);
        match files::read_optional(&path)? {
            Some(pem) => issue::load_key(&pem).map_err(|e| bad_file(&path, e)),
            None => Err(PkiError::NotFound(format!("no private key for {name} at {}", path.display()))),
        }
    }
}

fn bad_file(path: &Path, e: PkiError) -> PkiError {
    PkiError::BadFile { path: path.to_path_buf(), message: e.to_string() }
}
