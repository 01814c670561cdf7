//! The dashboard's error type: one enum so that the web layer can map each cause to an HTTP status.

/// Everything that can go wrong in the dashboard library.
#[derive(Debug, thiserror::Error)]
pub enum DashboardError {
    /// The database refused or failed a statement; the message names the operation.
    #[error("database ({context}): {source}")]
    Database {
        /// What the dashboard was doing, e.g. "ingest report for web1".
        context: String,
        #[source]
        source: sqlx::Error,
    },
    /// Migrations failed; the dashboard cannot start on a schema it does not know.
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The database URL names a backend the dashboard does not speak.
    #[error("unsupported database URL {0:?}: use sqlite://PATH, postgres://… or mysql://…")]
    UnsupportedUrl(String),
    /// A report body could not be read; the message names what is wrong (sent back as a 400).
    #[error("malformed report: {0}")]
    BadReport(String),
    /// Bad input from a user (form, query string, CLI argument).
    #[error("{0}")]
    Invalid(String),
    /// Password hashing failed (never on valid input; reported rather than panicking).
    #[error("password hash: {0}")]
    Password(String),
    /// Binding the listening socket or serving failed.
    #[error("server: {0}")]
    Io(#[from] std::io::Error),
}

/// Shorthand used across the crate.
pub type Result<T, E = DashboardError> = std::result::Result<T, E>;

/// Attaches a context to sqlx errors (`.ctx("load node")?`).
pub(crate) trait DbContext<T> {
    fn ctx(self, context: impl Into<String>) -> Result<T>;
}

impl<T> DbContext<T> for std::result::Result<T, sqlx::Error> {
    fn ctx(self, context: impl Into<String>) -> Result<T> {
        self.map_err(|source| DashboardError::Database { context: context.into(), source })
    }
}
