//! `file` (the `posix` provider): files, directories and symlinks, their content, mode, owner and group.
//!
//! Content is written atomically: a temporary file in the same directory gets the bytes, the mode and
//! the ownership, is fsynced and then renamed over the target, so a reader never sees half a file and a
//! crash never leaves one. Inside a transaction the fsync and rename of a plain file's content are
//! usually staged and completed with others in one batch ([`super::staged`]). Checksums are sha256 in
//! Puppet's `{sha256}hex` form.

use std::fs;
use std::io::Write;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use bunraku_model::{FileType, Resource, Value};
use sha2::{Digest, Sha256};

use super::filebucket::{self, Backup};
use super::staged::StagedWrite;
use super::{param_bool, Context, Level, LogSource, ProviderError};
use crate::state::StateValue;

/// Brings a file resource in line with the catalog.
pub fn apply(res: &Resource, ctx: &mut Context) -> Result<(), ProviderError> {
    ctx.provider_used = Some("posix".into());
    let path = PathBuf::from(res.param_str("path").unwrap_or_else(|| res.title.clone()));
    if !path.is_absolute() {
        return Err(ProviderError(format!("File paths must be fully qualified, not '{}'", path.display())));
    }
    let mut spec = Spec::from_resource(res, ctx)?;
    let follow = res.param_str("links").as_deref() == Some("follow");
    // `links => follow`: a link at the path stands for the file it points to.
    let path = match fs::symlink_metadata(&path) {
        Ok(m) if follow && m.file_type().is_symlink() => fs::canonicalize(&path).unwrap_or(path),
        _ => path,
    };
    // `links => manage` (the default): a local source that is a link is copied as that link.
    if !follow && spec.content.is_none() && spec.target.is_none() {
        let first =
            spec.sources.iter().filter_map(|s| local_path(s)).find(|p| fs::symlink_metadata(p).is_ok());
        if let Some(link) = first.and_then(|p| fs::read_link(p).ok()) {
            spec.target = Some(link.to_string_lossy().into_owned());
            spec.sources.clear();
            if spec.ensure.as_deref() != Some("absent") {
                spec.ensure = Some("link".into());
            }
        }
    }
    let current = Current::read(&path);

    let mut desired_content: Option<Vec<u8>> = None;
    let mut source_is_dir = false;
    if let Some(content) = &spec.content {
        desired_content = Some(content.clone());
    } else if !spec.sources.is_empty() {
        let on_disk = if current.kind == Kind::File { current.sha256.as_deref() } else { None };
        // A local source is read through links (`links => manage` of a link source was handled above).
        let (bytes, is_dir) = fetch_source(&spec.sources, ctx, on_disk)?;
        desired_content = bytes;
        source_is_dir = is_dir;
    }

    let ensure = match spec.ensure.as_deref() {
        Some("present") => match current.kind {
            Kind::Absent => Some(if source_is_dir { "directory" } else { "file" }),
            _ => None,
        },
        Some("file") => Some(if source_is_dir { "directory" } else { "file" }),
        Some(e) => Some(e),
        None if spec.target.is_some() => Some("link"),
        None if source_is_dir => Some("directory"),
        None if desired_content.is_some() || !spec.sources.is_empty() => Some("file"),
        None => None,
    };

    match ensure {
        Some("absent") => return ensure_absent(&path, &current, &spec, ctx),
        Some("file") => {
            if current.kind != Kind::File {
                return create(&path, &current, Kind::File, &spec, desired_content.as_deref(), ctx);
            }
        }
        Some("directory") => {
            if current.kind != Kind::Directory {
                return create(&path, &current, Kind::Directory, &spec, None, ctx);
            }
        }
        Some("link") => {
            let Some(target) = &spec.target else {
                return Err(ProviderError::new("Cannot create a link without a target"));
            };
            if current.kind != Kind::Link {
                return create(&path, &current, Kind::Link, &spec, None, ctx);
            }
            if current.link_target.as_deref() != Some(target.as_str()) {
                let prev = Value::String(current.link_target.clone().unwrap_or_default());
                let want = Value::String(target.clone());
                if ctx.should_sync("target", &prev, &want, "target_changed") {
                    let msg = format!("target changed '{}' to '{}'", prev.as_str().unwrap_or(""), target);
                    match replace_link(&path, target) {
                        Ok(()) => ctx.changed("target", prev, want, "target_changed", msg),
                        Err(e) => ctx.failed("target", prev, want, "target_changed", &e.to_string()),
                    }
                }
            }
            return sync_ownership(&path, &current, &spec, ctx);
        }
        Some(other) => return Err(ProviderError(format!("Invalid value \"{other}\" for ensure"))),
        None => {
            if current.kind == Kind::Absent {
                ctx.debug("Nothing to manage: no ensure and the resource doesn't exist");
                return Ok(());
            }
        }
    }

    // The resource exists with the right type: sync content, then mode, owner, group.
    if current.kind == Kind::File && spec.replace {
        if let Some(want) = &desired_content {
            let want_sum = sha256_label(want);
            let have_sum = current.sha256.clone().unwrap_or_default();
            if want_sum != have_sum {
                sync_content(&path, &current, &spec, want, &have_sum, &want_sum, ctx);
            }
        }
    }
    sync_mode(&path, &current, &spec, ctx);
    sync_ownership(&path, &current, &spec, ctx)
}

