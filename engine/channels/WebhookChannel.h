#pragma once

#include "HttpChannel.h"

namespace herald {

// HTTP(S) POST of the message as JSON (DESIGN §6; the source system posted to an n8n webhook):
//   {"id", "queue", "type", "recipient", "content": {"subject", "text", "html", "locale"},
//    "payload", "labels", "attempt"}
// with headers Idempotency-Key (the same on every attempt), X-Herald-Timestamp (Unix seconds) and, when
// the channel has a secret, X-Herald-Signature (options.signature_header) = "sha256=" + hex
// HMAC-SHA256 of "<timestamp>.<body>". A receiver recomputes it and refuses stale timestamps, which
// stops replays. Success carries the answer's JSON "id", else its X-Request-Id header.
class WebhookChannel final : public HttpChannel
{
    Q_OBJECT

public:
    WebhookChannel(ChannelConfig config, QNetworkAccessManager *network, QString secret);

    void deliver(const Delivery &delivery, Done done) override;

    // The request body above, as JSON, for a message, its payload and its rendered content.
    static QJsonObject requestJson(const Message &message, const QJsonObject &payload, const RenderedContent &content);

    // "sha256=<hex>" for a body sent at timestamp; public so receivers' tests and tools agree on it.
    static QByteArray signature(const QByteArray &timestamp, const QByteArray &body, const QByteArray &secret);

private:
    QByteArray m_signatureHeader;
};

} // namespace herald
