#include "queues/QueueListModel.h"
#include "SeededStore.h"

#include "store/StoreThread.h"

#include <QAbstractItemModelTester>
#include <QItemSelectionModel>
#include <QSignalSpy>
#include <QTest>

using namespace herald;
using herald::test::SeededStore;

namespace {

// One line per queue, "alpha scheduled=100 waiting=275 … total=450", from what the store says…
QString flatten(const QList<QueueCounts> &counts)
{
    QStringList lines;
    for (const QueueCounts &c : counts) {
        QStringList parts{c.paused ? c.queue + QStringLiteral(" (paused)") : c.queue};
        for (MessageState state : kAllStates)
            parts << stateName(state) + QLatin1Char('=') + QString::number(c.count(state));
        parts << QStringLiteral("total=") + QString::number(c.total());
        lines << parts.join(QLatin1Char(' '));
    }
    return lines.join(QLatin1Char('\n'));
}

// … and from what the model shows, read through its headers so a column under the wrong title shows up.
QString flatten(const QAbstractItemModel &model)
{
    QStringList lines;
    for (int row = 0; row < model.rowCount(); ++row) {
        QStringList parts{model.index(row, QueueListModel::NameColumn).data().toString()};
        for (int column = QueueListModel::ScheduledColumn; column < model.columnCount(); ++column)
            parts << model.headerData(column, Qt::Horizontal).toString().toLower() + QLatin1Char('=') +
                         QString::number(model.index(row, column).data().toLongLong());
        lines << parts.join(QLatin1Char(' '));
    }
    return lines.join(QLatin1Char('\n'));
}

QString storeCounts(SeededStore &seeded)
{
    auto stats = seeded->stats();
    return stats ? flatten(*stats) : QStringLiteral("error: ") + stats.errorString();
}

// alpha holds messages in every state, bravo a few, charlie none and is paused.
Status seed(SeededStore &seeded)
{
    for (const QString &queue : {QStringLiteral("alpha"), QStringLiteral("bravo"), QStringLiteral("charlie")})
        if (auto s = seeded.addQueue(queue); !s)
            return s;
    if (auto due = seeded.enqueue(QStringLiteral("alpha"), 350); !due)
        return due.error();
    if (auto later = seeded.enqueue(QStringLiteral("alpha"), 100, seeded->now() + 86'400'000); !later)
        return later.error();
    if (auto s = seeded.deliverSome(QStringLiteral("alpha"), 60, 25, 10, 15); !s)
        return s;
    if (auto due = seeded.enqueue(QStringLiteral("bravo"), 40); !due)
        return due.error();
    if (auto s = seeded.deliverSome(QStringLiteral("bravo"), 5, 3, 1, 2); !s)
        return s;
    return seeded->setPaused(QStringLiteral("charlie"), true);
}

} // namespace

class TestQueueListModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void shouldListEveryQueueWithTheCountsOfTheStore();
    void shouldShowPausedQueuesAndRightAlignedCounts();
    void shouldUpdateCountsInPlaceWhenRefreshedAfterAChange();
    void shouldInsertNewQueuesInNameOrderKeepingTheSelection();
    void shouldDropCountsFromThePreviousStore();
    void shouldFoldRefreshesAskedForWhileOneIsInFlight();
    void shouldReportAStoreThatCannotBeOpened();
};

void TestQueueListModel::shouldListEveryQueueWithTheCountsOfTheStore()
{
    SeededStore seeded;
    QVERIFY2(seeded.isOpen(), qPrintable(seeded.openError()));
    HERALD_VERIFY_OK(seed(seeded));
    // The seed must reach every state, or equal counts would prove little.
    const QueueCounts alpha = seeded->stats()->constFirst();
    for (MessageState state : kAllStates)
        QVERIFY2(alpha.count(state) > 0, qPrintable(stateName(state)));

    QueueListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    StoreThread storeThread(seeded.url());
    QSignalSpy refreshed(&model, &QueueListModel::refreshed);
    QVERIFY(!model.isLoaded());
    model.setStoreThread(&storeThread);
    QVERIFY(refreshed.wait());

    QVERIFY(model.isLoaded());
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(flatten(model), storeCounts(seeded));
    QCOMPARE(model.totals().total(), 450 + 40);
    QCOMPARE(model.rowOf(QStringLiteral("bravo")), 1);
    QCOMPARE(model.rowOf(QStringLiteral("nope")), -1);
}

