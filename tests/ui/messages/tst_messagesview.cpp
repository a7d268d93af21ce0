#include "messages/MessageFilterBar.h"
#include "messages/MessageTableModel.h"
#include "messages/MessagesView.h"
#include "SeededStore.h"

#include "model/TimeText.h"
#include "store/StoreThread.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTabBar>
#include <QTableView>
#include <QTest>

using namespace herald;
using herald::test::SeededStore;

namespace {

constexpr qint64 kHourMs = 3'600'000;

QList<int> prioritiesOf(const MessageTableModel &model)
{
    QList<int> priorities;
    for (int row = 0; row < model.rowCount(); ++row)
        priorities << model.messageAt(row).priority;
    return priorities;
}

QStringList typesOf(const MessageTableModel &model)
{
    QStringList types;
    for (int row = 0; row < model.rowCount(); ++row)
        types << model.messageAt(row).type;
    types.removeDuplicates();
    return types;
}

} // namespace

// The messages view driven as an operator drives it: typing, clicking tabs and headers.
class TestMessagesView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void shouldFilterTheTableAndCountMatchesAsTheSearchIsTyped();
    void shouldRefuseAMalformedLabelFilterNextToTheFieldAndKeepTheTable();
    void shouldFilterByALabelAndCountOnlyThoseMessages();
    void shouldListOnlyTheStateOfTheClickedTabWithTheQueueCountsOnTabs();
    void shouldSortByPriorityWhenItsHeaderIsClicked();
    void shouldShowRunAtWithZoneAndHowLateOrHowSoon();
    void shouldSortByTheOrderChosenInTheComboAndShowItInTheHeader();

private:
    std::unique_ptr<SeededStore> m_seeded;
    std::unique_ptr<StoreThread> m_storeThread;
    std::unique_ptr<MessageTableModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
    std::unique_ptr<MessagesView> m_view;
};

