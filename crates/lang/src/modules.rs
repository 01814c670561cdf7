//! The modules of an environment as `puppet module list` shows them: each directory on the
//! modulepath with its `metadata.json` name and version (`None` prints as `(???)`).

use std::path::{Path, PathBuf};

/// One installed module.
#[derive(Debug, Clone, PartialEq)]
pub struct ModuleInfo {
    /// The directory name, which is the name Puppet loads the module by.
    pub name: String,
    /// `author-name` from metadata.json.
    pub full_name: Option<String>,
    /// `version` from metadata.json; `None` when there is no readable metadata.
    pub version: Option<String>,
    /// The module's directory.
    pub path: PathBuf,
}

/// The modules in each modulepath directory, in modulepath order, sorted by name within one.
pub fn list(modulepath: &[PathBuf]) -> Vec<(PathBuf, Vec<ModuleInfo>)> {
    modulepath.iter().map(|dir| (dir.clone(), list_dir(dir))).collect()
}

fn list_dir(dir: &Path) -> Vec<ModuleInfo> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut out: Vec<ModuleInfo> = entries
        .flatten()
        .filter(|e| e.path().is_dir())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().to_string();
            // Puppet skips directories whose names are not valid module names.
            if !name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
                || !name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            {
                return None;
            }
            let meta = std::fs::read_to_string(e.path().join("metadata.json"))
                .ok()
                .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok());
            let field = |k: &str| meta.as_ref().and_then(|m| m[k].as_str()).map(String::from);
            Some(ModuleInfo { name, full_name: field("name"), version: field("version"), path: e.path() })
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}
