#include "shell/MainWindow.h"
#include "queues/QueuesFeature.h"
#include "shell/StoreSession.h"
#include "queues/QueueActions.h"
#include "queues/QueueSettingsDialog.h"
#include "queues/QueuesView.h"
#include "SeededStore.h"

#include "model/RateLimit.h"
#include "store/StoreThread.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTest>

using namespace herald;
using herald::test::SeededStore;

namespace {

constexpr qint64 kDayMs = 86'400'000;

std::unique_ptr<MainWindow> openWindow(SeededStore &seeded, bool readOnly)
{
    auto window = std::make_unique<MainWindow>();
    window->show();
    QSignalSpy ready(window.get(), &MainWindow::contentReady);
    window->openStore(seeded.url(), readOnly);
    if (!ready.wait(10'000))
        return nullptr;
    window->feature<QueuesFeature>()->queuesView()->setCurrentQueue(QStringLiteral("alpha"));
    return window;
}

void typeInto(QLineEdit *field, const QString &text)
{
    field->selectAll();
    if (text.isEmpty())
        QTest::keyClick(field, Qt::Key_Delete);
    else
        QTest::keyClicks(field, text);
}

} // namespace

// Pausing, resuming and editing a queue from the queue list's actions.
class TestQueueActions : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void shouldPauseAndResumeTheCurrentQueue();
    void shouldSaveEditedSettingsThroughTheDialog();
    void shouldRefuseAMalformedRetentionAndSaveNothing();
    void shouldDisableQueueChangesWithTheReasonOnAReadOnlyStore();
};

void TestQueueActions::shouldPauseAndResumeTheCurrentQueue()
{
    SeededStore seeded;
    QVERIFY2(seeded.isOpen(), qPrintable(seeded.openError()));
    HERALD_VERIFY_OK(seeded.addQueue(QStringLiteral("alpha")));
    HERALD_VERIFY_OK(seeded.addQueue(QStringLiteral("beta")));
    auto window = openWindow(seeded, false);
    QVERIFY(window);
    QAction *pause = window->feature<QueuesFeature>()->queueActions()->pauseAction();
    QVERIFY2(pause->isEnabled(), qPrintable(pause->toolTip()));
    QVERIFY(!pause->isChecked());

    pause->trigger();
    QTRY_VERIFY(seeded->queue(QStringLiteral("alpha"))->paused);
    QVERIFY(!seeded->queue(QStringLiteral("beta"))->paused);
    // Once the counts say so (the check mark alone flips on the click).
    QTRY_COMPARE(pause->text(), QStringLiteral("Resume queue alpha"));
    QVERIFY(pause->isChecked());

    pause->trigger();
    QTRY_VERIFY(!seeded->queue(QStringLiteral("alpha"))->paused);
    QTRY_COMPARE(pause->text(), QStringLiteral("&Pause queue alpha"));
    QVERIFY(!pause->isChecked());
}

void TestQueueActions::shouldSaveEditedSettingsThroughTheDialog()
{
    SeededStore seeded;
    QVERIFY2(seeded.isOpen(), qPrintable(seeded.openError()));
    HERALD_VERIFY_OK(seeded.addQueue(QStringLiteral("alpha")));
    auto window = openWindow(seeded, false);
    QVERIFY(window);

    window->feature<QueuesFeature>()->queueActions()->editAction()->trigger();
    QueueSettingsDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = window->findChild<QueueSettingsDialog *>()) != nullptr);
    QVERIFY(dialog->isEditing());
    QVERIFY(dialog->findChild<QLineEdit *>(QStringLiteral("name"))->isReadOnly());
    QCOMPARE(dialog->findChild<QLineEdit *>(QStringLiteral("retainCompleted"))->text(), QStringLiteral("30d"));

    dialog->findChild<QSpinBox *>(QStringLiteral("concurrency"))->setValue(4);
    typeInto(dialog->findChild<QLineEdit *>(QStringLiteral("rateLimit")), QStringLiteral("20/1m"));
    typeInto(dialog->findChild<QLineEdit *>(QStringLiteral("retainCompleted")), QStringLiteral("7d"));
    typeInto(dialog->findChild<QLineEdit *>(QStringLiteral("retainCancelled")), QString());
    QTest::mouseClick(dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok), Qt::LeftButton);

    QTRY_VERIFY(window->findChild<QueueSettingsDialog *>() == nullptr);
    const QueueConfig saved = seeded->queue(QStringLiteral("alpha")).value();
    QCOMPARE(saved.concurrency, 4);
    QCOMPARE(saved.rate, (RateLimit{20, 60'000}));
    QCOMPARE(saved.retainCompletedMs, std::optional<qint64>(7 * kDayMs));
    QCOMPARE(saved.retainCancelledMs, std::nullopt);
    QCOMPARE(saved.retainFailedMs, QueueConfig{}.retainFailedMs); // untouched: the default
}

void TestQueueActions::shouldRefuseAMalformedRetentionAndSaveNothing()
{
    SeededStore seeded;
    QVERIFY2(seeded.isOpen(), qPrintable(seeded.openError()));
    HERALD_VERIFY_OK(seeded.addQueue(QStringLiteral("alpha")));
    const QueueConfig before = seeded->queue(QStringLiteral("alpha")).value();
    auto window = openWindow(seeded, false);
    QVERIFY(window);

    window->feature<QueuesFeature>()->queueActions()->editAction()->trigger();
    QueueSettingsDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = window->findChild<QueueSettingsDialog *>()) != nullptr);
    dialog->findChild<QSpinBox *>(QStringLiteral("concurrency"))->setValue(2);
    typeInto(dialog->findChild<QLineEdit *>(QStringLiteral("retainFailed")), QStringLiteral("soon"));
    QTest::mouseClick(dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok), Qt::LeftButton);

    QVERIFY(dialog->isVisible());
    QVERIFY2(dialog->errorText().startsWith(QStringLiteral("Keep failed: ")), qPrintable(dialog->errorText()));
    QVERIFY(herald::test::drain(*window->session()->storeThread()));
    QCOMPARE(seeded->queue(QStringLiteral("alpha")).value(), before);
}

void TestQueueActions::shouldDisableQueueChangesWithTheReasonOnAReadOnlyStore()
{
    SeededStore seeded;
    QVERIFY2(seeded.isOpen(), qPrintable(seeded.openError()));
    HERALD_VERIFY_OK(seeded.addQueue(QStringLiteral("alpha")));
    auto window = openWindow(seeded, true);
    QVERIFY(window);
    for (QAction *action : {window->feature<QueuesFeature>()->queueActions()->pauseAction(), window->feature<QueuesFeature>()->queueActions()->editAction()}) {
        QVERIFY(!action->isEnabled());
        QVERIFY2(action->toolTip().contains(QStringLiteral("read-only")), qPrintable(action->toolTip()));
    }
}

QTEST_MAIN(TestQueueActions)
#include "tst_queueactions.moc"
