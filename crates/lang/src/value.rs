//! Runtime values of the Puppet language, their string forms (as interpolation and Puppet's
//! `String($x)` print them), Puppet's equality and truthiness, and their catalog JSON form.

use std::fmt::{self, Write as _};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use indexmap::IndexMap;

/// A compiled regular expression and its Puppet source text.
///
/// Puppet regexes are Ruby (Onigmo) regexes. `fancy-regex` gives what Onigmo has and the `regex`
/// crate lacks, look-around and backreferences (stdlib's `Stdlib::Compat::Ipv4`, collectd's
/// templates), and hands every other pattern to `regex` itself. Translated here: Ruby's `^`/`$`
/// are always multi-line, `\h` is a hex digit, `\A`/`\z` anchor the string.
#[derive(Debug, Clone)]
pub struct RegexValue {
    pub source: String,
    pub regex: Arc<fancy_regex::Regex>,
}

/// Compiled regexes by translated pattern. Type aliases (`Stdlib::Absolutepath`, …) check their
/// patterns on every parameter they type, so compiling each time was half a module's compile.
/// Bounded: a master compiling for months must not grow without limit on interpolated patterns.
pub(crate) fn cached_regex(pattern: &str) -> Result<Arc<fancy_regex::Regex>, fancy_regex::Error> {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<fancy_regex::Regex>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(r) = cache.lock().ok().and_then(|c| c.get(pattern).cloned()) {
        return Ok(r);
    }
    let r = Arc::new(fancy_regex::Regex::new(pattern)?);
    if let Ok(mut c) = cache.lock() {
        if c.len() >= 10_000 {
            c.clear();
        }
        c.insert(pattern.to_string(), r.clone());
    }
    Ok(r)
}

impl RegexValue {
    /// Compiles a Puppet regex, translating the Ruby-isms this crate handles.
    pub fn new(source: &str) -> Result<RegexValue, fancy_regex::Error> {
        let translated = source
            .replace("\\h", "[0-9a-fA-F]")
            .replace("\\A", "^")
            .replace("\\z", "$")
            .replace("\\Z", "$")
            .replace("\\0", "\\x00");
        let regex = cached_regex(&format!("(?m){translated}"))?;
        Ok(RegexValue { source: source.to_string(), regex })
    }

    /// Whether the regex matches `s`. A match that exceeds the backtracking limit (a
    /// pathological pattern) counts as no match, as a timeout would in Ruby.
    pub fn is_match(&self, s: &str) -> bool {
        self.regex.is_match(s).unwrap_or(false)
    }

    /// The capture groups of the first match: `$0`, `$1`, … (`None` for a group that did not take part).
    pub fn captures(&self, s: &str) -> Option<Vec<Option<String>>> {
        let caps = self.regex.captures(s).ok().flatten()?;
        Some(caps.iter().map(|m| m.map(|m| m.as_str().to_string())).collect())
    }
}

/// A type value: a name and its parameters (`Integer[1, 5]`, `Optional[String]`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TypeValue {
    pub name: String,
    pub params: Vec<Value>,
}

/// A Puppet value.
#[derive(Debug)]
pub enum Value {
    Undef,
    Default,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Regex(Arc<RegexValue>),
    Array(Vec<Value>),
    Hash(IndexMap<Value, Value>),
    Type(TypeValue),
    /// A reference to one resource: `File['/x']`, `Class['nginx']` (type name capitalised).
    Resource {
        type_name: String,
        title: String,
    },
    /// `Sensitive(v)`: prints redacted; in the catalog the parameter holds the plain value and
    /// is listed in the resource's `sensitive_parameters`.
    Sensitive(Box<Value>),
    /// What `reverse_each` and `step` return without a lambda: an Iterator (its elements are
    /// computed at once here; Puppet computes them as they are iterated).
    Iterator(Arc<IteratorValue>),
}

/// An Iterator's elements and their type (`Iterator[Integer[1, 3]]`).
#[derive(Debug, Clone, PartialEq)]
pub struct IteratorValue {
    pub items: Vec<Value>,
    pub element_type: TypeValue,
}

/// Runs a step of a walk over a nested value on a stack that grows as needed: recursion in Puppet
/// code builds values thousands of levels deep (only the eval depth limit bounds them), and a
/// plain recursive clone, compare or conversion of one would overflow a compile thread's stack.
fn nested<R>(f: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(64 * 1024, 1 << 20, f)
}

impl Clone for Value {
    fn clone(&self) -> Value {
        match self {
            Value::Undef => Value::Undef,
            Value::Default => Value::Default,
            Value::Bool(b) => Value::Bool(*b),
            Value::Int(i) => Value::Int(*i),
            Value::Float(f) => Value::Float(*f),
            Value::Str(s) => Value::Str(s.clone()),
            Value::Regex(r) => Value::Regex(r.clone()),
            Value::Array(a) => nested(|| Value::Array(a.clone())),
            Value::Hash(h) => nested(|| Value::Hash(h.clone())),
            Value::Type(t) => nested(|| Value::Type(t.clone())),
            Value::Resource { type_name, title } => {
                Value::Resource { type_name: type_name.clone(), title: title.clone() }
            }
            Value::Sensitive(v) => nested(|| Value::Sensitive(v.clone())),
            Value::Iterator(i) => Value::Iterator(i.clone()),
        }
    }
}

