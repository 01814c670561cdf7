//! The differential sweep over every Debian `puppet-module-*` package (`/usr/share/puppet/modules`):
//! every class that can be declared without parameters and every define with values for the
//! parameters it requires, on Debian 12 and RedHat 9 facts, compiled here and compared with what
//! the real Puppet 7.23 made of it (recorded by `sweep/regenerate.py` in `sweep/data/`) the way
//! `catalog-diff --strict` compares: the same catalog, or the same error where Puppet fails.
//!
//! The test writes its tally (cases, same, different, per module) to stdout and to
//! `$CARGO_TARGET_TMPDIR/sweep/` (with every difference in `differences.txt` and one JSON line per
//! case in `results.jsonl`), and fails on any case that differs unless `sweep/KNOWN_GAPS.md`
//! lists it under a cause, on any listed case that matches now, and on any listed name that is
//! not a case. It also checks that every `.erb` and `.epp` file of the corpus is rendered by
//! some case where Puppet compiled a catalog (its output is then compared byte for byte through
//! the catalog), or is listed in KNOWN_GAPS.md with the reason no case reaches it.
//!
//! `SWEEP_CASE=text` runs only the cases whose id (`class::name@os`) contains `text` (and skips
//! the checks that need every case).

#[allow(dead_code)]
mod differential;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use bunraku_lang::{CompileRequest, Environment};
use differential::Expected;
use indexmap::IndexMap;
use serde_json::Value;

const CORPUS: &str = "/usr/share/puppet/modules";
/// A compile that takes longer than this is a hang: the test stops there and names the case.
const HANG: Duration = Duration::from_secs(120);

fn sweep_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("sweep")
}

struct Case {
    id: String,
    module: String,
    os: String,
    manifest: String,
    /// Puppet's catalog or error; `None` when Puppet's compile timed out.
    expected: Option<Expected>,
    templates: Vec<String>,
}

fn load_cases() -> Vec<Case> {
    let dir = sweep_dir().join("data");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(".jsonl.gz"))
        .collect();
    files.sort();
    let mut cases = Vec::new();
    for path in files {
        let file = std::fs::File::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let reader = std::io::BufReader::new(flate2::read::GzDecoder::new(file));
        for line in reader.lines() {
            let line = line.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let mut r: Value =
                serde_json::from_str(&line).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let expected = if let Some(e) = r["error"].as_str() {
                Some(Expected::Error(e.to_string()))
            } else {
                r.get_mut("catalog").map(|c| Expected::Catalog(c.take()))
            };
            let text = |k: &str| r[k].as_str().unwrap_or_default().to_string();
            cases.push(Case {
                id: text("id"),
                module: text("module"),
                os: text("os"),
                manifest: text("manifest"),
                templates: r["templates"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|t| t.as_str().map(String::from))
                    .collect(),
                expected,
            });
        }
    }
    cases
}

/// What the cases share: the node name and facts of each OS, and the environment's links for
/// module directories Puppet cannot load under their own names.
struct Setup {
    nodes: BTreeMap<String, String>,
    facts: BTreeMap<String, IndexMap<String, Value>>,
    links: BTreeMap<String, String>,
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn load_setup() -> Setup {
    let corpus = read_json(&sweep_dir().join("corpus.json"));
    let strings = |v: &Value| -> BTreeMap<String, String> {
        v.as_object()
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
            .collect()
    };
    let nodes = strings(&corpus["nodes"]);
    let facts = nodes
        .keys()
        .map(|os| {
            let v = read_json(&sweep_dir().join("facts").join(format!("{os}.json")));
            (os.clone(), serde_json::from_value(v).expect("facts are an object"))
        })
        .collect();
    let recorded = strings(&corpus["modules"]);
    let installed = corpus_digests();
    let changed: Vec<String> = recorded
        .keys()
        .chain(installed.keys())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .filter(|m| recorded.get(*m) != installed.get(*m))
        .cloned()
        .collect();
    assert!(
        changed.is_empty(),
        "the installed corpus differs from the one recorded in sweep/corpus.json (modules {}); \
         run crates/lang/tests/sweep/regenerate.py",
        changed.join(", ")
    );
    Setup { nodes, facts, links: strings(&corpus["links"]) }
}

/// The files of a module directory (symbolic links inside it not followed), relative to it.
fn files(dir: &Path, rel: &str, out: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let Ok(meta) = std::fs::symlink_metadata(e.path()) else { continue };
        let name = format!("{rel}{}", e.file_name().to_string_lossy());
        if meta.is_dir() {
            files(&e.path(), &format!("{name}/"), out);
        } else if meta.is_file() {
            out.push((name, e.path()));
        }
    }
}

