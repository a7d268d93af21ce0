#include "messages/MessageTableModel.h"
#include "SeededStore.h"

#include "model/TimeText.h"
#include "store/StoreThread.h"

#include <QAbstractItemModelTester>
#include <QColor>
#include <QDateTime>
#include <QSet>
#include <QSignalSpy>
#include <QTest>

#include <algorithm>

using namespace herald;
using herald::test::SeededStore;

namespace {

QList<qint64> idsOf(const MessageTableModel &model)
{
    QList<qint64> ids;
    for (int row = 0; row < model.rowCount(); ++row)
        ids << model.index(row, MessageTableModel::IdColumn).data(MessageTableModel::MessageIdRole).toLongLong();
    return ids;
}

QList<qint64> newestFirst(QList<qint64> ids)
{
    std::sort(ids.begin(), ids.end(), std::greater<>());
    return ids;
}

} // namespace

class TestMessageTableModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void shouldLoadTheNewestPageFirst();
    void shouldPageThroughAllMessagesNewestFirst();
    void shouldKeepOnePageRequestInFlight();
    void shouldDropAFirstPageThatArrivesAfterSetQueue();
    void shouldDropANextPageThatArrivesAfterSetQueue();
    void shouldFinishAtOnceOnAnEmptyQueue();
    void shouldReportAQueueTheStoreDoesNotKnow();
    void shouldShowEachColumnReadably();
    void shouldRefreshTheRowsOnScreenInPlaceAndPutNewMessagesOnTop();
    void shouldStartOverWhenMoreThanAPageArrivedSinceTheNewestRow();
    void shouldFoldRefreshesAskedWhileAPageIsLoading();

private:
    // Shared by the tests, which only read: 450 in alpha (more than two pages), 30 in bravo, none in empty.
    std::unique_ptr<SeededStore> m_seeded;
    QList<qint64> m_alphaIds;
    QList<qint64> m_bravoIds;
};

void TestMessageTableModel::initTestCase()
{
    m_seeded = std::make_unique<SeededStore>();
    QVERIFY2(m_seeded->isOpen(), qPrintable(m_seeded->openError()));
    for (const QString &queue : {QStringLiteral("alpha"), QStringLiteral("bravo"), QStringLiteral("empty")})
        HERALD_VERIFY_OK(m_seeded->addQueue(queue));
    // Interleaved, so alpha's ids have gaps that only bravo's messages fill.
    for (int round = 0; round < 3; ++round) {
        auto alpha = m_seeded->enqueue(QStringLiteral("alpha"), 150);
        HERALD_VERIFY_OK(alpha);
        m_alphaIds << *alpha;
        auto bravo = m_seeded->enqueue(QStringLiteral("bravo"), 10, m_seeded->store().now() + 3'600'000);
        HERALD_VERIFY_OK(bravo);
        m_bravoIds << *bravo;
    }
    HERALD_VERIFY_OK(m_seeded->deliverSome(QStringLiteral("alpha"), 40, 20, 10, 5));
    QCOMPARE(m_alphaIds.size(), 450);
    QCOMPARE(QSet<qint64>(m_alphaIds.cbegin(), m_alphaIds.cend()).size(), 450);
}

void TestMessageTableModel::cleanupTestCase()
{
    m_seeded.reset();
}

void TestMessageTableModel::shouldLoadTheNewestPageFirst()
{
    MessageTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    StoreThread storeThread(m_seeded->url());
    model.setStoreThread(&storeThread);
    QSignalSpy loaded(&model, &MessageTableModel::pageLoaded);

    model.setQueue(QStringLiteral("alpha"));
    QVERIFY(model.isLoading());
    QVERIFY(!model.canFetchMore({}));
    QVERIFY(loaded.wait());

    QCOMPARE(loaded.at(0).at(0).toInt(), 0);
    QCOMPARE(loaded.at(0).at(1).toInt(), MessageTableModel::kPageSize);
    QList<qint64> firstPage;
    for (int row = 0; row < MessageTableModel::kPageSize; ++row)
        firstPage << model.messageAt(row).id;
    QCOMPARE(firstPage, newestFirst(m_alphaIds).mid(0, MessageTableModel::kPageSize));
    QVERIFY(!model.hasLoadedAll());
    QCOMPARE(model.messageAt(0).id, newestFirst(m_alphaIds).constFirst());
    QCOMPARE(model.messageAt(0).queue, QStringLiteral("alpha"));
}

