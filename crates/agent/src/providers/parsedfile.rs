//! Types whose instances are records, one line each, of a text file (Puppet's `parsed` providers):
//! `sshkey` (known_hosts), `ssh_authorized_key` (a user's authorized_keys) and `mount` (fstab only:
//! Bunraku writes the record, it does not mount or unmount). A record is found by its key fields,
//! compared property by property, and the file is rewritten atomically only when something changed.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use bunraku_model::{Resource, Value};

use super::{param_list, Context, ProviderError};

/// A record's property values by name, as a record line is formatted from them.
type Values<'v> = &'v dyn Fn(&str) -> String;

/// One record type: how to recognise its record for a resource, read its properties, write a line.
struct Record<'a> {
    /// Whether a line is this resource's record.
    is_ours: &'a dyn Fn(&str) -> bool,
    /// The managed properties of a record line, in the order Puppet reports them.
    parse: &'a dyn Fn(&str) -> Vec<(&'static str, String)>,
    /// A line from property values.
    format: &'a dyn Fn(Values) -> String,
}

/// Brings the record in `target` in line with `desired` (properties left `None` are not managed).
fn sync_record(
    ctx: &mut Context,
    target: &Path,
    present: bool,
    record: &Record,
    desired: &[(&'static str, Option<String>)],
    file_mode: u32,
) -> Result<(), ProviderError> {
    let text = match std::fs::read_to_string(target) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(ProviderError(format!("{}: {e}", target.display()))),
    };
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let found = lines.iter().position(|l| !l.trim_start().starts_with('#') && (record.is_ours)(l));
    let write = |lines: &[String]| -> Result<(), String> {
        let mut out = lines.join("\n");
        if !out.is_empty() {
            out.push('\n');
        }
        let mode = std::fs::metadata(target).map(|m| m.permissions().mode() & 0o7777).unwrap_or(file_mode);
        crate::state::write_atomic(target, out.as_bytes(), mode).map_err(|e| e.to_string())
    };
    let ensure_change = |ctx: &mut Context, lines: &[String], from: &str, to: &str| {
        let (prev, want) = (Value::from(from), Value::from(to));
        let name = if to == "absent" { "removed" } else { "created" };
        if ctx.should_sync("ensure", &prev, &want, name) {
            match write(lines) {
                Ok(()) => ctx.changed("ensure", prev, want, name, name.to_string()),
                Err(e) => ctx.failed("ensure", prev, want, name, &e),
            }
        }
    };
    match (found, present) {
        (None, false) => Ok(()),
        (Some(i), false) => {
            lines.remove(i);
            ensure_change(ctx, &lines, "present", "absent");
            Ok(())
        }
        (None, true) => {
            let value = |name: &str| -> String {
                desired.iter().find(|(n, _)| *n == name).and_then(|(_, v)| v.clone()).unwrap_or_default()
            };
            lines.push((record.format)(&value));
            ensure_change(ctx, &lines, "absent", "present");
            Ok(())
        }
        (Some(i), true) => {
            let have = (record.parse)(&lines[i]);
            let current = |name: &str| {
                have.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone()).unwrap_or_default()
            };
            let changed: Vec<(&'static str, String, String)> = desired
                .iter()
                .filter_map(|(name, want)| {
                    let want = want.as_ref()?;
                    let now = current(name);
                    (now != *want).then(|| (*name, now, want.clone()))
                })
                .collect();
            if changed.is_empty() {
                return Ok(());
            }
            let value = |name: &str| -> String {
                changed
                    .iter()
                    .find(|(n, _, _)| *n == name)
                    .map(|(_, _, w)| w.clone())
                    .unwrap_or_else(|| current(name))
            };
            lines[i] = (record.format)(&value);
            let result = if ctx.noop { Ok(()) } else { write(&lines) };
            for (property, now, want) in changed {
                let (prev, want) = (Value::from(now), Value::from(want));
                let event = format!("{property}_changed");
                if !ctx.should_sync(property, &prev, &want, &event) {
                    continue;
                }
                match &result {
                    Ok(()) => {
                        let msg = format!(
                            "{property} changed {} to {}",
                            super::display(&prev),
                            super::display(&want)
                        );
                        ctx.changed(property, prev, want, &event, msg)
                    }
                    Err(e) => ctx.failed(property, prev, want, &event, e),
                }
            }
            Ok(())
        }
    }
}

fn present(res: &Resource) -> bool {
    res.param_str("ensure").as_deref() != Some("absent")
}

/// `sshkey`: a host key in a known_hosts file (`target`, default `/etc/ssh/ssh_known_hosts`).
pub fn sshkey(res: &Resource, ctx: &mut Context) -> Result<(), ProviderError> {
    ctx.provider_used = Some("parsed".into());
    // sshkeys-core titles may be `name@type`.
    let (name, title_type) = match res.title.split_once('@') {
        Some((n, t)) if res.param_str("name").is_none() => (n.to_string(), Some(t.to_string())),
        _ => (res.param_str("name").unwrap_or_else(|| res.title.clone()), None),
    };
    let key_type = res.param_str("type").or(title_type);
    let target = PathBuf::from(res.param_str("target").unwrap_or_else(|| "/etc/ssh/ssh_known_hosts".into()));
    let aliases = res.param("host_aliases").map(|_| param_list(res, "host_aliases").join(","));
    if present(res) && (key_type.is_none() || res.param_str("key").is_none()) {
        return Err(ProviderError::new("sshkey needs a type and a key"));
    }
    let fields = |line: &str| -> Vec<String> { line.split_whitespace().map(String::from).collect() };
    let is_ours = |line: &str| {
        let f = fields(line);
        f.len() >= 3
            && f[0].split(',').next() == Some(name.as_str())
            && key_type.as_deref().is_none_or(|t| f[1] == t)
    };
    let parse = |line: &str| {
        let f = fields(line);
        let aliases = f[0].split(',').skip(1).collect::<Vec<_>>().join(",");
        vec![("type", f[1].clone()), ("key", f[2].clone()), ("host_aliases", aliases)]
    };
    let format = |v: Values| {
        let aliases = v("host_aliases");
        let names = if aliases.is_empty() { name.clone() } else { format!("{name},{aliases}") };
        format!("{names} {} {}", v("type"), v("key"))
    };
    let desired = [("type", key_type.clone()), ("key", res.param_str("key")), ("host_aliases", aliases)];
    let record = Record { is_ours: &is_ours, parse: &parse, format: &format };
    sync_record(ctx, &target, present(res), &record, &desired, 0o644)
}

/// `ssh_authorized_key`: a key in `target` (default `~user/.ssh/authorized_keys`), keyed by its name.
pub fn ssh_authorized_key(res: &Resource, ctx: &mut Context) -> Result<(), ProviderError> {
    ctx.provider_used = Some("parsed".into());
    let name = res.param_str("name").unwrap_or_else(|| res.title.clone());
    let user = match res.param_str("user") {
        Some(u) => Some(
            nix::unistd::User::from_name(&u)
                .ok()
                .flatten()
                .ok_or_else(|| ProviderError(format!("Could not find user {u}")))?,
        ),
        None => None,
    };
    let target = match (res.param_str("target"), &user) {
        (Some(t), _) => PathBuf::from(t),
        (None, Some(u)) => u.dir.join(".ssh/authorized_keys"),
        (None, None) => return Err(ProviderError::new("Cannot write SSH authorized keys without user")),
    };
    let key_type = res.param_str("type").map(|t| match t.as_str() {
        "rsa" => "ssh-rsa".to_string(),
        "dsa" => "ssh-dss".to_string(),
        "ed25519" => "ssh-ed25519".to_string(),
        _ => t,
    });
    if present(res) && (key_type.is_none() || res.param_str("key").is_none()) {
        return Err(ProviderError::new("ssh_authorized_key needs a type and a key"));
    }
    let options = res.param("options").map(|_| param_list(res, "options").join(","));
    // `[options ]type key name`: the type is the first field that names a key type.
    let split = |line: &str| -> Option<(String, String, String, String)> {
        let f: Vec<&str> = line.split_whitespace().collect();
        let at = f
            .iter()
            .position(|w| w.starts_with("ssh-") || w.starts_with("ecdsa-") || w.starts_with("sk-"))?;
        Some((
            f[..at].join(" "),
            f.get(at)?.to_string(),
            f.get(at + 1)?.to_string(),
            f.get(at + 2..).map(|r| r.join(" ")).unwrap_or_default(),
        ))
    };
    let is_ours = |line: &str| split(line).is_some_and(|(_, _, _, n)| n == name);
    let parse = |line: &str| {
        let (o, t, k, _) = split(line).unwrap_or_default();
        vec![("type", t), ("key", k), ("options", o)]
    };
    let format = |v: Values| {
        let o = v("options");
        let o = if o.is_empty() { String::new() } else { format!("{o} ") };
        format!("{o}{} {} {name}", v("type"), v("key"))
    };
    if present(res) && !ctx.noop {
        // Puppet creates ~/.ssh (0700) and the file (0600), owned by the user.
        if let Some(dir) = target.parent() {
            if !dir.exists() {
                std::fs::create_dir_all(dir)?;
                std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
                if let Some(u) = &user {
                    let _ = nix::unistd::chown(dir, Some(u.uid), Some(u.gid));
                }
            }
        }
    }
    let desired = [("type", key_type.clone()), ("key", res.param_str("key")), ("options", options)];
    let record = Record { is_ours: &is_ours, parse: &parse, format: &format };
    let existed = target.exists();
    sync_record(ctx, &target, present(res), &record, &desired, 0o600)?;
    if !existed && target.exists() {
        if let Some(u) = &user {
            let _ = nix::unistd::chown(&target, Some(u.uid), Some(u.gid));
        }
    }
    Ok(())
}

/// `mount`: the record in `target` (default `/etc/fstab`). `mounted` writes the record and mounts it
/// when it is not mounted yet; `unmounted`, `present` and `defined` only write the record.
pub fn mount(res: &Resource, ctx: &mut Context) -> Result<(), ProviderError> {
    ctx.provider_used = Some("parsed".into());
    let name = res.param_str("name").unwrap_or_else(|| res.title.clone());
    let target = PathBuf::from(res.param_str("target").unwrap_or_else(|| "/etc/fstab".into()));
    let ensure = res.param_str("ensure").unwrap_or_else(|| "present".into());
    let fields = |line: &str| -> Vec<String> { line.split_whitespace().map(String::from).collect() };
    let is_ours = |line: &str| fields(line).get(1).is_some_and(|n| *n == name);
    let parse = |line: &str| {
        let f = fields(line);
        let at = |i: usize| f.get(i).cloned().unwrap_or_default();
        vec![("device", at(0)), ("fstype", at(2)), ("options", at(3)), ("dump", at(4)), ("pass", at(5))]
    };
    let format = |v: Values| {
        format!("{}\t{name}\t{}\t{}\t{}\t{}", v("device"), v("fstype"), v("options"), v("dump"), v("pass"))
    };
    let present = ensure != "absent";
    let exists = std::fs::read_to_string(&target).unwrap_or_default().lines().any(&is_ours);
    // Defaults apply to a new record only, as in Puppet (dump and pass 0 on Linux).
    let with_default = |p: &str, d: &str| res.param_str(p).or((!exists).then(|| d.to_string()));
    if present && !exists && (res.param_str("device").is_none() || res.param_str("fstype").is_none()) {
        return Err(ProviderError::new("mount needs a device and an fstype"));
    }
    let desired = [
        ("device", res.param_str("device")),
        ("fstype", res.param_str("fstype")),
        ("options", with_default("options", "defaults")),
        ("dump", with_default("dump", "0")),
        ("pass", with_default("pass", "0")),
    ];
    let record = Record { is_ours: &is_ours, parse: &parse, format: &format };
    sync_record(ctx, &target, present, &record, &desired, 0o644)?;
    if ensure == "mounted" && !ctx.noop && target == Path::new("/etc/fstab") {
        let mounted = std::fs::read_to_string("/proc/mounts")
            .unwrap_or_default()
            .lines()
            .any(|l| l.split_whitespace().nth(1) == Some(name.as_str()));
        if !mounted {
            let status = std::process::Command::new("mount").arg(&name).status()?;
            if !status.success() {
                return Err(ProviderError(format!("Execution of 'mount {name}' returned {status}")));
            }
            ctx.changed(
                "ensure",
                Value::from("unmounted"),
                Value::from("mounted"),
                "mounted",
                "ensure changed 'unmounted' to 'mounted'".into(),
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::transaction::tests::{catalog, lines, run};
    use bunraku_model::RunStatus;
    use serde_json::json;
    use std::fs;

    #[test]
    fn sshkey_in_a_known_hosts_target() {
        let dir = tempfile::tempdir().unwrap();
        let t = dir.path().join("known_hosts");
        fs::write(&t, "# comment\nother.example ssh-rsa AAAAother\n").unwrap();
        let ts = t.display().to_string();
        let p = json!({"type": "ssh-ed25519", "key": "AAAAone", "host_aliases": ["h1", "10.0.0.1"], "target": ts});
        let cat = catalog(&[("Sshkey", "host1.example", p)], &[]);
        let report = run(&cat);
        assert_eq!(lines(&report), ["/Stage[main]/Main/Sshkey[host1.example]/ensure: created"]);
        assert_eq!(
            fs::read_to_string(&t).unwrap(),
            "# comment\nother.example ssh-rsa AAAAother\nhost1.example,h1,10.0.0.1 ssh-ed25519 AAAAone\n"
        );
        assert_eq!(run(&cat).status, RunStatus::Unchanged);
        let p = json!({"type": "ssh-ed25519", "key": "AAAAtwo", "target": ts});
        let report = run(&catalog(&[("Sshkey", "host1.example", p)], &[]));
        assert_eq!(
            lines(&report),
            ["/Stage[main]/Main/Sshkey[host1.example]/key: key changed 'AAAAone' to 'AAAAtwo'"]
        );
        let report = run(&catalog(
            &[("Sshkey", "host1.example@ssh-ed25519", json!({"ensure": "absent", "target": ts}))],
            &[],
        ));
        assert_eq!(lines(&report), ["/Stage[main]/Main/Sshkey[host1.example@ssh-ed25519]/ensure: removed"]);
        assert_eq!(fs::read_to_string(&t).unwrap(), "# comment\nother.example ssh-rsa AAAAother\n");
    }

    #[test]
    fn authorized_keys_under_a_throwaway_home() {
        let dir = tempfile::tempdir().unwrap();
        let t = dir.path().join("home/.ssh/authorized_keys");
        let ts = t.display().to_string();
        let p = json!({"type": "rsa", "key": "AAAAkey", "options": ["no-pty", "from=\"10.0.0.0/8\""], "user": "nobody", "target": ts});
        let cat = catalog(&[("Ssh_authorized_key", "alice@laptop", p)], &[]);
        let report = run(&cat);
        assert_eq!(report.status, RunStatus::Changed, "{:?}", lines(&report));
        assert_eq!(
            fs::read_to_string(&t).unwrap(),
            "no-pty,from=\"10.0.0.0/8\" ssh-rsa AAAAkey alice@laptop\n"
        );
        use std::os::unix::fs::MetadataExt;
        let meta = fs::metadata(&t).unwrap();
        assert_eq!(meta.mode() & 0o777, 0o600);
        assert_eq!(meta.uid(), nix::unistd::User::from_name("nobody").unwrap().unwrap().uid.as_raw());
        assert_eq!(fs::metadata(t.parent().unwrap()).unwrap().mode() & 0o777, 0o700);
        assert_eq!(run(&cat).status, RunStatus::Unchanged);
        let p =
            json!({"type": "ssh-rsa", "key": "AAAAkey", "options": "no-pty", "user": "nobody", "target": ts});
        let l = lines(&run(&catalog(&[("Ssh_authorized_key", "alice@laptop", p)], &[])));
        assert_eq!(l, ["/Stage[main]/Main/Ssh_authorized_key[alice@laptop]/options: options changed 'no-pty,from=\"10.0.0.0/8\"' to 'no-pty'"]);
    }

    #[test]
    fn mount_records_in_an_fstab_target() {
        let dir = tempfile::tempdir().unwrap();
        let t = dir.path().join("fstab");
        fs::write(&t, "UUID=1 / ext4 errors=remount-ro 0 1\n").unwrap();
        let ts = t.display().to_string();
        let p = json!({"ensure": "defined", "device": "tmpfs", "fstype": "tmpfs", "options": "size=1m", "target": ts});
        let cat = catalog(&[("Mount", "/mnt/bunraku-test", p)], &[]);
        let report = run(&cat);
        assert_eq!(lines(&report), ["/Stage[main]/Main/Mount[/mnt/bunraku-test]/ensure: created"]);
        assert_eq!(
            fs::read_to_string(&t).unwrap(),
            "UUID=1 / ext4 errors=remount-ro 0 1\ntmpfs\t/mnt/bunraku-test\ttmpfs\tsize=1m\t0\t0\n"
        );
        assert_eq!(run(&cat).status, RunStatus::Unchanged);
        let p = json!({"ensure": "unmounted", "device": "tmpfs", "fstype": "tmpfs", "options": "size=2m", "pass": 2, "target": ts});
        let l = lines(&run(&catalog(&[("Mount", "/mnt/bunraku-test", p)], &[])));
        assert_eq!(
            l,
            [
                "/Stage[main]/Main/Mount[/mnt/bunraku-test]/options: options changed 'size=1m' to 'size=2m'",
                "/Stage[main]/Main/Mount[/mnt/bunraku-test]/pass: pass changed '0' to '2'",
            ]
        );
        let l = lines(&run(&catalog(
            &[("Mount", "/mnt/bunraku-test", json!({"ensure": "absent", "target": ts}))],
            &[],
        )));
        assert_eq!(l, ["/Stage[main]/Main/Mount[/mnt/bunraku-test]/ensure: removed"]);
        assert_eq!(fs::read_to_string(&t).unwrap(), "UUID=1 / ext4 errors=remount-ro 0 1\n");
    }
}
