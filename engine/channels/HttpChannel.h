#pragma once

#include "ChannelBase.h"
#include "HttpClassifier.h"
#include "RenderedContent.h"

#include <QJsonObject>
#include <QNetworkRequest>

class QNetworkAccessManager;

namespace herald {

// What the HTTP channels (webhook, sms, push) share: one POST per delivery through the worker thread's
// QNetworkAccessManager, the channel's timeout as the transfer timeout, no redirects followed (a POST
// must not turn into a GET somewhere else), abort by message, and HttpClassifier's classification.
class HttpChannel : public ChannelBase
{
    Q_OBJECT

public:
    ~HttpChannel() override;

protected:
    // network: owned by the worker thread, must outlive this channel.
    HttpChannel(ChannelConfig config, QNetworkAccessManager *network, QString secret);

    const QString &secret() const { return m_secret; }

    // A request to the channel's URL with Content-Type, User-Agent and Idempotency-Key set.
    QNetworkRequest newRequest(const Delivery &delivery, const QByteArray &contentType) const;

    // Sends; when the answer arrives, done gets interpret()'s outcome, carrying rendered.
    void post(Ticket ticket, const QNetworkRequest &request, const QByteArray &body, const QByteArray &rendered);

    // The provider's answer as an outcome. The default: HttpClassifier::classify, and on success the
    // provider id from the JSON field at providerIdField(), else the X-Request-Id header.
    virtual DeliveryOutcome interpret(const HttpClassifier::Answer &answer) const;

    // Dotted path of the provider's message id in a JSON answer; "id" unless set.
    void setProviderIdField(QString path) { m_providerIdField = std::move(path); }

    // {"channel", "kind", "to", "subject", "text", "html", "locale", "request"}: what was sent, minus headers
    // (they carry the secret). request is the body, as JSON when it is JSON.
    QByteArray renderedRecord(const Delivery &delivery, const RenderedContent &content, const QByteArray &requestBody) const;

private:
    QNetworkAccessManager *m_network;
    QString m_secret;
    QString m_providerIdField = QStringLiteral("id");
};

} // namespace herald
