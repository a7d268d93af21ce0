#pragma once

#include "HttpChannel.h"

namespace herald {

// An HTTP SMS gateway (DESIGN §6). The recipient must be an E.164 number (+ and 7 to 15 digits); an
// empty or malformed one fails permanently without a request, as the source system's worker did for
// a missing phone number. The text is the message's rendered body (or text); the request body comes
// from options.body (see ChannelConfig.h) in JSON or form encoding, the secret goes in
// options.auth_header, and the provider's id is read from options.id_field of the JSON answer
// (else the X-Request-Id header). Answers are classified as for webhooks.
class SmsChannel final : public HttpChannel
{
    Q_OBJECT

public:
    // Refuses an options.body template that cannot parse, naming the channel.
    static Result<std::unique_ptr<SmsChannel>> create(ChannelConfig config, QNetworkAccessManager *network, QString secret);

    void deliver(const Delivery &delivery, Done done) override;

    // Empty when recipient is an E.164 number; otherwise what is wrong, for a person.
    static QString recipientProblem(const QString &recipient);

private:
    SmsChannel(ChannelConfig config, QNetworkAccessManager *network, QString secret);

    bool m_form = false;
    QString m_bodyTemplate;
    QByteArray m_authHeader;
};

} // namespace herald
