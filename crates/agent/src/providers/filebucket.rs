//! Backups of file content before Puppet replaces or removes it: a local filebucket laid out as Puppet's
//! (`<bucket>/<d0>/…/<d7>/<sha256>/contents` and `paths`), or a copy beside the file with a suffix.

use std::fs;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
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

/// Where the bucket stores content with this sha256 hex digest.
pub fn bucket_dir(bucket: &Path, digest: &str) -> PathBuf {
    let mut dir = bucket.to_path_buf();
    for c in digest.chars().take(8) {
        dir.push(c.to_string());
    }
    dir.join(digest)
}

/// Stores the file's current bytes in a local bucket and returns their sha256 hex digest.
pub fn backup_to_bucket(bucket: &Path, file: &Path) -> std::io::Result<String> {
    let bytes = fs::read(file)?;
    let digest = hex::encode(Sha256::digest(&bytes));
    let dir = bucket_dir(bucket, &digest);
    // Puppet creates the bucket's directories under umask 0007: each new one is 0770.
    let mut missing: Vec<PathBuf> =
        dir.ancestors().take_while(|d| !d.exists()).map(Path::to_path_buf).collect();
    fs::create_dir_all(&dir)?;
    missing.reverse();
    for d in missing {
        fs::set_permissions(&d, fs::Permissions::from_mode(0o770))?;
    }
    let contents = dir.join("contents");
    let same = fs::read(&contents).map(|old| old == bytes).unwrap_or(false);
    if !same {
        let tmp = dir.join(".contents.tmp");
        let _ = fs::remove_file(&tmp);
        let mut f = fs::OpenOptions::new().write(true).create_new(true).mode(0o440).open(&tmp)?;
        f.write_all(&bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, &contents)?;
    }
    let paths = dir.join("paths");
    let original = file.display().to_string();
    let known = fs::read_to_string(&paths).unwrap_or_default();
    if !known.lines().any(|l| l == original) {
        let mut f = fs::OpenOptions::new().append(true).create(true).mode(0o640).open(&paths)?;
        writeln!(f, "{original}")?;
    }
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
