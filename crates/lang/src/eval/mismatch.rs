//! Why a value is not an instance of a type, in the words of Puppet's `TypeMismatchDescriber`
//! (pops/types/type_mismatch_describer.rb): a list of mismatches, each at a path (`index 1`,
//! `entry 'port'`, `variant 0`), merged across the variants of a `Variant` or `Optional` the way
//! Puppet merges them ("expects a value of type Integer or Boolean, got String").
//!
//! Puppet describes the value's inferred type; here the value itself stands for it (a string is
//! `String`, `5` is `Integer[5, 5]`, an array a `Tuple`, a hash with string keys a `Struct`).

use crate::value::{TypeValue, Value};

/// One step of the path to a mismatch.
#[derive(Clone, PartialEq)]
enum Step {
    Variant(usize),
    Index(usize),
    Entry(String),
    Key(String),
}

impl std::fmt::Display for Step {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Step::Variant(i) => write!(f, "variant {i}"),
            Step::Index(i) => write!(f, "index {i}"),
            Step::Entry(k) => write!(f, "entry '{k}'"),
            Step::Key(k) => write!(f, "key of entry '{k}'"),
        }
    }
}

#[derive(Clone, PartialEq)]
enum Kind {
    /// `expected` holds one type, or several once variants are merged.
    Type {
        expected: Vec<TypeValue>,
        actual: Value,
    },
    /// An Enum or Pattern that a string does not match.
    Pattern {
        expected: TypeValue,
        actual: Value,
    },
    /// Sizes as (from, to), `to` None for unlimited.
    Size {
        expected: (i64, Option<i64>),
        actual: (i64, Option<i64>),
    },
    MissingKey(String),
    ExtraneousKey(String),
}

#[derive(Clone, PartialEq)]
struct Mismatch {
    path: Vec<Step>,
    kind: Kind,
}

impl Mismatch {
    fn canonical_path(&self) -> Vec<&Step> {
        self.path.iter().filter(|s| !matches!(s, Step::Variant(_))).collect()
    }

    fn message(&self) -> String {
        let position: String = self.path.iter().map(|s| format!(" {s}")).collect();
        let position = position.trim_start();
        let pfx = if position.is_empty() { String::new() } else { format!("{position} ") };
        match &self.kind {
            Kind::Type { expected, actual } => format!("{pfx}{}", type_message(expected, actual)),
            Kind::Pattern { expected, actual } => {
                let (e, value_pfx) = match unwrap_optional(expected) {
                    Some(inner) => (inner, "an undef value or "),
                    None => (expected.clone(), ""),
                };
                let got = match actual {
                    Value::Str(s) => format!("'{s}'"),
                    other => short_value(other),
                };
                format!("{pfx}expects {value_pfx}a match for {}, got {got}", Value::Type(normalized(e)))
            }
            Kind::Size { expected, actual } => {
                format!("{pfx}expects size to be {}, got {}", range_text(*expected), range_text(*actual))
            }
            Kind::MissingKey(k) => format!("{pfx}expects a value for key '{k}'"),
            Kind::ExtraneousKey(k) => format!("{pfx}unrecognized key '{k}'"),
        }
    }
}

/// Puppet's mismatch descriptions of `v` against `t`, one per line of its report (empty when `v`
/// is an instance of `t`).
pub fn describe(v: &Value, t: &TypeValue) -> Vec<String> {
    if is_instance(v, t) {
        return Vec::new();
    }
    let found = describe_at(t, t, v, &[]);
    if found.is_empty() {
        // A type this describer does not take apart: say it plainly.
        return vec![type_message(std::slice::from_ref(t), v)];
    }
    found.iter().map(Mismatch::message).collect()
}

/// `types::is_instance`, told about the types it does not check (it accepts anything for them).
fn is_instance(v: &Value, t: &TypeValue) -> bool {
    match t.name.as_str() {
        // No value of this compiler is Binary.
        "Binary" => false,
        "Iterable" => match v {
            Value::Array(_) | Value::Hash(_) | Value::Str(_) => true,
            Value::Int(i) => *i >= 0,
            Value::Type(t) => matches!(t.name.as_str(), "Integer" | "Enum") && !t.params.is_empty(),
            _ => false,
        },
        // Their members may be types `types::is_instance` does not check.
        "Variant" => t.params.iter().any(|p| matches!(p, Value::Type(m) if is_instance(v, m))),
        "Optional" => {
            matches!(v, Value::Undef) || unwrap_optional(t).is_none_or(|inner| is_instance(v, &inner))
        }
        _ => super::types::is_instance(v, t),
    }
}

