//! The `database` report processor against real databases: a SQLite file and the machine's
//! PostgreSQL. While the database cannot be reached, reports wait in the spool; once it is back,
//! every one of them is stored, once, in order.

use std::fs;
use std::path::Path;
use std::time::Duration;

use bunraku_dashboard::store::{Clock, NodeQuery};
use bunraku_dashboard::Store;
use bunraku_master::reports::{Destinations, ReportProcessors};
use bunraku_model::Report;
use sqlx::Executor;

const PG_ADMIN: &str = "postgres://postgres@127.0.0.1:5432/postgres";

fn report(host: &str, minute: u32, status: &str) -> Report {
    Report::from_json(&format!(
        r#"{{"host":"{host}","time":"2026-11-27T05:{minute:02}:15.111416931+00:00","configuration_version":1,"transaction_uuid":"{host}-{minute}","report_format":12,"puppet_version":"7.23.0","status":"{status}","transaction_completed":true,"noop":false,"noop_pending":false,"environment":"production","metrics":{{"resources":{{"name":"resources","label":"Resources","values":[["total","Total",3]]}}}}}}"#
    ))
    .unwrap()
}

fn processors(reportdir: &Path, url: &str) -> ReportProcessors {
    let (procs, warnings) = ReportProcessors::configure(
        &["store".into(), "database".into()],
        reportdir.to_path_buf(),
        Destinations { reporturl: None, database: Some(url.to_string()) },
    );
    assert!(warnings.is_empty(), "{warnings:?}");
    procs
}

fn spooled(reportdir: &Path) -> usize {
    fs::read_dir(reportdir.join(".database-spool"))
        .map(|d| {
            d.filter_map(|e| e.ok()).filter(|e| e.path().extension().is_some_and(|x| x == "json")).count()
        })
        .unwrap_or(0)
}

/// (host, status) of every stored report, in id order, and the node count, read by the dashboard.
async fn stored(url: &str) -> (Vec<(String, String)>, i64) {
    let store = Store::open(url).await.unwrap();
    let rows =
        sqlx::query("SELECT host, status FROM reports ORDER BY id").fetch_all(store.pool()).await.unwrap();
    let reports = rows
        .iter()
        .map(|r| {
            use bunraku_dashboard::store::TextColumn;
            (r.text(0).unwrap(), r.text(1).unwrap())
        })
        .collect();
    let nodes = store.nodes(&NodeQuery::default(), &Clock::wall(i64::MAX / 4)).await.unwrap().total;
    store.close().await;
    (reports, nodes)
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
}

#[test]
fn sqlite_down_then_up_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let reportdir = dir.path().join("reports");
    // A file where the database's directory should be: the database cannot be opened.
    let blocked = dir.path().join("db");
    fs::write(&blocked, "in the way").unwrap();
    let url = format!("sqlite://{}", blocked.join("dashboard.sqlite3").display());
    let procs = processors(&reportdir, &url);

    assert_eq!(procs.process(&report("a.example.com", 1, "changed")).unwrap(), ["store", "database"]);
    procs.process(&report("b.example.com", 2, "unchanged")).unwrap();
    assert_eq!(procs.flush_spool(), 0, "nothing can be stored while the database is down");
    assert_eq!(spooled(&reportdir), 2, "both reports wait in the spool");
    assert!(reportdir.join("a.example.com").is_dir(), "the store processor ran regardless");

    fs::remove_file(&blocked).unwrap();
    procs.flush_spool();
    assert_eq!(spooled(&reportdir), 0);
    // A report the database already has (a retry after a crash) is stored once; a new one follows.
    procs.process(&report("a.example.com", 1, "changed")).unwrap();
    procs.process(&report("a.example.com", 3, "failed")).unwrap();
    procs.flush_spool();
    assert_eq!(spooled(&reportdir), 0);

    let rt = tokio::runtime::Runtime::new().unwrap();
    let (reports, nodes) = rt.block_on(stored(&url));
    assert_eq!(
        reports,
        pairs(&[("a.example.com", "changed"), ("b.example.com", "unchanged"), ("a.example.com", "failed")])
    );
    assert_eq!(nodes, 2);
}

/// A TCP forwarder to PostgreSQL on a port of its own: stopping it is the database going away
/// (open connections are cut), starting it again is the database coming back.
struct Proxy {
    port: u16,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Proxy {
    async fn start(&mut self) {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", self.port)).await.unwrap();
        self.port = listener.local_addr().unwrap().port();
        self.task = Some(tokio::spawn(async move {
            let mut conns = tokio::task::JoinSet::new();
            loop {
                let Ok((mut client, _)) = listener.accept().await else { break };
                conns.spawn(async move {
                    let Ok(mut server) = tokio::net::TcpStream::connect("127.0.0.1:5432").await else {
                        return;
                    };
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                });
            }
        }));
    }

    async fn stop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort(); // drops the listener and, with the JoinSet, every forwarded connection
            let _ = task.await;
        }
    }
}

#[test]
fn postgres_down_then_up_loses_nothing() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let name = format!("bunraku_master_{}", uuid::Uuid::new_v4().simple());
    rt.block_on(async {
        sqlx::any::install_default_drivers();
        let mut admin =
            <sqlx::AnyConnection as sqlx::Connection>::connect(PG_ADMIN).await.unwrap_or_else(|e| {
                panic!(
                    "PostgreSQL on 127.0.0.1:5432 is not reachable ({e}); start it with \
                 `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`"
                )
            });
        admin.execute(format!("CREATE DATABASE {name}").as_str()).await.unwrap();
    });
    // A port nobody listens on yet: the database is "down" from the start.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut proxy = Proxy { port, task: None };
    let url = format!("postgres://postgres@127.0.0.1:{port}/{name}");
    let direct = format!("postgres://postgres@127.0.0.1:5432/{name}");
    let dir = tempfile::tempdir().unwrap();
    let reportdir = dir.path().join("reports");
    let procs = processors(&reportdir, &url);

    procs.process(&report("web1.example.com", 1, "changed")).unwrap();
    procs.process(&report("web2.example.com", 2, "changed")).unwrap();
    assert_eq!(procs.flush_spool(), 0);
    assert_eq!(spooled(&reportdir), 2);

    rt.block_on(proxy.start());
    procs.flush_spool();
    assert_eq!(spooled(&reportdir), 0, "stored once the database is back");

    // The database goes away again while the master holds open connections to it.
    rt.block_on(proxy.stop());
    procs.process(&report("web1.example.com", 31, "unchanged")).unwrap();
    assert_eq!(procs.flush_spool(), 0);
    assert_eq!(spooled(&reportdir), 1);
    std::thread::sleep(Duration::from_millis(100));
    rt.block_on(proxy.start());
    procs.process(&report("web2.example.com", 32, "failed")).unwrap();
    procs.flush_spool();
    assert_eq!(spooled(&reportdir), 0);

    let (reports, nodes) = rt.block_on(stored(&direct));
    assert_eq!(
        reports,
        pairs(&[
            ("web1.example.com", "changed"),
            ("web2.example.com", "changed"),
            ("web1.example.com", "unchanged"),
            ("web2.example.com", "failed"),
        ]),
        "every report, once, in the order the master received them"
    );
    assert_eq!(nodes, 2);
    drop(procs);
    rt.block_on(async {
        proxy.stop().await;
        let mut admin = <sqlx::AnyConnection as sqlx::Connection>::connect(PG_ADMIN).await.unwrap();
        admin.execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str()).await.unwrap();
    });
}
