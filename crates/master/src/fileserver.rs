//! The fileserver behind `puppet:///` URLs: mounts, metadata and content.
//!
//! * `modules/<module>/<path>` → `<modulepath>/<module>/files/<path>` (the first module of that name)
//! * `plugins/<path>` → every module's `lib/`, merged (the first module wins a path)
//! * `pluginfacts/<path>` → every module's `facts.d/`, merged
//!
//! Request paths are untrusted: only plain relative components are joined onto a mount's root, so
//! `..`, absolute paths and NUL bytes never reach the filesystem.

use std::collections::HashSet;
use std::fs;
use std::io::Read;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use bunraku_model::{Checksum, FileMetadata, FileType};

/// Why a fileserver request failed.
#[derive(Debug, thiserror::Error)]
pub enum FileServerError {
    /// A path that could escape its mount (`..`, absolute, NUL) or is otherwise malformed (400).
    #[error("Invalid file path '{0}'")]
    BadPath(String),
    /// An unsupported `checksum_type` or `links` value (400).
    #[error("{0}")]
    BadParameter(String),
    /// No such mount, module or file (404).
    #[error("Could not find {0}")]
    NotFound(String),
    /// Reading the file failed (500).
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    /// The search was abandoned because its client went away.
    #[error("the search was cancelled")]
    Cancelled,
}

/// How symbolic links are reported: `manage` describes the link, `follow` its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Links {
    Manage,
    Follow,
}

impl Links {
    /// Parses the `links` parameter (`manage` when absent).
    pub fn parse(value: Option<&str>) -> Result<Links, FileServerError> {
        match value {
            None | Some("manage") => Ok(Links::Manage),
            Some("follow") => Ok(Links::Follow),
            Some(other) => Err(FileServerError::BadParameter(format!("Invalid links value '{other}'"))),
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Links::Manage => "manage",
            Links::Follow => "follow",
        }
    }
}

/// The checksum algorithms Puppet agents ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChecksumType {
    Md5,
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
    Mtime,
    Ctime,
    None,
}

impl ChecksumType {
    /// Parses `checksum_type` (`sha256` when absent; of a dotted list, the first).
    pub fn parse(value: Option<&str>) -> Result<ChecksumType, FileServerError> {
        let value = value.unwrap_or("sha256");
        let first = value.split('.').next().unwrap_or(value);
        Ok(match first {
            "md5" => ChecksumType::Md5,
            "sha1" => ChecksumType::Sha1,
            "sha224" => ChecksumType::Sha224,
            "sha256" => ChecksumType::Sha256,
            "sha384" => ChecksumType::Sha384,
            "sha512" => ChecksumType::Sha512,
            "mtime" => ChecksumType::Mtime,
            "ctime" => ChecksumType::Ctime,
            "none" => ChecksumType::None,
            other => {
                return Err(FileServerError::BadParameter(format!("Invalid checksum type '{other}'")));
            }
        })
    }

    /// The name Puppet uses in `{name}value`.
    pub fn name(self) -> &'static str {
        match self {
            ChecksumType::Md5 => "md5",
            ChecksumType::Sha1 => "sha1",
            ChecksumType::Sha224 => "sha224",
            ChecksumType::Sha256 => "sha256",
            ChecksumType::Sha384 => "sha384",
            ChecksumType::Sha512 => "sha512",
            ChecksumType::Mtime => "mtime",
            ChecksumType::Ctime => "ctime",
            ChecksumType::None => "none",
        }
    }
}

/// Options shared by `file_metadata` and `file_metadatas`.
#[derive(Debug, Clone)]
pub struct MetadataOptions {
    pub links: Links,
    pub checksum_type: ChecksumType,
}

/// The extra options of a `file_metadatas` search.
#[derive(Debug, Clone)]
pub struct SearchOptions {
    pub metadata: MetadataOptions,
    pub recurse: bool,
    /// Maximum depth below the base (`None`: unlimited).
    pub recurselimit: Option<u32>,
    /// Globs matched against each entry's file name; matches are skipped with their contents.
    pub ignore: Vec<String>,
}

/// The first value of `key` among a request's query parameters.
fn query_value<'q>(query: &'q [(String, String)], key: &str) -> Option<&'q str> {
    query.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

