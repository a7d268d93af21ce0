#include "OutboxModel.h"

#include "model/TimeText.h"
#include "store/StoreThread.h"

#include <QDateTime>
#include <QGuiApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPalette>

#include <algorithm>

namespace herald {

namespace {

// Seconds matter here: renderings land several a second while the outbox is watched. Today's need no
// date, which leaves the width to the subject and text.
QString localTime(qint64 ms)
{
    const QDateTime at = QDateTime::fromMSecsSinceEpoch(ms);
    const QDate today = QDate::currentDate();
    if (at.date() == today)
        return at.toString(QStringLiteral("HH:mm:ss"));
    return at.toString(at.date().year() == today.year() ? QStringLiteral("MM-dd HH:mm:ss") : QStringLiteral("yyyy-MM-dd HH:mm"));
}

QString fullLocalTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("ddd yyyy-MM-dd HH:mm:ss"));
}

// Newlines and runs of spaces would make a table cell look empty after its first line.
QString oneLine(const QString &text)
{
    return text.simplified();
}

// Long bodies in a tooltip cover the window; the detail pane has the whole text.
QString shortened(const QString &text, qsizetype at = 400)
{
    return text.size() <= at ? text : text.left(at) + QStringLiteral(" …");
}

} // namespace

OutboxModel::OutboxModel(QObject *parent) : QAbstractTableModel(parent) {}

OutboxModel::~OutboxModel() = default;

StoreThread *OutboxModel::storeThread() const
{
    return m_storeThread;
}

OutboxModel::Rendering OutboxModel::parse(OutboxEntry entry)
{
    Rendering r;
    const QJsonObject json = QJsonDocument::fromJson(entry.rendered).object();
    r.to = json.value(QLatin1String("to")).toString();
    if (r.to.isEmpty())
        r.to = entry.recipient;
    r.subject = json.value(QLatin1String("subject")).toString();
    r.text = json.value(QLatin1String("text")).toString();
    r.html = json.value(QLatin1String("html")).toString();
    r.locale = json.value(QLatin1String("locale")).toString();
    r.entry = std::move(entry);
    return r;
}

void OutboxModel::setStoreThread(StoreThread *storeThread)
{
    beginResetModel();
    m_storeThread = storeThread;
    m_rows.clear();
    ++m_generation;
    m_inFlight = false;
    m_refreshing = false;
    m_refreshAgain = false;
    m_loaded = false;
    m_atEnd = false;
    m_error.clear();
    endResetModel();
}

void OutboxModel::reload()
{
    setStoreThread(m_storeThread);
    requestPage();
}

bool OutboxModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && m_storeThread && !m_inFlight && !m_refreshing && !m_atEnd && m_error.isEmpty();
}

void OutboxModel::fetchMore(const QModelIndex &parent)
{
    if (canFetchMore(parent))
        requestPage();
}

void OutboxModel::requestPage()
{
    if (!m_storeThread || m_inFlight || m_refreshing || m_atEnd)
        return;
    const qint64 beforeId = m_rows.isEmpty() ? 0 : m_rows.constLast().entry.id;
    m_inFlight = true;
    const quint64 generation = m_generation;
    m_storeThread->post(
        this,
        [beforeId](Store &store) -> Result<QList<Rendering>> {
            auto entries = store.outbox(beforeId, kPageSize);
            if (!entries)
                return entries.error();
            QList<Rendering> page;
            page.reserve(entries->size());
            for (OutboxEntry &entry : *entries)
                page << parse(std::move(entry));
            return page;
        },
        [this, generation](Result<QList<Rendering>> page) {
            if (generation != m_generation)
                return;
            if (!page) {
                m_inFlight = false;
                m_error = page.errorString();
                Q_EMIT loadFailed(m_error);
                afterRequest();
                return;
            }
            QList<Rendering> renderings = std::move(page).value();
            const int first = int(m_rows.size());
            const int count = int(renderings.size());
            m_atEnd = count < kPageSize;
            m_loaded = true;
            // Still "in flight" while the rows go in: views and testers call fetchMore() from the insert
            // signals, and a request made then would start from the old last id.
            if (count > 0) {
                beginInsertRows({}, first, first + count - 1);
                m_rows.append(std::move(renderings));
                endInsertRows();
            }
            m_inFlight = false;
            Q_EMIT pageLoaded(first, count);
            afterRequest();
        });
}

void OutboxModel::refresh()
{
    if (!m_storeThread)
        return;
    if (m_inFlight || m_refreshing) {
        m_refreshAgain = true;
        return;
    }
    if (m_rows.isEmpty()) {
        // Nothing to keep in place: the newest page is the refresh.
        m_atEnd = false;
        m_error.clear();
        requestPage();
        return;
    }
    requestNewest();
}

