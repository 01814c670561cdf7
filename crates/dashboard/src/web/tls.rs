//! HTTPS with optional client certificates from our CA: a master presenting its certificate may
//! upload reports from any network. Browsers connect without one and log in as usual.
//!
//! The dashboard's own certificate and key come from an ssldir (issued by `bunraku cert` like any
//! node's); bunraku-pki builds the rustls config, verifying client certificates against the CA
//! and its CRL when one is sent.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

use crate::error::{DashboardError, Result};

/// Where the dashboard's TLS identity lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsSettings {
    /// An ssldir with `certs/<certname>.pem`, `private_keys/<certname>.pem`, `certs/ca.pem`, `crl.pem`.
    pub ssldir: PathBuf,
    /// The dashboard's certname.
    pub certname: String,
}

/// The verified client certificate's certname, attached to requests that came with one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientCert(pub String);

/// Builds the acceptor (at bind time, so a missing certificate is reported before serving).
pub fn acceptor(settings: &TlsSettings) -> Result<TlsAcceptor> {
    let ssldir = bunraku_pki::SslDir::new(&settings.ssldir);
    let config = bunraku_pki::tls::server_config(&ssldir, &settings.certname)
        .map_err(|e| DashboardError::Invalid(format!("dashboard TLS: {e}")))?;
    Ok(TlsAcceptor::from(config))
}

/// Accepts TLS connections until `shutdown` completes; each request carries `ConnectInfo` and,
/// when the client sent a valid certificate, [`ClientCert`].
pub async fn serve(
    listener: TcpListener,
    acceptor: TlsAcceptor,
    router: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<()> {
    tokio::pin!(shutdown);
    loop {
        let (tcp, remote) = tokio::select! {
            _ = &mut shutdown => return Ok(()),
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    tracing::warn!("accepting a dashboard connection failed: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        let acceptor = acceptor.clone();
        let router = router.clone();
        tokio::spawn(async move {
            let stream = match tokio::time::timeout(Duration::from_secs(20), acceptor.accept(tcp)).await {
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
                .map(|p| Arc::new(ClientCert(p.certname)));
            let service =
                hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
                    req.extensions_mut().insert(ConnectInfo(remote));
                    if let Some(c) = &cert {
                        req.extensions_mut().insert(ClientCert(c.0.clone()));
                    }
                    tower::ServiceExt::oneshot(router.clone(), req)
                });
            let builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
            if let Err(e) = builder.serve_connection(TokioIo::new(stream), service).await {
                tracing::debug!("dashboard connection from {remote} ended: {e}");
            }
        });
    }
}
