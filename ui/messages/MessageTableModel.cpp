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
#include <limits>

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
    int firstRow = 0;       // the rows re-read were among firstRow … lastRow
    int lastRow = -1;
    QList<qint64> askedIds; // the loaded rows re-read
    QList<Message> rows;    // those of askedIds still matching, as they are now
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
    m_head.clear();
    m_snapshotRows = 0;
    m_pages.clear();
    m_anchors.clear();
    m_anchorsUpTo = 0;
    m_gone.clear();
    m_wanted.clear();
    ++m_generation;
    m_inFlight = false;
    m_inBackground = false;
    m_refreshing = false;
    m_refreshAgain.reset();
    m_atEnd = false;
    m_error.clear();
    endResetModel();
    if (m_matchCount) {
        m_matchCount.reset();
        Q_EMIT matchCountChanged();
    }
    if (m_storeThread && !m_queue.isEmpty()) {
        // At once, not queued: the model is loading from the moment it starts over.
        m_wanted = {0};
        pump();
        requestCount();
    }
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
            if (generation != m_generation || !count)
                return;
            // The rows the table has: the count, unless the last page already showed where the
            // listing ends (the count may have been taken a moment later).
            if (!m_atEnd)
                setSnapshotRows(int(std::min<qint64>(*count - m_head.size(), std::numeric_limits<int>::max() - m_head.size())));
            if (m_matchCount != *count) {
                m_matchCount = *count;
                Q_EMIT matchCountChanged();
            }
            pump(); // the background anchor scan starts once the count says how far it goes
        });
}

void MessageTableModel::setSnapshotRows(int rows)
{
    rows = std::max(rows, 0);
    const int head = int(m_head.size());
    if (rows > m_snapshotRows) {
        beginInsertRows({}, head + m_snapshotRows, head + rows - 1);
        m_snapshotRows = rows;
        endInsertRows();
    } else if (rows < m_snapshotRows) {
        beginRemoveRows({}, head + rows, head + m_snapshotRows - 1);
        m_snapshotRows = rows;
        const int lastPage = rows == 0 ? -1 : (rows - 1) / kPageSize;
        for (auto it = m_pages.begin(); it != m_pages.end();) {
            if (it.key() > lastPage)
                it = m_pages.erase(it);
            else
                ++it;
        }
        endRemoveRows();
    }
}

bool MessageTableModel::hasLoadedAll() const
{
    if (!m_atEnd)
        return false;
    const int pages = (m_snapshotRows + kPageSize - 1) / kPageSize;
    for (int page = 0; page < pages; ++page)
        if (!m_pages.contains(page))
            return false;
    return true;
}

const Message *MessageTableModel::rowMessage(int row) const
{
    if (row < 0)
        return nullptr;
    if (row < m_head.size())
        return &m_head.at(row);
    row -= int(m_head.size());
    const auto it = m_pages.constFind(row / kPageSize);
    if (it == m_pages.cend() || row % kPageSize >= it->rows.size())
        return nullptr;
    return &it->rows.at(row % kPageSize);
}

Message *MessageTableModel::rowMessage(int row)
{
    return const_cast<Message *>(std::as_const(*this).rowMessage(row));
}

const Message &MessageTableModel::messageAt(int row) const
{
    static const Message none;
    const Message *m = rowMessage(row);
    return m ? *m : none;
}

bool MessageTableModel::isRowLoaded(int row) const
{
    return rowMessage(row) != nullptr;
}

bool MessageTableModel::isRowGone(int row) const
{
    const Message *m = rowMessage(row);
    return m && m_gone.contains(m->id);
}

void MessageTableModel::want(int page) const
{
    m_wanted.removeOne(page);
    m_wanted.append(page);
    if (m_pumpScheduled)
        return;
    m_pumpScheduled = true;
    // Not from data(): a view asks for many cells of a page while it paints.
    QMetaObject::invokeMethod(const_cast<MessageTableModel *>(this), &MessageTableModel::pump, Qt::QueuedConnection);
}

