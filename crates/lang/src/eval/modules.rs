//! What real modules need from the evaluator: Hiera (`lookup()`, automatic class parameter
//! lookup), templates (`epp`, `inline_epp`, `template`, `inline_template`), the stdlib functions
//! that touch the catalog or scope, resource types written in Ruby (known by name), and an error
//! naming a Ruby function we do not implement. Pure logic lives in `crate::hiera`,
//! `crate::templates` and `crate::functions`; this file only connects it to the compiler.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use indexmap::IndexMap;

use super::scope::{lookup, ScopeKind};
use super::{Compiler, R, TOP};
use crate::ast::{AttributeOp, Expr, ExprKind, Lambda, Param, ResourceForm};
use crate::error::CompileError;
use crate::hiera::{Hiera, Merge};
use crate::source::SourceFile;
use crate::span::Span;
use crate::templates::epp;
use crate::value::Value;

/// A translated and parsed EPP template.
struct EppTemplate {
    file: Arc<SourceFile>,
    texts: Arc<Vec<String>>,
    params: Option<Vec<Param>>,
}

/// Per-compile state for module features.
pub(crate) struct ModuleState {
    pub hiera: Hiera,
    modulepath: Vec<PathBuf>,
    /// Names of resource types written in Ruby (`lib/puppet/type/<name>.rb`) on the modulepath.
    module_types: Option<HashSet<String>>,
    epp_cache: HashMap<PathBuf, Arc<EppTemplate>>,
    /// ERB template files parsed once per compile (collectd renders one per plugin).
    erb_cache: HashMap<PathBuf, std::rc::Rc<crate::templates::erb::Program>>,
    /// Output buffers of the EPP templates being rendered (nested calls stack up), and their texts.
    epp_output: Vec<(String, Arc<Vec<String>>)>,
}

impl ModuleState {
    pub fn new(env: &crate::Environment) -> ModuleState {
        ModuleState {
            hiera: Hiera::new(env.root().map(Path::to_path_buf), env.modulepath().to_vec()),
            modulepath: env.modulepath().to_vec(),
            module_types: None,
            epp_cache: HashMap::new(),
            erb_cache: HashMap::new(),
            epp_output: Vec::new(),
        }
    }
}

fn s(v: &str) -> Value {
    Value::Str(v.to_string())
}

impl<'e> Compiler<'e> {
    /// Automatic parameter lookup: `<class>::<param>` from Hiera when the declaration does not
    /// give the parameter a value (an explicit `undef` counts as not given). Only for classes.
    pub(crate) fn lookup_class_param(
        &mut self,
        what: &str,
        param: &str,
        given: &IndexMap<String, (Value, Span)>,
        scope: usize,
    ) -> R<Option<Value>> {
        let Some(class) = what.strip_prefix("Class[").and_then(|w| w.strip_suffix(']')) else {
            return Ok(None);
        };
        if given.get(param).is_some_and(|(v, _)| !matches!(v, Value::Undef)) {
            return Ok(None);
        }
        let key = format!("{}::{param}", class.to_lowercase());
        let scopes = &self.scopes;
        let found = self.module_state.hiera.lookup(&key, None, &mut |n| lookup(scopes, scope, n).cloned());
        match found {
            Ok(Some(Value::Undef)) | Ok(None) => Ok(None),
            Ok(v) => Ok(v),
            Err(e) => Err(self.err(Span::default(), format!("Lookup of key '{key}' failed: {e}"))),
        }
    }

    /// Whether `name` is a resource type written in Ruby in some module (`concat_file`, …).
    pub(crate) fn is_module_type(&mut self, name: &str) -> bool {
        if self.module_state.module_types.is_none() {
            let mut set = HashSet::new();
            for dir in &self.module_state.modulepath {
                let Ok(modules) = std::fs::read_dir(dir) else { continue };
                for m in modules.flatten() {
                    let Ok(types) = std::fs::read_dir(m.path().join("lib/puppet/type")) else { continue };
                    for t in types.flatten() {
                        let file = t.file_name().to_string_lossy().to_string();
                        if let Some(n) = file.strip_suffix(".rb") {
                            set.insert(n.to_string());
                        }
                    }
                }
            }
            self.module_state.module_types = Some(set);
        }
        self.module_state.module_types.as_ref().is_some_and(|s| s.contains(name))
    }