fn unwrap_optional(t: &TypeValue) -> Option<TypeValue> {
    if t.name != "Optional" {
        return None;
    }
    Some(match t.params.first() {
        Some(Value::Type(inner)) => inner.clone(),
        Some(Value::Str(s)) => TypeValue { name: "Enum".into(), params: vec![Value::Str(s.clone())] },
        _ => TypeValue { name: "Any".into(), params: vec![] },
    })
}

fn with(path: &[Step], step: Step) -> Vec<Step> {
    let mut p = path.to_vec();
    p.push(step);
    p
}

fn type_mismatch(path: &[Step], original: &TypeValue, v: &Value) -> Vec<Mismatch> {
    vec![Mismatch {
        path: path.to_vec(),
        kind: Kind::Type { expected: vec![original.clone()], actual: v.clone() },
    }]
}

fn int_of(v: Option<&Value>) -> Option<i64> {
    match v {
        Some(Value::Int(i)) => Some(*i),
        _ => None,
    }
}

/// The size range a collection type's parameters from `at` give: `Array[T, 2]` is (2, unlimited).
fn size_range(params: &[Value], at: usize) -> (i64, Option<i64>) {
    (int_of(params.get(at)).unwrap_or(0), int_of(params.get(at + 1)))
}

fn in_range(len: usize, (from, to): (i64, Option<i64>)) -> bool {
    let len = len as i64;
    len >= from && to.is_none_or(|t| len <= t)
}

