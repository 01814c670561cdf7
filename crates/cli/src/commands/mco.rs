//! `bunraku mco` (the client, MCollective's `mco`) and `bunraku orchestrator` (a server on its
//! own; `bunraku agent`'s daemon runs one too). The seed's `mco ping`, `mco find`, `mco facts`,
//! `mco inventory`, `mco rpc`, `mco puppet`, `mco service` and `mco package` print what
//! MCollective printed; identities are the node's Puppet certificate.

use std::collections::{BTreeMap, BTreeSet};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bunraku_orchestration::agents::Registry;
use bunraku_orchestration::audit::AuditLog;
use bunraku_orchestration::client::{Addressing, Client, ClientConfig, Response};
use bunraku_orchestration::config::Config;
use bunraku_orchestration::filter::{parse_compound, parse_fact, Filter};
use bunraku_orchestration::node::{NodeContext, PuppetHooks, RunOptions};
use bunraku_orchestration::policy::Policies;
use bunraku_orchestration::rvalue::RValue;
use bunraku_orchestration::security::{PublicKey, ReplayGuard, Signer, Trust};
use bunraku_orchestration::server::Server;
use bunraku_orchestration::transport::Middleware;
use bunraku_pki::SslDir;
use clap::{Args, Subcommand};

use super::{fail, load_settings};
use crate::logging::{self, Verbosity};
use crate::settings::{RunMode, Settings};
use crate::Common;

#[derive(Args, Debug)]
pub struct McoArgs {
    #[command(flatten)]
    common: Common,
    /// The orchestration settings (default `$confdir/orchestration.conf`).
    #[arg(long = "config", short = 'c', global = true)]
    config: Option<PathBuf>,
    /// The middleware, overriding the configuration (`stomp://…`, `nats://…`).
    #[arg(long, global = true)]
    middleware: Option<String>,
    /// Fact filter: `fact=value`, `fact=/regex/`, `fact<value`, … (repeatable).
    #[arg(long = "wf", short = 'F', alias = "with-fact", global = true)]
    with_fact: Vec<String>,
    /// Class filter (the node's last catalog): a name or `/regex/` (repeatable).
    #[arg(long = "wc", short = 'C', alias = "with-class", global = true)]
    with_class: Vec<String>,
    /// Identity filter: a certname or `/regex/` (repeatable; any may match).
    #[arg(long = "wi", short = 'I', alias = "with-identity", global = true)]
    with_identity: Vec<String>,
    /// Agent filter (repeatable).
    #[arg(long = "wa", short = 'A', alias = "with-agent", global = true)]
    with_agent: Vec<String>,
    /// A compound filter: `class and fact=value or not /re/`.
    #[arg(long = "select", short = 'S', global = true)]
    select: Option<String>,
    /// Combined filter: words that are facts (`a=b`) or classes.
    #[arg(long = "with", short = 'W', global = true)]
    with: Vec<String>,
    /// The collective to address.
    #[arg(long = "target", short = 'T', global = true)]
    collective: Option<String>,
    /// Discovery timeout in seconds.
    #[arg(long = "discovery-timeout", alias = "dt", global = true)]
    discovery_timeout: Option<f64>,
    /// How long to wait for replies, in seconds (default: the agent's DDL timeout).
    #[arg(long = "timeout", short = 't', global = true)]
    timeout: Option<f64>,
    /// Read the nodes to address from this file (one per line) instead of discovering them.
    #[arg(long = "nodes", global = true)]
    nodes: Option<PathBuf>,
    /// How to discover: `mc` (ask the servers), `flatfile` (with --nodes), or `store` (the last
    /// facts and classes the dashboard's store keeps of every node; nothing is sent to find them).
    #[arg(long = "dm", alias = "discovery-method", global = true, default_value = "mc")]
    discovery_method: String,
    /// The store's database for `--dm store` (default: `dashboard_database` from puppet.conf).
    #[arg(long, global = true)]
    store: Option<String>,
    /// Address at most this many of the discovered nodes.
    #[arg(long = "limit-nodes", alias = "ln", global = true)]
    limit_nodes: Option<usize>,
    /// Act on this many nodes at a time.
    #[arg(long, global = true)]
    batch: Option<usize>,
    /// Seconds to sleep between batches.
    #[arg(long = "batch-sleep", global = true, default_value_t = 1.0)]
    batch_sleep: f64,
    /// Print the replies as JSON.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: McoCommand,
}

#[derive(Subcommand, Debug)]
enum McoCommand {
    /// Every node that answers, with its round-trip time.
    Ping,
    /// The identities the filter selects.
    Find,
    /// How many nodes have each value of a fact.
    Facts { fact: String },
    /// Everything a node reports about itself.
    Inventory { node: String },
    /// Call any agent's action: `rpc AGENT ACTION key=value …`.
    Rpc { agent: String, action: String, args: Vec<String> },
    /// The puppet agent: `runonce`, `runall N`, `status`, `count`, `summary`, `enable`, `disable [MESSAGE]`.
    Puppet {
        action: String,
        args: Vec<String>,
        #[arg(long)]
        noop: bool,
        #[arg(long)]
        force: bool,
        #[arg(long)]
        splaylimit: Option<i64>,
        #[arg(long)]
        environment: Option<String>,
        #[arg(long)]
        tags: Option<String>,
    },
    /// `service NAME start|stop|restart|status`.
    Service { name: String, action: String },
    /// `package NAME install|update|uninstall|purge|status`.
    Package {
        name: String,
        action: String,
        #[arg(long)]
        source: Option<String>,
    },
}

