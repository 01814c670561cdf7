//! The Puppet language, stage by stage: lexer → parser → AST (with spans) → evaluator → catalog.
//!
//! The compiler is a pure function of (code, facts, node): [`Environment`] holds an environment's
//! manifests and modules with their parse results cached (and re-parsed when a file changes), and
//! [`Environment::compile`] turns a [`CompileRequest`] into a [`bunraku_model::Catalog`] exactly as
//! Puppet 7 would, or into a [`CompileError`] naming file, line and column.

// Implementation modules are added by the language work (lexer, parser, ast, eval, …).

use std::path::{Path, PathBuf};

use bunraku_model::{Catalog, Value};
use indexmap::IndexMap;

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
}

/// A compile or parse failure, located in the source.
#[derive(Debug, Clone, thiserror::Error, miette::Diagnostic)]
#[error("{message}")]
pub struct CompileError {
    pub message: String,
    pub file: Option<PathBuf>,
    pub line: Option<u32>,
    pub column: Option<u32>,
}

/// One environment: its main manifest(s) and modulepath, with parsed code cached across compiles.
pub struct Environment {
    name: String,
    manifest: PathBuf,
    modulepath: Vec<PathBuf>,
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
        let mut modulepath = vec![root.join("modules")];
        modulepath.extend(basemodulepath.iter().cloned());
        Ok(Environment { name: name.to_string(), manifest: root.join("manifests"), modulepath })
    }

    /// An environment made of one manifest file and a modulepath, for `bunraku apply FILE.pp`.
    pub fn from_manifest(name: &str, manifest: &Path, modulepath: Vec<PathBuf>) -> Environment {
        Environment { name: name.to_string(), manifest: manifest.to_path_buf(), modulepath }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn modulepath(&self) -> &[PathBuf] {
        &self.modulepath
    }

    pub fn manifest(&self) -> &Path {
        &self.manifest
    }

    /// Compiles the catalog for one node.
    pub fn compile(&self, request: &CompileRequest) -> Result<Catalog, CompileError> {
        todo!("{request:?}")
    }
}

/// Parses one manifest file without evaluating it (`bunraku parser validate`).
pub fn validate_file(path: &Path) -> Result<(), CompileError> {
    todo!("{path:?}")
}