fn describe_at(t: &TypeValue, original: &TypeValue, v: &Value, path: &[Step]) -> Vec<Mismatch> {
    if is_instance(v, t) {
        return Vec::new();
    }
    let p = &t.params;
    match t.name.as_str() {
        "Optional" => {
            if matches!(v, Value::Undef) {
                return Vec::new();
            }
            match unwrap_optional(t) {
                Some(inner) if inner.name == "Variant" => describe_variant(&inner, t, v, path),
                Some(inner) => describe_at(&inner, t, v, path),
                None => Vec::new(),
            }
        }
        "Variant" => describe_variant(t, original, v, path),
        "Enum" | "Pattern" => {
            vec![Mismatch {
                path: path.to_vec(),
                kind: Kind::Pattern { expected: original.clone(), actual: v.clone() },
            }]
        }
        "Array" => match v {
            Value::Array(items) => {
                let (elem, at) = match p.first() {
                    Some(Value::Type(e)) => (Some(e), 1),
                    _ => (None, 0),
                };
                let size = size_range(p, at);
                if !in_range(items.len(), size) {
                    let n = items.len() as i64;
                    return vec![Mismatch {
                        path: path.to_vec(),
                        kind: Kind::Size { expected: size, actual: (n, Some(n)) },
                    }];
                }
                let Some(elem) = elem else { return type_mismatch(path, original, v) };
                items
                    .iter()
                    .enumerate()
                    .filter(|(_, x)| !is_instance(x, elem))
                    .flat_map(|(i, x)| describe_at(elem, elem, x, &with(path, Step::Index(i))))
                    .collect()
            }
            _ => type_mismatch(path, original, v),
        },
        "Tuple" => match v {
            Value::Array(items) => {
                let types: Vec<&TypeValue> =
                    p.iter().filter_map(|x| if let Value::Type(t) = x { Some(t) } else { None }).collect();
                let ints: Vec<i64> = p.iter().filter_map(|x| int_of(Some(x))).collect();
                let size = match ints.as_slice() {
                    [] => (types.len() as i64, Some(types.len() as i64)),
                    [from] => (*from, None),
                    [from, to, ..] => (*from, Some(*to)),
                };
                if !in_range(items.len(), size) {
                    let n = items.len() as i64;
                    return vec![Mismatch {
                        path: path.to_vec(),
                        kind: Kind::Size { expected: size, actual: (n, Some(n)) },
                    }];
                }
                if types.is_empty() {
                    return Vec::new();
                }
                items
                    .iter()
                    .enumerate()
                    .flat_map(|(i, x)| {
                        let adx = i.min(types.len() - 1);
                        describe_at(types[adx], types[adx], x, &with(path, Step::Index(adx)))
                    })
                    .collect()
            }
            _ => type_mismatch(path, original, v),
        },
        "Hash" => match v {
            Value::Hash(h) => {
                let (kt, vt, at) = match (p.first(), p.get(1)) {
                    (Some(Value::Type(k)), Some(Value::Type(x))) => (Some(k), Some(x), 2),
                    _ => (None, None, 0),
                };
                let size = size_range(p, at);
                if !in_range(h.len(), size) {
                    let n = h.len() as i64;
                    return vec![Mismatch {
                        path: path.to_vec(),
                        kind: Kind::Size { expected: size, actual: (n, Some(n)) },
                    }];
                }
                let mut out = Vec::new();
                for (k, x) in h {
                    let name = match k {
                        Value::Str(s) => s.clone(),
                        other => other.to_string(),
                    };
                    if let Some(kt) = kt.filter(|kt| !is_instance(k, kt)) {
                        out.extend(describe_at(kt, kt, k, &with(path, Step::Key(name.clone()))));
                    }
                    if let Some(vt) = vt.filter(|vt| !is_instance(x, vt)) {
                        out.extend(describe_at(vt, vt, x, &with(path, Step::Entry(name))));
                    }
                }
                if out.is_empty() {
                    return type_mismatch(path, original, v);
                }
                out
            }
            _ => type_mismatch(path, original, v),
        },
        "Struct" => match (v, p.first()) {
            // A hash that is no Struct itself (empty, or with other than non-empty string keys)
            // is checked for its size first: the required keys to all of them.
            (Value::Hash(h), Some(Value::Hash(schema)))
                if h.is_empty() || !h.keys().all(|k| matches!(k, Value::Str(s) if !s.is_empty())) =>
            {
                let required = schema
                    .iter()
                    .filter(|(k, t)| {
                        !matches!(k, Value::Type(kt) if kt.name == "Optional")
                            && !matches!(t, Value::Type(t) if is_instance(&Value::Undef, t))
                    })
                    .count() as i64;
                let size = (required, Some(schema.len() as i64));
                if in_range(h.len(), size) {
                    type_mismatch(path, original, v)
                } else {
                    let n = h.len() as i64;
                    vec![Mismatch {
                        path: path.to_vec(),
                        kind: Kind::Size { expected: size, actual: (n, Some(n)) },
                    }]
                }
            }
            (Value::Hash(h), Some(Value::Hash(schema))) => {
                let mut out = Vec::new();
                let mut known = Vec::new();
                for (k, et) in schema {
                    let (name, optional) = match k {
                        Value::Str(s) => (s.clone(), false),
                        Value::Type(kt) if kt.name == "Optional" || kt.name == "NotUndef" => {
                            match kt.params.first() {
                                Some(Value::Str(s)) => (s.clone(), kt.name == "Optional"),
                                _ => continue,
                            }
                        }
                        _ => continue,
                    };
                    known.push(name.clone());
                    let Value::Type(et) = et else { continue };
                    match h.get(&Value::Str(name.clone())) {
                        Some(x) => out.extend(describe_at(et, et, x, &with(path, Step::Entry(name)))),
                        None if !optional && !is_instance(&Value::Undef, et) => {
                            out.push(Mismatch { path: path.to_vec(), kind: Kind::MissingKey(name) })
                        }
                        None => {}
                    }
                }
                for k in h.keys() {
                    let name = match k {
                        Value::Str(s) => s.clone(),
                        other => other.to_string(),
                    };
                    if !known.contains(&name) {
                        out.push(Mismatch { path: path.to_vec(), kind: Kind::ExtraneousKey(name) });
                    }
                }
                out
            }
            _ => type_mismatch(path, original, v),
        },
        _ => type_mismatch(path, original, v),
    }
}

