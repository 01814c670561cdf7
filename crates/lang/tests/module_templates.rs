//! Every `.erb` and `.epp` template of the modules the differential suite (`tests/modules/`)
//! covers goes through our template front ends: ERB through the Ruby-subset scanner and parser,
//! EPP through its translation and the Puppet parser. The module cases render the templates
//! their manifests reach with the real compile scope; this covers the rest for constructs we do
//! not support. A template we cannot take is listed with its reason in
//! `tests/modules/KNOWN_GAPS.md`; the test fails on any other, and on a listed one that passes.

use std::path::{Path, PathBuf};

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

fn check(path: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    if path.extension().is_some_and(|x| x == "erb") {
        return bunraku_lang::templates::erb::check(&text)
            .map_err(|e| format!("line {}: {}", e.line, e.message));
    }
    let program = bunraku_lang::templates::epp::translate(&text)
        .map_err(|e| format!("line {}: {}", e.line, e.message))?;
    bunraku_lang::parser::parse(&program.source).map(|_| ()).map_err(|e| e.message)
}

#[test]
fn module_templates_are_in_the_supported_subset() {
    let root = Path::new(BASEMODULEPATH);
    if !root.join("stdlib").is_dir() {
        panic!("Debian's puppet-module-* packages are not installed (see .ci/run)");
    }
    let gaps_text = include_str!("modules/KNOWN_GAPS.md");
    // Listed templates: lines "- `module/templates/path`: reason" in the templates section.
    let listed: Vec<&str> = gaps_text
        .lines()
        .filter_map(|l| l.strip_prefix("- `"))
        .filter_map(|l| l.split_once('`').map(|(p, _)| p))
        .filter(|p| p.contains("/templates/"))
        .collect();
    let mut all = Vec::new();
    for m in MODULES {
        templates(&root.join(m).join("templates"), &mut all);
    }
    all.sort();
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
