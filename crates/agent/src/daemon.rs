//! The agent as a daemon: a run every `runinterval` (after a `splay` on start), sooner with
//! exponential back-off while the master is unreachable, a run at once on SIGUSR1 or a kick, the
//! settings re-read on SIGHUP followed by a run (Puppet re-executes itself on SIGHUP, and a fresh
//! daemon runs at once), and a clean exit on SIGTERM/SIGINT (after the current run, with the run lock
//! and the daemon's pidfile released). The pidfile (`$rundir/agent.pid`, Puppet's `pidfile`) also
//! keeps a second daemon from starting beside the first.
//!
//! The runs happen on the calling thread; signals and the run listener live on a small tokio runtime
//! and only send [`Wake`] messages, so a run never overlaps another.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bunraku_model::Value;
use indexmap::IndexMap;
use tracing::{error, info, warn};

use crate::listener::{self, KickAnswer, KickRequest, ListenerConfig};
use crate::run::{self, AgentConfig, RunError};

/// The daemon's own settings, beside the run's [`AgentConfig`].
#[derive(Debug, Clone)]
pub struct DaemonConfig {
    pub runinterval: Duration,
    pub splay: bool,
    pub splaylimit: Duration,
    /// The first retry after an unreachable master; doubled after each failure up to `runinterval`.
    pub retry_min: Duration,
    /// `listen = true`: serve the run listener (kick).
    pub listener: Option<ListenerConfig>,
    /// The daemon's pidfile, held while it lives.
    pub pidfile: Option<std::path::PathBuf>,
}

/// Settings as the daemon needs them, re-read on SIGHUP.
pub struct Settings {
    pub agent: AgentConfig,
    pub daemon: DaemonConfig,
}

/// Starts services that live in the daemon (the orchestration server) on its runtime, with the
/// trigger that starts runs.
pub type StartServices = dyn Fn(&tokio::runtime::Handle, listener::RunTrigger);

/// Why the daemon woke up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wake {
    /// Run now (SIGUSR1, or a kick with its options).
    Run(Option<KickRequest>),
    /// Re-read the settings (SIGHUP).
    Reload,
    /// Exit (SIGTERM, SIGINT), with the signal's name.
    Stop(&'static str),
}

/// The delay before the next run after `failures` consecutive runs that could not reach the master:
/// `retry_min · 2^(failures-1)`, never more than `runinterval`; `runinterval` after a good run.
pub fn next_delay(cfg: &DaemonConfig, failures: u32) -> Duration {
    if failures == 0 {
        return cfg.runinterval;
    }
    let factor = 1u32.checked_shl(failures.saturating_sub(1).min(30)).unwrap_or(u32::MAX);
    cfg.retry_min.saturating_mul(factor).min(cfg.runinterval.max(cfg.retry_min))
}

/// A random delay in `[0, limit)` for `splay`, from the OS's randomness (via a v4 UUID).
pub fn splay_delay(limit: Duration) -> Duration {
    let ms = limit.as_millis() as u64;
    if ms == 0 {
        return Duration::ZERO;
    }
    let random = uuid::Uuid::new_v4().as_u128() as u64;
    Duration::from_millis(random % ms)
}

