//! What `tests/cases.rs`, `tests/modules.rs` and `tests/sweep.rs` share: compiling a case
//! (environment, `facts.json`, `node.txt`) and comparing the result with what Puppet 7.23
//! produced for it (`expected.json` or `expected-error.txt`, or the sweep's records) the way
//! `catalog-diff --strict` does: resources by (type, title) with parameters, `exported`, tags as
//! sets, file (case directory stripped), line, kind and sensitive parameters; edges as a set; the
//! `classes` list and the catalog's tags. Identity fields and `Class[Settings]` are ignored.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use bunraku_lang::{CompileError, CompileRequest, Environment};
use bunraku_model::Catalog;
use serde_json::Value;

/// Module Ruby that asks Facter while compiling (a type file reading `os`) gets this machine's
/// facts, as it did under the Puppet that recorded the expectations here.
pub fn use_machine_facts() {
    bunraku_lang::set_local_facts(bunraku_facts::resolve_core);
}

pub fn canon(v: &Value) -> String {
    // serde_json without preserve_order would sort; with it, sort keys by hand.
    fn sort(v: &Value) -> Value {
        match v {
            Value::Object(m) => {
                let sorted: BTreeMap<_, _> = m.iter().map(|(k, v)| (k.clone(), sort(v))).collect();
                Value::Object(sorted.into_iter().collect())
            }
            Value::Array(a) => Value::Array(a.iter().map(sort).collect()),
            o => o.clone(),
        }
    }
    sort(v).to_string()
}

type View = BTreeMap<(String, String), BTreeMap<String, String>>;

fn view(doc: &Value, prefix: &str, suite: &str) -> (View, BTreeSet<(String, String)>, Vec<String>) {
    let mut out = BTreeMap::new();
    for r in doc["resources"].as_array().into_iter().flatten() {
        let key =
            (r["type"].as_str().unwrap_or("").to_string(), r["title"].as_str().unwrap_or("").to_string());
        if key == ("Class".into(), "Settings".into()) {
            continue;
        }
        let mut fields = BTreeMap::new();
        if let Some(params) = r["parameters"].as_object() {
            for (k, v) in params {
                fields.insert(format!("param {k}"), canon(v));
            }
        }
        fields.insert("exported".into(), r["exported"].as_bool().unwrap_or(false).to_string());
        let tags: BTreeSet<&str> =
            r["tags"].as_array().into_iter().flatten().filter_map(|t| t.as_str()).collect();
        fields.insert("tags".into(), format!("{tags:?}"));
        let file = r["file"].as_str().map(|f| strip_case_dir(f, prefix, suite));
        fields.insert("file".into(), format!("{file:?}"));
        fields.insert("line".into(), r["line"].to_string());
        fields.insert("kind".into(), r["kind"].to_string());
        let sensitive: BTreeSet<&str> =
            r["sensitive_parameters"].as_array().into_iter().flatten().filter_map(|t| t.as_str()).collect();
        fields.insert("sensitive_parameters".into(), format!("{sensitive:?}"));
        out.insert(key, fields);
    }
    let edges = doc["edges"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            (e["source"].as_str().unwrap_or("").to_string(), e["target"].as_str().unwrap_or("").to_string())
        })
        .filter(|(s, t)| s != "Class[Settings]" && t != "Class[Settings]")
        .collect();
    let classes = doc["classes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c.as_str().map(String::from))
        .collect();
    (out, edges, classes)
}

pub fn diff(expected: &Value, actual: &Value, prefix: &str, suite: &str) -> Vec<String> {
    let (ra, ea, ca) = view(expected, prefix, suite);
    let (rb, eb, cb) = view(actual, prefix, suite);
    let mut d = Vec::new();
    for k in ra.keys().filter(|k| !rb.contains_key(*k)) {
        d.push(format!("missing resource {}[{}]", k.0, k.1));
    }
    for k in rb.keys().filter(|k| !ra.contains_key(*k)) {
        d.push(format!("extra resource {}[{}]", k.0, k.1));
    }
    for (k, x) in &ra {
        let Some(y) = rb.get(k) else { continue };
        for f in x.keys().chain(y.keys()).collect::<BTreeSet<_>>() {
            if x.get(f) != y.get(f) {
                d.push(format!("{}[{}] {f}: expected {:?} got {:?}", k.0, k.1, x.get(f), y.get(f)));
            }
        }
    }
    for e in ea.difference(&eb) {
        d.push(format!("missing edge {} -> {}", e.0, e.1));
    }
    for e in eb.difference(&ea) {
        d.push(format!("extra edge {} -> {}", e.0, e.1));
    }
    if ca != cb {
        d.push(format!("classes: expected {ca:?} got {cb:?}"));
    }
    let ta: BTreeSet<_> =
        expected["tags"].as_array().into_iter().flatten().filter_map(|t| t.as_str()).collect();
    let tb: BTreeSet<_> =
        actual["tags"].as_array().into_iter().flatten().filter_map(|t| t.as_str()).collect();
    if ta != tb {
        d.push(format!("catalog tags: expected {ta:?} got {tb:?}"));
    }
    d
}

/// The marker that ends a case directory in any checkout: `…/tests/<suite>/<case>/`. Expectations
/// hold the absolute paths of the checkout that generated them; CI clones elsewhere.
fn case_marker(prefix: &str, suite: &str) -> Option<String> {
    Path::new(prefix.trim_end_matches('/'))
        .file_name()
        .map(|n| format!("/tests/{suite}/{}/", n.to_string_lossy()))
}

