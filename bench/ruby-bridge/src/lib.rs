//! What the two sides of the benchmark share: the template and its variables, the Rust work that
//! stands for the rest of a compile, the clock, and the line format the children report in.
//!
//! The driver (`src/main.rs`) starts the two measured programs as child processes, alternately:
//! `embedded` (CRuby inside the process, through magnus) and `pool` (bunraku-ruby's worker pool).
//! Neither program links the other's Ruby: `pool` never loads libruby.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

pub use bunraku_ruby::Value;

/// A module template of 55 lines reading 15 variables.
pub const TEMPLATE: &str = include_str!("../templates/haproxy.cfg.erb");

/// The line the nested variant adds: a Puppet function called from the template, which the host
/// answers by calling Ruby again (a 3.x function calling back into the compiler does the same).
pub const NESTED_LINE: &str = "# rotated: <%= scope.call_function('nested', [@hostname]) %>\n";

/// Writes the two templates into `dir`: (plain, nested).
pub fn write_templates(dir: &Path) -> std::io::Result<(PathBuf, PathBuf)> {
    std::fs::create_dir_all(dir)?;
    let plain = dir.join("haproxy.cfg.erb");
    let nested = dir.join("haproxy_nested.cfg.erb");
    std::fs::write(&plain, TEMPLATE)?;
    std::fs::write(&nested, format!("{NESTED_LINE}{TEMPLATE}"))?;
    Ok((plain, nested))
}

/// The template paths inside `dir` (written by the driver).
pub fn template_paths(dir: &Path) -> (PathBuf, PathBuf) {
    (dir.join("haproxy.cfg.erb"), dir.join("haproxy_nested.cfg.erb"))
}

fn s(x: &str) -> Value {
    Value::Str(x.to_string())
}

fn h(pairs: &[(&str, Value)]) -> Value {
    Value::Hash(pairs.iter().map(|(k, v)| (s(k), v.clone())).collect())
}

/// The scope's variables, as the compiler holds them.
pub fn variables() -> &'static [(String, Value)] {
    static VARS: OnceLock<Vec<(String, Value)>> = OnceLock::new();
    VARS.get_or_init(|| {
        let upstream = |name: &str, host: &str, port: Option<i64>, weight: Option<i64>, disabled: bool| {
            let mut v = vec![("name", s(name)), ("host", s(host))];
            if let Some(p) = port {
                v.push(("port", Value::Int(p)));
            }
            if let Some(w) = weight {
                v.push(("weight", Value::Int(w)));
            }
            if disabled {
                v.push(("disabled", Value::Bool(true)));
            }
            h(&v)
        };
        vec![
            ("fqdn".into(), s("web01.example.com")),
            ("hostname".into(), s("web01")),
            ("ipaddress".into(), s("192.0.2.10")),
            ("port".into(), Value::Int(8080)),
            ("workers".into(), Value::Int(4)),
            ("servers".into(), Value::Array((1..=6).map(|i| s(&format!("10.0.0.{i}"))).collect())),
            ("enable_ssl".into(), Value::Bool(true)),
            ("ssl_cert".into(), s("/etc/ssl/certs/web01.example.com.pem")),
            ("ssl_key".into(), s("/etc/ssl/private/web01.example.com.key")),
            ("log_level".into(), s("INFO")),
            (
                "options".into(),
                h(&[
                    ("httplog", s("")),
                    ("forwardfor", s("except 127.0.0.0/8")),
                    ("redispatch", s("")),
                    ("http-server-close", s("")),
                ]),
            ),
            (
                "upstreams".into(),
                Value::Array(vec![
                    upstream("app1", "app1.example.com", Some(9000), Some(3), false),
                    upstream("app2", "app2.example.com", None, None, false),
                    upstream("app3", "app3.example.com", Some(9001), None, true),
                    upstream("app4", "app4.example.com", None, Some(2), false),
                ]),
            ),
            ("timeout".into(), Value::Int(5)),
            ("admin_email".into(), s("ops@example.com")),
            (
                "extra_lines".into(),
                Value::Array(vec![s("  # tuned by hiera  "), s("errorfile 503 /etc/haproxy/errors/503.http")]),
            ),
            // Variables of the scope that the template does not read.
            ("osfamily".into(), s("Debian")),
            ("memorysize".into(), s("7.77 GiB")),
            ("kernel".into(), s("Linux")),
        ]
    })
}

/// The names the template reads.
pub fn template_names() -> Vec<String> {
    variables().iter().take(15).map(|(k, _)| k.clone()).collect()
}

