-- The dashboard's schema (MySQL/MariaDB). Keys are VARCHAR because MySQL cannot index LONGTEXT whole; bodies are LONGTEXT. Times are milliseconds since the Unix epoch (UTC) so that the same
-- integer comparisons work on all three backends; flags are 0/1 integers for the same reason.
CREATE TABLE IF NOT EXISTS nodes (
    id BIGINT PRIMARY KEY AUTO_INCREMENT,
    name VARCHAR(255) NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    latest_report_id BIGINT,
    latest_time BIGINT,
    latest_status VARCHAR(255),
    latest_noop_pending BIGINT NOT NULL DEFAULT 0,
    latest_environment VARCHAR(255),
    latest_configuration_version VARCHAR(255),
    last_catalog LONGTEXT,
    last_facts LONGTEXT
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX IF NOT EXISTS nodes_latest_time ON nodes (latest_time);

CREATE TABLE IF NOT EXISTS reports (
    id BIGINT PRIMARY KEY AUTO_INCREMENT,
    node_id BIGINT NOT NULL,
    host VARCHAR(255) NOT NULL,
    dedup_key VARCHAR(255) NOT NULL,
    time BIGINT NOT NULL,
    time_text VARCHAR(255) NOT NULL,
    received_at BIGINT NOT NULL,
    status VARCHAR(255) NOT NULL,
    noop BIGINT NOT NULL,
    noop_pending BIGINT NOT NULL,
    transaction_completed BIGINT NOT NULL,
    corrective_change BIGINT NOT NULL,
    environment VARCHAR(255) NOT NULL,
    configuration_version VARCHAR(255) NOT NULL,
    transaction_uuid VARCHAR(255),
    catalog_uuid VARCHAR(255),
    cached_catalog_status VARCHAR(255),
    puppet_version VARCHAR(255) NOT NULL,
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
    time_total DOUBLE NOT NULL,
    UNIQUE (node_id, dedup_key)
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX IF NOT EXISTS reports_time ON reports (time);
CREATE INDEX IF NOT EXISTS reports_node_time ON reports (node_id, time);
CREATE INDEX IF NOT EXISTS reports_status_time ON reports (status, time);

CREATE TABLE IF NOT EXISTS resource_statuses (
    id BIGINT PRIMARY KEY AUTO_INCREMENT,
    report_id BIGINT NOT NULL,
    resource LONGTEXT NOT NULL,
    resource_type VARCHAR(255) NOT NULL,
    title LONGTEXT NOT NULL,
    file LONGTEXT,
    line BIGINT,
    provider_used VARCHAR(255),
    containment_path LONGTEXT NOT NULL,
    evaluation_time DOUBLE NOT NULL,
    failed BIGINT NOT NULL,
    changed BIGINT NOT NULL,
    out_of_sync BIGINT NOT NULL,
    skipped BIGINT NOT NULL,
    failed_to_restart BIGINT NOT NULL,
    corrective_change BIGINT NOT NULL,
    change_count BIGINT NOT NULL
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX IF NOT EXISTS resource_statuses_report ON resource_statuses (report_id);

CREATE TABLE IF NOT EXISTS events (
    id BIGINT PRIMARY KEY AUTO_INCREMENT,
    report_id BIGINT NOT NULL,
    resource LONGTEXT NOT NULL,
    property VARCHAR(255),
    name VARCHAR(255) NOT NULL,
    status VARCHAR(255) NOT NULL,
    previous_value LONGTEXT NOT NULL,
    desired_value LONGTEXT NOT NULL,
    message LONGTEXT NOT NULL,
    diff LONGTEXT,
    time BIGINT NOT NULL
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX IF NOT EXISTS events_report ON events (report_id);

CREATE TABLE IF NOT EXISTS logs (
    id BIGINT PRIMARY KEY AUTO_INCREMENT,
    report_id BIGINT NOT NULL,
    level VARCHAR(255) NOT NULL,
    source LONGTEXT NOT NULL,
    message LONGTEXT NOT NULL,
    time BIGINT NOT NULL,
    file LONGTEXT,
    line BIGINT
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX IF NOT EXISTS logs_report ON logs (report_id);

CREATE TABLE IF NOT EXISTS metrics (
    report_id BIGINT NOT NULL,
    category VARCHAR(255) NOT NULL,
    name VARCHAR(255) NOT NULL,
    label VARCHAR(255) NOT NULL,
    value DOUBLE NOT NULL
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX IF NOT EXISTS metrics_report ON metrics (report_id);

-- Hourly run counts, split in 16 shards (report id % 16) so that concurrent writers do not queue
-- on one hot row; readers add the shards up.
CREATE TABLE IF NOT EXISTS run_counts (
    bucket BIGINT NOT NULL,
    state VARCHAR(255) NOT NULL,
    shard BIGINT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (bucket, state, shard)
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS report_queue (
    id BIGINT PRIMARY KEY AUTO_INCREMENT,
    received_at BIGINT NOT NULL,
    source LONGTEXT NOT NULL,
    body LONGTEXT NOT NULL
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS users (
    id BIGINT PRIMARY KEY AUTO_INCREMENT,
    name VARCHAR(255) NOT NULL UNIQUE,
    password_hash LONGTEXT NOT NULL,
    role VARCHAR(255) NOT NULL,
    created_at BIGINT NOT NULL
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS sessions (
    token VARCHAR(255) PRIMARY KEY,
    user_id BIGINT NOT NULL,
    csrf VARCHAR(255) NOT NULL,
    expires_at BIGINT NOT NULL
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