impl MetadataOptions {
    /// `links` and `checksum_type` from a request's query parameters.
    pub fn from_query(query: &[(String, String)]) -> Result<MetadataOptions, FileServerError> {
        Ok(MetadataOptions {
            links: Links::parse(query_value(query, "links"))?,
            checksum_type: ChecksumType::parse(query_value(query, "checksum_type"))?,
        })
    }
}

impl SearchOptions {
    /// A `file_metadatas` request's options from its query parameters as agents send them:
    /// `recurse` (`true`, `remote`, `yes`), `recurselimit` (a number, or `infinite`), every
    /// `ignore`, `links`, `checksum_type`.
    pub fn from_query(query: &[(String, String)]) -> Result<SearchOptions, FileServerError> {
        let recurse = matches!(query_value(query, "recurse"), Some("true") | Some("remote") | Some("yes"));
        let recurselimit = match query_value(query, "recurselimit") {
            None | Some("") | Some("infinite") => None,
            Some(v) => Some(
                v.parse::<u32>()
                    .map_err(|_| FileServerError::BadParameter(format!("Invalid recurselimit '{v}'")))?,
            ),
        };
        let mut ignore: Vec<String> =
            query.iter().filter(|(k, _)| k == "ignore").map(|(_, v)| v.clone()).collect();
        // The same pattern twice matches the same names: test it once.
        let mut seen = HashSet::new();
        ignore.retain(|glob| seen.insert(glob.clone()));
        Ok(SearchOptions { metadata: MetadataOptions::from_query(query)?, recurse, recurselimit, ignore })
    }
}

/// A mount and the validated relative path inside it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Mount {
    Module { module: String, rel: Vec<String> },
    Plugins { rel: Vec<String> },
    PluginFacts { rel: Vec<String> },
}

/// Splits a relative path into plain components, refusing anything that could leave the mount.
pub fn safe_components(path: &str) -> Result<Vec<String>, FileServerError> {
    let bad = || FileServerError::BadPath(path.to_string());
    if path.contains('\0') || path.starts_with('/') {
        return Err(bad());
    }
    let mut out = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => continue,
            ".." => return Err(bad()),
            p => out.push(p.to_string()),
        }
    }
    Ok(out)
}

fn valid_module_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    matches!(bytes.next(), Some(b'a'..=b'z'))
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

fn parse_mount(mount_path: &str) -> Result<Mount, FileServerError> {
    let components = safe_components(mount_path)?;
    let mut parts = components.into_iter();
    let not_found = || FileServerError::NotFound(mount_path.to_string());
    match parts.next().as_deref() {
        Some("modules") => {
            let module = parts.next().ok_or_else(not_found)?;
            if !valid_module_name(&module) {
                return Err(not_found());
            }
            Ok(Mount::Module { module, rel: parts.collect() })
        }
        Some("plugins") => Ok(Mount::Plugins { rel: parts.collect() }),
        Some("pluginfacts") => Ok(Mount::PluginFacts { rel: parts.collect() }),
        _ => Err(not_found()),
    }
}

fn join(root: &Path, rel: &[String]) -> PathBuf {
    let mut p = root.to_path_buf();
    p.extend(rel);
    p
}

/// The fileserver of one environment: its modulepath, and a directory to describe when a plugin
/// mount is empty (puppetserver describes the modulepath directory then, never an empty list).
pub struct FileServer<'a> {
    modulepath: &'a [PathBuf],
    fallback_dir: &'a Path,
}

impl<'a> FileServer<'a> {
    /// A fileserver over `modulepath`; `fallback_dir` is the environment's directory.
    pub fn new(modulepath: &'a [PathBuf], fallback_dir: &'a Path) -> Self {
        FileServer { modulepath, fallback_dir }
    }

    /// The directory of module `name`: the first in modulepath order.
    fn module_dir(&self, name: &str) -> Option<PathBuf> {
        self.modulepath.iter().map(|dir| dir.join(name)).find(|d| d.is_dir())
    }

    /// Every module's `sub` directory that exists, in modulepath order, one per module name.
    fn module_subdirs(&self, sub: &str) -> Vec<PathBuf> {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for dir in self.modulepath {
            let Ok(entries) = fs::read_dir(dir) else { continue };
            let mut names: Vec<String> =
                entries.filter_map(|e| e.ok()).filter_map(|e| e.file_name().into_string().ok()).collect();
            names.sort();
            for name in names {
                if !valid_module_name(&name) || !dir.join(&name).is_dir() || !seen.insert(name.clone()) {
                    continue;
                }
                let candidate = dir.join(&name).join(sub);
                if candidate.is_dir() {
                    out.push(candidate);
                }
            }
        }
        out
    }

