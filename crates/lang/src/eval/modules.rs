//! What real modules need from the evaluator: Hiera (`lookup()`, automatic class parameter
//! lookup), templates (`epp`, `inline_epp`, `template`, `inline_template`), the stdlib functions
//! that touch the catalog or scope, resource types written in Ruby (known by name), and an error
//! naming a Ruby function we do not implement. Pure logic lives in `crate::hiera`,
//! `crate::templates`; this file only connects it to the compiler.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use indexmap::IndexMap;

use super::scope::{lookup, ScopeKind};
use super::{Compiler, R, TOP};
use crate::ast::{ExprKind, Lambda, Param};
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
    epp_cache: HashMap<PathBuf, Arc<EppTemplate>>,
    /// Output buffers of the EPP templates being rendered (nested calls stack up), and their texts.
    epp_output: Vec<(String, Arc<Vec<String>>)>,
}

impl ModuleState {
    pub fn new(env: &crate::Environment) -> ModuleState {
        ModuleState {
            hiera: Hiera::new(env.root().map(Path::to_path_buf), env.modulepath().to_vec()),
            modulepath: env.modulepath().to_vec(),
            epp_cache: HashMap::new(),
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
        // A key bound to undef (`~`) is found: it gives the parameter undef where there is no
        // default (Puppet: "don't let an undef trump a default expression").
        match found {
            Ok(v) => Ok(v),
            Err(e) => Err(self.err(Span::default(), format!("Lookup of key '{key}' failed: {e}"))),
        }
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
                        self.render_erb_inline(&v.to_display_string(), scope, span)
                    };
                    match piece {
                        Ok(p) => out.push_str(&p),
                        Err(e) => return Some(Err(e)),
                    }
                }
                Ok(Value::Str(out))
            }
            "lookup" => self.lookup_function(vals, lambda, scope, span),
            "file" => self.file_function(vals).map_err(|m| fcall(self, m)),
            "generate" => generate(vals).map_err(|m| fcall(self, m)),
            "shellquote" => Ok(Value::Str(shellquote(vals))),
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
                        // Puppet's LookupError reaches the user as it is, with no location.
                        None => Err(Box::new(crate::error::CompileError::new(format!(
                            "Function lookup() did not find a value for the name '{key}'"
                        )))),
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
            None => Err(Box::new(crate::error::CompileError::new(format!(
                "Function lookup() did not find a value for the name '{}'",
                names[0]
            )))),
        }
    }

    /// Puppet's `file()`: the content of the first of the files that exists (absolute paths, or
    /// `module/path` in a module's `files`).
    fn file_function(&self, vals: &[Value]) -> Result<Value, String> {
        let names: Vec<String> = vals
            .iter()
            .flat_map(|v| match v {
                Value::Array(a) => a.iter().map(Value::to_display_string).collect(),
                other => vec![other.to_display_string()],
            })
            .collect();
        for name in &names {
            let path = if Path::new(name).is_absolute() {
                Some(PathBuf::from(name))
            } else {
                name.split_once('/').and_then(|(module, rest)| {
                    self.module_state
                        .modulepath
                        .iter()
                        .map(|d| d.join(module).join("files").join(rest))
                        .find(|f| f.is_file())
                })
            };
            if let Some(p) = path.filter(|p| p.is_file()) {
                let bytes =
                    std::fs::read(&p).map_err(|e| format!("Could not read file {}: {e}", p.display()))?;
                return Ok(Value::Str(String::from_utf8_lossy(&bytes).into_owned()));
            }
        }
        Err(format!("Could not find any files from {}", names.join(", ")))
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
        // How Puppet names the template in argument errors: an inline one is a lambda.
        let who = if inline { "lambda:".to_string() } else { template_name(&t.file.path) };
        let mark = self.scope_mark();
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
                                format!("Evaluation Error: Error while evaluating a Function Call, {} has no parameter named '{k}'", who.clone()),
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
                                        format!("Evaluation Error: Error while evaluating a Function Call, {} expects a value for parameter '{}'", who.clone(), p.name),
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
                                            who.clone(),
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
        self.reclaim_scope(mark);
        result
    }

    /// Renders an ERB template file with Ruby's ERB, as Puppet's `template()` does.
    fn render_erb_file(&mut self, file: &Path, scope: usize, span: Span) -> R<String> {
        self.render_erb(Some(file), None, scope, span).map_err(|e| self.erb_error(Some(file), e, span))
    }

    /// `inline_template()`.
    fn render_erb_inline(&mut self, text: &str, scope: usize, span: Span) -> R<String> {
        self.render_erb(None, Some(text), scope, span).map_err(|e| self.erb_error(None, e, span))
    }

    /// Puppet's report of a template failure, located at the calling statement: the template, and
    /// the file and line of the innermost Ruby frame (the template's own line, or the Ruby file a
    /// function it called failed in).
    fn erb_error(&self, file: Option<&Path>, e: bunraku_ruby::RubyError, span: Span) -> Box<CompileError> {
        let detail = match &e {
            bunraku_ruby::RubyError::Raised { message, .. } => message.clone(),
            other => other.to_string(),
        };
        let Some(file) = file else {
            return self.err(
                span,
                format!("Error while evaluating a Function Call, Failed to parse inline template: {detail}"),
            );
        };
        let (at_file, at_line) = e
            .location()
            .map(|(f, l)| (f, l.to_string()))
            .unwrap_or_else(|| (file.display().to_string(), String::new()));
        let mut err = CompileError::new(format!(
            "Evaluation Error: Error while evaluating a Function Call, Failed to parse template {}:\n  Filepath: {at_file}\n  Line: {at_line}\n  Detail: {detail}\n",
            // Puppet names an ERB template here without quotes.
            template_name(file).trim_matches('\''),
        ));
        err.file = Some(self.file.path.clone());
        let (line, column) = self.file.lines.line_col(&self.file.text, span.start as usize);
        err.line = Some(line);
        err.column = Some(column);
        Box::new(err)
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

/// Puppet's `generate()`: runs a fully qualified command in its own directory and returns its
/// output (stdout and stderr together), as the master runs it.
fn generate(vals: &[Value]) -> Result<Value, String> {
    let args: Vec<String> = vals.iter().map(Value::to_display_string).collect();
    let Some(cmd) = args.first() else {
        return Err("'generate' expects at least 1 argument, got none".into());
    };
    if !cmd.starts_with('/') {
        return Err("Generators must be fully qualified".into());
    }
    if !cmd.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '/' | '_' | '.' | '+')) {
        return Err("Generators can only contain alphanumerics, file separators, and dashes".into());
    }
    if cmd.contains("..") {
        return Err("Can not use generators with '..' in them.".into());
    }
    let dir = Path::new(cmd).parent().unwrap_or(Path::new("/"));
    let failed = |detail: String| format!("Failed to execute generator {cmd}: {detail}");
    let out = std::process::Command::new(cmd)
        .args(&args[1..])
        .current_dir(dir)
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| failed(format!("Execution of '{}' returned 1: {e}", args.join(" "))))?;
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    if !out.status.success() {
        let code = out.status.code().unwrap_or(1);
        return Err(failed(format!("Execution of '{}' returned {code}: {}", args.join(" "), text.trim())));
    }
    Ok(Value::Str(text))
}

