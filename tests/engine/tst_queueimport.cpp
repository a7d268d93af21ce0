// Imports of legacy queues (engine/import, Store::writeImported; issue 18): the mapping tables as data rows,
// source wall-clock times on the source's clock, and on a real store (SQLite; PostgreSQL in the _postgres
// run) history written so that no claim ever takes what the source had finished, twice-run imports that
// add nothing, and a stopped import that the next run completes.
#include "StoreFixture.h"

#include "import/EventMessagesSource.h"
#include "import/QueueImport.h"
#include "import/SendEventSource.h"
#include "model/TimeText.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimeZone>

#include <algorithm>

using namespace herald;
using namespace Qt::StringLiterals;

namespace {

ImportedMessage imported(const QString &key, MessageState state, qint64 runAt, int attempts = 0)
{
    ImportedMessage m;
    m.message.queue = u"legacy"_s;
    m.message.type = u"reminder"_s;
    m.message.recipient = u"+14155550100"_s;
    m.message.runAt = runAt;
    m.message.dedupeKey = key;
    m.message.labels = {{u"event"_s, u"41"_s}};
    m.state = state;
    m.attempts = attempts;
    if (state == MessageState::Failed)
        m.lastError = u"No phone number"_s;
    if (isTerminal(state))
        m.finishedAt = runAt + 5000;
    return m;
}

} // namespace

class tst_QueueImport : public QObject
{
    Q_OBJECT

private slots:
    void shouldMapSourceStatus_data()
    {
        QTest::addColumn<QString>("source");
        QTest::addColumn<QString>("status");
        QTest::addColumn<int>("state");
        const auto row = [](const char *name, const QString &source, const QString &status, int state) {
            QTest::newRow(name) << source << status << state;
        };
        const QString se = u"send_event"_s, em = u"event_messages"_s;
        row("send_event pending is scheduled", se, u"pending"_s, int(MessageState::Scheduled));
        row("send_event retry is scheduled", se, u"retry"_s, int(MessageState::Scheduled));
        row("send_event scheduled is scheduled", se, u"scheduled"_s, int(MessageState::Scheduled));
        row("send_event processing is waiting (at-least-once)", se, u"processing"_s, int(MessageState::Waiting));
        row("send_event completed stays completed", se, u"completed"_s, int(MessageState::Completed));
        row("send_event failed stays failed", se, u"failed"_s, int(MessageState::Failed));
        row("send_event unknown maps to nothing", se, u"delivered"_s, -1);
        row("event_messages scheduled", em, u"scheduled"_s, int(MessageState::Scheduled));
        row("event_messages sent is completed", em, u"sent"_s, int(MessageState::Completed));
        row("event_messages failed", em, u"failed"_s, int(MessageState::Failed));
        row("event_messages cancelled", em, u"cancelled"_s, int(MessageState::Cancelled));
        row("event_messages unknown maps to nothing", em, u"queued"_s, -1);
    }
    void shouldMapSourceStatus()
    {
        QFETCH(QString, source);
        QFETCH(QString, status);
        QFETCH(int, state);
        const auto mapped = source == u"send_event"_s ? SendEventSource::mapStatus(status) : EventMessagesSource::mapStatus(status);
        QCOMPARE(mapped ? int(*mapped) : -1, state);
    }

    void shouldMapSendEventPriority_data()
    {
        QTest::addColumn<int>("source");
        QTest::addColumn<int>("herald");
        QTest::newRow("5, the most urgent, is 1") << 5 << 1;
        QTest::newRow("4 is 2") << 4 << 2;
        QTest::newRow("3 is 3") << 3 << 3;
        QTest::newRow("2 is 5") << 2 << 5;
        QTest::newRow("1 is 7") << 1 << 7;
        QTest::newRow("0, the original's default, is Herald's default") << 0 << kDefaultPriority;
        QTest::newRow("6 is outside 0-5") << 6 << -1;
        QTest::newRow("-1 is outside 0-5") << -1 << -1;
    }
    void shouldMapSendEventPriority()
    {
        QFETCH(int, source);
        QFETCH(int, herald);
        QCOMPARE(SendEventSource::mapPriority(source).value_or(-1), herald);
    }

    void shouldGiveEachMessageTypeBullMqsPriority_data()
    {
        QTest::addColumn<QString>("type");
        QTest::addColumn<int>("priority");
        QTest::newRow("event start") << u"check_in_reminder_event_start"_s << 1;
        QTest::newRow("speaker alert") << u"speaker_alert"_s << 2;
        QTest::newRow("1-hour check-in") << u"check_in_reminder_1_hour"_s << 3;
        QTest::newRow("sponsor") << u"sponsor_recommendation"_s << 5;
        QTest::newRow("pcr") << u"pcr_request"_s << 7;
        QTest::newRow("night before") << u"check_in_reminder_night_before"_s << 8;
        QTest::newRow("any other: the default") << u"post_event_wrap_up"_s << 10;
    }
    void shouldGiveEachMessageTypeBullMqsPriority()
    {
        QFETCH(QString, type);
        QFETCH(int, priority);
        QCOMPARE(EventMessagesSource::priorityForType(type), priority);
    }

