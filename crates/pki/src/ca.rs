//! The certificate authority in `cadir`, as puppetserver 7 keeps it.
//!
//! Layout: `ca_crt.pem`, `ca_key.pem` (0640), `ca_pub.pem`, `ca_crl.pem`, `serial` (the NEXT serial,
//! uppercase hex, at least 4 digits), `inventory.txt`, `requests/<name>.pem`, `signed/<name>.pem`.
//! There is no separate record of revocations: a certificate is revoked when its serial is in
//! `ca_crl.pem`, and `revoke` keeps `signed/<name>.pem` so `list` can show it.
//!
//! Every mutating operation holds an exclusive lock on `cadir/.lock` and every file is replaced
//! atomically, so the master and `bunraku cert` (another process) can share one cadir; nothing is
//! cached in memory between calls.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::files::{self, DirLock};
use crate::{cert, issue, Autosign, PkiError};

/// Puppet's default `ca_ttl`: five years.
pub const DEFAULT_TTL: Duration = Duration::from_secs(157_680_000);
/// Puppet's default `keylength`.
pub const DEFAULT_KEYLENGTH: u32 = 4096;

const SAN_OID: &str = "2.5.29.17";
/// Extensions a CSR may carry that the CA ignores (it sets its own): keyUsage, extendedKeyUsage,
/// basicConstraints, subjectKeyIdentifier.
const IGNORED_CSR_EXTENSIONS: &[&str] = &["2.5.29.15", "2.5.29.37", "2.5.29.19", "2.5.29.14"];

/// Where a certname stands with the CA.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CertState {
    Requested,
    Signed,
    Revoked,
}

impl CertState {
    /// The lowercase word puppetserver uses (`requested`, `signed`, `revoked`).
    pub fn as_str(self) -> &'static str {
        match self {
            CertState::Requested => "requested",
            CertState::Signed => "signed",
            CertState::Revoked => "revoked",
        }
    }
}

impl std::fmt::Display for CertState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One entry of `cert list`: what puppetserver's `certificate_status` API returns. Serialized with
/// serde, it is that API's JSON (a requested CSR has no serial or validity).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CertStatus {
    pub name: String,
    pub state: CertState,
    /// SHA-256 fingerprint of the CSR (requested) or certificate, `AB:CD:…`.
    pub fingerprint: String,
    /// `SHA1`, `SHA256`, `SHA512` and `default` (= SHA256) fingerprints.
    pub fingerprints: BTreeMap<String, String>,
    /// `DNS:x`, `IP:y` entries.
    pub dns_alt_names: Vec<String>,
    /// The same entries; puppetserver reports both keys.
    pub subject_alt_names: Vec<String>,
    /// Puppet authorization extensions (OID arc `.3`) by short name, e.g. `pp_cli_auth` → `true`.
    pub authorization_extensions: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub serial_number: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_before: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
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
    allow_subject_alt_names: bool,
    allow_authorization_extensions: bool,
    allow_duplicate_certs: bool,
}

/// How a signing is asked for: the checks differ for the master's own certificate.
struct SignRequest<'a> {
    name: &'a str,
    ttl: Duration,
    /// The master's own certificate: `pp_cli_auth`, and its configured alt names are trusted.
    server: bool,
}

impl CertificateAuthority {
    /// Opens the CA in `cadir`, creating it (key, self-signed cert `CN=<ca_name>`, CRL, serial,
    /// inventory) if it does not exist yet, logging each step as Puppet does.
    ///
    /// `ca_name` is the whole CN, Puppet's `ca_name` setting (default `Puppet CA: <certname>`).
    /// `ttl` is `ca_ttl` (used for the CA and every certificate it signs), `keylength` the RSA size.
    pub fn open_or_create(
        cadir: &Path,
        ca_name: &str,
        ttl: Duration,
        keylength: u32,
    ) -> Result<Self, PkiError> {
        let ca = CertificateAuthority::with_settings(cadir, ttl, keylength);
        files::ensure_dir(cadir, 0o750)?;
        let _lock = ca.lock()?;
        files::ensure_dir(&ca.requests_dir(), 0o755)?;
        files::ensure_dir(&ca.signed_dir(), 0o755)?;
        if ca.path("ca_crt.pem").exists() {
            ca.load_ca()?;
            if !ca.path("ca_crl.pem").exists() {
                tracing::debug!("Creating a new certificate revocation list");
                let (ca_pem, key) = ca.load_ca()?;
                let crl = issue::build_crl(&ca_pem, &key, 0, &[], true)?;
                files::write_atomic(&ca.path("ca_crl.pem"), crl.as_bytes(), 0o644)?;
            }
            return Ok(ca);
        }
        ca.create(ca_name)?;
        Ok(ca)
    }

