//! bench/dashboard: sustained report ingestion and page response times.
//!
//! `cargo bench -p bunraku-dashboard --bench dashboard` (environment: `BENCH_BACKENDS=sqlite,postgres`,
//! `BENCH_REPORTS=4000`, `BENCH_NODES=10000`, `BENCH_HISTORY=1000000`, `BENCH_PAGES=0` to skip
//! the pages, `BENCH_STORE=0` to skip the store-path figures, e.g. to profile the HTTP path alone). PostgreSQL is the machine's
//! server on 127.0.0.1:5432; a database is created for the run and dropped after.
//!
//! 1. Ingestion of Puppet-sized reports (300 resources; 9 in 10 unchanged, 1 in 10 changed with
//!    events and a file diff), both straight into the store (what a worker does) and end to end
//!    (HTTP upload → queue table → workers), in reports per second.
//! 2. Overview and node-list response times over HTTP with 10,000 nodes and 1,000,000 reports,
//!    generated directly in the database.
//!
//! The reference figure: Foreman's own benchmark reached about 276 reports/s; puppet-dashboard is
//! not packaged any more, so it cannot be run beside ours.

#[path = "../tests/common/mod.rs"]
mod common;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bunraku_dashboard::queue::drain;
use bunraku_dashboard::store::Role;
use bunraku_dashboard::web::Server;
use bunraku_dashboard::{Config, Store};
use bunraku_model::Report;
use sqlx::Executor;

fn env(name: &str, default: i64) -> i64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn reports(n: usize, prefix: &str) -> Vec<Report> {
    (0..n)
        .map(|i| {
            let kind = if i % 10 == 0 { "changed" } else { "unchanged" };
            common::report(
                &format!("{prefix}{}.example.com", i % 500),
                common::BASE_MS + i as i64 * 1000,
                kind,
                300,
            )
        })
        .collect()
}

/// `concurrency` writers, each storing `batch` reports per transaction.
async fn ingest_direct(store: &Store, reports: Arc<Vec<Report>>, concurrency: usize, batch: usize) -> f64 {
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (store, reports, next) = (store.clone(), reports.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(batch, Ordering::SeqCst);
                if i >= reports.len() {
                    break;
                }
                let items: Vec<_> =
                    reports[i..(i + batch).min(reports.len())].iter().map(|r| (r, None)).collect();
                store.ingest_batch(&items).await.unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    reports.len() as f64 / start.elapsed().as_secs_f64()
}

async fn serve(url: &str) -> (SocketAddr, tokio::sync::oneshot::Sender<()>, Store) {
    let mut config = Config::new(url);
    config.listen = SocketAddr::from(([127, 0, 0, 1], 0));
    config.retention = None;
    let server = Server::bind(config).await.unwrap();
    let addr = server.local_addr().unwrap();
    let store = server.store().clone();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(server.run(async {
        let _ = rx.await;
    }));
    (addr, tx, store)
}

/// CPU seconds this process has used (user + system), from /proc/self/stat: with the machine
/// shared, CPU per report compares runs better than reports per second.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses): utime and stime are the 12th and 13th.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or_default();
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = fields.get(11..13).map_or(0.0, |f| f.iter().filter_map(|v| v.parse::<f64>().ok()).sum());
    ticks / 100.0
}

/// Concurrent uploaders, as many masters' `http` processors (or one busy master) would be.
const CLIENTS: usize = 8;