void OutboxModel::requestNewest()
{
    m_refreshing = true;
    const quint64 generation = m_generation;
    m_storeThread->post(
        this,
        [](Store &store) -> Result<QList<Rendering>> {
            auto entries = store.outbox(0, kPageSize);
            if (!entries)
                return entries.error();
            QList<Rendering> newest;
            newest.reserve(entries->size());
            for (OutboxEntry &entry : *entries)
                newest << parse(std::move(entry));
            return newest;
        },
        [this, generation](Result<QList<Rendering>> newest) {
            if (generation != m_generation)
                return;
            // A refresh that fails leaves the rows as they were; the next delivery asks again.
            // Still "refreshing" while the rows change, as a page is "in flight" while its rows go in.
            if (newest)
                applyNewest(std::move(newest).value());
            m_refreshing = false;
            afterRequest();
        });
}

void OutboxModel::applyNewest(QList<Rendering> newest)
{
    const qint64 newestLoaded = m_rows.constFirst().entry.id;
    const auto firstOld = std::find_if(newest.cbegin(), newest.cend(), [newestLoaded](const Rendering &r) { return r.entry.id <= newestLoaded; });
    const int count = int(firstOld - newest.cbegin());
    if (count == kPageSize) {
        // A whole page is newer: what lies between it and the loaded rows is unknown, so start over
        // from this page instead of leaving a gap no keyset page would fill.
        beginResetModel();
        ++m_generation;
        m_rows = std::move(newest);
        m_inFlight = false;
        m_atEnd = false;
        m_error.clear();
        endResetModel();
        Q_EMIT refreshed(count);
        return;
    }
    if (count > 0) {
        beginInsertRows({}, 0, count - 1);
        newest.resize(count);
        m_rows = std::move(newest) + m_rows;
        endInsertRows();
    }
    Q_EMIT refreshed(count);
}

void OutboxModel::afterRequest()
{
    if (m_refreshAgain && !m_inFlight && !m_refreshing) {
        m_refreshAgain = false;
        refresh();
    }
}

int OutboxModel::rowOfEntry(qint64 entryId) const
{
    // Newest first: ids descend down the rows.
    const auto it = std::lower_bound(m_rows.cbegin(), m_rows.cend(), entryId,
                                     [](const Rendering &r, qint64 id) { return r.entry.id > id; });
    return it != m_rows.cend() && it->entry.id == entryId ? int(it - m_rows.cbegin()) : -1;
}

int OutboxModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int OutboxModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant OutboxModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Rendering &r = m_rows.at(index.row());
    const int column = index.column();

    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case WhenColumn: return localTime(r.entry.createdAt);
        case MessageColumn: return QString::number(r.entry.messageId); // an id to look up, not an amount
        case QueueColumn: return r.entry.queue;
        case ChannelColumn: return r.entry.channel;
        case ToColumn: return r.to.isEmpty() ? tr("(none)") : r.to;
        case ContentColumn:
            if (r.subject.isEmpty())
                return oneLine(r.text);
            return r.text.isEmpty() ? oneLine(r.subject) : QStringLiteral("%1 — %2").arg(oneLine(r.subject), oneLine(r.text));
        default: return {};
        }
    case Qt::ToolTipRole:
        switch (column) {
        case WhenColumn: return tr("Captured %1 (local time)\n%2").arg(fullLocalTime(r.entry.createdAt), formatTimestamp(r.entry.createdAt));
        case MessageColumn: return tr("Rendering of message %1").arg(r.entry.messageId);
        case ToColumn: return r.to.isEmpty() ? tr("This rendering has no recipient.") : r.to;
        case ContentColumn:
            if (r.subject.isEmpty() && r.text.isEmpty())
                return r.html.isEmpty() ? QVariant() : tr("HTML only; select the row to see it.");
            return r.subject.isEmpty() ? shortened(r.text) : QStringLiteral("%1\n\n%2").arg(r.subject, shortened(r.text));
        default: return {};
        }
    case Qt::TextAlignmentRole:
        return QVariant::fromValue((column == MessageColumn ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignVCenter);
    case Qt::ForegroundRole:
        if (column == ToColumn && r.to.isEmpty())
            return QGuiApplication::palette().color(QPalette::PlaceholderText);
        return {};
    case EntryIdRole: return r.entry.id;
    case MessageIdRole: return r.entry.messageId;
    default: return {};
    }
}

QVariant OutboxModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::TextAlignmentRole)
        return QVariant::fromValue((section == MessageColumn ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case WhenColumn: return tr("When the outbox channel captured the rendering, local time");
        case MessageColumn: return tr("The id of the message that was rendered");
        case ChannelColumn: return tr("The channel the message named; without a provider configured for it, the outbox captures it");
        case ContentColumn: return tr("The rendered subject and text");
        default: return {};
        }
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case WhenColumn: return tr("When");
    case MessageColumn: return tr("Message");
    case QueueColumn: return tr("Queue");
    case ChannelColumn: return tr("Channel");
    case ToColumn: return tr("To");
    case ContentColumn: return tr("Subject / text");
    default: return {};
    }
}

} // namespace herald
