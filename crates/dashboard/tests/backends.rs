//! The same report set through SQLite, MariaDB and PostgreSQL gives the same answers to every
//! query the pages and the API ask; migrations run twice without harm; ingestion is idempotent.

mod common;

use bunraku_dashboard::store::{Clock, IngestOutcome, NodeQuery, NodeSort, NodeState};
use bunraku_dashboard::Store;
use common::{report_set, TestDb, BASE_MS};
use serde_json::{json, Value};

async fn answers(store: &Store) -> Value {
    let clock = Clock { now: BASE_MS + 10 * 3_600_000, unresponsive_after: 3 * 3_600_000 };
    let mut out = serde_json::Map::new();
    out.insert("overview".into(), json!(store.overview(&clock).await.unwrap()));
    let mut queries = vec![NodeQuery::default()];
    for sort in [NodeSort::Name, NodeSort::LastRun, NodeSort::Status, NodeSort::Environment] {
        for descending in [false, true] {
            queries.push(NodeQuery { sort, descending, ..NodeQuery::default() });
        }
    }
    for state in NodeState::ALL {
        queries.push(NodeQuery { state: Some(state), ..NodeQuery::default() });
    }
    queries.push(NodeQuery {
        search: Some("WEB".into()),
        sort: NodeSort::LastRun,
        descending: true,
        ..NodeQuery::default()
    });
    queries.push(NodeQuery { environment: Some("staging".into()), ..NodeQuery::default() });
    queries.push(NodeQuery { limit: 2, offset: 2, ..NodeQuery::default() });
    let lists: Vec<Value> = futures_join(store, &queries, &clock).await;
    out.insert("node_lists".into(), json!(lists));
    out.insert("environments".into(), json!(store.environments().await.unwrap()));
    let all = store.nodes(&NodeQuery { limit: 1000, ..NodeQuery::default() }, &clock).await.unwrap();
    for n in &all.nodes {
        out.insert(format!("node {}", n.name), json!(store.node(&n.name, &clock, 50).await.unwrap()));
    }
    for id in 1..=20 {
        out.insert(format!("report {id}"), json!(store.report(id).await.unwrap()));
    }
    out.insert("failures".into(), json!(store.failures(100).await.unwrap()));
    Value::Object(out)
}

async fn futures_join(store: &Store, queries: &[NodeQuery], clock: &Clock) -> Vec<Value> {
    let mut v = Vec::new();
    for q in queries {
        v.push(json!(store.nodes(q, clock).await.unwrap()));
    }
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn same_report_set_same_answers_on_sqlite_mariadb_postgres() {
    let reports = report_set();
    let mut results: Vec<(&str, Value)> = Vec::new();
    for (name, db) in TestDb::all().await {
        let store = Store::open(&db.url).await.unwrap_or_else(|e| panic!("{name}: {e}"));
        // Migrations are safe to run again, on the same pool and from a new one.
        store.migrate().await.unwrap();
        Store::open(&db.url).await.unwrap().close().await;
        store.add_node("new.example.com").await.unwrap();
        for (i, r) in reports.iter().enumerate() {
            let outcome = store.ingest(r, None).await.unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(outcome, IngestOutcome::Stored(i as i64 + 1), "{name}");
        }
        // The same run again (the master's spool retrying, or a restart mid-run) is stored once.
        assert_eq!(store.ingest(&reports[3], None).await.unwrap(), IngestOutcome::Duplicate(4), "{name}");
        let a = answers(&store).await;
        store.close().await;
        db.drop_db().await;

        // What the queue's workers do: the same reports in batches, one transaction each, with
        // a run repeated inside a batch and one stored by an earlier batch. Same ids, same answers.
        let db = match name {
            "sqlite" => TestDb::sqlite().await,
            "mariadb" => TestDb::mysql().await,
            _ => TestDb::postgres().await,
        };
        let store = Store::open(&db.url).await.unwrap();
        store.add_node("new.example.com").await.unwrap();
        let mut stored = Vec::new();
        for chunk in reports.chunks(4) {
            let mut items: Vec<_> = chunk.iter().map(|r| (r, None)).collect();
            if items.len() == 4 {
                items.insert(2, (&chunk[0], None));
                items.push((&reports[0], None));
            }
            stored.extend(store.ingest_batch(&items).await.unwrap_or_else(|e| panic!("{name}: {e}")));
        }
        let dups: Vec<_> = stored.iter().filter(|o| matches!(o, IngestOutcome::Duplicate(_))).collect();
        assert_eq!(dups.len(), 6, "{name}: {stored:?}");
        assert_eq!(stored[2], IngestOutcome::Duplicate(1), "{name}: repeated inside its batch");
        assert_eq!(stored[5], IngestOutcome::Duplicate(1), "{name}: stored by the same batch");
        assert_eq!(
            stored.iter().filter(|o| matches!(o, IngestOutcome::Stored(_))).count(),
            reports.len(),
            "{name}"
        );
        assert_eq!(store.ingest(&reports[3], None).await.unwrap(), IngestOutcome::Duplicate(4), "{name}");
        let batched = answers(&store).await;
        store.close().await;
        db.drop_db().await;
        assert!(batched == a, "{name}: batched ingestion answers differently from one by one");
        results.push((name, a));
    }
    let (_, sqlite) = &results[0];
    // The answers are meaningful, not empty agreement.
    let counts = &sqlite["overview"]["counts"];
    assert_eq!(
        counts,
        &json!({"failed": 2, "changed": 1, "unchanged": 2, "noop_pending": 1, "unresponsive": 1, "unreported": 1, "total": 8}),
        "{sqlite:#}"
    );
    let runs: i64 = sqlite["overview"]["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            ["failed", "changed", "unchanged", "noop"].iter().map(|k| b[k].as_i64().unwrap()).sum::<i64>()
        })
        .sum();
    assert_eq!(runs, 15);
    let report2 = &sqlite["report 1"];
    assert!(report2["events"][0]["diff"].as_str().unwrap().contains("+keepalive_timeout 65;"), "{report2:#}");
    for (name, other) in &results[1..] {
        if other != sqlite {
            let a = serde_json::to_string_pretty(sqlite).unwrap();
            let b = serde_json::to_string_pretty(other).unwrap();
            let first = a.lines().zip(b.lines()).enumerate().find(|(_, (x, y))| x != y);
            panic!("{name} differs from sqlite; first difference at line {:?}", first);
        }
    }
}