    /// "Unknown function", naming the module and file when the function exists in Ruby.
    pub(crate) fn unknown_function(&self, name: &str, span: Span) -> Box<CompileError> {
        let (ns, short) = name.rsplit_once("::").unwrap_or(("", name));
        for dir in &self.module_state.modulepath {
            let Ok(modules) = std::fs::read_dir(dir) else { continue };
            for m in modules.flatten() {
                let root = m.path();
                let candidates = [
                    root.join("lib/puppet/functions").join(ns.replace("::", "/")).join(format!("{short}.rb")),
                    root.join("lib/puppet/parser/functions").join(format!("{name}.rb")),
                ];
                for c in candidates {
                    if c.is_file() {
                        return self.err(
                            span,
                            format!(
                                "Unknown function: '{name}'. It is written in Ruby ({}), which Bunraku does not run, and Bunraku has no native implementation of it",
                                c.display()
                            ),
                        );
                    }
                }
            }
        }
        self.err(span, format!("Unknown function: '{name}'."))
    }

    /// Functions for modules: Hiera, templates, stdlib. `None`: not one of them.
    pub(crate) fn call_module_function(
        &mut self,
        name: &str,
        vals: &[Value],
        lambda: Option<&Lambda>,
        scope: usize,
        span: Span,
    ) -> Option<R<Value>> {
        let fcall =
            |c: &Self, msg: String| c.err(span, format!("Error while evaluating a Function Call, {msg}"));
        Some(match name {
            "bunraku_epp_text" => {
                if let (Some(Value::Int(i)), Some((buf, texts))) =
                    (vals.first(), self.module_state.epp_output.last_mut())
                {
                    if let Some(t) = texts.get(*i as usize) {
                        buf.push_str(t);
                    }
                }
                Ok(Value::Undef)
            }
            "bunraku_epp_out" => {
                let v = vals.first().map(Value::to_display_string).unwrap_or_default();
                if let Some((buf, _)) = self.module_state.epp_output.last_mut() {
                    buf.push_str(&v);
                }
                Ok(Value::Undef)
            }
            "epp" => {
                let Some(Value::Str(path)) = vals.first() else {
                    return Some(Err(fcall(self, "'epp' parameter 'path' expects a String value".into())));
                };
                let Some(file) = self.find_template(path) else {
                    return Some(Err(fcall(self, format!("Could not find template '{path}'"))));
                };
                let args = match vals.get(1) {
                    Some(Value::Hash(h)) => Some(h.clone()),
                    _ => None,
                };
                self.render_epp_file(&file, args, scope, span)
            }
            "inline_epp" => {
                let text = vals.first().map(Value::to_display_string).unwrap_or_default();
                let args = match vals.get(1) {
                    Some(Value::Hash(h)) => Some(h.clone()),
                    _ => None,
                };
                let path = self.file.path.clone();
                self.render_epp(&path, &text, args, scope, span)
            }
            "template" | "inline_template" => {
                let mut out = String::new();
                for v in vals {
                    let piece = if name == "template" {
                        let path = v.to_display_string();
                        let Some(file) = self.find_template(&path) else {
                            return Some(Err(fcall(self, format!("Could not find template '{path}'"))));
                        };
                        self.render_erb_file(&file, scope, span).inspect(|_| trace_rendered(&file))
                    } else {
                        let path = self.file.path.clone();
                        self.render_erb(&path, &v.to_display_string(), scope, span)
                    };
                    match piece {
                        Ok(p) => out.push_str(&p),
                        Err(e) => return Some(Err(e)),
                    }
                }
                Ok(Value::Str(out))
            }
            "lookup" => self.lookup_function(vals, lambda, scope, span),
            "hiera" | "hiera_array" | "hiera_hash" | "hiera_include" => {
                let key = vals.first().map(Value::to_display_string).unwrap_or_default();
                let merge = match name {
                    "hiera_array" | "hiera_include" => Some(Merge::Unique),
                    "hiera_hash" => Some(Merge::Hash),
                    _ => None,
                };
                match self.hiera_lookup(&key, merge.as_ref(), scope, span) {
                    Err(e) => Err(e),
                    Ok(Some(v)) if name == "hiera_include" => {
                        let names: Vec<String> = match v {
                            Value::Array(a) => a.iter().map(Value::to_display_string).collect(),
                            other => vec![other.to_display_string()],
                        };
                        self.include_classes(&names, scope, span).map(|_| Value::Undef)
                    }
                    Ok(Some(v)) => Ok(v),
                    Ok(None) => match vals.get(1) {
                        Some(d) => Ok(d.clone()),
                        None => Err(fcall(
                            self,
                            format!("Function lookup() did not find a value for the name '{key}'"),
                        )),
                    },
                }
            }
            _ => return self.call_stdlib(name, vals, scope, span),
        })
    }

