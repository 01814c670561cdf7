//! Evaluates the parsed Ruby subset. Values are Ruby's (nil, strings, symbols, arrays, hashes…);
//! Puppet values come in through `@var`/`scope` and go out through function calls. Methods that
//! mutate their receiver (`<<`, `push`) write the result back to the variable they were called on.

use std::collections::HashMap;
use std::rc::Rc;

use super::parser::{Block, Node, StrNode};
use super::{ErbError, Host};
use crate::value::{format_float, Value};

#[derive(Debug, Clone, PartialEq)]
pub enum RV {
    Nil,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Sym(String),
    Array(Vec<RV>),
    Hash(Vec<(RV, RV)>),
    Range(i64, i64),
    Regex(String, bool),
    /// `scope`, and `scope.to_hash` (answered lazily through the host).
    Scope,
    ScopeHash,
    Class(String),
}

/// Control flow travelling up as an error.
pub enum Flow {
    /// A Ruby error raised by the interpreter (`NoMethodError` and the like: a StandardError).
    Error(ErbError),
    /// An exception of a named class (`JSON::ParserError`), which `rescue` can select.
    Raise(&'static str, ErbError),
    Next(RV),
    Break(RV),
    Return(RV),
}

/// Whether `rescue` naming `wanted` (none: StandardError) catches `flow`.
fn rescues(flow: &Flow, wanted: &[String]) -> bool {
    let class = match flow {
        Flow::Error(_) => "StandardError",
        Flow::Raise(c, _) => c,
        _ => return false,
    };
    // The class and its ancestors below StandardError.
    let ancestors: &[&str] = match class {
        "JSON::ParserError" => &["JSON::ParserError", "JSON::JSONError"],
        _ => &[],
    };
    wanted.is_empty()
        || wanted
            .iter()
            .any(|w| matches!(w.as_str(), "StandardError" | "Exception") || ancestors.contains(&w.as_str()))
}

/// A JSON document as Ruby's `JSON.parse` returns it.
fn from_json(v: serde_json::Value) -> RV {
    match v {
        serde_json::Value::Null => RV::Nil,
        serde_json::Value::Bool(b) => RV::Bool(b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => RV::Int(i),
            None => RV::Float(n.as_f64().unwrap_or(0.0)),
        },
        serde_json::Value::String(s) => RV::Str(s),
        serde_json::Value::Array(a) => RV::Array(a.into_iter().map(from_json).collect()),
        serde_json::Value::Object(o) => {
            RV::Hash(o.into_iter().map(|(k, v)| (RV::Str(k), from_json(v))).collect())
        }
    }
}

type Res<T> = Result<T, Flow>;

fn fail<T>(line: usize, m: impl Into<String>) -> Res<T> {
    Err(Flow::Error(ErbError { message: m.into(), line }))
}

/// The count `take`/`drop` are given: a negative or non-Integer one takes nothing.
fn how_many(v: RV) -> usize {
    match v {
        RV::Int(n) => n.max(0) as usize,
        _ => 0,
    }
}

pub fn from_puppet(v: &Value) -> RV {
    match v {
        Value::Undef => RV::Nil,
        Value::Default => RV::Sym("default".into()),
        Value::Bool(b) => RV::Bool(*b),
        Value::Int(i) => RV::Int(*i),
        Value::Float(f) => RV::Float(*f),
        Value::Str(s) => RV::Str(s.clone()),
        Value::Array(a) => RV::Array(a.iter().map(from_puppet).collect()),
        Value::Hash(h) => RV::Hash(h.iter().map(|(k, v)| (from_puppet(k), from_puppet(v))).collect()),
        other => RV::Str(other.to_display_string()),
    }
}

pub fn to_puppet(v: &RV) -> Value {
    match v {
        RV::Nil => Value::Undef,
        RV::Bool(b) => Value::Bool(*b),
        RV::Int(i) => Value::Int(*i),
        RV::Float(f) => Value::Float(*f),
        RV::Str(s) | RV::Sym(s) => Value::Str(s.clone()),
        RV::Array(a) => Value::Array(a.iter().map(to_puppet).collect()),
        RV::Hash(h) => Value::Hash(h.iter().map(|(k, v)| (to_puppet(k), to_puppet(v))).collect()),
        RV::Range(a, b) => Value::Array((*a..=*b).map(Value::Int).collect()),
        other => Value::Str(to_s(other)),
    }
}

fn truthy(v: &RV) -> bool {
    !matches!(v, RV::Nil | RV::Bool(false))
}

fn inspect_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '#' => out.push('#'),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Ruby's `inspect`.
pub fn inspect(v: &RV) -> String {
    match v {
        RV::Nil => "nil".into(),
        RV::Str(s) => inspect_str(s),
        RV::Sym(s) => format!(":{s}"),
        RV::Array(a) => format!("[{}]", a.iter().map(inspect).collect::<Vec<_>>().join(", ")),
        RV::Hash(h) => {
            format!(
                "{{{}}}",
                h.iter()
                    .map(|(k, v)| format!("{}=>{}", inspect(k), inspect(v)))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
        RV::Regex(r, _) => format!("/{r}/"),
        other => to_s(other),
    }
}

/// Ruby's `to_s`.
pub fn to_s(v: &RV) -> String {
    match v {
        RV::Nil => String::new(),
        RV::Bool(b) => b.to_string(),
        RV::Int(i) => i.to_string(),
        RV::Float(f) => format_float(*f),
        RV::Str(s) | RV::Sym(s) => s.clone(),
        RV::Range(a, b) => format!("{a}..{b}"),
        RV::Scope => "#<Puppet::Parser::Scope>".into(),
        RV::Class(c) => c.clone(),
        other => inspect(other),
    }
}

fn class_name(v: &RV) -> &'static str {
    match v {
        RV::Nil => "NilClass",
        RV::Bool(true) => "TrueClass",
        RV::Bool(false) => "FalseClass",
        RV::Int(_) => "Integer",
        RV::Float(_) => "Float",
        RV::Str(_) => "String",
        RV::Sym(_) => "Symbol",
        RV::Array(_) => "Array",
        RV::Hash(_) | RV::ScopeHash => "Hash",
        RV::Range(..) => "Range",
        RV::Regex(..) => "Regexp",
        RV::Scope => "Puppet::Parser::Scope",
        RV::Class(_) => "Class",
    }
}

fn is_a(v: &RV, class: &str) -> bool {
    let c = class.trim_start_matches("::");
    let own = class_name(v);
    own == c
        || matches!(
            (c, v),
            ("Numeric", RV::Int(_) | RV::Float(_))
                | ("Fixnum" | "Bignum", RV::Int(_))
                | ("Object" | "BasicObject", _)
        )
        || (c == "Enumerable" && matches!(v, RV::Array(_) | RV::Hash(_) | RV::Range(..)))
        || (c == "Comparable" && matches!(v, RV::Int(_) | RV::Float(_) | RV::Str(_)))
}

fn compare(a: &RV, b: &RV) -> Option<std::cmp::Ordering> {
    match (a, b) {
        (RV::Int(x), RV::Int(y)) => Some(x.cmp(y)),
        (RV::Int(x), RV::Float(y)) => (*x as f64).partial_cmp(y),
        (RV::Float(x), RV::Int(y)) => x.partial_cmp(&(*y as f64)),
        (RV::Float(x), RV::Float(y)) => x.partial_cmp(y),
        (RV::Str(x), RV::Str(y)) | (RV::Sym(x), RV::Sym(y)) => Some(x.cmp(y)),
        (RV::Array(x), RV::Array(y)) => {
            for (p, q) in x.iter().zip(y) {
                match compare(p, q)? {
                    std::cmp::Ordering::Equal => continue,
                    o => return Some(o),
                }
            }
            Some(x.len().cmp(&y.len()))
        }
        _ => None,
    }
}

/// A Ruby regexp literal as a `fancy-regex` (look-around and backreferences, as Onigmo has them).
fn regex(pat: &str, ci: bool) -> Option<std::sync::Arc<fancy_regex::Regex>> {
    let translated =
        pat.replace("\\A", "^").replace("\\z", "$").replace("\\Z", "$").replace("\\h", "[0-9a-fA-F]");
    let flags = if ci { "(?mi)" } else { "(?m)" };
    crate::value::cached_regex(&format!("{flags}{translated}")).ok()
}

pub struct Interp<'h> {
    pub host: &'h mut dyn Host,
    pub texts: Vec<String>,
    pub out: String,
    locals: Vec<HashMap<String, RV>>,
    ivars: HashMap<String, RV>,
    /// Names assigned somewhere in the template: Ruby reads one whose assignment did not run
    /// (`x = 1 if false; x`) as nil, not as a method call.
    declared: std::collections::HashSet<String>,
    /// Methods the template defines with `def`.
    defs: HashMap<String, Rc<Block>>,
}

impl<'h> Interp<'h> {
    pub fn new(host: &'h mut dyn Host, texts: Vec<String>) -> Self {
        Interp {
            host,
            texts,
            out: String::new(),
            locals: vec![HashMap::new()],
            ivars: HashMap::new(),
            declared: Default::default(),
            defs: HashMap::new(),
        }
    }

