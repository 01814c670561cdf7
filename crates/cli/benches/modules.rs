//! `cargo bench -p bunraku --bench modules`: every module case of `crates/lang/tests/modules/`
//! (real modules, their Hiera data, templates and Ruby functions) compiled by the `bunraku`
//! binary and by Puppet 7.23 (`/work/shared/tools/puppet-reference`, `puppet catalog compile`),
//! each as a whole process, one after the other in the same run: what a user waits for. For each
//! case it prints both times, the ratio, and how much of Bunraku's compile ran in Ruby (the
//! binary's `--timings`); then the totals and the slowest case's ratio.
//!
//! `BENCH_CASE=substring` limits the cases; `BENCH_RUNS=n` (default 5) sets how many times
//! Bunraku compiles each case (the median counts; Puppet runs once, it takes seconds).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

struct Ours {
    wall: f64,
    ruby: f64,
    compile: f64,
}

fn bunraku(dir: &Path, node: &str) -> Option<Ours> {
    let t = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_bunraku"))
        .args(["catalog", "compile", "--timings", "--environmentpath"])
        .arg(dir.join("environments"))
        .args(["--node", node, "--facts"])
        .arg(dir.join("facts.json"))
        .args(["--basemodulepath", "/usr/share/puppet/modules"])
        .output()
        .ok()?;
    let wall = t.elapsed().as_secs_f64();
    // "timings: compile 0.0483 s; ruby 0.0010 s in 8 calls, 1 worker(s) started"
    let stderr = String::from_utf8_lossy(&out.stderr);
    let line = stderr.lines().find(|l| l.starts_with("timings: "))?;
    let number =
        |after: &str| -> Option<f64> { line.split(after).nth(1)?.split_whitespace().next()?.parse().ok() };
    Some(Ours { wall, compile: number("compile ")?, ruby: number("ruby ")? })
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(|a, b| a.total_cmp(b));
    xs[xs.len() / 2]
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../lang/tests/modules");
    let only = std::env::var("BENCH_CASE").ok();
    let runs: usize = std::env::var("BENCH_RUNS").ok().and_then(|r| r.parse().ok()).unwrap_or(5).max(1);
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("node.txt").is_file())
        .filter(|p| only.as_ref().is_none_or(|o| p.to_string_lossy().contains(o.as_str())))
        .collect();
    dirs.sort();
    println!("load before: {}", std::fs::read_to_string("/proc/loadavg").unwrap_or_default().trim());
    let (mut sum_ours, mut sum_theirs, mut sum_ruby) = (0.0, 0.0, 0.0);
    let mut slowest: Option<(String, f64)> = None;
    for dir in &dirs {
        let name = dir.file_name().unwrap_or_default().to_string_lossy().to_string();
        let Ok(node) = std::fs::read_to_string(dir.join("node.txt")) else { continue };
        let node = node.trim().to_string();
        let samples: Vec<Ours> = (0..runs).filter_map(|_| bunraku(dir, &node)).collect();
        if samples.is_empty() {
            println!("module {name}: bunraku did not run");
            continue;
        }
        let wall = median(samples.iter().map(|s| s.wall).collect());
        let ruby = median(samples.iter().map(|s| s.ruby).collect());
        let compile = median(samples.iter().map(|s| s.compile).collect());
        let t = Instant::now();
        let out = Command::new("/work/shared/tools/puppet-reference")
            .arg("--environmentpath")
            .arg(dir.join("environments"))
            .args(["--node", &node, "--facts"])
            .arg(dir.join("facts.json"))
            .output();
        let theirs = t.elapsed().as_secs_f64();
        if out.is_err() {
            println!("module {name}: bunraku {wall:.4} s (puppet-reference not runnable)");
            continue;
        }
        let ratio = theirs / wall;
        sum_ours += wall;
        sum_theirs += theirs;
        sum_ruby += ruby;
        if slowest.as_ref().is_none_or(|(_, r)| ratio < *r) {
            slowest = Some((name.clone(), ratio));
        }
        println!(
            "module {name}: bunraku {wall:.4} s (compile {compile:.4} s, Ruby {ruby:.4} s = {:.0}% of the process), puppet {theirs:.3} s; ratio {ratio:.0}x",
            100.0 * ruby / wall
        );
    }
    if sum_ours > 0.0 {
        println!(
            "modules ({} cases, whole processes): bunraku {sum_ours:.3} s (Ruby {sum_ruby:.3} s, {:.0}%), puppet {sum_theirs:.3} s; ratio {:.0}x",
            dirs.len(),
            100.0 * sum_ruby / sum_ours,
            sum_theirs / sum_ours
        );
    }
    if let Some((name, ratio)) = slowest {
        println!("slowest case against Puppet: {name}, {ratio:.0}x");
    }
    println!("load after: {}", std::fs::read_to_string("/proc/loadavg").unwrap_or_default().trim());
}
