-- Failure groups (issue 17): the cause of a message's last failure, as the id of its error's fingerprint
-- (engine/model/FailureFingerprint), written with the error, so that grouping a million failed messages
-- reads an index instead of normalising a million texts. NULL for failures recorded before this
-- version. MySQL has no partial index: this one holds every message, failed ones grouped under state 4.
ALTER TABLE messages ADD COLUMN failure_group VARCHAR(255);
CREATE INDEX messages_failure_groups ON messages (state, failure_group, queue_id, finished_at);