std::optional<Store::PageAnchor> MessageTableModel::startOf(int page) const
{
    if (page == 0)
        return Store::PageAnchor{};
    if (const auto it = m_anchors.constFind(page); it != m_anchors.cend())
        return *it;
    const auto before = m_pages.constFind(page - 1);
    if (before != m_pages.cend() && before->rows.size() == kPageSize) {
        const Message &last = before->rows.constLast();
        return Store::PageAnchor{sortKey(last, m_sort), last.id};
    }
    return std::nullopt;
}

void MessageTableModel::pump()
{
    m_pumpScheduled = false;
    if (!m_storeThread || m_queue.isEmpty() || m_inFlight || m_refreshing || !m_error.isEmpty())
        return;
    const int pages = (m_snapshotRows + kPageSize - 1) / kPageSize;
    while (!m_wanted.isEmpty()) {
        const int page = m_wanted.takeLast();
        // Page 0 is read before the count says there is one; past the end there is nothing to read.
        if (m_pages.contains(page) || (page > 0 && page >= pages))
            continue;
        if (startOf(page)) {
            requestPage(page);
            return;
        }
        // A jump: find the nearest page below whose start is known, and scan the keys from there.
        int from = page - 1;
        while (from > 0 && !startOf(from))
            --from;
        m_wanted.append(page); // asked again once the anchors are in
        requestAnchors(from, page);
        return;
    }
    // Nothing looked at is missing: find the rest of the anchors meanwhile, a chunk at a time, so that a
    // jump anywhere later is one page read. Pages asked for go first (one chunk is a few milliseconds).
    if (m_matchCount && !m_atEnd && m_anchorsUpTo < pages - 1) {
        requestAnchors(m_anchorsUpTo, pages - 1);
        m_inBackground = true;
    }
}

void MessageTableModel::requestAnchors(int fromPage, int toPage)
{
    const Store::PageAnchor start = *startOf(fromPage);
    MessagePageRequest request;
    request.selection = selection();
    request.sort = m_sort;
    request.descending = m_descending;
    request.afterId = start.id;
    request.afterKey = start.key;
    request.limit = std::min(kAnchorsPerScan, toPage - fromPage);

    m_inFlight = true;
    const quint64 generation = m_generation;
    m_storeThread->post(
        this, [request](Store &store) { return store.pageAnchors(request, kPageSize); },
        [this, generation, fromPage, asked = request.limit](Result<QList<Store::PageAnchor>> anchors) {
            if (generation != m_generation)
                return;
            m_inFlight = false;
            m_inBackground = false;
            if (!anchors) {
                m_error = anchors.errorString();
                Q_EMIT loadFailed(m_error);
                return;
            }
            for (qsizetype i = 0; i < anchors->size(); ++i)
                m_anchors.insert(fromPage + 1 + int(i), anchors->at(i));
            // Scans go forward from a known start, so the anchors up to here have no gap.
            if (fromPage <= m_anchorsUpTo)
                m_anchorsUpTo = std::max(m_anchorsUpTo, fromPage + int(anchors->size()));
            if (anchors->size() < asked) {
                // The listing ends before the page looked for: the rows after it are gone.
                m_atEnd = true;
                setSnapshotRows(std::min(m_snapshotRows, int(fromPage + 1 + anchors->size()) * kPageSize));
            }
            afterRequest();
            pump();
        });
}

void MessageTableModel::requestPage(int page)
{
    const Store::PageAnchor start = *startOf(page);
    MessagePageRequest request;
    request.selection = selection();
    request.sort = m_sort;
    request.afterId = start.id;
    request.afterKey = start.key;
    request.limit = kPageSize;
    request.descending = m_descending;

    m_inFlight = true;
    const quint64 generation = m_generation;
    m_storeThread->post(
        this, [request](Store &store) { return store.listMessages(request); },
        [this, generation, page](Result<QList<Message>> rows) {
            if (generation != m_generation)
                return;
            if (!rows) {
                m_inFlight = false;
                m_error = rows.errorString();
                Q_EMIT loadFailed(m_error);
                afterRequest();
                return;
            }
            // Still "in flight" while the rows go in: views call fetchMore() from the insert signals.
            storePage(page, std::move(rows).value());
            m_inFlight = false;
            afterRequest();
            pump();
        });
}

