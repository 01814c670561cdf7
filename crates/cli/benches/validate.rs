//! `cargo bench -p bunraku --bench validate`: `bunraku parser validate` and `puppet parser validate`
//! (Puppet 7.23) over every `.pp` file of Debian's `puppet-module-*` corpus, each one whole process
//! given all the files, one after the other in the same run: what a user or a CI hook waits for.
//! Prints both times, the ratio, and checks that both gave the same verdict (exit status).
//!
//! `BENCH_RUNS=n` (default 5) sets how many times each side runs; the median counts.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

fn pp_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        // Symbolic links are not followed: a module's spec fixtures link back to its own manifests,
        // and one run given both copies stops at the first redefined entity, as Puppet's does.
        let Ok(kind) = entry.file_type() else { continue };
        let path = entry.path();
        if kind.is_dir() {
            pp_files(&path, out);
        } else if kind.is_file() && path.extension().is_some_and(|e| e == "pp") {
            out.push(path);
        }
    }
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(|a, b| a.total_cmp(b));
    xs[xs.len() / 2]
}

/// Runs `program … parser validate FILES` `runs` times; the median wall time and the exit status.
fn time(program: &str, files: &[PathBuf], runs: usize) -> (f64, Option<i32>) {
    let mut times = Vec::new();
    let mut status = None;
    for _ in 0..runs {
        let t = Instant::now();
        let out = Command::new(program).args(["parser", "validate"]).args(files).output().expect(program);
        times.push(t.elapsed().as_secs_f64());
        status = out.status.code();
    }
    (median(times), status)
}

fn main() {
    let runs: usize = std::env::var("BENCH_RUNS").ok().and_then(|r| r.parse().ok()).unwrap_or(5).max(1);
    let mut files = Vec::new();
    pp_files(Path::new("/usr/share/puppet/modules.available"), &mut files);
    files.sort();
    assert!(files.len() > 1_000, "the module corpus is missing (.ci/run installs puppet-module-*)");
    let bytes: u64 = files.iter().filter_map(|f| std::fs::metadata(f).ok()).map(|m| m.len()).sum();
    println!("corpus: {} files, {:.1} MB; {} cores", files.len(), bytes as f64 / 1e6, num_cores());
    println!("load before: {}", std::fs::read_to_string("/proc/loadavg").unwrap_or_default().trim());
    let (ours, our_status) = time(env!("CARGO_BIN_EXE_bunraku"), &files, runs);
    let (theirs, their_status) = time("puppet", &files, runs);
    println!("load after: {}", std::fs::read_to_string("/proc/loadavg").unwrap_or_default().trim());
    println!("bunraku parser validate: {ours:.3} s (median of {runs}), exit {our_status:?}");
    println!("puppet parser validate:  {theirs:.3} s (median of {runs}), exit {their_status:?}");
    println!("ratio: {:.0}×", theirs / ours);
    assert_eq!(our_status, their_status, "the verdicts differ");
}

fn num_cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
