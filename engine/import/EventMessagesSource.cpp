#include "EventMessagesSource.h"

#include "model/TextInput.h"
#include "model/TimeText.h"
#include "model/ZonedTime.h"
#include "store/LegacyTable.h"

#include <QDateTime>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlField>

namespace herald {

namespace {

const QString kSystem = QStringLiteral("event_messages");

// The priorities the BullMQ queue gave each message type (1 the most urgent, 10 its default).
const QHash<QString, int> &typePriorities()
{
    static const QHash<QString, int> table{
        {QStringLiteral("check_in_reminder_event_start"), 1}, {QStringLiteral("speaker_alert"), 2},
        {QStringLiteral("check_in_reminder_1_hour"), 3},      {QStringLiteral("sponsor_recommendation"), 5},
        {QStringLiteral("pcr_request"), 7},                   {QStringLiteral("check_in_reminder_night_before"), 8},
    };
    return table;
}

QString text(const QSqlRecord &r, const char *column)
{
    const int i = r.indexOf(QLatin1String(column));
    return i < 0 || r.isNull(i) ? QString() : r.value(i).toString();
}

bool has(const QSqlRecord &r, const char *column)
{
    const int i = r.indexOf(QLatin1String(column));
    return i >= 0 && !r.isNull(i);
}

} // namespace

const QStringList &EventMessagesSource::requiredColumns()
{
    static const QStringList columns{QStringLiteral("id"),          QStringLiteral("event_id"),        QStringLiteral("contractor_id"),
                                     QStringLiteral("message_type"), QStringLiteral("scheduled_time"), QStringLiteral("status"),
                                     QStringLiteral("message_content"), QStringLiteral("phone"),        QStringLiteral("channel")};
    return columns;
}

EventMessagesSource::EventMessagesSource(std::unique_ptr<LegacyTable> table, QTimeZone sourceZone, Target target)
    : m_table(std::move(table)), m_zone(std::move(sourceZone)), m_target(std::move(target))
{
}

EventMessagesSource::~EventMessagesSource() = default;

std::optional<MessageState> EventMessagesSource::mapStatus(const QString &status)
{
    static const QHash<QString, MessageState> table{
        {QStringLiteral("scheduled"), MessageState::Scheduled},
        {QStringLiteral("sent"), MessageState::Completed},
        {QStringLiteral("failed"), MessageState::Failed},
        {QStringLiteral("cancelled"), MessageState::Cancelled},
    };
    const auto it = table.constFind(status);
    return it == table.cend() ? std::nullopt : std::optional<MessageState>(*it);
}

int EventMessagesSource::priorityForType(const QString &messageType)
{
    return typePriorities().value(messageType, kDefaultPriority);
}

std::optional<qint64> EventMessagesSource::instantOf(const QVariant &value, const QTimeZone &zone)
{
    QDateTime t;
    if (value.metaType().id() == QMetaType::QDateTime)
        t = value.toDateTime();
    else if (value.metaType().id() == QMetaType::QDate)
        t = QDateTime(value.toDate(), QTime(0, 0));
    else
        t = QDateTime::fromString(value.toString().trimmed().replace(QLatin1Char(' '), QLatin1Char('T')), Qt::ISODateWithMs);
    if (!t.isValid())
        return std::nullopt;
    // The driver reads a `timestamp without time zone` as a local wall-clock time: its fields are the
    // source's clock, whatever this machine's zone is.
    if (t.timeSpec() == Qt::LocalTime)
        return zonedInstant(t.date(), t.time(), zone);
    return t.toMSecsSinceEpoch();
}

Result<ImportPlan> EventMessagesSource::read(const std::atomic_bool *cancel)
{
    ImportPlan plan;
    plan.kind = QStringLiteral("event-messages");
    plan.source = m_table->describe();
    plan.queue = m_target.queue;
    if (const QStringList missing = m_table->missingColumns(requiredColumns()); !missing.isEmpty())
        return Error::badInput(QStringLiteral("source %1 does not look like event_messages: it has no column %2; name the right table with "
                                              "--table")
                                   .arg(plan.source, missing.join(QStringLiteral(", "))));
    const QString identityPrefix = QStringLiteral("%1:%2:").arg(kSystem, m_table->table());
    std::optional<qint64> after;
    for (;;) {
        if (cancel && cancel->load())
            return Error::refused(QStringLiteral("the import of %1 was stopped while reading it; nothing was written").arg(plan.source));
        auto page = m_table->rowsAfter(QStringLiteral("id"), after, kPageRows);
        if (!page)
            return page.error();
        if (page->isEmpty())
            break;
        for (const QSqlRecord &r : std::as_const(*page)) {
            ++plan.sourceRecords;
            after = r.value(QStringLiteral("id")).toLongLong();
            const QString id = QString::number(*after);
            const QString where = QStringLiteral("%1 %2").arg(m_table->table(), id);
            const QString status = text(r, "status");
            const auto state = mapStatus(status);
            if (!state) {
                plan.invalid << ImportProblem{where, QStringLiteral("unknown status '%1'").arg(status)};
                continue;
            }
            const auto timeOf = [&](const char *column) -> Result<std::optional<qint64>> {
                if (!has(r, column))
                    return std::optional<qint64>();
                const auto t = instantOf(r.value(QLatin1String(column)), m_zone);
                if (!t)
                    return Error::badInput(QStringLiteral("%1 is not a time: '%2'").arg(QLatin1String(column), r.value(QLatin1String(column)).toString()));
                return std::optional<qint64>(t);
            };
            auto scheduled = timeOf("scheduled_time");
            auto sent = scheduled ? timeOf("actual_send_time") : scheduled;
            auto updated = sent ? timeOf("updated_at") : sent;
            auto created = updated ? timeOf("created_at") : updated;
            if (!created) {
                plan.invalid << ImportProblem{where, created.errorString()};
                continue;
            }
            if (!*scheduled && *state == MessageState::Scheduled) {
                plan.invalid << ImportProblem{where, QStringLiteral("scheduled_time is empty, so there is no time to send it at")};
                continue;
            }
            QJsonObject payload{{QStringLiteral("body"), text(r, "message_content")},
                                {QStringLiteral("message_content"), text(r, "message_content")},
                                {QStringLiteral("source"), QJsonObject{{QStringLiteral("system"), kSystem},
                                                                       {QStringLiteral("table"), m_table->table()},
                                                                       {QStringLiteral("id"), id},
                                                                       {QStringLiteral("status"), status}}}};
            if (has(r, "personalization_data")) {
                const QVariant v = r.value(QStringLiteral("personalization_data"));
                QJsonParseError error{};
                const QJsonDocument d = QJsonDocument::fromJson(v.toString().toUtf8(), &error);
                if (error.error != QJsonParseError::NoError) {
                    plan.invalid << ImportProblem{where, QStringLiteral("personalization_data is not JSON (%1)").arg(error.errorString())};
                    continue;
                }
                payload.insert(QStringLiteral("personalization_data"), d.isObject() ? QJsonValue(d.object()) : QJsonValue(d.array()));
            }
            for (const char *column : {"error_message", "message_category", "ghl_contact_id", "ghl_message_id", "ghl_location_id"})
                if (has(r, column))
                    payload.insert(QLatin1String(column), text(r, column));
            if (has(r, "delay_minutes"))
                payload.insert(QStringLiteral("delay_minutes"), r.value(QStringLiteral("delay_minutes")).toDouble());
            if (*sent)
                payload.insert(QStringLiteral("actual_send_time"), formatTimestamp(**sent));

            ImportRow row;
            row.sourceId = where;
            row.sourceStatus = status;
            ImportedMessage &m = row.message;
            const QString messageType = text(r, "message_type");
            m.message.queue = m_target.queue;
            m.message.channel = m_target.channel.isEmpty() ? text(r, "channel") : m_target.channel;
            m.message.type = messageType.isEmpty() ? kSystem : messageType;
            m.message.recipient = text(r, "phone");
            m.message.payload = QJsonDocument(payload).toJson(QJsonDocument::Compact);
            for (const auto &[label, column] : {std::pair<QString, const char *>{QStringLiteral("event"), "event_id"},
                                                {QStringLiteral("contractor"), "contractor_id"},
                                                // as event plans label the person a message is for
                                                {QStringLiteral("person"), "contractor_id"},
                                                {QStringLiteral("message_type"), "message_type"}})
                if (has(r, column))
                    m.message.labels.insert(label, text(r, column));
            m.message.priority = priorityForType(messageType);
            m.message.runAt = scheduled->value_or(created->value_or(0));
            m.message.dedupeKey = identityPrefix + id;
            m.state = *state;
            switch (*state) {
            case MessageState::Completed:
                m.attempts = 1;
                m.finishedAt = *sent ? *sent : (*updated ? *updated : *scheduled);
                m.providerMessageId = text(r, "ghl_message_id");
                break;
            case MessageState::Failed:
                m.attempts = 1;
                m.finishedAt = *updated ? *updated : *scheduled;
                m.lastError = text(r, "error_message");
                if (m.lastError.isEmpty())
                    m.lastError = QStringLiteral("failed in event_messages (no error_message recorded there)");
                break;
            case MessageState::Cancelled:
                m.finishedAt = *updated ? *updated : *scheduled;
                break;
            default:
                break;
            }
            bool plain = true;
            for (const auto &[field, value] : {std::pair<QString, QString>{QStringLiteral("message_type"), m.message.type},
                                               {QStringLiteral("phone"), m.message.recipient},
                                               {QStringLiteral("channel"), m.message.channel}}) {
                if (auto s = checkPlainText(field, value); !s) {
                    plan.invalid << ImportProblem{where, s.errorString()};
                    plain = false;
                    break;
                }
            }
            if (plain)
                plan.rows << row;
        }
    }
    return plan;
}

} // namespace herald
