-- The previous values of every message an operator action changed: undo, and each message's
-- audit history.
CREATE TABLE action_journal (
    audit_id INTEGER NOT NULL REFERENCES audit_log(id) ON DELETE CASCADE,
    message_id INTEGER NOT NULL,
    state INTEGER NOT NULL,
    run_at INTEGER NOT NULL,
    priority INTEGER NOT NULL,
    attempts INTEGER NOT NULL,
    stalls INTEGER NOT NULL,
    finished_at INTEGER,
    last_error TEXT,
    payload TEXT NOT NULL,
    PRIMARY KEY (audit_id, message_id)) WITHOUT ROWID;

CREATE INDEX action_journal_message ON action_journal (message_id, audit_id);

ALTER TABLE audit_log ADD COLUMN undoable INTEGER NOT NULL DEFAULT 0;

ALTER TABLE audit_log ADD COLUMN undone_by INTEGER;
