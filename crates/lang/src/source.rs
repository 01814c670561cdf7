//! Parsed source files and the per-environment parse cache (keyed by path, invalidated by mtime).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use crate::ast::Expr;
use crate::error::CompileError;
use crate::parser::parse;
use crate::span::{LineIndex, Span};

/// One parsed manifest file.
#[derive(Debug)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: String,
    pub lines: LineIndex,
    pub statements: Vec<Expr>,
}

impl SourceFile {
    /// Parses `text` as the file at `path`.
    pub fn parse(path: &Path, text: String) -> Result<SourceFile, CompileError> {
        let lines = LineIndex::new(&text);
        match parse(&text) {
            Ok(statements) => Ok(SourceFile { path: path.to_path_buf(), text, lines, statements }),
            Err(e) => {
                let span = e.offset.map(|o| Span::new(o, o));
                Err(CompileError::located(e.message, Some(path), &text, &lines, span))
            }
        }
    }

    /// 1-based line of a span's start.
    pub fn line(&self, span: Span) -> u32 {
        self.lines.line_col(&self.text, span.start as usize).0
    }

    /// An error located at `span` in this file.
    pub fn error(&self, message: impl Into<String>, span: Span) -> CompileError {
        CompileError::located(message.into(), Some(&self.path), &self.text, &self.lines, Some(span))
    }
}

/// Parsed files by path, re-parsed when their modification time changes.
#[derive(Debug, Default)]
pub struct ParseCache {
    files: Mutex<HashMap<PathBuf, CachedFile>>,
}

/// A parsed file and the modification time it was parsed at.
type CachedFile = (Option<SystemTime>, Arc<SourceFile>);

impl ParseCache {
    /// The parsed file at `path`, from the cache when unchanged on disk.
    pub fn get(&self, path: &Path) -> Result<Arc<SourceFile>, CompileError> {
        let mtime = std::fs::metadata(path).and_then(|m| m.modified()).ok();
        if let Ok(files) = self.files.lock() {
            if let Some((t, f)) = files.get(path) {
                if *t == mtime && mtime.is_some() {
                    return Ok(f.clone());
                }
            }
        }
        let text = std::fs::read_to_string(path).map_err(|e| {
            let mut err = CompileError::new(format!("Could not read file {}: {e}", path.display()));
            err.file = Some(path.to_path_buf());
            err
        })?;
        tracing::debug!(path = %path.display(), "parsing");
        let file = Arc::new(SourceFile::parse(path, text)?);
        if let Ok(mut files) = self.files.lock() {
            files.insert(path.to_path_buf(), (mtime, file.clone()));
        }
        Ok(file)
    }
}
