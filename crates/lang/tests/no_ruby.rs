//! A manifest that uses no module Ruby starts no Ruby worker (its own test binary: the worker
//! pool is per process).

use std::path::Path;

#[test]
fn manifests_without_ruby_start_no_interpreter() {
    let dir = tempfile::tempdir().expect("tempdir");
    let manifests = dir.path().join("environments/production/manifests");
    std::fs::create_dir_all(&manifests).expect("mkdir");
    std::fs::write(
        manifests.join("site.pp"),
        "class web($port = 80) { file { '/tmp/web.conf': content => \"port ${port}\\n\" } }\n\
         include web\nnotify { 'hello': message => upcase('x') }\nexec { '/bin/true': }\n",
    )
    .expect("site.pp");
    // Debian's modules are on the modulepath, as on a master; none is used.
    let env = bunraku_lang::Environment::open(
        &dir.path().join("environments"),
        "production",
        &[Path::new("/usr/share/puppet/modules").to_path_buf()],
    )
    .expect("environment");
    let request = bunraku_lang::CompileRequest { certname: "n1".into(), ..Default::default() };
    let catalog = env.compile(&request).expect("compile");
    assert!(catalog.resources.iter().any(|r| r.type_name == "Notify"));
    let stats = bunraku_ruby::Bridge::global().stats();
    assert_eq!((stats.workers_started, stats.calls), (0, 0), "Ruby was started: {stats:?}");
}
