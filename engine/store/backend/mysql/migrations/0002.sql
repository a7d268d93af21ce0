CREATE TABLE channels (
    name VARCHAR(255) PRIMARY KEY,
    kind VARCHAR(64) NOT NULL,
    url LONGTEXT,
    timeout_ms BIGINT NOT NULL,
    secret_ref LONGTEXT,
    options LONGTEXT NOT NULL DEFAULT ('{}'),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE outbox (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    message_id BIGINT NOT NULL,
    queue_id BIGINT NOT NULL,
    channel VARCHAR(255) NOT NULL,
    recipient VARCHAR(512) NOT NULL DEFAULT '',
    rendered LONGTEXT NOT NULL,
    created_at BIGINT NOT NULL,
    FOREIGN KEY (message_id) REFERENCES messages(id) ON DELETE CASCADE,
    FOREIGN KEY (queue_id) REFERENCES queues(id)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE INDEX outbox_message ON outbox (message_id);

CREATE TABLE suppressions (
    address VARCHAR(512) PRIMARY KEY,
    reason VARCHAR(255) NOT NULL,
    created_at BIGINT NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
