//! Backups of file content before Puppet replaces or removes it: a local filebucket laid out as Puppet's
//! (`bunraku_model::filebucket`), the master's (through the run's [`crate::FileSource`]), or a copy
//! beside the file with a suffix.

use std::fs;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// Where a file resource's `backup` parameter sends the old content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backup {
    /// A local filebucket: its title and directory.
    Bucket(String, PathBuf),
    /// A copy next to the file, named `path + suffix`.
    Suffix(String),
}

/// The clientbucketdir Puppet uses when no setting says otherwise (`$vardir/clientbucket`).
pub fn default_clientbucketdir() -> PathBuf {
    if nix::unistd::geteuid().is_root() {
        PathBuf::from("/var/cache/puppet/clientbucket")
    } else {
        let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("/"));
        home.join(".puppetlabs/opt/puppet/cache/clientbucket")
    }
}

pub use bunraku_model::filebucket::bucket_dir;

/// Stores the file's current bytes in a local bucket and returns their sha256 hex digest.
pub fn backup_to_bucket(bucket: &Path, file: &Path) -> std::io::Result<String> {
    let bytes = fs::read(file)?;
    let digest = hex::encode(Sha256::digest(&bytes));
    bunraku_model::filebucket::store(bucket, &digest, &bytes, Some(&file.display().to_string()))?;
    Ok(digest)
}

/// Copies the file to `path + suffix`, replacing an older backup (never a directory), keeping mode.
pub fn backup_with_suffix(file: &Path, suffix: &str) -> std::io::Result<PathBuf> {
    let mut name = file.as_os_str().to_owned();
    name.push(suffix);
    let target = PathBuf::from(name);
    if let Ok(meta) = fs::symlink_metadata(&target) {
        if meta.is_dir() {
            return Err(std::io::Error::other(format!(
                "Will not remove directory backup {}; use a filebucket",
                target.display()
            )));
        }
        fs::remove_file(&target)?;
    }
    fs::copy(file, &target)?;
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_layout_is_puppets() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("f");
        fs::write(&f, "old\n").unwrap();
        let bucket = dir.path().join("bucket");
        let digest = backup_to_bucket(&bucket, &f).unwrap();
        assert_eq!(digest, hex::encode(Sha256::digest(b"old\n")));
        let d = bucket_dir(&bucket, &digest);
        assert!(d.starts_with(bucket.join(&digest[0..1]).join(&digest[1..2])));
        assert_eq!(fs::read_to_string(d.join("contents")).unwrap(), "old\n");
        use std::os::unix::fs::MetadataExt;
        for dir in [bucket.clone(), bucket.join(&digest[0..1]), d.clone()] {
            assert_eq!(fs::metadata(&dir).unwrap().mode() & 0o777, 0o770, "{}", dir.display());
        }
        assert_eq!(fs::metadata(d.join("contents")).unwrap().mode() & 0o777, 0o440);
        assert_eq!(fs::read_to_string(d.join("paths")).unwrap(), format!("{}\n", f.display()));
        // Twice: the path is listed once.
        backup_to_bucket(&bucket, &f).unwrap();
        assert_eq!(fs::read_to_string(d.join("paths")).unwrap(), format!("{}\n", f.display()));

        let copy = backup_with_suffix(&f, ".bak").unwrap();
        assert_eq!(copy, dir.path().join("f.bak"));
        assert_eq!(fs::read_to_string(copy).unwrap(), "old\n");
    }
}
