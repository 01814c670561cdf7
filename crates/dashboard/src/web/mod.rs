//! The HTTP side: the report upload endpoint, the pages, the JSON API, and the background tasks
//! (ingest workers, retention) that run beside them.

pub mod api;
pub mod layout;
mod listener;
pub mod metrics;
pub mod pages;
pub mod session;
pub mod tls;
pub mod upload;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;

use crate::auth::UploadPolicy;
use crate::error::Result;
use crate::queue::{spawn_workers, QueueSignal};
use crate::retention::RetentionPolicy;
use crate::store::{Clock, Store};

/// Everything `bunraku dashboard` can be told.
#[derive(Debug, Clone)]
pub struct Config {
    /// `sqlite://PATH`, `postgres://…` or `mysql://…`.
    pub database_url: String,
    /// Where to listen; puppet-dashboard's port 3000 by default, on all addresses.
    pub listen: SocketAddr,
    /// Who may POST reports without logging in.
    pub upload_policy: UploadPolicy,
    /// A node whose latest report is older than this is unresponsive (Puppet runs every 30 min).
    pub unresponsive_after: Duration,
    /// Ingest workers; `None` picks 2.
    pub workers: Option<usize>,
    /// Report retention; `None` keeps everything.
    pub retention: Option<RetentionPolicy>,
    /// How long a login lasts.
    pub session_ttl: Duration,
    /// How long an HTTPS client may take for its TLS handshake and for each request head (idle
    /// kept-alive connections included) before it is disconnected.
    pub header_timeout: Duration,
    /// Serve HTTPS with this identity; clients presenting a certificate from our CA may then
    /// upload from any network. `None` serves plain HTTP (puppet-dashboard's default).
    pub tls: Option<tls::TlsSettings>,
    /// Pages and the API computed as of this instant (milliseconds since the epoch) instead of the
    /// wall clock: node states and the runs-over-time window then depend only on the data, which
    /// tests comparing backends need. `None` (the default) is the wall clock.
    pub fixed_now: Option<i64>,
}

impl Config {
    /// What `bunraku dashboard [--bind ADDR] [--port PORT] [--database URL]` means: that address
    /// and port, and the URL or else a SQLite file in the vardir.
    pub fn for_cli(listen: SocketAddr, database_url: Option<String>, vardir: &std::path::Path) -> Config {
        let mut config = Config::new(database_url.unwrap_or_else(|| crate::default_database_url(vardir)));
        config.listen = listen;
        config
    }

    /// Defaults for a database URL: port 3000, loopback uploads, one hour, default retention.
    pub fn new(database_url: impl Into<String>) -> Config {
        Config {
            database_url: database_url.into(),
            listen: SocketAddr::from(([0, 0, 0, 0], 3000)),
            upload_policy: UploadPolicy::default(),
            unresponsive_after: Duration::from_secs(3600),
            workers: None,
            retention: Some(RetentionPolicy::default()),
            session_ttl: Duration::from_secs(12 * 3600),
            header_timeout: Duration::from_secs(10),
            tls: None,
            fixed_now: None,
        }
    }
}

/// What every handler gets.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<Config>,
    pub signal: Arc<QueueSignal>,
    pub metrics: Arc<metrics::Metrics>,
}

impl AppState {
    /// The clock pages compute node states with.
    pub fn clock(&self) -> Clock {
        let unresponsive_after = self.config.unresponsive_after.as_millis() as i64;
        match self.config.fixed_now {
            Some(now) => Clock { now, unresponsive_after },
            None => Clock::wall(unresponsive_after),
        }
    }
}

