//! `tidy`: removes unwanted files. Like Puppet's type, it changes nothing itself: it generates a
//! `file { path: ensure => absent, force => true }` for every file under `path` (to `recurse`) that
//! is not managed by the catalog and that matches its criteria, deepest first, and the transaction
//! applies those right after it.
//!
//! The criteria, as `Puppet::Type::Tidy#tidy?`: directories only with `rmdirs`; `matches` (shell globs
//! against the basename) must match when given; then `age` (seconds since `type` — atime by
//! default) or `size` — either is enough; with neither, every file goes.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use bunraku_model::{Resource, Value};

use super::{param_bool, param_list};

/// The files a `tidy` removes, as `file` resources, deepest path first.
pub fn generate(res: &Resource, managed: &dyn Fn(&str) -> bool) -> Result<Vec<Resource>, String> {
    let root = PathBuf::from(res.param_str("path").unwrap_or_else(|| res.title.clone()));
    if !root.is_absolute() {
        return Err(format!("File paths must be fully qualified, not '{}'", root.display()));
    }
    let criteria = Criteria::from_resource(res)?;
    if std::fs::symlink_metadata(&root).is_err() {
        return Ok(Vec::new());
    }
    let depth = match res.param("recurse") {
        None | Some(Value::Null) | Some(Value::Bool(false)) => Some(0),
        Some(Value::Bool(true)) => None,
        Some(Value::Number(n)) => Some(n.as_u64().unwrap_or(0) as usize),
        Some(Value::String(s)) => match s.as_str() {
            "true" | "inf" => None,
            "false" => Some(0),
            n => Some(n.parse().map_err(|_| format!("Invalid recurse value \"{n}\""))?),
        },
        Some(other) => return Err(format!("Invalid recurse value {other}")),
    };
    if depth == Some(0) && !criteria.patterns.is_empty() {
        return Err("Tidy can't use matches with recurse 0, false, or undef".into());
    }
    let mut paths = vec![root.clone()];
    walk(&root, depth, 1, &mut paths);

    let now = chrono::Utc::now().timestamp();
    let mut doomed: Vec<PathBuf> = paths
        .into_iter()
        .filter(|p| !managed(&p.display().to_string()))
        .filter(|p| criteria.tidy(p, now))
        .collect();
    doomed.sort_by(|a, b| b.cmp(a));
    let backup = res.param("backup").cloned().unwrap_or(Value::Bool(false));
    let files = doomed
        .into_iter()
        .map(|path| {
            let title = path.display().to_string();
            let mut parameters = indexmap::IndexMap::new();
            parameters.insert("path".to_string(), Value::String(title.clone()));
            parameters.insert("ensure".into(), Value::String("absent".into()));
            parameters.insert("force".into(), Value::Bool(true));
            parameters.insert("backup".into(), backup.clone());
            // The metaparameters the files inherit (Puppet's `copy_metaparams`).
            for name in ["noop", "loglevel", "schedule"] {
                if let Some(v) = res.param(name) {
                    parameters.insert(name.to_string(), v.clone());
                }
            }
            super::generated_file(res, title, parameters)
        })
        .collect();
    Ok(files)
}

