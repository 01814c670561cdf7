//! The ingestion queue: uploads are written to the `report_queue` table and answered at once;
//! background workers store them and delete the queue row in the same transaction.
//!
//! A table rather than an in-memory channel, because "stopping the dashboard during a run loses no
//! report": a report is acknowledged only once it is committed to the queue, and it leaves the
//! queue only when it is stored. After a crash or restart, whatever is left is processed again;
//! ingestion is idempotent, so a report caught between the two is stored once. The queue's length
//! is the "pending tasks" figure of the front page.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use bunraku_model::Report;
use sqlx::Row;
use tokio::sync::{mpsc, Mutex, Notify};

use crate::error::{DashboardError, DbContext, Result};
use crate::store::{now_ms, Store, TextColumn};

/// The formats `POST /reports/upload` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadFormat {
    /// Puppet's `http` processor: `application/x-yaml`, a `!ruby/object:Puppet::Transaction::Report` document.
    Yaml,
    /// Puppet's report JSON (what agents PUT to the master).
    Json,
}

impl UploadFormat {
    /// From the Content-Type, or from the first byte when there is none or an unknown one.
    pub fn detect(content_type: Option<&str>, body: &str) -> UploadFormat {
        let ct = content_type.unwrap_or_default().to_ascii_lowercase();
        if ct.contains("json") {
            UploadFormat::Json
        } else if ct.contains("yaml") {
            UploadFormat::Yaml
        } else if body.trim_start().starts_with('{') {
            UploadFormat::Json
        } else {
            UploadFormat::Yaml
        }
    }
}

/// Reads an uploaded body into a report, or says what is wrong with it (the 400's message).
pub fn parse_upload(content_type: Option<&str>, body: &[u8]) -> Result<Report> {
    let text = std::str::from_utf8(body)
        .map_err(|e| DashboardError::BadReport(format!("body is not UTF-8 (byte {})", e.valid_up_to())))?;
    if text.trim().is_empty() {
        return Err(DashboardError::BadReport("body is empty".into()));
    }
    let report = match UploadFormat::detect(content_type, text) {
        UploadFormat::Json => Report::from_json(text),
        UploadFormat::Yaml => Report::from_yaml(text),
    }
    .map_err(|e| DashboardError::BadReport(e.to_string()))?;
    crate::store::ingest::validate(&report)?;
    Ok(report)
}

impl Store {
    /// Puts a validated report in the queue; returns its queue id. Stored as JSON, the format the
    /// workers read fastest, whatever the upload's format was.
    pub async fn enqueue(&self, report: &Report, source: &str) -> Result<i64> {
        self.enqueue_json(&report.host, report.to_json(), source).await
    }

    /// Puts a report already in Puppet's JSON in the queue, as received (no re-encoding). The
    /// caller has validated it, e.g. with [`parse_upload`].
    pub async fn enqueue_json(&self, host: &str, body: String, source: &str) -> Result<i64> {
        let _turn = self.write_turn().await;
        let row = sqlx::query(
            &self.sql("INSERT INTO report_queue (received_at, source, body) VALUES (?, ?, ?) RETURNING id"),
        )
        .bind(now_ms())
        .bind(source)
        .bind(body)
        .fetch_one(self.pool())
        .await
        .ctx(format!("queue report of {host}"))?;
        row.try_get(0).ctx("queue report")
    }
}

/// Wakes the dispatcher when an upload arrives or a worker finishes, and remembers which queue
/// rows are being stored so that they are handed out once.
#[derive(Debug, Default)]
pub struct QueueSignal {
    notify: Notify,
    in_flight: std::sync::Mutex<HashSet<i64>>,
    hot: std::sync::Mutex<Option<mpsc::Sender<Job>>>,
}

/// Work for an ingest worker: a queue row to read, or one whose report the upload handler has
/// already parsed (the fast path; the row stays the durable copy until it is stored).
#[derive(Debug)]
enum Job {
    Queued(i64),
    Parsed(i64, Box<Report>),
}

impl QueueSignal {
    /// Called after a successful enqueue.
    pub fn wake(&self) {
        self.notify.notify_one();
    }

    /// Gives a just-queued, already parsed report straight to an idle worker, sparing it the
    /// read and parse of the queue row. Returns false (and leaves the row to the dispatcher) when
    /// all workers are busy or the row is already being handled.
    pub fn hand_over(&self, id: i64, report: Report) -> bool {
        let Ok(hot) = self.hot.lock() else { return false };
        let Some(tx) = hot.as_ref() else { return false };
        let claimed = self.in_flight.lock().map(|mut set| set.insert(id)).unwrap_or(false);
        if !claimed {
            return false;
        }
        if tx.try_send(Job::Parsed(id, Box::new(report))).is_ok() {
            return true;
        }
        if let Ok(mut set) = self.in_flight.lock() {
            set.remove(&id);
        }
        self.notify.notify_one();
        false
    }

