//! The ingestion queue: uploads are written to the `report_queue` table and answered once that
//! commit is durable; background workers store them, many per transaction, and delete the queue
//! rows in the same transaction (PostgreSQL, MariaDB) or, on SQLite, whose queue is a file of its
//! own so that uploads never wait for a worker's batch to commit, right after it (the batch's
//! commit is flushed first).
//!
//! A table rather than an in-memory channel, because "stopping the dashboard during a run loses no
//! report": a report is acknowledged only once it is committed to the queue, and it leaves the
//! queue only when it is stored. After a crash or restart, whatever is left is processed again;
//! ingestion is idempotent, so a report caught between the two is stored once. The queue's length
//! is the "pending tasks" figure of the front page.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use bunraku_model::Report;
use sqlx::Row;
use tokio::sync::{mpsc, oneshot, Mutex, Notify};

use crate::error::{DashboardError, DbContext, Result};
use crate::store::{now_ms, Backend, ReportDigest, Store, TextColumn};

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

/// An upload read and validated.
#[derive(Debug)]
pub struct ParsedUpload {
    /// What the store keeps of the report.
    pub digest: ReportDigest,
    /// The report in Puppet's JSON, packed by [`pack`] for the queue: a JSON body as received, a
    /// YAML one re-encoded once (so that workers only ever read JSON).
    pub packed: Vec<u8>,
}

/// Reads an uploaded body, or says what is wrong with it (the 400's message). A JSON body is read
/// straight into a [`ReportDigest`], without building the whole report.
pub fn parse_upload(content_type: Option<&str>, body: &[u8]) -> Result<ParsedUpload> {
    let text = std::str::from_utf8(body)
        .map_err(|e| DashboardError::BadReport(format!("body is not UTF-8 (byte {})", e.valid_up_to())))?;
    if text.trim().is_empty() {
        return Err(DashboardError::BadReport("body is empty".into()));
    }
    match UploadFormat::detect(content_type, text) {
        UploadFormat::Json => Ok(ParsedUpload { digest: ReportDigest::from_json(text)?, packed: pack(body) }),
        UploadFormat::Yaml => {
            let report = Report::from_yaml(text).map_err(|e| DashboardError::BadReport(e.to_string()))?;
            let digest = ReportDigest::from_report(&report)?;
            Ok(ParsedUpload { digest, packed: pack(report.to_json().as_bytes()) })
        }
    }
}

impl Store {
    /// Puts a validated report in the queue; returns its queue id. Stored as JSON, the format the
    /// workers read fastest, whatever the upload's format was.
    pub async fn enqueue(&self, report: &Report, source: &str) -> Result<i64> {
        self.enqueue_json(&report.host, &report.to_json(), source).await
    }

    /// Puts a report already in Puppet's JSON in the queue, as received (no re-encoding). The
    /// caller has validated it, e.g. with [`parse_upload`].
    pub async fn enqueue_json(&self, host: &str, body: &str, source: &str) -> Result<i64> {
        let packed = pack(body.as_bytes());
        let ids = self.enqueue_many(&[Upload { host, packed: &packed, source }]).await?;
        ids.first().copied().ok_or_else(|| DashboardError::BadReport("nothing queued".into()))
    }

