-- Settings of the engine that every process of a store shares (the cleanup schedule), and the
-- record of cleanup runs, so the console shows the last run and the next.
CREATE TABLE settings (
    "key" VARCHAR(255) PRIMARY KEY,
    value LONGTEXT NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE cleanup_runs (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    "trigger" VARCHAR(64) NOT NULL,
    started_at BIGINT NOT NULL,
    finished_at BIGINT,
    messages BIGINT NOT NULL DEFAULT 0,
    outbox BIGINT NOT NULL DEFAULT 0,
    audit BIGINT NOT NULL DEFAULT 0,
    email_events BIGINT NOT NULL DEFAULT 0,
    archived BIGINT NOT NULL DEFAULT 0,
    bytes_reclaimed BIGINT NOT NULL DEFAULT 0,
    cancelled BIGINT NOT NULL DEFAULT 0,
    error LONGTEXT) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE INDEX cleanup_runs_trigger ON cleanup_runs ("trigger", id);
