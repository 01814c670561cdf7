//! HTTPS with optional client certificates from our CA: a master presenting its certificate may
//! upload reports from any network, for any node; a node's certificate, for that node only.
//! Browsers connect without one and log in as usual.
//!
//! The dashboard's own certificate and key come from an ssldir (issued by `bunraku cert` like any
//! node's); bunraku-pki builds the rustls config, verifying client certificates against the CA
//! and its CRL when one is sent.

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use axum::extract::ConnectInfo;
use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
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

/// The verified client certificate, attached to requests that came with one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientCert {
    /// Its certname: the node it speaks for.
    pub certname: String,
    /// Whether it may upload for any node: a master's certificate (it carries `pp_cli_auth`,
    /// which the CA never signs from a CSR) forwarding its agents' reports. Any other
    /// certificate uploads for its own certname only.
    pub any_host: bool,
}

impl ClientCert {
    /// Whether this certificate may upload data about `host`.
    pub fn may_upload_for(&self, host: &str) -> bool {
        self.any_host || self.certname == host
    }
}

/// Builds the acceptor (at bind time, so a missing certificate is reported before serving).
pub fn acceptor(settings: &TlsSettings) -> Result<TlsAcceptor> {
    let ssldir = bunraku_pki::SslDir::new(&settings.ssldir);
    let config = bunraku_pki::tls::server_config(&ssldir, &settings.certname)
        .map_err(|e| DashboardError::Invalid(format!("dashboard TLS: {e}")))?;
    Ok(TlsAcceptor::from(config))
}

/// The acceptor, rebuilt when the ssldir's `crl.pem` changes (a `stat` per connection), so a
/// certificate revoked after the dashboard started fails its next handshake.
pub struct ReloadingAcceptor {
    settings: TlsSettings,
    current: Mutex<(Option<CrlStamp>, TlsAcceptor)>,
}

/// One version of the CRL file, told apart cheaply: its modification time and length.
type CrlStamp = (Option<SystemTime>, u64);

impl ReloadingAcceptor {
    /// Starts from an acceptor built with [`acceptor`] from the same settings.
    pub fn new(settings: TlsSettings, acceptor: TlsAcceptor) -> Self {
        let stamp = crl_stamp(&settings);
        ReloadingAcceptor { settings, current: Mutex::new((stamp, acceptor)) }
    }

    /// The acceptor for the next connection; a CRL that cannot be loaded keeps the previous
    /// configuration (and says so) rather than refusing everyone.
    pub fn get(&self) -> TlsAcceptor {
        let stamp = crl_stamp(&self.settings);
        let mut current = self.current.lock().unwrap_or_else(|p| p.into_inner());
        if stamp != current.0 {
            match acceptor(&self.settings) {
                Ok(fresh) => {
                    tracing::info!("the CRL changed; reloaded the dashboard's TLS configuration");
                    *current = (stamp, fresh);
                }
                Err(e) => tracing::error!("could not reload the TLS configuration after a CRL change: {e}"),
            }
        }
        current.1.clone()
    }
}

fn crl_stamp(settings: &TlsSettings) -> Option<CrlStamp> {
    let meta = std::fs::metadata(bunraku_pki::SslDir::new(&settings.ssldir).crl_path()).ok()?;
    Some((meta.modified().ok(), meta.len()))
}

/// Accepts TLS connections until `shutdown` completes; each request carries `ConnectInfo` and,
/// when the client sent a valid certificate, [`ClientCert`]. The handshake and every request head
/// must arrive within `header_timeout` (kept-alive connections waiting for their next request
/// included), so silent connections do not pile up.
pub async fn serve(
    listener: TcpListener,
    acceptor: ReloadingAcceptor,
    router: Router,
    header_timeout: Duration,
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
        let acceptor = acceptor.get();
        let router = router.clone();
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
            let service =
                hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
                    req.extensions_mut().insert(ConnectInfo(remote));
                    if let Some(c) = &cert {
                        req.extensions_mut().insert(c.clone());
                    }
                    tower::ServiceExt::oneshot(router.clone(), req)
                });
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder.timer(TokioTimer::new()).header_read_timeout(header_timeout);
            if let Err(e) = builder.serve_connection(TokioIo::new(stream), service).await {
                tracing::debug!("dashboard connection from {remote} ended: {e}");
            }
        });
    }
}
