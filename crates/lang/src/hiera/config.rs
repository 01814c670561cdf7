//! `hiera.yaml` version 5: `defaults`, `hierarchy` and a module's `default_hierarchy`, each level
//! with one of `path`/`paths`/`glob`/`globs`/`mapped_paths` and a `yaml_data` or `json_data` backend.

use std::path::{Path, PathBuf};

use indexmap::IndexMap;

use super::{interpolate, HieraError, VarLookup};
use crate::value::Value;

/// A data backend (`data_hash`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Backend {
    Yaml,
    Json,
}

/// Where a level's data files are, before interpolation.
#[derive(Debug, Clone)]
enum Locations {
    Paths(Vec<String>),
    Globs(Vec<String>),
    /// `[variable, key, template]`: one path per element of an array or hash variable.
    Mapped(String, String, String),
}

/// One hierarchy level.
#[derive(Debug, Clone)]
pub struct Level {
    pub name: String,
    pub datadir: PathBuf,
    pub backend: Backend,
    locations: Locations,
}

/// A parsed `hiera.yaml`.
#[derive(Debug, Clone)]
pub struct Config {
    pub levels: Vec<Level>,
    pub default_levels: Vec<Level>,
}

fn get<'a>(h: &'a IndexMap<Value, Value>, k: &str) -> Option<&'a Value> {
    h.get(&Value::Str(k.to_string()))
}

fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::Array(a) => a.iter().map(Value::to_display_string).collect(),
        other => vec![other.to_display_string()],
    }
}

impl Config {
    /// Puppet's default environment configuration: `data/common.yaml`.
    pub fn environment_default(root: &Path) -> Config {
        Config {
            levels: vec![Level {
                name: "Common".into(),
                datadir: root.join("data"),
                backend: Backend::Yaml,
                locations: Locations::Paths(vec!["common.yaml".into()]),
            }],
            default_levels: Vec::new(),
        }
    }

    /// Parses a `hiera.yaml`; paths are relative to its directory.
    pub fn parse(path: &Path, text: &str) -> Result<Config, HieraError> {
        let at = |m: String| HieraError::new(format!("{m} (file: {})", path.display()));
        let doc = super::yaml::parse(text)
            .map_err(|e| at(format!("{} at line {}, column {}", e.message, e.line, e.column)))?;
        let Some(Value::Hash(doc)) = doc else {
            return Err(at("hiera.yaml is not a hash".into()));
        };
        match get(&doc, "version") {
            Some(Value::Int(5)) => {}
            Some(v) => {
                return Err(at(format!("This runtime does not support hiera.yaml version {v}")));
            }
            None => return Err(at("hiera.yaml has no 'version'".into())),
        }
        let dir = path.parent().unwrap_or(Path::new("."));
        let empty = IndexMap::new();
        let defaults = match get(&doc, "defaults") {
            Some(Value::Hash(h)) => h,
            _ => &empty,
        };
        let levels = |key: &str| -> Result<Vec<Level>, HieraError> {
            let mut out = Vec::new();
            let Some(Value::Array(list)) = get(&doc, key) else { return Ok(out) };
            for entry in list {
                let Value::Hash(h) = entry else { continue };
                let name = get(h, "name").map(Value::to_display_string).unwrap_or_default();
                let pick = |k: &str| get(h, k).or_else(|| get(defaults, k));
                let datadir = pick("datadir").map(Value::to_display_string).unwrap_or_else(|| "data".into());
                let backend = match (pick("data_hash"), pick("lookup_key"), pick("data_dig")) {
                    (Some(Value::Str(b)), _, _) if b == "yaml_data" => Backend::Yaml,
                    (Some(Value::Str(b)), _, _) if b == "json_data" => Backend::Json,
                    (None, None, None) => Backend::Yaml,
                    (b, k, d) => {
                        let what = b.or(k).or(d).map(Value::to_display_string).unwrap_or_default();
                        return Err(at(format!(
                            "Hiera level '{name}' uses the backend '{what}', which Bunraku does not implement"
                        )));
                    }
                };
                let locations = if let Some(p) = get(h, "path") {
                    Locations::Paths(vec![p.to_display_string()])
                } else if let Some(p) = get(h, "paths") {
                    Locations::Paths(strings(p))
                } else if let Some(p) = get(h, "glob") {
                    Locations::Globs(vec![p.to_display_string()])
                } else if let Some(p) = get(h, "globs") {
                    Locations::Globs(strings(p))
                } else if let Some(Value::Array(m)) = get(h, "mapped_paths") {
                    let m: Vec<String> = m.iter().map(Value::to_display_string).collect();
                    match m.as_slice() {
                        [a, b, c] => Locations::Mapped(a.clone(), b.clone(), c.clone()),
                        _ => return Err(at(format!("Hiera level '{name}': mapped_paths needs 3 elements"))),
                    }
                } else if get(h, "uri").is_some() || get(h, "uris").is_some() {
                    continue;
                } else {
                    Locations::Paths(vec![format!("{name}.yaml")])
                };
                out.push(Level { name, datadir: dir.join(datadir), backend, locations });
            }
            Ok(out)
        };
        Ok(Config { levels: levels("hierarchy")?, default_levels: levels("default_hierarchy")? })
    }
}

