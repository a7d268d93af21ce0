#pragma once

#include "Delivery.h"

#include <QByteArray>
#include <QString>

#include <atomic>

namespace herald {

// Sends one message over SMTP with libcurl and classifies the result (DESIGN §6): connection failures,
// timeouts, TLS failures and 4xx replies (421, 450, 451, 452…) are retryable; 5xx replies (550, 553…)
// are permanent; a refused login (535) is permanent with what to check.
//
// send() blocks until the server has answered or the timeout passed: call it on a pool thread, never a
// worker's. Any thread may call it; settings and message are copied, nothing is shared.
class SmtpClient
{
public:
    struct Settings
    {
        QString url;           // smtp://host:port (STARTTLS) or smtps://host:port (implicit TLS)
        bool requireTls = false;
        QString user;          // empty: no AUTH
        QString password;      // never logged, never in an error
        QString caFile;        // empty: the system's CA bundle
        bool insecureSkipVerify = false;
        qint64 timeoutMs = 10'000;
    };

    // envelopeFrom and recipient are bare addresses. cancel, when it turns true, stops the transfer
    // within about a second; the outcome is then meaningless and should be dropped.
    // On success the outcome's providerMessageId is the id the server gave in its answer to the message
    // (queuedMessageId), or empty when it gave none.
    static DeliveryOutcome send(const Settings &settings, const QString &envelopeFrom, const QString &recipient,
                                const QByteArray &message, const std::atomic_bool &cancel);

    // The message id in the server's answer to the end of DATA, from the replies of a session (CRLF
    // lines as the server sent them): Amazon SES's SMTP interface replaces the Message-ID and answers
    // "250 Ok 0100018c…-000000", and its events carry that id as mail.messageId. Only that form is read:
    // other servers' "250 2.0.0 Ok: queued as 4Bx…" name a queue entry no event will ever mention.
    // Empty when the last 250 reply has no such id.
    static QString queuedMessageId(const QByteArray &replies);
};

} // namespace herald
