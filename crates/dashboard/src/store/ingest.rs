//! Writing one report into the store: a few multi-row statements in one transaction.
//!
//! What is stored per report: the report row with its counts, every log line, every metric, and the
//! resource statuses that say something (failed, changed, out of sync, skipped, or with events) with
//! their events. The unchanged majority of a ~300-resource report is only counted, as PuppetDB does;
//! the node's full resource list and classes of its latest run are kept on the node row instead.
//! This is what makes 1,000 reports/s reachable.

use bunraku_model::{Report, RunStatus};
use serde::Serialize;
use sqlx::{Any, Row};

use super::{now_ms, row_placeholders, Backend, Store};
use crate::error::{DashboardError, DbContext, Result};

/// Hour buckets for the runs-over-time chart (a run belongs to the hour it started in).
pub const BUCKET_MS: i64 = 3_600_000;

/// What ingesting a report did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum IngestOutcome {
    /// Stored under this report id.
    Stored(i64),
    /// The same (host, transaction_uuid or time) was stored before under this id; nothing changed.
    Duplicate(i64),
}

impl IngestOutcome {
    /// The report's id either way.
    pub fn id(self) -> i64 {
        match self {
            IngestOutcome::Stored(id) | IngestOutcome::Duplicate(id) => id,
        }
    }
}

/// The row the pages list for a report (also the JSON API's report summary).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportRow {
    pub id: i64,
    pub host: String,
    /// Milliseconds since the epoch, UTC.
    pub time: i64,
    pub status: String,
    pub noop: bool,
    pub noop_pending: bool,
    pub environment: String,
    pub configuration_version: String,
    pub transaction_uuid: Option<String>,
    pub puppet_version: String,
    pub resources_total: i64,
    pub resources_changed: i64,
    pub resources_failed: i64,
    pub resources_skipped: i64,
    pub resources_out_of_sync: i64,
    pub events_failure: i64,
    pub time_total: f64,
}

/// Parses Puppet's timestamps (RFC 3339 with up to 9 fractional digits) into milliseconds.
pub fn parse_time(text: &str) -> Result<i64> {
    chrono::DateTime::parse_from_rfc3339(text.trim())
        .map(|t| t.timestamp_millis())
        .map_err(|e| DashboardError::BadReport(format!("time {text:?} is not RFC 3339: {e}")))
}

/// Checks what the schema needs beyond what serde already checked, so that a bad report is a 400
/// at upload time rather than a failure in a background worker.
pub fn validate(report: &Report) -> Result<()> {
    let host = report.host.as_str();
    if host.is_empty() || host.len() > 255 || host.contains('/') || host.chars().any(char::is_control) {
        return Err(DashboardError::BadReport(format!("host {host:?} is not a certname")));
    }
    parse_time(&report.time)?;
    if report.environment.len() > 255 {
        return Err(DashboardError::BadReport("environment is longer than 255 characters".into()));
    }
    Ok(())
}

fn flag(b: bool) -> i64 {
    i64::from(b)
}

fn metric_i64(report: &Report, category: &str, name: &str) -> i64 {
    match report.metric(category, name) {
        Some(v) => v.as_i64().or_else(|| v.as_f64().map(|f| f as i64)).unwrap_or(0),
        None => 0,
    }
}

fn metric_f64(report: &Report, category: &str, name: &str) -> f64 {
    report.metric(category, name).and_then(|v| v.as_f64()).unwrap_or(0.0)
}

fn value_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

fn time_or(text: &str, fallback: i64) -> i64 {
    parse_time(text).unwrap_or(fallback)
}

/// The state a run counts under in the runs-over-time chart.
pub fn run_state(status: &str, noop_pending: bool) -> &'static str {
    match status {
        "failed" => "failed",
        _ if noop_pending => "noop",
        "changed" => "changed",
        _ => "unchanged",
    }
}

/// Rows per multi-row INSERT, kept under every engine's bound-parameter limit.
const CHUNK_PARAMS: usize = 6000;

