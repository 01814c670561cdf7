//! Pure built-in functions (no scope, no catalog): strings, collections, numbers, comparison.
//! Each returns `None` when it does not know the name and `Err(message)` with Puppet's wording
//! (without the "Error while evaluating a Function Call, " prefix the caller adds).

use std::cmp::Ordering;

use indexmap::IndexMap;

use super::ops;
use crate::value::{puppet_eq, RegexValue, TypeValue, Value};

type Out = Option<Result<Value, String>>;

fn s(v: &str) -> Value {
    Value::Str(v.to_string())
}

/// Puppet's report for an argument that is none of the plain types `expected` (a Variant of
/// them when several): "expects a value of type Array or String, got Integer".
pub(crate) fn param_mismatch(got: &Value, expected: &[&str]) -> String {
    let types: Vec<Value> =
        expected.iter().map(|n| Value::Type(TypeValue { name: n.to_string(), params: vec![] })).collect();
    let t = match types.as_slice() {
        [Value::Type(one)] => one.clone(),
        _ => TypeValue { name: "Variant".into(), params: types },
    };
    super::types::mismatch(got, &t)
}

/// The first parameter of Puppet 7's built-in functions: its name and the types its
/// signatures take there (from puppet/functions/*.rb). Every signature naming the parameter
/// alike, Puppet merges their types into one report.
fn first_parameter(name: &str) -> Option<(&'static str, &'static [&'static str])> {
    Some(match name {
        "upcase" | "downcase" => ("arg", &["Numeric", "String", "Array", "Hash"]),
        "capitalize" | "camelcase" | "strip" | "lstrip" | "rstrip" | "chomp" | "chop" => {
            ("arg", &["Numeric", "String", "Iterable"])
        }
        "abs" | "floor" | "ceiling" => ("val", &["Numeric", "String"]),
        "round" => ("val", &["Numeric"]),
        "join" => ("arg", &["Array"]),
        "keys" | "values" => ("hsh", &["Hash"]),
        _ => return None,
    })
}

fn expects(name: &str, what: &str, got: &Value) -> String {
    if let Some((param, types)) = first_parameter(name) {
        let report = param_mismatch(got, types);
        if !report.is_empty() {
            return format!("'{name}' parameter '{param}' {report}");
        }
    }
    format!("'{name}' parameter 'arg' expects {what} value, got {}", got.type_name())
}

/// Applies a string function to a string or to every string of an array, as Puppet 7's do.
fn map_str(name: &str, v: &Value, f: &dyn Fn(&str) -> String) -> Result<Value, String> {
    match v {
        Value::Str(x) => Ok(Value::Str(f(x))),
        Value::Array(a) => a.iter().map(|x| map_str(name, x, f)).collect::<Result<_, _>>().map(Value::Array),
        // A hash has its keys and values changed alike.
        Value::Hash(h) => h
            .iter()
            .map(|(k, x)| Ok((map_str(name, k, f)?, map_str(name, x, f)?)))
            .collect::<Result<_, String>>()
            .map(Value::Hash),
        // Puppet 7's string functions give numbers back as they are.
        Value::Int(_) | Value::Float(_) => Ok(v.clone()),
        other => Err(expects(name, "a String or Array", other)),
    }
}

/// Runs the pure built-in `name`.
pub(crate) fn call(name: &str, a: &[Value]) -> Out {
    let first = a.first().cloned().unwrap_or(Value::Undef);
    Some(match name {
        // `unwrap` reveals a Sensitive value; any other value is returned as it is.
        "unwrap" => Ok(match first {
            Value::Sensitive(v) => *v,
            other => other,
        }),
        "upcase" => map_str(name, &first, &|x| x.to_uppercase()),
        "downcase" => map_str(name, &first, &|x| x.to_lowercase()),
        "capitalize" => map_str(name, &first, &|x| {
            let mut c = x.chars();
            match c.next() {
                Some(f) => f.to_uppercase().collect::<String>() + &c.as_str().to_lowercase(),
                None => String::new(),
            }
        }),
        "strip" => map_str(name, &first, &|x| x.trim().to_string()),
        "lstrip" => map_str(name, &first, &|x| x.trim_start().to_string()),
        "rstrip" => map_str(name, &first, &|x| x.trim_end().to_string()),
        "chomp" => map_str(name, &first, &|x| {
            x.strip_suffix("\r\n")
                .or_else(|| x.strip_suffix('\n'))
                .or_else(|| x.strip_suffix('\r'))
                .unwrap_or(x)
                .to_string()
        }),
        "chop" => map_str(name, &first, &|x| {
            if let Some(y) = x.strip_suffix("\r\n") {
                return y.to_string();
            }
            let mut c = x.chars();
            c.next_back();
            c.as_str().to_string()
        }),
        "abs" => match first {
            Value::Int(i) => i.checked_abs().map(Value::Int).ok_or_else(|| "integer overflow".to_string()),
            Value::Float(f) => Ok(Value::Float(f.abs())),
            // Puppet's abs converts a numeric string (and refuses any other).
            Value::Str(text) => match numeric_string(&text) {
                Some(Value::Int(i)) => Ok(Value::Int(i.abs())),
                Some(Value::Float(f)) => Ok(Value::Float(f.abs())),
                _ => {
                    Err("abs(): Requires float or integer to work with - was given non decimal string".into())
                }
            },
            other => Err(expects(name, "a Numeric", &other)),
        },
        "min" | "max" => {
            let mut best: Option<Value> = None;
            for v in a.iter().flat_map(|v| match v {
                Value::Array(x) if a.len() == 1 => x.clone(),
                o => vec![o.clone()],
            }) {
                best = Some(match best {
                    None => v,
                    Some(b) => {
                        let ord = ops::compare(&v, &b).unwrap_or(Ordering::Equal);
                        if (name == "min") == (ord == Ordering::Less) && ord != Ordering::Equal {
                            v
                        } else {
                            b
                        }
                    }
                });
            }
            Ok(best.unwrap_or(Value::Undef))
        }
        "round" => match first {
            Value::Int(i) => Ok(Value::Int(i)),
            Value::Float(f) => Ok(Value::Int(f.round() as i64)),
            other => Err(expects(name, "a Numeric", &other)),
        },
        "floor" | "ceiling" => match first {
            Value::Int(i) => Ok(Value::Int(i)),
            Value::Float(f) => Ok(Value::Int(if name == "floor" { f.floor() } else { f.ceil() } as i64)),
            other => Err(expects(name, "a Numeric", &other)),
        },
        "split" => match (&first, a.get(1)) {
            (Value::Str(x), Some(Value::Str(sep))) => {
                if sep.is_empty() {
                    Ok(Value::Array(x.chars().map(|c| Value::Str(c.to_string())).collect()))
                } else {
                    // Puppet's split treats a String separator as a regex, like Ruby's.
                    match RegexValue::new(sep) {
                        Ok(re) => Ok(ruby_split(x, &re)),
                        Err(_) => Ok(Value::Array(x.split(sep.as_str()).map(s).collect())),
                    }
                }
            }
            (Value::Str(x), Some(Value::Regex(re))) => Ok(ruby_split(x, re)),
            (Value::Str(_), _) => Err("'split' expects a String and a separator".into()),
            (other, _) => Err(format!("'split' parameter 'str' {}", param_mismatch(other, &["String"]))),
        },
        "join" => match &first {
            Value::Array(arr) => {
                let sep = a.get(1).map(Value::to_display_string).unwrap_or_default();
                Ok(Value::Str(arr.iter().map(Value::to_display_string).collect::<Vec<_>>().join(&sep)))
            }
            other => Err(format!("'join' parameter 'arg' {}", param_mismatch(other, &["Array"]))),
        },
        "keys" | "values" => match &first {
            Value::Hash(h) => Ok(Value::Array(if name == "keys" {
                h.keys().cloned().collect()
            } else {
                h.values().cloned().collect()
            })),
            other => Err(format!("'{name}' parameter 'hsh' {}", param_mismatch(other, &["Hash"]))),
        },
        "size" | "length" => match &first {
            Value::Array(x) => Ok(Value::Int(x.len() as i64)),
            Value::Hash(h) => Ok(Value::Int(h.len() as i64)),
            Value::Str(x) => Ok(Value::Int(x.chars().count() as i64)),
            other => Err(format!(
                "'{name}' parameter 'arg' {}",
                param_mismatch(other, &["Collection", "String", "Binary"])
            )),
        },
        "empty" => Ok(Value::Bool(match &first {
            Value::Array(x) => x.is_empty(),
            Value::Hash(h) => h.is_empty(),
            Value::Str(x) => x.is_empty(),
            Value::Undef => true,
            _ => false,
        })),
        "sort" => match &first {
            Value::Array(x) => {
                // Ruby's sort fails on values it cannot compare: say which, as Ruby does
                // (the right one by `inspect` when it is a number, boolean or nil).
                let mut v = x.clone();
                let comparable = |p: &Value, q: &Value| {
                    matches!((p, q), (Value::Str(_), Value::Str(_)))
                        || matches!(
                            (p, q),
                            (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_))
                        )
                };
                if let Some(q) = v.iter().skip(1).find(|q| !comparable(&v[0], q)) {
                    let class = |x: &Value| match x {
                        Value::Int(_) => "Integer",
                        Value::Float(_) => "Float",
                        Value::Str(_) => "String",
                        Value::Array(_) => "Array",
                        Value::Hash(_) => "Hash",
                        Value::Bool(true) => "TrueClass",
                        Value::Bool(false) => "FalseClass",
                        Value::Undef => "NilClass",
                        _ => "Object",
                    };
                    let right = match q {
                        Value::Int(_) | Value::Float(_) => q.to_string(),
                        Value::Bool(b) => b.to_string(),
                        Value::Undef => "nil".into(),
                        other => class(other).into(),
                    };
                    return Some(Err(format!("comparison of {} with {right} failed", class(&v[0]))));
                }
                v.sort_by(|p, q| match (p, q) {
                    // Ruby's String#<=> is case-sensitive (unlike Puppet's `<`).
                    (Value::Str(p), Value::Str(q)) => p.cmp(q),
                    _ => ops::compare(p, q).unwrap_or(Ordering::Equal),
                });
                Ok(Value::Array(v))
            }
            Value::Str(x) => {
                let mut chars: Vec<char> = x.chars().collect();
                chars.sort();
                Ok(Value::Str(chars.into_iter().collect()))
            }
            other => Err(format!(
                "The function 'sort' was called with arguments it does not accept. It expects one of:\n  \
                 (String string_value, Callable[2, 2] block?)\n    rejected: parameter 'string_value' {}\n  \
                 (Array array_value, Callable[2, 2] block?)\n    rejected: parameter 'array_value' {}",
                param_mismatch(other, &["String"]),
                param_mismatch(other, &["Array"])
            )),
        },
        "unique" => match &first {
            Value::Array(x) => {
                let mut out: Vec<Value> = Vec::new();
                for v in x {
                    if !out.contains(v) {
                        out.push(v.clone());
                    }
                }
                Ok(Value::Array(out))
            }
            Value::Str(x) => {
                let mut seen = String::new();
                for c in x.chars() {
                    if !seen.contains(c) {
                        seen.push(c);
                    }
                }
                Ok(Value::Str(seen))
            }
            other => Err(expects(name, "an Array", other)),
        },
        "flatten" => {
            fn flat(v: &Value, out: &mut Vec<Value>) {
                match v {
                    Value::Array(a) => a.iter().for_each(|x| flat(x, out)),
                    o => out.push(o.clone()),
                }
            }
            let mut out = Vec::new();
            for v in a {
                flat(v, &mut out);
            }
            Ok(Value::Array(out))
        }
        "merge" => {
            let mut out = IndexMap::new();
            for v in a {
                match v {
                    Value::Hash(h) => {
                        for (k, v) in h {
                            out.insert(k.clone(), v.clone());
                        }
                    }
                    Value::Undef => {}
                    Value::Str(x) if x.is_empty() => {}
                    other => {
                        return Some(Err(format!(
                            "merge: unexpected argument type {}, only expects hash arguments",
                            other.type_name()
                        )))
                    }
                }
            }
            Ok(Value::Hash(out))
        }
        "dig" => {
            if !matches!(first, Value::Undef | Value::Array(_) | Value::Hash(_)) {
                return Some(Err(format!(
                    "'dig' parameter 'data' {}",
                    param_mismatch(&first, &["Undef", "Collection"])
                )));
            }
            let mut cur = first.clone();
            for k in &a[1.min(a.len())..] {
                cur = match (&cur, k) {
                    (Value::Undef, _) => Value::Undef,
                    (Value::Hash(h), k) => h.get(k).cloned().unwrap_or(Value::Undef),
                    (Value::Array(x), Value::Int(i)) => {
                        let idx = if *i < 0 { x.len() as i64 + i } else { *i };
                        x.get(idx as usize).cloned().unwrap_or(Value::Undef)
                    }
                    _ => return Some(Err(format!("The given data does not contain a Collection at {k}"))),
                };
            }
            Ok(cur)
        }
        // Puppet's signature: (String a, String b, Boolean ignore_trailing_zeroes?).
        "versioncmp" => {
            let b = a.get(1).cloned().unwrap_or(Value::Undef);
            let zeroes = a.get(2).cloned();
            let check = |pname: &str, v: &Value, t: &str| -> Result<(), String> {
                let tv = crate::value::TypeValue { name: t.into(), params: vec![] };
                if super::types::is_instance(v, &tv) {
                    Ok(())
                } else {
                    Err(format!("'versioncmp' parameter '{pname}' {}", super::types::mismatch(v, &tv)))
                }
            };
            if let Err(e) =
                check("a", &first, "String").and_then(|_| check("b", &b, "String")).and_then(|_| {
                    zeroes.as_ref().map_or(Ok(()), |z| check("ignore_trailing_zeroes", z, "Boolean"))
                })
            {
                return Some(Err(e));
            }
            let (Value::Str(x), Value::Str(y)) = (&first, &b) else { return Some(Err(String::new())) };
            if zeroes == Some(Value::Bool(true)) {
                versioncmp_ignoring_zeroes(x, y).map(Value::Int)
            } else {
                Ok(Value::Int(versioncmp(x, y)))
            }
        }
        "sprintf" => match &first {
            Value::Str(f) => sprintf(f, &a[1..]),
            other => Err(expects(name, "a String", other)),
        },
        "regsubst" => regsubst(a),
        "match" => match (&first, a.get(1)) {
            (v, Some(pat)) => {
                let re = match pat {
                    Value::Regex(r) => (**r).clone(),
                    Value::Str(p) => match RegexValue::new(p) {
                        Ok(r) => r,
                        Err(e) => return Some(Err(e.to_string())),
                    },
                    _ => return Some(Err("'match' expects a pattern".into())),
                };
                Ok(match_one(v, &re))
            }
            _ => Err("'match' expects 2 arguments".into()),
        },
        "reverse" => match &first {
            Value::Array(x) => Ok(Value::Array(x.iter().rev().cloned().collect())),
            Value::Str(x) => Ok(Value::Str(x.chars().rev().collect())),
            other => Err(expects(name, "an Array", other)),
        },
        _ => return None,
    })
}

