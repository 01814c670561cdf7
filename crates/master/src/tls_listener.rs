//! The TLS side of the master: the rustls config (rebuilt when the CRL changes, so a certificate
//! revoked by `bunraku cert revoke` in another process fails its next handshake), and the accept
//! loop that hands each verified connection to hyper with the peer's identity attached.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, SystemTime};

use axum::Router;
use bunraku_pki::{CertificateAuthority, PeerIdentity, SslDir};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;

use crate::MasterError;

/// How long a client may take to complete its TLS handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(20);
/// How long a connection may wait for a request head (idle keep-alive included).
const IDLE_TIMEOUT: Duration = Duration::from_secs(30);
/// How long in-flight connections get to finish when the master shuts down.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

/// What a handler knows about the connection its request came on.
#[derive(Debug, Clone)]
pub struct ConnectionInfo {
    /// The verified client certificate's identity; `None` without one.
    pub peer: Option<PeerIdentity>,
    pub remote_addr: SocketAddr,
    pub local_addr: SocketAddr,
}

/// Identifies one version of the CRL file cheaply (a `stat`, no read).
#[derive(Debug, Clone, PartialEq, Eq)]
struct CrlStamp {
    modified: Option<SystemTime>,
    len: u64,
}

struct Current {
    stamp: Option<CrlStamp>,
    crl_pem: String,
    acceptor: TlsAcceptor,
}

/// The master's TLS configuration, kept in step with the CA's CRL.
pub(crate) struct TlsState {
    ssldir: SslDir,
    certname: String,
    ca: Option<Arc<CertificateAuthority>>,
    current: Mutex<Current>,
    revoked: RwLock<HashSet<u64>>,
}

impl TlsState {
    /// Builds the initial configuration from `ssldir` (and the CA's CRL when this master is the CA).
    pub(crate) fn new(
        ssldir: SslDir,
        certname: String,
        ca: Option<Arc<CertificateAuthority>>,
    ) -> Result<TlsState, MasterError> {
        let watched = watched_crl(&ssldir, ca.as_deref());
        let stamp = stamp(&watched);
        let crl_pem = read_crl(&ssldir, ca.as_deref())?;
        let acceptor = build_acceptor(&ssldir, &certname, &crl_pem)?;
        let revoked = crate::x509::parse_crl(&crl_pem).map(|i| i.revoked).unwrap_or_default();
        Ok(TlsState {
            ssldir,
            certname,
            ca,
            current: Mutex::new(Current { stamp, crl_pem, acceptor }),
            revoked: RwLock::new(revoked),
        })
    }

    /// Whether a certificate serial is on the current CRL (re-read first if the file changed, so a
    /// revocation also reaches keep-alive connections opened before it).
    pub(crate) fn is_revoked(&self, serial: u64) -> bool {
        self.refresh();
        self.revoked.read().map(|r| r.contains(&serial)).unwrap_or(false)
    }

    /// The acceptor for the next connection, rebuilt first when the CRL file changed.
    pub(crate) fn acceptor(&self) -> TlsAcceptor {
        self.refresh()
    }

    /// Rebuilds the configuration when the CRL file changed (a `stat` otherwise) and returns the
    /// current acceptor. A rebuild failure keeps the previous configuration (and says so) rather
    /// than refusing everyone.
    fn refresh(&self) -> TlsAcceptor {
        let watched = watched_crl(&self.ssldir, self.ca.as_deref());
        let now = stamp(&watched);
        let mut current = self.current.lock().unwrap_or_else(|p| p.into_inner());
        if now.is_some() && now == current.stamp {
            return current.acceptor.clone();
        }
        match self.rebuild(&current.crl_pem) {
            Ok(Some((crl_pem, acceptor))) => {
                tracing::info!("The CRL changed; reloaded the TLS configuration");
                current.crl_pem = crl_pem;
                current.acceptor = acceptor;
                current.stamp = now;
            }
            Ok(None) => current.stamp = now,
            Err(err) => tracing::error!("Could not reload the TLS configuration after a CRL change: {err}"),
        }
        current.acceptor.clone()
    }

    /// A new acceptor when the CRL's text differs from `old`, `None` when it does not.
    fn rebuild(&self, old: &str) -> Result<Option<(String, TlsAcceptor)>, MasterError> {
        let crl_pem = read_crl(&self.ssldir, self.ca.as_deref())?;
        if crl_pem == old {
            return Ok(None);
        }
        let acceptor = build_acceptor(&self.ssldir, &self.certname, &crl_pem)?;
        match crate::x509::parse_crl(&crl_pem) {
            Ok(info) => {
                if let Ok(mut revoked) = self.revoked.write() {
                    *revoked = info.revoked;
                }
            }
            Err(err) => tracing::warn!("Could not read the revoked serials of the CRL: {err}"),
        }
        Ok(Some((crl_pem, acceptor)))
    }
}

