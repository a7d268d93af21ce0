// Operator actions: each state's refusals, label-scoped selections, all-or-nothing by ids, the audit log.
#include "StoreFixture.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace herald;

namespace {
MessageSelection ids(std::initializer_list<qint64> list)
{
    MessageSelection s;
    s.ids = list;
    return s;
}
Labels labels(int event, int contractor)
{
    return {{QStringLiteral("event"), QString::number(event)}, {QStringLiteral("contractor"), QString::number(contractor)}};
}
} // namespace

class tst_OperatorActions : public QObject
{
    Q_OBJECT

    // One message in each state, made through the lifecycle.
    struct EveryState
    {
        qint64 scheduled, waiting, active, completed, failed, cancelled;
    };
    static EveryState makeEveryState(StoreFixture &f)
    {
        f.addQueue(QStringLiteral("q"));
        EveryState e{};
        e.completed = f.enqueue(QStringLiteral("q"), 0, 1);
        e.failed = f.enqueue(QStringLiteral("q"), 0, 2);
        e.active = f.enqueue(QStringLiteral("q"), 0, 3);
        const auto claimed = f.store->claim(QStringLiteral("q"), 3, QStringLiteral("w"), 60'000);
        Q_ASSERT(claimed && claimed->size() == 3);
        (void)f.store->complete(e.completed, QStringLiteral("w"));
        (void)f.store->fail(e.failed, QStringLiteral("w"), Store::Failure{QStringLiteral("bad number"), true});
        e.waiting = f.enqueue(QStringLiteral("q"));
        e.scheduled = f.enqueue(QStringLiteral("q"), f.now + 3'600'000);
        e.cancelled = f.enqueue(QStringLiteral("q"), f.now + 3'600'000);
        (void)f.store->apply(ids({e.cancelled}), OperatorAction{ActionKind::Cancel});
        return e;
    }

private Q_SLOTS:
    void shouldAllowEachActionOnlyFromItsStates_data()
    {
        QTest::addColumn<int>("action");
        QTest::addColumn<QList<int>>("allowed"); // states from which the action applies
        const auto row = [](const char *name, ActionKind a, QList<MessageState> states) {
            QList<int> s;
            for (MessageState st : states)
                s << int(st);
            QTest::newRow(name) << int(a) << s;
        };
        row("cancel", ActionKind::Cancel, {MessageState::Scheduled, MessageState::Waiting, MessageState::Active});
        row("reschedule", ActionKind::Reschedule, {MessageState::Scheduled, MessageState::Waiting});
        row("retry", ActionKind::Retry, {MessageState::Failed});
        row("promote", ActionKind::Promote, {MessageState::Scheduled});
        row("priority", ActionKind::SetPriority, {MessageState::Scheduled, MessageState::Waiting});
        row("restore", ActionKind::Restore, {MessageState::Cancelled});
    }
    void shouldAllowEachActionOnlyFromItsStates()
    {
        QFETCH(int, action);
        QFETCH(QList<int>, allowed);
        StoreFixture f;
        QVERIFY(f.open());
        const EveryState e = makeEveryState(f);
        const QList<std::pair<MessageState, qint64>> all{{MessageState::Scheduled, e.scheduled}, {MessageState::Waiting, e.waiting},
                                                         {MessageState::Active, e.active},       {MessageState::Completed, e.completed},
                                                         {MessageState::Failed, e.failed},       {MessageState::Cancelled, e.cancelled}};
        OperatorAction a;
        a.kind = ActionKind(action);
        a.runAt = a.kind == ActionKind::Reschedule ? std::optional<qint64>(f.now + 7'200'000) : std::nullopt;
        a.priority = 1;
        for (const auto &[state, id] : all) {
            const auto before = f.store->message(id);
            const auto r = f.store->apply(ids({id}), a);
            if (allowed.contains(int(state))) {
                QVERIFY2(r.ok(), qPrintable(stateName(state) + QStringLiteral(": ") + r.errorString()));
                QCOMPARE(r->affected, qint64(1));
            } else {
                QVERIFY2(!r.ok(), qPrintable(stateName(state)));
                QCOMPARE(r.error().kind, Error::Kind::Refused);
                QVERIFY2(r.errorString().contains(QStringLiteral("message %1 is %2").arg(id).arg(stateName(state))), qPrintable(r.errorString()));
                const auto after = f.store->message(id);
                QCOMPARE(after->state, before->state);
                QCOMPARE(after->updatedAt, before->updatedAt);
            }
            VERIFY_COUNTERS(f);
        }
    }

    void shouldMoveMessagesToTheRightStates()
    {
        StoreFixture f;
        QVERIFY(f.open());
        const EveryState e = makeEveryState(f);
        QVERIFY(f.store->apply(ids({e.scheduled}), OperatorAction{ActionKind::Promote}).ok());
        QCOMPARE(f.state(e.scheduled), MessageState::Waiting);
        QCOMPARE(f.store->message(e.scheduled)->runAt, f.now);

        QVERIFY(f.store->apply(ids({e.failed}), OperatorAction{ActionKind::Retry}).ok());
        const auto retried = f.store->message(e.failed);
        QCOMPARE(retried->state, MessageState::Waiting);
        QCOMPARE(retried->attempts, 0);
        QVERIFY(retried->lastError.isEmpty());

        QVERIFY(f.store->apply(ids({e.cancelled}), OperatorAction{ActionKind::Restore}).ok());
        QCOMPARE(f.state(e.cancelled), MessageState::Scheduled); // its time is still ahead

        OperatorAction later{ActionKind::Reschedule};
        later.runAt = f.now + 86'400'000;
        QVERIFY(f.store->apply(ids({e.waiting}), later).ok());
        QCOMPARE(f.state(e.waiting), MessageState::Scheduled);
        QCOMPARE(f.store->message(e.waiting)->runAt, *later.runAt);

        OperatorAction prio{ActionKind::SetPriority};
        prio.priority = 2;
        QVERIFY(f.store->apply(ids({e.waiting}), prio).ok());
        QCOMPARE(f.store->message(e.waiting)->priority, 2);

        QVERIFY(f.store->apply(ids({e.active}), OperatorAction{ActionKind::Cancel}).ok());
        const auto cancelled = f.store->message(e.active);
        QCOMPARE(cancelled->state, MessageState::Cancelled);
        QVERIFY(!cancelled->leaseUntil.has_value());
        VERIFY_COUNTERS(f);
    }

    void shouldChangeNothingWhenOneIdOfManyIsRefused()
    {
        StoreFixture f;
        QVERIFY(f.open());
        const EveryState e = makeEveryState(f);
        const auto r = f.store->apply(ids({e.scheduled, e.waiting, e.completed, 99999}), OperatorAction{ActionKind::Cancel});
        QVERIFY(!r.ok());
        QVERIFY(r.errorString().contains(QStringLiteral("message %1 is completed").arg(e.completed)));
        QVERIFY(r.errorString().contains(QLatin1String("no message with id 99999")));
        QCOMPARE(f.state(e.scheduled), MessageState::Scheduled);
        QCOMPARE(f.state(e.waiting), MessageState::Waiting);
        QCOMPARE(f.store->auditLog()->size(), 2); // queue.add and the set-up cancel only
    }

    void shouldCancelOnlyTheGivenLabels()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(QStringLiteral("event-messages"));
        f.addQueue(QStringLiteral("other"));
        QList<qint64> e41c56, e41c57, e42c56, otherQueue;
        for (int i = 0; i < 4; ++i) {
            e41c56 << f.enqueue(QStringLiteral("event-messages"), f.now + 1000, 10, labels(41, 56));
            e41c57 << f.enqueue(QStringLiteral("event-messages"), f.now + 1000, 10, labels(41, 57));
            e42c56 << f.enqueue(QStringLiteral("event-messages"), f.now + 1000, 10, labels(42, 56));
            otherQueue << f.enqueue(QStringLiteral("other"), f.now + 1000, 10, labels(41, 56));
        }
        MessageSelection contractor;
        contractor.queue = QStringLiteral("event-messages");
        contractor.labels = labels(41, 56);
        const auto r = f.store->apply(contractor, OperatorAction{ActionKind::Cancel});
        QVERIFY2(r.ok(), qPrintable(r.errorString()));
        QCOMPARE(r->affected, qint64(4));
        for (qint64 id : e41c56)
            QCOMPARE(f.state(id), MessageState::Cancelled);
        for (const auto &untouched : {e41c57, e42c56, otherQueue})
            for (qint64 id : untouched)
                QCOMPARE(f.state(id), MessageState::Scheduled);

        MessageSelection event;
        event.queue = QStringLiteral("event-messages");
        event.labels = {{QStringLiteral("event"), QStringLiteral("41")}};
        const auto whole = f.store->apply(event, OperatorAction{ActionKind::Cancel});
        QCOMPARE(whole->affected, qint64(4)); // the contractor-57 ones; 56's were cancelled already
        QCOMPARE(whole->skippedByState.value(MessageState::Cancelled), qint64(4));
        for (qint64 id : e42c56)
            QCOMPARE(f.state(id), MessageState::Scheduled);
        VERIFY_COUNTERS(f);
    }

