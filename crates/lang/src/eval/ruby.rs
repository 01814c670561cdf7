//! The compiler's side of the Ruby that modules carry (the `bunraku-ruby` bridge): ERB templates,
//! functions written against Puppet's 4.x and 3.x APIs, and the callbacks Ruby code makes into
//! the compile (variables, functions, lambdas, the type system, the catalog).
//!
//! A compile takes a Ruby session on its first need (manifests without Ruby start no worker) and
//! keeps it to the end. Ruby sees the compile's scopes by their index here; blocks are the
//! lambdas of the calling Puppet code, by a handle valid during the call that passed them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::SystemTime;

use bunraku_ruby::{Bridge, Host, RubyError, Session, TypeRef, Value as RValue};
use indexmap::IndexMap;

use super::scope::{lookup, resource_of, ScopeKind};
use super::{Compiler, R, TOP};
use crate::ast::Lambda;
use crate::error::CompileError;
use crate::span::Span;
use crate::value::{RegexValue, TypeValue, Value};

/// The Puppet version module code sees (`Puppet.version`): the one whose catalogs we produce.
pub(crate) const PUPPET_VERSION: &str = "7.23.0";

/// The Ruby files of one module, by name.
pub(crate) struct ModuleRuby {
    dir: PathBuf,
    functions4: std::collections::HashSet<String>,
    functions3: std::collections::HashSet<String>,
    types: std::collections::HashSet<String>,
}

/// Per-compile Ruby state.
#[derive(Default)]
pub(crate) struct RubyState {
    /// The modules' Ruby files, listed on first need.
    index: Option<Rc<Vec<ModuleRuby>>>,
    session: Option<Rc<Session<'static>>>,
    /// Ruby functions by name, resolved once per compile (`None`: there is none).
    functions: HashMap<String, Option<Rc<RubyFunction>>>,
    /// Lambdas handed to Ruby, by handle: the lambda and the scope it closes over.
    blocks: Vec<(Lambda, usize)>,
    /// Resource types from modules, by name, found so far (`None`: there is none).
    types: HashMap<String, Option<Arc<crate::types::ResourceTypeInfo>>>,
    /// How many of the top scope's variables the worker has been given (they are only ever
    /// added to).
    top_sent: usize,
    /// The exception a Ruby function raised, with the compile error made of it: when Ruby
    /// called that function (`call_function`), it gets the exception itself back, with its
    /// backtrace, as it does in Puppet.
    raised: Option<(String, RubyError)>,
    /// How many calls into Ruby this compile made: Ruby may keep what it learnt of a scope by
    /// its index, so a scope Ruby has seen is never reclaimed (`Compiler::reclaim_scope`).
    pub(crate) calls: u64,
}

/// A function written in Ruby, found on the modulepath.
#[derive(Debug)]
pub(crate) enum RubyFunction {
    /// `lib/puppet/functions/**.rb` (`Puppet::Functions.create_function`).
    V4 { file: PathBuf, name: String, meta: Arc<Function4Meta> },
    /// `lib/puppet/parser/functions/<name>.rb` (`Puppet::Parser::Functions.newfunction`).
    V3 { file: PathBuf, name: String, arity: i64 },
}

/// What a 4.x function declares: its dispatches, in order.
#[derive(Debug)]
pub(crate) struct Function4Meta {
    /// The function overrides `call`: it is called through it, not dispatched here.
    pub custom_call: bool,
    pub dispatches: Vec<Dispatch>,
    pub local_types: Vec<String>,
}

/// One dispatch of a 4.x function.
#[derive(Debug)]
pub(crate) struct Dispatch {
    pub method: String,
    pub types: Vec<String>,
    pub names: Vec<String>,
    pub min: usize,
    /// `None`: the last parameter repeats.
    pub max: Option<usize>,
    pub block_type: Option<String>,
    pub block_name: Option<String>,
    pub block_optional: bool,
    pub return_type: Option<String>,
}

/// Something known of a file for as long as its modification time and size stay the same.
type StampCache<T> = Mutex<HashMap<PathBuf, (SystemTime, u64, T)>>;

/// 4.x metadata by file, for every compile of the process.
fn meta_cache() -> &'static StampCache<Arc<Function4Meta>> {
    static CACHE: OnceLock<StampCache<Arc<Function4Meta>>> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

/// The variables each ERB template reads (`None`: it reads them dynamically, give it all),
/// known after its first rendering in this process.
fn template_vars_cache() -> &'static StampCache<Option<Vec<String>>> {
    static CACHE: OnceLock<StampCache<Option<Vec<String>>>> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

fn file_stamp(path: &Path) -> Option<(SystemTime, u64)> {
    let md = std::fs::metadata(path).ok()?;
    Some((md.modified().ok()?, md.len()))
}

fn rstr(s: &str) -> RValue {
    RValue::Str(s.to_string())
}

fn s(v: &str) -> Value {
    Value::Str(v.to_string())
}

// ----- values -----

/// A value as Ruby code receives it.
pub(crate) fn to_ruby(v: &Value) -> RValue {
    match v {
        Value::Undef => RValue::Undef,
        Value::Default => RValue::Default,
        Value::Bool(b) => RValue::Bool(*b),
        Value::Int(i) => RValue::Int(*i),
        Value::Float(f) => RValue::Float(*f),
        Value::Str(x) => RValue::Str(x.clone()),
        Value::Regex(r) => RValue::Regexp(r.source.clone()),
        Value::Array(a) => RValue::Array(a.iter().map(to_ruby).collect()),
        Value::Hash(h) => RValue::Hash(h.iter().map(|(k, v)| (to_ruby(k), to_ruby(v))).collect()),
        Value::Sensitive(x) => RValue::Sensitive(Box::new(to_ruby(x))),
        Value::Iterator(i) => RValue::Array(i.items.iter().map(to_ruby).collect()),
        // Puppet's class reference holds the name as written, lower case, and prints it bare.
        Value::Resource { type_name, title } if type_name == "Class" => {
            let name = title.to_lowercase();
            RValue::Type(TypeRef::class(Some(&name), format!("Class[{name}]")))
        }
        Value::Resource { type_name, title } => {
            RValue::Type(TypeRef::resource(type_name, Some(title), format!("{type_name}['{title}']")))
        }
        Value::Type(t) => RValue::Type(type_ref(t)),
    }
}

thread_local! {
    /// Type values handed to Ruby, by the string form Ruby holds: a type Ruby gives back is the
    /// very value it was given (its string form need not parse back, e.g. a Pattern's regexp).
    static SENT_TYPES: std::cell::RefCell<HashMap<String, TypeValue>> = Default::default();
}

