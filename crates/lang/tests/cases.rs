//! Differential catalog tests: every directory under `tests/cases/` holds an environment, the
//! node's facts and certname, and the catalog (or error) real Puppet 7.23 produced for them
//! (`regenerate.sh`); `differential` compares them as `catalog-diff --strict` does.

mod differential;

#[test]
fn catalogs_match_puppet() {
    let (passed, failures) = differential::run_suite("cases", &[]);
    eprintln!("{passed} cases pass, {} fail", failures.len());
    assert!(
        failures.is_empty(),
        "{} of {} cases differ from Puppet:\n{}",
        failures.len(),
        passed + failures.len(),
        failures.join("\n")
    );
}
