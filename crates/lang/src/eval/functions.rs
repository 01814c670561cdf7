//! Built-in functions. Each entry in [`SIGNATURES`] names a function with its arity, so arity errors
//! read like Puppet's; the implementations are in [`Compiler::call`].

use indexmap::IndexMap;

use super::iteration::Control;
use super::scope::{resource_of, ScopeKind};
use super::{Compiler, R};
use crate::ast::{AttributeOp, Expr, ExprKind, FunctionDef, Lambda, ResourceForm};
use crate::span::Span;
use crate::value::{TypeValue, Value};

/// A function's name, minimum and maximum argument count (`None`: any), and whether it takes a lambda.
pub(crate) struct Signature {
    pub name: &'static str,
    pub min: usize,
    pub max: Option<usize>,
    pub lambda: bool,
}

const fn sig(name: &'static str, min: usize, max: Option<usize>, lambda: bool) -> Signature {
    Signature { name, min, max, lambda }
}

/// The registry of built-in functions.
pub(crate) const SIGNATURES: &[Signature] = &[
    sig("include", 1, None, false),
    sig("require", 1, None, false),
    sig("contain", 1, None, false),
    sig("fail", 0, None, false),
    sig("notice", 0, None, false),
    sig("info", 0, None, false),
    sig("warning", 0, None, false),
    sig("err", 0, None, false),
    sig("debug", 0, None, false),
    sig("alert", 0, None, false),
    sig("crit", 0, None, false),
    sig("emerg", 0, None, false),
    sig("defined", 1, None, false),
    sig("template", 1, None, false),
    sig("inline_template", 1, None, false),
    sig("epp", 1, Some(2), false),
    sig("inline_epp", 1, Some(2), false),
    sig("split", 2, Some(2), false),
    sig("join", 1, Some(2), false),
    sig("keys", 1, Some(1), false),
    sig("values", 1, Some(1), false),
    sig("size", 1, Some(1), false),
    sig("length", 1, Some(1), false),
    sig("empty", 1, Some(1), false),
    sig("upcase", 1, Some(1), false),
    sig("downcase", 1, Some(1), false),
    sig("tag", 1, None, false),
    sig("new", 1, None, false),
    sig("each", 1, Some(1), true),
    sig("map", 1, Some(1), true),
    sig("filter", 1, Some(1), true),
    sig("reduce", 1, Some(2), true),
    sig("any", 1, Some(1), true),
    sig("all", 1, Some(1), true),
    sig("then", 1, Some(1), true),
    sig("lest", 1, Some(1), true),
    sig("slice", 2, Some(2), false),
    sig("step", 2, Some(2), false),
    sig("reverse_each", 1, Some(1), false),
    sig("index", 1, Some(2), false),
    sig("capitalize", 1, Some(1), false),
    sig("strip", 1, Some(1), false),
    sig("lstrip", 1, Some(1), false),
    sig("rstrip", 1, Some(1), false),
    sig("chomp", 1, Some(1), false),
    sig("chop", 1, Some(1), false),
    sig("abs", 1, Some(1), false),
    sig("round", 1, Some(1), false),
    sig("sort", 1, Some(1), false),
    sig("unique", 1, Some(1), false),
    sig("flatten", 1, None, false),
    sig("dig", 1, None, false),
    sig("file", 1, None, false),
    sig("generate", 1, None, false),
    sig("shellquote", 0, None, false),
    sig("versioncmp", 2, Some(3), false),
    sig("sprintf", 1, None, false),
    sig("regsubst", 3, Some(5), false),
    sig("match", 2, Some(2), false),
    sig("tagged", 1, None, false),
    sig("realize", 1, None, false),
    sig("create_resources", 2, Some(3), false),
    sig("assert_type", 2, Some(2), false),
    sig("type", 1, Some(2), false),
];

