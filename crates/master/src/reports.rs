//! Report processors, run on the master for every report an agent sends.
//!
//! `store` writes `<reportdir>/<host>/<YYYYMMDDHHMM>.yaml` as Puppet does. A report that cannot be
//! stored is not lost: it is kept as JSON in `<reportdir>/.spool/` and stored again on the next
//! report and periodically.
//!
//! `http` POSTs the same YAML to `reporturl` as Puppet's processor does (`Content-Type:
//! application/x-yaml`, userinfo as basic auth). Unlike Puppet's, which only logs a failure, every
//! report is first written to `<reportdir>/.http-spool/` and deleted once the receiver answered 2xx,
//! so a dashboard that is down or restarting loses nothing: a thread sends the spool, oldest first,
//! after every report and periodically, and the agent's PUT never waits for it. A report the
//! receiver refuses for good (4xx) is set aside as `*.rejected` instead of holding back the rest.
//!
//! `database` writes the report straight into the dashboard's database (`dashboard_database`, a
//! `sqlite://`, `postgres://` or `mysql://` URL; by default the SQLite file `bunraku dashboard`
//! uses in the same vardir), as the dashboard's own workers would, skipping its HTTP upload and
//! queue. Same guarantee as `http`: the report is first written to `<reportdir>/.database-spool/`
//! and deleted only once it is committed; a background thread stores the spool, oldest first,
//! after every report and periodically, so an agent's report PUT never waits for the database.
//! Ingestion is idempotent (a run is keyed by its host and transaction UUID), so a report that was
//! stored just before a crash and is sent again is stored once.

use std::fs;
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use bunraku_model::Report;
use chrono::{DateTime, Utc};

/// Why a report could not be processed.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The report's `host` cannot name a directory (`/`, `.`, `..`, empty, NUL).
    #[error("Invalid report host '{0}'")]
    BadHost(String),
    /// Writing failed; the report was spooled when `spooled` is true.
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
}

/// One report processor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Processor {
    /// Writes the report as YAML under `reportdir`.
    Store,
    /// POSTs the report's YAML to `reporturl`.
    Http,
    /// Stores the report in the dashboard's database (`dashboard_database`).
    Database,
}

impl Processor {
    /// The name agents get back in the report PUT's response.
    pub fn name(self) -> &'static str {
        match self {
            Processor::Store => "store",
            Processor::Http => "http",
            Processor::Database => "database",
        }
    }
}

/// Whether `host` can safely name a directory under `reportdir`.
pub fn valid_host(host: &str) -> bool {
    !host.is_empty() && host != "." && host != ".." && !host.contains(['/', '\\', '\0'])
}

/// The configured processors and where they keep reports.
pub struct ReportProcessors {
    processors: Vec<Processor>,
    reportdir: PathBuf,
    http: Option<HttpSender>,
    database: Option<DatabaseSender>,
    /// Serialises spool flushing so two flushes never store one report twice.
    spool_lock: Mutex<()>,
}

impl ReportProcessors {
    /// Interprets the `reports` setting. Unknown names are returned as warnings (and skipped);
    /// `none` disables processing.
    pub fn from_settings(names: &[String], reportdir: PathBuf) -> (Self, Vec<String>) {
        Self::with_reporturl(names, reportdir, None)
    }

    /// Like [`from_settings`](Self::from_settings), with `reporturl` and the client TLS config the
    /// `http` processor uses for an `https` URL (the master's own certificate, the Puppet CA as trust).
    pub fn with_reporturl(
        names: &[String],
        reportdir: PathBuf,
        reporturl: Option<(String, Option<std::sync::Arc<rustls::ClientConfig>>)>,
    ) -> (Self, Vec<String>) {
        Self::configure(names, reportdir, Destinations { reporturl, database: None })
    }

