//! The named entities a manifest defines for Puppet's loaders: defined types, Puppet-language
//! functions and type aliases. `puppet parser validate FILE…` registers them file after file in one
//! loader, so a second definition of one name (in another file or the same) ends the whole run with
//! "Attempt to redefine entity"; classes are kept elsewhere and are not part of this.

use std::path::Path;

use crate::ast::{Expr, ExprKind};
use crate::span::LineIndex;
use crate::CompileError;

/// Which of the loader's namespaces an entity lives in (the path segment of its URI).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntityKind {
    /// Defined types and type aliases: `http://puppet.com/2016.1/runtime/type/NAME`.
    Type,
    /// Functions written in Puppet: `http://puppet.com/2016.1/runtime/function/NAME`.
    Function,
}

/// One definition: its loader name (lower case, qualified by the classes it is nested in) and where
/// it starts as Puppet reports it (`line`, `pos`: 1-based, at the keyword, or at a type alias's name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity {
    pub kind: EntityKind,
    pub name: String,
    pub line: u32,
    pub pos: u32,
}

impl Entity {
    /// The entity's URI in Puppet's loaders, as its redefinition error prints it.
    pub fn uri(&self) -> String {
        let segment = match self.kind {
            EntityKind::Type => "type",
            EntityKind::Function => "function",
        };
        format!("http://puppet.com/2016.1/runtime/{segment}/{}", self.name)
    }
}

/// Validates one manifest file as `puppet parser validate` does (syntax, validation, and the
/// file's classes, defined types and nodes defined once each) and, when it is valid, lists the
/// entities it defines for the loader, in source order. Errors carry Puppet's wording.
pub fn validate_file_entities(path: &Path) -> Result<Vec<Entity>, CompileError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        let mut err = CompileError::new(format!("Could not read file {}: {e}", path.display()));
        err.file = Some(path.to_path_buf());
        err
    })?;
    let lines = LineIndex::new(&text);
    let statements = crate::parser::parse(&text).map_err(|e| {
        let at = e.offset.map(|o| crate::span::Span::new(o, o));
        // Puppet's wording for syntax and validation errors, which scripts around
        // `puppet parser validate` match on; its duplicate-definition errors below have no prefix.
        let message = if e.message.starts_with("Could not parse") {
            e.message
        } else {
            format!("Could not parse for environment production: {}", e.message)
        };
        CompileError::located(message, Some(path), &text, &lines, at)
    })?;
    let mut out = Vec::new();
    collect(&statements, "", &text, &lines, &mut out);
    // Puppet's loader takes the file's entities first: a defined type or function defined twice
    // here is its redefinition error (the caller's), before the known types' checks below.
    let mut names = std::collections::HashSet::new();
    if out.iter().all(|e| names.insert((e.kind, e.name.as_str()))) {
        let mut known = KnownTypes::default();
        known.add(&statements, "", (path, &lines, &text)).map_err(|message| {
            let mut err = CompileError::new(message);
            err.file = Some(path.to_path_buf());
            err
        })?;
    }
    Ok(out)
}

/// The classes, defined types and nodes of one file, as Puppet's known resource types keep them: a
/// name may be defined once across the three (Puppet::Resource::TypeCollection's duplicate checks).
#[derive(Default)]
struct KnownTypes {
    classes: std::collections::HashMap<String, u32>,
    definitions: std::collections::HashMap<String, u32>,
    nodes: std::collections::HashMap<String, u32>,
}

impl KnownTypes {
    fn add(
        &mut self,
        statements: &[Expr],
        namespace: &str,
        src: (&Path, &LineIndex, &str),
    ) -> Result<(), String> {
        let (path, lines, text) = src;
        for statement in statements {
            let line = lines.line_col(text, statement.span.start as usize).0;
            match &statement.kind {
                ExprKind::ClassDef(class) => {
                    let name = qualify(namespace, &class.name);
                    if let Some(l) = self.classes.get(&name) {
                        return Err(format!(
                            "Class '{name}' is already defined{}; cannot redefine{}",
                            at(path, *l),
                            at(path, line)
                        ));
                    }
                    if let Some(l) = self.nodes.get(&name) {
                        return Err(format!(
                            "Node '{name}' is already defined{}; cannot be redefined as a class{}",
                            at(path, *l),
                            at(path, line)
                        ));
                    }
                    if let Some(l) = self.definitions.get(&name) {
                        return Err(format!(
                            "Definition '{name}' is already defined{}; cannot be redefined as a class{}",
                            at(path, *l),
                            at(path, line)
                        ));
                    }
                    self.classes.insert(name.clone(), line);
                    self.add(&class.body, &name, src)?;
                }
                ExprKind::DefineDef(define) => {
                    let name = qualify(namespace, &define.name);
                    if let Some(l) = self.classes.get(&name) {
                        return Err(format!(
                            "'{name}' is already defined{} as a class; cannot redefine as a definition{}",
                            at(path, *l),
                            at(path, line)
                        ));
                    }
                    if let Some(l) = self.definitions.get(&name) {
                        return Err(format!(
                            "Definition '{name}' is already defined{}; cannot be redefined{}",
                            at(path, *l),
                            at(path, line)
                        ));
                    }
                    self.definitions.insert(name, line);
                }
                ExprKind::NodeDef(node) => {
                    for matcher in &node.matchers {
                        let name = match matcher {
                            crate::ast::NodeMatcher::Name(n) => n.to_lowercase(),
                            crate::ast::NodeMatcher::Regex(r) => r.clone(),
                            crate::ast::NodeMatcher::Default => "default".to_string(),
                        };
                        if let Some(l) = self.nodes.get(&name) {
                            return Err(format!(
                                "Node '{name}' is already defined{}; cannot redefine{}",
                                at(path, *l),
                                at(path, line)
                            ));
                        }
                        if let Some(l) = self.classes.get(&name) {
                            return Err(format!(
                                "Class '{name}' is already defined{}; cannot be redefined as a node{}",
                                at(path, *l),
                                at(path, line)
                            ));
                        }
                        self.nodes.insert(name, line);
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }
}

/// ` (file: F, line: L)`, as Puppet's error_context prints a location.
fn at(path: &Path, line: u32) -> String {
    format!(" (file: {}, line: {line})", path.display())
}

fn qualify(namespace: &str, name: &str) -> String {
    let name = name.trim_start_matches("::").to_lowercase();
    if namespace.is_empty() || name.contains("::") {
        name
    } else {
        format!("{namespace}::{name}")
    }
}

fn collect(statements: &[Expr], namespace: &str, text: &str, lines: &LineIndex, out: &mut Vec<Entity>) {
    let qualified = |name: &str| qualify(namespace, name);
    for statement in statements {
        let (kind, name, offset) = match &statement.kind {
            ExprKind::ClassDef(class) => {
                collect(&class.body, &qualified(&class.name), text, lines, out);
                continue;
            }
            ExprKind::DefineDef(define) => (EntityKind::Type, qualified(&define.name), statement.span.start),
            ExprKind::FunctionDef(function) => {
                (EntityKind::Function, qualified(&function.name), statement.span.start)
            }
            ExprKind::TypeAlias { name, .. } => {
                // Puppet locates an alias at its name, after the `type` keyword.
                let start = statement.span.start as usize;
                let after = text[start..]
                    .strip_prefix("type")
                    .map_or(start, |rest| start + 4 + (rest.len() - rest.trim_start().len()));
                (EntityKind::Type, name.to_lowercase(), after as u32)
            }
            _ => continue,
        };
        let (line, pos) = lines.line_col(text, offset as usize);
        out.push(Entity { kind, name, line, pos });
    }
}
