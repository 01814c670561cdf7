//! Resources, classes and defined types: declaration, defaults, class inclusion and evaluation,
//! lazy evaluation of defines, relationships, and the final catalog.

use std::sync::Arc;

use bunraku_model::reference::capitalize_type;
use bunraku_model::{Catalog, Edge, Resource, ResourceKind};
use indexmap::IndexMap;

use super::scope::{defaults_for, resource_of, ScopeId, ScopeKind};
use super::{add_tag, Compiler, Def, R, TOP};
use crate::ast::*;
use crate::error::CompileError;
use crate::source::SourceFile;
use crate::span::Span;
use crate::value::{valid_tag, TypeValue, Value};

/// A resource override (`Type['x'] { … }`) whose resource is not declared yet: its values,
/// evaluated where the override was written.
pub(crate) struct PendingOverride {
    key: (String, String),
    values: Vec<(AttributeOp, Value)>,
    file: Arc<SourceFile>,
    span: Span,
    /// Who wrote it; `None` for a collector's override, which may change any resource.
    source: Option<Source>,
}

/// What Puppet calls a statement's `source`: the class, defined type or node whose body it is
/// in (the top scope is class `main`). Only a resource's own source, or a class inheriting it,
/// may override its parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Source {
    Class(String),
    Define(String),
    Node(String),
}

/// A resource being built.
#[derive(Debug, Clone)]
pub(crate) struct Res {
    pub type_name: String,
    pub title: String,
    pub params: IndexMap<String, Value>,
    /// Where each parameter was set (file, line), for relationship errors.
    pub param_lines: IndexMap<String, (Arc<SourceFile>, u32)>,
    pub tags: Vec<String>,
    pub file: Option<Arc<SourceFile>>,
    pub line: Option<u32>,
    pub exported: bool,
    pub virtual_: bool,
    pub kind: ResourceKind,
    /// The scope the resource was declared in (its tags and defaults come from there).
    pub scope: Option<ScopeId>,
    /// A defined type's definition, until evaluated.
    pub define: Option<Def<DefineDef>>,
    pub evaluated: bool,
    /// Parameters that came from resource defaults (`Package { … }`), not the declaration.
    pub defaulted: Vec<String>,
    /// For a resource of a Ruby type, what the type declares (namevars, title patterns,
    /// attributes).
    pub rtype: Option<Arc<crate::types::ResourceTypeInfo>>,
    /// False for a defined type's instance whose title is not a String (`create_resources` with
    /// an Integer key): Puppet then neither tags it with its title nor counts its `name` as the
    /// title's repetition.
    pub title_is_string: bool,
}

/// Metaparameters a define instance passes to the resources in its body, in Puppet's order.
const INHERITED_METAPARAMS: &[&str] = &["noop", "schedule", "audit", "loglevel", "alias", "tag"];

const RELATIONSHIP_PARAMS: &[&str] = &["before", "require", "notify", "subscribe"];

impl<'e> Compiler<'e> {
    /// Adds a resource to the catalog with no evaluation (Stage, Class[main], Node).
    pub(crate) fn add_plain_resource(
        &mut self,
        type_name: &str,
        title: &str,
        kind: ResourceKind,
        container: Option<usize>,
    ) -> usize {
        let idx = self.resources.len();
        self.resources.push(Res {
            type_name: type_name.to_string(),
            title: title.to_string(),
            params: IndexMap::new(),
            param_lines: IndexMap::new(),
            tags: Vec::new(),
            file: None,
            line: None,
            exported: false,
            virtual_: false,
            kind,
            scope: None,
            define: None,
            evaluated: true,
            defaulted: Vec::new(),
            rtype: None,
            title_is_string: true,
        });
        self.index.insert((type_name.to_string(), title.to_string()), idx);
        if let Some(c) = container {
            self.edges.push((c, idx));
        }
        idx
    }

