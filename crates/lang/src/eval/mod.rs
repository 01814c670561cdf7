//! The evaluator: runs the AST against scopes and builds the catalog the way Puppet's compiler
//! does (main → node → lazily evaluated defines → relationships → finish).

mod builtins;
pub use builtins::{versioncmp, versioncmp_ignoring_zeroes};
mod collect;
mod functions;
mod iteration;
mod modules;
mod ops;
mod resources;
mod ruby;
pub mod scope;
pub(crate) mod types;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use indexmap::IndexMap;

use crate::ast::*;
use crate::error::CompileError;
use crate::source::SourceFile;
use crate::span::Span;
use crate::value::{puppet_eq, RegexValue, TypeValue, Value};
use crate::{CompileRequest, Environment};
use resources::Res;
use scope::{lookup, Scope, ScopeId, ScopeKind};

/// Errors are boxed: a located error is large and the happy path should stay small.
pub(crate) type R<T> = Result<T, Box<CompileError>>;

/// A definition together with the file it came from.
#[derive(Debug, Clone)]
pub(crate) struct Def<T> {
    pub def: Arc<T>,
    pub file: Arc<SourceFile>,
}

/// A relationship from an arrow, resolved after evaluation.
struct PendingRelationship {
    arrow: Arrow,
    left: Operand,
    right: Operand,
}

/// One side of a relationship arrow: references, or a collector whose resources are known only
/// once catalog completion has run it (`Package <| |> -> Service['s']`).
#[derive(Clone)]
enum Operand {
    Value(Value),
    /// An index into `Compiler::collectors`.
    Collector(usize),
}

/// The state of one compilation.
pub(crate) struct Compiler<'e> {
    env: &'e Environment,
    request: &'e CompileRequest,
    classes: HashMap<String, Def<ClassDef>>,
    defines: HashMap<String, Def<DefineDef>>,
    nodes: Vec<Def<NodeDef>>,
    loaded: HashSet<PathBuf>,
    scopes: Vec<Scope>,
    resources: Vec<Res>,
    index: HashMap<(String, String), usize>,
    /// Resources of Ruby types with a composite uniqueness key, by type and key
    /// (single-valued keys live in `index`, as Puppet keys them like titles).
    ukeys: HashMap<(String, Vec<Option<String>>), usize>,
    class_scopes: HashMap<String, ScopeId>,
    /// The catalog's `classes`, in order of evaluation.
    class_list: Vec<String>,
    /// Class and Node resources in instantiation order (for the catalog's tags).
    instantiated: Vec<usize>,
    edges: Vec<(usize, usize)>,
    relationships: Vec<PendingRelationship>,
    file: Arc<SourceFile>,
    main_files: Vec<Arc<SourceFile>>,
    /// Where the class being bound was declared, and how Puppet names that statement in errors.
    decl_site: Option<(Arc<SourceFile>, Span, &'static str)>,
    /// Functions written in Puppet, by lower-case name.
    functions: HashMap<String, Def<FunctionDef>>,
    /// Type aliases by lower-case name (`mod::port`), with their value expression.
    aliases: HashMap<String, (Arc<SourceFile>, Expr)>,
    /// The `break`/`next`/`return` travelling up as an error.
    pending_control: Option<iteration::Control>,
    /// A definition Puppet refuses when it reads it (a node defined twice), reported once the
    /// main manifest is read.
    definition_error: Option<Box<CompileError>>,
    /// The call of the iteration function whose lambda runs (where its parameter errors are).
    lambda_call_site: Option<Span>,
    /// Collectors, evaluated during catalog completion.
    collectors: Vec<collect::PendingCollector>,
    /// What stood left of a collector in a chain of arrows, which an empty collector stands for
    /// on the left of the next arrow.
    collector_alternatives: HashMap<usize, Operand>,
    /// Overrides of resources not declared when the override ran, merged at finish.
    pending_overrides: Vec<resources::PendingOverride>,
    /// Hiera, templates and module metadata for this compile (`modules.rs`).
    module_state: modules::ModuleState,
    /// The Ruby session and the Ruby functions found so far (`ruby.rs`).
    ruby: ruby::RubyState,
    /// Whether a Ruby worker was asked to start ahead of need.
    ruby_warmed: bool,
    /// How deep evaluation is nested now, and how many expressions were evaluated.
    depth: usize,
    evaluated: u64,
    /// When the compile must end (its time limit), from the request.
    deadline: Option<(std::time::Instant, std::time::Duration)>,
}

const TOP: ScopeId = 0;

/// See [`Compiler::scope_mark`].
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct ScopeMark {
    scopes: usize,
    resources: usize,
    collectors: usize,
    overrides: usize,
    relationships: usize,
    ruby_calls: u64,
}

/// Nested evaluation deeper than this fails the compile with "stack level too deep": about 10,000
/// levels of recursion in a Puppet function (Puppet 7's own limit, Ruby's stack, lies between 4,000
/// and 16,000).
pub(crate) const MAX_EVAL_DEPTH: usize = 30_000;

impl<'e> Compiler<'e> {
    pub fn new(env: &'e Environment, request: &'e CompileRequest, main_files: Vec<Arc<SourceFile>>) -> Self {
        let placeholder = main_files.first().cloned().unwrap_or_else(|| {
            Arc::new(SourceFile::parse(&env.manifest, String::new()).expect("empty source parses"))
        });
        Compiler {
            env,
            request,
            classes: HashMap::new(),
            defines: HashMap::new(),
            nodes: Vec::new(),
            loaded: HashSet::new(),
            scopes: vec![Scope::new(ScopeKind::Top, None, None)],
            resources: Vec::new(),
            index: HashMap::new(),
            ukeys: HashMap::new(),
            class_scopes: HashMap::new(),
            class_list: Vec::new(),
            instantiated: Vec::new(),
            edges: Vec::new(),
            relationships: Vec::new(),
            file: placeholder,
            main_files,
            decl_site: None,
            functions: HashMap::new(),
            aliases: HashMap::new(),
            pending_control: None,
            definition_error: None,
            lambda_call_site: None,
            collectors: Vec::new(),
            collector_alternatives: HashMap::new(),
            pending_overrides: Vec::new(),
            module_state: modules::ModuleState::new(env),
            ruby: ruby::RubyState::default(),
            ruby_warmed: false,
            depth: 0,
            evaluated: 0,
            deadline: request.time_limit.map(|l| (std::time::Instant::now() + l, l)),
        }
    }

    /// Runs the whole compilation.
    pub fn compile(self) -> R<bunraku_model::Catalog> {
        self.compile_catalog().map_err(|mut e| {
            // A `break`/`next`/`return` that nothing caught: Puppet's error, without a column.
            if let Some(name) = e.message.strip_prefix(iteration::CONTROL) {
                e.message = format!("{name}() from context where this is illegal");
                e.column = None;
            }
            e
        })
    }

    fn compile_catalog(mut self) -> R<bunraku_model::Catalog> {
        for f in self.main_files.clone() {
            self.loaded.insert(f.path.clone());
            self.register_definitions(&f, &f.statements, "");
        }
        if let Some(e) = self.definition_error.take() {
            return Err(e);
        }
        self.set_top_variables();

        let stage =
            self.add_plain_resource("Stage", "main", bunraku_model::ResourceKind::CompilableType, None);
        self.resources[stage].params.insert("name".into(), Value::Str("main".into()));
        self.resources[stage].tags = vec!["stage".into()];
        let settings =
            self.add_plain_resource("Class", "Settings", bunraku_model::ResourceKind::Unknown, None);
        self.resources[settings].tags = vec!["class".into(), "settings".into()];
        self.edges.push((stage, settings));
        self.class_list.push("settings".into());
        let main = self.add_plain_resource("Class", "main", bunraku_model::ResourceKind::Unknown, None);
        self.resources[main].params.insert("name".into(), Value::Str("main".into()));
        self.resources[main].tags = vec!["class".into()];
        self.edges.push((stage, main));
        self.scopes[TOP].resource = Some(main);
        self.class_scopes.insert(String::new(), TOP);
        // `$settings::x`: the compiling master's settings that manifests read.
        let settings_scope = self.new_scope(ScopeKind::Class { inherited: false }, Some(TOP), Some(settings));
        let env_dir = self.env.manifest.parent().map(|p| p.display().to_string()).unwrap_or_default();
        for (k, v) in [
            ("environment", self.env.name.clone()),
            ("manifest", self.env.manifest.display().to_string()),
            (
                "modulepath",
                self.env.modulepath.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(":"),
            ),
            (
                "environmentpath",
                std::path::Path::new(&env_dir).parent().map(|p| p.display().to_string()).unwrap_or_default(),
            ),
            ("certname", self.request.certname.clone()),
        ] {
            self.scopes[settings_scope].vars.insert(k.to_string(), Value::Str(v));
        }
        self.class_scopes.insert("settings".into(), settings_scope);

        for f in self.main_files.clone() {
            self.file = f.clone();
            self.eval_statements(&f.statements, TOP)?;
        }

        self.evaluate_node()?;
        self.complete()?;
        self.evaluate_relationships()?;
        self.merge_pending_overrides()?;
        self.finish()
    }

