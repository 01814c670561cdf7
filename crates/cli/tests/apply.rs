//! `bunraku apply FILE.pp`: the masterless path, with the same compiler and transaction.

mod common;

use std::process::Command;

#[test]
fn apply_compiles_and_applies_a_manifest_with_a_module_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let module = root.join("modules/motd");
    std::fs::create_dir_all(module.join("manifests")).unwrap();
    std::fs::create_dir_all(module.join("files")).unwrap();
    std::fs::write(module.join("files/motd.txt"), "welcome\n").unwrap();
    std::fs::write(
        module.join("manifests/init.pp"),
        "class motd($target) {\n  file { $target:\n    ensure => file,\n    source => 'puppet:///modules/motd/motd.txt',\n    mode   => '0600',\n  }\n}\n",
    )
    .unwrap();
    let target = root.join("out/motd");
    std::fs::create_dir_all(root.join("out")).unwrap();
    let manifest = root.join("site.pp");
    std::fs::write(
        &manifest,
        format!(
            "class {{ 'motd': target => '{}' }}\nnotify {{ \"applied on ${{facts['os']['family']}}\": require => Class['motd'] }}\n",
            target.display()
        ),
    )
    .unwrap();
    let run = |extra: &[&str]| -> common::Ran {
        Command::new(common::BUNRAKU)
            .args(["apply", "--detailed-exitcodes", "--confdir"])
            .arg(root.join("conf"))
            .arg("--vardir")
            .arg(root.join("var"))
            .arg("--modulepath")
            .arg(root.join("modules"))
            .args(extra)
            .arg(&manifest)
            .output()
            .unwrap()
            .into()
    };
    let first = run(&[]);
    assert_eq!(first.code, 2, "{}", first.text);
    assert!(first.text.contains("Notice: Compiled catalog for "), "{}", first.text);
    assert!(
        first.text.contains(&format!(
            "/Stage[main]/Motd/File[{}]/ensure: defined content as '{{sha256}}",
            target.display()
        )),
        "{}",
        first.text
    );
    assert!(first.text.contains("Notice: applied on Debian"), "{}", first.text);
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "welcome\n");
    let mode = std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&target).unwrap().permissions());
    assert_eq!(mode & 0o7777, 0o600);

    // A broken manifest names its place and changes nothing.
    std::fs::write(&manifest, "file { '/nowhere':\n  ensure => file,\n  mode => ,\n}\n").unwrap();
    let broken = run(&[]);
    assert_eq!(broken.code, 1, "{}", broken.text);
    assert!(
        broken.text.contains(&format!("(file: {}, line: 3, column: 11)", manifest.display())),
        "{}",
        broken.text
    );
    assert!(!std::path::Path::new("/nowhere").exists());
}

/// A catalog with a type Bunraku's agent has no provider for is refused whole: its file is not
/// written, the run fails (exit code 4 with `--detailed-exitcodes`), and the error names the type
/// and says the node needs a Puppet agent.
#[test]
fn apply_refuses_a_catalog_with_a_type_it_cannot_apply() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let target = root.join("written.txt");
    let resource = |t: &str, title: &str, kind: &str, params: serde_json::Value| {
        serde_json::json!({"type": t, "title": title, "tags": [t.to_lowercase()], "exported": false,
                           "kind": kind, "parameters": params})
    };
    let catalog = serde_json::json!({
        "tags": [], "name": "node.example.com", "version": 1700000000, "code_id": null,
        "catalog_uuid": "c0ffee", "catalog_format": 2, "environment": "production",
        "resources": [
            resource("Stage", "main", "compilable_type", serde_json::json!({})),
            resource("Class", "main", "unknown", serde_json::json!({})),
            resource("File", target.to_str().unwrap(), "compilable_type", serde_json::json!({"ensure": "file", "content": "x"})),
            resource("Mysql_user", "app@%", "compilable_type", serde_json::json!({"ensure": "present"})),
        ],
        "edges": [
            {"source": "Stage[main]", "target": "Class[main]"},
            {"source": "Class[main]", "target": format!("File[{}]", target.display())},
            {"source": "Class[main]", "target": "Mysql_user[app@%]"},
        ],
        "classes": ["main"],
    });
    let catalog_path = root.join("catalog.json");
    std::fs::write(&catalog_path, catalog.to_string()).unwrap();
    let ran: common::Ran = Command::new(common::BUNRAKU)
        .args(["apply", "--detailed-exitcodes", "--confdir"])
        .arg(root.join("conf"))
        .arg("--vardir")
        .arg(root.join("var"))
        .arg("--catalog")
        .arg(&catalog_path)
        .output()
        .unwrap()
        .into();
    assert_eq!(ran.code, 4, "{}", ran.text);
    assert!(!target.exists());
    assert!(
        ran.text.contains(
            "Error: Failed to apply catalog: Bunraku's agent has no provider for the resource type Mysql_user \
             (1 resource); nothing was applied. This node needs a Puppet agent"
        ),
        "{}",
        ran.text
    );
    assert!(!ran.text.contains("Applied catalog"), "{}", ran.text);
}

