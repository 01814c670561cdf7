//! Resource types that manage lines of a text file: `file_line` (puppetlabs-stdlib), `ini_setting`
//! (puppetlabs-inifile) and `host` (an `/etc/hosts`-format file, `target`). Each reads the file,
//! computes the new text, and writes it atomically only when it changed.

use std::path::{Path, PathBuf};

use bunraku_model::{Resource, Value};
use regex::Regex;

use super::{param_bool, param_list, Context, ProviderError};

fn read(path: &Path) -> Result<String, ProviderError> {
    match std::fs::read_to_string(path) {
        Ok(t) => Ok(t),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        Err(e) => Err(ProviderError(format!("{}: {e}", path.display()))),
    }
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    write_new_as(path, text, 0o644)
}

/// Writes `text`, keeping the file's mode, or `mode` for a new file.
fn write_new_as(path: &Path, text: &str, mode: u32) -> Result<(), String> {
    let kept =
        std::fs::metadata(path).map(|m| std::os::unix::fs::PermissionsExt::mode(&m.permissions()) & 0o7777);
    crate::state::write_atomic(path, text.as_bytes(), kept.unwrap_or(mode)).map_err(|e| e.to_string())
}

fn lines_of(text: &str) -> Vec<String> {
    text.lines().map(String::from).collect()
}

fn join(lines: &[String]) -> String {
    if lines.is_empty() {
        String::new()
    } else {
        format!("{}\n", lines.join("\n"))
    }
}

/// Records an `ensure` change (created/removed) and writes the new text unless in noop.
fn sync_ensure(ctx: &mut Context, path: &Path, text: &str, from: &str, to: &str) {
    sync_ensure_as(ctx, path, text, from, to, 0o644)
}

/// `sync_ensure`, creating a missing file with `mode`.
fn sync_ensure_as(ctx: &mut Context, path: &Path, text: &str, from: &str, to: &str, mode: u32) {
    let (prev, want) = (Value::from(from), Value::from(to));
    let name = if to == "absent" { "removed" } else { "created" };
    if !ctx.should_sync("ensure", &prev, &want, name) {
        return;
    }
    match write_new_as(path, text, mode) {
        Ok(()) => ctx.changed("ensure", prev, want, name, name.to_string()),
        Err(e) => ctx.failed("ensure", prev, want, name, &e),
    }
}

/// `file_line`: a line present (replacing a `match`ing line, or after an `after` line, or appended)
/// or absent.
pub fn file_line(res: &Resource, ctx: &mut Context) -> Result<(), ProviderError> {
    ctx.provider_used = Some("ruby".into());
    let path = PathBuf::from(
        res.param_str("path").ok_or_else(|| ProviderError::new("path is a required attribute"))?,
    );
    let line = res.param_str("line").unwrap_or_default();
    let ensure = res.param_str("ensure").unwrap_or_else(|| "present".into());
    let regex = |p: &str| {
        res.param_str(p)
            .map(|r| Regex::new(&r).map_err(|e| ProviderError(format!("invalid {p}: {e}"))))
            .transpose()
    };
    let matcher = regex("match")?;
    let after = regex("after")?;
    let multiple = param_bool(res, "multiple") == Some(true);
    let replace = param_bool(res, "replace") != Some(false);
    let text = read(&path)?;
    let mut lines = lines_of(&text);
    let present = lines.contains(&line);

    if ensure == "absent" {
        let by_match = param_bool(res, "match_for_absence") == Some(true);
        let before = lines.len();
        lines.retain(|l| !(*l == line || (by_match && matcher.as_ref().is_some_and(|m| m.is_match(l)))));
        if lines.len() != before {
            sync_ensure(ctx, &path, &join(&lines), "present", "absent");
        }
        return Ok(());
    }
    if present && matcher.as_ref().is_none_or(|m| lines.iter().filter(|l| m.is_match(l)).all(|l| *l == line))
    {
        return Ok(());
    }
    let matching: Vec<usize> = match &matcher {
        Some(m) => lines.iter().enumerate().filter(|(_, l)| m.is_match(l)).map(|(i, _)| i).collect(),
        None => Vec::new(),
    };
    if matching.len() > 1 && !multiple {
        return Err(ProviderError(format!(
            "More than one line in file '{}' matches pattern '{}'",
            path.display(),
            matcher.map(|m| m.as_str().to_string()).unwrap_or_default()
        )));
    }
    if !matching.is_empty() {
        if !replace {
            return Ok(());
        }
        for i in matching {
            lines[i] = line.clone();
        }
        lines.dedup_by(|a, b| multiple && a == b && *a == line);
    } else if let Some(pos) = after.as_ref().and_then(|a| lines.iter().position(|l| a.is_match(l))) {
        lines.insert(pos + 1, line.clone());
    } else if present {
        return Ok(());
    } else {
        lines.push(line.clone());
    }
    sync_ensure(ctx, &path, &join(&lines), "absent", "present");
    Ok(())
}

