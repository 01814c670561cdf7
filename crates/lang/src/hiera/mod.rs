//! Hiera 5 as Puppet 7 runs it inside a compile: the environment layer (`<env>/hiera.yaml`, or
//! Puppet's default of `data/common.yaml`), then the module layer (`<module>/hiera.yaml`, which
//! answers only keys in its own namespace), the yaml and json backends, `%{…}` interpolation,
//! `lookup_options` and the merge strategies.
//!
//! The engine reads files but has no other state than caches, so a compile stays a pure function
//! of code, facts and data. Variables for interpolation come from the caller (the compiler's scope).

mod config;
pub mod interpolate;
pub mod merge;
pub mod yaml;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::value::Value;
pub use config::{Backend, Config, Level};
pub use merge::Merge;

/// Looks variables up for interpolation: `facts`, `trusted`, `::osfamily` (without the `::`).
pub type VarLookup<'a> = dyn FnMut(&str) -> Option<Value> + 'a;

/// A lookup failure: bad configuration, unreadable data, a bad merge or interpolation.
#[derive(Debug, Clone, PartialEq)]
pub struct HieraError {
    pub message: String,
}

impl HieraError {
    fn new(message: impl Into<String>) -> HieraError {
        HieraError { message: message.into() }
    }
}

impl std::fmt::Display for HieraError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// The Hiera layers of one environment, with configurations and data files cached.
#[derive(Debug, Default)]
pub struct Hiera {
    env_root: Option<PathBuf>,
    modulepath: Vec<PathBuf>,
    configs: HashMap<PathBuf, Option<Arc<Config>>>,
    data: HashMap<PathBuf, Arc<Value>>,
    /// Module directories by name, found once (every class parameter asks its module's layer).
    module_dirs: std::cell::RefCell<HashMap<String, Option<PathBuf>>>,
    /// Keys being looked up, to stop `%{lookup('a')}` cycles.
    in_progress: Vec<String>,
}

/// Which layer a lookup searches.
#[derive(Clone, Copy, PartialEq)]
enum Layer<'m> {
    Environment,
    Module(&'m str),
}

impl Hiera {
    /// The layers of the environment at `env_root` (None: no environment layer) with `modulepath`.
    pub fn new(env_root: Option<PathBuf>, modulepath: Vec<PathBuf>) -> Hiera {
        Hiera { env_root, modulepath, ..Hiera::default() }
    }

    /// Looks `key` up with the merge from the argument, else from `lookup_options`, else `first`.
    /// `Ok(None)`: not found anywhere.
    pub fn lookup(
        &mut self,
        key: &str,
        merge: Option<&Merge>,
        vars: &mut VarLookup<'_>,
    ) -> Result<Option<Value>, HieraError> {
        let key = key.trim_start_matches("::");
        if self.in_progress.iter().any(|k| k == key) {
            return Err(HieraError::new(format!(
                "Recursive lookup detected in [{}]",
                self.in_progress.join(", ")
            )));
        }
        self.in_progress.push(key.to_string());
        let r = self.lookup_inner(key, merge, vars);
        self.in_progress.pop();
        r
    }

    fn lookup_inner(
        &mut self,
        key: &str,
        merge: Option<&Merge>,
        vars: &mut VarLookup<'_>,
    ) -> Result<Option<Value>, HieraError> {
        let (root, rest) = split_key(key);
        let module = root.split_once("::").map(|(m, _)| m.to_string());
        let options =
            if root == "lookup_options" { None } else { self.options_for(root, module.as_deref(), vars)? };
        let merge = match merge {
            Some(m) => m.clone(),
            None => match options.as_ref().and_then(|o| o.get(&Value::Str("merge".into()))) {
                Some(v) => Merge::from_value(v).map_err(HieraError::new)?,
                None => Merge::First,
            },
        };
        let mut found = Vec::new();
        let layers: Vec<Layer> = match &module {
            Some(m) => vec![Layer::Environment, Layer::Module(m)],
            None => vec![Layer::Environment],
        };
        for layer in layers {
            self.search_layer(layer, root, &merge, vars, &mut found)?;
            if merge == Merge::First && !found.is_empty() {
                break;
            }
        }
        if found.is_empty() {
            return Ok(None);
        }
        let mut value = merge.combine(found).map_err(HieraError::new)?;
        for seg in &rest {
            value = match value {
                Value::Hash(h) => match h.get(&Value::Str(seg.clone())) {
                    Some(v) => v.clone(),
                    None => return Ok(None),
                },
                Value::Array(a) => match seg.parse::<usize>().ok().and_then(|i| a.get(i)) {
                    Some(v) => v.clone(),
                    None => return Ok(None),
                },
                _ => return Ok(None),
            };
        }
        Ok(Some(value))
    }

    /// The `lookup_options` entry for `key` (exact name, else the first matching `^regex` key),
    /// from the environment layer over the module layer.
    fn options_for(
        &mut self,
        key: &str,
        module: Option<&str>,
        vars: &mut VarLookup<'_>,
    ) -> Result<Option<indexmap::IndexMap<Value, Value>>, HieraError> {
        let mut found = Vec::new();
        self.search_layer(Layer::Environment, "lookup_options", &Merge::Hash, vars, &mut found)?;
        if let Some(m) = module {
            self.search_layer(Layer::Module(m), "lookup_options", &Merge::Hash, vars, &mut found)?;
        }
        if found.is_empty() {
            return Ok(None);
        }
        let Value::Hash(all) =
            Merge::Deep { merge_hash_arrays: false }.combine(found).map_err(HieraError::new)?
        else {
            return Ok(None);
        };
        if let Some(Value::Hash(h)) = all.get(&Value::Str(key.into())) {
            return Ok(Some(h.clone()));
        }
        for (k, v) in &all {
            let (Value::Str(pat), Value::Hash(h)) = (k, v) else { continue };
            if pat.starts_with('^') {
                if let Ok(re) = regex::Regex::new(pat) {
                    if re.is_match(key) {
                        return Ok(Some(h.clone()));
                    }
                }
            }
        }
        Ok(None)
    }