void TestMessagesView::init()
{
    m_seeded = std::make_unique<SeededStore>();
    QVERIFY2(m_seeded->isOpen(), qPrintable(m_seeded->openError()));
    HERALD_VERIFY_OK(m_seeded->addQueue(QStringLiteral("alpha")));
    HERALD_VERIFY_OK(m_seeded->enqueue(QStringLiteral("alpha"), 21)); // checkin_reminder, due now
    QList<NewMessage> resets;
    for (int i = 0; i < 4; ++i) {
        NewMessage m;
        m.queue = QStringLiteral("alpha");
        m.type = QStringLiteral("password_reset");
        m.recipient = QStringLiteral("ana%1@example.com").arg(i);
        m.runAt = currentTimeMs() + 2 * kHourMs;
        resets << m;
    }
    HERALD_VERIFY_OK(m_seeded->store().enqueueBulk(resets));
    HERALD_VERIFY_OK(m_seeded->deliverSome(QStringLiteral("alpha"), 0, 0, 0, 3));

    m_storeThread = std::make_unique<StoreThread>(m_seeded->url());
    m_model = std::make_unique<MessageTableModel>();
    m_tester = std::make_unique<QAbstractItemModelTester>(m_model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_view = std::make_unique<MessagesView>(m_model.get());
    m_view->resize(1200, 700);
    m_view->show();
    m_model->setStoreThread(m_storeThread.get());
    QSignalSpy loaded(m_model.get(), &MessageTableModel::pageLoaded);
    m_model->setQueue(QStringLiteral("alpha"));
    QVERIFY(loaded.wait());
    QTRY_COMPARE(m_model->matchCount(), std::optional<qint64>(25));
}

void TestMessagesView::cleanup()
{
    m_view.reset();
    m_tester.reset();
    m_model.reset();
    m_storeThread.reset();
    m_seeded.reset();
}

void TestMessagesView::shouldFilterTheTableAndCountMatchesAsTheSearchIsTyped()
{
    QCOMPARE(m_model->rowCount(), 25);
    QTest::keyClicks(m_view->filterBar()->searchField(), QStringLiteral("password"));

    QTRY_COMPARE(m_model->rowCount(), 4);
    QCOMPARE(typesOf(*m_model), QStringList{QStringLiteral("password_reset")});
    QTRY_COMPARE(m_view->filterBar()->matchText(), QStringLiteral("4 match"));
    QCOMPARE(m_view->summaryText(), QStringLiteral("4 matching messages"));

    // Payload, recipient or id: a recipient.
    m_view->filterBar()->searchField()->clear();
    QTest::keyClicks(m_view->filterBar()->searchField(), QStringLiteral("ana2@"));
    QTRY_COMPARE(m_model->rowCount(), 1);
    QCOMPARE(m_model->messageAt(0).recipient, QStringLiteral("ana2@example.com"));
    QTRY_COMPARE(m_view->filterBar()->matchText(), QStringLiteral("1 match"));
}

void TestMessagesView::shouldRefuseAMalformedLabelFilterNextToTheFieldAndKeepTheTable()
{
    QSignalSpy changed(m_view->filterBar(), &MessageFilterBar::filterChanged);
    QTest::keyClicks(m_view->filterBar()->labelField(), QStringLiteral("event"));
    auto *error = m_view->filterBar()->findChild<QLabel *>(QStringLiteral("filterError"));
    QVERIFY(error);
    QTRY_VERIFY(error->isVisible());
    QVERIFY2(error->text().contains(QStringLiteral("KEY=VALUE")), qPrintable(error->text()));
    QCOMPARE(changed.count(), 0);
    QVERIFY(m_model->filter().labels.isEmpty());
    QCOMPARE(m_model->rowCount(), 25);

    // Completing it applies it and the reason goes away.
    QTest::keyClicks(m_view->filterBar()->labelField(), QStringLiteral("=41"));
    QTRY_COMPARE(changed.count(), 1);
    QVERIFY(!error->isVisible());
}

void TestMessagesView::shouldFilterByALabelAndCountOnlyThoseMessages()
{
    QTest::keyClicks(m_view->filterBar()->labelField(), QStringLiteral("event=41 contractor=50"));
    // enqueue() labels message i with event 41 + i % 3 and contractor 50 + i % 7: i = 0 and i = 21 would
    // match, of which 21 messages exist: only i = 0 (the 3 cancelled ones are i = 0, 1, 2 and count too).
    QTRY_COMPARE(m_model->matchCount(), std::optional<qint64>(1));
    QCOMPARE(m_model->rowCount(), 1);
    QCOMPARE(MessageTableModel::labelsText(m_model->messageAt(0).labels), QStringLiteral("contractor=50 event=41"));
}

void TestMessagesView::shouldListOnlyTheStateOfTheClickedTabWithTheQueueCountsOnTabs()
{
    QueueCounts counts;
    counts.queue = QStringLiteral("alpha");
    counts.count(MessageState::Waiting) = 18;
    counts.count(MessageState::Scheduled) = 4;
    counts.count(MessageState::Cancelled) = 3;
    m_view->setQueueCounts(counts);
    QTabBar *tabs = m_view->filterBar()->stateTabs();
    QCOMPARE(tabs->tabText(0), QStringLiteral("All (25)"));
    QCOMPARE(tabs->tabText(6), QStringLiteral("Cancelled (3)"));

    QTest::mouseClick(tabs, Qt::LeftButton, {}, tabs->tabRect(6).center());
    QTRY_COMPARE(m_model->rowCount(), 3);
    for (int row = 0; row < 3; ++row)
        QCOMPARE(m_model->messageAt(row).state, MessageState::Cancelled);
    QTRY_COMPARE(m_view->filterBar()->matchText(), QStringLiteral("3 match"));
}

void TestMessagesView::shouldSortByPriorityWhenItsHeaderIsClicked()
{
    QHeaderView *header = m_view->tableView()->horizontalHeader();
    const QPoint priority(header->sectionViewportPosition(MessageTableModel::PriorityColumn) + 5, header->height() / 2);
    QSignalSpy loaded(m_model.get(), &MessageTableModel::pageLoaded);
    QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, priority);
    QVERIFY(loaded.wait());
    QCOMPARE(m_model->sortOrder(), MessageSort::Priority);

    QList<int> sorted = prioritiesOf(*m_model);
    QCOMPARE(sorted.size(), 25);
    const QList<int> asListed = sorted;
    std::sort(sorted.begin(), sorted.end());
    if (m_model->isDescending())
        std::reverse(sorted.begin(), sorted.end());
    QCOMPARE(asListed, sorted);
    QVERIFY(asListed.constFirst() != asListed.constLast());

    // A column without a store order leaves the order as it was.
    const QPoint labels(header->sectionViewportPosition(MessageTableModel::LabelsColumn) + 5, header->height() / 2);
    QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, labels);
    QCOMPARE(m_model->sortOrder(), MessageSort::Priority);
    QCOMPARE(header->sortIndicatorSection(), int(MessageTableModel::PriorityColumn));
}

