//! The driver: runs `embedded` and `pool` (built beside it) as child processes, alternately and
//! on the same template files, for several rounds, and prints the medians as Markdown.
//!
//! cargo run --release -- [--rounds 9] [--iters 2000] [--no-failures] [--wait-quiet SECS]

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ruby_bridge_bench::*;

const IMPLS: [&str; 2] = ["embedded", "pool"];

/// The two throughput workloads: (name, compiles per thread, renders per compile, Rust work).
const RENDER_ONLY: (&str, usize, usize, u64) = ("renders", 200, 50, 0);
const COMPILE_ITERS: u64 = 2_000_000;
const MIXED: (&str, usize, usize, u64) = ("compiles", 200, 10, COMPILE_ITERS);
/// Between the two: Rust work about as long as the Ruby work.
const HALF: (&str, usize, usize, u64) = ("half", 200, 20, COMPILE_ITERS / 4);

#[derive(Default)]
struct Results {
    /// (impl, key) -> values, one per run.
    figures: BTreeMap<(String, String), Vec<f64>>,
    notes: BTreeMap<(String, String), Vec<String>>,
}

impl Results {
    fn take(&mut self, imp: &str, prefix: &str, out: &str) {
        for line in out.lines() {
            let mut parts = line.splitn(3, ' ');
            match (parts.next(), parts.next(), parts.next()) {
                (Some("RESULT"), Some(name), Some(v)) => {
                    if let Ok(v) = v.trim().parse::<f64>() {
                        self.figures.entry((imp.into(), format!("{prefix}{name}"))).or_default().push(v);
                    }
                }
                (Some("NOTE"), Some(name), Some(text)) => {
                    let e = self.notes.entry((imp.into(), format!("{prefix}{name}"))).or_default();
                    if !e.iter().any(|t| t == text) {
                        e.push(text.to_string());
                    }
                }
                _ => {}
            }
        }
    }

    fn med(&self, imp: &str, key: &str) -> Option<(f64, f64, f64, usize)> {
        let v = self.figures.get(&(imp.to_string(), key.to_string()))?;
        let mut v = v.clone();
        let min = v.iter().cloned().fold(f64::INFINITY, f64::min);
        let max = v.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        Some((median(&mut v), min, max, v.len()))
    }

    fn cell(&self, imp: &str, key: &str, digits: usize) -> String {
        match self.med(imp, key) {
            Some((m, lo, hi, n)) if n > 1 => format!("{m:.digits$} ({lo:.digits$}–{hi:.digits$})"),
            Some((m, _, _, _)) => format!("{m:.digits$}"),
            None => "–".into(),
        }
    }

    fn note(&self, imp: &str, key: &str) -> String {
        self.notes.get(&(imp.to_string(), key.to_string())).map(|v| v.join(" / ")).unwrap_or_else(|| "–".into())
    }
}

struct Run {
    stdout: String,
    stderr: String,
    status: String,
    killed_after: Option<Duration>,
    elapsed: Duration,
}