#[derive(Args, Debug)]
pub struct OrchestratorArgs {
    #[command(flatten)]
    common: Common,
    /// The orchestration settings (default `$confdir/orchestration.conf`).
    #[arg(long = "config", short = 'c')]
    config: Option<PathBuf>,
    /// The middleware, overriding the configuration.
    #[arg(long)]
    middleware: Option<String>,
    /// Facts to answer with (JSON or YAML file), over the facts resolved on this machine: for
    /// several servers on one host, or a fixed inventory.
    #[arg(long)]
    facts: Option<PathBuf>,
}

fn orchestration_config(
    common_config: &Option<PathBuf>,
    middleware: &Option<String>,
    settings: &Settings,
) -> Result<Config, String> {
    let path = common_config.clone().unwrap_or_else(|| settings.path("confdir").join("orchestration.conf"));
    let mut cfg = Config::load(&path).map_err(|e| e.to_string())?;
    if let Some(m) = middleware {
        cfg.middleware = Middleware::parse(m).map_err(|e| e.to_string())?;
    }
    cfg.middleware = with_identity(cfg.middleware, settings);
    Ok(cfg)
}

/// NATS over TLS (`tls://`) presents the node's Puppet certificate and trusts only our CA.
fn with_identity(mw: Middleware, settings: &Settings) -> Middleware {
    match mw {
        Middleware::Nats { url, tls: None } if url.starts_with("tls://") => {
            let certname = settings.get("certname").to_string();
            let ssldir = SslDir::new(settings.path("ssldir"));
            let tls = bunraku_orchestration::transport::NatsTls {
                ca: ssldir.ca_cert_path(),
                cert: ssldir.cert_path(&certname),
                key: ssldir.key_path(&certname),
            };
            Middleware::Nats { url, tls: Some(tls) }
        }
        other => other,
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("tokio runtime")
}

// ---------------------------------------------------------------- server

/// This node's Puppet identity: what servers and the client sign with and trust.
struct NodeIdentity {
    certname: String,
    ssldir: SslDir,
    signer: Signer,
    cert_pem: String,
    ca_pem: String,
}

fn node_identity(settings: &Settings) -> Result<NodeIdentity, String> {
    let certname = settings.get("certname").to_string();
    let ssldir = SslDir::new(settings.path("ssldir"));
    let read = |p: PathBuf| std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()));
    let signer = Signer::from_file(&ssldir.key_path(&certname)).map_err(|e| {
        format!("{e} (orchestration signs with this node's Puppet key: run `bunraku agent -t` first)")
    })?;
    let cert_pem = read(ssldir.cert_path(&certname))?;
    let ca_pem = read(ssldir.ca_cert_path())?;
    Ok(NodeIdentity { certname, ssldir, signer, cert_pem, ca_pem })
}

/// Builds the server of this node from Puppet's settings and the orchestration settings.
pub(crate) fn build_server(
    settings: &Settings,
    cfg: &Config,
    facts: Arc<dyn Fn() -> serde_json::Map<String, serde_json::Value> + Send + Sync>,
    runner: Arc<dyn Fn(RunOptions) -> Result<String, String> + Send + Sync>,
    in_daemon: bool,
) -> Result<Server, String> {
    let NodeIdentity { certname, ssldir, signer: key, cert_pem, ca_pem } = node_identity(settings)?;
    let identity = cfg.identity.clone().unwrap_or_else(|| certname.clone());
    let confdir = settings.path("confdir");
    let callers = cfg.callers_dir.clone().unwrap_or_else(|| confdir.join("orchestration").join("callers"));
    let trust = Trust::new(&ca_pem, Some(&ssldir.crl_path()), Some(&callers)).map_err(|e| e.to_string())?;
    let legacy_signer = match &cfg.legacy_server_private {
        Some(p) => Some(Signer::from_file(p).map_err(|e| e.to_string())?),
        None => None,
    };
    let registry = Registry::standard();
    let mut node =
        NodeContext::new(&identity, cfg.collectives.clone(), facts).with_fact_cache_time(cfg.fact_cache_time);
    node.configfile = cfg.path.as_ref().map(|p| p.display().to_string()).unwrap_or_default();
    node.agents = registry.names();
    node.puppet = Some(PuppetHooks {
        lockfile: settings.path("agent_catalog_run_lockfile"),
        disabled_lockfile: settings.path("agent_disabled_lockfile"),
        lastrunfile: settings.path("lastrunfile"),
        pidfile: Some(settings.path("pidfile")),
        in_daemon,
        catalog: Some(bunraku_agent::state::cached_catalog_path(&settings.path("client_datadir"), &certname)),
        runner,
    });
    let audit_path =
        cfg.audit_log.clone().unwrap_or_else(|| settings.path("logdir").join("orchestration-audit.log"));
    let audit =
        AuditLog::open(Some(audit_path.clone())).map_err(|e| format!("{}: {e}", audit_path.display()))?;
    Ok(Server {
        node: Arc::new(node),
        registry,
        trust,
        signer: key,
        cert_pem,
        legacy_signer,
        guard: ReplayGuard::default(),
        policies: Policies {
            dir: Some(
                cfg.policy_dir.clone().unwrap_or_else(|| confdir.join("orchestration").join("policies")),
            ),
            allowed_callers: cfg.allowed_callers.clone(),
        },
        audit,
    })
}

