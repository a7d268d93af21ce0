#include "PlansView.h"

#include "messages/MessageActions.h"
#include "PlanApplyDialog.h"
#include "PlanEventsModel.h"
#include "PlanMessagesModel.h"
#include "PlanTimeline.h"
#include "common/SectionWidgets.h"

#include "store/Store.h"
#include "store/StoreThread.h"

#include <QAction>
#include <QFile>
#include <QFileDialog>
#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QScrollBar>
#include <QSet>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStyle>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

#include <functional>
#include <tuple>

namespace herald {

namespace {

// Event files are small (an event of 5,000 attendees is ~1 MB); this refuses a wrong pick, not a real one.
constexpr qint64 kMaxEventFileBytes = 64 * 1024 * 1024;

QString legendHtml()
{
    QStringList parts;
    const std::pair<std::optional<MessageState>, QString> states[] = {
        {MessageState::Scheduled, stateName(MessageState::Scheduled)}, {MessageState::Waiting, stateName(MessageState::Waiting)},
        {MessageState::Active, stateName(MessageState::Active)},       {MessageState::Completed, stateName(MessageState::Completed)},
        {MessageState::Failed, stateName(MessageState::Failed)},       {MessageState::Cancelled, stateName(MessageState::Cancelled)},
        {std::nullopt, PlansView::tr("removed")}};
    for (const auto &[state, name] : states)
        parts << QStringLiteral("<span style=\"color:%1\">●</span>&nbsp;%2").arg(PlanTimeline::stateColor(state).name(), name);
    return parts.join(QStringLiteral("&nbsp;&nbsp; "));
}

} // namespace

PlansView::PlansView(QWidget *parent)
    : QWidget(parent),
      m_events(new PlanEventsModel(this)),
      m_messages(new PlanMessagesModel(this)),
      m_emptyHint(new QLabel(this)),
      m_eventTitle(new QLabel(this)),
      m_timeline(new PlanTimeline(this)),
      m_apply(new QAction(tr("&Apply event file…"), this)),
      m_forget(new QAction(tr("&Forget event…"), this)),
      m_reload(new QAction(tr("Reload"), this))
{
    m_eventsTable = sortedTableView(m_events, PlanEventsModel::SortRole, this, &m_eventsProxy);
    m_eventsTable->setSelectionMode(QAbstractItemView::SingleSelection);
    m_eventsTable->sortByColumn(PlanEventsModel::Starts, Qt::AscendingOrder);
    m_messagesTable = sortedTableView(m_messages, PlanMessagesModel::SortRole, this, &m_messagesProxy);
    m_messagesTable->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_messagesTable->sortByColumn(PlanMessagesModel::When, Qt::AscendingOrder);

    m_apply->setIcon(style()->standardIcon(QStyle::SP_DialogOpenButton));
    m_apply->setToolTip(tr("Apply an event file with a plan: preview what it creates, moves, updates and cancels, then apply it"));
    m_forget->setIcon(style()->standardIcon(QStyle::SP_TrashIcon));
    m_forget->setToolTip(tr("Cancel every pending message derived for the selected event; sent ones stay"));
    m_reload->setIcon(style()->standardIcon(QStyle::SP_BrowserReload));
    connect(m_apply, &QAction::triggered, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Apply event file"), {}, tr("Event files (*.json);;All files (*)"));
        if (!path.isEmpty())
            applyEventFile(path);
    });
    connect(m_forget, &QAction::triggered, this, &PlansView::forgetCurrentEvent);
    connect(m_reload, &QAction::triggered, this, &PlansView::reload);

    auto *header = new QHBoxLayout;
    header->addWidget(sectionTitle(tr("Event plans"), this));
    header->addSpacing(12);
    for (QAction *action : {m_apply, m_forget, m_reload}) {
        auto *button = new QToolButton(this);
        button->setDefaultAction(action);
        button->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
        button->setAutoRaise(true);
        header->addWidget(button);
    }
    header->addStretch(1);

    m_emptyHint->setWordWrap(true);
    m_emptyHint->setForegroundRole(QPalette::PlaceholderText);
    m_emptyHint->setTextFormat(Qt::RichText);
    m_emptyHint->setText(tr("No event has been applied yet. Define a plan (<code>heraldctl plan define FILE</code>), then "
                            "<b>Apply event file…</b>: Herald derives the event's reminders and notices from it, and moves "
                            "them when the event moves. See the README, “Event plans”."));
    m_emptyHint->hide();