impl<'e> Compiler<'e> {
    /// Evaluates call arguments, expanding `*$array` splats.
    pub(crate) fn eval_args(&mut self, args: &[Expr], scope: usize) -> R<Vec<Value>> {
        let mut vals = Vec::with_capacity(args.len());
        for a in args {
            if let ExprKind::Splat(inner) = &a.kind {
                match self.eval(inner, scope)? {
                    Value::Array(x) => vals.extend(x),
                    Value::Undef => {}
                    other => vals.push(other),
                }
            } else {
                vals.push(self.eval(a, scope)?);
            }
        }
        Ok(vals)
    }

    /// Calls a function by name with unevaluated arguments.
    pub(crate) fn call(
        &mut self,
        name: &str,
        args: &[Expr],
        lambda: Option<&Lambda>,
        scope: usize,
        span: Span,
    ) -> R<Value> {
        let vals = self.eval_args(args, scope)?;
        self.call_values(name, vals, lambda, scope, span)
    }

    /// Calls a function with evaluated arguments: Puppet-language functions first, then built-ins.
    pub(crate) fn call_values(
        &mut self,
        name: &str,
        vals: Vec<Value>,
        lambda: Option<&Lambda>,
        scope: usize,
        span: Span,
    ) -> R<Value> {
        let fname = name.trim_start_matches("::");
        if let Some(def) = self.find_function(fname)? {
            return self.call_puppet_function(&def, vals, span);
        }
        if let Some(sig) = SIGNATURES.iter().find(|s| s.name == fname) {
            if vals.len() < sig.min || sig.max.is_some_and(|m| vals.len() > m) {
                let expected = match sig.max {
                    Some(1) if sig.min == 1 => "1 argument".to_string(),
                    Some(m) if m == sig.min => format!("{m} arguments"),
                    Some(m) => format!("between {} and {m} arguments", sig.min),
                    None => format!("at least {} arguments", sig.min),
                };
                return Err(self.err(
                    span,
                    format!(
                        "Error while evaluating a Function Call, '{fname}' expects {expected}, got {}",
                        vals.len()
                    ),
                ));
            }
        }
        if SIGNATURES.iter().any(|s| s.name == fname && s.lambda) && lambda.is_none() {
            return Err(
                self.err(span, format!("Error while evaluating a Function Call, '{fname}' expects a block"))
            );
        }
        let fcall =
            |c: &Self, msg: String| c.err(span, format!("Error while evaluating a Function Call, {msg}"));
        match fname {
            "import" => {
                return Err(self.err(
                    span,
                    "Use of 'import' has been discontinued in favor of a manifest directory. See http://links.puppet.com/puppet-import-deprecation",
                ))
            }
            "next" => {
                return Err(self.control(Control::Next(vals.into_iter().next().unwrap_or(Value::Undef)), span))
            }
            "return" => {
                return Err(self.control(Control::Return(vals.into_iter().next().unwrap_or(Value::Undef)), span))
            }
            "break" => return Err(self.control(Control::Break, span)),
            _ => {}
        }
        if let Some(r) = self.iteration(fname, &vals, lambda, scope, span) {
            return r;
        }
        if let Some(r) = super::builtins::call(fname, &vals) {
            return r.map_err(|m| fcall(self, m));
        }
        if let Some(r) = self.call_module_function(fname, &vals, lambda, scope, span) {
            return r;
        }
        match fname {
            "include" | "require" | "contain" => {
                let names = class_names(&vals);
                let idxs = self.include_classes(&names, scope, span)?;
                let owner = resource_of(&self.scopes, scope);
                if let Some(owner) = owner {
                    for idx in idxs {
                        let r = Value::Str(format!("Class[{}]", self.resources[idx].title));
                        if fname == "require" {
                            let params = &mut self.resources[owner].params;
                            let mut list = match params.shift_remove("require") {
                                Some(Value::Array(a)) => a,
                                Some(Value::Undef) | None => vec![],
                                Some(o) => vec![o],
                            };
                            list.push(r);
                            params.insert("require".into(), Value::Array(list));
                        } else if fname == "contain" && !self.edges.contains(&(owner, idx)) {
                            self.edges.push((owner, idx));
                        }
                    }
                }
                Ok(Value::Undef)
            }
            "fail" => {
                let msg = vals.iter().map(Value::to_display_string).collect::<Vec<_>>().join(" ");
                Err(fcall(self, msg))
            }
            "notice" | "info" | "warning" | "err" | "debug" | "alert" | "crit" | "emerg" => {
                let msg = vals.iter().map(Value::to_display_string).collect::<Vec<_>>().join(" ");
                let source = self.scope_label(scope);
                // Puppet's levels onto tracing's, as the CLI's log format maps them back
                // (crates/cli/src/logging.rs); alert, crit and emerg keep their own label.
                match fname {
                    "notice" => tracing::info!(target: "puppet", source, "{msg}"),
                    "info" => tracing::debug!(target: "puppet", source, "{msg}"),
                    "debug" => tracing::trace!(target: "puppet", source, "{msg}"),
                    "warning" => tracing::warn!(target: "puppet", source, "{msg}"),
                    "err" => tracing::error!(target: "puppet", source, "{msg}"),
                    "alert" => tracing::error!(target: "puppet", label = "Alert", source, "{msg}"),
                    "crit" => tracing::error!(target: "puppet", label = "Critical", source, "{msg}"),
                    _ => tracing::error!(target: "puppet", label = "Emergency", source, "{msg}"),
                }
                Ok(Value::Undef)
            }
            "defined" => {
                // Puppet's signature: `Variant[String, Type[CatalogEntry], Type[Type]]` each.
                if let Some(bad) = vals
                    .iter()
                    .find(|v| !matches!(v, Value::Str(_) | Value::Type(_) | Value::Resource { .. }))
                {
                    let ty = |name: &str, inner: Option<&str>| {
                        Value::Type(TypeValue {
                            name: name.into(),
                            params: inner
                                .map(|i| vec![Value::Type(TypeValue { name: i.into(), params: vec![] })])
                                .unwrap_or_default(),
                        })
                    };
                    let signature = TypeValue {
                        name: "Variant".into(),
                        params: vec![
                            ty("String", None),
                            ty("Type", Some("CatalogEntry")),
                            ty("Type", Some("Type")),
                        ],
                    };
                    let m = super::types::mismatch(bad, &signature);
                    return Err(fcall(self, format!("'defined' parameter 'vals' {m}")));
                }
                for v in &vals {
                    if self.is_defined(v, scope)? {
                        return Ok(Value::Bool(true));
                    }
                }
                Ok(Value::Bool(false))
            }
            "template" | "inline_template" | "epp" | "inline_epp" => {
                Err(fcall(self, format!("the '{fname}' function is not supported yet by this compiler")))
            }
            "tag" => {
                if let Some(owner) = resource_of(&self.scopes, scope) {
                    for v in super::resources::flatten_strings(&Value::Array(vals.clone())) {
                        super::add_tag(&mut self.resources[owner].tags, &v);
                    }
                }
                Ok(Value::Undef)
            }
            "tagged" => {
                let owner = resource_of(&self.scopes, scope);
                let tags = owner.map(|o| self.resources[o].tags.clone()).unwrap_or_default();
                let all = super::resources::flatten_strings(&Value::Array(vals.clone()));
                Ok(Value::Bool(all.iter().all(|t| tags.contains(&t.to_lowercase()))))
            }
            "realize" => {
                for r in super::resources::flatten_ref_values(&Value::Array(vals.clone())) {
                    let Value::Resource { type_name, title } = &r else { continue };
                    match self.find_resource(type_name, title) {
                        Some(idx) => self.realize(idx),
                        // Puppet finds out when the catalog is finished: no location.
                        None => {
                            return Err(Box::new(crate::error::CompileError::new(format!(
                                "Failed to realize virtual resources {type_name}[{title}]"
                            ))))
                        }
                    }
                }
                Ok(Value::Undef)
            }
            "create_resources" => self.create_resources(&vals, scope, span),
            "assert_type" => {
                let t = vals.first().cloned().unwrap_or(Value::Undef);
                let v = vals.get(1).cloned().unwrap_or(Value::Undef);
                let t = match t {
                    t @ (Value::Type(_) | Value::Resource { .. }) => t,
                    Value::Str(n) => Value::Type(TypeValue { name: n, params: vec![] }),
                    _ => return Err(fcall(self, "'assert_type' expects a Type".into())),
                };
                if super::types::is_instance_of(&v, &t) {
                    return Ok(v);
                }
                if let Some(l) = lambda {
                    let actual = Value::Type(super::types::type_of(&v));
                    return self.call_lambda(l, vec![t, actual], scope);
                }
                let why = super::types::describe_mismatch(&v, &t);
                // Several reasons: each on its line, as Puppet formats them (unstripped); none:
                // Puppet's message is empty.
                let text = if why.contains("\n ") {
                    format!(" assert_type(): {}", why.replace("\n ", "\n  assert_type(): "))
                } else if why.is_empty() {
                    String::new()
                } else {
                    format!("assert_type(): {why}")
                };
                Err(fcall(self, text))
            }
            "type" => {
                let v = vals.first().cloned().unwrap_or(Value::Undef);
                let mode = match vals.get(1) {
                    Some(Value::Str(m)) => m.as_str(),
                    _ => "detailed",
                };
                Ok(Value::Type(super::types::type_function(&v, mode)))
            }
            "new" => self.new_value(&vals, span),
            _ => match self.find_ruby_function(fname, span)? {
                Some(f) => self.call_ruby_function(&f, vals, lambda, scope, span),
                None => Err(self.err(span, format!("Unknown function: '{fname}'."))),
            },
        }
    }