/// Each module directory's digest, as regenerate.py records it: MD5 over its files in path
/// order, each as `path \n length \n content`.
fn corpus_digests() -> BTreeMap<String, String> {
    use md5::{Digest, Md5};
    let root = Path::new(CORPUS);
    assert!(
        root.join("stdlib").is_dir(),
        "Debian's puppet-module-* packages are not installed in {CORPUS} (see .ci/run)"
    );
    let mut out = BTreeMap::new();
    for e in std::fs::read_dir(root).expect("the corpus").flatten() {
        if !e.path().is_dir() {
            continue;
        }
        let mut list = Vec::new();
        files(&e.path(), "", &mut list);
        list.sort();
        let mut h = Md5::new();
        for (name, path) in list {
            let bytes = std::fs::read(&path).unwrap_or_default();
            h.update(name.as_bytes());
            h.update(format!("\n{}\n", bytes.len()).as_bytes());
            h.update(&bytes);
        }
        let hex: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
        out.insert(e.file_name().to_string_lossy().to_string(), hex);
    }
    out
}

/// Every `.erb` and `.epp` file of the corpus, as `MODULEDIR/path`.
fn corpus_templates() -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for e in std::fs::read_dir(CORPUS).expect("the corpus").flatten() {
        let mut list = Vec::new();
        files(&e.path(), "", &mut list);
        let module = e.file_name().to_string_lossy().to_string();
        for (name, _) in list {
            if name.ends_with(".erb") || name.ends_with(".epp") {
                out.insert(format!("{module}/{name}"));
            }
        }
    }
    out
}

/// A worker's environment: `DIR/production` with the case's `manifests/site.pp` and the links.
fn make_environment(dir: &Path, links: &BTreeMap<String, String>) {
    let env = dir.join("production");
    std::fs::create_dir_all(env.join("manifests")).unwrap();
    std::fs::create_dir_all(env.join("modules")).unwrap();
    for (name, target) in links {
        std::os::unix::fs::symlink(Path::new(CORPUS).join(target), env.join("modules").join(name)).unwrap();
    }
}

// `CompileError` is large (the compiler's own API returns it unboxed; see lib.rs).
#[allow(clippy::result_large_err)]
fn compile_case(case: &Case, setup: &Setup, envpath: &Path) -> Result<(), String> {
    let Some(expected) = &case.expected else {
        return Err("Puppet's compile timed out; nothing to compare".into());
    };
    let env = envpath.join("production");
    std::fs::write(env.join("manifests").join("site.pp"), &case.manifest).map_err(|e| e.to_string())?;
    let certname = setup.nodes.get(&case.os).ok_or_else(|| format!("no node for {}", case.os))?;
    let facts = setup.facts.get(&case.os).cloned().unwrap_or_default();
    let prefix = format!("{}/", env.display());
    let environment =
        Environment::open(envpath, "production", &[PathBuf::from(CORPUS)]).map_err(|e| e.to_string())?;
    let request = CompileRequest { certname: certname.clone(), facts, ..Default::default() };
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| environment.compile(&request)))
        .map_err(|p| {
            let msg = p
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            format!("the compiler panicked: {msg}")
        })?;
    // The worker's directory out of any message, so reports compare across runs.
    differential::check(result, expected, certname, &prefix, "sweep").map_err(|e| e.replace(&prefix, ""))
}