    fn hiera_lookup(
        &mut self,
        key: &str,
        merge: Option<&Merge>,
        scope: usize,
        span: Span,
    ) -> R<Option<Value>> {
        let scopes = &self.scopes;
        let r = self.module_state.hiera.lookup(key, merge, &mut |n| lookup(scopes, scope, n).cloned());
        r.map_err(|e| self.err(span, format!("Error while evaluating a Function Call, {e}")))
    }

    /// `lookup(name, [type], [merge], [default])`, `lookup(name, options)`, and the lambda form.
    fn lookup_function(
        &mut self,
        vals: &[Value],
        lambda: Option<&Lambda>,
        scope: usize,
        span: Span,
    ) -> R<Value> {
        let fcall =
            |c: &Self, msg: String| c.err(span, format!("Error while evaluating a Function Call, {msg}"));
        let names: Vec<String> = match vals.first() {
            Some(Value::Array(a)) => a.iter().map(Value::to_display_string).collect(),
            Some(v) => vec![v.to_display_string()],
            None => return Err(fcall(self, "'lookup' expects at least 1 argument, got none".into())),
        };
        let mut value_type = None;
        let mut merge = None;
        let mut default: Option<Value> = None;
        match vals.get(1) {
            Some(Value::Hash(opts)) if vals.len() == 2 => {
                let get = |k: &str| opts.get(&s(k)).cloned();
                if let Some(Value::Type(t)) = get("value_type") {
                    value_type = Some(t);
                }
                if let Some(m) = get("merge") {
                    merge = Some(Merge::from_value(&m).map_err(|m| fcall(self, m))?);
                }
                if opts.contains_key(&s("default_value")) {
                    default = get("default_value");
                }
            }
            _ => {
                if let Some(Value::Type(t)) = vals.get(1) {
                    value_type = Some(t.clone());
                }
                if let Some(m) = vals.get(2) {
                    if !matches!(m, Value::Undef) {
                        merge = Some(Merge::from_value(m).map_err(|m| fcall(self, m))?);
                    }
                }
                if vals.len() > 3 {
                    default = vals.get(3).cloned();
                }
            }
        }
        for n in &names {
            if let Some(v) = self.hiera_lookup(n, merge.as_ref(), scope, span)? {
                if let Some(t) = &value_type {
                    if !super::types::is_instance(&v, t) {
                        return Err(fcall(
                            self,
                            format!("Found value has wrong type, {}", super::types::mismatch(&v, t)),
                        ));
                    }
                }
                return Ok(v);
            }
        }
        if let Some(l) = lambda {
            return self.call_lambda(l, vec![s(&names[0])], scope);
        }
        match default {
            Some(d) => Ok(d),
            None => Err(fcall(
                self,
                format!("Function lookup() did not find a value for the name '{}'", names[0]),
            )),
        }
    }

    /// `mod/file` → `<modulepath>/mod/templates/file`; absolute paths as they are.
    fn find_template(&self, name: &str) -> Option<PathBuf> {
        let p = Path::new(name);
        if p.is_absolute() {
            return p.is_file().then(|| p.to_path_buf());
        }
        let (module, rest) = name.split_once('/')?;
        self.module_state
            .modulepath
            .iter()
            .map(|d| d.join(module).join("templates").join(rest))
            .find(|f| f.is_file())
    }

