//! Built-in functions. Each entry in [`SIGNATURES`] names a function with its arity, so arity errors
//! read like Puppet's; the implementations are in [`Compiler::call`].

use indexmap::IndexMap;

use super::scope::{resource_of, ScopeKind};
use super::{Compiler, R};
use crate::ast::{Expr, Lambda};
use crate::span::Span;
use crate::value::Value;

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
    sig("each", 1, Some(1), true),
    sig("map", 1, Some(1), true),
    sig("filter", 1, Some(1), true),
    sig("with", 0, None, true),
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
];

impl<'e> Compiler<'e> {
    /// Calls a function by name with unevaluated arguments.
    pub(crate) fn call(
        &mut self,
        name: &str,
        args: &[Expr],
        lambda: Option<&Lambda>,
        scope: usize,
        span: Span,
    ) -> R<Value> {
        let Some(sig) = SIGNATURES.iter().find(|s| s.name == name) else {
            return Err(self.err(span, format!("Unknown function: '{name}'")));
        };
        let mut vals = Vec::with_capacity(args.len());
        for a in args {
            vals.push(self.eval(a, scope)?);
        }
        if vals.len() < sig.min || sig.max.is_some_and(|m| vals.len() > m) {
            let expected = match sig.max {
                Some(m) if m == sig.min => format!("{m}"),
                Some(m) => format!("between {} and {m}", sig.min),
                None => format!("at least {}", sig.min),
            };
            return Err(self.err(
                span,
                format!(
                    "Error while evaluating a Function Call, '{name}' expects {expected} arguments, got {}",
                    vals.len()
                ),
            ));
        }
        if sig.lambda && lambda.is_none() {
            return Err(
                self.err(span, format!("Error while evaluating a Function Call, '{name}' expects a block"))
            );
        }
        let fcall =
            |c: &Self, msg: String| c.err(span, format!("Error while evaluating a Function Call, {msg}"));
        match name {
            "include" | "require" | "contain" => {
                let names = class_names(&vals);
                let idxs = self.include_classes(&names, scope, span)?;
                let owner = resource_of(&self.scopes, scope);
                if let Some(owner) = owner {
                    for idx in idxs {
                        let r = Value::Str(format!("Class[{}]", self.resources[idx].title));
                        if name == "require" {
                            let params = &mut self.resources[owner].params;
                            let mut list = match params.shift_remove("require") {
                                Some(Value::Array(a)) => a,
                                Some(Value::Undef) | None => vec![],
                                Some(o) => vec![o],
                            };
                            list.push(r);
                            params.insert("require".into(), Value::Array(list));
                        } else if name == "contain" && !self.edges.contains(&(owner, idx)) {
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
                match name {
                    "warning" => tracing::warn!(target: "puppet", "{msg}"),
                    "err" | "alert" | "crit" | "emerg" => tracing::error!(target: "puppet", "{msg}"),
                    "debug" => tracing::debug!(target: "puppet", "{msg}"),
                    _ => tracing::info!(target: "puppet", "{msg}"),
                }
                Ok(Value::Undef)
            }
            "defined" => {
                for v in &vals {
                    if self.is_defined(v)? {
                        return Ok(Value::Bool(true));
                    }
                }
                Ok(Value::Bool(false))
            }
            "template" | "inline_template" | "epp" | "inline_epp" => {
                Err(fcall(self, format!("the '{name}' function is not supported yet by this compiler")))
            }
            "each" | "map" | "filter" => {
                let lambda = lambda.ok_or_else(|| fcall(self, "missing block".into()))?;
                let pairs: Vec<(Value, Value)> = match &vals[0] {
                    Value::Array(a) => {
                        a.iter().enumerate().map(|(i, v)| (Value::Int(i as i64), v.clone())).collect()
                    }
                    Value::Hash(h) => h.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
                    Value::Int(n) => (0..*n).map(|i| (Value::Int(i), Value::Int(i))).collect(),
                    other => {
                        return Err(fcall(
                            self,
                            format!("'{name}' expects an Iterable value, got {}", other.type_name()),
                        ))
                    }
                };
                let is_hash = matches!(vals[0], Value::Hash(_));
                let mut mapped = Vec::new();
                let mut kept_arr = Vec::new();
                let mut kept_hash = IndexMap::new();
                for (k, v) in pairs {
                    let args = if lambda.params.len() >= 2 {
                        vec![k.clone(), v.clone()]
                    } else if is_hash {
                        vec![Value::Array(vec![k.clone(), v.clone()])]
                    } else {
                        vec![v.clone()]
                    };
                    let r = self.call_lambda(lambda, args, scope)?;
                    match name {
                        "map" => mapped.push(r),
                        "filter" if r.truthy() => {
                            if is_hash {
                                kept_hash.insert(k, v);
                            } else {
                                kept_arr.push(v);
                            }
                        }
                        _ => {}
                    }
                }
                Ok(match name {
                    "each" => vals[0].clone(),
                    "map" => Value::Array(mapped),
                    _ if is_hash => Value::Hash(kept_hash),
                    _ => Value::Array(kept_arr),
                })
            }
            "with" => {
                let lambda = lambda.ok_or_else(|| fcall(self, "missing block".into()))?;
                self.call_lambda(lambda, vals, scope)
            }
            "split" => match (&vals[0], &vals[1]) {
                (Value::Str(s), Value::Str(sep)) => {
                    Ok(Value::Array(s.split(sep.as_str()).map(|x| Value::Str(x.into())).collect()))
                }
                (Value::Str(s), Value::Regex(re)) => {
                    Ok(Value::Array(re.regex.split(s).map(|x| Value::Str(x.into())).collect()))
                }
                _ => Err(fcall(self, "'split' expects a String and a separator".into())),
            },
            "join" => match &vals[0] {
                Value::Array(a) => {
                    let sep = vals.get(1).map(Value::to_display_string).unwrap_or_default();
                    Ok(Value::Str(a.iter().map(Value::to_display_string).collect::<Vec<_>>().join(&sep)))
                }
                other => Err(fcall(
                    self,
                    format!("'join' parameter 'arg' expects an Array value, got {}", other.type_name()),
                )),
            },
            "keys" | "values" => match &vals[0] {
                Value::Hash(h) => Ok(Value::Array(if name == "keys" {
                    h.keys().cloned().collect()
                } else {
                    h.values().cloned().collect()
                })),
                other => Err(fcall(
                    self,
                    format!("'{name}' parameter 'hsh' expects a Hash value, got {}", other.type_name()),
                )),
            },
            "size" | "length" => match &vals[0] {
                Value::Array(a) => Ok(Value::Int(a.len() as i64)),
                Value::Hash(h) => Ok(Value::Int(h.len() as i64)),
                Value::Str(s) => Ok(Value::Int(s.chars().count() as i64)),
                other => Err(fcall(
                    self,
                    format!("'{name}' expects a Collection or String value, got {}", other.type_name()),
                )),
            },
            "empty" => Ok(Value::Bool(match &vals[0] {
                Value::Array(a) => a.is_empty(),
                Value::Hash(h) => h.is_empty(),
                Value::Str(s) => s.is_empty(),
                Value::Undef => true,
                _ => false,
            })),
            "upcase" | "downcase" => match &vals[0] {
                Value::Str(s) => {
                    Ok(Value::Str(if name == "upcase" { s.to_uppercase() } else { s.to_lowercase() }))
                }
                other => {
                    Err(fcall(self, format!("'{name}' expects a String value, got {}", other.type_name())))
                }
            },
            "tag" => {
                if let Some(owner) = resource_of(&self.scopes, scope) {
                    for v in &vals {
                        let s = v.to_display_string();
                        super::add_tag(&mut self.resources[owner].tags, &s);
                    }
                }
                Ok(Value::Undef)
            }
            "new" => self.new_value(&vals, span),
            _ => Err(self.err(span, format!("Unknown function: '{name}'"))),
        }
    }

    fn call_lambda(&mut self, lambda: &Lambda, args: Vec<Value>, scope: usize) -> R<Value> {
        let local = self.new_scope(ScopeKind::Local, Some(scope), None);
        let mut args = args.into_iter();
        for p in &lambda.params {
            let v = match args.next() {
                Some(v) => v,
                None => match &p.default {
                    Some(d) => self.eval(d, scope)?,
                    None => Value::Undef,
                },
            };
            self.scopes[local].vars.insert(p.name.clone(), v);
        }
        self.eval_statements(&lambda.body, local)
    }

    fn is_defined(&mut self, v: &Value) -> R<bool> {
        Ok(match v {
            Value::Str(s) if s.starts_with('$') => {
                let name = &s[1..];
                if let Some((class, var)) = name.trim_start_matches("::").rsplit_once("::") {
                    self.class_scopes
                        .get(&class.to_lowercase())
                        .is_some_and(|&sc| self.scopes[sc].vars.contains_key(var))
                } else {
                    super::scope::lookup(&self.scopes, 0, name.trim_start_matches("::")).is_some()
                }
            }
            Value::Str(s) => {
                let n = s.trim_start_matches("::").to_lowercase();
                super::resources::is_builtin_type(&n)
                    || self.find_class(&n)?.is_some()
                    || self.find_define(&n)?.is_some()
                    || SIGNATURES.iter().any(|sig| sig.name == n)
            }
            Value::Resource { type_name, title } => self
                .index
                .get(&(type_name.clone(), title.clone()))
                .is_some_and(|&i| !self.resources[i].virtual_),
            Value::Type(t) => {
                let n = t.name.to_lowercase();
                super::types::is_data_type(&t.name)
                    || super::resources::is_builtin_type(&n)
                    || self.find_define(&n)?.is_some()
            }
            _ => false,
        })
    }

    /// `Type(value)`: the conversions used commonly (Integer, Float, Numeric, String, Boolean, Array).
    fn new_value(&mut self, vals: &[Value], span: Span) -> R<Value> {
        let Value::Type(t) = &vals[0] else {
            return Err(self.err(span, "new() requires a type"));
        };
        let arg = vals.get(1).cloned().unwrap_or(Value::Undef);
        let bad = |c: &Self| {
            c.err(
                span,
                format!(
                    "Error while evaluating a Function Call, Converted value from {}.new() has wrong type",
                    t.name
                ),
            )
        };
        Ok(match (t.name.as_str(), &arg) {
            ("Integer" | "Numeric", Value::Int(_)) | ("Float" | "Numeric", Value::Float(_)) => arg.clone(),
            ("Integer", Value::Float(f)) => Value::Int(*f as i64),
            ("Float", Value::Int(i)) => Value::Float(*i as f64),
            ("Integer" | "Float" | "Numeric", Value::Str(s)) => {
                let s = s.trim();
                if let Some(h) = s.strip_prefix("0x") {
                    i64::from_str_radix(h, 16).map(Value::Int).map_err(|_| bad(self))?
                } else if let Ok(i) = s.parse::<i64>() {
                    if t.name == "Float" {
                        Value::Float(i as f64)
                    } else {
                        Value::Int(i)
                    }
                } else if t.name != "Integer" {
                    s.parse::<f64>().map(Value::Float).map_err(|_| bad(self))?
                } else {
                    return Err(bad(self));
                }
            }
            ("String", v) => Value::Str(v.to_display_string()),
            ("Boolean", Value::Bool(_)) => arg.clone(),
            ("Boolean", Value::Str(s)) => match s.to_lowercase().as_str() {
                "true" | "yes" | "y" => Value::Bool(true),
                "false" | "no" | "n" | "" => Value::Bool(false),
                _ => return Err(bad(self)),
            },
            ("Array", Value::Array(_)) => arg.clone(),
            ("Array", Value::Hash(h)) => {
                Value::Array(h.iter().map(|(k, v)| Value::Array(vec![k.clone(), v.clone()])).collect())
            }
            ("Array", v) => Value::Array(vec![v.clone()]),
            _ => return Err(bad(self)),
        })
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