fn match_one(v: &Value, re: &RegexValue) -> Value {
    match v {
        Value::Array(a) => Value::Array(a.iter().map(|x| match_one(x, re)).collect()),
        Value::Str(x) => match re.captures(x) {
            Some(c) => {
                Value::Array(c.into_iter().map(|m| m.map(Value::Str).unwrap_or(Value::Undef)).collect())
            }
            None => Value::Undef,
        },
        _ => Value::Undef,
    }
}

/// Ruby's `String#split(regex)`: trailing empty fields are dropped.
fn ruby_split(x: &str, re: &RegexValue) -> Value {
    let mut parts: Vec<&str> = re.regex.split(x).filter_map(Result::ok).collect();
    while parts.last().is_some_and(|p| p.is_empty()) {
        parts.pop();
    }
    Value::Array(parts.into_iter().map(s).collect())
}

/// `1.2.0-rc` as `1.2-rc`: the release part (before the first `-`) loses its trailing zeroes
/// and dots, as versioncmp's `ignore_trailing_zeroes` does (Ruby's `split('-')`, which drops
/// trailing empty fields, then a join). A version with no release part at all (`''`, `-`) fails
/// as it does in Puppet.
fn trailing_zeroes_dropped(v: &str) -> Result<String, String> {
    let mut parts: Vec<&str> = v.split('-').collect();
    while parts.last().is_some_and(|p| p.is_empty()) {
        parts.pop();
    }
    let Some(first) = parts.first_mut() else {
        return Err("undefined method `sub!' for nil:NilClass".into());
    };
    let cut = first.trim_end_matches(['.', '0']);
    *first = cut;
    Ok(parts.join("-"))
}

