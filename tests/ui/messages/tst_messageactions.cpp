#include "messages/ActionPreviewDialog.h"
#include "shell/MainWindow.h"
#include "queues/QueuesFeature.h"
#include "shell/StoreSession.h"
#include "messages/MessageActions.h"
#include "messages/MessageFilterBar.h"
#include "messages/MessageTableModel.h"
#include "messages/MessagesView.h"
#include "messages/RescheduleDialog.h"
#include "SeededStore.h"

#include "model/TimeText.h"
#include "store/StoreThread.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QDateTimeEdit>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTableWidget>
#include <QTest>

using namespace herald;
using herald::test::SeededStore;

namespace {

constexpr qint64 kDayMs = 24 * 3'600'000;

// Scheduled a day ahead: the console's own engine has nothing to claim, so the states stay put.
struct Fixture
{
    SeededStore seeded;
    QList<qint64> ids;
    std::unique_ptr<MainWindow> window;
    std::unique_ptr<QAbstractItemModelTester> tester;

    bool open(bool readOnly = false)
    {
        if (!seeded.isOpen() || !seeded.addQueue(QStringLiteral("alpha")))
            return false;
        auto enqueued = seeded.enqueue(QStringLiteral("alpha"), 30, currentTimeMs() + kDayMs);
        if (!enqueued)
            return false;
        ids = *enqueued;
        window = std::make_unique<MainWindow>();
        tester = std::make_unique<QAbstractItemModelTester>(window->feature<QueuesFeature>()->messageModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        window->show();
        window->showSection(window->feature<QueuesFeature>()); // the messages on screen, not the dashboard
        QSignalSpy ready(window.get(), &MainWindow::contentReady);
        window->openStore(seeded.url(), readOnly);
        return ready.wait(10'000) && window->feature<QueuesFeature>()->messageModel()->rowCount() == 30;
    }

    qint64 count(const MessageSelection &selection) { return seeded->countMessages(selection).value(); }
    QAction *action(ActionKind kind, MessageActions::Scope scope) { return window->feature<QueuesFeature>()->messageActions()->action(kind, scope); }
    void selectRows(int first, int last)
    {
        QTableView *table = window->feature<QueuesFeature>()->messagesView()->tableView();
        table->setFocus();
        table->selectionModel()->select(QItemSelection(table->model()->index(first, 0), table->model()->index(last, 0)),
                                        QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    }
};

MessageSelection labelled(const QString &key, const QString &value, QList<MessageState> states = {})
{
    MessageSelection selection;
    selection.queue = QStringLiteral("alpha");
    selection.labels = {{key, value}};
    selection.states = states;
    return selection;
}

void click(QAbstractButton *button)
{
    QTest::mouseClick(button, Qt::LeftButton);
}

} // namespace

// The operator actions driven through the window: filter, preview, run, undo, reschedule, refusals.
class TestMessageActions : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void shouldCancelEverythingMatchingALabelFilterAfterAPreviewAndUndoIt();
    void shouldRescheduleTheSelectedMessagesByTwoHoursThroughTheDialog();
    void shouldRefuseAPastTimeNextToTheFieldAndRunNothing();
    void shouldSkipSelectedMessagesInAnotherStateAndActOnTheRest();
    void shouldDisableEveryActionWithTheReasonOnAReadOnlyStore();
    void shouldDisableActionsThatDoNotApplyToTheSelectedStateWithTheReason();
};

void TestMessageActions::shouldCancelEverythingMatchingALabelFilterAfterAPreviewAndUndoIt()
{
    Fixture f;
    QVERIFY(f.open());
    // enqueue() gives message i the label event=41 + i % 3: 10 of the 30 have event=41.
    QTest::keyClicks(f.window->feature<QueuesFeature>()->messagesView()->filterBar()->labelField(), QStringLiteral("event=41"));
    QTRY_COMPARE(f.window->feature<QueuesFeature>()->messageModel()->matchCount(), std::optional<qint64>(10));
    QTRY_COMPARE(f.window->feature<QueuesFeature>()->messageModel()->rowCount(), 10);

    QAction *cancelAll = f.action(ActionKind::Cancel, MessageActions::Scope::Matching);
    QVERIFY2(cancelAll->isEnabled(), qPrintable(cancelAll->toolTip()));
    cancelAll->trigger();
    ActionPreviewDialog *preview = nullptr;
    QTRY_VERIFY((preview = f.window->findChild<ActionPreviewDialog *>()) != nullptr);
    QCOMPARE(preview->preview().matching, 10);
    QCOMPARE(preview->preview().applicable, 10);
    QVERIFY2(preview->summaryText().startsWith(QStringLiteral("Cancel 10 messages")), qPrintable(preview->summaryText()));
    QCOMPARE(preview->breakdownTable()->rowCount(), 1);
    QCOMPARE(preview->breakdownTable()->item(0, 0)->text(), QStringLiteral("alpha"));
    QCOMPARE(preview->breakdownTable()->item(0, 1)->text(), QStringLiteral("scheduled"));
    QCOMPARE(preview->breakdownTable()->item(0, 2)->text(), QStringLiteral("10"));
    // The preview changed nothing.
    QCOMPARE(f.count(labelled(QStringLiteral("event"), QStringLiteral("41"), {MessageState::Cancelled})), 0);

    QSignalSpy changed(f.window->feature<QueuesFeature>()->messageActions(), &MessageActions::messagesChanged);
    click(preview->runButton());
    QVERIFY(changed.wait());
    QCOMPARE(f.count(labelled(QStringLiteral("event"), QStringLiteral("41"), {MessageState::Cancelled})), 10);
    QCOMPARE(f.count(labelled(QStringLiteral("event"), QStringLiteral("42"), {MessageState::Scheduled})), 10);
    QTRY_VERIFY(f.window->findChild<ActionPreviewDialog *>() == nullptr);

    // Ctrl+Z on the table brings them back (in a text field it undoes the typing, as everywhere).
    QVERIFY2(f.window->feature<QueuesFeature>()->messageActions()->undoAction()->isEnabled(), qPrintable(f.window->feature<QueuesFeature>()->messageActions()->undoAction()->toolTip()));
    QTableView *table = f.window->feature<QueuesFeature>()->messagesView()->tableView();
    f.window->activateWindow();
    table->setFocus();
    QTRY_VERIFY(table->hasFocus());
    QTest::keySequence(table, QKeySequence::Undo);
    QVERIFY(changed.wait());
    QCOMPARE(f.count(labelled(QStringLiteral("event"), QStringLiteral("41"), {MessageState::Cancelled})), 0);
    QCOMPARE(f.count(labelled(QStringLiteral("event"), QStringLiteral("41"), {MessageState::Scheduled})), 10);
    QVERIFY(!f.window->feature<QueuesFeature>()->messageActions()->undoAction()->isEnabled());
}

void TestMessageActions::shouldRescheduleTheSelectedMessagesByTwoHoursThroughTheDialog()
{
    Fixture f;
    QVERIFY(f.open());
    f.selectRows(0, 2);
    QList<Message> before;
    for (int row = 0; row < 3; ++row)
        before << f.window->feature<QueuesFeature>()->messageModel()->messageAt(row);
    const Message untouched = f.window->feature<QueuesFeature>()->messageModel()->messageAt(3);

    QAction *reschedule = f.action(ActionKind::Reschedule, MessageActions::Scope::Selected);
    QVERIFY2(reschedule->isEnabled(), qPrintable(reschedule->toolTip()));
    reschedule->trigger();
    RescheduleDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = f.window->findChild<RescheduleDialog *>()) != nullptr);
    auto *shift = dialog->findChild<QLineEdit *>(QStringLiteral("rescheduleShift"));
    shift->selectAll();
    QTest::keyClicks(shift, QStringLiteral("+2h"));
    click(dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok));

    ActionPreviewDialog *preview = nullptr;
    QTRY_VERIFY((preview = f.window->findChild<ActionPreviewDialog *>()) != nullptr);
    QCOMPARE(preview->preview().applicable, 3);
    QSignalSpy changed(f.window->feature<QueuesFeature>()->messageActions(), &MessageActions::messagesChanged);
    click(preview->runButton());
    QVERIFY(changed.wait());
    for (const Message &m : before)
        QCOMPARE(f.seeded->message(m.id)->runAt, m.runAt + 2 * 3'600'000);
    // The others stayed.
    QCOMPARE(f.seeded->message(untouched.id)->runAt, untouched.runAt);
}