/// Looks up `names` (all variables when `None`), as the compiler's `template_vars` does.
pub fn lookup_vars(names: Option<&[String]>) -> Vec<(String, Value)> {
    let vars = variables();
    match names {
        Some(names) => names
            .iter()
            .filter_map(|n| vars.iter().find(|(k, _)| k == n).cloned())
            .collect(),
        None => vars.to_vec(),
    }
}

/// CPU work in Rust standing for the rest of a compile (parsing, evaluation): `iters` rounds of
/// a xorshift generator, which the optimiser cannot skip.
pub fn compile_work(iters: u64) -> u64 {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut acc = 0u64;
    for _ in 0..iters {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        acc = acc.wrapping_add(x);
    }
    std::hint::black_box(acc)
}

/// CLOCK_MONOTONIC in nanoseconds: comparable between the driver and its children.
pub fn mono_ns() -> u64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: a valid pointer to a timespec.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

/// Reports a figure to the driver: `RESULT name value`.
pub fn report(name: &str, value: f64) {
    println!("RESULT {name} {value}");
}

/// Reports an observation (text) to the driver: `NOTE name text`.
pub fn note(name: &str, text: &str) {
    println!("NOTE {name} {}", text.replace('\n', " | "));
}

pub fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

pub fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

pub fn median(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

pub fn percentile(v: &mut [f64], p: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let i = ((v.len() - 1) as f64 * p).round() as usize;
    v[i]
}

/// A short fingerprint of a rendered text (FNV-1a), so the driver can check that both sides
/// produce the same output.
pub fn fingerprint(text: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        hash ^= b as u64;
        hash = hash.wrapping_mul(0x100_0000_01b3);
    }
    format!("{hash:016x}/{}", text.len())
}

/// The resident set of a process in KiB (`VmRSS`).
pub fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The child processes of this process (the pool's workers).
pub fn child_pids() -> Vec<u32> {
    let me = std::process::id();
    let mut out = Vec::new();
    let Ok(dir) = std::fs::read_dir("/proc") else { return out };
    for entry in dir.flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else { continue };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { continue };
        // pid (comm) state ppid ...: comm may hold spaces, so read after the last ')'.
        let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else { continue };
        if rest.split_whitespace().nth(1).and_then(|p| p.parse::<u32>().ok()) == Some(me) {
            out.push(pid);
        }
    }
    out
}

/// Ruby code run by the failure scenarios, the same text on both sides. The C-level ones are
/// what Ruby cannot interrupt from Ruby: a long computation inside C methods, a C function blocked
/// in a system call (through Fiddle, as a C extension would be).
pub mod scenarios {
    /// A runaway loop.
    pub const LOOP: &str = "x = 0\nloop do\n  x += 1\nend";
    /// A runaway loop that swallows an interrupting exception (`rescue Exception` in module code).
    pub const RESCUE_LOOP: &str = "begin\n  loop {}\nrescue Exception\n  loop {}\nend";
    /// A runaway loop that goes on looping while being unwound (an `ensure` clause).
    pub const ENSURE_LOOP: &str = "begin\n  loop {}\nensure\n  loop {}\nend";
    /// A catastrophic regexp (exponential backtracking: ~20 s on an idle core at 28).
    pub const REGEXP: &str = "/\\A(a|a)*\\z/ =~ ('a' * 28 + '!')";
    /// A long computation in C: PBKDF2 with 40,000,000 rounds (OpenSSL's loop, which checks for
    /// no interrupt; ~10 s here).
    pub const C_KDF: &str = "require 'openssl'\nOpenSSL::KDF.pbkdf2_hmac('pw', salt: 'salt', iterations: 40_000_000, length: 32, hash: 'sha256').bytesize";
    /// A C function that blocks (libc's sleep through Fiddle, as a C extension stuck in a call).
    pub const C_SLEEP: &str = "require 'fiddle'\nFiddle::Function.new(Fiddle::Handle::DEFAULT['sleep'], [Fiddle::TYPE_INT], Fiddle::TYPE_INT).call(8)";
    /// A crash: Ruby's own SEGV handler (`[BUG]` report, then abort).
    pub const SEGV: &str = "Process.kill('SEGV', Process.pid)";
    /// A crash: a real invalid memory access in C.
    pub const NULL_DEREF: &str = "require 'fiddle'\nFiddle::Pointer.new(8)[0]";

    pub const ALL: &[(&str, &str)] = &[
        ("loop", LOOP),
        ("rescue_loop", RESCUE_LOOP),
        ("ensure_loop", ENSURE_LOOP),
        ("regexp", REGEXP),
        ("c_kdf", C_KDF),
        ("c_sleep", C_SLEEP),
        ("segv", SEGV),
        ("null_deref", NULL_DEREF),
    ];

    /// The time limit both sides give a call in the failure scenarios.
    pub const LIMIT_SECS: u64 = 1;
}