/// Each variant's mismatches; when all of them are the same kind of mismatch at the same place,
/// one mismatch naming every expected type (Puppet's `merge_descriptions`).
fn describe_variant(t: &TypeValue, original: &TypeValue, v: &Value, path: &[Step]) -> Vec<Mismatch> {
    let mut types: Vec<TypeValue> =
        t.params.iter().filter_map(|x| if let Value::Type(t) = x { Some(t.clone()) } else { None }).collect();
    if original.name == "Optional" {
        types.insert(0, TypeValue { name: "Undef".into(), params: vec![] });
    }
    let mut per_variant = Vec::new();
    for (i, vt) in types.iter().enumerate() {
        let d = describe_at(vt, vt, v, &with(path, Step::Variant(i)));
        if d.is_empty() {
            return Vec::new();
        }
        per_variant.push(d);
    }
    let all: Vec<Mismatch> = per_variant.iter().flatten().cloned().collect();
    let size_merged = merge_where(&all, per_variant.len(), |m| matches!(m.kind, Kind::Size { .. }));
    let merged = size_merged.or_else(|| {
        merge_where(&all, per_variant.len(), |m| matches!(m.kind, Kind::Type { .. } | Kind::Pattern { .. }))
    });
    let mut descriptions = match merged {
        Some(m) => vec![m],
        None => {
            let mut uniq: Vec<Mismatch> = Vec::new();
            for m in all {
                if !uniq.contains(&m) {
                    uniq.push(m);
                }
            }
            uniq
        }
    };
    if descriptions.len() == 1 {
        // chop_path: the variant step this level added goes.
        let m = &mut descriptions[0];
        if matches!(m.path.get(path.len()), Some(Step::Variant(_))) {
            m.path.remove(path.len());
        }
    }
    descriptions
}

fn merge_where(all: &[Mismatch], variants: usize, pick: impl Fn(&Mismatch) -> bool) -> Option<Mismatch> {
    let picked: Vec<&Mismatch> = all.iter().filter(|m| pick(m)).collect();
    if picked.len() != variants {
        return None;
    }
    let first = picked[0];
    if picked.iter().any(|m| m.canonical_path() != first.canonical_path()) {
        return None;
    }
    let mut merged = first.clone();
    for m in &picked[1..] {
        merged.kind = match (merged.kind, &m.kind) {
            (Kind::Size { expected: (a1, b1), actual }, Kind::Size { expected: (a2, b2), .. }) => {
                Kind::Size {
                    expected: (a1.min(*a2), if b1.is_none() || b2.is_none() { None } else { b1.max(*b2) }),
                    actual,
                }
            }
            (kind, other) => {
                let (mut expected, actual) = match kind {
                    Kind::Type { expected, actual } => (expected, actual),
                    Kind::Pattern { expected, actual } => (vec![expected], actual),
                    k => return Some(Mismatch { path: merged.path, kind: k }),
                };
                let more = match other {
                    Kind::Type { expected, .. } => expected.clone(),
                    Kind::Pattern { expected, .. } => vec![expected.clone()],
                    _ => Vec::new(),
                };
                for e in more {
                    if !expected.contains(&e) {
                        expected.push(e);
                    }
                }
                Kind::Type { expected, actual }
            }
        };
    }
    Some(merged)
}

fn range_text((from, to): (i64, Option<i64>)) -> String {
    match to {
        Some(t) if t == from => from.to_string(),
        None if from == 0 => "unlimited".into(),
        Some(t) if from == 0 => format!("at most {t}"),
        None => format!("at least {from}"),
        Some(t) => format!("between {from} and {t}"),
    }
}