    fn set_top_variables(&mut self) {
        let top = &mut self.scopes[TOP];
        for (k, v) in &self.request.facts {
            top.vars.insert(k.clone(), from_json(v));
        }
        let facts = Value::Hash(
            self.request.facts.iter().map(|(k, v)| (Value::Str(k.clone()), from_json(v))).collect(),
        );
        top.vars.insert("facts".into(), facts);
        let trusted = if self.request.trusted.is_empty() {
            let certname = &self.request.certname;
            let (host, domain) = certname.split_once('.').unwrap_or((certname, ""));
            let mut t = IndexMap::new();
            t.insert(Value::Str("authenticated".into()), Value::Str("local".into()));
            t.insert(Value::Str("certname".into()), Value::Str(certname.clone()));
            t.insert(Value::Str("extensions".into()), Value::Hash(IndexMap::new()));
            t.insert(Value::Str("hostname".into()), Value::Str(host.into()));
            t.insert(Value::Str("domain".into()), Value::Str(domain.into()));
            t.insert(Value::Str("external".into()), Value::Hash(IndexMap::new()));
            Value::Hash(t)
        } else {
            Value::Hash(
                self.request.trusted.iter().map(|(k, v)| (Value::Str(k.clone()), from_json(v))).collect(),
            )
        };
        top.vars.insert("trusted".into(), trusted);
        let mut server_facts: IndexMap<Value, Value> =
            self.request.server_facts.iter().map(|(k, v)| (Value::Str(k.clone()), from_json(v))).collect();
        server_facts
            .entry(Value::Str("environment".into()))
            .or_insert_with(|| Value::Str(self.env.name.clone()));
        top.vars.insert("server_facts".into(), Value::Hash(server_facts));
        top.vars.insert("environment".into(), Value::Str(self.env.name.clone()));
        top.vars.entry("clientcert".into()).or_insert_with(|| Value::Str(self.request.certname.clone()));
    }

    /// Records class, define and node definitions found in `stmts` (nested classes get their
    /// enclosing class's name as prefix).
    fn register_definitions(&mut self, file: &Arc<SourceFile>, stmts: &[Expr], prefix: &str) {
        for s in stmts {
            match &s.kind {
                ExprKind::ClassDef(c) => {
                    let name = qualify(prefix, &c.name);
                    self.classes.entry(name.clone()).or_insert(Def { def: c.clone(), file: file.clone() });
                    self.register_definitions(file, &c.body, &name);
                }
                ExprKind::DefineDef(d) => {
                    let name = qualify(prefix, &d.name);
                    self.defines.entry(name).or_insert(Def { def: d.clone(), file: file.clone() });
                }
                ExprKind::NodeDef(n) if prefix.is_empty() => {
                    if self.definition_error.is_none() {
                        self.definition_error = self.duplicate_node(file, n);
                    }
                    self.nodes.push(Def { def: n.clone(), file: file.clone() });
                }
                ExprKind::FunctionDef(f) => {
                    let name = f.name.trim_start_matches("::").to_lowercase();
                    self.functions.entry(name).or_insert(Def { def: f.clone(), file: file.clone() });
                }
                ExprKind::TypeAlias { name, value } => {
                    self.aliases.entry(name.to_lowercase()).or_insert((file.clone(), (**value).clone()));
                }
                _ => {}
            }
        }
    }

    /// Puppet's error for a node name (or `default`) that an earlier node statement has.
    fn duplicate_node(&self, file: &Arc<SourceFile>, n: &NodeDef) -> Option<Box<CompileError>> {
        let key = |m: &NodeMatcher| match m {
            NodeMatcher::Name(s) => Some(s.to_lowercase()),
            NodeMatcher::Default => Some("default".to_string()),
            NodeMatcher::Regex(_) | NodeMatcher::Interpolated(_) => None,
        };
        for m in &n.matchers {
            let Some(name) = key(m) else { continue };
            let Some(prev) =
                self.nodes.iter().find(|p| p.def.matchers.iter().any(|pm| key(pm).as_ref() == Some(&name)))
            else {
                continue;
            };
            let prev_line = prev.file.lines.line_col(&prev.file.text, prev.def.span.start as usize).0;
            let mut e = file.error(
                format!(
                    "Node '{name}' is already defined (file: {}, line: {prev_line}); cannot redefine",
                    prev.file.path.display()
                ),
                n.span,
            );
            e.column = None;
            return Some(Box::new(e));
        }
        None
    }

    /// Loads `<module>/manifests/<path>.pp` for a class or define name, once.
    fn autoload(&mut self, name: &str) -> R<()> {
        let name = name.trim_start_matches("::").to_lowercase();
        let mut segs = name.split("::");
        let Some(module) = segs.next() else { return Ok(()) };
        let rest: Vec<&str> = segs.collect();
        let rel = if rest.is_empty() {
            PathBuf::from("init.pp")
        } else {
            PathBuf::from(format!("{}.pp", rest.join("/")))
        };
        for dir in self.env.modulepath.clone() {
            let path = dir.join(module).join("manifests").join(&rel);
            if self.loaded.contains(&path) {
                continue;
            }
            if path.is_file() {
                self.loaded.insert(path.clone());
                self.warm_up_ruby_for(&dir.join(module));
                let file = self.env.cache.get(&path)?;
                let stmts = file.statements.clone();
                self.register_definitions(&file, &stmts, "");
                return Ok(());
            }
        }
        Ok(())
    }

    /// Code from a module that carries Ruby (templates, `lib/puppet`) will probably need a
    /// Ruby worker soon: one is started in the background while the compile goes on. A compile
    /// that touches no such module starts none.
    fn warm_up_ruby_for(&mut self, module: &std::path::Path) {
        if self.ruby_warmed {
            return;
        }
        if module.join("templates").is_dir() || module.join("lib/puppet").is_dir() {
            self.ruby_warmed = true;
            bunraku_ruby::Bridge::global().warm_up();
        }
    }

    /// Loads `<module>/<dir>/<rest>.pp` (functions, types) for a qualified name, once.
    fn autoload_in(&mut self, name: &str, dir: &str) -> R<()> {
        let name = name.trim_start_matches("::").to_lowercase();
        let Some((module, rest)) = name.split_once("::") else { return Ok(()) };
        let rel = format!("{}.pp", rest.replace("::", "/"));
        for root in self.env.modulepath.clone() {
            let path = root.join(module).join(dir).join(&rel);
            if self.loaded.contains(&path) || !path.is_file() {
                continue;
            }
            self.loaded.insert(path.clone());
            let file = self.env.cache.get(&path)?;
            let stmts = file.statements.clone();
            self.register_definitions(&file, &stmts, "");
            return Ok(());
        }
        Ok(())
    }

    pub(crate) fn find_function(&mut self, name: &str) -> R<Option<Def<FunctionDef>>> {
        let key = name.trim_start_matches("::").to_lowercase();
        if !self.functions.contains_key(&key) && key.contains("::") {
            self.autoload_in(&key, "functions")?;
        }
        Ok(self.functions.get(&key).cloned())
    }

    /// Resolves a type alias to its type value (`None`: not an alias).
    fn resolve_alias(&mut self, name: &str, span: Span) -> R<Option<Value>> {
        // Type names are looked up case-insensitively (`Stdlib::AbsolutePath` is
        // `Stdlib::Absolutepath`).
        let key = name.to_lowercase();
        if !self.aliases.contains_key(&key) && name.contains("::") {
            self.autoload_in(name, "types")?;
        }
        let Some((file, expr)) = self.aliases.get(&key).cloned() else { return Ok(None) };
        let saved = std::mem::replace(&mut self.file, file);
        let v = self.eval(&expr, TOP);
        self.file = saved;
        let _ = span;
        v.map(Some)
    }