    void shouldReadWallClockTimesOnTheSourceClock_data()
    {
        QTest::addColumn<QVariant>("value");
        QTest::addColumn<QString>("zone");
        QTest::addColumn<QString>("expected");
        QTest::newRow("summer in New York") << QVariant(QDateTime(QDate(2026, 7, 1), QTime(9, 0))) << u"America/New_York"_s
                                            << u"2026-07-01T13:00:00.000Z"_s;
        QTest::newRow("winter in New York") << QVariant(QDateTime(QDate(2026, 12, 1), QTime(9, 0))) << u"America/New_York"_s
                                            << u"2026-12-01T14:00:00.000Z"_s;
        QTest::newRow("text without a zone") << QVariant(u"2026-12-01 09:00:00"_s) << u"Europe/Berlin"_s << u"2026-12-01T08:00:00.000Z"_s;
        QTest::newRow("a column with a zone keeps its instant")
            << QVariant(QDateTime(QDate(2026, 12, 1), QTime(9, 0), QTimeZone::utc())) << u"America/New_York"_s << u"2026-12-01T09:00:00.000Z"_s;
        QTest::newRow("not a time") << QVariant(u"soon"_s) << u"UTC"_s << QString();
    }
    void shouldReadWallClockTimesOnTheSourceClock()
    {
        QFETCH(QVariant, value);
        QFETCH(QString, zone);
        QFETCH(QString, expected);
        const auto t = EventMessagesSource::instantOf(value, QTimeZone(zone.toUtf8()));
        QCOMPARE(t ? formatTimestamp(*t) : QString(), expected);
    }

