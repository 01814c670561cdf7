//! `service`: running or stopped, enabled or not, restarted on refresh.
//!
//! Providers: `systemd` (the default when PID 1 is systemd), `debian` (init scripts through
//! `service NAME start|stop|status|restart`, the default otherwise; `init` and `service` are accepted as
//! names for it) and `base` (the `start`/`stop`/`status`/`restart` parameters as shell commands, and a
//! scan of the process table for `pattern` when there is no status command). The `start`, `stop`,
//! `status` and `restart` parameters override the commands of every provider, as in Puppet.
//! `pattern` is matched as a substring of process command lines (Puppet uses a regular expression).

use std::path::Path;
use std::process::{Command, Stdio};

use bunraku_model::{Resource, Value};

use super::{param_bool, Context, ProviderError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Provider {
    Systemd,
    Debian,
    Base,
}

struct Service<'r> {
    res: &'r Resource,
    name: String,
    provider: Provider,
}

/// Brings the service to its `ensure` and `enable` states.
pub fn apply(res: &Resource, ctx: &mut Context) -> Result<(), ProviderError> {
    let svc = Service::new(res)?;
    ctx.provider_used = Some(svc.provider_name().into());

    let ensure = match res.param_str("ensure").as_deref() {
        Some("running") | Some("true") => Some(true),
        Some("stopped") | Some("false") => Some(false),
        None => None,
        Some(other) => return Err(ProviderError(format!("Invalid value \"{other}\" for ensure"))),
    };
    if let Some(want_running) = ensure {
        let running = svc.running()?;
        if running != want_running {
            let word = |r: bool| if r { "running" } else { "stopped" };
            let prev = Value::String(word(running).into());
            let want = Value::String(word(want_running).into());
            let name = if want_running { "service_started" } else { "service_stopped" };
            if ctx.should_sync("ensure", &prev, &want, name) {
                let msg = format!("ensure changed '{}' to '{}'", word(running), word(want_running));
                let result = if want_running { svc.start() } else { svc.stop() };
                match result {
                    Ok(()) => ctx.changed("ensure", prev, want, name, msg),
                    Err(e) => ctx.failed("ensure", prev, want, name, &e),
                }
            }
        }
    }

    if let Some(enable) = res.param_str("enable") {
        let want = matches!(enable.as_str(), "true" | "yes");
        if svc.provider != Provider::Systemd {
            ctx.debug(format!(
                "Provider {} does not support the enable attribute; ignoring it",
                svc.provider_name()
            ));
            return Ok(());
        }
        let enabled = svc.enabled();
        if enabled != want {
            let prev = Value::String(enabled.to_string());
            let desired = Value::String(want.to_string());
            if ctx.should_sync("enable", &prev, &desired, "enable_changed") {
                let msg = format!("enable changed '{enabled}' to '{want}'");
                let verb = if want { "enable" } else { "disable" };
                match run_argv("systemctl", &[verb, "--", &svc.name]) {
                    Ok(()) => ctx.changed("enable", prev, desired, "enable_changed", msg),
                    Err(e) => ctx.failed("enable", prev, desired, "enable_changed", &e),
                }
            }
        }
    }
    Ok(())
}

/// Restarts the service after an event, but only if it is running (Puppet's rule).
pub fn refresh(res: &Resource, ctx: &mut Context) -> Result<(), ProviderError> {
    let svc = Service::new(res)?;
    if !svc.running()? {
        ctx.debug("Skipping restart; service is not running");
        return Ok(());
    }
    svc.restart().map_err(ProviderError)
}

impl<'r> Service<'r> {
    fn new(res: &'r Resource) -> Result<Self, ProviderError> {
        let name = super::namevar(res, "name");
        let provider = match res.param_str("provider").as_deref() {
            Some("systemd") => Provider::Systemd,
            Some("debian") | Some("init") | Some("service") => Provider::Debian,
            Some("base") => Provider::Base,
            Some(other) => return Err(ProviderError(format!("Invalid service provider '{other}'"))),
            None if systemd_is_init() => Provider::Systemd,
            None if Path::new("/etc/init.d").join(&name).exists() => Provider::Debian,
            None => Provider::Base,
        };
        Ok(Service { res, name, provider })
    }

