//! Differential catalog tests on real modules: every directory under `tests/modules/` holds an
//! environment whose node manifest uses Debian's packaged modules (found on the basemodulepath
//! `/usr/share/puppet/modules`, as Puppet finds them), the node's facts (Debian 12 or RedHat 9,
//! from `facts.py`) and the catalog real Puppet 7.23 produced (`modules/regenerate.sh`), compared
//! by `differential` as `catalog-diff --strict` does.
//!
//! The same suite must render every `.erb` and `.epp` template of those modules: a template's
//! output lands in the catalog (a file's `content`, a fragment's), so a case that reaches it
//! compares its rendering with Puppet's byte for byte. A template no case renders is listed with
//! its reason in `tests/modules/KNOWN_GAPS.md`; the test fails on any other, and on a listed one
//! that renders. Every template also goes through our front ends on its own (ERB: the Ruby-subset
//! scanner and parser; EPP: translation and the Puppet parser) to name unsupported constructs.

mod differential;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use tracing_subscriber::layer::SubscriberExt;

const BASEMODULEPATH: &str = "/usr/share/puppet/modules";

/// The modules of the differential suite (directory names on the basemodulepath).
const MODULES: &[&str] = &[
    "ntp",
    "chrony",
    "rsync",
    "xinetd",
    "memcached",
    "concat",
    "inifile",
    "logrotate",
    "apt",
    "tftp",
    "kmod",
    "saz-rsyslog",
    "ssh",
    "postgresql",
    "firewall",
    "collectd",
    "zookeeper",
];

fn templates(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            templates(&p, out);
        } else if p.extension().is_some_and(|x| x == "erb" || x == "epp") {
            out.push(p);
        }
    }
}

/// EPP goes through our front end (translation, then the Puppet parser); ERB is Ruby's own.
fn check(path: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let program = bunraku_lang::templates::epp::translate(&text)
        .map_err(|e| format!("line {}: {}", e.line, e.message))?;
    bunraku_lang::parser::parse(&program.source).map(|_| ()).map_err(|e| e.message)
}

#[test]
fn module_catalogs_match_puppet() {
    if !Path::new(BASEMODULEPATH).join("stdlib").is_dir() {
        panic!("Debian's puppet-module-* packages are not installed (see .ci/run)");
    }
    // Every case must match: a case we cannot match yet lives under `modules/_gaps/` (outside the
    // suite) with what differs listed in `modules/KNOWN_GAPS.md`.
    let rendered = Arc::new(Mutex::new(BTreeSet::new()));
    let subscriber = tracing_subscriber::registry().with(Rendered(rendered.clone()));
    let (passed, failures) = tracing::subscriber::with_default(subscriber, || {
        differential::run_suite("modules", &[BASEMODULEPATH.into()])
    });
    eprintln!("{passed} module cases pass, {} fail", failures.len());
    assert!(
        failures.is_empty(),
        "{} of {} module cases differ from Puppet:\n{}",
        failures.len(),
        passed + failures.len(),
        failures.join("\n")
    );
    if std::env::var_os("CASE").is_none() {
        check_rendered(&rendered.lock().unwrap());
    }
}

#[test]
fn module_epp_templates_pass_our_front_end() {
    let root = Path::new(BASEMODULEPATH);
    let listed = listed("### Not taken by our front ends");
    let all: Vec<PathBuf> =
        all_templates().into_iter().filter(|p| p.extension().is_some_and(|x| x == "epp")).collect();
    let mut ok = 0;
    let mut problems = Vec::new();
    for path in &all {
        let short = path.strip_prefix(root).unwrap_or(path).display().to_string();
        match (check(path), listed.contains(&short.as_str())) {
            (Ok(()), false) => ok += 1,
            (Ok(()), true) => problems.push(format!("{short}: passes now; remove it from KNOWN_GAPS.md")),
            (Err(_), true) => {}
            (Err(e), false) => problems.push(format!("{short}: {e}")),
        }
    }
    eprintln!("{ok} of {} module templates pass", all.len());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Collects the `template` field of the compiler's "Interpolated template" events.
struct Rendered(Arc<Mutex<BTreeSet<PathBuf>>>);

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Rendered {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        struct Field(Option<String>);
        impl tracing::field::Visit for Field {
            fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
                if field.name() == "template" {
                    self.0 = Some(format!("{value:?}"));
                }
            }
        }
        let mut f = Field(None);
        event.record(&mut f);
        if let Some(t) = f.0 {
            self.0.lock().unwrap().insert(PathBuf::from(t));
        }
    }
}

/// Templates listed in KNOWN_GAPS.md under `heading`: lines "- `module/templates/path`: reason".
fn listed(heading: &str) -> Vec<&'static str> {
    let text = include_str!("modules/KNOWN_GAPS.md");
    let Some(at) = text.find(heading) else { panic!("KNOWN_GAPS.md has no section {heading:?}") };
    let section = &text[at + heading.len()..];
    let section = &section[..section.find("\n#").unwrap_or(section.len())];
    section
        .lines()
        .filter_map(|l| l.strip_prefix("- `"))
        .filter_map(|l| l.split_once('`').map(|(p, _)| p))
        .filter(|p| p.contains("/templates/"))
        .collect()
}

fn all_templates() -> Vec<PathBuf> {
    let root = Path::new(BASEMODULEPATH);
    if !root.join("stdlib").is_dir() {
        panic!("Debian's puppet-module-* packages are not installed (see .ci/run)");
    }
    let mut all = Vec::new();
    for m in MODULES {
        templates(&root.join(m).join("templates"), &mut all);
    }
    all.sort();
    all
}

fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Every template of the suite's modules was rendered by some case, or is listed as not rendered.
fn check_rendered(rendered: &BTreeSet<PathBuf>) {
    let rendered: BTreeSet<PathBuf> = rendered.iter().map(|p| canonical(p)).collect();
    let root = Path::new(BASEMODULEPATH);
    let gaps = listed("### Not rendered");
    let all = all_templates();
    let mut problems = Vec::new();
    let mut count = 0;
    for path in &all {
        let short = path.strip_prefix(root).unwrap_or(path).display().to_string();
        // The compiler names a template by the path it found it under: Debian's alternatives
        // symlink, or a case's own `modules/NAME` link where the directory is not the module's name.
        let hit = rendered.contains(&canonical(path));
        count += usize::from(hit);
        match (hit, gaps.contains(&short.as_str())) {
            (true, true) => problems.push(format!("{short}: rendered now; remove it from KNOWN_GAPS.md")),
            (false, false) => problems.push(format!("{short}: no module case renders it")),
            _ => {}
        }
    }
    eprintln!("{count} of {} module templates rendered by the cases", all.len());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
