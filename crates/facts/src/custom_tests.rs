//! Custom facts against facter 4.3 on this machine: every custom fact of Debian's Puppet modules
//! (the `lib/facter` directory of each module under /usr/share/puppet/modules), all directories at
//! once as an agent has them after pluginsync, resolved by `facter --custom-dir …` and by us in the
//! same test, fact by fact.
//!
//! What facter itself cannot resolve on this machine is left out by both, and compared so:
//!
//! * `os_service_default.rb` (openstacklib) requires `puppet/util/package`; facter finds Puppet's
//!   own file on Ruby's load path, which fails to load with "uninitialized constant Puppet", so
//!   the file's fact is never defined. We keep Puppet's library out, the shim answers
//!   `versioncmp`, and the file's own condition (facter older than 2.0.1) leaves the fact undefined
//!   too: the same answer for another reason.
//! * Facts whose code raises on this machine (the `ssh` module's facts when `sshd` is missing,
//!   `pe_*`'s confined facts, …) are logged and left out by both.
//!
//! Two answers depend on Puppet's library, which facter loads when a fact file requires it
//! (stdlib's `package_provider` does, with `require 'puppet/type'`): stdlib's `puppet_*` settings
//! facts read Puppet's settings, which facter leaves uninitialised (`server` is Puppet's default
//! `puppet`, `vardir` and `environmentpath` are unset), so the test hands us those same settings; the
//! agent hands its own. `package_provider` and `service_provider` are what Puppet picks on this
//! node, which we derive from the node's facts ([`default_providers`]).

use std::path::PathBuf;

use serde_json::json;

use super::*;

const CORPUS: &str = "/usr/share/puppet/modules";

/// Each module's `lib/facter`, in module name order.
fn corpus_dirs() -> Vec<PathBuf> {
    let mut modules: Vec<PathBuf> = std::fs::read_dir(CORPUS)
        .unwrap_or_else(|e| panic!("{CORPUS}: {e} (.ci/run installs Debian's puppet-module-* packages)"))
        .flatten()
        .map(|e| e.path().join("lib/facter"))
        .filter(|d| d.is_dir())
        .collect();
    modules.sort();
    modules
}

fn facter(args: &[String]) -> serde_json::Map<String, Value> {
    let out = std::process::Command::new("facter")
        .arg("--json")
        .args(args)
        .output()
        .expect("facter 4.3 is missing: .ci/run installs it (apt-get install facter)");
    match serde_json::from_slice(&out.stdout) {
        Ok(Value::Object(map)) => map,
        _ => panic!("facter printed no facts: {}", String::from_utf8_lossy(&out.stderr)),
    }
}

#[test]
fn every_custom_fact_of_the_corpus_resolves_as_facter_resolves_it() {
    let dirs = corpus_dirs();
    let files = files(&dirs);
    assert!(files.len() >= 40, "the corpus has {} fact files", files.len());

    let core_only = facter(&[]);
    let custom_args: Vec<String> =
        dirs.iter().flat_map(|d| ["--custom-dir".to_string(), d.display().to_string()]).collect();
    let theirs = facter(&custom_args);

    let core = crate::resolve_core();
    let external = crate::external::resolve(&crate::external::default_dirs());
    let puppet = PuppetContext {
        settings: vec![("server".into(), "puppet".into())],
        environment: "production".into(),
    };
    let ours = resolve(&files, &core, &external, &puppet).expect("the Ruby worker resolves the corpus");

    // Facter's custom facts: what it prints beyond its core facts, and any defined name it prints.
    let mut names: Vec<String> =
        theirs.keys().filter(|k| !core_only.contains_key(*k) || ours.defined.contains(k)).cloned().collect();
    for name in ours.defined.iter().chain(ours.facts.keys()) {
        if !names.contains(name) {
            names.push(name.clone());
        }
    }
    names.sort();

    let mut diffs = Vec::new();
    let mut matched = 0;
    for name in &names {
        let (a, b) = (ours.facts.get(name), theirs.get(name));
        if a == b {
            matched += 1;
        } else {
            diffs.push(format!(
                "{name}: ours {} facter {}",
                a.map_or("(none)".into(), Value::to_string),
                b.map_or("(none)".into(), Value::to_string)
            ));
        }
    }
    let resolved = names.iter().filter(|n| theirs.contains_key(*n)).count();
    let unresolved: Vec<&str> =
        names.iter().filter(|n| !theirs.contains_key(*n)).map(String::as_str).collect();
    eprintln!(
        "{} fact files, {} custom facts defined, {} resolved by facter, {matched} of {} answers equal; \
         left out by both: {}; errors logged by us:\n  {}",
        files.len(),
        ours.defined.len(),
        resolved,
        names.len(),
        unresolved.join(", "),
        ours.errors.join("\n  ")
    );
    assert!(diffs.is_empty(), "differences from facter:\n{}", diffs.join("\n"));
    // The comparison is not empty by accident: most of the corpus resolves here.
    assert!(resolved >= 30, "only {resolved} custom facts resolved");
}