    fn provider_name(&self) -> &'static str {
        match self.provider {
            Provider::Systemd => "systemd",
            Provider::Debian => "debian",
            Provider::Base => "base",
        }
    }

    fn custom(&self, param: &str) -> Option<String> {
        self.res.param_str(param)
    }

    fn running(&self) -> Result<bool, ProviderError> {
        if let Some(status) = self.custom("status") {
            return Ok(run_shell(&status).is_ok());
        }
        match self.provider {
            Provider::Systemd => {
                Ok(run_argv("systemctl", &["is-active", "--quiet", "--", &self.name]).is_ok())
            }
            Provider::Debian if param_bool(self.res, "hasstatus") != Some(false) => {
                Ok(run_argv("service", &[&self.name, "status"]).is_ok())
            }
            _ => Ok(!self.pids().is_empty()),
        }
    }

    fn start(&self) -> Result<(), String> {
        if let Some(cmd) = self.custom("start") {
            return run_shell(&cmd);
        }
        match self.provider {
            Provider::Systemd => run_argv("systemctl", &["start", "--", &self.name]),
            Provider::Debian => run_argv("service", &[&self.name, "start"]),
            Provider::Base => Err("Services must specify a start command or a binary".into()),
        }
    }

    fn stop(&self) -> Result<(), String> {
        if let Some(cmd) = self.custom("stop") {
            return run_shell(&cmd);
        }
        match self.provider {
            Provider::Systemd => run_argv("systemctl", &["stop", "--", &self.name]),
            Provider::Debian => run_argv("service", &[&self.name, "stop"]),
            Provider::Base => {
                let pids = self.pids();
                if pids.is_empty() {
                    return Err(format!("Could not find process matching '{}'", self.pattern()));
                }
                for pid in pids {
                    nix::sys::signal::kill(
                        nix::unistd::Pid::from_raw(pid),
                        nix::sys::signal::Signal::SIGTERM,
                    )
                    .map_err(|e| format!("Unable to kill {pid}: {e}"))?;
                }
                Ok(())
            }
        }
    }

    fn restart(&self) -> Result<(), String> {
        if let Some(cmd) = self.custom("restart") {
            return run_shell(&cmd);
        }
        match self.provider {
            Provider::Systemd => run_argv("systemctl", &["restart", "--", &self.name]),
            Provider::Debian if param_bool(self.res, "hasrestart") != Some(false) => {
                run_argv("service", &[&self.name, "restart"])
            }
            _ => {
                self.stop()?;
                // Give a stopped daemon a moment to go away before the status-less check of start.
                std::thread::sleep(std::time::Duration::from_millis(50));
                self.start()
            }
        }
    }

    fn enabled(&self) -> bool {
        run_argv("systemctl", &["is-enabled", "--quiet", "--", &self.name]).is_ok()
    }

    fn pattern(&self) -> String {
        self.custom("pattern").or_else(|| self.custom("binary")).unwrap_or_else(|| self.name.clone())
    }

    /// Processes whose command line holds the pattern (never this process).
    fn pids(&self) -> Vec<i32> {
        let pattern = self.pattern();
        let me = std::process::id() as i32;
        let Ok(dir) = std::fs::read_dir("/proc") else { return Vec::new() };
        let mut pids = Vec::new();
        for entry in dir.flatten() {
            let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse::<i32>().ok()) else { continue };
            if pid == me {
                continue;
            }
            let Ok(raw) = std::fs::read(entry.path().join("cmdline")) else { continue };
            if raw.is_empty() {
                continue;
            }
            let cmdline = String::from_utf8_lossy(&raw).replace('\0', " ");
            if cmdline.trim_end().contains(&pattern) && !is_zombie(pid) {
                pids.push(pid);
            }
        }
        pids
    }
}

fn is_zombie(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| s.rsplit_once(')').map(|(_, rest)| rest.trim_start().starts_with('Z')))
        .unwrap_or(false)
}

