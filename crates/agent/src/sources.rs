//! Resolving `source =>` URLs: `puppet:///mount/path` from the master (or, for `bunraku apply`,
//! from the local modulepath), and plain local paths or `file://` URLs from the disk.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bunraku_model::{Checksum, FileMetadata, FileType};
use sha2::Digest;

use crate::client::{encode, encode_path, MasterClient};
use crate::FileSource;

/// Metadata of a local file, computed as Puppet's fileserver computes it (sha256 checksum for files,
/// `{ctime}` for directories).
pub fn local_metadata(path: &Path) -> Result<FileMetadata, String> {
    let meta = std::fs::symlink_metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let (file_type, checksum, destination) = if meta.is_dir() {
        let ctime = chrono::DateTime::from_timestamp(meta.ctime(), 0).unwrap_or_default();
        (FileType::Directory, format!("{{ctime}}{}", ctime.format("%Y-%m-%d %H:%M:%S +0000")), None)
    } else if meta.file_type().is_symlink() {
        let target = std::fs::read_link(path).map_err(|e| format!("{}: {e}", path.display()))?;
        (FileType::Link, "{mtime}".to_string(), Some(target.display().to_string()))
    } else {
        let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        (FileType::File, format!("{{sha256}}{}", hex::encode(sha2::Sha256::digest(&bytes))), None)
    };
    Ok(FileMetadata {
        path: path.display().to_string(),
        relative_path: None,
        links: "manage".into(),
        owner: meta.uid(),
        group: meta.gid(),
        mode: meta.mode() & 0o7777,
        checksum: Checksum {
            kind: checksum.split('}').next().unwrap_or("{").trim_start_matches('{').into(),
            value: checksum,
        },
        file_type,
        destination,
    })
}

/// [`local_metadata`] of `base` (as `"."`) and of everything below it to `limit` levels, depth first
/// in name order, each with its `relative_path`, as the master's `file_metadatas` search lists them.
pub fn local_metadatas(base: &Path, limit: Option<u32>) -> Result<Vec<FileMetadata>, String> {
    fn walk(
        dir: &Path,
        rel: &str,
        depth: u32,
        limit: Option<u32>,
        out: &mut Vec<FileMetadata>,
    ) -> Result<(), String> {
        if limit.is_some_and(|l| depth > l) {
            return Ok(());
        }
        let Ok(entries) = std::fs::read_dir(dir) else { return Ok(()) };
        let mut names: Vec<_> = entries.filter_map(|e| e.ok()).map(|e| e.file_name()).collect();
        names.sort();
        for name in names {
            let full = dir.join(&name);
            let relative = if rel.is_empty() {
                name.to_string_lossy().into_owned()
            } else {
                format!("{rel}/{}", name.to_string_lossy())
            };
            let mut meta = local_metadata(&full)?;
            meta.relative_path = Some(relative.clone());
            let is_dir = meta.file_type == FileType::Directory;
            out.push(meta);
            if is_dir {
                walk(&full, &relative, depth + 1, limit, out)?;
            }
        }
        Ok(())
    }
    let mut root = local_metadata(base)?;
    root.relative_path = Some(".".into());
    let is_dir = root.file_type == FileType::Directory;
    let mut out = vec![root];
    if is_dir {
        walk(base, "", 1, limit, &mut out)?;
    }
    Ok(out)
}

/// A local path from `/abs/path` or `file:///abs/path`, if the source is local.
fn local_path(source: &str) -> Option<PathBuf> {
    if let Some(rest) = source.strip_prefix("file://") {
        return Some(PathBuf::from(rest));
    }
    source.starts_with('/').then(|| PathBuf::from(source))
}

/// `puppet:///mount/path` or `puppet://host/mount/path` → `mount/path`.
fn puppet_path(source: &str) -> Result<&str, String> {
    let rest =
        source.strip_prefix("puppet://").ok_or_else(|| format!("unsupported source URL '{source}'"))?;
    let path = match rest.find('/') {
        Some(pos) => &rest[pos + 1..],
        None => return Err(format!("source URL '{source}' names no file")),
    };
    if path.split('/').any(|seg| seg == "..") {
        return Err(format!("source URL '{source}' leaves its mount"));
    }
    Ok(path)
}

/// Sources from the master over the agent's mutual-TLS connection.
pub struct MasterFileSource {
    client: Arc<MasterClient>,
    environment: String,
}

impl MasterFileSource {
    pub fn new(client: Arc<MasterClient>, environment: impl Into<String>) -> Self {
        MasterFileSource { client, environment: environment.into() }
    }
}

