//! The same catalog applied by real Puppet 7 (`puppet apply --catalog`) and by `bunraku apply
//! --catalog`, each into its own throwaway root, must leave the same files (type, mode, content, link
//! target) and report the same events (resource, property, status, previous and desired values).
//! Skipped when `puppet` is not installed or the test does not run as root.

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

const BUNRAKU: &str = env!("CARGO_BIN_EXE_bunraku");

/// A catalog of `(type, title, parameters)` resources in class `main`, with `@ROOT@` in its strings.
fn catalog(resources: &[(&str, &str, Value)], root: &Path) -> String {
    let fill = |s: &str| s.replace("@ROOT@", &root.display().to_string());
    let mut res = vec![
        json!({"type": "Stage", "title": "main", "tags": ["stage", "main"], "exported": false, "parameters": {"name": "main"}}),
        json!({"type": "Class", "title": "Settings", "tags": ["class", "settings"], "exported": false}),
        json!({"type": "Class", "title": "main", "tags": ["class"], "exported": false, "parameters": {"name": "main"}}),
    ];
    let mut edges = vec![
        json!({"source": "Stage[main]", "target": "Class[Settings]"}),
        json!({"source": "Stage[main]", "target": "Class[main]"}),
    ];
    for (i, (t, title, params)) in resources.iter().enumerate() {
        let title = fill(title);
        let params: Value = serde_json::from_str(&fill(&params.to_string())).unwrap();
        res.push(json!({"type": t, "title": title, "tags": [t.to_lowercase(), "class"], "file": "/site.pp",
                        "line": i + 1, "exported": false, "parameters": params}));
        edges.push(json!({"source": "Class[main]", "target": format!("{t}[{title}]")}));
    }
    json!({"tags": ["settings"], "name": "difftest.example.com", "version": 1700000000, "code_id": null,
           "catalog_uuid": "6f1fa0a6-0b5f-4a1c-9d32-9f3c1b1a2c3d", "catalog_format": 1,
           "environment": "production", "resources": res, "edges": edges, "classes": ["settings"]})
    .to_string()
}

/// What a tree holds: relative path → (kind, mode, content or link target).
fn tree(root: &Path) -> BTreeMap<String, (String, u32, String)> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = e.path();
            let rel = p.strip_prefix(root).unwrap().display().to_string();
            let m = std::fs::symlink_metadata(&p).unwrap();
            let entry = if m.file_type().is_symlink() {
                let target = std::fs::read_link(&p).unwrap().display().to_string();
                ("link".into(), 0, target.replace(&root.display().to_string(), "@ROOT@"))
            } else if m.is_dir() {
                stack.push(p.clone());
                ("directory".into(), m.mode() & 0o7777, String::new())
            } else {
                let content = String::from_utf8_lossy(&std::fs::read(&p).unwrap()).into_owned();
                ("file".into(), m.mode() & 0o7777, content.replace(&root.display().to_string(), "@ROOT@"))
            };
            out.insert(rel, entry);
        }
    }
    out
}

/// The events of a `last_run_report.yaml`, as comparable tuples with the root replaced.
fn events(report: &Path, root: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(report).unwrap_or_else(|e| panic!("{}: {e}", report.display()));
    let text = regex_lite_strip_tags(&text).replace(&root.display().to_string(), "ROOTDIR");
    let doc: Value = serde_yaml_ng::from_str(&text).unwrap_or_else(|e| {
        let line = e.location().map(|l| l.line()).unwrap_or(0);
        let near: Vec<&str> = text.lines().skip(line.saturating_sub(3)).take(5).collect();
        panic!("{}: {e}\n{}", report.display(), near.join("\n"))
    });
    let mut out = Vec::new();
    for (resource, status) in doc["resource_statuses"].as_object().unwrap() {
        for e in status["events"].as_array().into_iter().flatten() {
            let v = |k: &str| match &e[k] {
                Value::Null => "nil".to_string(),
                // Puppet writes binary (ASCII-8BIT) strings as `!binary` base64.
                Value::String(s) => unbinary(s).unwrap_or_else(|| s.clone()),
                other => other.to_string(),
            };
            out.push(format!(
                "{resource} {} {} {} -> {} [{}]",
                v("property"),
                v("status"),
                v("previous_value"),
                v("desired_value"),
                v("name")
            ));
        }
        if status["skipped"] == json!(true) {
            out.push(format!("{resource} skipped"));
        }
    }
    out.sort();
    out
}

/// Decodes the base64 of a `!binary` YAML value when it decodes to a `{checksum}…` string.
fn unbinary(s: &str) -> Option<String> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let clean: Vec<u8> = s.bytes().filter(|b| !b.is_ascii_whitespace() && *b != b'=').collect();
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = Vec::new();
    for b in clean {
        let v = ALPHABET.iter().position(|a| *a == b)? as u32;
        bits = (bits << 6) | v;
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
        }
    }
    String::from_utf8(out).ok().filter(|d| d.starts_with('{'))
}

