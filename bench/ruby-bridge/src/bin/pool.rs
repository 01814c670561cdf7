//! The worker pool side: bunraku-ruby's `Bridge`, through its public API only, driven as
//! `bunraku-lang` drives it (`erb` op, `template_vars` and `call_function` callbacks).
//!
//! `pool startup DIR SPAWN_NS` | `pool calls DIR ITERS [--pin]` |
//! `pool throughput DIR THREADS COMPILES RENDERS WORK` | `pool failures DIR`

use std::path::{Path, PathBuf};
use std::sync::Barrier;
use std::time::{Duration, Instant};

use bunraku_ruby::{Bridge, Config, Host, RubyError, Session, Value};
use ruby_bridge_bench::*;

fn context() -> Value {
    Value::Hash(vec![
        (Value::Str("environment".into()), Value::Str("production".into())),
        (Value::Str("modulepath".into()), Value::Array(vec![])),
    ])
}

/// The compiler's side of the callbacks the template makes.
struct BenchHost;

impl Host for BenchHost {
    fn callback(&mut self, session: &Session<'_>, name: &str, args: Vec<Value>) -> Result<Value, RubyError> {
        match name {
            "template_vars" => {
                let names: Option<Vec<String>> = match args.get(1) {
                    Some(Value::Array(a)) => Some(
                        a.iter()
                            .filter_map(|x| match x {
                                Value::Str(s) => Some(s.clone()),
                                _ => None,
                            })
                            .collect(),
                    ),
                    _ => None,
                };
                Ok(vars_hash(names.as_deref()))
            }
            "call_function" => {
                // The function is answered by calling Ruby again while the template waits.
                let fargs = match args.get(2) {
                    Some(Value::Array(a)) => a.clone(),
                    _ => Vec::new(),
                };
                match session.call("ping", fargs, self)? {
                    Value::Array(mut a) if !a.is_empty() => Ok(a.remove(0)),
                    other => Err(RubyError::raised("Puppet::Error", format!("unexpected {other:?}"))),
                }
            }
            other => Err(RubyError::raised("Puppet::DevError", format!("'{other}' is not available here"))),
        }
    }
}

fn vars_hash(names: Option<&[String]>) -> Value {
    Value::Hash(lookup_vars(names).into_iter().map(|(k, v)| (Value::Str(k), v)).collect())
}

/// One `erb` call as the compiler makes it: with the variables (`known`) or letting the
/// template ask for them through the `template_vars` callback.
fn erb(session: &Session<'_>, file: &Path, known: bool) -> Result<String, RubyError> {
    let vars = if known { vars_hash(Some(&template_names())) } else { Value::Hash(vec![]) };
    let r = session.call(
        "erb",
        vec![Value::Str(file.display().to_string()), Value::Undef, Value::Int(0), vars, Value::Bool(known)],
        &mut BenchHost,
    )?;
    match r {
        Value::Str(s) => Ok(s),
        other => Err(RubyError::raised("TypeError", format!("a template gave {other:?}"))),
    }
}

fn config(call_timeout: Duration) -> Config {
    Config { call_timeout, ..Config::default() }
}

/// Keeps this process, and so the workers it starts, on the first CPU: the host and its worker
/// then hand over on one core instead of waking each other across cores.
fn pin_to_first_cpu() {
    // SAFETY: a zeroed cpu_set_t with one CPU set, for this process.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(0, &mut set);
        if libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set) != 0 {
            panic!("sched_setaffinity: {}", std::io::Error::last_os_error());
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--pin") {
        pin_to_first_cpu();
    }
    let dir = PathBuf::from(&args[1]);
    let (plain, nested) = template_paths(&dir);
    match args[0].as_str() {
        "startup" => startup(&plain, args[2].parse().unwrap()),
        "calls" => calls(&plain, &nested, args[2].parse().unwrap()),
        "throughput" => throughput(
            &plain,
            args[2].parse().unwrap(),
            args[3].parse().unwrap(),
            args[4].parse().unwrap(),
            args[5].parse().unwrap(),
        ),
        "failures" => failures(&plain),
        other => panic!("unknown mode {other}"),
    }
}

fn startup(plain: &Path, spawn_ns: u64) {
    let t_main = mono_ns();
    let bridge = Bridge::new(config(Duration::from_secs(30)));
    let session = bridge.session(context());
    // The first call starts a worker, which loads the shim, and opens the session.
    session.call("ping", vec![], &mut BenchHost).unwrap();
    let t_ready = mono_ns();
    let out = erb(&session, plain, false).unwrap();
    let t_first = mono_ns();
    report("start.exec_ms", (t_main - spawn_ns) as f64 / 1e6);
    report("start.ready_ms", (t_ready - t_main) as f64 / 1e6);
    report("start.first_render_ms", (t_first - t_ready) as f64 / 1e6);
    report("start.total_ms", (t_first - spawn_ns) as f64 / 1e6);
    let workers: u64 = child_pids().iter().filter_map(|p| rss_kib(*p)).sum();
    report("start.worker_rss_mib", workers as f64 / 1024.0);
    report("start.own_rss_mib", rss_kib(std::process::id()).unwrap_or(0) as f64 / 1024.0);
    note("output_plain", &fingerprint(&out));
}