    /// Puts several uploads in the queue in one transaction, with one durable commit for all of
    /// them (group commit); returns their queue ids in order. Once this returns, the reports
    /// survive a crash of the process or of the machine, on every backend.
    pub async fn enqueue_many(&self, uploads: &[Upload<'_>]) -> Result<Vec<i64>> {
        let ctx = || match uploads {
            [one] => format!("queue report of {}", one.host),
            many => format!("queue {} reports", many.len()),
        };
        let _turn = self.queue_turn().await;
        let mut conn = self.pool().acquire().await.ctx(ctx())?;
        if self.backend() == Backend::Postgres {
            return enqueue_postgres(&mut conn, uploads).await.ctx(ctx());
        }
        // A queue file of its own is always FULL.
        let sqlite = self.backend() == Backend::Sqlite && !self.queue_apart();
        if sqlite {
            // The pool runs SQLite with `synchronous = NORMAL` (a commit reaches the WAL file but
            // is not flushed): right for ingestion, whose queue rows keep the reports, not for an
            // acknowledged upload. FULL flushes the WAL at this commit, once for the whole group.
            sqlx::query("PRAGMA synchronous = FULL").execute(&mut *conn).await.ctx(ctx())?;
        }
        let result = async {
            let mut tx = sqlx::Connection::begin(&mut *conn).await.ctx(ctx())?;
            let sql = self.sql(&format!(
                "INSERT INTO {} (received_at, source, body, packed) VALUES (?, ?, '', ?) RETURNING id",
                self.queue_table()
            ));
            let mut ids = Vec::with_capacity(uploads.len());
            let now = now_ms();
            for u in uploads {
                let row = sqlx::query(&sql)
                    .bind(now)
                    .bind(u.source)
                    .bind(u.packed)
                    .fetch_one(&mut *tx)
                    .await
                    .ctx(format!("queue report of {}", u.host))?;
                ids.push(row.try_get::<i64, _>(0).ctx(ctx())?);
            }
            tx.commit().await.ctx(ctx())?;
            Ok(ids)
        }
        .await;
        if sqlite {
            let _ = sqlx::query("PRAGMA synchronous = NORMAL").execute(&mut *conn).await;
        }
        result
    }
}

/// [`Store::enqueue_many`] on PostgreSQL in two round trips rather than one per upload plus
/// three: the group's ids from the table's sequence, then one multi-row INSERT, which commits
/// (and is flushed) on its own, all rows or none.
async fn enqueue_postgres(conn: &mut sqlx::AnyConnection, uploads: &[Upload<'_>]) -> sqlx::Result<Vec<i64>> {
    let mut ids: Vec<i64> = sqlx::query_scalar(
        "SELECT nextval(pg_get_serial_sequence('report_queue', 'id')) FROM generate_series(1, $1)",
    )
    .bind(uploads.len() as i64)
    .fetch_all(&mut *conn)
    .await?;
    ids.sort_unstable();
    let mut sql = String::from("INSERT INTO report_queue (id, received_at, source, body, packed) VALUES ");
    for i in 0..uploads.len() {
        let n = i * 4;
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&format!("(${}, ${}, ${}, '', ${})", n + 1, n + 2, n + 3, n + 4));
    }
    let now = now_ms();
    let mut q = sqlx::query(&sql);
    for (u, id) in uploads.iter().zip(&ids) {
        q = q.bind(*id).bind(now).bind(u.source).bind(u.packed);
    }
    q.execute(&mut *conn).await?;
    Ok(ids)
}

/// One upload to queue: its node (for messages), its body in Puppet's report JSON compressed by
/// [`pack`], where it came from.
#[derive(Debug, Clone, Copy)]
pub struct Upload<'a> {
    pub host: &'a str,
    pub packed: &'a [u8],
    pub source: &'a str,
}

/// A report's JSON as the queue keeps it: LZ4 with its length in front (a 180 kB Puppet report
/// packs to about a tenth, in a fraction of the time its parse takes).
pub fn pack(json: &[u8]) -> Vec<u8> {
    lz4_flex::compress_prepend_size(json)
}

fn unpack(packed: &[u8]) -> std::result::Result<String, String> {
    let bytes = lz4_flex::decompress_size_prepended(packed).map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| e.to_string())
}

/// Parsed reports kept in memory for the workers, at most; beyond, workers read the queue row.
const PARSED_MAX: usize = 256;
/// Reports a worker stores per transaction, at most.
const BATCH_MAX: usize = 64;
/// Uploads committed to the queue together, at most (and at most this many bytes).
const GROUP_MAX: usize = 64;
const GROUP_BYTES: usize = 32 * 1024 * 1024;
/// Groups committing at once on the servers (each on its connection; the server's own group
/// commit shares their WAL flushes). SQLite has one writer: one group at a time.
const GROUPS_AT_ONCE: usize = 3;

