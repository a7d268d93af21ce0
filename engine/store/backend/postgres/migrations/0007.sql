-- Many engines on one store (DESIGN §3.2).
-- The engines delivering from the store, each renewing its heartbeat every few seconds.
CREATE TABLE engines (
    id TEXT PRIMARY KEY,
    host TEXT NOT NULL,
    pid BIGINT NOT NULL,
    version TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    heartbeat_at BIGINT NOT NULL,
    in_flight BIGINT NOT NULL DEFAULT 0);

-- Leases for work only one engine does at a time (cleanup schedule, e-mail linking), with a term that
-- grows at every change of holder.
CREATE TABLE leader (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    term BIGINT NOT NULL,
    until_at BIGINT NOT NULL);

-- Starts per queue in a rate window, counted across engines.
CREATE INDEX messages_queue_started ON messages (queue_id, started_at) WHERE started_at IS NOT NULL;