void MessageTableModel::storePage(int page, QList<Message> rows)
{
    const int count = int(rows.size());
    const int first = page * kPageSize;
    const int head = int(m_head.size());
    Page &stored = m_pages[page];
    stored.rows = std::move(rows);
    stored.used = ++m_tick;
    if (count < kPageSize) {
        // The listing ends in this page, whatever the count said.
        m_atEnd = true;
        if (first + count < m_snapshotRows)
            setSnapshotRows(first + count);
    }
    if (first + count > m_snapshotRows)
        setSnapshotRows(first + count); // before the count, or more than it: the rows are there
    else if (count > 0)
        Q_EMIT dataChanged(index(head + first, 0), index(head + first + count - 1, ColumnCount - 1));
    evict();
    Q_EMIT pageLoaded(head + first, count);
}

void MessageTableModel::evict()
{
    if (m_pages.size() <= kMaxCachedPages)
        return;
    QList<std::pair<quint64, int>> byUse;
    byUse.reserve(m_pages.size());
    for (auto it = m_pages.cbegin(); it != m_pages.cend(); ++it)
        byUse.append({it->used, it.key()});
    std::sort(byUse.begin(), byUse.end());
    const qsizetype drop = byUse.size() - kMaxCachedPages;
    for (qsizetype i = 0; i < drop; ++i) {
        const int page = byUse.at(i).second;
        const Page &p = m_pages.value(page);
        // Where the next page starts is kept: reading it again needs no scan.
        if (p.rows.size() == kPageSize && !m_anchors.contains(page + 1))
            m_anchors.insert(page + 1, Store::PageAnchor{sortKey(p.rows.constLast(), m_sort), p.rows.constLast().id});
        m_pages.remove(page);
    }
}

bool MessageTableModel::canFetchMore(const QModelIndex &parent) const
{
    // Before the count (or past it): the next page after a full last one may hold more rows.
    if (parent.isValid() || !m_storeThread || m_queue.isEmpty() || m_inFlight || m_refreshing || m_atEnd || !m_error.isEmpty())
        return false;
    if (m_snapshotRows % kPageSize != 0)
        return false;
    return m_snapshotRows == 0 ? !m_pages.contains(0) : m_pages.contains(m_snapshotRows / kPageSize - 1);
}

void MessageTableModel::fetchMore(const QModelIndex &parent)
{
    if (!canFetchMore(parent))
        return;
    const int page = m_snapshotRows / kPageSize;
    if (startOf(page))
        requestPage(page);
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
    if (rowCount() == 0) {
        // Nothing on screen to keep in place: the newest page is the refresh.
        m_atEnd = false;
        m_error.clear();
        m_pages.remove(0);
        m_wanted.append(0);
        pump();
        return;
    }
    requestRefresh(firstRow, lastRow);
}

