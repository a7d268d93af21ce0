-- Event plans (DESIGN §11): a plan's definition as the plan file gave it, validated before it is stored.
CREATE TABLE plans (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    definition TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL);

-- An event as the last apply left it (snapshot), and as last applied while active (what its people
-- were told: the change notices compare with it).
CREATE TABLE plan_events (
    event_id TEXT PRIMARY KEY,
    plan TEXT NOT NULL,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    snapshot TEXT NOT NULL,
    active_snapshot TEXT,
    applied_at INTEGER NOT NULL);

-- When each person was first seen in an apply while the event was active: the registration anchor.
CREATE TABLE plan_people (
    event_id TEXT NOT NULL,
    person_id TEXT NOT NULL,
    first_seen_at INTEGER NOT NULL,
    PRIMARY KEY (event_id, person_id));

-- Every message a plan derived, by its identity. The record outlives the message (cleanup sets
-- message_id to NULL), so a reminder that was sent is never sent again.
CREATE TABLE plan_messages (
    identity TEXT PRIMARY KEY,
    event_id TEXT NOT NULL,
    message_id INTEGER REFERENCES messages(id) ON DELETE SET NULL,
    content_hash TEXT NOT NULL,
    cancelled_by_plan INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL);
CREATE INDEX plan_messages_event ON plan_messages (event_id);
CREATE INDEX plan_messages_message ON plan_messages (message_id);

-- What an apply changed in the plan's own records, so that `heraldctl undo` puts them back (the
-- messages themselves are journalled in action_journal, as for any operator action).
CREATE TABLE plan_journal (
    audit_id INTEGER NOT NULL,
    identity TEXT NOT NULL,
    existed INTEGER NOT NULL,
    message_id INTEGER,
    content_hash TEXT,
    cancelled_by_plan INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (audit_id, identity));

CREATE TABLE plan_event_journal (
    audit_id INTEGER PRIMARY KEY,
    event_id TEXT NOT NULL,
    existed INTEGER NOT NULL,
    plan TEXT,
    name TEXT,
    status TEXT,
    snapshot TEXT,
    active_snapshot TEXT,
    applied_at INTEGER,
    new_people TEXT NOT NULL);