void TestMessageActions::shouldRefuseAPastTimeNextToTheFieldAndRunNothing()
{
    Fixture f;
    QVERIFY(f.open());
    f.selectRows(0, 0);
    const Message before = f.window->feature<QueuesFeature>()->messageModel()->messageAt(0);
    f.action(ActionKind::Reschedule, MessageActions::Scope::Selected)->trigger();
    RescheduleDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = f.window->findChild<RescheduleDialog *>()) != nullptr);
    dialog->findChild<QDateTimeEdit *>(QStringLiteral("rescheduleAt"))->setDateTime(QDateTime::currentDateTime().addSecs(-3600));
    click(dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok));

    QVERIFY(dialog->isVisible());
    const QString reason = dialog->findChild<QLabel *>(QStringLiteral("rescheduleAtError"))->text();
    QVERIFY2(reason.contains(QStringLiteral("in the past")), qPrintable(reason));
    QVERIFY(herald::test::drain(*f.window->session()->storeThread()));
    QVERIFY(f.window->findChild<ActionPreviewDialog *>() == nullptr);
    QCOMPARE(f.seeded->message(before.id)->runAt, before.runAt);

    // An empty spread window is refused the same way.
    dialog->findChild<QDateTimeEdit *>(QStringLiteral("rescheduleSpreadUntil"))
        ->setDateTime(dialog->findChild<QDateTimeEdit *>(QStringLiteral("rescheduleSpreadFrom"))->dateTime());
    click(dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok));
    QVERIFY(dialog->isVisible());
    QVERIFY(dialog->findChild<QLabel *>(QStringLiteral("rescheduleSpreadError"))->text().contains(QStringLiteral("empty")));
}

