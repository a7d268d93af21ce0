CREATE TABLE schema_version (version INTEGER NOT NULL, applied_at INTEGER NOT NULL);

CREATE TABLE queues (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    concurrency INTEGER NOT NULL,
    rate_max INTEGER NOT NULL DEFAULT 0,
    rate_window_ms INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    backoff_kind TEXT NOT NULL,
    backoff_base_ms INTEGER NOT NULL,
    backoff_cap_ms INTEGER NOT NULL DEFAULT 0,
    backoff_jitter REAL NOT NULL DEFAULT 0,
    paused INTEGER NOT NULL DEFAULT 0,
    retain_completed_ms INTEGER,
    retain_failed_ms INTEGER,
    retain_cancelled_ms INTEGER,
    default_channel TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL);

CREATE TABLE messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    queue_id INTEGER NOT NULL REFERENCES queues(id),
    type TEXT NOT NULL,
    channel TEXT NOT NULL,
    recipient TEXT NOT NULL DEFAULT '',
    payload TEXT NOT NULL DEFAULT '{}',
    labels TEXT NOT NULL DEFAULT '{}',
    priority INTEGER NOT NULL,
    state INTEGER NOT NULL,
    run_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    started_at INTEGER,
    finished_at INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    lease_owner TEXT,
    lease_until INTEGER,
    stalls INTEGER NOT NULL DEFAULT 0,
    dedupe_key TEXT,
    provider_message_id TEXT,
    last_error TEXT);

-- Claim order within a queue: priority, run_at, id.
CREATE INDEX messages_claim ON messages (queue_id, state, priority, run_at, id);

-- Keyset pages of a queue, and of a queue in one state, newest or oldest first.
CREATE INDEX messages_queue_page ON messages (queue_id, id);

CREATE INDEX messages_queue_state_page ON messages (queue_id, state, id);

-- Promotion of due messages, upcoming, lease expiry.
CREATE INDEX messages_state_run_at ON messages (state, run_at);

CREATE UNIQUE INDEX messages_dedupe ON messages (queue_id, dedupe_key) WHERE dedupe_key IS NOT NULL;

CREATE TABLE message_labels (
    message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (message_id, key)) WITHOUT ROWID;

CREATE INDEX message_labels_key_value ON message_labels (key, value, message_id);

CREATE TABLE attempts (
    id INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    started_at INTEGER NOT NULL,
    finished_at INTEGER,
    outcome TEXT NOT NULL DEFAULT '',
    error TEXT,
    response_code INTEGER NOT NULL DEFAULT 0,
    worker TEXT NOT NULL DEFAULT '');

CREATE INDEX attempts_message ON attempts (message_id, number);

CREATE TABLE queue_counts (
    queue_id INTEGER NOT NULL REFERENCES queues(id) ON DELETE CASCADE,
    state INTEGER NOT NULL,
    n INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (queue_id, state)) WITHOUT ROWID;

-- The counters are kept by triggers, so no code path can forget them.
CREATE TRIGGER queues_counts_rows AFTER INSERT ON queues BEGIN
    INSERT INTO queue_counts (queue_id, state, n) VALUES
      (NEW.id, 0, 0), (NEW.id, 1, 0), (NEW.id, 2, 0), (NEW.id, 3, 0), (NEW.id, 4, 0), (NEW.id, 5, 0);
    END;

CREATE TRIGGER messages_count_insert AFTER INSERT ON messages BEGIN
    UPDATE queue_counts SET n = n + 1 WHERE queue_id = NEW.queue_id AND state = NEW.state;
    END;

CREATE TRIGGER messages_count_update AFTER UPDATE OF state ON messages WHEN OLD.state <> NEW.state BEGIN
    UPDATE queue_counts SET n = n - 1 WHERE queue_id = OLD.queue_id AND state = OLD.state;
    UPDATE queue_counts SET n = n + 1 WHERE queue_id = NEW.queue_id AND state = NEW.state;
    END;

CREATE TRIGGER messages_count_delete AFTER DELETE ON messages BEGIN
    UPDATE queue_counts SET n = n - 1 WHERE queue_id = OLD.queue_id AND state = OLD.state;
    END;

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    selection TEXT NOT NULL,
    affected INTEGER NOT NULL,
    details TEXT NOT NULL DEFAULT '{}');
