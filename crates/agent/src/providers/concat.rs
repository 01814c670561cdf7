//! `concat_file` and `concat_fragment` (puppetlabs-concat): the fragments that target a `concat_file`
//! (by its title or path), sorted by `order` and title, become the content of a `File` the
//! `concat_file` generates, as the module's `generate`/`eval_generate` do. Both types change nothing
//! themselves; the generated file is applied right after its `concat_file`.

use std::cmp::Ordering;

use bunraku_model::{Catalog, Resource, Value};

use super::{param_bool, param_list};

/// The `File` a `concat_file` stands for, with the assembled content (none when `ensure => absent`).
pub fn generate(
    res: &Resource,
    catalog: &Catalog,
    sources: &dyn crate::FileSource,
) -> Result<Resource, String> {
    let path = res.param_str("path").unwrap_or_else(|| res.title.clone());
    let absent = res.param_str("ensure").as_deref() == Some("absent");
    let mut parameters = indexmap::IndexMap::new();
    parameters.insert("path".to_string(), Value::String(path.clone()));
    parameters.insert("ensure".into(), Value::String(if absent { "absent" } else { "file" }.into()));
    for name in
        ["owner", "group", "mode", "replace", "backup", "validate_cmd", "show_diff", "noop", "loglevel"]
    {
        if let Some(v) = res.param(name) {
            parameters.insert(name.to_string(), v.clone());
        }
    }
    if !absent {
        parameters.insert("content".into(), Value::String(content(res, &path, catalog, sources)?));
    }
    Ok(super::generated_file(res, path, parameters))
}

fn content(
    res: &Resource,
    path: &str,
    catalog: &Catalog,
    sources: &dyn crate::FileSource,
) -> Result<String, String> {
    let numeric = res.param_str("order").as_deref() != Some("alpha");
    let ensure_newline = param_bool(res, "ensure_newline") == Some(true);
    let mut fragments: Vec<(String, String, String)> = Vec::new();
    for r in catalog.resources.iter().filter(|r| r.type_name == "Concat_fragment") {
        let target = r.param_str("target");
        if target.as_deref() != Some(path) && target.as_deref() != Some(res.title.as_str()) {
            continue;
        }
        let mut text = match r.param_str("content") {
            Some(c) => c,
            None => fragment_source(r, sources)?,
        };
        if ensure_newline && !text.ends_with('\n') {
            text.push('\n');
        }
        let order = r.param_str("order").unwrap_or_else(|| "10".into());
        fragments.push((order, r.title.clone(), text));
    }
    fragments.sort_by(|a, b| compare(numeric, (&a.0, &a.1), (&b.0, &b.1)));
    Ok(fragments.into_iter().map(|f| f.2).collect())
}

/// The module's sort: by order then name; with `order => numeric`, all-digit orders compare as numbers.
fn compare(numeric: bool, a: (&str, &str), b: (&str, &str)) -> Ordering {
    let by_order = match (numeric, a.0.parse::<u64>(), b.0.parse::<u64>()) {
        (true, Ok(x), Ok(y)) => x.cmp(&y),
        _ => a.0.cmp(b.0),
    };
    by_order.then_with(|| a.1.cmp(b.1))
}

fn fragment_source(r: &Resource, sources: &dyn crate::FileSource) -> Result<String, String> {
    let list = param_list(r, "source");
    for source in &list {
        let local = source.strip_prefix("file://").or(source.starts_with('/').then_some(source.as_str()));
        let bytes = match local {
            Some(p) => std::fs::read(p).ok(),
            None => sources.content(source).ok(),
        };
        if let Some(bytes) = bytes {
            return Ok(String::from_utf8_lossy(&bytes).into_owned());
        }
    }
    Err(format!("Could not retrieve source(s) {}", list.join(", ")))
}

#[cfg(test)]
mod tests {
    use crate::transaction::tests::{catalog, lines, run};
    use bunraku_model::RunStatus;
    use serde_json::json;
    use std::fs;

    #[test]
    fn fragments_in_order_with_newlines() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("motd").display().to_string();
        let part = dir.path().join("part");
        fs::write(&part, "from source").unwrap();
        let cat = catalog(
            &[
                ("Concat_file", "motd", json!({"path": f, "ensure_newline": true, "mode": "0600"})),
                ("Concat_fragment", "b", json!({"target": "motd", "content": "second", "order": "10"})),
                ("Concat_fragment", "a", json!({"target": f, "content": "first\n", "order": "9"})),
                (
                    "Concat_fragment",
                    "c",
                    json!({"target": "motd", "source": ["/nonexistent", part.display().to_string()], "order": 10}),
                ),
                ("Concat_fragment", "other", json!({"target": "elsewhere", "content": "no"})),
            ],
            &[],
        );
        let report = run(&cat);
        assert_eq!(report.status, RunStatus::Changed, "{:?}", lines(&report));
        // Numeric order (the type's default): 9 before 10; then by title.
        assert_eq!(fs::read_to_string(&f).unwrap(), "first\nsecond\nfrom source\n");
        let l = lines(&report);
        assert!(
            l[0].starts_with(&format!("/Stage[main]/Main/File[{f}]/ensure: defined content as")),
            "{l:?}"
        );
        assert!(report.resource_statuses.contains_key(&format!("File[{f}]")));
        assert_eq!(run(&cat).status, RunStatus::Unchanged);

        assert_eq!(super::compare(false, ("9", "a"), ("10", "b")), std::cmp::Ordering::Greater);
        assert_eq!(super::compare(true, ("9", "a"), ("10", "b")), std::cmp::Ordering::Less);
    }
}