impl FileSource for MasterFileSource {
    fn metadata(&self, source: &str) -> Result<FileMetadata, String> {
        if let Some(p) = local_path(source) {
            return local_metadata(&p);
        }
        let path = puppet_path(source)?;
        let url = format!(
            "/puppet/v3/file_metadata/{}?links=manage&checksum_type=sha256&source_permissions=ignore&environment={}",
            encode_path(path),
            encode(&self.environment)
        );
        self.client.get_json(&url).map_err(|e| format!("Could not retrieve file metadata for {source}: {e}"))
    }

    fn content(&self, source: &str) -> Result<Vec<u8>, String> {
        if let Some(p) = local_path(source) {
            return std::fs::read(&p).map_err(|e| format!("{}: {e}", p.display()));
        }
        let path = puppet_path(source)?;
        let url = format!(
            "/puppet/v3/file_content/{}?environment={}",
            encode_path(path),
            encode(&self.environment)
        );
        self.client.get_bytes(&url).map_err(|e| format!("Could not retrieve file content for {source}: {e}"))
    }

    fn metadatas(&self, source: &str, limit: Option<u32>) -> Result<Vec<FileMetadata>, String> {
        if let Some(p) = local_path(source) {
            return local_metadatas(&p, limit);
        }
        let path = puppet_path(source)?;
        let limit = limit.map(|l| format!("&recurselimit={l}")).unwrap_or_default();
        let url = format!(
            "/puppet/v3/file_metadatas/{}?recurse=true{limit}&links=manage&checksum_type=sha256&source_permissions=ignore&environment={}",
            encode_path(path),
            encode(&self.environment)
        );
        self.client.get_json(&url).map_err(|e| format!("Could not retrieve file metadata for {source}: {e}"))
    }

    /// `Puppet::FileBucket::Dipper#backup`: a `HEAD` of `file_bucket_file/sha256/<sum>/<path>`, and
    /// a `PUT` of the bytes unless the master has them for that path already.
    fn backup(&self, path: &str, digest: &str, bytes: Vec<u8>) -> Result<(), String> {
        let url = format!(
            "/puppet/v3/file_bucket_file/sha256/{digest}/{}?environment={}",
            encode_path(path),
            encode(&self.environment)
        );
        let fail = |e: crate::client::ClientError| format!("Could not back up {path}: {e}");
        if !self.client.exists(&url).map_err(fail)? {
            self.client.put_bytes(&url, bytes).map_err(fail)?;
        }
        Ok(())
    }
}

/// Sources for `bunraku apply`: `puppet:///modules/<module>/<path>` from `<modulepath>/<module>/files/`.
pub struct ModulepathFileSource {
    modulepath: Vec<PathBuf>,
}

impl ModulepathFileSource {
    pub fn new(modulepath: Vec<PathBuf>) -> Self {
        ModulepathFileSource { modulepath }
    }

    fn resolve(&self, source: &str) -> Result<PathBuf, String> {
        if let Some(p) = local_path(source) {
            return Ok(p);
        }
        let path = puppet_path(source)?;
        let rest = path
            .strip_prefix("modules/")
            .ok_or_else(|| format!("{source}: only the modules mount is served without a master"))?;
        let (module, file) =
            rest.split_once('/').ok_or_else(|| format!("{source}: names no file in the module"))?;
        self.modulepath
            .iter()
            .map(|dir| dir.join(module).join("files").join(file))
            .find(|p| p.exists())
            .ok_or_else(|| format!("Could not find any file at {source} in the modulepath"))
    }
}

impl FileSource for ModulepathFileSource {
    fn metadata(&self, source: &str) -> Result<FileMetadata, String> {
        local_metadata(&self.resolve(source)?)
    }

    fn content(&self, source: &str) -> Result<Vec<u8>, String> {
        let p = self.resolve(source)?;
        std::fs::read(&p).map_err(|e| format!("{}: {e}", p.display()))
    }

    fn metadatas(&self, source: &str, limit: Option<u32>) -> Result<Vec<FileMetadata>, String> {
        local_metadatas(&self.resolve(source)?, limit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modulepath_sources_and_traversal() {
        let dir = tempfile::tempdir().unwrap();
        let files = dir.path().join("nginx/files");
        std::fs::create_dir_all(&files).unwrap();
        std::fs::write(files.join("a.conf"), "hello\n").unwrap();
        let src = ModulepathFileSource::new(vec![dir.path().to_path_buf()]);
        let meta = src.metadata("puppet:///modules/nginx/a.conf").unwrap();
        assert_eq!(meta.file_type, FileType::File);
        assert_eq!(
            meta.checksum.value,
            "{sha256}5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"
        );
        assert_eq!(src.content("puppet:///modules/nginx/a.conf").unwrap(), b"hello\n");
        assert!(src.metadata("puppet:///modules/nginx/../../etc/passwd").is_err());
        assert!(src.metadata("puppet:///modules/nginx/missing").is_err());
    }
}
