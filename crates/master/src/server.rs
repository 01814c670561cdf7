//! The master's public face: its configuration, start-up (CA, server certificate, socket) and
//! serving until shutdown.

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use bunraku_pki::{Autosign, CertificateAuthority, SslDir};
use tokio::net::TcpListener;

use crate::environments::Environments;
use crate::fd_limit;
use crate::reports::{Destinations, ReportProcessors};
use crate::routes::{self, AppState};
use crate::tls_listener::{self, TlsState};
use crate::MasterError;

/// How often spooled reports are retried when no new report arrives.
const SPOOL_RETRY_INTERVAL: Duration = Duration::from_secs(60);

/// Everything the master needs from `puppet.conf` (`[server]`/`[master]` and `[main]`).
#[derive(Debug, Clone)]
pub struct MasterConfig {
    /// The master's own certname (its certificate's CN; `servername` in `$server_facts`).
    pub certname: String,
    /// Extra names for the master's certificate (`DNS:puppet, DNS:<certname>` when empty).
    pub dns_alt_names: Vec<String>,
    /// Where to listen; port 0 picks a free port (see [`Master::local_addr`]).
    pub bind: SocketAddr,
    pub cadir: PathBuf,
    pub ssldir: PathBuf,
    pub environmentpath: PathBuf,
    pub basemodulepath: Vec<PathBuf>,
    pub autosign: Autosign,
    /// Report processors by name (`store`, `http`, `database`; `none`); unknown ones are warned about and skipped.
    pub reports: Vec<String>,
    pub reportdir: PathBuf,
    /// The server's filebucket (`bucketdir`), where agents back files up.
    pub bucketdir: PathBuf,
    /// Where the `http` processor sends reports (`reporturl`).
    pub reporturl: Option<String>,
    /// The dashboard's database, where the `database` processor stores reports (`dashboard_database`).
    pub dashboard_database: Option<String>,
    /// RSA key size for the CA and the master's key when they are created.
    pub keylength: u32,
    /// Validity of certificates the CA issues.
    pub ca_ttl: Duration,
    /// Whether this master is the CA (serves `/puppet-ca/v1` and issues its own certificate).
    pub ca: bool,
    /// Timeouts, body sizes and connection caps that keep one client from harming the others.
    pub limits: Limits,
    /// `strict_variables` and `strict`, for every environment's compiles.
    pub language: bunraku_lang::LanguageSettings,
}

/// The limits that keep one client, one manifest or one request from stopping service for the
/// others. Each is a `puppet.conf` setting of the `[server]` section (named in brackets); the
/// defaults are sane for a fleet of Puppet 7 agents (see docs/LIMITS.md for why each is what it is).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// How long a client may take to complete its TLS handshake, and then to send each request
    /// head, the wait for the next request on a kept-alive connection included
    /// (`request_header_timeout`, 10 s: agents drop idle connections after 4 s).
    pub request_header_timeout: Duration,
    /// How long a request body may pause between two pieces, and a response wait for the client
    /// to read it (`idle_timeout`, 30 s: puppetserver's `idle-timeout-milliseconds`).
    pub idle_timeout: Duration,
    /// Connections that have not (yet) presented a client certificate, at most; past it the
    /// oldest of them is closed to make room (`max_unauthenticated_connections`, 256).
    pub max_unauthenticated_connections: usize,
    /// How long one catalog compile may run (`compile_timeout`, 2 min; `None`: no limit).
    pub compile_timeout: Option<Duration>,
    /// Catalog requests that may wait for a compile slot; past it they are answered 503 with
    /// `Retry-After` (`max_queued_requests`, puppetserver's setting; 0: no limit, its default).
    pub max_queued_requests: usize,
    /// The largest `Retry-After` of those answers: each gets a random delay up to it, so the
    /// refused agents come back spread out (`max_retry_delay`, puppetserver's, 1800 s).
    pub max_retry_delay: Duration,
    /// The largest body per endpoint, in bytes.
    pub body: BodyLimits,
}

/// The largest request body each kind of endpoint accepts (puppetserver has one
/// `request-body-max-size` for all; facts, reports and backed-up files differ by orders of
/// magnitude, so each has its own).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyLimits {
    /// A catalog request (facts in its form body) and a facts upload (`max_facts_size`, 32 MiB:
    /// the agent encodes the facts twice, so that is about 14 MB of JSON).
    pub facts: usize,
    /// A report (`max_report_size`, 64 MiB: reports of `--debug` runs run to megabytes).
    pub report: usize,
    /// A file backed up to the server's filebucket (`max_filebucket_size`, 256 MiB).
    pub filebucket: usize,
    /// Every other request: CSRs, CA administration (`max_request_size`, 1 MiB).
    pub other: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            request_header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(30),
            max_unauthenticated_connections: 256,
            compile_timeout: Some(Duration::from_secs(120)),
            max_queued_requests: 0,
            max_retry_delay: Duration::from_secs(1800),
            body: BodyLimits::default(),
        }
    }
}

