//! `exec`: runs a command when its checks (`creates`, `onlyif`, `unless`, `refreshonly`) say so.
//!
//! Puppet's `posix` provider hands the command string to Ruby's `Kernel.exec`, which runs it through
//! `/bin/sh -c` whenever it holds shell metacharacters and execs it directly otherwise; both behave the
//! same for a plain command, so Bunraku always uses `/bin/sh -c`. Like the posix provider it first
//! insists that the command is qualified or that `path` is set, and that the executable exists.

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use bunraku_model::{Resource, Value};

use super::{param_bool, param_list, Context, Level, LogSource, ProviderError};

/// Runs the command if its checks pass and it is not `refreshonly`.
pub fn apply(res: &Resource, ctx: &mut Context) -> Result<(), ProviderError> {
    ctx.provider_used = Some("posix".into());
    let exec = Exec::from_resource(res)?;
    if param_bool(res, "refreshonly") == Some(true) {
        return Ok(());
    }
    if !exec.checks_pass(ctx)? {
        return Ok(());
    }
    let previous = Value::String("notrun".into());
    let desired = Value::Array(exec.returns.iter().map(|r| Value::String(r.to_string())).collect());
    if !ctx.should_sync("returns", &previous, &desired, "executed_command") {
        return Ok(());
    }
    match exec.run_checked(&exec.command, ctx) {
        Ok(()) => {
            ctx.changed("returns", previous, desired, "executed_command", "executed successfully".into())
        }
        Err(e) => ctx.failed("returns", previous, desired, "executed_command", &e),
    }
    Ok(())
}

/// Reruns the command (or the `refresh` command) after an event, if the checks still pass.
pub fn refresh(res: &Resource, ctx: &mut Context) -> Result<(), ProviderError> {
    let exec = Exec::from_resource(res)?;
    if !exec.checks_pass(ctx)? {
        return Ok(());
    }
    let command = res.param_str("refresh").unwrap_or_else(|| exec.command.clone());
    exec.run_checked(&command, ctx).map_err(ProviderError)
}

struct Exec {
    command: String,
    path: Option<String>,
    returns: Vec<i64>,
    cwd: Option<String>,
    environment: Vec<(String, String)>,
    timeout: Option<Duration>,
    logoutput: String,
    user: Option<String>,
    group: Option<String>,
    creates: Vec<String>,
    onlyif: Vec<String>,
    unless: Vec<String>,
    /// How many times to run the command until it returns one of `returns` (at least 1).
    tries: u32,
    try_sleep: Duration,
}

impl Exec {
    fn from_resource(res: &Resource) -> Result<Exec, ProviderError> {
        let command = match res.param("command") {
            Some(Value::Array(parts)) => {
                parts.iter().map(|p| p.as_str().unwrap_or_default().to_string()).collect::<Vec<_>>().join(" ")
            }
            _ => res.param_str("command").unwrap_or_else(|| res.title.clone()),
        };
        let path = match res.param("path") {
            Some(Value::Array(_)) => Some(param_list(res, "path").join(":")),
            Some(_) => res.param_str("path"),
            None => None,
        };
        let returns: Vec<i64> = {
            let list = param_list(res, "returns");
            if list.is_empty() {
                vec![0]
            } else {
                list.iter().filter_map(|r| r.parse().ok()).collect()
            }
        };
        let environment = param_list(res, "environment")
            .into_iter()
            .filter_map(|kv| kv.split_once('=').map(|(k, v)| (k.to_string(), v.to_string())))
            .collect();
        let timeout = res
            .param_str("timeout")
            .and_then(|t| t.parse::<f64>().ok())
            .filter(|t| *t > 0.0 && t.is_finite())
            .map(Duration::from_secs_f64)
            .or(Some(Duration::from_secs(300)));
        let number = |name: &str| -> Result<Option<f64>, ProviderError> {
            let Some(text) = res.param_str(name) else { return Ok(None) };
            match text.parse::<f64>() {
                Ok(n) if n >= 0.0 && n.is_finite() => Ok(Some(n)),
                Ok(_) => Err(ProviderError(format!("{name} cannot be a negative number"))),
                Err(_) => Err(ProviderError(format!("{name} must be a number"))),
            }
        };
        let tries = number("tries")?.map(|n| n as u32).unwrap_or(1).max(1);
        let try_sleep = Duration::from_secs_f64(number("try_sleep")?.unwrap_or(0.0));
        let exec = Exec {
            tries,
            try_sleep,
            command,
            path,
            returns,
            cwd: res.param_str("cwd"),
            environment,
            timeout,
            logoutput: res.param_str("logoutput").unwrap_or_else(|| "on_failure".into()),
            user: res.param_str("user"),
            group: res.param_str("group"),
            creates: param_list(res, "creates"),
            onlyif: param_list(res, "onlyif"),
            unless: param_list(res, "unless"),
        };
        for cmd in std::iter::once(&exec.command).chain(&exec.onlyif).chain(&exec.unless) {
            exec.validate(cmd)?;
        }
        Ok(exec)
    }

