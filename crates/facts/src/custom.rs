//! Custom facts: the Ruby files in `lib/facter` directories (pluginsync puts the modules' ones in
//! the agent's `$libdir/facter`), resolved by a real Ruby through bunraku-ruby's Facter over the
//! core and external facts resolved here.
//!
//! Ruby is started only when there are such files, in a pool of its own that keeps no idle worker:
//! a node without custom facts runs no interpreter, and one with them does not keep one between
//! runs (fact files define top-level methods and constants; each run loads them into a fresh
//! process, as each `facter` run does).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use bunraku_model::Value;
use bunraku_ruby::facter::{resolve_custom_facts, FactRequest};
use bunraku_ruby::{Bridge, Config, RubyError};
use indexmap::IndexMap;

/// The custom fact directories of an agent, in the order facter searches them: `$libdir/facter`
/// (Puppet puts `libdir` on Ruby's load path, whose `facter` directories facter searches first),
/// then `FACTERLIB`, then Puppet's `factpath` (which Puppet hands to `Facter.search`), each once.
/// They need not exist yet: pluginsync creates `$libdir/facter` during the first run, before facts
/// are resolved ([`files`] skips what is missing).
pub fn dirs(libdir: Option<&Path>, factpath: &[PathBuf]) -> Vec<PathBuf> {
    let mut candidates: Vec<PathBuf> = libdir.map(|l| l.join("facter")).into_iter().collect();
    if let Some(lib) = std::env::var_os("FACTERLIB") {
        candidates.extend(std::env::split_paths(&lib).filter(|p| !p.as_os_str().is_empty()));
    }
    candidates.extend(factpath.iter().cloned());
    let mut out: Vec<PathBuf> = Vec::new();
    for dir in candidates {
        if !out.contains(&dir) {
            out.push(dir);
        }
    }
    out
}

/// The `*.rb` files of `dirs` as facter loads them: directory by directory, names sorted, hidden
/// files left out.
pub fn files(dirs: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(dir) else { continue };
        let mut found: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
                name.ends_with(".rb") && !name.starts_with('.') && p.is_file()
            })
            .collect();
        found.sort();
        for f in found {
            if !out.contains(&f) {
                out.push(f);
            }
        }
    }
    out
}

/// What custom fact code may ask of Puppet, as the agent has it.
#[derive(Debug, Clone, Default)]
pub struct PuppetContext {
    /// Settings by name (`vardir`, `server`, …): `Puppet[:vardir]` in fact code.
    pub settings: Vec<(String, String)>,
    /// The agent's environment.
    pub environment: String,
}

/// The custom facts of one resolution.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Resolved {
    /// Facts whose value comes from custom code; each replaces a core or external fact of the
    /// same name (facter's precedence was applied in Ruby).
    pub facts: IndexMap<String, Value>,
    /// Every fact the files define, resolved or not.
    pub defined: Vec<String>,
    /// The errors facter would have logged (they were logged as they happened).
    pub errors: Vec<String>,
}

/// The time a whole custom fact resolution may take: facter's default limit for one command. A
/// resolution that takes longer loses its custom facts (the run goes on with the others).
pub const TIME_LIMIT: Duration = Duration::from_secs(300);

/// The pool custom facts run in: one worker per resolution, none kept idle, and no memory limit:
/// the commands fact code runs (package managers, runtimes asked for their version) inherit the
/// worker's limits, and facter puts none on them.
fn bridge() -> &'static Bridge {
    static BRIDGE: OnceLock<Bridge> = OnceLock::new();
    BRIDGE.get_or_init(|| {
        Bridge::new(Config { call_timeout: TIME_LIMIT, max_idle: 0, memory_limit: None, ..Config::default() })
    })
}

