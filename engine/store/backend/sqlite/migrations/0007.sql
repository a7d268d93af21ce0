-- Many engines on one store (DESIGN §3.2). A SQLite store has one engine (its lock file), so these
-- stay small here; they exist on every dialect so that the schema is the same everywhere.
-- Counter deltas: always empty on SQLite, whose triggers update queue_counts directly.
CREATE TABLE queue_count_deltas (
    id INTEGER PRIMARY KEY,
    queue_id INTEGER NOT NULL,
    state INTEGER NOT NULL,
    n INTEGER NOT NULL);

-- The engines delivering from the store, each renewing its heartbeat every few seconds.
CREATE TABLE engines (
    id TEXT PRIMARY KEY,
    host TEXT NOT NULL,
    pid INTEGER NOT NULL,
    version TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    heartbeat_at INTEGER NOT NULL,
    in_flight INTEGER NOT NULL DEFAULT 0);

-- Leases for work only one engine does at a time (cleanup schedule, e-mail linking), with a term that
-- grows at every change of holder.
CREATE TABLE leader (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    term INTEGER NOT NULL,
    until_at INTEGER NOT NULL);

-- Starts per queue in a rate window, counted across engines.
CREATE INDEX messages_queue_started ON messages (queue_id, started_at) WHERE started_at IS NOT NULL;
