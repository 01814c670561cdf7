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
    use std::os::unix::fs::PermissionsExt;
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
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
    write_atomic(lastrunreport, report.to_yaml().as_bytes(), 0o640)
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
}