/// Where a setting is in an INI text: the section's line range and the setting's line.
struct IniPos {
    section_end: Option<usize>,
    setting: Option<(usize, String)>,
}

fn ini_find(lines: &[String], section: &str, setting: &str, prefix: &str, suffix: &str) -> IniPos {
    let header = |l: &str| {
        let t = l.trim();
        t.strip_prefix(prefix).and_then(|r| r.strip_suffix(suffix)).map(|n| n.trim().to_string())
    };
    // Settings before the first header belong to the "" section.
    let mut current = Some(String::new());
    let mut pos = IniPos { section_end: if section.is_empty() { Some(0) } else { None }, setting: None };
    for (i, l) in lines.iter().enumerate() {
        if let Some(name) = header(l) {
            current = Some(name);
            if current.as_deref() == Some(section) {
                pos.section_end = Some(i + 1);
            }
            continue;
        }
        if current.as_deref() != Some(section) {
            continue;
        }
        let t = l.trim_start();
        if !t.starts_with('#') && !t.starts_with(';') && !t.trim().is_empty() {
            pos.section_end = Some(i + 1);
        }
        if let Some((k, v)) = t.split_once('=').or_else(|| t.split_once(':')) {
            if k.trim() == setting && !t.starts_with('#') && !t.starts_with(';') {
                pos.setting = Some((i, v.trim().to_string()));
            }
        }
    }
    pos
}

/// `ini_setting`: one `setting = value` in a `[section]` of an INI file.
pub fn ini_setting(res: &Resource, ctx: &mut Context) -> Result<(), ProviderError> {
    ctx.provider_used = Some("ruby".into());
    let path = PathBuf::from(
        res.param_str("path").ok_or_else(|| ProviderError::new("path is a required attribute"))?,
    );
    let section = res.param_str("section").unwrap_or_default();
    let setting =
        res.param_str("setting").ok_or_else(|| ProviderError::new("setting is a required attribute"))?;
    let value = res.param_str("value").unwrap_or_default();
    let ensure = res.param_str("ensure").unwrap_or_else(|| "present".into());
    let sep = res.param_str("key_val_separator").unwrap_or_else(|| " = ".into());
    let prefix = res.param_str("section_prefix").unwrap_or_else(|| "[".into());
    let suffix = res.param_str("section_suffix").unwrap_or_else(|| "]".into());
    let text = read(&path)?;
    let mut lines = lines_of(&text);
    let pos = ini_find(&lines, &section, &setting, &prefix, &suffix);
    let new_line = format!("{setting}{sep}{value}");
    match (ensure.as_str(), pos.setting) {
        ("absent", Some((i, _))) => {
            lines.remove(i);
            sync_ensure(ctx, &path, &join(&lines), "present", "absent");
        }
        ("absent", None) => {}
        (_, Some((i, current))) => {
            if current != value {
                let (prev, want) = (Value::from(current.clone()), Value::from(value.clone()));
                if ctx.should_sync("value", &prev, &want, "value_changed") {
                    lines[i] = new_line;
                    let msg = format!("value changed '{current}' to '{value}'");
                    match write(&path, &join(&lines)) {
                        Ok(()) => ctx.changed("value", prev, want, "value_changed", msg),
                        Err(e) => ctx.failed("value", prev, want, "value_changed", &e),
                    }
                }
            }
        }
        (_, None) => {
            match pos.section_end {
                Some(end) => lines.insert(end, new_line),
                None => {
                    if lines.last().is_some_and(|l| !l.trim().is_empty()) {
                        lines.push(String::new());
                    }
                    lines.push(format!("{prefix}{section}{suffix}"));
                    lines.push(new_line);
                }
            }
            sync_ensure(ctx, &path, &join(&lines), "absent", "present");
        }
    }
    Ok(())
}

/// One entry of an `/etc/hosts`-format file.
#[derive(Debug, Clone, PartialEq, Eq)]
struct HostEntry {
    ip: String,
    name: String,
    aliases: Vec<String>,
    comment: Option<String>,
}