    /// Names the parser saw assigned (see `declared`).
    pub fn declare_locals(&mut self, names: std::collections::HashSet<String>) {
        self.declared = names;
    }

    pub fn run(&mut self, body: &[Node]) -> Result<(), ErbError> {
        match self.block_body(body) {
            Ok(_) => Ok(()),
            Err(Flow::Error(e)) | Err(Flow::Raise(_, e)) => Err(e),
            Err(_) => Ok(()),
        }
    }

    fn block_body(&mut self, body: &[Node]) -> Res<RV> {
        let mut last = RV::Nil;
        for n in body {
            last = self.eval(n)?;
        }
        Ok(last)
    }

    fn get_local(&self, name: &str) -> Option<RV> {
        self.locals.iter().rev().find_map(|f| f.get(name).cloned())
    }

    fn set_local(&mut self, name: &str, v: RV) {
        for f in self.locals.iter_mut().rev() {
            if let Some(slot) = f.get_mut(name) {
                *slot = v;
                return;
            }
        }
        if let Some(f) = self.locals.last_mut() {
            f.insert(name.to_string(), v);
        }
    }

    fn ivar(&mut self, name: &str) -> RV {
        if let Some(v) = self.ivars.get(name) {
            return v.clone();
        }
        self.host.variable(name).map(|v| from_puppet(&v)).unwrap_or(RV::Nil)
    }

    fn assign(&mut self, target: &Node, v: RV, line: usize) -> Res<()> {
        match target {
            Node::Ident(n) => self.set_local(n, v),
            Node::IVar(n) => {
                self.ivars.insert(n.clone(), v);
            }
            Node::Index(recv, idx) => {
                let container = self.eval(recv)?;
                let key = match idx.first() {
                    Some(k) => self.eval(k)?,
                    None => RV::Nil,
                };
                let updated = match container {
                    RV::Hash(mut h) => {
                        match h.iter_mut().find(|(k, _)| *k == key) {
                            Some(slot) => slot.1 = v,
                            None => h.push((key, v)),
                        }
                        RV::Hash(h)
                    }
                    RV::Array(mut a) => {
                        let RV::Int(i) = key else { return fail(line, "array index must be an Integer") };
                        let i = if i < 0 { a.len() as i64 + i } else { i } as usize;
                        if i >= a.len() {
                            a.resize(i + 1, RV::Nil);
                        }
                        a[i] = v;
                        RV::Array(a)
                    }
                    other => return fail(line, format!("undefined method `[]=' for {}", class_name(&other))),
                };
                self.assign(recv, updated, line)?;
            }
            _ => return fail(line, "unsupported assignment target"),
        }
        Ok(())
    }

    pub fn eval(&mut self, n: &Node) -> Res<RV> {
        Ok(match n {
            Node::Nil => RV::Nil,
            Node::Bool(b) => RV::Bool(*b),
            Node::Int(i) => RV::Int(*i),
            Node::Float(f) => RV::Float(*f),
            Node::Sym(s) => RV::Sym(s.clone()),
            Node::Regex(r, ci) => RV::Regex(r.clone(), *ci),
            Node::Str(parts) => {
                let mut s = String::new();
                for p in parts {
                    match p {
                        StrNode::Text(t) => s.push_str(t),
                        StrNode::Code(c) => {
                            let v = self.eval(c)?;
                            s.push_str(&to_s(&v));
                        }
                    }
                }
                RV::Str(s)
            }
            Node::Array(items) => {
                let mut out = Vec::new();
                for i in items {
                    out.push(self.eval(i)?);
                }
                RV::Array(out)
            }
            Node::Hash(pairs) => {
                let mut out: Vec<(RV, RV)> = Vec::new();
                for (k, v) in pairs {
                    let k = self.eval(k)?;
                    let v = self.eval(v)?;
                    match out.iter_mut().find(|(x, _)| *x == k) {
                        Some(slot) => slot.1 = v,
                        None => out.push((k, v)),
                    }
                }
                RV::Hash(out)
            }
            Node::Range(a, b, excl) => {
                let (RV::Int(x), RV::Int(y)) = (self.eval(a)?, self.eval(b)?) else {
                    return fail(0, "only Integer ranges are supported");
                };
                RV::Range(x, if *excl { y - 1 } else { y })
            }
            Node::IVar(name) => self.ivar(name),
            Node::Def(name, def) => {
                self.defs.insert(name.clone(), def.clone());
                RV::Sym(name.clone())
            }
            Node::Ident(name) => match self.get_local(name) {
                Some(v) => v,
                None if self.declared.contains(name) => RV::Nil,
                None => self.call(None, name, Vec::new(), None, 0)?,
            },
            Node::Const(c) => RV::Class(c.clone()),
            Node::Call { recv, name, args, block, line } => {
                let r = match recv {
                    Some(r) => Some(self.eval(r)?),
                    None => None,
                };
                let mut vals = Vec::with_capacity(args.len());
                for a in args {
                    vals.push(self.eval(a)?);
                }
                let mutating = matches!(
                    name.as_str(),
                    "push"
                        | "concat"
                        | "unshift"
                        | "sort!"
                        | "uniq!"
                        | "compact!"
                        | "flatten!"
                        | "reverse!"
                        | "map!"
                        | "select!"
                        | "reject!"
                        | "delete"
                        | "delete_if"
                        | "clear"
                        | "store"
                        | "merge!"
                        | "update"
                        | "gsub!"
                        | "sub!"
                        | "strip!"
                        | "chomp!"
                        | "upcase!"
                        | "downcase!"
                        | "replace"
                        | "insert"
                        | "pop"
                        | "shift"
                );
                let result = self.call(r.clone(), name, vals.clone(), block.as_ref(), *line)?;
                if mutating {
                    if let (Some(target), Some(recv_v)) = (recv, r) {
                        if matches!(**target, Node::Ident(_) | Node::IVar(_) | Node::Index(..)) {
                            let updated = self.mutated(recv_v, name, &vals, &result);
                            self.assign(target, updated, *line)?;
                        }
                    }
                }
                result
            }
            Node::Index(recv, idx) => {
                let r = self.eval(recv)?;
                let mut vals = Vec::new();
                for i in idx {
                    vals.push(self.eval(i)?);
                }
                self.call(Some(r), "[]", vals, None, 0)?
            }
            Node::Assign(t, v) => {
                let v = self.eval(v)?;
                self.assign(t, v.clone(), 0)?;
                v
            }
            Node::OpAssign(t, op, v) => {
                let cur = match &**t {
                    Node::Ident(n) => self.get_local(n).unwrap_or(RV::Nil),
                    other => self.eval(other)?,
                };
                let new = match *op {
                    "||" => {
                        if truthy(&cur) {
                            cur
                        } else {
                            self.eval(v)?
                        }
                    }
                    "&&" => {
                        if truthy(&cur) {
                            self.eval(v)?
                        } else {
                            cur
                        }
                    }
                    o => {
                        let r = self.eval(v)?;
                        self.binary(o, cur, r, 0)?
                    }
                };
                self.assign(t, new.clone(), 0)?;
                new
            }
            Node::And(a, b) => {
                let x = self.eval(a)?;
                if truthy(&x) {
                    self.eval(b)?
                } else {
                    x
                }
            }
            Node::Or(a, b) => {
                let x = self.eval(a)?;
                if truthy(&x) {
                    x
                } else {
                    self.eval(b)?
                }
            }
            Node::Not(a) => RV::Bool(!truthy(&self.eval(a)?)),
            Node::Binary(op, a, b, line) => {
                let (x, y) = (self.eval(a)?, self.eval(b)?);
                if *op == "<<" {
                    let r = self.binary(op, x, y, *line)?;
                    if matches!(**a, Node::Ident(_) | Node::IVar(_) | Node::Index(..)) {
                        self.assign(a, r.clone(), *line)?;
                    }
                    r
                } else {
                    self.binary(op, x, y, *line)?
                }
            }
            Node::If(c, t, e) => {
                if truthy(&self.eval(c)?) {
                    self.block_body(t)?
                } else {
                    self.block_body(e)?
                }
            }
            Node::While(c, body) => {
                let mut guard = 0;
                while truthy(&self.eval(c)?) {
                    guard += 1;
                    if guard > 1_000_000 {
                        return fail(0, "while loop ran more than a million times");
                    }
                    match self.block_body(body) {
                        Ok(_) | Err(Flow::Next(_)) => {}
                        Err(Flow::Break(_)) => break,
                        Err(e) => return Err(e),
                    }
                }
                RV::Nil
            }
            Node::Case(subject, whens, els) => {
                let s = match subject {
                    Some(s) => Some(self.eval(s)?),
                    None => None,
                };
                for (vals, body) in whens {
                    for v in vals {
                        let v = self.eval(v)?;
                        let hit = match &s {
                            None => truthy(&v),
                            Some(s) => match &v {
                                RV::Class(c) => is_a(s, c),
                                RV::Regex(r, ci) => {
                                    regex(r, *ci).is_some_and(|re| re.is_match(&to_s(s)).unwrap_or(false))
                                }
                                RV::Range(a, b) => matches!(s, RV::Int(i) if i >= a && i <= b),
                                other => other == s,
                            },
                        };
                        if hit {
                            return self.block_body(body);
                        }
                    }
                }
                self.block_body(els)?
            }
            Node::For(vars, iter, body) => {
                let it = self.eval(iter)?;
                for item in self.items(&it, 0)? {
                    self.bind(vars, item);
                    match self.block_body(body) {
                        Ok(_) | Err(Flow::Next(_)) => {}
                        Err(Flow::Break(_)) => break,
                        Err(e) => return Err(e),
                    }
                }
                it
            }
            Node::Text(i) => {
                let t = self.texts.get(*i).cloned().unwrap_or_default();
                self.out.push_str(&t);
                RV::Nil
            }
            Node::Out(e) => {
                let v = self.eval(e)?;
                let s = to_s(&v);
                self.out.push_str(&s);
                RV::Nil
            }
            Node::Next(v) => {
                let v = match v {
                    Some(v) => self.eval(v)?,
                    None => RV::Nil,
                };
                return Err(Flow::Next(v));
            }
            Node::Break(v) => {
                let v = match v {
                    Some(v) => self.eval(v)?,
                    None => RV::Nil,
                };
                return Err(Flow::Break(v));
            }
            Node::Seq(body) => self.block_body(body)?,
            Node::Return(v) => {
                let v = match v {
                    Some(v) => self.eval(v)?,
                    None => RV::Nil,
                };
                return Err(Flow::Return(v));
            }
            Node::Rescue(body, clauses) => match self.block_body(body) {
                Err(flow) if matches!(flow, Flow::Error(_) | Flow::Raise(..)) => {
                    let Some(clause) = clauses.iter().find(|c| rescues(&flow, &c.classes)) else {
                        return Err(flow);
                    };
                    if let (Some(var), Flow::Error(e) | Flow::Raise(_, e)) = (&clause.var, &flow) {
                        self.set_local(var, RV::Str(e.message.clone()));
                    }
                    self.block_body(&clause.body)?
                }
                other => other?,
            },
            Node::Defined(e) => match &**e {
                Node::IVar(n) => {
                    // Puppet does not set instance variables for undef values.
                    if self.ivars.contains_key(n)
                        || self.host.variable(n).is_some_and(|v| !matches!(v, Value::Undef))
                    {
                        RV::Str("instance-variable".into())
                    } else {
                        RV::Nil
                    }
                }
                Node::Ident(n) if self.get_local(n).is_some() => RV::Str("local-variable".into()),
                Node::Ident(_) | Node::Call { .. } => RV::Str("method".into()),
                _ => RV::Str("expression".into()),
            },
        })
    }

