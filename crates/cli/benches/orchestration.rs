//! bench/orchestration: how far one broker and one client reach.
//!
//! A simulator starts N orchestration servers in this process (each its own identity: an EC P-256
//! key and a certificate from a real CA, its own facts, replay guard and trust store) on NATS, and
//! runs every request through the real `Server::handle` (certificate and signature checks, filter,
//! agent, signed reply). Then the real `bunraku mco` binary pings them and asks a fact of half of
//! them. Beside it, M servers on RabbitMQ's STOMP (one connection each) answer Debian's `mco ping`
//! and ours, for the ratio. Results and the command are in bench/orchestration/README.md.
//!
//! `cargo bench -p bunraku --bench orchestration -- [--servers N] [--stomp M] [--connections K]`

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bunraku_orchestration::agents::{rpcutil::Rpcutil, Registry};
use bunraku_orchestration::audit::AuditLog;
use bunraku_orchestration::node::NodeContext;
use bunraku_orchestration::policy::Policies;
use bunraku_orchestration::security::{ReplayGuard, Signer, Trust};
use bunraku_orchestration::server::{Outcome, Server};
use bunraku_orchestration::transport::Middleware;
use bunraku_pki::{CertificateAuthority, SslDir};
use futures::StreamExt;

#[path = "../tests/common/mco.rs"]
mod mco;

const BUNRAKU: &str = env!("CARGO_BIN_EXE_bunraku");
const ADMIN: &str = "admin.example.com";

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

struct Pki {
    ca_pem: String,
    issuer: rcgen::Issuer<'static, rcgen::KeyPair>,
}