void MessageTableModel::requestRefresh(int firstRow, int lastRow)
{
    QList<qint64> ids;
    firstRow = std::max(firstRow, 0);
    lastRow = std::min(lastRow, rowCount() - 1);
    for (int row = firstRow; row <= lastRow; ++row)
        if (const Message *m = rowMessage(row))
            ids << m->id;
    const MessageSelection selection = this->selection();
    // Only newest first are new messages on top; in another order they belong somewhere in the middle,
    // and the next start-over shows them.
    const Message *top = rowMessage(0);
    const qint64 newest = m_sort == MessageSort::Id && m_descending && top ? top->id : 0;

    m_refreshing = true;
    const quint64 generation = m_generation;
    m_storeThread->post(
        this,
        [selection, newest, ids, firstRow, lastRow](Store &store) -> Result<Refreshed> {
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
            same.selection = selection;
            same.selection.ids = ids;
            same.limit = int(ids.size());
            same.descending = true;
            auto rows = store.listMessages(same);
            if (!rows)
                return rows.error();
            answer.firstRow = firstRow;
            answer.lastRow = lastRow;
            answer.askedIds = ids;
            answer.rows = std::move(rows).value();
            return answer;
        },
        [this, generation](Result<Refreshed> answer) {
            if (generation != m_generation)
                return;
            // A refresh that fails leaves the rows as they were: they are still what the store said last,
            // and the next delivery asks again. Pages report their errors; a refresh adds nothing to show.
            if (answer)
                applyRefresh(std::move(answer).value());
            m_refreshing = false;
            afterRequest();
            pump();
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
    const QSet<qint64> asked(answer.askedIds.cbegin(), answer.askedIds.cend());

    // Only the rows asked about, not all of a table of millions: nothing inserts or removes rows while a
    // refresh is out (pages wait for it), so they are where they were; the id check guards that.
    int changed = 0;
    int removed = 0;
    int firstChanged = -1;
    int lastChanged = -1;
    for (int row = answer.firstRow; row <= std::min(answer.lastRow, rowCount() - 1); ++row) {
        Message *m = rowMessage(row);
        if (!m || !asked.contains(m->id))
            continue;
        const auto it = current.constFind(m->id);
        if (it == current.cend()) {
            // Gone from the store (retention, cleanup) or from the filter: marked, not removed, so that
            // the rows below keep their place.
            if (m_gone.contains(m->id))
                continue;
            m_gone.insert(m->id);
            ++removed;
        } else if (!sameOnScreen(*m, answer.rows.at(*it))) {
            *m = answer.rows.at(*it);
            m_gone.remove(m->id);
            ++changed;
        } else {
            continue;
        }
        if (firstChanged < 0)
            firstChanged = row;
        lastChanged = row;
    }
    if (firstChanged >= 0)
        Q_EMIT dataChanged(index(firstChanged, 0), index(lastChanged, ColumnCount - 1));

    const int inserted = int(answer.newer.size());
    if (inserted > 0) {
        beginInsertRows({}, 0, inserted - 1);
        m_head = std::move(answer.newer) + m_head;
        endInsertRows();
        if (m_matchCount) {
            m_matchCount = *m_matchCount + inserted;
            Q_EMIT matchCountChanged();
        }
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

int MessageTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_head.size()) + m_snapshotRows;
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
    const int column = index.column();
    const Message *loaded = rowMessage(index.row());
    if (!loaded) {
        // A placeholder until its page is in; asking for it is what loads the page.
        const int row = index.row() - int(m_head.size());
        want(row / kPageSize);
        if (role == Qt::DisplayRole && column == IdColumn)
            return QStringLiteral("…");
        if (role == Qt::ForegroundRole)
            return QGuiApplication::palette().color(QPalette::PlaceholderText);
        if (role == Qt::ToolTipRole)
            return tr("Loading…");
        return {};
    }
    const Message &m = *loaded;
    if (index.row() >= m_head.size()) {
        const auto it = m_pages.constFind((index.row() - int(m_head.size())) / kPageSize);
        if (it != m_pages.cend())
            it->used = ++m_tick; // shown: the last page to be evicted
    }
    const bool gone = m_gone.contains(m.id);

    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case IdColumn: return QString::number(m.id); // no digit grouping: ids are looked up, not read as amounts
        case TypeColumn: return m.type;
        case ChannelColumn: return m.channel;
        case RecipientColumn: return m.recipient.isEmpty() ? tr("(none)") : m.recipient;
        case StateColumn: return gone ? tr("gone") : stateName(m.state);
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
        case StateColumn: return gone ? tr("No longer in the store or no longer matching the filter (was %1)").arg(stateName(m.state)) : QVariant();
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
        if (gone)
            return QGuiApplication::palette().color(QPalette::PlaceholderText);
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
    case ChannelColumn: return tr("Channel");
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