void TestMessageActions::shouldSkipSelectedMessagesInAnotherStateAndActOnTheRest()
{
    Fixture f;
    QVERIFY(f.open());
    // The newest (row 0) is cancelled behind the console's back, then re-read.
    HERALD_VERIFY_OK(f.seeded->apply(MessageSelection{{f.ids.constLast()}}, OperatorAction{ActionKind::Cancel, {}, {}, 0, QStringLiteral("test")}));
    QSignalSpy loaded(f.window->feature<QueuesFeature>()->messageModel(), &MessageTableModel::pageLoaded);
    f.window->feature<QueuesFeature>()->messageModel()->reload();
    QVERIFY(loaded.wait());
    QCOMPARE(f.window->feature<QueuesFeature>()->messageModel()->messageAt(0).state, MessageState::Cancelled);
    f.selectRows(0, 2);
    const qint64 second = f.window->feature<QueuesFeature>()->messageModel()->messageAt(1).id;
    const qint64 third = f.window->feature<QueuesFeature>()->messageModel()->messageAt(2).id;

    f.action(ActionKind::Cancel, MessageActions::Scope::Selected)->trigger();
    ActionPreviewDialog *preview = nullptr;
    QTRY_VERIFY((preview = f.window->findChild<ActionPreviewDialog *>()) != nullptr);
    QCOMPARE(preview->preview().matching, 3);
    QCOMPARE(preview->preview().applicable, 2);
    QCOMPARE(preview->preview().skippedByState.value(MessageState::Cancelled), 1);
    QVERIFY2(preview->summaryText().contains(QStringLiteral("Left alone because of their state: 1 cancelled")), qPrintable(preview->summaryText()));

    QSignalSpy changed(f.window->feature<QueuesFeature>()->messageActions(), &MessageActions::messagesChanged);
    click(preview->runButton());
    QVERIFY(changed.wait());
    QCOMPARE(f.seeded->message(second)->state, MessageState::Cancelled);
    QCOMPARE(f.seeded->message(third)->state, MessageState::Cancelled);
    QCOMPARE(f.count(labelled(QStringLiteral("event"), QStringLiteral("41"), {MessageState::Cancelled})) +
                 f.count(labelled(QStringLiteral("event"), QStringLiteral("42"), {MessageState::Cancelled})) +
                 f.count(labelled(QStringLiteral("event"), QStringLiteral("43"), {MessageState::Cancelled})),
             3);
}

void TestMessageActions::shouldDisableEveryActionWithTheReasonOnAReadOnlyStore()
{
    Fixture f;
    QVERIFY(f.open(true));
    f.selectRows(0, 4);
    for (ActionKind kind : MessageActions::kKinds) {
        for (MessageActions::Scope scope : {MessageActions::Scope::Selected, MessageActions::Scope::Matching}) {
            QAction *action = f.action(kind, scope);
            QVERIFY2(!action->isEnabled(), qPrintable(action->text()));
            QVERIFY2(action->toolTip().contains(QStringLiteral("read-only")), qPrintable(action->toolTip()));
        }
    }
    QVERIFY(!f.window->feature<QueuesFeature>()->messageActions()->undoAction()->isEnabled());
    QVERIFY(f.window->feature<QueuesFeature>()->messageActions()->undoAction()->toolTip().contains(QStringLiteral("read-only")));
}

void TestMessageActions::shouldDisableActionsThatDoNotApplyToTheSelectedStateWithTheReason()
{
    Fixture f;
    QVERIFY(f.open());
    QAction *del = f.action(ActionKind::Delete, MessageActions::Scope::Selected);
    QVERIFY(!del->isEnabled());
    QCOMPARE(del->toolTip(), QStringLiteral("Select one or more messages first."));
    f.selectRows(0, 1);
    QVERIFY(!del->isEnabled());
    QCOMPARE(del->toolTip(), QStringLiteral("Only completed, failed or cancelled messages; the selected ones are scheduled."));
    QVERIFY(!f.action(ActionKind::Retry, MessageActions::Scope::Selected)->isEnabled());
    QVERIFY(f.action(ActionKind::Cancel, MessageActions::Scope::Selected)->isEnabled());
    QVERIFY(f.action(ActionKind::Promote, MessageActions::Scope::Selected)->isEnabled());
}

QTEST_MAIN(TestMessageActions)
#include "tst_messageactions.moc"
