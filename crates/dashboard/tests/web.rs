//! The dashboard over HTTP: uploads (Puppet's YAML and JSON, bad bodies, refused sources), the
//! queue, login with CSRF, the pages and the JSON API; and a stop mid-ingestion losing nothing.

mod common;

use std::net::SocketAddr;
use std::time::Duration;

use bunraku_dashboard::auth::UploadPolicy;
use bunraku_dashboard::queue::drain;
use bunraku_dashboard::web::Server;
use bunraku_dashboard::{Config, Store};
use common::{report_set, TestDb};
use reqwest::header::{CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE};
use reqwest::redirect::Policy;

const PUPPET_YAML: &str = include_str!("data/puppet-7.23-apply-failed.yaml");

fn config(url: &str) -> Config {
    let mut c = Config::new(url);
    c.listen = SocketAddr::from(([127, 0, 0, 1], 0));
    // The fixtures (a real Puppet report among them) carry fixed times: without this, a node whose
    // latest run is a fixture turns "unresponsive" an hour after the fixture was made.
    c.unresponsive_after = std::time::Duration::from_secs(100 * 365 * 86400);
    c
}

async fn start(config: Config) -> (SocketAddr, tokio::sync::oneshot::Sender<()>, Store) {
    let server = Server::bind(config).await.unwrap();
    let addr = server.local_addr().unwrap();
    let store = server.store().clone();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(server.run(async {
        let _ = rx.await;
    }));
    (addr, tx, store)
}

fn client() -> reqwest::Client {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    reqwest::Client::builder().redirect(Policy::none()).build().unwrap()
}

fn set_cookie(resp: &reqwest::Response, name: &str) -> String {
    resp.headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|v| v.split(';').next().unwrap().to_string())
        .unwrap_or_else(|| panic!("no {name} cookie"))
}

