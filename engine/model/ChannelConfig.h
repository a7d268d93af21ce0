#pragma once

#include "Result.h"

#include <QJsonObject>
#include <QString>

namespace herald {

// A configured delivery channel (DESIGN §6), stored in the store's `channels` table and named by
// messages (`channel` field). "outbox" always exists. A message naming a kind ("sms", "email",
// "webhook", "push") for which no channel of that name is configured is captured in the outbox,
// so a new install delivers with no provider.
//
// Options, per kind (validate() refuses any other key, and a value of the wrong type):
//
//   outbox   none.
//
//   webhook  signature_header  string, default "X-Herald-Signature": the header carrying
//                               "sha256=<hex HMAC-SHA256 of '<timestamp>.<body>'>" keyed with the secret.
//                               Without a secretRef nothing is signed.
//
//   sms      format            "json" (default) or "form" (application/x-www-form-urlencoded).
//            body              Mustache template of the request body, rendered with {to, text, message.id,
//                               idempotency_key}. {{x}} is escaped for the format (JSON string escapes, or
//                               percent-encoding for form); {{{x}}} inserts the value as is.
//                               Default json: {"to":"{{to}}","text":"{{text}}"}; form: to={{to}}&text={{text}}.
//            auth_header       string, default "Authorization": the header whose value is the secret.
//                               Without a secretRef no such header is sent.
//            id_field          string, default "id": dotted path of the provider's message id in the JSON
//                               answer (e.g. "messages.0.id").
//
//   push     none. The secret is the bearer token (Authorization: Bearer <secret>).
//
//   email    from              required: "ops@example.org" or "Herald Ops <ops@example.org>".
//            reply_to          optional address, same forms as from.
//            user              SMTP AUTH user; needs a secretRef (the password), and a secretRef needs it.
//            tls               "opportunistic" (default: STARTTLS when offered) or "required" (refuse a
//                               server that does not offer it). smtps:// is always TLS.
//            ca_file           path to a PEM CA bundle trusted for the server's certificate.
//            insecure_skip_verify  bool, default false: accept any certificate (tests, never production).
struct ChannelConfig
{
    enum class Kind { Outbox, Webhook, Sms, Email, Push };

    static constexpr qint64 kMaxTimeoutMs = 600'000; // 10 min: longer than any provider holds a request

    QString name;
    Kind kind = Kind::Outbox;
    // webhook, sms, push: http(s) URL. email: smtp://host:port (STARTTLS when the server offers it;
    // options.tls = "required" insists) or smtps://host:port (implicit TLS). outbox: empty.
    QString url;
    qint64 timeoutMs = 10'000;
    // A reference, never the secret itself: "env:NAME" or "keychain:NAME". Webhook: HMAC key;
    // sms: the Authorization header value; push: the bearer token; email: the SMTP password.
    QString secretRef;
    // Kind-specific settings, listed above.
    QJsonObject options;

    static Result<Kind> parseKind(const QString &text);
    static QString kindName(Kind kind);
    // Refuses a bad URL for the kind, a bad timeout, a secret that is not a reference, unknown options,
    // missing required options. The message names the channel, the field, the problem and the fix, and
    // never repeats the secretRef text (it may be a secret pasted by mistake).
    Status validate() const;

    bool operator==(const ChannelConfig &) const = default;
};

} // namespace herald
