//! Puppet's type system: type values parsed into a model (`model`), assignability, instances and
//! inference as Puppet's TypeCalculator defines them (`calculator`), and the messages the compiler
//! gives when a value does not match a type.

mod calculator;
mod convert;
mod describe;
mod model;

pub(crate) use convert::new_value;

pub(crate) use model::Ty;

use crate::value::{TypeValue, Value};

/// Whether `name` is a data type (as opposed to a resource type such as `File`).
pub fn is_data_type(name: &str) -> bool {
    model::DATA_TYPES.contains(&name)
}

/// The model of a type value; a value Puppet would not have accepted as a type is `Any` (this
/// compiler checks parameters when the type is written, see [`access`]).
fn model(t: &TypeValue) -> Ty {
    Ty::from_type_value(t).unwrap_or(Ty::Any)
}

/// The type a value stands for in a type position (a type or a resource reference).
#[allow(dead_code)]
pub(crate) fn type_of_value(v: &Value) -> Option<Ty> {
    Ty::from_value(v).ok()
}

/// `Name[keys]` on a data type: the parameters checked and normalised as Puppet does, or
/// Puppet's message when they are wrong.
pub fn access(name: &str, keys: &[Value]) -> Result<Value, String> {
    Ok(Ty::build(name, keys)?.to_value())
}

/// The type without its value-specific parameters (`Integer[1, 3]` is `Integer`).
pub fn generalized(t: &TypeValue) -> TypeValue {
    match Ty::from_type_value(t).map(|ty| ty.generalize().to_value()) {
        Ok(Value::Type(tv)) => tv,
        _ => t.clone(),
    }
}

/// An Iterator over `items` that came from iterating over `source`: its element type is the
/// type's own range (`Integer[1, 3]`), a hash's `Tuple[K, V, 2, 2]`, or the Variant of the
/// elements' detailed types.
pub fn iterator(source: &Value, items: Vec<Value>) -> Value {
    let element = match source {
        Value::Type(_) => match Ty::from_value(source) {
            Ok(Ty::Enum(vs, ci)) => Ty::Enum(vs, ci).generalize(),
            // The range the elements span (`Integer[0, 10].step(3)` gives `Integer[0, 9]`).
            Ok(Ty::Integer(_)) => {
                let ints = items.iter().filter_map(|v| if let Value::Int(i) = v { Some(*i) } else { None });
                Ty::Integer(model::Range::new(ints.clone().min(), ints.max()))
            }
            Ok(t) => t,
            Err(_) => Ty::Any,
        },
        // A string's characters.
        Value::Str(_) => Ty::String(Some(model::Range::new(Some(1), Some(1))), None),
        Value::Iterator(i) => Ty::from_type_value(&i.element_type).unwrap_or(Ty::Any),
        Value::Hash(h) => {
            let k = Ty::variant(h.keys().map(calculator::infer_set).collect());
            let v = Ty::variant(h.values().map(calculator::infer_set).collect());
            Ty::Tuple(vec![k, v], Some(model::Range::new(Some(2), Some(2))))
        }
        Value::Int(n) => Ty::Integer(model::Range::new(Some(0), Some((*n - 1).max(0)))),
        Value::Array(a) => Ty::variant(a.iter().map(calculator::infer_set).collect()),
        _ => Ty::variant(items.iter().map(calculator::infer_set).collect()),
    };
    let element_type = match element.to_value() {
        Value::Type(tv) => tv,
        _ => TypeValue { name: "Any".into(), params: vec![] },
    };
    Value::Iterator(std::sync::Arc::new(crate::value::IteratorValue { items, element_type }))
}

/// Puppet's text of a type (`Integer[1, 5]`, `Struct[{'a' => Integer}]`).
pub fn format(t: &TypeValue) -> String {
    match Ty::from_type_value(t) {
        Ok(ty) => ty.to_string(),
        Err(_) => {
            let params: Vec<String> = t.params.iter().map(|p| model::ValueText(p).to_string()).collect();
            if params.is_empty() {
                t.name.clone()
            } else {
                format!("{}[{}]", t.name, params.join(", "))
            }
        }
    }
}

/// Puppet's text of a type or resource reference value, as `String(File['/x'])` prints it.
pub fn format_value(v: &Value) -> Option<String> {
    Ty::from_value(v).ok().map(|t| t.to_string())
}

/// Whether `v` is an instance of `t`.
pub fn is_instance(v: &Value, t: &TypeValue) -> bool {
    calculator::instance(&model(t), v)
}

/// Whether `v` is an instance of the type `t` stands for (a type or a resource reference).
pub fn is_instance_of(v: &Value, t: &Value) -> bool {
    match Ty::from_value(t) {
        Ok(ty) => calculator::instance(&ty, v),
        Err(_) => false,
    }
}

/// Type equality as Puppet's `==` sees it: equal, or each assignable to the other.
pub fn types_equal(a: &Value, b: &Value) -> Option<bool> {
    let (a, b) = (Ty::from_value(a).ok()?, Ty::from_value(b).ok()?);
    Some(a == b || calculator::assignable(&a, &b) && calculator::assignable(&b, &a))
}