void TestMessageTableModel::shouldPageThroughAllMessagesNewestFirst()
{
    // No model tester here: it reads rows as they are inserted, and this test is about which rows are read.
    MessageTableModel model;
    StoreThread storeThread(m_seeded->url());
    model.setStoreThread(&storeThread);
    QSignalSpy loaded(&model, &MessageTableModel::pageLoaded);

    model.setQueue(QStringLiteral("alpha"));
    QVERIFY(loaded.wait());
    // Once counted, every match has a row; the rows of pages not read yet are placeholders.
    QTRY_COMPARE(model.rowCount(), int(m_alphaIds.size()));
    QVERIFY(!model.isRowLoaded(MessageTableModel::kPageSize));
    QCOMPARE(model.index(449, MessageTableModel::IdColumn).data().toString(), QStringLiteral("…"));
    QVERIFY(!model.hasLoadedAll());

    // Looking at the last row (a jump past a page never read) loads its page, through an anchor.
    model.index(449, MessageTableModel::IdColumn).data();
    QTRY_VERIFY(model.isRowLoaded(449));
    QVERIFY(!model.isRowLoaded(MessageTableModel::kPageSize));
    QVERIFY(model.anchorCount() >= 1); // page 2 starts after an anchor (page 1 was never read)
    QCOMPARE(model.messageAt(449).id, newestFirst(m_alphaIds).constLast());

    // Every message once, none missing, newest first: the keyset pages join without overlap or gap.
    (void)idsOf(model); // asks for every row
    QTRY_VERIFY(model.hasLoadedAll());
    QVERIFY(!model.canFetchMore({}));
    QCOMPARE(idsOf(model), newestFirst(m_alphaIds));
}

void TestMessageTableModel::shouldKeepOnePageRequestInFlight()
{
    MessageTableModel model; // no model tester: it reads rows itself
    StoreThread storeThread(m_seeded->url());
    model.setStoreThread(&storeThread);
    QSignalSpy loaded(&model, &MessageTableModel::pageLoaded);

    model.setQueue(QStringLiteral("alpha"));
    model.fetchMore({}); // the first page is still on its way: these must not ask for it again
    model.fetchMore({});
    QVERIFY(loaded.wait());
    QTRY_COMPARE(model.rowCount(), int(m_alphaIds.size()));
    for (int i = 0; i < 5; ++i) {
        model.index(MessageTableModel::kPageSize + i, 0).data(); // page 1, asked again and again
        model.fetchMore({});
    }
    QVERIFY(loaded.wait());
    QVERIFY(herald::test::drain(storeThread));
    QCoreApplication::processEvents();

    QCOMPARE(loaded.count(), 2);
    QVERIFY(model.isRowLoaded(2 * MessageTableModel::kPageSize - 1));
    QCOMPARE(idsOf(model).mid(0, 2 * MessageTableModel::kPageSize), newestFirst(m_alphaIds).mid(0, 2 * MessageTableModel::kPageSize));
}

void TestMessageTableModel::shouldDropAFirstPageThatArrivesAfterSetQueue()
{
    MessageTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    StoreThread storeThread(m_seeded->url());
    model.setStoreThread(&storeThread);
    QSignalSpy loaded(&model, &MessageTableModel::pageLoaded);

    model.setQueue(QStringLiteral("alpha")); // its page is on its way when the operator picks bravo
    model.setQueue(QStringLiteral("bravo"));
    QVERIFY(loaded.wait());
    QVERIFY(herald::test::drain(storeThread));

    QCOMPARE(loaded.count(), 1);
    QCOMPARE(model.queue(), QStringLiteral("bravo"));
    QCOMPARE(idsOf(model), newestFirst(m_bravoIds));
    for (int row = 0; row < model.rowCount(); ++row)
        QCOMPARE(model.messageAt(row).queue, QStringLiteral("bravo"));
    QVERIFY(model.hasLoadedAll());
}