fn type_ref(t: &TypeValue) -> TypeRef {
    let repr = Value::Type(t.clone()).to_string();
    SENT_TYPES.with(|sent| {
        let mut sent = sent.borrow_mut();
        if sent.len() > 10_000 {
            sent.clear();
        }
        sent.entry(repr.clone()).or_insert_with(|| t.clone());
    });
    if t.name == "Class" {
        let name = match t.params.first() {
            Some(Value::Str(n)) => Some(n.as_str()),
            _ => None,
        };
        return TypeRef::class(name, repr);
    }
    if t.name == "Resource" {
        let type_name = t.params.first().map(Value::to_display_string);
        let title = t.params.get(1).map(Value::to_display_string);
        let mut r = TypeRef::resource(type_name.as_deref().unwrap_or(""), title.as_deref(), repr);
        if type_name.is_none() {
            r.attributes[0].1 = RValue::Undef;
        }
        return r;
    }
    if !super::types::is_data_type(&t.name) && !t.name.contains("::") {
        // A resource type (`File`), possibly with a title.
        let title = t.params.first().map(Value::to_display_string);
        return TypeRef::resource(&t.name, title.as_deref(), repr);
    }
    TypeRef::named(&t.name, repr)
}

impl<'e> Compiler<'e> {
    /// A value Ruby code returned, as the compiler's.
    pub(crate) fn value_from_ruby(&mut self, v: RValue, span: Span) -> R<Value> {
        Ok(match v {
            RValue::Undef => Value::Undef,
            RValue::Default => Value::Default,
            RValue::Bool(b) => Value::Bool(b),
            RValue::Int(i) => Value::Int(i),
            RValue::Float(f) => Value::Float(f),
            RValue::Str(x) => Value::Str(x),
            RValue::Regexp(src) => Value::Regex(Arc::new(
                RegexValue::new(&src).map_err(|e| self.err(span, format!("Invalid regex /{src}/: {e}")))?,
            )),
            RValue::Array(a) => {
                let mut out = Vec::with_capacity(a.len());
                for x in a {
                    out.push(self.value_from_ruby(x, span)?);
                }
                Value::Array(out)
            }
            RValue::Hash(h) => {
                let mut out = IndexMap::with_capacity(h.len());
                for (k, x) in h {
                    let k = self.value_from_ruby(k, span)?;
                    let x = self.value_from_ruby(x, span)?;
                    out.insert(k, x);
                }
                Value::Hash(out)
            }
            RValue::Sensitive(x) => Value::Sensitive(Box::new(self.value_from_ruby(*x, span)?)),
            RValue::Type(t) => self.type_from_ruby(&t, span)?,
            RValue::Block { .. } => Value::Undef,
            RValue::Binary(b) => Value::Str(String::from_utf8_lossy(&b).into_owned()),
            RValue::SemVer(v) | RValue::SemVerRange(v) => Value::Str(v),
            RValue::Timespan(_) | RValue::Timestamp(_) => {
                return Err(self.err(
                    span,
                    "a Timespan or Timestamp from Ruby code, which this compiler does not represent yet",
                ))
            }
        })
    }

    fn type_from_ruby(&mut self, t: &TypeRef, span: Span) -> R<Value> {
        let text = |v: Option<&RValue>| match v {
            Some(RValue::Str(x)) => Some(x.clone()),
            _ => None,
        };
        match t.class.as_str() {
            "PResourceType" => {
                let type_name = text(t.attribute("type_name"));
                let title = text(t.attribute("title"));
                if let (Some(type_name), Some(title)) = (&type_name, &title) {
                    return Ok(Value::Resource {
                        type_name: bunraku_model::reference::capitalize_type(type_name),
                        title: title.clone(),
                    });
                }
            }
            "PClassType" => {
                if let Some(name) = text(t.attribute("class_name")) {
                    return Ok(Value::Resource { type_name: "Class".into(), title: name });
                }
            }
            _ => {}
        }
        if let Some(known) = SENT_TYPES.with(|sent| sent.borrow().get(&t.repr).cloned()) {
            return Ok(Value::Type(known));
        }
        self.parse_type(&t.repr, span)
    }

    /// A type from its string form (`Optional[String[1]]`, `Stdlib::Port`), evaluated as Puppet
    /// code in the top scope.
    pub(crate) fn parse_type(&mut self, text: &str, span: Span) -> R<Value> {
        let file = crate::source::SourceFile::parse(&self.file.path, text.to_string()).map_err(|e| {
            self.err(span, format!("The string '{text}' cannot be parsed as a type: {}", e.message))
        })?;
        let Some(expr) = file.statements.first().cloned() else {
            return Err(self.err(span, format!("The string '{text}' cannot be parsed as a type")));
        };
        let saved = std::mem::replace(&mut self.file, Arc::new(file));
        let v = self.eval(&expr, TOP);
        self.file = saved;
        match v? {
            t @ (Value::Type(_) | Value::Resource { .. }) => Ok(t),
            other => {
                Err(self.err(span, format!("The string '{text}' is not a type, it evaluates to {other}")))
            }
        }
    }

    // ----- sessions and calls -----