    /// Interprets the `reports` setting with where the `http` and `database` processors send to.
    pub fn configure(names: &[String], reportdir: PathBuf, to: Destinations) -> (Self, Vec<String>) {
        let mut processors = Vec::new();
        let mut warnings = Vec::new();
        let mut http = None;
        let mut database = None;
        for name in names.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
            match name {
                "store" if !processors.contains(&Processor::Store) => processors.push(Processor::Store),
                "http" if !processors.contains(&Processor::Http) => match &to.reporturl {
                    Some((url, tls)) => {
                        match HttpSender::new(url, tls.clone(), reportdir.join(".http-spool")) {
                            Ok(sender) => {
                                http = Some(sender);
                                processors.push(Processor::Http);
                            }
                            Err(e) => warnings.push(format!("The http report processor is disabled: {e}")),
                        }
                    }
                    None => warnings
                        .push("The http report processor needs `reporturl`; it will be skipped".into()),
                },
                "database" if !processors.contains(&Processor::Database) => match &to.database {
                    Some(url) => match DatabaseSender::start(url, reportdir.join(".database-spool")) {
                        Ok(sender) => {
                            database = Some(sender);
                            processors.push(Processor::Database);
                        }
                        Err(e) => warnings.push(format!("The database report processor is disabled: {e}")),
                    },
                    None => warnings.push(
                        "The database report processor needs `dashboard_database`; it will be skipped".into(),
                    ),
                },
                "store" | "http" | "database" | "none" => {}
                other => warnings.push(format!("No report processor named '{other}'; it will be skipped")),
            }
        }
        (ReportProcessors { processors, reportdir, http, database, spool_lock: Mutex::new(()) }, warnings)
    }

    /// The processors that run, in order.
    pub fn processors(&self) -> &[Processor] {
        &self.processors
    }

    /// The directory `store` writes to.
    pub fn reportdir(&self) -> &Path {
        &self.reportdir
    }

    fn spool_dir(&self) -> PathBuf {
        self.reportdir.join(".spool")
    }

    /// Runs every processor on `report`. A store failure spools the report and returns the error.
    /// Returns the names of the processors that ran.
    pub fn process(&self, report: &Report) -> Result<Vec<String>, ReportError> {
        if !valid_host(&report.host) {
            return Err(ReportError::BadHost(report.host.clone()));
        }
        for processor in &self.processors {
            match processor {
                Processor::Store => {
                    if let Err(err) = store(&self.reportdir, report, Utc::now()) {
                        tracing::error!("Could not store report for {}: {err}", report.host);
                        self.spool(report);
                        return Err(err);
                    }
                    tracing::debug!("Stored report for {}", report.host);
                }
                Processor::Http => {
                    if let Some(http) = &self.http {
                        http.enqueue(report)?;
                        http.thread.wake();
                    }
                }
                Processor::Database => {
                    if let Some(database) = &self.database {
                        database.enqueue(report)?;
                        database.thread.wake();
                    }
                }
            }
        }
        self.store_spool();
        Ok(self.processors.iter().map(|p| p.name().to_string()).collect())
    }

    /// Keeps an unprocessed report as JSON in the spool directory.
    fn spool(&self, report: &Report) {
        let dir = self.spool_dir();
        let result = create_dir(&dir, 0o750).and_then(|()| {
            let path = dir.join(format!("{}.json", uuid::Uuid::new_v4()));
            write_atomically(&path, report.to_json().as_bytes(), 0o640).map(|()| path)
        });
        match result {
            Ok(path) => tracing::warn!("Spooled the report of {} to {}", report.host, path.display()),
            Err(err) => {
                tracing::error!("Could not spool the report of {} either, it is lost: {err}", report.host)
            }
        }
    }

    /// Stores every spooled report that can now be stored (named by the report's own time), and
    /// deletes it from the spool, after the `http` and `database` processors' threads have sent
    /// what they hold (waited for). Returns how many the `store` spool stored.
    pub fn flush_spool(&self) -> usize {
        if let Some(http) = &self.http {
            http.thread.flush();
        }
        if let Some(database) = &self.database {
            database.thread.flush();
        }
        self.store_spool()
    }

    /// Stores what the `store` processor's spool holds; the other processors' threads are not
    /// waited for (an agent's report PUT must not wait for a dashboard).
    fn store_spool(&self) -> usize {
        if !self.processors.contains(&Processor::Store) {
            return 0;
        }
        let _guard = self.spool_lock.lock().unwrap_or_else(|p| p.into_inner());
        let Ok(entries) = fs::read_dir(self.spool_dir()) else { return 0 };
        let mut stored = 0;
        for entry in entries.filter_map(|e| e.ok()) {
            let path = entry.path();
            if path.extension().and_then(|e| e.to_str()) != Some("json") {
                continue;
            }
            let report = match fs::read_to_string(&path).map(|t| Report::from_json(&t)) {
                Ok(Ok(report)) => report,
                Ok(Err(err)) => {
                    tracing::error!("Spooled report {} is unreadable: {err}", path.display());
                    continue;
                }
                Err(_) => continue,
            };
            let when = DateTime::parse_from_rfc3339(&report.time)
                .map(|t| t.with_timezone(&Utc))
                .unwrap_or_else(|_| Utc::now());
            if !valid_host(&report.host) || store(&self.reportdir, &report, when).is_err() {
                continue;
            }
            let _ = fs::remove_file(&path);
            tracing::info!("Stored the spooled report of {}", report.host);
            stored += 1;
        }
        stored
    }
}

