//! A minimal type system for parameter checks, `=~ Type` and case options: the common data types
//! with their usual parameters. Unknown types (aliases, resource types) accept any value for now.

use crate::value::{TypeValue, Value};

const DATA_TYPES: &[&str] = &[
    "Any",
    "Array",
    "Boolean",
    "Callable",
    "CatalogEntry",
    "Collection",
    "Data",
    "Default",
    "Enum",
    "Float",
    "Hash",
    "Integer",
    "Iterable",
    "Iterator",
    "NotUndef",
    "Numeric",
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
    "Undef",
    "Variant",
    "Binary",
    "Deferred",
    "Error",
    "Init",
    "Object",
    "TypeSet",
    "URI",
];

/// Whether `name` is a data type (as opposed to a resource type such as `File`).
pub fn is_data_type(name: &str) -> bool {
    DATA_TYPES.contains(&name)
}

fn int_param(p: Option<&Value>, default: i64) -> i64 {
    match p {
        Some(Value::Int(i)) => *i,
        _ => default,
    }
}

fn size_ok(len: usize, params: &[Value], from: usize) -> bool {
    let min = int_param(params.get(from), 0);
    let max = int_param(params.get(from + 1), i64::MAX);
    (len as i64) >= min && (len as i64) <= max
}

/// Whether `v` is an instance of `t`.
pub fn is_instance(v: &Value, t: &TypeValue) -> bool {
    let p = &t.params;
    match t.name.as_str() {
        "Any" => true,
        "Undef" => matches!(v, Value::Undef),
        "NotUndef" => {
            !matches!(v, Value::Undef)
                && p.first().is_none_or(|inner| matches!(inner, Value::Type(it) if is_instance(v, it)))
        }
        "Default" => matches!(v, Value::Default),
        "Boolean" => matches!(v, Value::Bool(_)),
        "Integer" => match v {
            Value::Int(i) => *i >= int_param(p.first(), i64::MIN) && *i <= int_param(p.get(1), i64::MAX),
            _ => false,
        },
        "Float" => matches!(v, Value::Float(_)),
        "Numeric" => matches!(v, Value::Int(_) | Value::Float(_)),
        "String" => match v {
            Value::Str(s) => size_ok(s.chars().count(), p, 0),
            _ => false,
        },
        "Scalar" | "ScalarData" => {
            matches!(v, Value::Int(_) | Value::Float(_) | Value::Str(_) | Value::Bool(_))
                || t.name == "Scalar" && matches!(v, Value::Regex(_))
        }
        "Data" | "RichData" => is_data(v),
        "Regexp" => matches!(v, Value::Regex(_)),
        "Enum" => match v {
            Value::Str(s) => p.iter().any(|e| matches!(e, Value::Str(x) if x == s)),
            _ => false,
        },
        "Pattern" => match v {
            Value::Str(s) => p.iter().any(|e| match e {
                Value::Regex(r) => r.is_match(s),
                Value::Str(x) => crate::value::RegexValue::new(x).map(|r| r.is_match(s)).unwrap_or(false),
                _ => false,
            }),
            _ => false,
        },
        "Optional" => {
            matches!(v, Value::Undef) || p.first().is_none_or(|inner| type_or_value_matches(v, inner))
        }
        "Variant" => p.iter().any(|inner| type_or_value_matches(v, inner)),
        "Array" => match v {
            Value::Array(a) => {
                let elem_ok = match p.first() {
                    Some(Value::Type(et)) => a.iter().all(|x| is_instance(x, et)),
                    _ => true,
                };
                let from = if matches!(p.first(), Some(Value::Type(_))) { 1 } else { 0 };
                elem_ok && size_ok(a.len(), p, from)
            }
            _ => false,
        },
        "Tuple" => match v {
            Value::Array(a) => {
                let types: Vec<&TypeValue> =
                    p.iter().filter_map(|x| if let Value::Type(t) = x { Some(t) } else { None }).collect();
                let ints: Vec<i64> =
                    p.iter().filter_map(|x| if let Value::Int(i) = x { Some(*i) } else { None }).collect();
                let min = ints.first().copied().unwrap_or(types.len() as i64);
                let max = ints.get(1).copied().unwrap_or(if ints.is_empty() {
                    types.len() as i64
                } else {
                    i64::MAX
                });
                (a.len() as i64) >= min
                    && (a.len() as i64) <= max
                    && a.iter()
                        .enumerate()
                        .all(|(i, x)| types.get(i).or(types.last()).is_none_or(|t| is_instance(x, t)))
            }
            _ => false,
        },
        "Hash" => match v {
            Value::Hash(h) => match (p.first(), p.get(1)) {
                (Some(Value::Type(kt)), Some(Value::Type(vt))) => {
                    h.iter().all(|(k, x)| is_instance(k, kt) && is_instance(x, vt)) && size_ok(h.len(), p, 2)
                }
                _ => size_ok(h.len(), p, 0),
            },
            _ => false,
        },
        "Struct" => match (v, p.first()) {
            (Value::Hash(h), Some(Value::Hash(schema))) => struct_mismatch(h, schema).is_none(),
            (Value::Hash(_), _) => true,
            _ => false,
        },
        "Collection" => matches!(v, Value::Array(_) | Value::Hash(_)),
        "Type" => matches!(v, Value::Type(_)),
        "Sensitive" => match v {
            Value::Sensitive(inner) => p.first().is_none_or(|t| type_or_value_matches(inner, t)),
            _ => false,
        },
        // Resource types, aliases and rich types: not checked yet.
        _ => true,
    }
}

