//! `package`: Debian packages through `apt` (the default when `apt-get` exists) or `dpkg` (a local
//! `.deb` named by `source`). State comes from `dpkg-query`.
//!
//! `ensure => latest` behaves as `installed` for now (it installs a missing package but does not
//! upgrade an installed one).

use std::path::Path;
use std::process::{Command, Stdio};

use bunraku_model::{Resource, Value};

use super::{Context, Level, LogSource, ProviderError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Provider {
    Apt,
    Dpkg,
}

/// What `dpkg-query` says about a package.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Installed {
    /// Never installed, or purged.
    Purged,
    /// Removed, configuration files left.
    Absent,
    /// Installed at this version.
    Version(String),
}

impl Installed {
    fn label(&self) -> String {
        match self {
            Installed::Purged => "purged".into(),
            Installed::Absent => "absent".into(),
            Installed::Version(v) => v.clone(),
        }
    }
}

/// Installs, upgrades to a version, removes or purges a package.
pub fn apply(res: &Resource, ctx: &mut Context) -> Result<(), ProviderError> {
    let name = super::namevar(res, "name");
    let provider = match res.param_str("provider").as_deref() {
        Some("apt") => Provider::Apt,
        Some("dpkg") => Provider::Dpkg,
        Some(other) => return Err(ProviderError(format!("Bunraku has no package provider '{other}'"))),
        None if Path::new("/usr/bin/apt-get").exists() => Provider::Apt,
        None => Provider::Dpkg,
    };
    ctx.provider_used = Some(if provider == Provider::Apt { "apt" } else { "dpkg" }.into());
    let ensure = res.param_str("ensure").unwrap_or_else(|| "present".into());
    let current = query(&name)?;

    let installed = matches!(current, Installed::Version(_));
    let (action, event) = match ensure.as_str() {
        "present" | "installed" | "latest" if !installed => (Action::Install(None), "package_installed"),
        "present" | "installed" | "latest" => return Ok(()),
        "absent" if installed => (Action::Remove, "package_removed"),
        "absent" => return Ok(()),
        "purged" if current != Installed::Purged => (Action::Purge, "package_purged"),
        "purged" => return Ok(()),
        version => match &current {
            Installed::Version(v) if v == version => return Ok(()),
            Installed::Version(_) => (Action::Install(Some(version.to_string())), "package_changed"),
            _ => (Action::Install(Some(version.to_string())), "package_installed"),
        },
    };

    let prev = Value::String(current.label());
    let want = Value::String(ensure.clone());
    if !ctx.should_sync("ensure", &prev, &want, event) {
        return Ok(());
    }
    let message = match (&action, &current) {
        (Action::Purge, _) => "purged".to_string(),
        (Action::Install(_), Installed::Purged | Installed::Absent) => "created".to_string(),
        (Action::Remove, _) => "removed".to_string(),
        _ => format!("ensure changed '{}' to '{}'", current.label(), ensure),
    };
    let result = match provider {
        Provider::Apt => apt(&name, &action, res),
        Provider::Dpkg => dpkg(&name, &action, res),
    };
    let result = result.and_then(|output| {
        // A version install must end at that version; dpkg/apt may exit 0 having done something else.
        if let Action::Install(Some(v)) = &action {
            match query(&name).map_err(|e| e.0)? {
                Installed::Version(got) if &got == v => {}
                other => {
                    return Err(format!("Could not update: wanted version {v}, got '{}'", other.label()))
                }
            }
        }
        Ok(output)
    });
    match result {
        Ok(_) => ctx.changed("ensure", prev, want, event, message),
        Err(e) => {
            ctx.log(Level::Debug, LogSource::Resource, e.clone());
            ctx.failed("ensure", prev, want, event, &e)
        }
    }
    Ok(())
}

enum Action {
    Install(Option<String>),
    Remove,
    Purge,
}

fn query(name: &str) -> Result<Installed, ProviderError> {
    let output = Command::new("dpkg-query")
        .args(["-W", "-f=${Status} ${Version}\\n", "--", name])
        .stdin(Stdio::null())
        .output()
        .map_err(|e| ProviderError(format!("Could not execute 'dpkg-query': {e}")))?;
    // dpkg-query exits 1 for a package it has never heard of.
    let text = String::from_utf8_lossy(&output.stdout);
    let Some(line) = text.lines().next() else { return Ok(Installed::Purged) };
    let fields: Vec<&str> = line.split_whitespace().collect();
    // "install ok installed 1.2-3", "deinstall ok config-files 1.2-3", "unknown ok not-installed".
    let state = fields.get(2).copied().unwrap_or("");
    Ok(match state {
        "installed" | "half-configured" | "unpacked" | "half-installed" | "triggers-awaited"
        | "triggers-pending" => Installed::Version(fields.get(3).unwrap_or(&"").to_string()),
        "config-files" => Installed::Absent,
        _ => Installed::Purged,
    })
}