/// An upload waiting for the group commit, and where to send its queue id.
struct Pending {
    host: String,
    packed: Vec<u8>,
    source: String,
    reply: oneshot::Sender<Result<i64>>,
}

/// The ingestion pipeline's shared state: wakes the dispatcher when an upload arrives or a worker
/// finishes, remembers which queue rows are being stored so that they are handed out once, keeps
/// the reports the upload handler already parsed (so workers do not parse them again), and feeds
/// the group commit of uploads.
#[derive(Debug, Default)]
pub struct QueueSignal {
    notify: Notify,
    in_flight: std::sync::Mutex<HashSet<i64>>,
    hot: std::sync::Mutex<Option<mpsc::Sender<i64>>>,
    parsed: std::sync::Mutex<HashMap<i64, Box<ReportDigest>>>,
    committer: std::sync::Mutex<Option<mpsc::Sender<Pending>>>,
}

impl std::fmt::Debug for Pending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pending").field("host", &self.host).finish()
    }
}

impl QueueSignal {
    /// Called after a successful enqueue.
    pub fn wake(&self) {
        self.notify.notify_one();
    }

    /// Queues an upload durably and returns its queue id. With the workers running, uploads that
    /// arrive together share one transaction and one flush (group commit); the answer comes only
    /// after that commit.
    /// `packed` is the report's JSON compressed by [`pack`].
    pub async fn enqueue(&self, store: &Store, host: &str, packed: Vec<u8>, source: &str) -> Result<i64> {
        let committer = self.committer.lock().ok().and_then(|c| c.clone());
        let Some(committer) = committer else {
            let ids = store.enqueue_many(&[Upload { host, packed: &packed, source }]).await?;
            return ids.first().copied().ok_or_else(|| DashboardError::BadReport("nothing queued".into()));
        };
        let (reply, answer) = oneshot::channel();
        let pending = Pending { host: host.to_string(), packed, source: source.to_string(), reply };
        if let Err(mpsc::error::SendError(p)) = committer.send(pending).await {
            let ids = store.enqueue_many(&[Upload { host, packed: &p.packed, source }]).await?;
            return ids.first().copied().ok_or_else(|| DashboardError::BadReport("nothing queued".into()));
        }
        match answer.await {
            Ok(result) => result,
            Err(_) => Err(DashboardError::BadReport("the queue writer stopped".into())),
        }
    }

    /// Gives a just-queued, already parsed report to the workers, sparing them the read and parse
    /// of the queue row (which stays the durable copy until the report is stored). Returns false
    /// (and leaves the row to the dispatcher) when the row is already being handled or the
    /// workers' backlog is full.
    pub fn hand_over(&self, id: i64, report: ReportDigest) -> bool {
        if let Ok(mut parsed) = self.parsed.lock() {
            if parsed.len() < PARSED_MAX {
                parsed.insert(id, Box::new(report));
            }
        }
        let Ok(hot) = self.hot.lock() else { return false };
        let Some(tx) = hot.as_ref() else { return false };
        let claimed = self.in_flight.lock().map(|mut set| set.insert(id)).unwrap_or(false);
        if !claimed {
            return false;
        }
        if tx.try_send(id).is_ok() {
            return true;
        }
        if let Ok(mut set) = self.in_flight.lock() {
            set.remove(&id);
        }
        self.notify.notify_one();
        false
    }

    fn take_parsed(&self, id: i64) -> Option<Box<ReportDigest>> {
        self.parsed.lock().ok()?.remove(&id)
    }

    fn finish(&self, ids: &[i64]) {
        if let Ok(mut set) = self.in_flight.lock() {
            for id in ids {
                set.remove(id);
            }
        }
        self.notify.notify_one();
    }
}