/// N identities: EC P-256 keys (an RSA key per simulated node would take minutes to generate)
/// with certificates signed by the CA.
fn identities(pki: &Pki, names: &[String]) -> Vec<(String, String)> {
    names
        .iter()
        .map(|name| {
            let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
            let mut params = rcgen::CertificateParams::new(vec![name.clone()]).unwrap();
            params.distinguished_name = rcgen::DistinguishedName::new();
            params.distinguished_name.push(rcgen::DnType::CommonName, name.clone());
            params.not_before = rcgen::date_time_ymd(2020, 1, 1);
            params.not_after = rcgen::date_time_ymd(2040, 1, 1);
            let cert = params.signed_by(&key, &pki.issuer).unwrap();
            (key.serialize_pem(), cert.pem())
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn server(
    pki: &Pki,
    name: &str,
    key_pem: &str,
    cert_pem: &str,
    i: usize,
    collective: &str,
    legacy: Option<&str>,
    callers: Option<&Path>,
) -> Server {
    let facts =
        serde_json::json!({"role": if i.is_multiple_of(2) { "web" } else { "db" }, "rack": (i % 40).to_string(),
        "os": {"family": "Debian", "release": {"major": "12"}}, "kernel": "Linux"})
        .as_object()
        .unwrap()
        .clone();
    let registry = Registry::only(vec![Arc::new(Rpcutil::new())]);
    let mut node = NodeContext::new(name, vec![collective.to_string()], Arc::new(move || facts.clone()))
        .with_fact_cache_time(Duration::from_secs(3600));
    node.agents = registry.names();
    Server {
        node: Arc::new(node),
        registry,
        trust: Trust::new(&pki.ca_pem, None, callers).unwrap(),
        signer: Signer::from_pem(key_pem).unwrap(),
        cert_pem: cert_pem.to_string(),
        legacy_signer: legacy.map(|k| Signer::from_pem(k).unwrap()),
        guard: ReplayGuard::default(),
        policies: Policies { dir: None, allowed_callers: Vec::new() },
        audit: AuditLog::open(None).unwrap(),
    }
}

/// A client node: puppet.conf and orchestration.conf for `bunraku mco`.
fn client_confdir(root: &Path, middleware: &str, collective: &str) -> PathBuf {
    let dir = root.join("admin");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("puppet.conf"),
        format!("[main]\ncertname = {ADMIN}\nssldir = {d}/ssl\nvardir = {d}/var\n", d = dir.display()),
    )
    .unwrap();
    std::fs::write(
        dir.join("orchestration.conf"),
        format!("middleware = {middleware}\ncollectives = {collective}\ndiscovery_timeout = 3\n"),
    )
    .unwrap();
    dir
}

struct Measured {
    replies: usize,
    last_reply_ms: f64,
    wall_ms: f64,
}

/// `mco ping`'s own report: replies and the slowest reply's time.
fn ping_stats(text: &str) -> (usize, f64) {
    let line = text.lines().find(|l| l.contains(" replies max: ")).unwrap_or("");
    let words: Vec<&str> = line.split_whitespace().collect();
    let replies = words.first().and_then(|w| w.parse().ok()).unwrap_or(0);
    let max = words
        .iter()
        .position(|w| *w == "max:")
        .and_then(|i| words.get(i + 1))
        .and_then(|w| w.parse().ok())
        .unwrap_or(f64::NAN);
    (replies, max)
}

fn run(cmd: &mut Command) -> (String, f64) {
    let start = Instant::now();
    let out = cmd.output().unwrap();
    let wall = start.elapsed().as_secs_f64() * 1000.0;
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    (text, wall)
}

fn bunraku_ping(confdir: &Path, middleware: &str, timeout: &str) -> Measured {
    let (text, wall) = run(Command::new(BUNRAKU).args(["mco", "ping", "--confdir"]).arg(confdir).args([
        "--middleware",
        middleware,
        "-t",
        timeout,
    ]));
    let (replies, last) = ping_stats(&text);
    if replies == 0 {
        eprintln!("{}", text.lines().filter(|l| !l.contains(" time=")).collect::<Vec<_>>().join("\n"));
    }
    Measured { replies, last_reply_ms: last, wall_ms: wall }
}

fn main() {
    let n = arg("--servers", 10_000);
    let m = arg("--stomp", 500);
    let connections = arg("--connections", 16).max(1);
    let dir = tempfile::Builder::new().prefix("bunraku-bench-orch-").tempdir().unwrap();
    let root = dir.path();
    let ca = CertificateAuthority::open_or_create(
        &root.join("ca"),
        "Puppet CA: bench",
        Duration::from_secs(86400 * 365),
        2048,
    )
    .unwrap();
    let admin_ssl = SslDir::new(root.join("admin/ssl"));
    ca.ensure_server_certificate(&admin_ssl, ADMIN, &[]).unwrap();
    let ca_pem = ca.ca_cert_pem().unwrap();
    let ca_key =
        rcgen::KeyPair::from_pem(&std::fs::read_to_string(root.join("ca/ca_key.pem")).unwrap()).unwrap();
    let pki = Pki { issuer: rcgen::Issuer::from_ca_cert_pem(&ca_pem, ca_key).unwrap(), ca_pem };
    // MCollective's shared server key, for Debian's mco.
    let legacy = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).unwrap();
    let legacy_pub = root.join("legacy-public.pem");
    std::fs::write(&legacy_pub, legacy.public_key_pem()).unwrap();
    let legacy_pem = legacy.serialize_pem();

    println!("bench/orchestration: {n} simulated servers on NATS ({connections} connections), {m} on RabbitMQ STOMP; {} cores", std::thread::available_parallelism().map(|p| p.get()).unwrap_or(1));
    let t = Instant::now();
    let names: Vec<String> = (0..n.max(m)).map(|i| format!("sim{i:05}.example.com")).collect();
    let ids = identities(&pki, &names);
    println!("  identities: {} EC certificates signed in {:.1} s", ids.len(), t.elapsed().as_secs_f64());

    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let collective = format!("bench{}", std::process::id());

    // ---------------------------------------------------------------- NATS
    let rss0 = rss_kib();
    let servers: Vec<Arc<Server>> = (0..n)
        .map(|i| Arc::new(server(&pki, &names[i], &ids[i].0, &ids[i].1, i, &collective, None, None)))
        .collect();
    let subs = rt.block_on(async {
        let mut clients = Vec::new();
        for _ in 0..connections {
            clients.push(
                async_nats::ConnectOptions::new()
                    .subscription_capacity(65_536)
                    .connect("nats://127.0.0.1:4222")
                    .await
                    .expect("NATS on 127.0.0.1:4222"),
            );
        }
        for (i, s) in servers.iter().enumerate() {
            let client = clients[i % connections].clone();
            for subject in
                [format!("{collective}.broadcast.agent.*"), format!("{collective}.node.{}", s.node.identity)]
            {
                let mut sub = client.subscribe(subject).await.unwrap();
                let (s, client) = (s.clone(), client.clone());
                tokio::spawn(async move {
                    while let Some(msg) = sub.next().await {
                        if let (Outcome::Reply(body), Some(reply)) = (s.handle(&msg.payload), msg.reply) {
                            let _ = client.publish(reply, body.into()).await;
                        }
                    }
                });
            }
        }
        for c in &clients {
            c.flush().await.unwrap();
        }
        clients
    });
    let per_server = (rss_kib().saturating_sub(rss0)) as f64 / n.max(1) as f64;
    // CPU per message, in this process, one thread: a server handling a ping (checks, filter,
    // signed reply) and the client checking the reply (certificate, signature).
    {
        let admin_signer = Signer::from_file(&admin_ssl.key_path(ADMIN)).unwrap();
        let admin_cert = std::fs::read_to_string(admin_ssl.cert_path(ADMIN)).unwrap();
        let ping = || {
            let payload = bunraku_orchestration::rvalue::RValue::str("ping");
            let filter = Default::default();
            bunraku_orchestration::client::seal_request(
                &admin_signer,
                &admin_cert,
                ADMIN,
                "discovery",
                &collective,
                60,
                payload,
                &filter,
                false,
            )
        };
        let (req, text) = ping();
        let sample = n.min(2000);
        let t = Instant::now();
        let replies: Vec<Vec<u8>> = servers[..sample]
            .iter()
            .filter_map(|s| match s.handle(text.as_bytes()) {
                Outcome::Reply(b) => Some(b),
                _ => None,
            })
            .collect();
        let handle_us = t.elapsed().as_secs_f64() * 1e6 / sample as f64;
        let trust = Trust::new(&pki.ca_pem, None, None).unwrap();
        let t = Instant::now();
        let ok = replies
            .iter()
            .filter(|b| {
                bunraku_orchestration::client::verify_reply(
                    &trust,
                    None,
                    std::str::from_utf8(b).unwrap(),
                    &req.requestid,
                )
                .is_ok()
            })
            .count();
        let verify_us = t.elapsed().as_secs_f64() * 1e6 / sample as f64;
        assert_eq!(ok, sample);
        // The same servers again (the caller's certificate now known), and the parts of it.
        let (_, text2) = ping();
        let t = Instant::now();
        for s in &servers[..sample] {
            let _ = s.handle(text2.as_bytes());
        }
        let steady_us = t.elapsed().as_secs_f64() * 1e6 / sample as f64;
        let t = Instant::now();
        for _ in 0..sample {
            let _ = bunraku_orchestration::message::Request::open(&text2).unwrap();
        }
        let parse_us = t.elapsed().as_secs_f64() * 1e6 / sample as f64;
        let t = Instant::now();
        for b in &replies {
            let _ = bunraku_orchestration::message::Reply::open(std::str::from_utf8(b).unwrap()).unwrap();
        }
        let reply_parse_us = t.elapsed().as_secs_f64() * 1e6 / sample as f64;
        println!("  CPU per ping, one core: server {handle_us:.0} µs on a caller's first request, {steady_us:.0} µs after (parsing {parse_us:.0}); client check of a reply {verify_us:.0} µs (parsing {reply_parse_us:.0})");
    }
    println!("  memory: {:.1} KiB per simulated server (RSS {} MiB for {n})", per_server, rss_kib() / 1024);
    let nats = "nats://127.0.0.1:4222";
    let confdir = client_confdir(root, nats, &collective);
    // Warm: every server has seen the caller's certificate once (as a real fleet has).
    let _ = bunraku_ping(&confdir, nats, "4");
    let mut pings = Vec::new();
    for _ in 0..3 {
        pings.push(bunraku_ping(&confdir, nats, "4"));
    }
    for p in &pings {
        println!(
            "  bunraku mco ping (NATS): {} replies, last reply at {:.0} ms, command {:.0} ms",
            p.replies, p.last_reply_ms, p.wall_ms
        );
    }
    let (text, wall) = run(Command::new(BUNRAKU)
        .args(["mco", "rpc", "rpcutil", "get_fact", "fact=rack", "-F", "role=web", "--json", "--confdir"])
        .arg(&confdir)
        .args(["--middleware", nats, "--dt", "3"]));
    let replies = serde_json::from_str::<serde_json::Value>(text.trim())
        .ok()
        .and_then(|v| v.as_array().map(|a| a.len()))
        .unwrap_or(0);
    println!("  bunraku mco rpc rpcutil get_fact -F role=web (NATS): {replies} replies of {} web servers, command {:.0} ms (3 s of it discovery)", n.div_ceil(2), wall);
    drop(subs);
    drop(servers);

    // ---------------------------------------------------------------- RabbitMQ STOMP
    if m > 0 {
        mco::rabbit_exchanges(&collective);
        let stomp = "stomp://guest:guest@127.0.0.1:61613/";
        let mw = Middleware::parse(stomp).unwrap();
        let stop = Arc::new(tokio::sync::Notify::new());
        let callers = root.join("callers");
        std::fs::create_dir_all(&callers).unwrap();
        std::fs::copy(admin_ssl.cert_path(ADMIN), callers.join(format!("{ADMIN}.pem"))).unwrap();
        for i in 0..m {
            let s = Arc::new(server(
                &pki,
                &names[i],
                &ids[i].0,
                &ids[i].1,
                i,
                &collective,
                Some(&legacy_pem),
                Some(&callers),
            ));
            let (mw, stop) = (mw.clone(), stop.clone());
            rt.spawn(async move { s.run(mw, async move { stop.notified().await }).await });
        }
        std::thread::sleep(Duration::from_secs(5));
        let confdir = client_confdir(root, stomp, &collective);
        let ours: Vec<Measured> = (0..3).map(|_| bunraku_ping(&confdir, stomp, "4")).collect();
        for p in &ours {
            println!(
                "  bunraku mco ping (STOMP): {} replies, last reply at {:.0} ms, command {:.0} ms",
                p.replies, p.last_reply_ms, p.wall_ms
            );
        }
        // Debian's mco, with the same key and the same servers.
        let cfg = mco::debian_client_cfg(
            &root.join("mco"),
            &collective,
            ADMIN,
            &admin_ssl.key_path(ADMIN),
            &admin_ssl.public_key_path(ADMIN),
            &legacy_pub,
        );
        for _ in 0..3 {
            let start = Instant::now();
            let (_, text) = mco::debian_mco(&cfg, &["ping", "-t", "4"]);
            let wall = start.elapsed().as_secs_f64() * 1000.0;
            let (replies, last) = ping_stats(&text);
            println!("  Debian mco ping (STOMP): {replies} replies, last reply at {last:.0} ms, command {wall:.0} ms");
        }
        stop.notify_waiters();
    }
    rt.shutdown_timeout(Duration::from_secs(2));
}