/// versioncmp with `ignore_trailing_zeroes`.
pub fn versioncmp_ignoring_zeroes(a: &str, b: &str) -> Result<i64, String> {
    Ok(versioncmp(&trailing_zeroes_dropped(a)?, &trailing_zeroes_dropped(b)?))
}

/// Puppet's `versioncmp` (`Puppet::Util::Package.versioncmp`): the versions split into
/// separators (`-`, `.`), digit runs and other runs; the first differing pair decides (`-` then
/// `.` sort first, digit runs compare as numbers unless either has a leading zero, the rest as
/// upper-cased strings); equal prefixes fall back to comparing the whole strings.
pub fn versioncmp(a: &str, b: &str) -> i64 {
    fn tokens(v: &str) -> Vec<&str> {
        let mut out = Vec::new();
        let bytes = v.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let kind = |c: u8| match c {
                b'-' | b'.' => 0,
                b'0'..=b'9' => 1,
                _ => 2,
            };
            let k = kind(bytes[i]);
            let mut j = i + 1;
            if k != 0 {
                while j < bytes.len() && kind(bytes[j]) == k {
                    j += 1;
                }
            }
            // Runs of non-ASCII bytes stay whole: split only at ASCII boundaries.
            while j < bytes.len() && !v.is_char_boundary(j) {
                j += 1;
            }
            out.push(&v[i..j]);
            i = j;
        }
        out
    }
    fn cmp(o: std::cmp::Ordering) -> i64 {
        match o {
            std::cmp::Ordering::Less => -1,
            std::cmp::Ordering::Equal => 0,
            std::cmp::Ordering::Greater => 1,
        }
    }
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|c| c.is_ascii_digit());
    for (x, y) in tokens(a).into_iter().zip(tokens(b)) {
        if x == y {
            continue;
        }
        if x == "-" {
            return -1;
        }
        if y == "-" {
            return 1;
        }
        if x == "." {
            return -1;
        }
        if y == "." {
            return 1;
        }
        if digits(x) && digits(y) && !x.starts_with('0') && !y.starts_with('0') {
            return cmp(x.len().cmp(&y.len()).then_with(|| x.cmp(y)));
        }
        return cmp(x.to_uppercase().as_bytes().cmp(y.to_uppercase().as_bytes()));
    }
    cmp(a.as_bytes().cmp(b.as_bytes()))
}

