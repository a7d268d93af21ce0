#pragma once

#include "EmailEvent.h"
#include "SnsMessage.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace herald {

// Turns what arrives — an HTTP body, a file — into rows for EmailStore, without verifying anything
// (SnsVerifier does that) and without touching the store. Pure functions: any thread.
//
// Accepted shapes: an SNS envelope (Notification, SubscriptionConfirmation, UnsubscribeConfirmation)
// whose Message is SES JSON; raw SES JSON (SNS raw message delivery, files); a document of the old
// `ses_event` MongoDB collection (Type, MessageId, Subject, Message, Timestamp, with extended JSON
// such as {"$date": …} and {"$oid": …}).
class EmailIntake
{
public:
    struct Document
    {
        QString location; // "name:line" (JSON Lines), "name:item N" (an array), or "name"
        QJsonObject object;
        QByteArray raw;   // the document's own bytes
        QString error;    // not empty: the document is not a JSON object, and why
    };
    // A file's content: one JSON object, an array of objects (mongoexport --jsonArray), or JSON Lines.
    static QList<Document> split(const QByteArray &content, const QString &name);

    struct Item
    {
        enum class Kind { Events, Notice, Ignored, Invalid };
        Kind kind = Kind::Invalid;
        QString reason;                     // Ignored and Invalid: why, for a person
        std::optional<SnsMessage> envelope; // when it came in one
        bool stored = false;                // a mongoexport document: SNS fields kept without a signature
        QString sesType;
        QList<EmailEventRecord> rows;       // Events: ready for EmailStore::record
    };
    struct Options
    {
        bool allowRaw = true;  // raw SES JSON without an envelope; false on an endpoint without a token
        QString source;        // stored in each row: sns, file, demo
        qint64 now = 0;        // the time of events that carry none
    };
    static Item classify(const QJsonObject &document, const QByteArray &raw, const Options &options);
    // Parses body as one JSON object first: Invalid when it is not one.
    static Item classifyBytes(const QByteArray &body, const Options &options);

    // The dedupe key of SES JSON that came without an SNS MessageId: a hash of its content.
    static QString contentId(const QJsonObject &sesEvent);
};

} // namespace herald
