-- Event plans (DESIGN §11): a plan's definition as the plan file gave it, validated before it is stored.
CREATE TABLE plans (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name VARCHAR(255) NOT NULL UNIQUE,
    definition LONGTEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- An event as the last apply left it (snapshot), and as last applied while active (what its people
-- were told: the change notices compare with it).
CREATE TABLE plan_events (
    event_id VARCHAR(255) PRIMARY KEY,
    plan VARCHAR(255) NOT NULL,
    name LONGTEXT NOT NULL,
    status VARCHAR(64) NOT NULL,
    snapshot LONGTEXT NOT NULL,
    active_snapshot LONGTEXT,
    applied_at BIGINT NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- When each person was first seen in an apply while the event was active: the registration anchor.
CREATE TABLE plan_people (
    event_id VARCHAR(255) NOT NULL,
    person_id VARCHAR(255) NOT NULL,
    first_seen_at BIGINT NOT NULL,
    PRIMARY KEY (event_id, person_id)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Every message a plan derived, by its identity. The record outlives the message (cleanup sets
-- message_id to NULL), so a reminder that was sent is never sent again.
CREATE TABLE plan_messages (
    identity VARCHAR(700) PRIMARY KEY,
    event_id VARCHAR(255) NOT NULL,
    message_id BIGINT,
    content_hash VARCHAR(255) NOT NULL,
    cancelled_by_plan BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    FOREIGN KEY (message_id) REFERENCES messages(id) ON DELETE SET NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX plan_messages_event ON plan_messages (event_id);
CREATE INDEX plan_messages_message ON plan_messages (message_id);

-- What an apply changed in the plan's own records, so that `heraldctl undo` puts them back (the
-- messages themselves are journalled in action_journal, as for any operator action).
CREATE TABLE plan_journal (
    audit_id BIGINT NOT NULL,
    identity VARCHAR(700) NOT NULL,
    existed BIGINT NOT NULL,
    message_id BIGINT,
    content_hash VARCHAR(255),
    cancelled_by_plan BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (audit_id, identity)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE plan_event_journal (
    audit_id BIGINT PRIMARY KEY,
    event_id VARCHAR(255) NOT NULL,
    existed BIGINT NOT NULL,
    plan VARCHAR(255),
    name LONGTEXT,
    status VARCHAR(64),
    snapshot LONGTEXT,
    active_snapshot LONGTEXT,
    applied_at BIGINT,
    new_people LONGTEXT NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
