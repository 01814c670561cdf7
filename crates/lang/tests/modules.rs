//! Differential catalog tests on real modules: every directory under `tests/modules/` holds an
//! environment whose node manifest uses Debian's packaged modules (found on the basemodulepath
//! `/usr/share/puppet/modules`, as Puppet finds them), the node's facts (Debian 12 or RedHat 9,
//! from `facts.py`) and the catalog real Puppet 7.23 produced (`modules/regenerate.sh`), compared
//! by `differential` as `catalog-diff --strict` does.

mod differential;

use std::path::Path;

/// Debian's modules, where Puppet's basemodulepath finds them (`.ci/run` installs the packages).
const BASEMODULEPATH: &str = "/usr/share/puppet/modules";

#[test]
fn module_catalogs_match_puppet() {
    if !Path::new(BASEMODULEPATH).join("stdlib").is_dir() {
        panic!("Debian's puppet-module-* packages are not installed (see .ci/run)");
    }
    // Every case must match: a case we cannot match yet lives under `modules/_gaps/` (outside the
    // suite) with what differs listed in `modules/KNOWN_GAPS.md`.
    let (passed, failures) = differential::run_suite("modules", &[BASEMODULEPATH.into()]);
    eprintln!("{passed} module cases pass, {} fail", failures.len());
    assert!(
        failures.is_empty(),
        "{} of {} module cases differ from Puppet:\n{}",
        failures.len(),
        passed + failures.len(),
        failures.join("\n")
    );
}
