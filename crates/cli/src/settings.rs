//! `puppet.conf`, read as Puppet reads it.
//!
//! Sections `[main]`, `[agent]`, `[server]` (alias `[master]`) and `[user]`; a run mode reads its own
//! section over `[main]`; command-line options win over both. Values refer to other settings with
//! `$name` (`reportdir = $vardir/reports`), resolved after all sources are merged, as Puppet does.
//! Settings Bunraku does not know get a warning, never an error, so existing files keep working.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Which section of `puppet.conf` applies on top of `[main]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunMode {
    Agent,
    Server,
    User,
}

impl RunMode {
    fn sections(self) -> &'static [&'static str] {
        match self {
            RunMode::Agent => &["agent"],
            RunMode::Server => &["server", "master"],
            RunMode::User => &["user"],
        }
    }
}

/// A `puppet.conf` that could not be read, or a setting with a value of the wrong shape.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path}:{line}: {message}")]
    Syntax { path: PathBuf, line: usize, message: String },
    #[error("setting {name}: {message}")]
    Value { name: String, message: String },
}

/// Every setting Bunraku understands, with Puppet 7's default (as a template over other settings).
/// Unknown names in `puppet.conf` are kept (for `$name` references) but warned about.
const DEFAULTS: &[(&str, &str)] = &[
    ("confdir", ""), // filled in by `Settings::load`
    ("codedir", "$confdir/code"),
    ("vardir", ""), // filled in by `Settings::load`
    ("ssldir", "$confdir/ssl"),
    ("cadir", "$ssldir/ca"),
    ("publicdir", "$vardir/public"),
    ("statedir", "$vardir/state"),
    ("client_datadir", "$vardir/client_data"),
    ("lastrunfile", "$publicdir/last_run_summary.yaml"),
    ("lastrunreport", "$statedir/last_run_report.yaml"),
    ("statefile", "$statedir/state.yaml"),
    ("agent_disabled_lockfile", "$statedir/agent_disabled.lock"),
    ("agent_catalog_run_lockfile", "$statedir/agent_catalog_run.lock"),
    ("rundir", "$vardir/run"),
    ("logdir", "$vardir/log"),
    ("libdir", "$vardir/lib"),
    ("pluginfactdest", "$vardir/facts.d"),
    // Custom fact directories the agent hands to facter, besides `$libdir/facter`.
    ("factpath", "$vardir/lib/facter:$vardir/facts"),
    ("environmentpath", "$codedir/environments"),
    ("basemodulepath", "$codedir/modules:/usr/share/puppet/modules"),
    ("environment", "production"),
    ("server", "puppet"),
    ("masterport", "8140"),
    ("serverport", "$masterport"),
    ("ca_server", "$server"),
    ("ca_port", "$serverport"),
    ("report_server", "$server"),
    ("report_port", "$serverport"),
    ("certname", ""), // filled in by `Settings::load`
    ("node_name_value", "$certname"),
    ("dns_alt_names", ""),
    ("runinterval", "30m"),
    ("splay", "false"),
    ("splaylimit", "$runinterval"),
    ("report", "true"),
    ("reports", "store"),
    ("reportdir", "$vardir/reports"),
    ("bucketdir", "$vardir/bucket"),
    ("reporturl", "http://localhost:3000/reports/upload"),
    // Bunraku's own: where the `database` report processor writes, by default the database
    // `bunraku dashboard` uses when given no `--database` (it reads the same vardir).
    ("dashboard_database", "sqlite://$vardir/dashboard.sqlite3"),
    // The master's limits (docs/LIMITS.md). Puppet has none of these in puppet.conf: `idle_timeout`
    // is puppetserver's `idle-timeout-milliseconds`, `max_request_size` its
    // `request-body-max-size`; the others are Bunraku's own.
    ("request_header_timeout", "10s"),
    ("idle_timeout", "30s"),
    ("max_unauthenticated_connections", "256"),
    ("compile_timeout", "2m"),
    // puppetserver's admission control (its `max-queued-requests`, `max-retry-delay`).
    ("max_queued_requests", "0"),
    ("max_retry_delay", "1800"),
    ("max_facts_size", "32m"),
    ("max_report_size", "64m"),
    ("max_filebucket_size", "256m"),
    ("max_request_size", "1m"),
    ("autosign", "$confdir/autosign.conf"),
    ("waitforcert", "2m"),
    ("maxwaitforcert", "unlimited"),
    ("keylength", "4096"),
    ("ca_ttl", "5y"),
    ("ca_name", "Puppet CA: $certname"),
    ("noop", "false"),
    ("usecacheonfailure", "true"),
    ("show_diff", "false"),
    ("pluginsync", "true"),
    ("certificate_revocation", "chain"),
    ("strict_environment_mode", "false"),
    // How the language treats mistakes (Puppet's settings and defaults).
    ("strict_variables", "false"),
    ("strict", "warning"),
    ("use_last_environment", "true"),
    ("listen", "false"),
    ("puppetport", "8139"),
    ("bindaddress", "*"),
    ("rest_authconfig", "$confdir/auth.conf"),
    ("manifest", ""),
    ("modulepath", ""),
    ("daemonize", "true"),
    ("onetime", "false"),
    ("detailed_exitcodes", "false"),
    ("digest_algorithm", "sha256"),
    ("preferred_serialization_format", "json"),
    ("disable_i18n", "true"),
    ("http_keepalive_timeout", "4s"),
    ("log_level", "notice"),
    ("logdest", ""),
    ("tags", ""),
    ("user", "puppet"),
    ("group", "puppet"),
];