/// Compiles every case on a few threads; returns each case's outcome in case order. A compile
/// that runs longer than `HANG` ends the test process with the case's name.
fn run_all(cases: &[&Case], setup: &Setup) -> Vec<Result<(), String>> {
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get()).min(8);
    let next = AtomicUsize::new(0);
    let mut results: Vec<Option<Result<(), String>>> = vec![None; cases.len()];
    let (tx, rx) = mpsc::channel::<(usize, Option<Result<(), String>>)>();
    std::thread::scope(|s| {
        for _ in 0..threads {
            let (tx, next) = (tx.clone(), &next);
            s.spawn(move || {
                let dir = tempfile::tempdir().expect("a temporary directory");
                make_environment(dir.path(), &setup.links);
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    if i >= cases.len() || tx.send((i, None)).is_err() {
                        break;
                    }
                    let outcome = compile_case(cases[i], setup, dir.path());
                    if tx.send((i, Some(outcome))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let mut running: BTreeMap<usize, Instant> = BTreeMap::new();
        loop {
            match rx.recv_timeout(Duration::from_secs(1)) {
                Ok((i, None)) => {
                    running.insert(i, Instant::now());
                }
                Ok((i, Some(outcome))) => {
                    running.remove(&i);
                    results[i] = Some(outcome);
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
            if let Some((i, since)) = running.iter().find(|(_, t)| t.elapsed() > HANG) {
                eprintln!(
                    "sweep: case {} has been compiling for {:?}: it hangs",
                    cases[*i].id,
                    since.elapsed()
                );
                std::process::exit(1);
            }
        }
    });
    results.into_iter().map(|r| r.unwrap_or_else(|| Err("not compiled".into()))).collect()
}

/// `sweep/KNOWN_GAPS.md`: the cases that differ, each under a `###` heading naming its cause
/// (section "## Cases that differ"), and the templates no case renders, each with its reason
/// (section "## Templates no case renders", lines "- `MODULEDIR/path`: reason").
#[derive(Default)]
struct KnownGaps {
    cases: BTreeMap<String, String>,
    templates: BTreeMap<String, String>,
    problems: Vec<String>,
}

const CASES_SECTION: &str = "## Cases that differ";
const TEMPLATES_SECTION: &str = "## Templates no case renders";

impl KnownGaps {
    fn read() -> KnownGaps {
        let path = sweep_dir().join("KNOWN_GAPS.md");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut gaps = KnownGaps::default();
        let (mut section, mut cause) = (String::new(), String::new());
        for (n, line) in text.lines().enumerate() {
            if let Some(h) = line.strip_prefix("### ") {
                cause = h.trim().to_string();
                continue;
            }
            if line.starts_with("## ") || line.starts_with("# ") {
                section = line.trim().to_string();
                cause.clear();
                continue;
            }
            let Some(rest) = line.strip_prefix("- `") else { continue };
            let Some((name, reason)) = rest.split_once('`') else { continue };
            let reason = reason.trim_start_matches(':').trim();
            let reason = if reason.is_empty() { cause.clone() } else { reason.to_string() };
            let at = format!("KNOWN_GAPS.md line {}", n + 1);
            let list = if section.starts_with(CASES_SECTION) {
                &mut gaps.cases
            } else if section.starts_with(TEMPLATES_SECTION) {
                &mut gaps.templates
            } else {
                continue;
            };
            if reason.is_empty() {
                gaps.problems.push(format!("{at}: `{name}` is listed without a cause"));
            } else if list.insert(name.to_string(), reason).is_some() {
                gaps.problems.push(format!("{at}: `{name}` is listed twice"));
            }
        }
        gaps
    }
}

#[derive(Default)]
struct Tally {
    cases: usize,
    same: usize,
    different: usize,
    puppet_catalogs: usize,
    puppet_errors: usize,
}

#[test]
fn sweep_matches_puppet() {
    differential::use_machine_facts();
    let setup = load_setup();
    let all = load_cases();
    assert!(!all.is_empty(), "no recorded cases under {}", sweep_dir().join("data").display());
    let only = std::env::var("SWEEP_CASE").ok();
    let cases: Vec<&Case> =
        all.iter().filter(|c| only.as_ref().is_none_or(|o| c.id.contains(o.as_str()))).collect();
    let started = Instant::now();
    let results = run_all(&cases, &setup);
    let elapsed = started.elapsed();
    let gaps = KnownGaps::read();
    let mut problems = gaps.problems.clone();

    let out_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("sweep");
    std::fs::create_dir_all(&out_dir).expect("the report directory");
    let mut details = std::fs::File::create(out_dir.join("differences.txt")).expect("differences.txt");
    let mut jsonl = std::fs::File::create(out_dir.join("results.jsonl")).expect("results.jsonl");

    let mut total = Tally::default();
    let mut per_module: BTreeMap<&str, Tally> = BTreeMap::new();
    let mut unlisted = Vec::new();
    for (case, outcome) in cases.iter().zip(&results) {
        let m = per_module.entry(case.module.as_str()).or_default();
        for t in [&mut total, m] {
            t.cases += 1;
            match &case.expected {
                Some(Expected::Catalog(_)) => t.puppet_catalogs += 1,
                Some(Expected::Error(_)) => t.puppet_errors += 1,
                None => {}
            }
            match outcome {
                Ok(()) => t.same += 1,
                Err(_) => t.different += 1,
            }
        }
        let listed = gaps.cases.get(&case.id);
        let line = serde_json::json!({
            "id": case.id,
            "module": case.module,
            "puppet": match &case.expected {
                Some(Expected::Catalog(_)) => "catalog",
                Some(Expected::Error(_)) => "error",
                None => "timeout",
            },
            "same": outcome.is_ok(),
            "listed": listed,
            "difference": outcome.as_ref().err(),
        });
        writeln!(jsonl, "{line}").expect("results.jsonl");
        match (outcome, listed) {
            (Ok(()), Some(_)) => {
                problems.push(format!("{}: matches Puppet now; remove it from KNOWN_GAPS.md", case.id))
            }
            (Err(e), None) => {
                unlisted.push(format!("{}:\n  {}", case.id, truncate(e, 1500)));
            }
            _ => {}
        }
        if let Err(e) = outcome {
            writeln!(details, "{}{}:\n  {e}\n", case.id, if listed.is_some() { " (listed)" } else { "" })
                .expect("differences.txt");
        }
    }
    if only.is_none() {
        let ids: BTreeSet<&str> = all.iter().map(|c| c.id.as_str()).collect();
        for id in gaps.cases.keys().filter(|id| !ids.contains(id.as_str())) {
            problems.push(format!("KNOWN_GAPS.md lists `{id}`, which is not a sweep case"));
        }
    }

    // Template coverage, from Puppet's side: what the cases where Puppet compiled a catalog
    // rendered (their output is compared through the catalog).
    let corpus = corpus_templates();
    let rendered: BTreeSet<&str> = all
        .iter()
        .filter(|c| matches!(c.expected, Some(Expected::Catalog(_))))
        .flat_map(|c| c.templates.iter().map(String::as_str))
        .collect();
    let in_errors: BTreeSet<&str> = all
        .iter()
        .filter(|c| !matches!(c.expected, Some(Expected::Catalog(_))))
        .flat_map(|c| c.templates.iter().map(String::as_str))
        .collect();
    for t in &corpus {
        match (rendered.contains(t.as_str()), gaps.templates.contains_key(t)) {
            (true, true) => {
                problems.push(format!("template {t}: rendered by a case now; remove it from KNOWN_GAPS.md"))
            }
            (false, false) => problems.push(format!(
                "template {t}: no case renders it{}; list it in KNOWN_GAPS.md with the reason",
                if in_errors.contains(t.as_str()) { " (only cases where Puppet fails do)" } else { "" }
            )),
            _ => {}
        }
    }
    for t in gaps.templates.keys().filter(|t| !corpus.contains(*t)) {
        problems.push(format!("KNOWN_GAPS.md lists template `{t}`, which is not in the corpus"));
    }

    let mut tally = String::new();
    let modules = per_module.len();
    tally.push_str(&format!(
        "sweep: {} cases in {modules} modules ({} classes and defines × {} systems): Puppet compiled {} catalogs and failed {} times{}\n",
        total.cases,
        cases.iter().map(|c| c.id.split('@').next().unwrap_or_default()).collect::<BTreeSet<_>>().len(),
        setup.nodes.len(),
        total.puppet_catalogs,
        total.puppet_errors,
        if total.cases > total.puppet_catalogs + total.puppet_errors { ", timed out on the rest" } else { "" },
    ));
    tally.push_str(&format!(
        "Bunraku against Puppet: {} same, {} different ({} listed in KNOWN_GAPS.md, {} not listed); {:.1} s\n",
        total.same,
        total.different,
        total.different - unlisted.len(),
        unlisted.len(),
        elapsed.as_secs_f64()
    ));
    tally.push_str(&format!(
        "templates: {} in the corpus, {} rendered by cases where Puppet compiles, {} listed as not rendered\n\n",
        corpus.len(),
        corpus.iter().filter(|t| rendered.contains(t.as_str())).count(),
        gaps.templates.len()
    ));
    tally.push_str(&format!(
        "{:<20} {:>6} {:>8} {:>7} {:>6} {:>10}\n",
        "module", "cases", "catalogs", "errors", "same", "different"
    ));
    for (m, t) in &per_module {
        tally.push_str(&format!(
            "{m:<20} {:>6} {:>8} {:>7} {:>6} {:>10}\n",
            t.cases, t.puppet_catalogs, t.puppet_errors, t.same, t.different
        ));
    }
    std::fs::write(out_dir.join("tally.txt"), &tally).expect("tally.txt");
    println!("{tally}");
    println!("(written to {})", out_dir.display());

    let mut failures = Vec::new();
    if !unlisted.is_empty() {
        failures.push(format!(
            "{} cases differ from Puppet and are not listed in sweep/KNOWN_GAPS.md (all differences: {}):\n{}",
            unlisted.len(),
            out_dir.join("differences.txt").display(),
            unlisted.iter().take(40).cloned().collect::<Vec<_>>().join("\n")
        ));
    }
    failures.extend(problems);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}
