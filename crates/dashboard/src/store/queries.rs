//! The questions the pages and the JSON API ask, each one or two indexed queries.
//!
//! The overview and node list read only the `nodes` row (which mirrors each node's latest run) and
//! the `run_counts` hour buckets, never the `reports` table, so they stay fast at a million reports.

use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::Row;

use super::ingest::{CatalogSummary, ReportRow, BUCKET_MS};
use super::{Store, TextColumn};
use crate::error::{DbContext, Result};

/// "Now" and the unresponsive threshold, passed in so that answers are reproducible in tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Clock {
    /// Milliseconds since the epoch.
    pub now: i64,
    /// A node whose latest report is older than this many milliseconds is unresponsive.
    pub unresponsive_after: i64,
}

impl Clock {
    /// The wall clock with the given threshold.
    pub fn wall(unresponsive_after: i64) -> Clock {
        Clock { now: super::now_ms(), unresponsive_after }
    }

    fn cutoff(&self) -> i64 {
        self.now - self.unresponsive_after
    }
}

/// A node's state as the overview counts it, from its latest run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeState {
    Changed,
    Unchanged,
    Failed,
    NoopPending,
    Unresponsive,
    Unreported,
}

impl NodeState {
    /// All states in the order the overview shows them.
    pub const ALL: [NodeState; 6] = [
        NodeState::Failed,
        NodeState::Changed,
        NodeState::Unchanged,
        NodeState::NoopPending,
        NodeState::Unresponsive,
        NodeState::Unreported,
    ];

    /// The name used in URLs, CSS classes and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            NodeState::Changed => "changed",
            NodeState::Unchanged => "unchanged",
            NodeState::Failed => "failed",
            NodeState::NoopPending => "noop_pending",
            NodeState::Unresponsive => "unresponsive",
            NodeState::Unreported => "unreported",
        }
    }

    /// What a person reads.
    pub fn label(self) -> &'static str {
        match self {
            NodeState::Changed => "Changed",
            NodeState::Unchanged => "Unchanged",
            NodeState::Failed => "Failed",
            NodeState::NoopPending => "Noop pending",
            NodeState::Unresponsive => "Unresponsive",
            NodeState::Unreported => "Unreported",
        }
    }

    /// The inverse of [`NodeState::as_str`].
    pub fn parse(s: &str) -> Option<NodeState> {
        NodeState::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// The WHERE fragment selecting nodes in this state; every `?` binds the cutoff.
    fn condition(self) -> &'static str {
        match self {
            NodeState::Unreported => "latest_report_id IS NULL",
            NodeState::Unresponsive => "(latest_report_id IS NOT NULL AND latest_time < ?)",
            NodeState::Failed => "(latest_time >= ? AND latest_status = 'failed')",
            NodeState::NoopPending => {
                "(latest_time >= ? AND latest_status <> 'failed' AND latest_noop_pending = 1)"
            }
            NodeState::Changed => {
                "(latest_time >= ? AND latest_status = 'changed' AND latest_noop_pending = 0)"
            }
            NodeState::Unchanged => {
                "(latest_time >= ? AND latest_status = 'unchanged' AND latest_noop_pending = 0)"
            }
        }
    }

    fn binds(self) -> usize {
        usize::from(self != NodeState::Unreported)
    }

    fn of(latest_time: Option<i64>, status: Option<&str>, noop_pending: bool, clock: &Clock) -> NodeState {
        match (latest_time, status) {
            (None, _) | (_, None) => NodeState::Unreported,
            (Some(t), _) if t < clock.cutoff() => NodeState::Unresponsive,
            (_, Some("failed")) => NodeState::Failed,
            _ if noop_pending => NodeState::NoopPending,
            (_, Some("changed")) => NodeState::Changed,
            _ => NodeState::Unchanged,
        }
    }
}

/// Node counts per state.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct StateCounts {
    pub failed: i64,
    pub changed: i64,
    pub unchanged: i64,
    pub noop_pending: i64,
    pub unresponsive: i64,
    pub unreported: i64,
    pub total: i64,
}