void TestMessageTableModel::shouldDropANextPageThatArrivesAfterSetQueue()
{
    MessageTableModel model; // no model tester: it reads rows itself
    StoreThread storeThread(m_seeded->url());
    model.setStoreThread(&storeThread);
    QSignalSpy loaded(&model, &MessageTableModel::pageLoaded);

    model.setQueue(QStringLiteral("alpha"));
    QVERIFY(loaded.wait());
    QTRY_COMPARE(model.rowCount(), int(m_alphaIds.size()));
    model.index(MessageTableModel::kPageSize, 0).data(); // alpha's second page is asked for…
    QVERIFY(QTest::qWaitFor([&] { return model.isLoading(); }));  // …and on its way when the operator picks bravo
    model.setQueue(QStringLiteral("bravo"));
    QVERIFY(loaded.wait());
    QVERIFY(herald::test::drain(storeThread));

    QCOMPARE(loaded.count(), 2);
    QCOMPARE(idsOf(model), newestFirst(m_bravoIds));
}

void TestMessageTableModel::shouldFinishAtOnceOnAnEmptyQueue()
{
    MessageTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    StoreThread storeThread(m_seeded->url());
    model.setStoreThread(&storeThread);
    QSignalSpy loaded(&model, &MessageTableModel::pageLoaded);

    model.setQueue(QStringLiteral("empty"));
    QVERIFY(loaded.wait());

    QCOMPARE(loaded.at(0).at(1).toInt(), 0);
    QCOMPARE(model.rowCount(), 0);
    QVERIFY(model.hasLoadedAll());
    QVERIFY(!model.canFetchMore({}));
    QVERIFY(model.errorString().isEmpty());
}

void TestMessageTableModel::shouldReportAQueueTheStoreDoesNotKnow()
{
    MessagePageRequest unknownQueue;
    unknownQueue.selection.queue = QStringLiteral("nope");
    const auto expected = m_seeded->store().listMessages(unknownQueue);
    QVERIFY(!expected);

    MessageTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    StoreThread storeThread(m_seeded->url());
    model.setStoreThread(&storeThread);
    QSignalSpy failed(&model, &MessageTableModel::loadFailed);

    model.setQueue(QStringLiteral("nope"));
    QVERIFY(failed.wait());

    QCOMPARE(failed.at(0).at(0).toString(), expected.errorString());
    QCOMPARE(model.errorString(), expected.errorString());
    QVERIFY(!model.isLoading());
    // A failed page is not retried on every scroll; reload() or another queue starts over.
    QVERIFY(!model.canFetchMore({}));
}