    /// The receiver after a mutating method (`a.push(x)` stores the longer array back in `a`).
    fn mutated(&self, recv: RV, name: &str, args: &[RV], result: &RV) -> RV {
        match (name, recv) {
            ("delete", RV::Array(a)) => {
                RV::Array(a.into_iter().filter(|x| Some(x) != args.first()).collect())
            }
            ("delete", RV::Hash(h)) => {
                RV::Hash(h.into_iter().filter(|(k, _)| Some(k) != args.first()).collect())
            }
            ("pop", RV::Array(mut a)) => {
                a.pop();
                RV::Array(a)
            }
            ("shift", RV::Array(mut a)) => {
                if !a.is_empty() {
                    a.remove(0);
                }
                RV::Array(a)
            }
            _ => result.clone(),
        }
    }

    fn bind(&mut self, params: &[String], item: RV) {
        if params.len() > 1 {
            let parts = match item {
                RV::Array(a) => a,
                other => vec![other],
            };
            for (i, p) in params.iter().enumerate() {
                self.set_local(p, parts.get(i).cloned().unwrap_or(RV::Nil));
            }
        } else if let Some(p) = params.first() {
            self.set_local(p, item);
        }
    }

    /// Calls a block with its parameters in a fresh frame.
    fn yield_block(&mut self, block: &Block, args: Vec<RV>) -> Res<RV> {
        self.locals.push(HashMap::new());
        let item = if args.len() == 1 { args.into_iter().next().unwrap_or(RV::Nil) } else { RV::Array(args) };
        if block.params.len() > 1 {
            // |k, v| over a pair, or |(k, v), i| flattened by the parser.
            let flat = match item {
                RV::Array(a) if a.len() == 2 && block.params.len() == 3 => match &a[0] {
                    RV::Array(p) => vec![
                        p.first().cloned().unwrap_or(RV::Nil),
                        p.get(1).cloned().unwrap_or(RV::Nil),
                        a[1].clone(),
                    ],
                    _ => a,
                },
                RV::Array(a) => a,
                other => vec![other],
            };
            for (i, p) in block.params.iter().enumerate() {
                if let Some(f) = self.locals.last_mut() {
                    f.insert(p.clone(), flat.get(i).cloned().unwrap_or(RV::Nil));
                }
            }
        } else if let Some(p) = block.params.first() {
            if let Some(f) = self.locals.last_mut() {
                f.insert(p.clone(), item);
            }
        }
        let r = match self.block_body(&block.body) {
            Ok(v) => Ok(v),
            Err(Flow::Next(v)) => Ok(v),
            Err(e) => Err(e),
        };
        self.locals.pop();
        r
    }

    fn items(&self, v: &RV, line: usize) -> Res<Vec<RV>> {
        Ok(match v {
            RV::Array(a) => a.clone(),
            RV::Hash(h) => h.iter().map(|(k, v)| RV::Array(vec![k.clone(), v.clone()])).collect(),
            RV::Range(a, b) => (*a..=*b).map(RV::Int).collect(),
            RV::Nil => return fail(line, "undefined method `each' for nil:NilClass"),
            other => return fail(line, format!("undefined method `each' for {}", class_name(other))),
        })
    }

