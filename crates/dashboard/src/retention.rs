//! Pruning old reports: failed and changed runs are kept longer than unchanged ones, a node's
//! latest report is never pruned, and deletion goes in small batches with a pause between them so
//! that ingestion (which needs the same tables) is never locked out for long.

use std::time::Duration;

use serde::Serialize;
use sqlx::Row;

use crate::error::{DbContext, Result};
use crate::store::Store;

/// How long each kind of run is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetentionPolicy {
    pub unchanged: Duration,
    pub changed: Duration,
    pub failed: Duration,
    /// Reports deleted per transaction.
    pub batch: i64,
    /// Pause between batches.
    pub pause: Duration,
}

impl Default for RetentionPolicy {
    /// A week of unchanged runs, a month of changed ones, three months of failures.
    fn default() -> RetentionPolicy {
        let day = 86_400;
        RetentionPolicy {
            unchanged: Duration::from_secs(7 * day),
            changed: Duration::from_secs(30 * day),
            failed: Duration::from_secs(90 * day),
            batch: 200,
            pause: Duration::from_millis(20),
        }
    }
}

/// What a prune removed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PruneStats {
    pub unchanged: u64,
    pub changed: u64,
    pub failed: u64,
}

impl Store {
    /// Deletes the reports older than the policy allows, as of `now` (milliseconds).
    pub async fn prune(&self, policy: &RetentionPolicy, now: i64) -> Result<PruneStats> {
        let mut stats = PruneStats::default();
        for (status, keep) in
            [("unchanged", policy.unchanged), ("changed", policy.changed), ("failed", policy.failed)]
        {
            let cutoff = now - keep.as_millis() as i64;
            let removed = self.prune_status(status, cutoff, policy).await?;
            match status {
                "unchanged" => stats.unchanged = removed,
                "changed" => stats.changed = removed,
                _ => stats.failed = removed,
            }
        }
        sqlx::query(&self.sql("DELETE FROM sessions WHERE expires_at < ?"))
            .bind(now)
            .execute(self.pool())
            .await
            .ctx("prune sessions")?;
        if stats != PruneStats::default() {
            tracing::info!(?stats, "pruned old reports");
        }
        Ok(stats)
    }

    async fn prune_status(&self, status: &str, cutoff: i64, policy: &RetentionPolicy) -> Result<u64> {
        let ctx = || format!("prune {status} reports");
        let mut removed = 0;
        loop {
            let rows = sqlx::query(&self.sql(
                "SELECT id FROM reports WHERE status = ? AND time < ? \
                 AND id NOT IN (SELECT latest_report_id FROM nodes WHERE latest_report_id IS NOT NULL) \
                 ORDER BY time LIMIT ?",
            ))
            .bind(status)
            .bind(cutoff)
            .bind(policy.batch.max(1))
            .fetch_all(self.pool())
            .await
            .ctx(ctx())?;
            let ids: Vec<i64> =
                rows.iter().map(|r| r.try_get(0)).collect::<std::result::Result<_, _>>().ctx(ctx())?;
            if ids.is_empty() {
                return Ok(removed);
            }
            let list = crate::store::row_placeholders(ids.len());
            let turn = self.write_turn().await;
            let mut tx = self.pool().begin().await.ctx(ctx())?;
            for table in ["events", "logs", "metrics", "resource_statuses"] {
                let sql = self.sql(&format!("DELETE FROM {table} WHERE report_id IN {list}"));
                let mut q = sqlx::query(&sql);
                for id in &ids {
                    q = q.bind(*id);
                }
                q.execute(&mut *tx).await.ctx(ctx())?;
            }
            let sql = self.sql(&format!("DELETE FROM reports WHERE id IN {list}"));
            let mut q = sqlx::query(&sql);
            for id in &ids {
                q = q.bind(*id);
            }
            removed += q.execute(&mut *tx).await.ctx(ctx())?.rows_affected();
            tx.commit().await.ctx(ctx())?;
            drop(turn);
            tokio::time::sleep(policy.pause).await;
        }
    }
}
