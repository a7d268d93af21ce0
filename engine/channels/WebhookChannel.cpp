#include "WebhookChannel.h"

#include "TemplateRenderer.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageAuthenticationCode>

namespace herald {

WebhookChannel::WebhookChannel(ChannelConfig config, QNetworkAccessManager *network, QString secret)
    : HttpChannel(std::move(config), network, std::move(secret))
    , m_signatureHeader(this->config().options.value(QLatin1String("signature_header")).toString(QStringLiteral("X-Herald-Signature")).toLatin1())
{
}

QByteArray WebhookChannel::signature(const QByteArray &timestamp, const QByteArray &body, const QByteArray &secret)
{
    return "sha256=" + QMessageAuthenticationCode::hash(timestamp + '.' + body, secret, QCryptographicHash::Sha256).toHex();
}

QJsonObject WebhookChannel::requestJson(const Message &m, const QJsonObject &payload, const RenderedContent &content)
{
    QJsonObject labels;
    for (auto it = m.labels.cbegin(); it != m.labels.cend(); ++it)
        labels.insert(it.key(), it.value());
    return QJsonObject{
        {QStringLiteral("id"), m.id},
        {QStringLiteral("queue"), m.queue},
        {QStringLiteral("type"), m.type},
        {QStringLiteral("recipient"), m.recipient},
        {QStringLiteral("content"),
         QJsonObject{{QStringLiteral("subject"), content.subject},
                     {QStringLiteral("text"), content.text},
                     {QStringLiteral("html"), content.html},
                     {QStringLiteral("locale"), content.locale}}},
        {QStringLiteral("payload"), payload},
        {QStringLiteral("labels"), labels},
        {QStringLiteral("attempt"), m.attempts},
    };
}

void WebhookChannel::deliver(const Delivery &delivery, Done done)
{
    const Ticket ticket = begin(delivery.message.id, std::move(done));
    const Message &m = delivery.message;
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
    const QJsonObject json = requestJson(m, *payload, *content);
    const QByteArray body = QJsonDocument(json).toJson(QJsonDocument::Compact);

    QNetworkRequest request = newRequest(delivery, QByteArrayLiteral("application/json"));
    const QByteArray timestamp = QByteArray::number(QDateTime::currentSecsSinceEpoch());
    request.setRawHeader("X-Herald-Timestamp", timestamp);
    if (!secret().isEmpty())
        request.setRawHeader(m_signatureHeader, signature(timestamp, body, secret().toUtf8()));
    post(ticket, request, body, renderedRecord(delivery, *content, body));
}

} // namespace herald