    fn find_class(&mut self, name: &str) -> R<Option<Def<ClassDef>>> {
        let key = name.trim_start_matches("::").to_lowercase();
        if !self.classes.contains_key(&key) {
            self.autoload(&key)?;
        }
        Ok(self.classes.get(&key).cloned())
    }

    fn find_define(&mut self, name: &str) -> R<Option<Def<DefineDef>>> {
        let key = name.trim_start_matches("::").to_lowercase();
        if !self.defines.contains_key(&key) && key.contains("::")
            || !self.defines.contains_key(&key) && !crate::types::core_types().contains_key(&key)
        {
            self.autoload(&key)?;
        }
        Ok(self.defines.get(&key).cloned())
    }

    // ----- errors -----

    fn err(&self, span: Span, message: impl Into<String>) -> Box<CompileError> {
        Box::new(self.file.error(format!("Evaluation Error: {}", message.into()), span))
    }

    // ----- statements and expressions -----

    pub(crate) fn eval_statements(&mut self, stmts: &[Expr], scope: ScopeId) -> R<Value> {
        let mut last = Value::Undef;
        for s in stmts {
            last = self.eval(s, scope)?;
        }
        Ok(last)
    }

    /// Evaluates one expression. Deep input (a recursive function, nested literals) recurses
    /// here: the stack grows as needed, and past [`MAX_EVAL_DEPTH`] the compile fails as Puppet's
    /// does ("stack level too deep") instead of taking the process down. The compile's time limit
    /// is checked here too, every few thousand expressions.
    pub(crate) fn eval(&mut self, e: &Expr, scope: ScopeId) -> R<Value> {
        if self.depth >= MAX_EVAL_DEPTH {
            return Err(self.err(e.span, "stack level too deep"));
        }
        self.tick(e.span)?;
        self.depth += 1;
        let r = stacker::maybe_grow(256 * 1024, 8 << 20, || self.eval_expr(e, scope));
        self.depth -= 1;
        r
    }