    /// Opens an existing CA; errors if `cadir` holds none. Uses Puppet's default `ca_ttl` and
    /// `keylength` (see [`CertificateAuthority::with_ttl`]).
    pub fn open(cadir: &Path) -> Result<Self, PkiError> {
        let ca = CertificateAuthority::with_settings(cadir, DEFAULT_TTL, DEFAULT_KEYLENGTH);
        if !ca.path("ca_crt.pem").exists() {
            return Err(PkiError::NotFound(format!(
                "no CA in {}: {} does not exist",
                cadir.display(),
                ca.path("ca_crt.pem").display()
            )));
        }
        ca.load_ca()?;
        Ok(ca)
    }

    fn with_settings(cadir: &Path, ttl: Duration, keylength: u32) -> Self {
        CertificateAuthority {
            cadir: cadir.to_path_buf(),
            ttl,
            keylength,
            allow_subject_alt_names: false,
            allow_authorization_extensions: false,
            allow_duplicate_certs: false,
        }
    }

    /// Sets the validity of the certificates signed from now on (`ca_ttl`).
    pub fn with_ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl;
        self
    }

    /// puppetserver's `allow-subject-alt-names` (default false): whether CSRs asking for names beyond
    /// `DNS:<certname>` may be signed.
    pub fn with_allow_subject_alt_names(mut self, allow: bool) -> Self {
        self.allow_subject_alt_names = allow;
        self
    }

    /// puppetserver's `allow-authorization-extensions` (default false): whether CSRs may carry
    /// `pp_authorization`/`pp_auth_role` (`pp_cli_auth` is never accepted from a CSR).
    pub fn with_allow_authorization_extensions(mut self, allow: bool) -> Self {
        self.allow_authorization_extensions = allow;
        self
    }

    /// Puppet's `allow_duplicate_certs` (default false): a new CSR replaces what the CA holds for
    /// the name instead of being refused.
    pub fn with_allow_duplicate_certs(mut self, allow: bool) -> Self {
        self.allow_duplicate_certs = allow;
        self
    }

    /// The directory the CA lives in.
    pub fn cadir(&self) -> &Path {
        &self.cadir
    }

    /// The CA certificate (PEM).
    pub fn ca_cert_pem(&self) -> Result<String, PkiError> {
        files::read(&self.path("ca_crt.pem"))
    }

    /// The current CRL (PEM).
    pub fn crl_pem(&self) -> Result<String, PkiError> {
        files::read(&self.path("ca_crl.pem"))
    }

    /// When the CRL last changed, for `If-Modified-Since` on `certificate_revocation_list/ca`.
    pub fn crl_modified(&self) -> Result<std::time::SystemTime, PkiError> {
        let path = self.path("ca_crl.pem");
        std::fs::metadata(&path).and_then(|m| m.modified()).map_err(|e| PkiError::io(path, e))
    }

    /// The CA certificate's notAfter (`2031-11-26T05:02:05UTC`), for `GET /expirations`.
    pub fn ca_not_after(&self) -> Result<String, PkiError> {
        Ok(cert::read_certificate(&self.ca_cert_pem()?)?.not_after)
    }

    /// Accepts a CSR for `name` (the `PUT /puppet-ca/v1/certificate_request/<name>` checks, in
    /// puppetserver's order), and signs it at once when `autosign` allows.
    ///
    /// Every refusal is [`PkiError::BadRequest`] (HTTP 400), including a CSR that autosign would
    /// sign but that fails the signing checks (it is then left pending, as puppetserver does).
    pub fn submit_csr(
        &self,
        name: &str,
        csr_pem: &str,
        autosign: &Autosign,
    ) -> Result<SubmitOutcome, PkiError> {
        check_path_name(name)?;
        let info = cert::read_csr(csr_pem).map_err(|e| {
            PkiError::BadRequest(format!("Could not read the certificate request for {name}: {e}"))
        })?;
        {
            let _lock = self.lock()?;
            if let Some(state) = self.state_of(name)? {
                if !self.allow_duplicate_certs {
                    return Err(PkiError::BadRequest(format!(
                        "{name} already has a {state} certificate; ignoring certificate request"
                    )));
                }
                tracing::info!("{name} already has a {state} certificate; new certificate will overwrite it");
            }
            if info.subject_cn != name {
                return Err(PkiError::BadRequest(format!(
                    "Instance name \"{}\" does not match requested key \"{name}\"",
                    info.subject_cn
                )));
            }
            check_certname(name)?;
            if !info.signature_valid {
                return Err(PkiError::BadRequest(format!(
                    "CSR for {name} contains a public key that does not correspond to the signing key"
                )));
            }
            files::write_atomic(&self.request_path(name), csr_pem.as_bytes(), 0o644)?;
        }
        // The decision may run a policy executable: not under the lock, which would stall the CA.
        if !autosign.allows(name, csr_pem) {
            tracing::info!("{name} has a waiting certificate request");
            return Ok(SubmitOutcome::Pending);
        }
        let _lock = self.lock()?;
        // Another process may have signed or replaced it meanwhile: sign only the CSR we judged.
        match files::read_optional(&self.request_path(name))? {
            Some(current) if current == csr_pem => {}
            _ => return Ok(SubmitOutcome::Pending),
        }
        let request = SignRequest { name, ttl: self.ttl, server: false };
        match self.sign_locked(&request) {
            Ok(()) => Ok(SubmitOutcome::Signed),
            Err(PkiError::Conflict(message)) => Err(PkiError::BadRequest(message)),
            Err(e) => Err(e),
        }
    }

    /// A pending CSR (PEM), for `GET certificate_request/<name>`.
    pub fn csr_pem(&self, name: &str) -> Result<String, PkiError> {
        check_path_name(name)?;
        files::read_optional(&self.request_path(name))?
            .ok_or_else(|| PkiError::NotFound(format!("Could not find certificate_request {name}")))
    }

    /// A signed certificate (PEM); `NotFound` when not signed. `ca` is the CA certificate, as the
    /// `GET certificate/ca` endpoint serves it.
    pub fn certificate_pem(&self, name: &str) -> Result<String, PkiError> {
        if name == "ca" {
            return self.ca_cert_pem();
        }
        check_path_name(name)?;
        files::read_optional(&self.signed_path(name))?
            .ok_or_else(|| PkiError::NotFound(format!("Could not find certificate {name}")))
    }

    /// Signs the pending CSR of `name`. `Conflict` (409) when there is a certificate but no CSR or
    /// the CSR fails the checks, `NotFound` (404) when there is neither.
    pub fn sign(&self, name: &str) -> Result<(), PkiError> {
        self.sign_with_ttl(name, None)
    }

    /// Signs with a validity other than `ca_ttl` (the status API's `cert_ttl`, in seconds).
    pub fn sign_with_ttl(&self, name: &str, ttl: Option<Duration>) -> Result<(), PkiError> {
        check_path_name(name)?;
        let _lock = self.lock()?;
        self.sign_locked(&SignRequest { name, ttl: ttl.unwrap_or(self.ttl), server: false })
    }

    /// Signs every pending CSR; returns the names signed. A CSR that fails the checks is left
    /// pending with a warning, so one bad request does not block the others.
    pub fn sign_all(&self) -> Result<Vec<String>, PkiError> {
        let _lock = self.lock()?;
        let mut signed = Vec::new();
        for name in self.names_in(&self.requests_dir())? {
            match self.sign_locked(&SignRequest { name: &name, ttl: self.ttl, server: false }) {
                Ok(()) => signed.push(name),
                Err(e) => tracing::warn!("Could not sign {name}: {e}"),
            }
        }
        Ok(signed)
    }

    /// Revokes the signed certificate of `name` (adds its serial to the CRL, reason keyCompromise).
    /// Revoking a revoked certificate changes nothing.
    pub fn revoke(&self, name: &str) -> Result<(), PkiError> {
        check_path_name(name)?;
        let _lock = self.lock()?;
        if !self.signed_path(name).exists() {
            if self.request_path(name).exists() {
                return Err(PkiError::Conflict(format!(
                    "Cannot revoke certificate for host {name} without a signed certificate"
                )));
            }
            return Err(PkiError::NotFound(format!("Could not find certificate {name}")));
        }
        self.revoke_locked(name)
    }

    /// Revokes (when signed) and deletes everything the CA holds for `name`.
    pub fn clean(&self, name: &str) -> Result<(), PkiError> {
        check_path_name(name)?;
        let _lock = self.lock()?;
        let signed = self.signed_path(name);
        let request = self.request_path(name);
        if !signed.exists() && !request.exists() {
            return Err(PkiError::NotFound(format!("Could not find certificate {name}")));
        }
        if signed.exists() {
            self.revoke_locked(name)?;
            files::remove(&signed)?;
            tracing::info!("Removing file Puppet::SSL::Certificate {name} at '{}'", signed.display());
        }
        if files::remove(&request)? {
            tracing::info!("Removing file Puppet::SSL::CertificateRequest {name} at '{}'", request.display());
        }
        Ok(())
    }

    /// Deletes the certificate and CSR of `name` without revoking (`DELETE certificate_status`).
    pub fn delete(&self, name: &str) -> Result<(), PkiError> {
        check_path_name(name)?;
        let _lock = self.lock()?;
        let removed_cert = files::remove(&self.signed_path(name))?;
        let removed_csr = files::remove(&self.request_path(name))?;
        if !removed_cert && !removed_csr {
            return Err(PkiError::NotFound("Resource not found.".to_string()));
        }
        Ok(())
    }

    /// Deletes the pending CSR of `name` (`DELETE certificate_request/<name>`).
    pub fn delete_csr(&self, name: &str) -> Result<(), PkiError> {
        check_path_name(name)?;
        let _lock = self.lock()?;
        if !files::remove(&self.request_path(name))? {
            return Err(PkiError::NotFound(format!("Could not find certificate_request {name}")));
        }
        Ok(())
    }

    /// Every pending, signed and revoked name, sorted by name.
    pub fn list(&self) -> Result<Vec<CertStatus>, PkiError> {
        let revoked = self.revoked_serials()?;
        let mut out = Vec::new();
        for name in self.names_in(&self.requests_dir())? {
            match self.csr_status(&name) {
                Ok(s) => out.push(s),
                Err(e) => tracing::warn!("Skipping the request of {name}: {e}"),
            }
        }
        for name in self.names_in(&self.signed_dir())? {
            match self.cert_status(&name, &revoked) {
                Ok(s) => out.push(s),
                Err(e) => tracing::warn!("Skipping the certificate of {name}: {e}"),
            }
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// The status of one name (its certificate when signed, else its CSR).
    pub fn status(&self, name: &str) -> Result<CertStatus, PkiError> {
        check_path_name(name)?;
        if self.signed_path(name).exists() {
            return self.cert_status(name, &self.revoked_serials()?);
        }
        if self.request_path(name).exists() {
            return self.csr_status(name);
        }
        Err(PkiError::NotFound(format!("Could not find certificate {name}")))
    }

    /// Issues a key and certificate for the master itself into `ssldir` (key, cert, `certs/ca.pem`,
    /// `crl.pem`), with `pp_cli_auth` and SAN `DNS:puppet, DNS:<certname>` or `dns_alt_names`.
    /// Does nothing if the master's certificate already exists and belongs to this CA (beyond
    /// refreshing `certs/ca.pem` and `crl.pem`).
    pub fn ensure_server_certificate(
        &self,
        ssldir: &crate::SslDir,
        certname: &str,
        dns_alt_names: &[String],
    ) -> Result<(), PkiError> {
        check_path_name(certname)?;
        let _lock = self.lock()?;
        let (ca_pem, _ca_key) = self.load_ca()?;
        let ca_der = cert::pem_der(&ca_pem, "CERTIFICATE")?;
        let ca_spki = cert::parse_cert(&ca_der)?.public_key().raw.to_vec();
        let crl_pem = self.crl_pem()?;

        if let Some(existing) = files::read_optional(&ssldir.cert_path(certname))? {
            let ours = cert::pem_der(&existing, "CERTIFICATE")
                .and_then(|der| cert::verify_cert_signed_by(&der, &ca_spki))
                .unwrap_or(false);
            let matches_key = match (cert::read_certificate(&existing), ssldir.load_key(certname)) {
                (Ok(info), Ok(key)) => issue::same_public_key(&info.spki_der, &issue::key_spki(&key)),
                _ => false,
            };
            if ours && matches_key {
                ssldir.save_ca_cert(&ca_pem)?;
                ssldir.save_crl(&crl_pem)?;
                return Ok(());
            }
        }

        ssldir.ensure_key(certname, self.keylength)?;
        let key = ssldir.load_key(certname)?;
        let mut alt_names: Vec<String> =
            if dns_alt_names.is_empty() { vec!["puppet".to_string()] } else { dns_alt_names.to_vec() };
        alt_names.push(certname.to_string());
        tracing::debug!("Creating a new SSL certificate request for {certname}");
        let sans = server_sans(&alt_names)?;
        let csr_pem = issue::build_csr(&key, certname, &alt_names)?;
        tracing::debug!("Certificate Request fingerprint (SHA256): {}", cert::csr_fingerprint(&csr_pem)?);
        files::write_atomic(&self.request_path(certname), csr_pem.as_bytes(), 0o644)?;
        tracing::info!("{certname} has a waiting certificate request");
        self.sign_with_sans(&SignRequest { name: certname, ttl: self.ttl, server: true }, Some(sans))?;

        let cert_pem = files::read(&self.signed_path(certname))?;
        ssldir.save_ca_cert(&ca_pem)?;
        ssldir.save_crl(&crl_pem)?;
        ssldir.save_certificate(certname, &cert_pem)?;
        Ok(())
    }

    // ---- internals ----

    fn path(&self, file: &str) -> PathBuf {
        self.cadir.join(file)
    }
    fn requests_dir(&self) -> PathBuf {
        self.cadir.join("requests")
    }
    fn signed_dir(&self) -> PathBuf {
        self.cadir.join("signed")
    }
    fn request_path(&self, name: &str) -> PathBuf {
        self.requests_dir().join(format!("{name}.pem"))
    }
    fn signed_path(&self, name: &str) -> PathBuf {
        self.signed_dir().join(format!("{name}.pem"))
    }

    fn lock(&self) -> Result<DirLock, PkiError> {
        DirLock::acquire(&self.path(".lock"))
    }

    fn create(&self, ca_name: &str) -> Result<(), PkiError> {
        let key_path = self.path("ca_key.pem");
        let key = match files::read_optional(&key_path)? {
            // A creation interrupted after the key was written: keep the key.
            Some(pem) => issue::load_key(&pem).map_err(|e| bad_file(&key_path, e))?,
            None => {
                tracing::debug!("Creating a new SSL key for ca");
                let key = issue::generate_key(self.keylength)?;
                files::write_atomic(&key_path, key.serialize_pem().as_bytes(), 0o640)?;
                key
            }
        };
        files::write_atomic(&self.path("ca_pub.pem"), key.public_key_pem().as_bytes(), 0o644)?;
        tracing::debug!("Creating a new SSL certificate request for ca");
        let ca_pem = issue::build_ca_cert(&key, ca_name, self.ttl, 1)?;
        tracing::info!("Signed certificate request for ca");
        files::write_atomic(&self.path("serial"), format_serial(2).as_bytes(), 0o644)?;
        tracing::info!("Rebuilding inventory file");
        let info = cert::read_certificate(&ca_pem)?;
        files::write_atomic(&self.path("inventory.txt"), inventory_line(&info).as_bytes(), 0o644)?;
        tracing::debug!("Creating a new certificate revocation list");
        let crl = issue::build_crl(&ca_pem, &key, 0, &[], true)?;
        files::write_atomic(&self.path("ca_crl.pem"), crl.as_bytes(), 0o644)?;
        // The certificate last: its presence is what marks the CA as created.
        files::write_atomic(&self.path("ca_crt.pem"), ca_pem.as_bytes(), 0o644)?;
        Ok(())
    }

    /// The CA certificate and key, checked to belong together.
    fn load_ca(&self) -> Result<(String, rcgen::KeyPair), PkiError> {
        let cert_path = self.path("ca_crt.pem");
        let key_path = self.path("ca_key.pem");
        let ca_pem = files::read(&cert_path)?;
        let info = cert::read_certificate(&ca_pem).map_err(|e| bad_file(&cert_path, e))?;
        let key = issue::load_key(&files::read(&key_path)?).map_err(|e| bad_file(&key_path, e))?;
        if !issue::same_public_key(&info.spki_der, &issue::key_spki(&key)) {
            return Err(PkiError::BadFile {
                path: key_path,
                message: format!("the CA key does not match the CA certificate {}", cert_path.display()),
            });
        }
        Ok((ca_pem, key))
    }

    fn state_of(&self, name: &str) -> Result<Option<CertState>, PkiError> {
        if self.request_path(name).exists() {
            return Ok(Some(CertState::Requested));
        }
        let Some(pem) = files::read_optional(&self.signed_path(name))? else {
            return Ok(None);
        };
        let serial = cert::read_certificate(&pem).ok().and_then(|i| i.serial);
        let revoked = serial.is_some_and(|s| self.revoked_serials().is_ok_and(|r| r.contains(&s)));
        Ok(Some(if revoked { CertState::Revoked } else { CertState::Signed }))
    }

    fn revoked_serials(&self) -> Result<Vec<u64>, PkiError> {
        let path = self.path("ca_crl.pem");
        match files::read_optional(&path)? {
            Some(pem) => cert::crl_revoked_serials(&pem).map_err(|e| bad_file(&path, e)),
            None => Ok(Vec::new()),
        }
    }

    fn next_serial(&self) -> Result<u64, PkiError> {
        let path = self.path("serial");
        let text = files::read(&path)?;
        u64::from_str_radix(text.trim(), 16).map_err(|_| PkiError::BadFile {
            path: path.clone(),
            message: format!("'{}' is not a hexadecimal serial number", text.trim()),
        })
    }

    fn sign_locked(&self, request: &SignRequest<'_>) -> Result<(), PkiError> {
        self.sign_with_sans(request, None)
    }

    /// Signs `requests/<name>.pem`. `server_sans` replaces the CSR's alt names for the master's own
    /// certificate (which the CA trusts, being its own configuration).
    fn sign_with_sans(
        &self,
        request: &SignRequest<'_>,
        server_sans: Option<Vec<rcgen::SanType>>,
    ) -> Result<(), PkiError> {
        let name = request.name;
        let request_path = self.request_path(name);
        let Some(csr_pem) = files::read_optional(&request_path)? else {
            if self.signed_path(name).exists() {
                return Err(PkiError::Conflict(format!(
                    "Cannot sign certificate for host {name} without a certificate request"
                )));
            }
            return Err(PkiError::NotFound(format!("Could not find certificate request for {name}")));
        };
        let info = cert::read_csr(&csr_pem)
            .map_err(|e| PkiError::Conflict(format!("The certificate request of {name} is invalid: {e}")))?;
        if !info.signature_valid {
            return Err(PkiError::Conflict(format!(
                "CSR for {name} contains a public key that does not correspond to the signing key"
            )));
        }
        let sans = match server_sans {
            Some(sans) => sans,
            None => self.checked_sans(name, &info.dns_alt_names)?,
        };
        let copied_extensions = self.checked_extensions(name, &info.requested_extensions)?;

        let (ca_pem, ca_key) = self.load_ca()?;
        let serial = self.next_serial()?;
        // The serial file first: a crash after it never reuses a serial.
        files::write_atomic(&self.path("serial"), format_serial(serial + 1).as_bytes(), 0o644)?;
        let profile = issue::LeafProfile {
            certname: name.to_string(),
            serial,
            ttl: request.ttl,
            sans,
            copied_extensions,
            cli_auth: request.server,
        };
        let cert_pem = issue::build_leaf_cert(&info.spki_der, &profile, &ca_pem, &ca_key)?;
        let cert_info = cert::read_certificate(&cert_pem)?;
        files::write_atomic(&self.signed_path(name), cert_pem.as_bytes(), 0o644)?;
        self.append_inventory(&cert_info)?;
        tracing::info!("Signed certificate request for {name}");
        files::remove(&request_path)?;
        tracing::info!(
            "Removing file Puppet::SSL::CertificateRequest {name} at '{}'",
            request_path.display()
        );
        Ok(())
    }

    /// The SAN of an agent certificate: `DNS:<name>` plus the requested names the settings allow.
    fn checked_sans(&self, name: &str, requested: &[String]) -> Result<Vec<rcgen::SanType>, PkiError> {
        let own = format!("DNS:{name}");
        let extra: Vec<&String> = requested.iter().filter(|n| **n != own).collect();
        if let Some(wild) = extra.iter().find(|n| n.contains('*')) {
            return Err(PkiError::Conflict(format!(
                "CSR '{name}' subject alternative name contains a wildcard, which is not allowed: {wild}"
            )));
        }
        if !extra.is_empty() && !self.allow_subject_alt_names {
            let list: Vec<&str> = extra.iter().map(|s| s.as_str()).collect();
            return Err(PkiError::Conflict(format!(
                "CSR '{name}' contains subject alternative names ({}), which are disallowed. To allow subject \
                 alternative names, set allow-subject-alt-names to true in your ca.conf file. Then restart the \
                 puppetserver and try signing this certificate again.",
                list.join(", ")
            )));
        }
        let extra: Vec<String> = extra.into_iter().cloned().collect();
        issue::san_list(name, &extra).map_err(|e| PkiError::Conflict(format!("CSR '{name}': {e}")))
    }

    /// The CSR extensions to copy into the certificate (Puppet's `.1` and `.2` arcs, `.3` when
    /// allowed); anything else refuses the CSR.
    fn checked_extensions(
        &self,
        name: &str,
        requested: &[(String, bool, Vec<u8>)],
    ) -> Result<Vec<issue::CopiedExtension>, PkiError> {
        let mut copied = Vec::new();
        let mut refused = Vec::new();
        for (oid, critical, value) in requested {
            if oid == SAN_OID || IGNORED_CSR_EXTENSIONS.contains(&oid.as_str()) {
                continue;
            }
            let arc = oid.strip_prefix(cert::PUPPET_OID_ARC).and_then(|r| r.strip_prefix('.'));
            let allowed = match arc {
                Some(rest) if rest.starts_with("1.") || rest.starts_with("2.") => true,
                Some(rest) if rest.starts_with("3.") => {
                    if oid == cert::PP_CLI_AUTH_OID || !self.allow_authorization_extensions {
                        return Err(PkiError::Conflict(format!(
                            "CSR '{name}' contains an authorization extension, which is disallowed. To allow \
                             authorization extensions, set allow-authorization-extensions to true in your \
                             ca.conf file. Then restart the puppetserver and try signing this certificate again."
                        )));
                    }
                    true
                }
                _ => false,
            };
            if !allowed {
                refused.push(oid.clone());
                continue;
            }
            let components: Option<Vec<u64>> = oid.split('.').map(|c| c.parse().ok()).collect();
            match components {
                Some(oid) => {
                    copied.push(issue::CopiedExtension { oid, critical: *critical, value: value.clone() })
                }
                None => refused.push(oid.clone()),
            }
        }
        if !refused.is_empty() {
            return Err(PkiError::Conflict(format!(
                "Found extensions that are not permitted: {}",
                refused.join(", ")
            )));
        }
        Ok(copied)
    }

    fn append_inventory(&self, info: &cert::CertInfo) -> Result<(), PkiError> {
        let path = self.path("inventory.txt");
        let mut text = files::read_optional(&path)?.unwrap_or_default();
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(&inventory_line(info));
        files::write_atomic(&path, text.as_bytes(), 0o644)
    }

    fn revoke_locked(&self, name: &str) -> Result<(), PkiError> {
        let signed = self.signed_path(name);
        let cert_pem = files::read(&signed)?;
        let der = cert::pem_der(&cert_pem, "CERTIFICATE").map_err(|e| bad_file(&signed, e))?;
        let parsed = cert::parse_cert(&der).map_err(|e| bad_file(&signed, e))?;
        let serial_bytes = parsed.raw_serial().to_vec();
        let serial = cert::serial_from_bytes(&serial_bytes);
        let crl_path = self.path("ca_crl.pem");
        let crl_pem = files::read(&crl_path)?;
        let mut entries = issue::revoked_entries(&crl_pem).map_err(|e| bad_file(&crl_path, e))?;
        let strip = |b: &[u8]| b.iter().copied().skip_while(|x| *x == 0).collect::<Vec<u8>>();
        if entries.iter().any(|e| strip(&e.serial_bytes) == strip(&serial_bytes)) {
            return Ok(());
        }
        entries.push(issue::Revoked {
            serial_bytes,
            revoked_at_unix: issue::unix_now(),
            reason: Some(rcgen::RevocationReason::KeyCompromise),
        });
        let number = cert::crl_number(&crl_pem).map_err(|e| bad_file(&crl_path, e))? + 1;
        let (ca_pem, ca_key) = self.load_ca()?;
        let crl = issue::build_crl(&ca_pem, &ca_key, number, &entries, false)?;
        files::write_atomic(&crl_path, crl.as_bytes(), 0o644)?;
        let serial_text =
            serial.map(|s| format!("{s}")).unwrap_or_else(|| hex::encode_upper(strip(parsed.raw_serial())));
        tracing::info!("Revoked certificate for {name} with serial {serial_text}");
        Ok(())
    }

    fn names_in(&self, dir: &Path) -> Result<Vec<String>, PkiError> {
        let entries = match std::fs::read_dir(dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(PkiError::io(dir, e)),
        };
        let mut names = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| PkiError::io(dir, e))?;
            let file = entry.file_name();
            let Some(file) = file.to_str() else { continue };
            if file.starts_with('.') {
                continue;
            }
            if let Some(name) = file.strip_suffix(".pem") {
                names.push(name.to_string());
            }
        }
        names.sort();
        Ok(names)
    }

    fn csr_status(&self, name: &str) -> Result<CertStatus, PkiError> {
        let path = self.request_path(name);
        let info = cert::read_csr(&files::read(&path)?).map_err(|e| bad_file(&path, e))?;
        Ok(CertStatus {
            name: name.to_string(),
            state: CertState::Requested,
            fingerprint: info.fingerprint,
            fingerprints: info.fingerprints,
            dns_alt_names: info.dns_alt_names.clone(),
            subject_alt_names: info.dns_alt_names,
            authorization_extensions: auth_extensions(&info.extensions),
            serial_number: None,
            not_before: None,
            not_after: None,
        })
    }

    fn cert_status(&self, name: &str, revoked: &[u64]) -> Result<CertStatus, PkiError> {
        let path = self.signed_path(name);
        let info = cert::read_certificate(&files::read(&path)?).map_err(|e| bad_file(&path, e))?;
        let state = match info.serial {
            Some(s) if revoked.contains(&s) => CertState::Revoked,
            _ => CertState::Signed,
        };
        Ok(CertStatus {
            name: name.to_string(),
            state,
            fingerprint: info.fingerprint,
            fingerprints: info.fingerprints,
            dns_alt_names: info.dns_alt_names.clone(),
            subject_alt_names: info.dns_alt_names,
            authorization_extensions: auth_extensions(&info.extensions),
            serial_number: info.serial,
            not_before: Some(info.not_before),
            not_after: Some(info.not_after),
        })
    }
}