    fn ruby_session(&mut self) -> Rc<Session<'static>> {
        if let Some(s) = &self.ruby.session {
            return s.clone();
        }
        let modulepath =
            self.env.modulepath().iter().map(|p| RValue::Str(p.display().to_string())).collect::<Vec<_>>();
        let context = RValue::Hash(vec![
            (rstr("environment"), rstr(self.env.name())),
            (rstr("modulepath"), RValue::Array(modulepath)),
            (rstr("top_scope"), RValue::Int(TOP as i64)),
            (rstr("puppet_version"), rstr(PUPPET_VERSION)),
            (rstr("node"), rstr(&self.request.certname)),
        ]);
        let session = Rc::new(Bridge::global().session(context));
        session.set_deadline(self.deadline);
        self.ruby.session = Some(session.clone());
        session
    }

    /// Runs `op` in Ruby for code in `scope` at `span`, answering Ruby's callbacks.
    fn ruby_call(
        &mut self,
        op: &str,
        args: Vec<RValue>,
        scope: usize,
        span: Span,
        template: Option<&Path>,
    ) -> Result<RValue, RubyError> {
        let session = self.ruby_session();
        self.ruby.calls += 1;
        let mut host = RubyHost { compiler: self, scope, span, template: template.map(Path::to_path_buf) };
        session.call(op, args, &mut host)
    }

    /// The Ruby function `name` on the modulepath, as Puppet's loaders find it: for `mod::f`,
    /// module `mod`'s `lib/puppet/functions/mod/f.rb`; for `f`, the first module (in modulepath
    /// order, then by name) with `lib/puppet/functions/f.rb` or, failing that, with the 3.x
    /// `lib/puppet/parser/functions/f.rb`.
    pub(crate) fn find_ruby_function(&mut self, name: &str, span: Span) -> R<Option<Rc<RubyFunction>>> {
        if let Some(f) = self.ruby.functions.get(name) {
            return Ok(f.clone());
        }
        let found = match self.locate_ruby_function(name) {
            Some((file, true)) => Some(Rc::new(self.load_function4(&file, name, span)?)),
            Some((file, false)) => Some(Rc::new(self.load_function3(&file, name, span)?)),
            None => None,
        };
        self.ruby.functions.insert(name.to_string(), found.clone());
        Ok(found)
    }

    /// The file of Ruby function `name` and whether it is 4.x.
    fn locate_ruby_function(&mut self, name: &str) -> Option<(PathBuf, bool)> {
        let valid = |seg: &str| {
            seg.chars().next().is_some_and(|c| c.is_ascii_lowercase())
                && seg.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        };
        if !name.split("::").all(valid) {
            return None;
        }
        if let Some((module, _)) = name.split_once("::") {
            let rel = format!("lib/puppet/functions/{}.rb", name.replace("::", "/"));
            let dir = self.env.modulepath().iter().map(|d| d.join(module)).find(|d| d.is_dir())?;
            let f = dir.join(rel);
            return f.is_file().then_some((f, true));
        }
        let file = format!("{name}.rb");
        for m in self.ruby_index().iter() {
            if m.functions4.contains(&file) {
                return Some((m.dir.join("lib/puppet/functions").join(file), true));
            }
            if m.functions3.contains(&file) {
                return Some((m.dir.join("lib/puppet/parser/functions").join(file), false));
            }
        }
        None
    }

    /// What Ruby each module of the modulepath carries (its top-level function and type files),
    /// listed once per compile: a lookup by name is then a lookup, not a probe of every module.
    fn ruby_index(&mut self) -> Rc<Vec<ModuleRuby>> {
        if let Some(i) = &self.ruby.index {
            return i.clone();
        }
        let list = |dir: PathBuf| -> std::collections::HashSet<String> {
            std::fs::read_dir(dir)
                .map(|d| d.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
                .unwrap_or_default()
        };
        let index: Vec<ModuleRuby> = self
            .env
            .modules()
            .into_iter()
            .filter(|m| m.join("lib").is_dir())
            .map(|dir| ModuleRuby {
                functions4: list(dir.join("lib/puppet/functions")),
                functions3: list(dir.join("lib/puppet/parser/functions")),
                types: list(dir.join("lib/puppet/type")),
                dir,
            })
            .collect();
        let index = Rc::new(index);
        self.ruby.index = Some(index.clone());
        index
    }

    fn load_function4(&mut self, file: &Path, name: &str, span: Span) -> R<RubyFunction> {
        let stamp = file_stamp(file);
        if let Some(stamp) = stamp {
            if let Some((m, len, meta)) = meta_cache().lock().ok().and_then(|c| c.get(file).cloned()) {
                if (m, len) == stamp {
                    self.register_local_types(&meta, span)?;
                    return Ok(RubyFunction::V4 { file: file.to_path_buf(), name: name.to_string(), meta });
                }
            }
        }
        let r =
            self.ruby_call("fn4_load", vec![rstr(&file.display().to_string()), rstr(name)], TOP, span, None);
        let meta = match r {
            Ok(v) => Arc::new(parse_meta4(v)),
            Err(e) => return Err(self.ruby_error(e, span, file)),
        };
        if let (Some((m, len)), Ok(mut c)) = (stamp, meta_cache().lock()) {
            c.insert(file.to_path_buf(), (m, len, meta.clone()));
        }
        self.register_local_types(&meta, span)?;
        Ok(RubyFunction::V4 { file: file.to_path_buf(), name: name.to_string(), meta })
    }

    /// A function's `local_types` (`type 'A = B'`) are aliases while it is called.
    fn register_local_types(&mut self, meta: &Function4Meta, span: Span) -> R<()> {
        for decl in &meta.local_types {
            let text = format!("type {decl}");
            let file = crate::source::SourceFile::parse(&self.file.path, text).map_err(|e| {
                self.err(span, format!("Parsing of 'type \"{decl}\"' failed with message: <{}>.", e.message))
            })?;
            let stmts = file.statements.clone();
            self.register_definitions(&Arc::new(file), &stmts, "");
        }
        Ok(())
    }

    fn load_function3(&mut self, file: &Path, name: &str, span: Span) -> R<RubyFunction> {
        let r =
            self.ruby_call("fn3_load", vec![rstr(&file.display().to_string()), rstr(name)], TOP, span, None);
        match r {
            Ok(RValue::Hash(h)) => {
                let arity = h
                    .iter()
                    .find(|(k, _)| *k == rstr("arity"))
                    .and_then(|(_, v)| match v {
                        RValue::Int(i) => Some(*i),
                        _ => None,
                    })
                    .unwrap_or(-1);
                Ok(RubyFunction::V3 { file: file.to_path_buf(), name: name.to_string(), arity })
            }
            Ok(other) => Err(self.err(span, format!("unexpected description of {name}: {other:?}"))),
            Err(e) => Err(self.ruby_error(e, span, file)),
        }
    }

    /// Calls a Ruby function: the dispatch is chosen and the arguments checked here, as
    /// Puppet's dispatcher does, then the method runs in Ruby.
    pub(crate) fn call_ruby_function(
        &mut self,
        f: &RubyFunction,
        vals: Vec<Value>,
        lambda: Option<&Lambda>,
        scope: usize,
        span: Span,
    ) -> R<Value> {
        let fcall = |c: &Self, msg: String| c.call_err(span, msg);
        match f {
            RubyFunction::V3 { file, name, arity } => {
                let (min, max) = if *arity >= 0 {
                    (*arity as usize, Some(*arity as usize))
                } else {
                    ((-arity - 1) as usize, None)
                };
                if vals.len() < min || max.is_some_and(|m| vals.len() > m) {
                    let count = Mismatch::Count { min, max, got: vals.len() };
                    return Err(fcall(self, format!("'{name}'{}", count.format())));
                }
                if lambda.is_some() {
                    return Err(fcall(self, format!("'{name}' does not expect a block")));
                }
                let args = RValue::Array(vals.iter().map(to_ruby).collect());
                let r = self.ruby_call(
                    "fn3_call",
                    vec![rstr(&file.display().to_string()), rstr(name), RValue::Int(scope as i64), args],
                    scope,
                    span,
                    None,
                );
                match r {
                    Ok(v) => self.value_from_ruby(v, span),
                    Err(e) => Err(self.ruby_error(e, span, file)),
                }
            }
            RubyFunction::V4 { file, name, meta } => {
                let (index, dispatch) = if meta.custom_call {
                    (-1, None)
                } else {
                    let (i, d) = self.select_dispatch(name, meta, &vals, lambda.is_some(), span)?;
                    (i as i64, Some(d))
                };
                let block = match lambda {
                    Some(l) => {
                        self.ruby.blocks.push((l.clone(), scope));
                        let parameters = l
                            .params
                            .iter()
                            .map(|p| {
                                let kind = if p.captures_rest {
                                    "rest"
                                } else if p.default.is_some() {
                                    "opt"
                                } else {
                                    "req"
                                };
                                (kind.to_string(), p.name.clone())
                            })
                            .collect();
                        RValue::Block { id: (self.ruby.blocks.len() - 1) as u64, parameters }
                    }
                    None => RValue::Undef,
                };
                let args = RValue::Array(vals.iter().map(to_ruby).collect());
                let r = self.ruby_call(
                    "fn4_call",
                    vec![
                        rstr(&file.display().to_string()),
                        rstr(name),
                        RValue::Int(index),
                        RValue::Int(scope as i64),
                        args,
                        block,
                    ],
                    scope,
                    span,
                    None,
                );
                let v = match r {
                    Ok(v) => self.value_from_ruby(v, span)?,
                    Err(e) => return Err(self.ruby_error(e, span, file)),
                };
                if let Some(rt) = dispatch.and_then(|d| d.return_type.as_ref()) {
                    if let Value::Type(t) = self.parse_type(rt, span)? {
                        if !super::types::is_instance(&v, &t) {
                            return Err(fcall(
                                self,
                                format!(
                                    "value returned from function '{}' has wrong type, {}",
                                    dispatch.map(|d| d.method.as_str()).unwrap_or(name),
                                    super::types::mismatch(&v, &t)
                                ),
                            ));
                        }
                    }
                }
                Ok(v)
            }
        }
    }

    /// The first dispatch the arguments fit, or Puppet's description of why none does (its
    /// `describe_signatures`: each signature's first problem, the same problem of every
    /// signature merged into one, else one line per signature).
    fn select_dispatch<'m>(
        &mut self,
        name: &str,
        meta: &'m Function4Meta,
        vals: &[Value],
        has_block: bool,
        span: Span,
    ) -> R<(usize, &'m Dispatch)> {
        let mut arg_problems = Vec::new();
        for (i, d) in meta.dispatches.iter().enumerate() {
            let p = self.argument_mismatch(d, vals, span)?;
            if p.is_none() && block_mismatch(d, has_block).is_none() {
                return Ok((i, d));
            }
            arg_problems.push(p);
        }
        // Block problems count only where some signature takes the arguments.
        let mut problems: Vec<Mismatch> = if arg_problems.iter().all(Option::is_some) {
            arg_problems.into_iter().flatten().collect()
        } else {
            let blocks: Vec<Option<Mismatch>> =
                meta.dispatches.iter().map(|d| block_mismatch(d, has_block)).collect();
            if blocks.iter().all(Option::is_some) {
                blocks.into_iter().flatten().collect()
            } else {
                arg_problems.into_iter().zip(blocks).filter_map(|(a, b)| a.or(b)).collect()
            }
        };
        let label = format!("'{name}'");
        // Signatures print their types as Puppet's type formatter does (`Callable[1, 1]`).
        let mut shown = Vec::new();
        for d in &meta.dispatches {
            let mut types = Vec::new();
            for t in d.types.iter().chain(d.block_type.iter()) {
                types.push(match self.parse_type(t, span) {
                    Ok(v) => v.to_string(),
                    Err(_) => t.clone(),
                });
            }
            shown.push(types);
        }
        let signature = |i: usize| signature_string(&meta.dispatches[i], &shown[i]);
        let msg = match merge_mismatches(&problems) {
            Some(one) => format!("{label}{}", one.format()),
            None if meta.dispatches.len() == 1 => {
                let p = problems.remove(0);
                format!("{label} expects ({})\n  rejected:{}", signature(0), p.format())
            }
            None => {
                let mut m = format!(
                    "The function {label} was called with arguments it does not accept. It expects one of:"
                );
                for (i, p) in problems.iter().enumerate() {
                    m.push_str(&format!("\n  ({})\n    rejected:{}", signature(i), p.format()));
                }
                m
            }
        };
        Err(self.call_err(span, msg))
    }

    /// An error of the function call at `span`, worded as Puppet's evaluator words it.
    pub(crate) fn call_err(&self, span: Span, msg: impl std::fmt::Display) -> Box<CompileError> {
        self.err(span, format!("Error while evaluating a Function Call, {msg}"))
    }

    /// The first argument problem of one signature (Puppet's describe_no_block_arguments).
    fn argument_mismatch(&mut self, d: &Dispatch, vals: &[Value], span: Span) -> R<Option<Mismatch>> {
        if vals.len() < d.min || d.max.is_some_and(|m| vals.len() > m) {
            return Ok(Some(Mismatch::Count { min: d.min, max: d.max, got: vals.len() }));
        }
        for (i, v) in vals.iter().enumerate() {
            let Some(ty) = d.types.get(i).or(d.types.last()) else { break };
            if ty == "Any" {
                continue;
            }
            let Value::Type(t) = self.parse_type(ty, span)? else { continue };
            if !super::types::is_instance(v, &t) {
                let param = d.names.get(i).or(d.names.last()).cloned().unwrap_or_default();
                return Ok(Some(Mismatch::Type { param, expected: vec![t], value: v.clone() }));
            }
        }
        Ok(None)
    }

    /// Renders an ERB template (a file, or `inline` text) with Ruby's ERB in `scope`.
    pub(crate) fn render_erb(
        &mut self,
        file: Option<&Path>,
        inline: Option<&str>,
        scope: usize,
        span: Span,
    ) -> Result<String, RubyError> {
        let known = file.and_then(|f| {
            let (m, len) = file_stamp(f)?;
            let cache = template_vars_cache().lock().ok()?;
            let (cm, clen, names) = cache.get(f)?;
            (*cm == m && *clen == len).then(|| names.clone())
        });
        // A template whose variables are known gets just those. Otherwise it gets every
        // visible variable: the top scope's once per compile (what was added since the last
        // template), the enclosing scopes' with each template (undef ones too, to hide a top
        // variable of the same name), so that no template waits on a callback for them.
        let (vars, known, top) = match known {
            Some(Some(names)) => (RValue::Hash(self.template_vars(scope, Some(&names))), true, RValue::Undef),
            _ => {
                let top = &self.scopes[TOP].vars;
                let delta: Vec<(RValue, RValue)> =
                    top.iter().skip(self.ruby.top_sent).map(|(k, v)| (rstr(k), to_ruby(v))).collect();
                self.ruby.top_sent = top.len();
                let mut local = IndexMap::new();
                for id in self.scope_chain(scope).into_iter().rev().filter(|&c| c != TOP) {
                    for (k, v) in &self.scopes[id].vars {
                        local.insert(k.clone(), to_ruby(v));
                    }
                }
                (
                    RValue::Hash(local.into_iter().map(|(k, v)| (rstr(&k), v)).collect()),
                    false,
                    RValue::Hash(delta),
                )
            }
        };
        let r = self.ruby_call(
            "erb",
            vec![
                file.map(|f| rstr(&f.display().to_string())).unwrap_or(RValue::Undef),
                inline.map(rstr).unwrap_or(RValue::Undef),
                RValue::Int(scope as i64),
                vars,
                RValue::Bool(known),
                top,
            ],
            scope,
            span,
            file,
        )?;
        // The output, the variables whose arrays or hashes the template changed in place, and
        // (when they were not known) the variables it reads (undef: it reads them dynamically).
        let RValue::Array(mut parts) = r else {
            return Err(RubyError::raised("TypeError", format!("a template gave {r:?}")));
        };
        let names = parts.pop();
        let changed = parts.pop();
        let Some(RValue::Str(out)) = parts.pop() else {
            return Err(RubyError::raised("TypeError", "a template gave no String"));
        };
        if let Some(RValue::Hash(changed)) = changed {
            for (name, value) in changed {
                let RValue::Str(name) = name else { continue };
                let value = self.value_from_ruby(value, span).map_err(|e| puppet_error(&e))?;
                self.update_in_place(scope, &name, value);
            }
        }
        if let (Some(f), false) = (file, known) {
            let names = match names {
                Some(RValue::Array(a)) => Some(
                    a.into_iter()
                        .filter_map(|x| match x {
                            RValue::Str(s) => Some(s),
                            _ => None,
                        })
                        .collect(),
                ),
                _ => None,
            };
            if let (Some((m, len)), Ok(mut cache)) = (file_stamp(f), template_vars_cache().lock()) {
                cache.insert(f.to_path_buf(), (m, len, names));
            }
        }
        Ok(out)
    }

    /// A variable's array or hash that Ruby changed in place: the variable where it is defined,
    /// and the parameter of that scope's class or define that holds the same value (in Puppet
    /// the variable and the parameter are one object).
    fn update_in_place(&mut self, scope: usize, name: &str, value: Value) {
        let Some(c) = self.scope_chain(scope).into_iter().find(|&c| self.scopes[c].vars.contains_key(name))
        else {
            return;
        };
        let old = self.scopes[c].vars.insert(name.to_string(), value.clone());
        if let (Some(r), Some(old)) = (self.scopes[c].resource, old) {
            if let Some(p) = self.resources[r].params.get_mut(name) {
                if *p == old {
                    *p = value;
                }
            }
        }
    }

    /// The variables visible in `scope` as a template sees them (Puppet's `scope.to_hash`: the
    /// enclosing scopes' variables under the inner ones, undef left out), limited to `names`.
    pub(crate) fn template_vars(&self, scope: usize, names: Option<&[String]>) -> Vec<(RValue, RValue)> {
        match names {
            Some(names) => names
                .iter()
                .filter_map(|n| {
                    let v = lookup(&self.scopes, scope, n)?;
                    (!matches!(v, Value::Undef)).then(|| (rstr(n), to_ruby(v)))
                })
                .collect(),
            None => self.visible_vars(scope).into_iter().map(|(k, v)| (rstr(&k), to_ruby(&v))).collect(),
        }
    }

    /// The scopes whose variables `scope` sees, innermost first (Puppet's static scoping: a
    /// class or define continues in the enclosing node or top scope).
    fn scope_chain(&self, scope: usize) -> Vec<usize> {
        let mut chain = Vec::new();
        let mut cur = Some(scope);
        while let Some(c) = cur {
            chain.push(c);
            let sc = &self.scopes[c];
            cur = match sc.kind {
                ScopeKind::Top => None,
                ScopeKind::Local | ScopeKind::Class { inherited: true } | ScopeKind::Node => sc.parent,
                ScopeKind::Class { inherited: false } | ScopeKind::Define => {
                    let mut p = sc.parent;
                    while let Some(x) = p {
                        if matches!(self.scopes[x].kind, ScopeKind::Top | ScopeKind::Node) {
                            break;
                        }
                        p = self.scopes[x].parent;
                    }
                    p
                }
            };
        }
        chain
    }

    /// Every variable visible from `scope`, innermost winning, without undef ones.
    fn visible_vars(&self, scope: usize) -> IndexMap<String, Value> {
        let mut out = IndexMap::new();
        for id in self.scope_chain(scope).into_iter().rev() {
            for (k, v) in &self.scopes[id].vars {
                if matches!(v, Value::Undef) {
                    out.shift_remove(k);
                } else {
                    out.insert(k.clone(), v.clone());
                }
            }
        }
        out
    }

    /// A Ruby error as Puppet reports it for a function call at `span` (`file`: the Ruby file
    /// that was running, for errors that do not name their own place).
    pub(crate) fn ruby_error(&mut self, e: RubyError, span: Span, file: &Path) -> Box<CompileError> {
        let msg = match &e {
            RubyError::Raised { message, .. } => message.clone(),
            RubyError::TimedOut { .. } => format!("{e} (in {})", file.display()),
            RubyError::Died(_) | RubyError::Spawn { .. } => format!("{e} (while running {})", file.display()),
        };
        let err = self.call_err(span, msg);
        if matches!(e, RubyError::Raised { .. }) {
            self.ruby.raised = Some((err.message.clone(), e));
        }
        err
    }
}