/// The file resources a recursive `file` generates for what lies under it, sorted by path, as Puppet's
/// `eval_generate` does: one per entry of the first `source` directory that exists (to `recurselimit`;
/// a local directory is walked, a `puppet:///` one is searched on the master with `file_metadatas`),
/// one per entry already under the path (to manage its mode and owner, or to remove it with `purge`),
/// skipping paths the catalog manages itself.
pub fn generate_children(
    res: &Resource,
    managed: &dyn Fn(&str) -> bool,
    files: &dyn crate::FileSource,
) -> Result<Vec<Resource>, String> {
    let recurse = match res.param("recurse") {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => matches!(s.as_str(), "true" | "remote" | "inf"),
        Some(Value::Number(n)) => n.as_u64().unwrap_or(0) > 0,
        _ => false,
    };
    let ensure = res.param_str("ensure");
    if !recurse || matches!(ensure.as_deref(), Some("absent") | Some("link")) {
        return Ok(Vec::new());
    }
    let limit = res
        .param("recurselimit")
        .and_then(|v| v.as_u64().or_else(|| v.as_str().and_then(|s| s.parse().ok())))
        .map(|n| n as usize)
        .or_else(|| res.param("recurse").and_then(|v| v.as_u64()).map(|n| n as usize))
        .unwrap_or(usize::MAX);
    let root = PathBuf::from(res.param_str("path").unwrap_or_else(|| res.title.clone()));
    if !root.is_dir() && res.param("source").is_none() {
        return Ok(Vec::new());
    }
    let purge = param_bool(res, "purge") == Some(true);

    // The first source that exists, if it is a directory: its entries by relative path (is_dir).
    let mut source_dir: Option<String> = None;
    let mut from_source = std::collections::BTreeMap::new();
    let mut errors = Vec::new();
    for source in super::param_list(res, "source") {
        if let Some(dir) = local_path(&source) {
            if !dir.exists() {
                continue;
            }
            if dir.is_dir() {
                walk(&dir, Path::new(""), limit, &mut |rel, is_dir| {
                    from_source.insert(rel.to_path_buf(), is_dir);
                    true
                });
                source_dir = Some(dir.display().to_string());
            }
            break;
        }
        let depth = u32::try_from(limit).ok();
        match files.metadatas(&source, depth) {
            Ok(entries) => {
                let is_dir = |m: &bunraku_model::FileMetadata| m.file_type == FileType::Directory;
                if entries.iter().any(|m| m.relative_path.as_deref() == Some(".") && is_dir(m)) {
                    for m in &entries {
                        let Some(rel) = m.relative_path.as_deref().filter(|r| *r != ".") else { continue };
                        if rel.split('/').any(|seg| seg == ".." || seg.is_empty()) {
                            continue;
                        }
                        from_source.insert(PathBuf::from(rel), is_dir(m));
                    }
                    source_dir = Some(source.trim_end_matches('/').to_string());
                }
                break;
            }
            Err(e) => errors.push(e),
        }
    }
    if source_dir.is_none() && !errors.is_empty() && !root.is_dir() {
        return Err(errors.join("; "));
    }
    let mut on_disk = std::collections::BTreeSet::new();
    walk(&root, Path::new(""), limit, &mut |rel, _| {
        on_disk.insert(rel.to_path_buf());
        // Below an entry that will be purged there is nothing to manage.
        !(purge && source_dir.is_some() && !from_source.contains_key(rel))
    });

    // What children inherit from their parent, as Puppet copies it.
    const INHERITED: &[&str] = &[
        "mode",
        "owner",
        "group",
        "backup",
        "replace",
        "force",
        "links",
        "checksum",
        "show_diff",
        "noop",
        "loglevel",
    ];
    let mut children = Vec::new();
    let mut rels: std::collections::BTreeSet<&PathBuf> = from_source.keys().collect();
    rels.extend(on_disk.iter());
    for rel in rels {
        let path = root.join(rel);
        let title = path.display().to_string();
        if managed(&title) {
            continue;
        }
        let mut parameters = indexmap::IndexMap::new();
        parameters.insert("path".to_string(), Value::String(title.clone()));
        match (&source_dir, from_source.get(rel)) {
            (Some(_), Some(true)) => {
                parameters.insert("ensure".into(), Value::String("directory".into()));
            }
            (Some(dir), Some(false)) => {
                parameters.insert("ensure".into(), Value::String("file".into()));
                parameters.insert("source".into(), Value::String(format!("{dir}/{}", rel.display())));
            }
            (_, None) if purge => {
                parameters.insert("ensure".into(), Value::String("absent".into()));
            }
            _ => {}
        }
        for name in INHERITED {
            if let Some(v) = res.param(name) {
                parameters.insert((*name).to_string(), v.clone());
            }
        }
        children.push(super::generated_file(res, title, parameters));
    }
    Ok(children)
}

/// Visits the entries under `dir` (not following links) in name order, depth first, to `limit` levels;
/// `visit` returns whether to descend into a directory.
fn walk(dir: &Path, rel: &Path, limit: usize, visit: &mut dyn FnMut(&Path, bool) -> bool) {
    if limit == 0 {
        return;
    }
    let Ok(entries) = fs::read_dir(dir) else { return };
    let mut names: Vec<_> = entries.filter_map(|e| e.ok()).map(|e| e.file_name()).collect();
    names.sort();
    for name in names {
        let full = dir.join(&name);
        let is_dir = fs::symlink_metadata(&full).map(|m| m.is_dir()).unwrap_or(false);
        let child_rel = rel.join(&name);
        if visit(&child_rel, is_dir) && is_dir {
            walk(&full, &child_rel, limit - 1, visit);
        }
    }
}

/// The desired state, parsed from the resource's parameters.
struct Spec {
    ensure: Option<String>,
    content: Option<Vec<u8>>,
    sources: Vec<String>,
    mode: Option<u32>,
    owner: Option<(u32, String)>,
    group: Option<(u32, String)>,
    target: Option<String>,
    force: bool,
    replace: bool,
    sensitive: bool,
    /// `None` for `backup => false` (Puppet 7's default).
    backup: Option<Backup>,
    /// `validate_cmd` with `validate_replacement` (default `%`) still in it.
    validate: Option<(String, String)>,
}

impl Spec {
    fn from_resource(res: &Resource, ctx: &Context) -> Result<Spec, ProviderError> {
        let mut ensure = res.param_str("ensure");
        let mut target = res.param_str("target");
        // `ensure => '/some/path'` means a link to that path.
        if let Some(e) = &ensure {
            if e.starts_with('/') {
                target = Some(e.clone());
                ensure = Some("link".into());
            }
        }
        let content = match res.param("content") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.as_bytes().to_vec()),
            Some(Value::Object(o)) if o.get("__ptype").and_then(|t| t.as_str()) == Some("Binary") => {
                let b64 = o.get("__pvalue").and_then(|v| v.as_str()).unwrap_or("");
                Some(decode_base64(b64).ok_or_else(|| ProviderError::new("invalid Binary content"))?)
            }
            Some(other) => Some(other.to_string().into_bytes()),
        };
        let sources = super::param_list(res, "source");
        if content.is_some() && !sources.is_empty() {
            return Err(ProviderError::new("You cannot specify more than one of content, source, target"));
        }
        let mode =
            match res.param_str("mode") {
                Some(m) => Some(parse_mode(&m).ok_or_else(|| {
                    ProviderError(format!("The file mode specification is invalid: \"{m}\""))
                })?),
                None => None,
            };
        let owner = match res.param_str("owner") {
            Some(o) => {
                Some(resolve_user(&o).ok_or_else(|| ProviderError(format!("Could not find user {o}")))?)
            }
            None => None,
        };
        let group = match res.param_str("group") {
            Some(g) => {
                Some(resolve_group(&g).ok_or_else(|| ProviderError(format!("Could not find group {g}")))?)
            }
            None => None,
        };
        let backup = match res.param("backup") {
            None | Some(Value::Null) | Some(Value::Bool(false)) => None,
            Some(Value::Bool(true)) => Some(Backup::Suffix(".puppet-bak".into())),
            Some(Value::String(s)) if s == "false" => None,
            Some(Value::String(s)) if s == "true" => Some(Backup::Suffix(".puppet-bak".into())),
            Some(Value::String(s)) if s.starts_with('.') => Some(Backup::Suffix(s.clone())),
            Some(Value::String(s)) => match ctx.filebuckets.iter().find(|(title, _)| title == s) {
                Some((title, dir)) => Some(Backup::Bucket(title.clone(), dir.clone())),
                None => {
                    return Err(ProviderError(format!("Could not find filebucket {s} specified in backup")))
                }
            },
            Some(other) => return Err(ProviderError(format!("Invalid value {other} for backup"))),
        };
        let validate = res
            .param_str("validate_cmd")
            .map(|cmd| (cmd, res.param_str("validate_replacement").unwrap_or_else(|| "%".to_string())));
        Ok(Spec {
            backup,
            validate,
            ensure,
            content,
            sources,
            mode,
            owner,
            group,
            target,
            force: param_bool(res, "force") == Some(true),
            replace: param_bool(res, "replace") != Some(false),
            sensitive: res.sensitive_parameters.iter().any(|p| p == "content"),
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Absent,
    File,
    Directory,
    Link,
    Other,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Absent => "absent",
            Kind::File => "file",
            Kind::Directory => "directory",
            Kind::Link => "link",
            Kind::Other => "file",
        }
    }
}