    // The timeline's own bar: the event, the legend, the zoom.
    auto *timelinePane = new QWidget(this);
    auto *timelineLayout = new QVBoxLayout(timelinePane);
    timelineLayout->setContentsMargins(0, 0, 0, 0);
    auto *bar = new QHBoxLayout;
    m_eventTitle->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_eventTitle->setMinimumWidth(1); // long titles are cut, not the window widened
    bar->addWidget(m_eventTitle, 1);
    const std::tuple<QString, QString, std::function<void()>> zooms[] = {
        {tr("Fit"), tr("The whole range in the width"), [this] { m_timeline->fit(); }},
        {tr("Event"), tr("From 90 minutes before the event to three hours after it"), [this] { m_timeline->zoomToEvent(); }},
        {QStringLiteral("−"), tr("Zoom out (Ctrl+wheel)"), [this] { m_timeline->zoomOut(); }},
        {QStringLiteral("+"), tr("Zoom in (Ctrl+wheel)"), [this] { m_timeline->zoomIn(); }},
    };
    for (const auto &[text, tip, act] : zooms) {
        auto *button = new QToolButton(this);
        button->setText(text);
        button->setToolTip(tip);
        button->setAutoRaise(true);
        connect(button, &QToolButton::clicked, this, act);
        bar->addWidget(button);
    }
    timelineLayout->addLayout(bar);
    timelineLayout->addWidget(m_timeline, 1);
    auto *legend = new QLabel(legendHtml() + tr("&nbsp;&nbsp;&nbsp; Click a dot or a session: its messages below"), this);
    legend->setTextFormat(Qt::RichText);
    legend->setForegroundRole(QPalette::PlaceholderText);
    legend->setWordWrap(true); // wraps in a narrow window rather than widening it
    timelineLayout->addWidget(legend);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_eventsTable);
    splitter->addWidget(timelinePane);
    splitter->addWidget(m_messagesTable);
    splitter->setChildrenCollapsible(false);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 3);
    splitter->setStretchFactor(2, 2);
    splitter->setSizes({120, 600, 300}); // scaled to the room there is: most of it for the timeline

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(header);
    layout->addWidget(m_emptyHint);
    layout->addWidget(splitter, 1);

    connect(m_events, &PlanEventsModel::refreshed, this, &PlansView::eventsRefreshed);
    connect(m_events, &PlanEventsModel::refreshFailed, this, [this](const QString &error) {
        Q_EMIT statusMessage(tr("Event plans cannot be read: %1").arg(error));
        m_detailLoaded = true;
        Q_EMIT loaded();
    });
    connect(m_eventsTable->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this] {
        m_wantedEvent = currentEvent();
        loadDetail();
        updateActions();
    });
    connect(m_timeline, &PlanTimeline::messagesClicked, this, &PlansView::selectMessages);
    connect(m_messagesTable->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        const QList<qint64> ids = selectedMessages();
        m_timeline->setSelectedMessages(QSet<qint64>(ids.cbegin(), ids.cend()));
    });
    connect(m_messagesTable->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex &current) {
        if (const qint64 id = current.data(PlanMessagesModel::MessageIdRole).toLongLong(); id > 0)
            Q_EMIT messageSelected(id);
    });
    connect(m_messagesTable, &QAbstractItemView::activated, this, [this](const QModelIndex &index) {
        if (const qint64 id = index.data(PlanMessagesModel::MessageIdRole).toLongLong(); id > 0)
            Q_EMIT messageRequested(id);
    });
    updateActions();
}

PlansView::~PlansView() = default;

void PlansView::setStore(StoreThread *storeThread, bool readOnly)
{
    ++m_generation;
    ++m_detailGeneration;
    m_storeThread = storeThread;
    m_readOnly = readOnly;
    m_wantedEvent.clear();
    m_detailLoaded = false;
    m_events->setStoreThread(storeThread);
    m_messages->clear();
    m_timeline->clear();
    m_eventTitle->clear();
    updateActions();
}

void PlansView::reload()
{
    m_detailLoaded = false;
    if (m_wantedEvent.isEmpty())
        m_wantedEvent = currentEvent();
    m_events->refresh();
}