    fn binary(&mut self, op: &str, a: RV, b: RV, line: usize) -> Res<RV> {
        use RV::*;
        Ok(match (op, a, b) {
            ("==", x, y) => {
                Bool(x == y || matches!((&x, &y), (Int(i), Float(f)) | (Float(f), Int(i)) if *i as f64 == *f))
            }
            ("===", Class(c), y) => Bool(is_a(&y, &c)),
            ("===", x, y) => Bool(x == y),
            ("=~", Str(s), Regex(r, ci)) | ("=~", Regex(r, ci), Str(s)) => {
                match regex(&r, ci).and_then(|re| re.find(&s).ok().flatten()) {
                    Some(m) => Int(s[..m.start()].chars().count() as i64),
                    None => Nil,
                }
            }
            ("=~", Nil, _) => Nil,
            ("<=>", x, y) => match compare(&x, &y) {
                Some(o) => Int(o as i64),
                None => Nil,
            },
            ("<" | "<=" | ">" | ">=", x, y) => {
                let Some(o) = compare(&x, &y) else {
                    return fail(
                        line,
                        format!("comparison of {} with {} failed", class_name(&x), inspect(&y)),
                    );
                };
                use std::cmp::Ordering::*;
                Bool(match op {
                    "<" => o == Less,
                    "<=" => o != Greater,
                    ">" => o == Greater,
                    _ => o != Less,
                })
            }
            ("+", Int(x), Int(y)) => Int(x.wrapping_add(y)),
            ("-", Int(x), Int(y)) => Int(x.wrapping_sub(y)),
            ("*", Int(x), Int(y)) => Int(x.wrapping_mul(y)),
            ("/", Int(_), Int(0)) | ("%", Int(_), Int(0)) => return fail(line, "divided by 0"),
            ("/", Int(x), Int(y)) => {
                Int(x.div_euclid(y) - if x.rem_euclid(y) != 0 && (y < 0) { 1 } else { 0 })
            }
            ("%", Int(x), Int(y)) => Int(((x % y) + y) % y),
            ("**", Int(x), Int(y)) => Int(x.pow(y.clamp(0, 62) as u32)),
            (o @ ("+" | "-" | "*" | "/" | "**"), x @ (Int(_) | Float(_)), y @ (Int(_) | Float(_))) => {
                let f = |v: &RV| match v {
                    Int(i) => *i as f64,
                    Float(f) => *f,
                    _ => 0.0,
                };
                let (p, q) = (f(&x), f(&y));
                Float(match o {
                    "+" => p + q,
                    "-" => p - q,
                    "*" => p * q,
                    "/" => p / q,
                    _ => p.powf(q),
                })
            }
            ("+", Str(x), Str(y)) => Str(x + &y),
            ("+", Str(_), y) => {
                return fail(line, format!("no implicit conversion of {} into String", class_name(&y)))
            }
            ("*", Str(x), Int(n)) => Str(x.repeat(n.max(0) as usize)),
            ("%", Str(fmt), args) => {
                let list = match args {
                    Array(a) => a,
                    o => vec![o],
                };
                let vals: Vec<Value> = list.iter().map(to_puppet).collect();
                let mut all = vec![Value::Str(fmt)];
                all.extend(vals);
                match self.host.call_function("sprintf", all) {
                    Ok(v) => from_puppet(&v),
                    Err(e) => return fail(line, e),
                }
            }
            ("+", Array(mut x), Array(y)) => {
                x.extend(y);
                Array(x)
            }
            ("-", Array(x), Array(y)) => Array(x.into_iter().filter(|v| !y.contains(v)).collect()),
            ("&", Array(x), Array(y)) => {
                let mut out: Vec<RV> = Vec::new();
                for v in x {
                    if y.contains(&v) && !out.contains(&v) {
                        out.push(v);
                    }
                }
                Array(out)
            }
            ("|", Array(x), Array(y)) => {
                let mut out: Vec<RV> = Vec::new();
                for v in x.into_iter().chain(y) {
                    if !out.contains(&v) {
                        out.push(v);
                    }
                }
                Array(out)
            }
            ("*", Array(x), Str(sep)) => Str(x.iter().map(to_s).collect::<Vec<_>>().join(&sep)),
            ("<<", Array(mut x), y) => {
                x.push(y);
                Array(x)
            }
            ("<<", Str(mut x), y) => {
                x.push_str(&to_s(&y));
                Str(x)
            }
            (o, x, y) => {
                return fail(
                    line,
                    format!("undefined method `{o}' for {} (with {})", inspect(&x), class_name(&y)),
                )
            }
        })
    }

    #[allow(clippy::too_many_lines)]
    fn call(
        &mut self,
        recv: Option<RV>,
        name: &str,
        args: Vec<RV>,
        block: Option<&Rc<Block>>,
        line: usize,
    ) -> Res<RV> {
        let Some(recv) = recv else { return self.call_self(name, args, block, line) };
        let arg = |i: usize| args.get(i).cloned().unwrap_or(RV::Nil);
        // Methods every object has.
        match name {
            "nil?" => return Ok(RV::Bool(recv == RV::Nil)),
            "to_s" if !matches!(recv, RV::Int(_)) || args.is_empty() => return Ok(RV::Str(to_s(&recv))),
            "inspect" => return Ok(RV::Str(inspect(&recv))),
            "is_a?" | "kind_of?" | "instance_of?" => {
                let RV::Class(c) = arg(0) else { return fail(line, "class or module required") };
                return Ok(RV::Bool(is_a(&recv, &c)));
            }
            "class" => return Ok(RV::Class(class_name(&recv).into())),
            "==" | "eql?" | "equal?" => return self.binary("==", recv, arg(0), line),
            "!=" => return Ok(RV::Bool(recv != arg(0))),
            "frozen?" => return Ok(RV::Bool(false)),
            "dup" | "clone" | "freeze" | "to_enum" | "each_entry" | "lazy" => return Ok(recv),
            "respond_to?" => return Ok(RV::Bool(true)),
            "then" | "tap" if block.is_some() => {
                let b = block.cloned();
                let r = self.yield_block(b.as_deref().expect("checked"), vec![recv.clone()])?;
                return Ok(if name == "then" { r } else { recv });
            }
            _ => {}
        }
        let b = block.cloned();
        match recv {
            RV::Scope => self.scope_method(name, args, line),
            RV::ScopeHash => match name {
                "has_key?" | "key?" | "include?" | "member?" => {
                    Ok(RV::Bool(self.host.variable(&to_s(&arg(0))).is_some()))
                }
                "[]" | "fetch" => {
                    Ok(self.host.variable(&to_s(&arg(0))).map(|v| from_puppet(&v)).unwrap_or(RV::Nil))
                }
                _ => fail(line, format!("scope.to_hash.{name} is outside the supported Ruby subset")),
            },
            RV::Class(c) => match (c.as_str(), name) {
                ("File", "basename") => {
                    let s = to_s(&arg(0));
                    let mut base = s.trim_end_matches('/').rsplit('/').next().unwrap_or("").to_string();
                    if let RV::Str(ext) = arg(1) {
                        if ext == ".*" {
                            if let Some(i) = base.rfind('.') {
                                base.truncate(i);
                            }
                        } else if let Some(x) = base.strip_suffix(ext.as_str()) {
                            base = x.to_string();
                        }
                    }
                    Ok(RV::Str(base))
                }
                ("File", "dirname") => {
                    let s = to_s(&arg(0));
                    Ok(RV::Str(match s.trim_end_matches('/').rfind('/') {
                        Some(0) => "/".into(),
                        Some(i) => s[..i].to_string(),
                        None => ".".into(),
                    }))
                }
                ("File", "join") => Ok(RV::Str(args.iter().map(to_s).collect::<Vec<_>>().join("/"))),
                ("JSON", "parse") => {
                    let text = to_s(&arg(0));
                    match serde_json::from_str(&text) {
                        Ok(v) => Ok(from_json(v)),
                        Err(e) => Err(Flow::Raise(
                            "JSON::ParserError",
                            ErbError { message: format!("unexpected token in '{text}': {e}"), line },
                        )),
                    }
                }
                ("Regexp", "escape") => Ok(RV::Str(regex::escape(&to_s(&arg(0))))),
                ("Hash", "new") if args.is_empty() => Ok(RV::Hash(Vec::new())),
                ("Array", "new") if args.is_empty() => Ok(RV::Array(Vec::new())),
                _ => fail(line, format!("{c}.{name} is outside the supported Ruby subset")),
            },
            RV::Str(s) => self.string_method(s, name, args, b.as_deref(), line),
            RV::Array(a) => self.array_method(a, name, args, b.as_deref(), line),
            RV::Hash(h) => self.hash_method(h, name, args, b.as_deref(), line),
            RV::Range(x, y) => {
                let a: Vec<RV> = (x..=y).map(RV::Int).collect();
                match name {
                    "include?" | "member?" | "cover?" => {
                        Ok(RV::Bool(matches!(arg(0), RV::Int(i) if i >= x && i <= y)))
                    }
                    "first" if args.is_empty() => Ok(RV::Int(x)),
                    "last" if args.is_empty() => Ok(RV::Int(y)),
                    _ => self.array_method(a, name, args, b.as_deref(), line),
                }
            }
            RV::Int(i) => self.number_method(RV::Int(i), name, args, b.as_deref(), line),
            RV::Float(f) => self.number_method(RV::Float(f), name, args, b.as_deref(), line),
            RV::Sym(s) => match name {
                "to_sym" => Ok(RV::Sym(s)),
                "to_proc" => fail(line, "Symbol#to_proc is outside the supported Ruby subset"),
                _ => self.string_method(s, name, args, b.as_deref(), line),
            },
            RV::Nil => match name {
                "to_a" => Ok(RV::Array(vec![])),
                "to_i" => Ok(RV::Int(0)),
                "to_f" => Ok(RV::Float(0.0)),
                "empty?" => fail(line, "undefined method `empty?' for nil:NilClass"),
                "&" => Ok(RV::Bool(false)),
                _ => fail(line, format!("undefined method `{name}' for nil:NilClass")),
            },
            RV::Bool(v) => match name {
                "&" => Ok(RV::Bool(v && truthy(&arg(0)))),
                "|" => Ok(RV::Bool(v || truthy(&arg(0)))),
                "^" => Ok(RV::Bool(v != truthy(&arg(0)))),
                _ => fail(
                    line,
                    format!(
                        "undefined method `{name}' for {v}:{}",
                        if v { "TrueClass" } else { "FalseClass" }
                    ),
                ),
            },
            RV::Regex(r, ci) => match name {
                "match" | "=~" | "match?" => {
                    let s = to_s(&arg(0));
                    let hit = regex(&r, ci).is_some_and(|re| re.is_match(&s).unwrap_or(false));
                    Ok(if hit { RV::Bool(true) } else { RV::Nil })
                }
                "source" => Ok(RV::Str(r)),
                _ => fail(line, format!("Regexp#{name} is outside the supported Ruby subset")),
            },
        }
    }

