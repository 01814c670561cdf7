//! `Type.new(value, …)` and `Type(value, …)`: the conversions of Puppet's `new` function (the
//! `new_function` of each type), with Puppet's messages when a value cannot be converted.

use indexmap::IndexMap;

use super::calculator::{infer, instance};
use super::model::{puppet_quote, regex_text, Ty};
use crate::value::{format_float, RegexValue, Value};

/// `t.new(args)`; the error is the message after "Error while evaluating a Function Call, ".
pub(crate) fn new_value(target: &Value, args: &[Value]) -> Result<Value, String> {
    let ty = Ty::from_value(target)?;
    let value = create(&ty, args)?;
    if !instance(&ty, &value) {
        let tv = match ty.to_value() {
            Value::Type(tv) => tv,
            _ => return Err(format!("Converted value from {ty}.new() has wrong type")),
        };
        return Err(format!(
            "Converted value from {ty}.new() has wrong type, {}",
            super::mismatch(&value, &tv)
        ));
    }
    Ok(value)
}

fn generalized(v: &Value) -> String {
    infer(v).generalize().to_string()
}

fn cannot(v: &Value, prefix: &str, what: &str) -> String {
    match v {
        Value::Str(s) => format!("{prefix}The string '{s}' cannot be converted to {what}"),
        other => format!("{prefix}Value of type {} cannot be converted to {what}", generalized(other)),
    }
}

pub(crate) fn create(ty: &Ty, args: &[Value]) -> Result<Value, String> {
    let first = args.first().cloned().unwrap_or(Value::Undef);
    match ty {
        Ty::Integer(_) => integer_new(args),
        Ty::Float(..) => with_abs(named_args(args), float_new),
        Ty::Numeric => with_abs(named_args(args), numeric_new),
        Ty::Boolean(_) => boolean_new(&first),
        Ty::String(..) => string_new(&first, args.get(1)),
        Ty::Array(..) | Ty::Tuple(..) => array_new(&first, matches!(args.get(1), Some(Value::Bool(true)))),
        Ty::Hash(..) | Ty::Struct(_) => hash_new(&first),
        Ty::Sensitive(_) => Ok(match first {
            s @ Value::Sensitive(_) => s,
            other => Value::Sensitive(Box::new(other)),
        }),
        Ty::Regexp(_) => match &first {
            Value::Regex(_) => Ok(first),
            Value::Str(s) => RegexValue::new(s).map(|r| Value::Regex(r.into())).map_err(|e| e.to_string()),
            other => Err(cannot(other, "", "Regexp")),
        },
        Ty::Optional(Some(t)) | Ty::NotUndef(Some(t)) | Ty::Init(Some(t), _) => create(t, args),
        Ty::Enum(..) | Ty::Pattern(_) => string_new(&first, args.get(1)),
        Ty::Any
        | Ty::Scalar
        | Ty::ScalarData
        | Ty::Data
        | Ty::RichData
        | Ty::Optional(None)
        | Ty::NotUndef(None) => Ok(first),
        other => Err(format!("Creation of new instance of type '{other}' is not supported")),
    }
}

/// Splits `[+-] digits` (Puppet allows blanks between the sign and the digits).
fn sign_and_digits(s: &str) -> (bool, &str) {
    match s.strip_prefix('-') {
        Some(rest) => (true, rest.trim_start()),
        None => (false, s.strip_prefix('+').map_or(s, str::trim_start)),
    }
}

/// Puppet's lenient integer pattern: `[+-] ws (digits | 0x hex | 0b bin)`.
fn lenient_integer(s: &str) -> bool {
    let (_, d) = sign_and_digits(s);
    let all = |t: &str, f: fn(char) -> bool| !t.is_empty() && t.chars().all(f);
    all(d, |c| c.is_ascii_digit())
        || d.strip_prefix("0x")
            .or_else(|| d.strip_prefix("0X"))
            .is_some_and(|h| all(h, |c| c.is_ascii_hexdigit()))
        || d.strip_prefix("0b")
            .or_else(|| d.strip_prefix("0B"))
            .is_some_and(|b| all(b, |c| c == '0' || c == '1'))
}