    fn finish(&self, id: i64) {
        if let Ok(mut set) = self.in_flight.lock() {
            set.remove(&id);
        }
        self.notify.notify_one();
    }
}

/// Starts the dispatcher and `workers` workers; they run until the process ends. A worker that
/// is stopped mid-report leaves its queue row in place (its transaction never commits).
pub fn spawn_workers(store: Store, signal: Arc<QueueSignal>, workers: usize) {
    let (tx, rx) = mpsc::channel::<Job>(workers.max(1) * 2);
    let rx = Arc::new(Mutex::new(rx));
    if let Ok(mut hot) = signal.hot.lock() {
        *hot = Some(tx.clone());
    }
    for n in 0..workers.max(1) {
        let store = store.clone();
        let rx = rx.clone();
        let signal = signal.clone();
        tokio::spawn(async move {
            loop {
                let next = rx.lock().await.recv().await;
                let id = match next {
                    None => break,
                    Some(Job::Queued(id)) => {
                        process(&store, id).await;
                        id
                    }
                    Some(Job::Parsed(id, report)) => {
                        if let Err(e) = store.ingest(&report, Some(id)).await {
                            tracing::warn!(
                                queue_id = id,
                                "storing report failed, will retry from the queue: {e}"
                            );
                            process(&store, id).await;
                        }
                        id
                    }
                };
                signal.finish(id);
            }
            tracing::debug!(worker = n, "ingest worker stopped");
        });
    }
    tokio::spawn(dispatch(store, signal, tx));
}

/// Hands out every queue row not already being stored. Rows are read in id order but not by
/// "id greater than the last one seen": on the servers ids are allocated before commit, so a
/// lower id can become visible after a higher one.
async fn dispatch(store: Store, signal: Arc<QueueSignal>, tx: mpsc::Sender<Job>) {
    let sql = store.sql("SELECT id FROM report_queue ORDER BY id LIMIT 512");
    loop {
        let ids = match sqlx::query(&sql).fetch_all(store.pool()).await {
            Ok(rows) => rows.iter().filter_map(|r| r.try_get::<i64, _>(0).ok()).collect::<Vec<_>>(),
            Err(e) => {
                tracing::warn!("report queue unreadable, retrying: {e}");
                tokio::time::sleep(Duration::from_secs(2)).await;
                continue;
            }
        };
        let fresh: Vec<i64> = match signal.in_flight.lock() {
            Ok(mut set) => ids.into_iter().filter(|id| set.insert(*id)).collect(),
            Err(_) => return,
        };
        if fresh.is_empty() {
            // Wait for an upload or a finished worker; the timeout retries rows whose attempt failed.
            let _ = tokio::time::timeout(Duration::from_secs(1), signal.notify.notified()).await;
            continue;
        }
        for id in fresh {
            if tx.send(Job::Queued(id)).await.is_err() {
                return;
            }
        }
    }
}

async fn process(store: &Store, id: i64) {
    let mut delay = Duration::from_millis(200);
    for attempt in 1..=8 {
        match process_once(store, id).await {
            Ok(()) => return,
            Err(DashboardError::BadReport(why)) => {
                // Validated on upload, so only a corrupted row gets here: drop it rather than loop.
                tracing::error!(queue_id = id, "dropping unreadable queued report: {why}");
                let _ = sqlx::query(&store.sql("DELETE FROM report_queue WHERE id = ?"))
                    .bind(id)
                    .execute(store.pool())
                    .await;
                return;
            }
            Err(e) => {
                tracing::warn!(queue_id = id, attempt, "storing queued report failed, will retry: {e}");
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(10));
            }
        }
    }
    // Still in the table: the dispatcher hands it out again.
}

async fn process_once(store: &Store, id: i64) -> Result<()> {
    let row = sqlx::query(&store.sql("SELECT body FROM report_queue WHERE id = ?"))
        .bind(id)
        .fetch_optional(store.pool())
        .await
        .ctx("read queued report")?;
    let Some(row) = row else { return Ok(()) }; // stored by another process meanwhile
    let body = row.text(0).ctx("read queued report")?;
    let report = Report::from_json(&body).map_err(|e| DashboardError::BadReport(e.to_string()))?;
    let outcome = store.ingest(&report, Some(id)).await?;
    tracing::debug!(queue_id = id, host = %report.host, ?outcome, "queued report processed");
    Ok(())
}

/// Waits until the queue is empty (tests and the bench); gives up after `timeout`.
pub async fn drain(store: &Store, timeout: Duration) -> Result<bool> {
    let deadline = tokio::time::Instant::now() + timeout;
    while tokio::time::Instant::now() < deadline {
        if store.pending_tasks().await? == 0 {
            return Ok(true);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Ok(false)
}
