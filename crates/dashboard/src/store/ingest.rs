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

use super::digest::{value_text, ReportDigest};
use super::{now_ms, row_placeholders, Backend, Store, TextColumn};
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

fn flag(b: bool) -> i64 {
    i64::from(b)
}

fn metric_i64(report: &ReportDigest, category: &str, name: &str) -> i64 {
    match report.metric(category, name) {
        Some(v) => v.as_i64().or_else(|| v.as_f64().map(|f| f as i64)).unwrap_or(0),
        None => 0,
    }
}

fn metric_f64(report: &ReportDigest, category: &str, name: &str) -> f64 {
    report.metric(category, name).and_then(|v| v.as_f64()).unwrap_or(0.0)
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

/// Bound parameters per multi-row INSERT, kept under every engine's limit.
const CHUNK_PARAMS: usize = 6000;

/// One bound value of a multi-row INSERT; text borrows from the report where it can.
#[derive(Debug)]
enum Val<'a> {
    Int(i64),
    OptInt(Option<i64>),
    Real(f64),
    Text(&'a str),
    OptText(Option<&'a str>),
    Owned(String),
    OptOwned(Option<String>),
}

type AnyQuery<'q> = sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>>;

fn bind_val<'q>(q: AnyQuery<'q>, v: &'q Val<'q>) -> AnyQuery<'q> {
    match v {
        Val::Int(i) => q.bind(*i),
        Val::OptInt(i) => q.bind(*i),
        Val::Real(f) => q.bind(*f),
        Val::Text(s) => q.bind(*s),
        Val::OptText(s) => q.bind(*s),
        Val::Owned(s) => q.bind(s.as_str()),
        Val::OptOwned(s) => q.bind(s.as_deref()),
    }
}

/// The rows of one child table, gathered over a whole batch and written in few statements.
struct RowSet<'a> {
    head: &'static str,
    cols: usize,
    vals: Vec<Val<'a>>,
}

impl<'a> RowSet<'a> {
    fn new(head: &'static str, cols: usize) -> RowSet<'a> {
        RowSet { head, cols, vals: Vec::new() }
    }

    async fn insert(&self, store: &Store, tx: &mut sqlx::Transaction<'_, Any>, what: &str) -> Result<()> {
        let per_chunk = (CHUNK_PARAMS / self.cols) * self.cols;
        for chunk in self.vals.chunks(per_chunk) {
            let mut sql = String::from(self.head);
            push_rows(&mut sql, chunk.len() / self.cols, self.cols);
            let sql = store.sql(&sql);
            let mut q = sqlx::query(&sql);
            for v in chunk {
                q = bind_val(q, v);
            }
            q.execute(&mut **tx).await.ctx(what)?;
        }
        Ok(())
    }
}

/// The child rows of every report of a batch.
struct Children<'a> {
    statuses: RowSet<'a>,
    events: RowSet<'a>,
    logs: RowSet<'a>,
    metrics: RowSet<'a>,
}

