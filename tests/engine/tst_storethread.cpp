// StoreThread: work runs on the store thread with its own connection; answers reach the context's
// thread, and are dropped when the context is gone.
#include "StoreFixture.h"

#include "store/StoreThread.h"

#include <QSignalSpy>
#include <QThread>

using namespace herald;

class tst_StoreThread : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void shouldRunWorkOnTheStoreThreadAndAnswerOnTheCallersThread()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(QStringLiteral("q"));
        f.enqueue(QStringLiteral("q"));
        StoreThread thread(StoreUrl::sqlite(f.path()));
        QSignalSpy opened(&thread, &StoreThread::opened);
        QThread *workThread = nullptr;
        QThread *answerThread = nullptr;
        qint64 total = -1;
        thread.post(
            this,
            [&workThread](Store &store) {
                workThread = QThread::currentThread();
                return store.stats();
            },
            [&](Result<QList<QueueCounts>> stats) {
                answerThread = QThread::currentThread();
                total = stats ? stats->front().total() : -2;
            });
        QTRY_COMPARE(total, qint64(1));
        QCOMPARE(answerThread, QThread::currentThread());
        QVERIFY(workThread != QThread::currentThread());
        QCOMPARE(opened.size(), 1);
        QCOMPARE(opened.front().front().toString(), QString());
    }

    void shouldHandTheOpenErrorToEveryAnswer()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("missing.db"));
        Store::OpenOptions ro;
        ro.readOnly = true;
        StoreThread thread(StoreUrl::sqlite(path), ro);
        QSignalSpy opened(&thread, &StoreThread::opened);
        QString error;
        thread.post(this, [](Store &store) { return store.stats(); }, [&](Result<QList<QueueCounts>> r) { error = r.errorString(); });
        QTRY_VERIFY(!error.isEmpty());
        QVERIFY(error.contains(QLatin1String("does not exist")));
        QCOMPARE(opened.size(), 1);
        QCOMPARE(opened.front().front().toString(), error);
    }

    void shouldDropTheAnswerWhenTheContextIsGone()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(QStringLiteral("q"));
        StoreThread thread(StoreUrl::sqlite(f.path()));
        int answers = 0;
        bool laterAnswered = false;
        {
            auto *context = new QObject;
            // The work waits until the context is deleted, so its answer must find no one.
            QAtomicInt deleted = 0;
            thread.post(
                context,
                [&deleted](Store &store) {
                    while (!deleted.loadAcquire())
                        QThread::yieldCurrentThread();
                    return store.stats();
                },
                [&answers](Result<QList<QueueCounts>>) { ++answers; });
            delete context;
            deleted.storeRelease(1);
            // A later request on a live context proves the earlier answer had its chance to arrive.
            thread.post(this, [](Store &store) { return store.stats(); }, [&laterAnswered](Result<QList<QueueCounts>>) { laterAnswered = true; });
            QTRY_VERIFY(laterAnswered);
        }
        QCOMPARE(answers, 0);
    }
};

QTEST_GUILESS_MAIN(tst_StoreThread)
#include "tst_storethread.moc"
