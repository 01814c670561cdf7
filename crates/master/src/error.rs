//! Errors: [`MasterError`] for starting and serving, [`ApiError`] for one HTTP request.
//!
//! `ApiError` renders the way puppetserver does, because agents print our bodies to their users:
//! `/puppet/v3` errors are JSON `{"message","issue_kind"}` with `application/json;charset=utf-8`,
//! CA errors and auth denials are `text/plain`.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// Why the master could not start or stopped serving.
#[derive(Debug, thiserror::Error)]
pub enum MasterError {
    /// The CA or the master's own certificate could not be created or read.
    #[error("PKI: {0}")]
    Pki(#[from] bunraku_pki::PkiError),
    /// Binding the listening socket failed (port in use, permissions).
    #[error("could not listen on {addr}: {source}")]
    Bind { addr: std::net::SocketAddr, source: std::io::Error },
    /// Any other I/O failure, with what was being done.
    #[error("{context}: {source}")]
    Io { context: String, source: std::io::Error },
    /// The configuration cannot work (e.g. not the CA and no certificate in ssldir).
    #[error("configuration: {0}")]
    Config(String),
    /// A blocking start-up task panicked or was cancelled.
    #[error("start-up task failed: {0}")]
    Task(String),
}

/// How an error body is encoded: JSON for `/puppet/v3`, plain text for the CA and auth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorFormat {
    Json,
    Text,
}

/// A failed request, rendered as puppetserver renders it.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
    /// `RUNTIME_ERROR`, `RESOURCE_NOT_FOUND`, … (JSON bodies only).
    pub issue_kind: &'static str,
    pub format: ErrorFormat,
}

impl ApiError {
    /// A JSON error with puppetserver's `"Bad Request: "`-style prefix added to `message`.
    pub fn json(status: StatusCode, issue_kind: &'static str, message: impl AsRef<str>) -> Self {
        let prefix = status.canonical_reason().unwrap_or("Error");
        ApiError {
            status,
            message: format!("{prefix}: {}", message.as_ref()),
            issue_kind,
            format: ErrorFormat::Json,
        }
    }

    /// `400 Bad Request: …` as JSON.
    pub fn bad_request(message: impl AsRef<str>) -> Self {
        Self::json(StatusCode::BAD_REQUEST, "RUNTIME_ERROR", message)
    }

    /// `404 Not Found: …` as JSON, for a missing resource (file, node, …).
    pub fn not_found(message: impl AsRef<str>) -> Self {
        Self::json(StatusCode::NOT_FOUND, "RESOURCE_NOT_FOUND", message)
    }

    /// `500 Server Error: …` as JSON.
    pub fn internal(message: impl AsRef<str>) -> Self {
        ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            message: format!("Server Error: {}", message.as_ref()),
            issue_kind: "RUNTIME_ERROR",
            format: ErrorFormat::Json,
        }
    }

    /// A plain-text error with the message as the whole body (CA endpoints, auth denials).
    pub fn text(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError { status, message: message.into(), issue_kind: "RUNTIME_ERROR", format: ErrorFormat::Text }
    }

    /// The CA's rendering of a PKI error: 400/404/409 with the message, 500 for I/O and crypto.
    pub fn from_pki(err: bunraku_pki::PkiError) -> Self {
        use bunraku_pki::PkiError;
        let status = match &err {
            PkiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            PkiError::NotFound(_) => StatusCode::NOT_FOUND,
            PkiError::Conflict(_) => StatusCode::CONFLICT,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        if status == StatusCode::INTERNAL_SERVER_ERROR {
            tracing::error!("CA error: {err}");
        }
        ApiError::text(status, err.to_string())
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status.as_u16(), self.message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self.format {
            ErrorFormat::Json => {
                let body = serde_json::json!({"message": self.message, "issue_kind": self.issue_kind});
                (self.status, [(header::CONTENT_TYPE, HeaderValue::from_static(JSON_UTF8))], body.to_string())
                    .into_response()
            }
            ErrorFormat::Text => {
                (self.status, [(header::CONTENT_TYPE, HeaderValue::from_static(TEXT))], self.message)
                    .into_response()
            }
        }
    }
}

/// The Content-Type of puppetserver's JSON error bodies.
pub const JSON_UTF8: &str = "application/json;charset=utf-8";
/// The Content-Type of JSON success bodies.
pub const JSON: &str = "application/json";
/// The Content-Type of PEM and other text bodies.
pub const TEXT: &str = "text/plain";