/// Starts the group committer of uploads, the dispatcher and `workers` workers; they run until
/// the process ends. A worker that is stopped mid-batch leaves its queue rows in place (its
/// transaction never commits).
pub fn spawn_workers(store: Store, signal: Arc<QueueSignal>, workers: usize) {
    let (tx, rx) = mpsc::channel::<i64>(4096);
    let rx = Arc::new(Mutex::new(rx));
    if let Ok(mut hot) = signal.hot.lock() {
        *hot = Some(tx.clone());
    }
    let (commit_tx, commit_rx) = mpsc::channel::<Pending>(GROUP_MAX * 4);
    if let Ok(mut committer) = signal.committer.lock() {
        *committer = Some(commit_tx);
    }
    tokio::spawn(group_commit(store.clone(), commit_rx));
    for n in 0..workers.max(1) {
        let store = store.clone();
        let rx = rx.clone();
        let signal = signal.clone();
        tokio::spawn(async move {
            loop {
                let mut ids = Vec::with_capacity(BATCH_MAX);
                {
                    let mut rx = rx.lock().await;
                    match rx.recv().await {
                        Some(id) => ids.push(id),
                        None => break,
                    }
                    while ids.len() < BATCH_MAX {
                        match rx.try_recv() {
                            Ok(id) => ids.push(id),
                            Err(_) => break,
                        }
                    }
                }
                process_batch(&store, &signal, &ids).await;
                signal.finish(&ids);
            }
            tracing::debug!(worker = n, "ingest worker stopped");
        });
    }
    tokio::spawn(dispatch(store, signal, tx));
}

/// Commits the uploads that wait, together, and answers each with its queue id (or the error).
async fn group_commit(store: Store, mut rx: mpsc::Receiver<Pending>) {
    let groups = Arc::new(tokio::sync::Semaphore::new(match store.backend() {
        Backend::Sqlite => 1,
        _ => GROUPS_AT_ONCE,
    }));
    loop {
        // The next group forms while the previous ones commit, and takes every upload that
        // arrived meanwhile.
        let Ok(turn) = groups.clone().acquire_owned().await else { return };
        let Some(first) = rx.recv().await else { return };
        let mut bytes = first.packed.len();
        let mut group = vec![first];
        while group.len() < GROUP_MAX && bytes < GROUP_BYTES {
            match rx.try_recv() {
                Ok(p) => {
                    bytes += p.packed.len();
                    group.push(p);
                }
                Err(_) => break,
            }
        }
        let store = store.clone();
        tokio::spawn(async move {
            commit_group(&store, group).await;
            drop(turn);
        });
    }
}

/// Queues one group of uploads in one transaction and answers each.
async fn commit_group(store: &Store, group: Vec<Pending>) {
    let uploads: Vec<Upload> =
        group.iter().map(|p| Upload { host: &p.host, packed: &p.packed, source: &p.source }).collect();
    let result = store.enqueue_many(&uploads).await;
    drop(uploads);
    match result {
        Ok(ids) => {
            for (p, id) in group.into_iter().zip(ids) {
                let _ = p.reply.send(Ok(id));
            }
        }
        Err(e) => {
            for p in group {
                let _ = p.reply.send(Err(DashboardError::Database {
                    context: format!("queue report of {}", p.host),
                    source: sqlx::Error::Protocol(e.to_string()),
                }));
            }
        }
    }
}

/// Hands out every queue row not already being stored. Rows are read in id order but not by
/// "id greater than the last one seen": on the servers ids are allocated before commit, so a
/// lower id can become visible after a higher one.
async fn dispatch(store: Store, signal: Arc<QueueSignal>, tx: mpsc::Sender<i64>) {
    let sql = store.sql(&format!("SELECT id FROM {} ORDER BY id LIMIT 512", store.queue_table()));
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
            Ok(mut set) => {
                if ids.is_empty() && set.is_empty() {
                    // Nothing queued and nothing in hand: parsed copies left over (their rows
                    // stored by another process) are dropped.
                    if let Ok(mut parsed) = signal.parsed.lock() {
                        parsed.clear();
                    }
                }
                ids.into_iter().filter(|id| set.insert(*id)).collect()
            }
            Err(_) => return,
        };
        if fresh.is_empty() {
            // Wait for an upload or a finished worker; the timeout retries rows whose attempt failed.
            let _ = tokio::time::timeout(Duration::from_secs(1), signal.notify.notified()).await;
            continue;
        }
        for id in fresh {
            if tx.send(id).await.is_err() {
                return;
            }
        }
    }
}