/// The routes, without the background tasks (for tests that drive the router directly).
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(pages::overview::page))
        .route("/nodes", get(pages::nodes::page))
        .route("/nodes/{name}", get(pages::node::page))
        .route("/reports/{id}", get(pages::report::page))
        .route("/failures", get(pages::failures::page))
        .route("/users", get(pages::users::page).post(pages::users::add))
        .route("/login", get(pages::login::form).post(pages::login::submit))
        .route("/logout", post(pages::login::logout))
        .route("/reports/upload", post(upload::upload).layer(DefaultBodyLimit::max(64 * 1024 * 1024)))
        .route("/facts/upload", post(upload::upload_facts).layer(DefaultBodyLimit::max(16 * 1024 * 1024)))
        .route("/api/v1/overview", get(api::overview))
        .route("/api/v1/nodes", get(api::nodes))
        .route("/api/v1/nodes/{name}", get(api::node))
        .route("/api/v1/reports/{id}", get(api::report))
        .route("/api/v1/failures", get(api::failures))
        .route("/status", get(api::status))
        .route("/metrics", get(metrics::page))
        .layer(axum::middleware::from_fn_with_state(state.clone(), metrics::count))
        .with_state(state)
}

/// A dashboard bound to its port, with its store migrated; [`Server::run`] serves it.
pub struct Server {
    listener: tokio::net::TcpListener,
    acceptor: Option<tokio_rustls::TlsAcceptor>,
    state: AppState,
}

impl Server {
    /// Opens (and migrates) the database and binds the port, so that errors surface before serving.
    pub async fn bind(config: Config) -> Result<Server> {
        let acceptor = config.tls.as_ref().map(tls::acceptor).transpose()?;
        let store = Store::open(&config.database_url).await?;
        let listener = tokio::net::TcpListener::bind(config.listen).await?;
        let state = AppState {
            store,
            config: Arc::new(config),
            signal: Arc::new(QueueSignal::default()),
            metrics: Arc::default(),
        };
        Ok(Server { listener, acceptor, state })
    }

    /// The bound address (an ephemeral port in tests).
    pub fn local_addr(&self) -> Result<SocketAddr> {
        Ok(self.listener.local_addr()?)
    }

    /// The store, for tests and for the CLI's other subcommands.
    pub fn store(&self) -> &Store {
        &self.state.store
    }

    /// Starts the workers and retention, then serves until `shutdown` completes.
    pub async fn run(self, shutdown: impl std::future::Future<Output = ()> + Send + 'static) -> Result<()> {
        let state = self.state;
        // On SQLite one writes while the other takes the next batch. On PostgreSQL 4 workers took
        // batches of ~4 reports and their server processes competed with the uploads' commits for
        // the CPU; 2 take batches of ~50 (measured in bench/dashboard: 1,650-1,740 → 1,970-2,090
        // reports/s over HTTP).
        let workers = state.config.workers.unwrap_or(2);
        spawn_workers(state.store.clone(), state.signal.clone(), workers);
        if let Some(policy) = state.config.retention.clone() {
            let store = state.store.clone();
            tokio::spawn(async move {
                loop {
                    if let Err(e) = store.prune(&policy, crate::store::now_ms()).await {
                        tracing::warn!("pruning old reports failed: {e}");
                    }
                    tokio::time::sleep(Duration::from_secs(3600)).await;
                }
            });
        }
        let addr = self.listener.local_addr()?;
        let scheme = if self.acceptor.is_some() { "https" } else { "http" };
        let backend = state.store.backend();
        tracing::info!("dashboard listening on {scheme}://{addr} ({backend:?}, {workers} ingest workers)");
        let header_timeout = state.config.header_timeout;
        let acceptor = self.acceptor.map(|acceptor| {
            let settings = state.config.tls.clone().expect("an acceptor is built from TLS settings");
            tls::ReloadingAcceptor::new(settings, acceptor)
        });
        listener::serve(self.listener, acceptor, router(state), header_timeout, shutdown).await?;
        Ok(())
    }
}

/// `bunraku dashboard [--bind 0.0.0.0] [--port 3000] [--database URL]`: serves until Ctrl-C or SIGTERM.
pub async fn serve(config: Config) -> Result<()> {
    let server = Server::bind(config).await?;
    server
        .run(async {
            let ctrl_c = tokio::signal::ctrl_c();
            #[cfg(unix)]
            {
                let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                {
                    Ok(s) => s,
                    Err(_) => {
                        let _ = ctrl_c.await;
                        return;
                    }
                };
                tokio::select! { _ = ctrl_c => {}, _ = term.recv() => {} }
            }
            #[cfg(not(unix))]
            let _ = ctrl_c.await;
        })
        .await
}
