#include "SqliteDialect.h"

#include <QDir>
#include <QFileInfo>
#include <QUrl>

namespace herald {

Status SqliteDialect::configure(QSqlDatabase &db, const StoreUrl &url, bool readOnly, bool changeNothing) const
{
    const QString path = url.sqlitePath();
    const QFileInfo info(path);
    if (readOnly) {
        if (!info.exists())
            return Error::badInput(QStringLiteral("store '%1' does not exist; a read-only store must be an existing Herald file").arg(path));
    } else if (!info.exists()) {
        if (!QDir().mkpath(info.absolutePath()))
            return Error::badInput(QStringLiteral("cannot create the folder '%1' for store '%2'; check the path and its permissions")
                                       .arg(info.absolutePath(), path));
    }
    if (info.exists() && info.isDir())
        return Error::badInput(QStringLiteral("store '%1' is a folder; give the path of a database file, e.g. %1/herald.db").arg(path));
    if (info.exists() && !info.isReadable())
        return Error::badInput(QStringLiteral("store '%1' cannot be read by this user; check the path and its permissions").arg(path));
    // A file nobody here may write (read-only media, a read-only copy): SQLite could not keep its WAL
    // index beside it, and a writer could not commit.
    const QFileInfo folder(info.absolutePath());
    const bool cannotWrite = info.exists() && (!info.isWritable() || !folder.isWritable());
    if (cannotWrite && !readOnly)
        return Error::badInput(QStringLiteral("store '%1' is read-only here (the file or its folder cannot be written, e.g. read-only media); "
                                              "read it with a read command (list, show, stats) or `herald --read-only`, or copy it "
                                              "somewhere writable to change it")
                                   .arg(path));
    QString options = QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000");
    const QFileInfo wal(path + QStringLiteral("-wal"));
    const QFileInfo shm(path + QStringLiteral("-shm"));
    const bool noCommitsInWal = !wal.exists() || wal.size() == 0;
    const QString uri = QStringLiteral("file:") + QString::fromLatin1(QUrl::fromLocalFile(info.absoluteFilePath()).toEncoded(
                                                      QUrl::RemoveScheme | QUrl::RemoveAuthority));
    if (readOnly && noCommitsInWal && (cannotWrite || (changeNothing && !shm.exists()))) {
        // No WAL holds commits beyond the file, and nothing may be written beside it: opened immutable,
        // SQLite takes no lock and creates no -shm or -wal. (An engine that starts writing meanwhile writes
        // to its WAL, which this connection does not see until it is opened again.)
        db.setDatabaseName(uri + QStringLiteral("?immutable=1"));
        options += QStringLiteral(";QSQLITE_OPEN_URI;QSQLITE_OPEN_READONLY");
    } else if (readOnly && changeNothing && shm.exists()) {
        // The WAL is read through its index without writing to it (SQLite rebuilds the index in memory
        // when it cannot take a read mark): the -shm stays byte for byte as it was.
        db.setDatabaseName(uri + QStringLiteral("?mode=ro&readonly_shm=1"));
        options += QStringLiteral(";QSQLITE_OPEN_URI;QSQLITE_OPEN_READONLY");
    } else {
        db.setDatabaseName(path);
        if (readOnly)
            options += QStringLiteral(";QSQLITE_OPEN_READONLY");
    }
    db.setConnectOptions(options);
    return {};
}

QStringList SqliteDialect::sessionSetup(bool readOnly, Durability durability, bool autoCheckpoint) const
{
    QStringList s{QStringLiteral("PRAGMA foreign_keys = ON"), QStringLiteral("PRAGMA temp_store = MEMORY"),
                  QStringLiteral("PRAGMA cache_size = -65536")};
    if (!readOnly) {
        // WAL lets readers (the console) run beside the one writer. NORMAL: a commit survives a crash of
        // the process, and a power loss may take the commits since the last checkpoint; FULL: every commit
        // is flushed to the disk (see Durability.h).
        s << QStringLiteral("PRAGMA journal_mode = WAL")
          << (durability == Durability::Full ? QStringLiteral("PRAGMA synchronous = FULL") : QStringLiteral("PRAGMA synchronous = NORMAL"));
        if (!autoCheckpoint)
            s << QStringLiteral("PRAGMA wal_autocheckpoint = 0");
    }
    return s;
}

int SqliteDialect::latestSchemaVersion() const
{
    return 6;
}

QStringList SqliteDialect::migration(int version) const
{
    switch (version) {
    case 1:
        return {
            QStringLiteral("CREATE TABLE schema_version (version INTEGER NOT NULL, applied_at INTEGER NOT NULL)"),
            QStringLiteral(R"(CREATE TABLE queues (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                concurrency INTEGER NOT NULL,
                rate_max INTEGER NOT NULL DEFAULT 0,
                rate_window_ms INTEGER NOT NULL DEFAULT 0,
                max_attempts INTEGER NOT NULL,
                backoff_kind TEXT NOT NULL,
                backoff_base_ms INTEGER NOT NULL,
                backoff_cap_ms INTEGER NOT NULL DEFAULT 0,
                backoff_jitter REAL NOT NULL DEFAULT 0,
                paused INTEGER NOT NULL DEFAULT 0,
                retain_completed_ms INTEGER,
                retain_failed_ms INTEGER,
                retain_cancelled_ms INTEGER,
                default_channel TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL))"),
            QStringLiteral(R"(CREATE TABLE messages (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                queue_id INTEGER NOT NULL REFERENCES queues(id),
                type TEXT NOT NULL,
                channel TEXT NOT NULL,
                recipient TEXT NOT NULL DEFAULT '',
                payload TEXT NOT NULL DEFAULT '{}',
                labels TEXT NOT NULL DEFAULT '{}',
                priority INTEGER NOT NULL,
                state INTEGER NOT NULL,
                run_at INTEGER NOT NULL,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL,
                started_at INTEGER,
                finished_at INTEGER,
                attempts INTEGER NOT NULL DEFAULT 0,
                max_attempts INTEGER NOT NULL,
                lease_owner TEXT,
                lease_until INTEGER,
                stalls INTEGER NOT NULL DEFAULT 0,
                dedupe_key TEXT,
                provider_message_id TEXT,
                last_error TEXT))"),
            // Claim order within a queue: priority, run_at, id.
            QStringLiteral("CREATE INDEX messages_claim ON messages (queue_id, state, priority, run_at, id)"),
            // Keyset pages of a queue, and of a queue in one state, newest or oldest first.
            QStringLiteral("CREATE INDEX messages_queue_page ON messages (queue_id, id)"),
            QStringLiteral("CREATE INDEX messages_queue_state_page ON messages (queue_id, state, id)"),
            // Promotion of due messages, upcoming, lease expiry.
            QStringLiteral("CREATE INDEX messages_state_run_at ON messages (state, run_at)"),
            QStringLiteral("CREATE UNIQUE INDEX messages_dedupe ON messages (queue_id, dedupe_key) WHERE dedupe_key IS NOT NULL"),
            QStringLiteral(R"(CREATE TABLE message_labels (
                message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (message_id, key)) WITHOUT ROWID)"),
            QStringLiteral("CREATE INDEX message_labels_key_value ON message_labels (key, value, message_id)"),
            QStringLiteral(R"(CREATE TABLE attempts (
                id INTEGER PRIMARY KEY,
                message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
                number INTEGER NOT NULL,
                started_at INTEGER NOT NULL,
                finished_at INTEGER,
                outcome TEXT NOT NULL DEFAULT '',
                error TEXT,
                response_code INTEGER NOT NULL DEFAULT 0,
                worker TEXT NOT NULL DEFAULT ''))"),
            QStringLiteral("CREATE INDEX attempts_message ON attempts (message_id, number)"),
            QStringLiteral(R"(CREATE TABLE queue_counts (
                queue_id INTEGER NOT NULL REFERENCES queues(id) ON DELETE CASCADE,
                state INTEGER NOT NULL,
                n INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (queue_id, state)) WITHOUT ROWID)"),
            // The counters are kept by triggers, so no code path can forget them.
            QStringLiteral(R"(CREATE TRIGGER queues_counts_rows AFTER INSERT ON queues BEGIN
                INSERT INTO queue_counts (queue_id, state, n) VALUES
                  (NEW.id, 0, 0), (NEW.id, 1, 0), (NEW.id, 2, 0), (NEW.id, 3, 0), (NEW.id, 4, 0), (NEW.id, 5, 0);
                END)"),
            QStringLiteral(R"(CREATE TRIGGER messages_count_insert AFTER INSERT ON messages BEGIN
                UPDATE queue_counts SET n = n + 1 WHERE queue_id = NEW.queue_id AND state = NEW.state;
                END)"),
            QStringLiteral(R"(CREATE TRIGGER messages_count_update AFTER UPDATE OF state ON messages WHEN OLD.state <> NEW.state BEGIN
                UPDATE queue_counts SET n = n - 1 WHERE queue_id = OLD.queue_id AND state = OLD.state;
                UPDATE queue_counts SET n = n + 1 WHERE queue_id = NEW.queue_id AND state = NEW.state;
                END)"),
            QStringLiteral(R"(CREATE TRIGGER messages_count_delete AFTER DELETE ON messages BEGIN
                UPDATE queue_counts SET n = n - 1 WHERE queue_id = OLD.queue_id AND state = OLD.state;
                END)"),
            QStringLiteral(R"(CREATE TABLE audit_log (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                at INTEGER NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                selection TEXT NOT NULL,
                affected INTEGER NOT NULL,
                details TEXT NOT NULL DEFAULT '{}'))"),
        };
    case 2:
        return {
            QStringLiteral(R"(CREATE TABLE channels (
                name TEXT PRIMARY KEY,
                kind TEXT NOT NULL,
                url TEXT,
                timeout_ms INTEGER NOT NULL,
                secret_ref TEXT,
                options TEXT NOT NULL DEFAULT '{}',
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL))"),
            QStringLiteral(R"(CREATE TABLE outbox (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
                queue_id INTEGER NOT NULL REFERENCES queues(id),
                channel TEXT NOT NULL,
                recipient TEXT NOT NULL DEFAULT '',
                rendered TEXT NOT NULL,
                created_at INTEGER NOT NULL))"),
            QStringLiteral("CREATE INDEX outbox_message ON outbox (message_id)"),
            QStringLiteral(R"(CREATE TABLE suppressions (
                address TEXT PRIMARY KEY,
                reason TEXT NOT NULL,
                created_at INTEGER NOT NULL))"),
        };
    case 3:
        return {
            // The previous values of every message an operator action changed: undo, and each message's
            // audit history.
            QStringLiteral(R"(CREATE TABLE action_journal (
                audit_id INTEGER NOT NULL REFERENCES audit_log(id) ON DELETE CASCADE,
                message_id INTEGER NOT NULL,
                state INTEGER NOT NULL,
                run_at INTEGER NOT NULL,
                priority INTEGER NOT NULL,
                attempts INTEGER NOT NULL,
                stalls INTEGER NOT NULL,
                finished_at INTEGER,
                last_error TEXT,
                payload TEXT NOT NULL,
                PRIMARY KEY (audit_id, message_id)) WITHOUT ROWID)"),
            QStringLiteral("CREATE INDEX action_journal_message ON action_journal (message_id, audit_id)"),
            QStringLiteral("ALTER TABLE audit_log ADD COLUMN undoable INTEGER NOT NULL DEFAULT 0"),
            QStringLiteral("ALTER TABLE audit_log ADD COLUMN undone_by INTEGER"),
        };
    case 4:
        // E-mail events (DESIGN §7): one row per SES event and recipient, rollups kept at intake so
        // rates and charts never scan events, and suppressions that can expire.
        return {
            QStringLiteral(R"(CREATE TABLE email_events (
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
                UNIQUE (sns_message_id, recipient)))"),
            QStringLiteral("CREATE INDEX email_events_occurred ON email_events (occurred_at, id)"),
            QStringLiteral("CREATE INDEX email_events_mail_message ON email_events (mail_message_id)"),
            // Soft-bounce counting per address, and the events of one address.
            QStringLiteral("CREATE INDEX email_events_recipient ON email_events (recipient, event_type, occurred_at)"),
            QStringLiteral("CREATE INDEX email_events_type ON email_events (event_type, id)"),
            QStringLiteral("CREATE INDEX email_events_message ON email_events (message_id) WHERE message_id IS NOT NULL"),
            // Linking an event to the message whose provider id it carries.
            QStringLiteral("CREATE INDEX messages_provider_id ON messages (provider_message_id) WHERE provider_message_id IS NOT NULL"),
            // period_ms is 3600000 (hours) or 86400000 (days); bucket is the period's first ms, UTC.
            QStringLiteral(R"(CREATE TABLE email_rollups (
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
                PRIMARY KEY (period_ms, bucket)) WITHOUT ROWID)"),
            QStringLiteral(R"(CREATE TABLE email_domain_rollups (
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
                PRIMARY KEY (day, domain)) WITHOUT ROWID)"),
            QStringLiteral(R"(CREATE TABLE email_bounce_reasons (
                day INTEGER NOT NULL,
                bounce_type TEXT NOT NULL,
                bounce_subtype TEXT NOT NULL,
                diagnostic TEXT NOT NULL,
                n INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (day, bounce_type, bounce_subtype, diagnostic)) WITHOUT ROWID)"),
            QStringLiteral("ALTER TABLE suppressions ADD COLUMN source_event TEXT"),
            QStringLiteral("ALTER TABLE suppressions ADD COLUMN expires_at INTEGER"),
            QStringLiteral("ALTER TABLE suppressions ADD COLUMN note TEXT"),
            // Free-text reasons of schema 2 (stale push tokens) become notes of manual entries.
            QStringLiteral("UPDATE suppressions SET note = reason, reason = 'manual' "
                           "WHERE reason NOT IN ('hard_bounce', 'soft_bounce', 'complaint', 'manual')"),
            QStringLiteral(R"(CREATE TABLE email_settings (
                key TEXT PRIMARY KEY,
                value TEXT NOT NULL))"),
            // SNS subscription and unsubscription confirmations: recorded, never counted as e-mail events.
            QStringLiteral(R"(CREATE TABLE sns_notices (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                sns_message_id TEXT NOT NULL UNIQUE,
                type TEXT NOT NULL,
                topic_arn TEXT NOT NULL,
                message TEXT,
                subscribe_url TEXT,
                received_at INTEGER NOT NULL,
                confirmed_at INTEGER,
                confirm_error TEXT))"),
        };
    case 5:
        // Settings of the engine that every process of a store shares (the cleanup schedule), and the
        // record of cleanup runs, so the console shows the last run and the next.
        return {
            QStringLiteral(R"(CREATE TABLE settings (
                key TEXT PRIMARY KEY,
                value TEXT NOT NULL))"),
            QStringLiteral(R"(CREATE TABLE cleanup_runs (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                trigger TEXT NOT NULL,
                started_at INTEGER NOT NULL,
                finished_at INTEGER,
                messages INTEGER NOT NULL DEFAULT 0,
                outbox INTEGER NOT NULL DEFAULT 0,
                audit INTEGER NOT NULL DEFAULT 0,
                email_events INTEGER NOT NULL DEFAULT 0,
                archived INTEGER NOT NULL DEFAULT 0,
                bytes_reclaimed INTEGER NOT NULL DEFAULT 0,
                cancelled INTEGER NOT NULL DEFAULT 0,
                error TEXT))"),
            QStringLiteral("CREATE INDEX cleanup_runs_trigger ON cleanup_runs (trigger, id)"),
        };
    case 6:
        // When a delivery left for its peer (the HTTP request written, the SMTP transfer begun): a lease
        // that expires on an attempt that never left is not a stall and not an attempt.
        return {QStringLiteral("ALTER TABLE attempts ADD COLUMN reached_at INTEGER")};
    default: return {};
    }
}