impl Level {
    /// The level's data files for this node, after interpolation (missing files included: the
    /// caller skips them).
    pub fn paths(&self, vars: &mut VarLookup<'_>) -> Result<Vec<PathBuf>, HieraError> {
        let mut out = Vec::new();
        match &self.locations {
            Locations::Paths(ps) => {
                for p in ps {
                    out.push(self.datadir.join(interpolate::path(p, vars)?));
                }
            }
            Locations::Globs(gs) => {
                for g in gs {
                    let pattern = interpolate::path(g, vars)?;
                    out.extend(glob(&self.datadir, &pattern));
                }
            }
            Locations::Mapped(var, key, template) => {
                let items = match interpolate::variable(var, vars) {
                    Some(Value::Array(a)) => a,
                    Some(Value::Hash(h)) => h.keys().cloned().collect(),
                    Some(Value::Undef) | None => Vec::new(),
                    Some(other) => vec![other],
                };
                for item in items {
                    let mut local = |n: &str| if n == key { Some(item.clone()) } else { vars(n) };
                    out.push(self.datadir.join(interpolate::path(template, &mut local)?));
                }
            }
        }
        Ok(out)
    }
}

/// Files under `dir` matching `pattern` (`*` within a segment, `**` across directories), sorted.
fn glob(dir: &Path, pattern: &str) -> Vec<PathBuf> {
    fn walk(dir: &Path, segs: &[&str], out: &mut Vec<PathBuf>) {
        let Some((first, rest)) = segs.split_first() else { return };
        if *first == "**" {
            walk(dir, rest, out);
            if let Ok(entries) = std::fs::read_dir(dir) {
                for e in entries.flatten() {
                    if e.path().is_dir() {
                        walk(&e.path(), segs, out);
                    }
                }
            }
            return;
        }
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            if !wildcard(first, &name) {
                continue;
            }
            if rest.is_empty() {
                if e.path().is_file() {
                    out.push(e.path());
                }
            } else {
                walk(&e.path(), rest, out);
            }
        }
    }
    let segs: Vec<&str> = pattern.split('/').filter(|s| !s.is_empty()).collect();
    let mut out = Vec::new();
    walk(dir, &segs, &mut out);
    out.sort();
    out.dedup();
    out
}

fn wildcard(pat: &str, name: &str) -> bool {
    match pat.split_once('*') {
        None => pat == name,
        Some((pre, post)) => {
            name.starts_with(pre)
                && name.len() >= pre.len()
                && (0..=name.len() - pre.len())
                    .any(|i| name.is_char_boundary(pre.len() + i) && wildcard(post, &name[pre.len() + i..]))
        }
    }
}
