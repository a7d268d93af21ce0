#include "PlanMessagesModel.h"

#include "PlanEventsModel.h"
#include "PlanTimeline.h"

#include <QLocale>

namespace herald {

PlanMessagesModel::PlanMessagesModel(QObject *parent) : QAbstractTableModel(parent) {}

void PlanMessagesModel::setDetail(const PlanEventDetail &detail)
{
    beginResetModel();
    m_detail = detail;
    m_rowById.clear();
    m_sessionTitles.clear();
    for (int row = 0; row < m_detail.messages.size(); ++row)
        if (const qint64 id = m_detail.messages.at(row).messageId; id > 0)
            m_rowById.insert(id, row);
    if (m_detail.spec)
        for (const EventSession &s : std::as_const(m_detail.spec->sessions))
            m_sessionTitles.insert(s.id, s.title);
    endResetModel();
}

void PlanMessagesModel::clear()
{
    setDetail({});
}

QString PlanMessagesModel::stateText(const PlanTimelineMessage &m)
{
    if (!m.state)
        return tr("removed");
    if (*m.state == MessageState::Cancelled && m.cancelledByPlan)
        return tr("cancelled by the plan");
    return stateName(*m.state);
}

int PlanMessagesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_detail.messages.size());
}

int PlanMessagesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant PlanMessagesModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_detail.messages.size())
        return {};
    const PlanTimelineMessage &m = m_detail.messages.at(index.row());
    switch (role) {
    case MessageIdRole: return m.messageId;
    case SortRole:
        switch (index.column()) {
        case When: return m.runAt;
        case Message: return m.messageId;
        default: return data(index, Qt::DisplayRole);
        }
    case Qt::ToolTipRole: return m.identity;
    case Qt::DecorationRole:
        if (index.column() == State)
            return PlanTimeline::stateColor(m.state);
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == Message)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::DisplayRole:
        switch (index.column()) {
        case When: return PlanEventsModel::eventTime(m.runAt, m_detail.spec ? m_detail.spec->timezone : QString());
        case Rule: return m.notice ? tr("%1 (notice)").arg(m.type) : m.type;
        case Recipient: return m.personName.isEmpty() ? m.person : QStringLiteral("%1 (%2)").arg(m.personName, m.person);
        case Session: return m.session.isEmpty() ? QString() : m_sessionTitles.value(m.session, m.session);
        case State: return stateText(m);
        case Message: return m.messageId > 0 ? QVariant(m.messageId) : QVariant();
        }
        return {};
    default: return {};
    }
}

QVariant PlanMessagesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case When: return tr("When");
    case Rule: return tr("Rule");
    case Recipient: return tr("Recipient");
    case Session: return tr("Session");
    case State: return tr("State");
    case Message: return tr("Message");
    }
    return {};
}

} // namespace herald
