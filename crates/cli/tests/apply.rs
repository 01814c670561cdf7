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
