//! The type model: Puppet's types as a Rust enum, built from the language's type values
//! (`Integer[1, 5]` is `TypeValue { name: "Integer", params: [1, 5] }`) with the checks and
//! normalisation Puppet's evaluator applies to `Type[...]` access, written back in canonical form,
//! and printed as Puppet's `TypeFormatter` prints them.

use std::fmt::{self, Write as _};
use std::sync::Arc;

use indexmap::IndexMap;

use crate::value::{format_float, RegexValue, TypeValue, Value};

/// A size or integer range: `None` bounds are unbounded (`default`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Range {
    pub from: Option<i64>,
    pub to: Option<i64>,
}

impl Range {
    pub const ANY: Range = Range { from: None, to: None };

    pub fn new(from: Option<i64>, to: Option<i64>) -> Range {
        Range { from, to }
    }

    /// The range as a collection size (negative bounds become 0), as `to_size` does.
    pub fn to_size(self) -> Range {
        Range { from: Some(self.from.unwrap_or(0).max(0)), to: self.to.map(|t| t.max(0)) }
    }

    pub fn lo(&self) -> i128 {
        self.from.map_or(i128::MIN, i128::from)
    }

    pub fn hi(&self) -> i128 {
        self.to.map_or(i128::MAX, i128::from)
    }

    pub fn contains(&self, n: i128) -> bool {
        n >= self.lo() && n <= self.hi()
    }

    /// Whether every value of `o` is in this range.
    pub fn covers(&self, o: &Range) -> bool {
        self.lo() <= o.lo() && self.hi() >= o.hi()
    }

    pub fn unbounded(&self) -> bool {
        self.from.is_none() && self.to.is_none()
    }

    /// Puppet's `range_array_part`: `[]`, `[from]` or `[from, to]` (`default` for an open start).
    fn parts(&self) -> Vec<String> {
        if self.unbounded() {
            return vec![];
        }
        let mut out = vec![self.from.map_or("default".to_string(), |f| f.to_string())];
        if let Some(t) = self.to {
            out.push(t.to_string());
        }
        out
    }
}

/// The default size of a collection (`Integer[0]`).
pub(crate) const DEFAULT_SIZE: Range = Range { from: Some(0), to: None };

/// A Struct member: its name, whether the key may be absent, and its value type.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Member {
    pub name: String,
    /// `Optional['k']`, or a plain key whose value accepts undef.
    pub optional: bool,
    /// Written `NotUndef['k']`.
    pub not_undef: bool,
    pub value: Ty,
}

/// A Puppet type.
#[derive(Debug, Clone)]
pub(crate) enum Ty {
    Any,
    /// The type of no value in particular, assignable to everything (`Array[0, 0]`'s element).
    Unit,
    Undef,
    Default,
    Boolean(Option<bool>),
    Integer(Range),
    Float(Option<f64>, Option<f64>),
    Numeric,
    /// A size, or one exact value (inferred from a string).
    String(Option<Range>, Option<String>),
    Enum(Vec<String>, bool),
    Pattern(Vec<Arc<RegexValue>>),
    Regexp(Option<Arc<RegexValue>>),
    Scalar,
    ScalarData,
    Data,
    RichData,
    Array(Box<Ty>, Option<Range>),
    Hash(Box<Ty>, Box<Ty>, Option<Range>),
    Collection(Option<Range>),
    Tuple(Vec<Ty>, Option<Range>),
    Struct(Vec<Member>),
    Variant(Vec<Ty>),
    Optional(Option<Box<Ty>>),
    NotUndef(Option<Box<Ty>>),
    Type(Option<Box<Ty>>),
    /// Parameter types with their count range, or any callable.
    Callable(Option<(Vec<Ty>, Option<Range>)>, Option<Box<Ty>>, Option<Box<Ty>>),
    CatalogEntry,
    Class(Option<String>),
    Resource(Option<String>, Option<String>),
    Sensitive(Box<Ty>),
    Iterable(Option<Box<Ty>>),
    Iterator(Option<Box<Ty>>),
    Init(Option<Box<Ty>>, Vec<Value>),
    Runtime(Option<String>, Option<String>),
    /// Types this model carries only by name and parameters (Timespan, SemVer, Object, …).
    Other(String, Vec<Value>),
}

impl PartialEq for Ty {
    /// Puppet's type equality (`eql?`): variants as sets, enums sorted.
    fn eq(&self, other: &Ty) -> bool {
        use Ty::*;
        match (self, other) {
            (Variant(a), Variant(b)) => {
                a.len() == b.len() && a.iter().all(|x| b.contains(x)) && b.iter().all(|x| a.contains(x))
            }
            (Boolean(a), Boolean(b)) => a == b,
            (Integer(a), Integer(b)) => a == b,
            (Float(a, b), Float(c, d)) => a == c && b == d,
            (String(a, b), String(c, d)) => a == c && b == d,
            (Enum(a, b), Enum(c, d)) => a == c && b == d,
            (Pattern(a), Pattern(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.source == y.source)
            }
            (Regexp(a), Regexp(b)) => a.as_ref().map(|r| &r.source) == b.as_ref().map(|r| &r.source),
            (Array(a, b), Array(c, d)) => a == c && b == d,
            (Hash(a, b, c), Hash(d, e, f)) => a == d && b == e && c == f,
            (Collection(a), Collection(b)) => a == b,
            (Tuple(a, b), Tuple(c, d)) => a == c && b == d,
            (Struct(a), Struct(b)) => a == b,
            (Optional(a), Optional(b))
            | (NotUndef(a), NotUndef(b))
            | (Type(a), Type(b))
            | (Iterable(a), Iterable(b))
            | (Iterator(a), Iterator(b)) => a == b,
            (Callable(a, b, c), Callable(d, e, f)) => a == d && b == e && c == f,
            (Class(a), Class(b)) => a == b,
            (Resource(a, b), Resource(c, d)) => {
                a.as_ref().map(|s| s.to_lowercase()) == c.as_ref().map(|s| s.to_lowercase()) && b == d
            }
            (Sensitive(a), Sensitive(b)) => a == b,
            (Init(a, b), Init(c, d)) => a == c && b == d,
            (Runtime(a, b), Runtime(c, d)) => a == c && b == d,
            (Other(a, b), Other(c, d)) => a == c && b == d,
            _ => std::mem::discriminant(self) == std::mem::discriminant(other),
        }
    }
}