fn apt(name: &str, action: &Action, res: &Resource) -> Result<String, String> {
    let target = match action {
        Action::Install(Some(v)) => format!("{name}={v}"),
        _ => name.to_string(),
    };
    let mut args: Vec<String> = vec!["-q".into(), "-y".into()];
    match action {
        Action::Install(_) => {
            args.extend(["-o".into(), "DPkg::Options::=--force-confold".into()]);
            args.extend(super::param_list(res, "install_options"));
            args.push("install".into());
        }
        Action::Remove => args.push("remove".into()),
        Action::Purge => args.push("purge".into()),
    }
    args.push(target);
    run("/usr/bin/apt-get", &args)
}

fn dpkg(name: &str, action: &Action, res: &Resource) -> Result<String, String> {
    match action {
        Action::Install(_) => {
            let Some(source) = res.param_str("source") else {
                return Err("To install a package with the dpkg provider, you must specify a source".into());
            };
            run("/usr/bin/dpkg", &["--force-confold".into(), "-i".into(), source])
        }
        Action::Remove => run("/usr/bin/dpkg", &["-r".into(), name.into()]),
        Action::Purge => run("/usr/bin/dpkg", &["--purge".into(), name.into()]),
    }
}

fn run(program: &str, args: &[String]) -> Result<String, String> {
    let output = Command::new(program)
        .args(args)
        .env("DEBIAN_FRONTEND", "noninteractive")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("Could not execute '{program}': {e}"))?;
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    if output.status.success() {
        Ok(text)
    } else {
        Err(format!(
            "Execution of '{program} {}' returned {}: {}",
            args.join(" "),
            output.status.code().map(|c| c.to_string()).unwrap_or_else(|| "a signal".into()),
            text.trim()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transaction::tests::{catalog, lines, run as apply};
    use bunraku_model::RunStatus;
    use serde_json::json;

    /// Builds `bunraku-test-<random>` at a version, as a .deb in `dir`.
    fn build_deb(dir: &Path, name: &str, version: &str) -> String {
        let root = dir.join(format!("{name}-{version}"));
        std::fs::create_dir_all(root.join("DEBIAN")).unwrap();
        std::fs::write(
            root.join("DEBIAN/control"),
            format!("Package: {name}\nVersion: {version}\nArchitecture: all\nMaintainer: test <t@example.com>\nDescription: Bunraku test package\n"),
        )
        .unwrap();
        // A conffile, so that removing leaves the package in "config-files" state until purged.
        std::fs::create_dir_all(root.join("etc")).unwrap();
        std::fs::write(root.join(format!("etc/{name}.conf")), "x\n").unwrap();
        std::fs::write(root.join("DEBIAN/conffiles"), format!("/etc/{name}.conf\n")).unwrap();
        let deb = dir.join(format!("{name}_{version}.deb"));
        let st = Command::new("dpkg-deb")
            .args(["--build", "--root-owner-group"])
            .arg(&root)
            .arg(&deb)
            .stdout(Stdio::null())
            .status()
            .unwrap();
        assert!(st.success());
        deb.display().to_string()
    }

    #[test]
    fn dpkg_installs_upgrades_and_removes_a_local_deb() {
        if !Path::new("/usr/bin/dpkg-deb").exists() || !nix::unistd::geteuid().is_root() {
            eprintln!("skipped: needs root and dpkg-deb");
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let name = format!("bunraku-test-{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
        let deb1 = build_deb(dir.path(), &name, "1.0");
        let deb2 = build_deb(dir.path(), &name, "2.0");
        let pkg = |ensure: &str, source: &str| {
            catalog(
                &[("Package", &name, json!({"ensure": ensure, "provider": "dpkg", "source": source}))],
                &[],
            )
        };
        let path = format!("/Stage[main]/Main/Package[{name}]/ensure");

        let report = apply(&pkg("installed", &deb1));
        assert_eq!(lines(&report), [format!("{path}: created")]);
        let ev = &report.resource_statuses[&format!("Package[{name}]")].events[0];
        assert_eq!((ev.name.as_str(), ev.previous_value.as_str()), ("package_installed", Some("purged")));
        assert_eq!(query(&name).unwrap(), Installed::Version("1.0".into()));
        assert_eq!(apply(&pkg("installed", &deb1)).status, RunStatus::Unchanged);

        let report = apply(&pkg("2.0", &deb2));
        assert_eq!(lines(&report), [format!("{path}: ensure changed '1.0' to '2.0'")]);

        let report = apply(&pkg("absent", &deb2));
        assert_eq!(lines(&report), [format!("{path}: removed")]);
        let report = apply(&pkg("purged", &deb2));
        assert_eq!(lines(&report), [format!("{path}: purged")]);
        assert_eq!(query(&name).unwrap(), Installed::Purged);
        assert_eq!(apply(&pkg("absent", &deb2)).status, RunStatus::Unchanged);
    }

    #[test]
    fn dpkg_without_source_fails_clearly() {
        let cat = catalog(&[("Package", "bunraku-test-nosuch", json!({"provider": "dpkg"}))], &[]);
        let report = apply(&cat);
        assert_eq!(report.status, RunStatus::Failed);
        assert!(lines(&report)[0].ends_with(
            "ensure: change from 'purged' to 'present' failed: To install a package with the dpkg provider, you must specify a source"
        ));
    }
}