    /// Calls a function written in Puppet: parameters bound and type-checked in a fresh scope
    /// under the top scope; `return(v)` ends it early.
    fn call_puppet_function(
        &mut self,
        def: &super::Def<FunctionDef>,
        vals: Vec<Value>,
        span: Span,
    ) -> R<Value> {
        let f = def.def.clone();
        let min = f.params.iter().filter(|p| p.default.is_none() && !p.captures_rest).count();
        let max = if f.params.iter().any(|p| p.captures_rest) { usize::MAX } else { f.params.len() };
        if vals.len() < min || vals.len() > max {
            // Puppet's CountMismatch: "expects 1 argument, got none".
            let expected = if min == max {
                format!("{min} argument{}", if min == 1 { "" } else { "s" })
            } else if max == usize::MAX {
                format!("at least {min} argument{}", if min == 1 { "" } else { "s" })
            } else {
                format!("between {min} and {max} arguments")
            };
            let got = if vals.is_empty() { "none".to_string() } else { vals.len().to_string() };
            return Err(self.err(
                span,
                format!("Error while evaluating a Function Call, '{}' expects {expected}, got {got}", f.name),
            ));
        }
        let mark = self.scope_mark();
        let local = self.new_scope(ScopeKind::Local, Some(0), None);
        let caller = std::mem::replace(&mut self.file, def.file.clone());
        let result = (|| {
            let mut args = vals.into_iter();
            for p in &f.params {
                let v = if p.captures_rest {
                    Value::Array(args.by_ref().collect())
                } else {
                    match args.next() {
                        Some(v) => v,
                        None => match &p.default {
                            Some(d) => self.eval(d, local)?,
                            None => Value::Undef,
                        },
                    }
                };
                if let Some(t) = &p.type_expr {
                    if let Value::Type(tv) = self.eval(t, local)? {
                        if !p.captures_rest && !super::types::is_instance(&v, &tv) {
                            let msg = format!(
                                "Evaluation Error: Error while evaluating a Function Call, '{}' parameter '{}' {}",
                                f.name,
                                p.name,
                                super::types::mismatch(&v, &tv)
                            );
                            return Err(Box::new(caller.error(msg, span)));
                        }
                    }
                }
                self.scopes[local].vars.insert(p.name.clone(), v);
            }
            let returned = match self.eval_statements(&f.body, local) {
                Ok(v) => v,
                Err(e) => match self.caught(&e) {
                    Some(Control::Return(v)) => v,
                    Some(o) => {
                        self.pending_control = Some(o);
                        return Err(e);
                    }
                    None => return Err(e),
                },
            };
            // The declared return type (`>> Integer`), checked as Puppet checks it.
            if let Some(t) = &f.return_type {
                if let Value::Type(tv) = self.eval(t, local)? {
                    if !super::types::is_instance(&returned, &tv) {
                        let msg = format!(
                            "Evaluation Error: Error while evaluating a Function Call, value returned from {} has wrong type, {}",
                            f.name,
                            super::types::mismatch(&returned, &tv)
                        );
                        return Err(Box::new(caller.error(msg, span)));
                    }
                }
            }
            Ok(returned)
        })();
        self.file = caller;
        self.reclaim_scope(mark);
        result
    }