impl PartialEq for Value {
    /// Structural, case-sensitive equality (hash keys, duplicates); `==` in the language is
    /// [`puppet_eq`].
    fn eq(&self, other: &Value) -> bool {
        use Value::*;
        match (self, other) {
            (Undef, Undef) | (Default, Default) => true,
            (Bool(a), Bool(b)) => a == b,
            (Int(a), Int(b)) => a == b,
            (Float(a), Float(b)) => a.to_bits() == b.to_bits(),
            (Str(a), Str(b)) => a == b,
            (Regex(a), Regex(b)) => a.source == b.source,
            (Array(a), Array(b)) => nested(|| a == b),
            (Hash(a), Hash(b)) => {
                a.len() == b.len() && nested(|| a.iter().zip(b.iter()).all(|(x, y)| x == y))
            }
            (Type(a), Type(b)) => a == b,
            (Resource { type_name: t1, title: n1 }, Resource { type_name: t2, title: n2 }) => {
                t1 == t2 && n1 == n2
            }
            (Sensitive(a), Sensitive(b)) => a == b,
            (Iterator(a), Iterator(b)) => a == b,
            _ => false,
        }
    }
}

impl Eq for Value {}

impl Hash for Value {
    fn hash<H: Hasher>(&self, state: &mut H) {
        std::mem::discriminant(self).hash(state);
        match self {
            Value::Bool(b) => b.hash(state),
            Value::Int(i) => i.hash(state),
            Value::Float(f) => f.to_bits().hash(state),
            Value::Str(s) => s.hash(state),
            Value::Regex(r) => r.source.hash(state),
            Value::Array(a) => a.hash(state),
            Value::Hash(h) => {
                for (k, v) in h {
                    k.hash(state);
                    v.hash(state);
                }
            }
            Value::Type(t) => t.hash(state),
            Value::Resource { type_name, title } => {
                type_name.hash(state);
                title.hash(state);
            }
            Value::Sensitive(v) => v.hash(state),
            Value::Iterator(i) => i.items.hash(state),
            Value::Undef | Value::Default => {}
        }
    }
}

impl Value {
    /// Puppet truthiness: only `undef` and `false` are false.
    pub fn truthy(&self) -> bool {
        !matches!(self, Value::Undef | Value::Bool(false))
    }

    /// The name of this value's type, for error messages (`String`, `Integer`, …).
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Undef => "Undef",
            Value::Default => "Default",
            Value::Bool(_) => "Boolean",
            Value::Int(_) => "Integer",
            Value::Float(_) => "Float",
            Value::Str(_) => "String",
            Value::Regex(_) => "Regexp",
            Value::Array(_) => "Array",
            Value::Hash(_) => "Hash",
            Value::Type(_) => "Type",
            Value::Resource { .. } => "Resource",
            Value::Sensitive(_) => "Sensitive",
            Value::Iterator(_) => "Iterator",
        }
    }

    /// The catalog JSON form: references as `"Type[title]"`, regexes and types as strings,
    /// `undef` as null (top-level undef parameters are dropped by the caller).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Value::Undef => J::Null,
            Value::Default => J::String("default".into()),
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => J::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f).map(J::Number).unwrap_or(J::Null),
            Value::Str(s) => J::String(s.clone()),
            // Revealed on the wire; the resource lists the parameter as sensitive.
            Value::Sensitive(v) => nested(|| v.to_json()),
            Value::Iterator(i) => nested(|| J::Array(i.items.iter().map(Value::to_json).collect())),
            Value::Array(a) => nested(|| J::Array(a.iter().map(Value::to_json).collect())),
            Value::Hash(h) => {
                nested(|| J::Object(h.iter().map(|(k, v)| (k.to_display_string(), v.to_json())).collect()))
            }
            other => J::String(other.to_display_string()),
        }
    }

    /// The value as interpolation prints it (`"${x}"`).
    pub fn to_display_string(&self) -> String {
        match self {
            Value::Str(s) => s.clone(),
            Value::Undef => String::new(),
            other => other.to_string(),
        }
    }
}

/// Ruby's `Float#to_s`: `2.0`, `3.5`, `1.0e+20`.
pub fn format_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "Infinity".into() } else { "-Infinity".into() };
    }
    let abs = f.abs();
    if abs != 0.0 && !(1e-4..1e16).contains(&abs) {
        let s = format!("{f:e}");
        let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
        let mant = if mant.contains('.') { mant.to_string() } else { format!("{mant}.0") };
        let exp: i32 = exp.parse().unwrap_or(0);
        let sign = if exp < 0 { '-' } else { '+' };
        return format!("{mant}e{sign}{:02}", exp.abs());
    }
    let s = format!("{f}");
    if s.contains('.') {
        s
    } else {
        format!("{s}.0")
    }
}

