//! Staged file writes: the last two steps of an atomic write (fsync, rename) done later, for many
//! files at once.
//!
//! Writing a file the safe way (temporary file, fsync, rename, as `Puppet::Util.replace_file` does)
//! costs one journal commit per file when done one file after the other; on a first run that creates
//! hundreds of files the run then waits on the disk for seconds. A staged write has its temporary
//! file written, owned and moded already; [`complete`] fsyncs a batch of them from several threads at
//! once (the filesystem commits concurrent fsyncs together) and then renames each over its target in
//! the order they were staged. Nothing is renamed before its bytes are on disk, so a crash still
//! leaves every target either old or new, never half written.
//!
//! The transaction decides when a batch must be completed (before anything could observe the
//! targets); the provider only stages.

use std::path::PathBuf;

use bunraku_model::Value;

use super::{display, Change, ChangeStatus, Context, Level, LogSource, ProviderLog};

/// How many fsyncs run at once. More threads stop helping once the journal batches them all.
const FSYNC_THREADS: usize = 32;

/// A written temporary file waiting for its fsync and its rename over `target`.
pub struct StagedWrite {
    tmp: tempfile::NamedTempFile,
    /// Where the file goes: the real (symlink-free) parent directory joined with the file name, so a
    /// link changed meanwhile cannot redirect the rename.
    target: PathBuf,
    change: ChangeRef,
}

/// The change a staged write completes, to turn into a failure if the write fails: its values (as
/// `Context::failed` would have had them) and where it and its log line stand in the context.
#[derive(Debug, Default)]
struct ChangeRef {
    property: String,
    previous: Value,
    desired: Value,
    name: String,
    change_index: usize,
    log_index: usize,
}

impl StagedWrite {
    /// A staged write of `tmp` (written, owned and moded, not yet synced) to `target`.
    pub(crate) fn new(tmp: tempfile::NamedTempFile, target: PathBuf) -> Self {
        StagedWrite { tmp, target, change: ChangeRef::default() }
    }

    /// The path the write will replace.
    pub fn target(&self) -> &std::path::Path {
        &self.target
    }
}

impl Context<'_> {
    /// Attaches a staged write to the change just recorded (the last one), so the transaction can
    /// complete it later and fail that change if it cannot.
    pub(crate) fn stage(&mut self, mut write: StagedWrite, previous: Value, desired: Value) {
        let Some(change) = self.changes.last() else {
            // Nothing to tie it to (a provider bug): complete it now rather than lose it.
            let _ = complete(vec![write]);
            return;
        };
        write.change = ChangeRef {
            property: change.property.clone(),
            name: change.name.clone(),
            previous,
            desired,
            change_index: self.changes.len() - 1,
            log_index: self.logs.len().saturating_sub(1),
        };
        self.staged.push(write);
    }
}

/// A staged write that could not be completed, with what is needed to fail its change.
#[derive(Debug)]
pub struct StageFailure {
    change: ChangeRef,
    /// Why the fsync or the rename failed.
    pub error: std::io::Error,
}

impl StageFailure {
    /// Fails the change the write made, exactly as a write failing at once would have
    /// (`Context::failed`): the event becomes a failure, its log line an error.
    pub fn record(&self, ctx: &mut Context) {
        let c = &self.change;
        let message =
            format!("change from {} to {} failed: {}", display(&c.previous), display(&c.desired), self.error);
        if let Some(change) = ctx.changes.get_mut(c.change_index) {
            *change = Change {
                property: c.property.clone(),
                previous: c.previous.clone(),
                desired: c.desired.clone(),
                name: c.name.clone(),
                message: message.clone(),
                status: ChangeStatus::Failure,
                redacted: None,
            };
        }
        if let Some(log) = ctx.logs.get_mut(c.log_index) {
            *log =
                ProviderLog { level: Level::Err, source: LogSource::Property(c.property.clone()), message };
        }
    }
}

