//! The run listener of `listen = true` (Puppet 2.6–3.x's `puppet kick` endpoint, kept as in the seed):
//! mutual-TLS HTTPS on `puppetport` with the node's own certificate, accepting
//! `PUT /<environment>/run/<name>` (Puppet 3's URL scheme) and `PUT /puppet/v3/run/<name>`, each
//! authorized by the legacy `auth.conf` (`path /run`, `method save`, `allow HOST-GLOB`).
//!
//! The listener only asks for a run: [`RunTrigger`] decides whether one starts ("success") or one is
//! already going ("running"); the run itself happens in the daemon's loop, never on the listener's
//! threads.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use bunraku_pki::{tls, PeerIdentity, SslDir};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioExecutor, TokioIo};
use serde_json::json;
use tokio_rustls::TlsAcceptor;

use crate::authconf::{AuthConfig, Method, Requester};

/// Why the listener could not start.
#[derive(Debug, thiserror::Error)]
pub enum ListenerError {
    /// Puppet 3 refused to listen without an explicit authorization policy.
    #[error("Will not start without authorization file {0}")]
    NoAuthConf(PathBuf),
    #[error(transparent)]
    AuthConf(#[from] crate::authconf::AuthConfError),
    #[error(transparent)]
    Pki(#[from] bunraku_pki::PkiError),
    #[error("Could not listen on {addr}: {source}")]
    Bind { addr: String, source: std::io::Error },
}

/// A run requested over the network: the `options` of Puppet's `Puppet::Run`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KickRequest {
    /// Only apply resources with these tags (empty: all).
    pub tags: Vec<String>,
    pub ignoreschedules: bool,
    /// The requester's certname, for the log.
    pub requester: String,
    /// `--noop` (or `--no-noop`) for this run only (orchestration's `puppet runonce noop=…`).
    pub noop: Option<bool>,
    /// Another environment for this run only.
    pub environment: Option<String>,
}

/// What the agent answered: a run was triggered, or one is already in progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KickAnswer {
    Success,
    Running,
}

impl KickAnswer {
    /// The `status` of the answer's `Puppet::Run`.
    pub fn as_str(self) -> &'static str {
        match self {
            KickAnswer::Success => "success",
            KickAnswer::Running => "running",
        }
    }
}

/// Starts a run (or says one is already going). Called from the listener's threads, so it must
/// return at once.
pub type RunTrigger = Arc<dyn Fn(KickRequest) -> KickAnswer + Send + Sync>;

/// Where and as whom the listener serves.
#[derive(Debug, Clone)]
pub struct ListenerConfig {
    /// `bindaddress`: `*` (all addresses) or an address.
    pub bindaddress: String,
    pub puppetport: u16,
    pub ssldir: PathBuf,
    pub certname: String,
    /// `rest_authconfig` (`$confdir/auth.conf`).
    pub authconf: PathBuf,
}

/// Binds the listener and serves it on the current tokio runtime; returns the bound address. The
/// server task runs until the runtime shuts down.
pub async fn start(cfg: &ListenerConfig, trigger: RunTrigger) -> Result<SocketAddr, ListenerError> {
    if !cfg.authconf.exists() {
        return Err(ListenerError::NoAuthConf(cfg.authconf.clone()));
    }
    // Parsed now so that a broken file stops the start; re-read per request so edits apply.
    AuthConfig::load(&cfg.authconf)?;
    let ssl = SslDir::new(&cfg.ssldir);
    let acceptor = TlsAcceptor::from(tls::server_config(&ssl, &cfg.certname)?);
    let host = match cfg.bindaddress.as_str() {
        "*" | "" => "0.0.0.0",
        other => other,
    };
    let addr = format!("{host}:{}", cfg.puppetport);
    let listener = tokio::net::TcpListener::bind(&addr)
        .await
        .map_err(|source| ListenerError::Bind { addr: addr.clone(), source })?;
    let local = listener.local_addr().map_err(|source| ListenerError::Bind { addr, source })?;
    let authconf = Arc::new(cfg.authconf.clone());
    tokio::spawn(async move {
        loop {
            let (tcp, remote) = match listener.accept().await {
                Ok(c) => c,
                Err(e) => {
                    tracing::warn!("Could not accept a connection: {e}");
                    continue;
                }
            };
            let acceptor = acceptor.clone();
            let trigger = trigger.clone();
            let authconf = authconf.clone();
            tokio::spawn(async move { serve(tcp, remote, acceptor, trigger, authconf).await });
        }
    });
    Ok(local)
}