    fn render_epp_file(
        &mut self,
        file: &Path,
        args: Option<IndexMap<Value, Value>>,
        scope: usize,
        span: Span,
    ) -> R<Value> {
        let cached = self.module_state.epp_cache.get(file).cloned();
        let template = match cached {
            Some(t) => t,
            None => {
                let text = std::fs::read_to_string(file)
                    .map_err(|e| self.err(span, format!("Could not read {}: {e}", file.display())))?;
                let t = Arc::new(compile_epp(file, &text)?);
                self.module_state.epp_cache.insert(file.to_path_buf(), t.clone());
                t
            }
        };
        let out = self.run_epp(&template, args, scope, false, span)?;
        trace_rendered(file);
        Ok(out)
    }

    /// `inline_epp`: sees the calling scope's variables unless given arguments.
    fn render_epp(
        &mut self,
        file: &Path,
        text: &str,
        args: Option<IndexMap<Value, Value>>,
        scope: usize,
        span: Span,
    ) -> R<Value> {
        let template = compile_epp(file, text)?;
        self.run_epp(&template, args, scope, true, span)
    }

    /// Runs a template: parameters bound in a fresh scope under the top scope (or, for
    /// `inline_epp` without arguments, under the calling scope).
    fn run_epp(
        &mut self,
        t: &EppTemplate,
        args: Option<IndexMap<Value, Value>>,
        scope: usize,
        inline: bool,
        span: Span,
    ) -> R<Value> {
        let parent = if inline && args.is_none() { scope } else { TOP };
        let local = self.new_scope(ScopeKind::Local, Some(parent), None);
        let args = args.unwrap_or_default();
        let caller = std::mem::replace(&mut self.file, t.file.clone());
        let result = (|| {
            match &t.params {
                Some(params) => {
                    for k in args.keys() {
                        let k = k.to_display_string();
                        if !params.iter().any(|p| p.name == k) {
                            return Err(Box::new(caller.error(
                                format!("Evaluation Error: Error while evaluating a Function Call, {} has no parameter named '{k}'", template_name(&t.file.path)),
                                span,
                            )));
                        }
                    }
                    for p in params {
                        let v = match args.get(&s(&p.name)) {
                            Some(v) => v.clone(),
                            None => match &p.default {
                                Some(d) => self.eval(d, local)?,
                                None => {
                                    return Err(Box::new(caller.error(
                                        format!("Evaluation Error: Error while evaluating a Function Call, {} expects a value for parameter '{}'", template_name(&t.file.path), p.name),
                                        span,
                                    )))
                                }
                            },
                        };
                        if let Some(te) = &p.type_expr {
                            if let Value::Type(tv) = self.eval(te, local)? {
                                if !super::types::is_instance(&v, &tv) {
                                    return Err(Box::new(caller.error(
                                        format!(
                                            "Evaluation Error: Error while evaluating a Function Call, {} parameter '{}' {}",
                                            template_name(&t.file.path),
                                            p.name,
                                            super::types::mismatch(&v, &tv)
                                        ),
                                        span,
                                    )));
                                }
                            }
                        }
                        self.scopes[local].vars.insert(p.name.clone(), v);
                    }
                }
                None => {
                    for (k, v) in &args {
                        self.scopes[local].vars.insert(k.to_display_string(), v.clone());
                    }
                }
            }
            self.module_state.epp_output.push((String::new(), t.texts.clone()));
            let r = self.eval_statements(&t.file.statements, local);
            let (out, _) = self.module_state.epp_output.pop().unwrap_or_default();
            r.map(|_| Value::Str(out))
        })();
        self.file = caller;
        result
    }

