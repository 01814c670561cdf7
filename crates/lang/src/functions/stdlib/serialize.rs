//! stdlib's serialisers and parsers: `to_json`, `to_json_pretty`, `to_yaml` (Psych's layout),
//! `parsejson`, `parseyaml` (with Hiera's YAML 1.1 rules), `base64`.

use super::{text, Out};
use crate::value::Value;

pub(super) fn call(name: &str, a: &[Value]) -> Out {
    let first = a.first().cloned().unwrap_or(Value::Undef);
    Some(Ok(match name {
        "to_json" => Value::Str(first.to_json().to_string()),
        "to_json_pretty" => {
            let j = if a.get(1).is_some_and(Value::truthy) {
                strip_nulls(first.to_json())
            } else {
                first.to_json()
            };
            Value::Str(serde_json::to_string_pretty(&j).unwrap_or_default() + "\n")
        }
        "to_yaml" => Value::Str(to_yaml(&first)),
        "parsejson" => match serde_json::from_str::<serde_json::Value>(&text(a.first())) {
            Ok(j) => crate::eval::from_json(&j),
            Err(e) => match a.get(1) {
                Some(d) => d.clone(),
                None => return Some(Err(format!("parsejson(): {e}"))),
            },
        },
        "parseyaml" => match crate::hiera::yaml::parse(&text(a.first())) {
            Ok(Some(v)) => v,
            Ok(None) => Value::Bool(false),
            Err(e) => match a.get(1) {
                Some(d) => d.clone(),
                None => return Some(Err(format!("parseyaml(): {}", e.message))),
            },
        },
        "base64" => {
            let mode = text(a.first());
            let s = text(a.get(1));
            match mode.as_str() {
                "encode" => Value::Str(base64_encode(s.as_bytes())),
                _ => return Some(Err("base64(): only 'encode' is supported by Bunraku".into())),
            }
        }
        _ => return None,
    }))
}

fn strip_nulls(j: serde_json::Value) -> serde_json::Value {
    match j {
        serde_json::Value::Object(o) => serde_json::Value::Object(
            o.into_iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k, strip_nulls(v))).collect(),
        ),
        serde_json::Value::Array(a) => serde_json::Value::Array(a.into_iter().map(strip_nulls).collect()),
        other => other,
    }
}

fn base64_encode(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out.push('\n');
    out
}

/// Psych's `to_yaml`: a `---` document, block style, sequences inside mappings not indented.
pub fn to_yaml(v: &Value) -> String {
    let mut out = String::from("---");
    emit(v, 0, &mut out);
    out.push('\n');
    out
}

fn scalar(v: &Value) -> String {
    match v {
        Value::Undef => String::new(),
        Value::Str(s) => {
            let resolves_other = !matches!(crate::hiera::yaml::tokenize(s), Ok(Value::Str(_)));
            let special = s.is_empty()
                || resolves_other
                || s.starts_with([
                    ' ', '!', '&', '*', '-', ':', '?', '{', '}', '[', ']', ',', '#', '|', '>', '@', '`', '"',
                    '\'', '%',
                ])
                || s.ends_with(' ')
                || s.contains(": ")
                || s.contains(" #");
            if s.contains('\n') {
                format!("{s:?}")
            } else if special {
                format!("'{}'", s.replace('\'', "''"))
            } else {
                s.clone()
            }
        }
        other => other.to_display_string(),
    }
}

fn emit(v: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match v {
        Value::Hash(h) if !h.is_empty() => {
            for (k, x) in h {
                out.push('\n');
                out.push_str(&pad);
                out.push_str(&scalar(k));
                out.push(':');
                match x {
                    Value::Hash(m) if !m.is_empty() => emit(x, indent + 2, out),
                    Value::Array(a) if !a.is_empty() => emit(x, indent, out),
                    other => {
                        let s = inline(other);
                        if !s.is_empty() {
                            out.push(' ');
                            out.push_str(&s);
                        }
                    }
                }
            }
        }
        Value::Array(a) if !a.is_empty() => {
            for x in a {
                out.push('\n');
                out.push_str(&pad);
                out.push('-');
                match x {
                    Value::Hash(m) if !m.is_empty() => {
                        let mut inner = String::new();
                        emit(x, indent + 2, &mut inner);
                        // The first key goes on the dash's line.
                        out.push(' ');
                        out.push_str(inner.trim_start_matches('\n').trim_start());
                    }
                    Value::Array(b) if !b.is_empty() => emit(x, indent + 2, out),
                    other => {
                        let s = inline(other);
                        if !s.is_empty() {
                            out.push(' ');
                            out.push_str(&s);
                        }
                    }
                }
            }
        }
        other => {
            out.push(' ');
            out.push_str(&inline(other));
        }
    }
}

fn inline(v: &Value) -> String {
    match v {
        Value::Hash(h) if h.is_empty() => "{}".into(),
        Value::Array(a) if a.is_empty() => "[]".into(),
        other => scalar(other),
    }
}