async fn serve(
    tcp: tokio::net::TcpStream,
    remote: SocketAddr,
    acceptor: TlsAcceptor,
    trigger: RunTrigger,
    authconf: Arc<PathBuf>,
) {
    let timeout = std::time::Duration::from_secs(30);
    let stream = match tokio::time::timeout(timeout, acceptor.accept(tcp)).await {
        Ok(Ok(s)) => s,
        Ok(Err(e)) => {
            tracing::warn!("TLS handshake with {remote} failed: {e}");
            return;
        }
        Err(_) => return,
    };
    let peer = stream
        .get_ref()
        .1
        .peer_certificates()
        .and_then(|c| c.first())
        .and_then(|der| PeerIdentity::from_certificate(der).ok())
        .map(|p| p.certname);
    let service = hyper::service::service_fn(move |req: Request<hyper::body::Incoming>| {
        let trigger = trigger.clone();
        let authconf = authconf.clone();
        let peer = peer.clone();
        async move { Ok::<_, std::convert::Infallible>(handle(req, remote, peer, &trigger, &authconf).await) }
    });
    let builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
    if let Err(e) = builder.serve_connection(TokioIo::new(stream), service).await {
        tracing::debug!("connection from {remote} ended: {e}");
    }
}

/// The Puppet 3 indirection path of a run request (`/run/<name>`), or `None` for anything else.
pub fn run_path(url_path: &str) -> Option<String> {
    let parts: Vec<&str> = url_path.trim_start_matches('/').split('/').collect();
    match parts.as_slice() {
        ["puppet", "v3", "run", name] | [_, "run", name] if !name.is_empty() => Some(format!("/run/{name}")),
        _ => None,
    }
}

/// The `options` of a `Puppet::Run` body; Puppet 3 also accepted them flat.
pub fn parse_run_body(body: &[u8]) -> Result<KickRequest, String> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(KickRequest::default());
    }
    let v: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| format!("Invalid run request: {e}"))?;
    let opts = v.get("options").unwrap_or(&v);
    let tags = match opts.get("tags") {
        Some(serde_json::Value::Array(a)) => a.iter().filter_map(|t| t.as_str().map(String::from)).collect(),
        Some(serde_json::Value::String(s)) => s.split(',').map(str::trim).map(String::from).collect(),
        _ => Vec::new(),
    };
    let ignoreschedules = opts.get("ignoreschedules").and_then(|b| b.as_bool()).unwrap_or(false);
    Ok(KickRequest { tags, ignoreschedules, requester: String::new(), ..KickRequest::default() })
}

async fn handle(
    req: Request<hyper::body::Incoming>,
    remote: SocketAddr,
    peer: Option<String>,
    trigger: &RunTrigger,
    authconf: &Path,
) -> Response<Body> {
    let method = req.method().as_str().to_string();
    let Some(path) = run_path(req.uri().path()) else {
        return error(StatusCode::NOT_FOUND, &format!("No handler for {}", req.uri().path()));
    };
    let who = Requester { certname: peer.as_deref(), ip: remote.ip() };
    let decision = AuthConfig::load(authconf)
        .map_err(|e| e.to_string())
        .and_then(|conf| conf.check(&path, Method::from_http(&method), &who));
    if let Err(message) = decision {
        tracing::warn!("{message}");
        return error(StatusCode::FORBIDDEN, &message);
    }
    if method != "PUT" && method != "POST" {
        return error(StatusCode::METHOD_NOT_ALLOWED, &format!("Method {method} not allowed for {path}"));
    }
    let body = match axum::body::to_bytes(Body::new(req.into_body()), 1 << 20).await {
        Ok(b) => b,
        Err(e) => return error(StatusCode::BAD_REQUEST, &e.to_string()),
    };
    let mut request = match parse_run_body(&body) {
        Ok(r) => r,
        Err(e) => return error(StatusCode::BAD_REQUEST, &e),
    };
    request.requester = peer.clone().unwrap_or_else(|| remote.ip().to_string());
    let options = json!({"tags": request.tags, "ignoreschedules": request.ignoreschedules});
    let answer = trigger(request);
    let body = json!({"options": options, "background": true, "status": answer.as_str()});
    Response::builder()
        .status(StatusCode::OK)
        .header("Content-Type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap_or_default()
}

fn error(status: StatusCode, message: &str) -> Response<Body> {
    let kind = if status == StatusCode::FORBIDDEN { "FORBIDDEN" } else { "RUNTIME_ERROR" };
    Response::builder()
        .status(status)
        .header("Content-Type", "application/json")
        .body(Body::from(json!({"message": message, "issue_kind": kind}).to_string()))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_paths_of_both_url_schemes() {
        assert_eq!(run_path("/production/run/node2").as_deref(), Some("/run/node2"));
        assert_eq!(run_path("/puppet/v3/run/node2").as_deref(), Some("/run/node2"));
        assert_eq!(run_path("/production/catalog/node2"), None);
        assert_eq!(run_path("/production/run/"), None);
    }

    #[test]
    fn run_bodies_nested_flat_and_empty() {
        let r = parse_run_body(
            br#"{"options":{"tags":["web"],"ignoreschedules":true},"background":true,"status":null}"#,
        )
        .unwrap();
        assert_eq!((r.tags, r.ignoreschedules), (vec!["web".to_string()], true));
        let r = parse_run_body(br#"{"tags":"a,b"}"#).unwrap();
        assert_eq!(r.tags, vec!["a", "b"]);
        assert_eq!(parse_run_body(b"").unwrap(), KickRequest::default());
        assert!(parse_run_body(b"{").is_err());
    }
}
