#include "shell/MainWindow.h"
#include "failures/FailuresFeature.h"
#include "queues/QueuesFeature.h"
#include "messages/ActionPreviewDialog.h"
#include "messages/MessageActions.h"
#include "messages/MessageFilterBar.h"
#include "messages/MessageTableModel.h"
#include "messages/MessagesView.h"
#include "SeededStore.h"
#include "failures/FailureGroupsModel.h"
#include "failures/FailuresView.h"

#include "failures/FailureGroups.h"
#include "model/FailureFingerprint.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTest>

using namespace herald;
using herald::test::SeededStore;

namespace {

// A store with failures of three causes in two queues, held by a paused engine, and the console on it.
struct Fixture
{
    SeededStore seeded;
    std::unique_ptr<MainWindow> window;
    std::unique_ptr<QAbstractItemModelTester> tester;
    QList<qint64> unavailable; // HTTP 503, both queues
    QList<qint64> retrying;    // HTTP 503 too, each waiting for its next attempt

    bool fail(const QString &queue, const QString &error, QList<qint64> *ids = nullptr, bool permanent = true)
    {
        auto enqueued = seeded.enqueue(queue, 1);
        if (!enqueued || !seeded->claim(queue, 1, QStringLiteral("w"), 30'000))
            return false;
        if (!seeded->fail(enqueued->constFirst(), QStringLiteral("w"), Store::Failure{error, permanent}))
            return false;
        if (ids)
            *ids << enqueued->constFirst();
        return true;
    }

    bool open(bool readOnly = false)
    {
        if (!seeded.isOpen() || !seeded.holdDelivery() || !seeded.addQueue(QStringLiteral("sms")) || !seeded.addQueue(QStringLiteral("hooks")))
            return false;
        for (int i = 0; i < 5; ++i)
            if (!fail(QStringLiteral("sms"), QStringLiteral("no phone number for attendee %1").arg(40 + i)))
                return false;
        if (!fail(QStringLiteral("hooks"), QStringLiteral("HTTP 503 from https://gw.example/a/1 after 90 ms"), &unavailable) ||
            !fail(QStringLiteral("hooks"), QStringLiteral("HTTP 503 from https://gw.example/b/2 after 70 ms"), &unavailable) ||
            !fail(QStringLiteral("sms"), QStringLiteral("HTTP 503 from https://gw.example/c/3 after 12 ms"), &unavailable) ||
            !fail(QStringLiteral("hooks"), QStringLiteral("HTTP 401 Unauthorized")) ||
            !fail(QStringLiteral("hooks"), QStringLiteral("HTTP 503 from https://gw.example/d/4 after 80 ms"), &retrying, false) ||
            !fail(QStringLiteral("sms"), QStringLiteral("HTTP 503 from https://gw.example/e/5 after 20 ms"), &retrying, false))
            return false;
        window = std::make_unique<MainWindow>();
        tester = std::make_unique<QAbstractItemModelTester>(window->feature<FailuresFeature>()->view()->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        window->resize(1400, 900);
        window->show();
        QSignalSpy ready(window.get(), &MainWindow::contentReady);
        window->openStore(seeded.url(), readOnly);
        if (!ready.wait(10'000))
            return false;
        QSignalSpy loaded(window->feature<FailuresFeature>()->view(), &FailuresView::loaded);
        window->showSection(window->feature<FailuresFeature>());
        return loaded.wait(10'000);
    }

    FailuresView *view() const { return window->feature<FailuresFeature>()->view(); }
    qint64 inState(const QList<qint64> &ids, MessageState state)
    {
        qint64 n = 0;
        for (qint64 id : ids)
            n += seeded->message(id)->state == state;
        return n;
    }
    qint64 failed(const QList<qint64> &ids) { return inState(ids, MessageState::Failed); }
};

} // namespace

// The console's Failures section over a real store: groups, the table filtered by one, a group retried.
class TestFailuresView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void shouldListFailuresGroupedByCauseLargestFirst();
    void shouldFilterTheMessageTableByTheSelectedGroup();
    void shouldRetryAGroupAcrossQueuesAfterAPreviewAndUndoIt();
    void shouldCancelTheRetriesOfAGroupAfterAPreviewAndUndoIt();
    void shouldOfferNoRetryOnAReadOnlyStore();
};

void TestFailuresView::shouldListFailuresGroupedByCauseLargestFirst()
{
    Fixture f;
    QVERIFY(f.open());
    FailureGroupsModel *model = f.view()->model();
    QCOMPARE(model->rowCount(), 3);
    QCOMPARE(model->totalFailed(), 9);
    // The table's first row is the largest group, selected, its newest error shown as it was.
    QTableView *table = f.view()->table();
    QCOMPARE(table->model()->index(0, FailureGroupsModel::Error).data().toString(), QStringLiteral("no phone number for attendee <n>"));
    QCOMPARE(table->model()->index(0, FailureGroupsModel::Count).data().toString(), QStringLiteral("5"));
    QCOMPARE(table->model()->index(1, FailureGroupsModel::Error).data().toString(), QStringLiteral("HTTP 503 from <url> after <n> ms"));
    QCOMPARE(table->model()->index(1, FailureGroupsModel::Queues).data().toString(), QStringLiteral("hooks (2), sms (1)"));
    QCOMPARE(f.view()->currentGroup()->fingerprint, QStringLiteral("no phone number for attendee <n>"));
    QCOMPARE(f.view()->currentGroup()->sample, QStringLiteral("no phone number for attendee 44"));
    // Another range is read again: everything here failed within the last 24 hours.
    QSignalSpy loaded(f.view(), &FailuresView::loaded);
    f.view()->rangeBox()->setCurrentIndex(1); // the last 24 hours: all of them
    QVERIFY(loaded.wait(10'000));
    QCOMPARE(model->rowCount(), 3);
}

void TestFailuresView::shouldFilterTheMessageTableByTheSelectedGroup()
{
    Fixture f;
    QVERIFY(f.open());
    const QString id = f.view()->model()->groupAt(f.view()->model()->rowOf(failureGroupId(QStringLiteral("HTTP 503 from <url> after <n> ms")))).id;
    f.view()->selectGroup(id);
    QTest::mouseClick(f.view()->showButton(), Qt::LeftButton);
    QCOMPARE(f.window->currentSection(), static_cast<Feature *>(f.window->feature<QueuesFeature>()));
    // Its largest queue first, the Failed tab, and only the group's two failures there.
    QTRY_COMPARE(f.window->feature<QueuesFeature>()->messageModel()->queue(), QStringLiteral("hooks"));
    QTRY_COMPARE(f.window->feature<QueuesFeature>()->messageModel()->matchCount(), std::optional<qint64>(2));
    QCOMPARE(f.window->feature<QueuesFeature>()->messagesView()->filterBar()->failureGroup(), id);
    for (int row = 0; row < f.window->feature<QueuesFeature>()->messageModel()->rowCount(); ++row)
        QTRY_VERIFY(f.unavailable.contains(f.window->feature<QueuesFeature>()->messageModel()->messageAt(row).id));
    // Cleared, the queue's failures are all there again.
    f.window->feature<QueuesFeature>()->messagesView()->filterBar()->setFailureGroup({}, {});
    QTRY_COMPARE(f.window->feature<QueuesFeature>()->messageModel()->matchCount(), std::optional<qint64>(3));
}

void TestFailuresView::shouldRetryAGroupAcrossQueuesAfterAPreviewAndUndoIt()
{
    Fixture f;
    QVERIFY(f.open());
    f.view()->selectGroup(failureGroupId(QStringLiteral("HTTP 503 from <url> after <n> ms")));
    QSignalSpy previewShown(f.window->feature<QueuesFeature>()->messageActions(), &MessageActions::previewShown);
    QTest::mouseClick(f.view()->retryButton(), Qt::LeftButton);
    QVERIFY(previewShown.wait(10'000));
    auto *preview = previewShown.constFirst().constFirst().value<ActionPreviewDialog *>();
    QCOMPARE(preview->preview().applicable, 3);
    QVERIFY2(preview->summaryText().contains(QLatin1String("failure group")), qPrintable(preview->summaryText()));
    QSignalSpy changed(f.window->feature<QueuesFeature>()->messageActions(), &MessageActions::messagesChanged);
    QTest::mouseClick(preview->runButton(), Qt::LeftButton);
    QVERIFY(changed.wait(10'000));
    QCOMPARE(f.failed(f.unavailable), 0);
    QTRY_COMPARE(f.view()->model()->rowCount(), 2); // the group is gone from the list
    f.window->feature<QueuesFeature>()->messageActions()->undoAction()->trigger();
    QVERIFY(changed.wait(10'000));
    QCOMPARE(f.failed(f.unavailable), 3);
    QTRY_COMPARE(f.view()->model()->rowCount(), 3);
}

void TestFailuresView::shouldCancelTheRetriesOfAGroupAfterAPreviewAndUndoIt()
{
    Fixture f;
    QVERIFY(f.open());
    QCOMPARE(f.inState(f.retrying, MessageState::Scheduled), 2);
    f.view()->selectGroup(failureGroupId(QStringLiteral("HTTP 503 from <url> after <n> ms")));
    QSignalSpy previewShown(f.window->feature<QueuesFeature>()->messageActions(), &MessageActions::previewShown);
    QTest::mouseClick(f.view()->cancelButton(), Qt::LeftButton);
    QVERIFY(previewShown.wait(10'000));
    // The two still to be retried, in both queues; the three failed ones are left as they are.
    auto *preview = previewShown.constFirst().constFirst().value<ActionPreviewDialog *>();
    QCOMPARE(preview->preview().applicable, 2);
    QCOMPARE(preview->preview().skippedByState.value(MessageState::Failed), 3);
    QCOMPARE(preview->preview().byQueueAndState.size(), 2);
    QSignalSpy changed(f.window->feature<QueuesFeature>()->messageActions(), &MessageActions::messagesChanged);
    QTest::mouseClick(preview->runButton(), Qt::LeftButton);
    QVERIFY(changed.wait(10'000));
    QCOMPARE(f.inState(f.retrying, MessageState::Cancelled), 2);
    QCOMPARE(f.failed(f.unavailable), 3);
    f.window->feature<QueuesFeature>()->messageActions()->undoAction()->trigger();
    QVERIFY(changed.wait(10'000));
    QCOMPARE(f.inState(f.retrying, MessageState::Scheduled), 2);
}

void TestFailuresView::shouldOfferNoRetryOnAReadOnlyStore()
{
    Fixture f;
    QVERIFY(f.open(true));
    QCOMPARE(f.view()->model()->rowCount(), 3);
    QVERIFY(f.view()->showButton()->isEnabled());
    QVERIFY(!f.view()->retryButton()->isEnabled());
    QVERIFY(!f.view()->cancelButton()->isEnabled());
}

QTEST_MAIN(TestFailuresView)
#include "tst_failuresview.moc"