fn type_or_value_matches(v: &Value, t: &Value) -> bool {
    match t {
        Value::Type(t) => is_instance(v, t),
        // `Optional['x']` means `Optional[Enum['x']]`.
        Value::Str(s) => matches!(v, Value::Str(x) if x == s),
        _ => true,
    }
}

fn is_data(v: &Value) -> bool {
    match v {
        Value::Undef | Value::Bool(_) | Value::Int(_) | Value::Float(_) | Value::Str(_) => true,
        Value::Array(a) => a.iter().all(is_data),
        Value::Hash(h) => h.iter().all(|(k, x)| matches!(k, Value::Str(_)) && is_data(x)),
        _ => false,
    }
}

/// "a String value", "an Integer value", as Puppet's mismatch messages say.
pub fn describe(t: &TypeValue) -> String {
    let text = Value::Type(t.clone()).to_string();
    let article = if text.starts_with(['A', 'E', 'I', 'O', 'U']) { "an" } else { "a" };
    format!("{article} {text} value")
}

/// The type name Puppet reports for the actual value (the short name of its inferred type: an
/// array is a Tuple unless empty, a hash with non-empty string keys a Struct).
pub fn describe_value(v: &Value) -> String {
    match v {
        Value::Str(_) => "String".into(),
        Value::Int(_) => "Integer".into(),
        Value::Array(a) if !a.is_empty() => "Tuple".into(),
        Value::Hash(h) if !h.is_empty() && h.keys().all(|k| matches!(k, Value::Str(s) if !s.is_empty())) => {
            "Struct".into()
        }
        other => other.type_name().into(),
    }
}

/// The type Puppet's `type()` function reports for a value (its "detailed" form, simplified:
/// integer and string types carry the value's own range/size).
pub fn type_of(v: &Value) -> TypeValue {
    let (name, params) = match v {
        Value::Undef => ("Undef", vec![]),
        Value::Default => ("Default", vec![]),
        Value::Bool(b) => ("Boolean", vec![Value::Bool(*b)]),
        Value::Int(i) => ("Integer", vec![Value::Int(*i), Value::Int(*i)]),
        Value::Float(f) => ("Float", vec![Value::Float(*f), Value::Float(*f)]),
        Value::Str(_) => ("String", vec![]),
        Value::Regex(r) => ("Regexp", vec![Value::Regex(r.clone())]),
        Value::Array(a) => ("Tuple", a.iter().map(|x| Value::Type(type_of(x))).collect()),
        Value::Hash(h) => {
            let n = Value::Int(h.len() as i64);
            ("Hash", vec![n.clone(), n])
        }
        Value::Type(t) => ("Type", vec![Value::Type(t.clone())]),
        Value::Resource { type_name, title } => {
            return TypeValue { name: type_name.clone(), params: vec![Value::Str(title.clone())] }
        }
        Value::Sensitive(inner) => ("Sensitive", vec![Value::Type(type_of(inner))]),
    };
    TypeValue { name: name.to_string(), params }
}

