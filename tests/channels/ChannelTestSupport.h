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

// Records every call of a channel's done. The callback shares the record, so a late call cannot touch
// a probe that is gone.
class DoneProbe
{
public:
    Channel::Done callback()
    {
        return [state = m_state](DeliveryOutcome o) {
            ++state->calls;
            state->outcome = std::move(o);
        };
    }
    int calls() const { return m_state->calls; }
    const std::optional<DeliveryOutcome> &outcome() const { return m_state->outcome; }
    // For failure messages: what the channel said.
    QByteArray describe() const { return outcome() ? outcome()->error.toUtf8() : QByteArrayLiteral("(no outcome)"); }

private:
    struct State
    {
        int calls = 0;
        std::optional<DeliveryOutcome> outcome;
    };
    std::shared_ptr<State> m_state = std::make_shared<State>();
};

// Declares `var` and fills it from one delivery, running the event loop until done is called.
#define HERALD_DELIVER(channel, delivery, var)                                                                                        \
    DeliveryOutcome var;                                                                                                               \
    {                                                                                                                                  \
        DoneProbe probe_;                                                                                                              \
        (channel).deliver((delivery), probe_.callback());                                                                              \
        QTRY_VERIFY_WITH_TIMEOUT(probe_.calls() > 0, 20'000);                                                                          \
        QCOMPARE(probe_.calls(), 1);                                                                                                   \
        var = *probe_.outcome();                                                                                                       \
    }

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
