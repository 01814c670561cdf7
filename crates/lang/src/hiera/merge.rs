//! Hiera's merge strategies, with Puppet 7's orders: `unique` keeps the highest-priority values
//! first; `hash` and `deep` keep the lowest-priority hash's key order (Ruby's `lower.merge(higher)`
//! and the deep_merge gem), the higher priority winning for each key.

use indexmap::IndexMap;

use crate::value::Value;

/// How the values found at several hierarchy levels combine.
#[derive(Debug, Clone, PartialEq)]
pub enum Merge {
    /// The first value found (Hiera's default).
    First,
    /// All values as one flat array without duplicates.
    Unique,
    /// Hashes merged one level deep.
    Hash,
    /// Hashes merged recursively; with `merge_hash_arrays`, arrays of hashes too.
    Deep { merge_hash_arrays: bool },
}

impl Merge {
    /// Reads a merge given as `lookup()`'s argument or a `lookup_options` entry: a strategy name
    /// or a hash with `strategy` and options.
    pub fn from_value(v: &Value) -> Result<Merge, String> {
        match v {
            Value::Str(s) => Merge::named(s, false),
            Value::Hash(h) => {
                let strategy = h.get(&Value::Str("strategy".into())).map(|s| s.to_display_string());
                let mha = h.get(&Value::Str("merge_hash_arrays".into())).is_some_and(Value::truthy);
                Merge::named(strategy.as_deref().unwrap_or("first"), mha)
            }
            Value::Undef => Ok(Merge::First),
            other => Err(format!("merge strategy must be a String or a Hash, got {}", other.type_name())),
        }
    }

    fn named(name: &str, merge_hash_arrays: bool) -> Result<Merge, String> {
        Ok(match name {
            "first" => Merge::First,
            "unique" => Merge::Unique,
            "hash" => Merge::Hash,
            "deep" => Merge::Deep { merge_hash_arrays },
            other => return Err(format!("Unknown merge strategy: '{other}'")),
        })
    }

    /// Combines found values, highest priority first.
    pub fn combine(&self, found: Vec<Value>) -> Result<Value, String> {
        let mut iter = found.into_iter();
        let Some(mut memo) = iter.next() else { return Ok(Value::Undef) };
        match self {
            Merge::First => Ok(memo),
            Merge::Unique => {
                let mut out: Vec<Value> = Vec::new();
                for v in std::iter::once(memo).chain(iter) {
                    for x in flat(v) {
                        if !out.contains(&x) {
                            out.push(x);
                        }
                    }
                }
                Ok(Value::Array(out))
            }
            Merge::Hash => {
                check_hash(&memo)?;
                for lower in iter {
                    check_hash(&lower)?;
                    let (Value::Hash(mut lo), Value::Hash(hi)) = (lower, memo) else {
                        return Err("The hash merge strategy expects Hash values".into());
                    };
                    for (k, v) in hi {
                        lo.insert(k, v);
                    }
                    memo = Value::Hash(lo);
                }
                Ok(memo)
            }
            Merge::Deep { merge_hash_arrays } => {
                for lower in iter {
                    memo = deep(memo, lower, *merge_hash_arrays);
                }
                Ok(memo)
            }
        }
    }
}

fn check_hash(v: &Value) -> Result<(), String> {
    match v {
        Value::Hash(_) => Ok(()),
        other => Err(format!("The hash merge strategy expects a Hash value, got {}", other.type_name())),
    }
}

fn flat(v: Value) -> Vec<Value> {
    match v {
        Value::Array(a) => a.into_iter().flat_map(flat).collect(),
        other => vec![other],
    }
}

/// deep_merge!(source = higher, dest = lower) with `preserve_unmergeables: false`.
pub fn deep(source: Value, dest: Value, merge_hash_arrays: bool) -> Value {
    match (source, dest) {
        (Value::Hash(src), Value::Hash(mut dst)) => {
            for (k, v) in src {
                let merged = match dst.shift_remove_full(&k) {
                    Some((i, _, old)) => {
                        let m = deep(v, old, merge_hash_arrays);
                        dst.shift_insert(i, k, m);
                        continue;
                    }
                    None => v,
                };
                dst.insert(k, merged);
            }
            Value::Hash(dst)
        }
        (Value::Array(src), Value::Array(dst)) => {
            if merge_hash_arrays && src.iter().chain(dst.iter()).all(|v| matches!(v, Value::Hash(_))) {
                // Arrays of hashes merge element-wise, as deep_merge does with merge_hash_arrays.
                let mut out = Vec::new();
                let mut s = src.into_iter();
                for d in dst {
                    out.push(match s.next() {
                        Some(x) => deep(x, d, true),
                        None => d,
                    });
                }
                out.extend(s);
                return Value::Array(out);
            }
            let mut out = dst;
            for v in src {
                if !out.contains(&v) {
                    out.push(v);
                }
            }
            Value::Array(out)
        }
        (Value::Undef, dest) => dest,
        (source, _) => source,
    }
}

/// An empty hash (for merges that found nothing).
pub fn empty_hash() -> Value {
    Value::Hash(IndexMap::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(pairs: &[(&str, Value)]) -> Value {
        Value::Hash(pairs.iter().map(|(k, v)| (Value::Str(k.to_string()), v.clone())).collect())
    }

    #[test]
    fn strategies() {
        let hi = h(&[("b", Value::Int(2)), ("c", Value::Int(3))]);
        let lo = h(&[("a", Value::Int(1)), ("b", Value::Int(0))]);
        let m = Merge::Hash.combine(vec![hi.clone(), lo.clone()]).unwrap();
        assert_eq!(m.to_string(), "{a => 1, b => 2, c => 3}");
        let u = Merge::Unique
            .combine(vec![Value::Array(vec![Value::Int(2), Value::Int(1)]), Value::Int(1), Value::Int(3)])
            .unwrap();
        assert_eq!(u.to_string(), "[2, 1, 3]");
        let d =
            Merge::Deep { merge_hash_arrays: false }.combine(vec![h(&[("x", hi)]), h(&[("x", lo)])]).unwrap();
        assert_eq!(d.to_string(), "{x => {a => 1, b => 2, c => 3}}");
    }
}
