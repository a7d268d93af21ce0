#include "EmailEventsModel.h"


#include <QDateTime>

namespace herald {

namespace {

QString when(qint64 ms)
{
    const QDateTime t = QDateTime::fromMSecsSinceEpoch(ms);
    return t.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss ")) + t.timeZoneAbbreviation();
}

QString detailOf(const EmailEvent &e)
{
    if (e.eventType == EmailEventType::Bounce)
        return e.diagnosticCode.isEmpty() ? e.bounceType + QLatin1Char('/') + e.bounceSubType : e.diagnosticCode;
    if (e.eventType == EmailEventType::Complaint)
        return e.complaintFeedbackType;
    if (e.eventType == EmailEventType::Click)
        return e.clickLink;
    return e.status;
}

} // namespace

void EmailEventsModel::setFilter(const EmailStore::EventFilter &filter)
{
    m_filter = filter;
    startOver();
}

EmailEventsModel::Read EmailEventsModel::pageAfter(const EmailEvent *last) const
{
    EmailStore::EventFilter filter = m_filter;
    filter.beforeId = last ? last->id : 0;
    filter.limit = kPageSize;
    return [filter](Store &store) { return EmailStore(store).events(filter); };
}

int EmailEventsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString EmailEventsModel::cell(const EmailEvent &e, int column) const
{
    switch (column) {
    case Occurred: return when(e.occurredAt);
    case Type: return e.eventType;
    case SubType: return e.subType;
    case Recipient: return e.recipient;
    case Message: return e.messageId ? QString::number(*e.messageId) : QString();
    case Detail: return detailOf(e);
    default: return {};
    }
}

QVariant EmailEventsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const EmailEvent &e = *event(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case Qt::ToolTipRole: return cell(e, index.column());
    case Qt::UserRole: return e.id;
    default: return {};
    }
}

QVariant EmailEventsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Occurred: return tr("Occurred");
    case Type: return tr("Type");
    case SubType: return tr("Sub-type");
    case Recipient: return tr("Recipient");
    case Message: return tr("Message");
    case Detail: return tr("Detail");
    default: return {};
    }
}

} // namespace herald
