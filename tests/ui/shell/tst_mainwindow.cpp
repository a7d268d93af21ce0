#include "queues/QueueSettingsDialog.h"
#include "shell/MainWindow.h"
#include "queues/QueuesFeature.h"
#include "shell/StoreSession.h"
#include "messages/MessageTableModel.h"
#include "messages/MessagesView.h"
#include "queues/QueueListModel.h"
#include "queues/QueuesView.h"
#include "SeededStore.h"
#include "dashboard/DeliveryDashboardFeature.h"
#include "shell/WelcomeView.h"

#include "model/RateLimit.h"
#include "store/StoreThread.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFile>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableView>
#include <QTest>

using namespace herald;
using herald::test::SeededStore;

namespace {

void click(QAbstractButton *button)
{
    QTest::mouseClick(button, Qt::LeftButton);
}

void removeDemoStore()
{
    for (const char *suffix : {"", "-wal", "-shm"})
        QFile::remove(StoreUrl::demoSqlitePath() + QLatin1String(suffix));
}

QPushButton *okButton(QueueSettingsDialog *dialog)
{
    return dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
}

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void shouldWelcomeAStoreWithoutQueues();
    void shouldShowTheFirstQueueAndItsNewestMessages();
    void shouldMoveFromWelcomeToTheDashboardWhenAQueueAppears();
    void shouldRefreshCountsOnItsOwnKeepingTheSelectedQueue();
    void shouldOfferNoQueueCreationOnAReadOnlyStore();
    void shouldShowTheEngineMessageWhenTheStoreCannotBeOpened();
    void shouldCreateAQueueFromTheWelcomePageAndSelectIt();
    void shouldShowTheStoreRefusalInTheDialog();
    void shouldShowOnlyTheLastStoreOpened();
    void shouldOpenTheDemoStoreAndNeverTheUserStore();
};

void TestMainWindow::initTestCase()
{
    // The demo and default stores live under the test-mode data folder, never the user's.
    QStandardPaths::setTestModeEnabled(true);
}

void TestMainWindow::shouldWelcomeAStoreWithoutQueues()
{
    SeededStore seeded;
    QVERIFY2(seeded.isOpen(), qPrintable(seeded.openError()));

    MainWindow window;
    window.show();
    QSignalSpy ready(&window, &MainWindow::contentReady);
    window.openStore(seeded.url(), false);
    QVERIFY(ready.wait());

    QCOMPARE(window.currentPage(), window.welcomeView());
    QVERIFY(!window.feature<QueuesFeature>()->queuesView()->isVisible());
    QVERIFY(window.welcomeView()->createQueueButton()->isEnabled());
    QVERIFY(window.statusText().contains(QStringLiteral("No queues")));
    QVERIFY(window.statusText().contains(seeded.url().display()));
    QVERIFY(!window.statusText().contains(QStringLiteral("Read-only")));
    QTRY_VERIFY2(window.statusText().contains(QStringLiteral("Delivering")), qPrintable(window.statusText()));
}

