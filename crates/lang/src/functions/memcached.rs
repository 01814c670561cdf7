//! saz-memcached's Ruby function `memcached::max_memory`: a size in MB, or a percentage of the
//! node's `memorysize` fact (95% by default).

use crate::value::Value;

/// `memcached::max_memory(arg)`; `None` for other names.
pub fn call(
    name: &str,
    args: &[Value],
    vars: &mut dyn FnMut(&str) -> Option<Value>,
) -> Option<Result<Value, String>> {
    if name != "memcached::max_memory" {
        return None;
    }
    let arg = args.first().cloned().unwrap_or(Value::Undef);
    let given = match &arg {
        Value::Undef | Value::Bool(false) => None,
        other => Some(other.to_display_string()),
    };
    if let Some(a) = &given {
        if !a.ends_with('%') {
            // Ruby's String#to_i: leading digits.
            let digits: String =
                a.trim_start().chars().take_while(|c| c.is_ascii_digit() || *c == '-').collect();
            return Some(Ok(Value::Int(digits.parse().unwrap_or(0))));
        }
    }
    let percent: f64 =
        given.unwrap_or_else(|| "95%".into()).trim_end_matches('%').trim().parse().unwrap_or(0.0);
    let memsize = match vars("facts") {
        Some(Value::Hash(f)) => {
            f.get(&Value::Str("memorysize".into())).map(Value::to_display_string).unwrap_or_default()
        }
        _ => String::new(),
    };
    let num_end =
        memsize.find(|c: char| !(c.is_ascii_digit() || ".e+-".contains(c))).unwrap_or(memsize.len());
    let value: f64 = memsize[..num_end].parse().unwrap_or(0.0);
    let prefix = memsize[num_end..].trim_start().chars().next().filter(|c| *c != 'b' && *c != 'B');
    let mult: f64 = match prefix {
        None => 1.0,
        Some('k') => (1u64 << 10) as f64,
        Some('M') => (1u64 << 20) as f64,
        Some('G') => (1u64 << 30) as f64,
        Some('T') => (1u64 << 40) as f64,
        Some('E') => (1u64 << 50) as f64,
        Some(p) => return Some(Err(format!("memcached_max_memory(): Unknown prefix {p}"))),
    };
    let bytes = (value * mult) as i64;
    Some(Ok(Value::Int(((bytes / (1 << 20)) as f64 * (percent / 100.0)).floor() as i64)))
}
