//! The `autosign` setting: `true`, `false`, a whitelist file, or an executable policy.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// How the CA decides to sign a CSR without a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Autosign {
    /// `autosign = true`: sign everything.
    All,
    /// `autosign = false`: sign nothing.
    Never,
    /// A whitelist file of names and `*.domain` globs. The path is looked at again at each
    /// decision: a file created (or made executable) while the master runs takes effect at once,
    /// and a missing file signs nothing, as puppetserver does.
    Whitelist(PathBuf),
    /// An executable run as `<path> <certname>` with the CSR on stdin; exit 0 signs.
    Policy(PathBuf),
}

impl Autosign {
    /// Interprets the setting's value as Puppet does: `true`/`false`, else a path that is an
    /// executable (policy) or a whitelist file, which need not exist yet.
    pub fn from_setting(value: &str) -> Autosign {
        let value = value.trim();
        match value {
            "true" => return Autosign::All,
            "false" | "" => return Autosign::Never,
            _ => {}
        }
        let path = PathBuf::from(value);
        let Ok(meta) = std::fs::metadata(&path) else {
            return Autosign::Whitelist(path);
        };
        if meta.is_file() && is_executable(&meta) {
            Autosign::Policy(path)
        } else {
            Autosign::Whitelist(path)
        }
    }

    /// Whether `certname` (with its CSR, for policy executables) is to be signed now.
    ///
    /// The whitelist file is read at each decision because users edit it while the master runs;
    /// a whitelist that has disappeared since signs nothing.
    pub fn allows(&self, certname: &str, csr_pem: &str) -> bool {
        match self {
            Autosign::All => true,
            Autosign::Never => false,
            Autosign::Whitelist(path) => match std::fs::metadata(path) {
                Ok(meta) if meta.is_file() && is_executable(&meta) => policy_allows(path, certname, csr_pem),
                Ok(_) => whitelist_allows(path, certname),
                Err(_) => false,
            },
            Autosign::Policy(path) => policy_allows(path, certname, csr_pem),
        }
    }
}

#[cfg(unix)]
fn is_executable(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
fn is_executable(_meta: &std::fs::Metadata) -> bool {
    false
}

fn whitelist_allows(path: &Path, certname: &str) -> bool {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            tracing::debug!("Cannot read autosign file {}: {e}", path.display());
            return false;
        }
    };
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.contains(' ') || line.contains('#') || line.contains('\t') {
            tracing::warn!(
                "Invalid pattern '{line}' in autosign file {} line {}: it never matches",
                path.display(),
                index + 1
            );
            continue;
        }
        if entry_matches(line, certname) {
            tracing::debug!("{certname} matches autosign entry '{line}' in {}", path.display());
            return true;
        }
    }
    false
}

/// One whitelist entry against a certname: `*` matches all; `*.example.com` compares labels from the
/// right case-insensitively and also matches `example.com` itself; anything else must be equal.
pub(crate) fn entry_matches(entry: &str, certname: &str) -> bool {
    if entry == "*" {
        return true;
    }
    let Some(domain) = entry.strip_prefix('*') else {
        return entry == certname;
    };
    let pattern: Vec<&str> = domain.split('.').filter(|l| !l.is_empty()).collect();
    let labels: Vec<&str> = certname.split('.').collect();
    if pattern.is_empty() || labels.len() < pattern.len() {
        return false;
    }
    pattern.iter().rev().zip(labels.iter().rev()).all(|(p, l)| p.eq_ignore_ascii_case(l))
}

