//! The two lock files Puppet's agent keeps in `$statedir`: the run lock
//! (`agent_catalog_run.lock`, holding the PID of the running agent, so that one run happens at a time)
//! and the disable lock (`agent_disabled.lock`, JSON with the reason given to `--disable`).

use std::io::Write;
use std::path::{Path, PathBuf};

/// The reason Puppet records when `--disable` is given none.
pub const NO_REASON: &str = "reason not specified";

/// A held run lock; the file is removed when this is dropped.
#[derive(Debug)]
pub struct RunLock {
    path: PathBuf,
}

impl RunLock {
    /// Takes the lock, or returns `None` when a live process holds it. A lock left by a process
    /// that is gone is stale and taken over, as Puppet's `Pidlock` does.
    pub fn acquire(path: &Path) -> std::io::Result<Option<RunLock>> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        for _ in 0..2 {
            match std::fs::OpenOptions::new().write(true).create_new(true).open(path) {
                Ok(mut f) => {
                    write!(f, "{}", std::process::id())?;
                    return Ok(Some(RunLock { path: path.to_path_buf() }));
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    if holder(path).is_some() {
                        return Ok(None);
                    }
                    // Stale: remove and try once more (another process may win the race).
                    let _ = std::fs::remove_file(path);
                }
                Err(e) => return Err(e),
            }
        }
        Ok(None)
    }
}

impl Drop for RunLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// The PID of the live process holding the run lock at `path`, if any.
pub fn holder(path: &Path) -> Option<i32> {
    let pid: i32 = std::fs::read_to_string(path).ok()?.trim().parse().ok()?;
    if pid <= 0 {
        return None;
    }
    // Signal 0 checks for existence; EPERM still means the process exists.
    match nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None) {
        Ok(()) | Err(nix::errno::Errno::EPERM) => Some(pid),
        Err(_) => None,
    }
}

/// The message Puppet logs when a run is refused because another is going.
pub fn already_running_message(path: &Path) -> String {
    format!("Run of Puppet configuration client already in progress; skipping  ({} exists)", path.display())
}

/// Why the agent is disabled, if it is.
pub fn disabled_reason(path: &Path) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    let reason = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| v.get("disabled_message").and_then(|m| m.as_str()).map(String::from))
        .unwrap_or_else(|| NO_REASON.to_string());
    Some(reason)
}

/// The notice Puppet logs when it skips a run of a disabled agent.
pub fn disabled_message(reason: &str) -> String {
    format!(
        "Skipping run of Puppet configuration client; administratively disabled (Reason: '{reason}');\nUse 'puppet agent --enable' to re-enable."
    )
}

/// `puppet agent --disable [REASON]`: writes `{"disabled_message":"…"}`.
pub fn disable(path: &Path, reason: Option<&str>) -> std::io::Result<()> {
    let reason = reason.filter(|r| !r.is_empty()).unwrap_or(NO_REASON);
    let body = serde_json::json!({ "disabled_message": reason }).to_string();
    crate::state::write_atomic(path, body.as_bytes(), 0o644)
}

/// `puppet agent --enable`: removes the disable lock (fine when there is none).
pub fn enable(path: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_holder_at_a_time_and_stale_locks_are_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state/agent_catalog_run.lock");
        let lock = RunLock::acquire(&path).unwrap().expect("free lock");
        assert_eq!(holder(&path), Some(std::process::id() as i32));
        assert!(RunLock::acquire(&path).unwrap().is_none());
        drop(lock);
        assert!(!path.exists());
        // A PID that cannot exist (beyond pid_max) is stale.
        std::fs::write(&path, "2147483600").unwrap();
        assert!(RunLock::acquire(&path).unwrap().is_some());
    }

    #[test]
    fn disable_and_enable_as_puppet_words_them() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("agent_disabled.lock");
        assert_eq!(disabled_reason(&path), None);
        disable(&path, Some("maintenance until 5pm")).unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            r#"{"disabled_message":"maintenance until 5pm"}"#
        );
        assert_eq!(disabled_reason(&path).as_deref(), Some("maintenance until 5pm"));
        assert_eq!(
            disabled_message("maintenance until 5pm"),
            "Skipping run of Puppet configuration client; administratively disabled (Reason: 'maintenance until 5pm');\nUse 'puppet agent --enable' to re-enable."
        );
        disable(&path, None).unwrap();
        assert_eq!(disabled_reason(&path).as_deref(), Some(NO_REASON));
        enable(&path).unwrap();
        enable(&path).unwrap();
        assert_eq!(disabled_reason(&path), None);
    }
}
