//! `bunraku kick`: Puppet 3's `puppet kick`, as in the seed. Asks agents running with `listen = true`
//! to run now, with this host's certificate (the master's ssldir when run on the master), and prints
//! what Puppet 3 printed: per host "Triggering NAME", "Getting status", "status is success",
//! "NAME finished with exit code 0", then "Finished".
//!
//! `--all` kicks every node with a signed certificate in this host's `cadir` (so it works on the CA
//! host), except this host itself. With several hosts on a terminal, an indicatif progress bar is drawn on
//! stderr while they run.

use std::collections::VecDeque;
use std::io::IsTerminal;
use std::net::IpAddr;
use std::sync::Mutex;

use bunraku_agent::kick::{self, KickTarget};
use bunraku_pki::{tls, SslDir};
use clap::Args;

use super::{fail, load_settings};
use crate::logging::{self, Verbosity};
use crate::settings::RunMode;
use crate::Common;

#[derive(Args, Debug)]
pub struct KickArgs {
    #[command(flatten)]
    common: Common,
    /// An agent to kick: its certname, optionally `:PORT` (default `puppetport`, 8139). Repeatable.
    #[arg(long)]
    host: Vec<String>,
    /// Kick every node with a signed certificate in this host's CA directory.
    #[arg(long, short = 'a')]
    all: bool,
    /// How many agents to kick at once.
    #[arg(long, short = 'p', default_value_t = 1)]
    parallel: usize,
    /// Only apply resources with these tags (comma-separated).
    #[arg(long, short = 't')]
    tag: Vec<String>,
    /// Ignore schedules on the kicked runs.
    #[arg(long)]
    ignoreschedules: bool,
    /// Connect to ADDR for NAME instead of resolving it (`NAME=ADDR`, like curl's --resolve).
    #[arg(long, value_name = "NAME=ADDR")]
    resolve: Vec<String>,
    /// Hosts given without `--host`, as Puppet 3 accepted them.
    hosts: Vec<String>,
}

/// One host's outcome: Puppet 3's kick exit codes (0 success, 3 already running, 2 failed, 12 odd answer).
fn kick_one(target: &KickTarget, tls: kick::TlsConfig, env: &str, args: &KickArgs) -> (i32, String) {
    let mut out = format!("Triggering {}\n", target.host);
    let tags: Vec<String> =
        args.tag.iter().flat_map(|t| t.split(',')).map(|t| t.trim().to_string()).collect();
    match kick::trigger(target, tls, env, &tags, args.ignoreschedules) {
        Ok(status) => {
            out.push_str(&format!("Getting status\nstatus is {status}\n"));
            match status.as_str() {
                "success" => (0, out),
                "running" => {
                    out.push_str(&format!("Host {} is already running\n", target.host));
                    (3, out)
                }
                other => {
                    out.push_str(&format!("Host {} returned unknown answer '{other}'\n", target.host));
                    (12, out)
                }
            }
        }
        Err(e) => {
            out.push_str(&format!("Host {} failed: {e}\n", target.host));
            (2, out)
        }
    }
}

pub fn run(args: KickArgs) -> u8 {
    logging::init(Verbosity::from_flags(args.common.verbose, args.common.debug));
    let settings = match load_settings(&args.common, RunMode::Server, Vec::new()) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let certname = settings.get("certname").to_string();
    let default_port: u16 = settings.get("puppetport").parse().unwrap_or(8139);
    let mut specs: Vec<String> = args.host.iter().chain(args.hosts.iter()).cloned().collect();
    if args.all {
        match kick::signed_certnames(&settings.path("cadir")) {
            Ok(names) => specs.extend(names.into_iter().filter(|n| *n != certname)),
            Err(e) => {
                return fail(format!(
                    "Could not list the signed certificates in {}: {e}",
                    settings.get("cadir")
                ))
            }
        }
    }
    let mut targets = Vec::new();
    for spec in &specs {
        match KickTarget::parse(spec, default_port) {
            Ok(t) if !targets.iter().any(|o: &KickTarget| o.host == t.host) => targets.push(t),
            Ok(_) => {}
            Err(e) => return fail(e),
        }
    }
    for r in &args.resolve {
        let Some((name, addr)) = r.split_once('=') else {
            return fail(format!("--resolve wants NAME=ADDR, not '{r}'"));
        };
        let Ok(ip) = addr.parse::<IpAddr>() else {
            return fail(format!("--resolve: '{addr}' is not an address"));
        };
        for t in targets.iter_mut().filter(|t| t.host == name.to_lowercase()) {
            t.address = Some(ip);
        }
    }
    if targets.is_empty() {
        return fail("No hosts to run; use --host NAME or --all");
    }
    let ssl = SslDir::new(settings.path("ssldir"));
    let tls_config = match tls::client_config(&ssl, Some(&certname)) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let env = settings.get("environment").to_string();

    let total = targets.len();
    let queue = Mutex::new(targets.into_iter().collect::<VecDeque<_>>());
    let failures: Mutex<Vec<String>> = Mutex::new(Vec::new());
    // A progress bar on the terminal when several hosts run; the per-host lines go to stdout above it.
    let bar = if total > 1 && std::io::stdout().is_terminal() {
        indicatif::ProgressBar::new(total as u64)
    } else {
        indicatif::ProgressBar::hidden()
    };
    if let Ok(style) = indicatif::ProgressStyle::with_template("[{bar:30}] {pos}/{len} hosts") {
        bar.set_style(style.progress_chars("#> "));
    }
    std::thread::scope(|scope| {
        for _ in 0..args.parallel.clamp(1, total) {
            scope.spawn(|| {
                while let Some(target) = queue.lock().ok().and_then(|mut q| q.pop_front()) {
                    let (code, text) = kick_one(&target, tls_config.clone(), &env, &args);
                    bar.suspend(|| println!("{text}{} finished with exit code {code}", target.host));
                    bar.inc(1);
                    if code != 0 {
                        failures.lock().unwrap_or_else(|e| e.into_inner()).push(target.host.clone());
                    }
                }
            });
        }
    });
    bar.finish_and_clear();
    let failures = failures.into_inner().unwrap_or_default();
    if failures.is_empty() {
        println!("Finished");
        0
    } else {
        println!("Failed: {}", failures.join(", "));
        3
    }
}