/// The report's `status` (`changed`, `unchanged`, `failed`).
fn status(report: &Path) -> String {
    let text = std::fs::read_to_string(report).unwrap_or_default();
    text.lines().find_map(|l| l.strip_prefix("status: ")).unwrap_or("").trim().to_string()
}

/// Removes Ruby object tags (`!ruby/object:Puppet::…`, `!ruby/sym`) so plain YAML parsers read it.
fn regex_lite_strip_tags(text: &str) -> String {
    text.lines()
        .map(|l| {
            let mut l = l.to_string();
            while let Some(i) = l.find("!ruby/") {
                let end = l[i..].find(' ').map(|j| i + j + 1).unwrap_or(l.len());
                l.replace_range(i..end, "");
            }
            l
        })
        .collect::<Vec<_>>()
        .join("\n")
}

struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    fn new() -> Sandbox {
        let dir = tempfile::Builder::new().prefix("bunraku-diff-").tempdir().unwrap();
        for d in [
            "puppet/conf",
            "puppet/var",
            "puppet/code",
            "puppet/empty",
            "bunraku/conf",
            "roots/puppet",
            "roots/bunraku",
        ] {
            std::fs::create_dir_all(dir.path().join(d)).unwrap();
        }
        let p = dir.path().join("puppet");
        std::fs::write(
            p.join("conf/puppet.conf"),
            format!(
                "[main]\nbasemodulepath = {e}\nssldir = {v}/ssl\npublicdir = {v}/public\ncadir = {v}/ca\ncertname = difftest.example.com\n",
                e = p.join("empty").display(),
                v = p.join("var").display()
            ),
        )
        .unwrap();
        let b = dir.path().join("bunraku");
        std::fs::write(
            b.join("conf/puppet.conf"),
            format!("[main]\nvardir = {v}/var\ncertname = difftest.example.com\n", v = b.display()),
        )
        .unwrap();
        Sandbox { dir }
    }

    fn root(&self, who: &str) -> PathBuf {
        self.dir.path().join("roots").join(who)
    }

    fn puppet_apply(&self, catalog: &str) -> (i32, String) {
        let p = self.dir.path().join("puppet");
        let file = p.join("catalog.json");
        std::fs::write(&file, catalog).unwrap();
        let out = Command::new("puppet")
            .arg("apply")
            .arg("--catalog")
            .arg(&file)
            .args(["--color", "false", "--detailed-exitcodes"])
            .arg("--confdir")
            .arg(p.join("conf"))
            .arg("--vardir")
            .arg(p.join("var"))
            .arg("--codedir")
            .arg(p.join("code"))
            .arg("--publicdir")
            .arg(p.join("var/public"))
            .arg("--logdir")
            .arg(p.join("var/log"))
            .arg("--rundir")
            .arg(p.join("var/run"))
            .output()
            .unwrap();
        (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&[out.stdout, out.stderr].concat()).into())
    }

    fn bunraku_apply(&self, catalog: &str) -> (i32, String) {
        let b = self.dir.path().join("bunraku");
        let file = b.join("catalog.json");
        std::fs::write(&file, catalog).unwrap();
        let out = Command::new(BUNRAKU)
            .arg("apply")
            .arg("--catalog")
            .arg(&file)
            .arg("--detailed-exitcodes")
            .arg("--confdir")
            .arg(b.join("conf"))
            .output()
            .unwrap();
        (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&[out.stdout, out.stderr].concat()).into())
    }

    fn puppet_report(&self) -> PathBuf {
        self.dir.path().join("puppet/var/state/last_run_report.yaml")
    }

    fn bunraku_report(&self) -> PathBuf {
        self.dir.path().join("bunraku/var/state/last_run_report.yaml")
    }
}

fn require_root_and_puppet() {
    let root = nix::unistd::geteuid().is_root();
    let puppet =
        Command::new("puppet").arg("--version").output().map(|o| o.status.success()).unwrap_or(false);
    // .ci/run installs puppet and runs as root: a missing dependency fails the test, never skips it.
    assert!(root, "the differential test applies catalogs as root");
    assert!(puppet, "puppet (Debian's puppet-agent 7.23) is missing: run .ci/run");
}

