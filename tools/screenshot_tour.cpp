// The README's screenshots, taken from the demo store by driving the console as an operator would (the
// "done when" walk of the console issue): find one event's messages, reschedule them by +2 h with a
// preview, undo it, cancel one contractor's messages, retry a failed message, pause a queue, open a
// copy of the store read-only; and the dialogs and views on the way. Run through scripts/screenshots
// (offscreen, with a throw-away data folder, so the demo store is made fresh).
//
// Usage: herald_screenshots OUTPUT_FOLDER
#include "messages/ActionPreviewDialog.h"
#include "shell/Appearance.h"
#include "stores/ConnectDialog.h"
#include "email/EmailDashboard.h"
#include "email/EmailEventsView.h"
#include "shell/MainWindow.h"
#include "details/DetailsFeature.h"
#include "email/EmailDashboardFeature.h"
#include "email/EmailEventsFeature.h"
#include "dashboard/DeliveryDashboard.h"
#include "dashboard/DeliveryDashboardFeature.h"
#include "engines/EnginesFeature.h"
#include "failures/FailuresFeature.h"
#include "import/ImportFeature.h"
#include "import/ImportQueueDialog.h"
#include "plans/PlansFeature.h"
#include "queues/QueuesFeature.h"
#include "shell/StoreSession.h"
#include "suppressions/SuppressionsFeature.h"
#include "upcoming/UpcomingFeature.h"
#include "messages/MessageActions.h"
#include "details/MessageDetailsView.h"
#include "messages/MessageFilterBar.h"
#include "messages/MessageTableModel.h"
#include "messages/MessagesView.h"
#include "messages/NewMessageDialog.h"
#include "queues/QueueActions.h"
#include "queues/QueueListModel.h"
#include "queues/QueuesView.h"
#include "messages/RescheduleDialog.h"
#include "stores/StoreBanner.h"
#include "stores/StoreMenu.h"
#include "suppressions/SuppressionsView.h"
#include "upcoming/UpcomingChart.h"
#include "engines/EnginesModel.h"
#include "engines/EnginesView.h"
#include "failures/FailureGroupsModel.h"
#include "failures/FailuresView.h"
#include "plans/PlanApplyDialog.h"
#include "plans/PlanMessagesModel.h"
#include "plans/PlanTimeline.h"
#include "plans/PlansView.h"

#include "plans/EventSpec.h"

#include "store/StoreThread.h"
#include "store/StoreUrl.h"

#include <QAction>
#include <QApplication>
#include <QDialogButtonBox>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QJsonDocument>
#include <QComboBox>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTest>

#include <cstdio>
#include <stdexcept>

using namespace herald;

namespace {

constexpr int kWaitMs = 30'000;

class Tour
{
public:
    explicit Tour(QString folder) : m_folder(std::move(folder)) {}

    void run();

private:
    void check(bool ok, const char *what)
    {
        if (!ok)
            throw std::runtime_error(what);
    }
    template<typename Predicate>
    void waitFor(Predicate predicate, const char *what)
    {
        check(QTest::qWaitFor(predicate, kWaitMs), what);
    }
    void save(QWidget *widget, const QString &name)
    {
        // Laid out and painted with what just arrived.
        QCoreApplication::processEvents();
        const QString path = m_folder + QLatin1Char('/') + name + QStringLiteral(".png");
        check(widget->grab().save(path, "PNG"), "saving a picture");
        std::printf("%s\n", qPrintable(path));
    }
    template<typename Dialog>
    Dialog *waitForDialog()
    {
        Dialog *dialog = nullptr;
        waitFor([&] { return (dialog = m_window.findChild<Dialog *>()) != nullptr && dialog->isVisible(); }, "a dialog");
        return dialog;
    }
    void runPreview(const char *picture);
    void setLabel(const QString &text);
    void selectFirstRow();
    void showState(const QString &tab);