/// Resolves the custom facts of `files` over `core` and `external` facts. Without files, nothing
/// runs. An error means the worker could not do its work at all (Ruby missing, a crash, the time
/// limit); a fact whose own code fails is logged and left out instead.
pub fn resolve(
    files: &[PathBuf],
    core: &IndexMap<String, Value>,
    external: &IndexMap<String, Value>,
    puppet: &PuppetContext,
) -> Result<Resolved, RubyError> {
    if files.is_empty() {
        return Ok(Resolved::default());
    }
    let request = FactRequest {
        files: files.to_vec(),
        core: core.iter().map(|(k, v)| (k.clone(), to_ruby(v))).collect(),
        external: external.iter().map(|(k, v)| (k.clone(), to_ruby(v))).collect(),
        settings: puppet.settings.clone(),
        environment: puppet.environment.clone(),
        providers: default_providers(core),
        facter_version: crate::FACTER_VERSION.to_string(),
    };
    let answer = resolve_custom_facts(bridge(), &request)?;
    Ok(Resolved {
        facts: answer.facts.into_iter().map(|(k, v)| (k, from_ruby(v))).collect(),
        defined: answer.defined,
        errors: answer.errors,
    })
}

/// The provider Puppet 7 picks by default for `package` and `service` on this node, which stdlib's
/// `package_provider` and `service_provider` facts report (and the `systemd` module's `systemd`
/// fact reads): Puppet's `systemd` provider whenever PID 1 is systemd, else the family's own.
pub fn default_providers(core: &IndexMap<String, Value>) -> Vec<(String, String)> {
    let os = |key: &str| core.get("os").and_then(|o| o.get(key)).and_then(Value::as_str).unwrap_or("");
    let family = os("family");
    let name = os("name");
    let mut out = Vec::new();
    let package = match family {
        "Debian" => Some("apt"),
        "RedHat" if name == "Amazon" || !Path::new("/usr/bin/dnf").exists() => Some("yum"),
        "RedHat" => Some("dnf"),
        "Suse" => Some("zypper"),
        "Archlinux" => Some("pacman"),
        "Gentoo" => Some("portage"),
        "Alpine" => Some("apk"),
        _ => None,
    };
    if let Some(p) = package {
        out.push(("package".to_string(), p.to_string()));
    }
    let systemd = std::fs::read_to_string("/proc/1/comm").map(|c| c.contains("systemd")).unwrap_or(false);
    let service = match family {
        _ if systemd => "systemd",
        "Debian" => "debian",
        "RedHat" | "Suse" => "redhat",
        "Gentoo" | "Alpine" => "openrc",
        _ => "init",
    };
    out.push(("service".to_string(), service.to_string()));
    out
}

/// A fact value on the bridge.
fn to_ruby(v: &Value) -> bunraku_ruby::Value {
    use bunraku_ruby::Value as R;
    match v {
        Value::Null => R::Undef,
        Value::Bool(b) => R::Bool(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => R::Int(i),
            None => R::Float(n.as_f64().unwrap_or(0.0)),
        },
        Value::String(s) => R::Str(s.clone()),
        Value::Array(items) => R::Array(items.iter().map(to_ruby).collect()),
        Value::Object(map) => R::Hash(map.iter().map(|(k, v)| (R::Str(k.clone()), to_ruby(v))).collect()),
    }
}

/// A custom fact's value as facts are kept (JSON). The Ruby side hands over only JSON's kinds
/// (symbols and hash keys already strings); anything else would be a shim bug, kept as its text.
fn from_ruby(v: bunraku_ruby::Value) -> Value {
    use bunraku_ruby::Value as R;
    match v {
        R::Undef | R::Default => Value::Null,
        R::Bool(b) => Value::Bool(b),
        R::Int(i) => Value::from(i),
        R::Float(f) => serde_json::Number::from_f64(f).map(Value::Number).unwrap_or(Value::Null),
        R::Str(s) => Value::String(s),
        R::Array(items) => Value::Array(items.into_iter().map(from_ruby).collect()),
        R::Hash(pairs) => Value::Object(
            pairs
                .into_iter()
                .map(|(k, v)| {
                    let key = match k {
                        R::Str(s) => s,
                        other => from_ruby(other).to_string(),
                    };
                    (key, from_ruby(v))
                })
                .collect(),
        ),
        other => Value::String(format!("{other:?}")),
    }
}

#[cfg(test)]
#[path = "custom_tests.rs"]
mod tests;