/// Names of the types of Puppet's type system (as opposed to resource types such as `File`).
pub(crate) const DATA_TYPES: &[&str] = &[
    "Any",
    "Array",
    "Binary",
    "Boolean",
    "Callable",
    "CatalogEntry",
    "Collection",
    "Data",
    "Default",
    "Deferred",
    "Enum",
    "Error",
    "Float",
    "Hash",
    "Init",
    "Integer",
    "Iterable",
    "Iterator",
    "NotUndef",
    "Numeric",
    "Object",
    "Optional",
    "Pattern",
    "Regexp",
    "RichData",
    "Runtime",
    "Scalar",
    "ScalarData",
    "SemVer",
    "SemVerRange",
    "Sensitive",
    "String",
    "Struct",
    "Timespan",
    "Timestamp",
    "Tuple",
    "Type",
    "TypeSet",
    "Undef",
    "URI",
    "Variant",
];

fn article(word: &str) -> &'static str {
    if word.starts_with(['A', 'E', 'I', 'O', 'U']) {
        "an"
    } else {
        "a"
    }
}

/// `Integer-Type`, as Puppet names a type in access errors.
fn label(name: &str) -> String {
    format!("{name}-Type")
}

/// What a parameter is, in Puppet's words (`Integer`, `String`, `Integer-Type`).
fn kind(v: &Value) -> String {
    match v {
        Value::Type(t) => format!("{}-Type", t.name),
        Value::Resource { .. } => "Resource-Type".into(),
        other => other.type_name().to_string(),
    }
}

fn int_or_default(v: &Value, name: &str) -> Result<Option<i64>, String> {
    match v {
        Value::Int(i) => Ok(Some(*i)),
        Value::Default => Ok(None),
        other => Err(format!(
            "{} [] requires all arguments to be integers (or default). Got {}",
            label(name),
            kind(other)
        )),
    }
}

fn range_of(lo: Option<i64>, hi: Option<i64>) -> Result<Range, String> {
    if let (Some(a), Some(b)) = (lo, hi) {
        if a > b {
            return Err(format!(
                "Error while evaluating a '[]' expression, 'from' must be less or equal to 'to'. Got ({a}, {b}"
            ));
        }
    }
    Ok(Range::new(lo, hi))
}

/// A size from parameters (`[min]` or `[min, max]`, integers or `default`).
fn size_params(params: &[Value], name: &str) -> Result<Range, String> {
    let lo = params.first().map(|v| int_or_default(v, name)).transpose()?.flatten();
    let hi = params.get(1).map(|v| int_or_default(v, name)).transpose()?.flatten();
    range_of(lo, hi)
}

fn arity(name: &str, params: &[Value], min: usize, max: usize) -> Result<(), String> {
    if params.len() >= min && params.len() <= max {
        return Ok(());
    }
    let expected = match (min, max) {
        (a, b) if a == b => format!("{a} argument{}", if a == 1 { "" } else { "s" }),
        (a, b) => format!("{a} to {b} arguments"),
    };
    Err(format!("{}[] accepts {expected}. Got {}", label(name), params.len()))
}

fn must_be_type(name: &str, v: &Value) -> Result<Ty, String> {
    match v {
        Value::Type(_) | Value::Resource { .. } => Ty::from_value(v),
        other => Err(format!("{}[] arguments must be types. Got {}", label(name), kind(other))),
    }
}

impl Ty {
    /// The type a value denotes in a type position: a type, or a resource reference
    /// (`File['/x']` is the type `Resource[File, '/x']`).
    pub fn from_value(v: &Value) -> Result<Ty, String> {
        match v {
            Value::Type(t) => Ty::from_type_value(t),
            Value::Resource { type_name, title } if type_name == "Class" => {
                Ok(Ty::Class(Some(title.trim_start_matches("::").to_lowercase())))
            }
            Value::Resource { type_name, title } => {
                Ok(Ty::Resource(Some(type_name.clone()), Some(title.clone())))
            }
            other => Err(format!("not a type: {}", kind(other))),
        }
    }

    /// The type from a (canonical or freshly written) type value.
    pub fn from_type_value(t: &TypeValue) -> Result<Ty, String> {
        Ty::build(&t.name, &t.params)
    }