void TestMessageTableModel::shouldShowEachColumnReadably()
{
    MessageTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    StoreThread storeThread(m_seeded->url());
    model.setStoreThread(&storeThread);
    QSignalSpy loaded(&model, &MessageTableModel::pageLoaded);
    model.setQueue(QStringLiteral("alpha"));
    QVERIFY(loaded.wait());
    QTRY_VERIFY(model.matchCount().has_value()); // a row for every match
    (void)idsOf(model);                           // every row looked at: every page read
    QTRY_VERIFY(model.hasLoadedAll());

    int failedRow = -1;
    int completedRow = -1;
    int waitingRow = -1;
    for (int row = 0; row < model.rowCount(); ++row) {
        const MessageState state = model.messageAt(row).state;
        if (state == MessageState::Failed && failedRow < 0)
            failedRow = row;
        if (state == MessageState::Completed && completedRow < 0)
            completedRow = row;
        if (state == MessageState::Waiting && waitingRow < 0)
            waitingRow = row;
    }
    QVERIFY(failedRow >= 0 && completedRow >= 0 && waitingRow >= 0);

    const Message failed = m_seeded->store().message(model.messageAt(failedRow).id).value();
    const auto text = [&](int row, int column, int role = Qt::DisplayRole) { return model.index(row, column).data(role).toString(); };
    QCOMPARE(text(failedRow, MessageTableModel::IdColumn), QString::number(failed.id));
    QCOMPARE(text(failedRow, MessageTableModel::TypeColumn), QStringLiteral("checkin_reminder"));
    QCOMPARE(text(failedRow, MessageTableModel::RecipientColumn), failed.recipient);
    QCOMPARE(text(failedRow, MessageTableModel::StateColumn), QStringLiteral("failed"));
    QCOMPARE(text(failedRow, MessageTableModel::PriorityColumn), QString::number(failed.priority));
    // Local time with its zone, then how long ago: a failed message is not late, it is done.
    const QDateTime failedRunAt = QDateTime::fromMSecsSinceEpoch(failed.runAt);
    QVERIFY(text(failedRow, MessageTableModel::RunAtColumn)
                .startsWith(failedRunAt.toString(QStringLiteral("yyyy-MM-dd HH:mm ")) + failedRunAt.timeZoneAbbreviation() + QStringLiteral(" · ")));
    QVERIFY(!text(failedRow, MessageTableModel::RunAtColumn).endsWith(QStringLiteral("late")));
    QCOMPARE(text(failedRow, MessageTableModel::AttemptsColumn), QStringLiteral("1/3"));
    QCOMPARE(text(failedRow, MessageTableModel::LabelsColumn),
             QStringLiteral("contractor=%1 event=%2").arg(failed.labels.value(QStringLiteral("contractor")), failed.labels.value(QStringLiteral("event"))));
    // The error has a second line (the peer's body): the cell shows the first, the tooltip all of it.
    QCOMPARE(text(failedRow, MessageTableModel::LastErrorColumn), QStringLiteral("400 Bad Request: the recipient was rejected …"));
    QCOMPARE(text(failedRow, MessageTableModel::LastErrorColumn, Qt::ToolTipRole), failed.lastError);
    QVERIFY(text(failedRow, MessageTableModel::RunAtColumn, Qt::ToolTipRole).contains(formatTimestamp(failed.runAt)));

    // States an operator acts on are tinted, each differently; waiting ones keep the normal text colour.
    const auto colour = [&](int row) { return model.index(row, MessageTableModel::StateColumn).data(Qt::ForegroundRole); };
    QVERIFY(colour(failedRow).value<QColor>().isValid());
    QVERIFY(colour(completedRow).value<QColor>().isValid());
    QVERIFY(colour(failedRow).value<QColor>() != colour(completedRow).value<QColor>());
    QVERIFY(!colour(waitingRow).isValid());
    QVERIFY(colour(failedRow).value<QColor>().red() > colour(failedRow).value<QColor>().green());
    QVERIFY(colour(completedRow).value<QColor>().green() > colour(completedRow).value<QColor>().red());

    const auto alignment = [&](int column) {
        return model.index(0, column).data(Qt::TextAlignmentRole).value<Qt::Alignment>() & Qt::AlignHorizontal_Mask;
    };
    QCOMPARE(alignment(MessageTableModel::IdColumn), Qt::AlignRight);
    QCOMPARE(alignment(MessageTableModel::PriorityColumn), Qt::AlignRight);
    QCOMPARE(alignment(MessageTableModel::AttemptsColumn), Qt::AlignRight);
    QCOMPARE(alignment(MessageTableModel::TypeColumn), Qt::AlignLeft);
}