impl Default for BodyLimits {
    fn default() -> Self {
        const MIB: usize = 1024 * 1024;
        BodyLimits { facts: 32 * MIB, report: 64 * MIB, filebucket: 256 * MIB, other: MIB }
    }
}

/// A started master: CA and certificate in place, socket bound, not yet serving.
pub struct Master {
    listener: TcpListener,
    local_addr: SocketAddr,
    state: Arc<AppState>,
}

impl Master {
    /// Creates the CA (if missing) and the server's certificate, logging each step; binds the socket.
    pub async fn start(config: MasterConfig) -> Result<Master, MasterError> {
        let ssldir = SslDir::new(&config.ssldir);
        let ca = if config.ca {
            let cfg = config.clone();
            let ssl = ssldir.clone();
            let ca = tokio::task::spawn_blocking(move || -> Result<CertificateAuthority, MasterError> {
                let ca_name = format!("Puppet CA: {}", cfg.certname);
                let ca =
                    CertificateAuthority::open_or_create(&cfg.cadir, &ca_name, cfg.ca_ttl, cfg.keylength)?;
                ca.ensure_server_certificate(&ssl, &cfg.certname, &cfg.dns_alt_names)?;
                Ok(ca)
            })
            .await
            .map_err(|e| MasterError::Task(e.to_string()))??;
            tracing::debug!("CA ready in {}", config.cadir.display());
            Some(Arc::new(ca))
        } else {
            for path in
                [ssldir.cert_path(&config.certname), ssldir.key_path(&config.certname), ssldir.crl_path()]
            {
                if !path.is_file() {
                    return Err(MasterError::Config(format!(
                        "this master is not the CA and {} is missing; get a certificate from the CA first",
                        path.display()
                    )));
                }
            }
            None
        };
        let tls = {
            let (ssl, name, ca) = (ssldir.clone(), config.certname.clone(), ca.clone());
            tokio::task::spawn_blocking(move || TlsState::new(ssl, name, ca))
                .await
                .map_err(|e| MasterError::Task(e.to_string()))??
        };
        // An https reporturl is verified against the Puppet CA and sees the master's certificate,
        // which the dashboard can accept as proof of where reports come from.
        let reporturl = config.reporturl.clone().map(|url| {
            let tls = bunraku_pki::tls::client_config(&ssldir, Some(&config.certname)).ok();
            (url, tls)
        });
        let destinations = Destinations { reporturl, database: config.dashboard_database.clone() };
        let (reports, warnings) =
            ReportProcessors::configure(&config.reports, config.reportdir.clone(), destinations);
        for warning in warnings {
            tracing::warn!("{warning}");
        }
        fd_limit::raise();
        let listener = TcpListener::bind(config.bind)
            .await
            .map_err(|source| MasterError::Bind { addr: config.bind, source })?;
        let local_addr = listener
            .local_addr()
            .map_err(|source| MasterError::Io { context: "reading the bound address".into(), source })?;
        let environments = Environments::new(config.environmentpath.clone(), config.basemodulepath.clone())
            .with_language(config.language);
        let state = Arc::new(AppState::new(config, ca, environments, reports, Arc::new(tls)));
        Ok(Master { listener, local_addr, state })
    }

    /// The address actually bound (useful with port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Serves until `shutdown` resolves, then lets in-flight requests finish (briefly).
    pub async fn serve(self, shutdown: impl Future<Output = ()> + Send + 'static) -> Result<(), MasterError> {
        let Master { listener, local_addr, state } = self;
        tracing::info!(
            "Bunraku master (Puppet {} compatible) listening on https://{local_addr}",
            bunraku_model::PUPPET_VERSION
        );
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let spool = {
            let state = state.clone();
            let mut stop = stop_rx.clone();
            tokio::spawn(async move {
                let mut tick = tokio::time::interval(SPOOL_RETRY_INTERVAL);
                loop {
                    tokio::select! {
                        _ = tick.tick() => {}
                        _ = stop.changed() => break,
                    }
                    let state = state.clone();
                    let _ = tokio::task::spawn_blocking(move || state.reports.flush_spool()).await;
                }
            })
        };
        let router = routes::router(state.clone());
        let tls = state.tls.clone();
        let limits = state.config.limits.clone();
        let accept = tokio::spawn(tls_listener::accept_loop(listener, tls, router, limits, stop_rx));
        shutdown.await;
        tracing::info!("Shutting down the master");
        let _ = stop_tx.send(true);
        let _ = accept.await;
        let _ = spool.await;
        Ok(())
    }
}
