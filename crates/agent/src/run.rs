//! One agent run against a master, in the order a Puppet 7 agent makes its requests
//! (/work/shared/reference/puppet-wire-protocol.md §1.2): SSL bootstrap, pluginsync, facts, catalog,
//! apply, report. Each step logs what Puppet logs, so users recognise the output.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bunraku_model::{Catalog, Facts, LogEntry, Report, RunStatus, Value};
use bunraku_pki::{tls, PkiError, SslDir};
use indexmap::IndexMap;
use tracing::{debug, error, info, warn};

use crate::client::{encode, ClientError, MasterClient};
use crate::sources::MasterFileSource;
use crate::state;
use crate::transaction::{self, ApplyOptions};

/// Everything an agent run needs, resolved from `puppet.conf` and the command line.
#[derive(Debug, Clone)]
pub struct AgentConfig {
    pub certname: String,
    pub server: String,
    pub port: u16,
    pub ca_server: String,
    pub ca_port: u16,
    pub report_server: String,
    pub report_port: u16,
    pub environment: String,
    pub ssldir: PathBuf,
    pub client_datadir: PathBuf,
    pub lastrunfile: PathBuf,
    pub lastrunreport: PathBuf,
    pub libdir: PathBuf,
    pub pluginfactdest: PathBuf,
    /// `None` waits forever; `Some(0)` gives up at once (`--waitforcert 0`).
    pub waitforcert: Duration,
    pub maxwaitforcert: Option<Duration>,
    pub keylength: u32,
    pub dns_alt_names: Vec<String>,
    pub noop: bool,
    pub usecacheonfailure: bool,
    pub report: bool,
    pub show_diff: bool,
    pub pluginsync: bool,
    pub tags: Vec<String>,
    /// `agent_catalog_run_lockfile`: one run at a time.
    pub agent_catalog_run_lockfile: PathBuf,
    /// `agent_disabled_lockfile`: present while the agent is disabled (`--disable`).
    pub agent_disabled_lockfile: PathBuf,
    /// `statefile`: Puppet's `state.yaml`.
    pub statefile: PathBuf,
}