    pub(crate) fn eval_resource(
        &mut self,
        form: ResourceForm,
        type_expr: &Expr,
        bodies: &[ResourceBody],
        scope: ScopeId,
        span: Span,
    ) -> R<Value> {
        let type_name = match &type_expr.kind {
            ExprKind::BareWord(n) => n.trim_start_matches("::").to_lowercase(),
            _ => match self.eval(type_expr, scope)? {
                Value::Str(s) => s.to_lowercase(),
                Value::Type(t) => t.name.to_lowercase(),
                other => {
                    return Err(
                        self.err(type_expr.span, format!("Illegal resource type {}", other.type_name()))
                    )
                }
            },
        };
        // Per-expression defaults: a body titled `default`.
        let mut expr_defaults: Vec<(AttributeOp, Value)> = Vec::new();
        for b in bodies {
            if matches!(b.title.kind, ExprKind::Default) {
                for a in &b.attrs {
                    let v = self.eval(&a.value, scope)?;
                    expr_defaults.push((a.clone(), v));
                }
            }
        }
        // Every body's titles are evaluated and checked before any attribute, as in Puppet.
        let mut body_titles = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for body in bodies {
            if matches!(body.title.kind, ExprKind::Default) {
                body_titles.push(Vec::new());
                continue;
            }
            let titles = match self.eval(&body.title, scope)? {
                Value::Undef => {
                    return Err(
                        self.err(body.title.span, "Missing title. The title expression resulted in undef")
                    )
                }
                Value::Array(a) => flatten(a),
                other => vec![other],
            };
            for (index, t) in titles.iter().enumerate() {
                let problem = match t {
                    Value::Undef => {
                        format!(
                            "Missing title at index {index}. The title expression resulted in an undef title"
                        )
                    }
                    Value::Str(s) if s.is_empty() => format!(
                        "Empty string title at {index}. Title strings must have a length greater than zero."
                    ),
                    Value::Str(s) if !seen.insert(s.clone()) => {
                        return Err(self.err(
                            span,
                            format!("The title '{s}' has already been used in this resource expression"),
                        ))
                    }
                    Value::Str(_) | Value::Default => continue,
                    other => format!(
                        "Illegal title type at index {index}. Expected String, got {}",
                        generalized_type(other)
                    ),
                };
                return Err(self.err(body.title.span, problem));
            }
            body_titles.push(titles);
        }
        let mut refs = Vec::new();
        for (body, titles) in bodies.iter().zip(body_titles) {
            if matches!(body.title.kind, ExprKind::Default) {
                continue;
            }
            let mut attrs: Vec<(AttributeOp, Value)> = expr_defaults.clone();
            // An attribute given both by name and by `*` is Puppet's DUPLICATE_ATTRIBUTE.
            let named: Vec<&str> = body.attrs.iter().map(|a| a.name.as_str()).filter(|n| *n != "*").collect();
            for a in &body.attrs {
                let v = self.eval(&a.value, scope)?;
                if a.name == "*" {
                    match v {
                        Value::Hash(h) => {
                            for (k, v) in h {
                                let mut op = a.clone();
                                op.name = k.to_display_string();
                                if named.contains(&op.name.as_str()) {
                                    return Err(self.err(
                                        span,
                                        format!("The attribute '{}' has already been set", op.name),
                                    ));
                                }
                                attrs.retain(|(o, _)| o.name != op.name);
                                attrs.push((op, v));
                            }
                        }
                        Value::Undef => {}
                        other => {
                            return Err(self.err(
                                a.value.span,
                                format!("Expected value of type Hash, got {}", generalized_type(&other)),
                            ))
                        }
                    }
                } else {
                    attrs.retain(|(o, _)| o.name != a.name);
                    attrs.push((a.clone(), v));
                }
            }
            for t in titles {
                let title = match t {
                    Value::Str(s) => s,
                    Value::Undef => {
                        return Err(self
                            .err(body.title.span, "Missing title. The title expression resulted in undef"))
                    }
                    other => other.to_display_string(),
                };
                if type_name == "class" {
                    let r = self.declare_class_resource_like(&title, &attrs, scope, span)?;
                    refs.push(r);
                } else {
                    // Every resource of one expression gets the line where the expression starts.
                    let r = self.declare_resource(&type_name, &title, &attrs, form, scope, span, span)?;
                    refs.push(r);
                }
            }
        }
        Ok(if refs.len() == 1 { refs.pop().unwrap_or(Value::Undef) } else { Value::Array(refs) })
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn declare_resource(
        &mut self,
        type_name: &str,
        title: &str,
        attrs: &[(AttributeOp, Value)],
        form: ResourceForm,
        scope: ScopeId,
        body_span: Span,
        stmt_span: Span,
    ) -> R<Value> {
        // A Ruby type (Puppet's own, or a module's) comes before a defined type of the same
        // name, as in Puppet's Runtime3ResourceSupport.
        let rtype = if type_name.contains("::") { None } else { self.resource_type(type_name, stmt_span)? };
        let define = if rtype.is_some() { None } else { self.find_define(type_name)? };
        if define.is_none() && rtype.is_none() {
            return Err(self.err(
                stmt_span,
                format!("Error while evaluating a Resource Statement, Unknown resource type: '{type_name}'"),
            ));
        }
        let cap = capitalize_type(type_name);
        let key = (cap.clone(), title.to_string());
        if let Some(existing) = self.index.get(&key).copied() {
            let prev = &self.resources[existing];
            let prev_loc = match (&prev.file, prev.line) {
                (Some(f), Some(l)) => format!("(file: {}, line: {l})", f.path.display()),
                _ => String::new(),
            };
            let here = format!("(file: {}, line: {})", self.file.path.display(), self.file.line(stmt_span));
            return Err(self.err(
                stmt_span,
                format!("Error while evaluating a Resource Statement, Duplicate declaration: {cap}[{title}] is already declared at {prev_loc}; cannot redeclare {here}"),
            ));
        }
        let line = self.file.line(body_span);
        let mut params = IndexMap::new();
        let mut param_lines = IndexMap::new();
        let mut tags = Vec::new();
        for (op, v) in attrs {
            self.set_param(&mut params, &mut param_lines, op, v.clone());
        }
        // Defaults apply to attributes the resource does not set.
        let mut defaulted = Vec::new();
        for (name, (op, v)) in defaults_for(&self.scopes, scope, type_name) {
            if !params.contains_key(&name) {
                self.set_param(&mut params, &mut param_lines, &op, v);
                defaulted.push(name);
            }
        }
        // A defined type's instance hands its non-relationship metaparameters to every resource
        // declared in its body (Puppet 7 does this for defines only, not for classes).
        if let Some(owner) = resource_of(&self.scopes, scope) {
            if self.resources[owner].kind == ResourceKind::DefinedType {
                for name in INHERITED_METAPARAMS {
                    if params.contains_key(*name) {
                        continue;
                    }
                    if let Some(v) = self.resources[owner].params.get(*name) {
                        params.insert(name.to_string(), v.clone());
                    }
                }
            }
        }
        if params.contains_key("stage") {
            return Err(self.err(
                stmt_span,
                format!("Error while evaluating a Resource Statement, Only classes can set 'stage'; normal resources like {cap}[{title}] cannot change run stage"),
            ));
        }
        // `alias` names the resource a second time; the name must be free.
        let aliases = params.get("alias").map(flatten_strings).unwrap_or_default();
        for a in &aliases {
            let Some(&other) = self.index.get(&(cap.clone(), a.clone())) else { continue };
            let prev = &self.resources[other];
            let prev_loc = match (&prev.file, prev.line) {
                (Some(f), Some(l)) => format!(" (file: {}, line: {l})", f.path.display()),
                _ => String::new(),
            };
            return Err(self.err(
                stmt_span,
                format!(
                    "Error while evaluating a Resource Statement, Cannot alias {cap}[{title}] to \"{a}\" at (file: {}, line: {line}); resource [\"{cap}\", \"{a}\"] already declared{prev_loc}",
                    self.file.path.display()
                ),
            ));
        }
        if let Some(t) = params.get("tag") {
            for tag in flatten_strings(t) {
                add_tag(&mut tags, &tag);
            }
        }
        add_tag(&mut tags, type_name);
        if valid_tag(title) {
            add_tag(&mut tags, title);
        }
        // The tags of the resource whose body declares this one, as they are now: collectors
        // (`Concat <| tag == 'collectd' |>`) see them before the catalog is finished.
        if let Some(owner) = resource_of(&self.scopes, scope) {
            for t in &self.resources[owner].tags {
                add_tag(&mut tags, t);
            }
        }
        let kind = if define.is_some() { ResourceKind::DefinedType } else { ResourceKind::CompilableType };
        let idx = self.resources.len();
        self.resources.push(Res {
            type_name: cap.clone(),
            title: title.to_string(),
            params,
            param_lines,
            tags,
            file: Some(self.file.clone()),
            line: Some(line),
            exported: form == ResourceForm::Exported,
            virtual_: form != ResourceForm::Regular,
            kind,
            scope: Some(scope),
            evaluated: define.is_none(),
            define,
            defaulted,
            rtype: rtype.clone(),
            title_is_string: true,
        });
        self.index.insert(key, idx);
        for a in aliases {
            self.index.entry((cap.clone(), a)).or_insert(idx);
        }
        if let Some(rt) = &rtype {
            self.alias_by_uniqueness_key(idx, rt, attrs, stmt_span)?;
        }
        // Stages are not contained by the class that declares them.
        if form == ResourceForm::Regular && cap != "Stage" {
            if let Some(container) = resource_of(&self.scopes, scope) {
                self.edges.push((container, idx));
            }
        }
        Ok(Value::Resource { type_name: cap, title: title.to_string() })
    }

    fn set_param(
        &self,
        params: &mut IndexMap<String, Value>,
        lines: &mut IndexMap<String, (Arc<SourceFile>, u32)>,
        op: &AttributeOp,
        v: Value,
    ) {
        let line = self.file.line(op.span);
        lines.insert(op.name.clone(), (self.file.clone(), line));
        if op.append {
            if let Some(old) = params.get(&op.name) {
                let mut a = match old {
                    Value::Array(a) => a.clone(),
                    o => vec![o.clone()],
                };
                match v {
                    Value::Array(b) => a.extend(b),
                    o => a.push(o),
                }
                params.insert(op.name.clone(), Value::Array(a));
                return;
            }
        }
        params.insert(op.name.clone(), v);
    }

    /// `Type['x'] { … }`, or a collector's `{ … }` (`collector`: allowed from anywhere, as
    /// Puppet's collectors are).
    pub(crate) fn resource_override(
        &mut self,
        target: Value,
        attrs: &[AttributeOp],
        scope: ScopeId,
        span: Span,
        collector: bool,
    ) -> R<()> {
        let refs = match target {
            Value::Array(a) => a,
            o => vec![o],
        };
        let source = if collector { None } else { Some(self.source_of(scope)) };
        for r in refs {
            let (type_name, title) = match r {
                Value::Resource { type_name, title } => (type_name, title),
                Value::Undef => continue,
                other => {
                    return Err(self.err(
                        span,
                        format!(
                            "Resource Override can only operate on resources, got: {}",
                            crate::value::label(&other)
                        ),
                    ))
                }
            };
            let mut values = Vec::with_capacity(attrs.len());
            for a in attrs {
                values.push((a.clone(), self.eval(&a.value, scope)?));
            }
            let key = (type_name, title);
            let file = self.file.clone();
            let pending = PendingOverride { key, values, file, span, source: source.clone() };
            match self.index.get(&pending.key) {
                Some(&idx) => self.apply_override(idx, &pending)?,
                // Puppet keeps an override of a resource not declared yet and merges it when the
                // catalog is finished (`Compiler#add_override`); one that never finds its
                // resource fails the compile then.
                None => self.pending_overrides.push(pending),
            }
        }
        Ok(())
    }

    /// Puppet's `source` of the statements in `scope`.
    fn source_of(&self, scope: ScopeId) -> Source {
        let Some(idx) = resource_of(&self.scopes, scope) else { return Source::Class("main".into()) };
        let r = &self.resources[idx];
        match r.type_name.as_str() {
            "Class" => Source::Class(r.title.to_lowercase()),
            "Node" => Source::Node(r.title.clone()),
            t => Source::Define(t.to_lowercase()),
        }
    }

    /// Whether `a` is a class inheriting (at any depth) from class `b`.
    fn inherits(&self, a: &Source, b: &Source) -> bool {
        let (Source::Class(a), Source::Class(b)) = (a, b) else { return false };
        let mut cur = a.clone();
        for _ in 0..64 {
            let Some(parent) = self.classes.get(&cur).and_then(|d| d.def.parent.clone()) else {
                return false;
            };
            cur = parent.trim_start_matches("::").to_lowercase();
            if &cur == b {
                return true;
            }
        }
        false
    }

    /// Merges an override into resource `idx` after Puppet's checks (`Parser::Resource#merge`):
    /// only the resource's source or a class inheriting it may override, and the source itself
    /// may not change a parameter its declaration set.
    fn apply_override(&mut self, idx: usize, o: &PendingOverride) -> R<()> {
        if let Some(source) = &o.source {
            let here = |message: String| {
                let mut e = CompileError::new(message);
                e.file = Some(o.file.path.clone());
                e.line = Some(o.file.line(o.span));
                Box::new(e)
            };
            let owner = self.resources[idx].scope.map(|s| self.source_of(s));
            let owner = owner.unwrap_or(Source::Class("main".into()));
            let child = self.inherits(source, &owner);
            if *source != owner && !child {
                return Err(here("Only subclasses can override parameters".into()));
            }
            if !child {
                let r = &self.resources[idx];
                for (a, _) in &o.values {
                    let declared = r.params.contains_key(&a.name) && !r.defaulted.contains(&a.name);
                    if declared {
                        let at = match (&r.file, r.param_lines.get(&a.name)) {
                            (_, Some((f, l))) => format!(" at (file: {}, line: {l})", f.path.display()),
                            (Some(f), None) => format!(" at (file: {})", f.path.display()),
                            _ => String::new(),
                        };
                        return Err(here(format!(
                            "Parameter '{}' is already set on {}[{}]{at}; cannot redefine",
                            a.name, r.type_name, r.title
                        )));
                    }
                }
            }
        }
        let saved = std::mem::replace(&mut self.file, o.file.clone());
        self.merge_override(idx, &o.values);
        self.file = saved;
        Ok(())
    }

    fn merge_override(&mut self, idx: usize, values: &[(AttributeOp, Value)]) {
        let mut params = std::mem::take(&mut self.resources[idx].params);
        let mut lines = std::mem::take(&mut self.resources[idx].param_lines);
        for (a, v) in values {
            if matches!(v, Value::Undef) && !a.append {
                params.shift_remove(&a.name);
            } else {
                self.set_param(&mut params, &mut lines, a, v.clone());
            }
        }
        self.resources[idx].params = params;
        self.resources[idx].param_lines = lines;
    }

    /// Merges the overrides that were waiting for their resources, in resource order as
    /// Puppet's `Compiler#finish` does; any left over name resources that were never declared.
    pub(crate) fn merge_pending_overrides(&mut self) -> R<()> {
        let pending = std::mem::take(&mut self.pending_overrides);
        let mut missing = Vec::new();
        let mut found: Vec<(usize, usize)> = Vec::new();
        for (n, o) in pending.iter().enumerate() {
            match self.index.get(&o.key) {
                Some(&idx) => found.push((idx, n)),
                None => {
                    let r = format!("{}[{}]", o.key.0, o.key.1);
                    if !missing.contains(&r) {
                        missing.push(r);
                    }
                }
            }
        }
        found.sort_unstable();
        for (idx, n) in found {
            self.apply_override(idx, &pending[n])?;
        }
        if !missing.is_empty() {
            return Err(Box::new(CompileError::new(format!(
                "Could not find resource(s) {} for overriding",
                missing.join(", ")
            ))));
        }
        Ok(())
    }

    // ----- classes -----

    /// `include`/`require`/`contain`: declares classes (idempotently) and evaluates the new ones.
    pub(crate) fn include_classes(&mut self, names: &[String], scope: ScopeId, span: Span) -> R<Vec<usize>> {
        let mut all = Vec::new();
        let mut fresh = Vec::new();
        for name in names {
            let name = name.trim_start_matches("::").to_lowercase();
            let title = capitalize_type(&name);
            if let Some(&idx) = self.index.get(&("Class".to_string(), title.clone())) {
                all.push(idx);
                continue;
            }
            let Some(def) = self.find_class(&name)? else {
                return Err(self.err(
                    span,
                    format!(
                        "Error while evaluating a Function Call, Could not find class ::{name} for {}",
                        self.request.certname
                    ),
                ));
            };
            let idx = self.instantiate_class(&def, &name, scope, None)?;
            all.push(idx);
            fresh.push((idx, def));
        }
        for (idx, def) in fresh {
            self.decl_site = Some((self.file.clone(), span, "Error while evaluating a Function Call"));
            self.evaluate_class(idx, &def, &IndexMap::new())?;
        }
        Ok(all)
    }

    /// Creates the Class resource (parents first), without evaluating it.
    fn instantiate_class(
        &mut self,
        def: &Def<ClassDef>,
        name: &str,
        scope: ScopeId,
        decl: Option<(Span, Arc<SourceFile>)>,
    ) -> R<usize> {
        if let Some(parent) = &def.def.parent {
            let ptitle = capitalize_type(parent);
            if !self.index.contains_key(&("Class".to_string(), ptitle)) {
                let Some(pdef) = self.find_class(parent)? else {
                    // Puppet names the parent absolutely and gives the line only.
                    let mut e = def.file.error(
                        format!(
                            "Could not find parent resource type '::{}' of type hostclass in {}",
                            parent.trim_start_matches("::"),
                            self.env.name
                        ),
                        def.def.span,
                    );
                    e.column = None;
                    return Err(Box::new(e));
                };
                let pname = parent.trim_start_matches("::").to_lowercase();
                self.instantiate_class(&pdef, &pname, scope, None)?;
            }
        }
        let title = capitalize_type(name);
        let idx = self.add_plain_resource("Class", &title, ResourceKind::Unknown, None);
        let mut tags = Vec::new();
        add_tag(&mut tags, "class");
        add_tag(&mut tags, name);
        let res = &mut self.resources[idx];
        res.tags = tags;
        res.scope = Some(scope);
        res.evaluated = false;
        if let Some((sp, file)) = decl {
            res.kind = ResourceKind::Class;
            res.line = Some(file.line(sp));
            res.file = Some(file);
        }
        self.instantiated.push(idx);
        Ok(idx)
    }

    /// `class { 'x': p => v }`
    pub(crate) fn declare_class_resource_like(
        &mut self,
        title: &str,
        attrs: &[(AttributeOp, Value)],
        scope: ScopeId,
        span: Span,
    ) -> R<Value> {
        let name = title.trim_start_matches("::").to_lowercase();
        let cap = capitalize_type(&name);
        if let Some(&existing) = self.index.get(&("Class".to_string(), cap.clone())) {
            let here = format!("(file: {}, line: {})", self.file.path.display(), self.file.line(span));
            // An included class has no place of its own; a resource-like declaration does.
            let at = match (&self.resources[existing].file, self.resources[existing].line) {
                (Some(f), Some(l)) => format!(" at (file: {}, line: {l})", f.path.display()),
                _ => String::new(),
            };
            return Err(self.err(span, format!("Error while evaluating a Resource Statement, Duplicate declaration: Class[{cap}] is already declared{at}; cannot redeclare {here}")));
        }
        let Some(def) = self.find_class(&name)? else {
            return Err(self.err(
                span,
                format!("Error while evaluating a Resource Statement, Could not find declared class {name}"),
            ));
        };
        let idx = self.instantiate_class(&def, &name, scope, Some((span, self.file.clone())))?;
        let mut given = IndexMap::new();
        for (op, v) in attrs {
            given.insert(op.name.clone(), (v.clone(), op.span));
            let line = self.file.line(op.span);
            self.resources[idx].param_lines.insert(op.name.clone(), (self.file.clone(), line));
        }
        self.decl_site = Some((self.file.clone(), span, "Error while evaluating a Resource Statement"));
        self.evaluate_class(idx, &def, &given)?;
        Ok(Value::Resource { type_name: "Class".into(), title: cap })
    }

    /// Evaluates a class body in a new scope (after its parent class).
    fn evaluate_class(
        &mut self,
        idx: usize,
        def: &Def<ClassDef>,
        given: &IndexMap<String, (Value, Span)>,
    ) -> R<()> {
        if self.resources[idx].evaluated {
            return Ok(());
        }
        self.resources[idx].evaluated = true;
        let declaring = self.resources[idx].scope.unwrap_or(TOP);
        let mut parent_scope = None;
        if let Some(parent) = &def.def.parent {
            let ptitle = capitalize_type(parent);
            if let Some(&pidx) = self.index.get(&("Class".to_string(), ptitle)) {
                if let Some(pdef) = self.find_class(parent)? {
                    self.evaluate_class(pidx, &pdef, &IndexMap::new())?;
                }
                parent_scope =
                    self.class_scopes.get(&parent.trim_start_matches("::").to_lowercase()).copied();
            }
        }
        let name = def.def.name.trim_start_matches("::").to_lowercase();
        let (kind, parent) = match parent_scope {
            Some(p) => (ScopeKind::Class { inherited: true }, p),
            None => (ScopeKind::Class { inherited: false }, declaring),
        };
        let scope = self.new_scope(kind, Some(parent), Some(idx));
        self.class_scopes.insert(name.clone(), scope);
        self.class_list.push(name.clone());
        // Stage edge (classes are contained by their stage, not their declarer): `stage => x`
        // on a resource-like declaration picks the stage.
        let stage_name = match given.get("stage") {
            Some((v, _)) => v.to_display_string(),
            None => "main".to_string(),
        };
        let Some(&stage) = self.index.get(&("Stage".to_string(), stage_name.clone())) else {
            return Err(self.param_err(
                Span::default(),
                format!("Could not find stage {stage_name} specified by Class[{}]", capitalize_type(&name)),
            ));
        };
        self.edges.push((stage, idx));
        let saved = std::mem::replace(&mut self.file, def.file.clone());
        let result = (|| {
            self.scopes[scope].vars.insert("title".into(), Value::Str(name.clone()));
            self.scopes[scope].vars.insert("name".into(), Value::Str(name.clone()));
            let module = name.split("::").next().unwrap_or("").to_string();
            self.scopes[scope].vars.insert("module_name".into(), Value::Str(module));
            // The class's parent scope is its parent class's, when it inherits one.
            if let Some(caller) = self.source_module(parent) {
                self.scopes[scope].vars.insert("caller_module_name".into(), Value::Str(caller));
            }
            self.bind_params(
                idx,
                &def.def.params,
                given,
                scope,
                &format!("Class[{}]", capitalize_type(&name)),
            )?;
            self.decl_site = None;
            self.eval_statements(&def.def.body, scope)
        })();
        self.file = saved;
        result.map(|_| ())
    }

    /// The module of the class or define whose code runs in `scope` (Puppet's
    /// `parent_module_name`, which becomes `$caller_module_name` of what it declares).
    /// Code at top scope belongs to the main class, whose module name is empty; a node's has
    /// none.
    fn source_module(&self, scope: ScopeId) -> Option<String> {
        let mut cur = Some(scope);
        while let Some(c) = cur {
            if let Some(r) = self.scopes[c].resource {
                if self.resources[r].type_name == "Class" && self.resources[r].title == "main" {
                    return Some(String::new());
                }
                return match self.scopes[c].vars.get("module_name") {
                    Some(Value::Str(m)) if !m.is_empty() => Some(m.clone()),
                    _ => None,
                };
            }
            cur = self.scopes[c].parent;
        }
        None
    }

    /// A parameter binding error: Puppet reports it at the declaration (the `include` or the
    /// resource statement), not at the parameter; a define's, with no place of its own (the
    /// pass that evaluates defines names the declaring resource).
    fn param_err(&self, _span: Span, message: String) -> Box<crate::error::CompileError> {
        match &self.decl_site {
            Some((file, site, wrapper)) => {
                Box::new(file.error(format!("Evaluation Error: {wrapper}, {message}"), *site))
            }
            None => Box::new(crate::error::CompileError::new(message)),
        }
    }

    /// Binds declared parameters from given values, Hiera or defaults, recording them on the
    /// resource, then validates them all as Puppet's `validate_parameters` does: unknown names
    /// first, then each parameter in order (missing, or of the wrong type); one problem is
    /// reported on the line, several one per line.
    fn bind_params(
        &mut self,
        idx: usize,
        params: &[Param],
        given: &IndexMap<String, (Value, Span)>,
        scope: ScopeId,
        what: &str,
    ) -> R<()> {
        let mut problems = Vec::new();
        for k in given.keys() {
            if k != "name" && !params.iter().any(|p| &p.name == k) && !is_metaparam(k) {
                problems.push(format!("has no parameter named '{k}'"));
            }
        }
        // Given values keep their order on the resource; defaults follow in declaration order.
        for (k, (v, _)) in given {
            let declared = params.iter().any(|p| &p.name == k);
            if (declared || is_metaparam(k) || k == "name") && !matches!(v, Value::Undef) {
                self.resources[idx].params.insert(k.clone(), v.clone());
            }
        }
        for p in params {
            let found = self.lookup_class_param(what, &p.name, given, scope)?;
            let given_value = given.get(&p.name).map(|(v, _)| v);
            let value = match (given_value, found) {
                (Some(v), _) if !matches!(v, Value::Undef) => v.clone(),
                (_, Some(v)) if !matches!(v, Value::Undef) => v,
                // An explicit undef (given, or bound in Hiera) takes the default; with none,
                // undef is the value.
                (_, found) => match &p.default {
                    Some(d) => self.eval(d, scope)?,
                    None if given_value.is_some() || found.is_some() => Value::Undef,
                    None => {
                        problems.push(format!("expects a value for parameter '{}'", p.name));
                        continue;
                    }
                },
            };
            if let Some(t) = &p.type_expr {
                if let Value::Type(tv) = self.eval(t, scope)? {
                    if !super::types::is_instance(&value, &tv) {
                        for m in self.type_mismatches(&value, t, &tv) {
                            problems.push(format!("parameter '{}' {m}", p.name));
                        }
                    }
                }
            }
            if !matches!(value, Value::Undef) {
                self.resources[idx].params.insert(p.name.clone(), value.clone());
            }
            self.scopes[scope].vars.insert(p.name.clone(), value);
        }
        match problems.as_slice() {
            [] => Ok(()),
            [one] => Err(self.param_err(Span::default(), format!("{what}: {one}"))),
            many => Err(self.param_err(Span::default(), format!("{what}:\n  {}", many.join("\n  ")))),
        }
    }

    /// Puppet's mismatch report, one line each; a type written as an alias is shown as `Alias = Type`.
    pub(crate) fn type_mismatches(&self, value: &Value, type_expr: &Expr, t: &TypeValue) -> Vec<String> {
        match &type_expr.kind {
            ExprKind::TypeRef(name) if self.aliases.contains_key(&name.to_lowercase()) => {
                vec![super::types::mismatch_named(value, name, t)]
            }
            _ => super::types::mismatch(value, t).split("\n ").map(str::to_string).collect(),
        }
    }

    // ----- defines -----

    /// Evaluates the defined-type instances pending now (one pass of Puppet's
    /// `evaluate_definitions`); whether there were any.
    pub(crate) fn evaluate_definitions(&mut self) -> R<bool> {
        let pending: Vec<usize> = (0..self.resources.len())
            .filter(|&i| {
                !self.resources[i].evaluated
                    && !self.resources[i].virtual_
                    && self.resources[i].define.is_some()
            })
            .collect();
        for &idx in &pending {
            if let Err(inner) = self.evaluate_define(idx) {
                // Puppet's evaluate_definitions re-raises a define's failure located at the
                // declaring resource (file and line, no column).
                let r = &self.resources[idx];
                let mut err = crate::error::CompileError::new(format!(
                    "Evaluation Error: Error while evaluating a Resource Statement, {inner}"
                ));
                err.file = r.file.as_ref().map(|f| f.path.clone());
                err.line = r.line;
                return Err(Box::new(err));
            }
        }
        Ok(!pending.is_empty())
    }

    fn evaluate_define(&mut self, idx: usize) -> R<()> {
        self.resources[idx].evaluated = true;
        let Some(def) = self.resources[idx].define.clone() else { return Ok(()) };
        let declaring = self.resources[idx].scope.unwrap_or(TOP);
        let scope = self.new_scope(ScopeKind::Define, Some(declaring), Some(idx));
        let title = self.resources[idx].title.clone();
        let name = match self.resources[idx].params.get("name") {
            Some(Value::Str(n)) => n.clone(),
            _ => title.clone(),
        };
        let what = format!("{}[{}]", self.resources[idx].type_name, title);
        let decl_file = self.resources[idx].file.clone();
        let mut given = IndexMap::new();
        let lines = self.resources[idx].param_lines.clone();
        for (k, v) in std::mem::take(&mut self.resources[idx].params) {
            let span = Span::default();
            let _ = lines.get(&k);
            given.insert(k, (v, span));
        }
        self.scopes[scope].vars.insert("title".into(), Value::Str(title));
        self.scopes[scope].vars.insert("name".into(), Value::Str(name));
        let module = def.def.name.split("::").next().unwrap_or("").to_lowercase();
        self.scopes[scope].vars.insert("module_name".into(), Value::Str(module));
        if let Some(caller) = self.source_module(declaring) {
            self.scopes[scope].vars.insert("caller_module_name".into(), Value::Str(caller));
        }
        // Parameter errors are reported at the declaration.
        let saved = std::mem::replace(&mut self.file, decl_file.unwrap_or_else(|| def.file.clone()));
        for (k, (v, _)) in &given {
            if is_metaparam(k) || k == "name" {
                self.resources[idx].params.insert(k.clone(), v.clone());
            }
        }
        self.file = def.file.clone();
        let result = (|| {
            self.bind_params(idx, &def.def.params, &given, scope, &what)?;
            self.eval_statements(&def.def.body, scope)
        })();
        self.file = saved;
        result.map(|_| ())
    }

    // ----- relationships -----

    /// An arrow operand as references; a collector stands for what it collected, in catalog order.
    /// The resources of one side of an arrow. A collector on the left that collected nothing
    /// stands for what was left of it in its chain (Puppet's "leftmost alternative"), so that
    /// `a -> Package<| tag == 'none' |> -> b` still orders `a` before `b`.
    fn operand_value(&self, operand: &super::Operand, left: bool) -> Value {
        match operand {
            super::Operand::Value(v) => v.clone(),
            super::Operand::Collector(i) => {
                let collected = self.collected(*i);
                if collected.is_empty() && left {
                    if let Some(alt) = self.collector_alternatives.get(i) {
                        return self.operand_value(alt, true);
                    }
                }
                Value::Array(
                    collected
                        .into_iter()
                        .map(|idx| Value::Resource {
                            type_name: self.resources[idx].type_name.clone(),
                            title: self.resources[idx].title.clone(),
                        })
                        .collect(),
                )
            }
        }
    }

    pub(crate) fn evaluate_relationships(&mut self) -> R<()> {
        let rels = std::mem::take(&mut self.relationships);
        for rel in rels {
            let (source, target, param) = match rel.arrow {
                Arrow::Before => (&rel.left, &rel.right, "before"),
                Arrow::Notify => (&rel.left, &rel.right, "notify"),
                Arrow::Require => (&rel.right, &rel.left, "before"),
                Arrow::Subscribe => (&rel.right, &rel.left, "notify"),
            };
            let source = self.operand_value(source, true);
            let target = self.operand_value(target, false);
            let (source, target) = (&source, &target);
            for s in flatten_refs(source) {
                for t in flatten_refs(target) {
                    // Puppet finds these when the catalog is finished, with no place to name.
                    let Some(sidx) = self.find_resource(&s.0, &s.1) else {
                        return Err(Box::new(crate::error::CompileError::new(format!(
                            "Could not find resource '{}[{}]' for relationship on '{}[{}]'",
                            s.0, s.1, t.0, t.1
                        ))));
                    };
                    if self.find_resource(&t.0, &t.1).is_none() {
                        return Err(Box::new(crate::error::CompileError::new(format!(
                            "Could not find resource '{}[{}]' for relationship from '{}[{}]'",
                            t.0, t.1, s.0, s.1
                        ))));
                    }
                    let entry = Value::Str(format!("{}[{}]", t.0, t.1));
                    let params = &mut self.resources[sidx].params;
                    let mut list = match params.shift_remove(param) {
                        Some(Value::Array(a)) => a,
                        Some(Value::Undef) | None => vec![],
                        Some(o) => vec![o],
                    };
                    list.push(entry);
                    params.insert(param.to_string(), Value::Array(list));
                }
            }
        }
        Ok(())
    }

    /// The resource a reference names (Puppet's `Catalog#resource`): by title, or, for a Ruby
    /// type, by the uniqueness key its title gives (`File['/x/']` is `file { '/x': }`).
    pub(crate) fn find_resource(&self, type_name: &str, title: &str) -> Option<usize> {
        if let Some(&i) = self.index.get(&(type_name.to_string(), title.to_string())) {
            return Some(i);
        }
        let lower = type_name.to_lowercase();
        let rt = crate::types::core_types().get(&lower).cloned().or_else(|| self.ruby_type_known(&lower))?;
        if !rt.isomorphic {
            return None;
        }
        let mut h: IndexMap<String, String> = rt.parse_title(title).ok()?.into_iter().collect();
        let nv = rt.namevar().to_string();
        let name = h.get(&nv).or_else(|| h.get("name")).cloned().unwrap_or_else(|| title.to_string());
        h.entry(nv).or_insert_with(|| name.clone());
        h.entry("name".into()).or_insert(name);
        let mut keys = rt.namevars.clone();
        keys.sort();
        let ukey: Vec<Option<String>> = keys.iter().map(|k| h.get(k).cloned()).collect();
        match ukey.as_slice() {
            [Some(one)] => self.index.get(&(type_name.to_string(), one.clone())).copied(),
            _ => self.ukeys.get(&(type_name.to_string(), ukey)).copied(),
        }
    }

    /// Marks a defined type's instance made with a title that is not a String (see
    /// `Res::title_is_string`); Ruby types' titles are strings whatever they were made from.
    pub(crate) fn keep_title_unstringified(&mut self, r: &Value) {
        let Value::Resource { type_name, title } = r else { return };
        let Some(&idx) = self.index.get(&(type_name.clone(), title.clone())) else { return };
        let res = &mut self.resources[idx];
        if res.rtype.is_none() {
            res.title_is_string = false;
            let title = res.title.clone();
            res.tags.retain(|t| *t != title);
        }
    }

    /// Puppet's `create_resource_aliases`: a resource of an isomorphic Ruby type is also known by
    /// its uniqueness key (the values of its namevars, from its title and its declared
    /// attributes), and two resources may not share one.
    fn alias_by_uniqueness_key(
        &mut self,
        idx: usize,
        rt: &crate::types::ResourceTypeInfo,
        attrs: &[(AttributeOp, Value)],
        span: Span,
    ) -> R<()> {
        if !rt.isomorphic {
            return Ok(());
        }
        let title = self.resources[idx].title.clone();
        let cap = self.resources[idx].type_name.clone();
        let mut h: IndexMap<String, Value> = IndexMap::new();
        match rt.parse_title(&title) {
            Ok(from_title) => {
                for (k, v) in from_title {
                    h.insert(k, Value::Str(v));
                }
            }
            Err(m) => return Err(self.err(span, format!("Error while evaluating a Resource Statement, {m}"))),
        }
        for (op, v) in attrs {
            if !matches!(v, Value::Undef) {
                h.insert(op.name.clone(), v.clone());
            }
        }
        let nv = rt.namevar().to_string();
        let name = h.get(&nv).or_else(|| h.get("name")).cloned().unwrap_or_else(|| Value::Str(title.clone()));
        h.entry(nv).or_insert_with(|| name.clone());
        h.entry("name".into()).or_insert(name);
        let mut keys = rt.namevars.clone();
        keys.sort();
        let ukey: Vec<Option<String>> = keys.iter().map(|k| h.get(k).map(Value::to_display_string)).collect();
        if ukey.iter().all(Option::is_none) || ukey == [Some(title.clone())] {
            return Ok(());
        }
        let existing = match ukey.as_slice() {
            [Some(one)] => self.index.get(&(cap.clone(), one.clone())).copied(),
            _ => self.ukeys.get(&(cap.clone(), ukey.clone())).copied(),
        };
        match existing {
            Some(other) if other != idx => {
                let here = &self.resources[idx];
                let at = match (&here.file, here.line) {
                    (Some(f), Some(l)) => format!(" at (file: {}, line: {l})", f.path.display()),
                    _ => String::new(),
                };
                let prev = &self.resources[other];
                let prev_loc = match (&prev.file, prev.line) {
                    (Some(f), Some(l)) => format!(" (file: {}, line: {l})", f.path.display()),
                    _ => String::new(),
                };
                let key = ruby_inspect_list(&ukey);
                let mut newref = vec![Some(cap.clone())];
                newref.extend(ukey.iter().cloned());
                Err(self.err(
                    span,
                    format!(
                        "Error while evaluating a Resource Statement, Cannot alias {cap}[{title}] to {key}{at}; resource {} already declared{prev_loc}",
                        ruby_inspect_list(&newref)
                    ),
                ))
            }
            Some(_) => Ok(()),
            None => {
                match ukey.as_slice() {
                    [Some(one)] => {
                        self.index.insert((cap, one.clone()), idx);
                    }
                    _ => {
                        self.ukeys.insert((cap, ukey), idx);
                    }
                }
                Ok(())
            }
        }
    }

    /// Puppet's `validate_parameter` when a resource is finished: every attribute of a resource
    /// of a Ruby type must be one the type declares (or a metaparameter).
    fn validate_attributes(&self) -> R<()> {
        for r in &self.resources {
            let Some(rt) = &r.rtype else { continue };
            if r.kind != ResourceKind::CompilableType {
                continue;
            }
            let Some(bad) = r.params.keys().find(|k| !rt.valid_attribute(k)) else { continue };
            let loc = match (&r.file, r.line) {
                (Some(f), Some(l)) => format!(" (file: {}, line: {l})", f.path.display()),
                _ => String::new(),
            };
            let mut err = crate::error::CompileError::new(format!(
                "no parameter named '{bad}'{loc} on {}[{}]",
                r.type_name, r.title
            ));
            err.file = r.file.as_ref().map(|f| f.path.clone());
            err.line = r.line;
            return Err(Box::new(err));
        }
        Ok(())
    }

    // ----- the catalog -----

    pub(crate) fn finish(mut self) -> R<Catalog> {
        self.validate_attributes()?;
        // Puppet's catalog holds relationship metaparameters as one flat list
        // (`before => [Package[$names], Service[$s]]` with an array of names).
        for r in &mut self.resources {
            for p in RELATIONSHIP_PARAMS {
                let Some(v) = r.params.get_mut(*p) else { continue };
                if let Value::Array(a) = v {
                    if a.iter().any(|x| matches!(x, Value::Array(_))) {
                        *v = Value::Array(a.iter().flat_map(flatten_ref_values).collect());
                    }
                }
            }
        }
        // Relationship metaparameters must name resources in the catalog.
        for r in &self.resources {
            if r.virtual_ {
                continue;
            }
            // In the order the resource has them, as Puppet checks them.
            for (p, v) in r.params.iter().filter(|(k, _)| RELATIONSHIP_PARAMS.contains(&k.as_str())) {
                for target in flatten_ref_values(v) {
                    let found = match &target {
                        Value::Resource { type_name, title } => {
                            self.find_resource(type_name, title).is_some()
                        }
                        Value::Str(s) => match s.parse::<bunraku_model::ResourceRef>() {
                            Ok(rr) => self.find_resource(&rr.type_name, &rr.title).is_some(),
                            Err(_) => false,
                        },
                        _ => true,
                    };
                    if !found {
                        let text = match &target {
                            Value::Str(s) => s.clone(),
                            other => other.to_display_string(),
                        };
                        let mut err = crate::error::CompileError::new(format!(
                            "Could not find resource '{text}' in parameter '{p}'"
                        ));
                        if let Some((f, line)) = r.param_lines.get(p) {
                            err.file = Some(f.path.clone());
                            err.line = Some(*line);
                        }
                        return Err(Box::new(err));
                    }
                }
            }
        }
        // Scope tags: each resource gets the tags of the resource its scope belongs to.
        for i in 0..self.resources.len() {
            let Some(scope) = self.resources[i].scope else { continue };
            let Some(owner) = resource_of(&self.scopes, scope) else { continue };
            if owner == i {
                continue;
            }
            let owner_tags = self.resources[owner].tags.clone();
            let tags = &mut self.resources[i].tags;
            for t in owner_tags {
                if !tags.contains(&t) {
                    tags.push(t);
                }
            }
        }
        // Then tags flow down containment from Class[main] (Puppet's add_resource_metaparams).
        if let Some(&main) = self.index.get(&("Class".to_string(), "main".to_string())) {
            let mut children: IndexMap<usize, Vec<usize>> = IndexMap::new();
            for &(s, t) in &self.edges {
                children.entry(s).or_default().push(t);
            }
            let mut stack = vec![main];
            let mut seen = std::collections::HashSet::new();
            while let Some(src) = stack.pop() {
                if !seen.insert(src) {
                    continue;
                }
                for &t in children.get(&src).cloned().unwrap_or_default().iter() {
                    let src_tags = self.resources[src].tags.clone();
                    for tag in src_tags {
                        if !self.resources[t].tags.contains(&tag) {
                            self.resources[t].tags.push(tag);
                        }
                    }
                    stack.push(t);
                }
            }
        }
        // The catalog's tags: class names first, then the tags of instantiated classes and nodes.
        let mut catalog_tags = Vec::new();
        for c in &self.class_list {
            add_tag(&mut catalog_tags, c);
        }
        for &i in &self.instantiated {
            let own: Vec<String> = {
                let r = &self.resources[i];
                let mut t = Vec::new();
                add_tag(&mut t, &r.type_name);
                add_tag(&mut t, &r.title);
                t
            };
            for t in own {
                if !catalog_tags.contains(&t) {
                    catalog_tags.push(t);
                }
            }
        }
        let mut resources = Vec::new();
        for r in &self.resources {
            if r.virtual_ {
                continue;
            }
            resources.push(to_model(r));
        }
        let idx_ref = |i: usize| format!("{}[{}]", self.resources[i].type_name, self.resources[i].title);
        let edges = self
            .edges
            .iter()
            .filter(|(s, t)| !self.resources[*s].virtual_ && !self.resources[*t].virtual_)
            .map(|&(s, t)| Edge { source: idx_ref(s), target: idx_ref(t) })
            .collect();
        let version = chrono::Utc::now().timestamp();
        Ok(Catalog {
            tags: catalog_tags,
            name: self.request.certname.clone(),
            version: serde_json::Value::from(version),
            code_id: None,
            catalog_uuid: uuid::Uuid::new_v4().to_string(),
            catalog_format: 2,
            environment: self.env.name.clone(),
            resources,
            edges,
            classes: std::mem::take(&mut self.class_list),
        })
    }
}

fn to_model(r: &Res) -> Resource {
    let mut parameters = IndexMap::new();
    let mut sensitive_parameters = Vec::new();
    let mut push = |k: &str, v: &Value| {
        if matches!(v, Value::Sensitive(_)) {
            sensitive_parameters.push(k.to_string());
        }
        parameters.insert(k.to_string(), v.to_json());
    };
    match (&r.rtype, r.kind) {
        (Some(rt), ResourceKind::CompilableType) => {
            // Puppet's `to_hash`: the attributes the title sets, then the parameters (which win),
            // without the namevar where it only repeats the title.
            let nv = rt.namevar();
            let mut merged: IndexMap<String, Value> = IndexMap::new();
            if let Ok(from_title) = rt.parse_title(&r.title) {
                for (k, v) in from_title {
                    merged.insert(k, Value::Str(v));
                }
            }
            for (k, v) in &r.params {
                if !matches!(v, Value::Undef) {
                    merged.insert(k.clone(), v.clone());
                }
            }
            for (k, v) in &merged {
                if k == nv && matches!(v, Value::Str(s) if s == &r.title) {
                    continue;
                }
                push(k, v);
            }
        }
        _ => {
            // `name` from the title is the title's repetition only when the title is a String.
            if !r.title_is_string && !r.params.contains_key("name") {
                push("name", &Value::Str(r.title.clone()));
            }
            for (k, v) in &r.params {
                if !matches!(v, Value::Undef) {
                    push(k, v);
                }
            }
        }
    }
    Resource {
        type_name: r.type_name.clone(),
        title: r.title.clone(),
        tags: r.tags.clone(),
        file: r.file.as_ref().map(|f| f.path.display().to_string()),
        line: r.line,
        exported: r.exported,
        kind: Some(r.kind),
        parameters,
        sensitive_parameters,
    }
}

pub(crate) fn is_metaparam(name: &str) -> bool {
    matches!(
        name,
        "noop"
            | "schedule"
            | "audit"
            | "loglevel"
            | "alias"
            | "tag"
            | "require"
            | "subscribe"
            | "before"
            | "notify"
            | "stage"
    )
}

/// Ruby's `inspect` of an array of strings and nils (`["File", "/x"]`, `[nil, "a", nil]`), as
/// Puppet's alias errors print keys.
fn ruby_inspect_list(items: &[Option<String>]) -> String {
    let parts: Vec<String> = items
        .iter()
        .map(|i| match i {
            None => "nil".to_string(),
            Some(s) => {
                let mut out = String::from("\"");
                for c in s.chars() {
                    match c {
                        '"' => out.push_str("\\\""),
                        '\\' => out.push_str("\\\\"),
                        '\n' => out.push_str("\\n"),
                        '\t' => out.push_str("\\t"),
                        '\r' => out.push_str("\\r"),
                        '#' => out.push('#'),
                        c if (c as u32) < 0x20 => out.push_str(&format!("\\x{:02X}", c as u32)),
                        c => out.push(c),
                    }
                }
                out.push('"');
                out
            }
        })
        .collect();
    format!("[{}]", parts.join(", "))
}

pub(crate) fn flatten_strings(v: &Value) -> Vec<String> {
    match v {
        Value::Array(a) => a.iter().flat_map(flatten_strings).collect(),
        Value::Undef => vec![],
        other => vec![other.to_display_string()],
    }
}

pub(crate) fn flatten_ref_values(v: &Value) -> Vec<Value> {
    match v {
        Value::Array(a) => a.iter().flat_map(flatten_ref_values).collect(),
        Value::Undef => vec![],
        other => vec![other.clone()],
    }
}

fn flatten_refs(v: &Value) -> Vec<(String, String)> {
    flatten_ref_values(v)
        .into_iter()
        .filter_map(|x| match x {
            Value::Resource { type_name, title } => Some((type_name, title)),
            Value::Str(s) => s.parse::<bunraku_model::ResourceRef>().ok().map(|r| (r.type_name, r.title)),
            _ => None,
        })
        .collect()
}

/// An array of titles flattened, as Puppet flattens them (`[['a'], 'b']` is two titles).
pub(crate) fn flatten_values(items: Vec<Value>) -> Vec<Value> {
    flatten(items)
}

fn flatten(items: Vec<Value>) -> Vec<Value> {
    let mut out = Vec::new();
    for v in items {
        match v {
            Value::Array(inner) => out.extend(flatten(inner)),
            other => out.push(other),
        }
    }
    out
}

/// The generalized type Puppet names for a value in a title error: `Integer`, `Hash[String, Integer]`.
pub(crate) fn generalized_type(v: &Value) -> String {
    fn common(mut items: impl Iterator<Item = String>) -> Option<String> {
        let first = items.next()?;
        items.all(|x| x == first).then_some(first)
    }
    match v {
        Value::Hash(h) if !h.is_empty() => {
            match (common(h.keys().map(generalized_type)), common(h.values().map(generalized_type))) {
                (Some(k), Some(x)) => format!("Hash[{k}, {x}]"),
                _ => "Hash".into(),
            }
        }
        Value::Array(a) if !a.is_empty() => match common(a.iter().map(generalized_type)) {
            Some(e) => format!("Array[{e}]"),
            None => "Array".into(),
        },
        Value::Type(t) => format!("Type[{}]", t.name),
        Value::Regex(r) => format!("Regexp[/{}/]", r.source),
        other => other.type_name().into(),
    }
}