/// Runs the daemon until SIGTERM/SIGINT; returns the exit code. `load` reads the settings (at start
/// and on SIGHUP).
pub fn run(
    load: &dyn Fn() -> Result<Settings, String>,
    resolve_facts: &dyn Fn() -> IndexMap<String, Value>,
    services: Option<&StartServices>,
) -> u8 {
    let mut settings = match load() {
        Ok(s) => s,
        Err(e) => {
            error!("{e}");
            return 1;
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            error!("Could not start the daemon's runtime: {e}");
            return 1;
        }
    };
    let _pidfile = match &settings.daemon.pidfile {
        Some(path) => match crate::lock::RunLock::acquire(path) {
            Ok(Some(lock)) => Some(lock),
            Ok(None) => {
                error!("Could not create PID file: {} (another agent daemon is running)", path.display());
                return 1;
            }
            Err(e) => {
                error!("Could not create PID file: {}: {e}", path.display());
                return 1;
            }
        },
        None => None,
    };
    let (tx, rx) = mpsc::channel::<Wake>();
    if let Err(e) = runtime.block_on(watch_signals(tx.clone())) {
        error!("Could not install signal handlers: {e}");
        return 1;
    }

    // A pending or running run answers kicks with "running".
    let busy = Arc::new(AtomicBool::new(false));
    let trigger_tx = std::sync::Mutex::new(tx.clone());
    let trigger_busy = busy.clone();
    let trigger: listener::RunTrigger = Arc::new(move |req: KickRequest| {
        if trigger_busy.swap(true, Ordering::SeqCst) {
            return KickAnswer::Running;
        }
        info!("Run triggered by {}", req.requester);
        if let Ok(tx) = trigger_tx.lock() {
            let _ = tx.send(Wake::Run(Some(req)));
        }
        KickAnswer::Success
    });
    // The listener serves with the node's certificate, and the services sign with it: the node
    // needs one before either starts.
    if settings.daemon.listener.is_some() || services.is_some() {
        if let Err(e) = run::ensure_certificate(&settings.agent) {
            error!("{e}");
            return 1;
        }
    }
    if let Some(lcfg) = settings.daemon.listener.clone() {
        match runtime.block_on(listener::start(&lcfg, trigger.clone())) {
            Ok(addr) => info!("Starting Puppet run listener on {addr}"),
            Err(e) => {
                error!("{e}");
                return 1;
            }
        }
    }
    // Services that live in the daemon (the orchestration server) may start runs through the
    // same trigger as the listener.
    if let Some(start) = services {
        start(runtime.handle(), trigger.clone());
    }

    let mut next = Instant::now();
    if settings.daemon.splay {
        let d = splay_delay(settings.daemon.splaylimit);
        info!("Sleeping for {} seconds (splay is enabled)", d.as_secs());
        next += d;
    }
    let mut failures = 0u32;
    let stopped_by = loop {
        let wait = next.saturating_duration_since(Instant::now());
        let kick = match rx.recv_timeout(wait) {
            Ok(Wake::Stop(signal)) => break signal,
            Err(mpsc::RecvTimeoutError::Disconnected) => break "TERM",
            Ok(Wake::Reload) => {
                info!("Caught HUP; re-reading the configuration");
                match load() {
                    Ok(s) => settings = s,
                    Err(e) => warn!("Keeping the previous configuration: {e}"),
                }
                // As a restarted Puppet daemon: run now (after a splay), then every (new) runinterval.
                next = Instant::now();
                if settings.daemon.splay {
                    next += splay_delay(settings.daemon.splaylimit);
                }
                failures = 0;
                continue;
            }
            Ok(Wake::Run(None)) => {
                info!("Caught USR1; storing reload");
                info!("Processing reload");
                None
            }
            Ok(Wake::Run(kick)) => kick,
            Err(mpsc::RecvTimeoutError::Timeout) => None,
        };
        busy.store(true, Ordering::SeqCst);
        let mut cfg = settings.agent.clone();
        if let Some(k) = &kick {
            if !k.tags.is_empty() {
                cfg.tags = k.tags.clone();
            }
            if let Some(noop) = k.noop {
                cfg.noop = noop;
            }
            if let Some(env) = &k.environment {
                cfg.environment = env.clone();
            }
        }
        match run::run_guarded(&cfg, resolve_facts) {
            Ok(_) => failures = 0,
            Err(e @ (RunError::Disabled(_) | RunError::AlreadyRunning(_))) => {
                info!("{e}");
                failures = 0;
            }
            Err(e) => {
                error!("{e}");
                failures = if e.unreachable() { failures.saturating_add(1) } else { 0 };
            }
        }
        busy.store(false, Ordering::SeqCst);
        let delay = next_delay(&settings.daemon, failures);
        if failures > 0 {
            warn!("Could not reach the master; retrying in {} seconds", delay.as_secs());
        }
        next = Instant::now() + delay;
    };
    info!("Caught {stopped_by}; exiting");
    runtime.shutdown_timeout(Duration::from_secs(1));
    0
}

async fn watch_signals(tx: mpsc::Sender<Wake>) -> std::io::Result<()> {
    use tokio::signal::unix::{signal, SignalKind};
    for (kind, wake) in [
        (SignalKind::terminate(), Wake::Stop("TERM")),
        (SignalKind::interrupt(), Wake::Stop("INT")),
        (SignalKind::hangup(), Wake::Reload),
        (SignalKind::user_defined1(), Wake::Run(None)),
    ] {
        let mut stream = signal(kind)?;
        let tx = tx.clone();
        tokio::spawn(async move {
            while stream.recv().await.is_some() {
                if tx.send(wake.clone()).is_err() {
                    break;
                }
            }
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> DaemonConfig {
        DaemonConfig {
            runinterval: Duration::from_secs(1800),
            splay: false,
            splaylimit: Duration::from_secs(1800),
            retry_min: Duration::from_secs(30),
            listener: None,
            pidfile: None,
        }
    }

    #[test]
    fn back_off_doubles_up_to_the_run_interval() {
        let c = cfg();
        let delays: Vec<u64> = (0..9).map(|f| next_delay(&c, f).as_secs()).collect();
        assert_eq!(delays, vec![1800, 30, 60, 120, 240, 480, 960, 1800, 1800]);
        assert_eq!(next_delay(&c, u32::MAX).as_secs(), 1800);
    }

    #[test]
    fn splay_stays_below_its_limit() {
        for _ in 0..100 {
            assert!(splay_delay(Duration::from_secs(5)) < Duration::from_secs(5));
        }
        assert_eq!(splay_delay(Duration::ZERO), Duration::ZERO);
    }
}