    fn call_self(&mut self, name: &str, args: Vec<RV>, _block: Option<&Rc<Block>>, line: usize) -> Res<RV> {
        if let Some(def) = self.defs.get(name).cloned() {
            // A method body runs with only its parameters as locals.
            let frame =
                def.params.iter().cloned().zip(args.into_iter().chain(std::iter::repeat(RV::Nil))).collect();
            let outer = std::mem::replace(&mut self.locals, vec![frame]);
            let r = self.block_body(&def.body);
            self.locals = outer;
            return match r {
                Err(Flow::Return(v)) => Ok(v),
                other => other,
            };
        }
        let arg = |i: usize| args.get(i).cloned().unwrap_or(RV::Nil);
        match name {
            "scope" => Ok(RV::Scope),
            "self" => Ok(RV::Scope),
            "has_variable?" => Ok(RV::Bool(self.host.variable(&to_s(&arg(0))).is_some())),
            "classes" => Ok(RV::Array(self.host.classes().into_iter().map(RV::Str).collect())),
            "Integer" => match arg(0) {
                RV::Int(i) => Ok(RV::Int(i)),
                RV::Float(f) => Ok(RV::Int(f as i64)),
                RV::Str(s) => {
                    let t = s.trim().replace('_', "");
                    let parsed = if let Some(h) = t.strip_prefix("0x") {
                        i64::from_str_radix(h, 16).ok()
                    } else if t.len() > 1 && t.starts_with('0') && t.bytes().all(|b| b.is_ascii_digit()) {
                        i64::from_str_radix(&t[1..], 8).ok()
                    } else {
                        t.parse().ok()
                    };
                    match parsed {
                        Some(i) => Ok(RV::Int(i)),
                        None => fail(line, format!("invalid value for Integer(): {}", inspect_str(&s))),
                    }
                }
                RV::Nil => fail(line, "can't convert nil into Integer"),
                other => fail(line, format!("can't convert {} into Integer", class_name(&other))),
            },
            "Float" => match arg(0) {
                RV::Int(i) => Ok(RV::Float(i as f64)),
                RV::Float(f) => Ok(RV::Float(f)),
                RV::Str(s) => s
                    .trim()
                    .parse()
                    .map(RV::Float)
                    .or_else(|_| fail(line, format!("invalid value for Float(): {}", inspect_str(&s)))),
                other => fail(line, format!("can't convert {} into Float", class_name(&other))),
            },
            "String" => Ok(RV::Str(to_s(&arg(0)))),
            "Array" => Ok(match arg(0) {
                RV::Nil => RV::Array(vec![]),
                RV::Array(a) => RV::Array(a),
                RV::Hash(h) => RV::Array(h.into_iter().map(|(k, v)| RV::Array(vec![k, v])).collect()),
                other => RV::Array(vec![other]),
            }),
            "raise" | "fail" => fail(line, to_s(&arg(0))),
            "puts" | "print" | "p" | "warn" => Ok(RV::Nil),
            _ => fail(
                line,
                format!("undefined local variable or method `{name}' (outside the supported Ruby subset)"),
            ),
        }
    }

    fn scope_method(&mut self, name: &str, args: Vec<RV>, line: usize) -> Res<RV> {
        let arg = |i: usize| args.get(i).cloned().unwrap_or(RV::Nil);
        match name {
            "lookupvar" | "[]" => {
                let n = to_s(&arg(0));
                Ok(self.host.variable(n.trim_start_matches("::")).map(|v| from_puppet(&v)).unwrap_or(RV::Nil))
            }
            "to_hash" => Ok(RV::ScopeHash),
            "include?" | "exist?" => Ok(RV::Bool(self.host.variable(&to_s(&arg(0))).is_some())),
            "call_function" => {
                let fname = to_s(&arg(0));
                let fargs: Vec<Value> = match arg(1) {
                    RV::Array(a) => a.iter().map(to_puppet).collect(),
                    RV::Nil => Vec::new(),
                    other => vec![to_puppet(&other)],
                };
                self.host.call_function(&fname, fargs).map(|v| from_puppet(&v)).or_else(|e| fail(line, e))
            }
            other if other.starts_with("function_") => {
                let fname = &other["function_".len()..];
                let fargs: Vec<Value> = match arg(0) {
                    RV::Array(a) => a.iter().map(to_puppet).collect(),
                    RV::Nil => Vec::new(),
                    other => vec![to_puppet(&other)],
                };
                self.host.call_function(fname, fargs).map(|v| from_puppet(&v)).or_else(|e| fail(line, e))
            }
            _ => fail(line, format!("scope.{name} is outside the supported Ruby subset")),
        }
    }

    fn number_method(
        &mut self,
        n: RV,
        name: &str,
        args: Vec<RV>,
        block: Option<&Block>,
        line: usize,
    ) -> Res<RV> {
        let f = match &n {
            RV::Int(i) => *i as f64,
            RV::Float(f) => *f,
            _ => 0.0,
        };
        Ok(match name {
            "to_i" | "to_int" | "floor" | "truncate" => RV::Int(f.floor() as i64),
            "ceil" => RV::Int(f.ceil() as i64),
            "round" => RV::Int(f.round() as i64),
            "to_f" => RV::Float(f),
            "to_s" => match (&n, args.first()) {
                (RV::Int(i), Some(RV::Int(base))) if *base == 8 => RV::Str(format!("{i:o}")),
                (RV::Int(i), Some(RV::Int(base))) if *base == 16 => RV::Str(format!("{i:x}")),
                (RV::Int(i), Some(RV::Int(base))) if *base == 2 => RV::Str(format!("{i:b}")),
                _ => RV::Str(to_s(&n)),
            },
            "abs" => match n {
                RV::Int(i) => RV::Int(i.abs()),
                _ => RV::Float(f.abs()),
            },
            "zero?" => RV::Bool(f == 0.0),
            "even?" => RV::Bool(matches!(n, RV::Int(i) if i % 2 == 0)),
            "odd?" => RV::Bool(matches!(n, RV::Int(i) if i % 2 != 0)),
            "times" | "upto" => {
                let (from, to) = match (name, &n) {
                    ("times", RV::Int(i)) => (0, *i - 1),
                    (_, RV::Int(i)) => (
                        *i,
                        match args.first() {
                            Some(RV::Int(t)) => *t,
                            _ => *i,
                        },
                    ),
                    _ => (0, -1),
                };
                return self
                    .array_method((from..=to).map(RV::Int).collect(), "each", vec![], block, line)
                    .map(|_| n);
            }
            "+" | "-" | "*" | "/" | "%" | "**" | "<" | ">" | "<=" | ">=" | "<=>" => {
                return self.binary(name, n, args.first().cloned().unwrap_or(RV::Nil), line)
            }
            _ => return fail(line, format!("undefined method `{name}' for {}", class_name(&n))),
        })
    }