/// Why a signature does not take the arguments (Puppet's TypeMismatchDescriber errors).
#[derive(Debug, Clone)]
enum Mismatch {
    Count { min: usize, max: Option<usize>, got: usize },
    Type { param: String, expected: Vec<TypeValue>, value: Value },
    MissingBlock,
    UnexpectedBlock,
}

impl Mismatch {
    /// The text after the function's name (it begins with a space).
    fn format(&self) -> String {
        match self {
            Mismatch::Count { min, max, got } => {
                let range = |min: usize, max: Option<usize>, zero: &str| match max {
                    Some(m) if m == min => {
                        if min == 0 {
                            zero.to_string()
                        } else {
                            min.to_string()
                        }
                    }
                    Some(m) if min == 0 => format!("at most {m}"),
                    None if min == 0 => "any number of".to_string(),
                    None => format!("at least {min}"),
                    Some(m) => format!("between {min} and {m}"),
                };
                let singular =
                    (*min == 1 && (*max == Some(1) || max.is_none())) || (*min == 0 && *max == Some(1));
                format!(
                    " expects {} argument{}, got {}",
                    range(*min, *max, "no"),
                    if singular { "" } else { "s" },
                    range(*got, Some(*got), "none")
                )
            }
            Mismatch::Type { param, expected, value } => {
                let t = if expected.len() == 1 {
                    expected[0].clone()
                } else {
                    TypeValue {
                        name: "Variant".into(),
                        params: expected.iter().cloned().map(Value::Type).collect(),
                    }
                };
                format!(" parameter '{param}' {}", super::types::mismatch(value, &t))
            }
            Mismatch::MissingBlock => " expects a block".into(),
            Mismatch::UnexpectedBlock => " does not expect a block".into(),
        }
    }
}