impl StateCounts {
    /// The count for one state.
    pub fn get(&self, state: NodeState) -> i64 {
        match state {
            NodeState::Failed => self.failed,
            NodeState::Changed => self.changed,
            NodeState::Unchanged => self.unchanged,
            NodeState::NoopPending => self.noop_pending,
            NodeState::Unresponsive => self.unresponsive,
            NodeState::Unreported => self.unreported,
        }
    }
}

/// Runs that started in one hour, by outcome.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RunBucket {
    /// Start of the hour, milliseconds since the epoch.
    pub start: i64,
    pub failed: i64,
    pub changed: i64,
    pub unchanged: i64,
    pub noop: i64,
}

impl RunBucket {
    /// All runs in the bucket.
    pub fn total(&self) -> i64 {
        self.failed + self.changed + self.unchanged + self.noop
    }
}

/// Everything the front page shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Overview {
    pub clock: Clock,
    pub counts: StateCounts,
    /// Reports received but not yet stored: puppet-dashboard's "pending tasks".
    pub pending_tasks: i64,
    /// The last 24 hours, oldest first, one bucket per hour.
    pub runs: Vec<RunBucket>,
    pub recent_failures: Vec<ReportRow>,
}

/// How the node list is sorted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeSort {
    #[default]
    Name,
    LastRun,
    Status,
    Environment,
}

impl NodeSort {
    /// The inverse of the serde name, for query strings.
    pub fn parse(s: &str) -> Option<NodeSort> {
        match s {
            "name" => Some(NodeSort::Name),
            "last_run" => Some(NodeSort::LastRun),
            "status" => Some(NodeSort::Status),
            "environment" => Some(NodeSort::Environment),
            _ => None,
        }
    }

    /// The query-string name.
    pub fn as_str(self) -> &'static str {
        match self {
            NodeSort::Name => "name",
            NodeSort::LastRun => "last_run",
            NodeSort::Status => "status",
            NodeSort::Environment => "environment",
        }
    }
}

/// The node list's search, filter, sort and page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodeQuery {
    /// Case-insensitive substring of the certname.
    pub search: Option<String>,
    pub state: Option<NodeState>,
    pub environment: Option<String>,
    pub sort: NodeSort,
    pub descending: bool,
    pub limit: i64,
    pub offset: i64,
}

impl Default for NodeQuery {
    fn default() -> NodeQuery {
        NodeQuery {
            search: None,
            state: None,
            environment: None,
            sort: NodeSort::Name,
            descending: false,
            limit: 100,
            offset: 0,
        }
    }
}

/// One line of the node list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NodeRow {
    pub name: String,
    pub state: NodeState,
    pub latest_report_id: Option<i64>,
    pub latest_time: Option<i64>,
    pub latest_status: Option<String>,
    pub environment: Option<String>,
    pub configuration_version: Option<String>,
}

/// A page of the node list and how many nodes match in all.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NodeList {
    pub total: i64,
    pub nodes: Vec<NodeRow>,
}

/// One event (a property change, a failure, a refresh) with its values.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventRow {
    pub report_id: i64,
    pub resource: String,
    pub property: Option<String>,
    pub name: String,
    pub status: String,
    pub previous_value: String,
    pub desired_value: String,
    pub message: String,
    /// The unified diff of a file's content change, when Puppet logged one.
    pub diff: Option<String>,
    pub time: i64,
}

/// The node page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NodeDetail {
    pub node: NodeRow,
    /// Latest runs first.
    pub reports: Vec<ReportRow>,
    pub catalog: CatalogSummary,
    pub facts: Option<serde_json::Value>,
    /// Events of the node's latest runs, newest first.
    pub last_changes: Vec<EventRow>,
}

/// A resource status worth showing (see the ingest module for which are stored).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResourceRow {
    pub resource: String,
    pub resource_type: String,
    pub title: String,
    pub file: Option<String>,
    pub line: Option<i64>,
    pub containment_path: String,
    pub evaluation_time: f64,
    pub failed: bool,
    pub changed: bool,
    pub out_of_sync: bool,
    pub skipped: bool,
}