void TestMainWindow::shouldShowTheFirstQueueAndItsNewestMessages()
{
    SeededStore seeded;
    QVERIFY2(seeded.isOpen(), qPrintable(seeded.openError()));
    QVERIFY(seeded.holdDelivery()); // the counts below stay as arranged
    HERALD_VERIFY_OK(seeded.addQueue(QStringLiteral("bravo")));
    HERALD_VERIFY_OK(seeded.addQueue(QStringLiteral("alpha")));
    HERALD_VERIFY_OK(seeded.enqueue(QStringLiteral("alpha"), 450));
    HERALD_VERIFY_OK(seeded.deliverSome(QStringLiteral("alpha"), 20, 10, 5, 3));
    HERALD_VERIFY_OK(seeded.enqueue(QStringLiteral("bravo"), 5));

    MainWindow window;
    window.show();
    QSignalSpy ready(&window, &MainWindow::contentReady);
    window.openStore(seeded.url(), false);
    QVERIFY(ready.wait());

    // The console opens on the delivery dashboard, the queues listed beside it; picking the Queues
    // section shows the first queue's messages.
    QCOMPARE(window.currentPage(), window.feature<DeliveryDashboardFeature>()->page());
    QVERIFY(window.feature<QueuesFeature>()->queuesView()->isVisible());
    QCOMPARE(window.feature<QueuesFeature>()->queuesView()->currentQueue(), QStringLiteral("alpha"));
    window.showSection(window.feature<QueuesFeature>());
    QCOMPARE(window.currentPage(), window.feature<QueuesFeature>()->messagesView());
    QCOMPARE(window.feature<QueuesFeature>()->messageModel()->queue(), QStringLiteral("alpha"));
    // A row for each of the 450 once counted; the newest page read.
    QTRY_COMPARE(window.feature<QueuesFeature>()->messageModel()->rowCount(), 450);
    QVERIFY(window.feature<QueuesFeature>()->messageModel()->isRowLoaded(MessageTableModel::kPageSize - 1));
    QCOMPARE(window.feature<QueuesFeature>()->messagesView()->summaryText(), QStringLiteral("450 messages"));
    // 455 messages, 20 - 10 - 5 = 5 of them active, 5 failed.
    QVERIFY2(window.statusText().contains(QStringLiteral("2 queues · 455 messages")), qPrintable(window.statusText()));
    QVERIFY2(window.statusText().contains(QStringLiteral("5 active · 5 failed")), qPrintable(window.statusText()));
    QVERIFY(window.statusText().contains(seeded.url().display()));

    // Scrolling to the end of the table reads the page shown there, not those scrolled past.
    QTableView *table = window.feature<QueuesFeature>()->messagesView()->tableView();
    QVERIFY(!window.feature<QueuesFeature>()->messageModel()->isRowLoaded(449));
    table->scrollToBottom();
    QTRY_VERIFY(window.feature<QueuesFeature>()->messageModel()->isRowLoaded(449));
    QCOMPARE(window.feature<QueuesFeature>()->messageModel()->rowCount(), 450);

    // Picking the other queue lists its messages instead.
    window.feature<QueuesFeature>()->queuesView()->setCurrentQueue(QStringLiteral("bravo"));
    QCOMPARE(window.feature<QueuesFeature>()->messageModel()->queue(), QStringLiteral("bravo"));
    QTRY_COMPARE(window.feature<QueuesFeature>()->messageModel()->rowCount(), 5);
    QCOMPARE(window.feature<QueuesFeature>()->messagesView()->summaryText(), QStringLiteral("5 messages"));
}

void TestMainWindow::shouldMoveFromWelcomeToTheDashboardWhenAQueueAppears()
{
    SeededStore seeded;
    QVERIFY2(seeded.isOpen(), qPrintable(seeded.openError()));

    MainWindow window;
    window.show();
    QSignalSpy ready(&window, &MainWindow::contentReady);
    window.openStore(seeded.url(), false);
    QVERIFY(ready.wait());
    QCOMPARE(window.currentPage(), window.welcomeView());

    // Another process (heraldctl, another console) adds a queue: the periodic refresh finds it.
    HERALD_VERIFY_OK(seeded.addQueue(QStringLiteral("late")));
    HERALD_VERIFY_OK(seeded.enqueue(QStringLiteral("late"), 3));
    QTRY_COMPARE_WITH_TIMEOUT(window.currentPage(), window.feature<DeliveryDashboardFeature>()->page(), 3 * StoreSession::kRefreshIntervalMs);
    QCOMPARE(window.feature<QueuesFeature>()->queuesView()->currentQueue(), QStringLiteral("late"));
    QTRY_COMPARE(window.feature<QueuesFeature>()->messageModel()->rowCount(), 3);
}

void TestMainWindow::shouldRefreshCountsOnItsOwnKeepingTheSelectedQueue()
{
    SeededStore seeded;
    QVERIFY2(seeded.isOpen(), qPrintable(seeded.openError()));
    // Another process delivers (here: holds the store, paused); the test plays its part with deliverSome().
    QVERIFY(seeded.holdDelivery());
    HERALD_VERIFY_OK(seeded.addQueue(QStringLiteral("alpha")));
    HERALD_VERIFY_OK(seeded.addQueue(QStringLiteral("bravo")));
    HERALD_VERIFY_OK(seeded.enqueue(QStringLiteral("alpha"), 10));
    HERALD_VERIFY_OK(seeded.enqueue(QStringLiteral("bravo"), 10));

    MainWindow window;
    window.show();
    QSignalSpy ready(&window, &MainWindow::contentReady);
    window.openStore(seeded.url(), false);
    QVERIFY(ready.wait());
    window.feature<QueuesFeature>()->queuesView()->setCurrentQueue(QStringLiteral("bravo"));
    QTRY_COMPARE(window.feature<QueuesFeature>()->messageModel()->rowCount(), 10);

    QSignalSpy messagesReset(window.feature<QueuesFeature>()->messageModel(), &QAbstractItemModel::modelReset);
    HERALD_VERIFY_OK(seeded.deliverSome(QStringLiteral("bravo"), 4, 3, 0, 0));
    const QueueListModel *queues = window.feature<QueuesFeature>()->queueModel();
    const int bravo = queues->rowOf(QStringLiteral("bravo"));
    QTRY_COMPARE_WITH_TIMEOUT(queues->index(bravo, QueueListModel::CompletedColumn).data().toLongLong(), 3,
                              3 * StoreSession::kRefreshIntervalMs);
    QCOMPARE(queues->index(bravo, QueueListModel::ActiveColumn).data().toLongLong(), 1);
    QCOMPARE(queues->index(bravo, QueueListModel::WaitingColumn).data().toLongLong(), 6);
    // The operator's place is kept: same queue, messages not reloaded under them.
    QCOMPARE(window.feature<QueuesFeature>()->queuesView()->currentQueue(), QStringLiteral("bravo"));
    QCOMPARE(messagesReset.count(), 0);
}

