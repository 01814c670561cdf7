//! Who sent a message, and whether to believe it.
//!
//! Every identity is a certificate our CA signed: a client signs each request with its Puppet key
//! and sends its certificate; a server verifies the certificate against the CA and the CRL, then the
//! signature, then the request's age and whether it has seen the request id before. Replies are
//! signed the same way by the server's own key.
//!
//! MCollective's `ssl` plugin is spoken too, because Debian's `mco` only speaks that: its requests
//! carry no certificate, only `callerid: cert=NAME` and an RSA/SHA-1 signature of the body, so a
//! server looks `NAME` up among the certificates our CA signed (a directory of them, filled from the
//! CA on first sight), which keeps revocation in force. MCollective's client checks every reply
//! against one shared server key, so a server that should answer such clients is given that key
//! (`ssl_server_private`); it signs only replies to requests that came without a certificate.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use aws_lc_rs::signature::{self, EcdsaKeyPair, KeyPair as _, RsaKeyPair, UnparsedPublicKey};
use base64::Engine as _;
use x509_parser::prelude::*;

#[derive(Debug, thiserror::Error, Clone, PartialEq)]
pub enum SecurityError {
    #[error("the certificate of {0} is not signed by our CA")]
    UnknownIssuer(String),
    #[error("the certificate of {0} is revoked")]
    Revoked(String),
    #[error("the certificate of {0} is not valid now (expired or not yet valid)")]
    Expired(String),
    #[error("the certificate is unreadable: {0}")]
    BadCertificate(String),
    #[error("the caller id {callerid} does not match its certificate ({certname})")]
    CallerMismatch { callerid: String, certname: String },
    #[error("the message is not signed")]
    Unsigned,
    #[error("invalid signature in a message from {0}")]
    BadSignature(String),
    #[error("no certificate is known for caller {0}")]
    UnknownCaller(String),
    #[error("request {id} created at {msgtime} is {age} seconds old, TTL is {ttl}")]
    Expired2 { id: String, msgtime: i64, age: i64, ttl: i64 },
    #[error("request {id} is dated {ahead} seconds in the future")]
    Future { id: String, ahead: i64 },
    #[error("request {0} was seen before (replay)")]
    Replay(String),
    #[error("the key cannot be used: {0}")]
    Key(String),
}

/// Base64 as Ruby's `Base64.encode64`: lines of 60 characters, each ending in a newline.
pub fn encode64(bytes: &[u8]) -> String {
    let flat = base64::engine::general_purpose::STANDARD.encode(bytes);
    let mut out = String::with_capacity(flat.len() + flat.len() / 60 + 1);
    for chunk in flat.as_bytes().chunks(60) {
        out.push_str(std::str::from_utf8(chunk).expect("base64 is ASCII"));
        out.push('\n');
    }
    out
}

pub fn decode64(text: &str) -> Option<Vec<u8>> {
    let clean: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    base64::engine::general_purpose::STANDARD.decode(clean).ok()
}

/// A private key that signs messages.
pub enum Signer {
    Rsa { fast: RsaKeyPair, legacy: Box<rsa::RsaPrivateKey> },
    Ecdsa(EcdsaKeyPair),
}

impl Signer {
    /// Reads a PEM private key: PKCS#8 (`PRIVATE KEY`, what Bunraku writes) or PKCS#1 (`RSA
    /// PRIVATE KEY`, what Puppet writes), RSA or EC P-256.
    pub fn from_pem(pem_text: &str) -> Result<Signer, SecurityError> {
        let block = ::pem::parse(pem_text).map_err(|e| SecurityError::Key(e.to_string()))?;
        let der = block.contents();
        match block.tag() {
            "RSA PRIVATE KEY" => {
                use rsa::pkcs1::DecodeRsaPrivateKey;
                let legacy =
                    rsa::RsaPrivateKey::from_pkcs1_der(der).map_err(|e| SecurityError::Key(e.to_string()))?;
                let fast = RsaKeyPair::from_der(der).map_err(|e| SecurityError::Key(e.to_string()))?;
                Ok(Signer::Rsa { fast, legacy: Box::new(legacy) })
            }
            "PRIVATE KEY" => {
                if let Ok(fast) = RsaKeyPair::from_pkcs8(der) {
                    use rsa::pkcs8::DecodePrivateKey;
                    let legacy = rsa::RsaPrivateKey::from_pkcs8_der(der)
                        .map_err(|e| SecurityError::Key(e.to_string()))?;
                    return Ok(Signer::Rsa { fast, legacy: Box::new(legacy) });
                }
                EcdsaKeyPair::from_pkcs8(&signature::ECDSA_P256_SHA256_ASN1_SIGNING, der)
                    .map(Signer::Ecdsa)
                    .map_err(|e| SecurityError::Key(format!("neither an RSA nor a P-256 key: {e}")))
            }
            "EC PRIVATE KEY" => {
                EcdsaKeyPair::from_private_key_der(&signature::ECDSA_P256_SHA256_ASN1_SIGNING, der)
                    .map(Signer::Ecdsa)
                    .map_err(|e| SecurityError::Key(e.to_string()))
            }
            other => Err(SecurityError::Key(format!("unsupported PEM block {other}"))),
        }
    }