/// Ruby's `Integer(s)` / `Integer(s, radix)` on a string that passed the lenient pattern.
fn ruby_integer(s: &str, radix: Option<i64>) -> Result<i64, String> {
    let invalid = || format!("invalid value for Integer(): \"{s}\"");
    let (neg, d) = sign_and_digits(s);
    let lower = d.to_lowercase();
    let (digits, base) = match radix {
        None | Some(10) if lower.starts_with("0x") => {
            if radix == Some(10) {
                return Err(invalid());
            }
            (&d[2..], 16)
        }
        None if lower.starts_with("0b") => (&d[2..], 2),
        None if d.len() > 1 && d.starts_with('0') => (&d[1..], 8),
        None => (d, 10),
        Some(16) => (if lower.starts_with("0x") { &d[2..] } else { d }, 16),
        Some(2) => (if lower.starts_with("0b") { &d[2..] } else { d }, 2),
        Some(8) => (d, 8),
        Some(r) => (d, r as u32),
    };
    let n = i64::from_str_radix(digits, base).map_err(|_| invalid())?;
    Ok(if neg { -n } else { n })
}

fn integer_new(args: &[Value]) -> Result<Value, String> {
    let (from, radix, abs) = match args {
        [Value::Hash(h)] => (
            h.get(&Value::Str("from".into())).cloned().unwrap_or(Value::Undef),
            h.get(&Value::Str("radix".into())).cloned(),
            h.get(&Value::Str("abs".into())).cloned(),
        ),
        _ => (args.first().cloned().unwrap_or(Value::Undef), args.get(1).cloned(), args.get(2).cloned()),
    };
    // The signature: (Convertible from, Radix radix = default, Boolean abs = false).
    if args.len() > 3 || abs.as_ref().is_some_and(|a| !matches!(a, Value::Bool(_))) {
        return Err(cannot(&from, "'new' ", "Integer"));
    }
    let radix = match radix {
        None | Some(Value::Default) => None,
        Some(Value::Int(r @ (2 | 8 | 10 | 16))) => Some(r),
        Some(_) => return Err(cannot(&from, "'new' ", "Integer")),
    };
    let n = match &from {
        Value::Int(i) => *i,
        Value::Float(f) => {
            if f.abs() >= 9.2e18 {
                return Err(format!("'new' Value {} is too large for a 64 bit Integer", format_float(*f)));
            }
            f.trunc() as i64
        }
        Value::Bool(b) => *b as i64,
        Value::Str(s) if lenient_integer(s) => ruby_integer(s, radix)?,
        other => return Err(cannot(other, "'new' ", "Integer")),
    };
    Ok(Value::Int(if matches!(abs, Some(Value::Bool(true))) { n.abs() } else { n }))
}