/// The `http` processor: a durable outbox of YAML reports and a thread that empties it, so an
/// agent's report PUT never waits for the receiver (a hung dashboard once made each PUT wait
/// 60 s: two flushes of 30 s, in the request).
struct HttpSender {
    outbox: PathBuf,
    thread: OutboxThread,
}

/// How long the `http` processor waits to connect to `reporturl`, and for one report's answer.
const HTTP_CONNECT: std::time::Duration = std::time::Duration::from_secs(5);
const HTTP_ANSWER: std::time::Duration = std::time::Duration::from_secs(30);

impl HttpSender {
    fn new(
        url: &str,
        tls: Option<std::sync::Arc<rustls::ClientConfig>>,
        outbox: PathBuf,
    ) -> Result<Self, String> {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(format!("reporturl '{url}' is not an http(s) URL"));
        }
        let (url, dir) = (url.to_string(), outbox.clone());
        let thread = OutboxThread::start("report-http", move || send_outbox(&url, tls.as_ref(), &dir))?;
        thread.wake(); // what an earlier run left in the outbox
        Ok(HttpSender { outbox, thread })
    }

    /// Writes the report to the outbox; named by arrival so the outbox sends in order.
    fn enqueue(&self, report: &Report) -> Result<(), ReportError> {
        create_dir(&self.outbox, 0o750)?;
        let name = format!("{}-{}.yaml", Utc::now().format("%Y%m%dT%H%M%S%.9f"), uuid::Uuid::new_v4());
        write_atomically(&self.outbox.join(name), report.to_yaml().as_bytes(), 0o640)
    }
}

/// A client for one pass. reqwest's blocking client runs its own runtime, which may be neither
/// created nor dropped on an async thread, so it lives only inside the (blocking) pass.
fn http_client(
    tls: Option<&std::sync::Arc<rustls::ClientConfig>>,
) -> Result<reqwest::blocking::Client, String> {
    // reqwest builds a rustls config even for plain http and needs a process-wide provider for it.
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let mut builder = reqwest::blocking::Client::builder().connect_timeout(HTTP_CONNECT).timeout(HTTP_ANSWER);
    if let Some(tls) = tls {
        builder = builder.use_preconfigured_tls((**tls).clone());
    }
    builder.build().map_err(|e| e.to_string())
}

