#include "MessageTableModel.h"

#include "model/MessageSelection.h"
#include "model/TimeText.h"
#include "store/StoreThread.h"

#include <QColor>
#include <QDateTime>
#include <QGuiApplication>
#include <QHash>
#include <QPalette>
#include <QStringList>

#include <algorithm>
#include <cstdlib>
#include <iterator>

namespace herald {

namespace {

// Minutes are what an operator scans for; the tooltip has the seconds. The zone is shown because
// operators compare it with times from systems in other zones.
QString localTime(qint64 ms)
{
    const QDateTime time = QDateTime::fromMSecsSinceEpoch(ms);
    return time.toString(QStringLiteral("yyyy-MM-dd HH:mm ")) + time.timeZoneAbbreviation();
}

QString preciseLocalTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("ddd yyyy-MM-dd HH:mm:ss"));
}

QString roughDuration(qint64 ms)
{
    const qint64 seconds = ms / 1000;
    if (seconds < 60)
        return MessageTableModel::tr("%1 s").arg(seconds);
    const qint64 minutes = seconds / 60;
    if (minutes < 60)
        return MessageTableModel::tr("%1 min").arg(minutes);
    const qint64 hours = minutes / 60;
    if (hours < 24)
        return minutes % 60 ? MessageTableModel::tr("%1 h %2 min").arg(hours).arg(minutes % 60) : MessageTableModel::tr("%1 h").arg(hours);
    const qint64 days = hours / 24;
    return hours % 24 ? MessageTableModel::tr("%1 d %2 h").arg(days).arg(hours % 24) : MessageTableModel::tr("%1 d").arg(days);
}

QString relativeTime(qint64 ms, qint64 nowMs)
{
    if (std::abs(ms - nowMs) < 1000)
        return MessageTableModel::tr("now");
    if (ms > nowMs)
        return MessageTableModel::tr("in %1").arg(roughDuration(ms - nowMs));
    return MessageTableModel::tr("%1 ago").arg(roughDuration(nowMs - ms));
}

// Pending messages whose time has passed are late: that is what an operator looks for.
QString runAtRelative(const Message &m, qint64 nowMs)
{
    const bool pending = m.state == MessageState::Scheduled || m.state == MessageState::Waiting;
    if (pending && m.runAt < nowMs - 1000)
        return MessageTableModel::tr("%1 late").arg(roughDuration(nowMs - m.runAt));
    return relativeTime(m.runAt, nowMs);
}

QString firstLine(const QString &text)
{
    const qsizetype end = text.indexOf(QLatin1Char('\n'));
    return end < 0 ? text : text.left(end) + QStringLiteral(" …");
}

// Muted tones that read on light and dark palettes alike; only the states an operator acts on get one.
QVariant stateColor(MessageState state)
{
    const QPalette palette = QGuiApplication::palette();
    const bool dark = palette.color(QPalette::Base).lightness() < 128;
    switch (state) {
    case MessageState::Failed: return QColor(dark ? QStringLiteral("#f2a7a0") : QStringLiteral("#b3261e"));
    case MessageState::Completed: return QColor(dark ? QStringLiteral("#9fd3a2") : QStringLiteral("#2e7d32"));
    case MessageState::Active: return QColor(dark ? QStringLiteral("#9cc7f5") : QStringLiteral("#1565c0"));
    case MessageState::Cancelled: return palette.color(QPalette::PlaceholderText);
    case MessageState::Scheduled:
    case MessageState::Waiting: return {};
    }
    return {};
}

// Whether a re-read message would look different in any column (or tooltip).
bool sameOnScreen(const Message &a, const Message &b)
{
    return a.state == b.state && a.updatedAt == b.updatedAt && a.runAt == b.runAt && a.priority == b.priority &&
           a.attempts == b.attempts && a.maxAttempts == b.maxAttempts && a.lastError == b.lastError && a.recipient == b.recipient &&
           a.type == b.type && a.labels == b.labels;
}

} // namespace

struct MessageTableModel::Refreshed
{
    QList<Message> newer;   // newer than the first row, newest first
    bool overflow = false;  // more than a page newer: start over instead
    int firstRow = 0;       // the rows re-read: firstRow … firstRow + askedIds.size() - 1
    QList<qint64> askedIds;
    QList<Message> rows;    // those of askedIds still in the queue, as they are now
};

MessageTableModel::MessageTableModel(QObject *parent) : QAbstractTableModel(parent) {}