/// One log line of a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LogRow {
    pub level: String,
    pub source: String,
    pub message: String,
    pub time: i64,
    pub file: Option<String>,
    pub line: Option<i64>,
}

/// One metric value (`time`/`file` = 0.0123).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricRow {
    pub category: String,
    pub name: String,
    pub label: String,
    pub value: f64,
}

/// The report page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportDetail {
    pub report: ReportRow,
    pub transaction_completed: bool,
    pub catalog_uuid: Option<String>,
    pub cached_catalog_status: Option<String>,
    pub resource_statuses: Vec<ResourceRow>,
    pub events: Vec<EventRow>,
    pub logs: Vec<LogRow>,
    pub metrics: Vec<MetricRow>,
}

/// A failed run with what failed in it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FailureRow {
    pub report: ReportRow,
    pub failed_events: Vec<EventRow>,
    /// Error-level log lines (a compile failure has no events, only these).
    pub errors: Vec<LogRow>,
}

const REPORT_COLUMNS: &str = "r.id, r.host, r.time, r.status, r.noop, r.noop_pending, r.environment, \
    r.configuration_version, r.transaction_uuid, r.puppet_version, r.resources_total, r.resources_changed, \
    r.resources_failed, r.resources_skipped, r.resources_out_of_sync, r.events_failure, r.time_total";

const NODE_COLUMNS: &str = "name, latest_report_id, latest_time, latest_status, latest_noop_pending, \
    latest_environment, latest_configuration_version";

const EVENT_COLUMNS: &str =
    "e.report_id, e.resource, e.property, e.name, e.status, e.previous_value, e.desired_value, e.message, e.diff, e.time";

const LOG_COLUMNS: &str = "level, source, message, time, file, line";

fn report_row(row: &AnyRow) -> std::result::Result<ReportRow, sqlx::Error> {
    Ok(ReportRow {
        id: row.try_get(0)?,
        host: row.text(1)?,
        time: row.try_get(2)?,
        status: row.text(3)?,
        noop: row.try_get::<i64, _>(4)? != 0,
        noop_pending: row.try_get::<i64, _>(5)? != 0,
        environment: row.text(6)?,
        configuration_version: row.text(7)?,
        transaction_uuid: row.opt_text(8)?,
        puppet_version: row.text(9)?,
        resources_total: row.try_get(10)?,
        resources_changed: row.try_get(11)?,
        resources_failed: row.try_get(12)?,
        resources_skipped: row.try_get(13)?,
        resources_out_of_sync: row.try_get(14)?,
        events_failure: row.try_get(15)?,
        time_total: row.try_get(16)?,
    })
}

fn node_row(row: &AnyRow, clock: &Clock) -> std::result::Result<NodeRow, sqlx::Error> {
    let latest_time: Option<i64> = row.try_get(2)?;
    let latest_status = row.opt_text(3)?;
    let noop_pending = row.try_get::<i64, _>(4)? != 0;
    Ok(NodeRow {
        name: row.text(0)?,
        state: NodeState::of(latest_time, latest_status.as_deref(), noop_pending, clock),
        latest_report_id: row.try_get(1)?,
        latest_time,
        latest_status,
        environment: row.opt_text(5)?,
        configuration_version: row.opt_text(6)?,
    })
}

fn event_row(row: &AnyRow) -> std::result::Result<EventRow, sqlx::Error> {
    Ok(EventRow {
        report_id: row.try_get(0)?,
        resource: row.text(1)?,
        property: row.opt_text(2)?,
        name: row.text(3)?,
        status: row.text(4)?,
        previous_value: row.text(5)?,
        desired_value: row.text(6)?,
        message: row.text(7)?,
        diff: row.opt_text(8)?,
        time: row.try_get(9)?,
    })
}

