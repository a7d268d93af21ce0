// Bulk enqueue: every message arrives exactly once, in bounded transactions, and bad input writes nothing.
#include "StoreFixture.h"

#include "model/MessageJson.h"

#include <QBuffer>

using namespace herald;

namespace {
QList<NewMessage> messages(int n, const QString &queue, const QString &keyPrefix = {})
{
    QList<NewMessage> out;
    for (int i = 0; i < n; ++i) {
        NewMessage m;
        m.queue = queue;
        m.type = QStringLiteral("incentive_event");
        m.recipient = QStringLiteral("user-%1").arg(i);
        m.labels = {{QStringLiteral("batch"), QString::number(i / 500)}, {QStringLiteral("n"), QString::number(i)}};
        if (!keyPrefix.isEmpty())
            m.dedupeKey = keyPrefix + QString::number(i);
        out << m;
    }
    return out;
}
} // namespace

class tst_BulkEnqueue : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void shouldInsertEveryMessageExactlyOnce_data()
    {
        QTest::addColumn<int>("count");
        QTest::addColumn<int>("chunk");
        QTest::newRow("1234 in chunks of 500") << 1234 << 500;
        QTest::newRow("exactly one chunk") << 500 << 500;
        QTest::newRow("one more than a chunk") << 501 << 500;
        QTest::newRow("chunks of 7") << 100 << 7;
        QTest::newRow("chunks of 1") << 3 << 1;
    }
    void shouldInsertEveryMessageExactlyOnce()
    {
        QFETCH(int, count);
        QFETCH(int, chunk);
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(QStringLiteral("send-event"));
        const auto r = f.store->enqueueBulk(messages(count, QStringLiteral("send-event")), chunk);
        QVERIFY2(r.ok(), qPrintable(r.errorString()));
        QCOMPARE(r->inserted, qint64(count));
        QCOMPARE(r->duplicates, qint64(0));
        QCOMPARE(r->items.size(), qsizetype(count));
        QCOMPARE(f.store->stats()->front().count(MessageState::Waiting), qint64(count));
        // Every recipient exactly once: the source system's chunking lost messages at the seams.
        MessagePageRequest all;
        all.selection.queue = QStringLiteral("send-event");
        all.limit = count + 10;
        const auto list = f.store->listMessages(all);
        QSet<QString> recipients;
        for (const Message &m : *list)
            recipients.insert(m.recipient);
        QCOMPARE(recipients.size(), qsizetype(count));
        for (int i = 0; i < count; ++i)
            QVERIFY(recipients.contains(QStringLiteral("user-%1").arg(i)));
        VERIFY_COUNTERS(f);
    }

    void shouldReportDuplicatesWhenTheSameKeysComeAgain()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(QStringLiteral("send-event"));
        const auto first = f.store->enqueueBulk(messages(1234, QStringLiteral("send-event"), QStringLiteral("k")));
        QCOMPARE(first->inserted, qint64(1234));
        QCOMPARE(first->duplicates, qint64(0));
        const auto again = f.store->enqueueBulk(messages(1234, QStringLiteral("send-event"), QStringLiteral("k")));
        QCOMPARE(again->inserted, qint64(0));
        QCOMPARE(again->duplicates, qint64(1234));
        for (qsizetype i = 0; i < 1234; ++i)
            QCOMPARE(again->items[i].id, first->items[i].id);
        QCOMPARE(f.store->stats()->front().total(), qint64(1234));
        VERIFY_COUNTERS(f);
    }

    void shouldTreatARepeatedKeyWithinOneBatchAsADuplicate()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(QStringLiteral("q"));
        QList<NewMessage> batch = messages(3, QStringLiteral("q"), QStringLiteral("same"));
        batch[2].dedupeKey = batch[0].dedupeKey;
        const auto r = f.store->enqueueBulk(batch);
        QCOMPARE(r->inserted, qint64(2));
        QCOMPARE(r->duplicates, qint64(1));
        QCOMPARE(r->items[2].id, r->items[0].id);
    }

    void shouldWriteNothingWhenAQueueIsUnknown()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(QStringLiteral("q"));
        QList<NewMessage> batch = messages(1200, QStringLiteral("q"));
        batch[1100].queue = QStringLiteral("typo-queue");
        const auto r = f.store->enqueueBulk(batch);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().kind, Error::Kind::NotFound);
        QVERIFY(r.errorString().contains(QLatin1String("'typo-queue'")));
        QCOMPARE(f.store->stats()->front().total(), qint64(0));
    }

    void shouldNameTheOneBadLineAmongThousands()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(QStringLiteral("q"));
        QByteArray file;
        for (int i = 0; i < 3000; ++i)
            file += i == 2345 ? QByteArrayLiteral("{\"type\": \"x\", \"priority\": \"urgent\"}\n")
                              : QByteArrayLiteral("{\"type\": \"x\", \"recipient\": \"u") + QByteArray::number(i) + "\"}\n";
        QBuffer buffer(&file);
        QVERIFY(buffer.open(QIODevice::ReadOnly));
        const JsonLinesBatch batch = parseJsonLines(buffer, QStringLiteral("big.jsonl"), QStringLiteral("q"), f.now);
        QCOMPARE(batch.errors.size(), 1);
        QVERIFY2(batch.errors.front().startsWith(QLatin1String("big.jsonl:2346: field 'priority'")), qPrintable(batch.errors.front()));
        QCOMPARE(batch.messages.size(), 2999);
        QCOMPARE(batch.lines, 3000);
    }

    void shouldStoreLabelsSoSelectionsFindThem()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(QStringLiteral("q"));
        QVERIFY(f.store->enqueueBulk(messages(1234, QStringLiteral("q"))).ok());
        MessagePageRequest r;
        r.selection.labels = {{QStringLiteral("batch"), QStringLiteral("2")}};
        r.limit = 1000;
        QCOMPARE(f.store->listMessages(r)->size(), qsizetype(234));
        // A label many messages share is written from their ids, one each message alone has from the
        // rows: both must land on the right message.
        r.selection.labels = {{QStringLiteral("batch"), QStringLiteral("1")}, {QStringLiteral("n"), QStringLiteral("777")}};
        const auto one = f.store->listMessages(r);
        QVERIFY(one.ok());
        QCOMPARE(one->size(), qsizetype(1));
        QCOMPARE(one->front().recipient, QStringLiteral("user-777"));
        QCOMPARE(one->front().labels.value(QStringLiteral("n")), QStringLiteral("777"));
    }
};

QTEST_GUILESS_MAIN(tst_BulkEnqueue)
#include "tst_bulkenqueue.moc"