/// Resolved settings for one run mode.
#[derive(Debug, Clone)]
pub struct Settings {
    values: HashMap<String, String>,
}

/// Where `puppet.conf` lives when `--confdir` is not given: Debian's packaged Puppet uses
/// `/etc/puppet` for root; other users get `~/.puppetlabs/etc/puppet` as with Puppet.
pub fn default_confdir() -> PathBuf {
    if nix::unistd::geteuid().is_root() {
        PathBuf::from("/etc/puppet")
    } else {
        home().join(".puppetlabs/etc/puppet")
    }
}

fn default_vardir(mode: RunMode) -> PathBuf {
    if nix::unistd::geteuid().is_root() {
        match mode {
            RunMode::Server => PathBuf::from("/var/lib/puppetserver"),
            _ => PathBuf::from("/var/cache/puppet"),
        }
    } else {
        home().join(".puppetlabs/opt/puppet/cache")
    }
}

/// Puppet 7's `cadir` when none is set: `$ssldir/ca` where a CA already lives there (followed if it
/// is a link), else puppetserver's own directory if it holds a CA (Debian's puppetserver uses
/// `/etc/puppet/puppetserver/ca`, that is `$confdir/puppetserver/ca` for the packaged confdir), else
/// `$ssldir/ca` for a new CA. So `bunraku master` on an existing puppetserver's confdir finds its CA
/// instead of creating a second one.
fn default_cadir(ssldir: &Path, confdir: &Path) -> PathBuf {
    let old = ssldir.join("ca");
    if let Ok(meta) = std::fs::symlink_metadata(&old) {
        if meta.file_type().is_symlink() {
            if let Ok(target) = std::fs::read_link(&old) {
                return ssldir.join(target);
            }
        }
        return old;
    }
    let puppetserver = confdir.join("puppetserver/ca");
    if puppetserver.join("ca_crt.pem").exists() {
        return puppetserver;
    }
    old
}

fn home() -> PathBuf {
    std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("/"))
}

fn default_certname() -> String {
    let host = nix::unistd::gethostname().ok().and_then(|h| h.into_string().ok()).unwrap_or_default();
    let fqdn = if host.contains('.') {
        host
    } else {
        // Facter's fqdn: hostname + the domain from resolv.conf when there is one.
        let domain = std::fs::read_to_string("/etc/resolv.conf").ok().and_then(|text| {
            text.lines().find_map(|l| {
                let mut words = l.split_whitespace();
                match words.next() {
                    Some("domain") | Some("search") => words.next().map(str::to_string),
                    _ => None,
                }
            })
        });
        match domain {
            Some(d) if !host.is_empty() => format!("{host}.{d}"),
            _ => host,
        }
    };
    fqdn.to_lowercase()
}

