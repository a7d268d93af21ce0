// Cleanup by retention: only old terminal rows go, previews change nothing, archives hold exactly what
// was deleted, a cancelled run leaves the counters right.
#include "StoreFixture.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

using namespace herald;

namespace {
constexpr qint64 kDay = 86'400'000;

// n messages finished (completed, failed or cancelled) at finishedAt, through the real lifecycle.
QList<qint64> finished(StoreFixture &f, int n, MessageState state, qint64 finishedAt)
{
    const qint64 keep = f.now;
    f.now = finishedAt;
    QList<qint64> ids;
    for (int i = 0; i < n; ++i)
        ids << f.enqueue(QStringLiteral("q"));
    if (state == MessageState::Cancelled) {
        MessageSelection s;
        s.ids = ids;
        (void)f.store->apply(s, OperatorAction{ActionKind::Cancel});
    } else {
        // In turns: on a shared store a claim takes no more than the queue's concurrency.
        for (;;) {
            auto claimed = f.store->claim(QStringLiteral("q"), n, QStringLiteral("w"), 60'000);
            if (!claimed || claimed->isEmpty())
                break;
            for (const Message &m : std::as_const(*claimed)) {
                if (state == MessageState::Completed)
                    (void)f.store->complete(m.id, QStringLiteral("w"));
                else
                    (void)f.store->fail(m.id, QStringLiteral("w"), Store::Failure{QStringLiteral("gone"), true});
            }
        }
    }
    f.now = keep;
    return ids;
}
} // namespace

class tst_Cleanup : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void shouldRemoveOnlyTerminalMessagesOlderThanTheirRetention()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(QStringLiteral("q")); // completed 30d, failed 7d, cancelled 7d
        const auto oldCompleted = finished(f, 3, MessageState::Completed, f.now - 31 * kDay);
        const auto youngCompleted = finished(f, 2, MessageState::Completed, f.now - 30 * kDay + 1000); // one second inside
        const auto oldFailed = finished(f, 2, MessageState::Failed, f.now - 8 * kDay);
        const auto oldCancelled = finished(f, 1, MessageState::Cancelled, f.now - 8 * kDay);
        const qint64 scheduled = f.enqueue(QStringLiteral("q"), f.now + kDay);
        const qint64 waiting = f.enqueue(QStringLiteral("q"));

        const auto preview = f.store->previewCleanup(RetentionPolicy{});
        QVERIFY2(preview.ok(), qPrintable(preview.errorString()));
        QCOMPARE(preview->messageTotal(), qint64(6));
        QCOMPARE(preview->messages.value(QStringLiteral("q")).value(MessageState::Completed), qint64(3));
        QCOMPARE(f.store->stats()->front().total(), qint64(10)); // the preview removed nothing

        const auto r = f.store->runCleanup(RetentionPolicy{}, CleanupOptions{});
        QVERIFY2(r.ok(), qPrintable(r.errorString()));
        QCOMPARE(r->removed.messageTotal(), qint64(6));
        for (const auto &ids : {oldCompleted, oldFailed, oldCancelled})
            for (qint64 id : ids)
                QVERIFY(!f.store->message(id).ok());
        for (qint64 id : youngCompleted)
            QVERIFY(f.store->message(id).ok());
        QVERIFY(f.store->message(scheduled).ok());
        QVERIFY(f.store->message(waiting).ok());
        VERIFY_COUNTERS(f);
        QCOMPARE(f.store->auditLog(1)->front().action, QStringLiteral("cleanup"));
    }

    void shouldArchiveExactlyWhatItDeletesIntoAStoreThatOpensReadOnly()
    {
        if (StoreFixture::onServer())
            QSKIP("a store-file archive is written beside SQLite stores only (servers archive as JSON Lines)");
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(QStringLiteral("q"));
        const auto old = finished(f, 2500, MessageState::Completed, f.now - 40 * kDay);
        finished(f, 10, MessageState::Completed, f.now - kDay);
        CleanupOptions options;
        options.archivePath = f.dir.filePath(QStringLiteral("archive.db"));
        const auto r = f.store->runCleanup(RetentionPolicy{}, options);
        QVERIFY2(r.ok(), qPrintable(r.errorString()));
        QCOMPARE(r->archived, qint64(2500));
        Store::OpenOptions ro;
        ro.readOnly = true;
        auto archive = Store::open(StoreUrl::sqlite(options.archivePath), ro);
        QVERIFY2(archive.ok(), qPrintable(archive.errorString()));
        MessagePageRequest all;
        all.limit = 5000;
        QList<qint64> archived;
        const auto page = (*archive)->listMessages(all);
        QVERIFY(page.ok());
        for (const Message &m : *page)
            archived << m.id;
        QCOMPARE(archived, old);
        QCOMPARE((*archive)->attempts(old.front())->size(), 1);
        QCOMPARE((*archive)->stats()->front().count(MessageState::Completed), qint64(2500));
        QCOMPARE(f.store->stats()->front().count(MessageState::Completed), qint64(10));
    }

    void shouldArchiveAsJsonLines()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(QStringLiteral("q"));
        const auto old = finished(f, 5, MessageState::Failed, f.now - 9 * kDay);
        CleanupOptions options;
        options.archivePath = f.dir.filePath(QStringLiteral("archive.jsonl"));
        options.archiveAsJsonLines = true;
        QVERIFY(f.store->runCleanup(RetentionPolicy{}, options).ok());
        QFile file(options.archivePath);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QList<qint64> ids;
        for (const QByteArray &line : file.readAll().trimmed().split('\n'))
            ids << QJsonDocument::fromJson(line).object().value(QStringLiteral("id")).toInteger();
        QCOMPARE(ids, old);
    }

    void shouldDeleteNothingWhenTheArchiveCannotBeWritten()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(QStringLiteral("q"));
        finished(f, 5, MessageState::Failed, f.now - 9 * kDay);
        CleanupOptions options;
        options.archivePath = f.dir.filePath(QStringLiteral("no/such/folder/archive.jsonl"));
        options.archiveAsJsonLines = true;
        const auto r = f.store->runCleanup(RetentionPolicy{}, options);
        QVERIFY(!r.ok());
        QVERIFY(r.errorString().contains(QLatin1String("nothing was deleted")));
        QCOMPARE(f.store->stats()->front().count(MessageState::Failed), qint64(5));
    }

    void shouldLeaveTheCountersRightWhenCancelled()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(QStringLiteral("q"));
        finished(f, 3500, MessageState::Completed, f.now - 40 * kDay);
        std::atomic_bool cancel = false;
        ActionProgress progress;
        progress.cancel = &cancel;
        progress.report = [&cancel](qint64, qint64) { cancel = true; };
        const auto r = f.store->runCleanup(RetentionPolicy{}, CleanupOptions{}, progress);
        QVERIFY(r.ok());
        QVERIFY(r->cancelled);
        QCOMPARE(r->removed.messageTotal(), qint64(Store::kCleanupChunk));
        QCOMPARE(f.store->stats()->front().count(MessageState::Completed), qint64(3500 - Store::kCleanupChunk));
        VERIFY_COUNTERS(f);
    }

    void shouldRefuseANonPositiveRetention()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(QStringLiteral("q"));
        RetentionPolicy p;
        p.failedOlderThanMs = 0;
        const auto r = f.store->previewCleanup(p);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().kind, Error::Kind::BadInput);
    }
};

QTEST_GUILESS_MAIN(tst_Cleanup)
#include "tst_cleanup.moc"
