#include "MessageJson.h"

#include "QueueConfig.h"
#include "TextInput.h"
#include "TimeText.h"

#include <QIODevice>
#include <QJsonDocument>
#include <QSet>

namespace herald {

namespace {

QJsonValue optionalTime(const std::optional<qint64> &t)
{
    return t ? QJsonValue(formatTimestamp(*t)) : QJsonValue(QJsonValue::Null);
}

QJsonValue optionalText(const QString &s)
{
    return s.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(s);
}

const QSet<QString> &inputKeys()
{
    static const QSet<QString> keys{QStringLiteral("queue"),    QStringLiteral("type"),       QStringLiteral("channel"),
                                    QStringLiteral("recipient"), QStringLiteral("priority"),   QStringLiteral("run_at"),
                                    QStringLiteral("delay"),     QStringLiteral("max_attempts"), QStringLiteral("dedupe_key"),
                                    QStringLiteral("labels"),    QStringLiteral("payload")};
    return keys;
}

const QSet<QString> &storedOnlyKeys()
{
    static const QSet<QString> keys{QStringLiteral("id"),         QStringLiteral("state"),       QStringLiteral("created_at"),
                                    QStringLiteral("updated_at"), QStringLiteral("started_at"),  QStringLiteral("finished_at"),
                                    QStringLiteral("attempts"),   QStringLiteral("last_error"),  QStringLiteral("provider_message_id"),
                                    QStringLiteral("stalls")};
    return keys;
}

Error fieldError(const QString &field, const QString &problem)
{
    return Error::badInput(QStringLiteral("field '%1': %2").arg(field, problem));
}

Result<QString> textField(const QJsonObject &o, const QString &key)
{
    const QJsonValue v = o.value(key);
    if (v.isUndefined() || v.isNull())
        return QString();
    if (!v.isString())
        return fieldError(key, QStringLiteral("must be a string"));
    if (auto s = checkPlainText(key, v.toString()); !s)
        return fieldError(key, s.errorString().mid(key.size() + 1));
    return v.toString();
}

} // namespace

QJsonObject messageToJson(const Message &m)
{
    QJsonObject labels;
    for (auto it = m.labels.cbegin(); it != m.labels.cend(); ++it)
        labels.insert(it.key(), it.value());
    QJsonParseError err{};
    const QJsonDocument payload = QJsonDocument::fromJson(m.payload, &err);
    return QJsonObject{
        {QStringLiteral("id"), m.id},
        {QStringLiteral("queue"), m.queue},
        {QStringLiteral("type"), m.type},
        {QStringLiteral("channel"), m.channel},
        {QStringLiteral("recipient"), optionalText(m.recipient)},
        {QStringLiteral("priority"), m.priority},
        {QStringLiteral("state"), stateName(m.state)},
        {QStringLiteral("run_at"), formatTimestamp(m.runAt)},
        {QStringLiteral("created_at"), formatTimestamp(m.createdAt)},
        {QStringLiteral("started_at"), optionalTime(m.startedAt)},
        {QStringLiteral("finished_at"), optionalTime(m.finishedAt)},
        {QStringLiteral("attempts"), m.attempts},
        {QStringLiteral("max_attempts"), m.maxAttempts},
        {QStringLiteral("dedupe_key"), optionalText(m.dedupeKey)},
        {QStringLiteral("labels"), labels},
        {QStringLiteral("payload"), payload.isObject() ? QJsonValue(payload.object()) : QJsonValue(QJsonObject())},
        {QStringLiteral("last_error"), optionalText(m.lastError)},
        {QStringLiteral("provider_message_id"), optionalText(m.providerMessageId)},
    };
}

Result<NewMessage> newMessageFromJson(const QJsonObject &o, const QString &defaultQueue, qint64 nowMs)
{
    for (auto it = o.begin(); it != o.end(); ++it) {
        if (!inputKeys().contains(it.key()) && !storedOnlyKeys().contains(it.key()))
            return Error::badInput(QStringLiteral("unknown field '%1'; the fields are queue, type, channel, recipient, priority, "
                                                  "run_at or delay, max_attempts, dedupe_key, labels, payload")
                                       .arg(it.key()));
    }
    NewMessage m;
    auto queue = textField(o, QStringLiteral("queue"));
    if (!queue)
        return queue.error();
    m.queue = queue->isEmpty() ? defaultQueue : *queue;
    if (m.queue.isEmpty())
        return fieldError(QStringLiteral("queue"), QStringLiteral("missing; give it on the line or with --queue"));
    if (auto s = QueueConfig::validateName(m.queue); !s)
        return fieldError(QStringLiteral("queue"), s.errorString());

    auto type = textField(o, QStringLiteral("type"));
    if (!type)
        return type.error();
    m.type = type->trimmed();
    if (m.type.isEmpty())
        return fieldError(QStringLiteral("type"), QStringLiteral("missing; name the kind of message, e.g. \"speaker_alert\""));

    auto channel = textField(o, QStringLiteral("channel"));
    if (!channel)
        return channel.error();
    m.channel = *channel;
    if (!m.channel.isEmpty()) {
        if (auto s = validateChannelName(m.channel); !s)
            return fieldError(QStringLiteral("channel"), s.errorString());
    }

    auto recipient = textField(o, QStringLiteral("recipient"));
    if (!recipient)
        return recipient.error();
    m.recipient = recipient->trimmed();

    if (const QJsonValue p = o.value(QStringLiteral("priority")); !p.isUndefined() && !p.isNull()) {
        const double d = p.toDouble(-1);
        if (!p.isDouble() || d != double(qint64(d)) || d < kHighestPriority || d > kLowestPriority)
            return fieldError(QStringLiteral("priority"), QStringLiteral("%1 is out of range; use a whole number from 1 (most urgent) to 10")
                                                              .arg(p.toVariant().toString()));
        m.priority = int(d);
    }

    const QJsonValue runAt = o.value(QStringLiteral("run_at"));
    const QJsonValue delay = o.value(QStringLiteral("delay"));
    const bool hasRunAt = !runAt.isUndefined() && !runAt.isNull();
    const bool hasDelay = !delay.isUndefined() && !delay.isNull();
    if (hasRunAt && hasDelay)
        return fieldError(QStringLiteral("run_at"), QStringLiteral("give run_at or delay, not both"));
    m.runAt = nowMs;
    if (hasRunAt) {
        if (!runAt.isString())
            return fieldError(QStringLiteral("run_at"), QStringLiteral("must be an ISO 8601 string, e.g. \"2026-11-24T09:30:00Z\""));
        auto t = parseTimestamp(runAt.toString(), nowMs);
        if (!t)
            return fieldError(QStringLiteral("run_at"), t.errorString());
        m.runAt = *t;
    } else if (hasDelay) {
        qint64 ms = -1;
        if (delay.isString()) {
            auto d = parseDuration(delay.toString());
            if (!d)
                return fieldError(QStringLiteral("delay"), d.errorString());
            ms = *d;
        } else if (delay.isDouble() && delay.toDouble() >= 0) {
            ms = qint64(delay.toDouble());
        } else {
            return fieldError(QStringLiteral("delay"), QStringLiteral("must be a duration such as \"15m\" or milliseconds"));
        }
        m.runAt = nowMs + ms;
    }

    if (const QJsonValue a = o.value(QStringLiteral("max_attempts")); !a.isUndefined() && !a.isNull()) {
        const double d = a.toDouble(-1);
        if (!a.isDouble() || d != double(qint64(d)) || d < 1 || d > 1000)
            return fieldError(QStringLiteral("max_attempts"), QStringLiteral("use a whole number from 1 to 1000"));
        m.maxAttempts = int(d);
    }

    auto dedupe = textField(o, QStringLiteral("dedupe_key"));
    if (!dedupe)
        return dedupe.error();
    m.dedupeKey = *dedupe;

    if (const QJsonValue l = o.value(QStringLiteral("labels")); !l.isUndefined() && !l.isNull()) {
        if (!l.isObject())
            return fieldError(QStringLiteral("labels"), QStringLiteral("must be an object of names to values, e.g. {\"event\": \"41\"}"));
        const QJsonObject lo = l.toObject();
        for (auto it = lo.begin(); it != lo.end(); ++it) {
            if (it.key().isEmpty())
                return fieldError(QStringLiteral("labels"), QStringLiteral("a label name is empty"));
            if (it->isString())
                m.labels.insert(it.key(), it->toString());
            else if (it->isDouble() && it->toDouble() == double(qint64(it->toDouble())))
                m.labels.insert(it.key(), QString::number(qint64(it->toDouble())));
            else
                return fieldError(QStringLiteral("labels"), QStringLiteral("the value of '%1' must be a string or a whole number").arg(it.key()));
        }
    }

    if (const QJsonValue p = o.value(QStringLiteral("payload")); !p.isUndefined() && !p.isNull()) {
        if (!p.isObject())
            return fieldError(QStringLiteral("payload"), QStringLiteral("must be a JSON object"));
        m.payload = QJsonDocument(p.toObject()).toJson(QJsonDocument::Compact);
    }
    return m;
}

JsonLinesBatch parseJsonLines(QIODevice &input, const QString &sourceName, const QString &defaultQueue, qint64 nowMs)
{
    JsonLinesBatch batch;
    int lineNo = 0;
    while (!input.atEnd()) {
        const QByteArray line = input.readLine().trimmed();
        ++lineNo;
        if (line.isEmpty())
            continue;
        ++batch.lines;
        const QString where = QStringLiteral("%1:%2: ").arg(sourceName).arg(lineNo);
        QJsonParseError err{};
        const QJsonDocument doc = QJsonDocument::fromJson(line, &err);
        if (err.error != QJsonParseError::NoError) {
            batch.errors << where + QStringLiteral("not valid JSON (%1 at column %2); each line must be one JSON object")
                                        .arg(err.errorString())
                                        .arg(err.offset + 1);
            continue;
        }
        if (!doc.isObject()) {
            batch.errors << where + QStringLiteral("not a JSON object; each line must be one object such as {\"type\": \"reminder\"}");
            continue;
        }
        auto m = newMessageFromJson(doc.object(), defaultQueue, nowMs);
        if (!m)
            batch.errors << where + m.errorString();
        else
            batch.messages << std::move(m).value();
    }
    return batch;
}

Result<Labels> parseLabelArgument(const QStringList &keyValues)
{
    Labels labels;
    for (const QString &kv : keyValues) {
        const qsizetype eq = kv.indexOf(QLatin1Char('='));
        if (eq <= 0)
            return Error::badInput(QStringLiteral("label '%1' is not KEY=VALUE; write e.g. --label event=41").arg(kv));
        labels.insert(kv.left(eq).trimmed(), kv.mid(eq + 1).trimmed());
    }
    return labels;
}

} // namespace herald