fn policy_allows(path: &Path, certname: &str, csr_pem: &str) -> bool {
    let child = Command::new(path)
        .arg(certname)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!("Cannot run autosign policy {}: {e}", path.display());
            return false;
        }
    };
    if let Some(mut stdin) = child.stdin.take() {
        // A policy that exits without reading its stdin closes the pipe: that is not an error.
        let _ = stdin.write_all(csr_pem.as_bytes());
    }
    let output = match child.wait_with_output() {
        Ok(o) => o,
        Err(e) => {
            tracing::warn!("Autosign policy {} failed for {certname}: {e}", path.display());
            return false;
        }
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !stdout.trim().is_empty() {
        tracing::debug!("Autosign policy {} for {certname}: {}", path.display(), stdout.trim());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !stderr.trim().is_empty() {
        tracing::warn!("Autosign policy {} for {certname}: {}", path.display(), stderr.trim());
    }
    if output.status.success() {
        return true;
    }
    tracing::warn!("Autosign policy {} declined {certname} ({})", path.display(), output.status);
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_table() {
        let cases = [
            ("*.example.com", "a.example.com", true),
            ("*.example.com", "a.b.example.com", true),
            ("*.example.com", "example.com", true),
            ("*.example.com", "A.Example.COM", true),
            ("*.example.com", "example.org", false),
            ("*.example.com", "badexample.com", false),
            ("*.example.com", "com", false),
            ("*", "anything.at.all", true),
            ("node1.example.com", "node1.example.com", true),
            ("node1.example.com", "node2.example.com", false),
            ("node1", "node1.example.com", false),
        ];
        for (entry, name, expected) in cases {
            assert_eq!(entry_matches(entry, name), expected, "{entry} vs {name}");
        }
    }

    fn whitelist(content: &str) -> (tempfile::TempDir, Autosign) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("autosign.conf");
        std::fs::write(&path, content).unwrap();
        let autosign = Autosign::from_setting(path.to_str().unwrap());
        (dir, autosign)
    }

    #[test]
    fn settings() {
        assert_eq!(Autosign::from_setting("true"), Autosign::All);
        assert_eq!(Autosign::from_setting("false"), Autosign::Never);
        let missing = Autosign::from_setting("/nonexistent/autosign.conf");
        assert!(!missing.allows("x", ""), "a missing autosign.conf signs nothing");
        assert!(Autosign::All.allows("x", ""));
        assert!(!Autosign::Never.allows("x", ""));
    }

    #[test]
    fn whitelist_file() {
        let (_dir, autosign) =
            whitelist("# comment\n\n*.example.com\nexact.node\nbad entry\nhash#inside\n  spaced.node  \r\n");
        assert!(matches!(autosign, Autosign::Whitelist(_)));
        let cases = [
            ("a.example.com", true),
            ("a.b.example.com", true),
            ("example.com", true),
            ("example.org", false),
            ("badexample.com", false),
            ("exact.node", true),
            ("bad", false),
            ("entry", false),
            ("bad entry", false),
            ("hash", false),
            ("spaced.node", true),
            ("other", false),
        ];
        for (name, expected) in cases {
            assert_eq!(autosign.allows(name, ""), expected, "{name}");
        }
    }

    /// The seed creates autosign.conf while the master runs: it must take effect without a restart.
    #[test]
    fn whitelist_created_after_start() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("autosign.conf");
        let autosign = Autosign::from_setting(path.to_str().unwrap());
        assert!(!autosign.allows("a.example.com", ""));
        std::fs::write(&path, "*.example.com\n").unwrap();
        assert!(autosign.allows("a.example.com", ""));
    }

    #[test]
    fn whitelist_star_and_edits() {
        let (dir, autosign) = whitelist("*\n");
        assert!(autosign.allows("whatever.org", ""));
        // Edited while running: read again at each decision.
        std::fs::write(dir.path().join("autosign.conf"), "only.this\n").unwrap();
        assert!(!autosign.allows("whatever.org", ""));
        assert!(autosign.allows("only.this", ""));
        std::fs::remove_file(dir.path().join("autosign.conf")).unwrap();
        assert!(!autosign.allows("only.this", ""));
    }

    #[cfg(unix)]
    #[test]
    fn policy_executable() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("policy.sh");
        let seen = dir.path().join("seen");
        std::fs::write(
            &path,
            format!(
                "#!/bin/sh\ncat > {seen}\ncase \"$1\" in good*) exit 0;; *) echo no >&2; exit 1;; esac\n",
                seen = seen.display()
            ),
        )
        .unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        let autosign = Autosign::from_setting(path.to_str().unwrap());
        assert_eq!(autosign, Autosign::Policy(path.clone()));
        assert!(autosign.allows("good.node", "CSR-PEM"));
        assert_eq!(std::fs::read_to_string(&seen).unwrap(), "CSR-PEM");
        assert!(!autosign.allows("bad.node", "CSR-PEM"));
    }
}