    QString m_folder;
    MainWindow m_window;
};

void Tour::setLabel(const QString &text)
{
    MessageFilterBar *bar = m_window.feature<QueuesFeature>()->messagesView()->filterBar();
    QSignalSpy changed(bar, &MessageFilterBar::filterChanged);
    bar->labelField()->setText(text);
    check(changed.wait(kWaitMs), "the filter to apply");
    waitFor([&] { return m_window.feature<QueuesFeature>()->messageModel()->matchCount().has_value() && !m_window.feature<QueuesFeature>()->messageModel()->isLoading(); }, "the match count");
}

void Tour::showState(const QString &tab)
{
    QTabBar *states = m_window.feature<QueuesFeature>()->messagesView()->filterBar()->stateTabs();
    for (int i = 0; i < states->count(); ++i) {
        if (!states->tabText(i).startsWith(tab, Qt::CaseInsensitive))
            continue;
        if (states->currentIndex() == i)
            return;
        QSignalSpy changed(m_window.feature<QueuesFeature>()->messagesView()->filterBar(), &MessageFilterBar::filterChanged);
        states->setCurrentIndex(i);
        check(!changed.isEmpty() || changed.wait(kWaitMs), "the state tab to apply");
        waitFor([&] { return !m_window.feature<QueuesFeature>()->messageModel()->isLoading() && m_window.feature<QueuesFeature>()->messageModel()->isRowLoaded(0); }, "the state's messages");
        return;
    }
    check(false, "a state tab");
}

void Tour::selectFirstRow()
{
    m_window.feature<QueuesFeature>()->messagesView()->tableView()->selectRow(0);
    // Asked for here too: selecting the row that is already current asks for nothing.
    QSignalSpy loaded(m_window.feature<DetailsFeature>()->view(), &MessageDetailsView::loaded);
    m_window.feature<DetailsFeature>()->view()->showMessage(m_window.feature<QueuesFeature>()->messageModel()->messageAt(0).id);
    check(loaded.wait(kWaitMs), "the details of the first row");
}

void Tour::runPreview(const char *picture)
{
    auto *preview = waitForDialog<ActionPreviewDialog>();
    save(preview, QString::fromLatin1(picture));
    QSignalSpy changed(m_window.feature<QueuesFeature>()->messageActions(), &MessageActions::messagesChanged);
    QTest::mouseClick(preview->runButton(), Qt::LeftButton);
    check(changed.wait(kWaitMs), "the action to run");
    waitFor([&] { return m_window.findChild<ActionPreviewDialog *>() == nullptr; }, "the preview to close");
}

void Tour::run()
{
    m_window.resize(1400, 860);
    m_window.show();
    QSignalSpy ready(&m_window, &MainWindow::contentReady);
    m_window.openDemoStore();
    check(ready.wait(kWaitMs), "the demo store to open");
    m_window.feature<QueuesFeature>()->queuesView()->setCurrentQueue(QStringLiteral("event-messages"));
    waitFor([&] { return m_window.feature<QueuesFeature>()->messageModel()->isRowLoaded(0); }, "the first page");
    selectFirstRow();
    save(&m_window, QStringLiteral("console"));

    // One event's messages, rescheduled by +2 h after a preview, then undone.
    const QString event = m_window.feature<QueuesFeature>()->messageModel()->messageAt(0).labels.value(QStringLiteral("event"));
    // The newest messages are the demo plan's, which name no contractor: the first loaded row that does.
    QString contractor;
    for (int row = 0; contractor.isEmpty() && row < m_window.feature<QueuesFeature>()->messageModel()->rowCount() && m_window.feature<QueuesFeature>()->messageModel()->isRowLoaded(row); ++row)
        contractor = m_window.feature<QueuesFeature>()->messageModel()->messageAt(row).labels.value(QStringLiteral("contractor"));
    check(!contractor.isEmpty(), "a message with a contractor");
    setLabel(QStringLiteral("event=") + event);
    showState(QStringLiteral("Scheduled"));
    selectFirstRow();
    save(&m_window, QStringLiteral("event-filter"));
    m_window.feature<QueuesFeature>()->messageActions()->action(ActionKind::Reschedule, MessageActions::Scope::Matching)->trigger();
    auto *reschedule = waitForDialog<RescheduleDialog>();
    auto *shift = reschedule->findChild<QLineEdit *>(QStringLiteral("rescheduleShift"));
    shift->setFocus();
    shift->selectAll();
    QTest::keyClicks(shift, QStringLiteral("+2h"));
    save(reschedule, QStringLiteral("reschedule-dialog"));
    QTest::mouseClick(reschedule->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok), Qt::LeftButton);
    runPreview("reschedule-preview");
    save(&m_window, QStringLiteral("rescheduled"));
    QSignalSpy undone(m_window.feature<QueuesFeature>()->messageActions(), &MessageActions::messagesChanged);
    m_window.feature<QueuesFeature>()->messageActions()->undoAction()->trigger();
    check(undone.wait(kWaitMs), "the undo");
    save(&m_window, QStringLiteral("undone"));

    // One contractor's messages cancelled.
    showState(QStringLiteral("All"));
    setLabel(QStringLiteral("contractor=") + contractor);
    m_window.feature<QueuesFeature>()->messageActions()->action(ActionKind::Cancel, MessageActions::Scope::Matching)->trigger();
    runPreview("cancel-preview");
    setLabel({});

