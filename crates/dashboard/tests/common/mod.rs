//! Shared by the dashboard's tests: throwaway databases on the machine's real servers, and a
//! report set that exercises every state, a failure, a noop run and a file diff.
#![allow(dead_code)]

use bunraku_model::Report;
use serde_json::{json, Value};
use sqlx::Executor;

pub const PG_ADMIN: &str = "postgres://postgres@127.0.0.1:5432/test";
pub const MY_ADMIN: &str = "mysql://root@127.0.0.1:3306/test";

/// 2026-11-27T00:00:00Z: every generated report is relative to it.
pub const BASE_MS: i64 = 1_795_737_600_000;

/// A database created for one test and dropped by [`TestDb::drop_db`].
pub struct TestDb {
    pub url: String,
    admin: Option<(String, String)>,
    _dir: Option<tempfile::TempDir>,
}

fn unique(prefix: &str) -> String {
    format!("{prefix}_{}", uuid::Uuid::new_v4().simple()).chars().take(40).collect()
}

impl TestDb {
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("dashboard.sqlite3").display());
        TestDb { url, admin: None, _dir: Some(dir) }
    }

    pub async fn postgres() -> TestDb {
        let name = unique("bunraku_dash");
        admin_exec(PG_ADMIN, &format!("CREATE DATABASE {name}"), "PostgreSQL on 127.0.0.1:5432").await;
        TestDb {
            url: format!("postgres://postgres@127.0.0.1:5432/{name}"),
            admin: Some((PG_ADMIN.into(), format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))),
            _dir: None,
        }
    }

    pub async fn mysql() -> TestDb {
        let name = unique("bunraku_dash");
        admin_exec(
            MY_ADMIN,
            &format!("CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"),
            "MariaDB on 127.0.0.1:3306",
        )
        .await;
        TestDb {
            url: format!("mysql://root@127.0.0.1:3306/{name}"),
            admin: Some((MY_ADMIN.into(), format!("DROP DATABASE IF EXISTS {name}"))),
            _dir: None,
        }
    }

    pub async fn all() -> Vec<(&'static str, TestDb)> {
        vec![
            ("sqlite", TestDb::sqlite().await),
            ("mariadb", TestDb::mysql().await),
            ("postgres", TestDb::postgres().await),
        ]
    }

    pub async fn drop_db(self) {
        if let Some((admin, sql)) = &self.admin {
            admin_exec(admin, sql, "drop test database").await;
        }
    }
}

async fn admin_exec(url: &str, sql: &str, what: &str) {
    sqlx::any::install_default_drivers();
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(url).await.unwrap_or_else(|e| {
        panic!(
            "{what} is not reachable ({e}). These tests need the real servers; start them with \
             `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start` and \
             `start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd`"
        )
    });
    conn.execute(sql).await.unwrap_or_else(|e| panic!("{what}: {sql}: {e}"));
}

pub fn iso(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).unwrap().format("%Y-%m-%dT%H:%M:%S%.9f+00:00").to_string()
}

fn status_entry(
    kind: &str,
    title: &str,
    class: &str,
    changed: bool,
    failed: bool,
    events: Vec<Value>,
    t: &str,
) -> (String, Value) {
    let key = format!("{kind}[{title}]");
    let v = json!({
        "title": title, "file": format!("/etc/puppet/code/environments/production/modules/{}/manifests/init.pp", class.to_lowercase()),
        "line": 7, "resource": key, "resource_type": kind, "provider_used": if kind == "Exec" { "posix" } else { "default" },
        "containment_path": ["Stage[main]", class, key.clone()], "evaluation_time": 0.0012, "tags": [kind.to_lowercase(), class.to_lowercase()],
        "time": t, "failed": failed, "failed_to_restart": false, "changed": changed, "out_of_sync": changed || failed,
        "skipped": false, "change_count": if changed { 1 } else { 0 }, "out_of_sync_count": if changed || failed { 1 } else { 0 },
        "events": events, "corrective_change": false
    });
    (key, v)
}