QString SqliteDialect::listTables() const
{
    return QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name");
}

QString SqliteDialect::insertSkippingConflicts(const QString &table, const QString &columns, const QString &placeholders,
                                               const QString &conflictColumns, const QString &where) const
{
    // Not INSERT OR IGNORE: that would also skip rows breaking NOT NULL or CHECK, silently.
    return QStringLiteral("INSERT INTO %1 (%2) VALUES (%3) ON CONFLICT (%4) WHERE %5 DO NOTHING")
        .arg(table, columns, placeholders, conflictColumns, where);
}

QString SqliteDialect::jsonArrayRows(int columns) const
{
    QStringList values;
    for (int i = 0; i < columns; ++i)
        values << QStringLiteral("json_extract(value, '$[%1]')").arg(i);
    // json_each walks the array in order; ORDER BY key says so, so the ids follow the input.
    return values.join(QStringLiteral(", ")) + QStringLiteral(" FROM json_each(?) ORDER BY key");
}

QString SqliteDialect::idListCondition(const QString &column) const
{
    return QStringLiteral("%1 IN (SELECT value FROM json_each(?))").arg(column);
}

QVariant SqliteDialect::idListValue(const QList<qint64> &ids) const
{
    QByteArray json;
    json.reserve(ids.size() * 8 + 2);
    json += '[';
    for (qsizetype i = 0; i < ids.size(); ++i) {
        if (i)
            json += ',';
        json += QByteArray::number(ids[i]);
    }
    json += ']';
    return QString::fromLatin1(json);
}

} // namespace herald