/// What is on disk now.
struct Current {
    kind: Kind,
    mode: u32,
    uid: u32,
    gid: u32,
    sha256: Option<String>,
    link_target: Option<String>,
}

impl Current {
    fn read(path: &Path) -> Current {
        let Ok(meta) = fs::symlink_metadata(path) else {
            return Current { kind: Kind::Absent, mode: 0, uid: 0, gid: 0, sha256: None, link_target: None };
        };
        let ft = meta.file_type();
        let kind = if ft.is_symlink() {
            Kind::Link
        } else if ft.is_dir() {
            Kind::Directory
        } else if ft.is_file() {
            Kind::File
        } else {
            Kind::Other
        };
        let sha256 = if kind == Kind::File { fs::read(path).ok().map(|b| sha256_label(&b)) } else { None };
        let link_target = if kind == Kind::Link {
            fs::read_link(path).ok().map(|t| t.to_string_lossy().into_owned())
        } else {
            None
        };
        Current { kind, mode: meta.mode() & 0o7777, uid: meta.uid(), gid: meta.gid(), sha256, link_target }
    }
}

/// `{sha256}hex` of some bytes.
pub fn sha256_label(bytes: &[u8]) -> String {
    format!("{{sha256}}{}", hex::encode(Sha256::digest(bytes)))
}

/// The properties `audit => all` stands for on a `file`, in the order Puppet records them.
pub const AUDITABLE: [&str; 14] = [
    "ensure",
    "content",
    "checksum_value",
    "target",
    "owner",
    "group",
    "mode",
    "type",
    "seluser",
    "selrole",
    "seltype",
    "selrange",
    "ctime",
    "mtime",
];

/// The current values of the audited `properties` of a file, as Puppet's `retrieve` gives them and
/// `state.yaml` keeps them: `:absent` for everything when nothing is there; an `ensure` symbol, the
/// content's checksum (nil for a directory or link), the link target or `:notlink`, uid and gid as
/// integers, the mode as `'0644'` (a link's own, from `lstat`), the type's name, ctime and mtime.
/// The SELinux context parts are nil (read as on a machine without SELinux) and so is
/// `checksum_value`. A name that is not a `file` property is left out.
pub fn audit_values(res: &Resource, properties: &[String]) -> Vec<(String, StateValue)> {
    let path = PathBuf::from(res.param_str("path").unwrap_or_else(|| res.title.clone()));
    let meta = if res.param_str("links").as_deref() == Some("follow") {
        fs::metadata(&path)
    } else {
        fs::symlink_metadata(&path)
    };
    let known = properties.iter().filter(|p| AUDITABLE.contains(&p.as_str()));
    let Ok(meta) = meta else {
        return known.map(|p| (p.clone(), StateValue::Symbol(":absent".into()))).collect();
    };
    let ft = meta.file_type();
    let type_name = if ft.is_symlink() {
        "link"
    } else if ft.is_dir() {
        "directory"
    } else if ft.is_file() {
        "file"
    } else {
        use std::os::unix::fs::FileTypeExt;
        match () {
            _ if ft.is_fifo() => "fifo",
            _ if ft.is_socket() => "socket",
            _ if ft.is_char_device() => "characterSpecial",
            _ => "blockSpecial",
        }
    };
    let time = |secs: i64, nanos: i64| {
        chrono::DateTime::from_timestamp(secs, nanos as u32)
            .map(|t| StateValue::Time(t.with_timezone(&chrono::Local).fixed_offset()))
            .unwrap_or(StateValue::Nil)
    };
    known
        .map(|p| {
            let value = match p.as_str() {
                "ensure" => StateValue::Symbol(format!(":{type_name}")),
                "content" if ft.is_file() => {
                    fs::read(&path).map(|b| StateValue::Text(sha256_label(&b))).unwrap_or(StateValue::Nil)
                }
                "target" => match fs::read_link(&path) {
                    Ok(t) if ft.is_symlink() => StateValue::Text(t.to_string_lossy().into_owned()),
                    _ => StateValue::Symbol(":notlink".into()),
                },
                "owner" => StateValue::Integer(meta.uid().into()),
                "group" => StateValue::Integer(meta.gid().into()),
                "mode" => StateValue::Text(format!("{:04o}", meta.mode() & 0o7777)),
                "type" => StateValue::Text(type_name.into()),
                "ctime" => time(meta.ctime(), meta.ctime_nsec()),
                "mtime" => time(meta.mtime(), meta.mtime_nsec()),
                _ => StateValue::Nil,
            };
            (p.clone(), value)
        })
        .collect()
}

/// What the catalog asks of an audited property, as Puppet's `should` puts it in an audit event:
/// the content's checksum, the mode as `'0600'`, uid and gid as integers, `ensure` and `target` as
/// given; null for what the resource does not manage (or manages by `source`).
pub fn audit_desired(res: &Resource, property: &str) -> Value {
    let desired = match property {
        "content" => match res.param("content") {
            Some(Value::String(s)) => Some(Value::String(sha256_label(s.as_bytes()))),
            _ => None,
        },
        "mode" => {
            res.param_str("mode").and_then(|m| parse_mode(&m)).map(|m| Value::String(format!("{m:04o}")))
        }
        "owner" => res.param_str("owner").and_then(|o| resolve_user(&o)).map(|(uid, _)| Value::from(uid)),
        "group" => res.param_str("group").and_then(|g| resolve_group(&g)).map(|(gid, _)| Value::from(gid)),
        "ensure" | "target" => res.param_str(property).map(Value::String),
        _ => None,
    };
    desired.unwrap_or(Value::Null)
}

/// Puppet's `is_to_s` of an audited value in messages: quoted, with uid and gid as user and group
/// names; nil as nothing at all.
pub fn audit_display(property: &str, value: &StateValue) -> String {
    match (property, value) {
        (_, StateValue::Nil) => String::new(),
        ("owner", StateValue::Integer(uid)) => format!("'{}'", user_name(*uid as u32)),
        ("group", StateValue::Integer(gid)) => format!("'{}'", group_name(*gid as u32)),
        (_, other) => format!("'{}'", crate::audit::ruby_to_s(other)),
    }
}

fn ensure_absent(
    path: &Path,
    current: &Current,
    spec: &Spec,
    ctx: &mut Context,
) -> Result<(), ProviderError> {
    if current.kind == Kind::Absent {
        return Ok(());
    }
    let prev = Value::String(current.kind.name().into());
    let want = Value::String("absent".into());
    if !ctx.should_sync("ensure", &prev, &want, "file_removed") {
        return Ok(());
    }
    if current.kind == Kind::File {
        if let Err(e) = back_up(path, spec, ctx) {
            ctx.failed("ensure", prev, want, "file_removed", &e);
            return Ok(());
        }
    }
    let result = if current.kind == Kind::Directory {
        if spec.force {
            fs::remove_dir_all(path)
        } else {
            ctx.log(
                Level::Notice,
                LogSource::Resource,
                "Not removing directory; use 'force' to override".to_string(),
            );
            return Ok(());
        }
    } else {
        fs::remove_file(path)
    };
    match result {
        Ok(()) => ctx.changed("ensure", prev, want, "file_removed", "removed".into()),
        Err(e) => ctx.failed("ensure", prev, want, "file_removed", &e.to_string()),
    }
    Ok(())
}