/// Reads a facts file (JSON or YAML): what `--facts` layers over the resolved facts.
fn read_facts_file(path: &std::path::Path) -> Result<serde_json::Map<String, serde_json::Value>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let v: serde_json::Value = serde_json::from_str(&text)
        .or_else(|_| serde_yaml_ng::from_str(&text))
        .map_err(|e| format!("{}: {e}", path.display()))?;
    match v {
        serde_json::Value::Object(m) => Ok(m.get("values").and_then(|v| v.as_object()).cloned().unwrap_or(m)),
        _ => Err(format!("{}: not a hash of facts", path.display())),
    }
}

pub fn run_orchestrator(args: OrchestratorArgs) -> u8 {
    logging::init(Verbosity::from_flags(args.common.verbose, args.common.debug));
    let settings = match load_settings(&args.common, RunMode::Agent, Vec::new()) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let cfg = match orchestration_config(&args.config, &args.middleware, &settings) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let extra = match args.facts.as_deref().map(read_facts_file).transpose() {
        Ok(f) => f,
        Err(e) => return fail(e),
    };
    let agent_cfg = match super::agent::config(&settings) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let sources = super::agent::fact_sources(&settings, &agent_cfg);
    let facts: Arc<dyn Fn() -> serde_json::Map<String, serde_json::Value> + Send + Sync> =
        Arc::new(move || {
            let mut m: serde_json::Map<String, serde_json::Value> =
                bunraku_facts::resolve_with(&sources).into_iter().collect();
            if let Some(extra) = &extra {
                m.extend(extra.clone());
            }
            m
        });
    let runner = spawn_runner(&args.common);
    let server = match build_server(&settings, &cfg, facts, runner, false) {
        Ok(s) => Arc::new(s),
        Err(e) => return fail(e),
    };
    let rt = runtime();
    tracing::info!("orchestration server {} starting on {}", server.node.identity, cfg.middleware.describe());
    rt.block_on(async move {
        let stop = async {
            use tokio::signal::unix::{signal, SignalKind};
            let mut term = signal(SignalKind::terminate()).expect("SIGTERM handler");
            tokio::select! {
                _ = term.recv() => {},
                _ = tokio::signal::ctrl_c() => {},
            }
        };
        server.run(cfg.middleware.clone(), stop).await;
    });
    0
}

/// The orchestration server of `bunraku agent`'s daemon, when this node has an
/// `orchestration.conf` that does not say `in_agent = false`: started on the daemon's runtime,
/// starting runs through the daemon's own trigger (as a kick does).
pub(crate) fn daemon_service(
    settings: &Settings,
    sources: &bunraku_facts::Sources,
) -> Option<Box<bunraku_agent::daemon::StartServices>> {
    let path = settings.path("confdir").join("orchestration.conf");
    if !path.exists() {
        return None;
    }
    let cfg = match Config::load(&path) {
        Ok(mut c) if c.in_agent => {
            c.middleware = with_identity(c.middleware, settings);
            c
        }
        Ok(_) => return None,
        Err(e) => {
            tracing::error!("the orchestration server does not start: {e}");
            return None;
        }
    };
    let settings = settings.clone();
    let sources = sources.clone();
    Some(Box::new(move |handle: &tokio::runtime::Handle, trigger: bunraku_agent::listener::RunTrigger| {
        let src = sources.clone();
        let facts: Arc<dyn Fn() -> serde_json::Map<String, serde_json::Value> + Send + Sync> =
            Arc::new(move || bunraku_facts::resolve_with(&src).into_iter().collect());
        let runner: Arc<dyn Fn(RunOptions) -> Result<String, String> + Send + Sync> =
            Arc::new(move |opts: RunOptions| {
                let kick = bunraku_agent::listener::KickRequest {
                    tags: opts.tags.clone(),
                    ignoreschedules: false,
                    requester: opts.requester.clone(),
                    noop: opts.noop,
                    environment: opts.environment.clone(),
                };
                let splay = opts.splaylimit.unwrap_or(0);
                let delay = if splay > 0 { uuid::Uuid::new_v4().as_u128() as u64 % splay } else { 0 };
                if delay == 0 {
                    return match trigger(kick) {
                        bunraku_agent::listener::KickAnswer::Success => {
                            Ok("Started a Puppet run in the agent daemon".into())
                        }
                        bunraku_agent::listener::KickAnswer::Running => {
                            Err("Puppet is currently applying a catalog, cannot run now".into())
                        }
                    };
                }
                let trigger = trigger.clone();
                std::thread::spawn(move || {
                    std::thread::sleep(Duration::from_secs(delay));
                    trigger(kick);
                });
                Ok(format!("Started a Puppet run in the agent daemon in {delay} seconds (splay)"))
            });
        match build_server(&settings, &cfg, facts, runner, true) {
            Ok(server) => {
                let server = Arc::new(server);
                tracing::info!(
                    "orchestration server {} starting on {}",
                    server.node.identity,
                    cfg.middleware.describe()
                );
                handle.spawn(server.run(cfg.middleware.clone(), std::future::pending::<()>()));
            }
            Err(e) => tracing::error!("the orchestration server does not start: {e}"),
        }
    }))
}