MessageTableModel::~MessageTableModel() = default;

StoreThread *MessageTableModel::storeThread() const
{
    return m_storeThread;
}

void MessageTableModel::setStoreThread(StoreThread *storeThread)
{
    m_storeThread = storeThread;
    m_queue.clear();
    startOver();
}

void MessageTableModel::setQueue(const QString &queue)
{
    m_queue = queue;
    startOver();
}

void MessageTableModel::setFilter(const MessageSelection &filter)
{
    m_filter = filter;
    m_filter.queue.clear();
    startOver();
}

MessageSelection MessageTableModel::selection() const
{
    MessageSelection selection = m_filter;
    selection.queue = m_queue;
    return selection;
}

void MessageTableModel::setSortOrder(MessageSort sort, bool descending)
{
    if (sort == m_sort && descending == m_descending)
        return;
    m_sort = sort;
    m_descending = descending;
    startOver();
}

void MessageTableModel::sort(int column, Qt::SortOrder order)
{
    const bool descending = order == Qt::DescendingOrder;
    switch (column) {
    case IdColumn: setSortOrder(MessageSort::Id, descending); break;
    case RunAtColumn: setSortOrder(MessageSort::RunAt, descending); break;
    case PriorityColumn: setSortOrder(MessageSort::Priority, descending); break;
    default: break;
    }
}

void MessageTableModel::startOver()
{
    beginResetModel();
    m_rows.clear();
    ++m_generation;
    m_inFlight = false;
    m_refreshing = false;
    m_refreshAgain.reset();
    m_atEnd = false;
    m_error.clear();
    endResetModel();
    if (m_matchCount) {
        m_matchCount.reset();
        Q_EMIT matchCountChanged();
    }
    requestPage();
    requestCount();
}

void MessageTableModel::requestCount()
{
    if (!m_storeThread || m_queue.isEmpty())
        return;
    m_countAskedAtMs = QDateTime::currentMSecsSinceEpoch();
    const quint64 generation = m_generation;
    m_storeThread->post(
        this, [selection = selection()](Store &store) { return store.countMessages(selection); },
        [this, generation](Result<qint64> count) {
            // A count that fails leaves the last one known: the pages report the store's errors.
            if (generation != m_generation || !count || m_matchCount == *count)
                return;
            m_matchCount = *count;
            Q_EMIT matchCountChanged();
        });
}

bool MessageTableModel::canFetchMore(const QModelIndex &parent) const
{
    // Not during a refresh either: it may remove rows at the end, and a page must start below the last
    // row it leaves.
    return !parent.isValid() && m_storeThread && !m_queue.isEmpty() && !m_inFlight && !m_refreshing && !m_atEnd && m_error.isEmpty();
}

void MessageTableModel::fetchMore(const QModelIndex &parent)
{
    if (canFetchMore(parent))
        requestPage();
}

void MessageTableModel::refresh(int firstRow, int lastRow)
{
    if (!m_storeThread || m_queue.isEmpty())
        return;
    if (m_inFlight || m_refreshing) {
        m_refreshAgain = std::pair(firstRow, lastRow);
        return;
    }
    if (QDateTime::currentMSecsSinceEpoch() - m_countAskedAtMs >= kRecountIntervalMs)
        requestCount();
    if (m_rows.isEmpty()) {
        // Nothing on screen to keep in place: the newest page is the refresh.
        m_atEnd = false;
        m_error.clear();
        requestPage();
        return;
    }
    requestRefresh(firstRow, lastRow);
}

