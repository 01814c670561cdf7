//! stdlib's `validate_*` (fail with stdlib's message) and `is_*` (answer a boolean) functions.

use super::{text, Out};
use crate::value::Value;

fn is_absolute(s: &str) -> bool {
    s.starts_with('/')
        || s.starts_with("\\\\")
        || (s.len() > 2 && s.as_bytes()[1] == b':' && matches!(s.as_bytes()[2], b'\\' | b'/'))
}

fn is_integer_like(v: &Value) -> bool {
    match v {
        Value::Int(_) => true,
        Value::Str(s) => {
            let t = s.strip_prefix('-').unwrap_or(s);
            !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) && (t == "0" || !t.starts_with('0'))
        }
        _ => false,
    }
}

fn is_numeric_like(v: &Value) -> bool {
    match v {
        Value::Int(_) | Value::Float(_) => true,
        Value::Str(s) => {
            is_integer_like(v) || s.parse::<f64>().is_ok() && !s.contains(['e', 'E', 'i', 'n', 'N'])
        }
        _ => false,
    }
}

fn is_domain_name(s: &str) -> bool {
    let s = s.strip_suffix('.').unwrap_or(s);
    !s.is_empty()
        && s.len() <= 255
        && s.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
        && !s.rsplit('.').next().unwrap_or("").bytes().all(|b| b.is_ascii_digit())
}

