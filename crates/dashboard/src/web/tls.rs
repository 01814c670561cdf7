//! HTTPS with optional client certificates from our CA: a master presenting its certificate may
//! upload reports from any network, for any node; a node's certificate, for that node only.
//! Browsers connect without one and log in as usual.
//!
//! The dashboard's own certificate and key come from an ssldir (issued by `bunraku cert` like any
//! node's); bunraku-pki builds the rustls config, verifying client certificates against the CA
//! and its CRL when one is sent.

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::SystemTime;

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
