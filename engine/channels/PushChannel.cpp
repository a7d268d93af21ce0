#include "PushChannel.h"

#include "TemplateRenderer.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace herald {

PushChannel::PushChannel(ChannelConfig config, QNetworkAccessManager *network, QString secret)
    : HttpChannel(std::move(config), network, std::move(secret))
{
    setProviderIdField(QStringLiteral("name"));
}

void PushChannel::deliver(const Delivery &delivery, Done done)
{
    const Ticket ticket = begin(delivery.message.id, std::move(done));
    const Message &m = delivery.message;
    if (m.recipient.trimmed().isEmpty()) {
        finishLater(ticket, DeliveryOutcome::permanent(
                                QStringLiteral("message %1 has no device token; give the push subscription's token as the recipient").arg(m.id)));
        return;
    }
    const auto payload = TemplateRenderer::payloadOf(m);
    if (!payload) {
        finishLater(ticket, DeliveryOutcome::permanent(payload.errorString()));
        return;
    }
    const auto content = TemplateRenderer::render(m);
    if (!content) {
        finishLater(ticket, DeliveryOutcome::permanent(content.errorString()));
        return;
    }

    QJsonObject message{{QStringLiteral("token"), m.recipient}};
    if (!content->subject.isEmpty() || !content->text.isEmpty())
        message.insert(QStringLiteral("notification"),
                       QJsonObject{{QStringLiteral("title"), content->subject}, {QStringLiteral("body"), content->text}});
    QJsonObject data;
    const QJsonObject given = payload->value(QLatin1String("data")).toObject();
    for (auto it = given.constBegin(); it != given.constEnd(); ++it)
        if (!it.value().isNull())
            data.insert(it.key(), TemplateRenderer::textOf(it.value()));
    if (!data.isEmpty())
        message.insert(QStringLiteral("data"), data);
    const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("message"), message}}).toJson(QJsonDocument::Compact);

    QNetworkRequest request = newRequest(delivery, QByteArrayLiteral("application/json"));
    if (!secret().isEmpty())
        request.setRawHeader("Authorization", "Bearer " + secret().toUtf8());
    post(ticket, request, body, renderedRecord(delivery, *content, body));
}

DeliveryOutcome PushChannel::interpret(const HttpClassifier::Answer &answer) const
{
    DeliveryOutcome outcome = HttpChannel::interpret(answer);
    if (outcome.kind == DeliveryOutcome::Kind::Success)
        return outcome;
    const bool gone = answer.status == 404 || answer.status == 410;
    // FCM answers an unregistered token with 404 and errorCode UNREGISTERED; other gateways use 400 or 410.
    const bool unregistered = answer.status >= 400 && answer.body.contains("UNREGISTERED");
    if (gone || unregistered) {
        DeliveryOutcome stale = DeliveryOutcome::permanent(
            QStringLiteral("the device token is no longer registered (%1); remove the subscription").arg(outcome.error), answer.status);
        stale.staleRecipient = true;
        return stale;
    }
    return outcome;
}

} // namespace herald