    /// The directory described when a plugin mount has nothing: the first existing modulepath
    /// directory, or the environment's own directory.
    fn fallback(&self) -> PathBuf {
        self.modulepath
            .iter()
            .find(|d| d.is_dir())
            .cloned()
            .unwrap_or_else(|| self.fallback_dir.to_path_buf())
    }

    /// The mount's roots and the relative path inside them.
    fn roots(&self, mount: &Mount) -> (Vec<PathBuf>, Vec<String>) {
        match mount {
            Mount::Module { module, rel } => {
                (self.module_dir(module).map(|d| d.join("files")).into_iter().collect(), rel.clone())
            }
            Mount::Plugins { rel } => (self.module_subdirs("lib"), rel.clone()),
            Mount::PluginFacts { rel } => (self.module_subdirs("facts.d"), rel.clone()),
        }
    }

    /// `file_metadata/<mount_path>`: one file's metadata, `relative_path` null.
    pub fn metadata(
        &self,
        mount_path: &str,
        opts: &MetadataOptions,
    ) -> Result<FileMetadata, FileServerError> {
        let mount = parse_mount(mount_path)?;
        let (roots, rel) = self.roots(&mount);
        let is_plugin_root = rel.is_empty() && !matches!(mount, Mount::Module { .. });
        let found = roots.iter().map(|r| join(r, &rel)).find(|p| p.symlink_metadata().is_ok());
        let path = match found {
            Some(p) => p,
            None if is_plugin_root => self.fallback(),
            None => return Err(FileServerError::NotFound(format!("file_metadata {mount_path}"))),
        };
        describe(&path, &path, None, opts)
    }

    /// `file_metadatas/<mount_path>`: the base (`"."`) and, when recursing, everything below it.
    /// Plugin mounts merge every module's directory; the first module wins a relative path.
    pub fn search(
        &self,
        mount_path: &str,
        opts: &SearchOptions,
    ) -> Result<Vec<FileMetadata>, FileServerError> {
        self.search_until(mount_path, opts, &AtomicBool::new(false))
    }

    /// [`search`](Self::search), abandoned with [`FileServerError::Cancelled`] as soon as
    /// `cancelled` is set (checked at every entry): the request handler sets it when its client
    /// goes away, so a large tree is not walked and checksummed for no one.
    pub fn search_until(
        &self,
        mount_path: &str,
        opts: &SearchOptions,
        cancelled: &AtomicBool,
    ) -> Result<Vec<FileMetadata>, FileServerError> {
        let mount = parse_mount(mount_path)?;
        let (roots, rel) = self.roots(&mount);
        let bases: Vec<PathBuf> =
            roots.iter().map(|r| join(r, &rel)).filter(|p| p.symlink_metadata().is_ok()).collect();
        if bases.is_empty() {
            if rel.is_empty() && !matches!(mount, Mount::Module { .. }) {
                let dir = self.fallback();
                return Ok(vec![describe(&dir, &dir, Some(".".into()), &opts.metadata)?]);
            }
            return Err(FileServerError::NotFound(format!("file_metadatas {mount_path}")));
        }
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for base in &bases {
            for (relative, full) in walk(base, opts, cancelled)? {
                if cancelled.load(Ordering::Relaxed) {
                    return Err(FileServerError::Cancelled);
                }
                if seen.insert(relative.clone()) {
                    out.push(describe(&full, base, Some(relative), &opts.metadata)?);
                }
            }
        }
        Ok(out)
    }

    /// `file_content/<mount_path>`: the regular file to send.
    pub fn content_path(&self, mount_path: &str) -> Result<PathBuf, FileServerError> {
        let mount = parse_mount(mount_path)?;
        let (roots, rel) = self.roots(&mount);
        roots
            .iter()
            .map(|r| join(r, &rel))
            .find(|p| p.is_file())
            .ok_or_else(|| FileServerError::NotFound(format!("file_content {mount_path}")))
    }
}

