//! What the agent keeps between runs, where Puppet keeps it: the cached catalog
//! (`$client_datadir/catalog/<certname>.json`), `last_run_summary.yaml`, `last_run_report.yaml`.
//! Every write is atomic (a temporary file in the same directory, then a rename), so a crash never
//! leaves half a catalog for `usecacheonfailure` to trip over.

use std::io::Write;
use std::path::{Path, PathBuf};

use bunraku_model::{Catalog, Report, Value};
use indexmap::IndexMap;

/// Writes `bytes` to `path` atomically, creating the parent directory.
pub fn write_atomic(path: &Path, bytes: &[u8], mode: u32) -> std::io::Result<()> {
    write_atomic_with(path, mode, |w| w.write_all(bytes))
}

/// [`write_atomic`] of what `write` produces, streamed through a buffer into the temporary file.
pub fn write_atomic_with(
    path: &Path,
    mode: u32,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    {
        let mut buf = std::io::BufWriter::with_capacity(64 * 1024, tmp.as_file_mut());
        write(&mut buf)?;
        buf.flush()?;
    }
    tmp.as_file().sync_all()?;
    tmp.as_file().set_permissions(std::fs::Permissions::from_mode(mode))?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// The cached catalog of `certname` under `client_datadir`.
pub fn cached_catalog_path(client_datadir: &Path, certname: &str) -> PathBuf {
    client_datadir.join("catalog").join(format!("{certname}.json"))
}

/// Saves the catalog just received ("Caching catalog for …").
pub fn save_catalog(client_datadir: &Path, catalog: &Catalog) -> std::io::Result<()> {
    write_atomic(&cached_catalog_path(client_datadir, &catalog.name), catalog.to_json().as_bytes(), 0o640)
}

/// The last cached catalog, if there is a readable one.
pub fn load_catalog(client_datadir: &Path, certname: &str) -> Result<Catalog, String> {
    let path = cached_catalog_path(client_datadir, certname);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    Catalog::from_json(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// `last_run_summary.yaml` as Puppet writes it: version, application, and the report's metrics flattened.
pub fn summary_yaml(report: &Report, run_mode: &str) -> String {
    let mut doc: IndexMap<String, Value> = IndexMap::new();
    doc.insert(
        "version".into(),
        serde_json::json!({"config": report.configuration_version, "puppet": report.puppet_version}),
    );
    doc.insert(
        "application".into(),
        serde_json::json!({"run_mode": run_mode, "initial_environment": report.environment,
                           "converged_environment": report.environment}),
    );
    for category in ["resources", "time", "changes", "events"] {
        let mut values: IndexMap<String, Value> = IndexMap::new();
        if let Some(metric) = report.metrics.get(category) {
            let mut sorted = metric.values.clone();
            sorted.sort_by(|a, b| a.0.cmp(&b.0));
            for (name, _, value) in sorted {
                values.insert(name, value);
            }
        }
        if category == "time" {
            values.insert("last_run".into(), Value::from(chrono::Utc::now().timestamp()));
        }
        doc.insert(category.into(), serde_json::to_value(values).unwrap_or_default());
    }
    format!("---\n{}", serde_yaml_ng::to_string(&doc).unwrap_or_default())
}

/// Writes `last_run_summary.yaml` (world-readable, as Puppet's publicdir file is) and
/// `last_run_report.yaml`.
pub fn save_run_files(lastrunfile: &Path, lastrunreport: &Path, report: &Report) -> std::io::Result<()> {
    save_run_files_as(lastrunfile, lastrunreport, report, "agent")
}

/// [`save_run_files`] for another run mode (`puppet apply` records `user`).
pub fn save_run_files_as(
    lastrunfile: &Path,
    lastrunreport: &Path,
    report: &Report,
    run_mode: &str,
) -> std::io::Result<()> {
    write_atomic(lastrunfile, summary_yaml(report, run_mode).as_bytes(), 0o644)?;
    write_atomic_with(lastrunreport, 0o640, |w| report.write_yaml(w))
}

/// Puppet's `state.yaml` (`statefile`): per-resource facts kept between runs, by resource reference —
/// when it was last `:checked` (evaluated, which `schedule` periods count from), last `:synced`
/// (changed), and the last recorded value of each property it `audit`s (`:mode`, `:owner`…). Read and written in Puppet's own format, so either tool can pick up the other's file:
///
/// ```yaml
/// ---
/// File[/etc/motd]:
///   :checked: 2026-11-27 09:04:17.562892433 +00:00
///   :synced: 2026-11-27 09:04:17.587394450 +00:00
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResourceStates {
    /// Resource reference → key (with Puppet's symbol colon, `:checked`) → value.
    entries: IndexMap<String, IndexMap<String, StateValue>>,
}

/// One value in `state.yaml`.
#[derive(Debug, Clone, PartialEq)]
pub enum StateValue {
    /// A Ruby `Time`.
    Time(chrono::DateTime<chrono::FixedOffset>),
    /// A Ruby symbol (`:absent`), with its colon.
    Symbol(String),
    /// A Ruby integer (an audited `:owner`'s uid).
    Integer(i64),
    /// Ruby's `nil` (an audited `:content` of a directory), written as an empty value.
    Nil,
    /// Anything else, as text.
    Text(String),
}

/// Puppet's default `statettl`: entries not checked for 32 days are dropped when the file is stored.
pub const STATE_TTL: chrono::Duration = chrono::Duration::days(32);

const TIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S%.9f %:z";

impl ResourceStates {
    /// Reads a state file; a missing file is an empty state. An unreadable one is renamed to
    /// `<file>.bad`, as Puppet does, and the error says so.
    pub fn load(path: &Path) -> Result<ResourceStates, String> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(ResourceStates::default()),
            Err(e) => return Err(format!("Could not read {}: {e}", path.display())),
        };
        match ResourceStates::parse(&text) {
            Ok(states) => Ok(states),
            Err(detail) => {
                let bad = path.with_file_name(format!(
                    "{}.bad",
                    path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default()
                ));
                let _ = std::fs::rename(path, &bad);
                Err(format!("Checksumfile {} is corrupt ({detail}); replacing", path.display()))
            }
        }
    }

    /// Parses the YAML of a state file.
    pub fn parse(text: &str) -> Result<ResourceStates, String> {
        let doc: serde_yaml_ng::Value = serde_yaml_ng::from_str(text).map_err(|e| e.to_string())?;
        let mut entries = IndexMap::new();
        let map = match doc {
            serde_yaml_ng::Value::Mapping(map) => map,
            serde_yaml_ng::Value::Null => return Ok(ResourceStates::default()),
            _ => return Err("State got corrupted".into()),
        };
        for (key, values) in map {
            let Some(key) = yaml_text(&key) else { continue };
            let mut fields = IndexMap::new();
            if let serde_yaml_ng::Value::Mapping(values) = values {
                for (name, value) in values {
                    let Some(name) = yaml_text(&name) else { continue };
                    let integer = match &value {
                        serde_yaml_ng::Value::Number(n) => n.as_i64(),
                        _ => None,
                    };
                    if let Some(i) = integer {
                        fields.insert(name, StateValue::Integer(i));
                        continue;
                    }
                    if value.is_null() {
                        fields.insert(name, StateValue::Nil);
                        continue;
                    }
                    let Some(text) = yaml_text(&value) else { continue };
                    let value = match chrono::DateTime::parse_from_str(&text, TIME_FORMAT) {
                        Ok(time) => StateValue::Time(time),
                        Err(_) if text.starts_with(':') => StateValue::Symbol(text),
                        Err(_) => StateValue::Text(text),
                    };
                    fields.insert(name, value);
                }
            }
            entries.insert(key, fields);
        }
        Ok(ResourceStates { entries })
    }

    /// When the resource was last checked (evaluated), if ever.
    pub fn checked(&self, reference: &str) -> Option<chrono::DateTime<chrono::FixedOffset>> {
        match self.entries.get(reference)?.get(":checked")? {
            StateValue::Time(t) => Some(*t),
            _ => None,
        }
    }

    /// A value of a resource (`":synced"`, `":checked"`, an audited `":mode"`…).
    pub fn get(&self, reference: &str, key: &str) -> Option<&StateValue> {
        self.entries.get(reference)?.get(key)
    }

    /// Records a value of a resource (an audited property's, as `":mode"`).
    pub fn set(&mut self, reference: &str, key: &str, value: StateValue) {
        self.entries.entry(reference.to_string()).or_default().insert(key.to_string(), value);
    }

    /// Records a time for a resource (`":checked"`, `":synced"`).
    pub fn set_time(&mut self, reference: &str, key: &str, time: chrono::DateTime<chrono::Local>) {
        let entry = self.entries.entry(reference.to_string()).or_default();
        entry.insert(key.to_string(), StateValue::Time(time.fixed_offset()));
    }

    /// Drops the entries not checked since `cutoff` (Puppet's `statettl` pruning).
    pub fn prune(&mut self, cutoff: chrono::DateTime<chrono::Local>) {
        self.entries.retain(|_, fields| match fields.get(":checked") {
            Some(StateValue::Time(t)) => *t >= cutoff,
            _ => true,
        });
    }

    /// The file's text, as Ruby's YAML writes Puppet's state hash.
    pub fn to_yaml(&self) -> String {
        let mut out = String::from("---\n");
        if self.entries.is_empty() {
            return "--- {}\n".to_string();
        }
        for (key, fields) in &self.entries {
            if fields.is_empty() {
                out.push_str(&format!("{}: {{}}\n", yaml_key(key)));
                continue;
            }
            out.push_str(&format!("{}:\n", yaml_key(key)));
            for (name, value) in fields {
                let value = match value {
                    StateValue::Time(t) => t.format(TIME_FORMAT).to_string(),
                    StateValue::Symbol(s) => yaml_key(s),
                    StateValue::Integer(i) => i.to_string(),
                    StateValue::Nil => {
                        out.push_str(&format!("  {}:\n", yaml_key(name)));
                        continue;
                    }
                    StateValue::Text(s) => serde_json::to_string(s).unwrap_or_default(),
                };
                out.push_str(&format!("  {}: {value}\n", yaml_key(name)));
            }
        }
        out
    }

    /// Writes the state file (atomically, mode 0660 as Puppet's `statefile`), pruned of old entries.
    pub fn save(&mut self, path: &Path) -> std::io::Result<()> {
        self.prune(chrono::Local::now() - STATE_TTL);
        write_atomic(path, self.to_yaml().as_bytes(), 0o660)
    }
}

fn yaml_text(v: &serde_yaml_ng::Value) -> Option<String> {
    match v {
        serde_yaml_ng::Value::String(s) => Some(s.clone()),
        serde_yaml_ng::Value::Number(n) => Some(n.to_string()),
        serde_yaml_ng::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A mapping key or symbol as YAML: plain when a YAML reader takes it back as the same string (as
/// `File[/x]` or `:checked`), double-quoted otherwise.
fn yaml_key(key: &str) -> String {
    let first_ok =
        key.chars().next().is_some_and(|c| c.is_alphanumeric() || c == '/' || c == ':' || c == '_');
    let plain = first_ok
        && !key.ends_with(':')
        && !key.ends_with(' ')
        && !key.contains(": ")
        && !key.contains(" #")
        && !key.contains(['\n', '\t', '"', '\\'])
        && !matches!(key, "true" | "false" | "yes" | "no" | "null" | "~" | "on" | "off")
        && key.parse::<f64>().is_err();
    if plain {
        key.to_string()
    } else {
        serde_json::to_string(key).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_cache_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let cat = Catalog::from_json(r#"{"tags":[],"name":"n1","version":1,"code_id":null,"catalog_uuid":"u","catalog_format":2,"environment":"production","resources":[],"edges":[],"classes":[]}"#).unwrap();
        save_catalog(dir.path(), &cat).unwrap();
        assert_eq!(load_catalog(dir.path(), "n1").unwrap(), cat);
        assert!(load_catalog(dir.path(), "n2").is_err());
    }

    #[test]
    fn state_yaml_reads_puppets_file_and_writes_the_same_form() {
        // Written by `puppet apply` 7.23 on this machine (abridged).
        let puppet = "---\nFile[/tmp/pstate-probe-b]:\n  :checked: 2026-11-27 09:06:06.746293852 +00:00\n  :mode: '0644'\n  :content: \"{sha256}3bb2\"\n  :owner: 0\n  :checksum_value:\n  :synced: 2026-11-27 09:04:17.591343574 +00:00\nNotify[hi]:\n  :checked: 2026-11-27 09:04:17.591721897 +00:00\n  :ensure: :absent\nSchedule[puppet]:\n  :checked: 2026-11-27 09:06:06.798933993 +00:00\n";
        let states = ResourceStates::parse(puppet).unwrap();
        let checked = states.checked("Notify[hi]").unwrap();
        assert_eq!(
            checked.to_rfc3339_opts(chrono::SecondsFormat::Nanos, false),
            "2026-11-27T09:04:17.591721897+00:00"
        );
        assert_eq!(states.get("File[/tmp/pstate-probe-b]", ":mode"), Some(&StateValue::Text("0644".into())));
        assert_eq!(states.get("Notify[hi]", ":ensure"), Some(&StateValue::Symbol(":absent".into())));
        // Audited values keep their Ruby types: an integer uid, nil.
        assert_eq!(states.get("File[/tmp/pstate-probe-b]", ":owner"), Some(&StateValue::Integer(0)));
        assert_eq!(states.get("File[/tmp/pstate-probe-b]", ":checksum_value"), Some(&StateValue::Nil));
        let written = states.to_yaml();
        assert!(written.starts_with("---\nFile[/tmp/pstate-probe-b]:\n  :checked: 2026-11-27 09:06:06.746293852 +00:00\n  :mode: \"0644\"\n  :content: \"{sha256}3bb2\"\n  :owner: 0\n  :checksum_value:\n"), "{written}");
        assert!(
            written.contains(
                "Notify[hi]:\n  :checked: 2026-11-27 09:04:17.591721897 +00:00\n  :ensure: :absent\n"
            ),
            "{written}"
        );
        assert_eq!(ResourceStates::parse(&written).unwrap(), states);
        // Keys YAML would misread are quoted, and come back the same.
        let mut odd = ResourceStates::default();
        let now = chrono::Local::now();
        for key in ["File[/a: b]", "Exec[echo #x]", "Notify[true]", "[x]"] {
            odd.set_time(key, ":checked", now);
        }
        let back = ResourceStates::parse(&odd.to_yaml()).unwrap();
        assert_eq!(back.entries.keys().collect::<Vec<_>>(), odd.entries.keys().collect::<Vec<_>>());
        // Pruning drops what was not checked within the ttl.
        let mut old = states.clone();
        old.prune(chrono::Local::now());
        assert!(old.entries.is_empty());
        // A corrupt file is moved aside and the run starts from nothing.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.yaml");
        std::fs::write(&path, "File[x]: [unclosed").unwrap();
        let err = ResourceStates::load(&path).unwrap_err();
        assert!(err.contains("is corrupt"), "{err}");
        assert!(dir.path().join("state.yaml.bad").exists());
        assert_eq!(ResourceStates::load(&path).unwrap(), ResourceStates::default());
    }
}