fn auth_extensions(extensions: &[(String, String)]) -> BTreeMap<String, String> {
    extensions.iter().filter(|(k, _)| cert::is_auth_extension(k)).cloned().collect()
}

fn server_sans(alt_names: &[String]) -> Result<Vec<rcgen::SanType>, PkiError> {
    let mut out = Vec::new();
    for alt in alt_names {
        let san = issue::san_entry(alt)?;
        if !out.contains(&san) {
            out.push(san);
        }
    }
    Ok(out)
}

/// The `serial` file's content: uppercase hex, at least 4 digits.
fn format_serial(n: u64) -> String {
    format!("{n:04X}")
}

/// `0x0002 2026-11-26T05:02:05UTC 2031-11-26T05:02:05UTC /CN=vm`
fn inventory_line(info: &cert::CertInfo) -> String {
    let serial = info.serial.unwrap_or(0);
    format!("0x{serial:04X} {} {} /CN={}\n", info.not_before, info.not_after, info.subject_cn)
}

/// Refuses names that would escape `requests/` or `signed/` before any path is built from them.
fn check_path_name(name: &str) -> Result<(), PkiError> {
    if name.is_empty() || name == "." || name == ".." || name.contains(['/', '\\', '\0']) {
        return Err(PkiError::BadRequest(format!("Certificate name '{name}' is invalid")));
    }
    Ok(())
}

