//! The report store: one schema on SQLite, MySQL/MariaDB and PostgreSQL.
//!
//! Why `sqlx::AnyPool` rather than one trait with three implementations: every query the pages need
//! is plain SQL that the three engines agree on once times are integers (milliseconds since the
//! epoch), flags are 0/1 integers and text columns use a binary collation. The only differences are
//! placeholders (`?` against `$n`), which [`Store::sql`] rewrites, and the one upsert (run counts)
//! that is spelled per engine. One code path means the three backends cannot
//! drift apart, which is what the cross-backend tests check. The schema itself differs in types, so
//! each backend has its own migration directory, embedded with `sqlx::migrate!`.

pub mod digest;
pub(crate) mod ingest;
mod queries;
pub(crate) mod users;

pub use digest::ReportDigest;
pub use ingest::{IngestOutcome, ReportRow};
pub use queries::*;
pub use users::{Role, SessionInfo, User};

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Executor};

use crate::error::{DashboardError, DbContext, Result};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");
static MYSQL_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/mysql");

/// Which database engine a [`Store`] talks to; chosen from the URL scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A file (the default, in the vardir) or `sqlite::memory:`.
    Sqlite,
    /// PostgreSQL, the engine the masters already share.
    Postgres,
    /// MySQL or MariaDB, what puppet-dashboard users have.
    Mysql,
}

impl Backend {
    /// The backend a database URL names.
    pub fn from_url(url: &str) -> Result<Backend> {
        let scheme = url.split(':').next().unwrap_or_default();
        match scheme {
            "sqlite" => Ok(Backend::Sqlite),
            "postgres" | "postgresql" => Ok(Backend::Postgres),
            "mysql" | "mariadb" => Ok(Backend::Mysql),
            _ => Err(DashboardError::UnsupportedUrl(url.to_string())),
        }
    }

    fn migrator(self) -> &'static Migrator {
        match self {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
            Backend::Mysql => &MYSQL_MIGRATIONS,
        }
    }
}

/// A connection pool plus the backend it speaks; cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// SQLite has one writer; waiting for it in SQLite's busy handler (which sleeps up to 100 ms
    /// per try) cut throughput tenfold under concurrent uploads, so writers queue here instead.
    /// Unused on the servers, which lock rows.
    write_gate: std::sync::Arc<tokio::sync::Mutex<()>>,
}

impl Store {
    /// Connects without migrating (for `migrate` itself and for tests that check migrations).
    pub async fn connect(url: &str) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url)?;
        if backend == Backend::Sqlite {
            // The vardir may be fresh; SQLite creates the file but not its directory.
            let path = url.trim_start_matches("sqlite:").trim_start_matches("//");
            let path = path.split('?').next().unwrap_or_default();
            if let Some(dir) = std::path::Path::new(path).parent().filter(|d| !d.as_os_str().is_empty()) {
                if !path.contains(":memory:") {
                    std::fs::create_dir_all(dir)?;
                }
            }
        }
        let url = match backend {
            // mariadb:// is accepted as a friendlier alias; sqlx knows only mysql://.
            Backend::Mysql if url.starts_with("mariadb:") => format!("mysql:{}", &url["mariadb:".len()..]),
            Backend::Sqlite if !url.contains('?') && !url.contains(":memory:") => format!("{url}?mode=rwc"),
            _ => url.to_string(),
        };
        let options = AnyConnectOptions::from_str(&url).ctx(format!("parse database URL for {backend:?}"))?;
        let max = match backend {
            // SQLite has one writer at a time; more connections only add lock contention.
            Backend::Sqlite => 4,
            _ => 8,
        };
        let pool = AnyPoolOptions::new()
            .max_connections(max)
            .acquire_timeout(Duration::from_secs(30))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets the pages read while a worker writes; NORMAL is durable at each
                        // checkpoint and fast enough for 1,000 reports/s.
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA synchronous = NORMAL").await?;
                        conn.execute("PRAGMA busy_timeout = 30000").await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .ctx(format!("connect to {backend:?} database"))?;
        Ok(Store { pool, backend, write_gate: Default::default() })
    }

    /// Connects and brings the schema up to date; what `bunraku dashboard` does on start.
    pub async fn open(url: &str) -> Result<Store> {
        let store = Store::connect(url).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Applies pending migrations. Safe to run twice or from two processes at once: sqlx records
    /// applied versions and takes the backend's advisory lock, and every statement is `IF NOT EXISTS`.
    pub async fn migrate(&self) -> Result<()> {
        self.backend.migrator().run(&self.pool).await?;
        tracing::debug!(backend = ?self.backend, "dashboard schema is up to date");
        Ok(())
    }

    /// The engine behind this store.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The pool, for the bench's bulk data generator and for tests.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Rewrites `?` placeholders into PostgreSQL's `$n`; the SQL in this crate never has `?` in literals.
    pub fn sql(&self, sql: &str) -> String {
        if self.backend != Backend::Postgres {
            return sql.to_string();
        }
        let mut out = String::with_capacity(sql.len() + 16);
        let mut n = 0;
        for c in sql.chars() {
            if c == '?' {
                n += 1;
                out.push('$');
                out.push_str(&n.to_string());
            } else {
                out.push(c);
            }
        }
        out
    }

    /// Held around every write on SQLite (see `write_gate`); `None` on the servers.
    pub(crate) async fn write_turn(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        match self.backend {
            Backend::Sqlite => Some(self.write_gate.lock().await),
            _ => None,
        }
    }

    /// Closes the pool, waiting for checked-out connections.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Milliseconds since the epoch, the time unit of every column.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// "?, ?, ?" for `n` columns: one row of a multi-row `VALUES`.
pub fn row_placeholders(n: usize) -> String {
    let mut s = String::with_capacity(n * 3 + 2);
    s.push('(');
    for i in 0..n {
        if i > 0 {
            s.push_str(", ");
        }
        s.push('?');
    }
    s.push(')');
    s
}

/// Reading text columns on every backend (public for the bench and tests): through `Any`, MySQL reports `TEXT`/`LONGTEXT` columns
/// as blobs, so text is decoded from either kind.
pub trait TextColumn {
    fn text(&self, index: usize) -> std::result::Result<String, sqlx::Error>;
    fn opt_text(&self, index: usize) -> std::result::Result<Option<String>, sqlx::Error>;
}

impl TextColumn for sqlx::any::AnyRow {
    fn text(&self, index: usize) -> std::result::Result<String, sqlx::Error> {
        self.opt_text(index)?.ok_or_else(|| sqlx::Error::ColumnDecode {
            index: index.to_string(),
            source: "unexpected NULL in a text column".into(),
        })
    }

    fn opt_text(&self, index: usize) -> std::result::Result<Option<String>, sqlx::Error> {
        use sqlx::Row;
        match self.try_get::<Option<String>, _>(index) {
            Ok(v) => Ok(v),
            Err(sqlx::Error::ColumnDecode { .. }) => {
                let bytes: Option<Vec<u8>> = self.try_get(index)?;
                Ok(bytes.map(|b| String::from_utf8_lossy(&b).into_owned()))
            }
            Err(e) => Err(e),
        }
    }
}