fn parse_host(line: &str) -> Option<HostEntry> {
    let (body, comment) = match line.split_once('#') {
        Some((b, c)) => (b, Some(c.trim().to_string()).filter(|c| !c.is_empty())),
        None => (line, None),
    };
    let mut words = body.split_whitespace();
    let ip = words.next()?.to_string();
    let name = words.next()?.to_string();
    Some(HostEntry { ip, name, aliases: words.map(String::from).collect(), comment })
}

/// Puppet's host record: ip, name, the aliases as one space-separated field, the comment.
fn format_host(e: &HostEntry) -> String {
    let mut out = format!("{}\t{}", e.ip, e.name);
    if !e.aliases.is_empty() {
        out.push('\t');
        out.push_str(&e.aliases.join(" "));
    }
    if let Some(c) = &e.comment {
        out.push_str("\t# ");
        out.push_str(c);
    }
    out
}

/// An `/etc/hosts` file as Puppet's parsed provider writes it (header, every entry reformatted;
/// a new file is 0600, as Puppet's flat file type creates it).
fn hosts_text(lines: &[String]) -> String {
    super::parsedfile::to_file(lines, &|l| parse_host(l).map(|e| format_host(&e)))
}

/// `host`: an entry in `target` (default `/etc/hosts`), keyed by its name.
pub fn host(res: &Resource, ctx: &mut Context) -> Result<(), ProviderError> {
    ctx.provider_used = Some("parsed".into());
    let name = res.param_str("name").unwrap_or_else(|| res.title.clone());
    let target = PathBuf::from(res.param_str("target").unwrap_or_else(|| "/etc/hosts".into()));
    let ensure = res.param_str("ensure").unwrap_or_else(|| "present".into());
    let text = read(&target)?;
    let mut lines = lines_of(&text);
    let found = lines.iter().position(|l| parse_host(l).is_some_and(|e| e.name == name));
    if ensure == "absent" {
        if let Some(i) = found {
            lines.remove(i);
            sync_ensure_as(ctx, &target, &hosts_text(&lines), "present", "absent", 0o600);
        }
        return Ok(());
    }
    let ip = res.param_str("ip").ok_or_else(|| ProviderError::new("ip is a required attribute for hosts"))?;
    let aliases = param_list(res, "host_aliases");
    let comment = res.param_str("comment");
    let Some(i) = found else {
        let entry = HostEntry { ip, name, aliases, comment };
        lines.push(format_host(&entry));
        sync_ensure_as(ctx, &target, &hosts_text(&lines), "absent", "present", 0o600);
        return Ok(());
    };
    let mut entry = parse_host(&lines[i]).unwrap_or(HostEntry {
        ip: String::new(),
        name,
        aliases: vec![],
        comment: None,
    });
    let mut changed = Vec::new();
    if entry.ip != ip {
        changed.push(("ip", Value::from(entry.ip.clone()), Value::from(ip.clone())));
        entry.ip = ip;
    }
    if res.param("host_aliases").is_some() && entry.aliases != aliases {
        let show = |a: &[String]| Value::from(a.join(" "));
        changed.push(("host_aliases", show(&entry.aliases), show(&aliases)));
        entry.aliases = aliases;
    }
    if comment.is_some() && entry.comment != comment {
        changed.push((
            "comment",
            Value::from(entry.comment.clone().unwrap_or_default()),
            Value::from(comment.clone()),
        ));
        entry.comment = comment;
    }
    if changed.is_empty() {
        return Ok(());
    }
    lines[i] = format_host(&entry);
    let write_result = if ctx.noop { Ok(()) } else { write_new_as(&target, &hosts_text(&lines), 0o600) };
    for (property, prev, want) in changed {
        let event = format!("{property}_changed");
        if !ctx.should_sync(property, &prev, &want, &event) {
            continue;
        }
        match &write_result {
            Ok(()) => {
                let msg =
                    format!("{property} changed {} to {}", super::display(&prev), super::display(&want));
                ctx.changed(property, prev, want, &event, msg)
            }
            Err(e) => ctx.failed(property, prev, want, &event, e),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::{ChangeStatus, Context};
    use bunraku_model::Resource;
    use serde_json::json;

    use crate::transaction::tests::{resource as res, NoSources};

    fn run(
        f: fn(&Resource, &mut Context) -> Result<(), ProviderError>,
        r: &Resource,
        noop: bool,
    ) -> Vec<(String, ChangeStatus)> {
        let mut ctx = Context::new(noop, false, &NoSources);
        f(r, &mut ctx).unwrap();
        ctx.changes.iter().map(|c| (c.message.clone(), c.status)).collect()
    }

    #[test]
    fn file_line_appends_replaces_and_removes() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sshd_config");
        std::fs::write(&p, "Port 22\n#PermitRootLogin yes\nUsePAM yes\n").unwrap();
        let path = p.display().to_string();
        let add = res("File_line", "x", json!({"path": path, "line": "AllowUsers deploy"}));
        assert_eq!(
            run(file_line, &add, true),
            vec![("current_value 'absent', should be 'present' (noop)".into(), ChangeStatus::Noop)]
        );
        assert_eq!(run(file_line, &add, false), vec![("created".into(), ChangeStatus::Success)]);
        assert!(run(file_line, &add, false).is_empty());
        let sub = res(
            "File_line",
            "y",
            json!({"path": path, "line": "PermitRootLogin no", "match": "^#?PermitRootLogin"}),
        );
        assert_eq!(run(file_line, &sub, false).len(), 1);
        assert!(run(file_line, &sub, false).is_empty());
        let after = res("File_line", "z", json!({"path": path, "line": "Protocol 2", "after": "^Port"}));
        run(file_line, &after, false);
        assert_eq!(
            std::fs::read_to_string(&p).unwrap(),
            "Port 22\nProtocol 2\nPermitRootLogin no\nUsePAM yes\nAllowUsers deploy\n"
        );
        let rm = res("File_line", "w", json!({"path": path, "line": "UsePAM yes", "ensure": "absent"}));
        assert_eq!(run(file_line, &rm, false), vec![("removed".into(), ChangeStatus::Success)]);
        assert!(!std::fs::read_to_string(&p).unwrap().contains("UsePAM"));
    }

    #[test]
    fn ini_setting_changes_adds_and_removes() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("app.ini");
        std::fs::write(&p, "top = 1\n\n[db]\nhost = old\n# port = 1\n\n[web]\nport = 80\n").unwrap();
        let path = p.display().to_string();
        let host = res(
            "Ini_setting",
            "h",
            json!({"path": path, "section": "db", "setting": "host", "value": "new"}),
        );
        assert_eq!(
            run(ini_setting, &host, false),
            vec![("value changed 'old' to 'new'".into(), ChangeStatus::Success)]
        );
        assert!(run(ini_setting, &host, false).is_empty());
        let user = res(
            "Ini_setting",
            "u",
            json!({"path": path, "section": "db", "setting": "user", "value": "app"}),
        );
        assert_eq!(run(ini_setting, &user, false), vec![("created".into(), ChangeStatus::Success)]);
        let new = res(
            "Ini_setting",
            "n",
            json!({"path": path, "section": "cache", "setting": "ttl", "value": "60"}),
        );
        run(ini_setting, &new, false);
        let gone = res(
            "Ini_setting",
            "g",
            json!({"path": path, "section": "web", "setting": "port", "ensure": "absent"}),
        );
        run(ini_setting, &gone, false);
        assert_eq!(
            std::fs::read_to_string(&p).unwrap(),
            "top = 1\n\n[db]\nhost = new\nuser = app\n# port = 1\n\n[web]\n\n[cache]\nttl = 60\n"
        );
    }

    #[test]
    fn host_entries_in_a_target_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("hosts");
        std::fs::write(&p, "127.0.0.1\tlocalhost\n# a comment\n").unwrap();
        let target = p.display().to_string();
        let h = res(
            "Host",
            "db.example.com",
            json!({"ip": "10.0.0.5", "host_aliases": ["db"], "target": target}),
        );
        assert_eq!(run(host, &h, false), vec![("created".into(), ChangeStatus::Success)]);
        assert!(run(host, &h, false).is_empty());
        let moved = res(
            "Host",
            "db.example.com",
            json!({"ip": "10.0.0.6", "host_aliases": ["db"], "target": target}),
        );
        assert_eq!(
            run(host, &moved, false),
            vec![("ip changed '10.0.0.5' to '10.0.0.6'".into(), ChangeStatus::Success)]
        );
        assert_eq!(
            crate::providers::parsedfile::tests::body(&p),
            "127.0.0.1\tlocalhost\n# a comment\n10.0.0.6\tdb.example.com\tdb\n"
        );
        let gone = res("Host", "db.example.com", json!({"ensure": "absent", "target": target}));
        assert_eq!(run(host, &gone, false), vec![("removed".into(), ChangeStatus::Success)]);
        assert_eq!(crate::providers::parsedfile::tests::body(&p), "127.0.0.1\tlocalhost\n# a comment\n");
    }
}