    // A failed message, its attempts, retried.
    showState(QStringLiteral("Failed"));
    selectFirstRow();
    save(&m_window, QStringLiteral("failed"));
    m_window.feature<QueuesFeature>()->messageActions()->action(ActionKind::Retry, MessageActions::Scope::Selected)->trigger();
    runPreview("retry-preview");
    showState(QStringLiteral("All"));

    // The rendered message and the upcoming histogram.
    waitFor([&] { return m_window.feature<QueuesFeature>()->messageModel()->isRowLoaded(0); }, "all messages");
    selectFirstRow();
    m_window.feature<DetailsFeature>()->view()->findChild<QTabWidget *>(QStringLiteral("contentTabs"))->setCurrentIndex(1);
    save(&m_window, QStringLiteral("rendered"));
    m_window.feature<DetailsFeature>()->view()->findChild<QTabWidget *>(QStringLiteral("contentTabs"))->setCurrentIndex(0);
    QSignalSpy upcoming(m_window.feature<UpcomingFeature>()->chart(), &UpcomingChart::loaded);
    m_window.feature<UpcomingFeature>()->dock()->raise();
    check(upcoming.wait(kWaitMs), "the upcoming histogram");
    save(&m_window, QStringLiteral("upcoming"));
    m_window.feature<DetailsFeature>()->dock()->raise();

    // A queue paused.
    m_window.feature<QueuesFeature>()->queueActions()->pauseAction()->trigger();
    waitFor([&] { return m_window.feature<QueuesFeature>()->queueModel()->countsAt(m_window.feature<QueuesFeature>()->queueModel()->rowOf(QStringLiteral("event-messages"))).paused; }, "the pause");
    save(&m_window, QStringLiteral("paused"));

    // Dialogs: new message, open store.
    m_window.feature<QueuesFeature>()->messageActions()->newMessageAction()->trigger();
    auto *newMessage = waitForDialog<NewMessageDialog>();
    newMessage->typeField()->setText(QStringLiteral("speaker_alert"));
    newMessage->recipientField()->setText(QStringLiteral("+15550100"));
    save(newMessage, QStringLiteral("new-message"));
    newMessage->reject();
    m_window.storeMenu()->showConnectDialog();
    auto *connect = waitForDialog<ConnectDialog>();
    connect->setPage(ConnectDialog::Page::Server);
    connect->profileNameField()->setText(QStringLiteral("production"));
    connect->hostField()->setText(QStringLiteral("db.internal"));
    connect->databaseField()->setText(QStringLiteral("herald"));
    connect->userField()->setText(QStringLiteral("ops"));
    save(connect, QStringLiteral("open-store"));
    connect->reject();

    // E-mail: the dashboard (rates against Amazon's levels), the events, the suppression list.
    QSignalSpy dashboard(m_window.feature<EmailDashboardFeature>()->dashboard(), &EmailDashboard::loaded);
    m_window.showSection(m_window.feature<EmailDashboardFeature>());
    check(dashboard.wait(kWaitMs), "the e-mail dashboard");
    save(&m_window, QStringLiteral("email-dashboard"));
    QSignalSpy events(m_window.feature<EmailEventsFeature>()->view(), &EmailEventsView::loaded);
    m_window.showSection(m_window.feature<EmailEventsFeature>());
    check(events.wait(kWaitMs), "the e-mail events");
    m_window.feature<EmailEventsFeature>()->view()->table()->selectRow(0);
    save(&m_window, QStringLiteral("email-events"));
    QSignalSpy suppressions(m_window.feature<SuppressionsFeature>()->view(), &SuppressionsView::loaded);
    m_window.showSection(m_window.feature<SuppressionsFeature>());
    check(suppressions.wait(kWaitMs), "the suppression list");
    save(&m_window, QStringLiteral("suppressions"));

