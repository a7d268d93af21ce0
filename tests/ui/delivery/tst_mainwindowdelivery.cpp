// The console delivering in its own process: the engine a writable store gets, pause and resume, the
// status bar, another process holding the store, read-only stores, and the views following deliveries
// live. Real SQLite files, the real engine and the real outbox channel.
#include "delivery/DeliveryController.h"
#include "shell/MainWindow.h"
#include "delivery/DeliveryFeature.h"
#include "outbox/OutboxFeature.h"
#include "queues/QueuesFeature.h"
#include "shell/StoreSession.h"
#include "messages/MessageTableModel.h"
#include "messages/MessagesView.h"
#include "outbox/OutboxModel.h"
#include "outbox/OutboxView.h"
#include "queues/QueueListModel.h"
#include "SeededStore.h"

#include "channels/Channel.h"
#include "model/RateLimit.h"
#include "runtime/Engine.h"

#include <QAction>
#include <QCoreApplication>
#include <QSet>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

using namespace herald;
using herald::test::SeededStore;
using State = DeliveryController::State;

namespace {

constexpr int kDeliveryTimeoutMs = 15'000;

qint64 countOf(const MainWindow &window, const QString &queue, MessageState state)
{
    const QueueListModel *queues = window.feature<QueuesFeature>()->queueModel();
    const int row = queues->rowOf(queue);
    return row < 0 ? -1 : queues->countsAt(row).count(state);
}

QList<MessageState> statesOnScreen(const MainWindow &window)
{
    QList<MessageState> states;
    const MessageTableModel *messages = window.feature<QueuesFeature>()->messageModel();
    for (int row = 0; row < messages->rowCount(); ++row)
        states << messages->messageAt(row).state;
    return states;
}

// Whether an engine of this test can take the store: only when no engine holds it.
bool storeIsFree(const StoreUrl &url)
{
    RuntimeOptions options;
    options.channelFactory = &createChannel;
    Engine probe(url, options);
    const auto mode = probe.start();
    return mode && *mode == Engine::Mode::Running;
}

std::unique_ptr<MainWindow> openWindow(const StoreUrl &url, bool readOnly = false)
{
    auto window = std::make_unique<MainWindow>();
    window->show();
    window->showSection(window->feature<QueuesFeature>()); // the messages on screen, not the dashboard
    QSignalSpy ready(window.get(), &MainWindow::contentReady);
    window->openStore(url, readOnly);
    if (!ready.wait(10'000))
        return nullptr;
    return window;
}

} // namespace

class TestMainWindowDelivery : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void shouldDeliverDueMessagesInProcessAndShowThemCompletedUnasked();
    void shouldPutNewDeliveriesOnTopKeepingTheSelectedRendering();
    void shouldStopClaimingWhilePausedAndDeliverOnResume();
    void shouldShowTheQueueWaitingForItsRateLimit();
    void shouldAttachAndNotDeliverWhenAnotherConsoleDelivers();
    void shouldNeverStartAnEngineOnAReadOnlyStore();
    void shouldLetGoOfTheStoreWhenAnotherIsOpened();
};

void TestMainWindowDelivery::shouldDeliverDueMessagesInProcessAndShowThemCompletedUnasked()
{
    SeededStore seeded;
    QVERIFY2(seeded.isOpen(), qPrintable(seeded.openError()));
    HERALD_VERIFY_OK(seeded.addQueue(QStringLiteral("alpha")));
    const auto ids = seeded.enqueue(QStringLiteral("alpha"), 12); // few enough to be on screen at once
    HERALD_VERIFY_OK(ids);

    auto window = openWindow(seeded.url());
    QVERIFY(window);
    QSignalSpy messagesReset(window->feature<QueuesFeature>()->messageModel(), &QAbstractItemModel::modelReset);

    QTRY_COMPARE_WITH_TIMEOUT(countOf(*window, QStringLiteral("alpha"), MessageState::Completed), 12, kDeliveryTimeoutMs);
    QCOMPARE(window->feature<DeliveryFeature>()->controller()->state(), State::Delivering);
    QTRY_VERIFY2(window->statusText().contains(QStringLiteral("0 in flight | Delivering")), qPrintable(window->statusText()));
    QCOMPARE(seeded->stats()->constFirst().count(MessageState::Completed), 12);

    // The rows on screen follow in place: no start-over, the same twelve messages, now completed.
    QTRY_COMPARE(statesOnScreen(*window), QList<MessageState>(12, MessageState::Completed));
    QCOMPARE(messagesReset.count(), 0);
    QCOMPARE(window->feature<QueuesFeature>()->messagesView()->summaryText(), QStringLiteral("12 messages"));

    // What the outbox channel captured, one rendering per message.
    window->showSection(window->feature<OutboxFeature>());
    QCOMPARE(window->currentPage(), window->feature<OutboxFeature>()->view());
    QTRY_COMPARE(window->feature<OutboxFeature>()->model()->rowCount(), 12);
    QSet<qint64> rendered;
    for (int row = 0; row < 12; ++row)
        rendered << window->feature<OutboxFeature>()->model()->renderingAt(row).entry.messageId;
    QCOMPARE(rendered, QSet<qint64>(ids->cbegin(), ids->cend()));
}

void TestMainWindowDelivery::shouldPutNewDeliveriesOnTopKeepingTheSelectedRendering()
{
    SeededStore seeded;
    QVERIFY2(seeded.isOpen(), qPrintable(seeded.openError()));
    HERALD_VERIFY_OK(seeded.addQueue(QStringLiteral("alpha")));
    HERALD_VERIFY_OK(seeded.enqueue(QStringLiteral("alpha"), 3));

    auto window = openWindow(seeded.url());
    QVERIFY(window);
    window->showSection(window->feature<OutboxFeature>());
    QTRY_COMPARE_WITH_TIMEOUT(window->feature<OutboxFeature>()->model()->rowCount(), 3, kDeliveryTimeoutMs);
    window->feature<OutboxFeature>()->view()->selectRow(1);
    const qint64 selected = window->feature<OutboxFeature>()->view()->shownEntry();
    QVERIFY(selected > 0);
    QSignalSpy outboxReset(window->feature<OutboxFeature>()->model(), &QAbstractItemModel::modelReset);

    // Another process enqueues: the engine's back-stop poll finds the messages, and the outbox on screen
    // grows on top while the operator's selection stays on the rendering they picked.
    const auto later = seeded.enqueue(QStringLiteral("alpha"), 4);
    HERALD_VERIFY_OK(later);
    QTRY_COMPARE_WITH_TIMEOUT(window->feature<OutboxFeature>()->model()->rowCount(), 7, kDeliveryTimeoutMs);
    QCOMPARE(outboxReset.count(), 0);
    QCOMPARE(window->feature<OutboxFeature>()->view()->shownEntry(), selected);
    QCOMPARE(window->feature<OutboxFeature>()->view()->tableView()->currentIndex().row(), 5);
    QCOMPARE(window->feature<OutboxFeature>()->model()->renderingAt(0).entry.messageId > window->feature<OutboxFeature>()->model()->renderingAt(4).entry.messageId, true);

    // Back on the queue, the messages delivered meanwhile are there too, without a start-over.
    QSignalSpy messagesReset(window->feature<QueuesFeature>()->messageModel(), &QAbstractItemModel::modelReset);
    window->showSection(window->feature<QueuesFeature>());
    QCOMPARE(window->currentPage(), window->feature<QueuesFeature>()->messagesView());
    QTRY_COMPARE(statesOnScreen(*window), QList<MessageState>(7, MessageState::Completed));
    QCOMPARE(window->feature<QueuesFeature>()->messageModel()->messageAt(0).id, later->constLast());
    QCOMPARE(messagesReset.count(), 0);
}

void TestMainWindowDelivery::shouldStopClaimingWhilePausedAndDeliverOnResume()
{
    SeededStore seeded;
    QVERIFY2(seeded.isOpen(), qPrintable(seeded.openError()));
    HERALD_VERIFY_OK(seeded.addQueue(QStringLiteral("alpha")));

    auto window = openWindow(seeded.url());
    QVERIFY(window);
    DeliveryController *delivery = window->feature<DeliveryFeature>()->controller();
    QAction *pause = window->feature<DeliveryFeature>()->pauseAction();
    QTRY_COMPARE(delivery->state(), State::Delivering);
    QVERIFY(pause->isEnabled());
    QVERIFY(!pause->isChecked());

    pause->trigger();
    QVERIFY(pause->isChecked());
    QCOMPARE(delivery->state(), State::Paused);
    QVERIFY2(window->statusText().contains(QStringLiteral("Delivery paused")), qPrintable(window->statusText()));
    QTRY_VERIFY(delivery->status().paused); // the runtime confirmed it

    QSignalSpy delivered(delivery, &DeliveryController::delivered);
    HERALD_VERIFY_OK(seeded.enqueue(QStringLiteral("alpha"), 5));
    delivery->wake();
    // Nothing must happen, so there is no event to wait for: the window covers the wake-up's look and a
    // back-stop poll (RuntimeOptions::pollMs) of the engine, either of which would claim if it could.
    QVERIFY(!delivered.wait(2'500));
    QTRY_COMPARE_WITH_TIMEOUT(countOf(*window, QStringLiteral("alpha"), MessageState::Waiting), 5, 3 * StoreSession::kRefreshIntervalMs);
    QCOMPARE(seeded->stats()->constFirst().count(MessageState::Waiting), 5);
    QCOMPARE(seeded->stats()->constFirst().count(MessageState::Active), 0);

    pause->trigger();
    QVERIFY(!pause->isChecked());
    QCOMPARE(delivery->state(), State::Delivering);
    QTRY_COMPARE_WITH_TIMEOUT(countOf(*window, QStringLiteral("alpha"), MessageState::Completed), 5, kDeliveryTimeoutMs);
    QCOMPARE(delivered.count(), 5);
    QVERIFY(!window->statusText().contains(QStringLiteral("paused")));
}

void TestMainWindowDelivery::shouldShowTheQueueWaitingForItsRateLimit()
{
    SeededStore seeded;
    QVERIFY2(seeded.isOpen(), qPrintable(seeded.openError()));
    QueueConfig limited;
    limited.name = QStringLiteral("event-messages");
    limited.rate = RateLimit{2, 60'000};
    HERALD_VERIFY_OK(seeded->addQueue(limited));
    HERALD_VERIFY_OK(seeded.enqueue(QStringLiteral("event-messages"), 5));

    auto window = openWindow(seeded.url());
    QVERIFY(window);
    QTRY_COMPARE_WITH_TIMEOUT(countOf(*window, QStringLiteral("event-messages"), MessageState::Completed), 2, kDeliveryTimeoutMs);
    QTRY_VERIFY2(window->statusText().contains(QStringLiteral("Rate limit: event-messages")), qPrintable(window->statusText()));
    QCOMPARE(window->feature<DeliveryFeature>()->controller()->status().rateLimitedQueues, QStringList{QStringLiteral("event-messages")});
    QCOMPARE(countOf(*window, QStringLiteral("event-messages"), MessageState::Waiting), 3);
}

void TestMainWindowDelivery::shouldAttachAndNotDeliverWhenAnotherConsoleDelivers()
{
    SeededStore seeded;
    QVERIFY2(seeded.isOpen(), qPrintable(seeded.openError()));
    HERALD_VERIFY_OK(seeded.addQueue(QStringLiteral("alpha")));

    auto first = openWindow(seeded.url());
    QVERIFY(first);
    QTRY_COMPARE(first->feature<DeliveryFeature>()->controller()->state(), State::Delivering);
    auto second = openWindow(seeded.url());
    QVERIFY(second);
    QTRY_COMPARE(second->feature<DeliveryFeature>()->controller()->state(), State::Attached);

    const QString holder = QStringLiteral("Attached: deliveries run in process %1 on ").arg(QCoreApplication::applicationPid());
    QVERIFY2(second->statusText().contains(holder), qPrintable(second->statusText()));
    QVERIFY(!second->feature<DeliveryFeature>()->pauseAction()->isEnabled());
    QVERIFY(!second->statusText().contains(QStringLiteral("in flight")));

    QSignalSpy deliveredByFirst(first->feature<DeliveryFeature>()->controller(), &DeliveryController::delivered);
    QSignalSpy deliveredBySecond(second->feature<DeliveryFeature>()->controller(), &DeliveryController::delivered);
    HERALD_VERIFY_OK(seeded.enqueue(QStringLiteral("alpha"), 5));
    QTRY_COMPARE_WITH_TIMEOUT(deliveredByFirst.count(), 5, kDeliveryTimeoutMs);
    // The attached console browses: it sees the deliveries in its counts, and made none of them.
    QTRY_COMPARE_WITH_TIMEOUT(countOf(*second, QStringLiteral("alpha"), MessageState::Completed), 5, 3 * StoreSession::kRefreshIntervalMs);
    QCOMPARE(deliveredBySecond.count(), 0);
}

void TestMainWindowDelivery::shouldNeverStartAnEngineOnAReadOnlyStore()
{
    SeededStore seeded;
    QVERIFY2(seeded.isOpen(), qPrintable(seeded.openError()));
    HERALD_VERIFY_OK(seeded.addQueue(QStringLiteral("alpha")));
    HERALD_VERIFY_OK(seeded.enqueue(QStringLiteral("alpha"), 3));

    auto window = openWindow(seeded.url(), true);
    QVERIFY(window);
    QCOMPARE(window->feature<DeliveryFeature>()->controller()->state(), State::ReadOnly);
    QVERIFY2(window->statusText().contains(QStringLiteral("Read-only")), qPrintable(window->statusText()));
    QVERIFY(!window->feature<DeliveryFeature>()->pauseAction()->isEnabled());
    // No engine of the console holds the store: one of the test's can take it.
    QVERIFY(storeIsFree(seeded.url()));
    QCOMPARE(seeded->stats()->constFirst().count(MessageState::Waiting), 3);
}

void TestMainWindowDelivery::shouldLetGoOfTheStoreWhenAnotherIsOpened()
{
    SeededStore first;
    QVERIFY2(first.isOpen(), qPrintable(first.openError()));
    SeededStore second(QStringLiteral("second.db"));
    QVERIFY2(second.isOpen(), qPrintable(second.openError()));

    auto window = openWindow(first.url());
    QVERIFY(window);
    QTRY_COMPARE(window->feature<DeliveryFeature>()->controller()->state(), State::Delivering);
    QVERIFY(!storeIsFree(first.url()));

    QSignalSpy ready(window.get(), &MainWindow::contentReady);
    window->openStore(second.url(), false);
    // Stopped at once, before the next store is even read.
    QVERIFY(storeIsFree(first.url()));
    QVERIFY(ready.wait());
    QTRY_COMPARE(window->feature<DeliveryFeature>()->controller()->state(), State::Delivering);
    QVERIFY(!storeIsFree(second.url()));
}

QTEST_MAIN(TestMainWindowDelivery)
#include "tst_mainwindowdelivery.moc"