/// Prepares both roots the same way, applies the catalog with both tools, compares everything.
fn differential(prepare: &dyn Fn(&Path), resources: &[(&str, &str, Value)]) {
    let sb = Sandbox::new();
    let (pr, br) = (sb.root("puppet"), sb.root("bunraku"));
    prepare(&pr);
    prepare(&br);
    let (pc, pout) = sb.puppet_apply(&catalog(resources, &pr));
    let (bc, bout) = sb.bunraku_apply(&catalog(resources, &br));
    let context = format!("puppet ({pc}):\n{pout}\nbunraku ({bc}):\n{bout}");
    // `puppet apply --catalog` exits 0 whatever happened (its `apply` path ignores
    // --detailed-exitcodes), so the reports' statuses are compared instead of exit codes.
    let _ = (pc, bc);
    assert_eq!(status(&sb.puppet_report()), status(&sb.bunraku_report()), "statuses differ\n{context}");
    assert_eq!(tree(&pr), tree(&br), "trees differ\n{context}");
    assert_eq!(
        events(&sb.puppet_report(), &pr),
        events(&sb.bunraku_report(), &br),
        "events differ\n{context}"
    );
    // A second run changes nothing, for both.
    let (pc2, pout2) = sb.puppet_apply(&catalog(resources, &pr));
    let (bc2, bout2) = sb.bunraku_apply(&catalog(resources, &br));
    let context = format!("puppet ({pc2}):\n{pout2}\nbunraku ({bc2}):\n{bout2}");
    let _ = (pc2, bc2);
    assert_eq!(status(&sb.puppet_report()), status(&sb.bunraku_report()), "statuses differ\n{context}");
    assert_eq!(tree(&pr), tree(&br), "trees differ after the second run\n{context}");
    assert_eq!(
        events(&sb.puppet_report(), &pr),
        events(&sb.bunraku_report(), &br),
        "second-run events differ\n{context}"
    );
}

#[test]
fn files_links_and_removal() {
    require_root_and_puppet();
    differential(
        &|root| {
            std::fs::write(root.join("stale"), "old\n").unwrap();
            std::fs::write(root.join("gone"), "bye\n").unwrap();
            std::fs::create_dir_all(root.join("src")).unwrap();
            std::fs::write(root.join("src/x"), "from a source\n").unwrap();
            std::fs::write(root.join("modeonly"), "keep\n").unwrap();
            std::fs::write(root.join("kept"), "mine\n").unwrap();
        },
        &[
            ("File", "@ROOT@/dir", json!({"ensure": "directory", "mode": "0750"})),
            ("File", "@ROOT@/dir/new", json!({"ensure": "file", "content": "hello\n", "mode": "0640"})),
            ("File", "@ROOT@/stale", json!({"ensure": "file", "content": "new\n", "mode": "0600"})),
            ("File", "@ROOT@/gone", json!({"ensure": "absent"})),
            ("File", "@ROOT@/link", json!({"ensure": "link", "target": "@ROOT@/dir/new"})),
            ("File", "@ROOT@/copy", json!({"source": "@ROOT@/src/x"})),
            ("File", "@ROOT@/modeonly", json!({"mode": "0604"})),
            ("File", "@ROOT@/kept", json!({"ensure": "file", "content": "theirs\n", "replace": false})),
            ("File", "@ROOT@/quiet", json!({"ensure": "file", "content": "noop\n", "noop": true})),
        ],
    );
}

#[test]
fn execs_refresh_and_failed_dependencies() {
    require_root_and_puppet();
    differential(
        &|_| {},
        &[
            ("File", "@ROOT@/conf", json!({"ensure": "file", "content": "v1\n", "notify": "Exec[reload]"})),
            (
                "Exec",
                "reload",
                json!({"command": "/bin/sh -c 'echo reloaded >> @ROOT@/reloads'", "refreshonly": true}),
            ),
            (
                "Exec",
                "make marker",
                json!({"command": "/bin/touch @ROOT@/marker", "creates": "@ROOT@/marker"}),
            ),
            (
                "Exec",
                "in cwd",
                json!({"command": "/bin/sh -c 'pwd > cwd.txt'", "cwd": "@ROOT@", "creates": "@ROOT@/cwd.txt"}),
            ),
            ("Exec", "fails", json!({"command": "/bin/false"})),
            (
                "File",
                "@ROOT@/after-failure",
                json!({"ensure": "file", "content": "x\n", "require": "Exec[fails]"}),
            ),
            ("Exec", "unless true", json!({"command": "/bin/touch @ROOT@/never", "unless": "/bin/true"})),
        ],
    );
}