/// A server on its own starts runs as `bunraku agent --onetime` in the background, as
/// MCollective's puppet agent ran `puppet agent --onetime`.
fn spawn_runner(common: &Common) -> Arc<dyn Fn(RunOptions) -> Result<String, String> + Send + Sync> {
    let common = common.clone();
    Arc::new(move |opts: RunOptions| {
        let exe = std::env::current_exe().map_err(|e| e.to_string())?;
        let mut cmd = std::process::Command::new(exe);
        cmd.arg("agent").arg("--onetime").arg("--no-daemonize");
        for (flag, v) in
            [("--confdir", &common.confdir), ("--vardir", &common.vardir), ("--ssldir", &common.ssldir)]
        {
            if let Some(v) = v {
                cmd.arg(flag).arg(v);
            }
        }
        if let Some(c) = &common.certname {
            cmd.arg("--certname").arg(c);
        }
        if let Some(p) = common.masterport {
            cmd.arg("--masterport").arg(p.to_string());
        }
        if opts.noop == Some(true) {
            cmd.arg("--noop");
        }
        if let Some(env) = &opts.environment {
            cmd.arg("--environment").arg(env);
        }
        for t in &opts.tags {
            cmd.arg("--tags").arg(t);
        }
        cmd.stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        let splay = opts.splaylimit.unwrap_or(0);
        let delay = if splay > 0 { uuid::Uuid::new_v4().as_u128() as u64 % splay } else { 0 };
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_secs(delay));
            match cmd.spawn() {
                Ok(mut child) => {
                    let _ = child.wait();
                }
                Err(e) => tracing::error!("could not start a Puppet run: {e}"),
            }
        });
        Ok(if delay > 0 {
            format!("Started a Puppet run in {delay} seconds (splay)")
        } else {
            "Started a Puppet run using the 'bunraku agent --onetime' command".into()
        })
    })
}

// ---------------------------------------------------------------- client

fn filter_of(args: &McoArgs) -> Result<Filter, String> {
    let mut f = Filter::default();
    for s in &args.with_fact {
        f.fact.push(parse_fact(s).map_err(|e| e.to_string())?);
    }
    f.cf_class.extend(args.with_class.iter().cloned());
    f.identity.extend(args.with_identity.iter().cloned());
    f.agent.extend(args.with_agent.iter().cloned());
    if let Some(s) = &args.select {
        f.compound.push(parse_compound(s).map_err(|e| e.to_string())?);
    }
    for w in &args.with {
        f.add_with(w).map_err(|e| e.to_string())?;
    }
    Ok(f)
}

fn client_config(args: &McoArgs, settings: &Settings, cfg: &Config) -> Result<ClientConfig, String> {
    let NodeIdentity { certname, ssldir, signer, cert_pem, ca_pem } = node_identity(settings)?;
    let trust = Trust::new(&ca_pem, Some(&ssldir.crl_path()), None).map_err(|e| e.to_string())?;
    let legacy_server_key = match &cfg.legacy_server_public {
        Some(p) => Some(
            PublicKey::from_pem(&std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?)
                .map_err(|e| e.to_string())?,
        ),
        None => None,
    };
    Ok(ClientConfig {
        certname,
        collective: args.collective.clone().unwrap_or_else(|| cfg.main_collective.clone()),
        middleware: cfg.middleware.clone(),
        signer,
        cert_pem,
        trust,
        legacy_server_key,
        ttl: cfg.ttl,
    })
}

/// `key=value` arguments of `mco rpc`, typed as MCollective's client does (`true`/`false`,
/// integers).
fn rpc_data(args: &[String]) -> Result<RValue, String> {
    let mut data = RValue::hash();
    for a in args {
        let (k, v) = a.split_once('=').ok_or_else(|| format!("Could not parse --arg {a}"))?;
        let value = match v {
            "true" => RValue::Bool(true),
            "false" => RValue::Bool(false),
            v if v.parse::<i64>().is_ok() && !v.starts_with('0') => RValue::Int(v.parse().unwrap_or(0)),
            v => RValue::str(v),
        };
        data.set(RValue::sym(k), value);
    }
    data.set(RValue::sym("process_results"), RValue::Bool(true));
    Ok(data)
}

/// MCollective's `direct_addressing_threshold`.
const DIRECT_ADDRESSING_THRESHOLD: usize = 10;

struct Session {
    client: Client,
    store: String,
    filter: Filter,
    discovery_timeout: Duration,
    started: Instant,
}

impl Session {
    /// The nodes to address: from `--nodes`, else by discovery.
    async fn targets(&mut self, args: &McoArgs) -> Result<BTreeSet<String>, String> {
        if args.discovery_method == "store" {
            return discover_in_store(&self.store, &self.filter, args.limit_nodes).await;
        }
        if !matches!(args.discovery_method.as_str(), "mc" | "flatfile") {
            return Err(format!(
                "unknown discovery method {:?} (mc, flatfile, store)",
                args.discovery_method
            ));
        }
        if args.discovery_method == "flatfile" && args.nodes.is_none() {
            return Err("the flatfile discovery method needs --nodes FILE".into());
        }
        if let Some(path) = &args.nodes {
            let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
            let mut nodes: BTreeSet<String> = text
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(str::to_string)
                .collect();
            if let Some(l) = args.limit_nodes {
                nodes = nodes.into_iter().take(l).collect();
            }
            return Ok(nodes);
        }
        self.client
            .discover(&self.filter, self.discovery_timeout, args.limit_nodes)
            .await
            .map_err(|e| e.to_string())
    }

