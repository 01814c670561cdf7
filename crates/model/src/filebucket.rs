//! A filebucket on disk, laid out as Puppet lays out both the agent's clientbucket and the server's
//! bucketdir: `<bucket>/<c0>/…/<c7>/<checksum>/contents` (the bytes, 0440) and `paths` (every
//! original path the content was backed up from, one per line). The agent's local buckets and the
//! master's `file_bucket_file` endpoint share it, so `puppet filebucket` reads either.

use std::fs;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Where the bucket keeps the content whose checksum (lower-case hex) is `digest`.
pub fn bucket_dir(bucket: &Path, digest: &str) -> PathBuf {
    let mut dir = bucket.to_path_buf();
    for c in digest.chars().take(8) {
        dir.push(c.to_string());
    }
    dir.join(digest)
}

/// Whether `digest` is a checksum the bucket can be keyed by: hex only, so it never names a path
/// outside the bucket.
pub fn valid_digest(digest: &str) -> bool {
    (32..=128).contains(&digest.len()) && digest.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Stores `bytes` under `digest` (written atomically, once) and records `original` among its paths.
pub fn store(bucket: &Path, digest: &str, bytes: &[u8], original: Option<&str>) -> std::io::Result<()> {
    if !valid_digest(digest) {
        return Err(std::io::Error::other(format!("invalid checksum {digest:?}")));
    }
    let dir = bucket_dir(bucket, digest);
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
        let tmp = dir.join(format!(".contents.{}.tmp", std::process::id()));
        let _ = fs::remove_file(&tmp);
        let mut f = fs::OpenOptions::new().write(true).create_new(true).mode(0o440).open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, &contents)?;
    }
    if let Some(original) = original {
        let paths = dir.join("paths");
        let known = fs::read_to_string(&paths).unwrap_or_default();
        if !known.lines().any(|l| l == original) {
            let mut f = fs::OpenOptions::new().append(true).create(true).mode(0o640).open(&paths)?;
            writeln!(f, "{original}")?;
        }
    }
    Ok(())
}

/// The content stored under `digest`, if any; with `original`, only if it was backed up from there.
pub fn load(bucket: &Path, digest: &str, original: Option<&str>) -> std::io::Result<Option<Vec<u8>>> {
    if !valid_digest(digest) {
        return Ok(None);
    }
    let dir = bucket_dir(bucket, digest);
    let bytes = match fs::read(dir.join("contents")) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    if let Some(original) = original {
        let paths = fs::read_to_string(dir.join("paths")).unwrap_or_default();
        if !paths.lines().any(|l| l == original) {
            return Ok(None);
        }
    }
    Ok(Some(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::MetadataExt;

    #[test]
    fn layout_modes_and_paths_are_puppets() {
        let dir = tempfile::tempdir().unwrap();
        let bucket = dir.path().join("bucket");
        let digest = "0123456789abcdef0123456789abcdef";
        store(&bucket, digest, b"old\n", Some("/etc/x")).unwrap();
        store(&bucket, digest, b"old\n", Some("/etc/x")).unwrap();
        store(&bucket, digest, b"old\n", Some("/etc/y")).unwrap();
        let d = bucket_dir(&bucket, digest);
        assert_eq!(d, bucket.join("0/1/2/3/4/5/6/7").join(digest));
        assert_eq!(fs::read_to_string(d.join("contents")).unwrap(), "old\n");
        assert_eq!(fs::read_to_string(d.join("paths")).unwrap(), "/etc/x\n/etc/y\n");
        for x in [bucket.clone(), bucket.join("0"), d.clone()] {
            assert_eq!(fs::metadata(&x).unwrap().mode() & 0o777, 0o770, "{}", x.display());
        }
        assert_eq!(fs::metadata(d.join("contents")).unwrap().mode() & 0o777, 0o440);
        assert_eq!(load(&bucket, digest, None).unwrap().as_deref(), Some(&b"old\n"[..]));
        assert_eq!(load(&bucket, digest, Some("/etc/y")).unwrap().as_deref(), Some(&b"old\n"[..]));
        assert_eq!(load(&bucket, digest, Some("/etc/z")).unwrap(), None);
        assert_eq!(load(&bucket, "ffffffffffffffffffffffffffffffff", None).unwrap(), None);
        // A checksum is hex: nothing else reaches the disk.
        assert!(store(&bucket, "../../etc/passwd0000000000000000000", b"x", None).is_err());
        assert_eq!(load(&bucket, "../../../../../../../../etc", None).unwrap(), None);
    }
}
