//! Differential catalog tests: every directory under `tests/cases/` holds an environment, the
//! node's facts and certname, and the catalog (or error) real Puppet 7.23 produced for them
//! (`regenerate.sh`); `differential` compares them as `catalog-diff --strict` does.

mod differential;

/// Debian's Puppet searches its packaged modules too (its default basemodulepath), so the
/// recorded catalogs were made with them on the modulepath: the `*_core` modules' types
/// (host, sshkey, cron, …) come from there.
const BASEMODULEPATH: &str = "/usr/share/puppet/modules";

#[test]
fn catalogs_match_puppet() {
    let (passed, failures) = differential::run_suite("cases", &[BASEMODULEPATH.into()]);
    eprintln!("{passed} cases pass, {} fail", failures.len());
    assert!(
        failures.is_empty(),
        "{} of {} cases differ from Puppet:\n{}",
        failures.len(),
        passed + failures.len(),
        failures.join("\n")
    );
}