    /// Renders an ERB template file, parsed once per compile (collectd renders one per plugin).
    fn render_erb_file(&mut self, file: &Path, scope: usize, span: Span) -> R<String> {
        let program = match self.module_state.erb_cache.get(file) {
            Some(p) => p.clone(),
            None => {
                let text = std::fs::read_to_string(file).map_err(|e| {
                    self.err(
                        span,
                        format!(
                            "Error while evaluating a Function Call, Could not read {}: {e}",
                            file.display()
                        ),
                    )
                })?;
                let program =
                    crate::templates::erb::compile(&text).map_err(|e| self.erb_error(file, e, span))?;
                let program = std::rc::Rc::new(program);
                self.module_state.erb_cache.insert(file.to_path_buf(), program.clone());
                program
            }
        };
        let mut host = ErbHost { compiler: self, scope, span };
        crate::templates::erb::run(&program, &mut host).map_err(|e| self.erb_error(file, e, span))
    }

    /// Renders an ERB template with the Ruby-subset interpreter.
    fn render_erb(&mut self, file: &Path, text: &str, scope: usize, span: Span) -> R<String> {
        let mut host = ErbHost { compiler: self, scope, span };
        crate::templates::erb::render(file, text, &mut host).map_err(|e| self.erb_error(file, e, span))
    }

    /// Puppet's report of a template failure, located at the calling statement.
    fn erb_error(&self, file: &Path, e: crate::templates::erb::ErbError, span: Span) -> Box<CompileError> {
        let mut err = CompileError::new(format!(
            "Evaluation Error: Error while evaluating a Function Call, Failed to parse template {}:\n  Filepath: {}\n  Line: {}\n  Detail: {}\n",
            // Puppet names an ERB template here without quotes.
            template_name(file).trim_matches('\''),
            file.display(),
            e.line,
            e.message
        ));
        err.file = Some(self.file.path.clone());
        let (line, column) = self.file.lines.line_col(&self.file.text, span.start as usize);
        err.line = Some(line);
        err.column = Some(column);
        Box::new(err)
    }

    /// Declares resources unless they exist (`ensure_resource`, `ensure_packages`).
    pub(crate) fn ensure_resource(
        &mut self,
        type_name: &str,
        titles: &[String],
        params: &IndexMap<Value, Value>,
        scope: usize,
        span: Span,
    ) -> R<()> {
        let type_name = type_name.trim_start_matches("::").to_lowercase();
        let cap = bunraku_model::reference::capitalize_type(&type_name);
        for title in titles {
            if let Some(&idx) = self.index.get(&(cap.clone(), title.clone())) {
                // Puppet's defined_with_params: an existing resource with the same parameters is fine.
                let existing = &self.resources[idx].params;
                let same = params.iter().all(|(k, v)| {
                    let k = k.to_display_string();
                    matches!(v, Value::Undef) && !existing.contains_key(&k)
                        || existing.get(&k).is_some_and(|e| crate::value::puppet_eq(e, v))
                });
                if same {
                    continue;
                }
            }
            let dummy = Expr::new(ExprKind::Undef, span);
            let attrs: Vec<(AttributeOp, Value)> = params
                .iter()
                .map(|(k, v)| {
                    (
                        AttributeOp {
                            name: k.to_display_string(),
                            append: false,
                            value: dummy.clone(),
                            span,
                        },
                        v.clone(),
                    )
                })
                .collect();
            if type_name == "class" {
                self.declare_class_resource_like(title, &attrs, scope, span)?;
            } else {
                self.declare_resource(&type_name, title, &attrs, ResourceForm::Regular, scope, span, span)?;
            }
        }
        Ok(())
    }

    /// `getvar('a::b')`, `fact('os.family')` helpers: a qualified variable.
    pub(crate) fn qualified_var(&self, name: &str, scope: usize) -> Option<Value> {
        let name = name.trim_start_matches("::");
        match name.rsplit_once("::") {
            Some((class, var)) => {
                let sc = *self.class_scopes.get(&class.to_lowercase())?;
                self.scopes[sc].vars.get(var).cloned()
            }
            None => lookup(&self.scopes, scope, name).cloned(),
        }
    }
}

/// Puppet's debug line for a template file it rendered; tests also use it to see which of a
/// module's templates a catalog reached.
fn trace_rendered(file: &Path) {
    tracing::trace!(template = %file.display(), "Interpolated template {}", file.display());
}

fn template_name(path: &Path) -> String {
    let s = path.display().to_string();
    match s.split_once("/templates/") {
        Some((before, after)) => {
            let module = before.rsplit('/').next().unwrap_or("");
            format!("'{module}/{after}'")
        }
        None => format!("'{s}'"),
    }
}