/// A signature's block problem (Puppet's describe_signature_block).
fn block_mismatch(d: &Dispatch, has_block: bool) -> Option<Mismatch> {
    match (&d.block_type, has_block) {
        (None, true) => Some(Mismatch::UnexpectedBlock),
        (Some(_), false) if !d.block_optional => Some(Mismatch::MissingBlock),
        _ => None,
    }
}

/// Puppet's merge_descriptions: when every signature has the same kind of problem at the same
/// place, one problem stands for all (counts widened, expected types joined).
fn merge_mismatches(problems: &[Mismatch]) -> Option<Mismatch> {
    if problems.len() == 1 {
        return problems.first().cloned();
    }
    let first = problems.first()?;
    match first {
        Mismatch::Count { .. } => {
            let mut min = usize::MAX;
            let mut max = Some(0);
            let mut got = 0;
            for p in problems {
                let Mismatch::Count { min: a, max: b, got: g } = p else { return None };
                min = min.min(*a);
                max = match (max, b) {
                    (Some(x), Some(y)) => Some(x.max(*y)),
                    _ => None,
                };
                got = *g;
            }
            Some(Mismatch::Count { min, max, got })
        }
        Mismatch::Type { param, value, .. } => {
            let mut expected = Vec::new();
            for p in problems {
                let Mismatch::Type { param: q, expected: e, .. } = p else { return None };
                if q != param {
                    return None;
                }
                expected.extend(e.iter().cloned());
            }
            Some(Mismatch::Type { param: param.clone(), expected, value: value.clone() })
        }
        Mismatch::MissingBlock | Mismatch::UnexpectedBlock => problems
            .iter()
            .all(|p| std::mem::discriminant(p) == std::mem::discriminant(first))
            .then(|| first.clone()),
    }
}

