//! The agent's side of Puppet's HTTP API: mutual TLS, Puppet's headers, Puppet's error bodies.

use std::sync::Arc;
use std::time::Duration;

use reqwest::blocking::{Client, RequestBuilder, Response};
use reqwest::StatusCode;

/// A request to the master that did not succeed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The master answered with an error status; `message` is its `message` (JSON) or body text.
    #[error("Error {status} on SERVER: {message}")]
    Status { status: u16, message: String },
    #[error("{url}: {source}")]
    Transport { url: String, source: reqwest::Error },
    #[error("{0}")]
    Tls(String),
}

impl ClientError {
    /// The HTTP status, when the master answered at all.
    pub fn status(&self) -> Option<u16> {
        match self {
            ClientError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// An HTTPS client for one master (`host:port`), presenting the node's certificate when it has one.
pub struct MasterClient {
    http: Client,
    base: String,
}

/// Puppet sends these on every request; puppetserver uses `X-Puppet-Version` to pick behaviours.
/// How many `Retry-After` answers a request waits out (Puppet's `retry_limit`).
const RETRY_AFTER_LIMIT: u32 = 100;
/// The longest wait one `Retry-After` gets (Puppet caps it at `runinterval`, 30 min by default).
const RETRY_AFTER_MAX: Duration = Duration::from_secs(1800);

/// `Retry-After`: seconds, or an HTTP date (how long from now; 0 when past).
pub fn retry_after_seconds(value: &str) -> Option<u64> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(secs);
    }
    let when = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    Some((when.timestamp() - chrono::Utc::now().timestamp()).max(0) as u64)
}

const USER_AGENT: &str = concat!("Bunraku/", env!("CARGO_PKG_VERSION"), " (Puppet/7.23.0 compatible)");

impl MasterClient {
    /// A client with the given rustls configuration (see `bunraku_pki::tls`).
    pub fn new(host: &str, port: u16, tls: Arc<rustls::ClientConfig>) -> Result<MasterClient, ClientError> {
        MasterClient::with_address(host, port, tls, None)
    }

    /// Like [`MasterClient::new`], connecting to `address` instead of what `host` resolves to (the
    /// certificate is still checked against `host`), as curl's `--resolve`.
    pub fn with_address(
        host: &str,
        port: u16,
        tls: Arc<rustls::ClientConfig>,
        address: Option<std::net::IpAddr>,
    ) -> Result<MasterClient, ClientError> {
        let mut builder = Client::builder();
        if let Some(ip) = address {
            builder = builder.resolve(host, std::net::SocketAddr::new(ip, port));
        }
        let http = builder
            .use_preconfigured_tls((*tls).clone())
            .user_agent(USER_AGENT)
            .timeout(Duration::from_secs(120))
            .pool_idle_timeout(Duration::from_secs(4))
            .build()
            .map_err(|e| ClientError::Tls(e.to_string()))?;
        Ok(MasterClient { http, base: format!("https://{host}:{port}") })
    }

    /// The `https://host:port` this client talks to.
    pub fn base(&self) -> &str {
        &self.base
    }

    fn request(&self, method: reqwest::Method, path: &str, accept: &str) -> RequestBuilder {
        self.http
            .request(method, format!("{}{}", self.base, path))
            .header("X-Puppet-Version", bunraku_model::PUPPET_VERSION)
            .header("Accept", accept)
    }

    fn send(&self, req: RequestBuilder, path: &str) -> Result<Response, ClientError> {
        // A master that is too busy answers 503 (or 429) with `Retry-After`: wait that long (at
        // most `RETRY_AFTER_MAX`) and ask again, up to 100 times, as Puppet 7's agent does.
        let mut retries = 0;
        let mut pending = Some(req);
        let resp = loop {
            let current = pending.take().expect("a request to send");
            let again = current.try_clone();
            let resp = current.send().map_err(|source| match tls_failure(&source) {
                Some(message) => ClientError::Tls(format!("{}{}: {message}", self.base, path)),
                None => ClientError::Transport { url: format!("{}{}", self.base, path), source },
            })?;
            let busy = matches!(resp.status().as_u16(), 429 | 503);
            let delay = resp
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(retry_after_seconds);
            match (busy, delay, again) {
                (true, Some(secs), Some(again)) if retries < RETRY_AFTER_LIMIT => {
                    retries += 1;
                    let wait = Duration::from_secs(secs).min(RETRY_AFTER_MAX);
                    tracing::info!(
                        "{}{} answered {}; retrying in {} seconds",
                        self.base,
                        path,
                        resp.status().as_u16(),
                        wait.as_secs()
                    );
                    std::thread::sleep(wait);
                    pending = Some(again);
                }
                _ => break resp,
            }
        };
        if resp.status().is_success() || resp.status() == StatusCode::NOT_MODIFIED {
            return Ok(resp);
        }
        let status = resp.status().as_u16();
        let text = resp.text().unwrap_or_default();
        // puppetserver's error bodies are `{"message": …, "issue_kind": …}`; the CA answers plain text.
        let message = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| v.get("message").and_then(|m| m.as_str()).map(str::to_string))
            .unwrap_or(text);
        Err(ClientError::Status { status, message })
    }

    /// `GET` returning text (PEM and the like).
    pub fn get_text(&self, path: &str) -> Result<String, ClientError> {
        let resp = self.send(self.request(reqwest::Method::GET, path, "text/plain"), path)?;
        resp.text().map_err(|source| ClientError::Transport { url: path.into(), source })
    }

    /// `GET` returning JSON.
    pub fn get_json<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<T, ClientError> {
        let resp =
            self.send(self.request(reqwest::Method::GET, path, "application/json, text/pson"), path)?;
        resp.json().map_err(|source| ClientError::Transport { url: path.into(), source })
    }