    /// `create_resources(type, {title => attrs}, defaults)`.
    fn create_resources(&mut self, vals: &[Value], scope: usize, span: Span) -> R<Value> {
        let type_name = match vals.first() {
            Some(Value::Str(t)) => t.trim_start_matches("::").to_lowercase(),
            Some(Value::Type(t)) => t.name.to_lowercase(),
            _ => {
                return Err(self.err(
                    span,
                    "Error while evaluating a Function Call, create_resources(): expects a type name",
                ))
            }
        };
        let Some(Value::Hash(instances)) = vals.get(1) else {
            return Err(self.err(
                span,
                "Error while evaluating a Function Call, create_resources(): second argument must be a hash",
            ));
        };
        let defaults = match vals.get(2) {
            Some(Value::Hash(h)) => h.clone(),
            _ => IndexMap::new(),
        };
        let dummy = Expr::new(ExprKind::Undef, span);
        for (title, attrs) in instances.clone() {
            let mut list: Vec<(AttributeOp, Value)> = Vec::new();
            let push = |k: &Value, v: &Value, list: &mut Vec<(AttributeOp, Value)>| {
                let name = k.to_display_string();
                list.retain(|(o, _)| o.name != name);
                list.push((AttributeOp { name, append: false, value: dummy.clone(), span }, v.clone()));
            };
            for (k, v) in &defaults {
                push(k, v, &mut list);
            }
            if let Value::Hash(h) = &attrs {
                for (k, v) in h {
                    push(k, v, &mut list);
                }
            }
            let title_is_string = matches!(title, Value::Str(_));
            let title = title.to_display_string();
            if type_name == "class" {
                self.declare_class_resource_like(&title, &list, scope, span)?;
            } else {
                // Puppet reports what goes wrong in here as the function call's failure.
                let r = self
                    .declare_resource(&type_name, &title, &list, ResourceForm::Regular, scope, span, span)
                    .map_err(|mut e| {
                        if let Some(rest) = e
                            .message
                            .strip_prefix("Evaluation Error: Error while evaluating a Resource Statement, ")
                        {
                            e.message =
                                format!("Evaluation Error: Error while evaluating a Function Call, {rest}");
                        }
                        e
                    })?;
                if !title_is_string {
                    self.keep_title_unstringified(&r);
                }
            }
        }
        Ok(Value::Undef)
    }