/// Creates the file, directory or link (replacing whatever other kind of object is there).
fn create(
    path: &Path,
    current: &Current,
    kind: Kind,
    spec: &Spec,
    content: Option<&[u8]>,
    ctx: &mut Context,
) -> Result<(), ProviderError> {
    let prev = Value::String(current.kind.name().into());
    let want = Value::String(kind.name().into());
    let name = match (current.kind, kind) {
        (Kind::Absent, Kind::File) => "file_created",
        (Kind::Absent, Kind::Directory) => "directory_created",
        (Kind::Absent, Kind::Link) => "link_created",
        _ => "file_changed",
    };
    if current.kind == Kind::Directory && !spec.force {
        let err = format!("Could not set '{}' on ensure: Is a directory", kind.name());
        ctx.failed("ensure", prev, want, name, &err);
        return Ok(());
    }
    if !ctx.should_sync("ensure", &prev, &want, name) {
        return Ok(());
    }
    let message = if current.kind != Kind::Absent {
        format!("ensure changed '{}' to '{}'", current.kind.name(), kind.name())
    } else if kind == Kind::File && content.is_some() && !spec.sensitive {
        format!("defined content as '{}'", sha256_label(content.unwrap_or_default()))
    } else if kind == Kind::File && content.is_some() {
        "changed [redacted] to [redacted]".to_string()
    } else {
        "created".to_string()
    };
    if current.kind == Kind::File {
        if let Err(e) = back_up(path, spec, ctx) {
            ctx.failed("ensure", prev, want, name, &e);
            return Ok(());
        }
    }
    let stage = ctx.stage_writes;
    let result = (|| -> std::io::Result<Option<StagedWrite>> {
        match current.kind {
            Kind::Directory => fs::remove_dir_all(path)?,
            Kind::Absent => {}
            _ if kind != Kind::File => fs::remove_file(path)?,
            _ => {}
        }
        match kind {
            Kind::File => {
                let uid = spec.owner.as_ref().map(|o| o.0);
                let gid = spec.group.as_ref().map(|g| g.0);
                let mode = spec.mode.unwrap_or(0o644);
                let bytes = content.unwrap_or_default();
                write_atomically(path, bytes, mode, uid, gid, spec.validate.as_ref(), stage)
            }
            Kind::Directory => {
                fs::create_dir(path)?;
                let mode = spec.mode.map(dir_mode).unwrap_or(0o755);
                fs::set_permissions(path, fs::Permissions::from_mode(mode))?;
                chown(path, spec).map(|()| None)
            }
            _ => {
                std::os::unix::fs::symlink(spec.target.as_deref().unwrap_or_default(), path)?;
                chown(path, spec)?;
                Ok(None)
            }
        }
    })();
    match result {
        Ok(staged) => {
            ctx.changed("ensure", prev.clone(), want.clone(), name, message);
            if let Some(staged) = staged {
                ctx.stage(staged, prev, want);
            }
        }
        Err(e) => ctx.failed("ensure", prev, want, name, &e.to_string()),
    }
    Ok(())
}

fn sync_content(
    path: &Path,
    current: &Current,
    spec: &Spec,
    want: &[u8],
    have_sum: &str,
    want_sum: &str,
    ctx: &mut Context,
) {
    let (prev, desired) = (Value::String(have_sum.into()), Value::String(want_sum.into()));
    if spec.sensitive {
        if ctx.noop {
            ctx.push_redacted(
                "content",
                prev,
                desired,
                "current_value [redacted], should be [redacted] (noop)",
                super::ChangeStatus::Noop,
            );
            return;
        }
    } else if ctx.show_diff {
        if let Ok(old) = fs::read(path) {
            if let Some(diff) = unified_diff(&old, want, &path.display().to_string()) {
                ctx.log(Level::Notice, LogSource::Property("content".into()), format!("\n{diff}"));
            }
        }
    }
    if !spec.sensitive && !ctx.should_sync("content", &prev, &desired, "content_changed") {
        return;
    }
    // Keep the file's mode (a managed mode is synced after this, with its own event). A staged write
    // gets the managed mode at once: the mode sync that follows acts on the file it replaces.
    let stage = ctx.stage_writes;
    let mode = if stage { spec.mode.unwrap_or(current.mode) } else { current.mode };
    let uid = Some(spec.owner.as_ref().map(|o| o.0).unwrap_or(current.uid));
    let gid = Some(spec.group.as_ref().map(|g| g.0).unwrap_or(current.gid));
    if let Err(e) = back_up(path, spec, ctx) {
        ctx.failed("content", prev, desired, "content_changed", &e);
        return;
    }
    let result = write_atomically(path, want, mode, uid, gid, spec.validate.as_ref(), stage);
    let staged = match (result, spec.sensitive) {
        (Ok(staged), false) => {
            let message = format!("content changed '{have_sum}' to '{want_sum}'");
            ctx.changed("content", prev.clone(), desired.clone(), "content_changed", message);
            staged
        }
        (Ok(staged), true) => {
            let message = "changed [redacted] to [redacted]";
            ctx.push_redacted(
                "content",
                prev.clone(),
                desired.clone(),
                message,
                super::ChangeStatus::Success,
            );
            staged
        }
        (Err(e), _) => {
            ctx.failed("content", prev, desired, "content_changed", &e.to_string());
            return;
        }
    };
    if let Some(staged) = staged {
        ctx.stage(staged, prev, desired);
    }
}

fn sync_mode(path: &Path, current: &Current, spec: &Spec, ctx: &mut Context) {
    let Some(mode) = spec.mode else { return };
    if current.kind == Kind::Link {
        return;
    }
    let mode = if current.kind == Kind::Directory { dir_mode(mode) } else { mode };
    if current.mode == mode {
        return;
    }
    let prev = Value::String(format!("{:04o}", current.mode));
    let want = Value::String(format!("{mode:04o}"));
    if !ctx.should_sync("mode", &prev, &want, "mode_changed") {
        return;
    }
    let msg = format!("mode changed '{:04o}' to '{mode:04o}'", current.mode);
    match fs::set_permissions(path, fs::Permissions::from_mode(mode)) {
        Ok(()) => ctx.changed("mode", prev, want, "mode_changed", msg),
        Err(e) => ctx.failed("mode", prev, want, "mode_changed", &e.to_string()),
    }
}

fn sync_ownership(
    path: &Path,
    current: &Current,
    spec: &Spec,
    ctx: &mut Context,
) -> Result<(), ProviderError> {
    if current.kind == Kind::Absent {
        return Ok(());
    }
    // The report holds uids and gids (Puppet's owner and group values); messages show names.
    if let Some((uid, name)) = &spec.owner {
        if *uid != current.uid {
            let (prev, want) = (Value::from(current.uid), Value::from(*uid));
            let was = user_name(current.uid);
            if ctx.should_sync_shown("owner", &prev, &want, "owner_changed", (&was, name)) {
                let msg = format!("owner changed '{was}' to '{name}'");
                match lchown(path, Some(*uid), None) {
                    Ok(()) => ctx.changed("owner", prev, want, "owner_changed", msg),
                    Err(e) => ctx.failed("owner", prev, want, "owner_changed", &e.to_string()),
                }
            }
        }
    }
    if let Some((gid, name)) = &spec.group {
        if *gid != current.gid {
            let (prev, want) = (Value::from(current.gid), Value::from(*gid));
            let was = group_name(current.gid);
            if ctx.should_sync_shown("group", &prev, &want, "group_changed", (&was, name)) {
                let msg = format!("group changed '{was}' to '{name}'");
                match lchown(path, None, Some(*gid)) {
                    Ok(()) => ctx.changed("group", prev, want, "group_changed", msg),
                    Err(e) => ctx.failed("group", prev, want, "group_changed", &e.to_string()),
                }
            }
        }
    }
    Ok(())
}

