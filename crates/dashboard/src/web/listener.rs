//! The dashboard's accept loop, for plain HTTP and HTTPS alike: every connection must send a request
//! head (and, with TLS, finish its handshake) within `header_timeout` — kept-alive connections
//! waiting for their next request included — so silent clients cannot pile up and exhaust the
//! process's file descriptors. On shutdown, accepting stops and requests in flight finish (an upload
//! answered 200 is stored) before the loop returns, as `axum::serve`'s graceful shutdown did.

use std::net::SocketAddr;
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::{GracefulShutdown, Watcher};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;

use super::tls::{ClientCert, ReloadingAcceptor};
use crate::error::Result;

/// How long requests in flight may take to finish once shutdown begins.
const DRAIN: Duration = Duration::from_secs(30);

/// Accepts connections until `shutdown` completes; each request carries `ConnectInfo` and, when the
/// client sent a valid certificate over TLS, [`ClientCert`].
pub async fn serve(
    listener: TcpListener,
    acceptor: Option<ReloadingAcceptor>,
    router: Router,
    header_timeout: Duration,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<()> {
    tokio::pin!(shutdown);
    let graceful = GracefulShutdown::new();
    loop {
        let (tcp, remote) = tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    tracing::warn!("accepting a dashboard connection failed: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        let router = router.clone();
        let watcher = graceful.watcher();
        let Some(acceptor) = acceptor.as_ref().map(ReloadingAcceptor::get) else {
            tokio::spawn(connection(tcp, remote, None, router, header_timeout, watcher));
            continue;
        };
        tokio::spawn(async move {
            let stream = match tokio::time::timeout(header_timeout, acceptor.accept(tcp)).await {
                Ok(Ok(s)) => s,
                Ok(Err(e)) => return tracing::debug!("TLS handshake with {remote} failed: {e}"),
                Err(_) => return tracing::debug!("TLS handshake with {remote} timed out"),
            };
            let cert = stream
                .get_ref()
                .1
                .peer_certificates()
                .and_then(|c| c.first())
                .and_then(|der| bunraku_pki::PeerIdentity::from_certificate(der).ok())
                .map(|p| ClientCert { any_host: p.has_cli_auth(), certname: p.certname });
            connection(stream, remote, cert, router, header_timeout, watcher).await;
        });
    }
    drop(listener);
    if tokio::time::timeout(DRAIN, graceful.shutdown()).await.is_err() {
        tracing::warn!("requests still running {DRAIN:?} after shutdown began were cut off");
    }
    Ok(())
}

/// Serves HTTP/1.1 on one connection, with the header timer, until the client or shutdown ends it.
async fn connection<S>(
    io: S,
    remote: SocketAddr,
    cert: Option<ClientCert>,
    router: Router,
    header_timeout: Duration,
    watcher: Watcher,
) where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let service = hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
        req.extensions_mut().insert(ConnectInfo(remote));
        if let Some(c) = &cert {
            req.extensions_mut().insert(c.clone());
        }
        tower::ServiceExt::oneshot(router.clone(), req)
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(header_timeout);
    if let Err(e) = watcher.watch(builder.serve_connection(TokioIo::new(io), service)).await {
        tracing::debug!("dashboard connection from {remote} ended: {e}");
    }
}