/// Stores the reports of `ids` in one transaction: those the upload handler parsed from memory,
/// the others read from their queue rows. If the batch fails (one bad report, a lost connection),
/// each report is tried alone so that one cannot hold back the others; what still fails stays
/// queued for the dispatcher to hand out again.
async fn process_batch(store: &Store, signal: &QueueSignal, ids: &[i64]) {
    let mut reports: Vec<(i64, Box<ReportDigest>)> = Vec::with_capacity(ids.len());
    let mut unread = Vec::new();
    for id in ids {
        match signal.take_parsed(*id) {
            Some(r) => reports.push((*id, r)),
            None => unread.push(*id),
        }
    }
    if !unread.is_empty() {
        match read_queued(store, &unread).await {
            Ok(read) => reports.extend(read),
            Err(e) => {
                tracing::warn!("reading queued reports failed, will retry: {e}");
                return;
            }
        }
    }
    if reports.is_empty() {
        return;
    }
    let items: Vec<(&ReportDigest, Option<i64>)> = reports.iter().map(|(id, r)| (&**r, Some(*id))).collect();
    match store.ingest_digests(&items).await {
        Ok(outcomes) => {
            tracing::debug!(reports = outcomes.len(), "queued reports processed");
            return;
        }
        Err(e) if items.len() == 1 => {
            tracing::warn!(queue_id = reports[0].0, "storing queued report failed, will retry: {e}");
            return;
        }
        Err(e) => {
            tracing::warn!("storing {} queued reports failed, trying them one by one: {e}", items.len())
        }
    }
    for item in &items {
        let (report, id) = item;
        if let Err(e) = store.ingest_digests(std::slice::from_ref(item)).await {
            tracing::warn!(queue_id = ?id, host = %report.host, "storing queued report failed, will retry: {e}");
        }
    }
}

/// Reads and parses queue rows (a row already gone was stored by another process meanwhile). A
/// row that no longer parses (it was validated on upload, so only corruption gets here) is
/// dropped rather than retried forever.
async fn read_queued(store: &Store, ids: &[i64]) -> Result<Vec<(i64, Box<ReportDigest>)>> {
    let mut sql = format!("SELECT id, body, packed FROM {} WHERE id IN ", store.queue_table());
    sql.push_str(&crate::store::row_placeholders(ids.len()));
    let sql = store.sql(&sql);
    let mut q = sqlx::query(&sql);
    for id in ids {
        q = q.bind(*id);
    }
    let rows = q.fetch_all(store.pool()).await.ctx("read queued reports")?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let id: i64 = row.try_get(0).ctx("read queued report")?;
        let packed: Option<Vec<u8>> = row.try_get(2).ctx("read queued report")?;
        let body = match packed {
            Some(p) => unpack(&p),
            None => row.text(1).map_err(|e| e.to_string()), // queued before bodies were packed
        };
        match body.and_then(|b| ReportDigest::from_json(&b).map_err(|e| e.to_string())) {
            Ok(r) => out.push((id, Box::new(r))),
            Err(why) => {
                tracing::error!(queue_id = id, "dropping unreadable queued report: {why}");
                let _turn = store.queue_turn().await;
                let _ = sqlx::query(&store.sql(&format!("DELETE FROM {} WHERE id = ?", store.queue_table())))
                    .bind(id)
                    .execute(store.pool())
                    .await;
            }
        }
    }
    Ok(out)
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
