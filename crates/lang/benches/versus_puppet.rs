//! `cargo bench -p bunraku-lang --bench versus_puppet`: parse throughput over the Debian module
//! corpus and the compile time of a 1,000-resource manifest, each beside Puppet 7.23 on the same
//! input in the same run (`puppet parser validate`, `puppet catalog compile` as in
//! /work/shared/baseline/bench_compile.sh), printing the ratio. Puppet's figures include its Ruby
//! start-up, as a user experiences them. The module cases (real modules, with their Ruby) are
//! measured as whole processes by `cargo bench -p bunraku --bench modules`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

fn pp_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            pp_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "pp") {
            out.push(p);
        }
    }
}

fn main() {
    let root = Path::new("/usr/share/puppet/modules.available");
    let mut files = Vec::new();
    pp_files(root, &mut files);
    files.sort();
    let bytes: usize = files.iter().filter_map(|f| std::fs::metadata(f).ok()).map(|m| m.len() as usize).sum();
    let runs = 5;
    let t = Instant::now();
    for _ in 0..runs {
        for f in &files {
            let _ = bunraku_lang::validate_file(f);
        }
    }
    let ours = t.elapsed().as_secs_f64() / runs as f64;
    println!(
        "parse: {} files, {:.1} MB: bunraku {:.3} s ({:.1} MB/s)",
        files.len(),
        bytes as f64 / 1e6,
        ours,
        bytes as f64 / 1e6 / ours
    );
    let t = Instant::now();
    let status = Command::new("puppet").arg("parser").arg("validate").args(&files).output();
    let theirs = t.elapsed().as_secs_f64();
    if status.is_ok() {
        println!("parse: puppet parser validate {theirs:.3} s; ratio {:.0}x", theirs / ours);
    }

    // 1,000 resources with defaults, a define and relationships.
    let dir = tempfile::tempdir().expect("tempdir");
    let env = dir.path().join("environments/production/manifests");
    std::fs::create_dir_all(&env).expect("mkdir");
    let mut site = String::from("define svc($port) { notify { \"svc-${title}\": message => \"${port}\" } }\nFile { mode => '0644' }\n");
    for i in 0..500 {
        site.push_str(&format!(
            "file {{ '/tmp/f{i}': ensure => file, content => \"n ${{facts['hostname']}} {i}\" }}\n"
        ));
        site.push_str(&format!("svc {{ 's{i}': port => {i}, require => File['/tmp/f{i}'] }}\n"));
    }
    std::fs::write(env.join("site.pp"), &site).expect("write");
    let facts = dir.path().join("facts.json");
    std::fs::write(
        &facts,
        r#"{"hostname":"bench","fqdn":"bench.example.com","clientcert":"bench.example.com"}"#,
    )
    .expect("facts");
    let environment =
        bunraku_lang::Environment::open(&dir.path().join("environments"), "production", &[]).expect("env");
    let req = bunraku_lang::CompileRequest { certname: "bench.example.com".into(), ..Default::default() };
    let t = Instant::now();
    for _ in 0..runs {
        environment.compile(&req).expect("compile");
    }
    let ours = t.elapsed().as_secs_f64() / runs as f64;
    println!("compile 1,000 resources: bunraku {:.4} s", ours);
    let t = Instant::now();
    let out = Command::new("/work/shared/tools/puppet-reference")
        .args(["--environmentpath"])
        .arg(dir.path().join("environments"))
        .args(["--node", "bench.example.com", "--facts"])
        .arg(&facts)
        .output();
    let theirs = t.elapsed().as_secs_f64();
    if out.is_ok_and(|o| o.status.success()) {
        println!(
            "compile 1,000 resources: puppet catalog compile {theirs:.3} s; ratio {:.0}x",
            theirs / ours
        );
    }
}