/// Runs `program args`, killing it after `deadline`.
fn run(program: &Path, args: &[String], deadline: Duration) -> Run {
    let started = Instant::now();
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{}: {e}", program.display()));
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out_t = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let err_t = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let mut killed_after = None;
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        if started.elapsed() > deadline {
            let _ = child.kill();
            killed_after = Some(started.elapsed());
            break child.wait().unwrap();
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let elapsed = started.elapsed();
    Run {
        stdout: out_t.join().unwrap(),
        stderr: err_t.join().unwrap(),
        status: status.to_string(),
        killed_after,
        elapsed,
    }
}

/// CPU time used by the whole machine (busy jiffies of /proc/stat, in seconds) and by this
/// process's finished children and their descendants (getrusage), to tell how much of the
/// machine other people's work took while we measured.
fn cpu_times() -> (f64, f64) {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let fields: Vec<f64> = stat
        .lines()
        .next()
        .unwrap_or("")
        .split_whitespace()
        .skip(1)
        .filter_map(|x| x.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal (guest time is already in user).
    let busy: f64 = [0usize, 1, 2, 5, 6, 7].iter().filter_map(|&i| fields.get(i)).sum();
    // SAFETY: sysconf and getrusage with valid arguments.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut ru) };
    let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    (busy / hz, tv(ru.ru_utime) + tv(ru.ru_stime))
}

/// Cores' worth of CPU that other processes used between two `cpu_times` readings.
fn others_cores(before: (f64, f64), after: (f64, f64), wall: Duration) -> f64 {
    ((after.0 - before.0) - (after.1 - before.1)).max(0.0) / wall.as_secs_f64()
}

/// Waits (at most `max`) until the machine has been nearly idle for two seconds: other
/// processes using less than a fifth of a core.
fn wait_for_quiet(max: Duration) {
    let start = Instant::now();
    loop {
        let (c0, t0) = (cpu_times(), Instant::now());
        std::thread::sleep(Duration::from_secs(2));
        let busy = others_cores(c0, cpu_times(), t0.elapsed());
        if busy < 0.2 {
            return;
        }
        if start.elapsed() > max {
            eprintln!("the machine did not become quiet ({busy:.2} cores busy); going on");
            return;
        }
    }
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn check(run: &Run, what: &str) {
    if !run.status.contains("exit status: 0") {
        eprintln!("{what} failed ({}):\n{}\n{}", run.status, run.stdout, run.stderr);
        std::process::exit(1);
    }
}

fn main() {
    let mut rounds = 9usize;
    let mut iters = 2000usize;
    let mut failures = true;
    let mut wait_quiet = 0u64;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--rounds" => rounds = args.next().unwrap().parse().unwrap(),
            "--iters" => iters = args.next().unwrap().parse().unwrap(),
            "--no-failures" => failures = false,
            "--wait-quiet" => wait_quiet = args.next().unwrap().parse().unwrap(),
            other => panic!("unknown argument {other}"),
        }
    }
    let bin_dir = std::env::current_exe().unwrap().parent().unwrap().to_path_buf();
    let bin = |name: &str| -> PathBuf { bin_dir.join(name) };
    for name in IMPLS {
        if !bin(name).is_file() {
            eprintln!("{} is missing: build all three programs first (cargo build --release)", bin(name).display());
            std::process::exit(2);
        }
    }
    let dir = std::env::temp_dir().join(format!("ruby-bridge-bench-{}", std::process::id()));
    write_templates(&dir).unwrap();
    let d = dir.display().to_string();

    let mut res = Results::default();
    let mut loads = Vec::new();
    let started = Instant::now();
    eprintln!("load before: {}", loadavg());
    let mut others = Vec::new();
    for round in 0..rounds {
        if wait_quiet > 0 {
            wait_for_quiet(Duration::from_secs(wait_quiet));
        }
        let before = loadavg();
        let (cpu0, t0) = (cpu_times(), Instant::now());
        // Alternate which side goes first, so a change of load hits both alike.
        let order: Vec<&str> = if round % 2 == 0 { IMPLS.to_vec() } else { IMPLS.iter().rev().cloned().collect() };
        for imp in &order {
            let r = run(&bin(imp), &["startup".into(), d.clone(), mono_ns().to_string()], Duration::from_secs(60));
            check(&r, &format!("{imp} startup"));
            res.take(imp, "", &r.stdout);
        }
        for imp in &order {
            let r = run(&bin(imp), &["calls".into(), d.clone(), iters.to_string()], Duration::from_secs(300));
            check(&r, &format!("{imp} calls"));
            res.take(imp, "", &r.stdout);
        }
        // The pool once more with the host thread and its worker on one core.
        let r = run(&bin("pool"), &["calls".into(), d.clone(), iters.to_string(), "--pin".into()], Duration::from_secs(300));
        check(&r, "pool calls --pin");
        res.take("pool", "pinned.", &r.stdout);
        for (wname, compiles, renders, work) in [RENDER_ONLY, HALF, MIXED] {
            for threads in [1usize, 2] {
                for imp in &order {
                    let r = run(
                        &bin(imp),
                        &[
                            "throughput".into(),
                            d.clone(),
                            threads.to_string(),
                            compiles.to_string(),
                            renders.to_string(),
                            work.to_string(),
                        ],
                        Duration::from_secs(300),
                    );
                    check(&r, &format!("{imp} throughput"));
                    res.take(imp, &format!("{wname}.t{threads}."), &r.stdout);
                }
            }
        }
        let after = loadavg();
        let o = others_cores(cpu0, cpu_times(), t0.elapsed());
        eprintln!(
            "round {} of {rounds} done ({:.0} s), load {before} -> {after}, other processes used {o:.2} cores",
            round + 1,
            started.elapsed().as_secs_f64()
        );
        loads.push((before, after));
        others.push(o);
    }

    let mut fail_rows: Vec<(String, String, String)> = Vec::new();
    if failures {
        let before = loadavg();
        let (cpu0, t0) = (cpu_times(), Instant::now());
        let r = run(&bin("pool"), &["failures".into(), d.clone()], Duration::from_secs(300));
        check(&r, "pool failures");
        res.take("pool", "", &r.stdout);
        for (name, _) in scenarios::ALL {
            let r = run(&bin("embedded"), &["failure".into(), d.clone(), name.to_string()], Duration::from_secs(20));
            res.take("embedded", "", &r.stdout);
            let embedded = if let Some(k) = r.killed_after {
                format!(
                    "still running when killed from outside after {:.1} s (limit {} s): only killing the process stops it",
                    k.as_secs_f64(),
                    scenarios::LIMIT_SECS
                )
            } else if !r.status.contains("exit status: 0") {
                let first = r.stderr.lines().find(|l| !l.trim().is_empty()).unwrap_or("").chars().take(100).collect::<String>();
                format!("the whole process died after {:.2} s ({}); stderr: `{first}`", r.elapsed.as_secs_f64(), r.status)
            } else {
                format!(
                    "{} after {:.2} s; {}",
                    res.note("embedded", &format!("fail.{name}.outcome")),
                    res.med("embedded", &format!("fail.{name}.stopped_after_s")).map(|m| m.0).unwrap_or(f64::NAN),
                    res.note("embedded", &format!("fail.{name}.after"))
                )
            };
            let pool = format!(
                "{} after {:.2} s; {} (next render {:.0} ms)",
                res.note("pool", &format!("fail.{name}.outcome")),
                res.med("pool", &format!("fail.{name}.stopped_after_s")).map(|m| m.0).unwrap_or(f64::NAN),
                res.note("pool", &format!("fail.{name}.after")),
                res.med("pool", &format!("fail.{name}.next_render_ms")).map(|m| m.0).unwrap_or(f64::NAN),
            );
            fail_rows.push((name.to_string(), embedded, pool));
        }
        loads.push((before, loadavg()));
        others.push(others_cores(cpu0, cpu_times(), t0.elapsed()));
    }
    let _ = std::fs::remove_dir_all(&dir);

    // ----- the report -----
    let work_ms = {
        let mut v: Vec<f64> = (0..5)
            .map(|_| {
                let t = Instant::now();
                compile_work(COMPILE_ITERS);
                millis(t.elapsed())
            })
            .collect();
        median(&mut v)
    };
    println!("# Ruby bridge benchmark: embedded CRuby (magnus) vs the worker pool (bunraku-ruby)\n");
    println!(
        "{rounds} rounds, {iters} calls per figure per round; figures are medians over the rounds (min–max in \
         parentheses). Total time {:.0} s.\n",
        started.elapsed().as_secs_f64()
    );
    let same = |k: &str| {
        let a = res.note("embedded", k);
        let b = res.note("pool", k);
        format!("{} ({a} / {b})", if a == b && !a.contains(" / ") { "identical" } else { "DIFFERENT" })
    };
    println!("Rendered output of both sides: plain {}, nested {}\n", same("output_plain"), same("output_nested"));

    println!("## Start-up: a fresh process's first render (ms)\n");
    println!("| step | embedded | pool |\n|---|---|---|");
    for (label, e, p) in [
        ("exec of the measuring program (embedded: includes linking libruby)", "start.exec_ms", "start.exec_ms"),
        ("Ruby ready (embedded: VM init + require erb/ripper/timeout; pool: worker spawned, shim loaded, session opened)", "start.ready_ms", "start.ready_ms"),
        ("  of which VM init (ruby_setup + process options)", "start.vm_init_ms", "-"),
        ("first render (template compiled and rendered)", "start.first_render_ms", "start.first_render_ms"),
        ("total, from spawn to first render", "start.total_ms", "start.total_ms"),
        ("resident memory of the measuring process (MiB)", "start.own_rss_mib", "start.own_rss_mib"),
        ("resident memory of one worker (MiB)", "-", "start.worker_rss_mib"),
    ] {
        println!("| {label} | {} | {} |", res.cell("embedded", e, 1), res.cell("pool", p, 1));
    }

    println!("\n## Per call, steady state (µs; median of the per-round p50, then of the per-round p99)\n");
    println!(
        "| call | embedded p50 | pool p50 | pool / embedded | pool p50, host and worker pinned to one core | embedded p99 | pool p99 |\n|---|---|---|---|---|---|---|"
    );
    for (label, key) in [
        ("ping (one string there and back)", "ping"),
        ("ERB render, variables passed with the call (the compiler's steady state)", "erb_known"),
        ("ERB render + `template_vars` callback per render", "erb_cb"),
        ("ERB render + callback + nested call (function → host → Ruby again)", "erb_nested"),
        ("ERB render + callback, under `Timeout.timeout` (Ruby 3.1: a new thread per call)", "erb_cb_timeout"),
        ("ERB render + callback, under a watchdog thread's deadline (a cheaper embedded time limit)", "erb_cb_watchdog"),
        ("a compile's session: worker taken from the pool, render (vars passed), given back", "session_erb"),
    ] {
        let p50 = |imp: &str| res.med(imp, &format!("calls.{key}.p50_us")).map(|m| m.0);
        let ratio = match (p50("embedded"), p50("pool")) {
            (Some(e), Some(p)) => format!("{:.1}×", p / e),
            _ => "–".into(),
        };
        println!(
            "| {label} | {} | {} | {ratio} | {} | {} | {} |",
            res.cell("embedded", &format!("calls.{key}.p50_us"), 1),
            res.cell("pool", &format!("calls.{key}.p50_us"), 1),
            res.cell("pool", &format!("pinned.calls.{key}.p50_us"), 1),
            res.cell("embedded", &format!("calls.{key}.p99_us"), 1),
            res.cell("pool", &format!("calls.{key}.p99_us"), 1),
        );
    }

    println!("\n## Throughput: compiles in parallel threads (per second, all threads together)\n");
    println!(
        "`renders`: each compile renders the template {} times (callback per render), no other work. \
         `half`: {:.2} ms of Rust work (embedded: with the GVL released), then {} renders. \
         `compiles`: {:.1} ms of Rust work, then {} renders. \
         Each thread runs {} compiles; pool: one session per compile.\n",
        RENDER_ONLY.2, work_ms / 4.0, HALF.2, work_ms, MIXED.2, MIXED.1
    );
    println!("| workload | threads | embedded | pool | embedded 2/1 | pool 2/1 |\n|---|---|---|---|---|---|");
    for (wname, _, _, _) in [RENDER_ONLY, HALF, MIXED] {
        let key = if wname == "renders" { "tp.renders_per_s" } else { "tp.compiles_per_s" };
        for threads in [1, 2] {
            let k = format!("{wname}.t{threads}.{key}");
            let scale = |imp: &str| match (
                res.med(imp, &format!("{wname}.t1.{key}")),
                res.med(imp, &format!("{wname}.t2.{key}")),
            ) {
                (Some(a), Some(b)) if threads == 2 => format!("{:.2}×", b.0 / a.0),
                _ => "".into(),
            };
            println!(
                "| {wname} ({}) | {threads} | {} | {} | {} | {} |",
                if key == "tp.renders_per_s" { "renders/s" } else { "compiles/s" },
                res.cell("embedded", &k, 0),
                res.cell("pool", &k, 0),
                scale("embedded"),
                scale("pool")
            );
        }
    }

    println!("\n## Per round (to see how the load moved the figures)\n");
    println!(
        "| round | others (cores) | erb_known p50 µs emb / pool / pool pinned | erb_cb p50 µs emb / pool | renders/s 1 thread emb / pool | renders/s 2 threads emb / pool | compiles/s 2 threads emb / pool |"
    );
    println!("|---|---|---|---|---|---|---|");
    for i in 0..rounds {
        let v = |imp: &str, key: &str| {
            res.figures.get(&(imp.to_string(), key.to_string())).and_then(|v| v.get(i)).copied().unwrap_or(f64::NAN)
        };
        let pair = |key: &str| format!("{:.0} / {:.0}", v("embedded", key), v("pool", key));
        println!(
            "| {} | {:.2} | {} | {} | {} | {} | {} |",
            i + 1,
            others.get(i).copied().unwrap_or(f64::NAN),
            format!("{} / {:.0}", pair("calls.erb_known.p50_us"), v("pool", "pinned.calls.erb_known.p50_us")),
            pair("calls.erb_cb.p50_us"),
            pair("renders.t1.tp.renders_per_s"),
            pair("renders.t2.tp.renders_per_s"),
            pair("compiles.t2.tp.compiles_per_s"),
        );
    }

    if !fail_rows.is_empty() {
        println!("\n## Failures (time limit {} s on both sides)\n", scenarios::LIMIT_SECS);
        println!("| scenario | embedded (Timeout.timeout; child process watched from outside) | pool |\n|---|---|---|");
        for (name, e, p) in &fail_rows {
            println!("| {name} | {} | {} |", e.replace('|', "\\|"), p.replace('|', "\\|"));
        }
        println!("\n{}", res.note("pool", "fail.master"));
    }

    println!(
        "\n## Machine load\n\nLoad average (1/5/15 min) before → after each round (it counts this benchmark too), and the \
         CPU other processes used meanwhile (machine busy time from /proc/stat less this benchmark's own, in cores of \
         the machine's {}):\n",
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0)
    );
    for (i, ((b, a), o)) in loads.iter().zip(&others).enumerate() {
        println!(
            "- {}: {b} → {a}; others {o:.2} cores",
            if i < rounds { format!("round {}", i + 1) } else { "failures".into() }
        );
    }
}