    pub fn from_file(path: &Path) -> Result<Signer, SecurityError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| SecurityError::Key(format!("{}: {e}", path.display())))?;
        Self::from_pem(&text)
    }

    /// Bunraku's signature: SHA-256 (RSA PKCS#1 v1.5 or ECDSA), base64.
    pub fn sign(&self, text: &str) -> String {
        let rng = aws_lc_rs::rand::SystemRandom::new();
        let sig = match self {
            Signer::Rsa { fast, .. } => {
                let mut sig = vec![0; fast.public_modulus_len()];
                fast.sign(&signature::RSA_PKCS1_SHA256, &rng, text.as_bytes(), &mut sig)
                    .expect("RSA signing");
                sig
            }
            Signer::Ecdsa(k) => k.sign(&rng, text.as_bytes()).expect("ECDSA signing").as_ref().to_vec(),
        };
        base64::engine::general_purpose::STANDARD.encode(sig)
    }

    /// MCollective's `:hash`: RSA PKCS#1 v1.5 over SHA-1, `Base64.encode64`. Only RSA keys can.
    pub fn sign_legacy(&self, text: &str) -> Option<String> {
        match self {
            Signer::Rsa { legacy, .. } => {
                use rsa::signature::{SignatureEncoding, Signer as _};
                let key = rsa::pkcs1v15::SigningKey::<sha1::Sha1>::new(legacy.as_ref().clone());
                let sig = key.sign(text.as_bytes());
                Some(encode64(&sig.to_bytes()))
            }
            Signer::Ecdsa(_) => None,
        }
    }

    /// The public half as SubjectPublicKeyInfo's key bytes (what [`verify_with`] takes).
    pub fn public_key(&self) -> PublicKey {
        match self {
            Signer::Rsa { fast, .. } => PublicKey::Rsa(fast.public_key().as_ref().to_vec()),
            Signer::Ecdsa(k) => PublicKey::EcP256(k.public_key().as_ref().to_vec()),
        }
    }
}

/// A public key from a certificate or a PEM public key file.
#[derive(Debug, Clone, PartialEq)]
pub enum PublicKey {
    /// DER `RSAPublicKey`.
    Rsa(Vec<u8>),
    /// An uncompressed P-256 point.
    EcP256(Vec<u8>),
}

impl PublicKey {
    fn from_spki(spki: &SubjectPublicKeyInfo<'_>) -> Result<PublicKey, SecurityError> {
        let oid = spki.algorithm.algorithm.to_id_string();
        let data = spki.subject_public_key.data.to_vec();
        match oid.as_str() {
            "1.2.840.113549.1.1.1" => Ok(PublicKey::Rsa(data)),
            "1.2.840.10045.2.1" => Ok(PublicKey::EcP256(data)),
            other => Err(SecurityError::BadCertificate(format!("unsupported key algorithm {other}"))),
        }
    }

    /// A `PUBLIC KEY` (SubjectPublicKeyInfo) or `RSA PUBLIC KEY` PEM, or a certificate's key.
    pub fn from_pem(text: &str) -> Result<PublicKey, SecurityError> {
        let block = ::pem::parse(text).map_err(|e| SecurityError::Key(e.to_string()))?;
        match block.tag() {
            "PUBLIC KEY" => {
                let (_, spki) = SubjectPublicKeyInfo::from_der(block.contents())
                    .map_err(|e| SecurityError::Key(e.to_string()))?;
                Self::from_spki(&spki)
            }
            "RSA PUBLIC KEY" => Ok(PublicKey::Rsa(block.contents().to_vec())),
            "CERTIFICATE" => {
                let (_, cert) = X509Certificate::from_der(block.contents())
                    .map_err(|e| SecurityError::BadCertificate(e.to_string()))?;
                Self::from_spki(cert.public_key())
            }
            other => Err(SecurityError::Key(format!("unsupported PEM block {other}"))),
        }
    }

