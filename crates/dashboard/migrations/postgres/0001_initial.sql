-- The dashboard's schema (PostgreSQL). Times are milliseconds since the Unix epoch (UTC) so that the same
-- integer comparisons work on all three backends; flags are 0/1 integers for the same reason.
CREATE TABLE IF NOT EXISTS nodes (
    id BIGSERIAL PRIMARY KEY,
    name TEXT COLLATE "C" NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    latest_report_id BIGINT,
    latest_time BIGINT,
    latest_status TEXT COLLATE "C",
    latest_noop_pending BIGINT NOT NULL DEFAULT 0,
    latest_environment TEXT COLLATE "C",
    latest_configuration_version TEXT COLLATE "C",
    last_catalog TEXT COLLATE "C",
    last_facts TEXT COLLATE "C"
);
CREATE INDEX IF NOT EXISTS nodes_latest_time ON nodes (latest_time);

CREATE TABLE IF NOT EXISTS reports (
    id BIGSERIAL PRIMARY KEY,
    node_id BIGINT NOT NULL,
    host TEXT COLLATE "C" NOT NULL,
    dedup_key TEXT COLLATE "C" NOT NULL,
    time BIGINT NOT NULL,
    time_text TEXT COLLATE "C" NOT NULL,
    received_at BIGINT NOT NULL,
    status TEXT COLLATE "C" NOT NULL,
    noop BIGINT NOT NULL,
    noop_pending BIGINT NOT NULL,
    transaction_completed BIGINT NOT NULL,
    corrective_change BIGINT NOT NULL,
    environment TEXT COLLATE "C" NOT NULL,
    configuration_version TEXT COLLATE "C" NOT NULL,
    transaction_uuid TEXT COLLATE "C",
    catalog_uuid TEXT COLLATE "C",
    cached_catalog_status TEXT COLLATE "C",
    puppet_version TEXT COLLATE "C" NOT NULL,
    report_format BIGINT NOT NULL,
    resources_total BIGINT NOT NULL,
    resources_changed BIGINT NOT NULL,
    resources_failed BIGINT NOT NULL,
    resources_skipped BIGINT NOT NULL,
    resources_out_of_sync BIGINT NOT NULL,
    resources_restarted BIGINT NOT NULL,
    resources_failed_to_restart BIGINT NOT NULL,
    resources_corrective_change BIGINT NOT NULL,
    events_total BIGINT NOT NULL,
    events_success BIGINT NOT NULL,
    events_failure BIGINT NOT NULL,
    events_noop BIGINT NOT NULL,
    changes_total BIGINT NOT NULL,
    time_total DOUBLE PRECISION NOT NULL,
    UNIQUE (node_id, dedup_key)
);
CREATE INDEX IF NOT EXISTS reports_time ON reports (time);
CREATE INDEX IF NOT EXISTS reports_node_time ON reports (node_id, time);
CREATE INDEX IF NOT EXISTS reports_status_time ON reports (status, time);

CREATE TABLE IF NOT EXISTS resource_statuses (
    id BIGSERIAL PRIMARY KEY,
    report_id BIGINT NOT NULL,
    resource TEXT COLLATE "C" NOT NULL,
    resource_type TEXT COLLATE "C" NOT NULL,
    title TEXT COLLATE "C" NOT NULL,
    file TEXT COLLATE "C",
    line BIGINT,
    provider_used TEXT COLLATE "C",
    containment_path TEXT COLLATE "C" NOT NULL,
    evaluation_time DOUBLE PRECISION NOT NULL,
    failed BIGINT NOT NULL,
    changed BIGINT NOT NULL,
    out_of_sync BIGINT NOT NULL,
    skipped BIGINT NOT NULL,
    failed_to_restart BIGINT NOT NULL,
    corrective_change BIGINT NOT NULL,
    change_count BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS resource_statuses_report ON resource_statuses (report_id);

CREATE TABLE IF NOT EXISTS events (
    id BIGSERIAL PRIMARY KEY,
    report_id BIGINT NOT NULL,
    resource TEXT COLLATE "C" NOT NULL,
    property TEXT COLLATE "C",
    name TEXT COLLATE "C" NOT NULL,
    status TEXT COLLATE "C" NOT NULL,
    previous_value TEXT COLLATE "C" NOT NULL,
    desired_value TEXT COLLATE "C" NOT NULL,
    message TEXT COLLATE "C" NOT NULL,
    diff TEXT COLLATE "C",
    time BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_report ON events (report_id);

CREATE TABLE IF NOT EXISTS logs (
    id BIGSERIAL PRIMARY KEY,
    report_id BIGINT NOT NULL,
    level TEXT COLLATE "C" NOT NULL,
    source TEXT COLLATE "C" NOT NULL,
    message TEXT COLLATE "C" NOT NULL,
    time BIGINT NOT NULL,
    file TEXT COLLATE "C",
    line BIGINT
);
CREATE INDEX IF NOT EXISTS logs_report ON logs (report_id);

CREATE TABLE IF NOT EXISTS metrics (
    report_id BIGINT NOT NULL,
    category TEXT COLLATE "C" NOT NULL,
    name TEXT COLLATE "C" NOT NULL,
    label TEXT COLLATE "C" NOT NULL,
    value DOUBLE PRECISION NOT NULL
);
CREATE INDEX IF NOT EXISTS metrics_report ON metrics (report_id);

-- Hourly run counts, split in 16 shards (report id % 16) so that concurrent writers do not queue
-- on one hot row; readers add the shards up.
CREATE TABLE IF NOT EXISTS run_counts (
    bucket BIGINT NOT NULL,
    state TEXT COLLATE "C" NOT NULL,
    shard BIGINT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (bucket, state, shard)
);

CREATE TABLE IF NOT EXISTS report_queue (
    id BIGSERIAL PRIMARY KEY,
    received_at BIGINT NOT NULL,
    source TEXT COLLATE "C" NOT NULL,
    body TEXT COLLATE "C" NOT NULL
);

CREATE TABLE IF NOT EXISTS users (
    id BIGSERIAL PRIMARY KEY,
    name TEXT COLLATE "C" NOT NULL UNIQUE,
    password_hash TEXT COLLATE "C" NOT NULL,
    role TEXT COLLATE "C" NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS sessions (
    token TEXT COLLATE "C" PRIMARY KEY,
    user_id BIGINT NOT NULL,
    csrf TEXT COLLATE "C" NOT NULL,
    expires_at BIGINT NOT NULL
);

-- Queue bodies are written once and read once: compressing them costs more CPU than it saves.
ALTER TABLE report_queue ALTER COLUMN body SET STORAGE EXTERNAL;