/// The pages and the JSON API, over HTTP, are byte for byte the same on the three backends.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn same_pages_and_api_over_http_on_every_backend() {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let mut paths: Vec<String> = [
        "/",
        "/nodes",
        "/nodes?sort=last_run&desc=1",
        "/nodes?sort=status",
        "/nodes?state=failed",
        "/nodes?search=WEB&environment=production",
        "/nodes/web2.example.com",
        "/nodes/db1.example.com",
        "/failures",
        "/api/v1/overview",
        "/api/v1/nodes",
        "/api/v1/nodes?sort=environment&desc=1",
        "/api/v1/nodes/web1.example.com",
        "/api/v1/failures",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for id in 1..=15 {
        paths.push(format!("/reports/{id}"));
        paths.push(format!("/api/v1/reports/{id}"));
    }
    let mut results: Vec<(&str, Vec<String>)> = Vec::new();
    for (name, db) in TestDb::all().await {
        let store = Store::open(&db.url).await.unwrap();
        store.add_user("viewer", "viewerpass", bunraku_dashboard::store::Role::Viewer).await.unwrap();
        for r in report_set() {
            store.ingest(&r, None).await.unwrap();
        }
        let mut config = bunraku_dashboard::Config::new(&db.url);
        config.listen = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
        // A fixed "now" after the last fixture: node states and the hourly runs-over-time window
        // depend on the data alone, not on when (or across which hour boundary) the test runs.
        config.fixed_now = Some(BASE_MS + 10 * 3_600_000);
        config.unresponsive_after = std::time::Duration::from_secs(3 * 3600);
        config.retention = None;
        let server = bunraku_dashboard::web::Server::bind(config).await.unwrap();
        let addr = server.local_addr().unwrap();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(server.run(async {
            let _ = rx.await;
        }));
        let http = reqwest::Client::new();
        let mut bodies = Vec::new();
        for p in &paths {
            let resp = http
                .get(format!("http://{addr}{p}"))
                .basic_auth("viewer", Some("viewerpass"))
                .send()
                .await
                .unwrap();
            assert_eq!(resp.status(), 200, "{name} {p}");
            bodies.push(resp.text().await.unwrap());
        }
        let _ = tx.send(());
        store.close().await;
        db.drop_db().await;
        results.push((name, bodies));
    }
    let (_, sqlite) = &results[0];
    assert!(sqlite[0].contains("id=\"count-failed\""));
    // The fixed clock is what the pages used: the same counts as the store-level comparison.
    let overview: Value = serde_json::from_str(&sqlite[9]).unwrap();
    assert_eq!(overview["clock"]["now"], BASE_MS + 10 * 3_600_000);
    assert_eq!(overview["counts"]["unresponsive"], 1, "{overview}");
    assert_eq!(overview["counts"]["failed"], 2, "{overview}");
    for (name, other) in &results[1..] {
        for (i, p) in paths.iter().enumerate() {
            assert_eq!(&sqlite[i], &other[i], "{name} answers {p} differently from sqlite");
        }
    }
}