/// Puppet's float pattern: decimal with optional fraction and exponent, or hex, octal, binary.
fn float_pattern(s: &str) -> bool {
    let (_, d) = sign_and_digits(s);
    if lenient_integer(d) {
        return true;
    }
    let (mantissa, exp) = match d.find(['e', 'E']) {
        Some(i) => (&d[..i], Some(&d[i + 1..])),
        None => (d, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((a, b)) => (a, Some(b)),
        None => (mantissa, None),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    digits(int)
        && (int == "0" || !int.starts_with('0'))
        && frac.is_none_or(digits)
        && exp.is_none_or(|e| digits(e.strip_prefix('-').unwrap_or(e)))
}

fn float_new(from: &Value) -> Result<Value, String> {
    Ok(Value::Float(match from {
        Value::Float(f) => *f,
        Value::Int(i) => *i as f64,
        Value::Bool(b) => *b as i64 as f64,
        Value::Str(s) if float_pattern(s) => {
            let (neg, d) = sign_and_digits(s);
            let lower = d.to_lowercase();
            let f = if lower.starts_with("0x") || lower.starts_with("0b") {
                ruby_integer(d, None)? as f64
            } else {
                d.parse::<f64>().map_err(|e| e.to_string())?
            };
            if neg {
                -f
            } else {
                f
            }
        }
        other => return Err(cannot(other, "'new_float' ", "Float")),
    }))
}

/// `(from, abs)` from positional arguments or the named-arguments hash `{from => …, abs => …}`.
fn named_args(args: &[Value]) -> (Value, Option<Value>) {
    match args {
        [Value::Hash(h)] if h.contains_key(&Value::Str("from".into())) => (
            h.get(&Value::Str("from".into())).cloned().unwrap_or(Value::Undef),
            h.get(&Value::Str("abs".into())).cloned(),
        ),
        _ => (args.first().cloned().unwrap_or(Value::Undef), args.get(1).cloned()),
    }
}

fn with_abs(
    (from, abs): (Value, Option<Value>),
    f: fn(&Value) -> Result<Value, String>,
) -> Result<Value, String> {
    let v = f(&from)?;
    Ok(match (v, abs) {
        (Value::Int(i), Some(Value::Bool(true))) => Value::Int(i.abs()),
        (Value::Float(x), Some(Value::Bool(true))) => Value::Float(x.abs()),
        (v, _) => v,
    })
}

fn numeric_new(from: &Value) -> Result<Value, String> {
    match from {
        Value::Int(_) | Value::Float(_) => Ok(from.clone()),
        Value::Bool(b) => Ok(Value::Int(*b as i64)),
        Value::Str(s) if float_pattern(s) => {
            let (_, d) = sign_and_digits(s);
            let bad_octal = d.len() > 1
                && d.starts_with('0')
                && d.bytes().all(|b| b.is_ascii_digit())
                && d.bytes().any(|b| b > b'7');
            if lenient_integer(s) && !bad_octal {
                ruby_integer(s, None).map(Value::Int)
            } else {
                float_new(from)
            }
        }
        other => Err(cannot(other, "'new_numeric' ", "Numeric")),
    }
}

fn boolean_new(from: &Value) -> Result<Value, String> {
    match from {
        Value::Bool(_) => Ok(from.clone()),
        Value::Int(i) => Ok(Value::Bool(*i != 0)),
        Value::Float(f) => Ok(Value::Bool(*f != 0.0)),
        Value::Str(s) => match s.to_lowercase().as_str() {
            "true" | "yes" | "y" => Ok(Value::Bool(true)),
            "false" | "no" | "n" => Ok(Value::Bool(false)),
            _ => Err(cannot(from, "'new_boolean' ", "Boolean")),
        },
        other => Err(cannot(other, "'new_boolean' ", "Boolean")),
    }
}

/// The elements iterating over `v` gives, when it is iterable.
fn iterate(v: &Value) -> Option<Vec<Value>> {
    match v {
        Value::Array(a) => Some(a.clone()),
        Value::Hash(h) => Some(h.iter().map(|(k, x)| Value::Array(vec![k.clone(), x.clone()])).collect()),
        Value::Str(s) => Some(s.chars().map(|c| Value::Str(c.to_string())).collect()),
        Value::Int(n) if *n >= 0 => Some((0..*n).map(Value::Int).collect()),
        Value::Type(_) => super::type_elements(v),
        Value::Iterator(i) => Some(i.items.clone()),
        _ => None,
    }
}

fn array_new(from: &Value, wrap: bool) -> Result<Value, String> {
    if wrap {
        return Ok(match from {
            Value::Array(_) => from.clone(),
            other => Value::Array(vec![other.clone()]),
        });
    }
    match from {
        Value::Undef => Err("'new_array' Value of type Undef cannot be converted to Array".into()),
        other => match iterate(other) {
            Some(items) => Ok(Value::Array(items)),
            None => Err(cannot(other, "'new_array' ", "Array")),
        },
    }
}

fn hash_new(from: &Value) -> Result<Value, String> {
    let items = match from {
        Value::Hash(_) => return Ok(from.clone()),
        Value::Undef => return Err("Value of type Undef cannot be converted to Hash".into()),
        // An array of pairs.
        Value::Array(a)
            if !a.is_empty() && a.iter().all(|x| matches!(x, Value::Array(p) if p.len() == 2)) =>
        {
            let mut h = IndexMap::new();
            for x in a {
                if let Value::Array(p) = x {
                    h.insert(p[0].clone(), p[1].clone());
                }
            }
            return Ok(Value::Hash(h));
        }
        other => iterate(other).ok_or_else(|| cannot(other, "", "Hash"))?,
    };
    if items.len() % 2 != 0 {
        return Err("odd number of arguments for Hash".into());
    }
    Ok(Value::Hash(items.chunks(2).map(|c| (c[0].clone(), c[1].clone())).collect()))
}

/// A `%<flags><width>.<prec><format>` directive of `String.new`.
struct Spec {
    flags: String,
    width: Option<usize>,
    prec: Option<usize>,
    conv: char,
}

fn parse_spec(f: &str) -> Result<Spec, String> {
    let bad =
        || format!("The format '{f}' is not a valid format on the form '%<flags><width>.<prec><format>'");
    let rest = f.strip_prefix('%').ok_or_else(bad)?;
    let flags: String = rest.chars().take_while(|c| " #+-0<>[{(|".contains(*c)).collect();
    let rest = &rest[flags.len()..];
    let wlen = rest.bytes().take_while(u8::is_ascii_digit).count();
    let width = if wlen > 0 { rest[..wlen].parse().ok() } else { None };
    let mut rest = &rest[wlen..];
    let mut prec = None;
    if let Some(r) = rest.strip_prefix('.') {
        let plen = r.bytes().take_while(u8::is_ascii_digit).count();
        prec = r[..plen].parse().ok();
        rest = &r[plen..];
    }
    let mut chars = rest.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if c.is_ascii_alphabetic() => Ok(Spec { flags, width, prec, conv: c }),
        _ => Err(bad()),
    }
}

impl Spec {
    /// The directive as a Ruby `sprintf` format with another conversion.
    fn printf(&self, conv: char) -> String {
        let mut out = format!("%{}", self.flags.chars().filter(|c| " #+-0".contains(*c)).collect::<String>());
        if let Some(w) = self.width {
            out.push_str(&w.to_string());
        }
        if let Some(p) = self.prec {
            out.push_str(&format!(".{p}"));
        }
        out.push(conv);
        out
    }

    fn pad(&self, text: String) -> String {
        let text = match self.prec {
            Some(p) => text.chars().take(p).collect(),
            None => text,
        };
        let w = self.width.unwrap_or(0);
        let n = text.chars().count();
        if n >= w {
            text
        } else if self.flags.contains('-') {
            format!("{text}{}", " ".repeat(w - n))
        } else {
            format!("{}{text}", " ".repeat(w - n))
        }
    }
}

fn sprintf(fmt: &str, v: Value) -> Result<String, String> {
    match crate::eval::builtins::sprintf(fmt, &[v])? {
        Value::Str(s) => Ok(s),
        other => Ok(other.to_display_string()),
    }
}

/// A value inside a collection `String.new` prints (`%p`: strings quoted).
pub(crate) fn nested_text(v: &Value) -> String {
    match v {
        Value::Str(s) => puppet_quote(s),
        Value::Undef => "undef".into(),
        Value::Float(f) => format_float(*f),
        Value::Regex(r) => regex_text(r),
        Value::Array(a) => format!("[{}]", a.iter().map(nested_text).collect::<Vec<_>>().join(", ")),
        Value::Hash(h) => format!(
            "{{{}}}",
            h.iter()
                .map(|(k, x)| format!("{} => {}", nested_text(k), nested_text(x)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Value::Type(_) | Value::Resource { .. } => super::format_value(v).unwrap_or_else(|| v.to_string()),
        Value::Iterator(i) => nested_text(&Value::Array(i.items.clone())),
        other => other.to_string(),
    }
}

fn delimiters(flags: &str, default: (&'static str, &'static str)) -> (&'static str, &'static str) {
    if flags.contains('(') {
        ("(", ")")
    } else if flags.contains('[') {
        ("[", "]")
    } else if flags.contains('{') {
        ("{", "}")
    } else if flags.contains('<') {
        ("<", ">")
    } else if flags.contains('|') {
        ("|", "|")
    } else if flags.contains(' ') {
        ("", "")
    } else {
        default
    }
}

/// `String.new(value, format)`: Puppet's StringConverter for the common formats.
fn string_new(v: &Value, format: Option<&Value>) -> Result<Value, String> {
    // An Iterator converts as the array of its elements.
    if let Value::Iterator(i) = v {
        return string_new(&Value::Array(i.items.clone()), format);
    }
    let spec = match format {
        Some(Value::Str(f)) => Some(parse_spec(f)?),
        _ => None,
    };
    let text = match (v, spec) {
        (Value::Str(s), None) => s.clone(),
        (Value::Int(i), None) => i.to_string(),
        (Value::Float(f), None) => sprintf("%f", Value::Float(*f))?,
        (Value::Bool(b), None) => b.to_string(),
        (Value::Undef, None) => String::new(),
        (Value::Default, None) => "default".into(),
        (Value::Regex(r), None) => r.source.clone(),
        (Value::Array(_) | Value::Hash(_), None) => nested_text(v),
        (Value::Type(_) | Value::Resource { .. }, None) => {
            super::format_value(v).unwrap_or_else(|| v.to_string())
        }
        (Value::Sensitive(_) | Value::Iterator(_), _) => v.to_string(),
        (Value::Int(i), Some(s)) => match s.conv {
            'd' | 'i' | 'x' | 'X' | 'o' | 'b' | 'B' | 'c' | 'e' | 'E' | 'f' | 'g' | 'G' => {
                let arg = if matches!(s.conv, 'e' | 'E' | 'f' | 'g' | 'G') {
                    Value::Float(*i as f64)
                } else {
                    v.clone()
                };
                sprintf(&s.printf(s.conv), arg)?
            }
            's' | 'p' => s.pad(i.to_string()),
            c => return Err(illegal(c, "Integer", "dxXobBeEfgGaAspc")),
        },
        (Value::Float(f), Some(s)) => match s.conv {
            'f' | 'e' | 'E' | 'g' | 'G' => sprintf(&s.printf(s.conv), v.clone())?,
            'd' | 'i' | 'x' | 'X' | 'o' | 'b' | 'B' => {
                sprintf(&s.printf(s.conv), Value::Int(f.trunc() as i64))?
            }
            's' | 'p' => s.pad(format_float(*f)),
            c => return Err(illegal(c, "Float", "dxXobBeEfgGaAsp")),
        },
        (Value::Str(x), Some(s)) => match s.conv {
            's' => s.pad(x.clone()),
            'p' => s.pad(puppet_quote(x)),
            'C' => s.pad(x.split("::").map(capitalize).collect::<Vec<_>>().join("::")),
            'c' => s.pad(capitalize(x)),
            'u' => s.pad(x.to_uppercase()),
            'd' => s.pad(x.to_lowercase()),
            't' => s.pad(x.trim().to_string()),
            c => return Err(illegal(c, "String", "cCudspt")),
        },
        (Value::Bool(b), Some(s)) => match s.conv {
            't' | 's' | 'p' => s.pad(b.to_string()),
            'T' => s.pad(if *b { "True" } else { "False" }.into()),
            'y' => s.pad(if *b { "yes" } else { "no" }.into()),
            'Y' => s.pad(if *b { "Yes" } else { "No" }.into()),
            'd' | 'x' | 'X' | 'o' | 'b' | 'B' => sprintf(&s.printf(s.conv), Value::Int(*b as i64))?,
            c => return Err(illegal(c, "Boolean", "tTyYdxXobBeEfgGaAsp")),
        },
        (Value::Undef, Some(s)) => match s.conv {
            'p' => s.pad("undef".into()),
            'd' | 'x' | 'X' | 'o' | 'b' | 'B' | 'e' | 'E' | 'f' | 'g' | 'G' | 'a' | 'A' => {
                s.pad("NaN".into())
            }
            _ => s.pad(String::new()),
        },
        (Value::Array(_), Some(s)) => {
            let delims = delimiters(&s.flags, ("[", "]"));
            array_text(v, delims)
        }
        (Value::Hash(h), Some(s)) => {
            let (open, close) = delimiters(&s.flags, ("{", "}"));
            let items: Vec<String> =
                h.iter().map(|(k, x)| format!("{} => {}", nested_text(k), nested_text(x))).collect();
            format!("{open}{}{close}", items.join(", "))
        }
        (Value::Regex(r), Some(s)) => match s.conv {
            'p' => s.pad(regex_text(r)),
            _ => s.pad(r.source.clone()),
        },
        (other, Some(s)) => s.pad(nested_text(other)),
    };
    Ok(Value::Str(text))
}

/// An array between `delims`, nested arrays between the same.
fn array_text(v: &Value, delims: (&str, &str)) -> String {
    match v {
        Value::Array(a) => {
            let items: Vec<String> = a.iter().map(|x| array_text(x, delims)).collect();
            format!("{}{}{}", delims.0, items.join(", "), delims.1)
        }
        other => nested_text(other),
    }
}

fn illegal(c: char, kind: &str, expected: &str) -> String {
    format!("Illegal format '{c}' specified for value of {kind} type - expected one of the characters '{expected}'")
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c.flat_map(char::to_lowercase)).collect(),
        None => String::new(),
    }
}
