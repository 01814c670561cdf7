//! The located error every stage returns, printed the way Puppet prints it and usable as a
//! `miette` diagnostic (the CLI shows the offending line with a caret).

use std::path::{Path, PathBuf};

use miette::{NamedSource, SourceSpan};

use crate::span::{LineIndex, Span};

/// A compile or parse failure, located in the source.
///
/// `Display` prints Puppet's form: `Syntax error at '}' (file: /x/site.pp, line: 3, column: 5)`;
/// `message` alone is the text before the location.
#[derive(Debug, Clone, thiserror::Error, miette::Diagnostic)]
#[error("{}", self.puppet_text())]
pub struct CompileError {
    pub message: String,
    pub file: Option<PathBuf>,
    pub line: Option<u32>,
    pub column: Option<u32>,
    /// The file's text, for the diagnostic's snippet.
    #[source_code]
    pub source_code: Option<NamedSource<String>>,
    /// The offending span within `source_code`.
    #[label("here")]
    pub span: Option<SourceSpan>,
}

impl CompileError {
    /// An error with no location.
    pub fn new(message: impl Into<String>) -> CompileError {
        CompileError {
            message: message.into(),
            file: None,
            line: None,
            column: None,
            source_code: None,
            span: None,
        }
    }

    /// An error at `span` (or only in `file` when `None`, like Puppet's "at end of input").
    pub fn located(
        message: String,
        file: Option<&Path>,
        text: &str,
        lines: &LineIndex,
        span: Option<Span>,
    ) -> CompileError {
        let (line, column) = match span {
            Some(s) => {
                let (l, c) = lines.line_col(text, s.start as usize);
                (Some(l), Some(c))
            }
            None => (None, None),
        };
        let name = file.map(|f| f.display().to_string()).unwrap_or_default();
        let len = span.map(|s| (s.end.saturating_sub(s.start)) as usize).unwrap_or(0);
        let offset = span.map(|s| s.start as usize).unwrap_or(text.len());
        CompileError {
            message,
            file: file.map(Path::to_path_buf),
            line,
            column,
            source_code: Some(NamedSource::new(name, text.to_string())),
            span: Some(SourceSpan::new(offset.into(), len)),
        }
    }

    /// Message plus Puppet's location suffix.
    pub fn puppet_text(&self) -> String {
        let mut s = self.message.clone();
        if let Some(loc) = self.location_suffix() {
            s.push(' ');
            s.push_str(&loc);
        }
        s
    }

    fn location_suffix(&self) -> Option<String> {
        let Some(file) = self.file.as_ref() else {
            // Code that came from no file (standard input): Puppet gives the line and column alone.
            return match (self.line, self.column) {
                (Some(l), Some(c)) => Some(format!("(line: {l}, column: {c})")),
                (Some(l), None) => Some(format!("(line: {l})")),
                _ => None,
            };
        };
        let mut s = format!("(file: {}", file.display());
        if let Some(l) = self.line {
            s.push_str(&format!(", line: {l}"));
            if let Some(c) = self.column {
                s.push_str(&format!(", column: {c}"));
            }
        }
        s.push(')');
        Some(s)
    }
}
