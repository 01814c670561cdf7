//! Retention keeps failed and changed runs longer than unchanged ones, never prunes a node's
//! latest run, removes a pruned report's events/logs/metrics, and behaves alike on all backends.

mod common;

use std::time::Duration;

use bunraku_dashboard::retention::{PruneStats, RetentionPolicy};
use bunraku_dashboard::Store;
use common::{report_set, TestDb, BASE_MS};
use sqlx::Row;

async fn count(store: &Store, sql: &str) -> i64 {
    sqlx::query(sql).fetch_one(store.pool()).await.unwrap().get(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prunes_by_age_and_outcome_on_every_backend() {
    let h = 3600;
    let policy = RetentionPolicy {
        unchanged: Duration::from_secs(2 * h),
        changed: Duration::from_secs(5 * h),
        failed: Duration::from_secs(8 * h),
        batch: 2,
        pause: Duration::from_millis(1),
    };
    for (name, db) in TestDb::all().await {
        let store = Store::open(&db.url).await.unwrap();
        for r in report_set() {
            store.ingest(&r, None).await.unwrap();
        }
        let stats = store.prune(&policy, BASE_MS + 10 * 3_600_000).await.unwrap();
        // Runs at hour 1-7 (unchanged), 1-4 (changed) and 1 (failed) are old enough; latest runs stay:
        // unchanged web1@5 and db1@3 go (old@2 is old's latest), changed web1@1, web2@2, db2@4 go
        // (web2@6 is younger than 5 h), failed old@1 goes.
        assert_eq!(stats, PruneStats { unchanged: 2, changed: 3, failed: 1 }, "{name}");
        assert_eq!(count(&store, "SELECT COUNT(*) FROM reports").await, 9, "{name}");
        assert_eq!(
            count(&store, "SELECT COUNT(*) FROM events WHERE report_id NOT IN (SELECT id FROM reports)")
                .await,
            0,
            "{name}: orphaned events"
        );
        assert_eq!(
            count(
                &store,
                "SELECT COUNT(*) FROM nodes WHERE latest_report_id NOT IN (SELECT id FROM reports)"
            )
            .await,
            0,
            "{name}: every node keeps its latest report"
        );
        // A second pass has nothing left to do.
        assert_eq!(store.prune(&policy, BASE_MS + 10 * 3_600_000).await.unwrap(), PruneStats::default());
        store.close().await;
        db.drop_db().await;
    }
}
