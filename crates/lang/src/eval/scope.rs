//! Variable scopes. Lookup is static as in Puppet 4+: a scope's own variables, then (for a class
//! with `inherits`) the parent class's scope, then the enclosing node or top scope. Resource
//! defaults are the exception: they are looked up dynamically along the declaring-scope chain.

use std::collections::HashMap;

use indexmap::IndexMap;

use crate::ast::AttributeOp;
use crate::value::Value;

/// An index into the compiler's scope arena.
pub type ScopeId = usize;

/// What kind of scope, which decides where lookup continues.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeKind {
    Top,
    Node,
    /// A class body; `inherited` when its parent scope is the parent class's scope.
    Class {
        inherited: bool,
    },
    Define,
    /// A lambda body: lookup continues in the parent.
    Local,
}

/// One scope.
#[derive(Debug)]
pub struct Scope {
    pub kind: ScopeKind,
    pub parent: Option<ScopeId>,
    pub vars: IndexMap<String, Value>,
    /// `$0`…`$n` of the last successful match in this scope.
    pub matches: Option<Vec<Value>>,
    /// The catalog resource this scope's code belongs to (Class[main], Node[x], Class[X], a define
    /// instance): containment and tags come from it.
    pub resource: Option<usize>,
    /// Resource defaults set here, by lower-case type name.
    pub defaults: HashMap<String, Vec<(AttributeOp, Value)>>,
}

impl Scope {
    /// A new empty scope.
    pub fn new(kind: ScopeKind, parent: Option<ScopeId>, resource: Option<usize>) -> Scope {
        Scope { kind, parent, vars: IndexMap::new(), matches: None, resource, defaults: HashMap::new() }
    }
}

/// Looks a variable up from `start` following Puppet's static scoping.
pub fn lookup<'s>(scopes: &'s [Scope], start: ScopeId, name: &str) -> Option<&'s Value> {
    if let Ok(n) = name.parse::<usize>() {
        let mut cur = Some(start);
        while let Some(id) = cur {
            if let Some(m) = &scopes[id].matches {
                return m.get(n);
            }
            cur = scopes[id].parent;
        }
        return None;
    }
    let mut cur = start;
    loop {
        let scope = &scopes[cur];
        if let Some(v) = scope.vars.get(name) {
            return Some(v);
        }
        match scope.kind {
            ScopeKind::Top => return None,
            ScopeKind::Local | ScopeKind::Class { inherited: true } => cur = scope.parent?,
            ScopeKind::Node => cur = scope.parent?,
            ScopeKind::Class { inherited: false } | ScopeKind::Define => cur = enclosing(scopes, cur)?,
        }
    }
}

/// The nearest ancestor that is a node or the top scope.
fn enclosing(scopes: &[Scope], id: ScopeId) -> Option<ScopeId> {
    let mut cur = scopes[id].parent?;
    loop {
        match scopes[cur].kind {
            ScopeKind::Top | ScopeKind::Node => return Some(cur),
            _ => cur = scopes[cur].parent?,
        }
    }
}

/// The scope that owns assignments made in `id` (lambdas assign locally).
pub fn resource_of(scopes: &[Scope], id: ScopeId) -> Option<usize> {
    let mut cur = Some(id);
    while let Some(c) = cur {
        if let Some(r) = scopes[c].resource {
            return Some(r);
        }
        cur = scopes[c].parent;
    }
    None
}

/// Resource defaults for a type, nearest scope winning, along the dynamic parent chain.
pub fn defaults_for(
    scopes: &[Scope],
    start: ScopeId,
    type_name: &str,
) -> IndexMap<String, (AttributeOp, Value)> {
    let mut chain = Vec::new();
    let mut cur = Some(start);
    while let Some(c) = cur {
        chain.push(c);
        cur = scopes[c].parent;
    }
    let mut out = IndexMap::new();
    for id in chain.into_iter().rev() {
        if let Some(list) = scopes[id].defaults.get(type_name) {
            for (op, v) in list {
                out.insert(op.name.clone(), (op.clone(), v.clone()));
            }
        }
    }
    out
}
