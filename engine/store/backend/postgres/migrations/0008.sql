-- Fewer index entries written per delivery (issue 15). The claim reads only waiting messages, so its
-- index holds only those: an updated row gets an entry only while it is waiting, and completing a
-- message no longer inserts one. The claim names the state as a literal (state = 1) so that the
-- planner can use this index with a generic plan too.
DROP INDEX messages_claim;
CREATE INDEX messages_claim ON messages (queue_id, priority, run_at, id) WHERE state = 1;
