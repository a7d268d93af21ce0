-- The previous values of every message an operator action changed: undo, and each message's
-- audit history.
CREATE TABLE action_journal (
    audit_id BIGINT NOT NULL,
    message_id BIGINT NOT NULL,
    state BIGINT NOT NULL,
    run_at BIGINT NOT NULL,
    priority BIGINT NOT NULL,
    attempts BIGINT NOT NULL,
    stalls BIGINT NOT NULL,
    finished_at BIGINT,
    last_error LONGTEXT,
    payload LONGTEXT NOT NULL,
    PRIMARY KEY (audit_id, message_id),
    FOREIGN KEY (audit_id) REFERENCES audit_log(id) ON DELETE CASCADE) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE INDEX action_journal_message ON action_journal (message_id, audit_id);

ALTER TABLE audit_log ADD COLUMN undoable BIGINT NOT NULL DEFAULT 0;

ALTER TABLE audit_log ADD COLUMN undone_by BIGINT;
