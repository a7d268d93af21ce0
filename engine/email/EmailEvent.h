#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QtGlobal>

#include <optional>

namespace herald {

// Event types as stored in email_events.event_type. SES types Herald does not know are stored
// under their own name, lower-cased with spaces as underscores: kept, never rejected.
namespace EmailEventType {
inline const QString Send = QStringLiteral("send");
inline const QString Delivery = QStringLiteral("delivery");
inline const QString Bounce = QStringLiteral("bounce");
inline const QString Complaint = QStringLiteral("complaint");
inline const QString Reject = QStringLiteral("reject");
inline const QString Open = QStringLiteral("open");
inline const QString Click = QStringLiteral("click");
inline const QString RenderingFailure = QStringLiteral("rendering_failure");
inline const QString DeliveryDelay = QStringLiteral("delivery_delay");
inline const QString Subscription = QStringLiteral("subscription");
} // namespace EmailEventType

// email_events.sub_type of a bounce: how Herald counts it. A permanent bounce whose SES sub-type is
// OnAccountSuppressionList is "suppression_list": SES never tried the address, so it does not count
// toward the bounce rate (Amazon's own rule), but the address is suppressed all the same.
namespace BounceClass {
inline const QString Hard = QStringLiteral("hard");
inline const QString Soft = QStringLiteral("soft");
inline const QString SuppressionList = QStringLiteral("suppression_list");
inline const QString Undetermined = QStringLiteral("undetermined");
} // namespace BounceClass

// One row of email_events as intake writes it: one SES event and one of its recipients.
struct EmailEventRecord
{
    QString snsMessageId;   // the dedupe key: SNS MessageId, or "sha256:…" of the SES JSON when it came without an envelope
    QString eventType;      // EmailEventType, or an unknown type's own name
    QString subType;        // bounce: BounceClass; complaint: feedback type or sub-type; delay: delay type
    QString recipient;      // lower case
    qint64 occurredAt = 0;  // ms since the epoch, UTC: the event's own timestamp
    QString mailMessageId;  // SES mail.messageId
    QString headerMessageId; // the Message-ID header SES reports (mail.commonHeaders.messageId), if any
    QString topicArn;       // empty without an envelope
    QString bounceType;     // SES bounceType: Permanent, Transient, Undetermined
    QString bounceSubType;  // SES bounceSubType: General, NoEmail, OnAccountSuppressionList, …
    QString action;         // per recipient: failed, delayed, …
    QString status;         // per recipient: 5.1.1, …
    QString diagnosticCode; // per recipient, as the remote MTA said it
    QString complaintFeedbackType; // abuse, fraud, …
    QString clickLink;
    QString source;         // how it arrived: sns, file, demo
    QByteArray raw;         // the SES event JSON exactly as received
};

// A stored row.
struct EmailEvent : EmailEventRecord
{
    qint64 id = 0;
    QString recipientDomain;
    qint64 receivedAt = 0;
    std::optional<qint64> messageId; // the Herald message whose provider id matched, if any
};

// Counts per recipient over a period, read from the rollups (never from email_events).
struct EmailCounts
{
    qint64 sends = 0;
    qint64 deliveries = 0;
    qint64 hardBounces = 0;            // every permanent bounce, suppression-list ones included
    qint64 softBounces = 0;            // transient
    qint64 suppressionListBounces = 0; // the permanent ones SES did not even try (OnAccountSuppressionList)
    qint64 undeterminedBounces = 0;
    qint64 complaints = 0;
    qint64 rejects = 0;
    qint64 opens = 0;
    qint64 clicks = 0;
    qint64 delays = 0;
    qint64 renderingFailures = 0;
    qint64 subscriptions = 0;
    qint64 other = 0; // types Herald does not know

    EmailCounts &operator+=(const EmailCounts &o);
    bool operator==(const EmailCounts &) const = default;
};

struct EmailBucket
{
    qint64 start = 0; // UTC, ms: the first millisecond of the hour or day
    EmailCounts counts;
};

struct BounceReason
{
    QString bounceType;
    QString bounceSubType;
    QString diagnostic; // the diagnostic code with addresses replaced by <address>, so one reason groups many recipients
    qint64 count = 0;
};

struct DomainCounts
{
    QString domain;
    EmailCounts counts;
};

// Reasons in suppressions.reason. Anything else given to Store::addSuppression is kept as a note
// under "manual".
namespace SuppressionReason {
inline const QString HardBounce = QStringLiteral("hard_bounce");
inline const QString SoftBounce = QStringLiteral("soft_bounce");
inline const QString Complaint = QStringLiteral("complaint");
inline const QString Manual = QStringLiteral("manual");
inline bool isKnown(const QString &r) { return r == HardBounce || r == SoftBounce || r == Complaint || r == Manual; }
} // namespace SuppressionReason

struct Suppression
{
    QString address;
    QString reason;      // SuppressionReason
    QString sourceEvent; // the SNS MessageId of the event that caused it; empty for manual entries
    QString note;
    qint64 createdAt = 0;
    std::optional<qint64> expiresAt; // none: for ever

    bool activeAt(qint64 t) const { return !expiresAt || *expiresAt > t; }
};

// When bounces and complaints suppress an address. Stored in the store (email_settings), so the
// listener, the importer and the console agree.
struct SuppressionPolicy
{
    int softBounceThreshold = 3;                       // soft bounces within the window that suppress; 0: never
    qint64 softBounceWindowMs = 7LL * 24 * 3600 * 1000;
    std::optional<qint64> softBounceExpiryMs = 30LL * 24 * 3600 * 1000; // none: soft-bounce suppressions never expire

    bool operator==(const SuppressionPolicy &) const = default;
};

} // namespace herald