fn log_row(row: &AnyRow) -> std::result::Result<LogRow, sqlx::Error> {
    Ok(LogRow {
        level: row.text(0)?,
        source: row.text(1)?,
        message: row.text(2)?,
        time: row.try_get(3)?,
        file: row.opt_text(4)?,
        line: row.try_get(5)?,
    })
}

impl Store {
    /// Node counts by the state of their latest run.
    pub async fn state_counts(&self, clock: &Clock) -> Result<StateCounts> {
        let columns: Vec<String> =
            NodeState::ALL.iter().map(|s| format!("COUNT(CASE WHEN {} THEN 1 END)", s.condition())).collect();
        let sql = self.sql(&format!("SELECT {}, COUNT(*) FROM nodes", columns.join(", ")));
        let mut q = sqlx::query(&sql);
        for s in NodeState::ALL {
            for _ in 0..s.binds() {
                q = q.bind(clock.cutoff());
            }
        }
        let row = q.fetch_one(&self.pool).await.ctx("count nodes by state")?;
        let get = |i: usize| row.try_get::<i64, _>(i).ctx("count nodes by state");
        Ok(StateCounts {
            failed: get(0)?,
            changed: get(1)?,
            unchanged: get(2)?,
            noop_pending: get(3)?,
            unresponsive: get(4)?,
            unreported: get(5)?,
            total: get(6)?,
        })
    }

    /// Reports waiting in the queue.
    pub async fn pending_tasks(&self) -> Result<i64> {
        let row = sqlx::query(&format!("SELECT COUNT(*) FROM {}", self.queue_table()))
            .fetch_one(&self.pool)
            .await
            .ctx("count queue")?;
        row.try_get(0).ctx("count queue")
    }

    /// Runs per hour by outcome over the `hours` hours up to `clock.now`, oldest first, empty hours included.
    pub async fn runs_over_time(&self, clock: &Clock, hours: i64) -> Result<Vec<RunBucket>> {
        let last = clock.now - clock.now.rem_euclid(BUCKET_MS);
        let first = last - (hours - 1) * BUCKET_MS;
        let rows = sqlx::query(
            &self.sql("SELECT bucket, state, n FROM run_counts WHERE bucket >= ? AND bucket <= ?"),
        )
        .bind(first)
        .bind(last)
        .fetch_all(&self.pool)
        .await
        .ctx("runs over time")?;
        let mut buckets: Vec<RunBucket> =
            (0..hours).map(|i| RunBucket { start: first + i * BUCKET_MS, ..RunBucket::default() }).collect();
        for row in rows {
            let bucket: i64 = row.try_get(0).ctx("runs over time")?;
            let state = row.text(1).ctx("runs over time")?;
            let n: i64 = row.try_get(2).ctx("runs over time")?;
            let Some(b) = buckets.get_mut(((bucket - first) / BUCKET_MS) as usize) else { continue };
            match state.as_str() {
                "failed" => b.failed += n,
                "changed" => b.changed += n,
                "noop" => b.noop += n,
                _ => b.unchanged += n,
            }
        }
        Ok(buckets)
    }

    /// The front page.
    pub async fn overview(&self, clock: &Clock) -> Result<Overview> {
        let recent_failures = self.failed_reports(10).await?;
        Ok(Overview {
            clock: *clock,
            counts: self.state_counts(clock).await?,
            pending_tasks: self.pending_tasks().await?,
            runs: self.runs_over_time(clock, 24).await?,
            recent_failures,
        })
    }

