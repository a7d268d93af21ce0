// herald_enqueue() on PostgreSQL (DESIGN §3.2): a program that only speaks SQL, here the psql program,
// enqueues the message heraldctl would have stored, is refused in heraldctl's words, and wakes the
// engines through NOTIFY herald_wakeup.
#include "StoreFixture.h"

#include "model/MessageJson.h"
#include "model/TimeText.h"

#include <QJsonDocument>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlDriver>
#include <QSqlError>

using namespace herald;
using herald::test::PgServer;

namespace {

// What a foreign program gets from psql: the output, or the error's SQLSTATE and words.
struct PsqlResult
{
    bool ok = false;
    QString output;
    QString sqlState;
    QString error;
};

PsqlResult runPsql(const QString &database, const QString &sql)
{
    PsqlResult r;
    QString error;
    // Verbose: the first line of an error is "ERROR:  <SQLSTATE>: <message>".
    r.ok = PgServer::shared()->psql(database, QStringLiteral("\\set VERBOSITY verbose\n") + sql, &r.output, &error);
    if (!r.ok) {
        static const QRegularExpression firstLine(QStringLiteral("ERROR:  ([0-9A-Z]{5}): ([^\\n]*)"));
        const QRegularExpressionMatch m = firstLine.match(error);
        r.sqlState = m.captured(1);
        r.error = m.hasMatch() ? m.captured(2) : error;
    }
    return r;
}

// A store on its own fresh database with the queue "reminders" (4 attempts, channel sms) and "other".
// Both sides of a comparison read the real clock: the server's is the same machine's.
std::unique_ptr<StoreFixture> openStore()
{
    auto f = std::make_unique<StoreFixture>();
    if (!f->open())
        return nullptr;
    f->store->setClock({});
    for (const QString &name : {QStringLiteral("reminders"), QStringLiteral("other")}) {
        QueueConfig c;
        c.name = name;
        c.maxAttempts = 4;
        c.defaultChannel = QStringLiteral("sms");
        if (auto s = f->store->addQueue(c); !s) {
            qWarning("%s", qPrintable(s.errorString()));
            return nullptr;
        }
    }
    return f;
}

// Every field of a message, one per line. The two sides enqueue at different instants, so a time equal
// to the creation time reads "created".
QString describe(const Message &m)
{
    const auto relative = [&](qint64 t) { return t == m.createdAt ? QStringLiteral("created") : QString::number(t); };
    const auto optional = [](const std::optional<qint64> &t) { return t ? QString::number(*t) : QStringLiteral("none"); };
    QStringList labels;
    for (auto it = m.labels.cbegin(); it != m.labels.cend(); ++it)
        labels << it.key() + QLatin1Char('=') + it.value();
    return QStringList{QStringLiteral("id ") + QString::number(m.id),
                       QStringLiteral("queue ") + m.queue,
                       QStringLiteral("type ") + m.type,
                       QStringLiteral("channel ") + m.channel,
                       QStringLiteral("recipient ") + m.recipient,
                       QStringLiteral("payload ") + QString::fromUtf8(m.payload),
                       QStringLiteral("labels ") + labels.join(QLatin1Char(' ')),
                       QStringLiteral("priority ") + QString::number(m.priority),
                       QStringLiteral("state ") + stateName(m.state),
                       QStringLiteral("run_at ") + relative(m.runAt),
                       QStringLiteral("updated_at ") + relative(m.updatedAt),
                       QStringLiteral("started_at ") + optional(m.startedAt),
                       QStringLiteral("finished_at ") + optional(m.finishedAt),
                       QStringLiteral("attempts ") + QString::number(m.attempts),
                       QStringLiteral("max_attempts ") + QString::number(m.maxAttempts),
                       QStringLiteral("lease_owner ") + m.leaseOwner,
                       QStringLiteral("lease_until ") + optional(m.leaseUntil),
                       QStringLiteral("stalls ") + QString::number(m.stalls),
                       QStringLiteral("dedupe_key ") + (m.dedupeKey.isNull() ? QStringLiteral("NULL") : m.dedupeKey),
                       QStringLiteral("provider_message_id ") + m.providerMessageId,
                       QStringLiteral("last_error ") + m.lastError}
        .join(QLatin1Char('\n'));
}

// The row as the database holds it, every column but the three times, byte for byte (the labels and
// payload texts included), and its label rows.
QString storedRow(const QString &database, qint64 id)
{
    const PsqlResult r = runPsql(database, QStringLiteral("SELECT to_jsonb(m) - 'created_at' - 'updated_at' - 'run_at', "
                                                          "(SELECT string_agg(l.key || '=' || l.value, ' ' ORDER BY l.key) "
                                                          "FROM message_labels l WHERE l.message_id = m.id) "
                                                          "FROM messages m WHERE m.id = %1")
                                               .arg(id));
    return r.ok ? r.output : r.error;
}

QString countRows(const QString &database)
{
    const PsqlResult r = runPsql(database, QStringLiteral("SELECT (SELECT count(*) FROM messages) || ' messages, ' || "
                                                          "(SELECT count(*) FROM message_labels) || ' labels'"));
    return r.ok ? r.output : r.error;
}

// What `heraldctl enqueue --file` prints for a file of this one line, after its "heraldctl enqueue: "
// (and "<file>:1: " for a line it cannot read): the JSON Lines reader's words, else the store's. Empty
// when both take it.
QString heraldctlWords(Store &store, const QString &line)
{
    auto m = newMessageFromJson(QJsonDocument::fromJson(line.toUtf8()).object(), QString(), store.now());
    if (!m)
        return m.errorString();
    auto r = store.enqueue(*m);
    return r ? QString() : r.errorString();
}

} // namespace