    /// Appends the values of `key` found in one layer's hierarchy (the `default_hierarchy` too
    /// when the regular one has none), interpolated, highest priority first.
    fn search_layer(
        &mut self,
        layer: Layer<'_>,
        key: &str,
        merge: &Merge,
        vars: &mut VarLookup<'_>,
        found: &mut Vec<Value>,
    ) -> Result<(), HieraError> {
        let config = match layer {
            Layer::Environment => match self.env_root.clone() {
                Some(root) => {
                    let path = root.join("hiera.yaml");
                    match self.config(&path)? {
                        Some(c) => c,
                        None => Arc::new(Config::environment_default(&root)),
                    }
                }
                None => return Ok(()),
            },
            Layer::Module(m) => {
                let Some(dir) = self.module_dir(m) else { return Ok(()) };
                match self.config(&dir.join("hiera.yaml"))? {
                    Some(c) => c,
                    None => return Ok(()),
                }
            }
        };
        let before = found.len();
        self.search_levels(&config.levels, key, merge, vars, found)?;
        if found.len() == before && !config.default_levels.is_empty() {
            self.search_levels(&config.default_levels, key, merge, vars, found)?;
        }
        Ok(())
    }

    fn search_levels(
        &mut self,
        levels: &[Level],
        key: &str,
        merge: &Merge,
        vars: &mut VarLookup<'_>,
        found: &mut Vec<Value>,
    ) -> Result<(), HieraError> {
        for level in levels {
            for path in level.paths(vars)? {
                let data = self.data_file(&path, level.backend)?;
                let Value::Hash(h) = &*data else { continue };
                if let Some(v) = h.get(&Value::Str(key.into())) {
                    let v = v.clone();
                    let v = interpolate::value(self, &v, vars)
                        .map_err(|e| HieraError::new(format!("{e} (in {})", path.display())))?;
                    found.push(v);
                    if *merge == Merge::First {
                        return Ok(());
                    }
                }
            }
        }
        Ok(())
    }

    /// The first directory on the modulepath holding module `name`.
    pub fn module_dir(&self, name: &str) -> Option<PathBuf> {
        if let Some(d) = self.module_dirs.borrow().get(name) {
            return d.clone();
        }
        let d = self.modulepath.iter().map(|p| p.join(name)).find(|p| p.is_dir());
        self.module_dirs.borrow_mut().insert(name.to_string(), d.clone());
        d
    }

    fn config(&mut self, path: &Path) -> Result<Option<Arc<Config>>, HieraError> {
        if let Some(c) = self.configs.get(path) {
            return Ok(c.clone());
        }
        let c = match std::fs::read_to_string(path) {
            Ok(text) => Some(Arc::new(Config::parse(path, &text)?)),
            Err(_) => None,
        };
        self.configs.insert(path.to_path_buf(), c.clone());
        Ok(c)
    }

    fn data_file(&mut self, path: &Path, backend: Backend) -> Result<Arc<Value>, HieraError> {
        if let Some(d) = self.data.get(path) {
            return Ok(d.clone());
        }
        let v = match std::fs::read_to_string(path) {
            Err(_) => Value::Undef,
            Ok(text) => match backend {
                Backend::Yaml => match yaml::parse(&text) {
                    Ok(Some(v @ Value::Hash(_))) => v,
                    Ok(_) => {
                        tracing::warn!(
                            "The yaml_data function was called with a path {} that does not contain a valid yaml hash",
                            path.display()
                        );
                        Value::Undef
                    }
                    Err(e) => {
                        return Err(HieraError::new(format!(
                            "Unable to parse {}: {} (line: {}, column: {})",
                            path.display(),
                            e.message,
                            e.line,
                            e.column
                        )))
                    }
                },
                Backend::Json => match serde_json::from_str::<serde_json::Value>(&text) {
                    Ok(j) => crate::eval::from_json(&j),
                    Err(e) => {
                        return Err(HieraError::new(format!("Unable to parse {}: {e}", path.display())))
                    }
                },
            },
        };
        let v = Arc::new(v);
        self.data.insert(path.to_path_buf(), v.clone());
        Ok(v)
    }
}

/// `a.b.'c.d'` → root `a`, then dig segments `b`, `c.d`.
fn split_key(key: &str) -> (&str, Vec<String>) {
    if !key.contains('.') {
        return (key, Vec::new());
    }
    let mut segs = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    for c in key.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => cur.push(c),
            (None, '\'' | '"') => quote = Some(c),
            (None, '.') => segs.push(std::mem::take(&mut cur)),
            (None, c) => cur.push(c),
        }
    }
    segs.push(cur);
    let root_len = key.find('.').unwrap_or(key.len());
    let root = &key[..root_len];
    if root.starts_with(['\'', '"']) {
        return (key, Vec::new());
    }
    (root, segs.into_iter().skip(1).collect())
}