    /// The posix provider's validation: a qualified command or a `path`, and an executable that exists.
    fn validate(&self, command: &str) -> Result<(), ProviderError> {
        let exe = command.split_whitespace().next().unwrap_or("");
        let exe = exe.trim_matches(|c| c == '"' || c == '\'');
        if exe.starts_with('/') {
            if !Path::new(exe).exists() {
                return Err(ProviderError(format!("Could not find command '{exe}'")));
            }
            return Ok(());
        }
        let Some(path) = &self.path else {
            return Err(ProviderError(format!(
                "Validation of Exec[{command}] failed: '{command}' is not qualified and no path was specified. Please qualify the command or specify a path."
            )));
        };
        // A shell builtin or keyword (`test`, `[`, `cd`) does not need to be on the path.
        let builtin = matches!(
            exe,
            "cd" | "test"
                | "["
                | "echo"
                | "true"
                | "false"
                | "exit"
                | "export"
                | "set"
                | "."
                | ":"
                | "if"
                | "for"
                | "while"
        );
        if builtin || path.split(':').any(|dir| Path::new(dir).join(exe).exists()) {
            Ok(())
        } else {
            Err(ProviderError(format!("Could not find command '{exe}'")))
        }
    }

    /// `creates`, `onlyif` and `unless`, in Puppet's order; false when the command should not run.
    fn checks_pass(&self, ctx: &mut Context) -> Result<bool, ProviderError> {
        for path in &self.creates {
            if Path::new(path).exists() {
                ctx.debug(format!("Not running: '{path}' exists (creates)"));
                return Ok(false);
            }
        }
        for check in &self.onlyif {
            let (status, _) = self.run(check).map_err(ProviderError)?;
            if status != Some(0) {
                ctx.debug(format!("'{}' won't be executed because of failed check 'onlyif'", self.command));
                return Ok(false);
            }
        }
        for check in &self.unless {
            let (status, _) = self.run(check).map_err(ProviderError)?;
            if status == Some(0) {
                ctx.debug(format!("'{}' won't be executed because of failed check 'unless'", self.command));
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Runs a command, logs its output as `logoutput` says, and checks its exit code against `returns`.
    fn run_checked(&self, command: &str, ctx: &mut Context) -> Result<(), String> {
        ctx.log(Level::Info, LogSource::Resource, format!("Executing '{command}'"));
        let mut attempt = 0;
        let (status, output, ok) = loop {
            attempt += 1;
            if self.tries > 1 {
                ctx.debug(format!("Exec try {attempt}/{}", self.tries));
            }
            let (status, output) = self.run(command)?;
            let ok = status.is_some_and(|s| self.returns.contains(&(s as i64)));
            if ok || attempt >= self.tries {
                break (status, output, ok);
            }
            if !self.try_sleep.is_zero() {
                ctx.debug(format!("Sleeping for {} seconds between tries", self.try_sleep.as_secs_f64()));
                std::thread::sleep(self.try_sleep);
            }
        };
        let log_it = match self.logoutput.as_str() {
            "true" => true,
            "false" => false,
            _ => !ok,
        };
        if log_it {
            for line in output.lines() {
                ctx.log(Level::Notice, LogSource::Property("returns".into()), line.to_string());
            }
        }
        if ok {
            return Ok(());
        }
        let expected: Vec<String> = self.returns.iter().map(|r| r.to_string()).collect();
        let message = match status {
            Some(code) => format!("'{command}' returned {code} instead of one of [{}]", expected.join(",")),
            None => format!("'{command}' was killed by a signal"),
        };
        ctx.log(Level::Err, LogSource::Puppet, message.clone());
        Err(message)
    }

    /// Runs a command through `/bin/sh -c`; returns its exit code (None if killed) and combined output.
    fn run(&self, command: &str) -> Result<(Option<i32>, String), String> {
        let mut cmd = Command::new("/bin/sh");
        cmd.arg("-c").arg(command).stdin(Stdio::null());
        if let Some(path) = &self.path {
            cmd.env("PATH", path);
        }
        for (k, v) in &self.environment {
            cmd.env(k, v);
        }
        if let Some(cwd) = &self.cwd {
            cmd.current_dir(cwd);
        }
        if let Some(group) = &self.group {
            cmd.gid(resolve_gid(group)?);
        }
        if let Some(user) = &self.user {
            let u = resolve_user(user)?;
            if self.group.is_none() {
                cmd.gid(u.gid.as_raw());
            }
            cmd.uid(u.uid.as_raw());
            cmd.env("HOME", &u.dir).env("USER", &u.name).env("LOGNAME", &u.name);
        }
        // Output goes to a temporary file, as in Puppet: a pipe would block on daemons the command
        // leaves behind holding it open.
        let mut out = tempfile::tempfile().map_err(|e| e.to_string())?;
        let out2 = out.try_clone().map_err(|e| e.to_string())?;
        let out3 = out.try_clone().map_err(|e| e.to_string())?;
        cmd.stdout(out2).stderr(out3);
        let mut child = cmd.spawn().map_err(|e| format!("Could not execute '{command}': {e}"))?;
        let started = Instant::now();
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) => {}
                Err(e) => return Err(e.to_string()),
            }
            if self.timeout.is_some_and(|t| started.elapsed() > t) {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "Command exceeded timeout ({} seconds)",
                    self.timeout.unwrap_or_default().as_secs()
                ));
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        let mut output = Vec::new();
        use std::io::Seek;
        let _ = out.seek(std::io::SeekFrom::Start(0));
        let _ = out.read_to_end(&mut output);
        Ok((status.code(), String::from_utf8_lossy(&output).into_owned()))
    }
}