    /// Checks Bunraku's SHA-256 signature.
    pub fn verify(&self, text: &str, sig_b64: &str) -> bool {
        let Some(sig) = decode64(sig_b64) else { return false };
        match self {
            PublicKey::Rsa(k) => UnparsedPublicKey::new(&signature::RSA_PKCS1_2048_8192_SHA256, k)
                .verify(text.as_bytes(), &sig)
                .is_ok(),
            PublicKey::EcP256(k) => UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_ASN1, k)
                .verify(text.as_bytes(), &sig)
                .is_ok(),
        }
    }

    /// Checks MCollective's SHA-1 `:hash`.
    pub fn verify_legacy(&self, text: &str, sig_b64: &str) -> bool {
        let Some(sig) = decode64(sig_b64) else { return false };
        match self {
            PublicKey::Rsa(k) => {
                UnparsedPublicKey::new(&signature::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY, k)
                    .verify(text.as_bytes(), &sig)
                    .is_ok()
            }
            PublicKey::EcP256(_) => false,
        }
    }
}

/// A certificate our CA signed, checked.
#[derive(Debug, Clone)]
pub struct Verified {
    pub certname: String,
    pub key: PublicKey,
    serial: Vec<u8>,
    not_after: i64,
}

struct CrlState {
    path: Option<PathBuf>,
    modified: Option<SystemTime>,
    revoked: Vec<Vec<u8>>,
}

/// Our CA, its CRL and the certificates seen so far.
pub struct Trust {
    ca_key: Vec<u8>,
    ca_subject: String,
    crl: Mutex<CrlState>,
    /// Verified certificates by SHA-256 of their DER: each is checked against the CA once, and
    /// against the CRL on every use.
    cache: Mutex<HashMap<[u8; 32], Verified>>,
    /// Certificates of callers that send none (MCollective's `ssl` plugin), by certname.
    callers_dir: Option<PathBuf>,
}

fn strip_zeros(b: &[u8]) -> Vec<u8> {
    b.iter().copied().skip_while(|x| *x == 0).collect()
}

impl Trust {
    /// `ca_pem` is our CA's certificate; `crl_path` the CRL file to follow (reloaded when it
    /// changes, so the CRL an agent run fetches takes effect at once).
    pub fn new(
        ca_pem: &str,
        crl_path: Option<&Path>,
        callers_dir: Option<&Path>,
    ) -> Result<Trust, SecurityError> {
        let der = ::pem::parse(ca_pem).map_err(|e| SecurityError::BadCertificate(e.to_string()))?;
        let (_, ca) = X509Certificate::from_der(der.contents())
            .map_err(|e| SecurityError::BadCertificate(e.to_string()))?;
        let trust = Trust {
            ca_key: ca.public_key().raw.to_vec(),
            ca_subject: ca.subject().to_string(),
            crl: Mutex::new(CrlState {
                path: crl_path.map(Path::to_path_buf),
                modified: None,
                revoked: Vec::new(),
            }),
            cache: Mutex::new(HashMap::new()),
            callers_dir: callers_dir.map(Path::to_path_buf),
        };
        trust.refresh_crl();
        Ok(trust)
    }

    /// Rereads the CRL when its file changed. A CRL that is unreadable or not our CA's keeps the
    /// previous list (and says so), rather than forgetting revocations.
    pub fn refresh_crl(&self) {
        let mut st = self.crl.lock().expect("crl lock");
        let Some(path) = st.path.clone() else { return };
        let modified = std::fs::metadata(&path).and_then(|m| m.modified()).ok();
        if modified.is_none() || modified == st.modified {
            return;
        }
        match std::fs::read_to_string(&path) {
            Ok(text) => match self.parse_crl(&text) {
                Ok(list) => {
                    st.revoked = list;
                    st.modified = modified;
                }
                Err(e) => tracing::warn!("ignoring the CRL at {}: {e}", path.display()),
            },
            Err(e) => tracing::warn!("cannot read the CRL at {}: {e}", path.display()),
        }
    }

    fn parse_crl(&self, text: &str) -> Result<Vec<Vec<u8>>, String> {
        let mut revoked = Vec::new();
        for block in ::pem::parse_many(text).map_err(|e| e.to_string())? {
            if block.tag() != "X509 CRL" {
                continue;
            }
            let (_, crl) =
                CertificateRevocationList::from_der(block.contents()).map_err(|e| e.to_string())?;
            let (_, ca_spki) = SubjectPublicKeyInfo::from_der(&self.ca_key).map_err(|e| e.to_string())?;
            if crl.verify_signature(&ca_spki).is_err() {
                // A chain's other CRLs (an intermediate's) are not ours to apply.
                continue;
            }
            revoked.extend(crl.iter_revoked_certificates().map(|r| strip_zeros(r.raw_serial())));
        }
        Ok(revoked)
    }