    void shouldShiftAndSkipWhatWouldLandInThePast()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(QStringLiteral("q"));
        const qint64 soon = f.enqueue(QStringLiteral("q"), f.now + 10 * 60'000);
        const qint64 later = f.enqueue(QStringLiteral("q"), f.now + 120 * 60'000);
        MessageSelection all;
        all.queue = QStringLiteral("q");
        OperatorAction earlier{ActionKind::Reschedule};
        earlier.shiftMs = -60 * 60'000;
        const auto r = f.store->apply(all, earlier);
        QVERIFY2(r.ok(), qPrintable(r.errorString()));
        QCOMPARE(r->affected, qint64(1));
        QCOMPARE(r->skippedIntoPast, qint64(1));
        QCOMPARE(f.store->message(later)->runAt, f.now + 60 * 60'000);
        QCOMPARE(f.store->message(soon)->runAt, f.now + 10 * 60'000);
        // By id, the same shift is refused outright.
        const auto refused = f.store->apply(ids({soon}), earlier);
        QVERIFY(!refused.ok());
        QVERIFY(refused.errorString().contains(QLatin1String("use promote")));
    }

    void shouldRefuseReschedulingIntoThePast()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(QStringLiteral("q"));
        const qint64 id = f.enqueue(QStringLiteral("q"), f.now + 1000);
        OperatorAction past{ActionKind::Reschedule};
        past.runAt = f.now - 1;
        const auto r = f.store->apply(ids({id}), past);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().kind, Error::Kind::BadInput);
        QVERIFY(r.errorString().contains(QLatin1String("promote")));
    }

    void shouldRefuseAnEmptySelection()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(QStringLiteral("q"));
        f.enqueue(QStringLiteral("q"));
        const auto r = f.store->apply(MessageSelection{}, OperatorAction{ActionKind::Cancel});
        QVERIFY(!r.ok());
        QCOMPARE(r.error().kind, Error::Kind::BadInput);
        QCOMPARE(f.store->stats()->front().count(MessageState::Waiting), qint64(1));
    }

