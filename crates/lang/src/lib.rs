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
pub mod definitions;
mod error;
mod eval;
mod heredoc_syntax;
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
        manifest_files(&self.manifest).iter().map(|p| self.cache.get(p)).collect()
    }
}

/// The files a `manifest` setting names, in the order Puppet reads them: the file itself, or a
/// directory's `.pp` files at any depth sorted by path (none when it does not exist).
pub fn manifest_files(manifest: &Path) -> Vec<PathBuf> {
    let mut paths = Vec::new();
    if manifest.is_dir() {
        collect_pp(manifest, &mut paths);
        paths.sort();
    } else if manifest.is_file() {
        paths.push(manifest.to_path_buf());
    }
    paths
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

/// Parses one manifest file without evaluating it (`bunraku parser validate`): its first error.
pub fn validate_file(path: &Path) -> Result<(), CompileError> {
    match check_file(path).errors.into_iter().next() {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// What `puppet parser validate` finds in one file, located, each list in Puppet's order.
#[derive(Debug, Default)]
pub struct Validation {
    /// The lexer's warnings, then the validator's.
    pub warnings: Vec<CompileError>,
    /// The lexical or syntax error that stopped parsing, or every validation error.
    pub errors: Vec<CompileError>,
    /// The validator's share of `warnings` (Puppet's summary line counts only those).
    validator_warnings: usize,
    /// Errors Puppet logs before `errors`, unlocated in this file (see [`parser::Checked`]).
    logged: Vec<CompileError>,
    /// The error is one Puppet fails with internally (see [`parser::ParseError::internal`]).
    internal: bool,
    /// The error is a duplicate class, define or node: Puppet logs it without the "Could not
    /// parse" prefix.
    duplicate: bool,
    /// What a valid file defines for Puppet's loader (`parser validate`'s checks across files).
    pub entities: Vec<definitions::Entity>,
}

/// The severity of a line Puppet logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// `Warning: …`
    Warning,
    /// `Error: …`
    Error,
}

/// One line `puppet parser validate` logs.
pub type LogLine = (Level, CompileError);

impl Validation {
    /// The lines `puppet parser validate` logs, in order: the warnings; then a single error
    /// prefixed "Could not parse for environment production: ", or every error followed by
    /// "Language validation logged N errors[, and M warnings]. Giving up" (not located).
    pub fn log(&self) -> Vec<LogLine> {
        let (mut out, failure) = self.log_parts();
        out.extend(failure);
        out
    }

    /// [`Validation::log`] in its two parts: what Puppet logs as it meets it (warnings, and each
    /// error of a file with several), and the error the file fails with, which Puppet's
    /// `parser validate` logs at the end of a run over several files (empty when it is valid).
    pub fn log_parts(&self) -> (Vec<LogLine>, Vec<LogLine>) {
        let mut met: Vec<LogLine> = self.warnings.iter().map(|w| (Level::Warning, w.clone())).collect();
        met.extend(self.logged.iter().map(|e| (Level::Error, e.clone())));
        let mut failure = Vec::new();
        match self.errors.as_slice() {
            [] => {}
            [only] => {
                let mut e = only.clone();
                if !e.message.starts_with("Could not ") && !self.duplicate {
                    e.message = format!("Could not parse for environment production: {}", e.message);
                }
                failure.push((Level::Error, e));
                if self.internal {
                    let hint = CompileError::new("Try 'puppet help parser validate' for usage");
                    failure.push((Level::Error, hint));
                }
            }
            all => {
                met.extend(all.iter().map(|e| (Level::Error, e.clone())));
                let mut summary = format!("Language validation logged {} errors", all.len());
                if self.validator_warnings > 0 {
                    summary.push_str(&format!(", and {} warnings", self.validator_warnings));
                }
                summary.push_str(". Giving up");
                // Puppet prints this line without a location.
                failure.push((Level::Error, CompileError::new(summary)));
            }
        }
        (met, failure)
    }
}

/// Puppet's `namespace_for_file`: where a `.pp` file under a modulepath directory is, as the
/// namespace its definitions must have.
fn module_file(path: &Path, modulepath: &[PathBuf]) -> Option<validate::ModuleFile> {
    if path.extension().and_then(|e| e.to_str()) != Some("pp") {
        return None;
    }
    let abs = std::path::absolute(path).ok()?;
    let relative = modulepath.iter().find_map(|dir| abs.strip_prefix(std::path::absolute(dir).ok()?).ok())?;
    let parts: Vec<String> =
        relative.components().map(|c| c.as_os_str().to_string_lossy().to_lowercase()).collect();
    let file = abs.display().to_string();
    if parts.len() < 3 || !matches!(parts[1].as_str(), "manifests" | "functions" | "types" | "plans") {
        return Some(validate::ModuleFile { file, namespace: None });
    }
    let mut names = vec![parts[0].clone()];
    names.extend(parts[2..parts.len() - 1].iter().cloned());
    let last = &parts[parts.len() - 1];
    if !(parts.len() == 3 && last == "init.pp") {
        names.push(last.strip_suffix(".pp").unwrap_or(last).to_string());
    }
    Some(validate::ModuleFile { file, namespace: Some(names.join("::")) })
}

/// Lexes, parses and validates one manifest file as `puppet parser validate` does.
pub fn check_file(path: &Path) -> Validation {
    check_file_in(path, &[])
}

/// [`check_file`] with an environment's modulepath: a file inside one of its modules may only
/// hold definitions named for its place (`puppet parser validate --modulepath=…`).
pub fn check_file_in(path: &Path, modulepath: &[PathBuf]) -> Validation {
    let failed = |message: String| {
        let mut err = CompileError::new(message);
        err.file = Some(path.to_path_buf());
        Validation { errors: vec![err], ..Default::default() }
    };
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => return failed(format!("Could not read file {}: {e}", path.display())),
    };
    // Puppet looks for a byte order mark before decoding (a UTF-16 one is not UTF-8).
    if let Some(e) = lexer::byte_order_mark(&bytes) {
        // Reported without a location, the file's included.
        return Validation { errors: vec![CompileError::new(e.message)], ..Default::default() };
    }
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => return failed(format!("Could not read file {}: {e}", path.display())),
    };
    let module = module_file(path, modulepath);
    check_source(&text, Some(path), module.as_ref())
}