    void shouldReadAJsonArrayExportAsItReadsJsonLines()
    {
        QFile file(QStringLiteral(HERALD_LEGACY_FIXTURES "/send_event.jsonl"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray lines = file.readAll();
        QJsonArray documents;
        for (const QByteArray &line : lines.split('\n'))
            if (!line.trimmed().isEmpty())
                documents << QJsonDocument::fromJson(line).object();
        const QByteArray array = QJsonDocument(documents).toJson(QJsonDocument::Indented); // mongoexport --jsonArray --pretty

        auto fromLines = SendEventSource(lines, u"send_event.jsonl"_s, {u"q"_s, {}}).read();
        auto fromArray = SendEventSource(array, u"send_event.json"_s, {u"q"_s, {}}).read();
        QVERIFY(fromLines && fromArray);
        const auto identities = [](const ImportPlan &plan) {
            QStringList keys;
            for (const ImportRow &r : plan.rows)
                keys << r.message.message.dedupeKey + u" "_s + stateName(r.message.state) + u" "_s + QString::number(r.message.message.priority);
            return keys;
        };
        QCOMPARE(fromArray->rows.size(), 17);
        QCOMPARE(identities(*fromArray), identities(*fromLines));
        QCOMPARE(fromArray->skipped.size(), fromLines->skipped.size());
        QVERIFY(fromArray->invalid.isEmpty());
        // The retry document's canonical numbers ($numberInt, $numberLong dates) are read as numbers.
        const auto retry = std::find_if(fromArray->rows.cbegin(), fromArray->rows.cend(),
                                        [](const ImportRow &r) { return r.sourceStatus == u"retry"_s; });
        QVERIFY(retry != fromArray->rows.cend());
        QCOMPARE(retry->message.attempts, 1);
        QCOMPARE(formatTimestamp(retry->message.message.runAt), u"2099-01-01T00:00:00.000Z"_s);
    }

    void shouldNeverClaimWhatTheSourceHadFinished()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(u"legacy"_s, 3);
        const qint64 past = f.now - 3'600'000, future = f.now + 3'600'000;
        const QList<ImportedMessage> history{imported(u"r1"_s, MessageState::Completed, past, 1),
                                             imported(u"r2"_s, MessageState::Failed, past, 3),
                                             imported(u"r3"_s, MessageState::Cancelled, past),
                                             imported(u"r4"_s, MessageState::Scheduled, past, 3), // due, attempts used
                                             imported(u"r5"_s, MessageState::Scheduled, future),
                                             imported(u"r6"_s, MessageState::Waiting, past)};
        auto written = f.store->writeImported(history);
        QVERIFY2(written, qPrintable(written.errorString()));
        QCOMPARE(written->inserted, 6);
        QCOMPARE(written->byState.value(MessageState::Waiting), 2); // r4 was due
        QCOMPARE(written->byState.value(MessageState::Completed), 1);
        VERIFY_COUNTERS(f);

        // The failed one tells how it ended at the source, as an attempt; it finished when the source says.
        MessagePageRequest failedOnes;
        failedOnes.selection.states = {MessageState::Failed};
        const auto failed = f.store->listMessages(failedOnes);
        QVERIFY(failed && failed->size() == 1);
        QCOMPARE(failed->front().finishedAt, std::optional<qint64>(past + 5000));
        QCOMPARE(failed->front().lastError, u"No phone number"_s);
        const auto attempts = f.store->attempts(failed->front().id);
        QVERIFY(attempts && attempts->size() == 1);
        QCOMPARE(attempts->front().number, 3);
        QCOMPARE(attempts->front().outcome, u"failed"_s);
        QCOMPARE(attempts->front().error, u"No phone number"_s);

        auto again = f.store->writeImported(history);
        QVERIFY(again);
        QCOMPARE(again->inserted, 0);
        QCOMPARE(again->duplicates, 6);
        VERIFY_COUNTERS(f);

        f.now += 2 * 3'600'000; // r5 is due too now
        auto claimed = f.store->claim(u"legacy"_s, 100, u"w"_s, 30'000);
        QVERIFY(claimed);
        QStringList keys;
        for (const Message &m : *claimed)
            keys << m.dedupeKey;
        keys.sort();
        QCOMPARE(keys, QStringList({u"r4"_s, u"r5"_s, u"r6"_s}));
        for (const Message &m : *claimed)
            if (m.dedupeKey == u"r4"_s)
                QVERIFY(m.attempts <= m.maxAttempts); // a message that used its attempts at the source still gets one try
        QCOMPARE(f.store->claim(u"legacy"_s, 100, u"w"_s, 30'000)->size(), 0);

        auto list = f.store->countMessages(MessageSelection{});
        QCOMPARE(*list, 6);
    }

    void shouldFinishAStoppedImportWhenRunAgain()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(u"legacy"_s);
        ImportPlan plan;
        plan.kind = u"test"_s;
        plan.source = u"rows"_s;
        plan.queue = u"legacy"_s;
        for (int i = 0; i < 10; ++i)
            plan.rows << ImportRow{u"row %1"_s.arg(i), u"pending"_s, imported(u"k%1"_s.arg(i), MessageState::Scheduled, f.now + 60'000)};
        plan.sourceRecords = plan.rows.size();

        std::atomic_bool cancel{false};
        QueueImport::Options o;
        o.chunkSize = 4;
        o.cancel = &cancel;
        QList<qint64> progress;
        o.progress = [&](qint64 done, qint64) {
            progress << done;
            cancel = true; // stop after the first chunk
        };
        auto first = QueueImport::run(*f.store, plan, o);
        QVERIFY2(first, qPrintable(first.errorString()));
        QVERIFY(first->cancelled);
        QCOMPARE(first->inserted, 4);
        QCOMPARE(progress, QList<qint64>({4}));

        cancel = false;
        o.progress = {};
        auto second = QueueImport::run(*f.store, plan, o);
        QVERIFY(second);
        QCOMPARE(second->inserted, 6);
        QCOMPARE(second->alreadyImported, 4);
        QCOMPARE(*f.store->countMessages(MessageSelection{}), 10);
        VERIFY_COUNTERS(f);
        // Each run left an audit entry saying what it added.
        auto audit = f.store->auditLog(10);
        QVERIFY(audit);
        QStringList entries;
        for (const AuditEntry &e : *audit)
            if (e.action == u"import"_s)
                entries << u"%1 %2"_s.arg(e.selection).arg(e.affected);
        QCOMPARE(entries, QStringList({u"test rows into queue legacy 6"_s, u"test rows into queue legacy 4"_s}));
    }

    void shouldRefuseAPlanWithInvalidRowsNamingThem()
    {
        ImportPlan plan;
        plan.source = u"send_event.jsonl"_s;
        plan.sourceRecords = 5;
        plan.invalid = {{u"a"_s, u"unknown status 'delivered'"_s}, {u"b"_s, u"unknown status 'delivered'"_s}, {u"c"_s, u"not JSON"_s}};
        const Status refused = QueueImport::check(plan, false);
        QVERIFY(!refused);
        QCOMPARE(refused.error().kind, Error::Kind::BadInput);
        QVERIFY2(refused.errorString().contains(u"unknown status 'delivered' in 2 row(s)"_s), qPrintable(refused.errorString()));
        QVERIFY(refused.errorString().contains(u"c: not JSON"_s));
        QVERIFY(refused.errorString().contains(u"nothing was written"_s));
        QVERIFY(QueueImport::check(plan, true));
    }
};

QTEST_GUILESS_MAIN(tst_QueueImport)
#include "tst_queueimport.moc"
