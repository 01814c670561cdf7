//! The Bunraku dashboard: every agent run, stored in a real database and shown in a browser.
//!
//! The CLI's entry points:
//! - `bunraku dashboard [--port 3000] [--database URL]`:
//!   `serve(Config::for_cli(listen, database, &vardir)).await` (runs until Ctrl-C/SIGTERM; migrates first);
//! - `bunraku dashboard migrate [--database URL]`: [`migrate`];
//! - `bunraku dashboard user add NAME --role admin|viewer`: [`add_user`] (password read by the CLI).
//!
//! Upload networks other than loopback go in [`Config::upload_policy`] ([`auth::UploadPolicy::parse`]). Reports arrive on `POST /reports/upload` (the body of
//! Puppet's `http` report processor), wait in a queue table, and background workers store them
//! (see [`queue`]); the pages and the JSON API read from [`store::Store`].

pub mod auth;
pub mod charts;
pub mod diff;
pub mod error;
pub mod queue;
pub mod retention;
pub mod store;
pub mod web;

pub use error::{DashboardError, Result};
pub use store::Store;
pub use web::{serve, Config};

/// `bunraku dashboard migrate`: brings the schema at `database_url` up to date and returns.
pub async fn migrate(database_url: &str) -> Result<()> {
    let store = Store::open(database_url).await?;
    store.close().await;
    Ok(())
}

/// `bunraku dashboard user add NAME --role ROLE`: creates the user or resets its password and role.
pub async fn add_user(database_url: &str, name: &str, password: &str, role: &str) -> Result<()> {
    let store = Store::open(database_url).await?;
    store.add_user(name, password, store::Role::parse(role)?).await?;
    store.close().await;
    Ok(())
}

/// The default database: a SQLite file in the vardir.
pub fn default_database_url(vardir: &std::path::Path) -> String {
    format!("sqlite://{}", vardir.join("dashboard.sqlite3").display())
}
