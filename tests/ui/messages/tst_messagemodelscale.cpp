// The message table over 1,000,000 messages: a row for each once counted, pages read only where the
// reader looks (jumps go through page anchors, never OFFSET), and at most kMaxCachedPages pages held
// however much is looked at. No timing here: bench/bench_console measures that.
#include "messages/MessageTableModel.h"
#include "SeededStore.h"

#include "model/TimeText.h"
#include "store/StoreThread.h"

#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTest>

using namespace herald;
using herald::test::SeededStore;

class TestMessageModelScale : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void shouldReadOnlyWhatIsLookedAtAndHoldABoundedNumberOfPages()
    {
        constexpr qint64 kMessages = 1'000'000;
        SeededStore seeded;
        QVERIFY2(seeded.isOpen(), qPrintable(seeded.openError()));
        HERALD_VERIFY_OK(seeded.addQueue(QStringLiteral("big")));
        const auto inserted = seeded.store().insertSyntheticMessages(QStringLiteral("big"), kMessages, currentTimeMs() + 86'400'000, 1);
        QVERIFY2(inserted.ok(), qPrintable(inserted.errorString()));
        QCOMPARE(*inserted, kMessages);

        MessageTableModel model;
        StoreThread storeThread(seeded.url());
        model.setStoreThread(&storeThread);
        QSignalSpy loaded(&model, &MessageTableModel::pageLoaded);
        model.setQueue(QStringLiteral("big"));
        QVERIFY(loaded.wait(30'000));
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), int(kMessages), 30'000);
        QCOMPARE(model.messageAt(0).id, kMessages); // newest first
        QVERIFY(!model.isRowLoaded(MessageTableModel::kPageSize));

        // Once counted, the keys are scanned for page anchors in the background, reading no row: where
        // pages 1 … 4999 start (page 0 starts at the top).
        QTRY_COMPARE_WITH_TIMEOUT(model.anchorCount(), int(kMessages / MessageTableModel::kPageSize) - 1, 60'000);
        QCOMPARE(model.cachedPageCount(), 1);

        // The last row: one page read from its anchor.
        const int last = int(kMessages) - 1;
        model.index(last, 0).data();
        QTRY_VERIFY_WITH_TIMEOUT(model.isRowLoaded(last), 60'000);
        QCOMPARE(model.messageAt(last).id, 1);
        QCOMPARE(model.cachedPageCount(), 2);

        // Anywhere in between, at random: the right message, and never more than the cache holds.
        auto *random = QRandomGenerator::global();
        for (int i = 0; i < 3 * MessageTableModel::kMaxCachedPages; ++i) {
            const int row = int(random->bounded(kMessages));
            model.index(row, 0).data();
            QTRY_VERIFY(model.isRowLoaded(row));
            QCOMPARE(model.messageAt(row).id, kMessages - row);
            QVERIFY(model.cachedPageCount() <= MessageTableModel::kMaxCachedPages);
        }
        QCOMPARE(model.cachedPageCount(), MessageTableModel::kMaxCachedPages);
        QVERIFY(!model.hasLoadedAll());
    }
};

QTEST_MAIN(TestMessageModelScale)
#include "tst_messagemodelscale.moc"