void TestQueueListModel::shouldShowPausedQueuesAndRightAlignedCounts()
{
    SeededStore seeded;
    QVERIFY2(seeded.isOpen(), qPrintable(seeded.openError()));
    HERALD_VERIFY_OK(seed(seeded));

    QueueListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    StoreThread storeThread(seeded.url());
    QSignalSpy refreshed(&model, &QueueListModel::refreshed);
    model.setStoreThread(&storeThread);
    QVERIFY(refreshed.wait());

    const int charlie = model.rowOf(QStringLiteral("charlie"));
    QCOMPARE(model.index(charlie, QueueListModel::NameColumn).data().toString(), QStringLiteral("charlie (paused)"));
    QCOMPARE(model.index(charlie, QueueListModel::NameColumn).data(QueueListModel::QueueNameRole).toString(), QStringLiteral("charlie"));
    QVERIFY(model.index(charlie, QueueListModel::NameColumn).data(QueueListModel::PausedRole).toBool());
    QVERIFY(!model.index(charlie, QueueListModel::NameColumn).data(Qt::ToolTipRole).toString().isEmpty());
    QVERIFY(!model.index(0, QueueListModel::NameColumn).data(QueueListModel::PausedRole).toBool());
    QCOMPARE(model.index(0, QueueListModel::NameColumn).data().toString(), QStringLiteral("alpha"));

    const auto alignment = [&](int column) {
        return model.index(0, column).data(Qt::TextAlignmentRole).value<Qt::Alignment>() & Qt::AlignHorizontal_Mask;
    };
    QCOMPARE(alignment(QueueListModel::NameColumn), Qt::AlignLeft);
    for (int column = QueueListModel::ScheduledColumn; column < QueueListModel::ColumnCount; ++column)
        QCOMPARE(alignment(column), Qt::AlignRight);
}

void TestQueueListModel::shouldUpdateCountsInPlaceWhenRefreshedAfterAChange()
{
    SeededStore seeded;
    QVERIFY2(seeded.isOpen(), qPrintable(seeded.openError()));
    HERALD_VERIFY_OK(seed(seeded));

    QueueListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    StoreThread storeThread(seeded.url());
    QSignalSpy refreshed(&model, &QueueListModel::refreshed);
    model.setStoreThread(&storeThread);
    QVERIFY(refreshed.wait());

    const int bravoRow = model.rowOf(QStringLiteral("bravo"));
    QItemSelectionModel selection(&model);
    selection.setCurrentIndex(model.index(bravoRow, 0), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    const QPersistentModelIndex bravo(model.index(bravoRow, 0));
    const QString before = flatten(model);

    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    QSignalSpy layout(&model, &QAbstractItemModel::layoutChanged);
    HERALD_VERIFY_OK(seeded.deliverSome(QStringLiteral("bravo"), 6, 3, 2, 4));
    model.refresh();
    QVERIFY(refreshed.wait());

    QCOMPARE(flatten(model), storeCounts(seeded));
    QVERIFY(flatten(model) != before);
    // Only bravo's row changed, and it changed in place.
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.at(0).at(0).toModelIndex().row(), bravoRow);
    QCOMPARE(changed.at(0).at(1).toModelIndex().row(), bravoRow);
    QCOMPARE(changed.at(0).at(1).toModelIndex().column(), QueueListModel::ColumnCount - 1);
    QCOMPARE(inserted.count(), 0);
    QCOMPARE(removed.count(), 0);
    QCOMPARE(reset.count(), 0);
    QCOMPARE(layout.count(), 0);
    QVERIFY(bravo.isValid());
    QCOMPARE(bravo.row(), bravoRow);
    QVERIFY(selection.isRowSelected(bravoRow, {}));
    QCOMPARE(selection.currentIndex().row(), bravoRow);

    // Nothing changed since: a refresh signals nothing.
    changed.clear();
    model.refresh();
    QVERIFY(refreshed.wait());
    QCOMPARE(changed.count(), 0);
}

