//! The validation suite (`tests/validation/`, see its README): one snippet per issue Puppet 7's
//! validator, parser and lexer can raise, and near misses, with what `puppet parser validate`
//! (7.23) logged for each in `validation/verdicts.txt` (`validation/regenerate.sh`). Ours must log
//! the same lines: level, message, line and column, warnings included, in the same order.
//! A snippet listed in `validation/differences.txt` must differ (the README gives each cause):
//! one that has come to agree must be taken off the list.
//!
//! `SNIPPET=NAME cargo test -p bunraku-lang --test validation` checks the snippets whose file
//! name contains NAME.

use std::collections::BTreeMap;
use std::path::Path;

use bunraku_lang::{check_file_in, Level};

/// Puppet's lines for each snippet, as recorded (`ok` snippets have none).
fn recorded() -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in include_str!("validation/verdicts.txt").lines() {
        let (file, rest) = line.split_once('\t').expect("a snippet name, a tab, its verdict");
        let lines = out.entry(file.to_string()).or_default();
        if rest != "ok" {
            lines.push(rest.to_string());
        }
    }
    out
}

/// Our lines for one snippet, in the record's form: `level\tline\tcolumn\tmessage`, with
/// `modules/` as the modulepath and the suite's directory written `<dir>/` in messages.
fn ours(dir: &Path, name: &str) -> Vec<String> {
    let prefix = format!("{}/", dir.display());
    check_file_in(&dir.join(name), &[dir.join("modules")])
        .log()
        .into_iter()
        .map(|(level, e)| {
            let level = match level {
                Level::Warning => "warning",
                Level::Error => "error",
            };
            let num = |n: Option<u32>| n.map_or("-".to_string(), |n| n.to_string());
            let message = e.message.replace(&prefix, "<dir>/");
            format!("{level}\t{}\t{}\t{message}", num(e.line), num(e.column))
        })
        .collect()
}

#[test]
fn snippets_match_puppet_parser_validate() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/validation");
    let only = std::env::var("SNIPPET").ok();
    let differences: Vec<&str> = include_str!("validation/differences.txt")
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| l.split('\t').next().unwrap_or(l).trim())
        .collect();
    let record = recorded();
    let mut on_disk = Vec::new();
    snippets(&dir, "", &mut on_disk);
    on_disk.sort();
    let mut failures = Vec::new();
    for name in &on_disk {
        if !record.contains_key(name) {
            failures.push(format!("{name}: not in verdicts.txt (run validation/regenerate.sh)"));
        }
    }
    let (mut checked, mut same) = (0, 0);
    for (name, want) in &record {
        if only.as_deref().is_some_and(|o| !name.contains(o)) {
            continue;
        }
        checked += 1;
        let got = ours(&dir, name);
        let listed = differences.contains(&name.as_str());
        match (got == *want, listed) {
            (true, false) => same += 1,
            (false, true) => {}
            (true, true) => failures.push(format!("{name}: agrees now; take it off differences.txt")),
            (false, false) => failures.push(format!(
                "{name}:\n  Puppet: {}\n  ours:   {}",
                if want.is_empty() { "ok".to_string() } else { want.join("\n          ") },
                if got.is_empty() { "ok".to_string() } else { got.join("\n          ") },
            )),
        }
    }
    for d in &differences {
        if !record.contains_key(*d) {
            failures.push(format!("{d}: listed in differences.txt but not a recorded snippet"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} snippets disagree with Puppet ({same} same):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The `.pp` files under `dir` (recursively), named by their path from it.
fn snippets(dir: &Path, prefix: &str, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
        if entry.path().is_dir() {
            snippets(&entry.path(), &format!("{name}/"), out);
        } else if name.ends_with(".pp") {
            out.push(name);
        }
    }
}