/// A path relative to its case directory, whatever checkout it was recorded in.
fn strip_case_dir(path: &str, prefix: &str, suite: &str) -> String {
    if let Some(rest) = path.strip_prefix(prefix) {
        return rest.to_string();
    }
    match case_marker(prefix, suite).and_then(|m| path.find(&m).map(|at| at + m.len())) {
        Some(at) => path[at..].to_string(),
        None => path.to_string(),
    }
}

/// Puppet's error line without what the CLI and server add around the compiler's message, and
/// without the case directory of whichever checkout produced it.
fn normalise_error(line: &str, certname: &str, prefix: &str, suite: &str) -> String {
    let line = line.trim();
    let line = line.strip_prefix("Error: ").unwrap_or(line);
    let line = line.strip_prefix("Could not parse for environment production: ").unwrap_or(line);
    let line = line.strip_suffix(&format!(" on node {certname}")).unwrap_or(line);
    let line = line.replace(prefix, "");
    // "already set on X by #<Puppet::Resource::Type:0x00007f…>": Ruby's object address, which no
    // other run reproduces; Bunraku names no source there.
    let line = match (line.find(" by #<Puppet::Resource::Type:0x"), line.find("> at (file: ")) {
        (Some(a), Some(b)) if a < b => format!("{}{}", &line[..a], &line[b + 1..]),
        _ => line,
    };
    let Some(marker) = case_marker(prefix, suite) else { return line };
    let mut out = String::new();
    let mut rest = line.as_str();
    while let Some(at) = rest.find(&marker) {
        let start = rest[..at].rfind(|c: char| c.is_whitespace() || c == '(').map_or(0, |i| i + 1);
        out.push_str(&rest[..start]);
        rest = &rest[at + marker.len()..];
    }
    out.push_str(rest);
    out
}

/// What Puppet 7.23 made of a case: a catalog, or the error it printed first.
pub enum Expected {
    Catalog(Value),
    Error(String),
}

/// Compares a compile's result with Puppet's for the node `certname`: catalogs as `diff` does,
/// errors once both sides are normalised (`prefix`, the case's directory, removed).
pub fn check(
    result: Result<Catalog, CompileError>,
    expected: &Expected,
    certname: &str,
    prefix: &str,
    suite: &str,
) -> Result<(), String> {
    match expected {
        Expected::Error(line) => {
            let want = normalise_error(line, certname, prefix, suite);
            match result {
                Ok(_) => Err(format!("expected error {want:?}, compiled a catalog")),
                Err(e) => {
                    let got = e.to_string().replace(prefix, "");
                    if got == want {
                        Ok(())
                    } else {
                        Err(format!("error differs:\n  expected {want}\n  got      {got}"))
                    }
                }
            }
        }
        Expected::Catalog(expected) => {
            let catalog = result.map_err(|e| format!("compile failed: {e}"))?;
            let actual: Value = serde_json::from_str(&catalog.to_json()).map_err(|e| e.to_string())?;
            let d = diff(expected, &actual, prefix, suite);
            if d.is_empty() {
                Ok(())
            } else {
                Err(d.join("\n  "))
            }
        }
    }
}

/// Compiles one case directory of `tests/<suite>/` and compares it with Puppet's result.
pub fn run_case(dir: &Path, suite: &str, basemodulepath: &[PathBuf]) -> Result<(), String> {
    let certname =
        std::fs::read_to_string(dir.join("node.txt")).map_err(|e| e.to_string())?.trim().to_string();
    let facts: indexmap::IndexMap<String, Value> =
        serde_json::from_str(&std::fs::read_to_string(dir.join("facts.json")).map_err(|e| e.to_string())?)
            .map_err(|e| e.to_string())?;
    let prefix = format!("{}/", dir.display());
    let env = Environment::open(&dir.join("environments"), "production", basemodulepath)
        .map_err(|e| e.to_string())?;
    let request = CompileRequest { certname: certname.clone(), facts, ..Default::default() };
    let result = env.compile(&request);
    let expected = match std::fs::read_to_string(dir.join("expected-error.txt")) {
        Ok(line) => Expected::Error(line),
        Err(_) => Expected::Catalog(
            serde_json::from_str(
                &std::fs::read_to_string(dir.join("expected.json")).map_err(|e| e.to_string())?,
            )
            .map_err(|e| e.to_string())?,
        ),
    };
    check(result, &expected, &certname, &prefix, suite)
}

/// Runs every case directory (one holding `node.txt`) of `tests/<suite>/`, or those whose name
/// contains `$CASE`; returns how many passed and the failures.
pub fn run_suite(suite: &str, basemodulepath: &[PathBuf]) -> (usize, Vec<String>) {
    use_machine_facts();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join(suite);
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("node.txt").is_file())
        .collect();
    dirs.sort();
    assert!(!dirs.is_empty(), "no case directories under {}", root.display());
    let only = std::env::var("CASE").ok();
    let mut failures = Vec::new();
    let mut passed = 0;
    for dir in &dirs {
        let name = dir.file_name().unwrap_or_default().to_string_lossy().to_string();
        if only.as_ref().is_some_and(|o| !name.contains(o.as_str())) {
            continue;
        }
        match run_case(dir, suite, basemodulepath) {
            Ok(()) => passed += 1,
            Err(e) => failures.push(format!("{name}:\n  {e}")),
        }
    }
    (passed, failures)
}
