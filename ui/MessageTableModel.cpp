#include "MessageTableModel.h"

#include "model/MessageSelection.h"
#include "model/TimeText.h"
#include "store/StoreThread.h"

#include <QColor>
#include <QDateTime>
#include <QGuiApplication>
#include <QPalette>
#include <QStringList>

#include <cstdlib>

namespace herald {

namespace {

// Minutes are what an operator scans for; the tooltip has the seconds.
QString localTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("yyyy-MM-dd HH:mm"));
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

} // namespace

MessageTableModel::MessageTableModel(QObject *parent) : QAbstractTableModel(parent) {}

MessageTableModel::~MessageTableModel() = default;

StoreThread *MessageTableModel::storeThread() const
{
    return m_storeThread;
}

void MessageTableModel::setStoreThread(StoreThread *storeThread)
{
    beginResetModel();
    m_storeThread = storeThread;
    m_queue.clear();
    m_rows.clear();
    ++m_generation;
    m_inFlight = false;
    m_atEnd = false;
    m_error.clear();
    endResetModel();
}

void MessageTableModel::setQueue(const QString &queue)
{
    beginResetModel();
    m_queue = queue;
    m_rows.clear();
    ++m_generation;
    m_inFlight = false;
    m_atEnd = false;
    m_error.clear();
    endResetModel();
    requestPage();
}

bool MessageTableModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && m_storeThread && !m_queue.isEmpty() && !m_inFlight && !m_atEnd && m_error.isEmpty();
}

void MessageTableModel::fetchMore(const QModelIndex &parent)
{
    if (canFetchMore(parent))
        requestPage();
}

void MessageTableModel::requestPage()
{
    if (!m_storeThread || m_queue.isEmpty() || m_inFlight || m_atEnd)
        return;
    MessagePageRequest request;
    request.selection.queue = m_queue;
    request.afterId = m_rows.isEmpty() ? 0 : m_rows.constLast().id;
    request.limit = kPageSize;
    request.descending = true;

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
        case RunAtColumn: return localTime(m.runAt);
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
                .arg(preciseLocalTime(m.runAt), formatTimestamp(m.runAt), relativeTime(m.runAt, QDateTime::currentMSecsSinceEpoch()));
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
