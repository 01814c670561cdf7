//! Operators with Puppet's semantics: Ruby integer arithmetic (floored `%` and `/`), string
//! coercion of numeric strings, case-insensitive string comparison, `in` and collection `+`/`-`/`<<`.

use std::cmp::Ordering;

use crate::ast::BinOp;
use crate::value::{puppet_eq, Value};

/// Converts an operand to a number as Puppet's arithmetic does (numeric strings are coerced).
fn numeric(v: &Value) -> Result<Value, String> {
    match v {
        Value::Int(_) | Value::Float(_) => Ok(v.clone()),
        Value::Str(s) => {
            let t = s.trim();
            if let Some(hex) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
                if let Ok(i) = i64::from_str_radix(hex, 16) {
                    return Ok(Value::Int(i));
                }
            }
            if let Ok(i) = t.parse::<i64>() {
                return Ok(Value::Int(i));
            }
            t.parse::<f64>()
                .map(Value::Float)
                .map_err(|_| format!("The value '{s}' cannot be converted to Numeric."))
        }
        other => Err(format!("The value '{}' cannot be converted to Numeric.", ruby_to_s(other))),
    }
}

/// How Ruby's `to_s` shows a value in Puppet's messages (NOT_NUMERIC): undef as nothing, a
/// regexp as `(?-mix:…)`, collections as Ruby's `inspect` (`["a", nil, /x/]`, `{"k"=>1}`).
pub fn ruby_to_s(v: &Value) -> String {
    match v {
        Value::Undef => String::new(),
        Value::Default => "default".into(),
        Value::Str(s) => s.clone(),
        Value::Regex(r) => format!("(?-mix:{})", r.source),
        other => ruby_inspect(other),
    }
}

