#include "EmailEventsModel.h"

#include "store/StoreThread.h"

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

EmailEventsModel::EmailEventsModel(QObject *parent) : QAbstractTableModel(parent) {}

void EmailEventsModel::setStoreThread(StoreThread *storeThread)
{
    m_storeThread = storeThread; // read from at the next setFilter() or reload()
}

void EmailEventsModel::setFilter(const EmailStore::EventFilter &filter)
{
    ++m_generation; // answers to the previous filter are dropped
    m_filter = filter;
    m_filter.beforeId = 0;
    m_filter.limit = kPageSize;
    beginResetModel();
    m_events.clear();
    m_atEnd = false;
    m_loading = false;
    endResetModel();
    request();
}

void EmailEventsModel::request()
{
    if (!m_storeThread || m_loading || m_atEnd)
        return;
    m_loading = true;
    EmailStore::EventFilter filter = m_filter;
    filter.beforeId = m_events.isEmpty() ? 0 : m_events.constLast().id;
    const quint64 generation = m_generation;
    m_storeThread->post(
        this, [filter](Store &store) { return EmailStore(store).events(filter); },
        [this, generation](Result<QList<EmailEvent>> page) {
            if (generation != m_generation)
                return;
            if (!page) {
                m_atEnd = true; // nothing more is asked for until the next reload
                m_loading = false;
                Q_EMIT failed(page.errorString());
                Q_EMIT loaded();
                return;
            }
            // Still loading while the rows go in: a view (or a tester) that asks for more from its
            // rowsInserted handlers must not read the page after this one before this one is in.
            m_atEnd = page->size() < kPageSize;
            if (!page->isEmpty()) {
                const int first = int(m_events.size());
                beginInsertRows({}, first, first + int(page->size()) - 1);
                m_events += *page;
                endInsertRows();
            }
            m_loading = false;
            Q_EMIT loaded();
        });
}

int EmailEventsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_events.size());
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
    const EmailEvent &e = m_events.at(index.row());
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

bool EmailEventsModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && m_storeThread && !m_atEnd && !m_loading;
}

void EmailEventsModel::fetchMore(const QModelIndex &parent)
{
    if (!parent.isValid())
        request();
}

} // namespace herald