/// Lists `base` (as `"."`) and, when recursing, its descendants as (relative path, full path),
/// sorted depth-first. Ignored names are skipped with their contents; followed directory links
/// are visited once, so a link loop ends.
fn walk(
    base: &Path,
    opts: &SearchOptions,
    cancelled: &AtomicBool,
) -> Result<Vec<(String, PathBuf)>, FileServerError> {
    let out = vec![(".".to_string(), base.to_path_buf())];
    if !opts.recurse {
        return Ok(out);
    }
    let mut visited = HashSet::new();
    if let Ok(m) = fs::metadata(base) {
        visited.insert((m.dev(), m.ino()));
    }
    let mut walk = Walk { opts, cancelled, visited, out };
    walk.dir(base, "", 1)?;
    Ok(walk.out)
}

/// One recursive listing in progress.
struct Walk<'a> {
    opts: &'a SearchOptions,
    cancelled: &'a AtomicBool,
    /// Directories entered, by device and inode, so a loop of followed links ends.
    visited: HashSet<(u64, u64)>,
    out: Vec<(String, PathBuf)>,
}

impl Walk<'_> {
    fn dir(&mut self, dir: &Path, prefix: &str, depth: u32) -> Result<(), FileServerError> {
        let opts = self.opts;
        if opts.recurselimit.is_some_and(|limit| depth > limit) {
            return Ok(());
        }
        let Ok(meta) = fs::symlink_metadata(dir) else { return Ok(()) };
        let is_dir = if meta.file_type().is_symlink() {
            opts.metadata.links == Links::Follow && dir.is_dir()
        } else {
            meta.is_dir()
        };
        if !is_dir {
            return Ok(());
        }
        let entries =
            fs::read_dir(dir).map_err(|source| FileServerError::Io { path: dir.to_path_buf(), source })?;
        let mut names: Vec<String> =
            entries.filter_map(|e| e.ok()).filter_map(|e| e.file_name().into_string().ok()).collect();
        names.sort();
        for name in names {
            if self.cancelled.load(Ordering::Relaxed) {
                return Err(FileServerError::Cancelled);
            }
            if opts.ignore.iter().any(|glob| glob_match(glob, &name)) {
                continue;
            }
            let full = dir.join(&name);
            let relative = if prefix.is_empty() { name.clone() } else { format!("{prefix}/{name}") };
            self.out.push((relative.clone(), full.clone()));
            let descend = match fs::symlink_metadata(&full) {
                Ok(m) if m.is_dir() => true,
                Ok(m) if m.file_type().is_symlink() => opts.metadata.links == Links::Follow && full.is_dir(),
                _ => false,
            };
            if descend {
                let Ok(m) = fs::metadata(&full) else { continue };
                if self.visited.insert((m.dev(), m.ino())) {
                    self.dir(&full, &relative, depth + 1)?;
                }
            }
        }
        Ok(())
    }
}

/// Ruby's `File.fnmatch(pattern, name)` with no flags, which is how Puppet's fileset tests each
/// `ignore` pattern against an entry's name: `*` any run of characters, `?` one character,
/// `[set]` one of a set (ranges `a-z`, negated with `!` or `^`; a set left open matches nothing),
/// `\` escapes the next character, and a leading `.` of the name is matched only by a literal
/// `.` (neither `*`, `?` nor a set). Braces are literal (they need `FNM_EXTGLOB`). A NUL ends
/// the pattern, as it does C's.
///
/// Ruby's algorithm, which remembers only the last `*` to retry from: a failed match moves that
/// star's start on by one character. The work is at most the name's length times the pattern's
/// (names are at most 255 bytes), where trying every split for every star, as this function
/// once did, took time exponential in the number of stars.
pub fn glob_match(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().take_while(|c| *c != '\0').collect();
    let s: Vec<char> = name.chars().collect();
    let unescape = |i: usize| if p.get(i) == Some(&'\\') { i + 1 } else { i };
    if s.first() == Some(&'.') && p.get(unescape(0)) != Some(&'.') {
        return false;
    }
    let (mut pi, mut si) = (0, 0);
    // Where the last `*`'s continuation starts in the pattern, and where in the name it is tried.
    let mut retry: Option<(usize, usize)> = None;
    loop {
        let matched = match p.get(pi) {
            Some('*') => {
                while p.get(pi) == Some(&'*') {
                    pi += 1;
                }
                if unescape(pi) >= p.len() {
                    return true;
                }
                if si >= s.len() {
                    return false;
                }
                retry = Some((pi, si));
                continue;
            }
            Some('?') => {
                if si >= s.len() {
                    return false;
                }
                pi += 1;
                si += 1;
                true
            }
            Some('[') => {
                if si >= s.len() {
                    return false;
                }
                match bracket(&p, pi + 1, s[si]) {
                    Some(next) => {
                        pi = next;
                        si += 1;
                        true
                    }
                    None => false,
                }
            }
            _ => {
                pi = unescape(pi);
                if si >= s.len() {
                    return pi >= p.len();
                }
                if p.get(pi) == Some(&s[si]) {
                    pi += 1;
                    si += 1;
                    true
                } else {
                    false
                }
            }
        };
        if matched {
            continue;
        }
        match retry {
            Some((star_pi, star_si)) if star_si < s.len() => {
                retry = Some((star_pi, star_si + 1));
                pi = star_pi;
                si = star_si + 1;
            }
            _ => return false,
        }
    }
}