/// Adds the entries below `dir` (not following links) down to `limit` levels (`None`: all).
fn walk(dir: &Path, limit: Option<usize>, depth: usize, out: &mut Vec<PathBuf>) {
    if limit.is_some_and(|l| depth > l) {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut names: Vec<_> = entries.filter_map(|e| e.ok()).map(|e| e.file_name()).collect();
    names.sort();
    for name in names {
        let path = dir.join(name);
        let is_dir = std::fs::symlink_metadata(&path).map(|m| m.is_dir()).unwrap_or(false);
        out.push(path.clone());
        if is_dir {
            walk(&path, limit, depth + 1, out);
        }
    }
}

/// What makes a file go.
struct Criteria {
    patterns: Vec<String>,
    /// Seconds.
    age: Option<i64>,
    /// Bytes.
    size: Option<u64>,
    /// Which time `age` counts from.
    time: fn(&std::fs::Metadata) -> i64,
    rmdirs: bool,
}

impl Criteria {
    fn from_resource(res: &Resource) -> Result<Criteria, String> {
        const AGE: &[(char, i64)] = &[('s', 1), ('m', 60), ('h', 3600), ('d', 86400), ('w', 604800)];
        const SIZE: &[(char, i64)] =
            &[('b', 1), ('k', 1 << 10), ('m', 1 << 20), ('g', 1 << 30), ('t', 1 << 40)];
        let age = res.param_str("age").map(|a| parse_scaled(&a, 'd', AGE, "age")).transpose()?;
        let size = res.param_str("size").map(|s| parse_scaled(&s, 'k', SIZE, "size")).transpose()?;
        let time: fn(&std::fs::Metadata) -> i64 = match res.param_str("type").as_deref() {
            None | Some("atime") => |m| m.atime(),
            Some("mtime") => |m| m.mtime(),
            Some("ctime") => |m| m.ctime(),
            Some(other) => return Err(format!("Invalid value \"{other}\" for type")),
        };
        Ok(Criteria {
            patterns: param_list(res, "matches"),
            age,
            size: size.map(|s| s as u64),
            time,
            rmdirs: param_bool(res, "rmdirs") == Some(true),
        })
    }

    fn tidy(&self, path: &Path, now: i64) -> bool {
        let Ok(meta) = std::fs::symlink_metadata(path) else { return false };
        if meta.is_dir() && !self.rmdirs {
            return false;
        }
        if !self.patterns.is_empty() {
            let base = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            if !self.patterns.iter().any(|p| fnmatch(p, &base)) {
                return false;
            }
        }
        if self.age.is_none() && self.size.is_none() {
            return true;
        }
        self.age.is_some_and(|age| now - (self.time)(&meta) >= age)
            || self.size.is_some_and(|size| meta.len() >= size)
    }
}

/// `"2w"`, `"30"` (in `default` units), `"10megabytes"`: only the first letter of the unit counts,
/// and scales the number by its factor in `units`.
fn parse_scaled(text: &str, default: char, units: &[(char, i64)], what: &str) -> Result<i64, String> {
    let digits: String = text.chars().take_while(|c| c.is_ascii_digit()).collect();
    let rest = &text[digits.len()..];
    let n: i64 = digits.parse().map_err(|_| format!("Invalid tidy {what} {text}"))?;
    if !rest.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return Err(format!("Invalid tidy {what} {text}"));
    }
    let unit = rest.chars().next().map(|c| c.to_ascii_lowercase()).unwrap_or(default);
    let factor = units.iter().find(|(u, _)| *u == unit).map(|(_, f)| *f);
    factor.map(|f| n * f).ok_or_else(|| format!("Invalid {what} unit '{unit}'"))
}