/// A signature as Puppet prints it: `String a, Integer b?, Any c*` (and its block), with its
/// parameter types (then the block's) as `types` shows them.
fn signature_string(d: &Dispatch, types: &[String]) -> String {
    let params = &types[..d.types.len().min(types.len())];
    let mut parts: Vec<String> = d
        .names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let t = params.get(i).or(params.last()).cloned().unwrap_or_default();
            let indicator = if d.max.is_none() && i + 1 == d.names.len() {
                if d.min == d.names.len() {
                    "+"
                } else {
                    "*"
                }
            } else if i >= d.min {
                "?"
            } else {
                ""
            };
            format!("{t} {n}{indicator}")
        })
        .collect();
    if let Some(b) = types.get(d.types.len()).or(d.block_type.as_ref()) {
        let name = d.block_name.as_deref().unwrap_or("block");
        parts.push(format!("{b} {name}{}", if d.block_optional { "?" } else { "" }));
    }
    parts.join(", ")
}

fn parse_meta4(v: RValue) -> Function4Meta {
    let get = |h: &[(RValue, RValue)], k: &str| h.iter().find(|(x, _)| *x == rstr(k)).map(|(_, v)| v.clone());
    let strings = |v: Option<RValue>| match v {
        Some(RValue::Array(a)) => a
            .into_iter()
            .filter_map(|x| match x {
                RValue::Str(s) => Some(s),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    let opt_str = |v: Option<RValue>| match v {
        Some(RValue::Str(s)) => Some(s),
        _ => None,
    };
    let RValue::Hash(h) = v else {
        return Function4Meta { custom_call: false, dispatches: vec![], local_types: vec![] };
    };
    let dispatches = match get(&h, "dispatches") {
        Some(RValue::Array(ds)) => ds
            .into_iter()
            .filter_map(|d| {
                let RValue::Hash(d) = d else { return None };
                let int = |k: &str| match get(&d, k) {
                    Some(RValue::Int(i)) => Some(i as usize),
                    _ => None,
                };
                Some(Dispatch {
                    method: opt_str(get(&d, "method")).unwrap_or_default(),
                    types: strings(get(&d, "types")),
                    names: strings(get(&d, "names")),
                    min: int("min").unwrap_or(0),
                    max: int("max"),
                    block_type: opt_str(get(&d, "block_type")),
                    block_name: opt_str(get(&d, "block_name")),
                    block_optional: get(&d, "block_optional") == Some(RValue::Bool(true)),
                    return_type: opt_str(get(&d, "return_type")),
                })
            })
            .collect(),
        _ => Vec::new(),
    };
    Function4Meta {
        custom_call: get(&h, "custom_call") == Some(RValue::Bool(true)),
        dispatches,
        local_types: strings(get(&h, "local_types")),
    }
}

/// The compile as Ruby code sees it.
struct RubyHost<'c, 'e> {
    compiler: &'c mut Compiler<'e>,
    /// The scope of the Puppet code that called Ruby.
    scope: usize,
    span: Span,
    /// The template being rendered, whose variable names the first `template_vars` tells.
    template: Option<PathBuf>,
}

fn puppet_error(e: &CompileError) -> RubyError {
    // Errors keep their text as Puppet would raise it into Ruby (a Puppet::ParseError).
    RubyError::raised("Puppet::ParseError", e.message.trim_start_matches("Evaluation Error: ").to_string())
}

/// A failure of a function Ruby called (`call_function`): Puppet raises the function's own
/// error into Ruby, without the "Error while evaluating a Function Call" its evaluator adds
/// for calls in manifests (errors from deeper down keep theirs).
fn called_function_error(c: &Compiler<'_>, e: &CompileError, span: Span) -> RubyError {
    let (line, column) = c.file.lines.line_col(&c.file.text, span.start as usize);
    let at_call =
        e.file.as_deref() == Some(c.file.path.as_path()) && e.line == Some(line) && e.column == Some(column);
    let text = e.message.trim_start_matches("Evaluation Error: ");
    let text = if at_call {
        text.strip_prefix("Error while evaluating a Function Call, ").unwrap_or(text)
    } else {
        text
    };
    RubyError::raised("Puppet::ParseError", text.to_string())
}

fn arg_str(args: &[RValue], i: usize) -> String {
    match args.get(i) {
        Some(RValue::Str(s)) => s.clone(),
        _ => String::new(),
    }
}

fn arg_scope(args: &[RValue], i: usize, default: usize) -> usize {
    match args.get(i) {
        Some(RValue::Int(n)) if *n >= 0 => *n as usize,
        _ => default,
    }
}

impl Host for RubyHost<'_, '_> {
    fn callback(&mut self, _: &Session<'_>, name: &str, args: Vec<RValue>) -> Result<RValue, RubyError> {
        let c = &mut *self.compiler;
        let span = self.span;
        let scope_arg = |args: &[RValue]| {
            let id = arg_scope(args, 0, self.scope);
            if id < c.scopes.len() {
                Ok(id)
            } else {
                Err(RubyError::raised("Puppet::DevError", format!("no scope {id}")))
            }
        };
        match name {
            "lookupvar" => {
                let scope = scope_arg(&args)?;
                let var = arg_str(&args, 1);
                Ok(c.qualified_var(&var, scope).map(|v| to_ruby(&v)).unwrap_or(RValue::Undef))
            }
            "var_exists" => {
                let scope = scope_arg(&args)?;
                Ok(RValue::Bool(c.qualified_var(&arg_str(&args, 1), scope).is_some()))
            }
            "setvar" => {
                let scope = scope_arg(&args)?;
                let var = arg_str(&args, 1);
                let v = c
                    .value_from_ruby(args.get(2).cloned().unwrap_or(RValue::Undef), span)
                    .map_err(|e| puppet_error(&e))?;
                if c.scopes[scope].vars.contains_key(&var) {
                    return Err(RubyError::raised(
                        "Puppet::ParseError",
                        format!("Cannot reassign variable '${var}'"),
                    ));
                }
                c.scopes[scope].vars.insert(var, v);
                Ok(RValue::Undef)
            }
            "scope_vars" => {
                let scope = scope_arg(&args)?;
                Ok(RValue::Hash(c.template_vars(scope, None)))
            }
            "template_vars" => {
                let scope = scope_arg(&args)?;
                let names: Option<Vec<String>> = match args.get(1) {
                    Some(RValue::Array(a)) => Some(
                        a.iter()
                            .filter_map(|x| match x {
                                RValue::Str(s) => Some(s.clone()),
                                _ => None,
                            })
                            .collect(),
                    ),
                    _ => None,
                };
                if let Some(t) = &self.template {
                    if let (Some((m, len)), Ok(mut cache)) = (file_stamp(t), template_vars_cache().lock()) {
                        cache.insert(t.clone(), (m, len, names.clone()));
                    }
                }
                Ok(RValue::Hash(c.template_vars(scope, names.as_deref())))
            }
            "call_function" => {
                let scope = scope_arg(&args)?;
                let fname = arg_str(&args, 1);
                let mut vals = Vec::new();
                if let Some(RValue::Array(a)) = args.get(2) {
                    for x in a.clone() {
                        vals.push(c.value_from_ruby(x, span).map_err(|e| puppet_error(&e))?);
                    }
                }
                let lambda = match args.get(3) {
                    Some(RValue::Block { id, .. }) => c.ruby.blocks.get(*id as usize).map(|(l, _)| l.clone()),
                    _ => None,
                };
                c.ruby.raised = None;
                match c.call_values(&fname, vals, lambda.as_ref(), scope, span) {
                    Ok(r) => Ok(to_ruby(&r)),
                    Err(e) => match c.ruby.raised.take() {
                        Some((message, raw)) if message == e.message => Err(raw),
                        _ => Err(called_function_error(c, &e, span)),
                    },
                }
            }
            "call_block" => {
                let id = arg_scope(&args, 0, usize::MAX);
                let Some((lambda, scope)) = c.ruby.blocks.get(id).cloned() else {
                    return Err(RubyError::raised("Puppet::DevError", format!("no block {id}")));
                };
                let mut vals = Vec::new();
                if let Some(RValue::Array(a)) = args.get(1) {
                    for x in a.clone() {
                        vals.push(c.value_from_ruby(x, span).map_err(|e| puppet_error(&e))?);
                    }
                }
                let r = c.call_lambda(&lambda, vals, scope).map_err(|e| puppet_error(&e))?;
                Ok(to_ruby(&r))
            }
            "type_parse" => {
                let t = c.parse_type(&arg_str(&args, 0), span).map_err(|e| puppet_error(&e))?;
                Ok(to_ruby(&t))
            }
            "type_instance" | "type_assignable" | "type_mismatch" => {
                let (t, v) = match name {
                    "type_mismatch" => (args.get(1).cloned(), args.get(2).cloned()),
                    _ => (args.first().cloned(), args.get(1).cloned()),
                };
                let t = c.value_from_ruby(t.unwrap_or(RValue::Undef), span).map_err(|e| puppet_error(&e))?;
                let v = c.value_from_ruby(v.unwrap_or(RValue::Undef), span).map_err(|e| puppet_error(&e))?;
                let t = match t {
                    Value::Type(t) => t,
                    Value::Resource { type_name, title } => {
                        TypeValue { name: type_name, params: vec![s(&title)] }
                    }
                    other => {
                        return Err(RubyError::raised("ArgumentError", format!("{other} is not a type")))
                    }
                };
                Ok(match name {
                    "type_instance" => RValue::Bool(super::types::is_instance(&v, &t)),
                    "type_assignable" => RValue::Bool(match &v {
                        Value::Type(other) => super::types::is_assignable(&t, other),
                        _ => false,
                    }),
                    _ => {
                        let subject = arg_str(&args, 0);
                        let m = match &v {
                            Value::Type(actual) => super::types::mismatch_types(&t, actual),
                            other => super::types::mismatch(other, &t),
                        };
                        RValue::Str(if subject.is_empty() { m } else { format!("{subject} {m}") })
                    }
                })
            }
            "type_infer" => {
                let v = c
                    .value_from_ruby(args.first().cloned().unwrap_or(RValue::Undef), span)
                    .map_err(|e| puppet_error(&e))?;
                Ok(to_ruby(&Value::Type(super::types::type_of(&v))))
            }
            "type_generalize" => {
                let t = c
                    .value_from_ruby(args.first().cloned().unwrap_or(RValue::Undef), span)
                    .map_err(|e| puppet_error(&e))?;
                Ok(match t {
                    Value::Type(mut t) => {
                        t.params.clear();
                        to_ruby(&Value::Type(t))
                    }
                    other => to_ruby(&other),
                })
            }
            "versioncmp" => {
                let a = arg_str(&args, 0);
                let b = arg_str(&args, 1);
                let zeroes = Value::Bool(args.get(2) == Some(&RValue::Bool(true)));
                let r = c
                    .call_values("versioncmp", vec![s(&a), s(&b), zeroes], None, TOP, span)
                    .map_err(|e| puppet_error(&e))?;
                Ok(to_ruby(&r))
            }
            "resource_namevar" => {
                let type_name = arg_str(&args, 0).to_lowercase();
                let namevar = match c.resource_type(&type_name, span) {
                    Ok(Some(t)) => t.namevar().to_string(),
                    _ => "name".to_string(),
                };
                Ok(rstr(&namevar))
            }
            "resource_type_name" => {
                let n = arg_str(&args, 0);
                Ok(match n.strip_prefix("class ") {
                    Some(class) => {
                        rstr(&format!("Class[{}]", bunraku_model::reference::capitalize_type(class)))
                    }
                    None => rstr(&bunraku_model::reference::capitalize_type(&n)),
                })
            }
            "find_resource" => {
                let type_name = bunraku_model::reference::capitalize_type(&arg_str(&args, 0));
                let title = arg_str(&args, 1);
                Ok(c.resource_info(&type_name, &title))
            }
            "catalog_resources" => {
                let all: Vec<RValue> = (0..c.resources.len())
                    .filter(|&i| !c.resources[i].virtual_)
                    .map(|i| {
                        let r = &c.resources[i];
                        c.resource_info(&r.type_name.clone(), &r.title.clone())
                    })
                    .collect();
                Ok(RValue::Array(all))
            }
            "catalog_classes" => Ok(RValue::Array(c.class_list.iter().map(|x| rstr(x)).collect())),
            "catalog_tags" => {
                let mut tags = Vec::new();
                for cl in &c.class_list {
                    super::add_tag(&mut tags, cl);
                }
                Ok(RValue::Array(tags.iter().map(|t| rstr(t)).collect()))
            }
            "scope_resource" => {
                let scope = scope_arg(&args)?;
                Ok(match resource_of(&c.scopes, scope) {
                    Some(i) => {
                        let (t, n) = (c.resources[i].type_name.clone(), c.resources[i].title.clone());
                        c.resource_info(&t, &n)
                    }
                    None => RValue::Undef,
                })
            }
            "scope_source" => {
                let scope = scope_arg(&args)?;
                Ok(match resource_of(&c.scopes, scope) {
                    Some(i) => {
                        let r = &c.resources[i];
                        let (kind, n) = match r.type_name.as_str() {
                            "Class" => ("hostclass", r.title.to_lowercase()),
                            "Node" => ("node", r.title.clone()),
                            t => ("definition", t.to_lowercase()),
                        };
                        let n = if n == "main" { String::new() } else { n };
                        let module = n.split("::").next().unwrap_or("").to_string();
                        RValue::Hash(vec![
                            (rstr("name"), rstr(&n)),
                            (rstr("type"), rstr(kind)),
                            (
                                rstr("module_name"),
                                if module.is_empty() { RValue::Undef } else { rstr(&module) },
                            ),
                        ])
                    }
                    None => RValue::Undef,
                })
            }
            "scope_tags" => {
                let scope = scope_arg(&args)?;
                Ok(match resource_of(&c.scopes, scope) {
                    Some(i) => RValue::Array(c.resources[i].tags.iter().map(|t| rstr(t)).collect()),
                    None => RValue::Array(vec![]),
                })
            }
            "resource_defaults" => {
                let scope = scope_arg(&args)?;
                let type_name = arg_str(&args, 1).to_lowercase();
                let defaults = super::scope::defaults_for(&c.scopes, scope, &type_name);
                Ok(RValue::Hash(defaults.into_iter().map(|(k, (_, v))| (rstr(&k), to_ruby(&v))).collect()))
            }
            "stacktrace" => {
                let line = c.file.line(span);
                Ok(RValue::Array(vec![RValue::Array(vec![
                    rstr(&c.file.path.display().to_string()),
                    RValue::Int(line as i64),
                ])]))
            }
            "to_data" => {
                let v = c
                    .value_from_ruby(args.first().cloned().unwrap_or(RValue::Undef), span)
                    .map_err(|e| puppet_error(&e))?;
                Ok(to_ruby(&to_data(&v)))
            }
            "facter_value" => {
                // Facter in the compiler answers for the machine compiling (as on a master).
                let name = arg_str(&args, 0);
                let mut parts = name.split('.');
                let first = parts.next().unwrap_or("");
                let mut v = crate::local_facts().get(first).cloned();
                for p in parts {
                    v = v.and_then(|x| match x {
                        serde_json::Value::Object(m) => m.get(p).cloned(),
                        serde_json::Value::Array(a) => {
                            p.parse::<usize>().ok().and_then(|i| a.get(i).cloned())
                        }
                        _ => None,
                    });
                }
                Ok(v.map(|j| to_ruby(&super::from_json(&j))).unwrap_or(RValue::Undef))
            }
            "format_value" => {
                let v = c
                    .value_from_ruby(args.first().cloned().unwrap_or(RValue::Undef), span)
                    .map_err(|e| puppet_error(&e))?;
                Ok(rstr(&v.to_display_string()))
            }
            other => Err(RubyError::raised(
                "NotImplementedError",
                format!("'{other}' is not available to Ruby code in Bunraku"),
            )),
        }
    }
}

/// Puppet's `to_data` for the values JSON can hold as they are; others become strings.
fn to_data(v: &Value) -> Value {
    match v {
        Value::Array(a) => Value::Array(a.iter().map(to_data).collect()),
        Value::Hash(h) => {
            Value::Hash(h.iter().map(|(k, v)| (Value::Str(k.to_display_string()), to_data(v))).collect())
        }
        Value::Undef | Value::Bool(_) | Value::Int(_) | Value::Float(_) | Value::Str(_) => v.clone(),
        other => Value::Str(other.to_string()),
    }
}

impl<'e> Compiler<'e> {
    /// `{type, title, parameters}` of a catalog resource, for Ruby's `findresource`.
    fn resource_info(&self, type_name: &str, title: &str) -> RValue {
        let Some(i) = self.find_resource(type_name, title) else {
            return RValue::Undef;
        };
        let r = &self.resources[i];
        RValue::Hash(vec![
            (rstr("type"), rstr(&r.type_name)),
            (rstr("title"), rstr(&r.title)),
            (rstr("parameters"), RValue::Hash(r.params.iter().map(|(k, v)| (rstr(k), to_ruby(v))).collect())),
        ])
    }
}

/// A value from Ruby as JSON (descriptions Ruby builds of plain data).
fn rvalue_json(v: &RValue) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        RValue::Undef => J::Null,
        RValue::Bool(b) => J::Bool(*b),
        RValue::Int(i) => J::from(*i),
        RValue::Float(f) => serde_json::Number::from_f64(*f).map(J::Number).unwrap_or(J::Null),
        RValue::Str(s) => J::String(s.clone()),
        RValue::Array(a) => J::Array(a.iter().map(rvalue_json).collect()),
        RValue::Hash(h) => J::Object(
            h.iter()
                .map(|(k, v)| {
                    let k = match k {
                        RValue::Str(s) => s.clone(),
                        other => format!("{other:?}"),
                    };
                    (k, rvalue_json(v))
                })
                .collect(),
        ),
        other => J::String(format!("{other:?}")),
    }
}

impl<'e> Compiler<'e> {
    /// The Ruby resource type `name` (lower case): one of Puppet's own, or the first
    /// `lib/puppet/type/<name>.rb` on the modulepath (as Puppet's autoloader finds it), loaded in
    /// Ruby once per environment and file version. `None`: no such type (a define, perhaps).
    pub(crate) fn resource_type(
        &mut self,
        name: &str,
        span: Span,
    ) -> R<Option<Arc<crate::types::ResourceTypeInfo>>> {
        if let Some(t) = crate::types::core_types().get(name) {
            return Ok(Some(t.clone()));
        }
        if let Some(t) = self.ruby.types.get(name) {
            return Ok(t.clone());
        }
        let valid = name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
            && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        let file = if valid {
            let rb = format!("{name}.rb");
            self.ruby_index()
                .iter()
                .find(|m| m.types.contains(&rb))
                .map(|m| m.dir.join("lib/puppet/type").join(rb))
        } else {
            None
        };
        let found = match file {
            Some(file) => Some(self.load_module_type(&file, name, span)?),
            None => None,
        };
        self.ruby.types.insert(name.to_string(), found.clone());
        Ok(found)
    }

    /// A module type this compile has already loaded (lookups by reference do not load types).
    pub(crate) fn ruby_type_known(&self, name: &str) -> Option<Arc<crate::types::ResourceTypeInfo>> {
        self.ruby.types.get(name).cloned().flatten()
    }

    fn load_module_type(
        &mut self,
        file: &Path,
        name: &str,
        span: Span,
    ) -> R<Arc<crate::types::ResourceTypeInfo>> {
        let stamp = file_stamp(file);
        if let (Some((m, len)), Ok(cache)) = (stamp, self.env.module_types.lock()) {
            if let Some((cm, clen, t)) = cache.get(file) {
                if (*cm, *clen) == (m, len) {
                    return Ok(t.clone());
                }
            }
        }
        let fail = |c: &Self, detail: String| {
            c.err(span, format!("Error while evaluating a Resource Statement, Could not autoload puppet/type/{name}: {detail}"))
        };
        let described = match self.ruby_call(
            "type_load",
            vec![rstr(&file.display().to_string()), rstr(name)],
            TOP,
            span,
            None,
        ) {
            Ok(v) => v,
            Err(RubyError::Raised { message, .. }) => return Err(fail(self, message)),
            Err(e) => return Err(fail(self, e.to_string())),
        };
        let description: crate::types::TypeDescription =
            serde_json::from_value(rvalue_json(&described)).map_err(|e| fail(self, e.to_string()))?;
        let info = Arc::new(
            crate::types::ResourceTypeInfo::from_description(description).map_err(|e| fail(self, e))?,
        );
        if let (Some((m, len)), Ok(mut cache)) = (stamp, self.env.module_types.lock()) {
            cache.insert(file.to_path_buf(), (m, len, info.clone()));
        }
        Ok(info)
    }
}