/// The issue: `kill -9` during an apply left up to 242 `.NAME.puppettmp_*` files that no later
/// run removed. An apply writing 400 files of 256 KB is killed once 20 temporary files exist
/// (its staged writes are fsynced and renamed together); the next apply removes every leftover
/// (and writes the files).
#[test]
fn temporary_files_of_a_killed_apply_are_removed_by_the_next() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let out = root.join("out");
    std::fs::create_dir_all(&out).unwrap();
    let manifest = root.join("site.pp");
    std::fs::write(
        &manifest,
        format!(
            "$body = sprintf('%262144s', 'x')\n400.each |$i| {{\n  file {{ \"{}/f${{i}}\": content => \"${{i}}${{body}}\" }}\n}}\n",
            out.display()
        ),
    )
    .unwrap();
    let apply = || {
        let mut cmd = Command::new(common::BUNRAKU);
        cmd.args(["apply", "--confdir"])
            .arg(root.join("conf"))
            .arg("--vardir")
            .arg(root.join("var"))
            .arg(&manifest)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        cmd
    };
    let leftovers = || {
        std::fs::read_dir(&out)
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().contains(".puppettmp_"))
            .count()
    };
    let mut killed_with = 0;
    for _attempt in 0..5 {
        let mut child = apply().spawn().unwrap();
        let started = std::time::Instant::now();
        while leftovers() < 20 && started.elapsed() < std::time::Duration::from_secs(60) {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        killed_with = leftovers();
        if killed_with > 0 {
            break;
        }
        for e in std::fs::read_dir(&out).unwrap().flatten() {
            std::fs::remove_file(e.path()).unwrap();
        }
    }
    eprintln!("temporary files left by the killed apply: {killed_with}");
    assert!(killed_with > 0, "the apply was never caught with temporary files");

    let status = apply().status().unwrap();
    assert!(status.success(), "{status}");
    assert_eq!(leftovers(), 0, "the next apply removes what the killed one left");
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 400);
}

/// `strict_variables` and `strict` in puppet.conf reach the compiler, as Puppet's do: the same
/// manifest applies by default and fails, naming the variable and its place, under each setting.
#[test]
fn strict_settings_from_puppet_conf_reach_the_compiler() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("site.pp");
    std::fs::write(&manifest, "$known = 1\nnotify { 'x': message => \"${nope}\" }\n").unwrap();
    let run = |conf: &str| -> common::Ran {
        let confdir = dir.path().join(format!("conf-{}", conf.len()));
        std::fs::create_dir_all(&confdir).unwrap();
        std::fs::write(confdir.join("puppet.conf"), conf).unwrap();
        Command::new(common::BUNRAKU)
            .args(["apply", "--noop", "--confdir"])
            .arg(&confdir)
            .arg("--vardir")
            .arg(dir.path().join("var"))
            .arg(&manifest)
            .output()
            .unwrap()
            .into()
    };
    let lenient = run("[main]\n");
    assert_eq!(lenient.code, 0, "{}", lenient.text);
    for conf in ["[main]\nstrict_variables = true\n", "[main]\nstrict = error\n"] {
        let strict = run(conf);
        assert_eq!(strict.code, 1, "{conf}: {}", strict.text);
        assert!(strict.text.contains("Unknown variable: 'nope'."), "{conf}: {}", strict.text);
        // Where Puppet 7.23 puts it too (`puppet apply --strict_variables` here).
        assert!(strict.text.contains("line: 2, column: 29"), "{conf}: {}", strict.text);
    }
    let bad = run("[main]\nstrict = sometimes\n");
    assert!(bad.text.contains("'sometimes' is not one of off, warning, error"), "{}", bad.text);
}