    /// `Name[params]` with Puppet's checks of the parameters and its normalisation.
    pub fn build(name: &str, p: &[Value]) -> Result<Ty, String> {
        let no_params = |ty: Ty| -> Result<Ty, String> {
            if p.is_empty() {
                Ok(ty)
            } else {
                Err(format!("Operator '[]' is not applicable to {} {}.", article(name), label(name)))
            }
        };
        let inner = |i: usize| -> Result<Option<Box<Ty>>, String> {
            p.get(i).map(|v| must_be_type(name, v).map(Box::new)).transpose()
        };
        Ok(match name {
            "Any" => no_params(Ty::Any)?,
            "Unit" => Ty::Unit,
            "Undef" => no_params(Ty::Undef)?,
            "Default" => no_params(Ty::Default)?,
            "Numeric" => no_params(Ty::Numeric)?,
            "Scalar" => no_params(Ty::Scalar)?,
            "ScalarData" => no_params(Ty::ScalarData)?,
            "Data" => no_params(Ty::Data)?,
            "RichData" => no_params(Ty::RichData)?,
            "CatalogEntry" => no_params(Ty::CatalogEntry)?,
            "Boolean" => {
                arity(name, p, 0, 1)?;
                match p.first() {
                    None => Ty::Boolean(None),
                    Some(Value::Bool(b)) => Ty::Boolean(Some(*b)),
                    Some(other) => {
                        return Err(format!("Boolean-Type[] argument must be a Boolean. Got {}", kind(other)))
                    }
                }
            }
            "Integer" => {
                arity(name, p, 0, 2)?;
                let lo = p.first().map(|v| int_or_default(v, name)).transpose()?.flatten();
                let hi = p.get(1).map(|v| int_or_default(v, name)).transpose()?.flatten();
                Ty::Integer(range_of(lo, hi)?)
            }
            "Float" => {
                arity(name, p, 0, 2)?;
                let f = |v: &Value| -> Result<Option<f64>, String> {
                    match v {
                        Value::Int(i) => Ok(Some(*i as f64)),
                        Value::Float(f) => Ok(Some(*f)),
                        Value::Default => Ok(None),
                        other => Err(format!(
                            "Float-Type [] requires all arguments to be floats, or integers (or default). Got {}",
                            kind(other)
                        )),
                    }
                };
                let lo = p.first().map(f).transpose()?.flatten();
                let hi = p.get(1).map(f).transpose()?.flatten();
                if let (Some(a), Some(b)) = (lo, hi) {
                    if a > b {
                        return Err(format!(
                            "Error while evaluating a '[]' expression, 'from' must be less or equal to 'to'. Got ({}, {}",
                            format_float(a),
                            format_float(b)
                        ));
                    }
                }
                Ty::Float(lo, hi)
            }
            "String" => match p {
                [] => Ty::String(None, None),
                // The canonical form of an inferred string's type.
                [Value::Str(s)] => Ty::String(None, Some(s.clone())),
                _ => {
                    arity(name, p, 0, 2)?;
                    Ty::String(Some(size_params(p, name)?.to_size()), None)
                }
            },
            "Enum" => {
                let mut values = Vec::new();
                let mut ci = false;
                for (i, v) in p.iter().enumerate() {
                    match v {
                        Value::Str(s) => values.push(s.clone()),
                        Value::Bool(b) if i == p.len() - 1 && i > 0 => ci = *b,
                        other => {
                            return Err(format!(
                                "Error creating type specialization of an Enum-Type, Cannot use {} where String is expected",
                                kind(other)
                            ))
                        }
                    }
                }
                values.sort();
                values.dedup();
                Ty::Enum(values, ci)
            }
            "Pattern" => {
                let mut pats: Vec<Arc<RegexValue>> = Vec::new();
                for v in p {
                    let re = match v {
                        Value::Regex(r) => r.clone(),
                        Value::Str(s) => Arc::new(RegexValue::new(s).map_err(|e| e.to_string())?),
                        Value::Type(t) if t.name == "Regexp" || t.name == "Pattern" => {
                            match Ty::from_type_value(t)? {
                                Ty::Regexp(Some(r)) => r,
                                Ty::Pattern(ps) => {
                                    pats.extend(ps);
                                    continue;
                                }
                                _ => continue,
                            }
                        }
                        other => {
                            return Err(format!(
                                "Error creating type specialization of a Pattern-Type, Cannot use {} where String or Regexp or Pattern-Type or Regexp-Type is expected",
                                kind(other)
                            ))
                        }
                    };
                    if !pats.iter().any(|x| x.source == re.source) {
                        pats.push(re);
                    }
                }
                Ty::Pattern(pats)
            }
            "Regexp" => {
                arity(name, p, 0, 1)?;
                match p.first() {
                    None => Ty::Regexp(None),
                    Some(Value::Regex(r)) => Ty::Regexp(Some(r.clone())),
                    Some(Value::Str(s)) => {
                        Ty::Regexp(Some(Arc::new(RegexValue::new(s).map_err(|e| e.to_string())?)))
                    }
                    Some(other) => {
                        return Err(format!(
                            "Regexp-Type[] argument must be a String or a Regexp. Got {}",
                            kind(other)
                        ))
                    }
                }
            }
            "Array" => {
                arity(name, p, 0, 3)?;
                let (elem, rest) = match p.first() {
                    Some(Value::Int(_) | Value::Default) => (Ty::Any, p),
                    Some(v) => (must_be_type(name, v)?, &p[1..]),
                    None => (Ty::Any, p),
                };
                if p.len() == 1 && !matches!(p[0], Value::Type(_) | Value::Resource { .. }) {
                    return Err(format!("Array-Type[] arguments must be types. Got {}", kind(&p[0])));
                }
                let size = if rest.is_empty() { None } else { Some(size_params(rest, name)?.to_size()) };
                Ty::array(elem, size)
            }
            "Hash" if p.is_empty() => Ty::Hash(Box::new(Ty::Any), Box::new(Ty::Any), None),
            "Hash" => {
                let (k, v, rest) = match p.first() {
                    Some(Value::Int(_) | Value::Default) if p.len() <= 2 => (Ty::Any, Ty::Any, p),
                    _ => {
                        arity(name, p, 2, 4)?;
                        (must_be_type(name, &p[0])?, must_be_type(name, &p[1])?, &p[2..])
                    }
                };
                if p.len() == 1 {
                    return Err(format!("Hash-Type[] arguments must be types. Got {}", kind(&p[0])));
                }
                let size = if rest.is_empty() { None } else { Some(size_params(rest, name)?.to_size()) };
                Ty::hash(k, v, size)
            }
            "Collection" => {
                arity(name, p, 0, 2)?;
                Ty::Collection(if p.is_empty() { None } else { Some(size_params(p, name)?.to_size()) })
            }
            "Tuple" => {
                let split =
                    p.iter().position(|v| matches!(v, Value::Int(_) | Value::Default)).unwrap_or(p.len());
                let types =
                    p[..split].iter().map(|v| must_be_type(name, v)).collect::<Result<Vec<_>, _>>()?;
                let rest = &p[split..];
                let size = if rest.is_empty() { None } else { Some(size_params(rest, name)?.to_size()) };
                Ty::Tuple(types, size)
            }
            "Struct" => {
                arity(name, p, 0, 1)?;
                let mut members = Vec::new();
                if let Some(v) = p.first() {
                    let Value::Hash(h) = v else {
                        return Err(format!("Struct-Type[] argument must be a Hash. Got {}", kind(v)));
                    };
                    for (k, v) in h {
                        let value = match v {
                            Value::Type(_) | Value::Resource { .. } => Ty::from_value(v)?,
                            Value::Str(s) => Ty::String(None, Some(s.clone())),
                            other => {
                                return Err(format!(
                                    "Struct element value_type must be a Type. Got {}",
                                    kind(other)
                                ))
                            }
                        };
                        let accepts_undef = value.accepts_undef();
                        let member = |name: String, optional: bool, not_undef: bool| Member {
                            name,
                            optional,
                            not_undef,
                            value: value.clone(),
                        };
                        members.push(match k {
                            Value::Str(s) => member(s.clone(), accepts_undef, false),
                            Value::Type(t) if t.name == "Optional" || t.name == "NotUndef" => {
                                let key = match t.params.first() {
                                    Some(Value::Str(s)) => s.clone(),
                                    Some(Value::Type(e)) => match Ty::from_type_value(e)? {
                                        Ty::String(None, Some(s)) => s,
                                        Ty::Enum(vs, _) if vs.len() == 1 => vs[0].clone(),
                                        _ => return Err(bad_key(k)),
                                    },
                                    _ => return Err(bad_key(k)),
                                };
                                if t.name == "Optional" {
                                    member(key, true, false)
                                } else {
                                    member(key, false, true)
                                }
                            }
                            Value::Type(t) if t.name == "Enum" && t.params.len() == 1 => match &t.params[0] {
                                Value::Str(s) => member(s.clone(), accepts_undef, false),
                                _ => return Err(bad_key(k)),
                            },
                            _ => return Err(bad_key(k)),
                        });
                    }
                }
                Ty::Struct(members)
            }
            "Variant" => {
                let mut types = Vec::new();
                for v in p {
                    match must_be_type(name, v)? {
                        Ty::Variant(inner) => types.extend(inner),
                        t => types.push(t),
                    }
                }
                Ty::variant(types)
            }
            "Optional" => {
                if !p.is_empty() {
                    arity(name, p, 1, 1)?;
                }
                match p.first() {
                    Some(Value::Str(s)) => Ty::Optional(Some(Box::new(Ty::String(None, Some(s.clone()))))),
                    _ => Ty::Optional(inner(0)?),
                }
            }
            "NotUndef" => {
                if !p.is_empty() {
                    arity(name, p, 1, 1)?;
                }
                match p.first() {
                    Some(Value::Str(s)) => Ty::NotUndef(Some(Box::new(Ty::String(None, Some(s.clone()))))),
                    _ => Ty::NotUndef(inner(0)?.filter(|t| !matches!(**t, Ty::Any))),
                }
            }
            "Type" => {
                if !p.is_empty() {
                    arity(name, p, 1, 1)?;
                }
                match p.first() {
                    Some(Value::Str(s)) => Ty::Type(Some(Box::new(Ty::build(s, &[])?))),
                    _ => Ty::Type(inner(0)?),
                }
            }
            "Iterable" | "Iterator" => {
                if !p.is_empty() {
                    arity(name, p, 1, 1)?;
                }
                let t = inner(0)?;
                if name == "Iterable" {
                    Ty::Iterable(t)
                } else {
                    Ty::Iterator(t)
                }
            }
            "Sensitive" => {
                if !p.is_empty() {
                    arity(name, p, 1, 1)?;
                }
                Ty::Sensitive(Box::new(inner(0)?.map_or(Ty::Any, |t| t.generalize())))
            }
            "Callable" => Ty::callable(p)?,
            "Class" => match p {
                [] => Ty::Class(None),
                [Value::Str(s)] => Ty::Class(Some(s.trim_start_matches("::").to_lowercase())),
                _ => return Err("Class[] requires a class name".into()),
            },
            "Resource" => match p {
                [] => Ty::Resource(None, None),
                [t, rest @ ..] => {
                    let tn = match t {
                        Value::Str(s) => bunraku_model::reference::capitalize_type(s),
                        Value::Type(tv) => tv.name.clone(),
                        _ => return Err("Resource[] requires a type name".into()),
                    };
                    match rest {
                        [] => Ty::Resource(Some(tn), None),
                        [Value::Str(title)] => Ty::Resource(Some(tn), Some(title.clone())),
                        _ => return Err("Resource[] takes a type name and a title".into()),
                    }
                }
            },
            "Init" => match p {
                [] => Ty::Init(None, vec![]),
                [t, args @ ..] => Ty::Init(Some(Box::new(must_be_type(name, t)?)), args.to_vec()),
            },
            "Runtime" => {
                arity(name, p, 0, 2)?;
                let s = |v: Option<&Value>| match v {
                    Some(Value::Str(s)) => Some(s.clone()),
                    Some(Value::Regex(r)) => Some(format!("/{}/", r.source)),
                    _ => None,
                };
                Ty::Runtime(s(p.first()), s(p.get(1)))
            }
            n if DATA_TYPES.contains(&n) => Ty::Other(n.to_string(), p.to_vec()),
            // Any other name is a resource type (`File`, `Nginx::Vhost`).
            n => match p {
                [] => Ty::Resource(Some(n.to_string()), None),
                [Value::Str(title)] => Ty::Resource(Some(n.to_string()), Some(title.clone())),
                _ => Ty::Other(n.to_string(), p.to_vec()),
            },
        })
    }