/// Matches `c` against the set that starts at `p[i]` (just after its `[`): the index after the
/// closing `]` when it matches, `None` when it does not or the set is never closed (Ruby's
/// `bracket` in dir.c, without case folding).
fn bracket(p: &[char], mut i: usize, c: char) -> Option<usize> {
    let negated = matches!(p.get(i), Some('!') | Some('^'));
    if negated {
        i += 1;
    }
    let mut found = false;
    loop {
        let mut first = *p.get(i)?;
        if first == ']' {
            break;
        }
        if first == '\\' {
            i += 1;
            first = *p.get(i)?;
        }
        i += 1;
        if p.get(i) == Some(&'-') && p.get(i + 1).is_some_and(|n| *n != ']') {
            i += 1;
            let mut last = *p.get(i)?;
            if last == '\\' {
                i += 1;
                last = *p.get(i)?;
            }
            i += 1;
            found |= (first..=last).contains(&c) || c == first || c == last;
        } else {
            found |= c == first;
        }
    }
    (found != negated).then_some(i + 1)
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> FileServerError + '_ {
    move |source| FileServerError::Io { path: path.to_path_buf(), source }
}

/// The metadata of `full`, reported under `path` (the full path for a find, the search base for a
/// search) with `relative_path`.
fn describe(
    full: &Path,
    path: &Path,
    relative_path: Option<String>,
    opts: &MetadataOptions,
) -> Result<FileMetadata, FileServerError> {
    let lstat = fs::symlink_metadata(full).map_err(io_err(full))?;
    let (stat, file_type, destination) = if lstat.file_type().is_symlink() && opts.links == Links::Manage {
        let target = fs::read_link(full).map_err(io_err(full))?;
        (lstat, FileType::Link, Some(target.to_string_lossy().into_owned()))
    } else if lstat.file_type().is_symlink() {
        let stat = fs::metadata(full).map_err(io_err(full))?;
        let kind = if stat.is_dir() { FileType::Directory } else { FileType::File };
        (stat, kind, None)
    } else {
        let kind = if lstat.is_dir() { FileType::Directory } else { FileType::File };
        (lstat, kind, None)
    };
    let checksum = match file_type {
        FileType::Directory => {
            Checksum { kind: "ctime".into(), value: format!("{{ctime}}{}", time_text(stat.ctime())) }
        }
        // A managed link carries its target's checksum, or its own ctime when the target is gone.
        FileType::Link => match fs::metadata(full) {
            Ok(target) if target.is_file() => file_checksum(full, &target, opts.checksum_type)?,
            _ => Checksum { kind: "ctime".into(), value: format!("{{ctime}}{}", time_text(stat.ctime())) },
        },
        FileType::File => file_checksum(full, &stat, opts.checksum_type)?,
    };
    Ok(FileMetadata {
        path: path.to_string_lossy().into_owned(),
        relative_path,
        links: opts.links.as_str().to_string(),
        owner: stat.uid(),
        group: stat.gid(),
        mode: stat.mode() & 0o7777,
        checksum,
        file_type,
        destination,
    })
}

/// `YYYY-MM-DD HH:MM:SS +0000` as Ruby prints a UTC time.
fn time_text(epoch_seconds: i64) -> String {
    chrono::DateTime::from_timestamp(epoch_seconds, 0)
        .unwrap_or_default()
        .format("%Y-%m-%d %H:%M:%S +0000")
        .to_string()
}

