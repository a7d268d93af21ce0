// `heraldctl import` as a real process (issue 18): a send_event mongoexport and an event_messages table on a
// real PostgreSQL server (PgServer), each previewed, imported, imported again (nothing added), then
// delivered with `work --until-idle` into the outbox: what the source had sent is never sent again, what
// was due goes out once. And every refusal, each before anything is written.
#include "HeraldctlRun.h"
#include "PgServer.h"
#include "TestHttpServer.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace herald;
using namespace Qt::StringLiterals;

namespace {

// The event_messages table as the seed describes it (its columns verified against production there).
const QString kEventMessagesTable = uR"(
CREATE TABLE event_messages (
    id SERIAL PRIMARY KEY, event_id INTEGER, contractor_id INTEGER, message_type VARCHAR(100), message_category VARCHAR(50),
    scheduled_time TIMESTAMP, actual_send_time TIMESTAMP, status VARCHAR(20) DEFAULT 'scheduled', message_content TEXT,
    personalization_data JSONB, phone VARCHAR(20), channel VARCHAR(20) DEFAULT 'sms', response_received TEXT,
    response_time TIMESTAMP, sentiment_score NUMERIC(3,2), pcr_score INTEGER, action_taken TEXT, ghl_contact_id VARCHAR(100),
    ghl_message_id VARCHAR(100), ghl_location_id VARCHAR(100), error_message TEXT, delay_minutes INTEGER,
    created_at TIMESTAMP DEFAULT NOW(), updated_at TIMESTAMP DEFAULT NOW());
)"_s;

// One row in every status; rows 2 and 6 are due, row 1 is far ahead, 3–5 are history.
const QString kEventMessagesRows = uR"(
INSERT INTO event_messages (id, event_id, contractor_id, message_type, message_category, scheduled_time, actual_send_time, status,
                            message_content, personalization_data, phone, channel, ghl_contact_id, ghl_message_id, ghl_location_id,
                            error_message, delay_minutes, updated_at) VALUES
 (1, 41, 56, 'speaker_alert', 'event_day', '2099-06-01 09:00:00', NULL, 'scheduled', 'Your session starts in 15 minutes!',
  '{"speaker_name": "John Doe"}', '+14155550101', 'sms', 'abc123', NULL, 'loc456', NULL, NULL, '2026-10-01 08:00:00'),
 (2, 41, 57, 'check_in_reminder_1_hour', 'pre_event', '2026-11-01 09:00:00', NULL, 'scheduled', 'Check-in opens in an hour',
  NULL, '+14155550102', 'sms', NULL, NULL, NULL, NULL, NULL, '2026-10-01 08:00:00'),
 (3, 41, 56, 'registration_confirmation', 'pre_event', '2026-10-01 09:00:00', '2026-10-01 09:00:05', 'sent', 'You are registered',
  NULL, '+14155550101', 'sms', 'abc123', 'ghl-m-3', 'loc456', NULL, 0, '2026-10-01 09:00:05'),
 (4, 41, 58, 'pcr_request', 'pcr', '2026-10-02 10:00:00', NULL, 'failed', 'How was it?', NULL, NULL, 'sms', NULL, NULL, NULL,
  'No phone number', NULL, '2026-10-02 10:00:01'),
 (5, 42, 56, 'sponsor_recommendation', 'event_day', '2026-10-03 11:00:00', NULL, 'cancelled', 'Visit booth 7', NULL,
  '+14155550101', 'sms', NULL, NULL, NULL, NULL, NULL, '2026-10-03 10:00:00'),
 (6, 42, 59, 'check_in_reminder_event_start', 'event_day', '2026-11-02 08:00:00', NULL, 'scheduled', 'We start now',
  '{"session": {"title": "AI in Business"}}', '+14155550106', 'sms', NULL, NULL, NULL, NULL, 0, '2026-10-01 08:00:00');
)"_s;

// "source status → state: rows" lines of an import's --json mapping, for comparing whole.
QStringList mappingLines(const QJsonObject &o)
{
    QStringList lines;
    for (const QJsonValue &v : o.value(u"mapping"_s).toArray()) {
        const QJsonObject m = v.toObject();
        lines << u"%1 -> %2: %3"_s.arg(m.value(u"source_status"_s).toString(), m.value(u"state"_s).toString())
                     .arg(m.value(u"rows"_s).toInteger());
    }
    return lines;
}

} // namespace

