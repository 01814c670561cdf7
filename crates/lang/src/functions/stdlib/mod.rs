//! Native versions of puppetlabs-stdlib's pure functions (arguments in, value or Puppet's error
//! message out), a fast path for the module's own Ruby.
//!
//! A native version runs in place of a module's Ruby function only where [`PROVEN`] lists the
//! function's name with the SHA-256 of the exact Ruby file that `tests/stdlib_natives.rs` compared
//! it with on generated arguments: any other version of stdlib (or a module that ships a function
//! of the same name) runs its own Ruby.

mod collections;
mod serialize;
mod strings;
mod validate;

use crate::value::Value;

/// Variables the few fact-reading functions need (`os_version_gte`).
pub type Vars<'a> = dyn FnMut(&str) -> Option<Value> + 'a;

type Out = Option<Result<Value, String>>;

/// (function name, SHA-256 of the Ruby file the native version was shown equal to).
pub const PROVEN: &[(&str, &str)] = &[];

/// Whether the native `name` may stand in for the Ruby file whose SHA-256 is `sha256`.
pub fn is_proven(name: &str, sha256: &str) -> bool {
    PROVEN.iter().any(|(n, h)| *n == name && *h == sha256)
}

/// Whether `name` is implemented here.
pub fn is_native(name: &str) -> bool {
    let probe = [Value::Undef, Value::Undef];
    call(name, &probe, &mut |_| None).is_some()
}

/// Runs the stdlib function `name`; `None` when it is not one of ours.
pub fn call(name: &str, args: &[Value], vars: &mut Vars<'_>) -> Out {
    let name = name.trim_start_matches("::");
    collections::call(name, args)
        .or_else(|| strings::call(name, args))
        .or_else(|| validate::call(name, args))
        .or_else(|| serialize::call(name, args))
        .or_else(|| match name {
            "os_version_gte" => {
                let os = vars("facts").unwrap_or(Value::Undef);
                let get = |path: &[&str]| {
                    let mut v = os.clone();
                    for p in path {
                        v = match v {
                            Value::Hash(h) => {
                                h.get(&Value::Str(p.to_string())).cloned().unwrap_or(Value::Undef)
                            }
                            _ => Value::Undef,
                        };
                    }
                    v.to_display_string()
                };
                let want_os = args.first().map(Value::to_display_string).unwrap_or_default();
                let want_ver = args.get(1).map(Value::to_display_string).unwrap_or_default();
                let name_ok = get(&["os", "name"]) == want_os;
                let ver = get(&["os", "release", "full"]);
                Some(Ok(Value::Bool(name_ok && version_cmp(&ver, &want_ver) != std::cmp::Ordering::Less)))
            }
            _ => None,
        })
}

/// Compares dotted version strings numerically where both parts are numbers.
fn version_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let pa: Vec<&str> = a.split('.').collect();
    let pb: Vec<&str> = b.split('.').collect();
    for i in 0..pa.len().max(pb.len()) {
        let (x, y) = (pa.get(i).copied().unwrap_or("0"), pb.get(i).copied().unwrap_or("0"));
        let o = match (x.parse::<u64>(), y.parse::<u64>()) {
            (Ok(x), Ok(y)) => x.cmp(&y),
            _ => x.cmp(y),
        };
        if o != std::cmp::Ordering::Equal {
            return o;
        }
    }
    std::cmp::Ordering::Equal
}

/// An argument as text (undef is empty).
fn text(v: Option<&Value>) -> String {
    v.map(Value::to_display_string).unwrap_or_default()
}

/// A value that `pick` and friends skip: undef, empty string, `:undef`, `:undefined`.
fn is_empty_value(v: &Value) -> bool {
    match v {
        Value::Undef => true,
        Value::Str(s) => s.is_empty() || s == "undef" || s == "undefined",
        _ => false,
    }
}