/// Logs in through the form, as a browser would; returns the session cookie ("name=value").
pub async fn login(base: &str, user: &str, password: &str) -> String {
    let http = client();
    let form = http.get(format!("{base}/login")).send().await.unwrap();
    let csrf_cookie = set_cookie(&form, "bunraku_login_csrf");
    let page = form.text().await.unwrap();
    let token = page.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let resp = http
        .post(format!("{base}/login"))
        .header(COOKIE, &csrf_cookie)
        .form(&[("name", user), ("password", password), ("csrf", &token), ("next", "/nodes")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303, "{}", resp.text().await.unwrap());
    assert_eq!(resp.headers()[LOCATION], "/nodes");
    set_cookie(&resp, "bunraku_session")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_queue_login_pages_and_api() {
    let db = TestDb::sqlite().await;
    Store::open(&db.url)
        .await
        .unwrap()
        .add_user("admin", "secretpass", bunraku_dashboard::store::Role::Admin)
        .await
        .unwrap();
    let (addr, stop, store) = start(config(&db.url)).await;
    let base = format!("http://{addr}");
    let http = client();

    // Puppet's http processor: YAML with the Ruby tag.
    let resp = http
        .post(format!("{base}/reports/upload"))
        .header(CONTENT_TYPE, "application/x-yaml")
        .body(PUPPET_YAML)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
    for r in report_set() {
        let resp = http
            .post(format!("{base}/reports/upload"))
            .header(CONTENT_TYPE, "application/json")
            .body(r.to_json())
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
    }
    // Bad bodies are refused with a message naming the problem; nothing is queued.
    let resp = http
        .post(format!("{base}/reports/upload"))
        .header(CONTENT_TYPE, "application/x-yaml")
        .body("--- !ruby/object:Puppet::Transaction::Report\nhost: [")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    assert!(resp.text().await.unwrap().contains("malformed report: report YAML"));
    let resp = http
        .post(format!("{base}/reports/upload"))
        .header(CONTENT_TYPE, "application/json")
        .body(r#"{"time":"x"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    assert!(resp.text().await.unwrap().contains("missing field `host`"));
    let mut bad_time = report_set().remove(0);
    bad_time.time = "yesterday".into();
    let resp = http.post(format!("{base}/reports/upload")).body(bad_time.to_json()).send().await.unwrap();
    assert_eq!(resp.status(), 400);
    assert!(resp.text().await.unwrap().contains("time \"yesterday\" is not RFC 3339"));

    assert!(drain(&store, Duration::from_secs(30)).await.unwrap(), "queue did not drain");

    // /metrics counts what happened: the refused bodies, the runs by status, an empty queue.
    let resp = http.get(format!("{base}/metrics")).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()[CONTENT_TYPE].to_str().unwrap().starts_with("application/openmetrics-text"));
    let text = resp.text().await.unwrap();
    let count = |status: bunraku_model::RunStatus| report_set().iter().filter(|r| r.status == status).count();
    for line in [
        "bunraku_dashboard_http_requests_total{code=\"400\"} 3\n".to_string(),
        format!("bunraku_dashboard_http_requests_total{{code=\"200\"}} {}\n", report_set().len() + 1),
        format!(
            "bunraku_dashboard_uploaded_runs_total{{status=\"failed\"}} {}\n",
            count(bunraku_model::RunStatus::Failed) + 1
        ),
        format!(
            "bunraku_dashboard_uploaded_runs_total{{status=\"changed\"}} {}\n",
            count(bunraku_model::RunStatus::Changed)
        ),
        "bunraku_dashboard_queue_depth 0\n".to_string(),
    ] {
        assert!(text.contains(&line), "{line:?} in:\n{text}");
    }

    // Everything but the upload needs a login.
    let resp = http.get(format!("{base}/")).send().await.unwrap();
    assert_eq!(resp.status(), 303);
    assert_eq!(resp.headers()[LOCATION], "/login?next=%2F");
    assert_eq!(http.get(format!("{base}/api/v1/nodes")).send().await.unwrap().status(), 401);
    // A login form posted without its CSRF cookie is refused.
    let resp = http
        .post(format!("{base}/login"))
        .form(&[("name", "admin"), ("password", "secretpass"), ("csrf", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
    let session = login(&base, "admin", "secretpass").await;

    let get = |path: &str| {
        let req = http.get(format!("{base}{path}")).header(COOKIE, &session);
        async move {
            let resp = req.send().await.unwrap();
            assert_eq!(resp.status(), 200);
            resp.text().await.unwrap()
        }
    };
    let overview = get("/").await;
    assert!(overview.contains("Pending tasks"));
    assert!(overview.contains("class=\"chart runs-over-time\""));
    assert!(overview.contains("href=\"/nodes/vm\""), "the real Puppet report's node is linked");
    let nodes = get("/nodes?search=web&sort=last_run&desc=1").await;
    assert!(nodes.contains("3 nodes"), "{nodes}");
    let facts = serde_json::json!({"name": "vm", "values": {"os": {"family": "Debian"}, "kernel": "Linux"}});
    let resp = http.post(format!("{base}/facts/upload")).json(&facts).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let resp = http.post(format!("{base}/facts/upload")).body("{}").send().await.unwrap();
    assert_eq!(resp.status(), 400);
    let node = get("/nodes/vm").await;
    assert!(node.contains("class=\"chart node-history\""));
    assert!(node.contains("&quot;family&quot;: &quot;Debian&quot;"), "facts shown");
    let report = get("/reports/1").await;
    assert!(report.contains("<span class=\"add\">+new</span>"), "file diff rendered: {report}");
    assert!(report.contains("returned 1 instead of one of [0]"));
    assert!(report.contains("<time datetime=\"2026-11-27T06:11:41Z\">"));
    let failures = get("/failures").await;
    assert!(failures.contains("/bin/false"));

    // The JSON API, with a session or with basic auth.
    let api: serde_json::Value = http
        .get(format!("{base}/api/v1/reports/1"))
        .basic_auth("admin", Some("secretpass"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(api["report"]["host"], "vm");
    assert_eq!(api["report"]["status"], "failed");
    // Browsers resend basic-auth credentials on their own, to a forged form's target too: a
    // basic-auth session has no CSRF token and so can submit no form, an empty token included.
    let forged = http
        .post(format!("{base}/users"))
        .basic_auth("admin", Some("secretpass"))
        .form(&[("name", "intruder"), ("password", "intruder-pass"), ("role", "admin"), ("csrf", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403, "{}", forged.text().await.unwrap());
    assert!(store.verify_login("intruder", "intruder-pass").await.unwrap().is_none());
    let diff = api["events"].as_array().unwrap().iter().find_map(|e| e["diff"].as_str()).unwrap();
    assert!(diff.contains("-old\n+new"), "{diff}");
    let api: serde_json::Value = http
        .get(format!("{base}/api/v1/nodes?state=failed"))
        .header(COOKIE, &session)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(api["nodes"].as_array().unwrap().iter().any(|n| n["name"] == "vm"));
    assert_eq!(
        http.get(format!("{base}/api/v1/nodes/nope")).header(COOKIE, &session).send().await.unwrap().status(),
        404
    );

    // Logout needs the session's CSRF token.
    let resp = http
        .post(format!("{base}/logout"))
        .header(COOKIE, &session)
        .form(&[("csrf", "wrong")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);

    let _ = stop.send(());
    db.drop_db().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_only_from_configured_networks() {
    let db = TestDb::sqlite().await;
    let mut c = config(&db.url);
    c.upload_policy = UploadPolicy::parse(&["10.0.0.0/8"]).unwrap();
    let (addr, stop, _) = start(c).await;
    let resp = client().post(format!("http://{addr}/reports/upload")).body(PUPPET_YAML).send().await.unwrap();
    assert_eq!(resp.status(), 403);
    let _ = stop.send(());
}

/// The dashboard is killed (its runtime dropped, as a SIGKILL would) while reports are being
/// uploaded and stored; started again, it stores every report that was acknowledged, once.
#[test]
fn stopping_the_dashboard_mid_ingestion_loses_no_report() {
    // SQLite keeps its queue in a file of its own and deletes queue rows after the batch commits;
    // PostgreSQL deletes them in the batch's transaction.
    stop_mid_ingestion("sqlite");
    stop_mid_ingestion("postgres");
}

fn stop_mid_ingestion(backend: &str) {
    let outer = tokio::runtime::Runtime::new().unwrap();
    let db = outer.block_on(async {
        match backend {
            "sqlite" => TestDb::sqlite().await,
            _ => TestDb::postgres().await,
        }
    });
    let url = db.url.clone();
    let reports: Vec<_> = (0..60)
        .map(|i| common::report(&format!("n{i}.example.com"), common::BASE_MS + i * 1000, "changed", 300))
        .collect();

    let rt = tokio::runtime::Runtime::new().unwrap();
    let (addr, _stop, _) = rt.block_on(start(config(&url)));
    let acknowledged = outer.block_on(async {
        let http = client();
        let mut ok = 0;
        for r in &reports {
            let resp =
                http.post(format!("http://{addr}/reports/upload")).body(r.to_json()).send().await.unwrap();
            if resp.status() == 200 {
                ok += 1;
            }
        }
        ok
    });
    assert_eq!(acknowledged, reports.len(), "{backend}");
    rt.shutdown_background(); // workers die mid-transaction

    outer.block_on(async {
        let store = Store::open(&url).await.unwrap();
        let pending = store.pending_tasks().await.unwrap();
        eprintln!("{backend}: {pending} reports were still queued when the dashboard stopped");
        store.close().await;
        let (_, stop, store) = start(config(&url)).await;
        assert!(drain(&store, Duration::from_secs(60)).await.unwrap());
        let clock = bunraku_dashboard::store::Clock::wall(i64::MAX / 4);
        let counts = store.state_counts(&clock).await.unwrap();
        assert_eq!(counts.total, 60, "{backend}");
        assert_eq!(counts.changed, 60, "{backend}: every node has its one report");
        let n: i64 = sqlx::Row::get(
            &sqlx::query("SELECT COUNT(*) FROM reports").fetch_one(store.pool()).await.unwrap(),
            0,
        );
        assert_eq!(n, 60, "{backend}: each report stored exactly once");
        assert_eq!(store.pending_tasks().await.unwrap(), 0, "{backend}");
        let _ = stop.send(());
        store.close().await;
        db.drop_db().await;
    });
}

/// A dashboard from before SQLite's queue had a file of its own left uploads in the database's
/// `report_queue` (unpacked, as the oldest did): the next start moves them to the queue file,
/// counts them as pending, and stores them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_uploads_queued_by_an_older_dashboard_are_moved_and_stored() {
    let db = TestDb::sqlite().await;
    let store = Store::open(&db.url).await.unwrap();
    let report = common::report("queued-before.example.com", common::BASE_MS, "changed", 5);
    sqlx::query("INSERT INTO main.report_queue (received_at, source, body) VALUES (0, '127.0.0.1', ?)")
        .bind(report.to_json())
        .execute(store.pool())
        .await
        .unwrap();
    store.close().await;

    let store = Store::open(&db.url).await.unwrap();
    assert_eq!(store.pending_tasks().await.unwrap(), 1, "moved to the queue file and counted");
    let path = db.url.trim_start_matches("sqlite://");
    assert!(std::path::Path::new(&format!("{path}-queue")).is_file(), "the queue file is beside {path}");
    store.close().await;

    let (_, stop, store) = start(config(&db.url)).await;
    assert!(drain(&store, Duration::from_secs(60)).await.unwrap());
    let count = |sql: &'static str| {
        let store = store.clone();
        async move { sqlx::Row::get::<i64, _>(&sqlx::query(sql).fetch_one(store.pool()).await.unwrap(), 0) }
    };
    assert_eq!(count("SELECT COUNT(*) FROM main.report_queue").await, 0);
    assert_eq!(count("SELECT COUNT(*) FROM reports WHERE host = 'queued-before.example.com'").await, 1);
    let _ = stop.send(());
    store.close().await;
}

/// A CA in `dir/ca` and the dashboard's certificate from it in `dir/dashboard-ssl`.
fn ca_and_dashboard_identity(
    dir: &std::path::Path,
) -> (bunraku_pki::CertificateAuthority, bunraku_pki::SslDir) {
    let ca = bunraku_pki::CertificateAuthority::open_or_create(
        &dir.join("ca"),
        "Puppet CA: test",
        Duration::from_secs(86400),
        2048,
    )
    .unwrap();
    let server_ssl = bunraku_pki::SslDir::new(dir.join("dashboard-ssl"));
    ca.ensure_server_certificate(&server_ssl, "dashboard.example.com", &[]).unwrap();
    (ca, server_ssl)
}

/// Over HTTPS, a client with a certificate from our CA uploads from a network that is not listed;
/// one without a certificate is refused; a browser (no certificate) still reaches the login page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_certificate_from_our_ca_may_upload_over_https() {
    use bunraku_dashboard::web::tls::TlsSettings;
    use bunraku_pki::SslDir;
    let dir = tempfile::tempdir().unwrap();
    let (ca, server_ssl) = ca_and_dashboard_identity(dir.path());
    let master_ssl = SslDir::new(dir.path().join("master-ssl"));
    ca.ensure_server_certificate(&master_ssl, "master.example.com", &[]).unwrap();

    let db = TestDb::sqlite().await;
    let mut c = config(&db.url);
    c.upload_policy = UploadPolicy::parse::<&str>(&[]).unwrap(); // no network may upload without a certificate
    c.tls = Some(TlsSettings {
        ssldir: server_ssl.root().to_path_buf(),
        certname: "dashboard.example.com".into(),
    });
    let (addr, stop, store) = start(c).await;
    let url = format!("https://dashboard.example.com:{}/reports/upload", addr.port());

    let with_cert = bunraku_pki::tls::client_config(&master_ssl, Some("master.example.com")).unwrap();
    let http = reqwest::Client::builder()
        .use_preconfigured_tls((*with_cert).clone())
        .resolve("dashboard.example.com", addr)
        .build()
        .unwrap();
    let resp =
        http.post(&url).header(CONTENT_TYPE, "application/x-yaml").body(PUPPET_YAML).send().await.unwrap();
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
    assert!(drain(&store, Duration::from_secs(30)).await.unwrap());
    assert_eq!(
        store.state_counts(&bunraku_dashboard::store::Clock::wall(i64::MAX / 4)).await.unwrap().total,
        1
    );

    let without = bunraku_pki::tls::client_config(&master_ssl, None).unwrap();
    let anonymous = reqwest::Client::builder()
        .use_preconfigured_tls((*without).clone())
        .resolve("dashboard.example.com", addr)
        .redirect(Policy::none())
        .build()
        .unwrap();
    let resp = anonymous.post(&url).body(PUPPET_YAML).send().await.unwrap();
    assert_eq!(resp.status(), 403);
    let resp = anonymous.get(format!("https://dashboard.example.com:{}/", addr.port())).send().await.unwrap();
    assert_eq!(resp.status(), 303, "browsers are sent to the login page");
    let _ = stop.send(());
}

/// Over HTTPS a node's certificate uploads its own reports and facts only (a master's, carrying
/// `pp_cli_auth`, uploads anyone's); a certificate revoked after the dashboard started is refused
/// at its next handshake once the ssldir's CRL says so; a client that connects and says nothing is
/// disconnected after `header_timeout`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_uploads_are_checked_against_the_certificate_and_the_crl() {
    use bunraku_dashboard::web::tls::TlsSettings;
    use bunraku_pki::{Autosign, SslDir};
    use tokio::io::AsyncReadExt;
    let dir = tempfile::tempdir().unwrap();
    let (ca, server_ssl) = ca_and_dashboard_identity(dir.path());
    let node_ssl = SslDir::new(dir.path().join("node-ssl"));
    node_ssl.ensure_key("node1.example.com", 2048).unwrap();
    let csr = node_ssl.ensure_csr("node1.example.com", &[]).unwrap();
    ca.submit_csr("node1.example.com", &csr, &Autosign::Never).unwrap();
    ca.sign("node1.example.com").unwrap();
    node_ssl.save_ca_cert(&ca.ca_cert_pem().unwrap()).unwrap();
    node_ssl.save_crl(&ca.crl_pem().unwrap()).unwrap();
    node_ssl
        .save_certificate("node1.example.com", &ca.certificate_pem("node1.example.com").unwrap())
        .unwrap();

    let db = TestDb::sqlite().await;
    let mut c = config(&db.url);
    c.upload_policy = UploadPolicy::parse::<&str>(&[]).unwrap();
    c.header_timeout = Duration::from_secs(1);
    c.tls = Some(TlsSettings {
        ssldir: server_ssl.root().to_path_buf(),
        certname: "dashboard.example.com".into(),
    });
    let (addr, stop, _store) = start(c).await;
    let base = format!("https://dashboard.example.com:{}", addr.port());
    let node_client = || {
        let tls = bunraku_pki::tls::client_config(&node_ssl, Some("node1.example.com")).unwrap();
        reqwest::Client::builder()
            .use_preconfigured_tls((*tls).clone())
            .resolve("dashboard.example.com", addr)
            .build()
            .unwrap()
    };
    let upload = |client: reqwest::Client, host: &'static str| {
        let url = format!("{base}/reports/upload");
        async move {
            let body = common::report(host, common::BASE_MS, "changed", 1).to_json();
            client.post(url).header(CONTENT_TYPE, "application/json").body(body).send().await
        }
    };
    let own = upload(node_client(), "node1.example.com").await.unwrap();
    assert_eq!(own.status(), 200, "{}", own.text().await.unwrap());
    let other = upload(node_client(), "node2.example.com").await.unwrap();
    assert_eq!(other.status(), 403);
    assert!(other.text().await.unwrap().contains("may not upload reports for node2.example.com"));
    let facts = node_client()
        .post(format!("{base}/facts/upload"))
        .body(r#"{"name":"node2.example.com","values":{}}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(facts.status(), 403);

    // Revoked in the CA, the CRL copied into the dashboard's ssldir (as `bunraku cert` and a CRL
    // refresh would): the next connection is refused without a restart.
    ca.revoke("node1.example.com").unwrap();
    tokio::time::sleep(Duration::from_millis(20)).await;
    server_ssl.save_crl(&ca.crl_pem().unwrap()).unwrap();
    let refused = upload(node_client(), "node1.example.com").await;
    assert!(refused.is_err(), "a revoked certificate got {:?}", refused.map(|r| r.status()));

    let started = std::time::Instant::now();
    let mut silent = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut buf = [0u8; 64];
    let read = tokio::time::timeout(Duration::from_secs(5), silent.read(&mut buf)).await;
    assert!(matches!(read, Ok(Ok(0)) | Ok(Err(_))), "still open after 5 s: {read:?}");
    assert!(started.elapsed() < Duration::from_secs(3), "closed after {:?}", started.elapsed());
    let _ = stop.send(());
}

/// Uploads committed to the queue as one group (what concurrent uploads become) get one queue id
/// each, in order, and each is stored as itself, on every backend (PostgreSQL queues a group in
/// one multi-row INSERT with ids taken beforehand).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_of_uploads_is_queued_and_stored_on_every_backend() {
    use bunraku_dashboard::queue::{pack, Upload};
    for (name, db) in TestDb::all().await {
        let store = Store::open(&db.url).await.unwrap();
        let reports: Vec<_> = (0..5)
            .map(|i| {
                common::report(&format!("group{i}.example.com"), common::BASE_MS + i * 1000, "changed", 5)
            })
            .collect();
        let packed: Vec<Vec<u8>> = reports.iter().map(|r| pack(r.to_json().as_bytes())).collect();
        let uploads: Vec<Upload> = reports
            .iter()
            .zip(&packed)
            .map(|(r, p)| Upload { host: &r.host, packed: p, source: "127.0.0.1" })
            .collect();
        let ids = store.enqueue_many(&uploads).await.unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(ids.len(), 5, "{name}");
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "{name}: ids in upload order: {ids:?}");
        assert_eq!(store.pending_tasks().await.unwrap(), 5, "{name}");
        store.close().await;

        let (_, stop, store) = start(config(&db.url)).await;
        assert!(drain(&store, Duration::from_secs(60)).await.unwrap(), "{name}");
        use bunraku_dashboard::store::TextColumn;
        let rows =
            sqlx::query("SELECT host FROM reports ORDER BY host").fetch_all(store.pool()).await.unwrap();
        let hosts: Vec<String> = rows.iter().map(|r| r.text(0).unwrap()).collect();
        let want: Vec<&str> = reports.iter().map(|r| r.host.as_str()).collect();
        assert_eq!(hosts, want, "{name}: each report stored once, as itself");
        let _ = stop.send(());
        store.close().await;
        db.drop_db().await;
    }
}

/// Over plain HTTP too, a client that connects and says nothing, or sends half a request head and
/// stops, is disconnected after `header_timeout`; 300 such clients do not keep a browser out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_plain_http_clients_are_disconnected() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let db = TestDb::sqlite().await;
    let mut c = config(&db.url);
    c.header_timeout = Duration::from_secs(1);
    let (addr, stop, _store) = start(c).await;
    let mut idle = Vec::new();
    for _ in 0..300 {
        idle.push(tokio::net::TcpStream::connect(addr).await.unwrap());
    }
    let mut half = tokio::net::TcpStream::connect(addr).await.unwrap();
    half.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").await.unwrap();
    let page = client().get(format!("http://{addr}/login")).send().await.unwrap();
    assert_eq!(page.status(), 200, "a browser is served beside 300 silent clients");

    let started = std::time::Instant::now();
    for stream in idle.iter_mut().take(3).chain(std::iter::once(&mut half)) {
        let mut buf = [0u8; 64];
        let read = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buf)).await;
        // hyper answers a timed-out head with nothing, or with 408, then closes.
        match read {
            Ok(Ok(0)) | Ok(Err(_)) => {}
            Ok(Ok(n)) => assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 408"), "{read:?}"),
            Err(_) => panic!("still open after 5 s"),
        }
    }
    assert!(started.elapsed() < Duration::from_secs(4), "closed after {:?}", started.elapsed());
    let _ = stop.send(());
}
