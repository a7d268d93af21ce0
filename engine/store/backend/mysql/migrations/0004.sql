-- E-mail events (DESIGN §7): one row per SES event and recipient, rollups kept at intake so
-- rates and charts never scan events, and suppressions that can expire.
CREATE TABLE email_events (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    sns_message_id VARCHAR(255) NOT NULL,
    event_type VARCHAR(64) NOT NULL,
    sub_type VARCHAR(64),
    recipient VARCHAR(320) NOT NULL,
    recipient_domain VARCHAR(255) NOT NULL,
    occurred_at BIGINT NOT NULL,
    received_at BIGINT NOT NULL,
    mail_message_id VARCHAR(255),
    header_message_id LONGTEXT,
    message_id BIGINT,
    topic_arn LONGTEXT,
    bounce_type VARCHAR(64),
    bounce_subtype VARCHAR(64),
    action LONGTEXT,
    status LONGTEXT,
    diagnostic_code LONGTEXT,
    complaint_feedback_type LONGTEXT,
    click_link LONGTEXT,
    source VARCHAR(255) NOT NULL DEFAULT '',
    raw LONGTEXT NOT NULL,
    UNIQUE (sns_message_id, recipient),
    FOREIGN KEY (message_id) REFERENCES messages(id) ON DELETE SET NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE INDEX email_events_occurred ON email_events (occurred_at, id);

CREATE INDEX email_events_mail_message ON email_events (mail_message_id);

-- Soft-bounce counting per address, and the events of one address.
CREATE INDEX email_events_recipient ON email_events (recipient, event_type, occurred_at);

CREATE INDEX email_events_type ON email_events (event_type, id);

-- (The foreign key's index serves the events of one message.)

-- Linking an event to the message whose provider id it carries.
CREATE INDEX messages_provider_id ON messages (provider_message_id);

-- period_ms is 3600000 (hours) or 86400000 (days); bucket is the period's first ms, UTC.
CREATE TABLE email_rollups (
    period_ms BIGINT NOT NULL,
    bucket BIGINT NOT NULL,
    sends BIGINT NOT NULL DEFAULT 0,
    deliveries BIGINT NOT NULL DEFAULT 0,
    hard_bounces BIGINT NOT NULL DEFAULT 0,
    soft_bounces BIGINT NOT NULL DEFAULT 0,
    suppression_list_bounces BIGINT NOT NULL DEFAULT 0,
    undetermined_bounces BIGINT NOT NULL DEFAULT 0,
    complaints BIGINT NOT NULL DEFAULT 0,
    rejects BIGINT NOT NULL DEFAULT 0,
    opens BIGINT NOT NULL DEFAULT 0,
    clicks BIGINT NOT NULL DEFAULT 0,
    delays BIGINT NOT NULL DEFAULT 0,
    rendering_failures BIGINT NOT NULL DEFAULT 0,
    subscriptions BIGINT NOT NULL DEFAULT 0,
    other_events BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (period_ms, bucket)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE email_domain_rollups (
    day BIGINT NOT NULL,
    domain VARCHAR(255) NOT NULL,
    sends BIGINT NOT NULL DEFAULT 0,
    deliveries BIGINT NOT NULL DEFAULT 0,
    hard_bounces BIGINT NOT NULL DEFAULT 0,
    soft_bounces BIGINT NOT NULL DEFAULT 0,
    suppression_list_bounces BIGINT NOT NULL DEFAULT 0,
    undetermined_bounces BIGINT NOT NULL DEFAULT 0,
    complaints BIGINT NOT NULL DEFAULT 0,
    rejects BIGINT NOT NULL DEFAULT 0,
    opens BIGINT NOT NULL DEFAULT 0,
    clicks BIGINT NOT NULL DEFAULT 0,
    delays BIGINT NOT NULL DEFAULT 0,
    rendering_failures BIGINT NOT NULL DEFAULT 0,
    subscriptions BIGINT NOT NULL DEFAULT 0,
    other_events BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (day, domain)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE email_bounce_reasons (
    day BIGINT NOT NULL,
    bounce_type VARCHAR(64) NOT NULL,
    bounce_subtype VARCHAR(64) NOT NULL,
    diagnostic VARCHAR(300) NOT NULL,
    n BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (day, bounce_type, bounce_subtype, diagnostic)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

ALTER TABLE suppressions ADD COLUMN source_event LONGTEXT;

ALTER TABLE suppressions ADD COLUMN expires_at BIGINT;

ALTER TABLE suppressions ADD COLUMN note LONGTEXT;

-- Free-text reasons of schema 2 (stale push tokens) become notes of manual entries.
UPDATE suppressions SET note = reason, reason = 'manual' WHERE reason NOT IN ('hard_bounce', 'soft_bounce', 'complaint', 'manual');

CREATE TABLE email_settings (
    "key" VARCHAR(255) PRIMARY KEY,
    value LONGTEXT NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- SNS subscription and unsubscription confirmations: recorded, never counted as e-mail events.
CREATE TABLE sns_notices (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    sns_message_id VARCHAR(255) NOT NULL UNIQUE,
    type VARCHAR(64) NOT NULL,
    topic_arn LONGTEXT NOT NULL,
    message LONGTEXT,
    subscribe_url LONGTEXT,
    received_at BIGINT NOT NULL,
    confirmed_at BIGINT,
    confirm_error LONGTEXT) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