impl<'a> Children<'a> {
    fn new() -> Children<'a> {
        Children {
            statuses: RowSet::new(
                "INSERT INTO resource_statuses (report_id, resource, resource_type, title, file, line, provider_used, \
                 containment_path, evaluation_time, failed, changed, out_of_sync, skipped, failed_to_restart, \
                 corrective_change, change_count) VALUES ",
                16,
            ),
            events: RowSet::new(
                "INSERT INTO events (report_id, resource, property, name, status, previous_value, desired_value, \
                 message, diff, time) VALUES ",
                10,
            ),
            logs: RowSet::new("INSERT INTO logs (report_id, level, source, message, time, file, line) VALUES ", 7),
            metrics: RowSet::new("INSERT INTO metrics (report_id, category, name, label, value) VALUES ", 5),
        }
    }

    /// What is stored of a report besides its row (see the module doc for what is left out).
    fn add(&mut self, report_id: i64, report: &'a ReportDigest, time: i64) {
        // Diffs arrive as log lines sourced at `<resource path>/content`.
        let mut diffs: std::collections::HashMap<&str, String> = std::collections::HashMap::new();
        for log in &report.logs {
            if let Some(path) = log.source.strip_suffix("/content") {
                if let Some(d) = crate::diff::extract(&log.message) {
                    diffs.insert(path, d);
                }
            }
        }
        for r in &report.statuses {
            self.statuses.vals.extend([
                Val::Int(report_id),
                Val::Text(&r.resource),
                Val::Text(truncate(&r.resource_type, 255)),
                Val::Text(&r.title),
                Val::OptText(r.file.as_deref()),
                Val::OptInt(r.line.map(i64::from)),
                Val::OptText(r.provider_used.as_deref().map(|p| truncate(p, 255))),
                Val::Text(&r.containment_path),
                Val::Real(r.evaluation_time),
                Val::Int(flag(r.failed)),
                Val::Int(flag(r.changed)),
                Val::Int(flag(r.out_of_sync)),
                Val::Int(flag(r.skipped)),
                Val::Int(flag(r.failed_to_restart)),
                Val::Int(flag(r.corrective_change)),
                Val::Int(i64::from(r.change_count)),
            ]);
            let path = format!("/{}", r.containment_path);
            for e in &r.events {
                let diff = crate::diff::extract(&e.message).or_else(|| {
                    (e.property.as_deref() == Some("content"))
                        .then(|| diffs.get(path.as_str()).cloned())
                        .flatten()
                });
                self.events.vals.extend([
                    Val::Int(report_id),
                    Val::Text(&r.resource),
                    Val::OptText(e.property.as_deref().map(|p| truncate(p, 255))),
                    Val::Text(truncate(&e.name, 255)),
                    Val::Text(truncate(&e.status, 255)),
                    Val::Owned(value_text(&e.previous_value)),
                    Val::Owned(value_text(&e.desired_value)),
                    Val::Text(&e.message),
                    Val::OptOwned(diff),
                    Val::Int(time_or(&e.time, time)),
                ]);
            }
        }
        for l in &report.logs {
            self.logs.vals.extend([
                Val::Int(report_id),
                Val::Text(truncate(&l.level, 255)),
                Val::Text(&l.source),
                Val::Text(&l.message),
                Val::Int(time_or(&l.time, time)),
                Val::OptText(l.file.as_deref()),
                Val::OptInt(l.line.map(i64::from)),
            ]);
        }
        for (category, m) in &report.metrics {
            for (name, label, v) in &m.values {
                let Some(v) = v.as_f64() else { continue };
                self.metrics.vals.extend([
                    Val::Int(report_id),
                    Val::Text(truncate(category, 255)),
                    Val::Text(truncate(name, 255)),
                    Val::Text(truncate(label, 255)),
                    Val::Real(v),
                ]);
            }
        }
    }

    async fn insert(&self, store: &Store, tx: &mut sqlx::Transaction<'_, Any>) -> Result<()> {
        self.statuses.insert(store, tx, "resource statuses").await?;
        self.events.insert(store, tx, "events").await?;
        self.logs.insert(store, tx, "logs").await?;
        self.metrics.insert(store, tx, "metrics").await
    }
}

/// A report of a batch, with what ingesting needs to know of it.
struct Item<'a> {
    report: &'a ReportDigest,
    node_id: i64,
    time: i64,
    dedup_key: &'a str,
    status: &'static str,
    config_version: &'a str,
}

const REPORT_COLS: usize = 32;

/// The metrics behind the report row's count columns, in column order (`resources_total` …
/// `changes_total`).
const COUNT_COLUMNS: [(&str, &str); 13] = [
    ("resources", "total"),
    ("resources", "changed"),
    ("resources", "failed"),
    ("resources", "skipped"),
    ("resources", "out_of_sync"),
    ("resources", "restarted"),
    ("resources", "failed_to_restart"),
    ("resources", "corrective_change"),
    ("events", "total"),
    ("events", "success"),
    ("events", "failure"),
    ("events", "noop"),
    ("changes", "total"),
];