/// Writes a file atomically: temporary file in the same directory, mode and owner set, fsync, rename.
/// With `stage` (and no `validate_cmd`), stops before the fsync and returns the write for the
/// transaction to complete with others (see [`super::staged`]).
fn write_atomically(
    path: &Path,
    content: &[u8],
    mode: u32,
    uid: Option<u32>,
    gid: Option<u32>,
    validate: Option<&(String, String)>,
    stage: bool,
) -> std::io::Result<Option<StagedWrite>> {
    let dir = path.parent().unwrap_or(Path::new("/"));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    // Journaled before it exists, so a run killed at any instant leaves nothing unrecorded.
    let mut tmp = tempfile::Builder::new().prefix(&format!(".{name}.puppettmp_")).make_in(dir, |path| {
        crate::tmpfiles::record(&absolute(path));
        fs::OpenOptions::new().read(true).write(true).create_new(true).mode(0o600).open(path)
    })?;
    tmp.write_all(content)?;
    let file = tmp.as_file();
    if uid.is_some() || gid.is_some() {
        nix::unistd::fchown(
            std::os::fd::AsRawFd::as_raw_fd(file),
            uid.map(nix::unistd::Uid::from_raw),
            gid.map(nix::unistd::Gid::from_raw),
        )
        .map_err(std::io::Error::from)?;
    }
    // After chown, which may clear setuid bits.
    file.set_permissions(fs::Permissions::from_mode(mode))?;
    if stage && validate.is_none() {
        let real = fs::canonicalize(dir).ok().zip(path.file_name()).map(|(d, n)| d.join(n));
        let target = real.unwrap_or_else(|| path.to_path_buf());
        return Ok(Some(StagedWrite::new(tmp, target)));
    }
    file.sync_all()?;
    if let Some((cmd, replacement)) = validate {
        run_validate_cmd(cmd, replacement, tmp.path())?;
    }
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(None)
}

/// Runs `validate_cmd` on the staged file; the file is only put in place when it exits 0.
fn run_validate_cmd(cmd: &str, replacement: &str, staged: &Path) -> std::io::Result<()> {
    let command = cmd.replace(replacement, &staged.display().to_string());
    let output = std::process::Command::new("/bin/sh")
        .arg("-c")
        .arg(&command)
        .stdin(std::process::Stdio::null())
        .output()?;
    if output.status.success() {
        return Ok(());
    }
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    let code = output.status.code().unwrap_or(1);
    Err(std::io::Error::other(format!("Execution of '{command}' returned {code}: {}", text.trim())))
}

/// Backs the file's current content up as `backup` says, logging where it went as Puppet does.
fn back_up(path: &Path, spec: &Spec, ctx: &mut Context) -> Result<(), String> {
    match &spec.backup {
        None => Ok(()),
        // A bucket with `path => false` is the master's.
        Some(Backup::Bucket(title, dir)) if dir.as_os_str().is_empty() => {
            let bytes =
                std::fs::read(path).map_err(|e| format!("Could not back up {}: {e}", path.display()))?;
            let sum = hex::encode(Sha256::digest(&bytes));
            ctx.sources.backup(&path.display().to_string(), &sum, bytes)?;
            let msg = format!("Filebucketed {} to {title} with sum {sum}", path.display());
            ctx.log(Level::Info, LogSource::Resource, msg);
            Ok(())
        }
        Some(Backup::Bucket(title, dir)) => match filebucket::backup_to_bucket(dir, path) {
            Ok(sum) => {
                let msg = format!("Filebucketed {} to {title} with sum {sum}", path.display());
                ctx.log(Level::Info, LogSource::Resource, msg);
                Ok(())
            }
            Err(e) => Err(format!("Could not back up {}: {e}", path.display())),
        },
        Some(Backup::Suffix(suffix)) => filebucket::backup_with_suffix(path, suffix)
            .map(|_| ())
            .map_err(|e| format!("Could not back {} up: {e}", path.display())),
    }
}

fn replace_link(path: &Path, target: &str) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("/"));
    let tmp = dir.join(format!(
        ".{}.puppettmp_{}",
        path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        std::process::id()
    ));
    let _ = fs::remove_file(&tmp);
    crate::tmpfiles::record(&absolute(&tmp));
    std::os::unix::fs::symlink(target, &tmp)?;
    fs::rename(&tmp, path)
}

/// `path` made absolute (against the working directory) for the temporary-file journal, which
/// the next run reads from wherever it runs.
fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

fn chown(path: &Path, spec: &Spec) -> std::io::Result<()> {
    lchown(path, spec.owner.as_ref().map(|o| o.0), spec.group.as_ref().map(|g| g.0))
}

fn lchown(path: &Path, uid: Option<u32>, gid: Option<u32>) -> std::io::Result<()> {
    if uid.is_none() && gid.is_none() {
        return Ok(());
    }
    nix::unistd::fchownat(
        None,
        path,
        uid.map(nix::unistd::Uid::from_raw),
        gid.map(nix::unistd::Gid::from_raw),
        nix::fcntl::AtFlags::AT_SYMLINK_NOFOLLOW,
    )
    .map_err(std::io::Error::from)
}

/// The bytes of the first source that exists; `(None, true)` when it is a directory, `(None, false)`
/// when the metadata's checksum already matches the file on disk (no need to download).
fn fetch_source(
    sources: &[String],
    ctx: &mut Context,
    current_sum: Option<&str>,
) -> Result<(Option<Vec<u8>>, bool), ProviderError> {
    let mut errors = Vec::new();
    for source in sources {
        if let Some(local) = local_path(source) {
            match fs::metadata(&local) {
                Ok(m) if m.is_dir() => return Ok((None, true)),
                Ok(_) => return Ok((Some(fs::read(&local)?), false)),
                Err(e) => {
                    errors.push(format!("{source}: {e}"));
                    continue;
                }
            }
        }
        match ctx.sources.metadata(source) {
            Ok(meta) => {
                if meta.file_type == FileType::Directory {
                    return Ok((None, true));
                }
                if meta.checksum.value.starts_with("{sha256}")
                    && Some(meta.checksum.value.as_str()) == current_sum
                {
                    // Same bytes as on disk: no need to download them.
                    return Ok((None, false));
                }
                match ctx.sources.content(source) {
                    Ok(bytes) => return Ok((Some(bytes), false)),
                    Err(e) => errors.push(e),
                }
            }
            Err(e) => errors.push(e),
        }
    }
    Err(ProviderError(format!(
        "Could not retrieve information from environment sources: {}",
        errors.join("; ")
    )))
}

/// A source that names a local file: an absolute path or a `file://` URL.
fn local_path(source: &str) -> Option<PathBuf> {
    if source.starts_with('/') {
        return Some(PathBuf::from(source));
    }
    let rest = source.strip_prefix("file://")?;
    // `file:///x` and `file://localhost/x`.
    let path = rest.strip_prefix("localhost").unwrap_or(rest);
    Some(PathBuf::from(percent_encoding::percent_decode_str(path).decode_utf8_lossy().into_owned()))
}

