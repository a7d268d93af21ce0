-- Failure groups (issue 17): failed messages counted by their last error and queue. The index holds
-- failed messages only, so a delivery that succeeds never writes it, and the grouping reads it in
-- order without touching the table. The state is a literal (state = 4), as the query names it.
CREATE INDEX messages_failed_errors ON messages (last_error, queue_id, finished_at) WHERE state = 4;
