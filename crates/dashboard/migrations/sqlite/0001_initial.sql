-- The dashboard's schema (SQLite). Times are milliseconds since the Unix epoch (UTC) so that the same
-- integer comparisons work on all three backends; flags are 0/1 integers for the same reason.
CREATE TABLE IF NOT EXISTS nodes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    latest_report_id INTEGER,
    latest_time INTEGER,
    latest_status TEXT,
    latest_noop_pending INTEGER NOT NULL DEFAULT 0,
    latest_environment TEXT,
    latest_configuration_version TEXT,
    last_catalog TEXT,
    last_facts TEXT
);
CREATE INDEX IF NOT EXISTS nodes_latest_time ON nodes (latest_time);

CREATE TABLE IF NOT EXISTS reports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    node_id INTEGER NOT NULL,
    host TEXT NOT NULL,
    dedup_key TEXT NOT NULL,
    time INTEGER NOT NULL,
    time_text TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    status TEXT NOT NULL,
    noop INTEGER NOT NULL,
    noop_pending INTEGER NOT NULL,
    transaction_completed INTEGER NOT NULL,
    corrective_change INTEGER NOT NULL,
    environment TEXT NOT NULL,
    configuration_version TEXT NOT NULL,
    transaction_uuid TEXT,
    catalog_uuid TEXT,
    cached_catalog_status TEXT,
    puppet_version TEXT NOT NULL,
    report_format INTEGER NOT NULL,
    resources_total INTEGER NOT NULL,
    resources_changed INTEGER NOT NULL,
    resources_failed INTEGER NOT NULL,
    resources_skipped INTEGER NOT NULL,
    resources_out_of_sync INTEGER NOT NULL,
    resources_restarted INTEGER NOT NULL,
    resources_failed_to_restart INTEGER NOT NULL,
    resources_corrective_change INTEGER NOT NULL,
    events_total INTEGER NOT NULL,
    events_success INTEGER NOT NULL,
    events_failure INTEGER NOT NULL,
    events_noop INTEGER NOT NULL,
    changes_total INTEGER NOT NULL,
    time_total REAL NOT NULL,
    UNIQUE (node_id, dedup_key)
);
CREATE INDEX IF NOT EXISTS reports_time ON reports (time);
CREATE INDEX IF NOT EXISTS reports_node_time ON reports (node_id, time);
CREATE INDEX IF NOT EXISTS reports_status_time ON reports (status, time);

CREATE TABLE IF NOT EXISTS resource_statuses (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    report_id INTEGER NOT NULL,
    resource TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    title TEXT NOT NULL,
    file TEXT,
    line INTEGER,
    provider_used TEXT,
    containment_path TEXT NOT NULL,
    evaluation_time REAL NOT NULL,
    failed INTEGER NOT NULL,
    changed INTEGER NOT NULL,
    out_of_sync INTEGER NOT NULL,
    skipped INTEGER NOT NULL,
    failed_to_restart INTEGER NOT NULL,
    corrective_change INTEGER NOT NULL,
    change_count INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS resource_statuses_report ON resource_statuses (report_id);

CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    report_id INTEGER NOT NULL,
    resource TEXT NOT NULL,
    property TEXT,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    previous_value TEXT NOT NULL,
    desired_value TEXT NOT NULL,
    message TEXT NOT NULL,
    diff TEXT,
    time INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS events_report ON events (report_id);

CREATE TABLE IF NOT EXISTS logs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    report_id INTEGER NOT NULL,
    level TEXT NOT NULL,
    source TEXT NOT NULL,
    message TEXT NOT NULL,
    time INTEGER NOT NULL,
    file TEXT,
    line INTEGER
);
CREATE INDEX IF NOT EXISTS logs_report ON logs (report_id);

CREATE TABLE IF NOT EXISTS metrics (
    report_id INTEGER NOT NULL,
    category TEXT NOT NULL,
    name TEXT NOT NULL,
    label TEXT NOT NULL,
    value REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS metrics_report ON metrics (report_id);

-- Hourly run counts, split in 16 shards (report id % 16) so that concurrent writers do not queue
-- on one hot row; readers add the shards up.
CREATE TABLE IF NOT EXISTS run_counts (
    bucket INTEGER NOT NULL,
    state TEXT NOT NULL,
    shard INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (bucket, state, shard)
);

CREATE TABLE IF NOT EXISTS report_queue (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    received_at INTEGER NOT NULL,
    source TEXT NOT NULL,
    body TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS sessions (
    token TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL,
    csrf TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);