fn a_an(s: &str) -> String {
    let article = if s.starts_with(['A', 'E', 'I', 'O', 'U', 'a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
    format!("{article} {s}")
}

/// `TypeMismatch#message`: the expected types short or in full (full when the value is of the
/// same kind as one of them, so that only a parameter differs), then the value's type.
fn type_message(expected: &[TypeValue], actual: &Value) -> String {
    let mut optional = false;
    let mut list: Vec<TypeValue> = Vec::new();
    for e in expected {
        let e = match unwrap_optional(e) {
            Some(inner) if expected.len() == 1 => {
                optional = true;
                inner
            }
            _ => e.clone(),
        };
        if e.name == "Variant" && expected.len() == 1 {
            list.extend(e.params.iter().filter_map(|x| {
                if let Value::Type(t) = x {
                    Some(t.clone())
                } else {
                    None
                }
            }));
        } else {
            list.push(e);
        }
    }
    let detailed = list.iter().any(|e| same_kind(e, actual));
    let (mut names, got) = if detailed {
        (list.iter().map(|t| Value::Type(t.clone()).to_string()).collect::<Vec<_>>(), detailed_value(actual))
    } else {
        let mut names: Vec<String> = Vec::new();
        for t in &list {
            let n = short_type(t);
            if !names.contains(&n) {
                names.push(n);
            }
        }
        (names, short_value(actual))
    };
    if optional {
        names.insert(0, "Undef".into());
    }
    match names.as_slice() {
        [one] => format!("expects {} value, got {got}", a_an(one)),
        [a, b] => format!("expects a value of type {a} or {b}, got {got}"),
        [init @ .., last] => format!("expects a value of type {}, or {last}, got {got}", init.join(", ")),
        [] => format!("expects a value, got {got}"),
    }
}

/// Whether the value's type is of the expected type's kind, or the expected type without its
/// parameters would accept it (`report_detailed?`): Puppet then shows the types in full, as
/// only their parameters differ.
fn same_kind(e: &TypeValue, v: &Value) -> bool {
    matches!(
        (e.name.as_str(), v),
        ("Integer", Value::Int(_))
            | ("Float", Value::Float(_))
            | ("Numeric", Value::Int(_) | Value::Float(_))
            | ("String" | "Enum" | "Pattern", Value::Str(_))
            | ("Collection", Value::Array(_) | Value::Hash(_))
            | ("Array" | "Tuple", Value::Array(_))
            | ("Hash" | "Struct", Value::Hash(_))
            | ("Type", Value::Type(_))
    )
}

fn short_type(t: &TypeValue) -> String {
    match (t.name.as_str(), t.params.first()) {
        ("Optional" | "NotUndef" | "Sensitive" | "Type", Some(Value::Type(inner))) if inner.name != "Any" => {
            format!("{}[{}]", t.name, inner.name)
        }
        _ => t.name.clone(),
    }
}

/// The short name of a value's inferred type: `Tuple` for a non-empty array, `Struct` for a hash
/// with string keys, `Type[Integer]` for a type.
fn short_value(v: &Value) -> String {
    match v {
        Value::Type(t) => format!("Type[{}]", t.name),
        other => super::types::describe_value(other),
    }
}

/// A value's inferred type in full: `Integer[5, 5]`, `Tuple[Integer[1, 1], String]`.
fn detailed_value(v: &Value) -> String {
    match v {
        Value::Int(i) => format!("Integer[{i}, {i}]"),
        Value::Float(_) => format!("Float[{v}, {v}]"),
        Value::Str(_) => "String".into(),
        Value::Array(a) if !a.is_empty() => {
            format!("Tuple[{}]", a.iter().map(detailed_value).collect::<Vec<_>>().join(", "))
        }
        Value::Hash(h) if !h.is_empty() && h.keys().all(|k| matches!(k, Value::Str(s) if !s.is_empty())) => {
            let entries: Vec<String> = h
                .iter()
                .map(|(k, x)| format!("'{}' => {}", k.to_display_string(), detailed_value(x)))
                .collect();
            format!("Struct[{{{}}}]", entries.join(", "))
        }
        Value::Type(t) => format!("Type[{}]", Value::Type(t.clone())),
        other => short_value(other),
    }
}

/// A type as Puppet prints it after normalising it: an Enum's values sorted and unique.
fn normalized(t: TypeValue) -> TypeValue {
    if t.name != "Enum" || !t.params.iter().all(|p| matches!(p, Value::Str(_))) {
        return t;
    }
    let mut values: Vec<String> = t.params.iter().map(Value::to_display_string).collect();
    values.sort();
    values.dedup();
    TypeValue { name: t.name, params: values.into_iter().map(Value::Str).collect() }
}
