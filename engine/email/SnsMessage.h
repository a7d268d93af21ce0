#pragma once

#include "model/Result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace herald {

// One Amazon SNS HTTP(S) message, as SNS posts it (the "envelope"): a Notification, a
// SubscriptionConfirmation or an UnsubscribeConfirmation. Parsing checks shape only; whether SNS
// really sent it is SnsVerifier's question.
struct SnsMessage
{
    enum class Type { Notification, SubscriptionConfirmation, UnsubscribeConfirmation };

    Type type = Type::Notification;
    QString messageId;
    QString topicArn;
    QString subject;
    bool hasSubject = false; // a Subject key with a string value: it is part of the string to sign
    QString message;
    QString timestamp;       // as sent: signed as text
    QString signatureVersion;
    QString signature;       // base64
    QString signingCertUrl;
    QString subscribeUrl;    // confirmations
    QString unsubscribeUrl;  // notifications
    QString token;           // confirmations

    // A JSON object is an envelope when it has the SNS fields Type and MessageId.
    static bool looksLikeEnvelope(const QJsonObject &object);
    // BadInput naming the field that is missing or not a string.
    static Result<SnsMessage> fromJson(const QJsonObject &object);
    static QString typeName(Type type);

    // The exact bytes SNS signed ("Name\nValue\n" per field, in the order AWS documents per type).
    QByteArray stringToSign() const;
};

} // namespace herald
