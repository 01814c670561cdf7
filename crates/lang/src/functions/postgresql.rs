//! puppetlabs-postgresql's Ruby functions: `postgresql::postgresql_password` (the `md5` role
//! password hash), `postgresql::postgresql_escape` (dollar quoting) and
//! `postgresql::postgresql_acls_to_resources_hash` (pg_hba lines to `pg_hba_rule` parameters).

use indexmap::IndexMap;
use md5::{Digest, Md5};

use crate::value::Value;

fn hex_md5(s: &str) -> String {
    Md5::digest(s.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

fn s(v: &str) -> Value {
    Value::Str(v.to_string())
}

/// One of the module's functions; `None` for other names.
pub fn call(name: &str, args: &[Value]) -> Option<Result<Value, String>> {
    let name = name.strip_prefix("postgresql::").unwrap_or(name);
    let text = |i: usize| args.get(i).map(Value::to_display_string).unwrap_or_default();
    Some(Ok(match name {
        "postgresql_password" => s(&format!("md5{}", hex_md5(&(text(1) + &text(0))))),
        "postgresql_escape" => {
            let input = text(0);
            if !(input.contains("$$") || input.ends_with('$')) {
                return Some(Ok(s(&format!("$${input}$$"))));
            }
            let strip = |h: String| h[..6].chars().filter(|c| !c.is_ascii_digit()).collect::<String>();
            let mut tag = strip(hex_md5(&input));
            while input.contains(&tag) {
                tag = strip(hex_md5(&tag));
            }
            s(&format!("${tag}${input}${tag}$"))
        }
        "postgresql_acls_to_resources_hash" => {
            let acls: Vec<String> = match args.first() {
                Some(Value::Array(a)) => a.iter().map(Value::to_display_string).collect(),
                _ => Vec::new(),
            };
            let id = text(1);
            let offset = match args.get(2) {
                Some(Value::Int(n)) => *n,
                _ => 0,
            };
            let mut out = IndexMap::new();
            for acl in &acls {
                // Ruby's acls.index(acl): the first equal line.
                let index = acls.iter().position(|a| a == acl).unwrap_or(0);
                let parts: Vec<&str> = acl.split_whitespace().collect();
                if parts.len() < 4 {
                    return Some(Err(format!(
                        "postgresql::postgresql_acls_to_resources_hash(): acl line {index} does not have enough parts"
                    )));
                }
                let mut r = IndexMap::new();
                r.insert(s("type"), s(parts[0]));
                r.insert(s("database"), s(parts[1]));
                r.insert(s("user"), s(parts[2]));
                r.insert(s("order"), s(&format!("{:03}", offset + index as i64)));
                let rest = |from: usize| parts.get(from..).map(|p| p.join(" ")).unwrap_or_default();
                if parts[0] == "local" {
                    r.insert(s("auth_method"), s(parts[3]));
                    if parts.len() > 4 {
                        r.insert(s("auth_option"), s(&rest(4)));
                    }
                } else if parts.get(4).is_some_and(|p| p.starts_with(|c: char| c.is_ascii_digit())) {
                    r.insert(s("address"), s(&format!("{} {}", parts[3], parts[4])));
                    r.insert(s("auth_method"), parts.get(5).map(|p| s(p)).unwrap_or(Value::Undef));
                    if parts.len() > 6 {
                        r.insert(s("auth_option"), s(&rest(6)));
                    }
                } else {
                    r.insert(s("address"), s(parts[3]));
                    r.insert(s("auth_method"), parts.get(4).map(|p| s(p)).unwrap_or(Value::Undef));
                    if parts.len() > 5 {
                        r.insert(s("auth_option"), s(&rest(5)));
                    }
                }
                out.insert(s(&format!("postgresql class generated rule {id} {index}")), Value::Hash(r));
            }
            Value::Hash(out)
        }
        _ => return None,
    }))
}