    /// Counts one step of work and, every few thousand, checks the compile's time limit. Called
    /// for every expression and for every lambda call (a loop whose body is empty evaluates no
    /// expression per turn but must still stop at the limit).
    pub(crate) fn tick(&mut self, span: Span) -> R<()> {
        self.evaluated += 1;
        if self.evaluated.is_multiple_of(4096) {
            if let Some((deadline, limit)) = self.deadline {
                if std::time::Instant::now() > deadline {
                    return Err(self.err(
                        span,
                        format!(
                            "The compile took longer than its time limit of {} seconds",
                            limit.as_secs_f64()
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    fn eval_expr(&mut self, e: &Expr, scope: ScopeId) -> R<Value> {
        Ok(match &e.kind {
            ExprKind::Undef => Value::Undef,
            ExprKind::Default => Value::Default,
            ExprKind::Bool(b) => Value::Bool(*b),
            ExprKind::Int(i) => Value::Int(*i),
            ExprKind::Float(f) => Value::Float(*f),
            ExprKind::Str(s) => Value::Str(s.clone()),
            ExprKind::BareWord(w) => Value::Str(w.clone()),
            ExprKind::Interpolated(parts) => {
                let mut out = String::new();
                for p in parts {
                    match p {
                        StrPart::Text(t) => out.push_str(t),
                        StrPart::Expr(x) => {
                            let v = self.eval(x, scope)?;
                            out.push_str(&v.to_display_string());
                        }
                    }
                }
                Value::Str(out)
            }
            ExprKind::TypeRef(name) => {
                if !types::is_data_type(name) {
                    if let Some(v) = self.resolve_alias(name, e.span)? {
                        return Ok(v);
                    }
                    // Anything else names a resource type (a Ruby type or a define).
                    let lower = name.trim_start_matches("::").to_lowercase();
                    let known = matches!(lower.as_str(), "node" | "class" | "resource")
                        || self.is_resource_type(&lower, e.span)?;
                    if !known {
                        return Err(self
                            .err(e.span, format!("Resource type not found: {}", canonical_type_name(name))));
                    }
                }
                Value::Type(TypeValue { name: canonical_type_name(name), params: vec![] })
            }
            ExprKind::Regex(r) => Value::Regex(Arc::new(
                RegexValue::new(r).map_err(|err| self.err(e.span, format!("Invalid regex /{r}/: {err}")))?,
            )),
            ExprKind::Var(name) => self.lookup_var(name, scope, e.span)?,
            ExprKind::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for it in items {
                    if let ExprKind::Splat(inner) = &it.kind {
                        match self.eval(inner, scope)? {
                            Value::Array(a) => out.extend(a),
                            other => out.push(other),
                        }
                    } else {
                        out.push(self.eval(it, scope)?);
                    }
                }
                Value::Array(out)
            }
            ExprKind::Hash(entries) => {
                let mut out = IndexMap::new();
                for (k, v) in entries {
                    let k = self.eval(k, scope)?;
                    let v = self.eval(v, scope)?;
                    out.insert(k, v);
                }
                Value::Hash(out)
            }
            ExprKind::Paren(inner) => self.eval(inner, scope)?,
            ExprKind::Block(stmts) => self.eval_statements(stmts, scope)?,
            ExprKind::Access(target, keys) => {
                let t = self.eval(target, scope)?;
                let mut ks = Vec::with_capacity(keys.len());
                for k in keys {
                    ks.push(self.eval(k, scope)?);
                }
                let key_spans: Vec<Span> = keys.iter().map(|k| k.span).collect();
                self.access(t, ks, e.span, &key_spans)?
            }
            ExprKind::Not(inner) => Value::Bool(!self.eval(inner, scope)?.truthy()),
            ExprKind::Neg(inner) => match self.eval(inner, scope)? {
                Value::Int(i) => Value::Int(-i),
                Value::Float(f) => Value::Float(-f),
                other => ops::arithmetic(BinOp::Sub, &Value::Int(0), &other).map_err(|_| {
                    self.err(
                        e.span,
                        format!("The value '{}' cannot be converted to Numeric.", ops::ruby_to_s(&other)),
                    )
                })?,
            },
            // A splat outside an argument list makes an array (`2 ** 3` is `2 * *3`).
            ExprKind::Splat(inner) => match self.eval(inner, scope)? {
                a @ Value::Array(_) => a,
                Value::Undef => Value::Array(vec![]),
                other => Value::Array(vec![other]),
            },
            ExprKind::Binary(op, l, r) => self.binary(*op, l, r, scope, e.span)?,
            ExprKind::Assign(target, value) => {
                let v = self.eval(value, scope)?;
                self.assign(target, v.clone(), scope)?;
                v
            }
            ExprKind::Relationship(..) => match self.relationship_operand(e, scope)? {
                Operand::Value(v) => v,
                Operand::Collector(_) => Value::Undef,
            },
            ExprKind::Call { name, args, lambda } => {
                self.call(name, args, lambda.as_deref(), scope, e.span)?
            }
            ExprKind::MethodCall { receiver, name, args, lambda } => {
                let mut all = vec![(**receiver).clone()];
                all.extend(args.iter().cloned());
                // The call is located from its `.`, so that what the receiver's evaluation
                // raises (located at the receiver) is not taken for the call's own failure.
                let text = self.file.text.as_bytes();
                let mut dot = receiver.span.end as usize;
                while text.get(dot).is_some_and(|b| b.is_ascii_whitespace()) {
                    dot += 1;
                }
                let call_span = Span::new(dot.min(e.span.end as usize), e.span.end as usize);
                self.call(name, &all, lambda.as_deref(), scope, call_span)
                    .map_err(|err| self.method_call_error(err, receiver, call_span))?
            }
            ExprKind::If { cond, then, otherwise } => {
                if self.eval(cond, scope)?.truthy() {
                    self.eval_statements(then, scope)?
                } else if let Some(o) = otherwise {
                    self.eval_statements(o, scope)?
                } else {
                    Value::Undef
                }
            }
            ExprKind::Unless { cond, then, otherwise } => {
                if !self.eval(cond, scope)?.truthy() {
                    self.eval_statements(then, scope)?
                } else if let Some(o) = otherwise {
                    self.eval_statements(o, scope)?
                } else {
                    Value::Undef
                }
            }
            ExprKind::Case { subject, options } => {
                let v = self.eval(subject, scope)?;
                let mut default = None;
                for opt in options {
                    for val in &opt.values {
                        if matches!(val.kind, ExprKind::Default) {
                            default = Some(&opt.body);
                            continue;
                        }
                        let o = self.eval(val, scope)?;
                        if self.case_match(&v, &o, scope) {
                            return self.eval_statements(&opt.body, scope);
                        }
                    }
                }
                match default {
                    Some(body) => self.eval_statements(body, scope)?,
                    None => Value::Undef,
                }
            }
            ExprKind::Selector { subject, options } => {
                let v = self.eval(subject, scope)?;
                let mut default = None;
                for (k, val) in options {
                    if matches!(k.kind, ExprKind::Default) {
                        default = Some(val);
                        continue;
                    }
                    let o = self.eval(k, scope)?;
                    if self.case_match(&v, &o, scope) {
                        return self.eval(val, scope);
                    }
                }
                match default {
                    Some(val) => self.eval(val, scope)?,
                    None => {
                        return Err(self.err(
                            e.span,
                            format!(
                                "No matching entry for selector parameter with value '{}'",
                                v.to_display_string()
                            ),
                        ))
                    }
                }
            }
            ExprKind::Resource { form, type_name, bodies } => {
                self.eval_resource(*form, type_name, bodies, scope, e.span)?
            }
            ExprKind::ResourceDefaults { type_name, attrs, .. } => {
                let lower = type_name.trim_start_matches("::").to_lowercase();
                if !matches!(lower.as_str(), "class" | "node" | "resource")
                    && !self.is_resource_type(&lower, e.span)?
                {
                    let shown = canonical_type_name(type_name);
                    return Err(self.err(e.span, format!("Resource type not found: {shown}")));
                }
                let key = type_name.to_lowercase();
                let mut list = Vec::new();
                for a in attrs {
                    let v = self.eval(&a.value, scope)?;
                    // A scope sets a type's default for an attribute once.
                    let set = self.scopes[scope]
                        .defaults
                        .get(&key)
                        .is_some_and(|d| d.iter().any(|(o, _)| o.name == a.name));
                    if set {
                        let mut e = self.file.error(
                            format!(
                                "Default already defined for {} {{ {} }}; cannot redefine",
                                canonical_type_name(type_name),
                                a.name
                            ),
                            e.span,
                        );
                        e.column = None;
                        return Err(Box::new(e));
                    }
                    list.push((a.clone(), v));
                }
                self.scopes[scope].defaults.entry(key).or_default().extend(list);
                Value::Undef
            }
            ExprKind::ResourceOverride { target, attrs } => {
                let t = self.eval(target, scope)?;
                self.resource_override(t, attrs, scope, e.span, false)?;
                Value::Undef
            }
            ExprKind::Collector { type_name, query, exported, attrs } => {
                self.add_collector(type_name, query.as_deref(), *exported, attrs, scope, e.span)?
            }
            ExprKind::ClassDef(_)
            | ExprKind::DefineDef(_)
            | ExprKind::NodeDef(_)
            | ExprKind::FunctionDef(_) => Value::Undef,
            ExprKind::TypeAlias { .. } | ExprKind::TypeMapping { .. } => Value::Undef,
        })
    }

    /// Whether `lower` names a resource type: a Ruby type (Puppet's or a module's) or a define.
    pub(crate) fn is_resource_type(&mut self, lower: &str, span: Span) -> R<bool> {
        Ok((!lower.contains("::") && self.resource_type(lower, span)?.is_some())
            || self.find_define(lower)?.is_some())
    }

    /// Evaluates one side of an arrow. A chain (`a -> b -> c`) is left-associative and yields
    /// its right operand, so a collector in the middle of a chain stays a collector.
    fn relationship_operand(&mut self, e: &Expr, scope: ScopeId) -> R<Operand> {
        match &e.kind {
            ExprKind::Relationship(arrow, l, r) => {
                let left = self.relationship_operand(l, scope)?;
                let right = self.relationship_operand(r, scope)?;
                for side in [&left, &right] {
                    let Operand::Value(v) = side else { continue };
                    if let Some(bad) = not_catalog_operand(v) {
                        // ILLEGAL_RELATIONSHIP_OPERAND_TYPE, at the arrow.
                        let at = self.assign_operator(l);
                        return Err(self.err(
                            at,
                            format!(
                                "Illegal relationship operand, can not form a relationship with {}. A Catalog type is required.",
                                crate::value::a_an(bad)
                            ),
                        ));
                    }
                }
                self.relationships.push(PendingRelationship {
                    arrow: *arrow,
                    left: left.clone(),
                    right: right.clone(),
                });
                // Puppet: the result is the right side, unless it is empty, then the left one
                // (`x -> [] -> y` is `x -> y`); a collector, which is empty or not only later,
                // remembers the left side as its alternative.
                Ok(match right {
                    Operand::Value(Value::Array(a))
                        if resources::flatten_ref_values(&Value::Array(a.clone())).is_empty() =>
                    {
                        left
                    }
                    Operand::Collector(i) => {
                        self.collector_alternatives.insert(i, left);
                        Operand::Collector(i)
                    }
                    other => other,
                })
            }
            ExprKind::Collector { .. } => {
                let before = self.collectors.len();
                let v = self.eval(e, scope)?;
                // An exported collector registers nothing (dropped without storeconfigs).
                Ok(if self.collectors.len() > before {
                    Operand::Collector(before)
                } else {
                    Operand::Value(v)
                })
            }
            ExprKind::Paren(inner) => self.relationship_operand(inner, scope),
            _ => Ok(Operand::Value(self.eval(e, scope)?)),
        }
    }

    /// Puppet names a failing `x.f(…)` call a "Method call" and locates it at its argument list
    /// (`(`), or at the `.` when there is none. Errors raised inside the call (in its lambda, or
    /// in a Puppet function's body) are located elsewhere and pass through unchanged.
    fn method_call_error(
        &self,
        mut err: Box<CompileError>,
        receiver: &Expr,
        span: Span,
    ) -> Box<CompileError> {
        const FUNCTION_CALL: &str = "Evaluation Error: Error while evaluating a Function Call, ";
        let (line, col) = self.file.lines.line_col(&self.file.text, span.start as usize);
        let here = err.file.as_deref() == Some(self.file.path.as_path())
            && err.line == Some(line)
            && err.column == Some(col);
        // An unknown function keeps its words but is located as a method call is.
        let message = if here && err.message.starts_with("Evaluation Error: Unknown function: ") {
            err.message.clone()
        } else {
            let Some(rest) = err.message.strip_prefix(FUNCTION_CALL).filter(|_| here) else { return err };
            format!("Evaluation Error: Error while evaluating a Method call, {rest}")
        };
        let text = self.file.text.as_bytes();
        let skip_ws = |mut at: usize| {
            while text.get(at).is_some_and(|b| b.is_ascii_whitespace()) {
                at += 1;
            }
            at
        };
        let dot = skip_ws(receiver.span.end as usize);
        let mut at = skip_ws(dot + 1);
        while text.get(at).is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b':') {
            at += 1;
        }
        let at = skip_ws(at);
        let loc = if text.get(at) == Some(&b'(') { at } else { dot };
        err = Box::new(self.file.error(message, Span::new(loc, loc + 1)));
        err
    }

    fn lookup_var(&mut self, name: &str, scope: ScopeId, span: Span) -> R<Value> {
        if let Some(rest) = name.strip_prefix("::") {
            if !rest.contains("::") {
                return match self.scopes[TOP].vars.get(rest) {
                    Some(v) => Ok(v.clone()),
                    None if self.unknown_variable_fails(rest) => {
                        Err(self.err(span, format!("Unknown variable: '{name}'.")))
                    }
                    None => Ok(Value::Undef),
                };
            }
        }
        let name = name.trim_start_matches("::");
        if let Some((class, var)) = name.rsplit_once("::") {
            let class = class.to_lowercase();
            return match self.class_scopes.get(&class) {
                Some(&s) => match lookup(&self.scopes, s, var) {
                    Some(v) => Ok(v.clone()),
                    None if self.unknown_variable_fails(name) => {
                        Err(self.err(span, format!("Unknown variable: '{name}'.")))
                    }
                    None => Ok(Value::Undef),
                },
                None => {
                    if self.unknown_variable_fails(name) {
                        return Err(self.err(span, format!("Unknown variable: '{name}'.")));
                    }
                    tracing::warn!("Could not look up qualified variable '${name}'; class {class} has not been evaluated");
                    Ok(Value::Undef)
                }
            };
        }
        match lookup(&self.scopes, scope, name) {
            Some(v) => Ok(v.clone()),
            None => {
                if self.unknown_variable_fails(name) {
                    return Err(self.err(span, format!("Unknown variable: '{name}'.")));
                }
                let (line, col) = self.file.lines.line_col(&self.file.text, span.start as usize);
                tracing::warn!(
                    "Unknown variable: '{name}'. (file: {}, line: {line}, column: {col})",
                    self.file.path.display()
                );
                Ok(Value::Undef)
            }
        }
    }

    /// Whether a reference to the unknown variable `name` is an error: under `strict_variables`
    /// or `strict = error` (Puppet's UNKNOWN_VARIABLE), except for match results (`$1`), which
    /// are undef when nothing matched, and the variables Puppet always knows.
    fn unknown_variable_fails(&self, name: &str) -> bool {
        let settings = self.env.settings();
        let numeric = !name.is_empty() && name.bytes().all(|b| b.is_ascii_digit());
        let built_in = matches!(name, "module_name" | "caller_module_name");
        !numeric && !built_in && (settings.strict_variables || settings.strict == crate::Strict::Error)
    }

    fn assign(&mut self, target: &Expr, value: Value, scope: ScopeId) -> R<()> {
        match &target.kind {
            ExprKind::Var(name) => {
                if name.contains("::") {
                    return Err(self
                        .err(target.span, format!("Cannot assign to a fully qualified variable '${name}'")));
                }
                if name.parse::<usize>().is_ok() {
                    return Err(self.err(
                        target.span,
                        format!("Illegal attempt to assign to the numeric match result variable '${name}'"),
                    ));
                }
                if matches!(name.as_str(), "facts" | "trusted" | "server_facts") {
                    let at = self.assign_operator(target);
                    return Err(
                        self.err(at, format!("Attempt to assign to a reserved variable name: '${name}'"))
                    );
                }
                let builtin = matches!(name.as_str(), "name" | "title" | "module_name");
                if builtin || self.scopes[scope].vars.contains_key(name) {
                    let what = if builtin { "built in (or already assigned) variable" } else { "variable" };
                    let at = self.assign_operator(target);
                    return Err(self.err(at, format!("Cannot reassign {what} '${name}'")));
                }
                self.scopes[scope].vars.insert(name.clone(), value);
                Ok(())
            }
            // Puppet's `assign_Array`: errors about the values point at the `=`.
            ExprKind::Array(targets) => {
                match value {
                    Value::Hash(h) => {
                        for t in targets {
                            let ExprKind::Var(n) = &t.kind else {
                                return Err(self.err(t.span, "Illegal assignment target"));
                            };
                            let Some(v) = h.get(&Value::Str(n.clone())).cloned() else {
                                let at = self.assign_operator(target);
                                return Err(self.err(
                                at,
                                format!("No value for required key '{n}' in assignment to variables from hash"),
                            ));
                            };
                            self.assign(t, v, scope)?;
                        }
                        Ok(())
                    }
                    Value::Resource { type_name, title } if type_name == "Class" => {
                        let class = title.trim_start_matches("::").to_lowercase();
                        let params = [Value::Str(title.clone())];
                        let Some(&cs) = self.class_scopes.get(&class) else {
                            let at = self.assign_operator(target);
                            let title = params[0].to_display_string();
                            return Err(self.err(at, format!("Resource not found: Class['{title}']")));
                        };
                        for t in targets {
                            let ExprKind::Var(n) = &t.kind else {
                                return Err(self.err(t.span, "Illegal assignment target"));
                            };
                            let Some(v) = self.scopes[cs].vars.get(n).cloned() else {
                                return Err(self.err(
                                t.span,
                                format!(
                                    "No value for required variable '${class}::{n}' in assignment to variables from class reference"
                                ),
                            ));
                            };
                            self.assign(t, v, scope)?;
                        }
                        Ok(())
                    }
                    other => {
                        let vals = match other {
                            Value::Array(vals) => vals,
                            one => vec![one],
                        };
                        if vals.len() != targets.len() {
                            let at = self.assign_operator(target);
                            return Err(self.err(
                                at,
                                format!(
                                    "Mismatched number of assignable entries and values, expected {}, got {}",
                                    targets.len(),
                                    vals.len()
                                ),
                            ));
                        }
                        for (t, v) in targets.iter().zip(vals) {
                            self.assign(t, v, scope)?;
                        }
                        Ok(())
                    }
                }
            }
            _ => Err(self.err(target.span, "Illegal attempt to assign to a value that is not a variable")),
        }
    }

    /// The operator after `target` (`=`, `->`), where Puppet locates assignment and relationship
    /// errors.
    fn assign_operator(&self, target: &Expr) -> Span {
        let text = self.file.text.as_bytes();
        let mut at = target.span.end as usize;
        while text.get(at).is_some_and(|b| b.is_ascii_whitespace()) {
            at += 1;
        }
        Span::new(at, at + 1)
    }

    fn binary(&mut self, op: BinOp, l: &Expr, r: &Expr, scope: ScopeId, span: Span) -> R<Value> {
        match op {
            BinOp::And => {
                let a = self.eval(l, scope)?;
                return Ok(Value::Bool(a.truthy() && self.eval(r, scope)?.truthy()));
            }
            BinOp::Or => {
                let a = self.eval(l, scope)?;
                return Ok(Value::Bool(a.truthy() || self.eval(r, scope)?.truthy()));
            }
            _ => {}
        }
        let a = self.eval(l, scope)?;
        let b = self.eval(r, scope)?;
        Ok(match op {
            BinOp::Eq => Value::Bool(puppet_eq(&a, &b)),
            BinOp::Ne => Value::Bool(!puppet_eq(&a, &b)),
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge
                if matches!(a, Value::Type(_) | Value::Resource { .. })
                    && matches!(b, Value::Type(_) | Value::Resource { .. }) =>
            {
                let op_text = match op {
                    BinOp::Lt => "<",
                    BinOp::Le => "<=",
                    BinOp::Gt => ">",
                    _ => ">=",
                };
                Value::Bool(types::compare_types(&a, &b, op_text).unwrap_or(false))
            }
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                let ord = ops::compare(&a, &b).map_err(|detail| {
                    let op_text = match op {
                        BinOp::Lt => "<",
                        BinOp::Le => "<=",
                        BinOp::Gt => ">",
                        _ => ">=",
                    };
                    // Located at the operator, as Puppet locates a binary expression.
                    let text = self.file.text.as_bytes();
                    let mut at = l.span.end as usize;
                    while text.get(at).is_some_and(|b| b.is_ascii_whitespace()) {
                        at += 1;
                    }
                    self.err(
                        Span::new(at, at + 1),
                        format!(
                            "Comparison of: {} {op_text} {}, is not possible. Caused by '{detail}'.",
                            crate::value::label(&a),
                            crate::value::label(&b)
                        ),
                    )
                })?;
                use std::cmp::Ordering::*;
                Value::Bool(match op {
                    BinOp::Lt => ord == Less,
                    BinOp::Le => ord != Greater,
                    BinOp::Gt => ord == Greater,
                    _ => ord != Less,
                })
            }
            BinOp::Match | BinOp::NoMatch => {
                let m = self.match_value(&a, &b, scope, l.span, r.span)?;
                Value::Bool(if op == BinOp::Match { m } else { !m })
            }
            BinOp::In => Value::Bool(ops::in_op(&a, &b)),
            _ if self.env.settings().strict == crate::Strict::Error
                && !matches!(a, Value::Array(_) | Value::Hash(_))
                && ops::coerced(&a, &b).is_some() =>
            {
                // Puppet's NUMERIC_COERCION, an error under `strict = error`.
                let (which, before, after) = ops::coerced(&a, &b).expect("checked");
                let at = if which == 0 { l.span } else { r.span };
                return Err(self.err(
                    at,
                    format!("The string '{before}' was automatically coerced to the numerical value {after}"),
                ));
            }
            _ => ops::arithmetic(op, &a, &b).map_err(|e| match e {
                ops::ArithError::Left(m) => self.err(l.span, m),
                ops::ArithError::Right(m) => self.err(r.span, m),
                ops::ArithError::Op(m) => {
                    // Puppet locates a binary expression at its operator.
                    let text = self.file.text.as_bytes();
                    let mut at = l.span.end as usize;
                    while text.get(at).is_some_and(|b| b.is_ascii_whitespace()) {
                        at += 1;
                    }
                    self.err(Span::new(at, at + 1), m)
                }
                ops::ArithError::Other(m) => self.err(span, m),
            })?,
        })
    }

    /// `=~`: a regex (sets `$0…$n`), a regex in a string, or a type.
    fn match_value(&mut self, a: &Value, b: &Value, scope: ScopeId, left: Span, span: Span) -> R<bool> {
        let not_string = |c: &Self| {
            c.err(
                left,
                format!("Left match operand must result in a String value. Got {}.", crate::value::a_an(a)),
            )
        };
        match b {
            Value::Regex(re) => {
                let Value::Str(s) = a else { return Err(not_string(self)) };
                Ok(self.regex_match(re, s, scope))
            }
            Value::Str(pat) => {
                let re = RegexValue::new(pat).map_err(|e| self.err(span, format!("Invalid regex: {e}")))?;
                let Value::Str(s) = a else { return Err(not_string(self)) };
                Ok(self.regex_match(&re, s, scope))
            }
            Value::Type(_) | Value::Resource { .. } => Ok(types::is_instance_of(a, b)),
            // Ruby's words for a right operand that is not a pattern.
            other => Err(self.err(
                span,
                format!(
                    "Can not convert right match operand to a regular expression. Caused by 'no implicit conversion of {} into String'.",
                    match other {
                        Value::Int(_) => "Integer",
                        Value::Float(_) => "Float",
                        Value::Bool(true) => "true",
                        Value::Bool(false) => "false",
                        Value::Undef => "nil",
                        Value::Default => "Symbol",
                        Value::Array(_) => "Array",
                        Value::Hash(_) => "Hash",
                        _ => other.type_name(),
                    }
                ),
            )),
        }
    }

    fn regex_match(&mut self, re: &RegexValue, s: &str, scope: ScopeId) -> bool {
        match re.captures(s) {
            Some(caps) => {
                let vals = caps.into_iter().map(|m| m.map(Value::Str).unwrap_or(Value::Undef)).collect();
                self.scopes[scope].matches = Some(vals);
                true
            }
            None => false,
        }
    }

    /// Whether a case/selector option matches the subject.
    fn case_match(&mut self, v: &Value, option: &Value, scope: ScopeId) -> bool {
        match option {
            Value::Regex(re) => match v {
                Value::Str(s) => self.regex_match(re, s, scope),
                _ => false,
            },
            Value::Type(t) if !matches!(v, Value::Type(_)) => types::is_instance(v, t),
            // Arrays match element-wise (each element as a case option), not as alternatives.
            Value::Array(opts) => match v {
                Value::Array(vs) if vs.len() == opts.len() => {
                    let (vs, opts) = (vs.clone(), opts.clone());
                    vs.iter().zip(opts.iter()).all(|(x, o)| self.case_match(x, o, scope))
                }
                _ => false,
            },
            other => puppet_eq(v, other),
        }
    }

    /// `target[keys]`; Puppet points at the whole expression for a wrong number of keys and at
    /// the key for a wrong kind of key.
    fn access(&mut self, target: Value, keys: Vec<Value>, span: Span, key_spans: &[Span]) -> R<Value> {
        let key_at = |i: usize| key_spans.get(i).copied().unwrap_or(span);
        // Puppet flattens the keys of a string or array access (`'abc'[[1, 2]]` is `'abc'[1, 2]`).
        let keys = match target {
            Value::Str(_) | Value::Array(_) if keys.iter().any(|k| matches!(k, Value::Array(_))) => {
                resources::flatten_values(keys)
            }
            _ => keys,
        };
        match target {
            Value::Array(a) => {
                if keys.is_empty() || keys.len() > 2 {
                    let n = keys.len();
                    return Err(
                        self.err(span, format!("Array supports [] with one or two arguments. Got {n}"))
                    );
                }
                if let Some((i, k)) = keys.iter().enumerate().find(|(_, k)| !matches!(k, Value::Int(_))) {
                    let shown = ops::ruby_to_s(k);
                    return Err(
                        self.err(key_at(i), format!("The value '{shown}' cannot be converted to Numeric."))
                    );
                }
                let len = a.len() as i64;
                match keys.as_slice() {
                    [Value::Int(i)] => {
                        let idx = if *i < 0 { len + i } else { *i };
                        Ok(if idx >= 0 && idx < len { a[idx as usize].clone() } else { Value::Undef })
                    }
                    [Value::Int(start), Value::Int(count)] => {
                        // Ruby's `a[start, n]` is nil (Puppet's `[]`) for a start before the array.
                        if *start < 0 && len + start < 0 {
                            return Ok(Value::Array(Vec::new()));
                        }
                        let s = if *start < 0 { len + start } else { (*start).min(len) };
                        let c = if *count < 0 { (len + count + 1 - s).max(0) } else { *count };
                        let e = (s + c).min(len);
                        Ok(Value::Array(a[s as usize..e.max(s) as usize].to_vec()))
                    }
                    _ => Err(self.err(span, "Array access requires an Integer index")),
                }
            }
            Value::Hash(h) => {
                if keys.len() == 1 {
                    Ok(h.get(&keys[0]).cloned().unwrap_or(Value::Undef))
                } else {
                    Ok(Value::Array(keys.iter().filter_map(|k| h.get(k).cloned()).collect()))
                }
            }
            Value::Str(s) => {
                if keys.is_empty() || keys.len() > 2 {
                    let n = keys.len();
                    return Err(
                        self.err(span, format!("String supports [] with one or two arguments. Got {n}"))
                    );
                }
                if let Some((i, k)) = keys.iter().enumerate().find(|(_, k)| !matches!(k, Value::Int(_))) {
                    return Err(self.err(
                        key_at(i),
                        format!(
                            "A substring operation does not accept {} as a character index. Expected an Integer",
                            match k {
                                Value::Type(t) => format!("a Type[{}]", Value::Type(t.clone())),
                                Value::Regex(r) => format!("a Regexp[/{}/]", r.source),
                                Value::Undef => "an Undef".into(),
                                Value::Default => "a Default".into(),
                                other => crate::value::a_an(other),
                            }
                        ),
                    ));
                }
                let chars: Vec<char> = s.chars().collect();
                let len = chars.len() as i64;
                let (start, count) = match keys.as_slice() {
                    [Value::Int(i)] => (*i, 1),
                    [Value::Int(i), Value::Int(c)] => (*i, *c),
                    _ => return Err(self.err(span, "String access requires an Integer index")),
                };
                // Out of range is the empty string (access_operator.rb).
                let st = if start < 0 { len + start } else { start };
                if st < 0 || st > len {
                    return Ok(Value::Str(String::new()));
                }
                let c = if count < 0 { (len + count + 1 - st).max(0) } else { count };
                let e = (st + c).min(len);
                Ok(Value::Str(chars[st as usize..e as usize].iter().collect()))
            }
            Value::Undef => Err(self.err(span, "Operator '[]' is not applicable to an Undef Value.")),
            Value::Type(t) => {
                if let Some((message, at)) = types_check_params(&t.name, &keys) {
                    let at = at.map_or(span, key_at);
                    return Err(self.err(at, message));
                }
                self.type_access(t, keys, span, key_spans)
            }
            Value::Resource { type_name, title } => self.resource_attribute(&type_name, &title, &keys, span),
            other => {
                Err(self
                    .err(span, format!("Operator '[]' is not applicable to {}.", crate::value::a_an(&other))))
            }
        }
    }

    /// `Notify['a']['message']`: a parameter of a declared resource.
    fn resource_attribute(&mut self, type_name: &str, title: &str, keys: &[Value], span: Span) -> R<Value> {
        let shown = format!("{type_name}['{title}']");
        let Some(&idx) = self.index.get(&(type_name.to_string(), title.to_string())) else {
            return Err(self.err(span, format!("Resource not found: {shown}")));
        };
        let [Value::Str(name)] = keys else {
            return Err(self.err(span, format!("Operator '[]' is not applicable to a {type_name}-Type.")));
        };
        let r = &self.resources[idx];
        if let Some(v) = r.params.get(name) {
            return Ok(v.clone());
        }
        let known = match (&r.rtype, &r.define) {
            (Some(rt), _) => rt.valid_attribute(name),
            (None, Some(d)) => d.def.params.iter().any(|p| &p.name == name),
            _ => true,
        };
        if known || resources::is_metaparam(name) {
            Ok(Value::Undef)
        } else {
            Err(self.err(span, format!("The resource {shown} does not have a parameter called '{name}'")))
        }
    }

    fn type_access(&mut self, t: TypeValue, keys: Vec<Value>, span: Span, key_spans: &[Span]) -> R<Value> {
        let key_at = |i: usize| key_spans.get(i).copied().unwrap_or(span);
        if types::is_data_type(&t.name) {
            // Enum[$list], Pattern[$list] and Variant[$list] take the list's entries (Puppet
            // flattens them).
            let keys = if matches!(t.name.as_str(), "Enum" | "Pattern" | "Variant") {
                crate::eval::resources::flatten_ref_values(&Value::Array(keys))
            } else {
                keys
            };
            // A parameterised type takes new parameters in place of its own (`Integer[1][2]` is
            // `Integer[2]`, as Puppet 7 answers).
            return types::access(&t.name, &keys).map_err(|m| self.err(span, m));
        }
        let type_name = if t.name == "Resource" {
            match keys.first() {
                Some(Value::Str(s)) => {
                    let name = bunraku_model::reference::capitalize_type(s);
                    if !is_type_name(&name) {
                        return Err(self.err(
                            key_at(0),
                            format!("Illegal type reference. The given name '{name}' does not conform to the naming rule"),
                        ));
                    }
                    name
                }
                Some(Value::Type(tt)) => tt.name.clone(),
                Some(other) => {
                    return Err(self.err(
                        key_at(0),
                        format!(
                            "First argument to Resource[] must be a resource type or a String. Got {}.",
                            other.type_name()
                        ),
                    ))
                }
                None => return Err(self.err(span, "Resource[] requires a type name")),
            }
        } else {
            t.name.clone()
        };
        // `Resource[File]` is the type File (its name checked above).
        if t.name == "Resource" && keys.len() == 1 {
            return types::access("Resource", &keys).map_err(|m| self.err(span, m));
        }
        // A class reference names a class (access_operator.rb: ILLEGAL_HOSTCLASS_NAME, ILLEGAL_NAME).
        if type_name == "Class" {
            let at = if t.name == "Resource" { 1 } else { 0 };
            for (i, k) in keys.iter().enumerate().skip(at) {
                match k {
                    Value::Str(s) if !is_class_name(&s.to_lowercase()) => {
                        return Err(self.err(
                            key_at(i),
                            format!("Illegal name. The given name '{s}' does not conform to the naming rule /^((::)?[a-z_]\\w*)(::[a-z]\\w*)*$/"),
                        ))
                    }
                    Value::Str(_) | Value::Undef | Value::Array(_) | Value::Resource { .. } | Value::Type(_) => {}
                    other => {
                        return Err(self.err(
                            key_at(i),
                            format!(
                                "Illegal Class name in class reference. {} cannot be used where a String is expected",
                                a_an_uc(other)
                            ),
                        ))
                    }
                }
            }
        }
        let titles: Vec<Value> = if t.name == "Resource" { keys.into_iter().skip(1).collect() } else { keys };
        // An array of titles gives an array of references, even of one (`File[[$d]]`).
        let many = titles.len() > 1 || titles.iter().any(|k| matches!(k, Value::Array(_)));
        let mut refs = Vec::new();
        for k in titles {
            let items = match k {
                Value::Array(a) => a,
                other => vec![other],
            };
            for k in items {
                let title = match k {
                    Value::Str(s) => s,
                    Value::Resource { title, .. } => title,
                    // Puppet drops undef titles; with none left the reference is undef (`[]`
                    // for the array form), so `require => Package[$unset]` requires nothing.
                    Value::Undef => continue,
                    other => other.to_display_string(),
                };
                let title = if type_name == "Class" {
                    bunraku_model::reference::capitalize_type(&title)
                } else {
                    title
                };
                refs.push(Value::Resource { type_name: type_name.clone(), title });
            }
        }
        Ok(if refs.is_empty() && !many {
            Value::Undef
        } else if refs.len() == 1 && !many {
            refs.pop().unwrap_or(Value::Undef)
        } else {
            Value::Array(refs)
        })
    }

    // ----- nodes -----

    fn evaluate_node(&mut self) -> R<()> {
        if self.nodes.is_empty() {
            return Ok(());
        }
        let certname = self.request.certname.to_lowercase();
        let mut found: Option<(Def<NodeDef>, String, Option<Vec<Value>>)> = None;
        'exact: for n in &self.nodes {
            for m in &n.def.matchers {
                if let NodeMatcher::Name(s) = m {
                    if s.to_lowercase() == certname {
                        found = Some((n.clone(), s.to_lowercase(), None));
                        break 'exact;
                    }
                }
            }
        }
        if found.is_none() {
            'regex: for n in &self.nodes {
                for m in &n.def.matchers {
                    if let NodeMatcher::Regex(r) = m {
                        let re = RegexValue::new(r)
                            .map_err(|e| n.file.error(format!("Invalid regex /{r}/: {e}"), n.def.span))?;
                        if let Some(caps) = re.captures(&self.request.certname) {
                            let vals =
                                caps.into_iter().map(|m| m.map(Value::Str).unwrap_or(Value::Undef)).collect();
                            found = Some((n.clone(), node_regex_name(r), Some(vals)));
                            break 'regex;
                        }
                    }
                }
            }
        }
        if found.is_none() {
            for n in &self.nodes {
                if n.def.matchers.iter().any(|m| matches!(m, NodeMatcher::Default)) {
                    found = Some((n.clone(), "default".into(), None));
                    break;
                }
            }
        }
        let Some((node, name, matches)) = found else {
            return Err(Box::new(CompileError::new(format!(
                "Could not find node statement with name 'default' or '{}'",
                self.request.certname.to_lowercase()
            ))));
        };
        let main = self.scopes[TOP].resource;
        let res = self.add_plain_resource("Node", &name, bunraku_model::ResourceKind::Unknown, main);
        let mut tags = Vec::new();
        add_tag(&mut tags, "node");
        add_tag(&mut tags, &name);
        self.resources[res].tags = tags;
        self.instantiated.push(res);
        self.class_list.push(name.clone());
        let scope = self.new_scope(ScopeKind::Node, Some(TOP), Some(res));
        self.scopes[scope].matches = matches;
        let saved = std::mem::replace(&mut self.file, node.file.clone());
        let r = self.eval_statements(&node.def.body, scope);
        self.file = saved;
        r.map(|_| ())
    }

    /// How Puppet names `scope` as the source of a log line: the class, node or defined type
    /// instance whose code runs there (`Scope(Class[main])`, `Scope(Class[Foo::Bar])`,
    /// `Scope(Node[default])`, `Scope(My::Def[t1])`). A function's body runs in the top scope.
    pub(crate) fn scope_label(&self, scope: ScopeId) -> String {
        let Some(r) = scope::resource_of(&self.scopes, scope).and_then(|r| self.resources.get(r)) else {
            return "Scope(Class[main])".to_string();
        };
        let title = if r.type_name == "Class" && r.title != "main" {
            bunraku_model::reference::capitalize_type(&r.title)
        } else {
            r.title.clone()
        };
        format!("Scope({}[{title}])", r.type_name)
    }

    /// What a short-lived local scope (a lambda's, a function's, an EPP template's) could leave
    /// behind, taken before it is made.
    pub(crate) fn scope_mark(&self) -> ScopeMark {
        ScopeMark {
            scopes: self.scopes.len(),
            resources: self.resources.len(),
            collectors: self.collectors.len(),
            overrides: self.pending_overrides.len(),
            relationships: self.relationships.len(),
            ruby_calls: self.ruby.calls,
        }
    }

    /// Frees the local scopes made since `mark` when nothing can refer to them any more: no
    /// resource, collector, override or relationship was made meanwhile, no class or define scope
    /// was opened, and Ruby was not called. Lambdas are not values in Puppet, so nothing else
    /// outlives them; without this, `Integer[1, 1000000].reduce` kept a million scopes.
    pub(crate) fn reclaim_scope(&mut self, mark: ScopeMark) {
        if self.scope_mark() == (ScopeMark { scopes: self.scopes.len(), ..mark })
            && self.scopes[mark.scopes..].iter().all(|s| matches!(s.kind, ScopeKind::Local))
        {
            self.scopes.truncate(mark.scopes);
        }
    }

    pub(crate) fn new_scope(
        &mut self,
        kind: ScopeKind,
        parent: Option<ScopeId>,
        resource: Option<usize>,
    ) -> ScopeId {
        self.scopes.push(Scope::new(kind, parent, resource));
        self.scopes.len() - 1
    }
}

/// `a::b` inside class `x` is `x::a::b`.
fn qualify(prefix: &str, name: &str) -> String {
    let name = name.trim_start_matches("::").to_lowercase();
    if prefix.is_empty() {
        name
    } else {
        format!("{prefix}::{name}")
    }
}

/// Puppet's name for a regex node: `__node_regexp__` + the source without non-word characters.
fn node_regex_name(source: &str) -> String {
    let cleaned: String = source
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | ':' | '.'))
        .collect();
    format!("__node_regexp__{}", cleaned.trim_start_matches('.'))
}