    fn string_method(
        &mut self,
        s: String,
        name: &str,
        args: Vec<RV>,
        _block: Option<&Block>,
        line: usize,
    ) -> Res<RV> {
        let arg = |i: usize| args.get(i).cloned().unwrap_or(RV::Nil);
        let pattern = |v: &RV| -> Option<std::sync::Arc<fancy_regex::Regex>> {
            match v {
                RV::Regex(r, ci) => regex(r, *ci),
                other => crate::value::cached_regex(&fancy_regex::escape(&to_s(other))).ok(),
            }
        };
        Ok(match name {
            "to_str" => RV::Str(s),
            "to_sym" => RV::Sym(s),
            "to_i" => {
                let t = s.trim_start();
                let end = t
                    .char_indices()
                    .find(|(i, c)| !(c.is_ascii_digit() || (*i == 0 && (*c == '-' || *c == '+'))))
                    .map(|(i, _)| i)
                    .unwrap_or(t.len());
                RV::Int(t[..end].parse().unwrap_or(0))
            }
            "to_f" => RV::Float(s.trim().parse().unwrap_or(0.0)),
            "length" | "size" => RV::Int(s.chars().count() as i64),
            "empty?" => RV::Bool(s.is_empty()),
            "upcase" | "upcase!" => RV::Str(s.to_uppercase()),
            "downcase" | "downcase!" => RV::Str(s.to_lowercase()),
            "capitalize" => {
                let mut c = s.chars();
                RV::Str(match c.next() {
                    Some(f) => f.to_uppercase().collect::<String>() + &c.as_str().to_lowercase(),
                    None => String::new(),
                })
            }
            "swapcase" => RV::Str(
                s.chars()
                    .map(|c| {
                        if c.is_uppercase() {
                            c.to_lowercase().next().unwrap_or(c)
                        } else {
                            c.to_uppercase().next().unwrap_or(c)
                        }
                    })
                    .collect(),
            ),
            "strip" | "strip!" => RV::Str(s.trim().to_string()),
            "lstrip" => RV::Str(s.trim_start().to_string()),
            "rstrip" => RV::Str(s.trim_end().to_string()),
            "chomp" | "chomp!" => RV::Str(match arg(0) {
                RV::Str(suf) => s.strip_suffix(suf.as_str()).unwrap_or(&s).to_string(),
                _ => s.strip_suffix("\r\n").or_else(|| s.strip_suffix('\n')).unwrap_or(&s).to_string(),
            }),
            "chop" => {
                let mut c = s.chars();
                c.next_back();
                RV::Str(c.as_str().to_string())
            }
            "reverse" => RV::Str(s.chars().rev().collect()),
            "include?" => RV::Bool(s.contains(&to_s(&arg(0)))),
            "start_with?" => RV::Bool(args.iter().any(|a| s.starts_with(&to_s(a)))),
            "end_with?" => RV::Bool(args.iter().any(|a| s.ends_with(&to_s(a)))),
            "index" => match s.find(&to_s(&arg(0))) {
                Some(i) => RV::Int(s[..i].chars().count() as i64),
                None => RV::Nil,
            },
            "split" => {
                let parts: Vec<RV> = match arg(0) {
                    RV::Nil => s.split_whitespace().map(|p| RV::Str(p.to_string())).collect(),
                    RV::Str(sep) if sep == " " => {
                        s.split_whitespace().map(|p| RV::Str(p.to_string())).collect()
                    }
                    p => match pattern(&p) {
                        Some(re) => {
                            re.split(&s).filter_map(Result::ok).map(|p| RV::Str(p.to_string())).collect()
                        }
                        None => vec![RV::Str(s.clone())],
                    },
                };
                // Ruby drops trailing empty fields.
                let mut parts = parts;
                while matches!(parts.last(), Some(RV::Str(x)) if x.is_empty()) {
                    parts.pop();
                }
                RV::Array(parts)
            }
            "lines" | "each_line" => {
                RV::Array(s.split_inclusive('\n').map(|l| RV::Str(l.to_string())).collect())
            }
            "chars" => RV::Array(s.chars().map(|c| RV::Str(c.to_string())).collect()),
            "gsub" | "sub" | "gsub!" | "sub!" => {
                let Some(re) = pattern(&arg(0)) else { return fail(line, "invalid pattern") };
                let rep = to_s(&arg(1));
                // Ruby's \1 becomes the regex crate's ${1}.
                let mut r = String::new();
                let mut chars = rep.chars().peekable();
                while let Some(c) = chars.next() {
                    if c == '\\' {
                        match chars.peek() {
                            Some(d) if d.is_ascii_digit() => {
                                r.push_str(&format!("${{{d}}}"));
                                chars.next();
                                continue;
                            }
                            Some('\\') => {
                                r.push('\\');
                                chars.next();
                                continue;
                            }
                            _ => {}
                        }
                    }
                    if c == '$' {
                        r.push_str("$$");
                    } else {
                        r.push(c);
                    }
                }
                let limit = if name.starts_with("gsub") { 0 } else { 1 };
                let out = match re.try_replacen(&s, limit, r.as_str()) {
                    Ok(out) => out.into_owned(),
                    Err(e) => return fail(line, format!("{name}: {e}")),
                };
                // `gsub!`/`sub!` answer nil when they replaced nothing.
                if name.ends_with('!') && out == s && !re.is_match(&s).unwrap_or(false) {
                    RV::Nil
                } else {
                    RV::Str(out)
                }
            }
            "tr" => {
                let from: Vec<char> = to_s(&arg(0)).chars().collect();
                let to: Vec<char> = to_s(&arg(1)).chars().collect();
                RV::Str(
                    s.chars()
                        .map(|c| match from.iter().position(|f| *f == c) {
                            Some(i) => *to.get(i).or(to.last()).unwrap_or(&c),
                            None => c,
                        })
                        .collect(),
                )
            }
            "delete" => {
                let del = to_s(&arg(0));
                RV::Str(s.chars().filter(|c| !del.contains(*c)).collect())
            }
            "squeeze" => {
                let mut out = String::new();
                for c in s.chars() {
                    if !out.ends_with(c) {
                        out.push(c);
                    }
                }
                RV::Str(out)
            }
            "match" | "match?" | "=~" => {
                let hit = pattern(&arg(0)).is_some_and(|re| re.is_match(&s).unwrap_or(false));
                if name == "match?" {
                    RV::Bool(hit)
                } else if hit {
                    RV::Bool(true)
                } else {
                    RV::Nil
                }
            }
            "center" | "ljust" | "rjust" => {
                let w = match arg(0) {
                    RV::Int(i) => i.max(0) as usize,
                    _ => 0,
                };
                let pad = match arg(1) {
                    RV::Str(p) if !p.is_empty() => p,
                    _ => " ".into(),
                };
                let len = s.chars().count();
                if len >= w {
                    RV::Str(s)
                } else {
                    let fill = |n: usize| pad.chars().cycle().take(n).collect::<String>();
                    RV::Str(match name {
                        "ljust" => s.clone() + &fill(w - len),
                        "rjust" => fill(w - len) + &s,
                        _ => {
                            let left = (w - len) / 2;
                            fill(left) + &s + &fill(w - len - left)
                        }
                    })
                }
            }
            "[]" | "slice" => match (arg(0), arg(1)) {
                (RV::Int(i), RV::Nil) => {
                    let chars: Vec<char> = s.chars().collect();
                    let i = if i < 0 { chars.len() as i64 + i } else { i };
                    chars.get(i as usize).map(|c| RV::Str(c.to_string())).unwrap_or(RV::Nil)
                }
                (RV::Int(i), RV::Int(n)) => {
                    let chars: Vec<char> = s.chars().collect();
                    let i = if i < 0 { chars.len() as i64 + i } else { i }.max(0) as usize;
                    RV::Str(chars.iter().skip(i).take(n.max(0) as usize).collect())
                }
                (RV::Range(a, b), _) => {
                    let chars: Vec<char> = s.chars().collect();
                    let len = chars.len() as i64;
                    let a = if a < 0 { len + a } else { a }.max(0);
                    let b = if b < 0 { len + b } else { b }.min(len - 1);
                    RV::Str(if a > b {
                        String::new()
                    } else {
                        chars[a as usize..=b as usize].iter().collect()
                    })
                }
                (RV::Str(sub), _) => {
                    if s.contains(&sub) {
                        RV::Str(sub)
                    } else {
                        RV::Nil
                    }
                }
                (p @ RV::Regex(..), _) => {
                    match pattern(&p)
                        .and_then(|re| re.find(&s).ok().flatten().map(|m| m.as_str().to_string()))
                    {
                        Some(m) => RV::Str(m),
                        None => RV::Nil,
                    }
                }
                _ => return fail(line, "unsupported String#[] arguments"),
            },
            "+" | "*" | "%" | "<<" | "==" | "<" | ">" | "<=" | ">=" | "<=>" => {
                return self.binary(name, RV::Str(s), arg(0), line)
            }
            "concat" => RV::Str(s + &to_s(&arg(0))),
            "hash" => RV::Int(s.len() as i64),
            "each_char" => RV::Array(s.chars().map(|c| RV::Str(c.to_string())).collect()),
            _ => {
                return fail(
                    line,
                    format!("undefined method `{name}' for String (outside the supported Ruby subset)"),
                )
            }
        })
    }