    /// `GET` returning raw bytes (`file_content`).
    pub fn get_bytes(&self, path: &str) -> Result<Vec<u8>, ClientError> {
        let resp = self.send(self.request(reqwest::Method::GET, path, "application/octet-stream"), path)?;
        resp.bytes().map(|b| b.to_vec()).map_err(|source| ClientError::Transport { url: path.into(), source })
    }

    /// `HEAD`: whether the resource exists (2xx), is missing (404), or an error.
    pub fn exists(&self, path: &str) -> Result<bool, ClientError> {
        match self.send(self.request(reqwest::Method::HEAD, path, "application/octet-stream"), path) {
            Ok(_) => Ok(true),
            Err(ClientError::Status { status: 404, .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// `PUT` of raw bytes (a file into the master's filebucket).
    pub fn put_bytes(&self, path: &str, body: Vec<u8>) -> Result<(), ClientError> {
        let req = self
            .request(reqwest::Method::PUT, path, "application/octet-stream")
            .header("Content-Type", "application/octet-stream")
            .body(body);
        self.send(req, path).map(|_| ())
    }

    /// `PUT` of a text body (CSR submission).
    pub fn put_text(&self, path: &str, body: String) -> Result<(), ClientError> {
        let req = self
            .request(reqwest::Method::PUT, path, "text/plain")
            .header("Content-Type", "text/plain")
            .body(body);
        self.send(req, path).map(|_| ())
    }

    /// `PUT` of a JSON body (reports).
    pub fn put_json(&self, path: &str, body: String) -> Result<(), ClientError> {
        let req = self
            .request(reqwest::Method::PUT, path, "application/json, text/pson")
            .header("Content-Type", "application/json")
            .body(body);
        self.send(req, path).map(|_| ())
    }

    /// `PUT` of a JSON body, returning the JSON answer (a run request to an agent's listener).
    pub fn put_json_for_json(&self, path: &str, body: String) -> Result<serde_json::Value, ClientError> {
        let req = self
            .request(reqwest::Method::PUT, path, "application/json, text/pson")
            .header("Content-Type", "application/json")
            .body(body);
        let resp = self.send(req, path)?;
        resp.json().map_err(|source| ClientError::Transport { url: path.into(), source })
    }

    /// `POST` of a form body, returning JSON (the catalog request).
    pub fn post_form_json<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        form: String,
    ) -> Result<T, ClientError> {
        let req = self
            .request(
                reqwest::Method::POST,
                path,
                "application/vnd.puppet.rich+json, application/json, text/pson",
            )
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(form);
        let resp = self.send(req, path)?;
        resp.json().map_err(|source| ClientError::Transport { url: path.into(), source })
    }
}

/// Explains a TLS failure in terms of the files a user can act on, where Puppet only says
/// "certificate verify failed": the usual cause is an ssldir left over from another CA or certname.
fn tls_failure(err: &reqwest::Error) -> Option<String> {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = cause {
        if let Some(tls) = e.downcast_ref::<rustls::Error>() {
            return Some(match tls {
                rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer)
                | rustls::Error::InvalidCertificate(rustls::CertificateError::BadSignature) => format!(
                    "the server's certificate was not issued by the CA this node trusts ({tls}); \
                     if the master's CA was recreated, this node's ssldir is stale: remove its certs/ca.pem, \
                     crl.pem, certs/<certname>.pem and private_keys/<certname>.pem (or the whole ssldir) and run again"
                ),
                rustls::Error::InvalidCertificate(rustls::CertificateError::Revoked) => {
                    format!("the server's certificate is revoked ({tls})")
                }
                rustls::Error::InvalidCertificate(rustls::CertificateError::NotValidForName)
                | rustls::Error::InvalidCertificate(rustls::CertificateError::NotValidForNameContext { .. }) => {
                    format!(
                        "the server's certificate does not carry the name this node connects to ({tls}); \
                         use a `server` name listed in the master's dns_alt_names"
                    )
                }
                rustls::Error::AlertReceived(alert) => format!(
                    "the master refused this node's certificate (TLS alert: {alert:?}); if it was revoked, \
                     or issued by another CA, clean it on the CA (`bunraku cert clean <certname>`), remove this \
                     node's certs/<certname>.pem and private_keys/<certname>.pem, and run again"
                ),
                other => format!("TLS: {other}"),
            });
        }
        // `io::Error::source` skips the error it wraps, and hyper wraps rustls's error in two of them.
        cause = match e.downcast_ref::<std::io::Error>() {
            Some(io) => io.get_ref().map(|inner| inner as &(dyn std::error::Error + 'static)),
            None => e.source(),
        };
    }
    None
}

/// Percent-encodes a query or path component the way Puppet's `uri_query_encode` does.
pub fn encode(component: &str) -> String {
    const SET: &percent_encoding::AsciiSet =
        &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');
    percent_encoding::utf8_percent_encode(component, SET).to_string()
}

/// Percent-encodes a path keeping its `/` separators.
pub fn encode_path(path: &str) -> String {
    path.split('/').map(encode).collect::<Vec<_>>().join("/")
}

#[cfg(test)]
mod retry_after_tests {
    use super::retry_after_seconds;

    #[test]
    fn seconds_or_http_dates() {
        assert_eq!(retry_after_seconds("120"), Some(120));
        assert_eq!(retry_after_seconds(" 0 "), Some(0));
        assert_eq!(retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT"), Some(0));
        let later = (chrono::Utc::now() + chrono::Duration::seconds(90)).to_rfc2822();
        let secs = retry_after_seconds(&later).unwrap();
        assert!((88..=90).contains(&secs), "{secs}");
        assert_eq!(retry_after_seconds("soon"), None);
    }
}
