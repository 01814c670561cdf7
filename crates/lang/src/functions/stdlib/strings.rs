//! stdlib functions on strings and scalars: prefix, suffix, dirname, str2bool, shell_join, …

use super::{text, Out};
use crate::value::Value;

fn map_strings(v: &Value, f: &dyn Fn(&str) -> String) -> Value {
    match v {
        Value::Str(s) => Value::Str(f(s)),
        Value::Array(a) => Value::Array(a.iter().map(|x| map_strings(x, f)).collect()),
        other => other.clone(),
    }
}

/// Ruby's `Shellwords.escape`.
pub fn shell_escape(s: &str) -> String {
    if s.is_empty() {
        return "''".into();
    }
    let mut out = String::new();
    for c in s.chars() {
        if c == '\n' {
            out.push_str("'\n'");
        } else if c.is_ascii_alphanumeric() || "_-.,:+/@".contains(c) {
            out.push(c);
        } else {
            out.push('\\');
            out.push(c);
        }
    }
    out
}

fn is_ipv6(s: &str) -> bool {
    s.parse::<std::net::Ipv6Addr>().is_ok()
}

pub(super) fn call(name: &str, a: &[Value]) -> Out {
    let first = a.first().cloned().unwrap_or(Value::Undef);
    Some(Ok(match name {
        "prefix" | "suffix" => {
            let affix = text(a.get(1));
            let f = |s: &str| if name == "prefix" { format!("{affix}{s}") } else { format!("{s}{affix}") };
            match first {
                Value::Array(x) => {
                    Value::Array(x.iter().map(|v| Value::Str(f(&v.to_display_string()))).collect())
                }
                Value::Hash(h) => Value::Hash(
                    h.into_iter().map(|(k, v)| (Value::Str(f(&k.to_display_string())), v)).collect(),
                ),
                Value::Undef => Value::Array(vec![]),
                other => {
                    return Some(Err(format!(
                        "{name}(): expected first argument to be an Array or a Hash, got {}",
                        other.type_name()
                    )))
                }
            }
        }
        "dirname" => {
            let p = text(a.first());
            if p.is_empty() {
                return Some(Err("dirname(): Requires a non-empty string as argument".into()));
            }
            let t = p.trim_end_matches('/');
            Value::Str(match t.rfind('/') {
                Some(0) => "/".into(),
                Some(i) => t[..i].trim_end_matches('/').to_string(),
                None if p.starts_with('/') => "/".into(),
                None => ".".into(),
            })
        }
        "basename" => {
            let p = text(a.first());
            let t = p.trim_end_matches('/');
            let mut b = t.rsplit('/').next().unwrap_or("").to_string();
            if let Some(ext) = a.get(1).map(|v| v.to_display_string()) {
                if let Some(x) = b.strip_suffix(&ext) {
                    b = x.to_string();
                }
            }
            Value::Str(b)
        }
        "stdlib::extname" => {
            let p = text(a.first());
            let base = p.rsplit('/').next().unwrap_or("");
            Value::Str(match base.rfind('.') {
                Some(i) if i > 0 && i + 1 < base.len() => base[i..].to_string(),
                _ => String::new(),
            })
        }
        "str2bool" => match first {
            Value::Bool(b) => Value::Bool(b),
            Value::Str(s) => match s.as_str() {
                "1" | "t" | "y" | "true" | "yes" => Value::Bool(true),
                "" | "0" | "f" | "n" | "false" | "no" | "undef" | "undefined" => Value::Bool(false),
                _ => return Some(Err("str2bool(): Unknown type of boolean given".into())),
            },
            _ => return Some(Err("str2bool(): Requires a string to work with".into())),
        },
        "bool2str" => {
            let (t, f) = (a.get(1).map(|v| v.to_display_string()), a.get(2).map(|v| v.to_display_string()));
            match first {
                Value::Bool(b) => {
                    Value::Str(if b { t.unwrap_or("true".into()) } else { f.unwrap_or("false".into()) })
                }
                _ => return Some(Err("bool2str(): Requires a boolean to work with".into())),
            }
        }
        "bool2num" => Value::Int(match &first {
            Value::Bool(b) => *b as i64,
            Value::Str(s) => matches!(s.as_str(), "1" | "t" | "y" | "true" | "yes") as i64,
            _ => 0,
        }),
        "num2bool" => Value::Bool(match &first {
            Value::Int(i) => *i > 0,
            Value::Float(f) => *f > 0.0,
            Value::Str(s) => s.parse::<f64>().unwrap_or(0.0) > 0.0,
            Value::Bool(b) => *b,
            _ => false,
        }),
        "any2bool" => Value::Bool(match &first {
            Value::Bool(b) => *b,
            Value::Undef => false,
            Value::Int(i) => *i > 0,
            Value::Float(f) => *f > 0.0,
            Value::Str(s) => matches!(s.as_str(), "1" | "t" | "y" | "true" | "yes"),
            _ => true,
        }),
        "join_keys_to_values" => {
            let Value::Hash(h) = first else {
                return Some(Err("join_keys_to_values(): The first argument must be a hash".into()));
            };
            let sep = text(a.get(1));
            let mut out = Vec::new();
            for (k, v) in h {
                let k = k.to_display_string();
                match v {
                    Value::Array(x) => {
                        for e in x {
                            out.push(Value::Str(format!("{k}{sep}{}", e.to_display_string())));
                        }
                    }
                    other => out.push(Value::Str(format!("{k}{sep}{}", other.to_display_string()))),
                }
            }
            Value::Array(out)
        }
        "shell_join" => {
            let items = match first {
                Value::Array(x) => x,
                other => vec![other],
            };
            Value::Str(
                items.iter().map(|v| shell_escape(&v.to_display_string())).collect::<Vec<_>>().join(" "),
            )
        }
        "shell_escape" => Value::Str(shell_escape(&text(a.first()))),
        "shell_split" => {
            Value::Array(text(a.first()).split_whitespace().map(|s| Value::Str(s.to_string())).collect())
        }
        "enclose_ipv6" => {
            let wrap = |s: &str| if is_ipv6(s) { format!("[{s}]") } else { s.to_string() };
            match first {
                Value::Array(x) => {
                    Value::Array(x.iter().map(|v| Value::Str(wrap(&v.to_display_string()))).collect())
                }
                other => Value::Str(wrap(&other.to_display_string())),
            }
        }
        "swapcase" => map_strings(&first, &|s| {
            s.chars()
                .map(|c| {
                    if c.is_uppercase() {
                        c.to_lowercase().collect::<String>()
                    } else {
                        c.to_uppercase().collect()
                    }
                })
                .collect()
        }),
        "camelcase" => map_strings(&first, &|s| {
            s.split('_')
                .map(|w| {
                    let mut c = w.chars();
                    match c.next() {
                        Some(f) => f.to_uppercase().collect::<String>() + &c.as_str().to_lowercase(),
                        None => String::new(),
                    }
                })
                .collect()
        }),
        "squeeze" => map_strings(&first, &|s| {
            let mut out = String::new();
            for c in s.chars() {
                if !out.ends_with(c) {
                    out.push(c);
                }
            }
            out
        }),
        "dos2unix" => map_strings(&first, &|s| s.replace("\r\n", "\n")),
        "unix2dos" => map_strings(&first, &|s| s.replace("\r\n", "\n").replace('\n', "\r\n")),
        "regexpescape" => map_strings(&first, &|s| {
            let mut out = String::new();
            for c in s.chars() {
                if ".*?+^$|()[]{}\\/-".contains(c) {
                    out.push('\\');
                }
                out.push(c);
            }
            out
        }),
        "uriescape" => map_strings(&first, &|s| {
            let mut out = String::new();
            for b in s.bytes() {
                if b.is_ascii_alphanumeric() || b"-_.!~*'();/?:@&=+$,[]".contains(&b) {
                    out.push(b as char);
                } else {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
            out
        }),
        "stdlib::start_with" => {
            let s = text(a.first());
            let prefixes = match a.get(1) {
                Some(Value::Array(x)) => x.iter().map(Value::to_display_string).collect(),
                v => vec![text(v)],
            };
            Value::Bool(prefixes.iter().any(|p: &String| s.starts_with(p.as_str())))
        }
        "stdlib::end_with" => {
            let s = text(a.first());
            let suffixes = match a.get(1) {
                Some(Value::Array(x)) => x.iter().map(Value::to_display_string).collect(),
                v => vec![text(v)],
            };
            Value::Bool(suffixes.iter().any(|p: &String| s.ends_with(p.as_str())))
        }
        "to_bytes" => {
            let s = text(a.first());
            let t = s.trim();
            let split = t.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(t.len());
            let n: f64 = t[..split].parse().unwrap_or(0.0);
            let mult: f64 = match t[split..].trim().chars().next() {
                None | Some('B') => 1.0,
                Some('k') | Some('K') => 1024.0,
                Some('M') => 1024f64.powi(2),
                Some('G') => 1024f64.powi(3),
                Some('T') => 1024f64.powi(4),
                Some('P') => 1024f64.powi(5),
                Some('E') => 1024f64.powi(6),
                Some(u) => return Some(Err(format!("to_bytes(): Unknown prefix {u}"))),
            };
            Value::Int((n * mult) as i64)
        }
        "floor" | "ceiling" => {
            let f = match &first {
                Value::Int(i) => *i as f64,
                Value::Float(f) => *f,
                Value::Str(s) => s.parse().unwrap_or(0.0),
                _ => return Some(Err(format!("{name}(): Wrong argument type given"))),
            };
            Value::Int(if name == "floor" { f.floor() } else { f.ceil() } as i64)
        }
        _ => return None,
    }))
}