void MessageTableModel::requestRefresh(int firstRow, int lastRow)
{
    QList<qint64> ids;
    firstRow = std::max(firstRow, 0);
    lastRow = std::min(lastRow, int(m_rows.size()) - 1);
    for (int row = firstRow; row <= lastRow; ++row)
        ids << m_rows.at(row).id;
    const MessageSelection selection = this->selection();
    const QString queue = m_queue;
    // Only newest first are new messages on top; in another order they belong somewhere in the middle,
    // and the next start-over shows them.
    const qint64 newest = m_sort == MessageSort::Id && m_descending ? m_rows.constFirst().id : 0;

    m_refreshing = true;
    const quint64 generation = m_generation;
    m_storeThread->post(
        this,
        [selection, queue, newest, firstRow, ids](Store &store) -> Result<Refreshed> {
            Refreshed answer;
            if (newest > 0) {
                MessagePageRequest newer;
                newer.selection = selection;
                newer.afterId = newest; // ascending: the ids above the newest loaded, oldest first
                newer.limit = kPageSize + 1;
                auto added = store.listMessages(newer);
                if (!added)
                    return added.error();
                answer.overflow = added->size() > kPageSize;
                if (answer.overflow)
                    return answer;
                answer.newer.reserve(added->size());
                std::move(added->rbegin(), added->rend(), std::back_inserter(answer.newer));
            }
            if (ids.isEmpty())
                return answer;
            MessagePageRequest same;
            same.selection.queue = queue;
            same.selection.ids = ids;
            same.limit = int(ids.size());
            same.descending = true;
            auto rows = store.listMessages(same);
            if (!rows)
                return rows.error();
            answer.firstRow = firstRow;
            answer.askedIds = ids;
            answer.rows = std::move(rows).value();
            return answer;
        },
        [this, generation](Result<Refreshed> answer) {
            if (generation != m_generation)
                return;
            // A refresh that fails leaves the rows as they were: they are still what the store said last,
            // and the next delivery asks again. Pages report their errors; a refresh adds nothing to show.
            // Still "refreshing" while the rows change, as a page is "in flight" while its rows go in.
            if (answer)
                applyRefresh(std::move(answer).value());
            m_refreshing = false;
            afterRequest();
        });
}

void MessageTableModel::applyRefresh(Refreshed answer)
{
    if (answer.overflow) {
        // Inserting more than a page on top would leave a gap no keyset page could fill.
        reload();
        return;
    }
    QHash<qint64, qsizetype> current;
    for (qsizetype i = 0; i < answer.rows.size(); ++i)
        current.insert(answer.rows.at(i).id, i);

    // Nothing else changed the rows since the request (one request at a time), so the asked ids are
    // still at their rows; the check only guards that promise.
    const auto askedRow = [&](qsizetype i) {
        const int row = answer.firstRow + int(i);
        return row < int(m_rows.size()) && m_rows.at(row).id == answer.askedIds.at(i) ? row : -1;
    };
    int changed = 0;
    int firstChanged = -1;
    int lastChanged = -1;
    for (qsizetype i = 0; i < answer.askedIds.size(); ++i) {
        const int row = askedRow(i);
        const auto it = current.constFind(answer.askedIds.at(i));
        if (row < 0 || it == current.cend() || sameOnScreen(m_rows.at(row), answer.rows.at(*it)))
            continue;
        m_rows[row] = answer.rows.at(*it);
        ++changed;
        if (firstChanged < 0)
            firstChanged = row;
        lastChanged = row;
    }
    if (changed > 0)
        Q_EMIT dataChanged(index(firstChanged, 0), index(lastChanged, ColumnCount - 1));

    // Messages gone from the store (retention, cleanup) leave; from the back, so earlier rows keep their numbers.
    int removed = 0;
    for (qsizetype i = answer.askedIds.size() - 1; i >= 0; --i) {
        const int row = askedRow(i);
        if (row < 0 || current.contains(answer.askedIds.at(i)))
            continue;
        beginRemoveRows({}, row, row);
        m_rows.removeAt(row);
        endRemoveRows();
        ++removed;
    }

    const int inserted = int(answer.newer.size());
    if (inserted > 0) {
        beginInsertRows({}, 0, inserted - 1);
        m_rows = std::move(answer.newer) + m_rows;
        endInsertRows();
    }
    Q_EMIT refreshed(inserted, changed, removed);
}

void MessageTableModel::afterRequest()
{
    if (m_inFlight || m_refreshing)
        return;
    if (m_refreshAgain) {
        const auto [firstRow, lastRow] = *std::exchange(m_refreshAgain, std::nullopt);
        refresh(firstRow, lastRow);
    }
}