/// Completes staged writes: fsyncs them all concurrently, then renames them in the order given.
/// Returns one result per write, in order; a write whose fsync failed is not renamed, and a failed
/// write's temporary file is removed.
pub fn complete(writes: Vec<StagedWrite>) -> Vec<Result<(), Box<StageFailure>>> {
    let synced = sync_all(&writes);
    writes
        .into_iter()
        .zip(synced)
        .map(|(write, synced)| {
            let result =
                synced.and_then(|()| write.tmp.persist(&write.target).map(|_| ()).map_err(|e| e.error));
            result.map_err(|error| Box::new(StageFailure { change: write.change, error }))
        })
        .collect()
}

fn sync_all(writes: &[StagedWrite]) -> Vec<Result<(), std::io::Error>> {
    if writes.len() <= 1 {
        return writes.iter().map(|w| w.tmp.as_file().sync_all()).collect();
    }
    let threads = writes.len().min(FSYNC_THREADS);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<std::sync::Mutex<Option<std::io::Result<()>>>> =
        writes.iter().map(|_| std::sync::Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(write) = writes.get(i) else { break };
                let result = write.tmp.as_file().sync_all();
                if let Ok(mut slot) = results[i].lock() {
                    *slot = Some(result);
                }
            });
        }
    });
    results
        .into_iter()
        .map(|slot| {
            slot.into_inner()
                .ok()
                .flatten()
                .unwrap_or_else(|| Err(std::io::Error::other("the fsync thread did not finish")))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn staged(dir: &std::path::Path, name: &str, bytes: &[u8]) -> StagedWrite {
        let mut tmp = tempfile::Builder::new().prefix(".staged").tempfile_in(dir).unwrap();
        tmp.write_all(bytes).unwrap();
        StagedWrite::new(tmp, dir.join(name))
    }

    #[test]
    fn completes_in_order_and_reports_each_failure() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        let mut writes: Vec<StagedWrite> =
            (0..40).map(|i| staged(dir.path(), &format!("f{i}"), format!("{i}\n").as_bytes())).collect();
        // Renaming over a non-empty directory fails; the others still land.
        std::fs::write(dir.path().join("sub/x"), "x").unwrap();
        writes.push(staged(dir.path(), "sub", b"no"));
        // The same target twice: the later write wins, as sequential writes would.
        writes.push(staged(dir.path(), "f0", b"last\n"));
        let results = complete(writes);
        assert_eq!(results.len(), 42);
        assert!(results[..40].iter().all(|r| r.is_ok()));
        assert!(results[40].is_err());
        assert!(results[41].is_ok());
        assert_eq!(std::fs::read_to_string(dir.path().join("f0")).unwrap(), "last\n");
        assert_eq!(std::fs::read_to_string(dir.path().join("f39")).unwrap(), "39\n");
        assert!(dir.path().join("sub").is_dir());
        // No temporary file is left behind, the failed one included.
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().starts_with(".staged"))
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }

    #[test]
    fn a_failed_write_fails_its_change_as_an_immediate_failure_would() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("busy")).unwrap();
        std::fs::write(dir.path().join("busy/x"), "x").unwrap();
        let sources = crate::transaction::tests::NoSources;
        let (prev, want) = (Value::String("absent".into()), Value::String("file".into()));
        let mut staged_ctx = Context::new(false, false, &sources);
        staged_ctx.debug("before");
        staged_ctx.changed("ensure", prev.clone(), want.clone(), "file_created", "defined content".into());
        staged_ctx.stage(staged(dir.path(), "busy", b"no"), prev.clone(), want.clone());
        staged_ctx.changed("mode", "0644".into(), "0600".into(), "mode_changed", "mode changed".into());
        let writes = std::mem::take(&mut staged_ctx.staged);
        let failure = complete(writes).pop().unwrap().unwrap_err();
        failure.record(&mut staged_ctx);

        let mut direct = Context::new(false, false, &sources);
        direct.debug("before");
        direct.failed("ensure", prev, want, "file_created", &failure.error.to_string());
        direct.changed("mode", "0644".into(), "0600".into(), "mode_changed", "mode changed".into());
        assert_eq!(staged_ctx.changes, direct.changes);
        assert_eq!(staged_ctx.logs, direct.logs);
        assert!(staged_ctx.any_failed());
    }
}
