//! External facts (`facts.d`), as facter 4 reads them: `.txt` (`key=value` lines), `.json`, `.yaml`
//! and `.yml` files, and executables whose output is YAML, JSON or `key=value` lines. The agent adds
//! `$pluginfactdest`, where pluginsync puts the modules' `facts.d`, to the default directories.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use bunraku_model::Value;
use indexmap::IndexMap;

/// The directories facter 4 reads external facts from when run as root.
pub fn default_dirs() -> Vec<PathBuf> {
    ["/etc/puppetlabs/facter/facts.d", "/etc/facter/facts.d", "/opt/puppetlabs/facter/facts.d"]
        .iter()
        .map(PathBuf::from)
        .collect()
}

/// The facts of every file in `dirs` (missing directories are skipped). Files are read in name order
/// and later ones win, as do later directories. Problems are logged and the file skipped, as facter
/// does.
pub fn resolve(dirs: &[PathBuf]) -> IndexMap<String, Value> {
    let mut facts = IndexMap::new();
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(dir) else { continue };
        let mut files: Vec<PathBuf> = entries.flatten().map(|e| e.path()).filter(|p| p.is_file()).collect();
        files.sort();
        for file in files {
            match read_file(&file) {
                Ok(found) => facts.extend(found),
                Err(e) => tracing::warn!("Error loading external facts from {}: {e}", file.display()),
            }
        }
    }
    facts
}

/// The facts of one external fact file, by its kind.
pub fn read_file(path: &Path) -> Result<IndexMap<String, Value>, String> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    let executable = std::fs::metadata(path).map(|m| m.permissions().mode() & 0o111 != 0).unwrap_or(false);
    let text = |p: &Path| std::fs::read_to_string(p).map_err(|e| e.to_string());
    match ext {
        "txt" => Ok(key_values(&text(path)?)),
        "json" => map_of(serde_json::from_str(&text(path)?).map_err(|e| e.to_string())?),
        "yaml" | "yml" => map_of(serde_yaml_ng::from_str(&text(path)?).map_err(|e| e.to_string())?),
        _ if executable => parse_output(&run(path)?),
        _ => Ok(IndexMap::new()),
    }
}

fn map_of(v: Value) -> Result<IndexMap<String, Value>, String> {
    match v {
        Value::Object(m) => Ok(m.into_iter().collect()),
        Value::Null => Ok(IndexMap::new()),
        _ => Err("the file does not hold a map of facts".into()),
    }
}

fn key_values(text: &str) -> IndexMap<String, Value> {
    text.lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), Value::String(v.trim().to_string())))
        .filter(|(k, _)| !k.is_empty())
        .collect()
}

/// An executable's output: YAML (which covers JSON) when it is a map, else `key=value` lines.
pub fn parse_output(out: &str) -> Result<IndexMap<String, Value>, String> {
    if let Ok(Value::Object(m)) = serde_yaml_ng::from_str::<Value>(out) {
        return Ok(m.into_iter().collect());
    }
    Ok(key_values(out))
}

/// Runs an executable fact with facter's default 30-second limit.
fn run(path: &Path) -> Result<String, String> {
    let mut child = std::process::Command::new(path)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    let stdout = child.stdout.take();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        if let Some(mut out) = stdout {
            let _ = std::io::Read::read_to_string(&mut out, &mut s);
        }
        s
    });
    let started = std::time::Instant::now();
    loop {
        match child.try_wait().map_err(|e| e.to_string())? {
            Some(status) if status.success() => {
                return reader.join().map_err(|_| "reader failed".to_string())
            }
            Some(status) => return Err(format!("exited with {status}")),
            None if started.elapsed() > Duration::from_secs(30) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err("timed out after 30 seconds".into());
            }
            None => std::thread::sleep(Duration::from_millis(5)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_kind_of_external_fact() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("a.txt"), "role=web\n# no equals sign is skipped\nempty=\n").unwrap();
        std::fs::write(d.join("b.json"), r#"{"datacenter": {"name": "par1", "rack": 4}}"#).unwrap();
        std::fs::write(d.join("c.yaml"), "owner: ops\nports: [80, 443]\n").unwrap();
        std::fs::write(d.join("d.sh"), "#!/bin/sh\necho exec_fact=yes\necho role=db\n").unwrap();
        std::fs::set_permissions(d.join("d.sh"), std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::write(d.join("e.rb"), "not executable, not a known extension").unwrap();
        std::fs::write(d.join("f.json"), "{broken").unwrap();
        let facts = resolve(&[d.to_path_buf(), d.join("missing")]);
        assert_eq!(
            Value::Object(facts.into_iter().collect()),
            json!({"role": "db", "empty": "", "datacenter": {"name": "par1", "rack": 4},
                   "owner": "ops", "ports": [80, 443], "exec_fact": "yes"})
        );
    }

    #[test]
    fn executable_output_as_yaml_or_json() {
        assert_eq!(parse_output("{\"a\": 1}").unwrap()["a"], json!(1));
        assert_eq!(parse_output("a: [1]\n").unwrap()["a"], json!([1]));
        assert_eq!(parse_output("a=b=c\n").unwrap()["a"], json!("b=c"));
    }
}
