//! End to end in Debian's headless Chromium, driven over WebDriver (chromedriver from the
//! `chromium-driver` package; the protocol is a few JSON requests, so reqwest drives it): log in,
//! open the overview, a node, a failed report and its diff; save screenshots under
//! target/dashboard-screenshots/ and assert on the DOM each one shows.

mod common;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use base64::Engine;
use bunraku_dashboard::queue::drain;
use bunraku_dashboard::web::Server;
use bunraku_dashboard::{Config, Store};
use serde_json::{json, Value};

const PUPPET_YAML: &str = include_str!("data/puppet-7.23-apply-failed.yaml");

struct Driver {
    child: Child,
    base: String,
    session: String,
    http: reqwest::Client,
    _profile: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Driver {
    async fn start() -> Driver {
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new("/usr/bin/chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver is missing: apt-get install -y chromium chromium-driver");
        let base = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::new();
        for _ in 0..100 {
            if http.get(format!("{base}/status")).send().await.is_ok() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let profile = tempfile::tempdir().unwrap();
        let caps = json!({"capabilities": {"alwaysMatch": {"goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--disable-dev-shm-usage", "--window-size=1280,1600",
                     format!("--user-data-dir={}", profile.path().display())]
        }}}});
        let resp: Value =
            http.post(format!("{base}/session")).json(&caps).send().await.unwrap().json().await.unwrap();
        let session = resp["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no WebDriver session: {resp}"))
            .to_string();
        Driver { child, base, session, http, _profile: profile }
    }

    async fn cmd(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}/session/{}{path}", self.base, self.session);
        let mut req = self.http.request(method, url);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let v: Value = req.send().await.unwrap().json().await.unwrap();
        if v["value"].get("error").is_some() {
            panic!("WebDriver {path}: {v}");
        }
        v["value"].clone()
    }

    async fn goto(&self, url: &str) {
        self.cmd(reqwest::Method::POST, "/url", Some(json!({ "url": url }))).await;
    }

    async fn js(&self, script: &str) -> Value {
        self.cmd(reqwest::Method::POST, "/execute/sync", Some(json!({ "script": script, "args": [] }))).await
    }

    async fn element(&self, css: &str) -> String {
        let v = self
            .cmd(reqwest::Method::POST, "/element", Some(json!({ "using": "css selector", "value": css })))
            .await;
        v.as_object().unwrap().values().next().unwrap().as_str().unwrap().to_string()
    }

    async fn type_into(&self, css: &str, text: &str) {
        let id = self.element(css).await;
        self.cmd(reqwest::Method::POST, &format!("/element/{id}/value"), Some(json!({ "text": text }))).await;
    }

    async fn click(&self, css: &str) {
        let id = self.element(css).await;
        self.cmd(reqwest::Method::POST, &format!("/element/{id}/click"), Some(json!({}))).await;
    }

    async fn screenshot(&self, name: &str) -> PathBuf {
        let b64 = self.cmd(reqwest::Method::GET, "/screenshot", None).await;
        let png = base64::engine::general_purpose::STANDARD.decode(b64.as_str().unwrap()).unwrap();
        assert!(png.starts_with(b"\x89PNG"), "screenshot is a PNG");
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap();
        path
    }

    async fn text(&self) -> String {
        self.js("return document.body.innerText").await.as_str().unwrap().to_string()
    }

    async fn count(&self, css: &str) -> i64 {
        self.js(&format!("return document.querySelectorAll({css:?}).length")).await.as_i64().unwrap()
    }
}