/// Whether systemd manages this machine: `/run/systemd/system` exists and PID 1 is systemd.
fn systemd_is_init() -> bool {
    Path::new("/run/systemd/system").is_dir()
        && std::fs::read_to_string("/proc/1/comm").map(|c| c.trim() == "systemd").unwrap_or(false)
}

fn run_argv(program: &str, args: &[&str]) -> Result<(), String> {
    let status = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| format!("Could not execute '{program}': {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "Execution of '{program} {}' returned {}",
            args.join(" "),
            status.code().map(|c| c.to_string()).unwrap_or_else(|| "a signal".into())
        ))
    }
}

fn run_shell(command: &str) -> Result<(), String> {
    let status = Command::new("/bin/sh")
        .arg("-c")
        .arg(command)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| format!("Could not execute '{command}': {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "Execution of '{command}' returned {}",
            status.code().map(|c| c.to_string()).unwrap_or_else(|| "a signal".into())
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transaction::tests::{catalog, lines, run};
    use bunraku_model::RunStatus;
    use serde_json::json;

    #[test]
    fn base_provider_starts_restarts_and_stops_a_daemon() {
        let dir = tempfile::tempdir().unwrap();
        let pidfile = dir.path().join("pid");
        // A unique pattern so that no other process matches.
        let tag = format!("{}", 86_400 + std::process::id());
        let start = format!("sleep {tag} >/dev/null 2>&1 & echo $! > {}", pidfile.display());
        let stop = format!("kill $(cat {})", pidfile.display());
        let params = |ensure: &str| json!({"ensure": ensure, "provider": "base", "start": start, "stop": stop, "pattern": format!("sleep {tag}")});
        let cat = catalog(&[("Service", "sleeper", params("running"))], &[]);
        let report = run(&cat);
        assert_eq!(
            lines(&report),
            ["/Stage[main]/Main/Service[sleeper]/ensure: ensure changed 'stopped' to 'running'"]
        );
        let ev = &report.resource_statuses["Service[sleeper]"].events[0];
        assert_eq!(ev.name, "service_started");
        let first_pid = std::fs::read_to_string(&pidfile).unwrap();

        // Running already: unchanged; a notification restarts it.
        let cat = catalog(
            &[
                ("Notify", "poke", json!({"notify": "Service[sleeper]"})),
                ("Service", "sleeper", params("running")),
            ],
            &[],
        );
        let report = run(&cat);
        assert!(lines(&report)
            .contains(&"/Stage[main]/Main/Service[sleeper]: Triggered 'refresh' from 1 event".to_string()));
        assert_ne!(std::fs::read_to_string(&pidfile).unwrap(), first_pid);

        let cat = catalog(&[("Service", "sleeper", params("stopped"))], &[]);
        let report = run(&cat);
        assert_eq!(report.status, RunStatus::Changed);
        assert_eq!(
            lines(&report),
            ["/Stage[main]/Main/Service[sleeper]/ensure: ensure changed 'running' to 'stopped'"]
        );
        // `kill` returns before the process is gone; wait for it (a loaded machine takes a while).
        let pid = std::fs::read_to_string(&pidfile).unwrap().trim().to_string();
        let alive = || {
            std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .is_ok_and(|s| s.rsplit(')').next().is_some_and(|rest| !rest.trim_start().starts_with('Z')))
        };
        for _ in 0..200 {
            if !alive() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        let report = run(&cat);
        assert_eq!(report.status, RunStatus::Unchanged, "{:?}", lines(&report));

        // Stopped and notified: Puppet still logs the refresh, but nothing restarts.
        let cat = catalog(
            &[
                ("Notify", "poke", json!({"notify": "Service[sleeper]"})),
                ("Service", "sleeper", params("stopped")),
            ],
            &[],
        );
        let report = run(&cat);
        assert!(lines(&report).iter().any(|l| l.contains("Triggered")));
        let svc = Service::new(&cat.resources[4]).unwrap();
        assert!(svc.pids().is_empty());
    }
}
