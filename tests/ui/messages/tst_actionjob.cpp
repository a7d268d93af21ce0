#include "messages/ActionJob.h"
#include "SeededStore.h"

#include "model/TimeText.h"
#include "store/StoreThread.h"

#include <QSemaphore>
#include <QSignalSpy>
#include <QTest>

using namespace herald;
using herald::test::SeededStore;

// A bulk action as a job on the StoreThread: progress while it runs, and a Stop that leaves the rest.
class TestActionJob : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void shouldCancelEveryMatchingMessageAndReportProgressToTheEnd();
    void shouldStopBeforeTheNextChunkWhenCancelled();
    void shouldLeaveTheConsolesConnectionFreeWhileItRuns();
};

namespace {

MessageSelection queueSelection(const QString &queue, QList<MessageState> states = {})
{
    MessageSelection selection;
    selection.queue = queue;
    selection.states = states;
    return selection;
}

// Keeps the thread busy until `held` is released: work posted after this waits.
void hold(StoreThread *thread, QSemaphore &held, QObject &context)
{
    thread->post(
        &context, [&held](Store &) {
            held.acquire();
            return Result<int>(0);
        },
        [](Result<int>) {});
}

} // namespace

void TestActionJob::shouldCancelEveryMatchingMessageAndReportProgressToTheEnd()
{
    SeededStore seeded;
    QVERIFY2(seeded.isOpen(), qPrintable(seeded.openError()));
    HERALD_VERIFY_OK(seeded.addQueue(QStringLiteral("alpha")));
    // More than one chunk of the store's bulk actions (5,000 ids), so that progress comes in steps.
    HERALD_VERIFY_OK(seeded.enqueue(QStringLiteral("alpha"), 6000, currentTimeMs() + 86'400'000));

    StoreThread storeThread(seeded.url());
    ActionJob job(&storeThread, queueSelection(QStringLiteral("alpha")), OperatorAction{ActionKind::Cancel, {}, {}, 0, QStringLiteral("test")});
    QSignalSpy progressed(&job, &ActionJob::progressed);
    QSignalSpy finished(&job, &ActionJob::finished);
    job.start();
    QVERIFY(job.isRunning());
    QVERIFY(finished.wait(30'000));

    QVERIFY(!job.isRunning());
    QVERIFY2(job.result().has_value(), qPrintable(job.errorString()));
    QCOMPARE(job.result()->affected, 6000);
    QVERIFY(!job.result()->cancelled);
    QVERIFY(!progressed.isEmpty());
    QCOMPARE(progressed.constLast().at(0).toLongLong(), 6000);
    QCOMPARE(progressed.constLast().at(1).toLongLong(), 6000);
    QCOMPARE(seeded->countMessages(queueSelection(QStringLiteral("alpha"), {MessageState::Cancelled})).value(), 6000);
}

void TestActionJob::shouldStopBeforeTheNextChunkWhenCancelled()
{
    SeededStore seeded;
    QVERIFY2(seeded.isOpen(), qPrintable(seeded.openError()));
    HERALD_VERIFY_OK(seeded.addQueue(QStringLiteral("alpha")));
    HERALD_VERIFY_OK(seeded.enqueue(QStringLiteral("alpha"), 20, currentTimeMs() + 86'400'000));

    StoreThread storeThread(seeded.url());
    ActionJob job(&storeThread, queueSelection(QStringLiteral("alpha")), OperatorAction{ActionKind::Cancel, {}, {}, 0, QStringLiteral("test")});
    // The job's thread is held until Stop has been pressed, so the job cannot finish first.
    QSemaphore held;
    QObject context;
    hold(job.jobThread(), held, context);
    QSignalSpy finished(&job, &ActionJob::finished);
    job.start();
    job.cancel();
    held.release();
    QVERIFY(finished.wait());

    QVERIFY2(job.result().has_value(), qPrintable(job.errorString()));
    QVERIFY(job.result()->cancelled);
    QCOMPARE(job.result()->affected, 0);
    QCOMPARE(seeded->countMessages(queueSelection(QStringLiteral("alpha"), {MessageState::Scheduled})).value(), 20);
}

void TestActionJob::shouldLeaveTheConsolesConnectionFreeWhileItRuns()
{
    // The console's tables page on its StoreThread; a job on a connection of its own does not keep them
    // waiting. The job is held (its thread busy) while the console reads, and is still running when the
    // read answers.
    SeededStore seeded;
    QVERIFY2(seeded.isOpen(), qPrintable(seeded.openError()));
    HERALD_VERIFY_OK(seeded.addQueue(QStringLiteral("alpha")));
    HERALD_VERIFY_OK(seeded.enqueue(QStringLiteral("alpha"), 20, currentTimeMs() + 86'400'000));

    StoreThread storeThread(seeded.url());
    ActionJob job(&storeThread, queueSelection(QStringLiteral("alpha")), OperatorAction{ActionKind::Cancel, {}, {}, 0, QStringLiteral("test")});
    QSemaphore held;
    QObject context;
    hold(job.jobThread(), held, context);
    QSignalSpy finished(&job, &ActionJob::finished);
    job.start();

    std::optional<qint64> counted;
    storeThread.post(
        &context, [](Store &store) { return store.countMessages(queueSelection(QStringLiteral("alpha"))); },
        [&counted](Result<qint64> n) { counted = n ? *n : -1; });
    QTRY_VERIFY(counted.has_value());
    QCOMPARE(*counted, 20);
    QVERIFY(job.isRunning());
    QVERIFY(finished.isEmpty());

    held.release();
    QVERIFY(finished.wait());
    QVERIFY2(job.result().has_value(), qPrintable(job.errorString()));
    QCOMPARE(job.result()->affected, 20);
}

QTEST_MAIN(TestActionJob)
#include "tst_actionjob.moc"