    fn callable(p: &[Value]) -> Result<Ty, String> {
        if p.is_empty() {
            return Ok(Ty::Callable(None, None, None));
        }
        // `Callable[[params], Return]`.
        if let [Value::Array(params), ret] = p {
            let Ty::Callable(ps, block, _) = Ty::callable(params)? else { unreachable!() };
            let ret = must_be_type("Callable", ret)?;
            let ret = if matches!(ret, Ty::Any) { None } else { Some(Box::new(ret)) };
            return Ok(Ty::Callable(
                Some(ps.unwrap_or((vec![], Some(Range::new(Some(0), Some(0)))))),
                block,
                ret,
            ));
        }
        let split = p.iter().position(|v| matches!(v, Value::Int(_) | Value::Default)).unwrap_or(p.len());
        let types = p[..split].iter().map(|v| must_be_type("Callable", v)).collect::<Result<Vec<_>, _>>()?;
        let mut rest = &p[split..];
        let mut block = None;
        if let Some(last @ (Value::Type(_) | Value::Resource { .. })) = rest.last() {
            block = Some(Box::new(must_be_type("Callable", last)?));
            rest = &rest[..rest.len() - 1];
        }
        let size = if rest.is_empty() { None } else { Some(size_params(rest, "Callable")?) };
        // `Callable[1, 1]`: a count with no types is a count of Unit (printed as the count alone).
        let types = if types.is_empty() && size.is_some_and(|r| r != Range::new(Some(0), Some(0))) {
            vec![Ty::Unit]
        } else {
            types
        };
        Ok(Ty::Callable(Some((types, size)), block, None))
    }

