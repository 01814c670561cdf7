//! The manifest's own log lines (`notice()`, `warning()`, …) print as Puppet 7 prints them:
//! `Notice: Scope(Class[main]): text`, at Puppet's levels, naming the scope they ran in. The
//! expected lines are what `puppet apply` printed for the same manifest on this machine.

mod common;

use std::process::Command;

const SITE: &str = r#"class foo::bar { notice('in class') }
define my::def() { notice("in define ${title}") }
node default { notice('in node') }
notice('hello')
warning('careful')
info('only with --verbose')
debug('only with --debug')
include foo::bar
my::def { 't1': }
"#;

fn write_site(dir: &std::path::Path) -> std::path::PathBuf {
    let site = dir.join("site.pp");
    std::fs::write(&site, SITE).unwrap();
    site
}

#[test]
fn apply_prints_log_functions_with_their_scope_and_level() {
    let dir = tempfile::tempdir().unwrap();
    let site = write_site(dir.path());
    let run = |extra: &[&str]| -> std::process::Output {
        Command::new(common::BUNRAKU)
            .args(["apply", "--noop", "--confdir"])
            .arg(dir.path().join("conf"))
            .arg("--vardir")
            .arg(dir.path().join("var"))
            .args(extra)
            .arg(&site)
            .output()
            .unwrap()
    };
    let out = run(&[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    for line in [
        "Notice: Scope(Class[main]): hello",
        "Notice: Scope(Node[default]): in node",
        "Notice: Scope(Class[Foo::Bar]): in class",
        "Notice: Scope(My::Def[t1]): in define t1",
    ] {
        assert!(stdout.lines().any(|l| l == line), "{line:?} not in stdout:\n{stdout}\n{stderr}");
    }
    assert!(stderr.lines().any(|l| l == "Warning: Scope(Class[main]): careful"), "{stderr}");
    assert!(!stdout.contains("only with"), "info and debug are hidden by default:\n{stdout}");

    let verbose = run(&["--verbose"]);
    let stdout = String::from_utf8_lossy(&verbose.stdout);
    assert!(!stdout.contains("only with --debug"), "{stdout}");
    // In Puppet's order: main's statements, then the node, then the define's body.
    let scoped: Vec<&str> =
        stdout.lines().filter(|l| l.contains(": Scope(") && !l.starts_with("Warning")).collect();
    assert_eq!(
        scoped,
        [
            "Notice: Scope(Class[main]): hello",
            "Info: Scope(Class[main]): only with --verbose",
            "Notice: Scope(Class[Foo::Bar]): in class",
            "Notice: Scope(Node[default]): in node",
            "Notice: Scope(My::Def[t1]): in define t1",
        ],
        "{stdout}"
    );
}

#[test]
fn catalog_compile_keeps_stdout_for_the_catalog() {
    let dir = tempfile::tempdir().unwrap();
    let manifests = dir.path().join("environments/production/manifests");
    std::fs::create_dir_all(&manifests).unwrap();
    std::fs::write(manifests.join("site.pp"), SITE).unwrap();
    let facts = dir.path().join("facts.json");
    std::fs::write(&facts, r#"{"networking": {"fqdn": "n1.example.com"}}"#).unwrap();
    let out = Command::new(common::BUNRAKU)
        .args(["catalog", "compile", "--node", "n1.example.com", "--environmentpath"])
        .arg(dir.path().join("environments"))
        .arg("--facts")
        .arg(&facts)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let catalog: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("stdout is the catalog alone");
    assert_eq!(catalog["name"], "n1.example.com");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.lines().any(|l| l == "Notice: Scope(Class[main]): hello"), "{stderr}");
}

/// Under systemd (stderr is the stream `JOURNAL_STREAM` names) each line carries its syslog
/// priority for journald; with the variable inherited but the output elsewhere, it does not.
#[test]
fn journal_lines_carry_their_syslog_priority() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().unwrap();
    let site = write_site(dir.path());
    let run = |journal_is_the_file: bool| -> String {
        let out_path = dir.path().join("journal.txt");
        let out = std::fs::File::create(&out_path).unwrap();
        let meta = out.metadata().unwrap();
        let stream = if journal_is_the_file {
            format!("{}:{}", meta.dev(), meta.ino())
        } else {
            format!("{}:{}", meta.dev(), meta.ino() + 1)
        };
        let status = Command::new(common::BUNRAKU)
            .args(["apply", "--noop", "--confdir"])
            .arg(dir.path().join("conf"))
            .arg("--vardir")
            .arg(dir.path().join("var"))
            .arg(&site)
            .env("JOURNAL_STREAM", stream)
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .status()
            .unwrap();
        assert!(status.success());
        std::fs::read_to_string(out_path).unwrap()
    };
    let text = run(true);
    assert!(text.contains("<5>Notice: Scope(Class[main]): hello\n"), "{text}");
    assert!(text.contains("<4>Warning: Scope(Class[main]): careful\n"), "{text}");
    let text = run(false);
    assert!(
        text.contains("\nNotice: Scope(Class[main]): hello\n")
            || text.starts_with("Notice: Scope(Class[main]): hello\n"),
        "{text}"
    );
    assert!(!text.contains("<5>"), "{text}");
}

/// `--logdest FILE` appends Puppet's file lines: time, source, level, message.
#[test]
fn logdest_file_writes_puppets_file_lines() {
    let dir = tempfile::tempdir().unwrap();
    let site = write_site(dir.path());
    let log = dir.path().join("bunraku.log");
    let out = Command::new(common::BUNRAKU)
        .args(["apply", "--noop", "--confdir"])
        .arg(dir.path().join("conf"))
        .arg("--vardir")
        .arg(dir.path().join("var"))
        .arg("--logdest")
        .arg(&log)
        .arg(&site)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(!String::from_utf8_lossy(&out.stdout).contains("hello"), "the console gets nothing");
    let text = std::fs::read_to_string(&log).unwrap();
    let line = text
        .lines()
        .find(|l| l.ends_with("Scope(Class[main]) (notice): hello"))
        .unwrap_or_else(|| panic!("{text}"));
    // `2026-12-07 17:00:00 +0000 Scope(Class[main]) (notice): hello`
    let time = &line[..25];
    assert!(chrono::DateTime::parse_from_str(time, "%Y-%m-%d %H:%M:%S %z").is_ok(), "{line}");
    assert!(text.contains("Scope(Class[main]) (warning): careful"), "{text}");
}
