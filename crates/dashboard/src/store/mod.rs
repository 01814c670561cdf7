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
    /// A SQLite file store keeps its ingestion queue in a file of its own beside it (`PATH-queue`,
    /// attached as `queue`): SQLite has one writer per file, and in the same file the durable
    /// commit of an upload waited behind a worker's whole batch. `None` on the servers and for
    /// `sqlite::memory:`, where the queue is the `report_queue` table of the database.
    queue_gate: Option<std::sync::Arc<tokio::sync::Mutex<()>>>,
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
        let queue_file = match backend {
            Backend::Sqlite if !url.contains(":memory:") => {
                let path = url.trim_start_matches("sqlite:").trim_start_matches("//");
                Some(format!("{}-queue", path.split('?').next().unwrap_or_default()))
            }
            _ => None,
        };
        let split_queue = queue_file.is_some();
        let max = match backend {
            // SQLite has one writer at a time; more connections only add lock contention.
            Backend::Sqlite => 4,
            _ => 8,
        };
        let pool = AnyPoolOptions::new()
            .max_connections(max)
            .acquire_timeout(Duration::from_secs(30))
            .after_connect(move |conn, _meta| {
                let queue_file = queue_file.clone();
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute("PRAGMA busy_timeout = 30000").await?;
                        // WAL lets the pages read while a worker writes.
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        match queue_file {
                            Some(file) => {
                                // Workers delete queue rows in the queue file after their batch
                                // commits here, so that commit must be on disk first (FULL);
                                // one flush per batch of dozens of reports.
                                conn.execute("PRAGMA synchronous = FULL").await?;
                                let attach =
                                    format!("ATTACH DATABASE '{}' AS queue", file.replace('\'', "''"));
                                conn.execute(attach.as_str()).await?;
                                conn.execute("PRAGMA queue.journal_mode = WAL").await?;
                                // A 2xx answer means the upload is on disk.
                                conn.execute("PRAGMA queue.synchronous = FULL").await?;
                                conn.execute(QUEUE_TABLE_SQLITE).await?;
                            }
                            // The queue's commits ask for FULL themselves.
                            None => {
                                conn.execute("PRAGMA synchronous = NORMAL").await?;
                            }
                        }
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .ctx(format!("connect to {backend:?} database"))?;
        let queue_gate = split_queue.then(Default::default);
        Ok(Store { pool, backend, write_gate: Default::default(), queue_gate })
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
        if self.queue_gate.is_some() {
            self.move_queue_to_its_file().await?;
        }
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

    /// The queue table, qualified where it lives in its own file.
    pub(crate) fn queue_table(&self) -> &'static str {
        if self.queue_gate.is_some() {
            "queue.report_queue"
        } else {
            "report_queue"
        }
    }

    /// Whether queue rows are in a file of their own (deleted after the batch that stored them
    /// commits, rather than in its transaction).
    pub(crate) fn queue_apart(&self) -> bool {
        self.queue_gate.is_some()
    }

    /// Held around every write of the queue on SQLite; `None` on the servers.
    pub(crate) async fn queue_turn(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        match &self.queue_gate {
            Some(gate) => Some(gate.lock().await),
            None => self.write_turn().await,
        }
    }

    /// Uploads queued in the database's own `report_queue` by a dashboard from before the queue
    /// had its own file: copied to the queue file (committed), then deleted here. A crash in
    /// between queues them twice, which stores them once (ingestion is idempotent).
    async fn move_queue_to_its_file(&self) -> Result<()> {
        let _turn = self.write_turn().await;
        let _queue = self.queue_turn().await;
        let mut conn = self.pool.acquire().await.ctx("move queued reports")?;
        let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM main.report_queue")
            .fetch_one(&mut *conn)
            .await
            .ctx("move queued reports")?;
        if left == 0 {
            return Ok(());
        }
        sqlx::query(
            "INSERT INTO queue.report_queue (received_at, source, body, packed) \
             SELECT received_at, source, body, packed FROM main.report_queue ORDER BY id",
        )
        .execute(&mut *conn)
        .await
        .ctx("move queued reports")?;
        sqlx::query("DELETE FROM main.report_queue").execute(&mut *conn).await.ctx("move queued reports")?;
        tracing::info!("moved {left} queued reports to the queue file");
        Ok(())
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

/// The queue file's one table, as `report_queue` is in the SQLite migrations.
const QUEUE_TABLE_SQLITE: &str = "CREATE TABLE IF NOT EXISTS queue.report_queue (\
    id INTEGER PRIMARY KEY AUTOINCREMENT, received_at INTEGER NOT NULL, source TEXT NOT NULL, \
    body TEXT NOT NULL, packed BLOB)";

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