    /// The nodes for an action: as [`Session::targets`], but none is an error (MCollective sends
    /// nothing then).
    async fn action_targets(&mut self, args: &McoArgs) -> Result<BTreeSet<String>, String> {
        let nodes = self.targets(args).await?;
        if nodes.is_empty() {
            return Err("No request sent, we did not discover any nodes.".into());
        }
        Ok(nodes)
    }

    /// Calls `agent.action` on `nodes` (in batches when asked), showing progress.
    async fn rpc(
        &mut self,
        args: &McoArgs,
        agent: &str,
        action: &str,
        data: RValue,
        nodes: &BTreeSet<String>,
        timeout: Duration,
    ) -> Result<Vec<Response>, String> {
        let bar = (std::io::stderr().is_terminal() && !args.json).then(|| {
            let b = indicatif::ProgressBar::new(nodes.len() as u64);
            b.set_style(
                indicatif::ProgressStyle::with_template(" * [ {bar:60} ] {pos} / {len}")
                    .expect("template")
                    .progress_chars("=> "),
            );
            b
        });
        let batches: Vec<BTreeSet<String>> = match args.batch {
            Some(n) if n > 0 => nodes
                .iter()
                .cloned()
                .collect::<Vec<_>>()
                .chunks(n)
                .map(|c| c.iter().cloned().collect())
                .collect(),
            _ => vec![nodes.clone()],
        };
        let mut all = Vec::new();
        for (i, batch) in batches.iter().enumerate() {
            if i > 0 {
                tokio::time::sleep(Duration::from_secs_f64(args.batch_sleep)).await;
            }
            let body = self.client.rpc_body(agent, action, data.clone());
            // As MCollective: a few nodes (or a list given, or a batch) are addressed one by one;
            // many get one broadcast with the filter, and the discovered ones are waited for.
            let direct =
                args.nodes.is_some() || args.batch.is_some() || batch.len() <= DIRECT_ADDRESSING_THRESHOLD;
            let (filter, addressing) = if direct {
                (
                    Filter { agent: vec![agent.to_string()], ..Filter::default() },
                    Addressing::Direct(batch.clone()),
                )
            } else {
                let mut f = self.filter.clone();
                if !f.agent.iter().any(|a| a == agent) {
                    f.agent.push(agent.to_string());
                }
                (f, Addressing::Broadcast(Some(batch.clone())))
            };
            let replies = self
                .client
                .call(agent, body, &filter, &addressing, timeout, |_| {
                    if let Some(b) = &bar {
                        b.inc(1);
                    }
                })
                .await
                .map_err(|e| e.to_string())?;
            all.extend(replies);
        }
        if let Some(b) = bar {
            b.finish_and_clear();
        }
        Ok(all)
    }
}

/// Discovery from the store: the filter applied to what the store last saw of each node (its
/// facts, when the store has them, and the classes of its last run). Agent filters pass: the
/// store does not know which agents a node runs (MCollective's PuppetDB discovery did the same).
async fn discover_in_store(
    url: &str,
    filter: &Filter,
    limit: Option<usize>,
) -> Result<BTreeSet<String>, String> {
    let store = bunraku_dashboard::store::Store::connect(url)
        .await
        .map_err(|e| format!("the store at {url}: {e}"))?;
    let rows = store.discovery().await.map_err(|e| e.to_string());
    store.close().await;
    let mut filter = filter.clone();
    filter.agent.clear();
    let mut nodes = BTreeSet::new();
    for (name, facts, classes) in rows? {
        let facts = facts.and_then(|f| f.as_object().cloned()).unwrap_or_default();
        let view = bunraku_orchestration::filter::NodeView {
            identity: name.clone(),
            facts: Arc::new(bunraku_orchestration::filter::flatten_facts(&facts)),
            classes: classes.iter().map(|c| c.to_lowercase()).collect(),
            agents: Vec::new(),
        };
        if filter.matches(&view) {
            nodes.insert(name);
        }
    }
    if let Some(l) = limit {
        nodes = nodes.into_iter().take(l).collect();
    }
    Ok(nodes)
}

fn statuscode(r: &Response) -> i64 {
    r.payload.field("statuscode").and_then(RValue::as_i64).unwrap_or(5)
}

fn statusmsg(r: &Response) -> String {
    r.payload.field("statusmsg").map(RValue::display).unwrap_or_default()
}

fn data(r: &Response) -> RValue {
    r.payload.field("data").cloned().unwrap_or_else(RValue::hash)
}