    // Event plans: the demo's events, one on its time axis with a dot clicked; then the event moved by an
    // hour, applied from a file with its preview, and undone.
    PlansView *plans = m_window.feature<PlansFeature>()->view();
    m_window.feature<DetailsFeature>()->dock()->hide(); // the room for the timeline
    m_window.feature<UpcomingFeature>()->dock()->hide();
    m_window.showSection(m_window.feature<PlansFeature>());
    waitFor([&] { return plans->isDetailLoaded() && plans->messagesModel()->rowCount() > 0; }, "the plans section");
    plans->selectEvent(QStringLiteral("summit-mad"));
    waitFor([&] { return plans->isDetailLoaded() && plans->messagesModel()->detail().event.eventId == QLatin1String("summit-mad"); }, "the Madrid event");
    plans->timeline()->zoomToEvent();
    QPoint dot;
    for (int row = 0; dot.isNull() && row < plans->messagesModel()->rowCount(); ++row)
        if (plans->messagesModel()->messageAt(row).session.size() > 0)
            dot = plans->timeline()->pointOf(plans->messagesModel()->messageAt(row).messageId);
    check(!dot.isNull(), "a session's message on the timeline");
    QTest::mouseClick(plans->timeline()->viewport(), Qt::LeftButton, {}, dot);
    waitFor([&] { return !plans->selectedMessages().isEmpty(); }, "the clicked messages to be selected");
    save(&m_window, QStringLiteral("plans"));
    auto spec = EventSpec::parseSnapshot(plans->messagesModel()->detail().event.snapshot, QStringLiteral("snapshot"));
    check(bool(spec), "the Madrid event's snapshot");
    constexpr qint64 hour = 3'600'000;
    spec->startMs += hour;
    spec->endMs += hour;
    for (EventSession &session : spec->sessions) {
        session.startMs += hour;
        session.endMs += hour;
    }
    const QString moved = QDir(m_folder).filePath(QStringLiteral("summit-mad-moved.json"));
    QFile file(moved);
    check(file.open(QIODevice::WriteOnly) && file.write(QJsonDocument(spec->toJson()).toJson()) > 0, "writing the moved event");
    file.close();
    plans->applyEventFile(moved);
    auto *apply = waitForDialog<PlanApplyDialog>();
    save(apply, QStringLiteral("plan-apply-preview"));
    QSignalSpy applied(plans, &PlansView::planApplied);
    QTest::mouseClick(apply->runButton(), Qt::LeftButton);
    check(applied.wait(kWaitMs), "the apply");
    waitFor([&] { return plans->isDetailLoaded() && m_window.findChild<PlanApplyDialog *>() == nullptr; }, "the moved event");
    save(&m_window, QStringLiteral("plans-moved"));
    QSignalSpy reverted(m_window.feature<QueuesFeature>()->messageActions(), &MessageActions::messagesChanged);
    m_window.feature<QueuesFeature>()->messageActions()->undoAction()->trigger();
    check(reverted.wait(kWaitMs), "the undo of the apply");
    QFile::remove(moved);

    // Failures grouped by cause: the groups, one group's messages in the table, and its retry previewed.
    FailuresView *failures = m_window.feature<FailuresFeature>()->view();
    QSignalSpy failuresLoaded(failures, &FailuresView::loaded);
    m_window.showSection(m_window.feature<FailuresFeature>());
    check(failuresLoaded.wait(kWaitMs) && failures->model()->rowCount() > 1, "the failure groups");
    save(&m_window, QStringLiteral("failures"));
    m_window.feature<UpcomingFeature>()->dock()->show();
    m_window.feature<DetailsFeature>()->dock()->show();
    m_window.feature<DetailsFeature>()->dock()->raise();
    QSignalSpy grouped(m_window.feature<QueuesFeature>()->messagesView()->filterBar(), &MessageFilterBar::filterChanged);
    QTest::mouseClick(failures->showButton(), Qt::LeftButton);
    check(!grouped.isEmpty() || grouped.wait(kWaitMs), "the group's filter");
    waitFor([&] { return m_window.feature<QueuesFeature>()->messageModel()->matchCount().has_value() && !m_window.feature<QueuesFeature>()->messageModel()->isLoading() &&
                         m_window.feature<QueuesFeature>()->messageModel()->isRowLoaded(0); },
            "the group's messages");
    selectFirstRow();
    save(&m_window, QStringLiteral("failure-group"));
    m_window.feature<QueuesFeature>()->messagesView()->filterBar()->setFailureGroup({}, {});
    m_window.showSection(m_window.feature<FailuresFeature>());
    QTest::mouseClick(failures->retryButton(), Qt::LeftButton);
    runPreview("failure-retry-preview");
    QSignalSpy retryUndone(m_window.feature<QueuesFeature>()->messageActions(), &MessageActions::messagesChanged);
    m_window.feature<QueuesFeature>()->messageActions()->undoAction()->trigger();
    check(retryUndone.wait(kWaitMs), "the undo of the group's retry");
    m_window.feature<DetailsFeature>()->dock()->show();
    m_window.feature<DetailsFeature>()->dock()->raise();
    m_window.showSection(m_window.feature<QueuesFeature>());
    waitFor([&] { return !m_window.feature<QueuesFeature>()->messageModel()->isLoading() && m_window.feature<QueuesFeature>()->messageModel()->isRowLoaded(0); }, "the table after the undo");