impl Store {
    /// Stores a report; idempotent on (host, transaction_uuid, or time when there is no uuid).
    /// `queue_id` is the queue row to delete in the same transaction (or, where the queue is a
    /// SQLite file of its own, once this commit is on disk), so a report is never dequeued
    /// without being stored, whatever happens to the process.
    pub async fn ingest(&self, report: &Report, queue_id: Option<i64>) -> Result<IngestOutcome> {
        let mut outcomes = self.ingest_batch(&[(report, queue_id)]).await?;
        outcomes.pop().ok_or_else(|| DashboardError::BadReport("empty batch".into()))
    }

    /// Stores several reports in one transaction (what the queue's workers do): the per-commit
    /// cost (a WAL flush, a round of locks) is paid once for the batch, and every child table gets
    /// one multi-row INSERT for all of them. Outcomes are in the order of `items`; the same run
    /// twice in one batch is stored once. All or nothing: on an error nothing is stored and no
    /// queue row is deleted (the caller may retry the reports one by one); only where the queue
    /// is a file of its own can an error deleting the rows after the commit leave stored reports
    /// queued, to be found duplicates and deleted on the next try.
    pub async fn ingest_batch(&self, items: &[(&Report, Option<i64>)]) -> Result<Vec<IngestOutcome>> {
        let digests = items.iter().map(|(r, _)| ReportDigest::from_report(r)).collect::<Result<Vec<_>>>()?;
        let items: Vec<(&ReportDigest, Option<i64>)> =
            digests.iter().zip(items).map(|(d, (_, queue_id))| (d, *queue_id)).collect();
        self.ingest_digests(&items).await
    }

