-- Many engines on one store (DESIGN §3.2). (queue_count_deltas came with schema 1 here.)
-- The engines delivering from the store, each renewing its heartbeat every few seconds.
CREATE TABLE engines (
    id VARCHAR(255) PRIMARY KEY,
    host VARCHAR(255) NOT NULL,
    pid BIGINT NOT NULL,
    version VARCHAR(64) NOT NULL,
    started_at BIGINT NOT NULL,
    heartbeat_at BIGINT NOT NULL,
    in_flight BIGINT NOT NULL DEFAULT 0) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Leases for work only one engine does at a time (cleanup schedule, e-mail linking), with a term that
-- grows at every change of holder.
CREATE TABLE leader (
    name VARCHAR(255) PRIMARY KEY,
    holder VARCHAR(255) NOT NULL,
    term BIGINT NOT NULL,
    until_at BIGINT NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Starts per queue in a rate window, counted across engines.
CREATE INDEX messages_queue_started ON messages (queue_id, started_at);

-- (herald_enqueue(), the plain-SQL enqueue of the PostgreSQL schema, has no MySQL counterpart.)