/// Puppet's `shellquote()`: words joined by spaces, each quoted only as much as the shell needs.
fn shellquote(vals: &[Value]) -> String {
    const SAFE: &str = "@%_+=:,./-";
    const DANGEROUS: &str = "!\"`$\\";
    let mut words = Vec::new();
    fn flatten(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Array(a) => a.iter().for_each(|x| flatten(x, out)),
            other => out.push(other.to_display_string()),
        }
    }
    for v in vals {
        flatten(v, &mut words);
    }
    words
        .iter()
        .map(|w| {
            if !w.is_empty() && w.chars().all(|c| c.is_ascii_alphanumeric() || SAFE.contains(c)) {
                w.clone()
            } else if !w.chars().any(|c| DANGEROUS.contains(c)) {
                format!("\"{w}\"")
            } else if !w.contains('\'') {
                format!("'{w}'")
            } else {
                let mut r = String::from("\"");
                for c in w.chars() {
                    if DANGEROUS.contains(c) {
                        r.push('\\');
                    }
                    r.push(c);
                }
                r.push('"');
                r
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
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

impl<'e> Compiler<'e> {
    /// `getvar`, a Puppet built-in that reads the scope.
    fn call_stdlib(&mut self, name: &str, vals: &[Value], scope: usize, _span: Span) -> Option<R<Value>> {
        match name {
            "getvar" => {
                let n = vals.first().map(Value::to_display_string).unwrap_or_default();
                Some(Ok(self
                    .qualified_var(&n, scope)
                    .unwrap_or_else(|| vals.get(1).cloned().unwrap_or(Value::Undef))))
            }
            _ => None,
        }
    }
}
