//! The Puppet language, stage by stage: lexer → parser → AST (with spans) → evaluator → catalog.
//!
//! The compiler is a pure function of (code, facts, node): [`Environment`] holds an environment's
//! manifests and modules with their parse results cached (and re-parsed when a file changes), and
//! [`Environment::compile`] turns a [`CompileRequest`] into a [`bunraku_model::Catalog`] exactly as
//! Puppet 7 would, or into a [`CompileError`] naming file, line and column.

// `CompileError` carries its source snippet for miette; the public signatures return it unboxed
// (an agreed API), and errors are the cold path.
#![allow(clippy::result_large_err)]

pub mod ast;
mod error;
mod eval;
pub mod hiera;
pub mod lexer;
pub mod modules;
pub mod parser;
pub mod source;
pub mod span;
pub mod templates;
pub mod types;
pub mod validate;
pub mod value;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use bunraku_model::{Catalog, Value};
use indexmap::IndexMap;

pub use error::CompileError;
pub use eval::{versioncmp, versioncmp_ignoring_zeroes};
use source::{ParseCache, SourceFile};

/// What the compiler needs to know about the node it compiles for.
#[derive(Debug, Clone, Default)]
pub struct CompileRequest {
    pub certname: String,
    /// The node's facts (`$facts`, and top-scope variables of the same names).
    pub facts: IndexMap<String, Value>,
    /// `$trusted`: `authenticated` (`remote` for a verified certificate, `local` for `apply`),
    /// `certname`, `domain`, `hostname`, `extensions`.
    pub trusted: IndexMap<String, Value>,
    /// `$server_facts` (serverversion, servername, serverip, environment).
    pub server_facts: IndexMap<String, Value>,
    /// How long the compile may take (the master's `compile_timeout`); past it the compile fails
    /// where it is, so a runaway manifest cannot hold a compile slot for ever. `None`: no limit.
    pub time_limit: Option<std::time::Duration>,
}

/// Puppet's `strict` setting: what the compiler does about code that works but is probably a
/// mistake (an unknown variable, a string coerced to a number, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Strict {
    /// Say nothing.
    Off,
    /// Log a warning (Puppet 7's default).
    #[default]
    Warning,
    /// Fail the compile.
    Error,
}

/// The Puppet settings that change how the language is evaluated.
#[derive(Debug, Clone, Copy, Default)]
pub struct LanguageSettings {
    /// `strict_variables`: a reference to an unknown variable is an error.
    pub strict_variables: bool,
    /// `strict`.
    pub strict: Strict,
}

/// One environment: its main manifest(s) and modulepath, with parsed code cached across compiles.
pub struct Environment {
    name: String,
    manifest: PathBuf,
    modulepath: Vec<PathBuf>,
    cache: ParseCache,
    /// Resource types learnt from modules' Ruby (`lib/puppet/type/*.rb`), by file.
    pub(crate) module_types: types::ModuleTypeCache,
    /// The environment's directory (Hiera's environment layer); `None` for a lone manifest.
    root: Option<PathBuf>,
    settings: LanguageSettings,
}

impl Environment {
    /// Opens `<environmentpath>/<name>` (reading `environment.conf` when present); the modulepath
    /// is the environment's `modules/` followed by `basemodulepath`.
    pub fn open(
        environmentpath: &Path,
        name: &str,
        basemodulepath: &[PathBuf],
    ) -> Result<Environment, CompileError> {
        let root = environmentpath.join(name);
        if !root.is_dir() {
            return Err(CompileError::new(format!("Could not find environment '{name}'")));
        }
        let mut modulepath = vec![root.join("modules")];
        modulepath.extend(basemodulepath.iter().cloned());
        let mut manifest = root.join("manifests");
        // environment.conf: `modulepath` and `manifest`, relative to the environment directory.
        if let Ok(conf) = std::fs::read_to_string(root.join("environment.conf")) {
            for line in conf.lines() {
                let line = line.split('#').next().unwrap_or("").trim();
                let Some((key, value)) = line.split_once('=') else { continue };
                let value = value.trim().trim_matches('"');
                match key.trim() {
                    "modulepath" => {
                        modulepath = Vec::new();
                        for entry in value.split(':') {
                            if entry == "$basemodulepath" {
                                modulepath.extend(basemodulepath.iter().cloned());
                            } else if !entry.is_empty() {
                                modulepath.push(root.join(entry));
                            }
                        }
                    }
                    "manifest" => manifest = root.join(value),
                    _ => {}
                }
            }
        }
        Ok(Environment {
            name: name.to_string(),
            manifest,
            modulepath,
            cache: ParseCache::default(),
            module_types: Default::default(),
            root: Some(root),
            settings: LanguageSettings::default(),
        })
    }

