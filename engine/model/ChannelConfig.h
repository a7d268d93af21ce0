#pragma once

#include "Result.h"

#include <QJsonObject>
#include <QString>

namespace herald {

// A configured delivery channel (DESIGN §6), stored in the store's `channels` table and named by
// messages (`channel` field). "outbox" always exists. A message naming a kind ("sms", "email",
// "webhook", "push") for which no channel of that name is configured is captured in the outbox,
// so a new install delivers with no provider.
struct ChannelConfig
{
    enum class Kind { Outbox, Webhook, Sms, Email, Push };

    QString name;
    Kind kind = Kind::Outbox;
    // webhook, sms, push: http(s) URL. email: smtp://host:port (STARTTLS when the server offers it;
    // options.tls = "required" insists) or smtps://host:port (implicit TLS).
    QString url;
    qint64 timeoutMs = 10'000;
    // A reference, never the secret itself: "env:NAME" or "keychain:NAME". Webhook: HMAC key;
    // sms: the Authorization header value; push: the bearer token; email: the SMTP password.
    QString secretRef;
    // Kind-specific settings, documented with each channel class (e.g. email: from, reply_to, user;
    // sms: format "form"|"json", body template; webhook: signature header name).
    QJsonObject options;

    static Result<Kind> parseKind(const QString &text);
    static QString kindName(Kind kind);
    // Refuses a bad URL for the kind, a bad timeout, a secret that is not a reference, unknown options.
    Status validate() const;

    bool operator==(const ChannelConfig &) const = default;
};

} // namespace herald