    fn is_defined(&mut self, v: &Value, scope: usize) -> R<bool> {
        Ok(match v {
            Value::Str(s) if s.starts_with('$') => {
                let name = &s[1..];
                if let Some((class, var)) = name.trim_start_matches("::").rsplit_once("::") {
                    self.class_scopes
                        .get(&class.to_lowercase())
                        .is_some_and(|&sc| self.scopes[sc].vars.contains_key(var))
                } else {
                    let local = if name.starts_with("::") { 0 } else { scope };
                    super::scope::lookup(&self.scopes, local, name.trim_start_matches("::")).is_some()
                }
            }
            Value::Str(s) => {
                let n = s.trim_start_matches("::").to_lowercase();
                self.resource_type(&n, Span::default())?.is_some()
                    || self.find_class(&n)?.is_some()
                    || self.find_define(&n)?.is_some()
                    || SIGNATURES.iter().any(|sig| sig.name == n)
            }
            Value::Resource { type_name, title } => {
                self.find_resource(type_name, title).is_some_and(|i| !self.resources[i].virtual_)
            }
            Value::Type(t) => {
                let n = t.name.to_lowercase();
                super::types::is_data_type(&t.name)
                    || self.resource_type(&n, Span::default())?.is_some()
                    || self.find_define(&n)?.is_some()
            }
            _ => false,
        })
    }

