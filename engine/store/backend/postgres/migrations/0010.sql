-- Failure groups (issue 17): failed messages counted by their last error and queue. Failed messages
-- only, so a delivery that succeeds never writes it. Not on last_error itself: a B-tree entry has a
-- size limit an error text with a response body can pass; the grouping hashes the failed rows instead.
CREATE INDEX messages_failed_errors ON messages (finished_at, queue_id) WHERE state = 4;