/// Parses the text of a `puppet.conf` into `(section, name, value, line)` entries.
fn parse(path: &Path, text: &str) -> Result<Vec<(String, String, String, usize)>, SettingsError> {
    let mut section = "main".to_string();
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(rest) = line.strip_prefix('[') {
            let name = rest.strip_suffix(']').ok_or_else(|| SettingsError::Syntax {
                path: path.to_path_buf(),
                line: i + 1,
                message: format!("section header '{line}' lacks its closing ']'"),
            })?;
            section = name.trim().to_string();
            continue;
        }
        let Some((name, value)) = line.split_once('=') else {
            return Err(SettingsError::Syntax {
                path: path.to_path_buf(),
                line: i + 1,
                message: format!("expected 'name = value', found '{line}'"),
            });
        };
        // Puppet allows trailing `{owner = x, mode = y}` metadata on path settings; ignore it.
        let value = value.trim();
        let value = match value.rfind(" {") {
            Some(pos) if value.ends_with('}') => value[..pos].trim(),
            _ => value,
        };
        out.push((section.clone(), name.trim().to_string(), value.to_string(), i + 1));
    }
    Ok(out)
}

impl Settings {
    /// Reads `<confdir>/puppet.conf` (a missing file is fine) for `mode`, with `overrides` from the
    /// command line taking precedence.
    pub fn load(
        confdir: Option<&Path>,
        mode: RunMode,
        overrides: &[(&str, String)],
    ) -> Result<Settings, SettingsError> {
        let confdir = confdir.map(Path::to_path_buf).unwrap_or_else(default_confdir);
        let confdir = std::path::absolute(&confdir).unwrap_or(confdir);
        let mut raw: HashMap<String, String> =
            DEFAULTS.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        raw.insert("confdir".into(), confdir.display().to_string());
        raw.insert("vardir".into(), default_vardir(mode).display().to_string());
        raw.insert("certname".into(), default_certname());

        let path = confdir.join("puppet.conf");
        let mut cadir_set = overrides.iter().any(|(name, _)| *name == "cadir");
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let entries = parse(&path, &text)?;
                let wanted = mode.sections();
                // `[main]` first, then the run mode's own section, so the latter wins.
                for pass in 0..2 {
                    for (section, name, value, line) in &entries {
                        let applies =
                            if pass == 0 { section == "main" } else { wanted.contains(&section.as_str()) };
                        if !applies {
                            continue;
                        }
                        cadir_set |= name == "cadir";
                        if !raw.contains_key(name) {
                            tracing::warn!("{}:{line}: unknown setting '{name}' (ignored)", path.display());
                        }
                        raw.insert(name.clone(), value.clone());
                    }
                }
                for (section, _, _, line) in &entries {
                    if !["main", "agent", "server", "master", "user"].contains(&section.as_str()) {
                        tracing::warn!("{}:{line}: unknown section [{section}] (ignored)", path.display());
                    }
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => return Err(SettingsError::Io { path, source }),
        }
        for (name, value) in overrides {
            raw.insert(name.to_string(), value.clone());
        }
        // `serverport` is an alias: a configured `serverport` wins over the default `$masterport`.
        let mut values = resolve(&raw)?;
        if !cadir_set {
            let cadir = default_cadir(Path::new(&values["ssldir"]), &confdir);
            values.insert("cadir".into(), cadir.display().to_string());
        }
        Ok(Settings { values })
    }

    /// A setting's resolved text.
    pub fn get(&self, name: &str) -> &str {
        self.values.get(name).map(String::as_str).unwrap_or("")
    }

    pub fn path(&self, name: &str) -> PathBuf {
        PathBuf::from(self.get(name))
    }

    /// `strict_variables` and `strict` (off, warning or error), as the compiler takes them.
    pub fn language(&self) -> Result<bunraku_lang::LanguageSettings, SettingsError> {
        let strict = match self.get("strict") {
            "off" => bunraku_lang::Strict::Off,
            "warning" => bunraku_lang::Strict::Warning,
            "error" => bunraku_lang::Strict::Error,
            other => {
                return Err(SettingsError::Value {
                    name: "strict".into(),
                    message: format!("'{other}' is not one of off, warning, error"),
                })
            }
        };
        Ok(bunraku_lang::LanguageSettings { strict_variables: self.bool("strict_variables")?, strict })
    }

