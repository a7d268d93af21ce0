-- Delivery rollups (the delivery dashboard, `heraldctl delivery`): what happened to messages per minute,
-- queue, channel and type, written in the same transaction as each outcome so the dashboard never scans
-- the attempts. An engine writes minute rows (span_ms 60000); minute rows older than two days are folded
-- into hour rows (span_ms 3600000). Each writer adds to rows of its own shard, so that engines sharing a
-- server do not wait for each other on one hot row; readers sum the shards.
-- late_0 … late_18 count the attempts (delivered, failed or retried) whose start was late by at most
-- 1, 2, 5, 10, 20, 50, 100, 200, 500 ms, 1, 2, 5, 10, 30 s, 1, 5, 15 min, 1 h, and more (DeliveryStats.h).
CREATE TABLE delivery_rollups (
    bucket BIGINT NOT NULL,
    span_ms BIGINT NOT NULL,
    shard BIGINT NOT NULL,
    queue_id BIGINT NOT NULL,
    channel VARCHAR(255) NOT NULL,
    type VARCHAR(255) NOT NULL,
    delivered BIGINT NOT NULL DEFAULT 0,
    failed BIGINT NOT NULL DEFAULT 0,
    retried BIGINT NOT NULL DEFAULT 0,
    cancelled BIGINT NOT NULL DEFAULT 0,
    late_0 BIGINT NOT NULL DEFAULT 0,
    late_1 BIGINT NOT NULL DEFAULT 0,
    late_2 BIGINT NOT NULL DEFAULT 0,
    late_3 BIGINT NOT NULL DEFAULT 0,
    late_4 BIGINT NOT NULL DEFAULT 0,
    late_5 BIGINT NOT NULL DEFAULT 0,
    late_6 BIGINT NOT NULL DEFAULT 0,
    late_7 BIGINT NOT NULL DEFAULT 0,
    late_8 BIGINT NOT NULL DEFAULT 0,
    late_9 BIGINT NOT NULL DEFAULT 0,
    late_10 BIGINT NOT NULL DEFAULT 0,
    late_11 BIGINT NOT NULL DEFAULT 0,
    late_12 BIGINT NOT NULL DEFAULT 0,
    late_13 BIGINT NOT NULL DEFAULT 0,
    late_14 BIGINT NOT NULL DEFAULT 0,
    late_15 BIGINT NOT NULL DEFAULT 0,
    late_16 BIGINT NOT NULL DEFAULT 0,
    late_17 BIGINT NOT NULL DEFAULT 0,
    late_18 BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (bucket, span_ms, shard, queue_id, channel, type)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- What happened before this version, as hour rows from the attempts and the cancelled messages (their
-- lateness is not known: it counts from now on).
INSERT INTO delivery_rollups (bucket, span_ms, shard, queue_id, channel, type, delivered, failed, retried, cancelled)
SELECT a.finished_at - a.finished_at % 3600000, 3600000, 0, m.queue_id, m.channel, m.type,
       SUM(CASE WHEN a.outcome = 'success' THEN 1 ELSE 0 END),
       SUM(CASE WHEN a.outcome = 'failed' THEN 1 ELSE 0 END),
       SUM(CASE WHEN a.outcome IN ('retry', 'stalled') THEN 1 ELSE 0 END),
       0
FROM attempts a JOIN messages m ON m.id = a.message_id
WHERE a.finished_at IS NOT NULL AND a.outcome IN ('success', 'failed', 'retry', 'stalled')
GROUP BY a.finished_at - a.finished_at % 3600000, m.queue_id, m.channel, m.type;

INSERT INTO delivery_rollups (bucket, span_ms, shard, queue_id, channel, type, cancelled)
SELECT updated_at - updated_at % 3600000, 3600000, 0, queue_id, channel, type, COUNT(*)
FROM messages WHERE state = 5
GROUP BY updated_at - updated_at % 3600000, queue_id, channel, type
ON DUPLICATE KEY UPDATE cancelled = VALUES(cancelled);
