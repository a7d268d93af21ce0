-- Settings of the engine that every process of a store shares (the cleanup schedule), and the
-- record of cleanup runs, so the console shows the last run and the next.
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL);

CREATE TABLE cleanup_runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    trigger TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    finished_at INTEGER,
    messages INTEGER NOT NULL DEFAULT 0,
    outbox INTEGER NOT NULL DEFAULT 0,
    audit INTEGER NOT NULL DEFAULT 0,
    email_events INTEGER NOT NULL DEFAULT 0,
    archived INTEGER NOT NULL DEFAULT 0,
    bytes_reclaimed INTEGER NOT NULL DEFAULT 0,
    cancelled INTEGER NOT NULL DEFAULT 0,
    error TEXT);

CREATE INDEX cleanup_runs_trigger ON cleanup_runs (trigger, id);