QString PlansView::currentEvent() const
{
    const QModelIndex current = m_eventsTable->selectionModel()->currentIndex();
    return current.isValid() ? current.data(PlanEventsModel::EventIdRole).toString() : QString();
}

void PlansView::selectEvent(const QString &eventId)
{
    m_wantedEvent = eventId;
    const int row = m_events->rowOf(eventId);
    if (row < 0)
        return;
    const QModelIndex index = m_eventsProxy->mapFromSource(m_events->index(row, 0));
    if (index == m_eventsTable->selectionModel()->currentIndex()) {
        loadDetail();
        return;
    }
    m_eventsTable->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_eventsTable->scrollTo(index);
}

void PlansView::eventsRefreshed()
{
    const bool empty = m_events->rowCount() == 0;
    m_emptyHint->setVisible(empty);
    m_eventsTable->resizeColumnsToContents();
    // As tall as its rows, up to eight: the timeline below deserves the room.
    const int rows = std::clamp(m_events->rowCount(), 2, 8);
    m_eventsTable->setMaximumHeight(m_eventsTable->horizontalHeader()->sizeHint().height() + rows * m_eventsTable->verticalHeader()->defaultSectionSize() +
                                    2 * m_eventsTable->frameWidth() + m_eventsTable->horizontalScrollBar()->sizeHint().height());
    QString wanted = m_wantedEvent;
    if (m_events->rowOf(wanted) < 0 && !empty)
        wanted = m_events->eventAt(0).summary.eventId; // the newest applied
    if (wanted.isEmpty()) {
        m_messages->clear();
        m_timeline->clear();
        m_eventTitle->clear();
        m_detailLoaded = true;
        updateActions();
        Q_EMIT loaded();
        return;
    }
    // The model was reset: the selection went with it.
    m_eventsTable->selectionModel()->clear();
    selectEvent(wanted);
}

void PlansView::loadDetail()
{
    const QString eventId = currentEvent();
    const quint64 generation = ++m_detailGeneration;
    if (!m_storeThread || eventId.isEmpty())
        return;
    m_detailLoaded = false;
    m_storeThread->post(
        this, [eventId](Store &store) { return planEventDetail(store, eventId); },
        [this, generation](Result<PlanEventDetail> detail) {
            if (generation != m_detailGeneration)
                return;
            if (!detail) {
                Q_EMIT statusMessage(tr("The event's messages cannot be read: %1").arg(detail.errorString()));
                m_messages->clear();
                m_timeline->clear();
            } else {
                showDetail(*detail);
            }
            m_detailLoaded = true;
            Q_EMIT loaded();
        });
}

void PlansView::showDetail(const PlanEventDetail &detail)
{
    const QList<qint64> selected = selectedMessages();
    const bool sameEvent = m_messages->detail().event.eventId == detail.event.eventId;
    const double zoom = m_timeline->zoom();
    const qint64 left = m_timeline->leftTime();
    m_messages->setDetail(detail);
    m_timeline->setDetail(detail);
    if (sameEvent) { // a reload keeps where the operator was looking
        m_timeline->setZoom(zoom);
        m_timeline->scrollTo(left);
        selectMessages(selected);
    }
    m_messagesTable->resizeColumnsToContents();
    const QLocale locale;
    QString title = QStringLiteral("<b>%1</b> (%2) · %3 · %4").arg(detail.event.name.toHtmlEscaped(), detail.event.eventId.toHtmlEscaped(),
                                                                  detail.event.status, detail.event.plan.toHtmlEscaped());
    if (detail.spec)
        title += QStringLiteral(" · %1").arg(PlanEventsModel::eventTime(detail.spec->startMs, detail.spec->timezone));
    title += QStringLiteral(" · ") + (detail.messages.size() == 1 ? tr("1 message") : tr("%1 messages").arg(locale.toString(detail.messages.size())));
    m_eventTitle->setText(title);
    updateActions();
}