/// [`check_file`] of code read from elsewhere (`puppet parser validate` reads standard input when
/// given no file): locations name no file.
pub fn check_text(text: &str) -> Validation {
    check_source(text, None, None)
}

fn check_source(text: &str, path: Option<&Path>, module: Option<&validate::ModuleFile>) -> Validation {
    let mut checked = parser::check_in_module(text, module);
    let statements = std::mem::take(&mut checked.statements);
    // One line index for the definitions' and the diagnostics' locations (memchr: cheap).
    let lines = span::LineIndex::new(text);
    let found = if checked.errors.is_empty() && checked.logged.is_empty() {
        definitions::definitions(path, text, &lines, &statements)
    } else {
        definitions::Definitions::default()
    };
    let entities = found.entities;
    // The known types' warnings follow the file's others; their error is the file's one error.
    let known_warnings: Vec<CompileError> = found.warnings.into_iter().map(CompileError::new).collect();
    let duplicate = found.error.map(CompileError::new);
    if checked.errors.is_empty() && checked.warnings.is_empty() && checked.logged.is_empty() {
        let mut validation = Validation { warnings: known_warnings, entities, ..Default::default() };
        if let Some(err) = duplicate {
            validation.errors = vec![err];
            validation.duplicate = true;
            validation.entities.clear();
        }
        return validation;
    }
    let internal = checked.errors.iter().any(|e| e.internal);
    let locate = |e: parser::ParseError| {
        let at = e.offset.map(|o| span::Span::new(o, o));
        CompileError::located(e.message, path, text, &lines, at)
    };
    let mut validation = Validation {
        warnings: checked.warnings.into_iter().map(locate).collect(),
        errors: checked.errors.into_iter().map(locate).collect(),
        validator_warnings: checked.validator_warnings,
        logged: checked.logged.into_iter().map(CompileError::new).collect(),
        internal,
        duplicate: false,
        entities,
    };
    validation.warnings.extend(known_warnings);
    if let Some(err) = duplicate {
        validation.errors = vec![err];
        validation.duplicate = true;
        validation.entities.clear();
    }
    validation
}