pub(super) fn call(name: &str, a: &[Value]) -> Out {
    let first = a.first().cloned().unwrap_or(Value::Undef);
    let ip = |v: &Value, f: &dyn Fn(&str) -> bool| matches!(v, Value::Str(s) if f(s));
    let v4 = |s: &str| s.parse::<std::net::Ipv4Addr>().is_ok();
    let v6 = |s: &str| s.parse::<std::net::Ipv6Addr>().is_ok();
    Some(Ok(match name {
        "is_absolute_path" => Value::Bool(ip(&first, &is_absolute)),
        "is_array" => Value::Bool(matches!(first, Value::Array(_))),
        "is_hash" => Value::Bool(matches!(first, Value::Hash(_))),
        "is_bool" => Value::Bool(matches!(first, Value::Bool(_))),
        "is_string" => Value::Bool(matches!(&first, Value::Str(_)) && !is_numeric_like(&first)),
        "is_integer" => Value::Bool(is_integer_like(&first)),
        "is_float" => Value::Bool(
            matches!(&first, Value::Float(_))
                || matches!(&first, Value::Str(s) if s.contains('.') && s.parse::<f64>().is_ok()),
        ),
        "is_numeric" => Value::Bool(is_numeric_like(&first)),
        "is_ip_address" => Value::Bool(ip(&first, &|s| v4(s) || v6(s))),
        "is_ipv4_address" => Value::Bool(ip(&first, &v4)),
        "is_ipv6_address" => Value::Bool(ip(&first, &v6)),
        "is_domain_name" => Value::Bool(ip(&first, &is_domain_name)),
        "is_mac_address" => Value::Bool(ip(&first, &|s| {
            let parts: Vec<&str> = s.split(':').collect();
            (parts.len() == 6 || parts.len() == 20)
                && parts
                    .iter()
                    .all(|p| p.len() <= 2 && !p.is_empty() && p.bytes().all(|b| b.is_ascii_hexdigit()))
        })),
        "is_email_address" => Value::Bool(ip(&first, &|s| {
            s.split_once('@').is_some_and(|(u, d)| !u.is_empty() && is_domain_name(d))
        })),
        "validate_absolute_path" => {
            for v in a {
                let items = match v {
                    Value::Array(x) => x.clone(),
                    other => vec![other.clone()],
                };
                for i in items {
                    if !ip(&i, &is_absolute) {
                        return Some(Err(format!(
                            "validate_absolute_path(): {} is not an absolute path.",
                            inspect(&i)
                        )));
                    }
                }
            }
            Value::Undef
        }
        "validate_array" | "validate_hash" | "validate_bool" | "validate_string" => {
            let (ok, what): (fn(&Value) -> bool, &str) = match name {
                "validate_array" => (|v| matches!(v, Value::Array(_)), "an Array"),
                "validate_hash" => (|v| matches!(v, Value::Hash(_)), "a Hash"),
                "validate_bool" => (|v| matches!(v, Value::Bool(_)), "a boolean"),
                _ => (|v| matches!(v, Value::Str(_) | Value::Undef), "a string"),
            };
            for v in a {
                if !ok(v) {
                    return Some(Err(format!(
                        "{} is not {what}.  It looks to be a {}",
                        inspect(v),
                        ruby_class(v)
                    )));
                }
            }
            Value::Undef
        }
        "validate_re" => {
            let s = text(a.first());
            let pats: Vec<String> = match a.get(1) {
                Some(Value::Array(x)) => x.iter().map(Value::to_display_string).collect(),
                v => vec![text(v)],
            };
            if !pats.iter().any(|p| fancy_regex::Regex::new(p).is_ok_and(|r| r.is_match(&s).unwrap_or(false)))
            {
                let msg = a.get(2).map(Value::to_display_string).unwrap_or_else(|| {
                    format!(
                        "validate_re(): {} does not match {}",
                        inspect(&Value::Str(s.clone())),
                        inspect(&Value::Array(pats.iter().map(|p| Value::Str(p.clone())).collect()))
                    )
                });
                return Some(Err(msg));
            }
            Value::Undef
        }
        "validate_integer" | "validate_numeric" => {
            let ok =
                if name == "validate_integer" { is_integer_like(&first) } else { is_numeric_like(&first) };
            let items = match &first {
                Value::Array(x) => x.clone(),
                v => vec![v.clone()],
            };
            let all_ok = ok
                || items.iter().all(|v| {
                    if name == "validate_integer" {
                        is_integer_like(v)
                    } else {
                        is_numeric_like(v)
                    }
                });
            if !all_ok {
                return Some(Err(format!(
                    "{name}(): Expected first argument to be an {} or Array, got {}",
                    if name == "validate_integer" { "Integer" } else { "Numeric" },
                    ruby_class(&first)
                )));
            }
            let num = |v: Option<&Value>| v.and_then(|x| x.to_display_string().parse::<f64>().ok());
            let (max, min) = (num(a.get(1)), num(a.get(2)));
            for v in &items {
                let n = v.to_display_string().parse::<f64>().unwrap_or(0.0);
                if max.is_some_and(|m| n > m) || min.is_some_and(|m| n < m) {
                    return Some(Err(format!(
                        "{name}(): Expected {} to be within bounds",
                        v.to_display_string()
                    )));
                }
            }
            Value::Undef
        }
        "validate_slength" => {
            let max: usize = text(a.get(1)).parse().unwrap_or(usize::MAX);
            let min: usize = a.get(2).map(|v| v.to_display_string().parse().unwrap_or(0)).unwrap_or(0);
            let items = match &first {
                Value::Array(x) => x.clone(),
                v => vec![v.clone()],
            };
            for v in items {
                let n = v.to_display_string().chars().count();
                if n > max || n < min {
                    return Some(Err(format!(
                        "validate_slength(): Expected length of {} to be between {min} and {max}, was {n}",
                        inspect(&v)
                    )));
                }
            }
            Value::Undef
        }
        "validate_ip_address" | "validate_ipv4_address" | "validate_ipv6_address" => {
            for v in a {
                let ok = match name {
                    "validate_ipv4_address" => ip(v, &v4),
                    "validate_ipv6_address" => ip(v, &v6),
                    _ => ip(v, &|s| v4(s) || v6(s)),
                };
                if !ok {
                    return Some(Err(format!("{} is not a valid IP address.", inspect(v))));
                }
            }
            Value::Undef
        }
        "validate_augeas"
        | "validate_cmd"
        | "validate_x509_rsa_key_pair"
        | "validate_domain_name"
        | "validate_email_address" => Value::Undef,
        _ => return None,
    }))
}

/// Ruby's `inspect` of a value, for stdlib's messages.
fn inspect(v: &Value) -> String {
    match v {
        Value::Str(s) => format!("{s:?}"),
        Value::Undef => "nil".into(),
        Value::Array(a) => format!("[{}]", a.iter().map(inspect).collect::<Vec<_>>().join(", ")),
        Value::Hash(h) => format!(
            "{{{}}}",
            h.iter().map(|(k, v)| format!("{}=>{}", inspect(k), inspect(v))).collect::<Vec<_>>().join(", ")
        ),
        other => other.to_string(),
    }
}

fn ruby_class(v: &Value) -> &'static str {
    match v {
        Value::Str(_) => "String",
        Value::Int(_) => "Integer",
        Value::Float(_) => "Float",
        Value::Bool(true) => "TrueClass",
        Value::Bool(false) => "FalseClass",
        Value::Array(_) => "Array",
        Value::Hash(_) => "Hash",
        Value::Undef => "NilClass",
        _ => "Object",
    }
}
