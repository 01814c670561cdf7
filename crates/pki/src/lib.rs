//! Bunraku's PKI, laid out on disk exactly as Puppet 7 lays it out.
//!
//! * [`ca`]: the certificate authority (`cadir`: `ca_crt.pem`, `ca_key.pem`, `ca_crl.pem`, `serial`,
//!   `inventory.txt`, `requests/`, `signed/`): creating it, accepting CSRs, signing, revoking, cleaning.
//! * [`autosign`]: the `autosign` setting (`true`/`false`, a whitelist file of globs, an executable).
//! * [`ssldir`]: a node's own ssldir (`certs/ca.pem`, `certs/<name>.pem`, `private_keys/`, `crl.pem`,
//!   `certificate_requests/`): key generation, CSR creation, checks that the files belong together.
//! * [`cert`]: reading certificates, CSRs and CRLs (fingerprints, names, serials, validity, Puppet
//!   extensions), shared by the CA, the ssldir and the `bunraku cert` CLI.
//! * [`tls`]: rustls configurations for the master (client certificates optional, CRL-checked) and the
//!   agent (server verified against the pinned CA and CRL), and the identity of a verified peer.

pub mod autosign;
pub mod ca;
pub mod cert;
pub mod error;
pub mod ssldir;
pub mod tls;

/// Atomic writes with Puppet's modes and the cadir lock.
mod files;
/// Building keys, CSRs, certificates and CRLs in Puppet's profile (rcgen).
mod issue;

pub use autosign::Autosign;
pub use ca::{CertState, CertStatus, CertificateAuthority, SubmitOutcome};
pub use error::PkiError;
pub use ssldir::SslDir;
pub use tls::PeerIdentity;
