-- MySQL 8.0.1+ / MariaDB 10.6+. Every table is utf8mb4 with binary collation: names, keys and dedupe
-- keys compare as on SQLite and PostgreSQL (case and accents matter). Keyed text is VARCHAR (InnoDB
-- indexes no TEXT without a prefix); other text is LONGTEXT. Times are BIGINT ms since the epoch, UTC.
CREATE TABLE schema_version (version BIGINT NOT NULL, applied_at BIGINT NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE queues (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name VARCHAR(255) NOT NULL UNIQUE,
    concurrency BIGINT NOT NULL,
    rate_max BIGINT NOT NULL DEFAULT 0,
    rate_window_ms BIGINT NOT NULL DEFAULT 0,
    max_attempts BIGINT NOT NULL,
    backoff_kind VARCHAR(64) NOT NULL,
    backoff_base_ms BIGINT NOT NULL,
    backoff_cap_ms BIGINT NOT NULL DEFAULT 0,
    backoff_jitter DOUBLE NOT NULL DEFAULT 0,
    paused BIGINT NOT NULL DEFAULT 0,
    retain_completed_ms BIGINT,
    retain_failed_ms BIGINT,
    retain_cancelled_ms BIGINT,
    default_channel VARCHAR(255) NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE messages (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    queue_id BIGINT NOT NULL,
    type VARCHAR(255) NOT NULL,
    channel VARCHAR(255) NOT NULL,
    recipient VARCHAR(512) NOT NULL DEFAULT '',
    payload LONGTEXT NOT NULL DEFAULT ('{}'),
    labels LONGTEXT NOT NULL DEFAULT ('{}'),
    priority BIGINT NOT NULL,
    state BIGINT NOT NULL,
    run_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    started_at BIGINT,
    finished_at BIGINT,
    attempts BIGINT NOT NULL DEFAULT 0,
    max_attempts BIGINT NOT NULL,
    lease_owner VARCHAR(255),
    lease_until BIGINT,
    stalls BIGINT NOT NULL DEFAULT 0,
    dedupe_key VARCHAR(700),
    provider_message_id VARCHAR(512),
    last_error LONGTEXT,
    FOREIGN KEY (queue_id) REFERENCES queues(id)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Claim order within a queue: priority, run_at, id.
CREATE INDEX messages_claim ON messages (queue_id, state, priority, run_at, id);

-- Keyset pages of a queue, and of a queue in one state, newest or oldest first.
CREATE INDEX messages_queue_page ON messages (queue_id, id);

CREATE INDEX messages_queue_state_page ON messages (queue_id, state, id);

-- Promotion of due messages, upcoming, lease expiry.
CREATE INDEX messages_state_run_at ON messages (state, run_at);

-- A unique index lets any number of NULLs through: only messages with a key are deduplicated.
CREATE UNIQUE INDEX messages_dedupe ON messages (queue_id, dedupe_key);

CREATE TABLE message_labels (
    message_id BIGINT NOT NULL,
    "key" VARCHAR(255) NOT NULL,
    value VARCHAR(500) NOT NULL,
    PRIMARY KEY (message_id, "key"),
    FOREIGN KEY (message_id) REFERENCES messages(id) ON DELETE CASCADE) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE INDEX message_labels_key_value ON message_labels ("key", value, message_id);

CREATE TABLE attempts (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    message_id BIGINT NOT NULL,
    number BIGINT NOT NULL,
    started_at BIGINT NOT NULL,
    finished_at BIGINT,
    outcome VARCHAR(64) NOT NULL DEFAULT '',
    error LONGTEXT,
    response_code BIGINT NOT NULL DEFAULT 0,
    worker VARCHAR(255) NOT NULL DEFAULT '',
    FOREIGN KEY (message_id) REFERENCES messages(id) ON DELETE CASCADE) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE INDEX attempts_message ON attempts (message_id, number);

CREATE TABLE queue_counts (
    queue_id BIGINT NOT NULL,
    state BIGINT NOT NULL,
    n BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (queue_id, state),
    FOREIGN KEY (queue_id) REFERENCES queues(id) ON DELETE CASCADE) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The counters are kept by triggers, so no code path can forget them. MySQL triggers run per row: each
-- adds its change to one of 16 slots per (queue, state), picked by the connection, so that workers on
-- many machines do not queue on one counter row (a slot's row lock is held until its transaction
-- commits). Readers add the slots to queue_counts; nothing needs folding.
CREATE TABLE queue_count_deltas (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    queue_id BIGINT NOT NULL,
    state BIGINT NOT NULL,
    n BIGINT NOT NULL,
    slot BIGINT NOT NULL DEFAULT 0,
    UNIQUE (queue_id, state, slot)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TRIGGER queues_counts_rows AFTER INSERT ON queues FOR EACH ROW
    INSERT INTO queue_counts (queue_id, state, n) VALUES (NEW.id, 0, 0), (NEW.id, 1, 0), (NEW.id, 2, 0), (NEW.id, 3, 0), (NEW.id, 4, 0),
        (NEW.id, 5, 0);

CREATE TRIGGER messages_count_insert AFTER INSERT ON messages FOR EACH ROW
    INSERT INTO queue_count_deltas (queue_id, state, slot, n) VALUES (NEW.queue_id, NEW.state, CONNECTION_ID() % 16, 1)
    ON DUPLICATE KEY UPDATE n = n + 1;

CREATE TRIGGER messages_count_update AFTER UPDATE ON messages FOR EACH ROW
    INSERT INTO queue_count_deltas (queue_id, state, slot, n)
        SELECT OLD.queue_id, OLD.state, CONNECTION_ID() % 16, -1 FROM DUAL WHERE OLD.state <> NEW.state OR OLD.queue_id <> NEW.queue_id
        UNION ALL
        SELECT NEW.queue_id, NEW.state, CONNECTION_ID() % 16, 1 FROM DUAL WHERE OLD.state <> NEW.state OR OLD.queue_id <> NEW.queue_id
    ON DUPLICATE KEY UPDATE n = queue_count_deltas.n + VALUES(n);

CREATE TRIGGER messages_count_delete AFTER DELETE ON messages FOR EACH ROW
    INSERT INTO queue_count_deltas (queue_id, state, slot, n) VALUES (OLD.queue_id, OLD.state, CONNECTION_ID() % 16, -1)
    ON DUPLICATE KEY UPDATE n = n - 1;

CREATE TABLE audit_log (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    at BIGINT NOT NULL,
    actor VARCHAR(255) NOT NULL,
    action VARCHAR(255) NOT NULL,
    selection LONGTEXT NOT NULL,
    affected BIGINT NOT NULL,
    details LONGTEXT NOT NULL DEFAULT ('{}')) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
