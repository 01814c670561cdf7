//! A long iteration keeps memory bounded (issue 12). Its own test binary: it reads the process's
//! peak memory, which other tests running beside it would raise.

use bunraku_lang::{CompileRequest, Environment};

/// Peak resident memory of this process so far, in KiB (`VmHWM`).
fn peak_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).expect("VmHWM");
    line.split_whitespace().nth(1).and_then(|n| n.parse().ok()).expect("a number")
}

#[test]
fn a_long_iteration_keeps_memory_bounded() {
    // `reduce` over a million elements: every lambda call's scope is freed when it returns. Before,
    // a million scopes were kept (0.9 GB); Puppet stays near 85 MB. The bound stated here, 150 MiB
    // of growth for the whole test process, holds with room (about 10 MiB is used); the
    // sequence is produced lazily too (it is never built as an array).
    let before = peak_kib();
    let site =
        "$s = Integer[1, 1000000].reduce |$m, $v| { $m + $v }\nnotify { 'x': message => String($s) }\n";
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("environments/production/manifests")).expect("mkdir");
    std::fs::write(dir.path().join("environments/production/manifests/site.pp"), site).expect("site.pp");
    let env = Environment::open(&dir.path().join("environments"), "production", &[]).expect("environment");
    let catalog =
        env.compile(&CompileRequest { certname: "n1".into(), ..Default::default() }).expect("reduce");
    let notify = catalog.resources.iter().find(|r| r.type_name == "Notify").expect("a notify");
    assert_eq!(notify.parameters.get("message"), Some(&serde_json::json!("500000500000")));
    let grown = peak_kib().saturating_sub(before);
    assert!(grown < 150 * 1024, "peak memory grew by {grown} KiB");
}