void TestMainWindow::shouldOfferNoQueueCreationOnAReadOnlyStore()
{
    SeededStore seeded; // a Herald store with no queue
    QVERIFY2(seeded.isOpen(), qPrintable(seeded.openError()));

    MainWindow window;
    window.show();
    QSignalSpy ready(&window, &MainWindow::contentReady);
    window.openStore(seeded.url(), true);
    QVERIFY(ready.wait());

    QVERIFY(window.session()->isReadOnly());
    QCOMPARE(window.currentPage(), window.welcomeView());
    QVERIFY(!window.welcomeView()->createQueueButton()->isEnabled());
    QVERIFY(window.welcomeView()->openDemoButton()->isEnabled());
    QVERIFY(window.statusText().contains(QStringLiteral("Read-only")));
}

void TestMainWindow::shouldShowTheEngineMessageWhenTheStoreCannotBeOpened()
{
    SeededStore seeded;
    const StoreUrl missing = StoreUrl::sqlite(seeded.folder() + QStringLiteral("/missing.db"));
    Store::OpenOptions readOnly;
    readOnly.readOnly = true;
    const auto expected = Store::open(missing, readOnly);
    QVERIFY(!expected);

    MainWindow window;
    window.show();
    QSignalSpy ready(&window, &MainWindow::contentReady);
    window.openStore(missing, true);
    QVERIFY(ready.wait());

    QVERIFY(window.currentPage() != window.welcomeView());
    QVERIFY(window.currentPage() != window.feature<QueuesFeature>()->messagesView());
    QMessageBox *box = nullptr;
    QTRY_VERIFY((box = window.findChild<QMessageBox *>()) != nullptr);
    QCOMPARE(box->informativeText(), expected.errorString());
    QVERIFY(box->text().contains(missing.display()));
    QVERIFY(!QFile::exists(missing.sqlitePath()));
}