    // The engines delivering from the store: on the demo store (SQLite), the console itself, holding the
    // store's lock file.
    EnginesView *engines = m_window.feature<EnginesFeature>()->view();
    QSignalSpy enginesLoaded(engines, &EnginesView::loaded);
    m_window.feature<DetailsFeature>()->dock()->hide(); // the section alone: no message is selected in it
    m_window.feature<UpcomingFeature>()->dock()->hide();
    m_window.statusBar()->clearMessage();
    m_window.showSection(m_window.feature<EnginesFeature>());
    check(enginesLoaded.wait(kWaitMs) && engines->model()->rowCount() == 1, "the engines");
    save(&m_window, QStringLiteral("engines"));

    // The delivery dashboard over the demo's 90 days: the daily cycles, the webhook peer's bad afternoon
    // two days ago, and the groups with the failing ones first.
    DeliveryDashboard *delivery = m_window.feature<DeliveryDashboardFeature>()->dashboard();
    m_window.showSection(m_window.feature<DeliveryDashboardFeature>());
    delivery->setRange(7 * 24);
    waitFor([&] { return delivery->data().query.toMs - delivery->data().query.fromMs >= 7 * 24 * 3'600'000LL && delivery->data().total.delivered > 0; },
            "the delivery dashboard's week");
    save(&m_window, QStringLiteral("delivery-dashboard"));
    m_window.feature<UpcomingFeature>()->dock()->show();
    m_window.feature<DetailsFeature>()->dock()->show();
    m_window.feature<DetailsFeature>()->dock()->raise();
    m_window.showSection(m_window.feature<QueuesFeature>());
    waitFor([&] { return !m_window.feature<QueuesFeature>()->messageModel()->isLoading() && m_window.feature<QueuesFeature>()->messageModel()->isRowLoaded(0); }, "the table again");

    // File ▸ Import queue…: the legacy send_event export previewed before anything is written.
    ImportFeature *importer = m_window.feature<ImportFeature>();
    importer->importAction()->trigger();
    ImportQueueDialog *import = importer->dialog();
    check(import != nullptr, "the import dialog");
    QSignalSpy importQueues(import, &ImportQueueDialog::queuesLoaded);
    check(importQueues.wait(kWaitMs), "the import dialog's queues");
    import->fileEdit()->setText(QStringLiteral(HERALD_LEGACY_FIXTURES "/send_event.jsonl"));
    import->queueBox()->setCurrentText(QStringLiteral("send-event"));
    QSignalSpy importPreviewed(import, &ImportQueueDialog::previewReady);
    import->previewButton()->click();
    check(importPreviewed.wait(kWaitMs) && import->importButton()->isEnabled(), "the import preview");
    save(import, QStringLiteral("import-preview"));
    import->close();

    // Dark, as the system may ask for.
    applyAppearance(Settings::Appearance::Dark);
    selectFirstRow();
    save(&m_window, QStringLiteral("dark"));
    applyAppearance(Settings::Appearance::Light);

    // A copy of the store, inspected read-only.
    const QString copy = QDir(m_folder).filePath(QStringLiteral("copy-of-demo.db"));
    QFile::remove(copy);
    QSignalSpy copied(&m_window, &MainWindow::contentReady);
    std::optional<Status> written;
    m_window.session()->storeThread()->post(
        &m_window, [copy](Store &store) { return store.backupTo(copy); }, [&written](Status done) { written = done; });
    waitFor([&] { return written.has_value(); }, "the copy");
    check(written->ok(), "a copy of the store");
    m_window.openStore(StoreUrl::sqlite(copy), true);
    check(copied.wait(kWaitMs), "the read-only copy to open");
    waitFor([&] { return m_window.feature<QueuesFeature>()->messageModel()->isRowLoaded(0); }, "the copy's first page");
    selectFirstRow();
    save(&m_window, QStringLiteral("read-only"));
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("herald"));
    QApplication::setApplicationDisplayName(QStringLiteral("Herald"));
    if (argc != 2) {
        std::fprintf(stderr, "usage: herald_screenshots OUTPUT_FOLDER\n");
        return 2;
    }
    const QString folder = QString::fromLocal8Bit(argv[1]);
    if (!QDir().mkpath(folder)) {
        std::fprintf(stderr, "herald_screenshots: cannot create %s\n", argv[1]);
        return 2;
    }
    try {
        Tour(folder).run();
    } catch (const std::exception &e) {
        std::fprintf(stderr, "herald_screenshots: stopped waiting for %s\n", e.what());
        return 1;
    }
    return 0;
}