fn ruby_inspect(v: &Value) -> String {
    match v {
        Value::Undef => "nil".into(),
        Value::Default => ":default".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => crate::value::format_float(*f),
        Value::Str(s) => format!("{s:?}"),
        Value::Regex(r) => format!("/{}/", r.source),
        Value::Array(a) => format!("[{}]", a.iter().map(ruby_inspect).collect::<Vec<_>>().join(", ")),
        Value::Hash(h) => format!(
            "{{{}}}",
            h.iter()
                .map(|(k, x)| format!("{}=>{}", ruby_inspect(k), ruby_inspect(x)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Value::Sensitive(_) => "Sensitive [value redacted]".into(),
        other => other.to_string(),
    }
}

/// The first operand (0 left, 1 right) that arithmetic would convert from a string to a number,
/// with the string and the number it becomes (Puppet's NUMERIC_COERCION).
pub fn coerced(l: &Value, r: &Value) -> Option<(usize, String, Value)> {
    [l, r].iter().enumerate().find_map(|(i, v)| match v {
        Value::Str(s) => numeric(v).ok().map(|n| (i, s.clone(), n)),
        _ => None,
    })
}

/// Evaluates an arithmetic or collection operator (`+ - * / % << >>`).
pub fn arithmetic(op: BinOp, l: &Value, r: &Value) -> Result<Value, ArithError> {
    match (op, l, r) {
        (BinOp::Add, Value::Array(a), Value::Array(b)) => {
            return Ok(Value::Array(a.iter().chain(b).cloned().collect()));
        }
        (BinOp::Add, Value::Array(a), Value::Hash(h)) => {
            let mut out = a.clone();
            out.extend(h.iter().map(|(k, v)| Value::Array(vec![k.clone(), v.clone()])));
            return Ok(Value::Array(out));
        }
        (BinOp::Add, Value::Array(a), other) => {
            let mut out = a.clone();
            out.push(other.clone());
            return Ok(Value::Array(out));
        }
        (BinOp::Add, Value::Hash(a), Value::Hash(b)) => {
            let mut out = a.clone();
            for (k, v) in b {
                out.insert(k.clone(), v.clone());
            }
            return Ok(Value::Hash(out));
        }
        // A hash merges a hash, or an array of pairs (`[[k, v], …]`) or of keys and values.
        (BinOp::Add, Value::Hash(a), Value::Array(b)) => {
            let mut out = a.clone();
            if b.iter().all(|x| matches!(x, Value::Array(_))) && !b.is_empty() {
                for x in b {
                    if let Value::Array(p) = x {
                        out.insert(
                            p.first().cloned().unwrap_or(Value::Undef),
                            p.get(1).cloned().unwrap_or(Value::Undef),
                        );
                    }
                }
            } else {
                if b.len() % 2 == 1 {
                    return Err(ArithError::Op(
                        "Error while evaluating a '+' expression, odd number of arguments for Hash".into(),
                    ));
                }
                for c in b.chunks(2) {
                    out.insert(c[0].clone(), c[1].clone());
                }
            }
            return Ok(Value::Hash(out));
        }
        (BinOp::Add, Value::Hash(_), _) => {
            return Err(ArithError::Op(
                "Error while evaluating a '+' expression, Can only append Array or Hash to a Hash".into(),
            ));
        }
        (BinOp::Sub, Value::Array(a), Value::Array(b)) => {
            return Ok(Value::Array(
                a.iter().filter(|x| !b.iter().any(|y| puppet_eq(x, y))).cloned().collect(),
            ));
        }
        (BinOp::Sub, Value::Array(a), other) => {
            return Ok(Value::Array(a.iter().filter(|x| !puppet_eq(x, other)).cloned().collect()));
        }
        (BinOp::Sub, Value::Hash(a), Value::Hash(b)) => {
            let mut out = a.clone();
            for k in b.keys() {
                out.shift_remove(k);
            }
            return Ok(Value::Hash(out));
        }
        (BinOp::Sub, Value::Hash(a), Value::Array(b)) => {
            let mut out = a.clone();
            for k in b {
                out.shift_remove(k);
            }
            return Ok(Value::Hash(out));
        }
        (BinOp::Shl, Value::Array(a), other) => {
            let mut out = a.clone();
            out.push(other.clone());
            return Ok(Value::Array(out));
        }
        (BinOp::Shl, Value::Hash(_), _) => {
            return Err(ArithError::Other("Operator '<<' is not applicable to a Hash.".into()));
        }
        _ => {}
    }
    let a = numeric(l).map_err(ArithError::Left)?;
    let b = numeric(r).map_err(ArithError::Right)?;
    let overflow = || {
        let (x, y) = match (&a, &b) {
            (Value::Int(x), Value::Int(y)) => (*x as i128, *y as i128),
            _ => (0, 0),
        };
        let (sym, wide) = match op {
            BinOp::Add => ("+", x + y),
            BinOp::Sub => ("-", x - y),
            _ => ("*", x.saturating_mul(y)),
        };
        let sign = if wide < 0 { '-' } else { '+' };
        ArithError::Op(format!(
            "A '{sym}' expression resulted in a value outside of Puppet Integer max range, got '{sign}0x{:x}'",
            wide.unsigned_abs()
        ))
    };
    Ok(match (a.clone(), b.clone()) {
        (Value::Int(x), Value::Int(y)) => Value::Int(match op {
            BinOp::Add => x.checked_add(y).ok_or_else(overflow)?,
            BinOp::Sub => x.checked_sub(y).ok_or_else(overflow)?,
            BinOp::Mul => x.checked_mul(y).ok_or_else(overflow)?,
            BinOp::Div => {
                if y == 0 {
                    return Err(ArithError::Right("Division by 0".into()));
                }
                x.div_euclid(y) - if (x.rem_euclid(y) != 0) && y < 0 { 1 } else { 0 }
            }
            BinOp::Mod => {
                if y == 0 {
                    return Err(ArithError::Right("Division by 0".into()));
                }
                let m = x % y;
                if m != 0 && (m < 0) != (y < 0) {
                    m + y
                } else {
                    m
                }
            }
            BinOp::Shl => {
                if y >= 0 {
                    x.checked_shl(y as u32).unwrap_or(0)
                } else {
                    x >> (-y).min(63)
                }
            }
            BinOp::Shr => {
                if y >= 0 {
                    x >> y.min(63)
                } else {
                    x.checked_shl((-y) as u32).unwrap_or(0)
                }
            }
            _ => return Err(ArithError::Other("unsupported operator".into())),
        }),
        (x, y) => {
            let fx = as_f64(&x);
            let fy = as_f64(&y);
            let (result, sym) = match op {
                BinOp::Add => (fx + fy, "+"),
                BinOp::Sub => (fx - fy, "-"),
                BinOp::Mul => (fx * fy, "*"),
                BinOp::Div => (fx / fy, "/"),
                // Puppet refuses `%` on floats, naming the side that is one.
                BinOp::Mod if matches!(x, Value::Float(_)) => {
                    return Err(ArithError::Other("Operator '%' is not applicable to a Float.".into()));
                }
                BinOp::Mod => {
                    return Err(ArithError::Other(format!(
                        "Operator '%' is not applicable to {} when right side is a Float.",
                        crate::value::a_an(&x)
                    )));
                }
                BinOp::Shl | BinOp::Shr if matches!(x, Value::Float(_)) => {
                    let sym = if op == BinOp::Shl { "<<" } else { ">>" };
                    return Err(ArithError::Other(format!("Operator '{sym}' is not applicable to a Float.")));
                }
                _ => return Err(ArithError::Other("Operator is not applicable to a Float".into())),
            };
            // Ruby divides a float by zero into Infinity, which Puppet then refuses.
            if result.is_infinite() {
                return Err(ArithError::Other(format!("The result of the {sym} expression is Infinity")));
            }
            Value::Float(result)
        }
    })
}

/// Which operand an arithmetic error is about (Puppet points at it).
#[derive(Debug)]
pub enum ArithError {
    Left(String),
    Right(String),
    /// Reported at the operator (overflow).
    Op(String),
    Other(String),
}

fn as_f64(v: &Value) -> f64 {
    match v {
        Value::Int(i) => *i as f64,
        Value::Float(f) => *f,
        _ => 0.0,
    }
}

/// `<`, `<=`, `>`, `>=`: numbers by value, strings case-insensitively. The error is Puppet's
/// reason (the "Caused by" of its message).
pub fn compare(l: &Value, r: &Value) -> Result<Ordering, String> {
    match (l, r) {
        (Value::Str(a), Value::Str(b)) => Ok(a.to_lowercase().cmp(&b.to_lowercase())),
        (Value::Int(a), Value::Int(b)) => Ok(a.cmp(b)),
        (a @ (Value::Int(_) | Value::Float(_)), b @ (Value::Int(_) | Value::Float(_))) => {
            as_f64(a).partial_cmp(&as_f64(b)).ok_or_else(|| "NaN comparison".to_string())
        }
        (Value::Str(_), _) => Err("A String is not comparable to a non String".into()),
        (Value::Int(_) | Value::Float(_), _) => Err("A Numeric is not comparable to non Numeric".into()),
        // `default` is a Ruby Symbol in Puppet.
        (Value::Default, _) => Err("Symbol not comparable to non Symbol".into()),
        _ => Err("Only Strings, Numbers, Timespans, Timestamps, and Versions are comparable".into()),
    }
}

/// The `in` operator.
pub fn in_op(needle: &Value, haystack: &Value) -> bool {
    match (needle, haystack) {
        (Value::Str(n), Value::Str(h)) => h.to_lowercase().contains(&n.to_lowercase()),
        (Value::Regex(re), Value::Str(h)) => re.is_match(h),
        (Value::Regex(re), Value::Array(a)) => a.iter().any(|v| matches!(v, Value::Str(s) if re.is_match(s))),
        (Value::Type(t), Value::Array(a)) => a.iter().any(|v| super::types::is_instance(v, t)),
        // A string is matched against each element: a type by instance, a regexp by match.
        (Value::Str(s), Value::Array(a)) => a.iter().any(|v| match v {
            Value::Type(_) => super::types::is_instance_of(needle, v),
            Value::Regex(re) => re.is_match(s),
            other => puppet_eq(needle, other),
        }),
        (n, Value::Array(a)) => a.iter().any(|v| puppet_eq(n, v)),
        // A hash is searched by its keys, with the same rules as an array.
        (n, Value::Hash(h)) => in_op(n, &Value::Array(h.keys().cloned().collect())),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ruby_modulo_and_division() {
        assert_eq!(arithmetic(BinOp::Mod, &Value::Int(-7), &Value::Int(3)).unwrap(), Value::Int(2));
        assert_eq!(arithmetic(BinOp::Div, &Value::Int(7), &Value::Int(2)).unwrap(), Value::Int(3));
        assert_eq!(arithmetic(BinOp::Div, &Value::Int(-7), &Value::Int(2)).unwrap(), Value::Int(-4));
        assert_eq!(arithmetic(BinOp::Add, &Value::Str("1".into()), &Value::Int(1)).unwrap(), Value::Int(2));
    }
}
