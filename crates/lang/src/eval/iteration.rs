//! Functions that take a lambda (`each map filter reduce with slice step reverse_each any all index
//! then lest assert_type`) and the non-local exits `break`, `next` and `return`, which travel up
//! the Rust stack as a marked error until the iteration or function call that owns them.

use indexmap::IndexMap;

use super::scope::ScopeKind;
use super::{Compiler, R};
use crate::ast::Lambda;
use crate::error::CompileError;
use crate::span::Span;
use crate::value::Value;

/// A pending non-local exit.
#[derive(Debug, Clone)]
pub(crate) enum Control {
    Break,
    Next(Value),
    Return(Value),
}

/// The message of the error that carries a [`Control`]; never shown when the exit is caught.
pub(crate) const CONTROL: &str = "\u{0}control";

/// The elements an iteration function walks: `(key or index, value)`; whether the input was a hash.
fn iterable(v: &Value) -> Option<(Vec<(Value, Value)>, bool)> {
    Some(match v {
        Value::Array(a) => {
            (a.iter().enumerate().map(|(i, v)| (Value::Int(i as i64), v.clone())).collect(), false)
        }
        Value::Hash(h) => (h.iter().map(|(k, v)| (k.clone(), v.clone())).collect(), true),
        Value::Int(n) => ((0..*n).map(|i| (Value::Int(i), Value::Int(i))).collect(), false),
        Value::Str(s) => (
            s.chars().enumerate().map(|(i, c)| (Value::Int(i as i64), Value::Str(c.to_string()))).collect(),
            false,
        ),
        _ => return None,
    })
}

impl<'e> Compiler<'e> {
    /// Signals a non-local exit.
    pub(crate) fn control(&mut self, c: Control) -> Box<CompileError> {
        self.pending_control = Some(c);
        Box::new(CompileError::new(CONTROL))
    }

    /// Takes the pending exit if `e` carries one.
    pub(crate) fn caught(&mut self, e: &CompileError) -> Option<Control> {
        if e.message == CONTROL {
            self.pending_control.take()
        } else {
            None
        }
    }

    /// Calls a lambda; `next(v)` inside it becomes its value.
    pub(crate) fn call_lambda(&mut self, lambda: &Lambda, args: Vec<Value>, scope: usize) -> R<Value> {
        let local = self.new_scope(ScopeKind::Local, Some(scope), None);
        let mut args = args.into_iter();
        for p in &lambda.params {
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
            self.scopes[local].vars.insert(p.name.clone(), v);
        }
        match self.eval_statements(&lambda.body, local) {
            Ok(v) => Ok(v),
            Err(e) => match self.caught(&e) {
                Some(Control::Next(v)) => Ok(v),
                Some(other) => {
                    self.pending_control = Some(other);
                    Err(e)
                }
                None => Err(e),
            },
        }
    }

    /// Runs an iteration function; `None` when `name` is not one.
    pub(crate) fn iteration(
        &mut self,
        name: &str,
        vals: &[Value],
        lambda: Option<&Lambda>,
        scope: usize,
        span: Span,
    ) -> Option<R<Value>> {
        let needs_lambda =
            matches!(name, "each" | "map" | "filter" | "reduce" | "with" | "any" | "all" | "then" | "lest");
        if !needs_lambda && !matches!(name, "slice" | "step" | "reverse_each" | "index") {
            return None;
        }
        if needs_lambda && lambda.is_none() {
            return Some(Err(
                self.err(span, format!("Error while evaluating a Function Call, '{name}' expects a block"))
            ));
        }
        Some(self.iteration_inner(name, vals, lambda, scope, span))
    }

