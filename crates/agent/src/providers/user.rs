//! `user` and `group` with the `useradd` and `groupadd` providers: the shadow tools
//! (`useradd`/`usermod`/`userdel`, `groupadd`/`groupmod`/`groupdel`), reading the current state from
//! the passwd and group databases.

use std::process::Command;

use bunraku_model::{Resource, Value};

use super::{param_bool, param_list, Context, ProviderError};

fn run(program: &str, args: &[String]) -> Result<(), String> {
    let out = Command::new(program).args(args).output().map_err(|e| format!("{program}: {e}"))?;
    if out.status.success() {
        return Ok(());
    }
    let mut text = String::from_utf8_lossy(&out.stderr).trim().to_string();
    if text.is_empty() {
        text = String::from_utf8_lossy(&out.stdout).trim().to_string();
    }
    Err(format!(
        "Execution of '{program} {}' returned {}: {text}",
        args.join(" "),
        out.status.code().unwrap_or(-1)
    ))
}

/// Records an ensure change and runs the command that makes it.
fn ensure(ctx: &mut Context, from: &str, to: &str, program: &str, args: Vec<String>) {
    let (prev, want) = (Value::from(from), Value::from(to));
    let name = if to == "absent" { "removed" } else { "created" };
    if !ctx.should_sync("ensure", &prev, &want, name) {
        return;
    }
    match run(program, &args) {
        Ok(()) => ctx.changed("ensure", prev, want, name, name.to_string()),
        Err(e) => ctx.failed("ensure", prev, want, name, &e),
    }
}

/// Records a property change made with `program flag value name`.
fn property(ctx: &mut Context, prop: &str, prev: Value, want: Value, program: &str, args: Vec<String>) {
    let event = format!("{prop}_changed");
    if !ctx.should_sync(prop, &prev, &want, &event) {
        return;
    }
    let msg = format!("{prop} changed {} to {}", show(&prev), show(&want));
    match run(program, &args) {
        Ok(()) => ctx.changed(prop, prev, want, &event, msg),
        Err(e) => ctx.failed(prop, prev, want, &event, &e),
    }
}

/// Puppet prints numbers bare and strings quoted.
fn show(v: &Value) -> String {
    match v {
        Value::Number(n) => n.to_string(),
        other => super::display(other),
    }
}

fn gid_of(group: &str) -> Result<u32, ProviderError> {
    if let Ok(n) = group.parse() {
        return Ok(n);
    }
    match nix::unistd::Group::from_name(group) {
        Ok(Some(g)) => Ok(g.gid.as_raw()),
        _ => Err(ProviderError(format!("Could not find group {group}"))),
    }
}

/// `group`: present or absent, with its `gid`.
pub fn group(res: &Resource, ctx: &mut Context) -> Result<(), ProviderError> {
    ctx.provider_used = Some("groupadd".into());
    let name = res.param_str("name").unwrap_or_else(|| res.title.clone());
    let want = res.param_str("ensure").unwrap_or_else(|| "present".into());
    let current = nix::unistd::Group::from_name(&name).ok().flatten();
    let gid: Option<u32> = res
        .param_str("gid")
        .map(|g| g.parse())
        .transpose()
        .map_err(|_| ProviderError::new("gid must be numeric"))?;
    match (want.as_str(), current) {
        ("absent", Some(_)) => ensure(ctx, "present", "absent", "groupdel", vec![name]),
        ("absent", None) => {}
        (_, None) => {
            let mut args = Vec::new();
            if let Some(g) = gid {
                args.extend(["-g".to_string(), g.to_string()]);
            }
            if param_bool(res, "system") == Some(true) {
                args.push("-r".into());
            }
            args.push(name);
            ensure(ctx, "absent", "present", "groupadd", args);
        }
        (_, Some(g)) => {
            if let Some(want) = gid.filter(|w| *w != g.gid.as_raw()) {
                let args = vec!["-g".into(), want.to_string(), name];
                property(ctx, "gid", Value::from(g.gid.as_raw()), Value::from(want), "groupmod", args);
            }
        }
    }
    Ok(())
}