fn resolve_user(user: &str) -> Result<nix::unistd::User, String> {
    let found = match user.parse::<u32>() {
        Ok(uid) => nix::unistd::User::from_uid(nix::unistd::Uid::from_raw(uid)),
        Err(_) => nix::unistd::User::from_name(user),
    };
    found.ok().flatten().ok_or_else(|| format!("Could not find user {user}"))
}

fn resolve_gid(group: &str) -> Result<u32, String> {
    if let Ok(gid) = group.parse::<u32>() {
        return Ok(gid);
    }
    nix::unistd::Group::from_name(group)
        .ok()
        .flatten()
        .map(|g| g.gid.as_raw())
        .ok_or_else(|| format!("Could not find group {group}"))
}

#[cfg(test)]
mod tests {
    use crate::transaction::tests::{catalog, lines, run};
    use bunraku_model::RunStatus;
    use serde_json::json;

    #[test]
    fn checks_cwd_environment_and_output() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().display().to_string();
        let cat = catalog(
            &[
                (
                    "Exec",
                    "write",
                    json!({"command": "echo $GREETING > out", "cwd": d, "environment": ["GREETING=hello"], "path": "/bin:/usr/bin", "creates": format!("{d}/out")}),
                ),
                ("Exec", "skipped-unless", json!({"command": "/bin/false", "unless": "/bin/true"})),
                ("Exec", "skipped-onlyif", json!({"command": "/bin/false", "onlyif": "/bin/false"})),
                ("Exec", "/bin/echo loud", json!({"logoutput": true})),
            ],
            &[],
        );
        let report = run(&cat);
        assert_eq!(
            lines(&report),
            [
                "/Stage[main]/Main/Exec[write]/returns: executed successfully",
                "/Stage[main]/Main/Exec[/bin/echo loud]/returns: loud",
                "/Stage[main]/Main/Exec[/bin/echo loud]/returns: executed successfully",
            ]
        );
        assert_eq!(std::fs::read_to_string(dir.path().join("out")).unwrap(), "hello\n");
        let ev = &report.resource_statuses["Exec[write]"].events[0];
        assert_eq!((ev.name.as_str(), ev.previous_value.as_str()), ("executed_command", Some("notrun")));
        assert_eq!(ev.desired_value, json!(["0"]));
        // `creates` now holds.
        let report = run(&cat);
        assert!(!report.resource_statuses["Exec[write]"].changed);
    }

    #[test]
    fn unqualified_commands_timeouts_and_returns() {
        let cat = catalog(
            &[
                ("Exec", "true", json!({})),
                ("Exec", "slow", json!({"command": "/bin/sleep 5", "timeout": 0.2})),
                ("Exec", "three", json!({"command": "/bin/sh -c 'exit 3'", "returns": [0, 3]})),
            ],
            &[],
        );
        let report = run(&cat);
        let l = lines(&report);
        assert_eq!(l[0], "/Stage[main]/Main/Exec[true]: Could not evaluate: Validation of Exec[true] failed: 'true' is not qualified and no path was specified. Please qualify the command or specify a path.");
        assert!(l[1].starts_with("/Stage[main]/Main/Exec[slow]/returns: change from 'notrun' to ['0'] failed: Command exceeded timeout"), "{l:?}");
        assert_eq!(l[2], "/Stage[main]/Main/Exec[three]/returns: executed successfully");
        assert_eq!(report.status, RunStatus::Failed);
    }

    #[test]
    fn tries_and_try_sleep() {
        let dir = tempfile::tempdir().unwrap();
        let counter = dir.path().join("n");
        let c = counter.display().to_string();
        // Succeeds on the third run.
        let cmd = format!("/bin/sh -c 'echo x >> {c}; test $(wc -l < {c}) -ge 3'");
        let cat = catalog(&[("Exec", "retry", json!({"command": cmd, "tries": 3, "try_sleep": 0.1}))], &[]);
        let started = std::time::Instant::now();
        let report = run(&cat);
        assert_eq!(lines(&report), ["/Stage[main]/Main/Exec[retry]/returns: executed successfully"]);
        assert_eq!(std::fs::read_to_string(&counter).unwrap().lines().count(), 3);
        assert!(started.elapsed() >= std::time::Duration::from_millis(200));

        let cat = catalog(&[("Exec", "/bin/false", json!({"tries": 2}))], &[]);
        let report = run(&cat);
        assert_eq!(report.status, RunStatus::Failed);
        let cat = catalog(&[("Exec", "/bin/true", json!({"try_sleep": -1}))], &[]);
        let l = lines(&run(&cat));
        assert!(l[0].ends_with("try_sleep cannot be a negative number"), "{l:?}");
    }

    #[test]
    fn runs_as_user_and_group() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::set_permissions(dir.path(), std::os::unix::fs::PermissionsExt::from_mode(0o777)).unwrap();
        let out = dir.path().join("who");
        let cmd = format!("/bin/sh -c 'id -un > {0}; id -gn >> {0}'", out.display());
        let cat = catalog(
            &[("Exec", "as-nobody", json!({"command": cmd, "user": "nobody", "group": "nogroup"}))],
            &[],
        );
        let report = run(&cat);
        assert_eq!(report.status, RunStatus::Changed, "{:?}", lines(&report));
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "nobody\nnogroup\n");
    }
}
