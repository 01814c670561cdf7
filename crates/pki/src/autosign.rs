//! The `autosign` setting: `true`, `false`, a whitelist file, or an executable policy.

use std::path::PathBuf;

/// How the CA decides to sign a CSR without a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Autosign {
    /// `autosign = true`: sign everything.
    All,
    /// `autosign = false`, or a path that does not exist: sign nothing.
    Never,
    /// A whitelist file of names and `*.domain` globs.
    Whitelist(PathBuf),
    /// An executable run as `<path> <certname>` with the CSR on stdin; exit 0 signs.
    Policy(PathBuf),
}

impl Autosign {
    /// Interprets the setting's value as Puppet does.
    pub fn from_setting(value: &str) -> Autosign {
        todo!("{value}")
    }

    /// Whether `certname` (with its CSR, for policy executables) is to be signed now.
    pub fn allows(&self, certname: &str, csr_pem: &str) -> bool {
        todo!("{certname} {csr_pem}")
    }
}