/// Prints the "no response" block and the closing line; returns the exit code (4 when a node
/// did not answer, 2 when an action failed).
fn finish(nodes: &BTreeSet<String>, replies: &[Response], started: Instant, json: bool) -> u8 {
    let answered: BTreeSet<&str> = replies.iter().map(|r| r.sender.as_str()).collect();
    let missing: Vec<&String> = nodes.iter().filter(|n| !answered.contains(n.as_str())).collect();
    if !json {
        if !missing.is_empty() {
            println!("\nNo response from:\n");
            for chunk in missing.chunks(3) {
                println!("    {}", chunk.iter().map(|n| format!("{n:<30}")).collect::<String>().trim_end());
            }
        }
        println!(
            "\nFinished processing {} / {} hosts in {:.2} ms",
            replies.len(),
            nodes.len(),
            started.elapsed().as_secs_f64() * 1000.0
        );
    }
    if !missing.is_empty() {
        4
    } else if replies.iter().any(|r| statuscode(r) != 0) {
        2
    } else {
        0
    }
}

fn print_json(agent: &str, action: &str, replies: &[Response]) {
    let out: Vec<serde_json::Value> = replies
        .iter()
        .map(|r| {
            serde_json::json!({"sender": r.sender, "agent": agent, "action": action, "statuscode": statuscode(r),
                               "statusmsg": statusmsg(r), "data": data(r).to_json()})
        })
        .collect();
    println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
}

fn print_replies(
    client_ddl: Option<&bunraku_orchestration::agents::Ddl>,
    action: &str,
    replies: &[Response],
) {
    let mut sorted: Vec<&Response> = replies.iter().collect();
    sorted.sort_by(|a, b| a.sender.cmp(&b.sender));
    let outputs = client_ddl.and_then(|d| d.action(action)).map(|a| a.outputs.clone()).unwrap_or_default();
    for r in sorted {
        println!("{:<40}", r.sender);
        if statuscode(r) != 0 {
            println!("   {}", statusmsg(r));
            println!();
            continue;
        }
        let d = data(r);
        let width =
            d.entries().iter().map(|(k, _)| label(&outputs, &k.display_key()).len()).max().unwrap_or(0);
        for (k, v) in d.entries() {
            println!("   {:>width$}: {}", label(&outputs, &k.display_key()), v.display());
        }
        println!();
    }
}

trait KeyText {
    fn display_key(&self) -> String;
}

impl KeyText for RValue {
    fn display_key(&self) -> String {
        self.as_str().map(str::to_string).unwrap_or_else(|| self.display())
    }
}

fn label(outputs: &[bunraku_orchestration::agents::Output], key: &str) -> String {
    outputs
        .iter()
        .find(|o| o.name == key)
        .map(|o| o.display_as.to_string())
        .unwrap_or_else(|| key.to_string())
}

pub fn run_mco(args: McoArgs) -> u8 {
    logging::init(Verbosity::from_flags(args.common.verbose, args.common.debug));
    let settings = match load_settings(&args.common, RunMode::User, Vec::new()) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let cfg = match orchestration_config(&args.config, &args.middleware, &settings) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let filter = match filter_of(&args) {
        Ok(f) => f,
        Err(e) => return fail(e),
    };
    let ccfg = match client_config(&args, &settings, &cfg) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let rt = runtime();
    rt.block_on(async move {
        let agent = match &args.command {
            McoCommand::Ping | McoCommand::Find => "discovery",
            McoCommand::Facts { .. } | McoCommand::Inventory { .. } => "rpcutil",
            McoCommand::Rpc { agent, .. } => agent.as_str(),
            McoCommand::Puppet { .. } => "puppet",
            McoCommand::Service { .. } => "service",
            McoCommand::Package { .. } => "package",
        };
        let client = match Client::connect(ccfg, agent).await {
            Ok(c) => c,
            Err(e) => return fail(e),
        };
        let mut s = Session {
            store: args.store.clone().unwrap_or_else(|| settings.get("dashboard_database").to_string()),
            client,
            filter,
            discovery_timeout: args
                .discovery_timeout
                .map(Duration::from_secs_f64)
                .unwrap_or(cfg.discovery_timeout),
            started: Instant::now(),
        };
        match command(&mut s, &args).await {
            Ok(code) => code,
            Err(e) => fail(e),
        }
    })
}

