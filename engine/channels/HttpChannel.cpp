#include "HttpChannel.h"

#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>

namespace herald {

HttpChannel::HttpChannel(ChannelConfig config, QNetworkAccessManager *network, QString secret)
    : ChannelBase(std::move(config))
    , m_network(network)
    , m_secret(std::move(secret))
{
}

HttpChannel::~HttpChannel()
{
    cancelAll();
}

QNetworkRequest HttpChannel::newRequest(const Delivery &delivery, const QByteArray &contentType) const
{
    QNetworkRequest request{QUrl(config().url)};
    request.setTransferTimeout(static_cast<int>(config().timeoutMs));
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    request.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
    request.setHeader(QNetworkRequest::UserAgentHeader, QByteArrayLiteral("Herald/" HERALD_VERSION));
    request.setRawHeader("Idempotency-Key", delivery.idempotencyKey.toUtf8());
    return request;
}

void HttpChannel::post(Ticket ticket, const QNetworkRequest &request, const QByteArray &body, const QByteArray &rendered)
{
    QNetworkReply *reply = m_network->post(request, body);
    const QPointer<QNetworkReply> guard(reply);
    setCancel(ticket, [this, guard] {
        if (!guard)
            return;
        // Disconnected first: abort() emits finished at once, and that answer must not reach done.
        disconnect(guard, nullptr, this, nullptr);
        guard->abort();
        guard->deleteLater();
    });
    // Written to the socket: from here a crash may have sent it (Qt 6.3+).
    connect(reply, &QNetworkReply::requestSent, this, [this, ticket] { markReached(ticket); });
    connect(reply, &QNetworkReply::finished, this, [this, ticket, reply, rendered] {
        reply->deleteLater();
        if (!isPending(ticket))
            return;
        DeliveryOutcome outcome = interpret(HttpClassifier::read(reply));
        outcome.rendered = rendered;
        finish(ticket, std::move(outcome));
    });
}

DeliveryOutcome HttpChannel::interpret(const HttpClassifier::Answer &answer) const
{
    DeliveryOutcome outcome = HttpClassifier::classify(answer, config().timeoutMs);
    if (outcome.kind == DeliveryOutcome::Kind::Success) {
        outcome.providerMessageId = HttpClassifier::jsonText(answer.body, m_providerIdField);
        if (outcome.providerMessageId.isEmpty())
            outcome.providerMessageId = QString::fromUtf8(answer.header("X-Request-Id"));
        outcome.responseCode = answer.status;
    }
    return outcome;
}

QByteArray HttpChannel::renderedRecord(const Delivery &delivery, const RenderedContent &content, const QByteArray &requestBody) const
{
    QJsonObject record{
        {QStringLiteral("channel"), config().name},
        {QStringLiteral("kind"), ChannelConfig::kindName(config().kind)},
        {QStringLiteral("to"), delivery.message.recipient},
        {QStringLiteral("subject"), content.subject},
        {QStringLiteral("text"), content.text},
        {QStringLiteral("html"), content.html},
        {QStringLiteral("locale"), content.locale},
    };
    const QJsonDocument asJson = QJsonDocument::fromJson(requestBody);
    if (asJson.isObject())
        record.insert(QStringLiteral("request"), asJson.object());
    else
        record.insert(QStringLiteral("request"), QString::fromUtf8(requestBody));
    return QJsonDocument(record).toJson(QJsonDocument::Compact);
}

} // namespace herald