impl fmt::Display for Value {
    /// Puppet's string form of a value inside a collection (strings quoted).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Undef => f.write_str("undef"),
            Value::Default => f.write_str("default"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => f.write_str(&format_float(*x)),
            Value::Str(s) => write!(f, "{s}"),
            Value::Regex(r) => write!(f, "/{}/", r.source),
            Value::Array(a) => {
                f.write_char('[')?;
                for (i, v) in a.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write_nested(f, v)?;
                }
                f.write_char(']')
            }
            Value::Hash(h) => {
                f.write_char('{')?;
                for (i, (k, v)) in h.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write_nested(f, k)?;
                    f.write_str(" => ")?;
                    write_nested(f, v)?;
                }
                f.write_char('}')
            }
            // Puppet's TypeFormatter text: `Integer[1, 5]`, `Enum['a', 'b']`.
            Value::Type(t) => f.write_str(&crate::eval::types::format(t)),
            Value::Resource { type_name, title } => write!(f, "{type_name}[{title}]"),
            Value::Sensitive(_) => f.write_str("Sensitive [value redacted]"),
            // Puppet prints an Iterator by its generalized type: `Iterator[Integer]-Value`.
            Value::Iterator(i) => {
                let general = crate::eval::types::generalized(&i.element_type);
                write!(f, "Iterator[{}]-Value", crate::eval::types::format(&general))
            }
        }
    }
}

fn write_nested(f: &mut fmt::Formatter<'_>, v: &Value) -> fmt::Result {
    // Puppet 7 interpolates nested strings unquoted: "${[1, 'a']}" is "[1, a]", and nested undef
    // as nothing: "${[1, undef]}" is "[1, ]".
    match v {
        Value::Undef => Ok(()),
        _ => write!(f, "{v}"),
    }
}

/// Puppet's label of a value in error messages (`Undef Value`, `String`, `Integer-Type`).
pub fn label(v: &Value) -> String {
    match v {
        Value::Undef => "Undef Value".into(),
        Value::Default => "Object".into(),
        Value::Bool(_) => "Boolean".into(),
        Value::Int(_) => "Integer".into(),
        Value::Float(_) => "Float".into(),
        Value::Str(_) => "String".into(),
        Value::Regex(_) => "Regexp".into(),
        Value::Array(_) => "Array".into(),
        Value::Hash(_) => "Hash".into(),
        Value::Sensitive(_) => "Object".into(),
        Value::Iterator(_) => "Iterator-Value".into(),
        Value::Type(_) | Value::Resource { .. } => format!("{v}-Type"),
    }
}

/// [`label`] with its article (`an Undef Value`, `a String`).
pub fn a_an(v: &Value) -> String {
    let l = label(v);
    let article = if l.starts_with(['A', 'E', 'I', 'O', 'U']) { "an" } else { "a" };
    format!("{article} {l}")
}

/// Puppet's `==`: deep, and case-insensitive for strings; numbers compare by value.
pub fn puppet_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Str(x), Value::Str(y)) => x.to_lowercase() == y.to_lowercase(),
        (Value::Int(x), Value::Float(y)) | (Value::Float(y), Value::Int(x)) => (*x as f64) == *y,
        (Value::Float(x), Value::Float(y)) => x == y,
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| puppet_eq(p, q))
        }
        (Value::Hash(x), Value::Hash(y)) => {
            x.len() == y.len()
                && x.iter().all(|(k, v)| y.iter().any(|(k2, v2)| puppet_eq(k, k2) && puppet_eq(v, v2)))
        }
        (Value::Resource { type_name: t1, title: n1 }, Value::Resource { type_name: t2, title: n2 }) => {
            t1.eq_ignore_ascii_case(t2) && n1 == n2
        }
        // Types are equal as types (`Variant[A, B] == Variant[B, A]`).
        (Value::Type(_), Value::Type(_) | Value::Resource { .. })
        | (Value::Resource { .. }, Value::Type(_)) => crate::eval::types::types_equal(a, b).unwrap_or(a == b),
        _ => a == b,
    }
}

/// Whether a string is a valid tag (`\A[[:alnum:]_][[:alnum:]_:.-]*\Z`).
pub fn valid_tag(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c.is_alphanumeric() || c == '_' => {}
        _ => return false,
    }
    chars.all(|c| c.is_alphanumeric() || matches!(c, '_' | ':' | '.' | '-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_print_like_ruby() {
        assert_eq!(format_float(5.0), "5.0");
        assert_eq!(format_float(3.5), "3.5");
        assert_eq!(format_float(1e20), "1.0e+20");
    }

    #[test]
    fn equality_is_case_insensitive_for_strings() {
        let a = Value::Array(vec![Value::Int(1), Value::Str("A".into())]);
        let b = Value::Array(vec![Value::Float(1.0), Value::Str("a".into())]);
        assert!(puppet_eq(&a, &b));
        assert!(!puppet_eq(&Value::Undef, &Value::Str(String::new())));
    }
}