async fn ingest_http(url: &str, reports: &[Report]) -> f64 {
    let (addr, stop, store) = serve(url).await;
    // Serialised beforehand: the clients only send (a clone of `Bytes` copies nothing).
    let bodies: Arc<Vec<axum::body::Bytes>> = Arc::new(reports.iter().map(|r| r.to_json().into()).collect());
    let http = reqwest::Client::new();
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let cpu = cpu_seconds();
    let mut tasks = Vec::new();
    for _ in 0..CLIENTS {
        let (http, bodies, next) = (http.clone(), bodies.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(b) = bodies.get(i) else { break };
                let resp = http
                    .post(format!("http://{addr}/reports/upload"))
                    .header("content-type", "application/json")
                    .body(b.clone())
                    .send()
                    .await
                    .unwrap();
                assert_eq!(resp.status(), 200);
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let uploaded = start.elapsed().as_secs_f64();
    assert!(drain(&store, Duration::from_secs(600)).await.unwrap());
    eprintln!(
        "    (uploads answered after {uploaded:.2} s, queue drained after {:.2} s; this process used {:.2} ms of CPU per report)",
        start.elapsed().as_secs_f64(),
        (cpu_seconds() - cpu) * 1000.0 / reports.len() as f64
    );
    let rate = reports.len() as f64 / start.elapsed().as_secs_f64();
    let _ = stop.send(());
    rate
}

/// 10,000 nodes with 100 runs each every 30 minutes, in two statements (a series generator).
async fn generate_history(store: &Store, nodes: i64, history: i64, now: i64) {
    let series = match store.backend() {
        bunraku_dashboard::store::Backend::Postgres => {
            format!("SELECT i FROM generate_series(0, {}) AS g(i)", history - 1)
        }
        _ => format!(
            "WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < {}) SELECT i FROM s",
            history - 1
        ),
    };
    let status = "CASE WHEN i % 50 = 7 THEN 'failed' WHEN i % 10 = 3 THEN 'changed' ELSE 'unchanged' END";
    let time = format!("{now} - (({history} - 1 - i) / {nodes}) * 1800000 - (i % {nodes}) * 100");
    let sql = format!(
        "INSERT INTO reports (node_id, host, dedup_key, time, time_text, received_at, status, noop, noop_pending, \
         transaction_completed, corrective_change, environment, configuration_version, transaction_uuid, catalog_uuid, \
         cached_catalog_status, puppet_version, report_format, resources_total, resources_changed, resources_failed, \
         resources_skipped, resources_out_of_sync, resources_restarted, resources_failed_to_restart, \
         resources_corrective_change, events_total, events_success, events_failure, events_noop, changes_total, time_total) \
         SELECT (i % {nodes}) + 1, 'node' || ((i % {nodes}) + 1) || '.example.com', 'gen' || i, {time}, '', {now}, {status}, \
         0, 0, 1, 0, 'production', '1', NULL, NULL, 'not_used', '7.23.0', 12, 300, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1.5 \
         FROM ({series}) AS q"
    );
    store.pool().execute(sql.as_str()).await.unwrap();
    let latest = format!("({history} - {nodes} + n - 1)");
    let sql = format!(
        "INSERT INTO nodes (name, created_at, latest_report_id, latest_time, latest_status, latest_noop_pending, \
         latest_environment, latest_configuration_version) \
         SELECT 'node' || n || '.example.com', {now}, {latest} + 1, {now} - (n - 1) * 100, \
         CASE WHEN {latest} % 50 = 7 THEN 'failed' WHEN {latest} % 10 = 3 THEN 'changed' ELSE 'unchanged' END, 0, 'production', '1' \
         FROM (SELECT i + 1 AS n FROM ({}) AS q0) AS q",
        series.replace(&format!("{}", history - 1), &format!("{}", nodes - 1))
    );
    store.pool().execute(sql.as_str()).await.unwrap();
    let sql = "INSERT INTO run_counts (bucket, state, shard, n) SELECT time - (time % 3600000), status, 0, COUNT(*) \
               FROM reports GROUP BY time - (time % 3600000), status";
    store.pool().execute(sql).await.unwrap();
    // Fresh statistics, as autovacuum (PostgreSQL) or `PRAGMA optimize` (SQLite) would have.
    store.pool().execute("ANALYZE").await.unwrap();
}

async fn time_pages(url: &str) -> Vec<(String, f64, f64)> {
    let (addr, stop, store) = serve(url).await;
    store.add_user("bench", "benchpass", Role::Viewer).await.unwrap();
    let user = store.verify_login("bench", "benchpass").await.unwrap().unwrap();
    let cookie = format!("bunraku_session={}", store.create_session(&user, 3_600_000).await.unwrap());
    let http = reqwest::Client::new();
    let mut out = Vec::new();
    for path in [
        "/",
        "/nodes",
        "/nodes?sort=last_run&desc=1",
        "/nodes?state=failed",
        "/nodes?search=node123",
        "/nodes?page=50",
        "/nodes/node42.example.com",
        "/api/v1/overview",
        "/api/v1/nodes",
    ] {
        let mut times = Vec::new();
        for _ in 0..30 {
            let start = Instant::now();
            let resp =
                http.get(format!("http://{addr}{path}")).header("cookie", &cookie).send().await.unwrap();
            assert_eq!(resp.status(), 200, "{path}");
            let _ = resp.bytes().await.unwrap();
            times.push(start.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        out.push((path.to_string(), times[times.len() / 2], times[times.len() * 95 / 100]));
    }
    let _ = stop.send(());
    out
}

#[tokio::main]
async fn main() {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo test --benches` asks for a list; this is a plain program
    }
    let backends = std::env::var("BENCH_BACKENDS").unwrap_or_else(|_| "sqlite,postgres".into());
    let n = env("BENCH_REPORTS", 4000) as usize;
    let pages = env("BENCH_PAGES", 1) != 0;
    let store_path = env("BENCH_STORE", 1) != 0;
    let nodes = env("BENCH_NODES", 10_000);
    let history = env("BENCH_HISTORY", 1_000_000);
    println!("bench/dashboard: {n} reports of 300 resources (1 in 10 changed); pages with {nodes} nodes / {history} reports");
    println!("reference: Foreman's benchmark ≈ 276 reports/s; goal ≥ 1,000 reports/s and pages < 100 ms");
    for backend in backends.split(',') {
        let (db, concurrency) = match backend {
            "sqlite" => (common::TestDb::sqlite().await, 1),
            "postgres" => (common::TestDb::postgres().await, 4),
            "mariadb" => (common::TestDb::mysql().await, 4),
            other => panic!("unknown backend {other}"),
        };
        let store = Store::open(&db.url).await.unwrap();
        if store_path {
            let set = Arc::new(reports(n, "single"));
            let single = ingest_direct(&store, set, concurrency, 1).await;
            println!("{backend:>8}: ingest (store, {concurrency} writer(s), 1 report per transaction):   {single:>7.0} reports/s");
            let set = Arc::new(reports(n, "batch"));
            let batched = ingest_direct(&store, set, concurrency, 64).await;
            println!("{backend:>8}: ingest (store, {concurrency} writer(s), 64 reports per transaction): {batched:>7.0} reports/s");
        }
        let set = reports(n, "http");
        let http = ingest_http(&db.url, &set).await;
        println!("{backend:>8}: ingest (HTTP upload → queue → workers, {CLIENTS} clients):     {http:>7.0} reports/s");
        store.close().await;
        db.drop_db().await;
        if !pages {
            continue;
        }

        let db = match backend {
            "sqlite" => common::TestDb::sqlite().await,
            "postgres" => common::TestDb::postgres().await,
            _ => common::TestDb::mysql().await,
        };
        let store = Store::open(&db.url).await.unwrap();
        let start = Instant::now();
        generate_history(&store, nodes, history, bunraku_dashboard::store::now_ms()).await;
        println!(
            "{backend:>8}: generated {nodes} nodes / {history} reports in {:.1} s",
            start.elapsed().as_secs_f64()
        );
        for (path, median, p95) in time_pages(&db.url).await {
            println!("{backend:>8}: GET {path:<32} median {median:>6.1} ms   p95 {p95:>6.1} ms");
        }
        store.close().await;
        db.drop_db().await;
    }
}