class tst_Import : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    test::PgServer *m_pg = nullptr;
    int m_stores = 0;

    QProcessEnvironment environment() const
    {
        QProcessEnvironment env = test::ctlEnvironment();
        env.insert(u"HOME"_s, m_dir.path());
        env.insert(u"XDG_DATA_HOME"_s, m_dir.filePath(u"xdg"_s));
        return env;
    }

    test::CtlRun ctl(const QString &db, const QStringList &args)
    {
        test::CtlRun r = test::runHeraldctl(db, args, environment());
        if (m_pg && (r.out.contains(m_pg->password().toUtf8()) || r.err.contains(m_pg->password().toUtf8())))
            qFatal("heraldctl %s printed the password:\n%s\n%s", qPrintable(args.join(u' ')), r.out.constData(), r.err.constData());
        return r;
    }

    // A new SQLite store with the queue.
    QString newStore(const QString &queue)
    {
        const QString db = m_dir.filePath(u"store-%1.db"_s.arg(++m_stores));
        const test::CtlRun r = ctl(db, {u"queue"_s, u"add"_s, queue, u"--attempts"_s, u"3"_s});
        if (r.code != 0)
            qFatal("queue add: %s", r.err.constData());
        return db;
    }

    QList<QJsonObject> messages(const QString &db, const QStringList &selection = {})
    {
        const test::CtlRun r = ctl(db, QStringList{u"list"_s, u"--json"_s, u"--limit"_s, u"1000"_s} + selection);
        if (r.code != 0)
            qFatal("list: %s", r.err.constData());
        return test::jsonLines(r.out);
    }

    // What the outbox channel captured, as "recipient: text" lines (read beside heraldctl, as another program would).
    QStringList outbox(const QString &db)
    {
        QStringList lines;
        const QString name = u"outbox-%1"_s.arg(++m_stores);
        {
            QSqlDatabase sqlite = QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
            sqlite.setDatabaseName(db);
            if (!sqlite.open())
                qFatal("cannot open %s", qPrintable(db));
            QSqlQuery q(sqlite);
            q.exec(u"SELECT rendered FROM outbox"_s);
            while (q.next()) {
                const QJsonObject r = QJsonDocument::fromJson(q.value(0).toByteArray()).object();
                lines << r.value(u"to"_s).toString() + u": "_s + r.value(u"text"_s).toString();
            }
        }
        QSqlDatabase::removeDatabase(name);
        lines.sort();
        return lines;
    }

    // Messages in the store, from the counters (stats --json), over every queue.
    qint64 total(const QString &db)
    {
        qint64 n = 0;
        for (const QJsonValue &q : QJsonDocument::fromJson(ctl(db, {u"stats"_s, u"--json"_s}).out).array())
            n += q.toObject().value(u"total"_s).toInteger();
        return n;
    }

    QString sendEventFixture() const { return QStringLiteral(HERALD_LEGACY_FIXTURES "/send_event.jsonl"); }

    // A database on the test server holding event_messages with one row in every status.
    QString eventMessagesDatabase()
    {
        QString error;
        m_pg = test::PgServer::shared(&error);
        if (!m_pg)
            qFatal("PostgreSQL for the tests: %s", qPrintable(error));
        const QString database = m_pg->freshDatabase(&error);
        if (database.isEmpty() || !m_pg->psql(database, kEventMessagesTable + kEventMessagesRows, nullptr, &error))
            qFatal("event_messages: %s", qPrintable(error));
        return database;
    }

    QString writeFile(const QString &name, const QByteArray &content)
    {
        QFile f(m_dir.filePath(name));
        if (!f.open(QIODevice::WriteOnly) || f.write(content) != content.size())
            qFatal("cannot write %s", qPrintable(f.fileName()));
        return f.fileName();
    }

