-- Fewer index pages written per delivery (issue 15). The claim reads only waiting messages, so its
-- index holds only those: a message leaves it once, when claimed, and completing it no longer moves an
-- entry. The claim names the state as a literal (state = 1) so that the planner can use this index.
DROP INDEX messages_claim;
CREATE INDEX messages_claim ON messages (queue_id, priority, run_at, id) WHERE state = 1;

-- Starts per queue are counted only by the claim on a shared store; a SQLite store has one engine,
-- whose runtime keeps the queue's rate itself, so nothing reads this index here.
DROP INDEX messages_queue_started;