/// `<`, `<=`, `>`, `>=` on types: `a < b` when `a` is a proper subtype of `b`.
pub fn compare_types(a: &Value, b: &Value, op: &str) -> Option<bool> {
    let (a, b) = (Ty::from_value(a).ok()?, Ty::from_value(b).ok()?);
    Some(match op {
        "<" => calculator::assignable(&b, &a) && !calculator::assignable(&a, &b),
        "<=" => calculator::assignable(&b, &a),
        ">" => calculator::assignable(&a, &b) && !calculator::assignable(&b, &a),
        _ => calculator::assignable(&a, &b),
    })
}

/// The elements iterating over a type gives (`Integer[1, 3]`, `Enum['a', 'b']`), or `None`
/// when the type is not iterable.
pub fn type_elements(t: &Value) -> Option<Vec<Value>> {
    match Ty::from_value(t).ok()? {
        Ty::Integer(r) => {
            let (from, to) = (r.from?, r.to?);
            Some((from..=to).map(Value::Int).collect())
        }
        Ty::Enum(vs, _) => Some(vs.into_iter().map(Value::Str).collect()),
        _ => None,
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

/// The type Puppet's `type()` function reports for a value: its detailed form (arrays as
/// Tuples, hashes with string keys as Structs).
pub fn type_of(v: &Value) -> TypeValue {
    type_function(v, "detailed")
}

/// `type(v, mode)`: `detailed` (the default), `reduced` (collections by their common element
/// type) or `generalized` (without value-specific parameters).
pub fn type_function(v: &Value, mode: &str) -> TypeValue {
    let t = match mode {
        "reduced" => calculator::infer(v),
        "generalized" => calculator::infer(v).generalize(),
        _ => calculator::infer_set(v),
    };
    match t.to_value() {
        Value::Type(tv) => tv,
        // `Type[File['/x']]`: the reference as a type parameter.
        other => TypeValue { name: "Type".into(), params: vec![other] },
    }
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
    if let Ok(ty) = Ty::from_type_value(t) {
        let text = describe::describe_mismatch(&ty, &calculator::infer_set(v));
        if !text.is_empty() {
            return text;
        }
    }
    match (t.name.as_str(), v) {
        ("Enum" | "Pattern", Value::Str(s)) => {
            format!("expects a match for {}, got '{s}'", Value::Type(t.clone()))
        }
        ("Struct", Value::Hash(h)) => match t.params.first() {
            Some(Value::Hash(schema)) => {
                struct_mismatch(h, schema).unwrap_or_else(|| "does not match".into())
            }
            _ => format!("expects {}, got {}", describe(t), describe_value(v)),
        },
        ("Optional", _) => match t.params.first() {
            Some(Value::Type(inner)) => mismatch(v, inner),
            _ => format!("expects {}, got {}", describe(t), describe_value(v)),
        },
        // An element that fails: Puppet names its index (`index 1 expects a String value, …`).
        ("Array", Value::Array(items)) => {
            let failing = match t.params.first() {
                Some(Value::Type(et)) => {
                    items.iter().enumerate().find(|(_, x)| !is_instance(x, et)).map(|(i, x)| (i, x, et))
                }
                _ => None,
            };
            match failing {
                Some((i, x, et)) => format!("index {i} {}", mismatch(x, et)),
                None => format!("expects {}, got {}", describe(t), describe_value(v)),
            }
        }
        // `expects a value of type Integer or Enum['auto']` (three or more: `A, B, or C`).
        ("Variant", _) if !t.params.is_empty() => {
            let names: Vec<String> = t.params.iter().map(|p| p.to_string()).collect();
            let list = match names.as_slice() {
                [one] => one.clone(),
                [a, b] => format!("{a} or {b}"),
                [init @ .., last] => format!("{}, or {last}", init.join(", ")),
                [] => String::new(),
            };
            format!("expects a value of type {list}, got {}", describe_value(v))
        }
        // Same kind, wrong range: Puppet shows the value's detailed type.
        ("Integer", Value::Int(i)) => format!("expects {}, got Integer[{i}, {i}]", describe(t)),
        _ => format!("expects {}, got {}", describe(t), describe_value(v)),
    }
}

/// Why `v` is not a value of the type `t` stands for (a type or a resource reference), exactly
/// as Puppet's describer says it: empty when it finds no reason (`assert_type(Iterable, -1)`).
pub fn describe_mismatch(v: &Value, t: &Value) -> String {
    match Ty::from_value(t) {
        Ok(ty) => describe::describe_mismatch(&ty, &calculator::infer_set(v)),
        Err(_) => String::new(),
    }
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

/// Whether every value of `b` is a value of `a` (Puppet's `assignable?`).
pub fn is_assignable(a: &TypeValue, b: &TypeValue) -> bool {
    calculator::assignable(&model(a), &model(b))
}

/// Why type `actual` is not assignable to `expected`: `expects a String value, got Integer`.
pub fn mismatch_types(expected: &TypeValue, actual: &TypeValue) -> String {
    format!("expects {}, got {}", describe(expected), Value::Type(actual.clone()))
}
