//! `package`: Debian packages through `apt` (the default when `apt-get` exists) or `dpkg` (a local
//! `.deb` named by `source`), state from `dpkg-query`; RPM packages through `dnf`, `yum` or `rpm`,
//! state from `rpm -q`. `ensure => latest` upgrades to apt's candidate (`apt-cache policy`), the
//! version of dpkg's `source`, or what `dnf`/`yum check-update` offers.

use std::path::Path;
use std::process::{Command, Stdio};

use bunraku_model::{Resource, Value};

use super::{Context, Level, LogSource, ProviderError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Provider {
    Apt,
    Dpkg,
    Dnf,
    Yum,
    Rpm,
}

impl Provider {
    fn name(self) -> &'static str {
        match self {
            Provider::Apt => "apt",
            Provider::Dpkg => "dpkg",
            Provider::Dnf => "dnf",
            Provider::Yum => "yum",
            Provider::Rpm => "rpm",
        }
    }

    fn is_rpm(self) -> bool {
        matches!(self, Provider::Dnf | Provider::Yum | Provider::Rpm)
    }
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
        Some("dnf") => Provider::Dnf,
        Some("yum") => Provider::Yum,
        Some("rpm") => Provider::Rpm,
        Some(other) => return Err(ProviderError(format!("Bunraku has no package provider '{other}'"))),
        None if Path::new("/usr/bin/apt-get").exists() => Provider::Apt,
        None if Path::new("/usr/bin/dnf").exists() => Provider::Dnf,
        None if Path::new("/usr/bin/yum").exists() => Provider::Yum,
        None if Path::new("/usr/bin/rpm").exists() && !Path::new("/usr/bin/dpkg").exists() => Provider::Rpm,
        None => Provider::Dpkg,
    };
    ctx.provider_used = Some(provider.name().into());
    let ensure = res.param_str("ensure").unwrap_or_else(|| "present".into());
    let current = if provider.is_rpm() { rpm_query(&name)? } else { query(&name)? };
    // `latest` on an installed package: the version to upgrade to, if newer than what is installed.
    let upgrade = match (&current, ensure.as_str()) {
        (Installed::Version(have), "latest") => latest(provider, &name, res)?.filter(|v| v != have),
        _ => None,
    };

    // Puppet's dpkg provider is not `versionable` (apt, dnf, yum and rpm are): a version in
    // `ensure` is refused.
    let named = matches!(ensure.as_str(), "present" | "installed" | "latest" | "absent" | "purged" | "held");
    if !named && matches!(provider, Provider::Dpkg) {
        return Err(ProviderError(format!(
            "Parameter ensure failed on Package[{}]: Provider {} must have features 'versionable' to set 'ensure' to '{ensure}'",
            res.title,
            provider.name()
        )));
    }
    let installed = matches!(current, Installed::Version(_));
    let (action, event) = match ensure.as_str() {
        "present" | "installed" | "latest" if !installed => (Action::Install(None), "package_installed"),
        "latest" if upgrade.is_some() => (Action::Install(upgrade.clone()), "package_changed"),
        "present" | "installed" | "latest" => return Ok(()),
        "absent" if installed => (Action::Remove, "package_removed"),
        "absent" => return Ok(()),
        // RPM keeps no configuration of a removed package: absent is purged there.
        "purged" if installed || (current == Installed::Absent && !provider.is_rpm()) => {
            (Action::Purge, "package_purged")
        }
        "purged" => return Ok(()),
        version => match &current {
            Installed::Version(v) if v == version => return Ok(()),
            Installed::Version(_) => (Action::Install(Some(version.to_string())), "package_changed"),
            _ => (Action::Install(Some(version.to_string())), "package_installed"),
        },
    };

    let prev = Value::String(current.label());
    // `installed` is an alias of `present`: Puppet reports the latter.
    let want = Value::String(if ensure == "installed" { "present".into() } else { ensure.clone() });
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
        rpmish => {
            let (program, args) = rpm_command(rpmish, &name, &action, res);
            run(&program, &args)
        }
    };
    let result = result.and_then(|output| {
        // A version install must end at that version; dpkg/apt/yum may exit 0 having done something else.
        if let Action::Install(Some(v)) = &action {
            let now = if provider.is_rpm() { rpm_query(&name) } else { query(&name) };
            match now.map_err(|e| e.0)? {
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

/// The newest version the provider offers (`None` when it cannot tell).
fn latest(provider: Provider, name: &str, res: &Resource) -> Result<Option<String>, ProviderError> {
    let output = |program: &str, args: &[&str]| -> Result<std::process::Output, ProviderError> {
        Command::new(program)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| ProviderError(format!("Could not execute '{program}': {e}")))
    };
    match provider {
        Provider::Apt => {
            let out = output("/usr/bin/apt-cache", &["policy", name])?;
            Ok(apt_candidate(&String::from_utf8_lossy(&out.stdout)))
        }
        Provider::Dpkg => {
            let Some(source) = res.param_str("source") else { return Ok(None) };
            let out = output("/usr/bin/dpkg-deb", &["--show", "--showformat=${Version}", &source])?;
            let v = String::from_utf8_lossy(&out.stdout).trim().to_string();
            Ok((out.status.success() && !v.is_empty()).then_some(v))
        }
        Provider::Dnf | Provider::Yum => {
            let program = if provider == Provider::Dnf { "/usr/bin/dnf" } else { "/usr/bin/yum" };
            // check-update exits 100 when updates are available, 0 when there are none.
            let out = output(program, &["-q", "check-update", name])?;
            Ok(parse_check_update(&String::from_utf8_lossy(&out.stdout), name))
        }
        Provider::Rpm => Ok(None),
    }
}

/// `Candidate:` of `apt-cache policy NAME` (none for `(none)`).
fn apt_candidate(policy: &str) -> Option<String> {
    let line = policy.lines().find_map(|l| l.trim().strip_prefix("Candidate:"))?;
    let v = line.trim();
    (!v.is_empty() && v != "(none)").then(|| v.to_string())
}

/// The version `dnf/yum check-update` offers for a package: lines `name.arch  [epoch:]version-release  repo`.
fn parse_check_update(output: &str, name: &str) -> Option<String> {
    output.lines().find_map(|l| {
        let f: Vec<&str> = l.split_whitespace().collect();
        let (pkg, _arch) = f.first()?.rsplit_once('.')?;
        (pkg == name && f.len() >= 3).then(|| f[1].trim_start_matches("0:").to_string())
    })
}

/// What `rpm -q` says: the installed `[epoch:]version-release`, as Puppet's rpm provider shows it.
fn rpm_query(name: &str) -> Result<Installed, ProviderError> {
    let output = Command::new("rpm")
        .args(["-q", "--queryformat", RPM_QUERYFORMAT, name])
        .stdin(Stdio::null())
        .output()
        .map_err(|e| ProviderError(format!("Could not execute 'rpm': {e}")))?;
    if !output.status.success() {
        return Ok(Installed::Absent);
    }
    Ok(parse_rpm_query(&String::from_utf8_lossy(&output.stdout)).unwrap_or(Installed::Absent))
}

const RPM_QUERYFORMAT: &str = "%{NAME} %|EPOCH?{%{EPOCH}}:{0}| %{VERSION} %{RELEASE} %{ARCH}\\n";

fn parse_rpm_query(text: &str) -> Option<Installed> {
    let f: Vec<&str> = text.lines().next()?.split_whitespace().collect();
    let (epoch, version, release) = (f.get(1)?, f.get(2)?, f.get(3)?);
    Some(Installed::Version(if *epoch == "0" {
        format!("{version}-{release}")
    } else {
        format!("{epoch}:{version}-{release}")
    }))
}

/// The command line the dnf, yum and rpm providers run for an action.
fn rpm_command(provider: Provider, name: &str, action: &Action, res: &Resource) -> (String, Vec<String>) {
    let mut args: Vec<String> = Vec::new();
    if provider == Provider::Rpm {
        match action {
            Action::Install(_) => {
                let source = res.param_str("source").unwrap_or_else(|| name.to_string());
                args.extend(["-i".into()]);
                args.extend(super::param_list(res, "install_options"));
                args.push(source);
            }
            Action::Remove | Action::Purge => args.extend(["-e".into(), name.into()]),
        }
        return ("/usr/bin/rpm".into(), args);
    }
    let program = if provider == Provider::Dnf { "/usr/bin/dnf" } else { "/usr/bin/yum" };
    // Puppet's yum provider: `-d 0 -e 0 -y`; dnf reports errors at level 1.
    let error_level = if provider == Provider::Dnf { "1" } else { "0" };
    args.extend(["-d".into(), "0".into(), "-e".into(), error_level.into(), "-y".into()]);
    match action {
        Action::Install(version) => {
            args.extend(super::param_list(res, "install_options"));
            args.push("install".into());
            args.push(match version {
                Some(v) => format!("{name}-{v}"),
                None => name.to_string(),
            });
        }
        Action::Remove | Action::Purge => {
            args.push("remove".into());
            args.push(name.into());
        }
    }
    (program.into(), args)
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
        assert!(nix::unistd::geteuid().is_root(), "this test installs a throwaway package and needs root");
        assert!(Path::new("/usr/bin/dpkg-deb").exists(), "dpkg-deb is missing (apt-get install dpkg-dev)");
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

        // latest: the version of the source .deb, when newer than what is installed.
        assert_eq!(apply(&pkg("latest", &deb1)).status, RunStatus::Unchanged);
        let report = apply(&pkg("latest", &deb2));
        assert_eq!(lines(&report), [format!("{path}: ensure changed '1.0' to 'latest'")]);
        let ev = &report.resource_statuses[&format!("Package[{name}]")].events[0];
        assert_eq!(ev.name, "package_changed");
        assert_eq!(query(&name).unwrap(), Installed::Version("2.0".into()));
        assert_eq!(apply(&pkg("latest", &deb2)).status, RunStatus::Unchanged);

        // dpkg is not versionable: Puppet refuses a version, and so do we (nothing is installed).
        let report = apply(&pkg("1.0", &deb1));
        assert_eq!(
            lines(&report),
            [format!("/Stage[main]/Main/Package[{name}]: Could not evaluate: Parameter ensure failed on Package[{name}]: Provider dpkg must have features 'versionable' to set 'ensure' to '1.0'")]
        );
        assert_eq!(report.status, RunStatus::Failed);
        assert_eq!(query(&name).unwrap(), Installed::Version("2.0".into()));

        let report = apply(&pkg("absent", &deb2));
        assert_eq!(lines(&report), [format!("{path}: removed")]);
        let report = apply(&pkg("purged", &deb2));
        assert_eq!(lines(&report), [format!("{path}: purged")]);
        assert_eq!(query(&name).unwrap(), Installed::Purged);
        assert_eq!(apply(&pkg("absent", &deb2)).status, RunStatus::Unchanged);
    }

    #[test]
    fn latest_candidates_and_rpm_command_lines() {
        let policy = "bash:\n  Installed: 5.2.15-2+b2\n  Candidate: 5.2.15-2+b7\n  Version table:\n";
        assert_eq!(apt_candidate(policy).as_deref(), Some("5.2.15-2+b7"));
        assert_eq!(apt_candidate("x:\n  Installed: (none)\n  Candidate: (none)\n"), None);
        let check = "\nbash.x86_64                 5.1.8-9.el9                 baseos\nbash-completion.noarch   1:2.11-5.el9   appstream\n";
        assert_eq!(parse_check_update(check, "bash").as_deref(), Some("5.1.8-9.el9"));
        assert_eq!(parse_check_update(check, "bash-completion").as_deref(), Some("1:2.11-5.el9"));
        assert_eq!(parse_check_update(check, "zsh"), None);
        assert_eq!(
            parse_rpm_query("bash 0 5.1.8 6.el9 x86_64\n"),
            Some(Installed::Version("5.1.8-6.el9".into()))
        );
        assert_eq!(parse_rpm_query("bc 1 2.11 5 x86_64\n"), Some(Installed::Version("1:2.11-5".into())));

        let res: Resource = serde_json::from_value(json!({"type": "Package", "title": "tmux", "tags": [],
            "exported": false, "parameters": {"install_options": ["--enablerepo=extra"]}}))
        .unwrap();
        let line = |p, a: &Action| {
            let (prog, args) = rpm_command(p, "tmux", a, &res);
            format!("{prog} {}", args.join(" "))
        };
        assert_eq!(
            line(Provider::Dnf, &Action::Install(None)),
            "/usr/bin/dnf -d 0 -e 1 -y --enablerepo=extra install tmux"
        );
        assert_eq!(
            line(Provider::Yum, &Action::Install(Some("3.2a-4.el9".into()))),
            "/usr/bin/yum -d 0 -e 0 -y --enablerepo=extra install tmux-3.2a-4.el9"
        );
        assert_eq!(line(Provider::Yum, &Action::Remove), "/usr/bin/yum -d 0 -e 0 -y remove tmux");
        assert_eq!(line(Provider::Rpm, &Action::Install(None)), "/usr/bin/rpm -i --enablerepo=extra tmux");
        assert_eq!(line(Provider::Rpm, &Action::Purge), "/usr/bin/rpm -e tmux");
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
