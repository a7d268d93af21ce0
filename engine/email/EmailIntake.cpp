#include "EmailIntake.h"

#include "SesEvent.h"
#include "model/TimeText.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

namespace herald {

namespace {

// 1-based line of a byte offset, for errors a person can find in an editor.
int lineOf(const QByteArray &content, qsizetype offset)
{
    return int(content.left(offset).count('\n')) + 1;
}

// mongoexport wrote extended JSON: dates as {"$date": …}. The SNS fields become what SNS sent.
QJsonObject fromMongo(QJsonObject o)
{
    const QJsonValue ts = o.value(QLatin1String("Timestamp"));
    if (ts.isObject()) {
        if (auto t = SesEvent::parseTime(ts))
            o.insert(QStringLiteral("Timestamp"), formatTimestamp(*t));
    }
    return o;
}

EmailIntake::Item invalid(QString reason)
{
    EmailIntake::Item item;
    item.kind = EmailIntake::Item::Kind::Invalid;
    item.reason = std::move(reason);
    return item;
}

EmailIntake::Item ignored(QString reason)
{
    EmailIntake::Item item;
    item.kind = EmailIntake::Item::Kind::Ignored;
    item.reason = std::move(reason);
    return item;
}

} // namespace

QString EmailIntake::contentId(const QJsonObject &sesEvent)
{
    // QJsonObject keeps its keys sorted, so the compact form is the same for the same content.
    return QStringLiteral("sha256:") +
           QString::fromLatin1(QCryptographicHash::hash(QJsonDocument(sesEvent).toJson(QJsonDocument::Compact), QCryptographicHash::Sha256).toHex());
}

QList<EmailIntake::Document> EmailIntake::split(const QByteArray &content, const QString &name)
{
    QList<Document> out;
    const QByteArray trimmed = content.trimmed();
    if (trimmed.isEmpty())
        return out;
    QJsonParseError error{};
    const QJsonDocument whole = QJsonDocument::fromJson(trimmed, &error);
    if (error.error == QJsonParseError::NoError) {
        if (whole.isObject()) {
            out << Document{name, whole.object(), trimmed, {}};
        } else {
            const QJsonArray items = whole.array();
            for (qsizetype i = 0; i < items.size(); ++i) {
                const QString where = QStringLiteral("%1:item %2").arg(name).arg(i + 1);
                if (items[i].isObject())
                    out << Document{where, items[i].toObject(),
                                    QJsonDocument(items[i].toObject()).toJson(QJsonDocument::Compact), {}};
                else
                    out << Document{where, {}, {}, QStringLiteral("not a JSON object")};
            }
        }
        return out;
    }
    // JSON Lines, unless the first line is not a document of its own: then it is one broken document.
    const QList<QByteArray> lines = content.split('\n');
    qsizetype firstLine = 0;
    while (firstLine < lines.size() && lines[firstLine].trimmed().isEmpty())
        ++firstLine;
    QJsonParseError firstError{};
    const QJsonDocument first = QJsonDocument::fromJson(lines.value(firstLine).trimmed(), &firstError);
    if (firstError.error != QJsonParseError::NoError || !first.isObject()) {
        const qsizetype leading = content.indexOf(trimmed.left(1));
        out << Document{QStringLiteral("%1:%2").arg(name).arg(lineOf(content, leading + error.offset)), {}, {},
                        QStringLiteral("not JSON (%1)").arg(error.errorString())};
        return out;
    }
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QByteArray line = lines[i].trimmed();
        if (line.isEmpty())
            continue;
        const QString where = QStringLiteral("%1:%2").arg(name).arg(i + 1);
        QJsonParseError lineError{};
        const QJsonDocument d = QJsonDocument::fromJson(line, &lineError);
        if (lineError.error != QJsonParseError::NoError)
            out << Document{where, {}, {}, QStringLiteral("not JSON (%1 at column %2)").arg(lineError.errorString()).arg(lineError.offset + 1)};
        else if (!d.isObject())
            out << Document{where, {}, {}, QStringLiteral("not a JSON object")};
        else
            out << Document{where, d.object(), line, {}};
    }
    return out;
}

EmailIntake::Item EmailIntake::classifyBytes(const QByteArray &body, const Options &options)
{
    QJsonParseError error{};
    const QJsonDocument d = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError)
        return invalid(QStringLiteral("not JSON (%1 at offset %2)").arg(error.errorString()).arg(error.offset));
    if (!d.isObject())
        return invalid(QStringLiteral("not a JSON object"));
    return classify(d.object(), body, options);
}

EmailIntake::Item EmailIntake::classify(const QJsonObject &document, const QByteArray &raw, const Options &options)
{
    if (SnsMessage::looksLikeEnvelope(document)) {
        const bool stored = document.contains(QLatin1String("_id")) || document.value(QLatin1String("Timestamp")).isObject();
        auto sns = SnsMessage::fromJson(stored ? fromMongo(document) : document);
        if (!sns)
            return invalid(sns.errorString());
        Item item;
        item.envelope = *sns;
        item.stored = stored;
        if (sns->type != SnsMessage::Type::Notification) {
            item.kind = Item::Kind::Notice;
            return item;
        }
        QJsonParseError error{};
        const QJsonDocument inner = QJsonDocument::fromJson(sns->message.toUtf8(), &error);
        if (error.error != QJsonParseError::NoError || !inner.isObject()) {
            Item i = ignored(QStringLiteral("the SNS message %1 carries text, not an SES event: \"%2\"")
                                 .arg(sns->messageId, sns->message.left(80)));
            i.envelope = item.envelope;
            i.stored = stored;
            return i;
        }
        if (!SesEvent::looksLikeSesEvent(inner.object())) {
            Item i = ignored(QStringLiteral("the SNS message %1 carries JSON that is not an SES event (no eventType or notificationType)")
                                 .arg(sns->messageId));
            i.envelope = item.envelope;
            i.stored = stored;
            return i;
        }
        const qint64 snsTime = SesEvent::parseTime(QJsonValue(sns->timestamp)).value_or(options.now);
        auto ses = SesEvent::parse(inner.object(), sns->message.toUtf8(), snsTime);
        if (!ses)
            return invalid(QStringLiteral("SNS message %1: %2").arg(sns->messageId, ses.errorString()));
        item.kind = Item::Kind::Events;
        item.sesType = ses->sesType;
        item.rows = ses->rows;
        for (EmailEventRecord &row : item.rows) {
            row.snsMessageId = sns->messageId;
            row.topicArn = sns->topicArn;
            row.source = options.source;
        }
        return item;
    }
    if (SesEvent::looksLikeSesEvent(document)) {
        if (!options.allowRaw)
            return invalid(QStringLiteral("raw SES JSON without an SNS envelope is accepted only on an endpoint with a token"));
        auto ses = SesEvent::parse(document, raw.isEmpty() ? QJsonDocument(document).toJson(QJsonDocument::Compact) : raw, options.now);
        if (!ses)
            return invalid(ses.errorString());
        Item item;
        item.kind = Item::Kind::Events;
        item.sesType = ses->sesType;
        item.rows = ses->rows;
        const QString id = contentId(document);
        for (EmailEventRecord &row : item.rows) {
            row.snsMessageId = id;
            row.source = options.source;
        }
        return item;
    }
    return invalid(QStringLiteral("neither an SNS message (Type, MessageId) nor an SES event (eventType or notificationType)"));
}

} // namespace herald