/// Ruby's `Kernel#sprintf` for the common conversions (`%s %d %i %f %x %X %o %e %%`) with flags,
/// width and precision.
pub(crate) fn sprintf(fmt: &str, args: &[Value]) -> Result<Value, String> {
    let mut out = String::new();
    let mut chars = fmt.chars().peekable();
    let mut next = 0;
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut flags = String::new();
        while let Some(&f) = chars.peek() {
            if "-+ 0#".contains(f) {
                flags.push(f);
                chars.next();
            } else {
                break;
            }
        }
        let mut width = String::new();
        while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
            width.push(d);
            chars.next();
        }
        let mut prec: Option<usize> = None;
        if chars.peek() == Some(&'.') {
            chars.next();
            let mut p = String::new();
            while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                p.push(d);
                chars.next();
            }
            prec = Some(p.parse().unwrap_or(0));
        }
        let Some(conv) = chars.next() else { break };
        if conv == '%' {
            out.push('%');
            continue;
        }
        let arg = args.get(next).cloned().unwrap_or(Value::Undef);
        next += 1;
        let num = |v: &Value| -> f64 {
            match v {
                Value::Int(i) => *i as f64,
                Value::Float(f) => *f,
                Value::Str(x) => x.trim().parse().unwrap_or(0.0),
                _ => 0.0,
            }
        };
        let int = |v: &Value| -> i64 {
            match v {
                Value::Int(i) => *i,
                Value::Float(f) => f.floor() as i64,
                Value::Str(x) => x.trim().parse().unwrap_or(0),
                _ => 0,
            }
        };
        // Ruby's Integer()/Float() refuse what is not a number.
        let ruby_class = |v: &Value| match v {
            Value::Array(_) => "Array",
            Value::Hash(_) => "Hash",
            Value::Undef => "nil",
            Value::Bool(true) => "true",
            Value::Bool(false) => "false",
            _ => "Object",
        };
        match (conv, &arg) {
            ('d' | 'i' | 'u' | 'x' | 'X' | 'o' | 'b' | 'c', Value::Str(x)) if numeric_string(x).is_none() => {
                return Err(format!("invalid value for Integer(): {x:?}"));
            }
            ('f' | 'e' | 'E' | 'g' | 'G', Value::Str(x)) if x.trim().parse::<f64>().is_err() => {
                return Err(format!("invalid value for Float(): {x:?}"));
            }
            (
                'd' | 'i' | 'u' | 'x' | 'X' | 'o' | 'b',
                Value::Array(_) | Value::Hash(_) | Value::Undef | Value::Bool(_),
            ) => {
                return Err(format!("can't convert {} into Integer", ruby_class(&arg)));
            }
            (
                'f' | 'e' | 'E' | 'g' | 'G',
                Value::Array(_) | Value::Hash(_) | Value::Undef | Value::Bool(_),
            ) => {
                return Err(format!("can't convert {} into Float", ruby_class(&arg)));
            }
            _ => {}
        }
        let mut body = match conv {
            's' => {
                let t = arg.to_display_string();
                match prec {
                    Some(p) => t.chars().take(p).collect(),
                    None => t,
                }
            }
            'p' => format!("{arg}"),
            'd' | 'i' | 'u' => {
                let i = int(&arg);
                if flags.contains('+') && i >= 0 {
                    format!("+{i}")
                } else {
                    i.to_string()
                }
            }
            'f' => {
                let f = num(&arg);
                let t = format!("{:.*}", prec.unwrap_or(6), f);
                if flags.contains('+') && f >= 0.0 {
                    format!("+{t}")
                } else {
                    t
                }
            }
            'e' | 'E' => {
                let t = format!("{:.*e}", prec.unwrap_or(6), num(&arg));
                let (m, e) = t.split_once('e').unwrap_or((&t, "0"));
                let e: i32 = e.parse().unwrap_or(0);
                let t = format!("{m}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs());
                if conv == 'E' {
                    t.to_uppercase()
                } else {
                    t
                }
            }
            'g' | 'G' => {
                // C's %g: %e or %f by the exponent, with trailing zeros removed.
                let f = num(&arg);
                let p = prec.unwrap_or(6).max(1);
                let exp = if f == 0.0 { 0 } else { f.abs().log10().floor() as i32 };
                let strip = |t: String| -> String {
                    if t.contains('.') {
                        t.trim_end_matches('0').trim_end_matches('.').to_string()
                    } else {
                        t
                    }
                };
                let t = if exp < -4 || exp >= p as i32 {
                    let e = format!("{:.*e}", p - 1, f);
                    let (m, x) = e.split_once('e').unwrap_or((&e, "0"));
                    let x: i32 = x.parse().unwrap_or(0);
                    format!("{}e{}{:02}", strip(m.to_string()), if x < 0 { '-' } else { '+' }, x.abs())
                } else {
                    strip(format!("{:.*}", (p as i32 - 1 - exp).max(0) as usize, f))
                };
                if conv == 'G' {
                    t.to_uppercase()
                } else {
                    t
                }
            }
            'x' | 'X' | 'o' | 'b' | 'B' => {
                let i = int(&arg);
                // Ruby prints a negative number without a sign flag in two's complement, its
                // infinite run of leading ones shown as `..f`, `..7`, `..1`.
                let twos = i < 0 && !flags.contains('+') && !flags.contains(' ');
                let magnitude: u128 = if twos {
                    // A whole count of digits holding every i64: 64 bits in hex and binary,
                    // 66 (22 digits) in octal.
                    let bits = if conv == 'o' { 66 } else { 64 };
                    ((1i128 << bits) + i as i128) as u128
                } else {
                    i.unsigned_abs() as u128
                };
                let mut digits = match conv {
                    'x' => format!("{magnitude:x}"),
                    'X' => format!("{magnitude:X}"),
                    'o' => format!("{magnitude:o}"),
                    _ => format!("{magnitude:b}"),
                };
                if twos {
                    let top = match conv {
                        'x' => 'f',
                        'X' => 'F',
                        'o' => '7',
                        _ => '1',
                    };
                    let rest = digits.trim_start_matches(top).to_string();
                    digits = format!("..{top}{rest}");
                }
                // A precision is a minimum count of digits.
                if let Some(p) = prec {
                    if digits.len() < p {
                        digits = format!("{}{digits}", "0".repeat(p - digits.len()));
                    }
                }
                let prefix = match (flags.contains('#'), conv) {
                    (false, _) => "",
                    (true, 'x') => "0x",
                    (true, 'X') => "0X",
                    (true, 'o') => "0",
                    (true, 'b') => "0b",
                    (true, _) => "0B",
                };
                format!("{}{prefix}{digits}", if i < 0 && !twos { "-" } else { "" })
            }
            'c' => char::from_u32(int(&arg) as u32).map(String::from).unwrap_or_default(),
            other => return Err(format!("malformed format string - %{other}")),
        };
        let w: usize = width.parse().unwrap_or(0);
        let len = body.chars().count();
        if len < w {
            let pad = w - len;
            if flags.contains('-') {
                body.push_str(&" ".repeat(pad));
            } else if flags.contains('0') && conv != 's' && !(prec.is_some() && "dixXobB".contains(conv)) {
                let (sign, digits) = match body.strip_prefix(['-', '+']) {
                    Some(d) => (body[..1].to_string(), d.to_string()),
                    None => (String::new(), body.clone()),
                };
                body = format!("{sign}{}{digits}", "0".repeat(pad));
            } else {
                body = format!("{}{body}", " ".repeat(pad));
            }
        }
        out.push_str(&body);
    }
    Ok(Value::Str(out))
}

