//! The temporary files a run creates beside the files it writes (`.NAME.puppettmp_XXXXXX`, renamed
//! over `NAME` once complete), recorded in a journal in the state directory while the run lasts.
//!
//! A run that ends normally renames or removes every one of them and deletes the journal. A run
//! that is killed (`kill -9`, a power cut) during an apply leaves some behind (hundreds, for a
//! large catalog's staged writes), which no later run would ever look for: the next run finds the
//! journal, removes the files it lists that are still there, and starts a new one.
//!
//! Appending one line per temporary file costs one `write` (no fsync: a killed process's writes
//! are in the page cache, and a power cut that loses the line loses the file it names as well).

use std::cell::RefCell;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

thread_local! {
    /// The journal of the run applying on this thread (temporary files are created on the
    /// transaction's thread, even for writes that other threads complete).
    static JOURNAL: RefCell<Option<File>> = const { RefCell::new(None) };
}

/// This thread's run's journal, while it lasts: dropping it ends the run's recording and
/// deletes the journal (every temporary file is renamed or removed by then).
pub struct Journal {
    path: PathBuf,
}

impl Journal {
    /// Removes the temporary files an interrupted run listed in the journal at `path`, then
    /// records this run's there. Returns the journal and how many leftovers were removed. A
    /// journal that cannot be written only means no recording: the run goes on.
    pub fn start(path: &Path) -> (Journal, usize) {
        let removed = sweep(path);
        // A first run starts before anything created the state directory.
        if let Some(dir) = path.parent() {
            let _ = fs::create_dir_all(dir);
        }
        let file = OpenOptions::new().create(true).write(true).truncate(true).open(path);
        match file {
            Ok(file) => JOURNAL.with(|j| *j.borrow_mut() = Some(file)),
            Err(e) => tracing::debug!("Not recording temporary files in {}: {e}", path.display()),
        }
        (Journal { path: path.to_path_buf() }, removed)
    }
}

impl Drop for Journal {
    fn drop(&mut self) {
        JOURNAL.with(|j| j.borrow_mut().take());
        let _ = fs::remove_file(&self.path);
    }
}

/// Records a temporary file just created on this thread (nothing outside a journaled run).
pub(crate) fn record(tmp: &Path) {
    JOURNAL.with(|j| {
        if let Some(file) = j.borrow_mut().as_mut() {
            let mut line = tmp.as_os_str().as_bytes().to_vec();
            line.push(b'\n');
            let _ = file.write_all(&line);
        }
    });
}

/// Whether `path` names one of our temporary files: only those are ever removed, whatever a
/// journal says.
fn is_ours(path: &Path) -> bool {
    path.is_absolute()
        && path.file_name().is_some_and(|n| {
            let n = n.as_bytes();
            n.starts_with(b".") && n.windows(b".puppettmp_".len()).any(|w| w == b".puppettmp_")
        })
}

/// Removes the leftovers the journal at `path` lists; returns how many were removed.
fn sweep(path: &Path) -> usize {
    let Ok(text) = fs::read(path) else { return 0 };
    let mut removed = 0;
    for line in text.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
        let tmp = Path::new(std::ffi::OsStr::from_bytes(line));
        if !is_ours(tmp) {
            continue;
        }
        let is_file = fs::symlink_metadata(tmp).is_ok_and(|meta| !meta.is_dir());
        if is_file && fs::remove_file(tmp).is_ok() {
            removed += 1;
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_journal_left_behind_is_swept_and_only_our_files_go() {
        let dir = tempfile::tempdir().unwrap();
        let journal = dir.path().join("puppettmp.journal");
        let left = dir.path().join(".motd.puppettmp_ab12");
        let other = dir.path().join("motd");
        fs::write(&left, "half").unwrap();
        fs::write(&other, "keep").unwrap();
        {
            let (_j, removed) = Journal::start(&journal);
            assert_eq!(removed, 0);
            record(&left);
            record(&other);
            // Killed here: the journal stays, as a killed process leaves it.
            std::mem::forget(_j);
        }
        JOURNAL.with(|j| j.borrow_mut().take());
        let (j, removed) = Journal::start(&journal);
        assert_eq!(removed, 1);
        assert!(!left.exists() && other.exists(), "only the temporary file is removed");
        drop(j);
        assert!(!journal.exists(), "a run that ends deletes its journal");
    }
}