    fn array_method(
        &mut self,
        a: Vec<RV>,
        name: &str,
        args: Vec<RV>,
        block: Option<&Block>,
        line: usize,
    ) -> Res<RV> {
        let arg = |i: usize| args.get(i).cloned().unwrap_or(RV::Nil);
        // An enumerator without a block (`a.map.each_with_index { }`) enumerates the array itself.
        if block.is_none() && args.is_empty() && matches!(name, "map" | "collect" | "each") {
            return Ok(RV::Array(a));
        }
        macro_rules! each_with {
            ($f:expr) => {{
                let Some(b) = block else {
                    return fail(
                        line,
                        format!("Array#{name} without a block is outside the supported Ruby subset"),
                    );
                };
                let mut out = Vec::new();
                for item in a.iter().cloned() {
                    match self.yield_block(b, vec![item.clone()]) {
                        Ok(r) => out.push((item, r)),
                        Err(Flow::Break(v)) => return Ok(v),
                        Err(e) => return Err(e),
                    }
                }
                #[allow(clippy::redundant_closure_call)]
                $f(out)
            }};
        }
        Ok(match name {
            "each" | "each_entry" => {
                if block.is_none() {
                    return Ok(RV::Array(a));
                }
                each_with!(|_| RV::Array(a.clone()))
            }
            "each_with_index" | "each_with_index_map" => {
                let Some(b) = block else { return fail(line, "each_with_index without a block") };
                for (i, item) in a.iter().enumerate() {
                    match self.yield_block(b, vec![item.clone(), RV::Int(i as i64)]) {
                        Ok(_) => {}
                        Err(Flow::Break(v)) => return Ok(v),
                        Err(e) => return Err(e),
                    }
                }
                RV::Array(a)
            }
            "map" | "collect" | "map!" | "flat_map" | "collect_concat" => {
                let flat = name == "flat_map" || name == "collect_concat";
                each_with!(|out: Vec<(RV, RV)>| {
                    let mut res = Vec::new();
                    for (_, r) in out {
                        match r {
                            RV::Array(x) if flat => res.extend(x),
                            o => res.push(o),
                        }
                    }
                    RV::Array(res)
                })
            }
            "select" | "filter" | "select!" | "find_all" => each_with!(|out: Vec<(RV, RV)>| RV::Array(
                out.into_iter().filter(|(_, r)| truthy(r)).map(|(i, _)| i).collect()
            )),
            "reject" | "reject!" | "delete_if" => each_with!(|out: Vec<(RV, RV)>| RV::Array(
                out.into_iter().filter(|(_, r)| !truthy(r)).map(|(i, _)| i).collect()
            )),
            "find" | "detect" => each_with!(|out: Vec<(RV, RV)>| out
                .into_iter()
                .find(|(_, r)| truthy(r))
                .map(|(i, _)| i)
                .unwrap_or(RV::Nil)),
            "any?" => match block {
                Some(_) => each_with!(|out: Vec<(RV, RV)>| RV::Bool(out.iter().any(|(_, r)| truthy(r)))),
                None => RV::Bool(a.iter().any(truthy)),
            },
            "all?" => match block {
                Some(_) => each_with!(|out: Vec<(RV, RV)>| RV::Bool(out.iter().all(|(_, r)| truthy(r)))),
                None => RV::Bool(a.iter().all(truthy)),
            },
            "none?" => match block {
                Some(_) => each_with!(|out: Vec<(RV, RV)>| RV::Bool(!out.iter().any(|(_, r)| truthy(r)))),
                None => RV::Bool(!a.iter().any(truthy)),
            },
            "count" if block.is_some() => {
                each_with!(|out: Vec<(RV, RV)>| RV::Int(out.iter().filter(|(_, r)| truthy(r)).count() as i64))
            }
            "partition" => each_with!(|out: Vec<(RV, RV)>| {
                let (y, n): (Vec<_>, Vec<_>) = out.into_iter().partition(|(_, r)| truthy(r));
                RV::Array(vec![
                    RV::Array(y.into_iter().map(|(i, _)| i).collect()),
                    RV::Array(n.into_iter().map(|(i, _)| i).collect()),
                ])
            }),
            "group_by" => each_with!(|out: Vec<(RV, RV)>| {
                let mut groups: Vec<(RV, RV)> = Vec::new();
                for (item, key) in out {
                    match groups.iter_mut().find(|(k, _)| *k == key) {
                        Some((_, RV::Array(v))) => v.push(item),
                        _ => groups.push((key, RV::Array(vec![item]))),
                    }
                }
                RV::Hash(groups)
            }),
            "sort_by" | "min_by" | "max_by" => each_with!(|out: Vec<(RV, RV)>| {
                let mut out = out;
                out.sort_by(|(_, x), (_, y)| compare(x, y).unwrap_or(std::cmp::Ordering::Equal));
                match name {
                    "min_by" => out.first().map(|(i, _)| i.clone()).unwrap_or(RV::Nil),
                    "max_by" => out.last().map(|(i, _)| i.clone()).unwrap_or(RV::Nil),
                    _ => RV::Array(out.into_iter().map(|(i, _)| i).collect()),
                }
            }),
            "inject" | "reduce" => {
                let Some(b) = block else {
                    return fail(line, "inject without a block is outside the supported Ruby subset");
                };
                let mut items = a.into_iter();
                let mut acc = match args.first() {
                    Some(init) => init.clone(),
                    None => items.next().unwrap_or(RV::Nil),
                };
                for item in items {
                    acc = self.yield_block(b, vec![acc, item])?;
                }
                acc
            }
            "each_slice" => {
                let n = match arg(0) {
                    RV::Int(n) if n > 0 => n as usize,
                    _ => return fail(line, "invalid slice size"),
                };
                let slices: Vec<RV> = a.chunks(n).map(|c| RV::Array(c.to_vec())).collect();
                match block {
                    Some(b) => {
                        for s in slices {
                            self.yield_block(b, vec![s])?;
                        }
                        RV::Nil
                    }
                    None => RV::Array(slices),
                }
            }
            "sort" | "sort!" => {
                let mut a = a;
                match block {
                    Some(b) => {
                        let mut err = None;
                        let mut keyed = a.clone();
                        // Insertion sort calling the block (templates sort short lists).
                        for i in 1..keyed.len() {
                            let mut j = i;
                            while j > 0 {
                                match self.yield_block(b, vec![keyed[j - 1].clone(), keyed[j].clone()]) {
                                    Ok(RV::Int(o)) if o > 0 => keyed.swap(j - 1, j),
                                    Ok(_) => break,
                                    Err(e) => {
                                        err = Some(e);
                                        break;
                                    }
                                }
                                j -= 1;
                            }
                        }
                        if let Some(e) = err {
                            return Err(e);
                        }
                        a = keyed;
                    }
                    None => {
                        for w in a.windows(2) {
                            if compare(&w[0], &w[1]).is_none() {
                                return fail(
                                    line,
                                    format!(
                                        "comparison of {} with {} failed",
                                        class_name(&w[0]),
                                        inspect(&w[1])
                                    ),
                                );
                            }
                        }
                        a.sort_by(|x, y| compare(x, y).unwrap_or(std::cmp::Ordering::Equal));
                    }
                }
                RV::Array(a)
            }
            "join" => {
                let sep = to_s(&arg(0));
                fn flat(v: &RV, out: &mut Vec<String>) {
                    match v {
                        RV::Array(a) => a.iter().for_each(|x| flat(x, out)),
                        o => out.push(to_s(o)),
                    }
                }
                let mut parts = Vec::new();
                a.iter().for_each(|x| flat(x, &mut parts));
                RV::Str(parts.join(&sep))
            }
            "uniq" | "uniq!" => {
                let mut out: Vec<RV> = Vec::new();
                for v in a {
                    if !out.contains(&v) {
                        out.push(v);
                    }
                }
                RV::Array(out)
            }
            "compact" | "compact!" => RV::Array(a.into_iter().filter(|v| *v != RV::Nil).collect()),
            "flatten" | "flatten!" => {
                fn flat(v: Vec<RV>, out: &mut Vec<RV>) {
                    for x in v {
                        match x {
                            RV::Array(a) => flat(a, out),
                            o => out.push(o),
                        }
                    }
                }
                let mut out = Vec::new();
                flat(a, &mut out);
                RV::Array(out)
            }
            "reverse" | "reverse!" => RV::Array(a.into_iter().rev().collect()),
            "first" => match arg(0) {
                RV::Int(n) => RV::Array(a.into_iter().take(n.max(0) as usize).collect()),
                _ => a.first().cloned().unwrap_or(RV::Nil),
            },
            "last" => match arg(0) {
                RV::Int(n) => RV::Array(a[a.len().saturating_sub(n.max(0) as usize)..].to_vec()),
                _ => a.last().cloned().unwrap_or(RV::Nil),
            },
            "take" => RV::Array(a.into_iter().take(how_many(arg(0))).collect()),
            "drop" => RV::Array(a.into_iter().skip(how_many(arg(0))).collect()),
            "length" | "size" => RV::Int(a.len() as i64),
            "count" => match args.first() {
                Some(v) => RV::Int(a.iter().filter(|x| *x == v).count() as i64),
                None => RV::Int(a.len() as i64),
            },
            "empty?" => RV::Bool(a.is_empty()),
            "include?" | "member?" => RV::Bool(a.contains(&arg(0))),
            "index" | "find_index" => {
                a.iter().position(|x| *x == arg(0)).map(|i| RV::Int(i as i64)).unwrap_or(RV::Nil)
            }
            "push" | "append" | "<<" => {
                let mut a = a;
                a.extend(args);
                RV::Array(a)
            }
            "unshift" | "prepend" => {
                let mut out = args;
                out.extend(a);
                RV::Array(out)
            }
            "concat" => {
                let mut a = a;
                for x in args {
                    if let RV::Array(y) = x {
                        a.extend(y);
                    }
                }
                RV::Array(a)
            }
            "delete" => {
                let v = arg(0);
                if a.contains(&v) {
                    v
                } else {
                    RV::Nil
                }
            }
            "pop" => a.last().cloned().unwrap_or(RV::Nil),
            "shift" => a.first().cloned().unwrap_or(RV::Nil),
            "min" => a
                .iter()
                .cloned()
                .min_by(|x, y| compare(x, y).unwrap_or(std::cmp::Ordering::Equal))
                .unwrap_or(RV::Nil),
            "max" => a
                .iter()
                .cloned()
                .max_by(|x, y| compare(x, y).unwrap_or(std::cmp::Ordering::Equal))
                .unwrap_or(RV::Nil),
            "sum" => {
                let mut acc = args.first().cloned().unwrap_or(RV::Int(0));
                for v in a {
                    acc = self.binary("+", acc, v, line)?;
                }
                acc
            }
            "zip" => {
                let other = match arg(0) {
                    RV::Array(o) => o,
                    _ => Vec::new(),
                };
                RV::Array(
                    a.into_iter()
                        .enumerate()
                        .map(|(i, v)| RV::Array(vec![v, other.get(i).cloned().unwrap_or(RV::Nil)]))
                        .collect(),
                )
            }
            "to_a" | "entries" => RV::Array(a),
            "to_h" => RV::Hash(
                a.into_iter()
                    .filter_map(|p| match p {
                        RV::Array(kv) if kv.len() == 2 => Some((kv[0].clone(), kv[1].clone())),
                        _ => None,
                    })
                    .collect(),
            ),
            "[]" | "slice" => match (arg(0), arg(1)) {
                (RV::Int(i), RV::Nil) => {
                    let i = if i < 0 { a.len() as i64 + i } else { i };
                    if i < 0 {
                        RV::Nil
                    } else {
                        a.get(i as usize).cloned().unwrap_or(RV::Nil)
                    }
                }
                (RV::Int(i), RV::Int(n)) => {
                    let i = if i < 0 { a.len() as i64 + i } else { i }.max(0) as usize;
                    RV::Array(a.into_iter().skip(i).take(n.max(0) as usize).collect())
                }
                (RV::Range(x, y), _) => {
                    let len = a.len() as i64;
                    let x = if x < 0 { len + x } else { x }.max(0);
                    let y = if y < 0 { len + y } else { y }.min(len - 1);
                    RV::Array(if x > y { Vec::new() } else { a[x as usize..=y as usize].to_vec() })
                }
                _ => return fail(line, "unsupported Array#[] arguments"),
            },
            "+" | "-" | "&" | "|" | "*" | "==" | "<=>" => {
                return self.binary(name, RV::Array(a), arg(0), line)
            }
            "hash" => RV::Int(a.len() as i64),
            _ => {
                return fail(
                    line,
                    format!("undefined method `{name}' for Array (outside the supported Ruby subset)"),
                )
            }
        })
    }