void TestMessageTableModel::shouldRefreshTheRowsOnScreenInPlaceAndPutNewMessagesOnTop()
{
    SeededStore seeded;
    QVERIFY2(seeded.isOpen(), qPrintable(seeded.openError()));
    HERALD_VERIFY_OK(seeded.addQueue(QStringLiteral("q")));
    const auto first = seeded.enqueue(QStringLiteral("q"), 10); // ids 1 … 10, priorities 1 … 10
    HERALD_VERIFY_OK(first);
    QCOMPARE(*first, (QList<qint64>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));

    MessageTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    StoreThread storeThread(seeded.url());
    model.setStoreThread(&storeThread);
    QSignalSpy loaded(&model, &MessageTableModel::pageLoaded);
    model.setQueue(QStringLiteral("q"));
    QVERIFY(loaded.wait());
    QCOMPARE(idsOf(model), newestFirst(*first));

    // Workers claim 1 … 4 (the most urgent) and finish 1 … 3; an operator cancels 5 and 6; two arrive.
    HERALD_VERIFY_OK(seeded.deliverSome(QStringLiteral("q"), 4, 3, 0, 2));
    const auto later = seeded.enqueue(QStringLiteral("q"), 2);
    HERALD_VERIFY_OK(later);

    QSignalSpy refreshed(&model, &MessageTableModel::refreshed);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    // On screen: the bottom five rows, ids 5 … 1.
    model.refresh(5, 9);
    QVERIFY(model.isRefreshing());
    QVERIFY(!model.canFetchMore({}));
    QVERIFY(refreshed.wait());

    QCOMPARE(refreshed.at(0), (QList<QVariant>{2, 5, 0}));
    QCOMPARE(reset.count(), 0);
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(inserted.at(0).at(1).toInt(), 0);
    QCOMPARE(inserted.at(0).at(2).toInt(), 1);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.at(0).at(0).value<QModelIndex>().row(), 5);
    QCOMPARE(changed.at(0).at(1).value<QModelIndex>().row(), 9);
    QCOMPARE(idsOf(model), (QList<qint64>{12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1}));
    QList<MessageState> states;
    for (int row = 0; row < model.rowCount(); ++row)
        states << model.messageAt(row).state;
    using S = MessageState;
    // Message 6 was cancelled too, but its row was off screen: it is re-read when it is looked at.
    QCOMPARE(states, (QList<S>{S::Waiting, S::Waiting, S::Waiting, S::Waiting, S::Waiting, S::Waiting, S::Waiting, S::Cancelled,
                               S::Active, S::Completed, S::Completed, S::Completed}));
    QVERIFY(!model.isRefreshing());
    QVERIFY(model.hasLoadedAll());
}

void TestMessageTableModel::shouldStartOverWhenMoreThanAPageArrivedSinceTheNewestRow()
{
    SeededStore seeded;
    QVERIFY2(seeded.isOpen(), qPrintable(seeded.openError()));
    HERALD_VERIFY_OK(seeded.addQueue(QStringLiteral("q")));
    HERALD_VERIFY_OK(seeded.enqueue(QStringLiteral("q"), 5));

    MessageTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    StoreThread storeThread(seeded.url());
    model.setStoreThread(&storeThread);
    QSignalSpy loaded(&model, &MessageTableModel::pageLoaded);
    model.setQueue(QStringLiteral("q"));
    QVERIFY(loaded.wait());

    const auto burst = seeded.enqueue(QStringLiteral("q"), MessageTableModel::kPageSize + 50);
    HERALD_VERIFY_OK(burst);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    model.refresh(0, 4);
    QVERIFY(loaded.wait());

    // More than a page on top of the five would leave a gap between them; the newest page instead.
    QCOMPARE(reset.count(), 1);
    QVERIFY(model.isRowLoaded(MessageTableModel::kPageSize - 1));
    QCOMPARE(model.messageAt(0).id, newestFirst(*burst).constFirst());
    QTRY_COMPARE(model.rowCount(), MessageTableModel::kPageSize + 55);
}

void TestMessageTableModel::shouldFoldRefreshesAskedWhileAPageIsLoading()
{
    SeededStore seeded;
    QVERIFY2(seeded.isOpen(), qPrintable(seeded.openError()));
    HERALD_VERIFY_OK(seeded.addQueue(QStringLiteral("q")));
    HERALD_VERIFY_OK(seeded.enqueue(QStringLiteral("q"), 3));

    MessageTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    StoreThread storeThread(seeded.url());
    model.setStoreThread(&storeThread);
    QSignalSpy loaded(&model, &MessageTableModel::pageLoaded);
    QSignalSpy refreshed(&model, &MessageTableModel::refreshed);
    model.setQueue(QStringLiteral("q"));
    model.refresh(0, 0); // deliveries land while the first page is on its way
    model.refresh(0, 2);
    model.refresh(0, 2);
    QVERIFY(loaded.wait());
    QVERIFY(refreshed.wait());
    QVERIFY(herald::test::drain(storeThread));

    QCOMPARE(loaded.count(), 1);
    QCOMPARE(refreshed.count(), 1);
    QCOMPARE(refreshed.at(0), (QList<QVariant>{0, 0, 0}));
    QCOMPARE(model.rowCount(), 3);
}

QTEST_MAIN(TestMessageTableModel)
#include "tst_messagetablemodel.moc"
