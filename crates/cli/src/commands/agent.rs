//! `bunraku agent`: Puppet's `puppet agent`, with the same flags.

use std::time::Duration;

use bunraku_agent::daemon::{self, DaemonConfig};
use bunraku_agent::listener::ListenerConfig;
use bunraku_agent::lock;
use bunraku_agent::run::{self, AgentConfig, RunError};
use clap::Args;
use tracing::info;

use super::{fail, load_settings};
use crate::logging::{self, Verbosity};
use crate::settings::{RunMode, Settings, SettingsError};
use crate::Common;

#[derive(Args, Debug)]
pub struct AgentArgs {
    #[command(flatten)]
    common: Common,
    /// The master to connect to.
    #[arg(long)]
    server: Option<String>,
    /// Run once in the foreground with verbose output and detailed exit codes (Puppet's `-t`).
    #[arg(long, short = 't')]
    test: bool,
    /// Run once and exit.
    #[arg(long, short = 'o')]
    onetime: bool,
    /// Stay in the foreground.
    #[arg(long)]
    no_daemonize: bool,
    /// Run in the background (accepted for compatibility; Bunraku stays in the foreground, as under systemd).
    #[arg(long)]
    daemonize: bool,
    /// Seconds between certificate checks while waiting for signature; 0 exits at once.
    #[arg(long, short = 'w')]
    waitforcert: Option<u64>,
    #[arg(long, short = 'E')]
    environment: Option<String>,
    /// Report what would change without changing anything.
    #[arg(long)]
    noop: bool,
    /// Exit 2 for changes, 4 for failures, 6 for both.
    #[arg(long)]
    detailed_exitcodes: bool,
    /// Apply the last cached catalog when the master cannot give one.
    #[arg(long, overrides_with = "no_usecacheonfailure")]
    usecacheonfailure: bool,
    #[arg(long)]
    no_usecacheonfailure: bool,
    /// Only apply resources with these tags (comma-separated).
    #[arg(long)]
    tags: Option<String>,
    /// Disable runs (daemon and manual) until `--enable`, recording the reason.
    #[arg(long, num_args = 0..=1, default_missing_value = "")]
    disable: Option<String>,
    /// Re-enable runs after `--disable`.
    #[arg(long)]
    enable: bool,
}

pub(crate) fn config(s: &Settings) -> Result<AgentConfig, SettingsError> {
    let port = |name: &str| -> Result<u16, SettingsError> {
        s.get(name)
            .parse()
            .map_err(|_| SettingsError::Value { name: name.into(), message: "not a port".into() })
    };
    let maxwait = match s.get("maxwaitforcert") {
        "unlimited" | "" => None,
        _ => Some(s.duration("maxwaitforcert")?),
    };
    Ok(AgentConfig {
        certname: s.get("certname").to_string(),
        server: s.get("server").to_string(),
        port: port("serverport")?,
        ca_server: s.get("ca_server").to_string(),
        ca_port: port("ca_port")?,
        report_server: s.get("report_server").to_string(),
        report_port: port("report_port")?,
        environment: s.get("environment").to_string(),
        ssldir: s.path("ssldir"),
        client_datadir: s.path("client_datadir"),
        lastrunfile: s.path("lastrunfile"),
        lastrunreport: s.path("lastrunreport"),
        libdir: s.path("libdir"),
        pluginfactdest: s.path("pluginfactdest"),
        waitforcert: s.duration("waitforcert")?,
        maxwaitforcert: maxwait,
        keylength: s.u32("keylength")?,
        dns_alt_names: s.list("dns_alt_names"),
        noop: s.bool("noop")?,
        usecacheonfailure: s.bool("usecacheonfailure")?,
        report: s.bool("report")?,
        show_diff: s.bool("show_diff")?,
        pluginsync: s.bool("pluginsync")?,
        tags: s.list("tags"),
        agent_catalog_run_lockfile: s.path("agent_catalog_run_lockfile"),
        agent_disabled_lockfile: s.path("agent_disabled_lockfile"),
        statefile: s.path("statefile"),
    })
}

fn daemon_config(s: &Settings, cfg: &AgentConfig) -> Result<DaemonConfig, SettingsError> {
    let runinterval = s.duration("runinterval")?;
    let listener = if s.bool("listen")? {
        Some(ListenerConfig {
            bindaddress: s.get("bindaddress").to_string(),
            puppetport: s.get("puppetport").parse().map_err(|_| SettingsError::Value {
                name: "puppetport".into(),
                message: "not a port".into(),
            })?,
            ssldir: cfg.ssldir.clone(),
            certname: cfg.certname.clone(),
            authconf: s.path("rest_authconfig"),
        })
    } else {
        None
    };
    Ok(DaemonConfig {
        // `runinterval = 0` means "run continuously"; a second keeps that from spinning.
        runinterval: runinterval.max(Duration::from_secs(1)),
        splay: s.bool("splay")?,
        splaylimit: s.duration("splaylimit")?,
        retry_min: Duration::from_secs(30).min(runinterval.max(Duration::from_secs(1))),
        listener,
        // Puppet's `pidfile` default for the agent.
        pidfile: Some(s.path("rundir").join("agent.pid")),
    })
}