void PlansView::selectMessages(const QList<qint64> &ids)
{
    QItemSelection selection;
    QModelIndex first;
    for (qint64 id : ids) {
        const int row = m_messages->rowOfMessage(id);
        if (row < 0)
            continue;
        const QModelIndex index = m_messagesProxy->mapFromSource(m_messages->index(row, 0));
        selection.select(index, index.siblingAtColumn(PlanMessagesModel::ColumnCount - 1));
        if (!first.isValid() || index.row() < first.row())
            first = index;
    }
    QItemSelectionModel *model = m_messagesTable->selectionModel();
    model->select(selection, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    if (first.isValid()) {
        model->setCurrentIndex(first, QItemSelectionModel::NoUpdate);
        m_messagesTable->scrollTo(first, QAbstractItemView::PositionAtTop);
    }
}

QList<qint64> PlansView::selectedMessages() const
{
    QList<qint64> ids;
    for (const QModelIndex &index : m_messagesTable->selectionModel()->selectedRows())
        if (const qint64 id = index.data(PlanMessagesModel::MessageIdRole).toLongLong(); id > 0)
            ids << id;
    return ids;
}

void PlansView::updateActions()
{
    const bool writable = m_storeThread && !m_readOnly;
    const QString readOnly = tr("The store is open read-only");
    m_apply->setEnabled(writable);
    m_forget->setEnabled(writable && !currentEvent().isEmpty());
    if (!writable)
        m_forget->setToolTip(readOnly);
    else if (currentEvent().isEmpty())
        m_forget->setToolTip(tr("Pick an event first"));
    else
        m_forget->setToolTip(tr("Cancel every pending message derived for %1; sent ones stay").arg(currentEvent()));
    m_reload->setEnabled(m_storeThread != nullptr);
}

void PlansView::warn(const QString &title, const QString &text, const QString &details)
{
    auto *box = new QMessageBox(QMessageBox::Warning, title, text, QMessageBox::Ok, this);
    box->setInformativeText(details);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

void PlansView::applyEventFile(const QString &path)
{
    if (!m_storeThread || m_readOnly)
        return;
    const QString title = tr("Apply event file");
    QFile file(path);
    if (file.size() > kMaxEventFileBytes) {
        warn(title, tr("%1 is not an event file: it has %2 bytes, and an event file has at most %3.")
                        .arg(QDir::toNativeSeparators(path), QLocale().toString(file.size()), QLocale().toString(kMaxEventFileBytes)));
        return;
    }
    if (!file.open(QIODevice::ReadOnly)) {
        warn(title, tr("%1 cannot be read: %2").arg(QDir::toNativeSeparators(path), file.errorString()));
        return;
    }
    const QByteArray json = file.readAll();
    const QString source = QFileInfo(path).fileName();
    auto event = EventSpec::parse(json, source);
    if (!event) {
        warn(title, tr("%1 is not a valid event file; nothing was written. Correct it and apply it again.").arg(QDir::toNativeSeparators(path)),
             event.errorString());
        return;
    }
    // Which plan: the one the event was applied with, else the store's only one, else the operator says.
    struct Plans
    {
        QString previous;
        QStringList names;
    };
    const quint64 generation = m_generation;
    const QString eventId = event->id;
    m_storeThread->post(
        this,
        [eventId](Store &store) -> Result<Plans> {
            auto applied = store.appliedEvent(eventId);
            if (!applied)
                return applied.error();
            auto plans = store.plans();
            if (!plans)
                return plans.error();
            Plans out;
            if (*applied)
                out.previous = (*applied)->plan;
            for (const StoredPlan &p : std::as_const(*plans))
                out.names << p.name;
            return out;
        },
        [this, generation, json, source, spec = *event, title](Result<Plans> plans) {
            if (generation != m_generation)
                return;
            if (!plans) {
                warn(title, tr("The store's plans cannot be read: %1").arg(plans.errorString()));
                return;
            }
            if (!plans->previous.isEmpty()) {
                previewApply(plans->previous, json, source, spec);
                return;
            }
            if (plans->names.isEmpty()) {
                warn(title, tr("This store has no plan to apply %1 with.").arg(spec.id),
                     tr("Define one first: heraldctl plan define PLAN.json (see the README, “Event plans”)."));
                return;
            }
            if (plans->names.size() == 1) {
                previewApply(plans->names.constFirst(), json, source, spec);
                return;
            }
            auto *ask = new QInputDialog(this);
            ask->setAttribute(Qt::WA_DeleteOnClose);
            ask->setWindowTitle(title);
            ask->setLabelText(tr("Event %1 (%2) is new. Apply it with which plan?").arg(spec.name, spec.id));
            ask->setComboBoxItems(plans->names);
            ask->setComboBoxEditable(false);
            connect(ask, &QInputDialog::textValueSelected, this, [this, json, source, spec](const QString &plan) { previewApply(plan, json, source, spec); });
            ask->open();
        });
}

void PlansView::previewApply(const QString &plan, const QByteArray &json, const QString &source, const EventSpec &event)
{
    if (!m_storeThread)
        return;
    const quint64 generation = m_generation;
    m_storeThread->post(
        this, [plan, json, source](Store &store) { return applyEventPlan(store, plan, json, source, true); },
        [this, generation, plan, json, source, event](Result<PlanApplyReport> preview) {
            if (generation != m_generation)
                return;
            if (!preview) {
                warn(tr("Apply event file"), tr("Event %1 cannot be applied with plan %2; nothing was written.").arg(event.id, plan), preview.errorString());
                return;
            }
            const QString summary = tr("Event %1 (%2), %3, %4; plan %5; file %6.")
                                        .arg(event.name, event.id, EventSpec::statusName(event.status),
                                             PlanEventsModel::eventTime(event.startMs, event.timezone), plan, source);
            const qint64 basedOn = preview->basedOnAppliedAt;
            auto *dialog = new PlanApplyDialog(
                m_storeThread, tr("Apply event %1 with plan %2?").arg(event.id, plan), summary, *preview, event, PlanApplyDialog::applyText(preview->diff),
                [plan, json, source, basedOn, actor = MessageActions::actor()](Store &store) {
                    return applyEventPlan(store, plan, json, source, false, actor, basedOn);
                },
                this);
            showPreview(dialog, event.id, tr("Applied event %1 with plan %2").arg(event.id, plan));
        });
}

void PlansView::forgetCurrentEvent()
{
    const QString eventId = currentEvent();
    if (!m_storeThread || m_readOnly || eventId.isEmpty())
        return;
    const quint64 generation = m_generation;
    const std::optional<EventSpec> spec = m_messages->detail().event.eventId == eventId ? m_messages->detail().spec : std::nullopt;
    m_storeThread->post(
        this, [eventId](Store &store) { return forgetEvent(store, eventId, true); },
        [this, generation, eventId, spec](Result<PlanApplyReport> preview) {
            if (generation != m_generation)
                return;
            if (!preview) {
                warn(tr("Forget event"), tr("Event %1 cannot be forgotten: %2").arg(eventId, preview.errorString()));
                return;
            }
            const qsizetype n = preview->diff.cancelled.size();
            const QString runText = n == 1 ? tr("Cancel 1 message") : tr("Cancel %1 messages").arg(QLocale().toString(n));
            const QString summary = tr("Forget event %1: every pending message the plan derived for it is cancelled. Sent ones stay, and "
                                       "applying the event again never sends them twice.")
                                        .arg(eventId);
            const qint64 basedOn = preview->basedOnAppliedAt;
            auto *dialog = new PlanApplyDialog(
                m_storeThread, tr("Forget event %1?").arg(eventId), summary, *preview, spec, runText,
                [eventId, basedOn, actor = MessageActions::actor()](Store &store) { return forgetEvent(store, eventId, false, actor, basedOn); }, this);
            showPreview(dialog, eventId, tr("Forgot event %1").arg(eventId));
        });
}

void PlansView::showPreview(PlanApplyDialog *dialog, const QString &eventId, const QString &done)
{
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowModality(Qt::WindowModal);
    connect(dialog, &PlanApplyDialog::applied, this, [this, eventId, done](const PlanApplyReport &report) {
        QString message = QStringLiteral("%1: %2").arg(done, PlanApplyDialog::countsText(report.diff));
        if (!report.changedMeanwhile.isEmpty())
            message += tr("; %1 left alone: an engine or an operator took them meanwhile").arg(report.changedMeanwhile.size());
        Q_EMIT statusMessage(message + tr(" (Ctrl+Z undoes it)"));
        m_wantedEvent = eventId;
        reload();
        Q_EMIT planApplied(eventId);
    });
    dialog->open();
    Q_EMIT previewShown(dialog);
}

} // namespace herald