    /// `Array[e, size]`, with `Array[0, 0]`'s element the Unit type.
    pub fn array(elem: Ty, size: Option<Range>) -> Ty {
        if size == Some(Range::new(Some(0), Some(0))) {
            return Ty::Array(Box::new(Ty::Unit), size);
        }
        Ty::Array(Box::new(elem), size)
    }

    pub fn hash(k: Ty, v: Ty, size: Option<Range>) -> Ty {
        if size == Some(Range::new(Some(0), Some(0))) {
            return Ty::Hash(Box::new(Ty::Unit), Box::new(Ty::Unit), size);
        }
        Ty::Hash(Box::new(k), Box::new(v), size)
    }

    /// A Variant of `types` without duplicates (one type is that type).
    pub fn variant(types: Vec<Ty>) -> Ty {
        let mut out: Vec<Ty> = Vec::new();
        for t in types {
            match t {
                Ty::Variant(inner) => {
                    for i in inner {
                        if !out.contains(&i) {
                            out.push(i);
                        }
                    }
                }
                t if !out.contains(&t) => out.push(t),
                _ => {}
            }
        }
        if out.len() == 1 {
            out.pop().unwrap_or(Ty::Any)
        } else {
            Ty::Variant(out)
        }
    }

    /// The canonical type value of this type (what `Type[...]` access evaluates to).
    pub fn to_value(&self) -> Value {
        let tv = |name: &str, params: Vec<Value>| Value::Type(TypeValue { name: name.to_string(), params });
        let ty = |t: &Ty| t.to_value();
        let size = |r: &Option<Range>| -> Vec<Value> {
            match r {
                None => vec![],
                Some(r) => {
                    vec![r.from.map_or(Value::Default, Value::Int), r.to.map_or(Value::Default, Value::Int)]
                }
            }
        };
        match self {
            Ty::Any => tv("Any", vec![]),
            Ty::Unit => tv("Unit", vec![]),
            Ty::Undef => tv("Undef", vec![]),
            Ty::Default => tv("Default", vec![]),
            Ty::Boolean(b) => tv("Boolean", b.iter().map(|b| Value::Bool(*b)).collect()),
            Ty::Integer(r) => tv("Integer", if r.unbounded() { vec![] } else { size(&Some(*r)) }),
            Ty::Float(a, b) => tv(
                "Float",
                if a.is_none() && b.is_none() {
                    vec![]
                } else {
                    vec![a.map_or(Value::Default, Value::Float), b.map_or(Value::Default, Value::Float)]
                },
            ),
            Ty::Numeric => tv("Numeric", vec![]),
            Ty::String(r, None) => tv("String", size(r)),
            Ty::String(_, Some(s)) => tv("String", vec![Value::Str(s.clone())]),
            Ty::Enum(vs, ci) => {
                let mut p: Vec<Value> = vs.iter().map(|s| Value::Str(s.clone())).collect();
                if *ci {
                    p.push(Value::Bool(true));
                }
                tv("Enum", p)
            }
            Ty::Pattern(ps) => tv("Pattern", ps.iter().map(|r| Value::Regex(r.clone())).collect()),
            Ty::Regexp(r) => tv("Regexp", r.iter().map(|r| Value::Regex(r.clone())).collect()),
            Ty::Scalar => tv("Scalar", vec![]),
            Ty::ScalarData => tv("ScalarData", vec![]),
            Ty::Data => tv("Data", vec![]),
            Ty::RichData => tv("RichData", vec![]),
            Ty::Array(e, r) => {
                if matches!(**e, Ty::Any) && r.is_none() {
                    return tv("Array", vec![]);
                }
                let mut p = vec![ty(e)];
                p.extend(size(r));
                tv("Array", p)
            }
            Ty::Hash(k, v, r) => {
                if matches!(**k, Ty::Any) && matches!(**v, Ty::Any) && r.is_none() {
                    return tv("Hash", vec![]);
                }
                let mut p = vec![ty(k), ty(v)];
                p.extend(size(r));
                tv("Hash", p)
            }
            Ty::Collection(r) => tv("Collection", size(r)),
            Ty::Tuple(ts, r) => {
                let mut p: Vec<Value> = ts.iter().map(ty).collect();
                p.extend(size(r));
                tv("Tuple", p)
            }
            Ty::Struct(ms) => {
                if ms.is_empty() {
                    return tv("Struct", vec![]);
                }
                let mut h = IndexMap::new();
                for m in ms {
                    let key = if m.not_undef || !m.optional && m.value.accepts_undef() {
                        tv("NotUndef", vec![Value::Str(m.name.clone())])
                    } else if m.optional && !m.value.accepts_undef() {
                        tv("Optional", vec![Value::Str(m.name.clone())])
                    } else {
                        Value::Str(m.name.clone())
                    };
                    h.insert(key, ty(&m.value));
                }
                tv("Struct", vec![Value::Hash(h)])
            }
            Ty::Variant(ts) => tv("Variant", ts.iter().map(ty).collect()),
            Ty::Optional(t) => tv("Optional", t.iter().map(|t| ty(t)).collect()),
            Ty::NotUndef(t) => tv("NotUndef", t.iter().map(|t| ty(t)).collect()),
            Ty::Type(t) => tv("Type", t.iter().map(|t| ty(t)).collect()),
            Ty::Iterable(t) => tv("Iterable", t.iter().map(|t| ty(t)).collect()),
            Ty::Iterator(t) => tv("Iterator", t.iter().map(|t| ty(t)).collect()),
            Ty::Sensitive(t) => tv("Sensitive", if matches!(**t, Ty::Any) { vec![] } else { vec![ty(t)] }),
            Ty::Callable(None, _, _) => tv("Callable", vec![]),
            Ty::Callable(Some((ts, r)), block, ret) => {
                let mut p: Vec<Value> = ts.iter().map(ty).collect();
                match r {
                    Some(r) => p.extend([
                        r.from.map_or(Value::Default, Value::Int),
                        r.to.map_or(Value::Default, Value::Int),
                    ]),
                    None if ts.is_empty() => p.extend([Value::Int(0), Value::Int(0)]),
                    None => {}
                }
                if let Some(b) = block {
                    p.push(ty(b));
                }
                match ret {
                    Some(ret) => tv("Callable", vec![Value::Array(p), ty(ret)]),
                    None => tv("Callable", p),
                }
            }
            Ty::CatalogEntry => tv("CatalogEntry", vec![]),
            Ty::Class(None) => tv("Class", vec![]),
            Ty::Class(Some(n)) => Value::Resource {
                type_name: "Class".into(),
                title: bunraku_model::reference::capitalize_type(n),
            },
            Ty::Resource(None, _) => tv("Resource", vec![]),
            Ty::Resource(Some(n), None) => tv(n, vec![]),
            Ty::Resource(Some(n), Some(title)) => {
                Value::Resource { type_name: n.clone(), title: title.clone() }
            }
            Ty::Init(t, args) => {
                let mut p: Vec<Value> = t.iter().map(|t| ty(t)).collect();
                p.extend(args.iter().cloned());
                tv("Init", p)
            }
            Ty::Runtime(a, b) => {
                tv("Runtime", a.iter().chain(b.iter()).map(|s| Value::Str(s.clone())).collect())
            }
            Ty::Other(n, p) => tv(n, p.clone()),
        }
    }

