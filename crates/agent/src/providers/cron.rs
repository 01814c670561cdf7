//! `cron` (the `crontab` provider of puppetlabs-cron_core): jobs in a user's crontab, read with
//! `crontab -u USER -l` and installed with `crontab -u USER -`. Each managed job is preceded by a
//! `# Puppet Name: NAME` line (and its `environment` lines), and the crontab starts with Puppet's
//! `# HEADER:` lines, so Puppet and Bunraku can take over each other's crontabs.

use std::io::Write;
use std::process::{Command, Stdio};

use bunraku_model::{Resource, Value};

use super::{param_list, Context, ProviderError};

const TIME_FIELDS: [&str; 5] = ["minute", "hour", "monthday", "month", "weekday"];

/// A managed job as it is written in the crontab.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Job {
    environment: Vec<String>,
    /// `@daily`-style special, or the five time fields.
    time: Vec<String>,
    command: String,
}

impl Job {
    fn lines(&self, name: &str) -> Vec<String> {
        let mut out = vec![format!("# Puppet Name: {name}")];
        out.extend(self.environment.iter().cloned());
        out.push(format!("{} {}", self.time.join(" "), self.command));
        out
    }
}

/// Brings the job in the user's crontab in line with the resource.
pub fn apply(res: &Resource, ctx: &mut Context) -> Result<(), ProviderError> {
    ctx.provider_used = Some("crontab".into());
    let name = res.param_str("name").unwrap_or_else(|| res.title.clone());
    let user = res.param_str("target").or_else(|| res.param_str("user")).unwrap_or_else(|| "root".into());
    let present = res.param_str("ensure").as_deref() != Some("absent");
    let text = read_crontab(&user)?;
    let (mut lines, found) = locate(&text, &name);
    let current = found.as_ref().map(|(_, _, job)| job.clone());

    if !present {
        let Some((start, end, _)) = found else { return Ok(()) };
        lines.drain(start..end);
        return sync_ensure(ctx, &user, &lines, "present", "absent");
    }
    let field = |p: &str| -> Option<String> {
        match res.param(p) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if s == "absent" => Some("*".into()),
            Some(_) => Some(param_list(res, p).join(",")),
        }
    };
    let special = res.param_str("special").filter(|s| s != "absent").map(|s| format!("@{s}"));
    let environment = res.param("environment").map(|_| param_list(res, "environment"));
    let command = res.param_str("command");

    let Some(mut job) = current else {
        let Some(command) = command else {
            return Err(ProviderError::new("no command specified, cannot create"));
        };
        let time = match special {
            Some(s) => vec![s],
            None => TIME_FIELDS.iter().map(|f| field(f).unwrap_or_else(|| "*".into())).collect(),
        };
        let job = Job { environment: environment.unwrap_or_default(), time, command };
        lines.extend(job.lines(&name));
        return sync_ensure(ctx, &user, &lines, "absent", "present");
    };

    // (property, current, desired, how the desired value is shown). The time fields and
    // `environment` are array properties: Puppet reports arrays (a time field split at commas),
    // and shows a new environment joined (its `should_to_s`).
    let fields = |s: &str| Value::Array(s.split(',').filter(|p| !p.is_empty()).map(Value::from).collect());
    let strings = |v: &[String]| Value::Array(v.iter().map(|s| Value::from(s.as_str())).collect());
    let mut changes: Vec<(&str, Value, Value, String)> = Vec::new();
    if let Some(c) = command {
        if c != job.command {
            let want = Value::from(c.as_str());
            changes.push(("command", Value::from(job.command.as_str()), want.clone(), super::display(&want)));
            job.command = c;
        }
    }
    match special {
        Some(s) if job.time != [s.clone()] => {
            let want = Value::from(s.trim_start_matches('@'));
            changes.push(("special", Value::from(job.time.join(" ")), want.clone(), super::display(&want)));
            job.time = vec![s];
        }
        Some(_) => {}
        None => {
            if job.time.len() != 5 {
                job.time = vec!["*".into(); 5];
            }
            for (i, f) in TIME_FIELDS.iter().enumerate() {
                if let Some(want) = field(f) {
                    if job.time[i] != want {
                        let wanted = fields(&want);
                        changes.push((f, fields(&job.time[i]), wanted.clone(), super::display(&wanted)));
                        job.time[i] = want;
                    }
                }
            }
        }
    }
    if let Some(env) = environment {
        if env != job.environment {
            changes.push(("environment", strings(&job.environment), strings(&env), env.join(",")));
            job.environment = env;
        }
    }
    if changes.is_empty() {
        return Ok(());
    }
    if let Some((start, end, _)) = found {
        lines.splice(start..end, job.lines(&name));
    }
    let result = if ctx.noop { Ok(()) } else { write_crontab(&user, &lines) };
    for (property, prev, want, shown_want) in changes {
        let event = format!("{property}_changed");
        if !ctx.should_sync(property, &prev, &want, &event) {
            continue;
        }
        match &result {
            Ok(()) => {
                let msg = format!("{property} changed {} to {shown_want}", super::display(&prev));
                ctx.changed(property, prev, want, &event, msg)
            }
            Err(e) => ctx.failed(property, prev, want, &event, &e.0),
        }
    }
    Ok(())
}