/// Parses an octal mode (`'0644'`, `'644'`, `'2755'`) or a symbolic one (`'u=rw,go=r'`).
pub fn parse_mode(mode: &str) -> Option<u32> {
    if !mode.is_empty() && mode.len() <= 4 && mode.chars().all(|c| ('0'..='7').contains(&c)) {
        return u32::from_str_radix(mode, 8).ok();
    }
    // Symbolic modes, applied to 0: `who(=|+|-)perms`, comma-separated.
    let mut result = 0u32;
    for clause in mode.split(',') {
        let op_at = clause.find(['=', '+', '-'])?;
        let (who, rest) = clause.split_at(op_at);
        let op = rest.chars().next()?;
        let perms = &rest[1..];
        let mut bits = 0;
        for p in perms.chars() {
            bits |= match p {
                'r' => 0o4,
                'w' => 0o2,
                'x' | 'X' => 0o1,
                's' | 't' => 0,
                _ => return None,
            };
        }
        let who = if who.is_empty() || who == "a" { "ugo" } else { who };
        for w in who.chars() {
            let shift = match w {
                'u' => 6,
                'g' => 3,
                'o' => 0,
                'a' => continue,
                _ => return None,
            };
            match op {
                '=' => result = (result & !(0o7 << shift)) | (bits << shift),
                '+' => result |= bits << shift,
                _ => result &= !(bits << shift),
            }
        }
    }
    Some(result)
}

/// Directories get the search bit wherever the read bit is set, as Puppet does for numeric modes.
fn dir_mode(mode: u32) -> u32 {
    let mut m = mode;
    for shift in [6, 3, 0] {
        if m & (0o4 << shift) != 0 {
            m |= 0o1 << shift;
        }
    }
    m
}

fn resolve_user(user: &str) -> Option<(u32, String)> {
    if let Ok(uid) = user.parse::<u32>() {
        return Some((uid, user.to_string()));
    }
    nix::unistd::User::from_name(user).ok().flatten().map(|u| (u.uid.as_raw(), user.to_string()))
}

fn resolve_group(group: &str) -> Option<(u32, String)> {
    if let Ok(gid) = group.parse::<u32>() {
        return Some((gid, group.to_string()));
    }
    nix::unistd::Group::from_name(group).ok().flatten().map(|g| (g.gid.as_raw(), group.to_string()))
}

fn user_name(uid: u32) -> String {
    nix::unistd::User::from_uid(nix::unistd::Uid::from_raw(uid))
        .ok()
        .flatten()
        .map(|u| u.name)
        .unwrap_or_else(|| uid.to_string())
}

fn group_name(gid: u32) -> String {
    nix::unistd::Group::from_gid(nix::unistd::Gid::from_raw(gid))
        .ok()
        .flatten()
        .map(|g| g.name)
        .unwrap_or_else(|| gid.to_string())
}