    void shouldWriteEachActionToTheAuditLog()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(QStringLiteral("q"));
        const qint64 a = f.enqueue(QStringLiteral("q"), f.now + 1000, 10, labels(41, 56));
        const qint64 b = f.enqueue(QStringLiteral("q"), f.now + 1000, 10, labels(41, 56));
        MessageSelection sel;
        sel.queue = QStringLiteral("q");
        sel.labels = labels(41, 56);
        OperatorAction cancel{ActionKind::Cancel};
        cancel.actor = QStringLiteral("maria");
        const auto r = f.store->apply(sel, cancel);
        QVERIFY(r.ok());
        const auto log = f.store->auditLog(1);
        QCOMPARE(log->size(), 1);
        const AuditEntry &e = log->front();
        QCOMPARE(e.id, r->auditId);
        QCOMPARE(e.actor, QStringLiteral("maria"));
        QCOMPARE(e.action, QStringLiteral("cancel"));
        QCOMPARE(e.affected, qint64(2));
        QCOMPARE(e.at, f.now);
        QCOMPARE(e.selection, QStringLiteral("queue q, labels contractor=56 event=41"));
        const QJsonArray idsDone = QJsonDocument::fromJson(e.details).object().value(QStringLiteral("ids")).toArray();
        QCOMPARE(idsDone, (QJsonArray{a, b}));
    }
};

QTEST_GUILESS_MAIN(tst_OperatorActions)
#include "tst_operatoractions.moc"