    pub fn bool(&self, name: &str) -> Result<bool, SettingsError> {
        match self.get(name) {
            "true" | "yes" | "on" => Ok(true),
            "false" | "no" | "off" | "" => Ok(false),
            other => Err(SettingsError::Value {
                name: name.into(),
                message: format!("'{other}' is not a boolean"),
            }),
        }
    }

    pub fn u32(&self, name: &str) -> Result<u32, SettingsError> {
        self.get(name).parse().map_err(|_| SettingsError::Value {
            name: name.into(),
            message: format!("'{}' is not a number", self.get(name)),
        })
    }

    /// A duration setting (`30m`, `2h`, `5y`, plain seconds), as Puppet reads them.
    pub fn duration(&self, name: &str) -> Result<Duration, SettingsError> {
        parse_duration(self.get(name)).ok_or_else(|| SettingsError::Value {
            name: name.into(),
            message: format!("'{}' is not a duration", self.get(name)),
        })
    }

    /// A duration setting where `0` or `unlimited` means no limit (`None`).
    pub fn optional_duration(&self, name: &str) -> Result<Option<Duration>, SettingsError> {
        match self.get(name) {
            "unlimited" | "0" => Ok(None),
            _ => self.duration(name).map(Some),
        }
    }

    /// A size in bytes: a number with an optional `k`, `m` or `g` suffix (binary multiples).
    pub fn size(&self, name: &str) -> Result<usize, SettingsError> {
        parse_size(self.get(name)).ok_or_else(|| SettingsError::Value {
            name: name.into(),
            message: format!("'{}' is not a size (a number of bytes, or with k, m or g)", self.get(name)),
        })
    }

    /// A comma-separated list setting (`reports = store, http`).
    pub fn list(&self, name: &str) -> Vec<String> {
        self.get(name).split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
    }

    /// A colon-separated path list (`basemodulepath`).
    pub fn path_list(&self, name: &str) -> Vec<PathBuf> {
        self.get(name).split(':').filter(|s| !s.is_empty()).map(PathBuf::from).collect()
    }
}

/// `30m` → 1800 s. Units as Puppet's: s, m, h, d, y; no unit means seconds.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    let (num, unit) = match text.find(|c: char| !c.is_ascii_digit()) {
        Some(pos) => text.split_at(pos),
        None => (text, "s"),
    };
    let n: u64 = num.parse().ok()?;
    let secs = match unit {
        "s" | "" => n,
        "m" => n * 60,
        "h" => n * 3600,
        "d" => n * 86400,
        "y" => n * 365 * 86400,
        _ => return None,
    };
    Some(Duration::from_secs(secs))
}

/// `16m` → 16 MiB; `512k`, `1g`, or plain bytes.
pub fn parse_size(text: &str) -> Option<usize> {
    let text = text.trim().to_ascii_lowercase();
    let shift = match text.chars().last() {
        Some('k') => 10,
        Some('m') => 20,
        Some('g') => 30,
        _ => 0,
    };
    let num = if shift == 0 { text.as_str() } else { &text[..text.len() - 1] };
    num.trim().parse::<usize>().ok()?.checked_mul(1usize << shift)
}

