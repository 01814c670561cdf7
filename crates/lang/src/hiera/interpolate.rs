//! Hiera's `%{…}` interpolation: variables with dotted digging (`%{facts.os.family}`,
//! `%{::osfamily}`, `%{trusted.certname}`) and, in data, the functions `lookup`/`hiera`, `alias`
//! (which keeps the found value's type when it is the whole string), `literal` and `scope`.

use indexmap::IndexMap;

use super::{Hiera, HieraError, VarLookup};
use crate::value::Value;

/// A variable expression: `facts.os.family`, `::fqdn`, `trusted.'dotted.key'`. Undefined: `None`.
pub fn variable(expr: &str, vars: &mut VarLookup<'_>) -> Option<Value> {
    let expr = expr.trim().trim_start_matches("::");
    let mut segs = split_dotted(expr).into_iter();
    let mut v = vars(&segs.next()?)?;
    for seg in segs {
        v = match v {
            Value::Hash(h) => h.get(&Value::Str(seg))?.clone(),
            Value::Array(a) => a.get(seg.parse::<usize>().ok()?)?.clone(),
            _ => return None,
        };
    }
    Some(v)
}

fn split_dotted(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    for c in s.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => cur.push(c),
            (None, '\'' | '"') => quote = Some(c),
            (None, '.') => out.push(std::mem::take(&mut cur)),
            (None, c) => cur.push(c),
        }
    }
    out.push(cur);
    out
}

/// Interpolates a path from `hiera.yaml` (variables only).
pub fn path(template: &str, vars: &mut VarLookup<'_>) -> Result<String, HieraError> {
    let mut out = String::new();
    let mut rest = template;
    while let Some(i) = rest.find("%{") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let Some(end) = after.find('}') else {
            return Err(HieraError::new(format!("Unterminated interpolation in '{template}'")));
        };
        let expr = &after[..end];
        if let Some(v) = variable(expr, vars) {
            out.push_str(&v.to_display_string());
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Interpolates every string in a found value (hash keys included).
pub fn value(hiera: &mut Hiera, v: &Value, vars: &mut VarLookup<'_>) -> Result<Value, HieraError> {
    Ok(match v {
        Value::Str(s) if s.contains("%{") => string(hiera, s, vars)?,
        Value::Array(a) => Value::Array(a.iter().map(|x| value(hiera, x, vars)).collect::<Result<_, _>>()?),
        Value::Hash(h) => {
            let mut out = IndexMap::with_capacity(h.len());
            for (k, x) in h {
                out.insert(value(hiera, k, vars)?, value(hiera, x, vars)?);
            }
            Value::Hash(out)
        }
        other => other.clone(),
    })
}

/// A function call in an interpolation: `lookup('k')`, `alias("k")`, `literal('%')`.
fn call(expr: &str) -> Option<(&str, String)> {
    let open = expr.find('(')?;
    let name = expr[..open].trim();
    if !matches!(name, "lookup" | "hiera" | "alias" | "literal" | "scope") {
        return None;
    }
    let inner = expr[open + 1..].trim_end().strip_suffix(')')?.trim();
    let arg = inner
        .strip_prefix('\'')
        .and_then(|x| x.strip_suffix('\''))
        .or_else(|| inner.strip_prefix('"').and_then(|x| x.strip_suffix('"')))?;
    Some((name, arg.to_string()))
}

fn string(hiera: &mut Hiera, s: &str, vars: &mut VarLookup<'_>) -> Result<Value, HieraError> {
    // `%{alias('k')}` as the whole string keeps the value's type.
    if let Some(inner) = s.strip_prefix("%{").and_then(|x| x.strip_suffix('}')) {
        if let Some(("alias", key)) = call(inner) {
            return hiera.lookup(&key, None, vars)?.ok_or_else(|| {
                HieraError::new(format!("Function alias() did not find a value for the name '{key}'"))
            });
        }
    }
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("%{") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let Some(end) = after.find('}') else {
            return Err(HieraError::new(format!("Unterminated interpolation in '{s}'")));
        };
        let expr = &after[..end];
        match call(expr) {
            Some(("literal", x)) => out.push_str(&x),
            Some(("scope", x)) => {
                if let Some(v) = variable(&x, vars) {
                    out.push_str(&v.to_display_string());
                }
            }
            Some(("alias", _)) => {
                return Err(HieraError::new(format!(
                    "'alias' interpolation is only permitted if the expression is equal to the entire string: '{s}'"
                )))
            }
            Some((_, key)) => {
                let v = hiera.lookup(&key, None, vars)?.ok_or_else(|| {
                    HieraError::new(format!("Function lookup() did not find a value for the name '{key}'"))
                })?;
                out.push_str(&v.to_display_string());
            }
            None => {
                if let Some(v) = variable(expr, vars) {
                    out.push_str(&v.to_display_string());
                }
            }
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(Value::Str(out))
}