fn screenshot_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    target.join("dashboard-screenshots")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chromium_logs_in_and_reads_overview_node_failed_report_and_diff() {
    let db = common::TestDb::sqlite().await;
    let store = Store::open(&db.url).await.unwrap();
    store.add_user("viewer", "viewerpass", bunraku_dashboard::store::Role::Viewer).await.unwrap();
    store.add_node("fresh.example.com").await.unwrap();
    let mut config = Config::new(&db.url);
    config.listen = SocketAddr::from(([127, 0, 0, 1], 0));
    config.unresponsive_after = Duration::from_secs(100 * 365 * 86400); // the fixtures are dated 2026
    let server = Server::bind(config).await.unwrap();
    let addr = server.local_addr().unwrap();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(server.run(async {
        let _ = stop_rx.await;
    }));
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let http = reqwest::Client::new();
    let app = format!("http://{addr}");
    let upload = |body: String, ct: &'static str| {
        http.post(format!("{app}/reports/upload")).header("content-type", ct).body(body).send()
    };
    assert_eq!(upload(PUPPET_YAML.to_string(), "application/x-yaml").await.unwrap().status(), 200);
    for r in common::report_set() {
        assert_eq!(upload(r.to_json(), "application/json").await.unwrap().status(), 200);
    }
    assert!(drain(&store, Duration::from_secs(30)).await.unwrap());

    let d = Driver::start().await;
    // Log in through the form.
    d.goto(&format!("{app}/")).await;
    assert!(d.text().await.contains("Log in"));
    d.type_into("#name", "viewer").await;
    d.type_into("#password", "viewerpass").await;
    d.click("#login-submit").await;
    let shot = d.screenshot("01-after-login").await;
    assert!(d.text().await.contains("viewer (viewer)"), "logged in: {}", shot.display());

    // Overview: counts by state, pending tasks, the stacked-bar chart.
    d.goto(&format!("{app}/")).await;
    let shot = d.screenshot("02-overview").await;
    let text = d.text().await;
    let count = |id: &str| {
        let id = id.to_string();
        let d = &d;
        async move {
            d.js(&format!("return document.querySelector('#count-{id} .n').textContent"))
                .await
                .as_str()
                .unwrap()
                .to_string()
        }
    };
    assert_eq!(count("failed").await, "3", "{}", shot.display());
    assert_eq!(count("changed").await, "1");
    assert_eq!(count("unchanged").await, "3");
    assert_eq!(count("noop_pending").await, "1");
    assert_eq!(count("unreported").await, "1");
    assert_eq!(count("total").await, "9");
    assert!(text.contains("Pending tasks"));
    assert_eq!(d.count("svg.runs-over-time").await, 1);
    assert_eq!(d.count("svg.runs-over-time g.bar").await, 24, "one bar per hour");
    // Times were converted to the browser's zone; the UTC original stays in the title.
    let converted = d
        .js("var t=document.querySelector('time[datetime]');return t ? [t.textContent, t.title] : null")
        .await;
    assert!(converted.is_array(), "a time element on the overview");
    assert_ne!(converted[0], converted[1]);

    // A node: run history chart with a link per run.
    d.goto(&format!("{app}/nodes/web2.example.com")).await;
    let shot = d.screenshot("03-node").await;
    assert!(d.text().await.contains("Node web2.example.com"), "{}", shot.display());
    assert_eq!(d.count("svg.node-history").await, 1);
    assert_eq!(d.count("svg.node-history a rect.run").await, 3);
    assert_eq!(d.count("svg.node-history rect.failed").await, 1);
    assert!(d.count("#classes li").await >= 2);

    // The failed report from the real Puppet 7 run, reached by clicking through the failures page.
    d.goto(&format!("{app}/failures")).await;
    d.screenshot("04-failures").await;
    d.click("#failures a[href='/reports/1']").await;
    let shot = d.screenshot("05-failed-report").await;
    let text = d.text().await;
    assert!(text.contains("Report 1 — vm"), "{}", shot.display());
    assert!(text.contains("failed"));
    assert!(text.contains("'/bin/false' returned 1 instead of one of [0]"));
    assert_eq!(d.count("#events tr.event.failure").await, 1);
    assert!(d.count("svg.time-bars").await >= 2, "time per resource type and per phase");
    // Its diff, scrolled into view for the screenshot.
    d.js("document.querySelector('pre.diff').scrollIntoView()").await;
    let shot = d.screenshot("06-diff").await;
    let diff = d.js("return document.querySelector('#events pre.diff').innerText").await;
    assert!(diff.as_str().unwrap().contains("-old\n+new"), "{}", shot.display());
    assert_eq!(d.count("#events pre.diff span.add").await, 1);
    assert_eq!(d.count("#events pre.diff span.del").await, 1);

    let _ = d.cmd(reqwest::Method::DELETE, "", None).await;
    drop(d);
    let _ = stop_tx.send(());
    db.drop_db().await;
}
