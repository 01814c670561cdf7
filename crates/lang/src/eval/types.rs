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
                Value::Regex(r) => r.regex.is_match(s),
                Value::Str(x) => {
                    crate::value::RegexValue::new(x).map(|r| r.regex.is_match(s)).unwrap_or(false)
                }
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
        "Tuple" => matches!(v, Value::Array(_)),
        "Hash" => match v {
            Value::Hash(h) => match (p.first(), p.get(1)) {
                (Some(Value::Type(kt)), Some(Value::Type(vt))) => {
                    h.iter().all(|(k, x)| is_instance(k, kt) && is_instance(x, vt))
                }
                _ => true,
            },
            _ => false,
        },
        "Struct" => matches!(v, Value::Hash(_)),
        "Collection" => matches!(v, Value::Array(_) | Value::Hash(_)),
        "Type" => matches!(v, Value::Type(_)),
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

/// The type name Puppet reports for the actual value.
pub fn describe_value(v: &Value) -> String {
    match v {
        Value::Str(_) => "String".into(),
        Value::Int(_) => "Integer".into(),
        other => other.type_name().into(),
    }
}