/// Sends what the outbox holds, oldest first. A report the receiver refuses for good (a 4xx
/// other than 408 and 429) is set aside, as the `database` processor sets aside what fails
/// validation, so it no longer holds back every report after it; a 5xx, a timeout or no
/// connection stops the pass (the receiver is down: the rest would fail too, and order is kept
/// for the next attempt).
fn send_outbox(url: &str, tls: Option<&std::sync::Arc<rustls::ClientConfig>>, outbox: &Path) -> usize {
    let files = outbox_files(outbox, "yaml");
    if files.is_empty() {
        return 0;
    }
    let client = match http_client(tls) {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!("Unable to submit reports to {url}: {e}");
            return 0;
        }
    };
    let mut sent = 0;
    for path in files {
        let Ok(body) = fs::read(&path) else { continue };
        let result = client
            .post(url)
            .header("Content-Type", "application/x-yaml")
            .header("Accept", "*/*")
            .body(body)
            .send();
        match result {
            Ok(resp) if resp.status().is_success() => {
                let _ = fs::remove_file(&path);
                sent += 1;
            }
            Ok(resp) if refused_for_good(resp.status()) => {
                let status = resp.status();
                let answer = resp.text().unwrap_or_default();
                let why = format!("{url} answered {status}: {}", answer.trim());
                set_aside(&path, &why, "sent to reporturl");
            }
            Ok(resp) => {
                tracing::warn!(
                    "Unable to submit report to {url} [{}] {}; it is kept in {} for a retry",
                    resp.status().as_u16(),
                    resp.status().canonical_reason().unwrap_or(""),
                    outbox.display()
                );
                break;
            }
            Err(e) => {
                tracing::warn!(
                    "Unable to submit report to {url}: {e}; it is kept in {} for a retry",
                    outbox.display()
                );
                break;
            }
        }
    }
    if sent > 0 {
        tracing::debug!("Sent {sent} report(s) to {url}");
    }
    sent
}

/// Whether an answer means the receiver will never take this report: a client error, except
/// those that say "later" (408 Request Timeout, 429 Too Many Requests).
fn refused_for_good(status: reqwest::StatusCode) -> bool {
    status.is_client_error()
        && status != reqwest::StatusCode::REQUEST_TIMEOUT
        && status != reqwest::StatusCode::TOO_MANY_REQUESTS
}

/// A thread that empties an outbox when asked, one pass at a time (so reports go out once each
/// and in order): the `http` and `database` processors' senders.
struct OutboxThread {
    jobs: Mutex<std::sync::mpsc::Sender<Option<std::sync::mpsc::Sender<usize>>>>,
}

impl OutboxThread {
    /// Starts the thread; `pass` empties the outbox and returns how many reports went out. The
    /// thread ends when the `OutboxThread` is dropped.
    fn start(name: &str, mut pass: impl FnMut() -> usize + Send + 'static) -> Result<Self, String> {
        let (tx, rx) = std::sync::mpsc::channel::<Option<std::sync::mpsc::Sender<usize>>>();
        std::thread::Builder::new()
            .name(name.into())
            .spawn(move || {
                while let Ok(first) = rx.recv() {
                    // Requests that arrived meanwhile are served by the same pass.
                    let mut waiting: Vec<_> = first.into_iter().collect();
                    while let Ok(more) = rx.try_recv() {
                        waiting.extend(more);
                    }
                    let done = pass();
                    for reply in waiting {
                        let _ = reply.send(done);
                    }
                }
            })
            .map_err(|e| format!("cannot start its thread: {e}"))?;
        Ok(OutboxThread { jobs: Mutex::new(tx) })
    }

    /// Asks for a pass, without waiting.
    fn wake(&self) {
        if let Ok(jobs) = self.jobs.lock() {
            let _ = jobs.send(None);
        }
    }

    /// Asks for a pass and waits for it; returns how many reports went out.
    fn flush(&self) -> usize {
        let (tx, rx) = std::sync::mpsc::channel();
        let sent = self.jobs.lock().map(|jobs| jobs.send(Some(tx)).is_ok()).unwrap_or(false);
        if !sent {
            return 0;
        }
        rx.recv().unwrap_or(0)
    }
}

/// Where the `http` and `database` processors send reports.
#[derive(Default)]
pub struct Destinations {
    /// `reporturl`, with the client TLS config for an `https` URL.
    pub reporturl: Option<(String, Option<std::sync::Arc<rustls::ClientConfig>>)>,
    /// `dashboard_database`: the dashboard's database URL.
    pub database: Option<String>,
}

/// How long connecting to the database may take, and one attempt to store the spool, before they
/// are left for the next attempt (a database that does not answer must not hold the spool thread
/// for the pool's 30 s of retries).
const DATABASE_CONNECT: std::time::Duration = std::time::Duration::from_secs(5);
const DATABASE_ATTEMPT: std::time::Duration = std::time::Duration::from_secs(60);

/// The `database` processor: a durable outbox of JSON reports and a thread (with its own async
/// runtime, since the dashboard's store is async and `process` runs on blocking threads) that
/// stores them in the dashboard's database.
struct DatabaseSender {
    outbox: PathBuf,
    thread: OutboxThread,
}