    /// Checks a certificate (PEM) against the CA, its validity period and the CRL.
    pub fn verify_cert(&self, cert_pem: &str) -> Result<Verified, SecurityError> {
        let block = ::pem::parse(cert_pem).map_err(|e| SecurityError::BadCertificate(e.to_string()))?;
        let der = block.contents();
        let digest: [u8; 32] = {
            use sha2::Digest;
            sha2::Sha256::digest(der).into()
        };
        let now = chrono::Utc::now().timestamp();
        let cached = self.cache.lock().expect("cache lock").get(&digest).cloned();
        let verified = match cached {
            Some(v) => v,
            None => {
                let (_, cert) = X509Certificate::from_der(der)
                    .map_err(|e| SecurityError::BadCertificate(e.to_string()))?;
                let certname = cert
                    .subject()
                    .iter_common_name()
                    .next()
                    .and_then(|cn| cn.as_str().ok())
                    .unwrap_or("")
                    .to_string();
                let (_, ca_spki) = SubjectPublicKeyInfo::from_der(&self.ca_key)
                    .map_err(|e| SecurityError::BadCertificate(e.to_string()))?;
                if cert.issuer().to_string() != self.ca_subject
                    || cert.verify_signature(Some(&ca_spki)).is_err()
                {
                    return Err(SecurityError::UnknownIssuer(certname));
                }
                let v = Verified {
                    key: PublicKey::from_spki(cert.public_key())?,
                    serial: strip_zeros(cert.raw_serial()),
                    not_after: cert.validity().not_after.timestamp(),
                    certname,
                };
                if cert.validity().not_before.timestamp() > now + 300 {
                    return Err(SecurityError::Expired(v.certname));
                }
                let mut cache = self.cache.lock().expect("cache lock");
                if cache.len() > 100_000 {
                    cache.clear();
                }
                cache.insert(digest, v.clone());
                v
            }
        };
        if verified.not_after < now {
            return Err(SecurityError::Expired(verified.certname));
        }
        self.refresh_crl();
        if self.crl.lock().expect("crl lock").revoked.contains(&verified.serial) {
            return Err(SecurityError::Revoked(verified.certname));
        }
        Ok(verified)
    }

    /// The certificate of a caller that sent none, from the callers directory.
    pub fn caller_cert(&self, certname: &str) -> Result<Verified, SecurityError> {
        if certname.is_empty()
            || !certname.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
            || certname.starts_with('.')
        {
            return Err(SecurityError::UnknownCaller(certname.to_string()));
        }
        let dir =
            self.callers_dir.as_ref().ok_or_else(|| SecurityError::UnknownCaller(certname.to_string()))?;
        let text = std::fs::read_to_string(dir.join(format!("{certname}.pem")))
            .map_err(|_| SecurityError::UnknownCaller(certname.to_string()))?;
        let v = self.verify_cert(&text)?;
        if v.certname != certname {
            return Err(SecurityError::CallerMismatch {
                callerid: format!("cert={certname}"),
                certname: v.certname,
            });
        }
        Ok(v)
    }

    pub fn callers_dir(&self) -> Option<&Path> {
        self.callers_dir.as_deref()
    }
}

/// The certname in an MCollective caller id (`cert=NAME`).
pub fn callerid_certname(callerid: &str) -> Option<&str> {
    callerid.strip_prefix("cert=")
}

/// Refuses requests that are too old, from the future, or seen before within their TTL.
pub struct ReplayGuard {
    seen: Mutex<HashMap<String, i64>>,
    /// How far ahead of our clock a request may be dated.
    pub skew: i64,
}

impl Default for ReplayGuard {
    fn default() -> Self {
        ReplayGuard { seen: Mutex::new(HashMap::new()), skew: 30 }
    }
}

impl ReplayGuard {
    pub fn check(&self, requestid: &str, msgtime: i64, ttl: i64, now: i64) -> Result<(), SecurityError> {
        let age = now - msgtime;
        if age > ttl {
            return Err(SecurityError::Expired2 { id: requestid.to_string(), msgtime, age, ttl });
        }
        if -age > self.skew {
            return Err(SecurityError::Future { id: requestid.to_string(), ahead: -age });
        }
        let mut seen = self.seen.lock().expect("replay lock");
        if seen.len() > 10_000 {
            seen.retain(|_, expiry| *expiry >= now);
        }
        // A request id is remembered until its TTL (plus the allowed skew) has passed: after that
        // the age check refuses it anyway.
        let expiry = msgtime + ttl + self.skew;
        if seen.insert(requestid.to_string(), expiry).is_some_and(|e| e >= now) {
            return Err(SecurityError::Replay(requestid.to_string()));
        }
        Ok(())
    }
}
