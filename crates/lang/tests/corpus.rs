//! The Debian module corpus: every `.pp` file shipped by the `puppet-module-*` packages must get
//! the verdict `puppet parser validate` (7.23) gave it, recorded in `corpus-verdicts.txt` by
//! `corpus-verdicts.sh`: accepted files parse, rejected files fail on the same line.
//!
//! The packages are installed by CI ([`INSTALL`]); without them the test fails and names the
//! command, because a corpus test that passes without its corpus proves nothing.

use std::path::Path;

use bunraku_lang::validate_file;

/// How `.ci/run` installs the corpus.
const INSTALL: &str = "apt-get install -y $(apt-cache search --names-only '^puppet-module-' | cut -d' ' -f1)";

#[test]
fn debian_module_corpus_matches_puppet_parser_validate() {
    let root = Path::new(
        &std::env::var("CORPUS_ROOT").unwrap_or_else(|_| "/usr/share/puppet/modules.available".into()),
    )
    .to_path_buf();
    let verdicts = include_str!("corpus-verdicts.txt");
    assert!(
        root.is_dir(),
        "the Debian module corpus is not installed ({} is missing); install it with:\n  {INSTALL}",
        root.display()
    );
    let mut checked = 0;
    let mut missing = Vec::new();
    let mut failures = Vec::new();
    for line in verdicts.lines() {
        let mut fields = line.split('\t');
        let (Some(rel), Some(verdict)) = (fields.next(), fields.next()) else { continue };
        let path = root.join(rel);
        if !path.is_file() {
            missing.push(rel);
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
    eprintln!("corpus: {checked} files checked");
    assert!(
        missing.is_empty(),
        "{} of the {} corpus files in corpus-verdicts.txt are not installed (first: {}); install them with:\n  {INSTALL}",
        missing.len(),
        missing.len() + checked,
        missing[0]
    );
    assert!(failures.is_empty(), "{} of {checked} files disagree:\n{}", failures.len(), failures.join("\n"));
}