/// Ruby's `File.fnmatch(pattern, name, FNM_DOTMATCH | FNM_PATHNAME)` on a basename: `*` and `?`
/// (never across `/`), `[…]` classes with ranges and `!`/`^` negation, `\` escapes.
pub fn fnmatch(pattern: &str, name: &str) -> bool {
    fn class(p: &[char], c: char) -> Option<(bool, usize)> {
        // p starts after '['; returns (matched, chars consumed including ']').
        let mut i = 0;
        let negate = matches!(p.first(), Some('!') | Some('^'));
        if negate {
            i += 1;
        }
        let mut matched = false;
        let mut first = true;
        while i < p.len() {
            if p[i] == ']' && !first {
                return Some((matched != negate, i + 1));
            }
            first = false;
            let lo = if p[i] == '\\' && i + 1 < p.len() {
                i += 1;
                p[i]
            } else {
                p[i]
            };
            if i + 2 < p.len() && p[i + 1] == '-' && p[i + 2] != ']' {
                if lo <= c && c <= p[i + 2] {
                    matched = true;
                }
                i += 3;
            } else {
                if lo == c {
                    matched = true;
                }
                i += 1;
            }
        }
        None
    }
    fn go(p: &[char], n: &[char]) -> bool {
        match p.first() {
            None => n.is_empty(),
            Some('*') => {
                (0..=n.len()).take_while(|&k| k == 0 || n[k - 1] != '/').any(|k| go(&p[1..], &n[k..]))
            }
            Some('?') => n.first().is_some_and(|&c| c != '/') && go(&p[1..], &n[1..]),
            Some('[') => match (n.first(), class(&p[1..], *n.first().unwrap_or(&'\0'))) {
                (Some(&c), Some((true, used))) if c != '/' => go(&p[1 + used..], &n[1..]),
                (_, Some(_)) => false,
                (Some(&c), None) => c == '[' && go(&p[1..], &n[1..]),
                (None, None) => false,
            },
            Some('\\') if p.len() > 1 => n.first() == Some(&p[1]) && go(&p[2..], &n[1..]),
            Some(&c) => n.first() == Some(&c) && go(&p[1..], &n[1..]),
        }
    }
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    go(&p, &n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transaction::tests::{catalog, lines, run};
    use bunraku_model::RunStatus;
    use serde_json::json;
    use std::time::{Duration, SystemTime};

    fn age(path: &Path, days: u64) {
        let t = SystemTime::now() - Duration::from_secs(days * 86400);
        let f = std::fs::File::options().write(true).open(path).unwrap();
        f.set_times(std::fs::FileTimes::new().set_accessed(t).set_modified(t)).unwrap();
    }

    #[test]
    fn globs_like_ruby_fnmatch() {
        assert!(fnmatch("*.tmp", "a.tmp"));
        assert!(fnmatch("*.tmp", ".hidden.tmp"), "FNM_DOTMATCH");
        assert!(fnmatch("[0-9]pub*.tmp", "7pub-x.tmp"));
        assert!(!fnmatch("[0-9]pub*.tmp", "xpub.tmp"));
        assert!(fnmatch("tmpfile?", "tmpfile1"));
        assert!(!fnmatch("tmpfile?", "tmpfile"));
        assert!(fnmatch("[!a]*", "b"));
        assert!(!fnmatch("[!a]*", "a"));
        assert!(fnmatch("a\\*", "a*"));
        assert!(!fnmatch("a\\*", "ab"));
    }

    #[test]
    fn tidies_old_big_or_matching_files_deepest_first() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("t");
        std::fs::create_dir_all(root.join("sub/empty")).unwrap();
        for (name, days) in [("old.log", 10), ("new.log", 0), ("sub/old.tmp", 10), ("keep.conf", 10)] {
            std::fs::write(root.join(name), "x").unwrap();
            age(&root.join(name), days);
        }
        std::fs::write(root.join("big.log"), vec![b'x'; 5120]).unwrap();
        let r = root.display().to_string();
        let keep = root.join("keep.conf").display().to_string();
        let cat = catalog(
            &[
                (
                    "Tidy",
                    &r,
                    json!({"recurse": true, "age": "1w", "size": "5k", "matches": ["*.log", "*.tmp", "empty"], "rmdirs": true}),
                ),
                ("File", &keep, json!({"ensure": "file"})),
            ],
            &[],
        );
        let report = run(&cat);
        assert_eq!(report.status, RunStatus::Changed, "{:?}", lines(&report));
        assert!(!root.join("old.log").exists());
        assert!(!root.join("sub/old.tmp").exists());
        assert!(!root.join("big.log").exists(), "size alone is enough");
        assert!(root.join("new.log").exists(), "neither old nor big");
        assert!(root.join("keep.conf").exists(), "managed by the catalog");
        assert!(root.join("sub").exists(), "does not match");
        let p = |n: &str| root.join(n).display().to_string();
        let l = lines(&report);
        assert_eq!(l[0], format!("/Stage[main]/Main/Tidy[{r}]: Tidying 3 files"), "{l:#?}");
        assert_eq!(
            l[1..],
            [
                format!("/Stage[main]/Main/File[{}]/ensure: removed", p("sub/old.tmp")),
                format!("/Stage[main]/Main/File[{}]/ensure: removed", p("old.log")),
                format!("/Stage[main]/Main/File[{}]/ensure: removed", p("big.log")),
            ]
        );
        // `empty` matches but is young (its atime is now) and not big: kept.
        assert!(root.join("sub/empty").exists());
        let st = &report.resource_statuses[&format!("File[{}]", p("old.log"))];
        assert_eq!(st.resource_type, "File");
        assert_eq!(st.events[0].name, "file_removed");
        assert!(report.resource_statuses.contains_key(&format!("Tidy[{r}]")));

        // Without criteria every file goes; without recurse only the path itself is considered.
        let cat = catalog(&[("Tidy", &p("new.log"), json!({}))], &[]);
        run(&cat);
        assert!(!root.join("new.log").exists());
        let cat = catalog(&[("Tidy", &r, json!({"matches": "*.conf"}))], &[]);
        assert_eq!(run(&cat).status, RunStatus::Failed);
    }
}
