#include "PlanEventsModel.h"

#include "store/StoreThread.h"

#include <QColor>
#include <QDateTime>
#include <QLocale>
#include <QTimeZone>

namespace herald {

namespace {

qint64 countOf(const PlanEventSummary &s, std::initializer_list<MessageState> states)
{
    qint64 n = 0;
    for (MessageState state : states)
        n += s.counts.value(state);
    return n;
}

} // namespace

PlanEventsModel::PlanEventsModel(QObject *parent) : QAbstractTableModel(parent) {}

void PlanEventsModel::setStoreThread(StoreThread *storeThread)
{
    ++m_generation;
    m_storeThread = storeThread;
    beginResetModel();
    m_events.clear();
    m_loaded = false;
    m_error.clear();
    endResetModel();
}

void PlanEventsModel::refresh()
{
    if (!m_storeThread)
        return;
    const quint64 generation = ++m_generation;
    m_storeThread->post(
        this, [](Store &store) { return planEventOverviews(store); },
        [this, generation](Result<QList<PlanEventOverview>> events) {
            if (generation != m_generation)
                return;
            if (!events) {
                m_error = events.errorString();
                Q_EMIT refreshFailed(m_error);
                return;
            }
            m_error.clear();
            m_loaded = true;
            beginResetModel();
            m_events = std::move(*events);
            endResetModel();
            Q_EMIT refreshed();
        });
}

int PlanEventsModel::rowOf(const QString &eventId) const
{
    for (int row = 0; row < m_events.size(); ++row)
        if (m_events.at(row).summary.eventId == eventId)
            return row;
    return -1;
}

QString PlanEventsModel::eventTime(qint64 ms, const QString &timezone, bool withDay)
{
    if (ms == 0)
        return {};
    const QTimeZone zone(timezone.toUtf8());
    const QDateTime t = zone.isValid() ? QDateTime::fromMSecsSinceEpoch(ms, zone) : QDateTime::fromMSecsSinceEpoch(ms);
    const QString format = withDay ? QStringLiteral("ddd d MMM yyyy HH:mm") : QStringLiteral("HH:mm");
    return QLocale().toString(t, format) + QLatin1Char(' ') + t.timeZoneAbbreviation();
}

int PlanEventsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_events.size());
}

int PlanEventsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant PlanEventsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_events.size())
        return {};
    const PlanEventOverview &e = m_events.at(index.row());
    const PlanEventSummary &s = e.summary;
    const QLocale locale;
    if (role == EventIdRole)
        return s.eventId;
    const qint64 pending = countOf(s, {MessageState::Scheduled, MessageState::Waiting});
    const qint64 sent = countOf(s, {MessageState::Active, MessageState::Completed}) + s.removed;
    const qint64 failed = countOf(s, {MessageState::Failed});
    const qint64 cancelled = countOf(s, {MessageState::Cancelled});
    if (role == SortRole) {
        switch (index.column()) {
        case Starts: return e.startMs;
        case Pending: return pending;
        case Sent: return sent;
        case Failed: return failed;
        case Cancelled: return cancelled;
        case Applied: return s.appliedAt;
        default: return data(index, Qt::DisplayRole);
        }
    }
    if (role == Qt::TextAlignmentRole && index.column() >= Pending && index.column() <= Cancelled)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole) {
        switch (index.column()) {
        case Name:
        case Event:
            return tr("%1 (%2): %3 attendees, %4 sessions; times on the event's clock (%5)")
                .arg(s.name, s.eventId)
                .arg(e.attendees)
                .arg(e.sessions)
                .arg(e.timezone.isEmpty() ? tr("unknown") : e.timezone);
        case Sent: return s.removed > 0 ? tr("%1 of them removed by cleanup since").arg(locale.toString(s.removed)) : QVariant();
        case Applied: return QDateTime::fromMSecsSinceEpoch(s.appliedAt).toString(Qt::ISODateWithMs);
        default: return {};
        }
    }
    if (role == Qt::ForegroundRole && (s.status == QLatin1String("cancelled") || s.status == QLatin1String("forgotten")))
        return QColor(Qt::gray);
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Name: return s.name;
    case Event: return s.eventId;
    case Plan: return s.plan;
    case Status: return s.status;
    case Starts: return eventTime(e.startMs, e.timezone);
    case Pending: return locale.toString(pending);
    case Sent: return locale.toString(sent);
    case Failed: return locale.toString(failed);
    case Cancelled: return locale.toString(cancelled);
    case Applied: return QLocale().toString(QDateTime::fromMSecsSinceEpoch(s.appliedAt), QLocale::ShortFormat);
    }
    return {};
}

QVariant PlanEventsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Name: return tr("Event");
    case Event: return tr("ID");
    case Plan: return tr("Plan");
    case Status: return tr("Status");
    case Starts: return tr("Starts");
    case Pending: return tr("Pending");
    case Sent: return tr("Sent");
    case Failed: return tr("Failed");
    case Cancelled: return tr("Cancelled");
    case Applied: return tr("Last applied");
    }
    return {};
}

} // namespace herald