void TestMessagesView::shouldShowRunAtWithZoneAndHowLateOrHowSoon()
{
    // A minute later the due messages are a minute late; the password resets are due in about 2 h.
    QSignalSpy loaded(m_model.get(), &MessageTableModel::pageLoaded);
    m_model->setSortOrder(MessageSort::RunAt, true);
    QVERIFY(loaded.wait());
    const QString soon = m_model->index(0, MessageTableModel::RunAtColumn).data().toString();
    QVERIFY2(soon.contains(QStringLiteral(" · in 1 h 59 min")) || soon.contains(QStringLiteral(" · in 2 h")), qPrintable(soon));
    QVERIFY2(soon.contains(QDateTime::currentDateTime().timeZoneAbbreviation()), qPrintable(soon));

    NewMessage overdue;
    overdue.queue = QStringLiteral("alpha");
    overdue.type = QStringLiteral("overdue");
    overdue.runAt = currentTimeMs() - 3 * kHourMs;
    HERALD_VERIFY_OK(m_seeded->store().enqueueBulk({overdue}));
    m_model->setSortOrder(MessageSort::RunAt, false);
    QVERIFY(loaded.wait());
    QCOMPARE(m_model->messageAt(0).type, QStringLiteral("overdue"));
    const QString late = m_model->index(0, MessageTableModel::RunAtColumn).data().toString();
    QVERIFY2(late.endsWith(QStringLiteral(" · 3 h late")), qPrintable(late));
}

void TestMessagesView::shouldSortByTheOrderChosenInTheComboAndShowItInTheHeader()
{
    QComboBox *combo = m_view->sortCombo();
    QCOMPARE(combo->currentText(), QStringLiteral("Newest first"));
    QSignalSpy loaded(m_model.get(), &MessageTableModel::pageLoaded);
    // As a user picks it: the popup's keyboard selection ends in activated().
    combo->setFocus();
    const int runAt = combo->findText(QStringLiteral("Run at, soonest first"));
    QVERIFY(runAt > 0);
    for (int i = 0; i < runAt; ++i)
        QTest::keyClick(combo, Qt::Key_Down);
    QVERIFY(loaded.wait());
    QCOMPARE(m_model->sortOrder(), MessageSort::RunAt);
    QVERIFY(!m_model->isDescending());
    QCOMPARE(m_view->tableView()->horizontalHeader()->sortIndicatorSection(), int(MessageTableModel::RunAtColumn));
    QCOMPARE(m_view->tableView()->horizontalHeader()->sortIndicatorOrder(), Qt::AscendingOrder);
    for (int row = 1; row < m_model->rowCount(); ++row)
        QVERIFY(m_model->messageAt(row - 1).runAt <= m_model->messageAt(row).runAt);
    // The password resets are due in 2 h: last.
    QCOMPARE(m_model->messageAt(m_model->rowCount() - 1).type, QStringLiteral("password_reset"));

    // A header click moves the combo along.
    QHeaderView *header = m_view->tableView()->horizontalHeader();
    QTest::mouseClick(header->viewport(), Qt::LeftButton, {},
                      QPoint(header->sectionViewportPosition(MessageTableModel::PriorityColumn) + 5, header->height() / 2));
    QVERIFY(loaded.wait());
    QVERIFY(combo->currentText().startsWith(QStringLiteral("Priority")));
}

QTEST_MAIN(TestMessagesView)
#include "tst_messagesview.moc"