void TestMainWindow::shouldCreateAQueueFromTheWelcomePageAndSelectIt()
{
    SeededStore seeded;
    QVERIFY2(seeded.isOpen(), qPrintable(seeded.openError()));

    MainWindow window;
    window.show();
    QSignalSpy ready(&window, &MainWindow::contentReady);
    window.openStore(seeded.url(), false);
    QVERIFY(ready.wait());

    click(window.welcomeView()->createQueueButton());
    QueueSettingsDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = window.findChild<QueueSettingsDialog *>()) != nullptr);
    QVERIFY(dialog->isVisible());
    QSignalSpy accepted(dialog, &QDialog::accepted);

    // The engine's own parser judges the rate limit, and its words are shown under the form.
    dialog->findChild<QLineEdit *>(QStringLiteral("name"))->setText(QStringLiteral("event-messages"));
    dialog->findChild<QSpinBox *>(QStringLiteral("concurrency"))->setValue(4);
    dialog->findChild<QLineEdit *>(QStringLiteral("rateLimit"))->setText(QStringLiteral("20 per minute"));
    dialog->findChild<QLineEdit *>(QStringLiteral("backoff"))->setText(QStringLiteral("fixed:30s"));
    dialog->findChild<QComboBox *>(QStringLiteral("channel"))->setCurrentText(QStringLiteral("sms"));
    click(okButton(dialog));
    QCOMPARE(dialog->errorText(), RateLimit::parse(QStringLiteral("20 per minute")).errorString());
    QVERIFY(dialog->isVisible());
    QCOMPARE(accepted.count(), 0);

    dialog->findChild<QLineEdit *>(QStringLiteral("rateLimit"))->setText(QStringLiteral("20/1m"));
    click(okButton(dialog));
    QVERIFY(accepted.wait());

    const auto created = seeded->queue(QStringLiteral("event-messages"));
    HERALD_VERIFY_OK(created);
    QCOMPARE(created->concurrency, 4);
    QCOMPARE(created->rate, (RateLimit{20, 60'000}));
    QCOMPARE(created->retry, RetryPolicy::parse(QStringLiteral("fixed:30s")).value());
    QCOMPARE(created->defaultChannel, QStringLiteral("sms"));
    QTRY_COMPARE(window.currentPage(), window.feature<QueuesFeature>()->messagesView());
    QCOMPARE(window.feature<QueuesFeature>()->queuesView()->currentQueue(), QStringLiteral("event-messages"));
}

void TestMainWindow::shouldShowTheStoreRefusalInTheDialog()
{
    SeededStore seeded;
    QVERIFY2(seeded.isOpen(), qPrintable(seeded.openError()));
    HERALD_VERIFY_OK(seeded.addQueue(QStringLiteral("alpha")));
    QueueConfig duplicate;
    duplicate.name = QStringLiteral("alpha");
    const QString expected = seeded->addQueue(duplicate).errorString();
    QVERIFY(!expected.isEmpty());

    StoreThread storeThread(seeded.url());
    QueueSettingsDialog dialog(&storeThread);
    dialog.show();
    dialog.findChild<QLineEdit *>(QStringLiteral("name"))->setText(QStringLiteral("alpha"));
    QSignalSpy accepted(&dialog, &QDialog::accepted);
    click(okButton(&dialog));
    QVERIFY(!okButton(&dialog)->isEnabled()); // while the store is asked
    QTRY_COMPARE(dialog.errorText(), expected);
    QVERIFY(okButton(&dialog)->isEnabled());
    QCOMPARE(accepted.count(), 0);
    QVERIFY(dialog.isVisible());
}

void TestMainWindow::shouldShowOnlyTheLastStoreOpened()
{
    SeededStore first;
    QVERIFY2(first.isOpen(), qPrintable(first.openError()));
    HERALD_VERIFY_OK(first.addQueue(QStringLiteral("first-queue")));
    SeededStore second(QStringLiteral("second.db"));
    QVERIFY2(second.isOpen(), qPrintable(second.openError()));
    HERALD_VERIFY_OK(second.addQueue(QStringLiteral("second-queue")));
    HERALD_VERIFY_OK(second.enqueue(QStringLiteral("second-queue"), 2));

    MainWindow window;
    window.show();
    window.showSection(window.feature<QueuesFeature>()); // the messages are read while on screen
    QSignalSpy ready(&window, &MainWindow::contentReady);
    window.openStore(first.url(), false);
    window.openStore(second.url(), false);
    QVERIFY(ready.wait());

    QCOMPARE(window.session()->storeThread()->url().display(), second.url().display());
    QCOMPARE(window.feature<QueuesFeature>()->queueModel()->rowCount(), 1);
    QCOMPARE(window.feature<QueuesFeature>()->queuesView()->currentQueue(), QStringLiteral("second-queue"));
    QCOMPARE(window.feature<QueuesFeature>()->messageModel()->rowCount(), 2);
    QCOMPARE(window.windowTitle(), QStringLiteral("second.db"));
}

void TestMainWindow::shouldOpenTheDemoStoreAndNeverTheUserStore()
{
    removeDemoStore();
    SeededStore seeded;
    QVERIFY2(seeded.isOpen(), qPrintable(seeded.openError()));
    {
        MainWindow window;
        window.show();
        QSignalSpy ready(&window, &MainWindow::contentReady);
        window.openStore(seeded.url(), false);
        QVERIFY(ready.wait());
        click(window.welcomeView()->openDemoButton());
        QVERIFY(ready.wait(30'000));

        QCOMPARE(window.session()->storeThread()->url().sqlitePath(), StoreUrl::demoSqlitePath());
        QCOMPARE(window.currentPage(), window.feature<DeliveryDashboardFeature>()->page());
        QStringList queues;
        for (int row = 0; row < window.feature<QueuesFeature>()->queueModel()->rowCount(); ++row)
            queues << window.feature<QueuesFeature>()->queueModel()->countsAt(row).queue;
        QCOMPARE(queues, (QStringList{QStringLiteral("event-messages"), QStringLiteral("incentive-notify"), QStringLiteral("send-event")}));
        QVERIFY(window.feature<QueuesFeature>()->queueModel()->totals().total() > 0);
    }
    // The store the operator had open gained nothing, and the default store was never created.
    QCOMPARE(seeded->queues()->size(), 0);
    QVERIFY(!QFile::exists(StoreUrl::defaultSqlitePath()));
    removeDemoStore();
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