pub fn run(args: AgentArgs) -> u8 {
    logging::init(Verbosity::from_flags(args.common.verbose || args.test, args.common.debug));
    let mut extra: Vec<(&'static str, String)> = Vec::new();
    if let Some(server) = &args.server {
        extra.push(("server", server.clone()));
        extra.push(("ca_server", server.clone()));
        extra.push(("report_server", server.clone()));
    }
    if let Some(w) = args.waitforcert {
        extra.push(("waitforcert", w.to_string()));
    }
    if let Some(e) = &args.environment {
        extra.push(("environment", e.clone()));
    }
    if args.noop {
        extra.push(("noop", "true".into()));
    }
    if let Some(t) = &args.tags {
        extra.push(("tags", t.clone()));
    }
    // `-t` is `--onetime --verbose --no-daemonize --no-usecacheonfailure --detailed-exitcodes --show_diff`.
    if args.test {
        extra.push(("usecacheonfailure", "false".into()));
        extra.push(("show_diff", "true".into()));
    }
    if args.no_usecacheonfailure {
        extra.push(("usecacheonfailure", "false".into()));
    } else if args.usecacheonfailure {
        extra.push(("usecacheonfailure", "true".into()));
    }
    let settings = match load_settings(&args.common, RunMode::Agent, extra.clone()) {
        Ok(s) => s,
        Err(code) => return code,
    };
    if args.enable || args.disable.is_some() {
        let path = settings.path("agent_disabled_lockfile");
        let done = match &args.disable {
            Some(reason) => lock::disable(&path, Some(reason)),
            None => lock::enable(&path),
        };
        return match done {
            Ok(()) => 0,
            Err(e) => fail(format!("{}: {e}", path.display())),
        };
    }
    let cfg = match config(&settings) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let detailed =
        args.test || args.detailed_exitcodes || settings.bool("detailed_exitcodes").unwrap_or(false);
    let once = args.test || args.onetime || settings.bool("onetime").unwrap_or(false);
    let _ = args.daemonize || args.no_daemonize;
    info!(
        "Starting Puppet client version {} (Bunraku {})",
        bunraku_model::PUPPET_VERSION,
        env!("CARGO_PKG_VERSION")
    );
    let sources = fact_sources(&settings, &cfg);
    if once {
        return run_one(&cfg, &sources, detailed);
    }
    let common = &args.common;
    let load = || -> Result<daemon::Settings, String> {
        let settings = load_settings(common, RunMode::Agent, extra.clone())
            .map_err(|_| "Could not read the configuration".to_string())?;
        let agent = config(&settings).map_err(|e| e.to_string())?;
        let daemon = daemon_config(&settings, &agent).map_err(|e| e.to_string())?;
        Ok(daemon::Settings { agent, daemon })
    };
    // The orchestration server lives in the daemon when `orchestration.conf` exists (and does not
    // say `in_agent = false`), so `mco puppet runonce` starts a run in this process.
    let orchestration = super::mco::daemon_service(&settings, &sources);
    let services = orchestration
        .as_ref()
        .map(|f| f.as_ref() as &dyn Fn(&tokio::runtime::Handle, bunraku_agent::listener::RunTrigger));
    daemon::run(&load, &|| bunraku_facts::resolve_with(&sources), services)
}

/// The Puppet settings an agent's custom facts may read (`Puppet[:vardir]`: stdlib's
/// `puppet_vardir`, `puppet_environmentpath` and `puppet_server` facts).
const FACT_SETTINGS: &[&str] = &[
    "certname",
    "codedir",
    "confdir",
    "environment",
    "environmentpath",
    "libdir",
    "logdir",
    "rundir",
    "server",
    "ssldir",
    "statedir",
    "vardir",
];

/// Where the agent's facts come from, as Puppet's agent sets facter up: facter's external
/// directories plus `$pluginfactdest` (the modules' `facts.d` after pluginsync), and as custom
/// directories `$libdir/facter` (the modules' `lib/facter`), `FACTERLIB` and `factpath`.
pub(crate) fn fact_sources(s: &Settings, cfg: &AgentConfig) -> bunraku_facts::Sources {
    let mut external_dirs = bunraku_facts::external::default_dirs();
    external_dirs.push(cfg.pluginfactdest.clone());
    bunraku_facts::Sources {
        external_dirs,
        custom_dirs: bunraku_facts::custom::dirs(Some(&cfg.libdir), &s.path_list("factpath")),
        puppet: bunraku_facts::custom::PuppetContext {
            settings: FACT_SETTINGS.iter().map(|n| (n.to_string(), s.get(n).to_string())).collect(),
            environment: cfg.environment.clone(),
        },
    }
}

fn run_one(cfg: &AgentConfig, sources: &bunraku_facts::Sources, detailed: bool) -> u8 {
    match run::run_guarded(cfg, &|| bunraku_facts::resolve_with(sources)) {
        Ok(outcome) => {
            if detailed {
                outcome.detailed_exit_code as u8
            } else {
                0
            }
        }
        Err(e @ (RunError::NotSigned(_) | RunError::Disabled(_) | RunError::AlreadyRunning(_))) => {
            tracing::info!("{e}");
            1
        }
        Err(e) => fail(e),
    }
}