/// One report. `kind` is "changed", "unchanged", "failed" or "noop".
pub fn report(host: &str, time_ms: i64, kind: &str, resources: usize) -> Report {
    let t = iso(time_ms);
    let mut statuses = serde_json::Map::new();
    let mut logs = vec![
        json!({"level":"notice","message":"Applied catalog in 1.23 seconds","source":"Puppet","tags":["notice"],"time":t,"file":null,"line":null}),
    ];
    let (mut changed, mut failed, mut out_of_sync) = (0, 0, 0);
    let (mut ev_success, mut ev_failure, mut ev_noop) = (0, 0, 0);
    for i in 0..resources {
        let class = if i % 2 == 0 { "Nginx" } else { "Base" };
        let (key, v) =
            status_entry("File", &format!("/etc/app/file{i}.conf"), class, false, false, vec![], &t);
        statuses.insert(key, v);
    }
    match kind {
        "changed" => {
            let ev = json!({"audited":false,"property":"content","previous_value":"{sha256}aaa","desired_value":"{sha256}bbb",
                "historical_value":null,"message":"content changed '{sha256}aaa' to '{sha256}bbb'","name":"content_changed",
                "status":"success","time":t,"redacted":null,"corrective_change":false});
            let (key, v) = status_entry("File", "/etc/nginx/nginx.conf", "Nginx", true, false, vec![ev], &t);
            statuses.insert(key, v);
            logs.push(json!({"level":"notice","message":format!("\n--- /etc/nginx/nginx.conf\t{t}\n+++ /tmp/puppet-file20261127-1-abc\t{t}\n@@ -1,2 +1,2 @@\n worker_processes 1;\n-keepalive_timeout 30;\n+keepalive_timeout 65;\n"),
                "source":"/Stage[main]/Nginx/File[/etc/nginx/nginx.conf]/content","tags":["notice","file"],"time":t,"file":"/etc/puppet/code/environments/production/modules/nginx/manifests/init.pp","line":7}));
            logs.push(json!({"level":"notice","message":"content changed '{sha256}aaa' to '{sha256}bbb'","source":"/Stage[main]/Nginx/File[/etc/nginx/nginx.conf]/content","tags":["notice"],"time":t,"file":null,"line":null}));
            let ev2 = json!({"audited":false,"property":null,"previous_value":null,"desired_value":null,"historical_value":null,
                "message":"Triggered 'refresh' from 1 event","name":"service_restarted","status":"success","time":t,"redacted":null,"corrective_change":false});
            let (key, v) = status_entry("Service", "nginx", "Nginx", true, false, vec![ev2], &t);
            statuses.insert(key, v);
            changed = 2;
            out_of_sync = 2;
            ev_success = 2;
        }
        "failed" => {
            let ev = json!({"audited":false,"property":"returns","previous_value":"notrun","desired_value":["0"],"historical_value":null,
                "message":"change from 'notrun' to ['0'] failed: '/bin/false' returned 1 instead of one of [0]","name":"executed_command",
                "status":"failure","time":t,"redacted":null,"corrective_change":false});
            let (key, v) = status_entry("Exec", "/bin/false", "Base", false, true, vec![ev], &t);
            statuses.insert(key, v);
            logs.push(json!({"level":"err","message":"change from 'notrun' to ['0'] failed: '/bin/false' returned 1 instead of one of [0]","source":"/Stage[main]/Base/Exec[/bin/false]/returns","tags":["err"],"time":t,"file":"/etc/puppet/code/environments/production/modules/base/manifests/init.pp","line":7}));
            failed = 1;
            out_of_sync = 1;
            ev_failure = 1;
        }
        "noop" => {
            let ev = json!({"audited":false,"property":"ensure","previous_value":"absent","desired_value":"present","historical_value":null,
                "message":"current_value 'absent', should be 'present' (noop)","name":"package_installed","status":"noop","time":t,"redacted":null,"corrective_change":false});
            let (key, v) = status_entry("Package", "htop", "Base", false, false, vec![ev], &t);
            let mut v = v;
            v["out_of_sync"] = json!(true);
            statuses.insert(key, v);
            out_of_sync = 1;
            ev_noop = 1;
        }
        _ => {}
    }
    let total = statuses.len();
    let status = match kind {
        "failed" => "failed",
        "changed" => "changed",
        _ => "unchanged",
    };
    let doc = json!({
        "host": host, "time": t, "configuration_version": 1795737600 + (time_ms - BASE_MS) / 1000,
        "transaction_uuid": format!("{host}-{time_ms}"), "report_format": 12, "puppet_version": "7.23.0",
        "status": status, "transaction_completed": true, "noop": kind == "noop", "noop_pending": kind == "noop",
        "environment": if host.starts_with("db") { "staging" } else { "production" },
        "logs": logs,
        "metrics": {
            "resources": {"name":"resources","label":"Resources","values":[["total","Total",total],["skipped","Skipped",0],["failed","Failed",failed],["failed_to_restart","Failed to restart",0],["restarted","Restarted",if kind=="changed" {1} else {0}],["changed","Changed",changed],["out_of_sync","Out of sync",out_of_sync],["scheduled","Scheduled",0],["corrective_change","Corrective change",0]]},
            "time": {"name":"time","label":"Time","values":[["file","File",0.0123],["service","Service",0.25],["exec","Exec",0.0031],["config_retrieval","Config retrieval",0.71],["transaction_evaluation","Transaction evaluation",0.31],["catalog_application","Catalog application",0.32],["total","Total",1.23]]},
            "changes": {"name":"changes","label":"Changes","values":[["total","Total",changed]]},
            "events": {"name":"events","label":"Events","values":[["total","Total",ev_success+ev_failure+ev_noop],["failure","Failure",ev_failure],["success","Success",ev_success],["noop","Noop",ev_noop]]}
        },
        "resource_statuses": statuses,
        "corrective_change": false, "catalog_uuid": format!("cat-{host}"), "cached_catalog_status": "not_used"
    });
    Report::from_json(&doc.to_string()).unwrap()
}

/// The report set every backend gets: seven nodes over ten hours, in upload order.
pub fn report_set() -> Vec<Report> {
    let h = 3_600_000;
    let mut out = Vec::new();
    let plan: &[(&str, &[(i64, &str)])] = &[
        ("web1.example.com", &[(1, "changed"), (5, "unchanged"), (9, "unchanged")]),
        ("web2.example.com", &[(2, "changed"), (6, "changed"), (9, "failed")]),
        ("db1.example.com", &[(3, "unchanged"), (9, "noop")]),
        ("db2.example.com", &[(4, "changed"), (8, "changed")]),
        ("old.example.com", &[(1, "failed"), (2, "unchanged")]),
        ("Mixed-Case.example.com", &[(9, "unchanged")]),
        ("web10.example.com", &[(7, "failed"), (8, "failed")]),
    ];
    for (host, runs) in plan {
        for (hour, kind) in runs.iter() {
            out.push(report(host, BASE_MS + hour * h + 120_000, kind, 5));
        }
    }
    out
}
