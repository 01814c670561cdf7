//! The TLS side of the master: the rustls config (rebuilt when the CRL changes, so a certificate
//! revoked by `bunraku cert revoke` in another process fails its next handshake), and the accept
//! loop that hands each verified connection to hyper with the peer's identity attached.
//!
//! Every wait on a client is timed ([`Limits`]): the handshake and each request head
//! (`request_header_timeout`), each pause in a request body and each write the client does not
//! read (`idle_timeout`). Connections without a client certificate are capped
//! (`max_unauthenticated_connections`), the oldest closed first, so idle connections cannot use
//! up the master's file descriptors and shut agents out.

use std::collections::{HashSet, VecDeque};
use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime};

use axum::Router;
use bunraku_pki::{CertificateAuthority, PeerIdentity, SslDir};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpListener;
use tokio::sync::{watch, Notify};
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;

use crate::{Limits, MasterError};
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
    limits: Limits,
    mut shutdown: watch::Receiver<bool>,
) {
    let unauthenticated = Arc::new(Unauthenticated::new(limits.max_unauthenticated_connections));
    let timeouts = Timeouts { header: limits.request_header_timeout, idle: limits.idle_timeout };
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
        // Admitted before the handshake: a client that connects and says nothing counts too.
        let ticket = unauthenticated.admit();
        let acceptor = tls.acceptor();
        let router = router.clone();
        let shutdown = shutdown.clone();
        let addrs = (remote_addr, local_addr);
        connections.spawn(serve_connection(tcp, addrs, acceptor, router, timeouts, ticket, shutdown));
    }
    let drain = async { while connections.join_next().await.is_some() {} };
    if tokio::time::timeout(DRAIN_TIMEOUT, drain).await.is_err() {
        tracing::warn!("Connections still open after {DRAIN_TIMEOUT:?}; closing them");
    }
}

/// The connection timers (see [`Limits`]).
#[derive(Debug, Clone, Copy)]
struct Timeouts {
    header: Duration,
    idle: Duration,
}

async fn serve_connection(
    tcp: tokio::net::TcpStream,
    (remote_addr, local_addr): (SocketAddr, SocketAddr),
    acceptor: TlsAcceptor,
    router: Router,
    timeouts: Timeouts,
    ticket: Ticket,
    mut shutdown: watch::Receiver<bool>,
) {
    let handshake = tokio::time::timeout(timeouts.header, acceptor.accept(tcp));
    let stream = tokio::select! {
        result = handshake => result,
        _ = ticket.evicted() => {
            tracing::debug!("Closed the connection from {remote_addr} before its TLS handshake completed: too many unauthenticated connections");
            return;
        }
    };
    let stream = match stream {
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
            tracing::debug!("TLS handshake with {remote_addr} timed out after {:?}", timeouts.header);
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
    // A verified certificate takes the connection out of the unauthenticated ones; without one
    // (an agent fetching the CA certificate or submitting its CSR) it stays evictable.
    let ticket = if peer.is_some() { None } else { Some(ticket) };
    let info = ConnectionInfo { peer, remote_addr, local_addr };
    let idle = timeouts.idle;
    let service = hyper::service::service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
        let mut request = request.map(|body| axum::body::Body::new(IdleBody::new(body, idle)));
        request.extensions_mut().insert(info.clone());
        tower::ServiceExt::oneshot(router.clone(), request)
    });
    // HTTP/1.1 only (what Puppet agents speak): its header-read timer runs from the first byte
    // the connection waits for, where an HTTP/2-detecting builder first reads a preface untimed.
    // It also closes kept-alive connections that send no next request in time.
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(timeouts.header).keep_alive(true);
    let io = TokioIo::new(WriteTimeout::new(stream, idle));
    let conn = builder.serve_connection(io, service);
    tokio::pin!(conn);
    let evicted = async {
        match &ticket {
            Some(ticket) => ticket.evicted().await,
            None => std::future::pending().await,
        }
    };
    tokio::select! {
        result = conn.as_mut() => {
            if let Err(err) = result {
                tracing::debug!("connection from {remote_addr} ended: {err}");
            }
        }
        _ = evicted => {
            tracing::debug!("Closed the connection from {remote_addr} without a client certificate: too many unauthenticated connections");
        }
        _ = shutdown.changed() => {
            conn.as_mut().graceful_shutdown();
            let _ = conn.await;
        }
    }
}

/// The connections without a verified client certificate, oldest first. They cost a file
/// descriptor and a TLS session each and prove nothing about who holds them, so there may be at
/// most `cap`: admitting one more closes the oldest, which keeps room for the agents that are
/// handshaking right now (theirs take milliseconds) however many idle connections someone holds.
struct Unauthenticated {
    cap: usize,
    next_id: AtomicU64,
    open: Mutex<VecDeque<(u64, Arc<Notify>)>>,
    /// When the last eviction was logged (seconds since the epoch), to warn at most once a minute.
    last_warning: AtomicU64,
}