/// Adds a tag (lower-cased, with its `::` segments) if not present.
pub(crate) fn add_tag(tags: &mut Vec<String>, tag: &str) {
    let t = tag.to_lowercase();
    if !tags.contains(&t) {
        tags.push(t.clone());
    }
    if t.contains("::") {
        for seg in t.split("::") {
            if !seg.is_empty() && !tags.iter().any(|x| x == seg) {
                tags.push(seg.to_string());
            }
        }
    }
}

/// Type names as Puppet canonicalises them (`file` → `File`, `nginx::web` → `Nginx::Web`).
fn canonical_type_name(name: &str) -> String {
    if types::is_data_type(name) {
        return name.to_string();
    }
    bunraku_model::reference::capitalize_type(name)
}

/// A fact or JSON value as a Puppet value.
pub(crate) fn from_json(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Undef,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => Value::Float(n.as_f64().unwrap_or(0.0)),
        },
        serde_json::Value::String(s) => Value::Str(s.clone()),
        serde_json::Value::Array(a) => Value::Array(a.iter().map(from_json).collect()),
        serde_json::Value::Object(o) => {
            Value::Hash(o.iter().map(|(k, v)| (Value::Str(k.clone()), from_json(v))).collect())
        }
    }
}

/// Puppet's checks of a parameterized type's arguments (access_operator.rb): the error and the
/// index of the offending argument (`None`: the whole expression).
fn types_check_params(name: &str, keys: &[Value]) -> Option<(String, Option<usize>)> {
    let int_or_default = |k: &Value| matches!(k, Value::Int(_) | Value::Default);
    let num_or_default = |k: &Value| matches!(k, Value::Int(_) | Value::Float(_) | Value::Default);
    // How Puppet names an argument's type here: `Integer`, `Type[Float]`.
    let label = |k: &Value| match k {
        Value::Type(t) => format!("Type[{}]", Value::Type(t.clone())),
        other => other.type_name().to_string(),
    };
    match name {
        "Any" | "Data" | "Scalar" | "ScalarData" | "Undef" | "Default" => {
            Some((format!("Operator '[]' is not applicable to {} {name}-Type.", if name == "Any" || name == "Undef" { "an" } else { "a" }), None))
        }
        "Boolean" => keys.iter().position(|k| !matches!(k, Value::Bool(_))).map(|i| {
            (
                format!(
                    "Error creating type specialization of a Boolean-Type, Cannot use {} where TrueClass or FalseClass is expected",
                    label(&keys[i])
                ),
                Some(i),
            )
        }),
        "Regexp" => keys.iter().position(|k| !matches!(k, Value::Str(_) | Value::Regex(_))).map(|i| {
            (
                format!(
                    "Error creating type specialization of a Regexp-Type, Cannot use {} where String or Regexp is expected",
                    label(&keys[i])
                ),
                Some(i),
            )
        }),
        "Integer" | "Float" => {
            let what = if name == "Integer" { "Integer-Type" } else { "Float-Type" };
            if keys.is_empty() || keys.len() > 2 {
                return Some((
                    format!("{what} supports [] with one or two arguments (from, to). Got {}", keys.len()),
                    None,
                ));
            }
            let ok: &dyn Fn(&Value) -> bool = if name == "Integer" { &int_or_default } else { &num_or_default };
            if let Some((i, k)) = keys.iter().enumerate().find(|(_, k)| !ok(k)) {
                let need = if name == "Integer" { "integers" } else { "floats, or integers" };
                return Some((
                    format!("{what} [] requires all arguments to be {need} (or default). Got {}", ruby_class(k)),
                    Some(i),
                ));
            }
            let num = |k: &Value| match k {
                Value::Int(i) => Some(*i as f64),
                Value::Float(f) => Some(*f),
                _ => None,
            };
            if let (Some(from), Some(to)) = (keys.first().and_then(num), keys.get(1).and_then(num)) {
                if from > to {
                    return Some((
                        format!(
                            "Error while evaluating a '[]' expression, 'from' must be less or equal to 'to'. Got ({}, {}",
                            keys[0], keys[1]
                        ),
                        None,
                    ));
                }
            }
            None
        }
        "Optional" | "NotUndef" | "Sensitive" | "Type" if keys.len() > 1 => {
            Some((format!("{name}-Type[] accepts 1 argument. Got {}", keys.len()), None))
        }
        "NotUndef" | "Optional" => match keys.first() {
            Some(Value::Type(_) | Value::Str(_)) | None => None,
            Some(k) => Some((
                format!("{name}-Type[] argument must be a Type or a String. Got {}", k.type_name()),
                Some(0),
            )),
        },
        "Type" => match keys.first() {
            Some(Value::Type(_)) | None => None,
            Some(k) => Some((format!("Type-Type[] arguments must be types. Got {}", k.type_name()), Some(0))),
        },
        "Array" | "Hash" => {
            // The element type (key and value types): types, unless the size comes first.
            let typed = if name == "Array" { 1 } else { 2 };
            if !matches!(keys.first(), Some(Value::Int(_)) | None) {
                if let Some((i, k)) = keys.iter().enumerate().take(typed).find(|(_, k)| !matches!(k, Value::Type(_))) {
                    return Some((format!("{name}-Type[] arguments must be types. Got {}", ruby_class(k)), Some(i)));
                }
            }
            // The size constraint: the arguments after the element (or key and value) types.
            let types = keys.iter().take_while(|k| matches!(k, Value::Type(_))).count();
            let rest = &keys[types..];
            rest.iter().position(|k| !int_or_default(k)).map(|i| {
                (
                    format!(
                        "A Type's size constraint arguments must be a single Integer type, or 1-2 integers (or default). Got {}",
                        crate::value::a_an(&rest[i])
                    ),
                    Some(types + i),
                )
            })
        }
        _ => None,
    }
}

