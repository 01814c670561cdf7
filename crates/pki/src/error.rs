//! Errors of the PKI, each naming the file or certname involved.

use std::path::PathBuf;

/// What can go wrong in the CA or an ssldir. The `Display` text is what a user (or, for the
/// `Request*` variants, an HTTP client as a 400/404/409 body) sees.
#[derive(Debug, thiserror::Error)]
pub enum PkiError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path}: {message}")]
    BadFile { path: PathBuf, message: String },
    /// A CSR that must be refused with 400 (duplicate, name mismatch, bad name, bad PEM, …).
    #[error("{0}")]
    BadRequest(String),
    /// Nothing known under that name (404).
    #[error("{0}")]
    NotFound(String),
    /// The request conflicts with the certificate's state (409), e.g. signing without a CSR.
    #[error("{0}")]
    Conflict(String),
    #[error("crypto: {0}")]
    Crypto(String),
}

impl PkiError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        PkiError::Io { path: path.into(), source }
    }
}