/// puppetserver's certname rules: lower case, no wildcard, and the hostname pattern
/// `^([a-z0-9](?:(?:[a-z0-9\-_]*|(?<!-)\.(?![\-.]))*[a-z0-9]+)?)$` (written out by hand because the
/// `regex` crate has no look-around).
fn check_certname(name: &str) -> Result<(), PkiError> {
    if name.chars().any(|c| c.is_ascii_uppercase()) {
        return Err(PkiError::BadRequest("Certificate names must be lower case.".to_string()));
    }
    if name.contains('*') {
        return Err(PkiError::BadRequest(format!(
            "Subject contains a wildcard, which is not allowed: {name}"
        )));
    }
    if !hostname_format_ok(name) {
        return Err(PkiError::BadRequest(format!("Subject hostname format is invalid: {name}")));
    }
    Ok(())
}

fn hostname_format_ok(name: &str) -> bool {
    let bytes = name.as_bytes();
    let alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    if bytes.is_empty() || !alnum(bytes[0]) || !alnum(bytes[bytes.len() - 1]) {
        return false;
    }
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'.' => {
                // Not after '-', not before '-' or '.'.
                if bytes[i - 1] == b'-' || matches!(bytes.get(i + 1), Some(b'-') | Some(b'.')) {
                    return false;
                }
            }
            b'-' | b'_' => {}
            b if alnum(b) => {}
            _ => return false,
        }
    }
    true
}

fn bad_file(path: &Path, e: PkiError) -> PkiError {
    PkiError::BadFile { path: path.to_path_buf(), message: e.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certname_rules() {
        for ok in ["vm", "a", "agent1.example.com", "a-b.c_d", "node01"] {
            assert!(check_certname(ok).is_ok(), "{ok}");
        }
        for bad in ["Agent", "*.x", "", "-a", "a_", "a-.b", "a.-b", "a..b", "a.", "a b", "a/b", "é1"] {
            assert!(check_certname(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn serial_format() {
        assert_eq!(format_serial(3), "0003");
        assert_eq!(format_serial(0x1ABCD), "1ABCD");
    }
}
