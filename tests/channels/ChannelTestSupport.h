#pragma once

// What every channel test needs: a delivery to hand over and a probe recording how done was called.
#include "channels/Channel.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QMetaObject>
#include <QTest>

#include <memory>
#include <optional>

namespace herald {

inline char *toString(DeliveryOutcome::Kind kind)
{
    switch (kind) {
    case DeliveryOutcome::Kind::Success: return qstrdup("Success");
    case DeliveryOutcome::Kind::Retryable: return qstrdup("Retryable");
    case DeliveryOutcome::Kind::Permanent: return qstrdup("Permanent");
    case DeliveryOutcome::Kind::Suppressed: return qstrdup("Suppressed");
    }
    return qstrdup("?");
}

// Records every call of a channel's done.
struct DoneProbe
{
    int calls = 0;
    std::optional<DeliveryOutcome> outcome;

    Channel::Done callback()
    {
        return [this](DeliveryOutcome o) {
            ++calls;
            outcome = std::move(o);
        };
    }
    // For failure messages: what the channel said.
    QByteArray describe() const { return outcome ? outcome->error.toUtf8() : QByteArrayLiteral("(no outcome)"); }
};

inline Delivery makeDelivery(qint64 id, const QString &recipient, const QJsonObject &payload, const Labels &labels = {}, int attempt = 1)
{
    Delivery d;
    d.message.id = id;
    d.message.queue = QStringLiteral("event-messages");
    d.message.type = QStringLiteral("speaker_alert");
    d.message.recipient = recipient;
    d.message.payload = QJsonDocument(payload).toJson(QJsonDocument::Compact);
    d.message.labels = labels;
    d.message.attempts = attempt;
    d.idempotencyKey = QStringLiteral("herald-event-messages-%1").arg(id);
    return d;
}

inline QJsonObject jsonObject(const QByteArray &bytes)
{
    return QJsonDocument::fromJson(bytes).object();
}

// A flag set by an event posted now, so it turns true only after everything posted before it has run:
// `QTRY_VERIFY(*marker)` shows that a done which would already have been posted was not.
inline std::shared_ptr<bool> postMarker(QObject *context)
{
    auto reached = std::make_shared<bool>(false);
    QMetaObject::invokeMethod(context, [reached] { *reached = true; }, Qt::QueuedConnection);
    return reached;
}

} // namespace herald