/// `regsubst(target, pattern, replacement, flags = '')`: Ruby `sub`/`gsub` with `\0`-`\9` in the
/// replacement; `target` may be an array of strings.
fn regsubst(a: &[Value]) -> Result<Value, String> {
    let (Some(target), Some(pat), Some(Value::Str(repl))) = (a.first(), a.get(1), a.get(2)) else {
        return Err("'regsubst' expects a target, a pattern and a replacement".into());
    };
    let flags = match a.get(3) {
        Some(Value::Str(f)) => f.clone(),
        _ => String::new(),
    };
    let mut src = match pat {
        Value::Regex(r) => r.source.clone(),
        Value::Str(p) => p.clone(),
        _ => return Err("'regsubst' pattern must be a String or Regexp".into()),
    };
    if flags.contains('I') {
        src = format!("(?i){src}");
    }
    if flags.contains('M') {
        src = format!("(?s){src}");
    }
    let re = RegexValue::new(&src).map_err(|e| e.to_string())?;
    let global = flags.contains('G');
    fn one(t: &str, re: &RegexValue, repl: &str, global: bool) -> String {
        let mut out = String::new();
        let mut last = 0;
        for caps in re.regex.captures_iter(t).filter_map(Result::ok) {
            let Some(m) = caps.get(0) else { continue };
            out.push_str(&t[last..m.start()]);
            let mut chars = repl.chars().peekable();
            while let Some(c) = chars.next() {
                if c == '\\' {
                    match chars.peek().copied() {
                        Some(d) if d.is_ascii_digit() => {
                            chars.next();
                            let n = d.to_digit(10).unwrap_or(0) as usize;
                            out.push_str(caps.get(n).map(|m| m.as_str()).unwrap_or(""));
                            continue;
                        }
                        Some('\\') => {
                            chars.next();
                            out.push('\\');
                            continue;
                        }
                        _ => {}
                    }
                }
                out.push(c);
            }
            last = m.end();
            if !global {
                break;
            }
        }
        out.push_str(&t[last..]);
        out
    }
    match target {
        Value::Str(t) => Ok(Value::Str(one(t, &re, repl, global))),
        Value::Array(arr) => Ok(Value::Array(
            arr.iter().map(|v| Value::Str(one(&v.to_display_string(), &re, repl, global))).collect(),
        )),
        other => {
            Err(format!("'regsubst' parameter 'target' {}", param_mismatch(other, &["Array", "String"])))
        }
    }
}

/// Whether two values are equal for `unique`-like purposes in Puppet (`==` semantics).
#[allow(dead_code)]
pub(crate) fn same(a: &Value, b: &Value) -> bool {
    puppet_eq(a, b)
}

/// A string Puppet reads as a number: decimal, float, or `0x` hex.
fn numeric_string(s: &str) -> Option<Value> {
    let t = s.trim();
    if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        return i64::from_str_radix(h, 16).ok().map(Value::Int);
    }
    t.parse::<i64>().ok().map(Value::Int).or_else(|| t.parse::<f64>().ok().map(Value::Float))
}
