// What the console and heraldctl need beyond single actions: filters and search, sorted keyset pages,
// previews, chunked actions with progress and cancel, spread, edit, duplicate, delete, undo, the
// per-message audit history, the upcoming histogram and export.
#include "StoreFixture.h"

#include "maintenance/MessageExport.h"

#include <QBuffer>
#include <QJsonDocument>
#include <QJsonObject>

using namespace herald;

namespace {
constexpr qint64 kMinute = 60'000;

qint64 add(StoreFixture &f, const QString &type, int priority, qint64 runAt, const Labels &labels = {}, const QByteArray &payload = "{}",
           const QString &recipient = QStringLiteral("+14155550100"))
{
    NewMessage m;
    m.queue = QStringLiteral("q");
    m.type = type;
    m.priority = priority;
    m.runAt = runAt;
    m.labels = labels;
    m.payload = payload;
    m.recipient = recipient;
    auto r = f.store->enqueue(m);
    return r ? r->id : 0;
}

MessageSelection inQueue()
{
    MessageSelection s;
    s.queue = QStringLiteral("q");
    return s;
}
} // namespace

class tst_BulkActions : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void shouldFilterBySearchTypePriorityAndTime()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(QStringLiteral("q"));
        const qint64 ana = add(f, QStringLiteral("speaker_alert"), 1, f.now + 10 * kMinute, {}, "{\"contractor\":{\"first_name\":\"Ana\"}}");
        const qint64 ben = add(f, QStringLiteral("checkin_reminder"), 5, f.now + 20 * kMinute, {}, "{\"contractor\":{\"first_name\":\"Ben\"}}");
        const qint64 pct = add(f, QStringLiteral("pcr_request"), 10, f.now + 30 * kMinute, {}, "{\"note\":\"100% done_now\"}");
        auto ids = [&](MessageSelection s) {
            MessagePageRequest r;
            r.selection = s;
            QList<qint64> out;
            const auto page = f.store->listMessages(r);
            if (page)
                for (const Message &m : *page)
                    out << m.id;
            return out;
        };
        MessageSelection s = inQueue();
        s.search = QStringLiteral("Ana");
        QCOMPARE(ids(s), QList<qint64>{ana});
        s.search = QString::number(ben);
        QCOMPARE(ids(s), QList<qint64>{ben});
        s.search = QStringLiteral("100%"); // % is a character here, not a wildcard
        QCOMPARE(ids(s), QList<qint64>{pct});
        s.search = QStringLiteral("o_e"); // and so is _ ("one" in "done" would match a wildcard)
        QCOMPARE(ids(s), QList<qint64>{});
        s = inQueue();
        s.types = {QStringLiteral("speaker_alert"), QStringLiteral("pcr_request")};
        QCOMPARE(ids(s), (QList<qint64>{ana, pct}));
        s = inQueue();
        s.minPriority = 1;
        s.maxPriority = 5;
        QCOMPARE(ids(s), (QList<qint64>{ana, ben}));
        s = inQueue();
        s.runAtFrom = f.now + 15 * kMinute;
        s.runAtTo = f.now + 30 * kMinute;
        QCOMPARE(ids(s), QList<qint64>{ben});
        QCOMPARE(*f.store->countMessages(s), qint64(1));
    }

    void shouldPageByRunAtWithKeysetsAcrossEqualTimes()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(QStringLiteral("q"));
        QList<std::pair<qint64, qint64>> expected; // (run_at, id)
        for (int i = 0; i < 25; ++i) {
            const qint64 runAt = f.now + (i % 7) * kMinute; // many equal times
            expected << std::pair<qint64, qint64>{runAt, add(f, QStringLiteral("t"), 10, runAt)};
        }
        std::sort(expected.begin(), expected.end());
        MessagePageRequest r;
        r.selection = inQueue();
        r.sort = MessageSort::RunAt;
        r.limit = 4;
        QList<std::pair<qint64, qint64>> seen;
        for (;;) {
            const auto page = f.store->listMessages(r);
            QVERIFY(page.ok());
            for (const Message &m : *page)
                seen << std::pair<qint64, qint64>{m.runAt, m.id};
            if (page->size() < r.limit)
                break;
            r.afterId = page->back().id;
            r.afterKey = sortKey(page->back(), r.sort);
        }
        QCOMPARE(seen, expected);
    }

    void shouldPreviewWithoutChangingAnything()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(QStringLiteral("q"));
        const Labels e41{{QStringLiteral("event"), QStringLiteral("41")}};
        for (int i = 0; i < 6; ++i)
            add(f, QStringLiteral("t"), 10, f.now + kMinute, e41);
        add(f, QStringLiteral("t"), 10, 0, e41); // waiting
        MessageSelection cancelled;
        cancelled.ids = {add(f, QStringLiteral("t"), 10, f.now + kMinute, e41)};
        QVERIFY(f.store->apply(cancelled, OperatorAction{ActionKind::Cancel}).ok());
        MessageSelection s = inQueue();
        s.labels = e41;
        OperatorAction later{ActionKind::Reschedule};
        later.shiftMs = 2 * 60 * kMinute;
        const auto p = f.store->previewAction(s, later, 3);
        QVERIFY2(p.ok(), qPrintable(p.errorString()));
        QCOMPARE(p->matching, qint64(8));
        QCOMPARE(p->applicable, qint64(7));
        QCOMPARE(p->byQueueAndState.value(QStringLiteral("q")).value(MessageState::Scheduled), qint64(6));
        QCOMPARE(p->byQueueAndState.value(QStringLiteral("q")).value(MessageState::Waiting), qint64(1));
        QCOMPARE(p->skippedByState.value(MessageState::Cancelled), qint64(1));
        QCOMPARE(p->sample.size(), 3);
        QCOMPARE(f.store->auditLog(1)->front().action, QStringLiteral("cancel")); // no entry for the preview
        for (const Message &m : p->sample)
            QCOMPARE(f.store->message(m.id)->runAt, m.runAt);
    }

    void shouldUndoTheLastActionButNotWhatChangedSince()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(QStringLiteral("q"));
        const Labels e41{{QStringLiteral("event"), QStringLiteral("41")}};
        QList<qint64> ids;
        for (int i = 0; i < 5; ++i)
            ids << add(f, QStringLiteral("t"), 4, f.now + (i + 1) * kMinute, e41);
        MessageSelection s = inQueue();
        s.labels = e41;
        OperatorAction shift{ActionKind::Reschedule};
        shift.shiftMs = 2 * 60 * kMinute;
        f.now += 1000;
        QVERIFY(f.store->apply(s, shift).ok());
        // Something else happens to one message afterwards.
        f.now += 1000;
        MessageSelection one;
        one.ids = {ids[0]};
        OperatorAction prio{ActionKind::SetPriority};
        prio.priority = 1;
        QVERIFY(f.store->apply(one, prio).ok());
        // Undo undoes the priority change first (the last action)…
        auto undone = f.store->undoLastAction(QStringLiteral("maria"));
        QVERIFY2(undone.ok(), qPrintable(undone.errorString()));
        QCOMPARE(undone->affectedIds, QList<qint64>{ids[0]});
        QCOMPARE(f.store->message(ids[0])->priority, 4);
        // …then the shift, for every message nothing has changed since.
        f.now += 1000;
        undone = f.store->undoLastAction();
        QVERIFY2(undone.ok(), qPrintable(undone.errorString()));
        for (int i = 1; i < 5; ++i)
            QCOMPARE(f.store->message(ids[i])->runAt, f.now - 3000 + (i + 1) * kMinute);
        QVERIFY(!f.store->undoLastAction().ok()); // nothing left
        VERIFY_COUNTERS(f);
        const auto history = f.store->auditForMessage(ids[0]);
        QCOMPARE(history->size(), 2);
        QCOMPARE(history->at(0).action, QStringLiteral("reschedule"));
        QCOMPARE(history->at(1).action, QStringLiteral("priority"));
    }

    void shouldNotUndoAMessageTheEngineMovedOn()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(QStringLiteral("q"));
        const qint64 id = add(f, QStringLiteral("t"), 10, f.now + kMinute);
        MessageSelection s;
        s.ids = {id};
        QVERIFY(f.store->apply(s, OperatorAction{ActionKind::Promote}).ok());
        f.now += 10;
        QCOMPARE(f.store->claim(QStringLiteral("q"), 1, QStringLiteral("w"), 30'000)->size(), 1);
        QVERIFY(f.store->complete(id, QStringLiteral("w")).value());
        const auto undone = f.store->undoLastAction();
        QVERIFY(undone.ok());
        QCOMPARE(undone->affected, qint64(0));
        QCOMPARE(f.state(id), MessageState::Completed);
    }

    void shouldSpreadEvenlyInTheOrderTheyWereDue()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(QStringLiteral("q"));
        QList<qint64> ids;
        for (int i = 0; i < 4; ++i)
            ids << add(f, QStringLiteral("t"), 10, f.now + (4 - i) * kMinute); // later ids are due sooner
        OperatorAction spread{ActionKind::Reschedule};
        spread.runAt = f.now + 60 * kMinute;
        spread.spreadUntil = f.now + 100 * kMinute;
        QVERIFY(f.store->apply(inQueue(), spread).ok());
        QCOMPARE(f.store->message(ids[3])->runAt, f.now + 60 * kMinute);
        QCOMPARE(f.store->message(ids[2])->runAt, f.now + 70 * kMinute);
        QCOMPARE(f.store->message(ids[1])->runAt, f.now + 80 * kMinute);
        QCOMPARE(f.store->message(ids[0])->runAt, f.now + 90 * kMinute);
        OperatorAction empty = spread;
        empty.spreadUntil = *spread.runAt;
        const auto refused = f.store->apply(inQueue(), empty);
        QVERIFY(!refused.ok());
        QVERIFY(refused.errorString().contains(QLatin1String("empty")));
    }

    void shouldEditDuplicateAndDelete()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(QStringLiteral("q"));
        const qint64 id = add(f, QStringLiteral("t"), 3, f.now + kMinute, {{QStringLiteral("event"), QStringLiteral("41")}});
        MessageSelection one;
        one.ids = {id};
        OperatorAction edit{ActionKind::EditPayload};
        edit.payload = "{\"body\":\"Changed\"}";
        QVERIFY(f.store->apply(one, edit).ok());
        QCOMPARE(f.store->message(id)->payload, QByteArray("{\"body\":\"Changed\"}"));
        OperatorAction badEdit{ActionKind::EditPayload};
        badEdit.payload = "[1,2]";
        QVERIFY(!f.store->apply(one, badEdit).ok());

        const auto copied = f.store->apply(one, OperatorAction{ActionKind::Duplicate});
        QVERIFY2(copied.ok(), qPrintable(copied.errorString()));
        QCOMPARE(copied->createdIds.size(), 1);
        const auto copy = f.store->message(copied->createdIds.front());
        QCOMPARE(copy->payload, QByteArray("{\"body\":\"Changed\"}"));
        QCOMPARE(copy->labels.value(QStringLiteral("event")), QStringLiteral("41"));
        QCOMPARE(copy->state, MessageState::Scheduled);
        QCOMPARE(copy->attempts, 0);

        const auto refused = f.store->apply(one, OperatorAction{ActionKind::Delete});
        QVERIFY(!refused.ok()); // scheduled: cancel it first
        QVERIFY(refused.errorString().contains(QLatin1String("cancel it first")));
        QVERIFY(f.store->apply(one, OperatorAction{ActionKind::Cancel}).ok());
        QVERIFY(f.store->apply(one, OperatorAction{ActionKind::Delete}).ok());
        QVERIFY(!f.store->message(id).ok());
        VERIFY_COUNTERS(f);
    }

    void shouldReportProgressAndStopWhenCancelled()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(QStringLiteral("q"));
        QList<NewMessage> many;
        for (int i = 0; i < 12'000; ++i) {
            NewMessage m;
            m.queue = QStringLiteral("q");
            m.type = QStringLiteral("t");
            m.runAt = f.now + kMinute;
            many << m;
        }
        QVERIFY(f.store->enqueueBulk(many).ok());
        std::atomic_bool cancel = false;
        QList<qint64> reports;
        ActionProgress progress;
        progress.cancel = &cancel;
        progress.report = [&](qint64 done, qint64 total) {
            reports << done;
            QCOMPARE(total, qint64(12'000));
            cancel = true; // after the first chunk
        };
        const auto r = f.store->apply(inQueue(), OperatorAction{ActionKind::Cancel}, progress);
        QVERIFY(r.ok());
        QVERIFY(r->cancelled);
        QCOMPARE(reports.size(), 1);
        QCOMPARE(r->affected, reports.front());
        QVERIFY(r->affected < 12'000);
        QCOMPARE(f.store->stats()->front().count(MessageState::Cancelled), r->affected);
        // What was done can be undone.
        QCOMPARE(f.store->undoLastAction()->affected, r->affected);
        QCOMPARE(f.store->stats()->front().count(MessageState::Scheduled), qint64(12'000));
        VERIFY_COUNTERS(f);
    }

    // Compare-and-set: messages an engine claims or completes after the action read its selection are
    // left alone and reported as changed meanwhile; a completed one is never turned into cancelled.
    void shouldLeaveMessagesChangedMeanwhileAlone()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(QStringLiteral("q"));
        QList<NewMessage> many;
        for (int i = 0; i < 6'000; ++i) {
            NewMessage m;
            m.queue = QStringLiteral("q");
            m.type = QStringLiteral("t");
            many << m; // due now: waiting
        }
        QVERIFY(f.store->enqueueBulk(many).ok());
        // The engine, on a connection of its own, acts between the action's first and second chunk.
        auto engine = Store::open(f.url());
        QVERIFY(engine.ok());
        QList<qint64> claimed;
        ActionProgress progress;
        progress.report = [&](qint64 done, qint64) {
            if (done != 5'000)
                return;
            auto c = (*engine)->claim(QStringLiteral("q"), 10, QStringLiteral("engine"), 60'000);
            QVERIFY(c.ok());
            for (const Message &m : *c)
                claimed << m.id;
            QVERIFY((*engine)->complete(claimed.front(), QStringLiteral("engine")).ok());
        };
        const auto r = f.store->apply(inQueue(), OperatorAction{ActionKind::Cancel}, progress);
        QVERIFY(r.ok());
        QCOMPARE(claimed.size(), 10);
        QCOMPARE(r->changedMeanwhile, qint64(10));
        QCOMPARE(r->affected, qint64(5'990));
        QCOMPARE(f.state(claimed.front()), MessageState::Completed);
        for (qsizetype i = 1; i < claimed.size(); ++i)
            QCOMPARE(f.state(claimed[i]), MessageState::Active);
        for (qint64 id : std::as_const(claimed))
            QVERIFY(r->changedMeanwhileIds.contains(id));
        // The engine's outcomes still apply to its attempts: nothing of its work was overwritten.
        QVERIFY(*(*engine)->complete(claimed.back(), QStringLiteral("engine")));
        QVERIFY(f.store->auditLog(1)->front().details.contains("changed_meanwhile"));
        VERIFY_COUNTERS(f);
    }

    // A late answer belongs to the attempt it was for: once the message was reclaimed and claimed again,
    // the first attempt's outcome changes nothing.
    void shouldApplyAnOutcomeOnlyToItsOwnAttempt()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(QStringLiteral("q"));
        const qint64 id = f.enqueue(QStringLiteral("q"));
        const auto first = f.store->claim(QStringLiteral("q"), 1, QStringLiteral("engine"), 1'000);
        QCOMPARE(first->front().attempts, 1);
        QVERIFY(f.store->markReached({id}, QStringLiteral("engine")).ok());
        f.now += 2'000;
        QCOMPARE(*f.store->reclaimExpiredLeases(), qint64(1));
        const auto second = f.store->claim(QStringLiteral("q"), 1, QStringLiteral("engine"), 60'000);
        QCOMPARE(second->front().attempts, 2);
        Store::WriteBatch late;
        late.owner = QStringLiteral("engine");
        late.promote = false;
        late.failures = {Store::FailureReport{id, Store::Failure{QStringLiteral("HTTP 500"), true, {}, 500}, 1}};
        auto r = f.store->commitBatch(late);
        QVERIFY(r.ok());
        QVERIFY(!r->outcomes.value(id).has_value());
        QCOMPARE(f.state(id), MessageState::Active);
        Store::WriteBatch current;
        current.owner = QStringLiteral("engine");
        current.promote = false;
        current.completions = {Store::Completion{id, {}, {}, 2}};
        r = f.store->commitBatch(current);
        QVERIFY(r.ok());
        QCOMPARE(f.state(id), MessageState::Completed);
        VERIFY_COUNTERS(f);
    }

    void shouldCountUpcomingMessagesPerQuarterHour()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(QStringLiteral("q"));
        const qint64 quarter = 15 * kMinute;
        for (int i = 0; i < 3; ++i)
            add(f, QStringLiteral("t"), 10, f.now + 1000 + i);          // bucket 0
        add(f, QStringLiteral("t"), 10, f.now + 5 * quarter + 1);        // bucket 5
        add(f, QStringLiteral("t"), 10, f.now + 96 * quarter + 1);       // past the 24 h
        const auto h = f.store->upcomingHistogram(f.now, quarter, 96);
        QVERIFY(h.ok());
        QCOMPARE(h->size(), 96);
        QCOMPARE(h->at(0), qint64(3));
        QCOMPARE(h->at(5), qint64(1));
        QCOMPARE(std::accumulate(h->begin(), h->end(), qint64(0)), qint64(4));
    }

    void shouldExportCsvAndJsonLines()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(QStringLiteral("q"));
        for (int i = 0; i < 2500; ++i)
            add(f, QStringLiteral("t"), 10, 0, {}, "{\"text\":\"a, \\\"quoted\\\" value\"}", QStringLiteral("user-%1").arg(i));
        QByteArray jsonl, csv;
        QBuffer jb(&jsonl), cb(&csv);
        QVERIFY(jb.open(QIODevice::WriteOnly) && cb.open(QIODevice::WriteOnly));
        QCOMPARE(*exportMessages(*f.store, inQueue(), ExportFormat::JsonLines, jb), qint64(2500));
        QCOMPARE(*exportMessages(*f.store, inQueue(), ExportFormat::Csv, cb), qint64(2500));
        const QList<QByteArray> lines = jsonl.trimmed().split('\n');
        QCOMPARE(lines.size(), 2500);
        QCOMPARE(QJsonDocument::fromJson(lines.last()).object().value(QStringLiteral("recipient")).toString(), QStringLiteral("user-2499"));
        const QList<QByteArray> rows = csv.trimmed().split('\n');
        QCOMPARE(rows.size(), 2501);
        QVERIFY(rows[0].startsWith("id,queue,type,channel,recipient"));
        QVERIFY2(rows[1].contains("\"{\"\"text\"\":\"\"a, \\\"\"quoted\\\"\" value\"\"}\""), rows[1].constData());
    }
};

QTEST_GUILESS_MAIN(tst_BulkActions)
#include "tst_bulkactions.moc"