void MessageTableModel::requestPage()
{
    if (!m_storeThread || m_queue.isEmpty() || m_inFlight || m_refreshing || m_atEnd)
        return;
    MessagePageRequest request;
    request.selection = selection();
    request.sort = m_sort;
    if (!m_rows.isEmpty()) {
        request.afterId = m_rows.constLast().id;
        request.afterKey = sortKey(m_rows.constLast(), m_sort);
    }
    request.limit = kPageSize;
    request.descending = m_descending;

    m_inFlight = true;
    const quint64 generation = m_generation;
    m_storeThread->post(
        this, [request](Store &store) { return store.listMessages(request); },
        [this, generation](Result<QList<Message>> page) {
            if (generation != m_generation)
                return;
            if (!page) {
                m_inFlight = false;
                m_error = page.errorString();
                Q_EMIT loadFailed(m_error);
                afterRequest();
                return;
            }
            QList<Message> messages = std::move(page).value();
            const int first = int(m_rows.size());
            const int count = int(messages.size());
            m_atEnd = count < kPageSize;
            // Still "in flight" while the rows go in: views and testers call fetchMore() from the
            // insert signals, and a request made then would start from the old last id.
            if (count > 0) {
                beginInsertRows({}, first, first + count - 1);
                m_rows.append(std::move(messages));
                endInsertRows();
            }
            m_inFlight = false;
            Q_EMIT pageLoaded(first, count);
            afterRequest();
        });
}

int MessageTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int MessageTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString MessageTableModel::labelsText(const Labels &labels)
{
    QStringList parts;
    for (auto it = labels.cbegin(); it != labels.cend(); ++it)
        parts << it.key() + QLatin1Char('=') + it.value();
    return parts.join(QLatin1Char(' '));
}

QVariant MessageTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Message &m = m_rows.at(index.row());
    const int column = index.column();

    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case IdColumn: return QString::number(m.id); // no digit grouping: ids are looked up, not read as amounts
        case TypeColumn: return m.type;
        case RecipientColumn: return m.recipient.isEmpty() ? tr("(none)") : m.recipient;
        case StateColumn: return stateName(m.state);
        case PriorityColumn: return m.priority;
        case RunAtColumn: return QStringLiteral("%1 · %2").arg(localTime(m.runAt), runAtRelative(m, QDateTime::currentMSecsSinceEpoch()));
        case AttemptsColumn: return QStringLiteral("%1/%2").arg(m.attempts).arg(m.maxAttempts);
        case LabelsColumn: return labelsText(m.labels);
        case LastErrorColumn: return firstLine(m.lastError);
        default: return {};
        }
    case Qt::ToolTipRole:
        switch (column) {
        // The cells may be elided (push tokens, long type names): the tooltip always has the whole text.
        case TypeColumn: return m.type;
        case RecipientColumn: return m.recipient.isEmpty() ? tr("This message has no recipient.") : m.recipient;
        case PriorityColumn: return tr("Priority %1 (1 is the most urgent, 10 the default)").arg(m.priority);
        case RunAtColumn:
            return tr("%1 (local time)\n%2\n%3")
                .arg(preciseLocalTime(m.runAt), formatTimestamp(m.runAt), runAtRelative(m, QDateTime::currentMSecsSinceEpoch()));
        case AttemptsColumn: return tr("%1 of at most %2 attempts made").arg(m.attempts).arg(m.maxAttempts);
        case LabelsColumn: return m.labels.isEmpty() ? QVariant() : labelsText(m.labels).replace(QLatin1Char(' '), QLatin1Char('\n'));
        case LastErrorColumn: return m.lastError.isEmpty() ? QVariant() : m.lastError;
        default: return {};
        }
    case Qt::TextAlignmentRole:
        switch (column) {
        case IdColumn:
        case PriorityColumn:
        case AttemptsColumn: return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        default: return QVariant::fromValue(Qt::AlignLeft | Qt::AlignVCenter);
        }
    case Qt::ForegroundRole:
        if (column == StateColumn)
            return stateColor(m.state);
        if (column == RecipientColumn && m.recipient.isEmpty())
            return QGuiApplication::palette().color(QPalette::PlaceholderText);
        return {};
    case MessageIdRole: return m.id;
    case StateRole: return int(m.state);
    default: return {};
    }
}

QVariant MessageTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::TextAlignmentRole) {
        const bool number = section == IdColumn || section == PriorityColumn || section == AttemptsColumn;
        return QVariant::fromValue((number ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignVCenter);
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case IdColumn: return tr("ID");
    case TypeColumn: return tr("Type");
    case RecipientColumn: return tr("Recipient");
    case StateColumn: return tr("State");
    case PriorityColumn: return tr("Priority");
    case RunAtColumn: return tr("Run at");
    case AttemptsColumn: return tr("Attempts");
    case LabelsColumn: return tr("Labels");
    case LastErrorColumn: return tr("Last error");
    default: return {};
    }
}

} // namespace herald