fn sync_ensure(
    ctx: &mut Context,
    user: &str,
    lines: &[String],
    from: &str,
    to: &str,
) -> Result<(), ProviderError> {
    let (prev, want) = (Value::from(from), Value::from(to));
    let name = if to == "absent" { "removed" } else { "created" };
    if ctx.should_sync("ensure", &prev, &want, name) {
        match write_crontab(user, lines) {
            Ok(()) => ctx.changed("ensure", prev, want, name, name.to_string()),
            Err(e) => ctx.failed("ensure", prev, want, name, &e.0),
        }
    }
    Ok(())
}

/// The crontab's lines without Puppet's header, and where the named job is (start, end, job).
fn locate(text: &str, name: &str) -> (Vec<String>, Option<(usize, usize, Job)>) {
    let lines: Vec<String> = text.lines().filter(|l| !l.starts_with("# HEADER:")).map(String::from).collect();
    let marker = format!("# Puppet Name: {name}");
    let Some(start) = lines.iter().position(|l| l.trim_end() == marker) else { return (lines, None) };
    let mut i = start + 1;
    let mut environment = Vec::new();
    while i < lines.len() && is_environment(&lines[i]) {
        environment.push(lines[i].clone());
        i += 1;
    }
    let Some(line) = lines.get(i) else { return (lines, None) };
    let fields: Vec<&str> = line.split_whitespace().collect();
    let (time, command) = if fields.first().is_some_and(|f| f.starts_with('@')) && fields.len() >= 2 {
        (vec![fields[0].to_string()], fields[1..].join(" "))
    } else if fields.len() >= 6 {
        (fields[..5].iter().map(|s| s.to_string()).collect(), fields[5..].join(" "))
    } else {
        return (lines, None);
    };
    let job = Job { environment, time, command };
    (lines.clone(), Some((start, i + 1, job)))
}

fn is_environment(line: &str) -> bool {
    let t = line.trim_start();
    match t.split_once('=') {
        Some((k, _)) => !k.trim().is_empty() && k.trim().chars().all(|c| c.is_alphanumeric() || c == '_'),
        None => false,
    }
}

/// Puppet's header, as its crontab provider writes it on top of every crontab it installs.
fn header() -> String {
    let now = chrono::Local::now().format("%Y-%m-%d %H:%M:%S %z");
    format!(
        "# HEADER: This file was autogenerated at {now} by puppet.\n\
         # HEADER: While it can still be managed manually, it is definitely not recommended.\n\
         # HEADER: Note particularly that the comments starting with 'Puppet Name' should\n\
         # HEADER: not be deleted, as doing so could cause duplicate cron jobs.\n"
    )
}

fn read_crontab(user: &str) -> Result<String, ProviderError> {
    let out = Command::new("crontab")
        .args(["-u", user, "-l"])
        .stdin(Stdio::null())
        .output()
        .map_err(|e| ProviderError(format!("Could not run crontab: {e}")))?;
    if out.status.success() {
        return Ok(String::from_utf8_lossy(&out.stdout).into_owned());
    }
    let err = String::from_utf8_lossy(&out.stderr);
    if err.contains("no crontab for") {
        return Ok(String::new());
    }
    Err(ProviderError(format!("Could not read crontab for {user}: {}", err.trim())))
}