fn compile_epp(file: &Path, text: &str) -> R<EppTemplate> {
    let program = epp::translate(text).map_err(|e| {
        let mut err = CompileError::new(e.message);
        err.file = Some(file.to_path_buf());
        err.line = Some(e.line as u32);
        err.column = Some(e.column as u32);
        Box::new(err)
    })?;
    let parsed = SourceFile::parse(file, program.source).map_err(Box::new)?;
    let params = match &program.params {
        Some(p) => {
            let header = SourceFile::parse(file, format!("function bunraku_epp_params({p}) {{}}"))
                .map_err(Box::new)?;
            match header.statements.first().map(|s| &s.kind) {
                Some(ExprKind::FunctionDef(f)) => Some(f.params.clone()),
                _ => None,
            }
        }
        None => None,
    };
    Ok(EppTemplate { file: Arc::new(parsed), texts: Arc::new(program.texts), params })
}

/// The compiler as seen from an ERB template: variables and functions.
struct ErbHost<'c, 'e> {
    compiler: &'c mut Compiler<'e>,
    scope: usize,
    span: Span,
}

impl crate::templates::erb::Host for ErbHost<'_, '_> {
    fn variable(&mut self, name: &str) -> Option<Value> {
        self.compiler.qualified_var(name, self.scope)
    }

    fn call_function(&mut self, name: &str, args: Vec<Value>) -> Result<Value, String> {
        self.compiler
            .call_values(name, args, None, self.scope, self.span)
            .map_err(|e| e.message.trim_start_matches("Evaluation Error: ").to_string())
    }

    fn classes(&self) -> Vec<String> {
        self.compiler.class_list.clone()
    }
}

