//! stdlib functions on arrays and hashes: merge, concat, union, delete, zip, pick, …

use indexmap::IndexMap;

use super::{is_empty_value, text, Out};
use crate::value::{puppet_eq, Value};

fn arr(v: &Value) -> Vec<Value> {
    match v {
        Value::Array(a) => a.clone(),
        Value::Undef => Vec::new(),
        other => vec![other.clone()],
    }
}

fn contains(list: &[Value], v: &Value) -> bool {
    list.iter().any(|x| x == v)
}

pub(super) fn call(name: &str, a: &[Value]) -> Out {
    let first = a.first().cloned().unwrap_or(Value::Undef);
    Some(Ok(match name {
        "pick" => match a.iter().find(|v| !is_empty_value(v)) {
            Some(v) => v.clone(),
            None => return Some(Err("pick(): must receive at least one non empty value".into())),
        },
        "pick_default" => {
            if a.is_empty() {
                return Some(Err("pick_default(): Must receive at least one argument.".into()));
            }
            a.iter().find(|v| !is_empty_value(v)).cloned().unwrap_or_else(|| a[a.len() - 1].clone())
        }
        "merge" => {
            let mut out = IndexMap::new();
            for v in a {
                match v {
                    Value::Hash(h) => {
                        for (k, x) in h {
                            out.insert(k.clone(), x.clone());
                        }
                    }
                    Value::Undef => {}
                    Value::Str(s) if s.is_empty() => {}
                    other => {
                        return Some(Err(format!(
                            "'merge' parameter 'args' expects a value of type Undef, Hash, or String[0, 0], got {}",
                            other.type_name()
                        )))
                    }
                }
            }
            Value::Hash(out)
        }
        "deep_merge" => {
            let mut out = Value::Hash(IndexMap::new());
            for v in a {
                match v {
                    Value::Hash(_) => out = deep_merge(out, v.clone()),
                    Value::Undef => {}
                    Value::Str(s) if s.is_empty() => {}
                    other => {
                        return Some(Err(format!(
                            "deep_merge: unexpected argument type {}, only expects hash arguments",
                            other.type_name()
                        )))
                    }
                }
            }
            out
        }
        "concat" => {
            let Value::Array(mut out) = first else {
                return Some(Err("concat(): Requires array to work with".into()));
            };
            for v in &a[1..] {
                out.extend(arr(v));
            }
            Value::Array(out)
        }
        "union" => {
            let mut out = Vec::new();
            for v in a {
                for x in arr(v) {
                    if !contains(&out, &x) {
                        out.push(x);
                    }
                }
            }
            Value::Array(out)
        }
        "intersection" => {
            let other = arr(a.get(1).unwrap_or(&Value::Undef));
            let mut out = Vec::new();
            for x in arr(&first) {
                if contains(&other, &x) && !contains(&out, &x) {
                    out.push(x);
                }
            }
            Value::Array(out)
        }
        "difference" => {
            let other = arr(a.get(1).unwrap_or(&Value::Undef));
            Value::Array(arr(&first).into_iter().filter(|x| !contains(&other, x)).collect())
        }
        "member" => {
            let list = arr(&first);
            match a.get(1) {
                Some(Value::Array(items)) => Value::Bool(items.iter().all(|i| contains(&list, i))),
                Some(v) => Value::Bool(contains(&list, v)),
                None => Value::Bool(false),
            }
        }
        "has_key" => match &first {
            Value::Hash(h) => Value::Bool(h.contains_key(a.get(1).unwrap_or(&Value::Undef))),
            other => {
                return Some(Err(format!(
                    "has_key(): expects the first argument to be a hash, got {other} which is of type {}",
                    other.type_name()
                )))
            }
        },
        "delete_undef_values" => match first {
            Value::Hash(h) => {
                Value::Hash(h.into_iter().filter(|(_, v)| !matches!(v, Value::Undef)).collect())
            }
            Value::Array(x) => Value::Array(x.into_iter().filter(|v| !matches!(v, Value::Undef)).collect()),
            _ => return Some(Err("delete_undef_values(): expected an array or hash".into())),
        },
        "delete_values" => {
            let item = a.get(1).cloned().unwrap_or(Value::Undef);
            match first {
                Value::Hash(h) => Value::Hash(h.into_iter().filter(|(_, v)| *v != item).collect()),
                _ => return Some(Err("delete_values(): First argument must be a Hash.".into())),
            }
        }
        "delete" => {
            let items = arr(a.get(1).unwrap_or(&Value::Undef));
            match first {
                Value::Array(x) => Value::Array(x.into_iter().filter(|v| !contains(&items, v)).collect()),
                Value::Hash(h) => Value::Hash(h.into_iter().filter(|(k, _)| !contains(&items, k)).collect()),
                Value::Str(mut s) => {
                    for i in &items {
                        s = s.replace(&i.to_display_string(), "");
                    }
                    Value::Str(s)
                }
                _ => return Some(Err("delete(): First argument must be an Array, String, or Hash.".into())),
            }
        }
        "delete_at" => {
            let Value::Array(mut x) = first else {
                return Some(Err("delete_at(): Requires array to work with".into()));
            };
            let i = match a.get(1) {
                Some(Value::Int(i)) => *i,
                Some(Value::Str(s)) => s.parse().unwrap_or(-1),
                _ => -1,
            };
            if i < 0 || i as usize >= x.len() {
                return Some(Err("delete_at(): Given index exceeds size of array given".into()));
            }
            x.remove(i as usize);
            Value::Array(x)
        }
        "delete_regex" => {
            let pats: Vec<String> =
                arr(a.get(1).unwrap_or(&Value::Undef)).iter().map(Value::to_display_string).collect();
            let res: Vec<fancy_regex::Regex> =
                pats.iter().filter_map(|p| fancy_regex::Regex::new(&format!("^(?:{p})$")).ok()).collect();
            let hit = |v: &Value| res.iter().any(|r| r.is_match(&v.to_display_string()).unwrap_or(false));
            match first {
                Value::Array(x) => Value::Array(x.into_iter().filter(|v| !hit(v)).collect()),
                Value::Hash(h) => Value::Hash(h.into_iter().filter(|(k, _)| !hit(k)).collect()),
                other => other,
            }
        }
        "any2array" => {
            if a.len() > 1 {
                Value::Array(a.to_vec())
            } else {
                match first {
                    Value::Undef => Value::Array(vec![]),
                    Value::Array(x) => Value::Array(x),
                    Value::Hash(h) => Value::Array(h.into_iter().flat_map(|(k, v)| [k, v]).collect()),
                    Value::Str(s) if s.is_empty() => Value::Array(vec![]),
                    other => Value::Array(vec![other]),
                }
            }
        }
        "zip" => {
            let (x, y) = (arr(&first), arr(a.get(1).unwrap_or(&Value::Undef)));
            let flatten = a.get(2).is_some_and(Value::truthy);
            let pairs: Vec<Value> = x
                .into_iter()
                .enumerate()
                .map(|(i, v)| Value::Array(vec![v, y.get(i).cloned().unwrap_or(Value::Undef)]))
                .collect();
            if flatten {
                Value::Array(pairs.into_iter().flat_map(|p| arr(&p)).collect())
            } else {
                Value::Array(pairs)
            }
        }
        "count" => {
            let list = arr(&first);
            match a.get(1) {
                Some(v) => Value::Int(list.iter().filter(|x| puppet_eq(x, v)).count() as i64),
                None => Value::Int(list.iter().filter(|x| !is_empty_value(x)).count() as i64),
            }
        }
        "values_at" => {
            let list = arr(&first);
            let mut out = Vec::new();
            for i in arr(a.get(1).unwrap_or(&Value::Undef)) {
                match i {
                    Value::Int(i) if (i as usize) < list.len() => out.push(list[i as usize].clone()),
                    Value::Str(s) if s.contains('-') => {
                        let (p, q) = s.split_once('-').unwrap_or(("0", "0"));
                        let (p, q): (usize, usize) = (p.parse().unwrap_or(0), q.parse().unwrap_or(0));
                        out.extend(list.iter().skip(p).take(q.saturating_sub(p) + 1).cloned());
                    }
                    Value::Str(s) => {
                        if let Some(v) = s.parse::<usize>().ok().and_then(|i| list.get(i)) {
                            out.push(v.clone());
                        }
                    }
                    _ => return Some(Err("values_at(): Out of bounds index given".into())),
                }
            }
            Value::Array(out)
        }
        "reverse" => match first {
            Value::Array(mut x) => {
                x.reverse();
                Value::Array(x)
            }
            Value::Str(s) => Value::Str(s.chars().rev().collect()),
            other => other,
        },
        "hash" => {
            let list = arr(&first);
            let flat: Vec<Value> = list.into_iter().flat_map(|v| arr(&v)).collect();
            Value::Hash(
                flat.chunks(2).map(|c| (c[0].clone(), c.get(1).cloned().unwrap_or(Value::Undef))).collect(),
            )
        }
        "range" => {
            let (from, to) = (text(a.first()), text(a.get(1)));
            let step: i64 = a.get(2).map(|v| text(Some(v)).parse().unwrap_or(1)).unwrap_or(1).max(1);
            match (from.parse::<i64>(), to.parse::<i64>()) {
                (Ok(f), Ok(t)) => Value::Array((f..=t).step_by(step as usize).map(Value::Int).collect()),
                _ => {
                    // 'host01'..'host03': a common prefix and numbered suffixes.
                    let split = |s: &str| {
                        let i = s.trim_end_matches(|c: char| c.is_ascii_digit()).len();
                        (s[..i].to_string(), s[i..].to_string())
                    };
                    let ((p1, n1), (_, n2)) = (split(&from), split(&to));
                    match (n1.parse::<i64>(), n2.parse::<i64>()) {
                        (Ok(f), Ok(t)) => Value::Array(
                            (f..=t)
                                .step_by(step as usize)
                                .map(|i| Value::Str(format!("{p1}{:0width$}", i, width = n1.len())))
                                .collect(),
                        ),
                        _ => return Some(Err("range(): Unknown range format".into())),
                    }
                }
            }
        }
        "grep" | "reject" => {
            let re = match fancy_regex::Regex::new(&text(a.get(1))) {
                Ok(r) => r,
                Err(e) => return Some(Err(format!("{name}(): {e}"))),
            };
            let keep = name == "grep";
            Value::Array(
                arr(&first)
                    .into_iter()
                    .filter(|v| re.is_match(&v.to_display_string()).unwrap_or(false) == keep)
                    .collect(),
            )
        }
        "try_get_value" | "dig44" => {
            let mut v = first;
            let path: Vec<Value> = if name == "dig44" {
                arr(a.get(1).unwrap_or(&Value::Undef))
            } else {
                text(a.get(1)).split('/').map(|s| Value::Str(s.to_string())).collect()
            };
            let default = a.get(2).cloned().unwrap_or(Value::Undef);
            for p in path {
                v = match v {
                    Value::Hash(h) => match h.get(&p) {
                        Some(x) => x.clone(),
                        None => return Some(Ok(default)),
                    },
                    Value::Array(x) => match text(Some(&p)).parse::<usize>().ok().and_then(|i| x.get(i)) {
                        Some(x) => x.clone(),
                        None => return Some(Ok(default)),
                    },
                    _ => return Some(Ok(default)),
                };
            }
            v
        }
        _ => return None,
    }))
}

/// stdlib's `deep_merge`: hashes merge recursively, everything else is replaced.
fn deep_merge(a: Value, b: Value) -> Value {
    match (a, b) {
        (Value::Hash(mut x), Value::Hash(y)) => {
            for (k, v) in y {
                let merged = match x.get(&k) {
                    Some(old @ Value::Hash(_)) if matches!(v, Value::Hash(_)) => deep_merge(old.clone(), v),
                    _ => v,
                };
                x.insert(k, merged);
            }
            Value::Hash(x)
        }
        (_, b) => b,
    }
}