    /// The node list.
    pub async fn nodes(&self, query: &NodeQuery, clock: &Clock) -> Result<NodeList> {
        let mut conditions: Vec<String> = Vec::new();
        let mut text_binds: Vec<String> = Vec::new();
        let mut cutoff_binds = 0;
        // Binds are pushed in the order the fragments appear: cutoff first, then text.
        if let Some(state) = query.state {
            conditions.push(state.condition().to_string());
            cutoff_binds = state.binds();
        }
        if let Some(search) = query.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            conditions.push("LOWER(name) LIKE ?".into());
            text_binds.push(format!("%{}%", search.to_lowercase()));
        }
        if let Some(env) = query.environment.as_deref().filter(|s| !s.is_empty()) {
            conditions.push("latest_environment = ?".into());
            text_binds.push(env.to_string());
        }
        let filter = if conditions.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", conditions.join(" AND "))
        };
        let column = match query.sort {
            NodeSort::Name => "name",
            NodeSort::LastRun => "latest_time",
            NodeSort::Status => "latest_status",
            NodeSort::Environment => "latest_environment",
        };
        let dir = if query.descending { "DESC" } else { "ASC" };
        // Nodes without a value sort last either way, identically on the three engines.
        let order = format!("CASE WHEN {column} IS NULL THEN 1 ELSE 0 END, {column} {dir}, name {dir}");

        let count_sql = self.sql(&format!("SELECT COUNT(*) FROM nodes{filter}"));
        let mut count = sqlx::query(&count_sql);
        for _ in 0..cutoff_binds {
            count = count.bind(clock.cutoff());
        }
        for t in &text_binds {
            count = count.bind(t.clone());
        }
        let total: i64 =
            count.fetch_one(&self.pool).await.ctx("count nodes")?.try_get(0).ctx("count nodes")?;

        let list_sql =
            self.sql(&format!("SELECT {NODE_COLUMNS} FROM nodes{filter} ORDER BY {order} LIMIT ? OFFSET ?"));
        let mut list = sqlx::query(&list_sql);
        for _ in 0..cutoff_binds {
            list = list.bind(clock.cutoff());
        }
        for t in &text_binds {
            list = list.bind(t.clone());
        }
        let rows = list
            .bind(query.limit.clamp(1, 1000))
            .bind(query.offset.max(0))
            .fetch_all(&self.pool)
            .await
            .ctx("list nodes")?;
        let nodes = rows
            .iter()
            .map(|r| node_row(r, clock))
            .collect::<std::result::Result<_, _>>()
            .ctx("list nodes")?;
        Ok(NodeList { total, nodes })
    }

    /// Environments with at least one node, for the node list's filter.
    pub async fn environments(&self) -> Result<Vec<String>> {
        let rows = sqlx::query(
            "SELECT DISTINCT latest_environment FROM nodes WHERE latest_environment IS NOT NULL ORDER BY latest_environment",
        )
        .fetch_all(&self.pool)
        .await
        .ctx("list environments")?;
        rows.iter().map(|r| r.text(0)).collect::<std::result::Result<_, _>>().ctx("list environments")
    }

    /// What orchestration discovers nodes by: every node's name, its last facts (JSON, when they
    /// were stored) and the classes of its last run (from the stored catalog summary).
    pub async fn discovery(&self) -> Result<Vec<(String, Option<serde_json::Value>, Vec<String>)>> {
        let rows = sqlx::query("SELECT name, last_facts, last_catalog FROM nodes ORDER BY name")
            .fetch_all(&self.pool)
            .await
            .ctx("list nodes for discovery")?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let name = r.text(0).ctx("list nodes for discovery")?;
            let facts =
                r.opt_text(1).ctx("list nodes for discovery")?.and_then(|f| serde_json::from_str(&f).ok());
            let classes = r
                .opt_text(2)
                .ctx("list nodes for discovery")?
                .and_then(|c| serde_json::from_str::<CatalogSummary>(&c).ok())
                .map(|c| c.classes)
                .unwrap_or_default();
            out.push((name, facts, classes));
        }
        Ok(out)
    }

    /// The node page; `None` for an unknown node.
    pub async fn node(&self, name: &str, clock: &Clock, history: i64) -> Result<Option<NodeDetail>> {
        let ctx = || format!("load node {name}");
        let sql = self
            .sql(&format!("SELECT {NODE_COLUMNS}, id, last_catalog, last_facts FROM nodes WHERE name = ?"));
        let Some(row) = sqlx::query(&sql).bind(name).fetch_optional(&self.pool).await.ctx(ctx())? else {
            return Ok(None);
        };
        let node = node_row(&row, clock).ctx(ctx())?;
        let id: i64 = row.try_get(7).ctx(ctx())?;
        let catalog = row.opt_text(8).ctx(ctx())?;
        let facts = row.opt_text(9).ctx(ctx())?;
        let catalog = catalog.and_then(|c| serde_json::from_str(&c).ok()).unwrap_or_default();
        let facts = facts.and_then(|f| serde_json::from_str(&f).ok());

        let sql = self.sql(&format!(
            "SELECT {REPORT_COLUMNS} FROM reports r WHERE r.node_id = ? ORDER BY r.time DESC, r.id DESC LIMIT ?"
        ));
        let rows =
            sqlx::query(&sql).bind(id).bind(history.clamp(1, 1000)).fetch_all(&self.pool).await.ctx(ctx())?;
        let reports: Vec<ReportRow> =
            rows.iter().map(report_row).collect::<std::result::Result<_, _>>().ctx(ctx())?;

        let recent: Vec<i64> = reports.iter().take(10).map(|r| r.id).collect();
        let last_changes = self.events_of(&recent, 50).await?;
        Ok(Some(NodeDetail { node, reports, catalog, facts, last_changes }))
    }

    async fn events_of(&self, report_ids: &[i64], limit: i64) -> Result<Vec<EventRow>> {
        if report_ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = self.sql(&format!(
            "SELECT {EVENT_COLUMNS} FROM events e WHERE e.report_id IN {} ORDER BY e.report_id DESC, e.id LIMIT ?",
            super::row_placeholders(report_ids.len())
        ));
        let mut q = sqlx::query(&sql);
        for id in report_ids {
            q = q.bind(*id);
        }
        let rows = q.bind(limit).fetch_all(&self.pool).await.ctx("load events")?;
        rows.iter().map(event_row).collect::<std::result::Result<_, _>>().ctx("load events")
    }

    /// Stores the node's facts (from the master's database processor); shown on the node page.
    pub async fn store_facts(&self, host: &str, facts: &serde_json::Value) -> Result<()> {
        let _turn = self.write_turn().await;
        let id = self.ensure_node(host).await?;
        sqlx::query(&self.sql("UPDATE nodes SET last_facts = ? WHERE id = ?"))
            .bind(facts.to_string())
            .bind(id)
            .execute(&self.pool)
            .await
            .ctx(format!("store facts of {host}"))?;
        Ok(())
    }

    /// Registers a node before its first report, so that it shows as unreported.
    pub async fn add_node(&self, name: &str) -> Result<()> {
        self.ensure_node(name).await.map(|_| ())
    }

    /// The report page; `None` for an unknown id.
    pub async fn report(&self, id: i64) -> Result<Option<ReportDetail>> {
        let ctx = || format!("load report {id}");
        let sql = self.sql(&format!(
            "SELECT {REPORT_COLUMNS}, r.transaction_completed, r.catalog_uuid, r.cached_catalog_status FROM reports r WHERE r.id = ?"
        ));
        let Some(row) = sqlx::query(&sql).bind(id).fetch_optional(&self.pool).await.ctx(ctx())? else {
            return Ok(None);
        };
        let report = report_row(&row).ctx(ctx())?;
        let transaction_completed = row.try_get::<i64, _>(17).ctx(ctx())? != 0;
        let catalog_uuid = row.opt_text(18).ctx(ctx())?;
        let cached_catalog_status = row.opt_text(19).ctx(ctx())?;

        let sql = self.sql(
            "SELECT resource, resource_type, title, file, line, containment_path, evaluation_time, failed, changed, \
             out_of_sync, skipped FROM resource_statuses WHERE report_id = ? ORDER BY id",
        );
        let rows = sqlx::query(&sql).bind(id).fetch_all(&self.pool).await.ctx(ctx())?;
        let resource_statuses = rows
            .iter()
            .map(|r| -> std::result::Result<ResourceRow, sqlx::Error> {
                Ok(ResourceRow {
                    resource: r.text(0)?,
                    resource_type: r.text(1)?,
                    title: r.text(2)?,
                    file: r.opt_text(3)?,
                    line: r.try_get(4)?,
                    containment_path: r.text(5)?,
                    evaluation_time: r.try_get(6)?,
                    failed: r.try_get::<i64, _>(7)? != 0,
                    changed: r.try_get::<i64, _>(8)? != 0,
                    out_of_sync: r.try_get::<i64, _>(9)? != 0,
                    skipped: r.try_get::<i64, _>(10)? != 0,
                })
            })
            .collect::<std::result::Result<_, _>>()
            .ctx(ctx())?;

        let sql =
            self.sql(&format!("SELECT {EVENT_COLUMNS} FROM events e WHERE e.report_id = ? ORDER BY e.id"));
        let rows = sqlx::query(&sql).bind(id).fetch_all(&self.pool).await.ctx(ctx())?;
        let events = rows.iter().map(event_row).collect::<std::result::Result<_, _>>().ctx(ctx())?;

        let sql = self.sql(&format!("SELECT {LOG_COLUMNS} FROM logs WHERE report_id = ? ORDER BY id"));
        let rows = sqlx::query(&sql).bind(id).fetch_all(&self.pool).await.ctx(ctx())?;
        let logs = rows.iter().map(log_row).collect::<std::result::Result<_, _>>().ctx(ctx())?;

        let sql = self.sql(
            "SELECT category, name, label, value FROM metrics WHERE report_id = ? ORDER BY category, name",
        );
        let rows = sqlx::query(&sql).bind(id).fetch_all(&self.pool).await.ctx(ctx())?;
        let metrics = rows
            .iter()
            .map(|r| -> std::result::Result<MetricRow, sqlx::Error> {
                Ok(MetricRow {
                    category: r.text(0)?,
                    name: r.text(1)?,
                    label: r.text(2)?,
                    value: r.try_get(3)?,
                })
            })
            .collect::<std::result::Result<_, _>>()
            .ctx(ctx())?;
        Ok(Some(ReportDetail {
            report,
            transaction_completed,
            catalog_uuid,
            cached_catalog_status,
            resource_statuses,
            events,
            logs,
            metrics,
        }))
    }

    /// The latest failed runs, newest first.
    pub async fn failed_reports(&self, limit: i64) -> Result<Vec<ReportRow>> {
        let sql = self.sql(&format!(
            "SELECT {REPORT_COLUMNS} FROM reports r WHERE r.status = 'failed' ORDER BY r.time DESC, r.id DESC LIMIT ?"
        ));
        let rows = sqlx::query(&sql).bind(limit).fetch_all(&self.pool).await.ctx("failed reports")?;
        rows.iter().map(report_row).collect::<std::result::Result<_, _>>().ctx("failed reports")
    }

    /// The failures page: the latest failed runs with their failed events and error lines.
    pub async fn failures(&self, limit: i64) -> Result<Vec<FailureRow>> {
        let reports = self.failed_reports(limit).await?;
        let mut out = Vec::with_capacity(reports.len());
        for report in reports {
            let sql = self.sql(&format!(
                "SELECT {EVENT_COLUMNS} FROM events e WHERE e.report_id = ? AND e.status = 'failure' ORDER BY e.id LIMIT 20"
            ));
            let rows = sqlx::query(&sql).bind(report.id).fetch_all(&self.pool).await.ctx("failures")?;
            let failed_events =
                rows.iter().map(event_row).collect::<std::result::Result<_, _>>().ctx("failures")?;
            let sql = self.sql(&format!(
                "SELECT {LOG_COLUMNS} FROM logs WHERE report_id = ? AND level IN ('err', 'alert', 'emerg', 'crit') ORDER BY id LIMIT 20"
            ));
            let rows = sqlx::query(&sql).bind(report.id).fetch_all(&self.pool).await.ctx("failures")?;
            let errors = rows.iter().map(log_row).collect::<std::result::Result<_, _>>().ctx("failures")?;
            out.push(FailureRow { report, failed_events, errors });
        }
        Ok(out)
    }
}
