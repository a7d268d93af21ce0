#include "SendEventSource.h"

#include "email/EmailIntake.h"
#include "email/SesEvent.h"
#include "model/TextInput.h"
#include "model/TimeText.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <array>

namespace herald {

namespace {

// send_event's priorities (0–5, the higher first) onto Herald's (1–10, the lower first): the most urgent
// stays the most urgent, 0 — what the original wrote when none was given — is Herald's default.
constexpr std::array<int, 6> kPriorityTable{10, 7, 5, 3, 2, 1};

const QString kSystem = QStringLiteral("send_event");

// mongoexport writes numbers as plain JSON numbers (relaxed) or {"$numberInt": "3"} (canonical).
std::optional<qint64> mongoInteger(const QJsonValue &v)
{
    if (v.isDouble())
        return qint64(v.toDouble());
    if (v.isObject()) {
        const QJsonObject o = v.toObject();
        for (const char *key : {"$numberInt", "$numberLong"}) {
            bool ok = false;
            const qint64 n = o.value(QLatin1String(key)).toString().toLongLong(&ok);
            if (ok)
                return n;
        }
    }
    if (v.isString()) {
        bool ok = false;
        const qint64 n = v.toString().toLongLong(&ok);
        if (ok)
            return n;
    }
    return std::nullopt;
}

// An id or label value as text: a string, a whole number, an {"$oid": …}.
QString mongoText(const QJsonValue &v)
{
    if (v.isString())
        return v.toString();
    if (v.isObject() && v.toObject().contains(QLatin1String("$oid")))
        return v.toObject().value(QLatin1String("$oid")).toString();
    if (auto n = mongoInteger(v))
        return QString::number(*n);
    return {};
}

// Extended JSON made plain for a payload: {"$date": …} → ISO text, {"$oid": …} → text, numbers → numbers.
QJsonValue plainJson(const QJsonValue &v)
{
    if (v.isArray()) {
        QJsonArray out;
        for (const QJsonValue &e : v.toArray())
            out << plainJson(e);
        return out;
    }
    if (!v.isObject())
        return v;
    const QJsonObject o = v.toObject();
    if (o.size() == 1) {
        if (o.contains(QLatin1String("$oid")))
            return o.value(QLatin1String("$oid"));
        if (o.contains(QLatin1String("$date"))) {
            if (auto t = SesEvent::parseTime(v))
                return formatTimestamp(*t);
        }
        if (o.contains(QLatin1String("$numberInt")) || o.contains(QLatin1String("$numberLong")))
            if (auto n = mongoInteger(v))
                return double(*n);
    }
    QJsonObject out;
    for (auto it = o.begin(); it != o.end(); ++it)
        out.insert(it.key(), plainJson(it.value()));
    return out;
}

// The localization as the template renderer reads it: each locale's `message` also as `body`.
QJsonObject rendererLocalization(const QJsonObject &localization)
{
    QJsonObject out;
    for (auto it = localization.begin(); it != localization.end(); ++it) {
        QJsonObject variant = plainJson(it.value()).toObject();
        if (variant.contains(QLatin1String("message")) && !variant.contains(QLatin1String("body")))
            variant.insert(QStringLiteral("body"), variant.value(QLatin1String("message")));
        out.insert(it.key(), variant);
    }
    return out;
}

struct Times
{
    std::optional<qint64> scheduledAt, createdAt, processedAt, completedAt, failedAt;
};

} // namespace

SendEventSource::SendEventSource(QByteArray content, QString fileName, Target target)
    : m_content(std::move(content)), m_fileName(std::move(fileName)), m_target(std::move(target))
{
}

std::optional<int> SendEventSource::mapPriority(qint64 sourcePriority)
{
    if (sourcePriority < 0 || sourcePriority >= qint64(kPriorityTable.size()))
        return std::nullopt;
    return kPriorityTable[size_t(sourcePriority)];
}

std::optional<MessageState> SendEventSource::mapStatus(const QString &status)
{
    static const QHash<QString, MessageState> table{
        {QStringLiteral("pending"), MessageState::Scheduled},     {QStringLiteral("retry"), MessageState::Scheduled},
        {QStringLiteral("scheduled"), MessageState::Scheduled},   {QStringLiteral("processing"), MessageState::Waiting},
        {QStringLiteral("completed"), MessageState::Completed},   {QStringLiteral("failed"), MessageState::Failed},
    };
    const auto it = table.constFind(status);
    return it == table.cend() ? std::nullopt : std::optional<MessageState>(*it);
}

Result<ImportPlan> SendEventSource::read(const std::atomic_bool *cancel)
{
    ImportPlan plan;
    plan.kind = QStringLiteral("send-event");
    plan.source = m_fileName;
    plan.queue = m_target.queue;
    const QList<EmailIntake::Document> documents = EmailIntake::split(m_content, m_fileName);
    bool anyProcessing = false, anyWithoutStatus = false;
    for (const EmailIntake::Document &d : documents) {
        if (cancel && cancel->load())
            return Error::refused(QStringLiteral("the import of %1 was stopped while reading it; nothing was written").arg(m_fileName));
        ++plan.sourceRecords;
        if (!d.error.isEmpty()) {
            plan.invalid << ImportProblem{d.location, d.error};
            continue;
        }
        const QJsonObject doc = d.object;
        const QString id = mongoText(doc.value(QLatin1String("_id")));
        if (id.isEmpty()) {
            plan.invalid << ImportProblem{d.location, QStringLiteral("the document has no _id, so a second import could not tell it was imported")};
            continue;
        }
        const QString where = QStringLiteral("%1 (%2)").arg(id, d.location);
        QString status = doc.value(QLatin1String("status")).toString();
        QString statusShown = status;
        if (doc.value(QLatin1String("status")).isUndefined() || doc.value(QLatin1String("status")).isNull()) {
            status = QStringLiteral("pending");
            statusShown = QStringLiteral("(no status)");
            anyWithoutStatus = true;
        }
        const auto state = mapStatus(status);
        if (!state) {
            plan.invalid << ImportProblem{where, QStringLiteral("unknown status '%1'").arg(status)};
            continue;
        }
        anyProcessing = anyProcessing || status == QLatin1String("processing");
        Times times;
        bool badDate = false;
        for (const auto &[key, field] : {std::pair<const char *, std::optional<qint64> *>{"scheduled_at", &times.scheduledAt},
                                         {"created_at", &times.createdAt},
                                         {"processed_at", &times.processedAt},
                                         {"completed_at", &times.completedAt},
                                         {"failed_at", &times.failedAt}}) {
            const QJsonValue v = doc.value(QLatin1String(key));
            if (v.isUndefined() || v.isNull())
                continue;
            *field = SesEvent::parseTime(v);
            if (!*field) {
                plan.invalid << ImportProblem{where, QStringLiteral("%1 is not a date: %2")
                                                         .arg(QLatin1String(key),
                                                              QString::fromUtf8(QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact)).mid(1).chopped(1))};
                badDate = true;
                break;
            }
        }
        if (badDate)
            continue;
        const QJsonValue dataValue = doc.value(QLatin1String("data"));
        if (!dataValue.isArray() || dataValue.toArray().isEmpty()) {
            plan.skipped << ImportProblem{where, QStringLiteral("no data[] items to deliver (action '%1')")
                                                     .arg(doc.value(QLatin1String("action")).toString())};
            continue;
        }
        const auto retries = mongoInteger(doc.value(QLatin1String("retry_count")));
        const int retryCount = int(std::max<qint64>(0, retries.value_or(0)));
        const int attempts = isTerminal(*state) ? retryCount + 1 : retryCount;
        const QJsonObject metadata = doc.value(QLatin1String("metadata")).toObject();
        Labels sharedLabels;
        for (const auto &[label, keys] : {std::pair<QString, QStringList>{QStringLiteral("campaign"), {QStringLiteral("campaign_id"), QStringLiteral("campaign")}},
                                          {QStringLiteral("batch"), {QStringLiteral("batch_id"), QStringLiteral("batch")}},
                                          {QStringLiteral("source"), {QStringLiteral("source")}}}) {
            for (const QString &key : keys) {
                const QString v = mongoText(metadata.value(key));
                if (!v.isEmpty()) {
                    sharedLabels.insert(label, v);
                    break;
                }
            }
        }
        sharedLabels.insert(QStringLiteral("send_event"), id);
        const QJsonArray items = dataValue.toArray();
        for (qsizetype i = 0; i < items.size(); ++i) {
            const QString itemWhere = QStringLiteral("%1 item %2").arg(where).arg(i + 1);
            if (!items[i].isObject()) {
                plan.invalid << ImportProblem{itemWhere, QStringLiteral("the item is not a JSON object")};
                continue;
            }
            const QJsonObject item = items[i].toObject();
            QJsonArray userIds = item.value(QLatin1String("userIds")).toArray();
            if (userIds.isEmpty() && !item.value(QLatin1String("userId")).isUndefined())
                userIds << item.value(QLatin1String("userId"));
            if (userIds.isEmpty()) {
                plan.skipped << ImportProblem{itemWhere, QStringLiteral("no user ids (userIds is missing or empty)")};
                continue;
            }
            const QJsonValue priorityValue = item.contains(QLatin1String("priority")) ? item.value(QLatin1String("priority"))
                                                                                     : doc.value(QLatin1String("priority"));
            const auto sourcePriority = priorityValue.isUndefined() || priorityValue.isNull() ? std::optional<qint64>(0) : mongoInteger(priorityValue);
            const auto priority = sourcePriority ? mapPriority(*sourcePriority) : std::nullopt;
            if (!priority) {
                plan.invalid << ImportProblem{itemWhere, QStringLiteral("priority %1 is not one of send_event's 0–5")
                                                             .arg(QString::fromUtf8(QJsonDocument(QJsonArray{priorityValue}).toJson(QJsonDocument::Compact)).mid(1).chopped(1))};
                continue;
            }
            QString type = item.value(QLatin1String("eventName")).toString();
            if (type.isEmpty())
                type = doc.value(QLatin1String("message_type")).toString();
            if (type.isEmpty())
                type = doc.value(QLatin1String("action")).toString(QStringLiteral("send_event"));
            const QJsonObject localization = rendererLocalization(item.value(QLatin1String("localization")).toObject());
            QJsonObject payload{{QStringLiteral("event_name"), item.value(QLatin1String("eventName"))},
                                {QStringLiteral("action"), doc.value(QLatin1String("action"))},
                                {QStringLiteral("source"), QJsonObject{{QStringLiteral("system"), kSystem},
                                                                       {QStringLiteral("id"), id},
                                                                       {QStringLiteral("item"), int(i)},
                                                                       {QStringLiteral("status"), status},
                                                                       {QStringLiteral("retry_count"), retryCount}}}};
            if (!localization.isEmpty()) {
                payload.insert(QStringLiteral("localization"), localization);
                const QJsonObject en = localization.value(QLatin1String("en")).toObject();
                for (const char *key : {"title", "body"})
                    if (en.contains(QLatin1String(key)))
                        payload.insert(QLatin1String(key), en.value(QLatin1String(key)));
            }
            for (const char *key : {"eventMeta", "delivery_channels", "channels"}) {
                const QJsonValue v = item.contains(QLatin1String(key)) ? item.value(QLatin1String(key)) : doc.value(QLatin1String(key));
                if (!v.isUndefined() && !v.isNull())
                    payload.insert(QLatin1String(key) == QLatin1String("eventMeta") ? QStringLiteral("event") : QString::fromLatin1(key), plainJson(v));
            }
            if (doc.contains(QLatin1String("message_type")))
                payload.insert(QStringLiteral("message_type"), doc.value(QLatin1String("message_type")));
            QString error;
            if (*state == MessageState::Failed) {
                error = doc.value(QLatin1String("error_message")).toString();
                if (error.isEmpty())
                    error = doc.value(QLatin1String("delivery_result")).toObject().value(QLatin1String("error")).toString();
                if (error.isEmpty())
                    error = QStringLiteral("failed in send_event (no error recorded there)");
            }
            std::optional<qint64> finishedAt;
            if (*state == MessageState::Completed)
                finishedAt = times.completedAt ? times.completedAt : times.processedAt;
            else if (*state == MessageState::Failed)
                finishedAt = times.failedAt ? times.failedAt : times.processedAt;
            const qint64 runAt = times.scheduledAt.value_or(times.createdAt.value_or(0));
            for (qsizetype u = 0; u < userIds.size(); ++u) {
                const QString user = mongoText(userIds[u]);
                if (user.isEmpty()) {
                    plan.invalid << ImportProblem{itemWhere, QStringLiteral("user id %1 is neither a number nor text").arg(u + 1)};
                    continue;
                }
                ImportRow row;
                row.sourceId = QStringLiteral("%1 user %2").arg(itemWhere, user);
                row.sourceStatus = statusShown;
                ImportedMessage &m = row.message;
                m.message.queue = m_target.queue;
                m.message.channel = m_target.channel;
                m.message.type = type;
                m.message.recipient = user;
                QJsonObject userPayload = payload;
                userPayload.insert(QStringLiteral("user_id"), userIds[u].isDouble() ? userIds[u] : QJsonValue(user));
                m.message.payload = QJsonDocument(userPayload).toJson(QJsonDocument::Compact);
                m.message.labels = sharedLabels;
                m.message.labels.insert(QStringLiteral("user"), user);
                m.message.priority = *priority;
                m.message.runAt = runAt;
                m.message.dedupeKey = QStringLiteral("%1:%2:%3:%4").arg(kSystem, id).arg(i).arg(user);
                m.state = *state;
                m.attempts = attempts;
                m.finishedAt = finishedAt;
                m.lastError = error;
                if (auto s = checkPlainText(QStringLiteral("type"), type); !s) {
                    plan.invalid << ImportProblem{row.sourceId, s.errorString()};
                    continue;
                }
                plan.rows << row;
            }
        }
    }
    if (anyProcessing)
        plan.notes << QStringLiteral("documents that were processing are imported waiting and will be sent: they may have been half-sent "
                                     "(at-least-once)");
    if (anyWithoutStatus)
        plan.notes << QStringLiteral("documents without a status are imported as pending");
    return plan;
}

} // namespace herald