fn decode_base64(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut buf = 0u32;
    let mut bits = 0;
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' | b'\n' | b'\r' => continue,
            _ => return None,
        };
        buf = (buf << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
            buf &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// A unified diff of two texts with three lines of context, or None when they are binary or huge.
pub fn unified_diff(old: &[u8], new: &[u8], path: &str) -> Option<String> {
    let old = std::str::from_utf8(old).ok()?;
    let new = std::str::from_utf8(new).ok()?;
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    if a.len().saturating_mul(b.len()) > 4_000_000 {
        return None;
    }
    // Longest common subsequence table, from the end.
    let (n, m) = (a.len(), b.len());
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if a[i] == b[j] { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
        }
    }
    // The edit script: (' ' | '-' | '+', old index, new index).
    let mut ops = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            ops.push((' ', i, j));
            i += 1;
            j += 1;
        } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
            ops.push(('-', i, j));
            i += 1;
        } else {
            ops.push(('+', i, j));
            j += 1;
        }
    }
    let mut out = format!("--- {path}\n+++ {path}\n");
    let changes: Vec<usize> = ops.iter().enumerate().filter(|(_, o)| o.0 != ' ').map(|(k, _)| k).collect();
    if changes.is_empty() {
        return None;
    }
    let mut k = 0;
    while k < changes.len() {
        let start = changes[k].saturating_sub(3);
        let mut end = (changes[k] + 3).min(ops.len() - 1);
        while k + 1 < changes.len() && changes[k + 1] <= end + 3 {
            k += 1;
            end = (changes[k] + 3).min(ops.len() - 1);
        }
        let hunk = &ops[start..=end];
        let old_count = hunk.iter().filter(|o| o.0 != '+').count();
        let new_count = hunk.iter().filter(|o| o.0 != '-').count();
        let old_start = hunk[0].1 + usize::from(old_count > 0);
        let new_start = hunk[0].2 + usize::from(new_count > 0);
        out.push_str(&format!("@@ -{old_start},{old_count} +{new_start},{new_count} @@\n"));
        for (op, oi, nj) in hunk {
            let line = if *op == '+' { b[*nj] } else { a[*oi] };
            out.push_str(&format!("{op}{line}\n"));
        }
        k += 1;
    }
    Some(out.trim_end_matches('\n').to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transaction::tests::{catalog, lines, opts, run};
    use crate::transaction::{apply, ApplyOptions};
    use bunraku_model::RunStatus;
    use serde_json::json;

    fn mode_of(p: &Path) -> u32 {
        fs::metadata(p).unwrap().mode() & 0o7777
    }

    #[test]
    fn creates_updates_and_leaves_alone() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("conf");
        let fs_ = f.display().to_string();
        let cat =
            catalog(&[("File", &fs_, json!({"ensure": "file", "content": "hi\n", "mode": "0640"}))], &[]);
        let report = run(&cat);
        let sum = "{sha256}98ea6e4f216f2fb4b69fff9b3a44842c38686ca685f3f55dc48c5d3fb1107be4";
        assert_eq!(
            lines(&report),
            [format!("/Stage[main]/Main/File[{fs_}]/ensure: defined content as '{sum}'")]
        );
        assert_eq!(fs::read_to_string(&f).unwrap(), "hi\n");
        assert_eq!(mode_of(&f), 0o640);
        let ev = &report.resource_statuses[&format!("File[{fs_}]")].events[0];
        assert_eq!(
            (ev.name.as_str(), ev.previous_value.as_str(), ev.desired_value.as_str()),
            ("file_created", Some("absent"), Some("file"))
        );

        // Second run: nothing to do.
        let report = run(&cat);
        assert_eq!(report.status, RunStatus::Unchanged);
        assert!(lines(&report).is_empty());

        // Content and mode drift.
        fs::write(&f, "old\nline\n").unwrap();
        fs::set_permissions(&f, fs::Permissions::from_mode(0o600)).unwrap();
        let mut o = opts();
        o.show_diff = true;
        let report = apply(&cat, &o, &crate::transaction::tests::NoSources);
        let l = lines(&report);
        assert_eq!(l.len(), 3, "{l:?}");
        assert!(l[0].starts_with(&format!("/Stage[main]/Main/File[{fs_}]/content: \n--- {fs_}\n+++ {fs_}\n@@ -1,2 +1,1 @@\n-old\n-line\n+hi")), "{}", l[0]);
        assert!(
            l[1].starts_with(&format!("/Stage[main]/Main/File[{fs_}]/content: content changed '{{sha256}}"))
        );
        assert!(l[1].ends_with(&format!("to '{sum}'")));
        assert_eq!(l[2], format!("/Stage[main]/Main/File[{fs_}]/mode: mode changed '0600' to '0640'"));
        assert_eq!(mode_of(&f), 0o640);
        assert_eq!(fs::read_to_string(&f).unwrap(), "hi\n");
        // No temporary files left behind.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn noop_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("x").display().to_string();
        let cat = catalog(&[("File", &f, json!({"ensure": "file", "content": "x"}))], &[]);
        let o = ApplyOptions { noop: true, ..opts() };
        let report = apply(&cat, &o, &crate::transaction::tests::NoSources);
        assert!(!Path::new(&f).exists());
        assert_eq!(
            lines(&report)[0],
            format!("/Stage[main]/Main/File[{f}]/ensure: current_value 'absent', should be 'file' (noop)")
        );
    }

    #[test]
    fn directories_links_and_removal_in_autorequire_order() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().join("d").display().to_string();
        let inner = format!("{d}/inner");
        let link = dir.path().join("l").display().to_string();
        let gone = dir.path().join("gone");
        fs::write(&gone, "bye").unwrap();
        let gone_s = gone.display().to_string();
        // The inner file comes first in the catalog; its autorequire on the directory reorders them.
        let cat = catalog(
            &[
                ("File", &inner, json!({"content": "in", "owner": "root", "group": "nogroup"})),
                ("File", &d, json!({"ensure": "directory", "mode": "0750"})),
                ("File", &link, json!({"ensure": "link", "target": &inner})),
                ("File", &gone_s, json!({"ensure": "absent"})),
            ],
            &[],
        );
        let report = run(&cat);
        let l = lines(&report);
        assert_eq!(l[0], format!("/Stage[main]/Main/File[{d}]/ensure: created"));
        assert!(l[1].starts_with(&format!("/Stage[main]/Main/File[{inner}]/ensure: defined content as")));
        assert_eq!(l[2], format!("/Stage[main]/Main/File[{link}]/ensure: created"));
        assert_eq!(l[3], format!("/Stage[main]/Main/File[{gone_s}]/ensure: removed"));
        assert_eq!(mode_of(Path::new(&d)), 0o750);
        assert_eq!(fs::read_link(&link).unwrap().display().to_string(), inner);
        assert!(!gone.exists());
        let nogroup = nix::unistd::Group::from_name("nogroup").unwrap().unwrap().gid.as_raw();
        assert_eq!(fs::metadata(&inner).unwrap().gid(), nogroup);

        // Group drift is reported by name.
        nix::unistd::chown(Path::new(&inner), None, Some(nix::unistd::Gid::from_raw(0))).unwrap();
        let report = run(&cat);
        assert_eq!(
            lines(&report),
            [format!("/Stage[main]/Main/File[{inner}]/group: group changed 'root' to 'nogroup'")]
        );
    }

    struct OneSource(Vec<u8>);

    impl crate::FileSource for OneSource {
        fn metadata(&self, source: &str) -> Result<bunraku_model::FileMetadata, String> {
            if source != "puppet:///modules/m/f" {
                return Err(format!("Could not find {source}"));
            }
            Ok(bunraku_model::FileMetadata {
                path: "/x".into(),
                relative_path: None,
                links: "manage".into(),
                owner: 0,
                group: 0,
                mode: 0o644,
                checksum: bunraku_model::Checksum { kind: "sha256".into(), value: sha256_label(&self.0) },
                file_type: FileType::File,
                destination: None,
            })
        }
        fn content(&self, source: &str) -> Result<Vec<u8>, String> {
            self.metadata(source).map(|_| self.0.clone())
        }
    }

    #[test]
    fn sources_from_the_master_and_local_paths() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a").display().to_string();
        let b = dir.path().join("b").display().to_string();
        let local = dir.path().join("local");
        fs::write(&local, "local bytes").unwrap();
        let cat = catalog(
            &[
                ("File", &a, json!({"source": ["puppet:///modules/m/missing", "puppet:///modules/m/f"]})),
                ("File", &b, json!({"source": format!("file://{}", local.display())})),
            ],
            &[],
        );
        let report = apply(&cat, &opts(), &OneSource(b"from master".to_vec()));
        assert_eq!(report.status, RunStatus::Changed, "{:?}", lines(&report));
        assert_eq!(fs::read_to_string(&a).unwrap(), "from master");
        assert_eq!(fs::read_to_string(&b).unwrap(), "local bytes");
        let report = apply(&cat, &opts(), &OneSource(b"from master".to_vec()));
        assert_eq!(report.status, RunStatus::Unchanged);
    }

    #[test]
    fn replacing_a_directory_needs_force() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().join("d");
        fs::create_dir(&d).unwrap();
        let ds = d.display().to_string();
        let cat = catalog(&[("File", &ds, json!({"ensure": "file", "content": "x"}))], &[]);
        let report = run(&cat);
        assert_eq!(report.status, RunStatus::Failed);
        assert_eq!(
            lines(&report),
            [format!("/Stage[main]/Main/File[{ds}]/ensure: change from 'directory' to 'file' failed: Could not set 'file' on ensure: Is a directory")]
        );
        let cat = catalog(&[("File", &ds, json!({"ensure": "file", "content": "x", "force": true}))], &[]);
        let report = run(&cat);
        assert_eq!(
            lines(&report),
            [format!("/Stage[main]/Main/File[{ds}]/ensure: ensure changed 'directory' to 'file'")]
        );
        assert!(d.is_file());
    }

    #[test]
    fn backups_to_a_local_filebucket_and_with_a_suffix() {
        let dir = tempfile::tempdir().unwrap();
        let bucket = dir.path().join("bucket");
        let a = dir.path().join("a");
        let b = dir.path().join("b");
        fs::write(&a, "old a\n").unwrap();
        fs::write(&b, "old b\n").unwrap();
        let (as_, bs) = (a.display().to_string(), b.display().to_string());
        let cat = catalog(
            &[
                ("Filebucket", "local", json!({"path": bucket.display().to_string()})),
                ("File", &as_, json!({"ensure": "file", "content": "new a\n", "backup": "local"})),
                ("File", &bs, json!({"ensure": "absent", "backup": ".bak"})),
            ],
            &[],
        );
        let report = run(&cat);
        assert_eq!(report.status, RunStatus::Changed, "{:?}", lines(&report));
        assert_eq!(fs::read_to_string(&a).unwrap(), "new a\n");
        let digest = hex::encode(Sha256::digest(b"old a\n"));
        let kept = filebucket::bucket_dir(&bucket, &digest);
        assert_eq!(fs::read_to_string(kept.join("contents")).unwrap(), "old a\n");
        assert_eq!(fs::read_to_string(kept.join("paths")).unwrap(), format!("{as_}\n"));
        let logged =
            report.logs.iter().any(|l| l.message == format!("Filebucketed {as_} to local with sum {digest}"));
        assert!(logged, "{:?}", report.logs);
        assert!(!b.exists());
        assert_eq!(fs::read_to_string(dir.path().join("b.bak")).unwrap(), "old b\n");

        // A bucket the catalog does not declare fails the resource with Puppet's words.
        let cat = catalog(&[("File", &as_, json!({"content": "x", "backup": "nope"}))], &[]);
        let report = run(&cat);
        assert_eq!(report.status, RunStatus::Failed);
        assert!(report
            .logs
            .iter()
            .any(|l| l.message.contains("Could not find filebucket nope specified in backup")));
    }

    #[test]
    fn validate_cmd_guards_the_new_content() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("conf");
        fs::write(&f, "good\n").unwrap();
        let fs_ = f.display().to_string();
        let cmd = "grep -q good %";
        let cat = catalog(&[("File", &fs_, json!({"content": "bad\n", "validate_cmd": cmd}))], &[]);
        let report = run(&cat);
        assert_eq!(report.status, RunStatus::Failed);
        let l = lines(&report);
        assert!(l[0].contains("failed: Execution of 'grep -q good "), "{l:?}");
        assert!(l[0].ends_with("returned 1: "), "{l:?}");
        assert_eq!(fs::read_to_string(&f).unwrap(), "good\n");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1, "staged file left behind");

        let cat = catalog(
            &[(
                "File",
                &fs_,
                json!({"content": "good too\n", "validate_cmd": "grep -q good @@", "validate_replacement": "@@"}),
            )],
            &[],
        );
        let report = run(&cat);
        assert_eq!(report.status, RunStatus::Changed, "{:?}", lines(&report));
        assert_eq!(fs::read_to_string(&f).unwrap(), "good too\n");
    }

    #[test]
    fn recurse_from_a_puppet_url_searches_the_source_and_copies_each_file() {
        let dir = tempfile::tempdir().unwrap();
        let tree = dir.path().join("modules/m/files/tree");
        fs::create_dir_all(tree.join("sub/deep")).unwrap();
        fs::write(tree.join("a"), "a\n").unwrap();
        fs::write(tree.join("sub/b"), "b\n").unwrap();
        fs::write(tree.join("sub/deep/c"), "c\n").unwrap();
        let dst = dir.path().join("dst");
        fs::create_dir_all(&dst).unwrap();
        fs::write(dst.join("stray"), "s").unwrap();
        let d = dst.display().to_string();
        let params = json!({"ensure": "directory", "source": ["puppet:///modules/m/missing", "puppet:///modules/m/tree"],
            "recurse": true, "purge": true, "mode": "0640"});
        let cat = catalog(&[("File", &d, params)], &[]);
        let files = crate::sources::ModulepathFileSource::new(vec![dir.path().join("modules")]);
        let report = crate::transaction::apply(&cat, &opts(), &files);
        assert_eq!(report.status, RunStatus::Changed, "{:?}", lines(&report));
        assert_eq!(fs::read_to_string(dst.join("a")).unwrap(), "a\n");
        assert_eq!(fs::read_to_string(dst.join("sub/deep/c")).unwrap(), "c\n");
        assert_eq!(mode_of(&dst.join("sub/b")), 0o640);
        assert_eq!(mode_of(&dst.join("sub/deep")), 0o750);
        assert!(!dst.join("stray").exists());
        let c = dst.join("sub/deep/c").display().to_string();
        let l = lines(&report);
        assert!(
            l.contains(&format!(
                "/Stage[main]/Main/File[{c}]/ensure: defined content as '{}'",
                sha256_label(b"c\n")
            )),
            "{l:?}"
        );
        let again = crate::transaction::apply(&cat, &opts(), &files);
        assert_eq!(again.status, RunStatus::Unchanged, "{:?}", lines(&again));
        // A source that cannot be searched fails the directory when there is nothing to manage yet.
        let fresh = dir.path().join("fresh").display().to_string();
        let cat = catalog(
            &[("File", &fresh, json!({"source": "puppet:///modules/m/nowhere", "recurse": true}))],
            &[],
        );
        let report = crate::transaction::apply(&cat, &opts(), &files);
        assert_eq!(report.status, RunStatus::Failed, "{:?}", lines(&report));
    }

    #[test]
    fn recurse_from_a_source_directory_with_purge_and_recurselimit() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("src");
        fs::create_dir_all(src.join("sub/deep")).unwrap();
        fs::write(src.join("a"), "a\n").unwrap();
        fs::write(src.join("sub/b"), "b\n").unwrap();
        fs::write(src.join("sub/deep/c"), "c\n").unwrap();
        let dst = dir.path().join("dst");
        fs::create_dir_all(dst.join("stray_dir")).unwrap();
        fs::write(dst.join("stray_dir/x"), "x").unwrap();
        fs::write(dst.join("stray"), "s").unwrap();
        fs::write(dst.join("keep"), "mine").unwrap();
        let d = dst.display().to_string();
        let keep = dst.join("keep").display().to_string();
        let params = json!({"ensure": "directory", "source": src.display().to_string(), "recurse": true,
            "recurselimit": 2, "purge": true, "force": true, "mode": "0640"});
        let cat = catalog(&[("File", &d, params), ("File", &keep, json!({"ensure": "file"}))], &[]);
        let report = run(&cat);
        assert_eq!(report.status, RunStatus::Changed, "{:?}", lines(&report));
        assert_eq!(fs::read_to_string(dst.join("a")).unwrap(), "a\n");
        assert_eq!(fs::read_to_string(dst.join("sub/b")).unwrap(), "b\n");
        assert_eq!(mode_of(&dst.join("a")), 0o640);
        assert_eq!(mode_of(&dst.join("sub")), 0o750);
        // recurselimit 2: sub/deep is created, nothing below it.
        assert!(dst.join("sub/deep").is_dir());
        assert!(!dst.join("sub/deep/c").exists());
        assert!(!dst.join("stray").exists() && !dst.join("stray_dir").exists());
        // Managed by the catalog itself: not purged.
        assert_eq!(fs::read_to_string(dst.join("keep")).unwrap(), "mine");
        let a = dst.join("a").display().to_string();
        let stray = dst.join("stray").display().to_string();
        let l = lines(&report);
        assert!(
            l.contains(&format!(
                "/Stage[main]/Main/File[{a}]/ensure: defined content as '{}'",
                sha256_label(b"a\n")
            )),
            "{l:?}"
        );
        assert!(l.contains(&format!("/Stage[main]/Main/File[{stray}]/ensure: removed")), "{l:?}");
        assert!(report.resource_statuses.contains_key(&format!("File[{a}]")));

        let report = run(&cat);
        assert_eq!(report.status, RunStatus::Unchanged, "{:?}", lines(&report));
    }

    #[test]
    fn links_follow_and_manage() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real");
        fs::write(&real, "old").unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let ls = link.display().to_string();
        // follow: the content goes to the file the link points to; the link stays.
        let cat = catalog(&[("File", &ls, json!({"content": "new", "links": "follow"}))], &[]);
        let report = run(&cat);
        assert_eq!(report.status, RunStatus::Changed, "{:?}", lines(&report));
        assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        assert_eq!(fs::read_to_string(&real).unwrap(), "new");

        // manage: a source that is a link is copied as a link; follow copies what it points to.
        let copy = dir.path().join("copy").display().to_string();
        let deref = dir.path().join("deref").display().to_string();
        let cat = catalog(
            &[
                ("File", &copy, json!({"source": ls.clone()})),
                ("File", &deref, json!({"source": ls.clone(), "links": "follow"})),
            ],
            &[],
        );
        let report = run(&cat);
        assert_eq!(report.status, RunStatus::Changed, "{:?}", lines(&report));
        assert_eq!(fs::read_link(&copy).unwrap(), real);
        assert!(fs::symlink_metadata(&deref).unwrap().is_file());
        assert_eq!(fs::read_to_string(&deref).unwrap(), "new");
        assert_eq!(run(&cat).status, RunStatus::Unchanged);
    }

    #[test]
    fn modes() {
        assert_eq!(parse_mode("0644"), Some(0o644));
        assert_eq!(parse_mode("2755"), Some(0o2755));
        assert_eq!(parse_mode("u=rw,go=r"), Some(0o644));
        assert_eq!(parse_mode("nope"), None);
        assert_eq!(dir_mode(0o640), 0o750);
    }
}