    fn hash_method(
        &mut self,
        h: Vec<(RV, RV)>,
        name: &str,
        args: Vec<RV>,
        block: Option<&Block>,
        line: usize,
    ) -> Res<RV> {
        let arg = |i: usize| args.get(i).cloned().unwrap_or(RV::Nil);
        let get = |k: &RV| h.iter().find(|(x, _)| x == k).map(|(_, v)| v.clone());
        let pairs = || RV::Array(h.iter().map(|(k, v)| RV::Array(vec![k.clone(), v.clone()])).collect());
        Ok(match name {
            "[]" => get(&arg(0)).unwrap_or(RV::Nil),
            "fetch" => match get(&arg(0)) {
                Some(v) => v,
                None if args.len() > 1 => arg(1),
                None => return fail(line, format!("key not found: {}", inspect(&arg(0)))),
            },
            "dig" => {
                let mut cur = RV::Hash(h.clone());
                for k in &args {
                    cur = match cur {
                        RV::Hash(m) => {
                            m.iter().find(|(x, _)| x == k).map(|(_, v)| v.clone()).unwrap_or(RV::Nil)
                        }
                        RV::Array(a) => match k {
                            RV::Int(i) => a.get(*i as usize).cloned().unwrap_or(RV::Nil),
                            _ => RV::Nil,
                        },
                        _ => RV::Nil,
                    };
                }
                cur
            }
            "has_key?" | "key?" | "include?" | "member?" => RV::Bool(get(&arg(0)).is_some()),
            "has_value?" | "value?" => RV::Bool(h.iter().any(|(_, v)| *v == arg(0))),
            "keys" => RV::Array(h.iter().map(|(k, _)| k.clone()).collect()),
            "values" => RV::Array(h.iter().map(|(_, v)| v.clone()).collect()),
            "values_at" => RV::Array(args.iter().map(|k| get(k).unwrap_or(RV::Nil)).collect()),
            "length" | "size" | "count" if block.is_none() => RV::Int(h.len() as i64),
            "empty?" => RV::Bool(h.is_empty()),
            "to_a" => pairs(),
            "to_h" | "to_hash" => RV::Hash(h),
            "key" => h.iter().find(|(_, v)| *v == arg(0)).map(|(k, _)| k.clone()).unwrap_or(RV::Nil),
            "invert" => RV::Hash(h.into_iter().map(|(k, v)| (v, k)).collect()),
            "merge" | "merge!" | "update" => {
                let mut out = h;
                if let RV::Hash(o) = arg(0) {
                    for (k, v) in o {
                        match out.iter_mut().find(|(x, _)| *x == k) {
                            Some(slot) => slot.1 = v,
                            None => out.push((k, v)),
                        }
                    }
                }
                RV::Hash(out)
            }
            "delete" => get(&arg(0)).unwrap_or(RV::Nil),
            "store" => {
                let mut out = h;
                let (k, v) = (arg(0), arg(1));
                match out.iter_mut().find(|(x, _)| *x == k) {
                    Some(slot) => slot.1 = v,
                    None => out.push((k, v)),
                }
                RV::Hash(out)
            }
            "each" | "each_pair" => {
                let Some(b) = block else { return Ok(pairs()) };
                for (k, v) in h.iter() {
                    match self.yield_block(b, vec![k.clone(), v.clone()]) {
                        Ok(_) => {}
                        Err(Flow::Break(v)) => return Ok(v),
                        Err(e) => return Err(e),
                    }
                }
                RV::Hash(h)
            }
            "each_key" | "each_value" => {
                let Some(b) = block else { return fail(line, format!("{name} without a block")) };
                for (k, v) in h.iter() {
                    self.yield_block(b, vec![if name == "each_key" { k.clone() } else { v.clone() }])?;
                }
                RV::Hash(h)
            }
            "select" | "filter" | "reject" => {
                let Some(b) = block else { return fail(line, format!("Hash#{name} without a block")) };
                let mut out = Vec::new();
                for (k, v) in h {
                    let keep = truthy(&self.yield_block(b, vec![k.clone(), v.clone()])?);
                    if keep == (name != "reject") {
                        out.push((k, v));
                    }
                }
                RV::Hash(out)
            }
            "sort" if block.is_none() => {
                let RV::Array(mut a) = pairs() else { return Ok(RV::Nil) };
                a.sort_by(|x, y| compare(x, y).unwrap_or(std::cmp::Ordering::Equal));
                RV::Array(a)
            }
            _ => {
                let RV::Array(a) = pairs() else { return Ok(RV::Nil) };
                return self.array_method(a, name, args, block, line);
            }
        })
    }
}