class tst_SqlEnqueue : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        // The function exists on PostgreSQL only: this test always runs there.
        qputenv("HERALD_TEST_STORE", "postgres");
        QString error;
        QVERIFY2(PgServer::shared(&error), qPrintable(error));
    }

    // Each row: the arguments a program passes, and the JSON Lines line heraldctl reads for the same
    // message (run_at: %1 stands for a time runAtFromNow ms from now, in ms or ISO 8601).
    void shouldStoreWhatHeraldctlStores_data()
    {
        QTest::addColumn<QString>("arguments");
        QTest::addColumn<QString>("line");
        QTest::addColumn<qint64>("runAtFromNow");
        QTest::addColumn<QString>("state");
        QTest::newRow("every argument") << QStringLiteral(R"('reminders', 'sms', '+14155550100', '{"text":"hi"}', NULL, 5, '{"event":"41"}', 'k1')")
                                        << QStringLiteral(R"({"queue": "reminders", "type": "sms", "recipient": "+14155550100", "payload": {"text": "hi"},)"
                                                          R"( "priority": 5, "labels": {"event": "41"}, "dedupe_key": "k1"})")
                                        << qint64(0) << QStringLiteral("waiting");
        QTest::newRow("the defaults") << QStringLiteral(R"('reminders', 'sms', NULL)") << QStringLiteral(R"({"queue": "reminders", "type": "sms"})")
                                      << qint64(0) << QStringLiteral("waiting");
        QTest::newRow("named arguments, an empty dedupe key is none")
            << QStringLiteral(R"(queue => 'reminders', type => 'email', recipient => 'ana@example.com', priority => 1, dedupe_key => '')")
            << QStringLiteral(R"({"queue": "reminders", "type": "email", "recipient": "ana@example.com", "priority": 1, "dedupe_key": ""})")
            << qint64(0) << QStringLiteral("waiting");
        QTest::newRow("NULL and JSON null are the defaults")
            << QStringLiteral(R"('reminders', 'sms', NULL, 'null', NULL, NULL, 'null', NULL)")
            << QStringLiteral(R"({"queue": "reminders", "type": "sms", "recipient": null, "payload": null, "priority": null, "labels": null,)"
                              R"( "dedupe_key": null})")
            << qint64(0) << QStringLiteral("waiting");
        QTest::newRow("label values as whole numbers, labels text in Qt's order and escapes")
            << QStringLiteral(R"('reminders', 'sms', '', '{}', NULL, 10,)"
                              R"( '{"n": 1e2, "event": 41, "ｘ": "fullwidth", "𝒳": "beyond U+FFFF", "q\u0022uote": "back\u005cslash", "ciudad": "São Paulo"}')")
            << QStringLiteral(R"({"queue": "reminders", "type": "sms",)"
                              R"( "labels": {"n": 1e2, "event": 41, "ｘ": "fullwidth", "𝒳": "beyond U+FFFF", "q\u0022uote": "back\u005cslash", "ciudad": "São Paulo"}})")
            << qint64(0) << QStringLiteral("waiting");
        QTest::newRow("type and recipient trimmed as heraldctl trims them")
            << QStringLiteral(R"('reminders', E' sms\u00a0', E'\u3000+14155550100 ')")
            << QStringLiteral(R"({"queue": "reminders", "type": " sms\u00a0", "recipient": "\u3000+14155550100 "})") << qint64(0)
            << QStringLiteral("waiting");
        QTest::newRow("a run_at in the future is scheduled")
            << QStringLiteral(R"('reminders', 'sms', '+14155550100', '{}', %1)")
            << QStringLiteral(R"({"queue": "reminders", "type": "sms", "recipient": "+14155550100", "run_at": "%1"})") << qint64(3'600'000)
            << QStringLiteral("scheduled");
        QTest::newRow("a run_at in the past is waiting, at its time")
            << QStringLiteral(R"('reminders', 'sms', '+14155550100', '{}', %1)")
            << QStringLiteral(R"({"queue": "reminders", "type": "sms", "recipient": "+14155550100", "run_at": "%1"})") << qint64(-3'600'000)
            << QStringLiteral("waiting");
    }
    void shouldStoreWhatHeraldctlStores()
    {
        QFETCH(QString, arguments);
        QFETCH(QString, line);
        QFETCH(qint64, runAtFromNow);
        QFETCH(QString, state);
        auto viaSql = openStore();
        auto viaStore = openStore();
        QVERIFY(viaSql && viaStore);
        const qint64 runAt = currentTimeMs() + runAtFromNow;
        if (runAtFromNow != 0) {
            arguments = arguments.arg(runAt);
            line = line.arg(formatTimestamp(runAt));
        }

        const qint64 before = currentTimeMs();
        const PsqlResult r = runPsql(viaSql->database, QStringLiteral("SELECT herald_enqueue(%1)").arg(arguments));
        const qint64 after = currentTimeMs();
        QVERIFY2(r.ok, qPrintable(r.error));
        bool isId = false;
        const qint64 id = r.output.toLongLong(&isId);
        QVERIFY2(isId, qPrintable(r.output));

        auto input = newMessageFromJson(QJsonDocument::fromJson(line.toUtf8()).object(), QString(), viaStore->store->now());
        QVERIFY2(input.ok(), qPrintable(input.errorString()));
        // A line without run_at is due when heraldctl reads the file; `heraldctl enqueue` without --at,
        // and NULL here, mean the instant of the insert.
        if (runAtFromNow == 0)
            input->runAt = 0;
        auto expected = viaStore->store->enqueue(*input);
        QVERIFY2(expected.ok(), qPrintable(expected.errorString()));
        QCOMPARE(id, expected->id);

        auto stored = viaSql->store->message(id);
        QVERIFY2(stored.ok(), qPrintable(stored.errorString()));
        QCOMPARE(describe(*stored), describe(*viaStore->store->message(id)));
        QCOMPARE(storedRow(viaSql->database, id), storedRow(viaStore->database, id));
        QCOMPARE(stateName(stored->state), state);
        QVERIFY2(stored->createdAt >= before && stored->createdAt <= after,
                 qPrintable(QStringLiteral("created at %1, called between %2 and %3").arg(stored->createdAt).arg(before).arg(after)));
        QCOMPARE(stored->updatedAt, stored->createdAt);
        QCOMPARE(stored->runAt, runAtFromNow != 0 ? runAt : stored->createdAt);

        // Its label rows select it, as the store's own do.
        for (auto it = stored->labels.cbegin(); it != stored->labels.cend(); ++it) {
            MessagePageRequest request;
            request.selection.queue = QStringLiteral("reminders");
            request.selection.labels.insert(it.key(), it.value());
            auto listed = viaSql->store->listMessages(request);
            QVERIFY2(listed.ok(), qPrintable(listed.errorString()));
            QCOMPARE(listed->size(), qsizetype(1));
            QCOMPARE(listed->front().id, id);
        }
        VERIFY_COUNTERS(*viaSql);
    }

    // heraldctl writes a payload in Qt's compact form; Store::enqueue, and so herald_enqueue, keep the
    // text as given.
    void shouldKeepThePayloadTextAsStoreEnqueueDoes()
    {
        auto viaSql = openStore();
        auto viaStore = openStore();
        QVERIFY(viaSql && viaStore);
        const QString payload = QStringLiteral(R"({"b": [1, 2.50], "a": {"name": "Ana"}})");
        const PsqlResult r = runPsql(viaSql->database, QStringLiteral("SELECT herald_enqueue('reminders', 'sms', '', '%1')").arg(payload));
        QVERIFY2(r.ok, qPrintable(r.error));
        NewMessage m;
        m.queue = QStringLiteral("reminders");
        m.type = QStringLiteral("sms");
        m.payload = payload.toUtf8();
        auto expected = viaStore->store->enqueue(m);
        QVERIFY2(expected.ok(), qPrintable(expected.errorString()));
        QCOMPARE(r.output.toLongLong(), expected->id);
        QCOMPARE(viaSql->store->message(expected->id)->payload, payload.toUtf8());
        QCOMPARE(storedRow(viaSql->database, expected->id), storedRow(viaStore->database, expected->id));
    }

    void shouldReturnTheExistingIdForAKnownDedupeKey()
    {
        auto f = openStore();
        QVERIFY(f);
        const QString call =
            QStringLiteral(R"(SELECT herald_enqueue('%1', 'sms', '+14155550100', '{"text":"hi"}', NULL, 5, '{"event":"41"}', 'k1'))");
        const PsqlResult first = runPsql(f->database, call.arg(QStringLiteral("reminders")));
        QVERIFY2(first.ok, qPrintable(first.error));
        const PsqlResult again = runPsql(f->database, call.arg(QStringLiteral("reminders")));
        QVERIFY2(again.ok, qPrintable(again.error));
        QCOMPARE(again.output, first.output);

        // The store and the function share one key space per queue.
        NewMessage m;
        m.queue = QStringLiteral("reminders");
        m.type = QStringLiteral("sms");
        m.dedupeKey = QStringLiteral("k1");
        auto viaStore = f->store->enqueue(m);
        QVERIFY2(viaStore.ok(), qPrintable(viaStore.errorString()));
        QVERIFY(viaStore->duplicate);
        QCOMPARE(QString::number(viaStore->id), first.output);

        const PsqlResult otherQueue = runPsql(f->database, call.arg(QStringLiteral("other")));
        QVERIFY2(otherQueue.ok, qPrintable(otherQueue.error));
        QVERIFY(otherQueue.output != first.output);
        QCOMPARE(countRows(f->database), QStringLiteral("2 messages, 2 labels"));
        VERIFY_COUNTERS(*f);
    }

    // Each row: the arguments a program passes, the JSON Lines line that asks heraldctl for the same
    // message, and the SQLSTATE. Where SQL can say what a line cannot (a payload that is no JSON at all),
    // the line holds the nearest input heraldctl refuses, and the words must still be the same.
    void shouldRefuseWhatHeraldctlRefusesInItsWords_data()
    {
        QTest::addColumn<QString>("arguments");
        QTest::addColumn<QString>("line");
        QTest::addColumn<QString>("sqlState");
        const QString invalid = QStringLiteral("22023"), noQueue = QStringLiteral("P0002");
        const auto row = [](const char *name, const QString &arguments, const QString &line, const QString &state) {
            QTest::newRow(name) << arguments << line << state;
        };
        row("queue missing", QStringLiteral(R"(NULL, 'sms', '')"), QStringLiteral(R"({"type": "sms"})"), invalid);
        row("queue empty", QStringLiteral(R"('', 'sms', '')"), QStringLiteral(R"({"queue": "", "type": "sms"})"), invalid);
        row("queue name not allowed", QStringLiteral(R"('event messages', 'sms', '')"), QStringLiteral(R"({"queue": "event messages", "type": "sms"})"),
            invalid);
        row("queue with a newline", QStringLiteral(R"(E'remind\ners', 'sms', '')"), QStringLiteral(R"({"queue": "remind\ners", "type": "sms"})"),
            invalid);
        row("unknown queue", QStringLiteral(R"('nosuch', 'sms', '+14155550100')"),
            QStringLiteral(R"({"queue": "nosuch", "type": "sms", "recipient": "+14155550100"})"), noQueue);
        row("type missing", QStringLiteral(R"('reminders', NULL, '')"), QStringLiteral(R"({"queue": "reminders"})"), invalid);
        row("type empty", QStringLiteral(R"('reminders', '', '')"), QStringLiteral(R"({"queue": "reminders", "type": ""})"), invalid);
        row("type blank", QStringLiteral(R"('reminders', E' \u00a0\u2003', '')"), QStringLiteral(R"({"queue": "reminders", "type": " \u00a0\u2003"})"),
            invalid);
        row("type with a tab", QStringLiteral(R"('reminders', E's\tms', '')"), QStringLiteral(R"({"queue": "reminders", "type": "s\tms"})"), invalid);
        row("recipient with DEL after a character beyond U+FFFF", QStringLiteral(R"('reminders', 'sms', E'😀\x7f')"),
            QStringLiteral(R"({"queue": "reminders", "type": "sms", "recipient": "😀\u007f"})"), invalid);
        row("priority 0", QStringLiteral(R"('reminders', 'sms', '', '{}', NULL, 0)"),
            QStringLiteral(R"({"queue": "reminders", "type": "sms", "priority": 0})"), invalid);
        row("priority 11", QStringLiteral(R"('reminders', 'sms', '', '{}', NULL, 11)"),
            QStringLiteral(R"({"queue": "reminders", "type": "sms", "priority": 11})"), invalid);
        row("priority -1", QStringLiteral(R"('reminders', 'sms', '', '{}', NULL, -1)"),
            QStringLiteral(R"({"queue": "reminders", "type": "sms", "priority": -1})"), invalid);
        row("dedupe key with a carriage return", QStringLiteral(R"('reminders', 'sms', '', '{}', NULL, 10, '{}', E'k\r1')"),
            QStringLiteral(R"({"queue": "reminders", "type": "sms", "dedupe_key": "k\r1"})"), invalid);
        row("labels an array", QStringLiteral(R"('reminders', 'sms', '', '{}', NULL, 10, '["event"]')"),
            QStringLiteral(R"({"queue": "reminders", "type": "sms", "labels": ["event"]})"), invalid);
        row("labels not JSON (heraldctl: a string)", QStringLiteral(R"('reminders', 'sms', '', '{}', NULL, 10, 'event=41')"),
            QStringLiteral(R"({"queue": "reminders", "type": "sms", "labels": "event=41"})"), invalid);
        row("label value true", QStringLiteral(R"('reminders', 'sms', '', '{}', NULL, 10, '{"event": true}')"),
            QStringLiteral(R"({"queue": "reminders", "type": "sms", "labels": {"event": true}})"), invalid);
        row("label value 4.5", QStringLiteral(R"('reminders', 'sms', '', '{}', NULL, 10, '{"event": 4.5}')"),
            QStringLiteral(R"({"queue": "reminders", "type": "sms", "labels": {"event": 4.5}})"), invalid);
        row("label value null", QStringLiteral(R"('reminders', 'sms', '', '{}', NULL, 10, '{"event": null}')"),
            QStringLiteral(R"({"queue": "reminders", "type": "sms", "labels": {"event": null}})"), invalid);
        row("label value an object", QStringLiteral(R"('reminders', 'sms', '', '{}', NULL, 10, '{"event": {"id": 41}}')"),
            QStringLiteral(R"({"queue": "reminders", "type": "sms", "labels": {"event": {"id": 41}}})"), invalid);
        row("empty label name", QStringLiteral(R"('reminders', 'sms', '', '{}', NULL, 10, '{"": "41"}')"),
            QStringLiteral(R"({"queue": "reminders", "type": "sms", "labels": {"": "41"}})"), invalid);
        row("label value with a newline", QStringLiteral(R"('reminders', 'sms', '', '{}', NULL, 10, '{"event": "4\n1"}')"),
            QStringLiteral(R"({"queue": "reminders", "type": "sms", "labels": {"event": "4\n1"}})"), invalid);
        row("label name with a tab", QStringLiteral(R"('reminders', 'sms', '', '{}', NULL, 10, '{"ev\tent": "41"}')"),
            QStringLiteral(R"({"queue": "reminders", "type": "sms", "labels": {"ev\tent": "41"}})"), invalid);
        row("payload an array", QStringLiteral(R"('reminders', 'sms', '', '[1]')"), QStringLiteral(R"({"queue": "reminders", "type": "sms", "payload": [1]})"),
            invalid);
        row("payload a string", QStringLiteral(R"('reminders', 'sms', '', '"hi"')"),
            QStringLiteral(R"({"queue": "reminders", "type": "sms", "payload": "hi"})"), invalid);
        row("payload a number", QStringLiteral(R"('reminders', 'sms', '', '41')"), QStringLiteral(R"({"queue": "reminders", "type": "sms", "payload": 41})"),
            invalid);
        row("payload not JSON (heraldctl: a string)", QStringLiteral(R"('reminders', 'sms', '', 'text=hi')"),
            QStringLiteral(R"({"queue": "reminders", "type": "sms", "payload": "text=hi"})"), invalid);
        // The order: the fields first, in the reader's order, then the queue, then the store's label checks.
        row("bad priority in an unknown queue", QStringLiteral(R"('nosuch', 'sms', '', '{}', NULL, 0)"),
            QStringLiteral(R"({"queue": "nosuch", "type": "sms", "priority": 0})"), invalid);
        row("bad label text in an unknown queue", QStringLiteral(R"('nosuch', 'sms', '', '{}', NULL, 10, '{"event": "4\n1"}')"),
            QStringLiteral(R"({"queue": "nosuch", "type": "sms", "labels": {"event": "4\n1"}})"), noQueue);
        row("empty label name and a bad payload", QStringLiteral(R"('reminders', 'sms', '', '[1]', NULL, 10, '{"": "41"}')"),
            QStringLiteral(R"({"queue": "reminders", "type": "sms", "payload": [1], "labels": {"": "41"}})"), invalid);
    }
    void shouldRefuseWhatHeraldctlRefusesInItsWords()
    {
        QFETCH(QString, arguments);
        QFETCH(QString, line);
        QFETCH(QString, sqlState);
        auto f = openStore();
        QVERIFY(f);
        const QString words = heraldctlWords(*f->store, line);
        QVERIFY2(!words.isEmpty(), "heraldctl takes this line: the row proves nothing");

        const PsqlResult r = runPsql(f->database, QStringLiteral("SELECT herald_enqueue(%1)").arg(arguments));
        QVERIFY2(!r.ok, qPrintable(QStringLiteral("enqueued as %1").arg(r.output)));
        QCOMPARE(r.error, words);
        QCOMPARE(r.sqlState, sqlState);
        QCOMPARE(countRows(f->database), QStringLiteral("0 messages, 0 labels"));
    }

    void shouldWakeTheEnginesThroughNotify()
    {
        auto f = openStore();
        QVERIFY(f);
        PgServer *server = PgServer::shared();
        const QString name = QStringLiteral("tst_sqlenqueue-listener");
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
            db.setHostName(server->host());
            db.setPort(server->port());
            db.setUserName(server->user());
            db.setPassword(server->password());
            db.setDatabaseName(f->database);
            QVERIFY2(db.open(), qPrintable(db.lastError().text()));
            QVERIFY(db.driver()->subscribeToNotification(QStringLiteral("herald_wakeup")));
            QSignalSpy spy(db.driver(), &QSqlDriver::notification);

            const PsqlResult r = runPsql(f->database, QStringLiteral("SELECT herald_enqueue('reminders', 'sms', '+14155550100')"));
            QVERIFY2(r.ok, qPrintable(r.error));
            QVERIFY(spy.wait());
            QCOMPARE(spy.size(), 1);
            QCOMPARE(spy.at(0).at(0).toString(), QStringLiteral("herald_wakeup"));
            QCOMPARE(spy.at(0).at(1).value<QSqlDriver::NotificationSource>(), QSqlDriver::OtherSource);
            QCOMPARE(spy.at(0).at(2).toString(), QStringLiteral("reminders"));

            // Three messages of one queue in one transaction wake the engines once, at commit. The queue
            // "other" comes last: once its notification is in, every earlier one is (commit order).
            const PsqlResult batch = runPsql(f->database, QStringLiteral("BEGIN;\n"
                                                                         "SELECT herald_enqueue('reminders', 'sms', '1');\n"
                                                                         "SELECT herald_enqueue('reminders', 'sms', '2');\n"
                                                                         "SELECT herald_enqueue('reminders', 'sms', '3');\n"
                                                                         "COMMIT;\n"
                                                                         "SELECT herald_enqueue('other', 'sms', '4');\n"));
            QVERIFY2(batch.ok, qPrintable(batch.error));
            QTRY_COMPARE(spy.last().at(2).toString(), QStringLiteral("other"));
            QStringList payloads;
            for (const QList<QVariant> &signal : std::as_const(spy))
                payloads << signal.at(2).toString();
            QCOMPARE(payloads, QStringList({QStringLiteral("reminders"), QStringLiteral("reminders"), QStringLiteral("other")}));
            db.close();
        }
        QSqlDatabase::removeDatabase(name);
    }
};

QTEST_GUILESS_MAIN(tst_SqlEnqueue)
#include "tst_sqlenqueue.moc"