async fn command(s: &mut Session, args: &McoArgs) -> Result<u8, String> {
    let registry = Registry::standard();
    let ddl_timeout = |agent: &str| registry.get(agent).map(|a| a.ddl().timeout).unwrap_or(10) as f64;
    let timeout =
        |agent: &str| Duration::from_secs_f64(args.timeout.unwrap_or_else(|| ddl_timeout(agent)) + 2.0);
    match &args.command {
        McoCommand::Ping => {
            let mut times = Vec::new();
            let json = args.json;
            let replies = s
                .client
                .call(
                    "discovery",
                    RValue::str("ping"),
                    &s.filter,
                    &Addressing::Broadcast(None),
                    args.timeout.map(Duration::from_secs_f64).unwrap_or(s.discovery_timeout),
                    |r| {
                        if !json {
                            println!("{:<40} time={:.2} ms", r.sender, r.elapsed * 1000.0);
                        }
                    },
                )
                .await
                .map_err(|e| e.to_string())?;
            for r in &replies {
                times.push(r.elapsed * 1000.0);
            }
            if json {
                let v: Vec<_> = replies
                    .iter()
                    .map(|r| serde_json::json!({"sender": r.sender, "time_ms": r.elapsed * 1000.0}))
                    .collect();
                println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
            } else if times.is_empty() {
                println!("No responses received");
                return Ok(4);
            } else {
                let max = times.iter().cloned().fold(f64::MIN, f64::max);
                let min = times.iter().cloned().fold(f64::MAX, f64::min);
                let avg = times.iter().sum::<f64>() / times.len() as f64;
                println!("\n\n---- ping statistics ----");
                println!("{} replies max: {max:.2} min: {min:.2} avg: {avg:.2} ", times.len());
            }
            Ok(if replies.is_empty() { 4 } else { 0 })
        }
        McoCommand::Find => {
            let nodes = s.targets(args).await?;
            if args.json {
                println!("{}", serde_json::to_string_pretty(&nodes).unwrap_or_default());
            } else {
                for n in &nodes {
                    println!("{n}");
                }
            }
            Ok(if nodes.is_empty() { 4 } else { 0 })
        }
        McoCommand::Facts { fact } => {
            s.filter.agent.push("rpcutil".into());
            let nodes = s.action_targets(args).await?;
            let body = rpc_data(&[format!("fact={fact}")])?;
            let replies = s.rpc(args, "rpcutil", "get_fact", body, &nodes, timeout("rpcutil")).await?;
            if args.json {
                print_json("rpcutil", "get_fact", &replies);
                return Ok(finish(&nodes, &replies, s.started, true));
            }
            let mut counts: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for r in &replies {
                let v = data(r).field("value").map(RValue::display).unwrap_or_default();
                counts.entry(v).or_default().push(r.sender.clone());
            }
            println!("Report for fact: {fact}\n");
            for (value, who) in &counts {
                println!("        {value:<40} found {} times", who.len());
            }
            Ok(finish(&nodes, &replies, s.started, false))
        }
        McoCommand::Inventory { node } => {
            let nodes: BTreeSet<String> = [node.clone()].into();
            let replies =
                s.rpc(args, "rpcutil", "inventory", rpc_data(&[])?, &nodes, timeout("rpcutil")).await?;
            if args.json {
                print_json("rpcutil", "inventory", &replies);
                return Ok(finish(&nodes, &replies, s.started, true));
            }
            for r in &replies {
                let d = data(r);
                let list = |k: &str| {
                    d.field(k)
                        .and_then(|v| v.as_array().map(|a| a.iter().map(RValue::display).collect::<Vec<_>>()))
                        .unwrap_or_default()
                };
                println!("Inventory for {}:\n", r.sender);
                println!("   Server Statistics:");
                println!(
                    "                      Version: {}",
                    d.field("version").map(RValue::display).unwrap_or_default()
                );
                println!("\n   Agents:");
                for chunk in list("agents").chunks(3) {
                    println!(
                        "      {}",
                        chunk.iter().map(|a| format!("{a:<15}")).collect::<String>().trim_end()
                    );
                }
                println!("\n   Configuration Management Classes:");
                for chunk in list("classes").chunks(2) {
                    println!(
                        "      {}",
                        chunk.iter().map(|a| format!("{a:<30}")).collect::<String>().trim_end()
                    );
                }
                println!("\n   Facts:");
                if let Some(RValue::Hash(facts)) = d.field("facts") {
                    let mut facts = facts.clone();
                    facts.sort_by_key(|(k, _)| k.display_key());
                    for (k, v) in facts {
                        println!("      {} => {}", k.display_key(), v.display());
                    }
                }
                println!();
            }
            Ok(finish(&nodes, &replies, s.started, true))
        }
        McoCommand::Rpc { agent, action, args: kv } => {
            s.filter.agent.push(agent.clone());
            let nodes = s.action_targets(args).await?;
            let replies = s.rpc(args, agent, action, rpc_data(kv)?, &nodes, timeout(agent)).await?;
            if args.json {
                print_json(agent, action, &replies);
            } else {
                print_replies(registry.get(agent).map(|a| a.ddl()), action, &replies);
            }
            Ok(finish(&nodes, &replies, s.started, args.json))
        }
        McoCommand::Service { name, action } => {
            simple(s, args, &registry, "service", action, vec![format!("service={name}")], timeout("service"))
                .await
        }
        McoCommand::Package { name, action, source } => {
            let mut kv = vec![format!("package={name}")];
            if let Some(src) = source {
                kv.push(format!("source={src}"));
            }
            simple(s, args, &registry, "package", action, kv, timeout("package")).await
        }
        McoCommand::Puppet { action, args: rest, noop, force, splaylimit, environment, tags } => {
            let mut kv = Vec::new();
            if *noop {
                kv.push("noop=true".to_string());
            }
            if *force {
                kv.push("force=true".to_string());
            }
            if let Some(l) = splaylimit {
                kv.push(format!("splaylimit={l}"));
            }
            if let Some(e) = environment {
                kv.push(format!("environment={e}"));
            }
            if let Some(t) = tags {
                kv.push(format!("tags={t}"));
            }
            match action.as_str() {
                "runonce" => simple(s, args, &registry, "puppet", "runonce", kv, timeout("puppet")).await,
                "runall" => {
                    // Keep N runs going at once: start runs on idle nodes as others finish.
                    let n: usize = rest.first().and_then(|x| x.parse().ok()).ok_or("runall needs a concurrency: runall N")?;
                    s.filter.agent.push("puppet".into());
                    let nodes: Vec<String> = s.action_targets(args).await?.into_iter().collect();
                    let mut started = 0usize;
                    for chunk in nodes.chunks(n.max(1)) {
                        let set: BTreeSet<String> = chunk.iter().cloned().collect();
                        let mut kv2 = kv.clone();
                        kv2.push("force=true".into());
                        let replies = s.rpc(args, "puppet", "runonce", rpc_data(&kv2)?, &set, timeout("puppet")).await?;
                        for r in &replies {
                            println!("{} {}", r.sender, if statuscode(r) == 0 { "schedule status: started a run".to_string() } else { statusmsg(r) });
                        }
                        started += replies.iter().filter(|r| statuscode(r) == 0).count();
                        // Wait until this batch's runs are over before starting more.
                        let deadline = Instant::now() + Duration::from_secs(600);
                        loop {
                            tokio::time::sleep(Duration::from_secs(1)).await;
                            let st = s.rpc(args, "puppet", "status", rpc_data(&[])?, &set, timeout("puppet")).await?;
                            if st.iter().all(|r| data(r).field("applying") != Some(&RValue::Bool(true))) || Instant::now() > deadline {
                                break;
                            }
                        }
                    }
                    println!("Started {started} runs of {} nodes", nodes.len());
                    Ok(0)
                }
                "status" => simple(s, args, &registry, "puppet", "status", kv, timeout("puppet")).await,
                "enable" => simple(s, args, &registry, "puppet", "enable", kv, timeout("puppet")).await,
                "disable" => {
                    if let Some(m) = rest.first() {
                        kv.push(format!("message={m}"));
                    }
                    simple(s, args, &registry, "puppet", "disable", kv, timeout("puppet")).await
                }
                "count" | "summary" => {
                    s.filter.agent.push("puppet".into());
                    let nodes = s.action_targets(args).await?;
                    let act = if action == "count" { "status" } else { "last_run_summary" };
                    let replies = s.rpc(args, "puppet", act, rpc_data(&[])?, &nodes, timeout("puppet")).await?;
                    if args.json {
                        print_json("puppet", act, &replies);
                        return Ok(finish(&nodes, &replies, s.started, true));
                    }
                    if action == "count" {
                        let count = |k: &str| replies.iter().filter(|r| data(r).field(k) == Some(&RValue::Bool(true))).count();
                        println!("Total Puppet nodes: {}\n", replies.len());
                        println!("          Nodes currently enabled: {}", count("enabled"));
                        println!("         Nodes currently disabled: {}\n", replies.len() - count("enabled"));
                        println!("Nodes currently doing puppet runs: {}", count("applying"));
                        println!("          Nodes currently stopped: {}", replies.iter().filter(|r| data(r).field("status").map(RValue::display).as_deref() == Some("stopped")).count());
                        println!("           Nodes currently idling: {}", count("idling"));
                    } else {
                        let nums = |k: &str| replies.iter().filter_map(|r| data(r).field(k).and_then(|v| match v { RValue::Float(f) => Some(*f), other => other.as_i64().map(|i| i as f64) })).collect::<Vec<f64>>();
                        println!("Summary statistics for {} nodes:\n", replies.len());
                        for (k, title) in [("total_resources", "Total resources"), ("out_of_sync_resources", "Out Of Sync resources"), ("failed_resources", "Failed resources"), ("changed_resources", "Changed resources"), ("config_retrieval_time", "Config Retrieval time (seconds)"), ("total_time", "Total run-time (seconds)"), ("since_lastrun", "Time since last run (seconds)")] {
                            let v = nums(k);
                            if v.is_empty() {
                                continue;
                            }
                            let min = v.iter().cloned().fold(f64::MAX, f64::min);
                            let max = v.iter().cloned().fold(f64::MIN, f64::max);
                            let avg = v.iter().sum::<f64>() / v.len() as f64;
                            println!("  {title:>34}: min: {min:.1}  avg: {avg:.1}  max: {max:.1}");
                        }
                    }
                    Ok(finish(&nodes, &replies, s.started, false))
                }
                other => Err(format!("unknown puppet action {other:?} (runonce, runall, status, count, summary, enable, disable)")),
            }
        }
    }
}