impl DatabaseSender {
    fn start(url: &str, outbox: PathBuf) -> Result<Self, String> {
        bunraku_dashboard::store::Backend::from_url(url).map_err(|e| e.to_string())?;
        let (url, dir) = (url.to_string(), outbox.clone());
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start its runtime: {e}"))?;
        let mut store: Option<bunraku_dashboard::Store> = None;
        let pass = move || {
            runtime.block_on(async {
                match tokio::time::timeout(DATABASE_ATTEMPT, store_outbox(&url, &dir, &mut store)).await {
                    Ok(n) => n,
                    Err(_) => {
                        tracing::warn!(
                            "Unable to store reports in {}: no answer within {} s; they are kept in {} for a retry",
                            redact(&url),
                            DATABASE_ATTEMPT.as_secs(),
                            dir.display()
                        );
                        store = None;
                        0
                    }
                }
            })
        };
        let thread = OutboxThread::start("report-database", pass)?;
        thread.wake(); // what an earlier run left in the outbox
        Ok(DatabaseSender { outbox, thread })
    }

    /// Writes the report to the outbox; named by arrival so the outbox is stored in order.
    fn enqueue(&self, report: &Report) -> Result<(), ReportError> {
        create_dir(&self.outbox, 0o750)?;
        let name = format!("{}-{}.json", Utc::now().format("%Y%m%dT%H%M%S%.9f"), uuid::Uuid::new_v4());
        write_atomically(&self.outbox.join(name), report.to_json().as_bytes(), 0o640)
    }
}

/// Stores what the outbox holds, oldest first, stopping at the first database error (the rest
/// would fail too, and order is kept for the next attempt). Connects (and migrates) on first use
/// and again after an error.
async fn store_outbox(url: &str, outbox: &Path, store: &mut Option<bunraku_dashboard::Store>) -> usize {
    let files = outbox_files(outbox, "json");
    if files.is_empty() {
        return 0;
    }
    let keep = |e: &dyn std::fmt::Display| {
        tracing::warn!(
            "Unable to store reports in {}: {e}; they are kept in {} for a retry",
            redact(url),
            outbox.display()
        );
    };
    if store.is_none() {
        match tokio::time::timeout(DATABASE_CONNECT, bunraku_dashboard::Store::open(url)).await {
            Ok(Ok(s)) => *store = Some(s),
            Ok(Err(e)) => {
                keep(&e);
                return 0;
            }
            Err(_) => {
                keep(&format!("no connection within {} s", DATABASE_CONNECT.as_secs()));
                return 0;
            }
        }
    }
    let Some(db) = store.as_ref() else { return 0 };
    let mut stored = 0;
    for path in files {
        let report = match fs::read_to_string(&path).map(|t| Report::from_json(&t)) {
            Ok(Ok(report)) => report,
            Ok(Err(e)) => {
                set_aside(&path, &e, "stored in the dashboard database");
                continue;
            }
            Err(_) => continue,
        };
        match db.ingest(&report, None).await {
            Ok(outcome) => {
                let _ = fs::remove_file(&path);
                tracing::debug!(
                    "Stored the report of {} in the dashboard database ({outcome:?})",
                    report.host
                );
                stored += 1;
            }
            Err(e @ bunraku_dashboard::DashboardError::BadReport(_)) => {
                set_aside(&path, &e, "stored in the dashboard database")
            }
            Err(e) => {
                keep(&e);
                db.close().await;
                *store = None;
                break;
            }
        }
    }
    stored
}

/// A spooled report its destination will never take (it fails validation, the receiver refuses
/// it) is renamed `*.rejected` beside the others: kept for a person to look at, no longer holding
/// back the ones after it. `what` says what could not be done with it.
fn set_aside(path: &Path, why: &dyn std::fmt::Display, what: &str) {
    let aside = path.with_extension("rejected");
    tracing::error!(
        "The report in {} cannot be {what} ({why}); it is set aside as {}",
        path.display(),
        aside.display()
    );
    let _ = fs::rename(path, aside);
}