/// The directories and files an agent reads: `$libdir/facter`, then `factpath`, each once (a
/// directory that does not exist yet has no files), `*.rb` sorted by name per directory.
#[test]
fn agent_dirs_and_files_in_facters_order() {
    let tmp = tempfile::tempdir().unwrap();
    let lib = tmp.path().join("lib");
    let facts = tmp.path().join("facts");
    std::fs::create_dir_all(lib.join("facter/util")).unwrap();
    std::fs::create_dir_all(&facts).unwrap();
    for f in
        ["lib/facter/b.rb", "lib/facter/a.rb", "lib/facter/.hidden.rb", "lib/facter/util/u.rb", "facts/c.rb"]
    {
        std::fs::write(tmp.path().join(f), "").unwrap();
    }
    std::fs::write(tmp.path().join("lib/facter/notes.txt"), "").unwrap();
    let dirs = dirs(Some(&lib), &[lib.join("facter"), facts.clone(), tmp.path().join("missing")]);
    assert_eq!(dirs, [lib.join("facter"), facts.clone(), tmp.path().join("missing")]);
    assert_eq!(files(&dirs), [lib.join("facter/a.rb"), lib.join("facter/b.rb"), facts.join("c.rb")]);
}

/// No files, no Ruby: the agent's facts are the native ones.
#[test]
fn no_custom_fact_files_start_no_ruby() {
    let tmp = tempfile::tempdir().unwrap();
    let before = bridge().stats().workers_started;
    let sources = crate::Sources { custom_dirs: vec![tmp.path().to_path_buf()], ..Default::default() };
    let facts = crate::resolve_with(&sources);
    assert!(facts.contains_key("os"));
    assert_eq!(bridge().stats().workers_started, before);
}

/// The agent's resolution merges custom facts over external and core ones as facter does: a custom
/// fact replaces a core fact only with a weight, and an external fact unless it is heavier than
/// 10000; a fact whose code fails is left out and the others stay.
#[test]
fn custom_facts_merge_with_core_and_external_facts_as_in_facter() {
    let tmp = tempfile::tempdir().unwrap();
    let custom = tmp.path().join("lib/facter");
    let external = tmp.path().join("facts.d");
    std::fs::create_dir_all(&custom).unwrap();
    std::fs::create_dir_all(&external).unwrap();
    std::fs::write(external.join("e.txt"), "site=external\nrole=external\n").unwrap();
    std::fs::write(
        custom.join("merge.rb"),
        r#"
Facter.add(:kernel) { setcode { 'unweighted' } }
Facter.add(:timezone) { has_weight 1; setcode { 'weighted' } }
Facter.add(:site) { setcode { 'custom' } }
Facter.add(:role) { has_weight 20_000; setcode { 'custom' } }
Facter.add(:broken) { setcode { raise 'no' } }
Facter.add(:vardir) { setcode { Puppet[:vardir] } }
Facter.add(:family_seen) { setcode { Facter.value('os.family') } }
"#,
    )
    .unwrap();
    let sources = crate::Sources {
        external_dirs: vec![external],
        custom_dirs: vec![custom],
        puppet: PuppetContext {
            settings: vec![("vardir".into(), "/var/cache/bunraku".into())],
            environment: "production".into(),
        },
    };
    let facts = crate::resolve_with(&sources);
    let core = crate::resolve_core();
    assert_eq!(facts["kernel"], core["kernel"]);
    assert_eq!(facts["timezone"], json!("weighted"));
    assert_eq!(facts["site"], json!("external"));
    assert_eq!(facts["role"], json!("custom"));
    assert!(!facts.contains_key("broken"));
    assert_eq!(facts["vardir"], json!("/var/cache/bunraku"));
    assert_eq!(facts["family_seen"], core["os"]["family"]);
}