impl Store {
    /// Stores a report; idempotent on (host, transaction_uuid, or time when there is no uuid).
    /// `queue_id` is the queue row to delete in the same transaction, so a report is either
    /// stored and dequeued or neither, whatever happens to the process.
    pub async fn ingest(&self, report: &Report, queue_id: Option<i64>) -> Result<IngestOutcome> {
        validate(report)?;
        let host = report.host.as_str();
        let ctx = || format!("ingest report for {host}");
        let time = parse_time(&report.time)?;
        let dedup_key = truncate(report.transaction_uuid.as_deref().unwrap_or(&report.time), 255).to_string();
        let _turn = self.write_turn().await;
        let node_id = self.ensure_node(host).await?;

        let mut tx = self.pool.begin().await.ctx(ctx())?;
        if self.backend == Backend::Postgres {
            // Safe without the WAL flush: the upload was committed durably to the queue, and the
            // queue row is deleted in this same transaction, so if a crash loses this commit the
            // report is still queued and is stored again. Lets PostgreSQL group commits.
            sqlx::query("SET LOCAL synchronous_commit = off").execute(&mut *tx).await.ctx(ctx())?;
        }
        // A write first: it takes SQLite's write lock at once (no deferred-upgrade deadlock) and
        // locks the node row on the servers, so two workers cannot store the same run twice.
        sqlx::query(&self.sql("UPDATE nodes SET latest_noop_pending = latest_noop_pending WHERE id = ?"))
            .bind(node_id)
            .execute(&mut *tx)
            .await
            .ctx(ctx())?;
        let existing = sqlx::query(&self.sql("SELECT id FROM reports WHERE node_id = ? AND dedup_key = ?"))
            .bind(node_id)
            .bind(&dedup_key)
            .fetch_optional(&mut *tx)
            .await
            .ctx(ctx())?;
        if let Some(row) = existing {
            let id: i64 = row.try_get(0).ctx(ctx())?;
            if let Some(q) = queue_id {
                sqlx::query(&self.sql("DELETE FROM report_queue WHERE id = ?"))
                    .bind(q)
                    .execute(&mut *tx)
                    .await
                    .ctx(ctx())?;
            }
            tx.commit().await.ctx(ctx())?;
            return Ok(IngestOutcome::Duplicate(id));
        }

        let status = match report.status {
            RunStatus::Failed => "failed",
            RunStatus::Changed => "changed",
            RunStatus::Unchanged => "unchanged",
        };
        let config_version = value_text(&report.configuration_version);
        let config_version = truncate(&config_version, 255);
        let events_noop = metric_i64(report, "events", "noop");
        let row = sqlx::query(&self.sql(
            "INSERT INTO reports (node_id, host, dedup_key, time, time_text, received_at, status, noop, noop_pending, \
             transaction_completed, corrective_change, environment, configuration_version, transaction_uuid, catalog_uuid, \
             cached_catalog_status, puppet_version, report_format, resources_total, resources_changed, resources_failed, \
             resources_skipped, resources_out_of_sync, resources_restarted, resources_failed_to_restart, \
             resources_corrective_change, events_total, events_success, events_failure, events_noop, changes_total, time_total) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        ))
        .bind(node_id)
        .bind(host)
        .bind(&dedup_key)
        .bind(time)
        .bind(truncate(&report.time, 255))
        .bind(now_ms())
        .bind(status)
        .bind(flag(report.noop))
        .bind(flag(report.noop_pending))
        .bind(flag(report.transaction_completed))
        .bind(flag(report.corrective_change))
        .bind(&report.environment)
        .bind(config_version)
        .bind(report.transaction_uuid.as_deref().map(|s| truncate(s, 255)))
        .bind(report.catalog_uuid.as_deref().map(|s| truncate(s, 255)))
        .bind(report.cached_catalog_status.as_deref().map(|s| truncate(s, 255)))
        .bind(truncate(&report.puppet_version, 255))
        .bind(i64::from(report.report_format))
        .bind(metric_i64(report, "resources", "total"))
        .bind(metric_i64(report, "resources", "changed"))
        .bind(metric_i64(report, "resources", "failed"))
        .bind(metric_i64(report, "resources", "skipped"))
        .bind(metric_i64(report, "resources", "out_of_sync"))
        .bind(metric_i64(report, "resources", "restarted"))
        .bind(metric_i64(report, "resources", "failed_to_restart"))
        .bind(metric_i64(report, "resources", "corrective_change"))
        .bind(metric_i64(report, "events", "total"))
        .bind(metric_i64(report, "events", "success"))
        .bind(metric_i64(report, "events", "failure"))
        .bind(events_noop)
        .bind(metric_i64(report, "changes", "total"))
        .bind(metric_f64(report, "time", "total"))
        .fetch_one(&mut *tx)
        .await
        .ctx(ctx())?;
        let report_id: i64 = row.try_get(0).ctx(ctx())?;

        self.insert_children(&mut tx, report_id, report, time).await.map_err(|e| match e {
            DashboardError::Database { source, .. } => DashboardError::Database { context: ctx(), source },
            other => other,
        })?;

        // The node row mirrors its latest run, so the overview and node list never scan reports.
        let catalog = serde_json::to_string(&catalog_summary(report)).unwrap_or_default();
        sqlx::query(&self.sql(
            "UPDATE nodes SET latest_report_id = ?, latest_time = ?, latest_status = ?, latest_noop_pending = ?, \
             latest_environment = ?, latest_configuration_version = ?, last_catalog = ? \
             WHERE id = ? AND (latest_time IS NULL OR latest_time <= ?)",
        ))
        .bind(report_id)
        .bind(time)
        .bind(status)
        .bind(flag(report.noop_pending))
        .bind(&report.environment)
        .bind(config_version)
        .bind(catalog)
        .bind(node_id)
        .bind(time)
        .execute(&mut *tx)
        .await
        .ctx(ctx())?;

        if let Some(q) = queue_id {
            sqlx::query(&self.sql("DELETE FROM report_queue WHERE id = ?"))
                .bind(q)
                .execute(&mut *tx)
                .await
                .ctx(ctx())?;
        }
        // Last, so the hot bucket row is locked only for the commit.
        let upsert = match self.backend {
            Backend::Mysql => {
                "INSERT INTO run_counts (bucket, state, shard, n) VALUES (?, ?, ?, 1) ON DUPLICATE KEY UPDATE n = n + 1"
            }
            _ => {
                "INSERT INTO run_counts (bucket, state, shard, n) VALUES (?, ?, ?, 1) \
                 ON CONFLICT (bucket, state, shard) DO UPDATE SET n = run_counts.n + 1"
            }
        };
        sqlx::query(&self.sql(upsert))
            .bind(time - time.rem_euclid(BUCKET_MS))
            .bind(run_state(status, report.noop_pending))
            .bind(report_id % 16)
            .execute(&mut *tx)
            .await
            .ctx(ctx())?;
        tx.commit().await.ctx(ctx())?;
        tracing::debug!(host, report_id, status, "stored report");
        Ok(IngestOutcome::Stored(report_id))
    }

    /// The node's id, creating the node on its first report. Outside the report's transaction so
    /// that a lost race (unique violation) does not abort it; ids never skip on the happy path.
    pub async fn ensure_node(&self, host: &str) -> Result<i64> {
        let ctx = || format!("find or create node {host}");
        let select = self.sql("SELECT id FROM nodes WHERE name = ?");
        if let Some(row) = sqlx::query(&select).bind(host).fetch_optional(&self.pool).await.ctx(ctx())? {
            return row.try_get(0).ctx(ctx());
        }
        let insert =
            sqlx::query(&self.sql("INSERT INTO nodes (name, created_at) VALUES (?, ?) RETURNING id"))
                .bind(host)
                .bind(now_ms())
                .fetch_one(&self.pool)
                .await;
        match insert {
            Ok(row) => row.try_get(0).ctx(ctx()),
            Err(_) => {
                let row = sqlx::query(&select).bind(host).fetch_one(&self.pool).await.ctx(ctx())?;
                row.try_get(0).ctx(ctx())
            }
        }
    }

    async fn insert_children(
        &self,
        tx: &mut sqlx::Transaction<'_, Any>,
        report_id: i64,
        report: &Report,
        time: i64,
    ) -> Result<()> {
        // Diffs arrive as log lines sourced at `<resource path>/content`.
        let mut diffs: std::collections::HashMap<&str, String> = std::collections::HashMap::new();
        for log in &report.logs {
            if let Some(path) = log.source.strip_suffix("/content") {
                if let Some(d) = crate::diff::extract(&log.message) {
                    diffs.insert(path, d);
                }
            }
        }

        let interesting: Vec<_> = report
            .resource_statuses
            .values()
            .filter(|r| {
                r.failed
                    || r.changed
                    || r.out_of_sync
                    || r.skipped
                    || r.failed_to_restart
                    || !r.events.is_empty()
            })
            .collect();
        const RS_COLS: usize = 16;
        for chunk in interesting.chunks(CHUNK_PARAMS / RS_COLS) {
            let mut sql = String::from(
                "INSERT INTO resource_statuses (report_id, resource, resource_type, title, file, line, provider_used, \
                 containment_path, evaluation_time, failed, changed, out_of_sync, skipped, failed_to_restart, \
                 corrective_change, change_count) VALUES ",
            );
            push_rows(&mut sql, chunk.len(), RS_COLS);
            let sql = self.sql(&sql);
            let mut q = sqlx::query(&sql);
            for r in chunk {
                q = q
                    .bind(report_id)
                    .bind(r.resource.clone())
                    .bind(truncate(&r.resource_type, 255).to_string())
                    .bind(r.title.clone())
                    .bind(r.file.clone())
                    .bind(r.line.map(i64::from))
                    .bind(r.provider_used.as_deref().map(|p| truncate(p, 255).to_string()))
                    .bind(r.containment_path.join("/"))
                    .bind(r.evaluation_time)
                    .bind(flag(r.failed))
                    .bind(flag(r.changed))
                    .bind(flag(r.out_of_sync))
                    .bind(flag(r.skipped))
                    .bind(flag(r.failed_to_restart))
                    .bind(flag(r.corrective_change))
                    .bind(i64::from(r.change_count));
            }
            q.execute(&mut **tx).await.ctx("resource statuses")?;
        }

        let events: Vec<_> = interesting
            .iter()
            .flat_map(|r| {
                let path = format!("/{}", r.containment_path.join("/"));
                r.events.iter().map(move |e| (r, path.clone(), e))
            })
            .collect();
        const EV_COLS: usize = 10;
        for chunk in events.chunks(CHUNK_PARAMS / EV_COLS) {
            let mut sql = String::from(
                "INSERT INTO events (report_id, resource, property, name, status, previous_value, desired_value, message, diff, time) VALUES ",
            );
            push_rows(&mut sql, chunk.len(), EV_COLS);
            let sql = self.sql(&sql);
            let mut q = sqlx::query(&sql);
            for (r, path, e) in chunk {
                let diff = crate::diff::extract(&e.message).or_else(|| {
                    (e.property.as_deref() == Some("content"))
                        .then(|| diffs.get(path.as_str()).cloned())
                        .flatten()
                });
                q = q
                    .bind(report_id)
                    .bind(r.resource.clone())
                    .bind(e.property.as_deref().map(|p| truncate(p, 255).to_string()))
                    .bind(truncate(&e.name, 255).to_string())
                    .bind(truncate(&e.status, 255).to_string())
                    .bind(value_text(&e.previous_value))
                    .bind(value_text(&e.desired_value))
                    .bind(e.message.clone())
                    .bind(diff)
                    .bind(time_or(&e.time, time));
            }
            q.execute(&mut **tx).await.ctx("events")?;
        }

        const LOG_COLS: usize = 7;
        for chunk in report.logs.chunks(CHUNK_PARAMS / LOG_COLS) {
            let mut sql = String::from(
                "INSERT INTO logs (report_id, level, source, message, time, file, line) VALUES ",
            );
            push_rows(&mut sql, chunk.len(), LOG_COLS);
            let sql = self.sql(&sql);
            let mut q = sqlx::query(&sql);
            for l in chunk {
                q = q
                    .bind(report_id)
                    .bind(truncate(&l.level, 255).to_string())
                    .bind(l.source.clone())
                    .bind(l.message.clone())
                    .bind(time_or(&l.time, time))
                    .bind(l.file.clone())
                    .bind(l.line.map(i64::from));
            }
            q.execute(&mut **tx).await.ctx("logs")?;
        }

        let metrics: Vec<_> = report
            .metrics
            .iter()
            .flat_map(|(cat, m)| m.values.iter().map(move |(name, label, v)| (cat, name, label, v)))
            .filter_map(|(c, n, l, v)| v.as_f64().map(|v| (c, n, l, v)))
            .collect();
        for chunk in metrics.chunks(CHUNK_PARAMS / 5) {
            let mut sql =
                String::from("INSERT INTO metrics (report_id, category, name, label, value) VALUES ");
            push_rows(&mut sql, chunk.len(), 5);
            let sql = self.sql(&sql);
            let mut q = sqlx::query(&sql);
            for (c, n, l, v) in chunk {
                q = q
                    .bind(report_id)
                    .bind(truncate(c, 255).to_string())
                    .bind(truncate(n, 255).to_string())
                    .bind(truncate(l, 255).to_string())
                    .bind(*v);
            }
            q.execute(&mut **tx).await.ctx("metrics")?;
        }
        Ok(())
    }
}

fn push_rows(sql: &mut String, rows: usize, cols: usize) {
    let one = row_placeholders(cols);
    for i in 0..rows {
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&one);
    }
}

/// The node's classes and resources as of its latest run, kept on the node row (see module doc).
#[derive(Debug, Clone, Default, PartialEq, Serialize, serde::Deserialize)]
pub struct CatalogSummary {
    /// Classes, in first-seen order, from the containment paths (`Stage[main]` and `Main` dropped).
    pub classes: Vec<String>,
    /// `Type[title]` of every resource the run evaluated.
    pub resources: Vec<String>,
}

fn catalog_summary(report: &Report) -> CatalogSummary {
    let mut classes: Vec<String> = Vec::new();
    let mut resources = Vec::with_capacity(report.resource_statuses.len());
    for (key, r) in &report.resource_statuses {
        resources.push(key.clone());
        for c in &r.containment_path {
            let is_class = !c.contains('[') && c != "Main";
            if is_class && !classes.iter().any(|k| k == c) {
                classes.push(c.clone());
            }
        }
    }
    CatalogSummary { classes, resources }
}