/// Why a run could not happen at all (exit code 1).
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Pki(#[from] PkiError),
    #[error(transparent)]
    Client(#[from] ClientError),
    #[error("Couldn't fetch certificate from CA server; you might still need to sign this agent's certificate ({0}). Exiting now because the waitforcert setting is set to 0.")]
    NotSigned(String),
    #[error("Couldn't fetch certificate from CA server; you might still need to sign this agent's certificate ({0}). Exiting now because the maxwaitforcert timeout has been exceeded.")]
    WaitedTooLong(String),
    #[error("Could not retrieve catalog; skipping run")]
    NoCatalog,
    /// The agent is disabled; the message is Puppet's notice, with the reason.
    #[error("{}", crate::lock::disabled_message(.0))]
    Disabled(String),
    /// Another run holds the run lock.
    #[error("{}", crate::lock::already_running_message(.0))]
    AlreadyRunning(PathBuf),
    #[error("{0}")]
    Other(String),
}

impl RunError {
    /// Whether the master could not be reached at all (the daemon then backs off and retries sooner
    /// than `runinterval`).
    pub fn unreachable(&self) -> bool {
        matches!(self, RunError::Client(ClientError::Transport { .. }) | RunError::NoCatalog)
    }
}

/// [`run_once`] as the agent command and the daemon call it: skipped (with Puppet's notice) while the
/// agent is disabled or another run holds the run lock.
pub fn run_guarded(
    cfg: &AgentConfig,
    resolve_facts: &dyn Fn() -> IndexMap<String, Value>,
) -> Result<RunOutcome, RunError> {
    if let Some(reason) = crate::lock::disabled_reason(&cfg.agent_disabled_lockfile) {
        return Err(RunError::Disabled(reason));
    }
    let lock = crate::lock::RunLock::acquire(&cfg.agent_catalog_run_lockfile)
        .map_err(|e| RunError::Other(format!("{}: {e}", cfg.agent_catalog_run_lockfile.display())))?;
    let Some(_lock) = lock else {
        return Err(RunError::AlreadyRunning(cfg.agent_catalog_run_lockfile.clone()));
    };
    run_once(cfg, resolve_facts)
}

/// The result of a run that happened: its report and Puppet's `--detailed-exitcodes` value.
pub struct RunOutcome {
    pub report: Report,
    /// 0 no changes, 2 changes, 4 failures, 6 changes and failures.
    pub detailed_exit_code: i32,
}

/// Makes sure the node has a signed certificate, as Puppet's SSL state machine does: fetch and pin
/// the CA certificate, fetch the CRL, create a key and CSR, submit it, and wait for the signature.
pub fn ensure_certificate(cfg: &AgentConfig) -> Result<(), RunError> {
    let ssl = SslDir::new(&cfg.ssldir);
    let ca_path = ssl.ca_cert_path();
    if !ca_path.exists() {
        // Trust on first use: the CA certificate itself cannot be verified before we have it.
        let client = MasterClient::new(&cfg.ca_server, cfg.ca_port, tls::bootstrap_client_config())?;
        let pem = client.get_text("/puppet-ca/v1/certificate/ca")?;
        ssl.save_ca_cert(&pem)?;
        debug!("Caching certificate for ca");
    }
    if !ssl.crl_path().exists() {
        let client = MasterClient::new(&cfg.ca_server, cfg.ca_port, tls::client_config(&ssl, None)?)?;
        let pem = client.get_text("/puppet-ca/v1/certificate_revocation_list/ca")?;
        ssl.save_crl(&pem)?;
        debug!("Caching certificate_revocation_list for ca");
    }
    if ssl.cert_path(&cfg.certname).exists() {
        ssl.check_consistency(&cfg.certname)?;
        return Ok(());
    }
    ssl.ensure_key(&cfg.certname, cfg.keylength)?;
    let csr = ssl.ensure_csr(&cfg.certname, &cfg.dns_alt_names)?;
    let client = MasterClient::new(&cfg.ca_server, cfg.ca_port, tls::client_config(&ssl, None)?)?;
    let started = Instant::now();
    loop {
        // A 400 means "already submitted": the CA keeps the first CSR, and we wait for it.
        match client
            .put_text(&format!("/puppet-ca/v1/certificate_request/{}", encode(&cfg.certname)), csr.clone())
        {
            Ok(()) => {}
            Err(ClientError::Status { status: 400, message }) => tracing::trace!("{message}"),
            Err(e) => return Err(e.into()),
        }
        match client.get_text(&format!("/puppet-ca/v1/certificate/{}", encode(&cfg.certname))) {
            Ok(pem) => {
                ssl.save_certificate(&cfg.certname, &pem)?;
                debug!("Caching certificate for {}", cfg.certname);
                return Ok(());
            }
            Err(ClientError::Status { status: 404, .. }) => {
                debug!("Certificate for {} has not been signed yet", cfg.certname);
            }
            Err(e) => return Err(e.into()),
        }
        if cfg.waitforcert.is_zero() {
            return Err(RunError::NotSigned(cfg.certname.clone()));
        }
        if cfg.maxwaitforcert.is_some_and(|max| started.elapsed() >= max) {
            return Err(RunError::WaitedTooLong(cfg.certname.clone()));
        }
        info!(
            "Couldn't fetch certificate from CA server; you might still need to sign this agent's certificate ({}). Will try again in {} seconds.",
            cfg.certname,
            cfg.waitforcert.as_secs()
        );
        std::thread::sleep(cfg.waitforcert);
    }
}

/// One complete run: certificate, pluginsync, facts, catalog (or the cached one on failure), apply,
/// report. `resolve_facts` gathers the node's facts once the certificate is in place, as Puppet
/// does; the agent adds `clientcert`, `clientversion`, `clientnoop`.
pub fn run_once(
    cfg: &AgentConfig,
    resolve_facts: &dyn Fn() -> IndexMap<String, Value>,
) -> Result<RunOutcome, RunError> {
    let total = Instant::now();
    ensure_certificate(cfg)?;
    let ssl = SslDir::new(&cfg.ssldir);
    let tls_config = tls::client_config(&ssl, Some(&cfg.certname))?;
    let client = Arc::new(MasterClient::new(&cfg.server, cfg.port, tls_config.clone())?);
    let mut run_logs: Vec<LogEntry> = Vec::new();
    let transaction_uuid = uuid::Uuid::new_v4().to_string();
    let mut environment = cfg.environment.clone();
    debug!("Using environment '{environment}'");

    let sync_started = Instant::now();
    if cfg.pluginsync {
        pluginsync(cfg, &client, &environment);
    }
    let plugin_sync_time = sync_started.elapsed().as_secs_f64();

    let facts_started = Instant::now();
    let mut facts = resolve_facts();
    facts.insert("clientcert".into(), Value::from(cfg.certname.clone()));
    facts.insert("clientversion".into(), Value::from(bunraku_model::PUPPET_VERSION));
    facts.insert("clientnoop".into(), Value::from(cfg.noop));
    let fact_generation = facts_started.elapsed().as_secs_f64();

    let retrieval_started = Instant::now();
    let (catalog, cached_status) = match request_catalog(cfg, &client, &environment, &transaction_uuid, facts)
    {
        Ok(catalog) => {
            debug!("Caching catalog for {}", cfg.certname);
            if let Err(e) = state::save_catalog(&cfg.client_datadir, &catalog) {
                warn!("Could not cache the catalog: {e}");
            }
            (catalog, "not_used")
        }
        Err(e) => {
            let message = format!("Could not retrieve catalog from remote server: {e}");
            error!("{message}");
            run_logs.push(log_entry("err", &message));
            if !cfg.usecacheonfailure {
                warn!("Not using cache on failed catalog");
                send_failure_report(cfg, &client, &environment, &transaction_uuid, run_logs);
                return Err(RunError::NoCatalog);
            }
            match state::load_catalog(&cfg.client_datadir, &cfg.certname) {
                Ok(catalog) => {
                    let msg = format!("Using cached catalog from environment '{}'", catalog.environment);
                    info!("{msg}");
                    run_logs.push(log_entry("notice", &msg));
                    (catalog, "on_failure")
                }
                Err(why) => {
                    debug!("No cached catalog: {why}");
                    send_failure_report(cfg, &client, &environment, &transaction_uuid, run_logs);
                    return Err(RunError::NoCatalog);
                }
            }
        }
    };
    let config_retrieval = retrieval_started.elapsed().as_secs_f64();
    if catalog.environment != environment {
        info!("Local environment: '{environment}' doesn't match server specified environment '{}', restarting agent run with environment '{}'", catalog.environment, catalog.environment);
        environment = catalog.environment.clone();
    }

    let version = match &catalog.version {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let msg = format!("Applying configuration version '{version}'");
    debug!("{msg}");
    run_logs.push(log_entry("info", &msg));

    let sources = MasterFileSource::new(client.clone(), environment.clone());
    let opts = ApplyOptions {
        host: cfg.certname.clone(),
        environment: environment.clone(),
        transaction_uuid: transaction_uuid.clone(),
        noop: cfg.noop,
        show_diff: cfg.show_diff,
        tags: cfg.tags.clone(),
        statefile: Some(cfg.statefile.clone()),
    };
    let apply_started = Instant::now();
    let mut report = transaction::apply(&catalog, &opts, &sources);
    let applied = apply_started.elapsed().as_secs_f64();
    report.cached_catalog_status = Some(cached_status.to_string());
    let mut logs = run_logs;
    logs.append(&mut report.logs);
    // A catalog refused for its types was not applied: Puppet logs only the failure then.
    if transaction::unsupported_types(&catalog).is_empty() {
        let msg = format!("Applied catalog in {applied:.2} seconds");
        info!("{msg}");
        logs.push(log_entry("notice", &msg));
    }
    report.logs = logs;
    add_time_metrics(
        &mut report,
        &[
            ("plugin_sync", "Plugin sync", plugin_sync_time),
            ("fact_generation", "Fact generation", fact_generation),
            ("config_retrieval", "Config retrieval", config_retrieval),
            ("catalog_application", "Catalog application", applied),
            ("total", "Total", total.elapsed().as_secs_f64()),
        ],
    );

    if let Err(e) = state::save_run_files(&cfg.lastrunfile, &cfg.lastrunreport, &report) {
        warn!("Could not save the last run's summary: {e}");
    }
    if cfg.report {
        submit_report(cfg, &report);
    }
    let exit = detailed_exit_code(&report);
    Ok(RunOutcome { report, detailed_exit_code: exit })
}

/// Puppet's `--detailed-exitcodes`: 2 for changes, 4 for failures, 6 for both.
pub fn detailed_exit_code(report: &Report) -> i32 {
    let failed = report.status == RunStatus::Failed
        || report.metric("resources", "failed").and_then(Value::as_u64).unwrap_or(0) > 0
        || report.metric("resources", "failed_to_restart").and_then(Value::as_u64).unwrap_or(0) > 0;
    let changed = report.metric("changes", "total").and_then(Value::as_u64).unwrap_or(0) > 0;
    (if changed { 2 } else { 0 }) | (if failed { 4 } else { 0 })
}

fn add_time_metrics(report: &mut Report, extra: &[(&str, &str, f64)]) {
    let time = report.metrics.entry("time".into()).or_insert_with(|| bunraku_model::Metric {
        name: "time".into(),
        label: "Time".into(),
        values: Vec::new(),
    });
    for (name, label, secs) in extra {
        time.values.retain(|(n, _, _)| n != name);
        time.values.push((name.to_string(), label.to_string(), Value::from(*secs)));
    }
}

fn log_entry(level: &str, message: &str) -> LogEntry {
    LogEntry {
        level: level.into(),
        message: message.into(),
        source: "Puppet".into(),
        tags: vec![level.into()],
        time: bunraku_model::time::now(),
        file: None,
        line: None,
    }
}

/// `POST /puppet/v3/catalog/<certname>` with the facts double-encoded, exactly as Puppet 7 sends them.
fn request_catalog(
    cfg: &AgentConfig,
    client: &MasterClient,
    environment: &str,
    transaction_uuid: &str,
    facts: IndexMap<String, Value>,
) -> Result<Catalog, ClientError> {
    let facts = Facts::new(cfg.certname.clone(), facts);
    let facts_json = serde_json::to_string(&facts).unwrap_or_default();
    let form = form_urlencoded::Serializer::new(String::new())
        .append_pair("facts_format", "application/json")
        .append_pair("facts", &encode(&facts_json))
        .append_pair("environment", environment)
        .append_pair("configured_environment", environment)
        .append_pair("check_environment", "true")
        .append_pair("transaction_uuid", transaction_uuid)
        .append_pair("job_uuid", "")
        .append_pair("static_catalog", "true")
        .append_pair("checksum_type", "sha256.sha384.sha512.sha224.md5")
        .finish();
    let path = format!("/puppet/v3/catalog/{}?environment={}", encode(&cfg.certname), encode(environment));
    client.post_form_json(&path, form)
}

/// Downloads `plugins` into `libdir` and `pluginfacts` into `pluginfactdest`. A master that does
/// not know the environment answers 404 to the first probe; Puppet then skips pluginsync.
fn pluginsync(cfg: &AgentConfig, client: &MasterClient, environment: &str) {
    let probe = format!(
        "/puppet/v3/file_metadatas/plugins?recurse=false&links=manage&checksum_type=sha256&source_permissions=ignore&environment={}",
        encode(environment)
    );
    match client.get_json::<Vec<bunraku_model::FileMetadata>>(&probe) {
        Ok(_) => {}
        Err(ClientError::Status { status: 404, .. }) => {
            info!("Environment '{environment}' not found on server, skipping initial pluginsync.");
            return;
        }
        Err(e) => {
            warn!("Could not retrieve plugins: {e}");
            return;
        }
    }
    debug!("Retrieving pluginfacts");
    sync_mount(client, "pluginfacts", &cfg.pluginfactdest, environment);
    debug!("Retrieving plugin");
    sync_mount(client, "plugins", &cfg.libdir, environment);
}

/// Mirrors one mount into `dest`: downloads missing or changed files, removes files the master no
/// longer has (Puppet syncs with `purge`, `force` and `recurse`).
fn sync_mount(client: &MasterClient, mount: &str, dest: &std::path::Path, environment: &str) {
    let url = format!(
        "/puppet/v3/file_metadatas/{mount}?recurse=true&max_files=-1&ignore=.svn&ignore=CVS&ignore=.git&ignore=.hg&links=follow&checksum_type=sha256&source_permissions=ignore&environment={}",
        encode(environment)
    );
    let entries: Vec<bunraku_model::FileMetadata> = match client.get_json(&url) {
        Ok(entries) => entries,
        Err(e) => {
            warn!("Could not retrieve {mount}: {e}");
            return;
        }
    };
    let mut wanted = std::collections::HashSet::new();
    for entry in &entries {
        let Some(rel) = entry.relative_path.as_deref() else { continue };
        if rel == "." || rel.split('/').any(|s| s == ".." || s.is_empty()) {
            continue;
        }
        wanted.insert(rel.to_string());
        let target = dest.join(rel);
        match entry.file_type {
            bunraku_model::FileType::Directory => {
                if let Err(e) = std::fs::create_dir_all(&target) {
                    warn!("Could not create {}: {e}", target.display());
                }
            }
            bunraku_model::FileType::File | bunraku_model::FileType::Link => {
                let current = crate::sources::local_metadata(&target).ok().map(|m| m.checksum.value);
                if current.as_deref() == Some(entry.checksum.value.as_str()) {
                    continue;
                }
                let content_url = format!(
                    "/puppet/v3/file_content/{mount}/{}?environment={}",
                    crate::client::encode_path(rel),
                    encode(environment)
                );
                match client.get_bytes(&content_url) {
                    Ok(bytes) => {
                        if let Err(e) = state::write_atomic(&target, &bytes, 0o644) {
                            warn!("Could not write {}: {e}", target.display());
                        } else {
                            info!(
                                "/File[{}]/ensure: defined content as '{}'",
                                target.display(),
                                entry.checksum.value
                            );
                        }
                    }
                    Err(e) => warn!("Could not retrieve {mount}/{rel}: {e}"),
                }
            }
        }
    }
    purge(dest, dest, &wanted);
}

fn purge(root: &std::path::Path, dir: &std::path::Path, wanted: &std::collections::HashSet<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let rel = path.strip_prefix(root).map(|p| p.display().to_string()).unwrap_or_default();
        if path.is_dir() {
            purge(root, &path, wanted);
            if !wanted.contains(&rel) && std::fs::remove_dir(&path).is_ok() {
                info!("/File[{}]/ensure: removed", path.display());
            }
        } else if !wanted.contains(&rel) && std::fs::remove_file(&path).is_ok() {
            info!("/File[{}]/ensure: removed", path.display());
        }
    }
}

/// `PUT /puppet/v3/report/<certname>`; a failure is logged and does not change the exit code.
pub fn submit_report(cfg: &AgentConfig, report: &Report) {
    let ssl = SslDir::new(&cfg.ssldir);
    let result = tls::client_config(&ssl, Some(&cfg.certname))
        .map_err(|e| e.to_string())
        .and_then(|tls| {
            MasterClient::new(&cfg.report_server, cfg.report_port, tls).map_err(|e| e.to_string())
        })
        .and_then(|client| {
            let path = format!(
                "/puppet/v3/report/{}?environment={}",
                encode(&cfg.certname),
                encode(&report.environment)
            );
            client.put_json(&path, report.to_json()).map_err(|e| e.to_string())
        });
    if let Err(e) = result {
        error!("Could not send report: {e}");
    }
}

/// A run that got no catalog still reports, so the failure shows up on the master.
fn send_failure_report(
    cfg: &AgentConfig,
    _client: &MasterClient,
    environment: &str,
    transaction_uuid: &str,
    logs: Vec<LogEntry>,
) {
    if !cfg.report {
        return;
    }
    let report = Report {
        host: cfg.certname.clone(),
        time: bunraku_model::time::now(),
        configuration_version: Value::Null,
        transaction_uuid: Some(transaction_uuid.to_string()),
        report_format: 12,
        puppet_version: bunraku_model::PUPPET_VERSION.into(),
        status: RunStatus::Failed,
        transaction_completed: false,
        noop: cfg.noop,
        noop_pending: false,
        environment: environment.to_string(),
        logs,
        metrics: IndexMap::new(),
        resource_statuses: IndexMap::new(),
        corrective_change: false,
        catalog_uuid: None,
        cached_catalog_status: Some("not_used".into()),
        code_id: None,
        job_id: None,
    };
    submit_report(cfg, &report);
}