/// Discovers the nodes with `agent`, calls `action`, prints the replies and a summary of the
/// outputs the DDL summarises.
async fn simple(
    s: &mut Session,
    args: &McoArgs,
    registry: &Registry,
    agent: &str,
    action: &str,
    kv: Vec<String>,
    timeout: Duration,
) -> Result<u8, String> {
    s.filter.agent.push(agent.to_string());
    let nodes = s.action_targets(args).await?;
    let replies = s.rpc(args, agent, action, rpc_data(&kv)?, &nodes, timeout).await?;
    if args.json {
        print_json(agent, action, &replies);
        return Ok(finish(&nodes, &replies, s.started, true));
    }
    let ddl = registry.get(agent).map(|a| a.ddl().clone());
    print_replies(ddl.as_ref(), action, &replies);
    if let Some(act) = ddl.as_ref().and_then(|d| d.action(action)) {
        for key in act.summarize {
            let mut counts: BTreeMap<String, usize> = BTreeMap::new();
            for r in &replies {
                if let Some(v) = data(r).field(key) {
                    *counts.entry(v.display()).or_default() += 1;
                }
            }
            if counts.is_empty() {
                continue;
            }
            println!("Summary of {}:\n", label(&act.outputs, key));
            for (v, n) in counts {
                println!("   {v} = {n}");
            }
            println!();
        }
    }
    Ok(finish(&nodes, &replies, s.started, false))
}