void TestQueueListModel::shouldInsertNewQueuesInNameOrderKeepingTheSelection()
{
    SeededStore seeded;
    QVERIFY2(seeded.isOpen(), qPrintable(seeded.openError()));
    HERALD_VERIFY_OK(seed(seeded));

    QueueListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    StoreThread storeThread(seeded.url());
    QSignalSpy refreshed(&model, &QueueListModel::refreshed);
    model.setStoreThread(&storeThread);
    QVERIFY(refreshed.wait());

    QItemSelectionModel selection(&model);
    const int charlieRow = model.rowOf(QStringLiteral("charlie"));
    selection.setCurrentIndex(model.index(charlieRow, 0), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    const QPersistentModelIndex charlie(model.index(charlieRow, 0));

    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    HERALD_VERIFY_OK(seeded.addQueue(QStringLiteral("beta")));
    HERALD_VERIFY_OK(seeded.addQueue(QStringLiteral("delta")));
    HERALD_VERIFY_OK(seeded.enqueue(QStringLiteral("delta"), 12));
    model.refresh();
    QVERIFY(refreshed.wait());

    QCOMPARE(flatten(model), storeCounts(seeded));
    QCOMPARE(reset.count(), 0);
    QCOMPARE(inserted.count(), 2);
    QCOMPARE(inserted.at(0).at(1).toInt(), 1); // beta, between alpha and bravo
    QCOMPARE(inserted.at(0).at(2).toInt(), 1);
    QCOMPARE(inserted.at(1).at(1).toInt(), 4); // delta, after charlie
    QCOMPARE(inserted.at(1).at(2).toInt(), 4);
    QCOMPARE(charlie.row(), 3);
    QVERIFY(selection.isRowSelected(3, {}));
    QCOMPARE(selection.currentIndex().data(QueueListModel::QueueNameRole).toString(), QStringLiteral("charlie"));
}

void TestQueueListModel::shouldDropCountsFromThePreviousStore()
{
    SeededStore first;
    QVERIFY2(first.isOpen(), qPrintable(first.openError()));
    HERALD_VERIFY_OK(seed(first));
    SeededStore second;
    QVERIFY2(second.isOpen(), qPrintable(second.openError()));
    HERALD_VERIFY_OK(second.addQueue(QStringLiteral("zulu")));
    HERALD_VERIFY_OK(second.enqueue(QStringLiteral("zulu"), 7));

    QueueListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    StoreThread firstThread(first.url());
    StoreThread secondThread(second.url());
    QSignalSpy refreshed(&model, &QueueListModel::refreshed);
    // The first store's answer is on its way when the model moves to the second store.
    model.setStoreThread(&firstThread);
    model.setStoreThread(&secondThread);
    QVERIFY(refreshed.wait());
    QVERIFY(herald::test::drain(firstThread));

    QCOMPARE(refreshed.count(), 1);
    QCOMPARE(flatten(model), storeCounts(second));
    QCOMPARE(model.rowCount(), 1);
}

void TestQueueListModel::shouldFoldRefreshesAskedForWhileOneIsInFlight()
{
    SeededStore seeded;
    QVERIFY2(seeded.isOpen(), qPrintable(seeded.openError()));
    HERALD_VERIFY_OK(seed(seeded));

    QueueListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    StoreThread storeThread(seeded.url());
    QSignalSpy refreshed(&model, &QueueListModel::refreshed);
    model.setStoreThread(&storeThread);
    QVERIFY(refreshed.wait());

    refreshed.clear();
    for (int i = 0; i < 5; ++i)
        model.refresh();
    // The one in flight, then one for the four calls made meanwhile.
    QTRY_COMPARE(refreshed.count(), 2);
    QVERIFY(herald::test::drain(storeThread));
    QCOMPARE(refreshed.count(), 2);
}

void TestQueueListModel::shouldReportAStoreThatCannotBeOpened()
{
    SeededStore seeded;
    // A folder is not a database file; the engine says so, and the model passes its words on.
    const StoreUrl folder = StoreUrl::sqlite(seeded.folder());
    const auto expected = Store::open(folder);
    QVERIFY(!expected);

    QueueListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    StoreThread storeThread(folder);
    QSignalSpy failed(&model, &QueueListModel::refreshFailed);
    model.setStoreThread(&storeThread);
    QVERIFY(failed.wait());

    QCOMPARE(failed.at(0).at(0).toString(), expected.errorString());
    QCOMPARE(model.errorString(), expected.errorString());
    QVERIFY(!model.isLoaded());
    QCOMPARE(model.rowCount(), 0);
}

QTEST_MAIN(TestQueueListModel)
#include "tst_queuelistmodel.moc"