/// A database URL for messages, without its password.
fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// The reports an outbox holds (files ending in `.ext`), oldest first: their names start with
/// the time they were spooled.
fn outbox_files(outbox: &Path, ext: &str) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(outbox) else { return Vec::new() };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().and_then(|e| e.to_str()) == Some(ext))
        .collect();
    files.sort();
    files
}

fn create_dir(dir: &Path, mode: u32) -> Result<(), ReportError> {
    let io = |source| ReportError::Io { path: dir.to_path_buf(), source };
    if !dir.is_dir() {
        fs::DirBuilder::new().recursive(true).mode(mode).create(dir).map_err(io)?;
        // The umask may have narrowed or the directory may predate us; Puppet sets it explicitly.
        fs::set_permissions(dir, fs::Permissions::from_mode(mode)).map_err(io)?;
    }
    Ok(())
}

fn write_atomically(path: &Path, bytes: &[u8], mode: u32) -> Result<(), ReportError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let io = |source| ReportError::Io { path: path.to_path_buf(), source };
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
    tmp.write_all(bytes).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    fs::set_permissions(tmp.path(), fs::Permissions::from_mode(mode)).map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

/// The `store` processor: `<reportdir>/<host>/<YYYYMMDDHHMM>.yaml` (UTC minute of `when`), dir
/// 0750, file 0640, written atomically so a reader never sees half a report.
pub fn store(reportdir: &Path, report: &Report, when: DateTime<Utc>) -> Result<PathBuf, ReportError> {
    if !valid_host(&report.host) {
        return Err(ReportError::BadHost(report.host.clone()));
    }
    let dir = reportdir.join(&report.host);
    create_dir(&dir, 0o750)?;
    let path = dir.join(format!("{}.yaml", when.format("%Y%m%d%H%M")));
    write_atomically(&path, report.to_yaml().as_bytes(), 0o640)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(host: &str) -> Report {
        Report::from_json(&format!(
            r#"{{"host":"{host}","time":"2026-11-27T05:02:15.111416931+00:00","configuration_version":1,"report_format":12,"puppet_version":"7.23.0","status":"unchanged","transaction_completed":true,"noop":false,"noop_pending":false,"environment":"production"}}"#
        ))
        .unwrap()
    }

    #[test]
    fn stores_yaml_with_modes() {
        let dir = tempfile::tempdir().unwrap();
        let (procs, warnings) =
            ReportProcessors::from_settings(&["store".into(), "tagmail".into()], dir.path().to_path_buf());
        assert_eq!(warnings.len(), 1);
        assert_eq!(procs.process(&report("a.example.com")).unwrap(), vec!["store"]);
        let hostdir = dir.path().join("a.example.com");
        assert_eq!(fs::metadata(&hostdir).unwrap().permissions().mode() & 0o777, 0o750);
        let file = fs::read_dir(&hostdir).unwrap().next().unwrap().unwrap().path();
        assert_eq!(fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o640);
        let name = file.file_name().unwrap().to_str().unwrap().to_string();
        assert!(name.len() == "202611270502.yaml".len() && name.ends_with(".yaml"), "{name}");
        assert!(fs::read_to_string(&file)
            .unwrap()
            .starts_with("--- !ruby/object:Puppet::Transaction::Report\n"));
    }

    #[test]
    fn bad_hosts_refused() {
        let dir = tempfile::tempdir().unwrap();
        for host in ["..", ".", "a/b", ""] {
            assert!(store(dir.path(), &report(host), Utc::now()).is_err(), "{host}");
        }
    }

    #[test]
    fn failed_store_is_spooled_then_flushed() {
        let dir = tempfile::tempdir().unwrap();
        let (procs, _) = ReportProcessors::from_settings(&["store".into()], dir.path().to_path_buf());
        // A file where the host's directory should be makes the store fail.
        fs::write(dir.path().join("b.example.com"), "in the way").unwrap();
        assert!(procs.process(&report("b.example.com")).is_err());
        assert_eq!(fs::read_dir(dir.path().join(".spool")).unwrap().count(), 1);
        assert_eq!(procs.flush_spool(), 0);
        fs::remove_file(dir.path().join("b.example.com")).unwrap();
        assert_eq!(procs.flush_spool(), 1);
        assert!(dir.path().join("b.example.com/202611270502.yaml").is_file());
        assert_eq!(fs::read_dir(dir.path().join(".spool")).unwrap().count(), 0);
    }

    #[test]
    fn none_disables() {
        let dir = tempfile::tempdir().unwrap();
        let (procs, warnings) = ReportProcessors::from_settings(&["none".into()], dir.path().to_path_buf());
        assert!(warnings.is_empty());
        assert!(procs.process(&report("a")).unwrap().is_empty());
    }

    /// A receiver of the `http` processor: an axum server on loopback that records what it gets,
    /// and can be stopped and started again on the same port.
    struct Receiver {
        runtime: tokio::runtime::Runtime,
        got: std::sync::Arc<Mutex<Vec<(String, String)>>>,
        /// Bodies containing the text are answered with the status instead of being taken.
        refuse: std::sync::Arc<Mutex<Vec<(String, u16)>>>,
        stop: Option<tokio::sync::oneshot::Sender<()>>,
    }

    impl Receiver {
        fn new() -> Receiver {
            let runtime =
                tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
            Receiver { runtime, got: Default::default(), refuse: Default::default(), stop: None }
        }

        fn start(&mut self, port: u16) -> u16 {
            let got = self.got.clone();
            let refuse = self.refuse.clone();
            let app = axum::Router::new().route(
                "/reports/upload",
                axum::routing::post(move |headers: axum::http::HeaderMap, body: String| {
                    let got = got.clone();
                    let refuse = refuse.clone();
                    async move {
                        let refused = refuse
                            .lock()
                            .unwrap()
                            .iter()
                            .find(|(t, _)| body.contains(t.as_str()))
                            .map(|r| r.1);
                        if let Some(status) = refused {
                            return (axum::http::StatusCode::from_u16(status).unwrap(), "no");
                        }
                        let ctype = headers
                            .get("content-type")
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or("")
                            .to_string();
                        got.lock().unwrap().push((ctype, body));
                        (axum::http::StatusCode::OK, "ok")
                    }
                }),
            );
            let listener = self.runtime.block_on(tokio::net::TcpListener::bind(("127.0.0.1", port))).unwrap();
            let port = listener.local_addr().unwrap().port();
            let (tx, rx) = tokio::sync::oneshot::channel::<()>();
            self.stop = Some(tx);
            self.runtime.spawn(async move {
                let _ = axum::serve(listener, app)
                    .with_graceful_shutdown(async {
                        let _ = rx.await;
                    })
                    .await;
            });
            port
        }

        fn stop(&mut self) {
            if let Some(tx) = self.stop.take() {
                let _ = tx.send(());
            }
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
    }

    #[test]
    fn http_sends_yaml_and_keeps_reports_while_the_receiver_is_down() {
        let dir = tempfile::tempdir().unwrap();
        let mut receiver = Receiver::new();
        let port = receiver.start(0);
        let url = format!("http://127.0.0.1:{port}/reports/upload");
        let (procs, warnings) = ReportProcessors::with_reporturl(
            &["store".into(), "http".into()],
            dir.path().to_path_buf(),
            Some((url, None)),
        );
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(procs.process(&report("a.example.com")).unwrap(), vec!["store", "http"]);
        procs.flush_spool();
        {
            let got = receiver.got.lock().unwrap();
            assert_eq!(got.len(), 1);
            assert_eq!(got[0].0, "application/x-yaml");
            assert!(got[0]
                .1
                .starts_with("--- !ruby/object:Puppet::Transaction::Report\nhost: a.example.com\n"));
        }

        receiver.stop();
        procs.process(&report("b.example.com")).unwrap();
        procs.process(&report("c.example.com")).unwrap();
        procs.flush_spool();
        assert_eq!(receiver.got.lock().unwrap().len(), 1, "nothing reaches a stopped receiver");
        let outbox = dir.path().join(".http-spool");
        assert_eq!(fs::read_dir(&outbox).unwrap().count(), 2, "both reports wait in the outbox");

        receiver.start(port);
        procs.flush_spool();
        let got = receiver.got.lock().unwrap();
        let hosts: Vec<_> = got.iter().map(|(_, body)| Report::from_yaml(body).unwrap().host).collect();
        assert_eq!(hosts, ["a.example.com", "b.example.com", "c.example.com"], "in order, none lost");
        assert_eq!(fs::read_dir(&outbox).unwrap().count(), 0);
    }

    fn outbox(dir: &Path, ext: &str) -> usize {
        outbox_files(&dir.join(".http-spool"), ext).len()
    }

    /// The issue: one report the dashboard rejected stayed first in the spool and every later
    /// report waited behind it. A 4xx is final: that report is set aside and the others go on;
    /// a 5xx (or 429) is "later": the report waits and goes out once the receiver takes it.
    #[test]
    fn http_sets_aside_what_the_receiver_refuses_and_retries_what_it_cannot_take_yet() {
        let dir = tempfile::tempdir().unwrap();
        let mut receiver = Receiver::new();
        let port = receiver.start(0);
        receiver.refuse.lock().unwrap().push(("host: bad.example.com".into(), 400));
        receiver.refuse.lock().unwrap().push(("host: busy.example.com".into(), 503));
        let url = format!("http://127.0.0.1:{port}/reports/upload");
        let (procs, _) =
            ReportProcessors::with_reporturl(&["http".into()], dir.path().to_path_buf(), Some((url, None)));
        procs.process(&report("bad.example.com")).unwrap();
        procs.process(&report("good.example.com")).unwrap();
        procs.flush_spool();
        let hosts = |r: &Receiver| -> Vec<String> {
            r.got.lock().unwrap().iter().map(|(_, body)| Report::from_yaml(body).unwrap().host).collect()
        };
        assert_eq!(hosts(&receiver), ["good.example.com"], "the refused report no longer blocks the rest");
        assert_eq!((outbox(dir.path(), "yaml"), outbox(dir.path(), "rejected")), (0, 1));

        procs.process(&report("busy.example.com")).unwrap();
        procs.process(&report("after.example.com")).unwrap();
        procs.flush_spool();
        assert_eq!(hosts(&receiver), ["good.example.com"], "a 503 keeps the order: both wait");
        assert_eq!(outbox(dir.path(), "yaml"), 2);
        receiver.refuse.lock().unwrap().retain(|(_, status)| *status != 503);
        procs.flush_spool();
        assert_eq!(hosts(&receiver), ["good.example.com", "busy.example.com", "after.example.com"]);
        assert_eq!((outbox(dir.path(), "yaml"), outbox(dir.path(), "rejected")), (0, 1));
        for status in [408, 429, 500, 502] {
            assert!(!refused_for_good(reqwest::StatusCode::from_u16(status).unwrap()), "{status}");
        }
        for status in [400, 401, 403, 404, 413, 422] {
            assert!(refused_for_good(reqwest::StatusCode::from_u16(status).unwrap()), "{status}");
        }
    }

    /// The issue: a dashboard that accepts connections and never answers made each report PUT
    /// wait 60 s. The PUT now only writes the outbox; sending happens on the processor's thread.
    #[test]
    fn a_hung_receiver_does_not_hold_the_report_put() {
        let dir = tempfile::tempdir().unwrap();
        let hung = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/reports/upload", hung.local_addr().unwrap());
        let (procs, _) = ReportProcessors::with_reporturl(
            &["store".into(), "http".into()],
            dir.path().to_path_buf(),
            Some((url, None)),
        );
        let started = std::time::Instant::now();
        for host in ["a.example.com", "b.example.com", "c.example.com"] {
            procs.process(&report(host)).unwrap();
        }
        let took = started.elapsed();
        assert!(took < std::time::Duration::from_secs(1), "three report PUTs took {took:?}");
        assert_eq!(outbox(dir.path(), "yaml"), 3, "kept for when the receiver answers");
        assert!(dir.path().join("c.example.com").is_dir(), "store ran");
    }

    #[test]
    fn http_without_reporturl_is_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        let (procs, warnings) =
            ReportProcessors::with_reporturl(&["http".into()], dir.path().to_path_buf(), None);
        assert!(procs.processors().is_empty());
        assert_eq!(warnings.len(), 1);
    }
}