    /// [`Store::ingest_batch`] for reports already read as digests (what the queue's workers
    /// store: [`ReportDigest::from_json`] validated them).
    pub async fn ingest_digests(&self, items: &[(&ReportDigest, Option<i64>)]) -> Result<Vec<IngestOutcome>> {
        if items.is_empty() {
            return Ok(Vec::new());
        }
        let first_host = items[0].0.host.as_str();
        let ctx = || match items.len() {
            1 => format!("ingest report for {first_host}"),
            n => format!("ingest {n} reports ({first_host}, …)"),
        };
        let _turn = self.write_turn().await;
        let hosts: Vec<&str> = items.iter().map(|(r, _)| r.host.as_str()).collect();
        let nodes = self.ensure_nodes(&hosts).await?;
        let mut batch = Vec::with_capacity(items.len());
        for (report, _) in items {
            let status = match report.status {
                RunStatus::Failed => "failed",
                RunStatus::Changed => "changed",
                RunStatus::Unchanged => "unchanged",
            };
            batch.push(Item {
                report,
                node_id: nodes[report.host.as_str()],
                time: report.time_ms,
                dedup_key: truncate(report.transaction_uuid.as_deref().unwrap_or(&report.time), 255),
                status,
                config_version: truncate(&report.configuration_version, 255),
            });
        }
        let mut node_ids: Vec<i64> = batch.iter().map(|b| b.node_id).collect();
        node_ids.sort_unstable();
        node_ids.dedup();
        let in_list = |n: usize| {
            let mut s = row_placeholders(n);
            s.insert_str(0, " IN ");
            s
        };

        let mut tx = self.pool.begin().await.ctx(ctx())?;
        if self.backend == Backend::Postgres && items.iter().all(|(_, q)| q.is_some()) {
            // Safe without the WAL flush: the upload was committed durably to the queue, and the
            // queue rows are deleted in this same transaction, so if a crash loses this commit the
            // reports are still queued and are stored again. Lets PostgreSQL group commits.
            sqlx::query("SET LOCAL synchronous_commit = off").execute(&mut *tx).await.ctx(ctx())?;
        }
        // Lock the nodes first, in id order (two batches never wait on each other in a cycle), so
        // that two workers cannot store the same run twice. On SQLite a write takes the database's
        // write lock at once (no deferred-upgrade deadlock).
        let lock = match self.backend {
            Backend::Sqlite => format!(
                "UPDATE nodes SET latest_noop_pending = latest_noop_pending WHERE id{}",
                in_list(node_ids.len())
            ),
            _ => format!("SELECT id FROM nodes WHERE id{} ORDER BY id FOR UPDATE", in_list(node_ids.len())),
        };
        let lock = self.sql(&lock);
        let mut q = sqlx::query_scalar::<_, i64>(&lock);
        for id in &node_ids {
            q = q.bind(*id);
        }
        q.fetch_all(&mut *tx).await.ctx(ctx())?;

        // Runs stored before (the master's spool retrying, a restart mid-ingestion) or twice in
        // this batch are duplicates.
        let mut seen: std::collections::HashMap<(i64, &str), i64> = std::collections::HashMap::new();
        {
            let mut keys: Vec<&str> = batch.iter().map(|b| b.dedup_key).collect();
            keys.sort_unstable();
            keys.dedup();
            let sql = self.sql(&format!(
                "SELECT id, node_id, dedup_key FROM reports WHERE node_id{} AND dedup_key{}",
                in_list(node_ids.len()),
                in_list(keys.len())
            ));
            let mut q = sqlx::query(&sql);
            for id in &node_ids {
                q = q.bind(*id);
            }
            for k in &keys {
                q = q.bind(*k);
            }
            for row in q.fetch_all(&mut *tx).await.ctx(ctx())? {
                let (id, node): (i64, i64) = (row.try_get(0).ctx(ctx())?, row.try_get(1).ctx(ctx())?);
                let key = row.text(2).ctx(ctx())?;
                if let Some(b) = batch.iter().find(|b| b.node_id == node && b.dedup_key == key) {
                    seen.insert((node, b.dedup_key), id);
                }
            }
        }
        // `None`: new, to be inserted (index into `fresh`); `Some(id)`: a duplicate of a stored run.
        let mut fresh: Vec<&Item> = Vec::new();
        let mut plan: Vec<std::result::Result<usize, (i64, &str)>> = Vec::with_capacity(batch.len());
        let mut fresh_keys: std::collections::HashSet<(i64, &str)> = std::collections::HashSet::new();
        for b in &batch {
            let key = (b.node_id, b.dedup_key);
            if seen.contains_key(&key) || fresh_keys.contains(&key) {
                plan.push(Err(key));
            } else {
                fresh_keys.insert(key);
                plan.push(Ok(fresh.len()));
                fresh.push(b);
            }
        }

        let received = now_ms();
        let mut ids: std::collections::HashMap<(i64, &str), i64> = std::collections::HashMap::new();
        let per_chunk = CHUNK_PARAMS / REPORT_COLS;
        for chunk in fresh.chunks(per_chunk) {
            let mut sql = String::from(
                "INSERT INTO reports (node_id, host, dedup_key, time, time_text, received_at, status, noop, noop_pending, \
                 transaction_completed, corrective_change, environment, configuration_version, transaction_uuid, catalog_uuid, \
                 cached_catalog_status, puppet_version, report_format, resources_total, resources_changed, resources_failed, \
                 resources_skipped, resources_out_of_sync, resources_restarted, resources_failed_to_restart, \
                 resources_corrective_change, events_total, events_success, events_failure, events_noop, changes_total, time_total) \
                 VALUES ",
            );
            push_rows(&mut sql, chunk.len(), REPORT_COLS);
            // Rows come back in no promised order: they are matched by (node, dedup key), which is unique.
            sql.push_str(" RETURNING id, node_id, dedup_key");
            let sql = self.sql(&sql);
            let mut q = sqlx::query(&sql);
            for b in chunk {
                let r = b.report;
                q = q
                    .bind(b.node_id)
                    .bind(r.host.as_str())
                    .bind(b.dedup_key)
                    .bind(b.time)
                    .bind(truncate(&r.time, 255))
                    .bind(received)
                    .bind(b.status)
                    .bind(flag(r.noop))
                    .bind(flag(r.noop_pending))
                    .bind(flag(r.transaction_completed))
                    .bind(flag(r.corrective_change))
                    .bind(r.environment.as_str())
                    .bind(b.config_version)
                    .bind(r.transaction_uuid.as_deref().map(|s| truncate(s, 255)))
                    .bind(r.catalog_uuid.as_deref().map(|s| truncate(s, 255)))
                    .bind(r.cached_catalog_status.as_deref().map(|s| truncate(s, 255)))
                    .bind(truncate(&r.puppet_version, 255))
                    .bind(i64::from(r.report_format));
                for (category, name) in COUNT_COLUMNS {
                    q = q.bind(metric_i64(r, category, name));
                }
                q = q.bind(metric_f64(r, "time", "total"));
            }
            for row in q.fetch_all(&mut *tx).await.ctx(ctx())? {
                let (id, node): (i64, i64) = (row.try_get(0).ctx(ctx())?, row.try_get(1).ctx(ctx())?);
                let key = row.text(2).ctx(ctx())?;
                if let Some(b) = chunk.iter().find(|b| b.node_id == node && b.dedup_key == key) {
                    ids.insert((node, b.dedup_key), id);
                }
            }
        }
        // Ids in batch order, so that one report stored alone gets the next id as before.
        let mut report_ids = Vec::with_capacity(fresh.len());
        for b in &fresh {
            let id = ids.get(&(b.node_id, b.dedup_key)).copied().ok_or_else(|| {
                DashboardError::BadReport(format!(
                    "report of {} was not returned by its INSERT",
                    b.report.host
                ))
            })?;
            report_ids.push(id);
        }

        let mut children = Children::new();
        for (b, id) in fresh.iter().zip(&report_ids) {
            children.add(*id, b.report, b.time);
        }
        children.insert(self, &mut tx).await.map_err(|e| match e {
            DashboardError::Database { source, .. } => DashboardError::Database { context: ctx(), source },
            other => other,
        })?;

        // The node row mirrors its latest run, so the overview and node list never scan reports.
        // Per node only the batch's latest run is written (ties: the later upload, as one by one).
        let mut latest: std::collections::BTreeMap<i64, (usize, i64)> = std::collections::BTreeMap::new();
        for (i, b) in fresh.iter().enumerate() {
            match latest.get(&b.node_id) {
                Some((_, t)) if *t > b.time => {}
                _ => {
                    latest.insert(b.node_id, (i, b.time));
                }
            }
        }
        let update_node = self.sql(
            "UPDATE nodes SET latest_report_id = ?, latest_time = ?, latest_status = ?, latest_noop_pending = ?, \
             latest_environment = ?, latest_configuration_version = ?, last_catalog = ? \
             WHERE id = ? AND (latest_time IS NULL OR latest_time <= ?)",
        );
        for (node_id, (i, time)) in &latest {
            let b = fresh[*i];
            sqlx::query(&update_node)
                .bind(report_ids[*i])
                .bind(*time)
                .bind(b.status)
                .bind(flag(b.report.noop_pending))
                .bind(b.report.environment.as_str())
                .bind(b.config_version)
                .bind(b.report.catalog.as_str())
                .bind(*node_id)
                .bind(*time)
                .execute(&mut *tx)
                .await
                .ctx(ctx())?;
        }

        let queue_ids: Vec<i64> = items.iter().filter_map(|(_, q)| *q).collect();
        let delete_queued = (!queue_ids.is_empty()).then(|| {
            self.sql(&format!("DELETE FROM {} WHERE id{}", self.queue_table(), in_list(queue_ids.len())))
        });
        if let Some(sql) = delete_queued.as_deref().filter(|_| !self.queue_apart()) {
            let mut q = sqlx::query(sql);
            for id in &queue_ids {
                q = q.bind(*id);
            }
            q.execute(&mut *tx).await.ctx(ctx())?;
        }

        // Last, and in key order, so the hot bucket rows are locked only for the commit.
        let mut counts: std::collections::BTreeMap<(i64, &str, i64), i64> = std::collections::BTreeMap::new();
        for (b, id) in fresh.iter().zip(&report_ids) {
            let key =
                (b.time - b.time.rem_euclid(BUCKET_MS), run_state(b.status, b.report.noop_pending), id % 16);
            *counts.entry(key).or_default() += 1;
        }
        let upsert = self.sql(match self.backend {
            Backend::Mysql => {
                "INSERT INTO run_counts (bucket, state, shard, n) VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE n = n + VALUES(n)"
            }
            _ => {
                "INSERT INTO run_counts (bucket, state, shard, n) VALUES (?, ?, ?, ?) \
                 ON CONFLICT (bucket, state, shard) DO UPDATE SET n = run_counts.n + excluded.n"
            }
        });
        for ((bucket, state, shard), n) in counts {
            sqlx::query(&upsert)
                .bind(bucket)
                .bind(state)
                .bind(shard)
                .bind(n)
                .execute(&mut *tx)
                .await
                .ctx(ctx())?;
        }
        tx.commit().await.ctx(ctx())?;
        drop(_turn);
        if let Some(sql) = delete_queued.as_deref().filter(|_| self.queue_apart()) {
            // The queue has a file of its own: its rows go once this commit is on disk. If that
            // fails or the process stops first, they are stored again as duplicates, then deleted.
            let _queue = self.queue_turn().await;
            let mut q = sqlx::query(sql);
            for id in &queue_ids {
                q = q.bind(*id);
            }
            q.execute(&self.pool).await.ctx(ctx())?;
        }

        let mut outcomes = Vec::with_capacity(plan.len());
        for p in plan {
            outcomes.push(match p {
                Ok(i) => IngestOutcome::Stored(report_ids[i]),
                Err(key) => {
                    let id = seen.get(&key).or_else(|| ids.get(&key)).copied().unwrap_or_default();
                    IngestOutcome::Duplicate(id)
                }
            });
        }
        tracing::debug!(reports = items.len(), stored = report_ids.len(), "stored a batch of reports");
        Ok(outcomes)
    }

    /// The ids of the nodes of `hosts` (one query when they all exist), creating missing ones.
    async fn ensure_nodes<'h>(&self, hosts: &[&'h str]) -> Result<std::collections::HashMap<&'h str, i64>> {
        let mut unique: Vec<&str> = hosts.to_vec();
        unique.sort_unstable();
        unique.dedup();
        let mut sql = String::from("SELECT id, name FROM nodes WHERE name IN ");
        sql.push_str(&row_placeholders(unique.len()));
        let sql = self.sql(&sql);
        let mut q = sqlx::query(&sql);
        for h in &unique {
            q = q.bind(*h);
        }
        let rows = q.fetch_all(&self.pool).await.ctx("find nodes")?;
        let mut found: std::collections::HashMap<String, i64> = std::collections::HashMap::new();
        for row in rows {
            found.insert(row.text(1).ctx("find nodes")?, row.try_get(0).ctx("find nodes")?);
        }
        let mut out = std::collections::HashMap::new();
        for h in unique {
            let id = match found.get(h) {
                Some(id) => *id,
                None => self.ensure_node(h).await?,
            };
            out.insert(h, id);
        }
        Ok(out)
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
