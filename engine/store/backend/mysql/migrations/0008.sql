-- Issue 15 on PostgreSQL: a claim index holding waiting messages only. MySQL has no partial indexes:
-- messages_claim (schema 1) keeps the state in its key and serves the claim as it is.
SELECT 1;
