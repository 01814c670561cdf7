//! The seed scenario with `reports = store, http`: the master forwards every report to a running
//! `bunraku dashboard`, and a dashboard that is down while agents run loses none of them.

mod common;

use std::io::Write;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::Site;
use serde_json::Value;

struct Dashboard {
    child: Option<Child>,
    port: u16,
    database: String,
    confdir: std::path::PathBuf,
}

impl Dashboard {
    fn start(&mut self) {
        let log = std::fs::File::create(self.confdir.join("dashboard.log")).unwrap();
        let child = Command::new(common::BUNRAKU)
            .args(["dashboard", "--port", &self.port.to_string(), "--database", &self.database])
            .arg("--confdir")
            .arg(&self.confdir)
            .stdout(Stdio::from(log.try_clone().unwrap()))
            .stderr(Stdio::from(log))
            .spawn()
            .unwrap();
        self.child = Some(child);
        let start = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "the dashboard did not listen:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.confdir.join("dashboard.log")).unwrap_or_default()
    }

    fn get(&self, path: &str) -> Value {
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
        reqwest::blocking::Client::new()
            .get(format!("http://127.0.0.1:{}{path}", self.port))
            .basic_auth("admin", Some("correct horse battery"))
            .send()
            .and_then(|r| r.error_for_status())
            .and_then(|r| r.json())
            .unwrap_or_else(|e| panic!("GET {path}: {e}\n{}", self.log()))
    }

    /// The statuses of a node's runs, oldest first.
    fn statuses(&self, node: &str) -> Vec<String> {
        let node = self.get(&format!("/api/v1/nodes/{node}"));
        let mut out: Vec<String> = node["reports"]
            .as_array()
            .map(|a| a.iter().map(|r| r["status"].as_str().unwrap_or("").to_string()).collect())
            .unwrap_or_default();
        out.reverse();
        out
    }
}

impl Drop for Dashboard {
    fn drop(&mut self) {
        self.stop();
    }
}

#[test]
fn both_agents_runs_reach_the_dashboard_even_when_it_was_down() {
    let _dpkg = common::dpkg_lock();
    let mut site = Site::new("*.example.com\n*.example.org\n");
    site.build_deb("node2");
    site.build_deb("node3");
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let conf = site.master_confdir().join("puppet.conf");
    let text = std::fs::read_to_string(&conf).unwrap().replace(
        "reports = store\n",
        &format!("reports = store, http\nreporturl = http://127.0.0.1:{port}/reports/upload\n"),
    );
    std::fs::write(&conf, text).unwrap();
    let confdir = site.root().join("dashboard");
    std::fs::create_dir_all(&confdir).unwrap();
    let mut dash = Dashboard {
        child: None,
        port,
        database: format!("sqlite://{}", confdir.join("dashboard.sqlite3").display()),
        confdir: confdir.clone(),
    };
    let mut add = Command::new(common::BUNRAKU)
        .args(["dashboard", "--database", &dash.database, "--confdir"])
        .arg(&confdir)
        .args(["user", "add", "admin", "--role", "admin"])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    add.stdin.take().unwrap().write_all(b"correct horse battery\n").unwrap();
    assert!(add.wait().unwrap().success(), "bunraku dashboard user add");
    dash.start();
    site.start_master();

    for node in ["node2.example.com", "node3.example.com"] {
        let run = site.agent(node, &["--test"]);
        assert_eq!(run.code, 2, "{}\n{}", run.text, site.master_log());
    }
    // The dashboard goes away while the agents run again: the master keeps their reports.
    dash.stop();
    for node in ["node2.example.com", "node3.example.com"] {
        let run = site.agent(node, &["--test"]);
        assert_eq!(run.code, 0, "{}", run.text);
    }
    // The master sends from its own thread after answering the agent: give it a moment.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !site.master_log().contains("Unable to submit report to") {
        assert!(Instant::now() < deadline, "{}", site.master_log());
        std::thread::sleep(Duration::from_millis(100));
    }
    dash.start();
    // The next report to reach the master sends the ones it kept, in order.
    let run = site.agent("late.example.org", &["--test"]);
    assert_eq!(run.code, 2, "{}", run.text);

    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (s2, s3) = (dash.statuses("node2.example.com"), dash.statuses("node3.example.com"));
        if s2 == ["changed", "unchanged"] && s3 == ["changed", "unchanged"] {
            break;
        }
        assert!(Instant::now() < deadline, "node2 {s2:?}, node3 {s3:?}\n{}", dash.log());
        std::thread::sleep(Duration::from_millis(200));
    }
    let nodes = dash.get("/api/v1/nodes?sort=name");
    let names: Vec<&str> =
        nodes["nodes"].as_array().unwrap().iter().map(|n| n["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["late.example.org", "node2.example.com", "node3.example.com"]);
    let overview = dash.get("/api/v1/overview");
    assert_eq!(overview["counts"]["unchanged"], 2, "{overview}");
    assert_eq!(overview["counts"]["changed"], 1, "{overview}");
}
