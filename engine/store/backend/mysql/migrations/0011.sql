-- The queues each engine delivers from (the console's Engines view, `heraldctl engines`): a JSON array of
-- names, empty for all queues. Rows written before this version read as all queues.
ALTER TABLE engines ADD COLUMN queues LONGTEXT NOT NULL DEFAULT ('[]');
