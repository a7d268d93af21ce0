CREATE TABLE channels (
    name TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    url TEXT,
    timeout_ms INTEGER NOT NULL,
    secret_ref TEXT,
    options TEXT NOT NULL DEFAULT '{}',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL);

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    queue_id INTEGER NOT NULL REFERENCES queues(id),
    channel TEXT NOT NULL,
    recipient TEXT NOT NULL DEFAULT '',
    rendered TEXT NOT NULL,
    created_at INTEGER NOT NULL);

CREATE INDEX outbox_message ON outbox (message_id);

CREATE TABLE suppressions (
    address TEXT PRIMARY KEY,
    reason TEXT NOT NULL,
    created_at INTEGER NOT NULL);