fn sample(iters: usize, mut f: impl FnMut()) -> (f64, f64, f64) {
    let mut v = Vec::with_capacity(iters);
    let all = Instant::now();
    for _ in 0..iters {
        let t = Instant::now();
        f();
        v.push(micros(t.elapsed()));
    }
    let mean = micros(all.elapsed()) / iters as f64;
    (median(&mut v), percentile(&mut v, 0.99), mean)
}

fn calls(plain: &Path, nested: &Path, iters: usize) {
    let bridge = Bridge::new(config(Duration::from_secs(30)));
    let session = bridge.session(context());
    let x = vec![Value::Str("x".into())];
    // Warm up: the worker started, the templates compiled in it.
    for _ in 0..200 {
        session.call("ping", x.clone(), &mut BenchHost).unwrap();
        erb(&session, plain, false).unwrap();
        erb(&session, nested, false).unwrap();
    }
    note("output_plain", &fingerprint(&erb(&session, plain, false).unwrap()));
    note("output_nested", &fingerprint(&erb(&session, nested, false).unwrap()));
    let put = |name: &str, (p50, p99, mean): (f64, f64, f64)| {
        report(&format!("calls.{name}.p50_us"), p50);
        report(&format!("calls.{name}.p99_us"), p99);
        report(&format!("calls.{name}.mean_us"), mean);
    };
    put("ping", sample(iters, || drop(session.call("ping", x.clone(), &mut BenchHost).unwrap())));
    put("erb_cb", sample(iters, || drop(erb(&session, plain, false).unwrap())));
    put("erb_known", sample(iters, || drop(erb(&session, plain, true).unwrap())));
    put("erb_nested", sample(iters, || drop(erb(&session, nested, false).unwrap())));
    // A compile's session: take a worker from the pool, render, give it back.
    drop(session);
    put(
        "session_erb",
        sample(iters, || {
            let s = bridge.session(context());
            drop(erb(&s, plain, true).unwrap());
        }),
    );
    report("calls.workers_started", bridge.stats().workers_started as f64);
}

fn throughput(plain: &Path, threads: usize, compiles: usize, renders: usize, work: u64) {
    let bridge = Bridge::new(config(Duration::from_secs(60)));
    // As many workers as threads, each with the template compiled.
    {
        let sessions: Vec<_> = (0..threads).map(|_| bridge.session(context())).collect();
        for s in &sessions {
            for _ in 0..20 {
                erb(s, plain, false).unwrap();
            }
        }
    }
    let barrier = Barrier::new(threads);
    let spans: Vec<(Instant, Instant)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let bridge = &bridge;
                let barrier = &barrier;
                scope.spawn(move || {
                    barrier.wait();
                    let start = Instant::now();
                    for _ in 0..compiles {
                        // One compile: its own session, Rust work, then its templates.
                        let session = bridge.session(context());
                        compile_work(work);
                        for _ in 0..renders {
                            erb(&session, plain, false).unwrap();
                        }
                    }
                    (start, Instant::now())
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let start = spans.iter().map(|s| s.0).min().unwrap();
    let end = spans.iter().map(|s| s.1).max().unwrap();
    let wall = end - start;
    let total_compiles = (threads * compiles) as f64;
    report("tp.wall_ms", millis(wall));
    report("tp.compiles_per_s", total_compiles / wall.as_secs_f64());
    report("tp.renders_per_s", total_compiles * renders as f64 / wall.as_secs_f64());
    report("tp.workers_started", bridge.stats().workers_started as f64);
}

fn describe(e: &RubyError) -> String {
    let kind = match e {
        RubyError::TimedOut { .. } => "TimedOut",
        RubyError::Died(_) => "Died",
        RubyError::Raised { .. } => "Raised",
        _ => "other",
    };
    // A dead worker's message ends with its last stderr lines (Ruby's crash report): left out.
    let full = e.to_string();
    let short = full.split("; its last output").next().unwrap_or("");
    let text: String = short.chars().take(160).collect();
    format!("{kind}: {text}")
}

fn failures(plain: &Path) {
    let limit = Duration::from_secs(scenarios::LIMIT_SECS);
    let bridge = Bridge::new(config(limit));
    {
        let s = bridge.session(context());
        erb(&s, plain, false).unwrap();
    }
    for (name, code) in scenarios::ALL {
        let session = bridge.session(context());
        // The worker is up before the clock starts.
        session.call("ping", vec![], &mut BenchHost).unwrap();
        let t = Instant::now();
        let r = session.call("eval_for_test", vec![Value::Str(code.to_string())], &mut BenchHost);
        let took = t.elapsed();
        report(&format!("fail.{name}.stopped_after_s"), took.as_secs_f64());
        note(
            &format!("fail.{name}.outcome"),
            &match &r {
                Ok(v) => format!("finished: {:?}", v).chars().take(120).collect(),
                Err(e) => describe(e),
            },
        );
        drop(session);
        // The master goes on: the next compile gets a worker (a new one when this one was lost).
        let before = bridge.stats().workers_started;
        let t = Instant::now();
        let s = bridge.session(context());
        let ok = erb(&s, plain, false).is_ok();
        report(&format!("fail.{name}.next_render_ms"), millis(t.elapsed()));
        note(
            &format!("fail.{name}.after"),
            &format!(
                "next compile {}; {} new worker(s) started",
                if ok { "rendered" } else { "FAILED" },
                bridge.stats().workers_started - before
            ),
        );
    }
    note("fail.master", "the process running the pool survived every scenario");
}