fn write_crontab(user: &str, lines: &[String]) -> Result<(), ProviderError> {
    let mut text = header();
    for l in lines {
        text.push_str(l);
        text.push('\n');
    }
    if lines.is_empty() {
        // Puppet's file has no records then, and still ends with the record separator.
        text.push('\n');
    }
    let mut child = Command::new("crontab")
        .args(["-u", user, "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| ProviderError(format!("Could not run crontab: {e}")))?;
    child.stdin.take().map(|mut s| s.write_all(text.as_bytes())).transpose()?;
    let out = child.wait_with_output()?;
    if out.status.success() {
        Ok(())
    } else {
        Err(ProviderError(format!(
            "Could not write crontab for {user}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transaction::tests::{catalog, lines, run};
    use bunraku_model::RunStatus;
    use serde_json::json;

    #[test]
    fn finds_jobs_by_their_puppet_name() {
        let text = "# HEADER: old\nMAILTO=x\n# Puppet Name: backup\nPATH=/bin\n0 2 * * * /usr/bin/backup --all\n# Puppet Name: daily\n@daily /bin/true\n";
        let (lines, found) = locate(text, "backup");
        assert_eq!(lines[0], "MAILTO=x");
        let (start, end, job) = found.unwrap();
        assert_eq!((start, end), (1, 4));
        assert_eq!(job.environment, ["PATH=/bin"]);
        assert_eq!(job.time, ["0", "2", "*", "*", "*"]);
        assert_eq!(job.command, "/usr/bin/backup --all");
        assert_eq!(locate(text, "daily").1.unwrap().2.time, ["@daily"]);
        assert!(locate(text, "none").1.is_none());
    }

    /// A throwaway user, removed (with its crontab) when dropped.
    struct TempUser(String);
    impl Drop for TempUser {
        fn drop(&mut self) {
            let _ = Command::new("crontab").args(["-u", &self.0, "-r"]).output();
            let _ = Command::new("userdel").arg(&self.0).output();
        }
    }

    #[test]
    fn crontab_of_a_throwaway_user() {
        // The test's dependencies are installed by .ci/run: missing ones fail it, never skip it.
        assert!(nix::unistd::geteuid().is_root(), "this test manages a throwaway user and needs root");
        assert!(
            Command::new("crontab").arg("-V").output().is_ok(),
            "crontab is missing (apt-get install cron)"
        );
        let user = TempUser(format!("bkcron{}", std::process::id() % 100000));
        let made = Command::new("useradd").args(["-M", "-s", "/usr/sbin/nologin", &user.0]).status().unwrap();
        assert!(made.success());
        let p = json!({"command": "/bin/true", "user": user.0, "minute": 5, "hour": [1, 13], "environment": "MAILTO=\"\""});
        let cat = catalog(&[("Cron", "job", p)], &[]);
        let report = run(&cat);
        assert_eq!(lines(&report), ["/Stage[main]/Main/Cron[job]/ensure: created"]);
        let text = read_crontab(&user.0).unwrap();
        assert!(text.starts_with("# HEADER: This file was autogenerated at "), "{text}");
        assert!(text.ends_with("# Puppet Name: job\nMAILTO=\"\"\n5 1,13 * * * /bin/true\n"), "{text}");
        assert_eq!(run(&cat).status, RunStatus::Unchanged);

        let p = json!({"command": "/bin/true", "user": user.0, "minute": 10});
        let l = lines(&run(&catalog(&[("Cron", "job", p)], &[])));
        assert_eq!(l, ["/Stage[main]/Main/Cron[job]/minute: minute changed ['5'] to ['10']"]);
        let p = json!({"ensure": "absent", "user": user.0});
        let l = lines(&run(&catalog(&[("Cron", "job", p)], &[])));
        assert_eq!(l, ["/Stage[main]/Main/Cron[job]/ensure: removed"]);
        assert!(!read_crontab(&user.0).unwrap().contains("# Puppet Name:"));
    }
}