impl<'e> Compiler<'e> {
    /// stdlib functions that need the catalog or scope; the pure ones are in
    /// `crate::functions::stdlib`.
    fn call_stdlib(&mut self, name: &str, vals: &[Value], scope: usize, span: Span) -> Option<R<Value>> {
        let fcall =
            |c: &Self, msg: String| c.err(span, format!("Error while evaluating a Function Call, {msg}"));
        let name = name.strip_prefix("stdlib::").filter(|n| matches!(*n, "ensure_packages")).unwrap_or(name);
        Some(match name {
            "ensure_resource" | "ensure_resources" => {
                let type_name = vals.first().map(Value::to_display_string).unwrap_or_default();
                let empty = IndexMap::new();
                if name == "ensure_resources" {
                    let Some(Value::Hash(items)) = vals.get(1) else {
                        return Some(Err(fcall(
                            self,
                            "ensure_resources(): second argument must be a Hash".into(),
                        )));
                    };
                    let defaults = match vals.get(2) {
                        Some(Value::Hash(h)) => h.clone(),
                        _ => empty,
                    };
                    for (title, params) in items.clone() {
                        let mut p = defaults.clone();
                        if let Value::Hash(h) = params {
                            p.extend(h);
                        }
                        if let Err(e) =
                            self.ensure_resource(&type_name, &[title.to_display_string()], &p, scope, span)
                        {
                            return Some(Err(e));
                        }
                    }
                    return Some(Ok(Value::Undef));
                }
                let titles: Vec<String> = match vals.get(1) {
                    Some(Value::Array(a)) => a.iter().map(Value::to_display_string).collect(),
                    Some(v) => vec![v.to_display_string()],
                    None => vec![],
                };
                let params = match vals.get(2) {
                    Some(Value::Hash(h)) => h.clone(),
                    _ => empty,
                };
                self.ensure_resource(&type_name, &titles, &params, scope, span).map(|_| Value::Undef)
            }
            "ensure_packages" => {
                let mut defaults = match vals.get(1) {
                    Some(Value::Hash(h)) => h.clone(),
                    _ => IndexMap::new(),
                };
                // stdlib turns a default 'present' into 'installed' (not a per-package one).
                if let Some(e) = defaults.get_mut(&s("ensure")) {
                    if *e == s("present") {
                        *e = s("installed");
                    }
                }
                let r = match vals.first() {
                    Some(Value::Hash(pkgs)) => {
                        let mut r = Ok(());
                        for (title, params) in pkgs.clone() {
                            let mut p: IndexMap<Value, Value> = IndexMap::new();
                            p.insert(s("ensure"), s("installed"));
                            p.extend(defaults.clone());
                            if let Value::Hash(h) = params {
                                p.extend(h);
                            }
                            r = self.ensure_resource(
                                "package",
                                &[title.to_display_string()],
                                &p,
                                scope,
                                span,
                            );
                            if r.is_err() {
                                break;
                            }
                        }
                        r
                    }
                    Some(v) => {
                        let names: Vec<String> = match v {
                            Value::Array(a) => a.iter().map(Value::to_display_string).collect(),
                            other => vec![other.to_display_string()],
                        };
                        let mut p: IndexMap<Value, Value> = IndexMap::new();
                        p.insert(s("ensure"), s("installed"));
                        p.extend(defaults);
                        self.ensure_resource("package", &names, &p, scope, span)
                    }
                    None => Ok(()),
                };
                r.map(|_| Value::Undef)
            }
            "defined_with_params" => {
                let Some(Value::Resource { type_name, title }) = vals.first() else {
                    return Some(Ok(Value::Bool(false)));
                };
                let Some(&idx) = self.index.get(&(type_name.clone(), title.clone())) else {
                    return Some(Ok(Value::Bool(false)));
                };
                let existing = &self.resources[idx].params;
                let ok = match vals.get(1) {
                    Some(Value::Hash(h)) => h.iter().all(|(k, v)| {
                        existing.get(&k.to_display_string()).is_some_and(|e| crate::value::puppet_eq(e, v))
                    }),
                    _ => true,
                };
                Ok(Value::Bool(ok))
            }
            "getvar" => {
                let n = vals.first().map(Value::to_display_string).unwrap_or_default();
                Ok(self
                    .qualified_var(&n, scope)
                    .unwrap_or_else(|| vals.get(1).cloned().unwrap_or(Value::Undef)))
            }
            "fact" => {
                let n = vals.first().map(Value::to_display_string).unwrap_or_default();
                let mut v = lookup(&self.scopes, TOP, "facts").cloned().unwrap_or(Value::Undef);
                for seg in n.split('.') {
                    v = match v {
                        Value::Hash(h) => h.get(&s(seg)).cloned().unwrap_or(Value::Undef),
                        Value::Array(a) => {
                            seg.parse::<usize>().ok().and_then(|i| a.get(i).cloned()).unwrap_or(Value::Undef)
                        }
                        _ => Value::Undef,
                    };
                }
                Ok(v)
            }
            "assert_private" => {
                // The caller's module is the module of the scope that declared this class.
                let own = lookup(&self.scopes, scope, "module_name").map(Value::to_display_string);
                let caller = lookup(&self.scopes, scope, "caller_module_name").map(Value::to_display_string);
                match (own, caller) {
                    (Some(o), Some(c)) if o != c => {
                        let msg = match vals.first() {
                            Some(Value::Str(m)) => m.clone(),
                            _ => format!(
                                "Class {} is private",
                                lookup(&self.scopes, scope, "title")
                                    .map(Value::to_display_string)
                                    .unwrap_or_default()
                            ),
                        };
                        Err(fcall(self, msg))
                    }
                    _ => Ok(Value::Undef),
                }
            }
            "deprecation" => {
                if let Some(m) = vals.get(1) {
                    tracing::warn!(target: "puppet", "{}", m.to_display_string());
                }
                Ok(Value::Undef)
            }
            "is_function_available" => {
                let n = vals.first().map(Value::to_display_string).unwrap_or_default();
                Ok(Value::Bool(
                    crate::functions::stdlib::is_native(&n)
                        || super::functions::SIGNATURES.iter().any(|sig| sig.name == n),
                ))
            }
            _ => {
                let r = crate::functions::stdlib::call(name, vals, &mut |n| {
                    lookup(&self.scopes, TOP, n).cloned()
                })?;
                r.map_err(|m| fcall(self, m))
            }
        })
    }
}