/// A Struct key: its name and whether it may be absent (`Optional[k]`/undef-accepting value).
fn struct_key(k: &Value) -> Option<(String, bool)> {
    match k {
        Value::Str(s) => Some((s.clone(), false)),
        Value::Type(t) if t.name == "Optional" => match t.params.first() {
            Some(Value::Str(s)) => Some((s.clone(), true)),
            _ => None,
        },
        Value::Type(t) if t.name == "NotUndef" => match t.params.first() {
            Some(Value::Str(s)) => Some((s.clone(), false)),
            _ => None,
        },
        _ => None,
    }
}

/// Why a hash does not match a Struct schema, in Puppet's words (`None`: it matches).
fn struct_mismatch(
    h: &indexmap::IndexMap<Value, Value>,
    schema: &indexmap::IndexMap<Value, Value>,
) -> Option<String> {
    let mut known = Vec::new();
    for (k, t) in schema {
        let Some((name, optional)) = struct_key(k) else { continue };
        known.push(name.clone());
        let Value::Type(t) = t else { continue };
        match h.get(&Value::Str(name.clone())) {
            Some(v) => {
                if !is_instance(v, t) {
                    return Some(format!("entry '{name}' {}", mismatch(v, t)));
                }
            }
            None => {
                if !optional && !is_instance(&Value::Undef, t) {
                    return Some(format!("expects a value for key '{name}'"));
                }
            }
        }
    }
    for k in h.keys() {
        if let Value::Str(s) = k {
            if !known.contains(s) {
                return Some(format!("unrecognized key '{s}'"));
            }
        }
    }
    None
}

/// Puppet's description of a type mismatch: "expects an Integer value, got String",
/// "expects a match for Enum['a', 'b'], got 'z'", "entry 'port' expects …".
pub fn mismatch(v: &Value, t: &TypeValue) -> String {
    super::mismatch::describe(v, t).join("\n ")
}

/// [`mismatch`] for a type written as the alias `alias`: `expects a MyPort = Integer[1, 65535]
/// value, got Integer[0, 0]`.
pub fn mismatch_named(v: &Value, alias: &str, t: &TypeValue) -> String {
    let text = Value::Type(t.clone()).to_string();
    let plain = mismatch(v, t);
    if let Some(rest) = plain.strip_prefix(&format!("expects a match for {text}")) {
        return format!("expects a match for {alias} = {text}{rest}");
    }
    match plain.strip_prefix(&format!("expects {}", describe(t))) {
        Some(rest) => {
            let article = if alias.starts_with(['A', 'E', 'I', 'O', 'U']) { "an" } else { "a" };
            format!("expects {article} {alias} = {text} value{rest}")
        }
        None => plain,
    }
}

/// Whether every value of `b` is a value of `a`, as far as this type system can tell: the same
/// type, `Any`, an `Optional`/`Variant` that holds `b`, or a parameterless `a` of the same name.
pub fn is_assignable(a: &TypeValue, b: &TypeValue) -> bool {
    if a == b || a.name == "Any" || (a.name == b.name && a.params.is_empty()) {
        return true;
    }
    match a.name.as_str() {
        "Optional" => {
            b.name == "Undef"
                || a.params.first().is_some_and(|p| matches!(p, Value::Type(t) if is_assignable(t, b)))
        }
        "Variant" => a.params.iter().any(|p| matches!(p, Value::Type(t) if is_assignable(t, b))),
        "Numeric" => matches!(b.name.as_str(), "Integer" | "Float"),
        "Scalar" | "ScalarData" => {
            matches!(b.name.as_str(), "Integer" | "Float" | "String" | "Boolean" | "Enum" | "Pattern")
        }
        _ => false,
    }
}

/// Why type `actual` is not assignable to `expected`: `expects a String value, got Integer`.
pub fn mismatch_types(expected: &TypeValue, actual: &TypeValue) -> String {
    format!("expects {}, got {}", describe(expected), Value::Type(actual.clone()))
}
