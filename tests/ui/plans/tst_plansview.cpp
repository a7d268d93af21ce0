#include "shell/MainWindow.h"
#include "plans/PlansFeature.h"
#include "queues/QueuesFeature.h"
#include "messages/MessageActions.h"
#include "SeededStore.h"
#include "plans/PlanApplyDialog.h"
#include "plans/PlanEventsModel.h"
#include "plans/PlanMessagesModel.h"
#include "plans/PlanTimeline.h"
#include "plans/PlansView.h"

#include "demo/DemoData.h"
#include "plans/EventSpec.h"
#include "plans/PlanApply.h"
#include "store/StoreThread.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QFile>
#include <QJsonDocument>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollBar>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTest>

using namespace herald;
using herald::test::SeededStore;

namespace {

constexpr qint64 kHourMs = 3'600'000;
const QString kMadrid = QStringLiteral("summit-mad");

// The demo store (the seeds' plan applied to two events), held by a paused engine so that nothing is
// delivered while a test looks, and the console on it, in its Plans section.
struct Fixture
{
    SeededStore seeded;
    std::unique_ptr<MainWindow> window;
    std::unique_ptr<QAbstractItemModelTester> eventsTester;
    std::unique_ptr<QAbstractItemModelTester> messagesTester;

    bool open(bool readOnly = false)
    {
        if (!seeded.isOpen() || !seeded.holdDelivery() || !fillDemoData(seeded.store()))
            return false;
        window = std::make_unique<MainWindow>();
        eventsTester = std::make_unique<QAbstractItemModelTester>(plans()->eventsModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        messagesTester = std::make_unique<QAbstractItemModelTester>(plans()->messagesModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        window->resize(1400, 900);
        window->show();
        QSignalSpy ready(window.get(), &MainWindow::contentReady);
        window->openStore(seeded.url(), readOnly);
        if (!ready.wait(10'000))
            return false;
        window->showSection(window->feature<PlansFeature>());
        return QTest::qWaitFor([this] { return plans()->isDetailLoaded() && plans()->messagesModel()->rowCount() > 0; }, 10'000);
    }
    PlansView *plans() const { return window->feature<PlansFeature>()->view(); }

    bool showEvent(const QString &eventId)
    {
        plans()->selectEvent(eventId);
        return QTest::qWaitFor([&] { return plans()->isDetailLoaded() && plans()->messagesModel()->detail().event.eventId == eventId; }, 10'000);
    }

    // The event as last applied, its times moved by `by`, written to a file.
    QString movedEventFile(const QString &eventId, qint64 by)
    {
        auto applied = seeded->appliedEvent(eventId);
        if (!applied || !*applied)
            return {};
        auto spec = EventSpec::parseSnapshot((*applied)->snapshot, QStringLiteral("snapshot"));
        if (!spec)
            return {};
        spec->startMs += by;
        spec->endMs += by;
        for (EventSession &s : spec->sessions) {
            s.startMs += by;
            s.endMs += by;
        }
        const QString path = seeded.folder() + QStringLiteral("/%1-moved.json").arg(eventId);
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(spec->toJson()).toJson()) <= 0)
            return {};
        return path;
    }

    // identity → run_at of the event's pending derived messages.
    QHash<QString, qint64> pendingTimes(const QString &eventId)
    {
        QHash<QString, qint64> times;
        const QList<PlanMessageRecord> records = seeded->planRecords(eventId).value();
        for (const PlanMessageRecord &r : records)
            if (r.state == MessageState::Scheduled || r.state == MessageState::Waiting)
                times.insert(r.identity, r.runAt);
        return times;
    }

    qint64 auditRows(const QString &action)
    {
        const QList<AuditEntry> log = seeded->auditLog(1000).value();
        qint64 n = 0;
        for (const AuditEntry &e : log)
            n += e.action == action;
        return n;
    }
};

template<typename Dialog>
Dialog *waitForDialog(QWidget *parent)
{
    Dialog *dialog = nullptr;
    if (!QTest::qWaitFor([&] { return (dialog = parent->findChild<Dialog *>()) != nullptr && dialog->isVisible(); }, 10'000))
        return nullptr;
    return dialog;
}

} // namespace

// The console's Plans section over a real store: the events, the timeline, apply with a preview, undo.
class TestPlansView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void shouldListTheAppliedEventsWithTheirMessagesByState();
    void shouldDrawTheEventItsSessionsAndOneLanePerRule();
    void shouldSelectTheClickedDotsMessagesInTheTable();
    void shouldSelectASessionsMessagesWhenItsBarIsClicked();
    void shouldPreviewApplyAMovedEventAndUndoIt();
    void shouldWriteNothingWhenTheEventWasAppliedSinceThePreview();
    void shouldRefuseAnEventFileThatIsNotValidNamingItsProblems();
    void shouldForgetAnEventAfterAPreview();
    void shouldOfferNoApplyOnAReadOnlyStore();
};

void TestPlansView::shouldListTheAppliedEventsWithTheirMessagesByState()
{
    Fixture f;
    QVERIFY(f.open());
    PlanEventsModel *events = f.plans()->eventsModel();
    QCOMPARE(events->rowCount(), 2);
    for (const QString &eventId : {kMadrid, QStringLiteral("breakfast-dtw")}) {
        const int row = events->rowOf(eventId);
        QVERIFY2(row >= 0, qPrintable(eventId));
        // Counted here from the records, independently of the model's query.
        qint64 pending = 0;
        qint64 sent = 0;
        const QList<PlanMessageRecord> records = f.seeded->planRecords(eventId).value();
        for (const PlanMessageRecord &r : records) {
            pending += r.state == MessageState::Scheduled || r.state == MessageState::Waiting;
            sent += r.state == MessageState::Completed || r.state == MessageState::Active || !r.state;
        }
        QVERIFY(pending > 0);
        QCOMPARE(events->index(row, PlanEventsModel::Pending).data().toString(), QLocale().toString(pending));
        QCOMPARE(events->index(row, PlanEventsModel::Sent).data().toString(), QLocale().toString(sent));
        QCOMPARE(events->index(row, PlanEventsModel::Status).data().toString(), QStringLiteral("active"));
        QCOMPARE(events->index(row, PlanEventsModel::Plan).data().toString(), QStringLiteral("conference"));
    }
    // Madrid starts on its own clock: CET or CEST, never the machine's zone.
    const QString starts = events->index(events->rowOf(kMadrid), PlanEventsModel::Starts).data().toString();
    QVERIFY2(starts.endsWith(QLatin1String("CET")) || starts.endsWith(QLatin1String("CEST")), qPrintable(starts));
}

void TestPlansView::shouldDrawTheEventItsSessionsAndOneLanePerRule()
{
    Fixture f;
    QVERIFY(f.open());
    QVERIFY(f.showEvent(kMadrid));
    const PlanEventDetail &detail = f.plans()->messagesModel()->detail();
    QVERIFY(detail.spec.has_value());
    QSet<QString> types;
    for (const PlanTimelineMessage &m : detail.messages)
        types.insert(m.type);
    const QStringList lanes = f.plans()->timeline()->laneTitles();
    QCOMPARE(lanes.value(0), QStringLiteral("Event"));
    QCOMPARE(lanes.value(1), QStringLiteral("Sessions"));
    for (const QString &type : types)
        QVERIFY2(lanes.contains(type), qPrintable(type));
    QCOMPARE(f.plans()->messagesModel()->rowCount(), detail.messages.size());
    // Every message with an id is on the axis once the view fits the whole range.
    f.plans()->timeline()->fit();
    f.plans()->timeline()->verticalScrollBar()->setValue(0);
    for (const PlanTimelineMessage &m : detail.messages) {
        if (m.messageId == 0)
            continue;
        const int x = f.plans()->timeline()->xOf(m.runAt);
        QVERIFY2(x >= PlanTimeline::kGutter && x <= f.plans()->timeline()->viewport()->width(), qPrintable(m.identity));
    }
    // Zoomed to the event: the event's start is on screen, and a later time is further right.
    f.plans()->timeline()->zoomToEvent();
    QVERIFY(f.plans()->timeline()->zoom() > 1);
    const int start = f.plans()->timeline()->xOf(detail.spec->startMs);
    QVERIFY(start > PlanTimeline::kGutter && start < f.plans()->timeline()->viewport()->width());
    QVERIFY(f.plans()->timeline()->xOf(detail.spec->startMs + kHourMs) > start);
}

void TestPlansView::shouldSelectTheClickedDotsMessagesInTheTable()
{
    Fixture f;
    QVERIFY(f.open());
    QVERIFY(f.showEvent(kMadrid));
    PlanTimeline *timeline = f.plans()->timeline();
    timeline->zoomToEvent();
    // A speaker alert: one message at its moment in its lane.
    const PlanEventDetail &detail = f.plans()->messagesModel()->detail();
    const auto alert = std::find_if(detail.messages.cbegin(), detail.messages.cend(),
                                    [](const PlanTimelineMessage &m) { return m.type == QLatin1String("speaker_alert") && m.messageId > 0; });
    QVERIFY(alert != detail.messages.cend());
    QPoint dot = timeline->pointOf(alert->messageId);
    for (int i = 0; dot.isNull() && i < 20; ++i) { // below the visible lanes: scroll down to it
        timeline->verticalScrollBar()->setValue(timeline->verticalScrollBar()->value() + PlanTimeline::kLane);
        dot = timeline->pointOf(alert->messageId);
    }
    QVERIFY(!dot.isNull());
    QSignalSpy clicked(timeline, &PlanTimeline::messagesClicked);
    QTest::mouseClick(timeline->viewport(), Qt::LeftButton, {}, dot);
    QCOMPARE(clicked.size(), 1);
    const QList<qint64> selected = f.plans()->selectedMessages();
    QVERIFY2(selected.contains(alert->messageId), qPrintable(QStringLiteral("%1 selected").arg(selected.size())));
    for (qint64 id : selected) // only what is at that moment in that lane
        QCOMPARE(detail.messages.at(f.plans()->messagesModel()->rowOfMessage(id)).runAt, alert->runAt);
    const QModelIndex current = f.plans()->messagesTable()->currentIndex();
    QVERIFY(selected.contains(current.data(PlanMessagesModel::MessageIdRole).toLongLong()));
    // A click on an empty spot of the lanes selects nothing new.
    QTest::mouseClick(timeline->viewport(), Qt::LeftButton, {}, QPoint(PlanTimeline::kGutter + 2, dot.y()));
    QCOMPARE(clicked.size(), 1);
}

void TestPlansView::shouldSelectASessionsMessagesWhenItsBarIsClicked()
{
    Fixture f;
    QVERIFY(f.open());
    QVERIFY(f.showEvent(kMadrid));
    PlanTimeline *timeline = f.plans()->timeline();
    timeline->zoomToEvent();
    timeline->verticalScrollBar()->setValue(0);
    const PlanEventDetail &detail = f.plans()->messagesModel()->detail();
    QVERIFY(!detail.spec->sessions.isEmpty());
    const EventSession &session = detail.spec->sessions.constFirst();
    const QPoint middle(timeline->xOf(session.startMs + (session.endMs - session.startMs) / 2), PlanTimeline::kAxis + PlanTimeline::kLane * 3 / 2);
    QTest::mouseClick(timeline->viewport(), Qt::LeftButton, {}, middle);
    QSet<qint64> expected;
    for (const PlanTimelineMessage &m : detail.messages)
        if (m.session == session.id && m.messageId > 0)
            expected.insert(m.messageId);
    QVERIFY(!expected.isEmpty());
    const QList<qint64> selected = f.plans()->selectedMessages();
    QCOMPARE(QSet<qint64>(selected.cbegin(), selected.cend()), expected);
}

void TestPlansView::shouldPreviewApplyAMovedEventAndUndoIt()
{
    Fixture f;
    QVERIFY(f.open());
    const QHash<QString, qint64> before = f.pendingTimes(kMadrid);
    const PlanEventsModel *events = f.plans()->eventsModel();
    const qint64 startedAt = events->eventAt(events->rowOf(kMadrid)).startMs;
    const QString file = f.movedEventFile(kMadrid, kHourMs);
    QVERIFY(!file.isEmpty());

    f.plans()->applyEventFile(file);
    auto *dialog = waitForDialog<PlanApplyDialog>(f.window.get());
    QVERIFY(dialog);
    const PlanDiff diff = dialog->preview().diff; // a copy: the dialog is gone once it ran
    QVERIFY(!diff.moved.isEmpty());
    QVERIFY(diff.created.isEmpty());
    QCOMPARE(dialog->runButton()->text(), PlanApplyDialog::applyText(diff));
    QVERIFY(dialog->runButton()->isEnabled());
    QVERIFY2(dialog->summaryText().contains(kMadrid), qPrintable(dialog->summaryText()));
    // Nothing is written by the preview.
    QCOMPARE(f.pendingTimes(kMadrid), before);

    QSignalSpy applied(f.plans(), &PlansView::planApplied);
    QTest::mouseClick(dialog->runButton(), Qt::LeftButton);
    QVERIFY(applied.wait(10'000));
    QCOMPARE(applied.constFirst().constFirst().toString(), kMadrid);
    // Every message the preview called moved, moved by exactly the hour.
    const QHash<QString, qint64> after = f.pendingTimes(kMadrid);
    for (const PlanDiffEntry &e : diff.moved) {
        QVERIFY2(before.contains(e.identity) && after.contains(e.identity), qPrintable(e.identity));
        QCOMPARE(after.value(e.identity) - before.value(e.identity), kHourMs);
    }
    QTRY_VERIFY(f.window->findChild<PlanApplyDialog *>() == nullptr);
    // The list shows the event where it now starts.
    QTRY_COMPARE(events->eventAt(events->rowOf(kMadrid)).startMs, startedAt + kHourMs);

    // Edit ▸ Undo reverts it, as it does any bulk action.
    QAction *undo = f.window->feature<QueuesFeature>()->messageActions()->undoAction();
    QVERIFY2(undo->isEnabled(), qPrintable(undo->toolTip()));
    QSignalSpy undone(f.window->feature<QueuesFeature>()->messageActions(), &MessageActions::messagesChanged);
    undo->trigger();
    QVERIFY(undone.wait(10'000));
    const QHash<QString, qint64> reverted = f.pendingTimes(kMadrid);
    for (const PlanDiffEntry &e : diff.moved)
        QCOMPARE(reverted.value(e.identity), before.value(e.identity));
    QTRY_VERIFY(f.plans()->isDetailLoaded());
}

void TestPlansView::shouldWriteNothingWhenTheEventWasAppliedSinceThePreview()
{
    Fixture f;
    QVERIFY(f.open());
    const QString file = f.movedEventFile(kMadrid, kHourMs);
    QVERIFY(!file.isEmpty());
    f.plans()->applyEventFile(file);
    auto *dialog = waitForDialog<PlanApplyDialog>(f.window.get());
    QVERIFY(dialog);

    // Meanwhile another operator applies the event moved by two hours, through a connection of their own.
    const QString other = f.movedEventFile(kMadrid, 2 * kHourMs);
    QFile otherFile(other);
    QVERIFY(otherFile.open(QIODevice::ReadOnly));
    auto theirs = applyEventPlan(f.seeded.store(), QStringLiteral("conference"), otherFile.readAll(), other, false, QStringLiteral("someone else"));
    QVERIFY2(theirs.ok(), qPrintable(theirs.errorString()));
    const QHash<QString, qint64> afterTheirs = f.pendingTimes(kMadrid);
    const qint64 applies = f.auditRows(QStringLiteral("plan.apply"));

    QSignalSpy failed(dialog, &PlanApplyDialog::applyFailed);
    QTest::mouseClick(dialog->runButton(), Qt::LeftButton);
    QVERIFY(failed.wait(10'000));
    QVERIFY2(dialog->errorText().contains(QLatin1String("preview it again")), qPrintable(dialog->errorText()));
    QVERIFY(dialog->isVisible());
    // Nothing of the stale preview was written: their apply stands.
    QCOMPARE(f.pendingTimes(kMadrid), afterTheirs);
    QCOMPARE(f.auditRows(QStringLiteral("plan.apply")), applies);
    dialog->reject();
}

void TestPlansView::shouldRefuseAnEventFileThatIsNotValidNamingItsProblems()
{
    Fixture f;
    QVERIFY(f.open());
    const QString path = f.seeded.folder() + QStringLiteral("/broken.json");
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"({"id": "x", "name": "X", "status": "active", "timezone": "Mars/Olympus", "start": "2027-01-01T10:00", "end": "2027-01-01T12:00"})");
    file.close();
    const qint64 applies = f.auditRows(QStringLiteral("plan.apply"));
    f.plans()->applyEventFile(path);
    auto *box = waitForDialog<QMessageBox>(f.window.get());
    QVERIFY(box);
    QVERIFY2(box->text().contains(QLatin1String("broken.json")), qPrintable(box->text()));
    QVERIFY2(box->informativeText().contains(QLatin1String("timezone")), qPrintable(box->informativeText()));
    QVERIFY(f.window->findChild<PlanApplyDialog *>() == nullptr);
    QCOMPARE(f.auditRows(QStringLiteral("plan.apply")), applies);
    box->close();
}

void TestPlansView::shouldForgetAnEventAfterAPreview()
{
    Fixture f;
    QVERIFY(f.open());
    QVERIFY(f.showEvent(kMadrid));
    const qsizetype pending = f.pendingTimes(kMadrid).size();
    QVERIFY(pending > 0);
    QVERIFY(f.plans()->forgetAction()->isEnabled());
    f.plans()->forgetAction()->trigger();
    auto *dialog = waitForDialog<PlanApplyDialog>(f.window.get());
    QVERIFY(dialog);
    QCOMPARE(dialog->preview().diff.cancelled.size(), pending);
    QSignalSpy applied(f.plans(), &PlansView::planApplied);
    QTest::mouseClick(dialog->runButton(), Qt::LeftButton);
    QVERIFY(applied.wait(10'000));
    QCOMPARE(f.pendingTimes(kMadrid).size(), 0);
    // The other event is untouched.
    QVERIFY(!f.pendingTimes(QStringLiteral("breakfast-dtw")).isEmpty());
    QTRY_COMPARE(f.plans()->eventsModel()->index(f.plans()->eventsModel()->rowOf(kMadrid), PlanEventsModel::Pending).data().toString(),
                 QStringLiteral("0"));
}

void TestPlansView::shouldOfferNoApplyOnAReadOnlyStore()
{
    Fixture f;
    QVERIFY(f.open(true));
    QVERIFY(!f.plans()->applyAction()->isEnabled());
    QVERIFY(!f.plans()->forgetAction()->isEnabled());
    QCOMPARE(f.plans()->eventsModel()->rowCount(), 2);
}

QTEST_MAIN(TestPlansView)
#include "tst_plansview.moc"