    /// Whether `undef` is a value of this type.
    pub fn accepts_undef(&self) -> bool {
        super::calculator::assignable(self, &Ty::Undef)
    }
}

fn bad_key(k: &Value) -> String {
    format!(
        "Error while evaluating a '[]' expression, Illegal Struct member key type. Expected NotUndef, Optional, String, or Enum. Got: {}",
        match k {
            Value::Type(t) => format!("{}-Type", t.name),
            other => other.type_name().to_string(),
        }
    )
}

/// Puppet's quoting of a string in a type's text: single quotes unless the string needs escapes.
pub(crate) fn puppet_quote(s: &str) -> String {
    if !s.chars().any(|c| c == '\'' || c == '\\' || c.is_control()) {
        return format!("'{s}'");
    }
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' => out.push_str("\\$"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:X}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A value inside a type's text (`Init[Integer, 'x']`, `Struct[{'a' => …}]`).
fn write_value(f: &mut fmt::Formatter<'_>, v: &Value) -> fmt::Result {
    match v {
        Value::Str(s) => f.write_str(&puppet_quote(s)),
        Value::Undef => f.write_str("undef"),
        Value::Type(_) | Value::Resource { .. } => match Ty::from_value(v) {
            Ok(t) => write!(f, "{t}"),
            Err(_) => write!(f, "{v}"),
        },
        Value::Array(a) => {
            f.write_char('[')?;
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write_value(f, x)?;
            }
            f.write_char(']')
        }
        Value::Hash(h) => {
            f.write_char('{')?;
            for (i, (k, x)) in h.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write_value(f, k)?;
                f.write_str(" => ")?;
                write_value(f, x)?;
            }
            f.write_char('}')
        }
        other => write!(f, "{other}"),
    }
}