/// The CRL file whose changes matter: the CA's own when this master is the CA, else ssldir's.
fn watched_crl(ssldir: &SslDir, ca: Option<&CertificateAuthority>) -> PathBuf {
    match ca {
        Some(ca) => ca.cadir().join("ca_crl.pem"),
        None => ssldir.crl_path(),
    }
}

fn stamp(path: &std::path::Path) -> Option<CrlStamp> {
    let meta = std::fs::metadata(path).ok()?;
    Some(CrlStamp { modified: meta.modified().ok(), len: meta.len() })
}

fn read_crl(ssldir: &SslDir, ca: Option<&CertificateAuthority>) -> Result<String, MasterError> {
    match ca {
        Some(ca) => Ok(ca.crl_pem()?),
        None => std::fs::read_to_string(ssldir.crl_path()).map_err(|source| MasterError::Io {
            context: format!("reading {}", ssldir.crl_path().display()),
            source,
        }),
    }
}

/// The server config verifying clients against `crl_pem`: the CA's current CRL when this master
/// is the CA, else ssldir's `crl.pem` (which is what `crl_pem` was read from).
fn build_acceptor(ssldir: &SslDir, certname: &str, crl_pem: &str) -> Result<TlsAcceptor, MasterError> {
    let config = bunraku_pki::tls::server_config_with_crl(ssldir, certname, crl_pem)?;
    Ok(TlsAcceptor::from(config))
}

/// Accepts connections until `shutdown` flips, then gives in-flight requests time to finish.
pub(crate) async fn accept_loop(
    listener: TcpListener,
    tls: Arc<TlsState>,
    router: Router,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut connections = JoinSet::new();
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = shutdown.changed() => break,
        };
        while connections.try_join_next().is_some() {}
        let (tcp, remote_addr) = match accepted {
            Ok(pair) => pair,
            Err(err) => {
                // Out of file descriptors and the like: back off instead of spinning.
                tracing::warn!("accept failed: {err}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let _ = tcp.set_nodelay(true);
        let local_addr = tcp.local_addr().unwrap_or(remote_addr);
        let acceptor = tls.acceptor();
        let router = router.clone();
        let shutdown = shutdown.clone();
        connections.spawn(serve_connection(tcp, remote_addr, local_addr, acceptor, router, shutdown));
    }
    let drain = async { while connections.join_next().await.is_some() {} };
    if tokio::time::timeout(DRAIN_TIMEOUT, drain).await.is_err() {
        tracing::warn!("Connections still open after {DRAIN_TIMEOUT:?}; closing them");
    }
}

async fn serve_connection(
    tcp: tokio::net::TcpStream,
    remote_addr: SocketAddr,
    local_addr: SocketAddr,
    acceptor: TlsAcceptor,
    router: Router,
    mut shutdown: watch::Receiver<bool>,
) {
    let stream = match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await {
        Ok(Ok(stream)) => stream,
        // A connection closed before it said anything is a port probe (a load balancer's health
        // check, a script waiting for the port): not worth a warning.
        Ok(Err(err)) if err.kind() == std::io::ErrorKind::UnexpectedEof => {
            tracing::debug!("TLS handshake with {remote_addr} failed: {err}");
            return;
        }
        Ok(Err(err)) => {
            tracing::warn!("TLS handshake with {remote_addr} failed: {err}");
            return;
        }
        Err(_) => {
            tracing::warn!("TLS handshake with {remote_addr} timed out");
            return;
        }
    };
    let peer = stream.get_ref().1.peer_certificates().and_then(|certs| certs.first()).and_then(|der| {
        PeerIdentity::from_certificate(der)
            .map_err(|err| tracing::warn!("Unreadable client certificate from {remote_addr}: {err}"))
            .ok()
    });
    match &peer {
        Some(p) => tracing::debug!("TLS connection from {remote_addr} as {}", p.certname),
        None => tracing::debug!("TLS connection from {remote_addr} without a client certificate"),
    }
    let info = ConnectionInfo { peer, remote_addr, local_addr };
    let service = hyper::service::service_fn(move |mut request: hyper::Request<hyper::body::Incoming>| {
        request.extensions_mut().insert(info.clone());
        tower::ServiceExt::oneshot(router.clone(), request)
    });
    let mut builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
    // Closes connections that send no request head for this long, idle keep-alive ones included
    // (agents drop theirs after 4 s; this only reaps abandoned or slow-loris connections).
    builder.http1().timer(TokioTimer::new()).header_read_timeout(IDLE_TIMEOUT).keep_alive(true);
    let conn = builder.serve_connection(TokioIo::new(stream), service);
    tokio::pin!(conn);
    tokio::select! {
        result = conn.as_mut() => {
            if let Err(err) = result {
                tracing::debug!("connection from {remote_addr} ended: {err}");
            }
        }
        _ = shutdown.changed() => {
            conn.as_mut().graceful_shutdown();
            let _ = conn.await;
        }
    }
}
