//! The evaluation-error suite and the fuzzer's regression cases: every case in
//! `evaluation/cases/` (and `fuzz-oracle/cases/`) is a whole `site.pp`, and `expected.tsv` beside
//! it holds what Puppet 7.23 said about it (`evaluation/regenerate.py`): a catalog (`ok` and its
//! resources but classes and stages, with their parameters) or the first error, message with
//! file, line and column. We must say the same, or the case must be listed with its cause in
//! `known-differences.tsv`.
//!
//! `CASE=part cargo test -p bunraku-lang --test evaluation` runs the cases whose name contains
//! `part`; every result is written to `target/tmp/<suite>-results.tsv`.

use std::collections::BTreeMap;
use std::path::Path;

use bunraku_lang::{CompileRequest, Environment, LanguageSettings, Strict};

/// `name<TAB>rest` lines, `#` comments and blank lines skipped.
fn table(path: &Path) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (name, rest) = l.split_once('\t').unwrap_or((l, ""));
            (name.to_string(), rest.to_string())
        })
        .collect()
}

fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match (c, c == '\\') {
            (_, true) => match chars.next() {
                Some('n') => out.push('\n'),
                Some(o) => out.push(o),
                None => out.push('\\'),
            },
            (c, false) => out.push(c),
        }
    }
    out
}

/// The settings a case's first line asks for: `# settings: strict_variables=true strict=error`.
fn settings(manifest: &str) -> LanguageSettings {
    let mut s = LanguageSettings::default();
    let Some(list) = manifest.lines().next().and_then(|l| l.strip_prefix("# settings:")) else { return s };
    for pair in list.split_whitespace() {
        match pair.split_once('=') {
            Some(("strict_variables", v)) => s.strict_variables = v == "true",
            Some(("strict", "off")) => s.strict = Strict::Off,
            Some(("strict", "warning")) => s.strict = Strict::Warning,
            Some(("strict", "error")) => s.strict = Strict::Error,
            _ => panic!("unknown setting {pair}"),
        }
    }
    s
}

/// Puppet's words without what differs between runs or front ends: the prefix a parse error
/// gets from `puppet catalog find`, and a Ruby object's address.
fn normalise(puppet: &str) -> String {
    let s = &puppet.replacen("error\tCould not parse for environment production: ", "error\t", 1);
    match (s.find(" by #<Puppet::Resource::Type:0x"), s.find("> at (file: ")) {
        (Some(a), Some(b)) if a < b => format!("{}{}", &s[..a], &s[b + 1..]),
        _ => s.to_string(),
    }
}

/// Compiles one case as Puppet did: `manifests/site.pp` of environment `production`, node `n1`,
/// no facts; `ok` or `error<TAB>` and the error, paths relative to the environment.
fn ours(manifest: &str) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let envdir = dir.path().join("production");
    std::fs::create_dir_all(envdir.join("manifests")).expect("mkdir");
    std::fs::write(envdir.join("manifests/site.pp"), manifest).expect("site.pp");
    let env = Environment::open(dir.path(), "production", &[])
        .expect("environment")
        .with_settings(settings(manifest));
    let request = CompileRequest { certname: "n1".into(), ..Default::default() };
    match env.compile(&request) {
        Ok(catalog) => {
            let doc: serde_json::Value = serde_json::from_str(&catalog.to_json()).expect("catalog JSON");
            format!("ok\t{}", resources(&doc))
        }
        Err(e) => format!("error\t{}", e.to_string().replace(&format!("{}/", envdir.display()), "")),
    }
}

/// A catalog's resources but classes and stages, as `[type, title, parameters]`, sorted.
fn resources(doc: &serde_json::Value) -> String {
    let mut out: Vec<serde_json::Value> = doc["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| !matches!(r["type"].as_str(), Some("Class" | "Stage")))
        .map(|r| {
            let params = r.get("parameters").cloned().unwrap_or_else(|| serde_json::json!({}));
            serde_json::json!([r["type"], r["title"], params])
        })
        .collect();
    out.sort_by(|a, b| (a[0].as_str(), a[1].as_str()).cmp(&(b[0].as_str(), b[1].as_str())));
    serde_json::Value::Array(out).to_string()
}

/// Whether our answer is Puppet's: errors as text, catalogs as JSON values (key order aside).
fn agrees(want: &str, got: &str) -> bool {
    match (want.strip_prefix("ok\t"), got.strip_prefix("ok\t")) {
        (Some(w), Some(g)) => {
            serde_json::from_str::<serde_json::Value>(w).ok()
                == serde_json::from_str::<serde_json::Value>(g).ok()
        }
        _ => want == got,
    }
}

#[test]
fn evaluation_errors_match_puppet() {
    run_suite("evaluation");
}

#[test]
fn fuzz_findings_match_puppet() {
    run_suite("fuzz-oracle");
}

fn run_suite(suite: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join(suite);
    let expected = table(&root.join("expected.tsv"));
    let known = table(&root.join("known-differences.tsv"));
    let only = std::env::var("CASE").ok();
    let (mut same, mut different, mut results) = (0, 0, String::new());
    let mut failures = Vec::new();
    for (name, want) in &expected {
        if only.as_ref().is_some_and(|o| !name.contains(o.as_str())) {
            continue;
        }
        let manifest = std::fs::read_to_string(root.join("cases").join(format!("{name}.pp")))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let want = normalise(&unescape(want));
        let got = ours(&manifest);
        let matches = agrees(&want, &got);
        if matches {
            same += 1;
        } else {
            different += 1;
        }
        results.push_str(&format!(
            "{name}\t{}\n  puppet:  {}\n  bunraku: {}\n",
            if matches { "same" } else { "different" },
            want.replace('\n', "\\n"),
            got.replace('\n', "\\n")
        ));
        match (matches, known.contains_key(name)) {
            (false, false) => {
                failures.push(format!("{name}:\n  puppet:  {want}\n  bunraku: {got}"));
            }
            (true, true) => {
                failures.push(format!("{name}: listed in known-differences.tsv but now the same"))
            }
            _ => {}
        }
    }
    for name in known.keys().filter(|k| !expected.contains_key(*k)) {
        failures.push(format!("{name}: in known-differences.tsv but not a case"));
    }
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{suite}-results.tsv"));
    let _ = std::fs::write(&out, &results);
    eprintln!(
        "{} cases: {same} same, {different} different (details in {})",
        same + different,
        out.display()
    );
    assert!(failures.is_empty(), "{} unexplained differences:\n{}", failures.len(), failures.join("\n"));
}