/// A regexp between slashes, its unescaped slashes escaped (`/a\\/b/`).
pub(crate) fn regex_text(r: &RegexValue) -> String {
    let mut out = String::from("/");
    let mut escaped = false;
    for c in r.source.chars() {
        if c == '/' && !escaped {
            out.push('\\');
        }
        escaped = c == '\\' && !escaped;
        out.push(c);
    }
    out.push('/');
    out
}

struct Params<'a, 'b> {
    f: &'a mut fmt::Formatter<'b>,
    first: bool,
}

impl Params<'_, '_> {
    fn item(&mut self, text: impl fmt::Display) -> fmt::Result {
        if !self.first {
            self.f.write_str(", ")?;
        }
        self.first = false;
        write!(self.f, "{text}")
    }
}

fn with_params(
    f: &mut fmt::Formatter<'_>,
    name: &str,
    body: impl FnOnce(&mut Params<'_, '_>) -> fmt::Result,
) -> fmt::Result {
    f.write_str(name)?;
    f.write_char('[')?;
    let mut p = Params { f, first: true };
    body(&mut p)?;
    p.f.write_char(']')
}

impl fmt::Display for Ty {
    /// Puppet's `TypeFormatter` form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let range = |r: &Option<Range>| r.map(|r| r.parts()).unwrap_or_default();
        match self {
            Ty::Any => f.write_str("Any"),
            Ty::Unit => f.write_str("Unit"),
            Ty::Undef => f.write_str("Undef"),
            Ty::Default => f.write_str("Default"),
            Ty::Boolean(None) => f.write_str("Boolean"),
            Ty::Boolean(Some(b)) => write!(f, "Boolean[{b}]"),
            Ty::Integer(r) if r.unbounded() => f.write_str("Integer"),
            Ty::Integer(r) => write!(f, "Integer[{}]", r.parts().join(", ")),
            Ty::Float(None, None) => f.write_str("Float"),
            Ty::Float(a, b) => {
                let mut parts = vec![a.map_or("default".to_string(), format_float)];
                if let Some(b) = b {
                    parts.push(format_float(*b));
                }
                write!(f, "Float[{}]", parts.join(", "))
            }
            Ty::Numeric => f.write_str("Numeric"),
            Ty::String(r, _) => {
                let parts = range(r);
                if parts.is_empty() {
                    f.write_str("String")
                } else {
                    write!(f, "String[{}]", parts.join(", "))
                }
            }
            Ty::Enum(vs, ci) if vs.is_empty() && !ci => f.write_str("Enum"),
            Ty::Enum(vs, ci) => with_params(f, "Enum", |p| {
                for v in vs {
                    p.item(puppet_quote(v))?;
                }
                if *ci {
                    p.item("true")?;
                }
                Ok(())
            }),
            Ty::Pattern(ps) if ps.is_empty() => f.write_str("Pattern"),
            Ty::Pattern(ps) => with_params(f, "Pattern", |p| {
                for r in ps {
                    p.item(regex_text(r))?;
                }
                Ok(())
            }),
            Ty::Regexp(None) => f.write_str("Regexp"),
            Ty::Regexp(Some(r)) => write!(f, "Regexp[{}]", regex_text(r)),
            Ty::Scalar => f.write_str("Scalar"),
            Ty::ScalarData => f.write_str("ScalarData"),
            Ty::Data => f.write_str("Data"),
            Ty::RichData => f.write_str("RichData"),
            Ty::Array(_, Some(r)) if *r == Range::new(Some(0), Some(0)) => f.write_str("Array[0, 0]"),
            Ty::Array(e, None) if matches!(**e, Ty::Any) => f.write_str("Array"),
            Ty::Array(e, r) => with_params(f, "Array", |p| {
                p.item(e)?;
                for x in range(r) {
                    p.item(x)?;
                }
                Ok(())
            }),
            Ty::Hash(_, _, Some(r)) if *r == Range::new(Some(0), Some(0)) => f.write_str("Hash[0, 0]"),
            Ty::Hash(k, v, None) if matches!(**k, Ty::Any) && matches!(**v, Ty::Any) => f.write_str("Hash"),
            Ty::Hash(k, v, r) => with_params(f, "Hash", |p| {
                p.item(k)?;
                p.item(v)?;
                for x in range(r) {
                    p.item(x)?;
                }
                Ok(())
            }),
            Ty::Collection(r) => {
                let parts = range(r);
                if parts.is_empty() {
                    f.write_str("Collection")
                } else {
                    write!(f, "Collection[{}]", parts.join(", "))
                }
            }
            Ty::Tuple(ts, r) if ts.is_empty() && range(r).is_empty() => f.write_str("Tuple"),
            Ty::Tuple(ts, r) => with_params(f, "Tuple", |p| {
                for t in ts {
                    p.item(t)?;
                }
                for x in range(r) {
                    p.item(x)?;
                }
                Ok(())
            }),
            Ty::Struct(ms) if ms.is_empty() => f.write_str("Struct"),
            Ty::Struct(ms) => {
                f.write_str("Struct[{")?;
                for (i, m) in ms.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    let value_optional = m.value.accepts_undef();
                    let q = puppet_quote(&m.name);
                    if m.optional {
                        if value_optional {
                            f.write_str(&q)?;
                        } else {
                            write!(f, "Optional[{q}]")?;
                        }
                    } else if value_optional {
                        write!(f, "NotUndef[{q}]")?;
                    } else {
                        f.write_str(&q)?;
                    }
                    write!(f, " => {}", m.value)?;
                }
                f.write_str("}]")
            }
            Ty::Variant(ts) if ts.is_empty() => f.write_str("Variant"),
            Ty::Variant(ts) => with_params(f, "Variant", |p| {
                for t in ts {
                    p.item(t)?;
                }
                Ok(())
            }),
            Ty::Optional(None) => f.write_str("Optional"),
            Ty::NotUndef(None) => f.write_str("NotUndef"),
            Ty::Optional(Some(t)) | Ty::NotUndef(Some(t)) => {
                f.write_str(if matches!(self, Ty::Optional(_)) { "Optional[" } else { "NotUndef[" })?;
                match &**t {
                    Ty::String(_, Some(s)) => f.write_str(&puppet_quote(s))?,
                    t => write!(f, "{t}")?,
                }
                f.write_char(']')
            }
            Ty::Type(None) => f.write_str("Type"),
            Ty::Type(Some(t)) => write!(f, "Type[{t}]"),
            Ty::Iterable(None) => f.write_str("Iterable"),
            Ty::Iterable(Some(t)) => write!(f, "Iterable[{t}]"),
            Ty::Iterator(None) => f.write_str("Iterator"),
            Ty::Iterator(Some(t)) => write!(f, "Iterator[{t}]"),
            Ty::Sensitive(t) if matches!(**t, Ty::Any) => f.write_str("Sensitive"),
            Ty::Sensitive(t) => write!(f, "Sensitive[{t}]"),
            Ty::Callable(None, None, None) => f.write_str("Callable"),
            Ty::Callable(params, block, ret) => {
                let write_params = |p: &mut Params<'_, '_>| -> fmt::Result {
                    if let Some((ts, r)) = params {
                        for t in ts.iter().filter(|t| !matches!(t, Ty::Unit)) {
                            p.item(t)?;
                        }
                        if ts.is_empty() {
                            p.item(0)?;
                            p.item(0)?;
                        } else {
                            for x in range(r) {
                                p.item(x)?;
                            }
                        }
                    }
                    if let Some(b) = block {
                        p.item(b)?;
                    }
                    Ok(())
                };
                match ret {
                    None => with_params(f, "Callable", write_params),
                    Some(ret) => with_params(f, "Callable", |p| {
                        if !p.first {
                            p.f.write_str(", ")?;
                        }
                        p.first = false;
                        with_params(p.f, "", write_params)?;
                        p.item(ret)
                    }),
                }
            }
            Ty::CatalogEntry => f.write_str("CatalogEntry"),
            Ty::Class(None) => f.write_str("Class"),
            Ty::Class(Some(n)) => write!(f, "Class[{n}]"),
            Ty::Resource(None, _) => f.write_str("Resource"),
            Ty::Resource(Some(n), None) => f.write_str(&bunraku_model::reference::capitalize_type(n)),
            Ty::Resource(Some(n), Some(t)) => {
                write!(f, "{}[{}]", bunraku_model::reference::capitalize_type(n), puppet_quote(t))
            }
            Ty::Init(None, _) => f.write_str("Init"),
            Ty::Init(Some(t), args) => with_params(f, "Init", |p| {
                p.item(t)?;
                for a in args {
                    p.item(ValueText(a))?;
                }
                Ok(())
            }),
            Ty::Runtime(None, None) => f.write_str("Runtime"),
            Ty::Runtime(a, b) => with_params(f, "Runtime", |p| {
                if let Some(a) = a {
                    p.item(a)?;
                }
                if let Some(b) = b {
                    p.item(puppet_quote(b))?;
                }
                Ok(())
            }),
            Ty::Other(n, ps) if n == "Object" && ps.is_empty() => f.write_str("Object[{}]"),
            Ty::Other(n, ps) if ps.is_empty() => f.write_str(n),
            Ty::Other(n, ps) => with_params(f, n, |p| {
                for v in ps {
                    p.item(ValueText(v))?;
                }
                Ok(())
            }),
        }
    }
}

/// A value as it prints inside a type.
pub(crate) struct ValueText<'a>(pub &'a Value);

impl fmt::Display for ValueText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_value(f, self.0)
    }
}
