//! Atomic file writes with Puppet's modes, and the cadir lock shared between processes.

use std::fs::File;
use std::io::Write;
use std::path::Path;

use fs2::FileExt;

use crate::PkiError;

/// Writes `contents` to `path` atomically (a temporary file in the same directory, then a rename),
/// so a reader in another process sees the old file or the new one, never half of one.
pub(crate) fn write_atomic(path: &Path, contents: &[u8], mode: u32) -> Result<(), PkiError> {
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    let mut tmp =
        tempfile::Builder::new().prefix(".tmp-").tempfile_in(dir).map_err(|e| PkiError::io(dir, e))?;
    tmp.write_all(contents).map_err(|e| PkiError::io(path, e))?;
    tmp.as_file().sync_all().map_err(|e| PkiError::io(path, e))?;
    set_mode(tmp.path(), mode)?;
    tmp.persist(path).map_err(|e| PkiError::io(path, e.error))?;
    Ok(())
}

/// Creates `dir` (and parents) and sets its mode.
pub(crate) fn ensure_dir(dir: &Path, mode: u32) -> Result<(), PkiError> {
    if !dir.is_dir() {
        std::fs::create_dir_all(dir).map_err(|e| PkiError::io(dir, e))?;
        set_mode(dir, mode)?;
    }
    Ok(())
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> Result<(), PkiError> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).map_err(|e| PkiError::io(path, e))
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _mode: u32) -> Result<(), PkiError> {
    Ok(())
}

/// Reads a file as text, with the path in the error.
pub(crate) fn read(path: &Path) -> Result<String, PkiError> {
    std::fs::read_to_string(path).map_err(|e| PkiError::io(path, e))
}

/// Reads a file that may be absent.
pub(crate) fn read_optional(path: &Path) -> Result<Option<String>, PkiError> {
    match std::fs::read_to_string(path) {
        Ok(t) => Ok(Some(t)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(PkiError::io(path, e)),
    }
}

/// Removes a file; an absent file is fine (the goal is that it does not exist).
pub(crate) fn remove(path: &Path) -> Result<bool, PkiError> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(PkiError::io(path, e)),
    }
}

/// An exclusive `flock` on a lock file, released on drop. Each call opens the file anew, so two
/// threads of one process exclude each other as two processes do.
pub(crate) struct DirLock {
    file: File,
}

impl DirLock {
    pub(crate) fn acquire(path: &Path) -> Result<DirLock, PkiError> {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)
            .map_err(|e| PkiError::io(path, e))?;
        file.lock_exclusive().map_err(|e| PkiError::io(path, e))?;
        Ok(DirLock { file })
    }
}

impl Drop for DirLock {
    fn drop(&mut self) {
        // Closing the file releases the lock anyway; unlocking first just makes it prompt.
        let _ = FileExt::unlock(&self.file);
    }
}