#[test]
fn recursive_copies_purge_and_backups() {
    require_root_and_puppet();
    differential(
        &|root| {
            std::fs::create_dir_all(root.join("src/sub/deep")).unwrap();
            std::fs::write(root.join("src/a"), "a\n").unwrap();
            std::fs::write(root.join("src/sub/b"), "b\n").unwrap();
            std::fs::write(root.join("src/sub/deep/c"), "c\n").unwrap();
            std::fs::create_dir_all(root.join("dst/stray_dir")).unwrap();
            std::fs::write(root.join("dst/stray_dir/x"), "x\n").unwrap();
            std::fs::write(root.join("dst/stray"), "s\n").unwrap();
            std::fs::write(root.join("dst/a"), "old a\n").unwrap();
            std::fs::create_dir_all(root.join("tree/inner")).unwrap();
            std::fs::write(root.join("tree/inner/f"), "f\n").unwrap();
            std::fs::write(root.join("bucketed"), "before\n").unwrap();
            std::fs::write(root.join("suffixed"), "before\n").unwrap();
        },
        &[
            ("Filebucket", "local", json!({"path": "@ROOT@/bucket"})),
            (
                "File",
                "@ROOT@/dst",
                json!({"ensure": "directory", "source": "@ROOT@/src", "recurse": true, "purge": true,
                       "force": true, "backup": false}),
            ),
            (
                "File",
                "@ROOT@/limited",
                json!({"ensure": "directory", "source": "@ROOT@/src", "recurse": true, "recurselimit": 1}),
            ),
            ("File", "@ROOT@/tree", json!({"ensure": "directory", "recurse": true, "mode": "0700"})),
            ("File", "@ROOT@/bucketed", json!({"content": "after\n", "backup": "local"})),
            ("File", "@ROOT@/suffixed", json!({"content": "after\n", "backup": ".bak"})),
        ],
    );
}

/// File writes are completed in batches (bunraku's staged writes); whatever reads a file after it —
/// an exec, a file copied from it, a link to it, a second run — sees it as Puppet's one-by-one
/// writes leave it.
#[test]
fn batched_writes_and_what_reads_them() {
    require_root_and_puppet();
    differential(
        &|root| {
            std::fs::write(root.join("old"), "old\n").unwrap();
            std::fs::set_permissions(root.join("old"), std::os::unix::fs::PermissionsExt::from_mode(0o644))
                .unwrap();
        },
        &[
            ("File", "@ROOT@/a", json!({"ensure": "file", "content": "a\n"})),
            ("File", "@ROOT@/old", json!({"content": "new\n", "mode": "0600"})),
            (
                "Exec",
                "reader",
                json!({"command": "/bin/sh -c 'cat @ROOT@/a @ROOT@/old > @ROOT@/seen'", "creates": "@ROOT@/seen"}),
            ),
            ("File", "@ROOT@/b", json!({"ensure": "file", "content": "b\n", "mode": "0640"})),
            ("File", "@ROOT@/copy-of-b", json!({"source": "@ROOT@/b"})),
            ("File", "@ROOT@/dir", json!({"ensure": "directory"})),
            ("File", "@ROOT@/dir/x", json!({"ensure": "file", "content": "x\n"})),
            ("File", "@ROOT@/dir/y", json!({"content": "y\n", "mode": "0600"})),
            ("File", "@ROOT@/link", json!({"ensure": "link", "target": "@ROOT@/dir/x"})),
            ("File", "@ROOT@/missing/z", json!({"ensure": "file", "content": "z\n"})),
            ("File", "@ROOT@/after-missing", json!({"content": "w\n", "require": "File[@ROOT@/missing/z]"})),
        ],
    );
}

/// `tidy` generates a `file` removal for each old, big or matching file, deepest first.
#[test]
fn tidy_removes_what_matches() {
    require_root_and_puppet();
    let aged = |path: &Path, days: u64| {
        let t = std::time::SystemTime::now() - std::time::Duration::from_secs(days * 86400);
        let f = std::fs::File::options().write(true).open(path).unwrap();
        f.set_times(std::fs::FileTimes::new().set_accessed(t).set_modified(t)).unwrap();
    };
    differential(
        &|root| {
            std::fs::create_dir_all(root.join("t/sub/deeper")).unwrap();
            for (name, days) in
                [("t/old.log", 10), ("t/new.log", 0), ("t/sub/old.tmp", 10), ("t/sub/deeper/x.log", 30)]
            {
                std::fs::write(root.join(name), "x\n").unwrap();
                aged(&root.join(name), days);
            }
            std::fs::write(root.join("t/big.dat"), vec![b'x'; 3 * 1024]).unwrap();
            std::fs::write(root.join("alone.log"), "x\n").unwrap();
            aged(&root.join("alone.log"), 10);
        },
        &[
            (
                "Tidy",
                "@ROOT@/t",
                json!({"recurse": true, "age": "1w", "size": "2k", "matches": ["*.log", "*.tmp", "*.dat"]}),
            ),
            ("Tidy", "@ROOT@/alone.log", json!({"age": "2d", "type": "mtime"})),
        ],
    );
}
