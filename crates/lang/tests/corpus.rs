//! The Debian module corpus: every `.pp` file shipped by the `puppet-module-*` packages must get
//! the verdict `puppet parser validate` (7.23) gave it, recorded in `corpus-verdicts.txt` by
//! `corpus-verdicts.sh`: accepted files parse, rejected files fail on the same line.
//!
//! The packages are installed by CI (`apt-get install $(apt-cache search --names-only
//! '^puppet-module-' | cut -d' ' -f1)`); without them the test says so and passes, so that a
//! developer machine without the corpus can still run the suite.

use std::path::Path;

use bunraku_lang::validate_file;

#[test]
fn debian_module_corpus_matches_puppet_parser_validate() {
    let root = Path::new(
        &std::env::var("CORPUS_ROOT").unwrap_or_else(|_| "/usr/share/puppet/modules.available".into()),
    )
    .to_path_buf();
    let verdicts = include_str!("corpus-verdicts.txt");
    if !root.is_dir() {
        eprintln!("skipped: {} is not installed", root.display());
        return;
    }
    let (mut checked, mut missing) = (0, 0);
    let mut failures = Vec::new();
    for line in verdicts.lines() {
        let mut fields = line.split('\t');
        let (Some(rel), Some(verdict)) = (fields.next(), fields.next()) else { continue };
        let path = root.join(rel);
        if !path.is_file() {
            missing += 1;
            continue;
        }
        checked += 1;
        let ours = validate_file(&path);
        match (verdict, ours) {
            ("ok", Ok(())) => {}
            ("ok", Err(e)) => failures.push(format!("{rel}: Puppet accepts, we say: {e}")),
            (_, Ok(())) => failures.push(format!("{rel}: Puppet rejects ({line}), we accept")),
            (_, Err(e)) => {
                let line_no: Option<u32> = fields.next().and_then(|l| l.parse().ok());
                if line_no != e.line {
                    failures.push(format!("{rel}: Puppet says line {line_no:?} ({line}), we say {e}"));
                }
            }
        }
    }
    eprintln!("corpus: {checked} files checked, {missing} listed but not installed");
    assert!(failures.is_empty(), "{} of {checked} files disagree:\n{}", failures.len(), failures.join("\n"));
}
