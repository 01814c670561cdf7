//! The named entities a manifest defines for Puppet's loaders: defined types, Puppet-language
//! functions and type aliases. `puppet parser validate FILE…` registers them file after file in one
//! loader, so a second definition of one name (in another file or the same) ends the whole run with
//! "Attempt to redefine entity"; classes are kept elsewhere and are not part of this.

use std::path::Path;

use crate::ast::{Expr, ExprKind};
use crate::span::LineIndex;

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

/// What one file's definitions give Puppet's loader and known resource types.
#[derive(Debug, Default)]
pub struct Definitions {
    /// The loader's entities, in source order.
    pub entities: Vec<Entity>,
    /// The error the known resource types stop at, unprefixed and unlocated as Puppet logs it: a
    /// class, defined type or node defined twice (TypeCollection's wording, naming the file), or a
    /// metaparameter used as a parameter without a default.
    pub error: Option<String>,
    /// A metaparameter used as a parameter with a default ("tag is a metaparam; …").
    pub warnings: Vec<String>,
}

/// The definitions of a parsed, valid file. A defined type or function defined twice within it is
/// the loader's error instead (the caller's, as across files), which Puppet meets first.
pub fn definitions(path: Option<&Path>, text: &str, lines: &LineIndex, statements: &[Expr]) -> Definitions {
    let mut entities = Vec::new();
    collect(statements, "", text, lines, &mut entities);
    let mut names = std::collections::HashSet::new();
    if !entities.iter().all(|e| names.insert((e.kind, e.name.as_str()))) {
        return Definitions { entities, ..Default::default() };
    }
    let mut known = KnownTypes::default();
    let error = known.add(statements, "", (path, lines, text)).err();
    Definitions { entities, error, warnings: known.warnings }
}

/// Puppet's metaparameters, which a class or define may not take as parameters without a default.
const METAPARAMS: &[&str] = &[
    "alias",
    "audit",
    "before",
    "loglevel",
    "noop",
    "notify",
    "require",
    "schedule",
    "stage",
    "subscribe",
    "tag",
];

/// The classes, defined types and nodes of one file, as Puppet's known resource types keep them: a
/// name may be defined once across the three (Puppet::Resource::TypeCollection's duplicate checks).
#[derive(Default)]
struct KnownTypes {
    classes: std::collections::HashMap<String, u32>,
    definitions: std::collections::HashMap<String, u32>,
    nodes: std::collections::HashMap<String, u32>,
    warnings: Vec<String>,
}

impl KnownTypes {
    /// Puppet::Resource::Type#warn_if_metaparam, as each class or define is created.
    fn metaparams(&mut self, name: &str, params: &[crate::ast::Param]) -> Result<(), String> {
        for p in params.iter().filter(|p| METAPARAMS.contains(&p.name.as_str())) {
            if p.default.is_none() {
                return Err(format!(
                    "{} is a metaparameter; please choose another parameter name in the {name} definition",
                    p.name
                ));
            }
            let warning =
                format!("{} is a metaparam; this value will inherit to all contained resources in the {name} definition", p.name);
            if !self.warnings.contains(&warning) {
                self.warnings.push(warning);
            }
        }
        Ok(())
    }

    fn add(
        &mut self,
        statements: &[Expr],
        namespace: &str,
        src: (Option<&Path>, &LineIndex, &str),
    ) -> Result<(), String> {
        let (path, lines, text) = src;
        for statement in statements {
            let line = lines.line_col(text, statement.span.start as usize).0;
            match &statement.kind {
                ExprKind::ClassDef(class) => {
                    let name = qualify(namespace, &class.name);
                    self.metaparams(&name, &class.params)?;
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
                    self.metaparams(&name, &define.params)?;
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
                            // Refused by the validator before this runs.
                            crate::ast::NodeMatcher::Interpolated(_) => continue,
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

/// ` (file: F, line: L)`, as Puppet's error_context prints a location (` (line: L)` for code
/// that came from no file).
fn at(path: Option<&Path>, line: u32) -> String {
    match path {
        Some(path) => format!(" (file: {}, line: {line})", path.display()),
        None => format!(" (line: {line})"),
    }
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