/// Puppet's rule for a class name (`Patterns::NAME`), of the lower-cased name.
fn is_class_name(name: &str) -> bool {
    let name = name.strip_prefix("::").unwrap_or(name);
    name.split("::").enumerate().all(|(i, seg)| {
        let mut chars = seg.chars();
        match chars.next() {
            Some(c) if c.is_ascii_lowercase() || (i == 0 && c == '_') => {
                chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
            }
            _ => false,
        }
    })
}

/// Puppet's rule for a type reference (`Patterns::CLASSREF_EXT`): capitalised segments.
fn is_type_name(name: &str) -> bool {
    let name = name.strip_prefix("::").unwrap_or(name);
    name.split("::").all(|seg| {
        let mut chars = seg.chars();
        matches!(chars.next(), Some(c) if c.is_ascii_uppercase())
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// [`crate::value::a_an`] capitalised: "An Integer".
fn a_an_uc(v: &Value) -> String {
    let s = crate::value::a_an(v);
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => s,
    }
}

/// The first value of a relationship operand that cannot be in a relationship (a number, a
/// boolean, a hash, …): only references, types, strings and undef can.
fn not_catalog_operand(v: &Value) -> Option<&Value> {
    match v {
        Value::Array(items) => items.iter().find_map(not_catalog_operand),
        Value::Int(_)
        | Value::Float(_)
        | Value::Bool(_)
        | Value::Hash(_)
        | Value::Regex(_)
        | Value::Default => Some(v),
        _ => None,
    }
}

/// The Ruby class of a value's Puppet representation, as some of Puppet's messages name it.
fn ruby_class(v: &Value) -> String {
    match v {
        Value::Undef => "NilClass".into(),
        Value::Default => "Symbol".into(),
        Value::Bool(true) => "TrueClass".into(),
        Value::Bool(false) => "FalseClass".into(),
        Value::Type(t) => format!("Puppet::Pops::Types::P{}Type", t.name),
        other => other.type_name().into(),
    }
}
