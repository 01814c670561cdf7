//! The Bunraku agent.
//!
//! * [`transaction`] applies a catalog: builds the resource graph (containment, relationship
//!   metaparameters, autorequires), walks it in dependency order, propagates refresh events, skips the
//!   dependents of failures, applies the files a recursive `file` or a `concat_file` generates right
//!   after it, honours [`schedule`]s, `loglevel` and [`audit`] (for `file`), and produces the run's
//!   [`bunraku_model::Report`].
//! * [`providers`] are the only code that touches the system (`file` with its filebucket backups,
//!   `package`, `service`, `exec`, `notify`, `user`, `group`, `cron`, the text-file types `host`,
//!   `file_line`, `ini_setting`, `sshkey`, `ssh_authorized_key`, `mount`, and `concat_file`).
//! * [`run`] is one agent run against a master: SSL bootstrap, pluginsync, facts, catalog, apply, report;
//!   [`client`] speaks Puppet's HTTP API over mutual TLS, [`sources`] resolves `puppet:///` URLs, and
//!   [`state`] keeps what Puppet keeps between runs (cached catalog, last run summary and report).
//! * [`tmpfiles`] journals the temporary files an apply creates, so the next run removes those a
//!   killed one left behind.

pub mod audit;
pub mod authconf;
pub mod client;
pub mod daemon;
pub mod graph;
pub mod kick;
pub mod listener;
pub mod lock;
pub mod providers;
pub mod run;
pub mod schedule;
pub mod sources;
pub mod state;
pub mod tmpfiles;
pub mod transaction;

/// Where `puppet:///` file sources come from: the master over HTTPS for an agent run, the local
/// modulepath for `bunraku apply`.
pub trait FileSource: Send + Sync {
    /// Metadata of the file behind a `puppet:///…` (or absolute path / `file://`) source.
    fn metadata(&self, source: &str) -> Result<bunraku_model::FileMetadata, String>;
    /// The bytes of that file.
    fn content(&self, source: &str) -> Result<Vec<u8>, String>;
    /// The metadata of a source and, when it is a directory, of everything below it to `limit`
    /// levels (`file_metadatas` with `recurse`, for a recursive `file`), each with its
    /// `relative_path` (`"."` for the source itself).
    fn metadatas(
        &self,
        source: &str,
        limit: Option<u32>,
    ) -> Result<Vec<bunraku_model::FileMetadata>, String> {
        let _ = limit;
        Err(format!("Could not list {source}: this source cannot be searched"))
    }
    /// Backs `bytes` (the content of `path`, whose sha256 is `digest`) up to the master's
    /// filebucket, as `backup => <a filebucket with path => false>` asks.
    fn backup(&self, path: &str, digest: &str, bytes: Vec<u8>) -> Result<(), String> {
        let _ = (digest, bytes);
        Err(format!("Could not back up {path}: there is no master to back up to"))
    }
}