    /// An environment made of one manifest file and a modulepath, for `bunraku apply FILE.pp`.
    pub fn from_manifest(name: &str, manifest: &Path, modulepath: Vec<PathBuf>) -> Environment {
        Environment {
            name: name.to_string(),
            manifest: manifest.to_path_buf(),
            modulepath,
            cache: ParseCache::default(),
            module_types: Default::default(),
            root: None,
            settings: LanguageSettings::default(),
        }
    }

    /// The environment compiled under other settings than Puppet's defaults.
    pub fn with_settings(mut self, settings: LanguageSettings) -> Environment {
        self.settings = settings;
        self
    }

    /// The settings compiles of this environment use.
    pub fn settings(&self) -> LanguageSettings {
        self.settings
    }

    /// The environment's directory, holding its `hiera.yaml` and `data/`.
    pub fn root(&self) -> Option<&Path> {
        self.root.as_deref()
    }

    /// The environment's name (`production`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Directories searched for modules, in order.
    pub fn modulepath(&self) -> &[PathBuf] {
        &self.modulepath
    }

    /// The directories of the modules on the modulepath, in Puppet's order: modulepath order,
    /// then by name within a directory; a name found earlier hides the same name later.
    pub fn modules(&self) -> Vec<PathBuf> {
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        for dir in &self.modulepath {
            let Ok(entries) = std::fs::read_dir(dir) else { continue };
            let mut names: Vec<String> = entries
                .flatten()
                .filter(|e| e.path().is_dir())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            for n in names {
                if seen.insert(n.clone()) {
                    out.push(dir.join(n));
                }
            }
        }
        out
    }

    /// The main manifest: a file, or a directory whose `*.pp` files are read in sorted order.
    pub fn manifest(&self) -> &Path {
        &self.manifest
    }

    /// Compiles the catalog for one node.
    pub fn compile(&self, request: &CompileRequest) -> Result<Catalog, CompileError> {
        let _span =
            tracing::info_span!("compile", node = %request.certname, environment = %self.name).entered();
        let files = self.main_manifest_files()?;
        eval::Compiler::new(self, request, files).compile().map_err(|e| *e)
    }

    /// The parsed main manifest files, in the order Puppet reads them.
    fn main_manifest_files(&self) -> Result<Vec<Arc<SourceFile>>, CompileError> {
        let mut paths = Vec::new();
        if self.manifest.is_dir() {
            collect_pp(&self.manifest, &mut paths);
            paths.sort();
        } else if self.manifest.is_file() {
            paths.push(self.manifest.clone());
        }
        paths.iter().map(|p| self.cache.get(p)).collect()
    }
}

fn collect_pp(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect_pp(&p, out);
        } else if p.extension().is_some_and(|x| x == "pp") {
            out.push(p);
        }
    }
}

/// The compiling machine's own facts: module Ruby that runs in the compiler may ask Facter (a
/// type file that reads `os` while it loads), and on a Puppet master Facter answers for the
/// master. The binary gives how to resolve them; they are resolved on first use only.
pub fn set_local_facts(provider: fn() -> IndexMap<String, Value>) {
    let _ = LOCAL_FACTS_PROVIDER.set(provider);
}

static LOCAL_FACTS_PROVIDER: std::sync::OnceLock<fn() -> IndexMap<String, Value>> =
    std::sync::OnceLock::new();

/// The local facts, resolved once (empty when the binary gave no provider).
pub(crate) fn local_facts() -> &'static IndexMap<String, Value> {
    static FACTS: std::sync::OnceLock<IndexMap<String, Value>> = std::sync::OnceLock::new();
    FACTS.get_or_init(|| LOCAL_FACTS_PROVIDER.get().map(|p| p()).unwrap_or_default())
}

/// Parses one manifest file without evaluating it (`bunraku parser validate`).
pub fn validate_file(path: &Path) -> Result<(), CompileError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        let mut err = CompileError::new(format!("Could not read file {}: {e}", path.display()));
        err.file = Some(path.to_path_buf());
        err
    })?;
    // Parsing alone: the line index a `SourceFile` keeps is only needed to locate an error.
    parser::parse(&text).map(|_| ()).map_err(|e| {
        let lines = span::LineIndex::new(&text);
        let at = e.offset.map(|o| span::Span::new(o, o));
        CompileError::located(e.message, Some(path), &text, &lines, at)
    })
}
