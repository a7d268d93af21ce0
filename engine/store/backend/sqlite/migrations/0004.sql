-- E-mail events (DESIGN §7): one row per SES event and recipient, rollups kept at intake so
-- rates and charts never scan events, and suppressions that can expire.
CREATE TABLE email_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sns_message_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    sub_type TEXT,
    recipient TEXT NOT NULL,
    recipient_domain TEXT NOT NULL,
    occurred_at INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    mail_message_id TEXT,
    header_message_id TEXT,
    message_id INTEGER REFERENCES messages(id) ON DELETE SET NULL,
    topic_arn TEXT,
    bounce_type TEXT,
    bounce_subtype TEXT,
    action TEXT,
    status TEXT,
    diagnostic_code TEXT,
    complaint_feedback_type TEXT,
    click_link TEXT,
    source TEXT NOT NULL DEFAULT '',
    raw TEXT NOT NULL,
    UNIQUE (sns_message_id, recipient));

CREATE INDEX email_events_occurred ON email_events (occurred_at, id);

CREATE INDEX email_events_mail_message ON email_events (mail_message_id);

-- Soft-bounce counting per address, and the events of one address.
CREATE INDEX email_events_recipient ON email_events (recipient, event_type, occurred_at);

CREATE INDEX email_events_type ON email_events (event_type, id);

CREATE INDEX email_events_message ON email_events (message_id) WHERE message_id IS NOT NULL;

-- Linking an event to the message whose provider id it carries.
CREATE INDEX messages_provider_id ON messages (provider_message_id) WHERE provider_message_id IS NOT NULL;

-- period_ms is 3600000 (hours) or 86400000 (days); bucket is the period's first ms, UTC.
CREATE TABLE email_rollups (
    period_ms INTEGER NOT NULL,
    bucket INTEGER NOT NULL,
    sends INTEGER NOT NULL DEFAULT 0,
    deliveries INTEGER NOT NULL DEFAULT 0,
    hard_bounces INTEGER NOT NULL DEFAULT 0,
    soft_bounces INTEGER NOT NULL DEFAULT 0,
    suppression_list_bounces INTEGER NOT NULL DEFAULT 0,
    undetermined_bounces INTEGER NOT NULL DEFAULT 0,
    complaints INTEGER NOT NULL DEFAULT 0,
    rejects INTEGER NOT NULL DEFAULT 0,
    opens INTEGER NOT NULL DEFAULT 0,
    clicks INTEGER NOT NULL DEFAULT 0,
    delays INTEGER NOT NULL DEFAULT 0,
    rendering_failures INTEGER NOT NULL DEFAULT 0,
    subscriptions INTEGER NOT NULL DEFAULT 0,
    other_events INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (period_ms, bucket)) WITHOUT ROWID;

CREATE TABLE email_domain_rollups (
    day INTEGER NOT NULL,
    domain TEXT NOT NULL,
    sends INTEGER NOT NULL DEFAULT 0,
    deliveries INTEGER NOT NULL DEFAULT 0,
    hard_bounces INTEGER NOT NULL DEFAULT 0,
    soft_bounces INTEGER NOT NULL DEFAULT 0,
    suppression_list_bounces INTEGER NOT NULL DEFAULT 0,
    undetermined_bounces INTEGER NOT NULL DEFAULT 0,
    complaints INTEGER NOT NULL DEFAULT 0,
    rejects INTEGER NOT NULL DEFAULT 0,
    opens INTEGER NOT NULL DEFAULT 0,
    clicks INTEGER NOT NULL DEFAULT 0,
    delays INTEGER NOT NULL DEFAULT 0,
    rendering_failures INTEGER NOT NULL DEFAULT 0,
    subscriptions INTEGER NOT NULL DEFAULT 0,
    other_events INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, domain)) WITHOUT ROWID;

CREATE TABLE email_bounce_reasons (
    day INTEGER NOT NULL,
    bounce_type TEXT NOT NULL,
    bounce_subtype TEXT NOT NULL,
    diagnostic TEXT NOT NULL,
    n INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, bounce_type, bounce_subtype, diagnostic)) WITHOUT ROWID;

ALTER TABLE suppressions ADD COLUMN source_event TEXT;

ALTER TABLE suppressions ADD COLUMN expires_at INTEGER;

ALTER TABLE suppressions ADD COLUMN note TEXT;

-- Free-text reasons of schema 2 (stale push tokens) become notes of manual entries.
UPDATE suppressions SET note = reason, reason = 'manual' WHERE reason NOT IN ('hard_bounce', 'soft_bounce', 'complaint', 'manual');

CREATE TABLE email_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL);

-- SNS subscription and unsubscription confirmations: recorded, never counted as e-mail events.
CREATE TABLE sns_notices (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sns_message_id TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    topic_arn TEXT NOT NULL,
    message TEXT,
    subscribe_url TEXT,
    received_at INTEGER NOT NULL,
    confirmed_at INTEGER,
    confirm_error TEXT);
