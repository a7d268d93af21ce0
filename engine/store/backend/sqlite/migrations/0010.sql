-- Failure groups (issue 17): the cause of a message's last failure, as the id of its error's fingerprint
-- (engine/model/FailureFingerprint), written with the error, so that grouping a million failed messages
-- reads an index instead of normalising a million texts. NULL for failures recorded before this
-- version: engine/failures fingerprints those when it reads them. The index holds failed messages only,
-- so a delivery that succeeds never writes it; the queries name the state as a literal (state = 4).
-- The state leads the key although it is the same in every entry: so it does in messages_state_run_at,
-- and a planner without statistics then prefers this one, which covers the count and is in its order.
ALTER TABLE messages ADD COLUMN failure_group TEXT;
CREATE INDEX messages_failure_groups ON messages (state, failure_group, queue_id, finished_at) WHERE state = 4;