private slots:
    void shouldImportSendEventWithItsHistoryOnceAndDeliverOnlyWhatWasPending()
    {
        const QString db = newStore(u"incentives"_s);
        const QStringList import{u"import"_s, u"send-event"_s, sendEventFixture(), u"--queue"_s, u"incentives"_s};

        const test::CtlRun preview = ctl(db, import + QStringList{u"--dry-run"_s, u"--json"_s});
        QCOMPARE(preview.code, 0);
        const QJsonObject p = QJsonDocument::fromJson(preview.out).object();
        QCOMPARE(p.value(u"source_records"_s).toInteger(), 9);
        QCOMPARE(p.value(u"messages"_s).toInteger(), 17);
        // Each item fanned out to its users; the due pending ones are waiting, the future ones scheduled.
        QCOMPARE(mappingLines(p), QStringList({u"(no status) -> waiting: 2"_s, u"completed -> completed: 4"_s, u"failed -> failed: 2"_s,
                                               u"pending -> scheduled: 2"_s, u"pending -> waiting: 4"_s, u"processing -> waiting: 2"_s,
                                               u"retry -> scheduled: 1"_s}));
        QCOMPARE(p.value(u"skipped"_s).toArray().size(), 2);
        QVERIFY(p.value(u"skipped"_s).toArray().at(0).toObject().value(u"row"_s).toString().startsWith(u"6650a1f0c2b1e4a1d0000008"_s));
        QVERIFY(p.value(u"notes"_s).toArray().at(0).toString().contains(u"at-least-once"_s));
        QCOMPARE(messages(db).size(), 0); // a dry run writes nothing

        const test::CtlRun first = ctl(db, import);
        QCOMPARE(first.code, 0);
        QVERIFY2(first.out.contains("Imported 17 new messages (3 scheduled, 8 waiting, 4 completed, 2 failed)"), first.out.constData());
        QVERIFY(first.err.contains("17 of 17 rows"));
        const test::CtlRun again = ctl(db, import);
        QCOMPARE(again.code, 0);
        QVERIFY2(again.out.contains("Imported 0 new messages; 17 already imported"), again.out.constData());
        QCOMPARE(messages(db).size(), 17);

        // The history as the source had it.
        const QList<QJsonObject> failed = messages(db, {u"--state"_s, u"failed"_s});
        QCOMPARE(failed.size(), 2);
        QCOMPARE(failed[0].value(u"last_error"_s).toString(), u"push gateway 503 Service Unavailable"_s);
        QCOMPARE(failed[0].value(u"attempts"_s).toInt(), 4); // retry_count 3 and the first run
        QCOMPARE(failed[0].value(u"finished_at"_s).toString(), u"2026-11-28T09:00:00.000Z"_s);
        QCOMPARE(failed[0].value(u"priority"_s).toInt(), 2); // send_event 4
        const QList<QJsonObject> welcome = messages(db, {u"--label"_s, u"batch=b-1"_s});
        QCOMPARE(welcome.size(), 4);
        for (const QJsonObject &m : welcome) {
            QCOMPARE(m.value(u"state"_s).toString(), u"completed"_s);
            QCOMPARE(m.value(u"finished_at"_s).toString(), u"2026-11-29T08:00:03.000Z"_s);
            QCOMPARE(m.value(u"labels"_s).toObject().value(u"campaign"_s).toString(), u"welcome"_s);
            QCOMPARE(m.value(u"labels"_s).toObject().value(u"source"_s).toString(), u"cron"_s);
        }
        const QList<QJsonObject> eco = messages(db, {u"--label"_s, u"batch=b-17"_s});
        QCOMPARE(eco.size(), 2);
        const QJsonObject ecoPayload = eco[0].value(u"payload"_s).toObject();
        QCOMPARE(ecoPayload.value(u"title"_s).toString(), u"Achievement Unlocked!"_s);
        QCOMPARE(ecoPayload.value(u"localization"_s).toObject().value(u"es"_s).toObject().value(u"body"_s).toString(),
                 u"¡Felicidades! Ganaste la insignia de Guerrero Ecológico"_s);
        QCOMPARE(eco[0].value(u"priority"_s).toInt(), 5); // send_event 2

        const test::CtlRun work = ctl(db, {u"work"_s, u"--until-idle"_s, u"--json"_s});
        QCOMPARE(work.code, 0);
        // The eight that were due went out, once each; nothing the source had finished was sent.
        const QList<QJsonObject> deliveries = test::jsonLines(work.out);
        QCOMPARE(deliveries.size(), 8);
        QCOMPARE(messages(db, {u"--state"_s, u"completed"_s}).size(), 12);
        QCOMPARE(messages(db, {u"--state"_s, u"failed"_s}).size(), 2);
        QCOMPARE(messages(db, {u"--state"_s, u"scheduled"_s}).size(), 3);
        for (const QJsonObject &m : messages(db, {u"--label"_s, u"batch=b-1"_s}))
            QCOMPARE(m.value(u"attempts"_s).toInt(), 1); // as imported: never claimed
        // Rendered from the imported localization (title and message as title and body); the welcome batch, completed at
        // the source, is not among them.
        QCOMPARE(outbox(db), QStringList({u"111: You got 20 points"_s, u"2001: Well done"_s, u"2002: Well done"_s, u"222: You got 20 points"_s,
                                          u"3001: Hello"_s, u"333: You got 20 points"_s, u"444: Travel warning"_s, u"555: Travel warning"_s}));

        const test::CtlRun audit = ctl(db, {u"audit"_s, u"--json"_s});
        QVERIFY2(audit.out.contains("\"import\""), audit.out.constData());
    }

    void shouldImportEventMessagesFromPostgresOnceAndDeliverOnlyWhatWasScheduled()
    {
        const QString database = eventMessagesDatabase();
        const QString db = newStore(u"event-messages"_s);
        // The rows name the channel `sms`: here a real HTTP SMS gateway on loopback.
        TestHttpServer gateway;
        QVERIFY(gateway.listen());
        gateway.setFallback(TestHttpServer::Response::answer(200, R"({"id":"gw-1"})"));
        QCOMPARE(ctl(db, {u"channel"_s, u"add"_s, u"sms"_s, u"--kind"_s, u"sms"_s, u"--url"_s, gateway.url(u"/send"_s).toString()}).code, 0);
        const QStringList import{u"import"_s,   u"event-messages"_s, u"--from"_s,            m_pg->url(database),
                                 u"--queue"_s,  u"event-messages"_s, u"--source-timezone"_s, u"America/New_York"_s};

        const test::CtlRun preview = ctl(db, import + QStringList{u"--dry-run"_s, u"--json"_s});
        QVERIFY2(preview.code == 0, preview.err.constData());
        const QJsonObject p = QJsonDocument::fromJson(preview.out).object();
        QCOMPARE(p.value(u"source_records"_s).toInteger(), 6);
        QCOMPARE(mappingLines(p), QStringList({u"cancelled -> cancelled: 1"_s, u"failed -> failed: 1"_s, u"scheduled -> scheduled: 1"_s,
                                               u"scheduled -> waiting: 2"_s, u"sent -> completed: 1"_s}));
        QVERIFY(!p.value(u"source"_s).toString().contains(m_pg->password()));
        QCOMPARE(messages(db).size(), 0);

        const test::CtlRun first = ctl(db, import);
        QVERIFY2(first.code == 0, first.err.constData());
        QVERIFY2(first.out.contains("Imported 6 new messages"), first.out.constData());
        const test::CtlRun again = ctl(db, import);
        QCOMPARE(again.code, 0);
        QVERIFY2(again.out.contains("Imported 0 new messages; 6 already imported"), again.out.constData());

        // scheduled_time is the New York clock: 09:00 EDT is 13:00 UTC.
        const QList<QJsonObject> ahead = messages(db, {u"--state"_s, u"scheduled"_s});
        QCOMPARE(ahead.size(), 1);
        QCOMPARE(ahead[0].value(u"run_at"_s).toString(), u"2099-06-01T13:00:00.000Z"_s);
        QCOMPARE(ahead[0].value(u"recipient"_s).toString(), u"+14155550101"_s);
        QCOMPARE(ahead[0].value(u"priority"_s).toInt(), 2); // speaker_alert
        QCOMPARE(ahead[0].value(u"payload"_s).toObject().value(u"personalization_data"_s).toObject().value(u"speaker_name"_s).toString(),
                 u"John Doe"_s);
        QCOMPARE(ahead[0].value(u"payload"_s).toObject().value(u"ghl_contact_id"_s).toString(), u"abc123"_s);
        const QList<QJsonObject> sent = messages(db, {u"--state"_s, u"completed"_s});
        QCOMPARE(sent.size(), 1);
        QCOMPARE(sent[0].value(u"finished_at"_s).toString(), u"2026-10-01T13:00:05.000Z"_s);
        QCOMPARE(sent[0].value(u"provider_message_id"_s).toString(), u"ghl-m-3"_s);
        const QList<QJsonObject> failed = messages(db, {u"--state"_s, u"failed"_s});
        QCOMPARE(failed.size(), 1);
        QCOMPARE(failed[0].value(u"last_error"_s).toString(), u"No phone number"_s);
        // The labels event selections use: one contractor of one event.
        QCOMPARE(messages(db, {u"--label"_s, u"event=41"_s, u"--label"_s, u"contractor=56"_s}).size(), 2);
        QCOMPARE(messages(db, {u"--label"_s, u"message_type=pcr_request"_s}).size(), 1);
        QCOMPARE(messages(db, {u"--label"_s, u"event=41"_s, u"--label"_s, u"person=56"_s}).size(), 2); // as plans label them

        const test::CtlRun work = ctl(db, {u"work"_s, u"--until-idle"_s, u"--json"_s});
        QCOMPARE(work.code, 0);
        const QList<QJsonObject> deliveries = test::jsonLines(work.out);
        QCOMPARE(deliveries.size(), 2); // rows 2 and 6, once each
        QStringList recipients;
        for (const QJsonObject &m : messages(db, {u"--state"_s, u"completed"_s}))
            recipients << m.value(u"recipient"_s).toString();
        recipients.sort();
        QCOMPARE(recipients, QStringList({u"+14155550101"_s, u"+14155550102"_s, u"+14155550106"_s}));
        QCOMPARE(messages(db, {u"--state"_s, u"cancelled"_s}).size(), 1);
        QCOMPARE(messages(db, {u"--state"_s, u"scheduled"_s}).size(), 1);
        QStringList sms;
        for (const TestHttpServer::Request &r : gateway.requests()) {
            const QJsonObject body = QJsonDocument::fromJson(r.body).object();
            sms << body.value(u"to"_s).toString() + u": "_s + body.value(u"text"_s).toString();
        }
        sms.sort();
        QCOMPARE(sms, QStringList({u"+14155550102: Check-in opens in an hour"_s, u"+14155550106: We start now"_s}));
        QCOMPARE(outbox(db), QStringList());
    }

    void shouldRefuseBadInputBeforeWritingAnything_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("missing file") << u"missing-file"_s << QByteArray("cannot read");
        QTest::newRow("unparsable line") << u"bad-line"_s << QByteArray(":2: not JSON");
        QTest::newRow("unknown status") << u"unknown-status"_s << QByteArray("unknown status 'delivered' in 2 row(s)");
        QTest::newRow("bad date") << u"bad-date"_s << QByteArray("scheduled_at is not a date");
        QTest::newRow("unknown queue") << u"unknown-queue"_s << QByteArray("nowhere");
        QTest::newRow("unknown zone") << u"unknown-zone"_s << QByteArray("--source-timezone 'Mars/Olympus'");
        QTest::newRow("bad url") << u"bad-url"_s << QByteArray("is not a PostgreSQL URL");
        QTest::newRow("missing columns") << u"missing-columns"_s << QByteArray("has no column contractor_id, phone");
        QTest::newRow("unreachable server") << u"unreachable"_s << QByteArray("cannot connect to the source");
    }

    void shouldRefuseBadInputBeforeWritingAnything()
    {
        QFETCH(QString, kind);
        QFETCH(QByteArray, expected);
        const QString db = newStore(u"q"_s);
        const QByteArray good = QByteArrayLiteral(R"({"_id":{"$oid":"a1"},"status":"pending","data":[{"eventName":"e","userIds":[1]}]})");
        QStringList args;
        if (kind == u"missing-file") {
            args = {u"import"_s, u"send-event"_s, m_dir.filePath(u"nothing-here.jsonl"_s), u"--queue"_s, u"q"_s};
        } else if (kind == u"bad-line") {
            args = {u"import"_s, u"send-event"_s, writeFile(u"bad-line.jsonl"_s, good + "\n{\"_id\": \n"), u"--queue"_s, u"q"_s};
        } else if (kind == u"unknown-status") {
            const QByteArray delivered = QByteArrayLiteral(R"({"_id":"b%1","status":"delivered","data":[{"userIds":[1]}]})");
            args = {u"import"_s, u"send-event"_s,
                    writeFile(u"status.jsonl"_s, good + '\n' + QByteArray(delivered).replace("%1", "1") + '\n' + QByteArray(delivered).replace("%1", "2")),
                    u"--queue"_s, u"q"_s};
        } else if (kind == u"bad-date") {
            args = {u"import"_s, u"send-event"_s,
                    writeFile(u"date.jsonl"_s, good + "\n{\"_id\":\"c\",\"scheduled_at\":{\"$date\":\"yesterday\"},\"data\":[{\"userIds\":[1]}]}"),
                    u"--queue"_s, u"q"_s};
        } else if (kind == u"unknown-queue") {
            args = {u"import"_s, u"send-event"_s, sendEventFixture(), u"--queue"_s, u"nowhere"_s};
        } else if (kind == u"unknown-zone") {
            args = {u"import"_s, u"event-messages"_s, u"--from"_s, u"postgres://u:pw@127.0.0.1:1/db"_s, u"--queue"_s, u"q"_s,
                    u"--source-timezone"_s, u"Mars/Olympus"_s};
        } else if (kind == u"bad-url") {
            args = {u"import"_s, u"event-messages"_s, u"--from"_s, u"mongodb://u:s3cret@host/db"_s, u"--queue"_s, u"q"_s,
                    u"--source-timezone"_s, u"UTC"_s};
        } else if (kind == u"missing-columns") {
            const QString database = eventMessagesDatabase();
            QString error;
            QVERIFY2(m_pg->psql(database, u"ALTER TABLE event_messages DROP COLUMN contractor_id, DROP COLUMN phone"_s, nullptr, &error),
                     qPrintable(error));
            args = {u"import"_s, u"event-messages"_s, u"--from"_s, m_pg->url(database), u"--queue"_s, u"q"_s, u"--source-timezone"_s, u"UTC"_s};
        } else if (kind == u"unreachable") {
            args = {u"import"_s, u"event-messages"_s, u"--from"_s, u"postgres://herald:s3cret@127.0.0.1:1/legacy"_s, u"--queue"_s, u"q"_s,
                    u"--source-timezone"_s, u"UTC"_s};
        }
        const test::CtlRun r = ctl(db, args);
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(expected), r.err.constData());
        QVERIFY2(!r.err.contains("s3cret") && !r.out.contains("s3cret"), r.err.constData());
        QCOMPARE(messages(db).size(), 0);
    }

    void shouldStopBetweenChunksOnSigintAndFinishWhenRunAgain()
    {
        const QString db = newStore(u"q"_s);
        QJsonArray users;
        for (int i = 0; i < 20000; ++i)
            users << i;
        const QJsonObject doc{{u"_id"_s, u"big"_s}, {u"status"_s, u"pending"_s},
                              {u"data"_s, QJsonArray{QJsonObject{{u"eventName"_s, u"e"_s}, {u"userIds"_s, users}}}}};
        const QString file = writeFile(u"big.jsonl"_s, QJsonDocument(doc).toJson(QJsonDocument::Compact));
        QProcess p;
        p.setProcessEnvironment(environment());
        p.start(QStringLiteral(HERALDCTL_PATH), {u"--db"_s, db, u"import"_s, u"send-event"_s, file, u"--queue"_s, u"q"_s, u"--chunk"_s, u"1"_s});
        QVERIFY(p.waitForStarted());
        QByteArray err;
        QTRY_VERIFY_WITH_TIMEOUT((err += p.readAllStandardError()).contains(" of 20000 rows"), 60'000); // the first chunks are in
        ::kill(pid_t(p.processId()), SIGINT);
        QVERIFY(p.waitForFinished(60'000));
        err += p.readAllStandardError();
        QCOMPARE(p.exitCode(), 1);
        QVERIFY2(err.contains("stopped after") && err.contains("run the same import again"), err.constData());
        const qint64 before = total(db);
        QVERIFY2(before > 0 && before < 20000, qPrintable(QString::number(before)));

        const test::CtlRun rest = ctl(db, {u"import"_s, u"send-event"_s, file, u"--queue"_s, u"q"_s});
        QCOMPARE(rest.code, 0);
        QVERIFY2(rest.out.contains(u"Imported %1 new messages"_s.arg(20000 - before).toUtf8()), rest.out.constData());
        QCOMPARE(total(db), 20000);
    }

    void shouldImportTheReadableRowsWithSkipInvalid()
    {
        const QString db = newStore(u"q"_s);
        const QString file = writeFile(u"mixed.jsonl"_s, QByteArrayLiteral(R"({"_id":"a","status":"completed","data":[{"eventName":"e","userIds":[1,2]}]})"
                                                                           "\n{not json}\n"));
        const test::CtlRun r = ctl(db, {u"import"_s, u"send-event"_s, file, u"--queue"_s, u"q"_s, u"--skip-invalid"_s});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains("Imported 2 new messages (2 completed)") && r.out.contains("1 invalid left out"), r.out.constData());
        QCOMPARE(messages(db, {u"--state"_s, u"completed"_s}).size(), 2);
    }
};

QTEST_GUILESS_MAIN(tst_Import)
#include "tst_import.moc"