impl Unauthenticated {
    fn new(cap: usize) -> Unauthenticated {
        Unauthenticated {
            cap: cap.max(1),
            next_id: AtomicU64::new(0),
            open: Mutex::new(VecDeque::new()),
            last_warning: AtomicU64::new(0),
        }
    }

    /// Registers a new connection, evicting the oldest when the cap is reached.
    fn admit(self: &Arc<Self>) -> Ticket {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let evict = Arc::new(Notify::new());
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let mut evicted = 0;
        while open.len() >= self.cap {
            if let Some((_, oldest)) = open.pop_front() {
                // notify_one keeps the permit if the connection is not waiting yet.
                oldest.notify_one();
                evicted += 1;
            }
        }
        open.push_back((id, evict.clone()));
        drop(open);
        if evicted > 0 {
            let now =
                SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
            let last = self.last_warning.load(Ordering::Relaxed);
            if now >= last + 60
                && self.last_warning.compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed).is_ok()
            {
                tracing::warn!(
                    "{} connections without a client certificate are open (max_unauthenticated_connections); closing the oldest",
                    self.cap
                );
            }
        }
        Ticket { id, evict, registry: self.clone() }
    }
}

/// One connection's place among the unauthenticated ones; dropping it gives the place up.
struct Ticket {
    id: u64,
    evict: Arc<Notify>,
    registry: Arc<Unauthenticated>,
}

impl Ticket {
    /// Resolves when this connection has been chosen to make room.
    async fn evicted(&self) {
        self.evict.notified().await
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let mut open = self.registry.open.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(pos) = open.iter().position(|(id, _)| *id == self.id) {
            open.remove(pos);
        }
    }
}

/// A request body whose client may pause at most `idle` between two pieces: a client trickling
/// its body (or stopping half-way) ends its request instead of holding a handler forever. The
/// timer runs only while the handler waits for the body.
struct IdleBody {
    inner: hyper::body::Incoming,
    idle: Duration,
    timer: Pin<Box<tokio::time::Sleep>>,
    armed: bool,
}

impl IdleBody {
    fn new(inner: hyper::body::Incoming, idle: Duration) -> IdleBody {
        IdleBody { inner, idle, timer: Box::pin(tokio::time::sleep(idle)), armed: false }
    }
}

/// The error a stalled body or response ends with.
fn stalled(what: &str, idle: Duration) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::TimedOut,
        format!("the client sent no {what} for {idle:?} (idle_timeout)"),
    )
}

impl hyper::body::Body for IdleBody {
    type Data = hyper::body::Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<hyper::body::Frame<Self::Data>, Self::Error>>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(frame) => {
                this.armed = false;
                Poll::Ready(frame.map(|f| f.map_err(Into::into)))
            }
            Poll::Pending => {
                if !this.armed {
                    this.timer.as_mut().reset(tokio::time::Instant::now() + this.idle);
                    this.armed = true;
                }
                match this.timer.as_mut().poll(cx) {
                    Poll::Ready(()) => Poll::Ready(Some(Err(stalled("request body", this.idle).into()))),
                    Poll::Pending => Poll::Pending,
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        self.inner.size_hint()
    }
}

/// A connection whose writes may wait at most `idle` for the client to read: a client that
/// stops reading its response does not keep the connection (and the response) forever. Reads
/// are not timed here: between requests hyper's header-read timer covers them, and during a long
/// compile the connection is rightly quiet.
struct WriteTimeout<S> {
    inner: S,
    idle: Duration,
    timer: Pin<Box<tokio::time::Sleep>>,
    armed: bool,
}

impl<S> WriteTimeout<S> {
    fn new(inner: S, idle: Duration) -> Self {
        WriteTimeout { inner, idle, timer: Box::pin(tokio::time::sleep(idle)), armed: false }
    }

    /// Maps a write's poll: progress disarms the timer, waiting arms it (once) and checks it.
    fn timed<T>(&mut self, cx: &mut Context<'_>, poll: Poll<std::io::Result<T>>) -> Poll<std::io::Result<T>> {
        if poll.is_ready() {
            self.armed = false;
            return poll;
        }
        if !self.armed {
            self.timer.as_mut().reset(tokio::time::Instant::now() + self.idle);
            self.armed = true;
        }
        match self.timer.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(stalled("read of its response", self.idle))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for WriteTimeout<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for WriteTimeout<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let poll = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.timed(cx, poll)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        let poll = Pin::new(&mut self.inner).poll_flush(cx);
        self.timed(cx, poll)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        let poll = Pin::new(&mut self.inner).poll_shutdown(cx);
        self.timed(cx, poll)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let poll = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        self.timed(cx, poll)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}