/// `user`: present or absent, with `uid`, `gid`, `home`, `shell`, `comment`, `groups` (added to,
/// as `membership => minimum`), `managehome`.
pub fn user(res: &Resource, ctx: &mut Context) -> Result<(), ProviderError> {
    ctx.provider_used = Some("useradd".into());
    let name = res.param_str("name").unwrap_or_else(|| res.title.clone());
    let want = res.param_str("ensure").unwrap_or_else(|| "present".into());
    let current = nix::unistd::User::from_name(&name).ok().flatten();
    let uid: Option<u32> = res
        .param_str("uid")
        .map(|u| u.parse())
        .transpose()
        .map_err(|_| ProviderError::new("uid must be numeric"))?;
    let gid = res.param_str("gid").map(|g| gid_of(&g)).transpose()?;
    let home = res.param_str("home");
    let shell = res.param_str("shell");
    let comment = res.param_str("comment");
    let groups = param_list(res, "groups");
    let managehome = param_bool(res, "managehome") == Some(true);
    match (want.as_str(), current) {
        ("absent", Some(_)) => {
            let mut args = Vec::new();
            if managehome {
                args.push("-r".to_string());
            }
            args.push(name);
            ensure(ctx, "present", "absent", "userdel", args);
        }
        ("absent", None) => {}
        (_, None) => {
            let mut args: Vec<String> = Vec::new();
            let mut opt = |flag: &str, v: Option<String>| {
                if let Some(v) = v {
                    args.push(flag.into());
                    args.push(v);
                }
            };
            opt("-u", uid.map(|u| u.to_string()));
            opt("-g", gid.map(|g| g.to_string()));
            opt("-d", home.clone());
            opt("-s", shell.clone());
            opt("-c", comment.clone());
            opt("-G", (!groups.is_empty()).then(|| groups.join(",")));
            if managehome {
                args.push("-m".into());
            }
            if param_bool(res, "system") == Some(true) {
                args.push("-r".into());
            }
            args.push(name);
            ensure(ctx, "absent", "present", "useradd", args);
        }
        (_, Some(u)) => {
            let change = |flag: &str, v: String| vec![flag.to_string(), v, name.clone()];
            if let Some(w) = uid.filter(|w| *w != u.uid.as_raw()) {
                property(
                    ctx,
                    "uid",
                    Value::from(u.uid.as_raw()),
                    Value::from(w),
                    "usermod",
                    change("-u", w.to_string()),
                );
            }
            if let Some(w) = gid.filter(|w| *w != u.gid.as_raw()) {
                property(
                    ctx,
                    "gid",
                    Value::from(u.gid.as_raw()),
                    Value::from(w),
                    "usermod",
                    change("-g", w.to_string()),
                );
            }
            let text = |p: &std::path::Path| p.display().to_string();
            if let Some(w) = home.filter(|w| *w != text(&u.dir)) {
                property(
                    ctx,
                    "home",
                    Value::from(text(&u.dir)),
                    Value::from(w.clone()),
                    "usermod",
                    change("-d", w),
                );
            }
            if let Some(w) = shell.filter(|w| *w != text(&u.shell)) {
                property(
                    ctx,
                    "shell",
                    Value::from(text(&u.shell)),
                    Value::from(w.clone()),
                    "usermod",
                    change("-s", w),
                );
            }
            let gecos = u.gecos.to_string_lossy().into_owned();
            if let Some(w) = comment.filter(|w| *w != gecos) {
                property(
                    ctx,
                    "comment",
                    Value::from(gecos),
                    Value::from(w.clone()),
                    "usermod",
                    change("-c", w),
                );
            }
            if !groups.is_empty() {
                let member_of = |g: &String| {
                    nix::unistd::Group::from_name(g).ok().flatten().is_some_and(|grp| grp.mem.contains(&name))
                };
                let have: Vec<String> = groups.iter().filter(|g| member_of(g)).cloned().collect();
                if have.len() != groups.len() {
                    // As Puppet reports it: the current value is a one-element array of the user's
                    // supplementary groups joined in /etc/group order, the desired one the sorted
                    // union with the groups asked for (membership `minimum`, the default).
                    let current = supplementary_groups(&name);
                    let mut wanted: Vec<String> = current.iter().chain(&groups).cloned().collect();
                    wanted.sort();
                    wanted.dedup();
                    let prev = Value::Array(vec![Value::from(current.join(","))]);
                    let want = Value::from(wanted.join(","));
                    property(
                        ctx,
                        "groups",
                        prev,
                        want,
                        "usermod",
                        vec!["-a".into(), "-G".into(), groups.join(","), name.clone()],
                    );
                }
            }
        }
    }
    Ok(())
}

/// The groups listing `user` as a member, in /etc/group order.
fn supplementary_groups(user: &str) -> Vec<String> {
    std::fs::read_to_string("/etc/group")
        .unwrap_or_default()
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split(':').collect();
            let members = f.get(3)?;
            members.split(',').any(|m| m == user).then(|| f[0].to_string())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::ChangeStatus;
    use serde_json::json;

    use crate::transaction::tests::{resource as res, NoSources};

    fn apply(
        f: fn(&Resource, &mut Context) -> Result<(), ProviderError>,
        r: &Resource,
    ) -> Vec<(String, ChangeStatus)> {
        let mut ctx = Context::new(false, false, &NoSources);
        f(r, &mut ctx).unwrap();
        ctx.changes.iter().map(|c| (c.message.clone(), c.status)).collect()
    }

    /// Real useradd/groupadd on throwaway names, removed at the end; needs root.
    #[test]
    fn users_and_groups_with_the_shadow_tools() {
        assert!(nix::unistd::geteuid().is_root(), "this test manages throwaway users and needs root");
        assert!(
            Command::new("useradd").arg("--help").output().is_ok(),
            "useradd is missing (apt-get install passwd)"
        );
        let g = format!("bkg{}", std::process::id() % 100000);
        let u = format!("bku{}", std::process::id() % 100000);
        let _ = Command::new("userdel").arg(&u).output();
        let _ = Command::new("groupdel").arg(&g).output();
        let grp = res("Group", &g, json!({"ensure": "present"}));
        assert_eq!(apply(group, &grp), vec![("created".into(), ChangeStatus::Success)]);
        assert!(apply(group, &grp).is_empty());
        let usr = res(
            "User",
            &u,
            json!({"ensure": "present", "shell": "/bin/sh", "comment": "throwaway", "groups": [g.clone()], "home": "/nonexistent"}),
        );
        assert_eq!(apply(user, &usr), vec![("created".into(), ChangeStatus::Success)]);
        assert!(apply(user, &usr).is_empty(), "second run must change nothing");
        let changed = res(
            "User",
            &u,
            json!({"ensure": "present", "shell": "/bin/bash", "comment": "throwaway", "home": "/nonexistent"}),
        );
        assert_eq!(
            apply(user, &changed),
            vec![("shell changed '/bin/sh' to '/bin/bash'".into(), ChangeStatus::Success)]
        );
        let gone = res("User", &u, json!({"ensure": "absent"}));
        assert_eq!(apply(user, &gone), vec![("removed".into(), ChangeStatus::Success)]);
        let gone = res("Group", &g, json!({"ensure": "absent"}));
        assert_eq!(apply(group, &gone), vec![("removed".into(), ChangeStatus::Success)]);
        assert!(nix::unistd::User::from_name(&u).unwrap().is_none());
    }
}
