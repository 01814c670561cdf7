//! Invalid (and borderline) snippets under `tests/invalid/`, each with the verdict `puppet parser
//! validate` (7.23) gave it in `invalid/verdicts.txt` (`invalid-verdicts.sh`): we must reject the
//! same snippets, on the same line and (where Puppet gives one) column, and accept the rest.

use std::path::Path;

use bunraku_lang::validate_file;

#[test]
fn invalid_snippets_match_puppet_parser_validate() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/invalid");
    let only = std::env::var("SNIPPET").ok();
    let mut failures = Vec::new();
    let mut checked = 0;
    for line in include_str!("invalid/verdicts.txt").lines() {
        let f: Vec<&str> = line.split('\t').collect();
        if only.as_deref().is_some_and(|o| !f[0].contains(o)) {
            continue;
        }
        checked += 1;
        let ours = validate_file(&dir.join(f[0]));
        match (f.get(1).copied(), ours) {
            (Some("ok"), Ok(())) => {}
            (Some("ok"), Err(e)) => failures.push(format!("{}: Puppet accepts, we say: {e}", f[0])),
            (_, Ok(())) => {
                failures.push(format!("{}: Puppet rejects ({}), we accept", f[0], f[4..].join(" ")))
            }
            (_, Err(e)) => {
                let want = (f[2].parse::<u32>().ok(), f[3].parse::<u32>().ok());
                let got = (e.line, if want.1.is_some() { e.column } else { None });
                if want != got {
                    failures.push(format!(
                        "{}: Puppet says {want:?} {}, we say {:?} {}",
                        f[0],
                        f[4],
                        (e.line, e.column),
                        e.message
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} snippets disagree:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