    /// `Type(value, …)` / `Type.new(value, …)`: Puppet's conversions (`types::new_value`).
    fn new_value(&mut self, vals: &[Value], span: Span) -> R<Value> {
        if !matches!(vals[0], Value::Type(_) | Value::Resource { .. }) {
            return Err(self.err(span, "new() requires a type"));
        }
        // `Type.new('Integer[1, 2]')`: the type a string writes (Puppet's TypeParser).
        if let (Value::Type(t), Some(Value::Str(text))) = (&vals[0], vals.get(1)) {
            if t.name == "Type" {
                return self.parse_type_string(text, span);
            }
        }
        super::types::new_value(&vals[0], &vals[1..])
            .map_err(|m| self.err(span, format!("Error while evaluating a Function Call, {m}")))
    }
}

impl Compiler<'_> {
    /// The type a string such as `'Optional[String]'` writes: a type name, with parameters that
    /// are literals or types themselves, as Puppet's TypeParser accepts.
    fn parse_type_string(&mut self, text: &str, span: Span) -> R<Value> {
        fn is_type_expression(e: &Expr) -> bool {
            match &e.kind {
                ExprKind::TypeRef(_) => true,
                ExprKind::Access(target, keys) => {
                    is_type_expression(target) && keys.iter().all(is_literal_or_type)
                }
                _ => false,
            }
        }
        fn is_literal_or_type(e: &Expr) -> bool {
            match &e.kind {
                ExprKind::Undef
                | ExprKind::Default
                | ExprKind::Bool(_)
                | ExprKind::Int(_)
                | ExprKind::Float(_)
                | ExprKind::Str(_)
                | ExprKind::BareWord(_)
                | ExprKind::Regex(_) => true,
                ExprKind::Neg(x) => is_literal_or_type(x),
                ExprKind::Array(items) => items.iter().all(is_literal_or_type),
                ExprKind::Hash(entries) => {
                    entries.iter().all(|(k, v)| is_literal_or_type(k) && is_literal_or_type(v))
                }
                _ => is_type_expression(e),
            }
        }
        let invalid = |c: &Self| {
            c.err(span, format!("Error while evaluating a Function Call, The expression <{text}> is not a valid type specification."))
        };
        let exprs = crate::parser::parse(text).map_err(|_| invalid(self))?;
        match exprs.as_slice() {
            [e] if is_type_expression(e) => self.eval(e, super::TOP),
            _ => Err(invalid(self)),
        }
    }
}

/// Class names from `include` arguments: strings, `Class['x']` references, arrays of those.
fn class_names(vals: &[Value]) -> Vec<String> {
    let mut out = Vec::new();
    for v in vals {
        match v {
            Value::Array(a) => out.extend(class_names(a)),
            Value::Str(s) => out.push(s.clone()),
            Value::Resource { type_name, title } if type_name == "Class" => out.push(title.to_lowercase()),
            Value::Type(t) => out.push(t.name.to_lowercase()),
            _ => {}
        }
    }
    out
}