fn file_checksum(path: &Path, stat: &fs::Metadata, kind: ChecksumType) -> Result<Checksum, FileServerError> {
    let name = kind.name();
    let value = match kind {
        ChecksumType::Mtime => time_text(stat.mtime()),
        ChecksumType::Ctime => time_text(stat.ctime()),
        ChecksumType::None => String::new(),
        ChecksumType::Md5 => hash_file::<md5::Md5>(path)?,
        ChecksumType::Sha1 => hash_file::<sha1::Sha1>(path)?,
        ChecksumType::Sha224 => hash_file::<sha2::Sha224>(path)?,
        ChecksumType::Sha256 => hash_file::<sha2::Sha256>(path)?,
        ChecksumType::Sha384 => hash_file::<sha2::Sha384>(path)?,
        ChecksumType::Sha512 => hash_file::<sha2::Sha512>(path)?,
    };
    Ok(Checksum { kind: name.to_string(), value: format!("{{{name}}}{value}") })
}

/// The lower-case hex digest of a file's bytes, read in blocks.
fn hash_file<D: sha2::Digest>(path: &Path) -> Result<String, FileServerError> {
    let mut file = fs::File::open(path).map_err(io_err(path))?;
    let mut hasher = D::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = file.read(&mut buf).map_err(io_err(path))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex::encode(hasher.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> MetadataOptions {
        MetadataOptions { links: Links::Manage, checksum_type: ChecksumType::Sha256 }
    }

    fn search_opts(recurse: bool) -> SearchOptions {
        SearchOptions {
            metadata: opts(),
            recurse,
            recurselimit: None,
            ignore: vec![".git".into(), "*.swp".into()],
        }
    }

    fn tree() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let m = dir.path().join("modules");
        for (path, text) in [
            ("alpha/files/hello.txt", "hello\n"),
            ("alpha/files/sub/deep.txt", "deep"),
            ("alpha/lib/facter/a.rb", "a"),
            ("alpha/lib/puppet/.git/x", "x"),
            ("beta/lib/facter/a.rb", "shadowed"),
            ("beta/lib/facter/b.rb", "b"),
            ("beta/facts.d/f.txt", "k=v"),
        ] {
            let p = m.join(path);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, text).unwrap();
        }
        dir
    }

    #[test]
    fn refuses_escapes() {
        for bad in ["modules/alpha/../../../etc/passwd", "/etc/passwd", "modules/alpha/a\0b", "plugins/../x"]
        {
            assert!(matches!(safe_components(bad), Err(FileServerError::BadPath(_))), "{bad}");
        }
        assert_eq!(safe_components("modules//a/./b/").unwrap(), vec!["modules", "a", "b"]);
        let dir = tree();
        let mp = vec![dir.path().join("modules")];
        let fs_ = FileServer::new(&mp, dir.path());
        assert!(matches!(
            fs_.content_path("modules/alpha/../beta/lib/facter/b.rb"),
            Err(FileServerError::BadPath(_))
        ));
        assert!(matches!(fs_.content_path("modules/Alpha/hello.txt"), Err(FileServerError::NotFound(_))));
        assert!(matches!(fs_.content_path("secrets/x"), Err(FileServerError::NotFound(_))));
    }

    #[test]
    fn module_file_metadata_and_content() {
        let dir = tree();
        let mp = vec![dir.path().join("modules")];
        let server = FileServer::new(&mp, dir.path());
        let md = server.metadata("modules/alpha/hello.txt", &opts()).unwrap();
        assert_eq!(md.file_type, FileType::File);
        assert_eq!(md.relative_path, None);
        assert_eq!(
            md.checksum.value,
            "{sha256}5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"
        );
        let md5 = server
            .metadata(
                "modules/alpha/hello.txt",
                &MetadataOptions { links: Links::Manage, checksum_type: ChecksumType::Md5 },
            )
            .unwrap();
        assert_eq!(md5.checksum.value, "{md5}b1946ac92492d2347c6235b4d2611184");
        let d = server.metadata("modules/alpha/sub", &opts()).unwrap();
        assert_eq!(d.file_type, FileType::Directory);
        assert!(d.checksum.value.starts_with("{ctime}") && d.checksum.value.ends_with(" +0000"));
        assert!(server.content_path("modules/alpha/hello.txt").unwrap().ends_with("alpha/files/hello.txt"));
        assert!(matches!(server.metadata("modules/alpha/nope", &opts()), Err(FileServerError::NotFound(_))));
    }

    #[test]
    fn plugins_merge_with_one_root_entry() {
        let dir = tree();
        let mp = vec![dir.path().join("modules")];
        let server = FileServer::new(&mp, dir.path());
        let list = server.search("plugins", &search_opts(true)).unwrap();
        let rels: Vec<_> = list.iter().map(|m| m.relative_path.clone().unwrap()).collect();
        assert_eq!(rels, vec![".", "facter", "facter/a.rb", "puppet", "facter/b.rb"]);
        assert!(list[0].path.ends_with("alpha/lib"));
        assert!(list[4].path.ends_with("beta/lib"));
        let shallow = server.search("plugins", &search_opts(false)).unwrap();
        assert_eq!(shallow.len(), 1);
        let facts = server.search("pluginfacts", &search_opts(true)).unwrap();
        assert_eq!(facts.len(), 2);
        assert_eq!(facts[1].relative_path.as_deref(), Some("f.txt"));
    }

    #[test]
    fn empty_plugin_mount_describes_a_directory() {
        let dir = tempfile::tempdir().unwrap();
        let mp = vec![dir.path().join("modules")];
        let server = FileServer::new(&mp, dir.path());
        let list = server.search("pluginfacts", &search_opts(true)).unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].relative_path.as_deref(), Some("."));
        assert_eq!(list[0].file_type, FileType::Directory);
        assert!(server.metadata("plugins", &opts()).is_ok());
    }

    /// Ruby 3.1's own answers: `File.fnmatch(pattern, name)` printed for each pair.
    #[test]
    fn globs_match_as_ruby_fnmatch_does() {
        let cases: &[(&str, &str, bool)] = &[
            ("*.swp", "a.swp", true),
            ("*.swp", ".a.swp", false),
            (".git", ".git", true),
            (".git", ".gitignore", false),
            ("CV?", "CVS", true),
            ("?git", ".git", false),
            ("*", ".hidden", false),
            (".*", ".hidden", true),
            ("*", "plain", true),
            ("*", ".", false),
            ("*", "", true),
            ("", "", true),
            ("", "a", false),
            ("a*", "", false),
            ("*********Q", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false),
            ("*********Q", "aaaaaaaaaaaaaaaaaQ", true),
            ("a*b*c", "abc", true),
            ("a*b*c", "aXbYc", true),
            ("a*b*c", "aXbYcZ", false),
            ("a*b*c", "acb", false),
            ("*a", "ba", true),
            ("*a*", "bab", true),
            ("[abc]x", "bx", true),
            ("[abc]x", "dx", false),
            ("[!abc]x", "dx", true),
            ("[!abc]x", "ax", false),
            ("[^abc]x", "dx", true),
            ("[a-c]x", "bx", true),
            ("[a-c]x", "dx", false),
            ("[]]x", "]x", false),
            ("[!]]x", "ax", false),
            ("[a-]x", "-x", true),
            ("[z-a]x", "mx", false),
            ("[", "[", false),
            ("[a", "[a", false),
            ("a[", "a[", false),
            ("[]", "[]", false),
            ("\\*", "*", true),
            ("\\*", "a", false),
            ("a\\", "a\\", false),
            ("\\a", "a", true),
            ("[\\]]", "]", true),
            ("[\\!a]", "!", true),
            ("{a,b}", "a", false),
            ("{a,b}", "{a,b}", true),
            ("**", "abc", true),
            ("**/x", "a/x", true),
            ("*", "a/b", true),
            ("?", "/", true),
            ("a?c", "a/c", true),
            ("*.rb", "x.rb", true),
            ("*.RB", "x.rb", false),
            ("é*", "éa", true),
            ("?", "é", true),
            ("[é]", "é", true),
            ("*x", ".x", false),
            ("[.]x", ".x", false),
            ("\\.x", ".x", true),
            ("*/", ".x/", false),
            ("x/*", "x/.y", true),
            ("x*", "x.y", true),
            ("?", ".", false),
            ("a*", "a.b", true),
        ];
        for (pattern, name, expected) in cases {
            assert_eq!(glob_match(pattern, name), *expected, "File.fnmatch({pattern:?}, {name:?})");
        }
    }

    /// The pattern took 12 s with 9 stars against one directory; any number of stars is
    /// now a pass over the name per star position at most.
    #[test]
    fn many_stars_take_no_time() {
        let name = "a".repeat(255);
        let started = std::time::Instant::now();
        for stars in 1..=200 {
            let pattern = format!("{}Q", "*".repeat(stars));
            assert!(!glob_match(&pattern, &name));
            let pattern = format!("{}Q", "*a".repeat(stars));
            assert!(!glob_match(&pattern, &name));
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(1), "{:?}", started.elapsed());
    }
}