    fn iteration_inner(
        &mut self,
        name: &str,
        vals: &[Value],
        lambda: Option<&Lambda>,
        scope: usize,
        span: Span,
    ) -> R<Value> {
        let fcall =
            |c: &Self, msg: String| c.err(span, format!("Error while evaluating a Function Call, {msg}"));
        let subject = vals.first().cloned().unwrap_or(Value::Undef);
        match name {
            "with" => return self.call_lambda(lambda.expect("checked"), vals.to_vec(), scope),
            "then" => {
                return match subject {
                    Value::Undef => Ok(Value::Undef),
                    v => self.call_lambda(lambda.expect("checked"), vec![v], scope),
                }
            }
            "lest" => {
                return match subject {
                    Value::Undef => self.call_lambda(lambda.expect("checked"), vec![], scope),
                    v => Ok(v),
                }
            }
            _ => {}
        }
        let Some((pairs, is_hash)) = iterable(&subject) else {
            return Err(fcall(
                self,
                format!("'{name}' expects an Iterable value, got {}", subject.type_name()),
            ));
        };
        let arity = lambda.map(|l| l.params.len()).unwrap_or(0);
        let args_for = |k: &Value, v: &Value| -> Vec<Value> {
            if arity >= 2 {
                vec![k.clone(), v.clone()]
            } else if is_hash {
                vec![Value::Array(vec![k.clone(), v.clone()])]
            } else {
                vec![v.clone()]
            }
        };
        match name {
            "slice" => {
                let n = match vals.get(1) {
                    Some(Value::Int(n)) if *n > 0 => *n as usize,
                    _ => return Err(fcall(self, "'slice' expects a positive Integer slice size".into())),
                };
                let items: Vec<Value> = if is_hash {
                    pairs.into_iter().map(|(k, v)| Value::Array(vec![k, v])).collect()
                } else {
                    pairs.into_iter().map(|(_, v)| v).collect()
                };
                let chunks: Vec<Value> = items.chunks(n).map(|c| Value::Array(c.to_vec())).collect();
                let Some(l) = lambda else { return Ok(Value::Array(chunks)) };
                for c in &chunks {
                    let args = match c {
                        Value::Array(a) if l.params.len() > 1 => a.clone(),
                        other => vec![other.clone()],
                    };
                    match self.call_lambda(l, args, scope) {
                        Ok(_) => {}
                        Err(e) => match self.caught(&e) {
                            Some(Control::Break) => break,
                            Some(o) => {
                                self.pending_control = Some(o);
                                return Err(e);
                            }
                            None => return Err(e),
                        },
                    }
                }
                return Ok(subject);
            }
            "step" => {
                let n = match vals.get(1) {
                    Some(Value::Int(n)) if *n > 0 => *n as usize,
                    _ => return Err(fcall(self, "'step' expects a positive Integer step".into())),
                };
                let items: Vec<Value> = pairs.into_iter().map(|(_, v)| v).step_by(n).collect();
                return self.maybe_each(Value::Array(items), lambda, scope);
            }
            "reverse_each" => {
                let items: Vec<Value> = pairs.into_iter().rev().map(|(_, v)| v).collect();
                return self.maybe_each(Value::Array(items), lambda, scope);
            }
            "index" if lambda.is_none() => {
                let needle = vals.get(1).cloned().unwrap_or(Value::Undef);
                for (k, v) in pairs {
                    if crate::value::puppet_eq(&v, &needle) {
                        return Ok(k);
                    }
                }
                return Ok(Value::Undef);
            }
            _ => {}
        }
        let Some(l) = lambda else { return Ok(Value::Undef) };
        let mut mapped = Vec::new();
        let mut kept_arr = Vec::new();
        let mut kept_hash = IndexMap::new();
        let mut memo = vals.get(1).cloned();
        for (k, v) in pairs {
            let args = if name == "reduce" {
                let item = if is_hash { Value::Array(vec![k.clone(), v.clone()]) } else { v.clone() };
                match memo.take() {
                    None => {
                        memo = Some(item);
                        continue;
                    }
                    Some(m) => vec![m, item],
                }
            } else {
                args_for(&k, &v)
            };
            let r = match self.call_lambda(l, args, scope) {
                Ok(r) => r,
                Err(e) => match self.caught(&e) {
                    Some(Control::Break) => break,
                    Some(o) => {
                        self.pending_control = Some(o);
                        return Err(e);
                    }
                    None => return Err(e),
                },
            };
            match name {
                "map" => mapped.push(r),
                "filter" if r.truthy() => {
                    if is_hash {
                        kept_hash.insert(k, v);
                    } else {
                        kept_arr.push(v);
                    }
                }
                "reduce" => memo = Some(r),
                "any" if r.truthy() => return Ok(Value::Bool(true)),
                "all" if !r.truthy() => return Ok(Value::Bool(false)),
                "index" if r.truthy() => return Ok(k),
                _ => {}
            }
        }
        Ok(match name {
            "each" => subject,
            "map" => Value::Array(mapped),
            "filter" if is_hash => Value::Hash(kept_hash),
            "filter" => Value::Array(kept_arr),
            "reduce" => memo.unwrap_or(Value::Undef),
            "any" => Value::Bool(false),
            "all" => Value::Bool(true),
            _ => Value::Undef,
        })
    }

    /// `step`/`reverse_each` without a lambda return the (eager) sequence; with one, `each` it.
    fn maybe_each(&mut self, items: Value, lambda: Option<&Lambda>, scope: usize) -> R<Value> {
        let Some(l) = lambda else { return Ok(items) };
        let Value::Array(a) = &items else { return Ok(items) };
        for v in a.clone() {
            if let Err(e) = self.call_lambda(l, vec![v], scope) {
                match self.caught(&e) {
                    Some(Control::Break) => break,
                    Some(o) => {
                        self.pending_control = Some(o);
                        return Err(e);
                    }
                    None => return Err(e),
                }
            }
        }
        Ok(items)
    }
}
