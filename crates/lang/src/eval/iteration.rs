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

/// What an iteration function walks, produced lazily: `10000000.each` or `Integer[1, 10000000]
/// .reduce` must not build the whole sequence first (Puppet iterates them without doing so).
pub(crate) enum Items<'a> {
    Array(&'a [Value]),
    Hash(&'a IndexMap<Value, Value>),
    /// `n.each` (0 to n-1) and `Integer[from, to]` (from to to, both included).
    Range(i64, i64),
    Chars(Vec<char>),
    /// The values of an `Enum`, sorted and without duplicates as Puppet's Enum type keeps them.
    Values(Vec<Value>),
}

impl<'a> Items<'a> {
    /// The sequence `v` iterates over; `None` when it is not Iterable (an Integer range type with
    /// an open end is not).
    pub(crate) fn of(v: &'a Value) -> Option<Items<'a>> {
        Some(match v {
            Value::Array(a) => Items::Array(a),
            Value::Iterator(i) => Items::Array(&i.items),
            Value::Hash(h) => Items::Hash(h),
            Value::Int(n) => Items::Range(0, n.saturating_sub(1)),
            Value::Str(s) => Items::Chars(s.chars().collect()),
            Value::Type(t) if t.name == "Integer" => match (t.params.first(), t.params.get(1)) {
                (Some(Value::Int(from)), Some(Value::Int(to))) => Items::Range(*from, *to),
                _ => return None,
            },
            Value::Type(t) if t.name == "Enum" => {
                let mut vals: Vec<String> = t
                    .params
                    .iter()
                    .filter_map(|p| if let Value::Str(s) = p { Some(s.clone()) } else { None })
                    .collect();
                vals.sort();
                vals.dedup();
                Items::Values(vals.into_iter().map(Value::Str).collect())
            }
            _ => return None,
        })
    }

    /// Whether elements come as key and value (a hash) rather than index and value.
    pub(crate) fn is_hash(&self) -> bool {
        matches!(self, Items::Hash(_))
    }

    /// `(key or index, value)` pairs, one at a time.
    pub(crate) fn pairs(&self) -> Box<dyn DoubleEndedIterator<Item = (Value, Value)> + '_> {
        match self {
            Items::Array(a) => Box::new(a.iter().enumerate().map(|(i, v)| (Value::Int(i as i64), v.clone()))),
            Items::Values(a) => {
                Box::new(a.iter().enumerate().map(|(i, v)| (Value::Int(i as i64), v.clone())))
            }
            Items::Hash(h) => Box::new(h.iter().map(|(k, v)| (k.clone(), v.clone()))),
            Items::Range(from, to) => {
                let from = *from;
                Box::new((from..=*to).map(move |n| (Value::Int(n.wrapping_sub(from)), Value::Int(n))))
            }
            Items::Chars(c) => {
                Box::new(c.iter().enumerate().map(|(i, c)| (Value::Int(i as i64), Value::Str(c.to_string()))))
            }
        }
    }
}

impl<'e> Compiler<'e> {
    /// Signals a non-local exit.
    pub(crate) fn control(&mut self, c: Control, span: Span) -> Box<CompileError> {
        // The message names the exit, the location is the call's: should nothing catch it,
        // `compile` turns it into Puppet's "break() from context where this is illegal".
        let name = match c {
            Control::Break => "break",
            Control::Next(_) => "next",
            Control::Return(_) => "return",
        };
        // Cheap to make (no copy of the source): loops exit this way.
        let mut e = CompileError::new(format!("{CONTROL}{name}"));
        e.file = Some(self.file.path.clone());
        e.line = Some(self.file.lines.line_col(&self.file.text, span.start as usize).0);
        self.pending_control = Some(c);
        Box::new(e)
    }

    /// Takes the pending exit if `e` carries one.
    pub(crate) fn caught(&mut self, e: &CompileError) -> Option<Control> {
        if e.message.starts_with(CONTROL) {
            self.pending_control.take()
        } else {
            None
        }
    }

    /// Calls a lambda; `next(v)` inside it becomes its value.
    pub(crate) fn call_lambda(&mut self, lambda: &Lambda, args: Vec<Value>, scope: usize) -> R<Value> {
        self.tick(lambda.span)?;
        let mark = self.scope_mark();
        let r = self.call_lambda_in_new_scope(lambda, args, scope);
        self.reclaim_scope(mark);
        r
    }

    fn call_lambda_in_new_scope(&mut self, lambda: &Lambda, args: Vec<Value>, scope: usize) -> R<Value> {
        // closure.rb: a required parameter may not follow an optional one.
        if let Some(p) = lambda
            .params
            .iter()
            .skip_while(|p| p.default.is_none() && !p.captures_rest)
            .find(|p| p.default.is_none() && !p.captures_rest)
        {
            return Err(self.err(
                p.name_span,
                format!("Parameter ${} is required but appears after optional parameters", p.name),
            ));
        }
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
                        None => {
                            return Err(self.err(
                                p.name_span,
                                format!("Parameter ${} is required but no value was given", p.name),
                            ))
                        }
                    },
                }
            };
            if let (Some(t), false) = (&p.type_expr, p.captures_rest) {
                if let Value::Type(tv) = self.eval(t, local)? {
                    if !super::types::is_instance(&v, &tv) {
                        // Puppet reports it as the calling function's failure, at the call.
                        let at = self.lambda_call_site.unwrap_or(lambda.span);
                        let m = super::types::mismatch(&v, &tv);
                        return Err(self.err(
                            at,
                            format!(
                                "Error while evaluating a Function Call, block parameter '{}' {m}",
                                p.name
                            ),
                        ));
                    }
                }
            }
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
        let outer = self.lambda_call_site.replace(span);
        let r = self.iteration_at(name, vals, lambda, scope, span);
        self.lambda_call_site = outer;
        r
    }

    fn iteration_at(
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
        static UNDEF: Value = Value::Undef;
        let subject = vals.first().unwrap_or(&UNDEF);
        match name {
            "with" => return self.call_lambda(lambda.expect("checked"), vals.to_vec(), scope),
            "then" => {
                return match subject {
                    Value::Undef => Ok(Value::Undef),
                    v => self.call_lambda(lambda.expect("checked"), vec![v.clone()], scope),
                }
            }
            "lest" => {
                return match subject {
                    Value::Undef => self.call_lambda(lambda.expect("checked"), vec![], scope),
                    v => Ok(v.clone()),
                }
            }
            _ => {}
        }
        let Some(items) = Items::of(subject) else {
            // Functions of one signature name the parameter (Puppet's describer); the others
            // would list every signature they have.
            let msg = match name {
                "reverse_each" | "step" => format!(
                    "'{name}' parameter 'iterable' {}",
                    super::builtins::param_mismatch(subject, &["Iterable"])
                ),
                _ => rejected_signatures(name, subject, vals.len()),
            };
            return Err(fcall(self, msg));
        };
        // The block's parameters against the function's block signature.
        if let Some(l) = lambda.filter(|l| !l.params.iter().any(|p| p.captures_rest)) {
            let (min, max) = match name {
                "each" | "map" | "filter" | "any" | "all" => (1, 2),
                "reverse_each" => (1, 1),
                "reduce" => (2, 2),
                _ => (0, usize::MAX),
            };
            let required = l.params.iter().filter(|p| p.default.is_none()).count();
            // The block must accept a count the function passes: Puppet compares its required
            // and total parameter counts with the function's block signature.
            if required > max || l.params.len() < min {
                let expects = if min == max {
                    format!("{min} argument{}", if min == 1 { "" } else { "s" })
                } else {
                    format!("between {min} and {max} arguments")
                };
                return Err(fcall(self, format!("'{name}' block expects {expects}, got {}", l.params.len())));
            }
        }
        let is_hash = items.is_hash();
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
                let mut elements =
                    items.pairs().map(|(k, v)| if is_hash { Value::Array(vec![k, v]) } else { v });
                let chunks = std::iter::from_fn(move || {
                    let chunk: Vec<Value> = elements.by_ref().take(n).collect();
                    (!chunk.is_empty()).then_some(Value::Array(chunk))
                });
                let Some(l) = lambda else { return Ok(Value::Array(chunks.collect())) };
                let spread = l.params.len() > 1;
                let calls = chunks.map(|c| match c {
                    Value::Array(a) if spread => a,
                    other => vec![other],
                });
                self.each_call(l, calls, scope)?;
                return Ok(subject.clone());
            }
            "step" | "reverse_each" => {
                // A hash's elements are its [key, value] pairs.
                let hash = items.is_hash();
                let element = move |(k, v): (Value, Value)| if hash { Value::Array(vec![k, v]) } else { v };
                let values: Box<dyn Iterator<Item = Value>> = if name == "step" {
                    let n = match vals.get(1) {
                        Some(Value::Int(n)) if *n > 0 => *n as usize,
                        Some(other) => {
                            let positive = crate::value::TypeValue {
                                name: "Integer".into(),
                                params: vec![Value::Int(1), Value::Default],
                            };
                            let why = super::types::mismatch(other, &positive);
                            return Err(fcall(self, format!("'step' parameter 'step' {why}")));
                        }
                        None => return Err(fcall(self, "'step' expects 2 arguments, got 1".into())),
                    };
                    Box::new(items.pairs().map(element).step_by(n))
                } else {
                    Box::new(items.pairs().rev().map(element))
                };
                // Without a lambda Puppet returns an Iterator; it is materialised here.
                let Some(l) = lambda else {
                    return Ok(super::types::iterator(subject, values.collect()));
                };
                self.each_call(l, values.map(|v| vec![v]), scope)?;
                return Ok(subject.clone());
            }
            "index" if lambda.is_none() => {
                let needle = vals.get(1).cloned().unwrap_or(Value::Undef);
                for (k, v) in items.pairs() {
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
        if name == "reduce" {
            let mut memo = vals.get(1).cloned();
            for (k, v) in items.pairs() {
                let item = if is_hash { Value::Array(vec![k, v]) } else { v };
                let Some(m) = memo.take() else {
                    memo = Some(item);
                    continue;
                };
                match self.call_lambda(l, vec![m, item], scope) {
                    Ok(r) => memo = Some(r),
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
            return Ok(memo.unwrap_or(Value::Undef));
        }
        for (k, v) in items.pairs() {
            let args = args_for(&k, &v);
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
                "any" if r.truthy() => return Ok(Value::Bool(true)),
                "all" if !r.truthy() => return Ok(Value::Bool(false)),
                "index" if r.truthy() => return Ok(k),
                _ => {}
            }
        }
        Ok(match name {
            "each" => subject.clone(),
            "map" => Value::Array(mapped),
            "filter" if is_hash => Value::Hash(kept_hash),
            "filter" => Value::Array(kept_arr),
            "any" => Value::Bool(false),
            "all" => Value::Bool(true),
            _ => Value::Undef,
        })
    }

    /// Calls `l` once per argument list, until the lists run out or the lambda `break`s.
    fn each_call(&mut self, l: &Lambda, calls: impl Iterator<Item = Vec<Value>>, scope: usize) -> R<()> {
        for args in calls {
            if let Err(e) = self.call_lambda(l, args, scope) {
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
        Ok(())
    }
}

/// Puppet's report when no signature of a function with several accepts its arguments: each
/// signature with why it was rejected (here, a subject that is neither a Hash nor Iterable).
fn rejected_signatures(name: &str, subject: &Value, args: usize) -> String {
    let hash = format!("parameter 'hash' {}", super::builtins::param_mismatch(subject, &["Hash"]));
    let iterable =
        format!("parameter 'enumerable' {}", super::builtins::param_mismatch(subject, &["Iterable"]));
    let signatures: Vec<(&str, String)> = match name {
        "reduce" => {
            let count =
                |n: usize| format!("expects {n} argument{}, got {args}", if n == 1 { "" } else { "s" });
            vec![
                (
                    "Iterable enumerable, Callable[2, 2] block",
                    if args == 1 { iterable.clone() } else { count(1) },
                ),
                (
                    "Iterable enumerable, Any memo, Callable[2, 2] block",
                    if args == 2 { iterable } else { count(2) },
                ),
            ]
        }
        "slice" => vec![
            ("Hash hash, Integer[1] slice_size, Callable block?", hash),
            ("Iterable enumerable, Integer[1] slice_size, Callable block?", iterable),
        ],
        _ => vec![
            ("Hash hash, Callable[2, 2] block", hash.clone()),
            ("Hash hash, Callable[1, 1] block", hash),
            ("Iterable enumerable, Callable[2, 2] block", iterable.clone()),
            ("Iterable enumerable, Callable[1, 1] block", iterable),
        ],
    };
    let mut out =
        format!("The function '{name}' was called with arguments it does not accept. It expects one of:");
    for (signature, why) in signatures {
        out.push_str(&format!("\n  ({signature})\n    rejected: {why}"));
    }
    out
}