/// Expands `$name` and `${name}` references until none are left.
fn resolve(raw: &HashMap<String, String>) -> Result<HashMap<String, String>, SettingsError> {
    fn expand(
        name: &str,
        raw: &HashMap<String, String>,
        done: &mut HashMap<String, String>,
        stack: &mut Vec<String>,
    ) -> Result<String, SettingsError> {
        if let Some(v) = done.get(name) {
            return Ok(v.clone());
        }
        if stack.iter().any(|s| s == name) {
            return Err(SettingsError::Value {
                name: name.into(),
                message: format!("refers to itself through {}", stack.join(" → ")),
            });
        }
        stack.push(name.to_string());
        let text = raw.get(name).cloned().unwrap_or_default();
        let mut out = String::new();
        let mut rest = text.as_str();
        while let Some(pos) = rest.find('$') {
            out.push_str(&rest[..pos]);
            let after = &rest[pos + 1..];
            let (var, tail) = if let Some(inner) = after.strip_prefix('{') {
                match inner.find('}') {
                    Some(end) => (&inner[..end], &inner[end + 1..]),
                    None => ("", after),
                }
            } else {
                let end =
                    after.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(after.len());
                (&after[..end], &after[end..])
            };
            if var.is_empty() || !raw.contains_key(var) {
                out.push('$');
                rest = after;
                continue;
            }
            out.push_str(&expand(var, raw, done, stack)?);
            rest = tail;
        }
        out.push_str(rest);
        stack.pop();
        done.insert(name.to_string(), out.clone());
        Ok(out)
    }
    let mut done = HashMap::new();
    for name in raw.keys() {
        expand(name, raw, &mut done, &mut Vec::new())?;
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_interpolation_and_overrides() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("puppet.conf"),
            "# comment\n[main]\nvardir = /v\nserver = node1.example.com\nfrobnicate = 1\n\
             [master]\nreports = store, http\nreportdir = $vardir/r {owner = service}\n[agent]\nserver = other\n",
        )
        .unwrap();
        let s = Settings::load(Some(dir.path()), RunMode::Server, &[("certname", "m.example.com".into())])
            .unwrap();
        assert_eq!(s.get("server"), "node1.example.com");
        assert_eq!(s.list("reports"), vec!["store", "http"]);
        assert_eq!(s.get("reportdir"), "/v/r");
        assert_eq!(s.get("ca_name"), "Puppet CA: m.example.com");
        assert_eq!(s.path("ssldir"), dir.path().join("ssl"));
        assert_eq!(s.get("cadir"), format!("{}/ssl/ca", dir.path().display()));
        let a = Settings::load(Some(dir.path()), RunMode::Agent, &[]).unwrap();
        assert_eq!(a.get("server"), "other");
        assert_eq!(a.get("serverport"), "8140");
        assert_eq!(a.duration("runinterval").unwrap(), Duration::from_secs(1800));
    }

    /// As Puppet 7 on Debian: an existing `$ssldir/ca` wins, then puppetserver's CA, else a new
    /// `$ssldir/ca`; a `cadir` in puppet.conf always wins.
    #[test]
    fn cadir_defaults_to_an_existing_ca() {
        let dir = tempfile::tempdir().unwrap();
        let load = || Settings::load(Some(dir.path()), RunMode::Server, &[]).unwrap();
        assert_eq!(load().path("cadir"), dir.path().join("ssl/ca"));
        std::fs::create_dir_all(dir.path().join("puppetserver/ca")).unwrap();
        assert_eq!(load().path("cadir"), dir.path().join("ssl/ca"), "an empty directory is no CA");
        std::fs::write(dir.path().join("puppetserver/ca/ca_crt.pem"), "").unwrap();
        assert_eq!(load().path("cadir"), dir.path().join("puppetserver/ca"));
        std::fs::create_dir_all(dir.path().join("ssl/ca")).unwrap();
        assert_eq!(load().path("cadir"), dir.path().join("ssl/ca"));
        std::fs::write(dir.path().join("puppet.conf"), "[server]\ncadir = /srv/ca\n").unwrap();
        assert_eq!(load().path("cadir"), PathBuf::from("/srv/ca"));
    }

    #[test]
    fn bad_lines_name_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("puppet.conf"), "[main]\nserver\n").unwrap();
        let err = Settings::load(Some(dir.path()), RunMode::Agent, &[]).unwrap_err().to_string();
        assert!(err.ends_with("puppet.conf:2: expected 'name = value', found 'server'"), "{err}");
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("5y"), Some(Duration::from_secs(5 * 365 * 86400)));
        assert_eq!(parse_duration("120"), Some(Duration::from_secs(120)));
        assert_eq!(parse_duration("2x"), None);
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("16m"), Some(16 << 20));
        assert_eq!(parse_size("512K"), Some(512 << 10));
        assert_eq!(parse_size("1g"), Some(1 << 30));
        assert_eq!(parse_size("100"), Some(100));
        assert_eq!(parse_size("m"), None);
        assert_eq!(parse_size("1t"), None);
    }
}
