#pragma once

#include "Store.h"
#include "email/EmailDashboardData.h"
#include "email/EmailEvent.h"
#include "model/Result.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace herald {

// The e-mail events side of the store (DESIGN §7): email_events, the rollups that rates and charts
// read, suppressions and the suppression policy, SNS subscription notices.
//
// An EmailStore borrows a Store's connection (and so its thread): create it, use it and drop it in
// the thread that owns the Store, and never let it outlive the Store. It holds no state of its own,
// so making one is free. Writes are transactions of their own; a failed call changes nothing.
class EmailStore
{
public:
    explicit EmailStore(Store &store) : m_store(store) {}

    // ---- intake
    struct RecordOutcome
    {
        qint64 inserted = 0;
        qint64 duplicates = 0; // (sns_message_id, recipient) was stored already
        qint64 linked = 0;     // inserted rows linked to a Herald message
        QList<bool> insertedRows; // per input row
        QStringList suppressed;   // addresses this call suppressed (or kept suppressed for longer)
    };
    // One transaction for all rows: the events, their rollups, their links to messages and the
    // suppressions they cause (SuppressionPolicy). A row already stored changes nothing.
    Result<RecordOutcome> record(const QList<EmailEventRecord> &rows);

    struct SnsNotice
    {
        QString snsMessageId;
        QString type; // SubscriptionConfirmation, UnsubscribeConfirmation
        QString topicArn;
        QString message;
        QString subscribeUrl;
        qint64 receivedAt = 0;
        std::optional<qint64> confirmedAt;
        QString confirmError;
    };
    // false: this MessageId was recorded before.
    Result<bool> recordNotice(const SnsNotice &notice);
    Status setNoticeConfirmed(const QString &snsMessageId, const QString &error);
    Result<QList<SnsNotice>> notices(int limit = 100);

    // ---- reads of events
    struct EventFilter
    {
        QString type;      // EmailEventType or an unknown type's name; empty: all
        QString recipient; // exact address, any case; empty: all
        std::optional<qint64> since; // occurred_at >= since
        std::optional<qint64> until; // occurred_at < until
        std::optional<qint64> messageId; // linked to this Herald message
        qint64 beforeId = 0; // keyset paging, newest first: ids below this; 0 starts at the newest
        int limit = 100;
    };
    Result<QList<EmailEvent>> events(const EventFilter &filter);
    Result<EmailEvent> event(qint64 id);
    // Events stored before the message they belong to got its provider id: link them now. Reads every
    // unlinked event: for an import or an operator's request, not for a timer.
    Result<qint64> linkUnlinked();
    // The same for the events received at or after receivedSince only, found by id (ids grow with
    // arrival) rather than by a scan, so a timer can run it however many old events never link (mail
    // other systems sent through the same SES account). EmailLinker calls it.
    Result<qint64> linkUnlinkedSince(qint64 receivedSince);
    // Messages that have just got their provider id (the runtime, after committing their completions):
    // links the unlinked events whose SES mail id is that id, through the index of mail ids.
    struct ProviderLink
    {
        qint64 messageId = 0;
        QString providerId;
    };
    Result<qint64> linkMessages(const QList<ProviderLink> &messages);

    // ---- rollups: every figure comes from the rollup tables, never from email_events.
    enum class Granularity { Hour, Day };
    static constexpr qint64 kHourMs = 3'600'000;
    static constexpr qint64 kDayMs = 86'400'000;
    // Counts for hours starting in [from, to) (UTC hours; from is rounded down to its hour).
    Result<EmailCounts> totals(qint64 from, qint64 to);
    // One bucket per hour or UTC day in [from, to), empty ones included, oldest first.
    Result<QList<EmailBucket>> series(Granularity granularity, qint64 from, qint64 to);
    // UTC days starting in [from, to); most frequent first.
    Result<QList<BounceReason>> bounceReasons(qint64 from, qint64 to, int limit = 10);
    // UTC days starting in [from, to); most sends first, then most bounces.
    Result<QList<DomainCounts>> domains(qint64 from, qint64 to, int limit = 50);
    // The time of the oldest and the newest event, for a chart's default range; nullopt when none.
    Result<std::optional<std::pair<qint64, qint64>>> eventTimeRange();

    // The dashboard of one range in one call (EmailDashboardData.h): the per-hour or per-day series of every
    // counter (sends, deliveries, hard and soft bounces, complaints, opens, clicks, …), the bounce and
    // complaint rate lines over a trailing window, the totals and their rates, the top bounce reasons and
    // the recipient-domain table. Four reads of the rollup tables, none of email_events: 90 days over
    // 10,000,000 events take a few milliseconds (docs/PERFORMANCE.md, bench_email_charts). The single
    // pieces are series(), totals(), bounceReasons() and domains() above.
    Result<EmailDashboardData> dashboard(const EmailDashboardRequest &request);

    // ---- benchmarks and scale tests only
    // Appends count synthetic events spread evenly over [from, to) — the mix of a healthy sender: about
    // 40 % sends, 38 % deliveries, 12 % opens, 4 % clicks, 1.5 % soft and 1.2 % hard bounces, 0.03 %
    // complaints, some delays and rejects — to 2,004 recipient domains (four big ones, a long tail), with
    // their rollups, in bulk SQL (chunks of 200,000 rows a transaction). Rows are numbered on from the
    // synthetic events already there, so a second call adds more. No suppressions, no links.
    Result<qint64> insertSyntheticEvents(qint64 count, qint64 from, qint64 to);
    Result<qint64> countEvents();

    // ---- suppressions
    struct SuppressionFilter
    {
        bool includeExpired = true;
        QString reason; // empty: all
        QString address; // exact, any case; empty: all
        // Keyset paging in address order (addresses are unique and stored normalised): only addresses
        // after this one, the last of the previous page; empty: from the first.
        QString afterAddress;
        int limit = 0; // 0: every entry
    };
    // Ordered by address.
    Result<QList<Suppression>> suppressions(const SuppressionFilter &filter);
    // An operator's entry (manual by default): replaces whatever the address had.
    Status suppress(const Suppression &entry);
    // Imports entries; an address already suppressed for longer is left as it is. Returns how many changed.
    Result<qint64> importSuppressions(const QList<Suppression> &entries);
    // NotFound when the address is not on the list.
    Status unsuppress(const QString &address);

    Result<SuppressionPolicy> suppressionPolicy();
    Status setSuppressionPolicy(const SuppressionPolicy &policy);

    // Lower case, trimmed, the address of "Name <address>".
    static QString normaliseAddress(const QString &address);
    // A diagnostic code with addresses replaced by <address>, to group bounce reasons.
    static QString bounceReasonKey(const QString &diagnosticCode);

private:
    Result<std::optional<qint64>> linkedMessage(const EmailEventRecord &row);
    Result<bool> upsertAutomaticSuppression(const Suppression &entry);
    Result<qint64> linkUnlinkedFrom(qint64 firstEventId);
    Result<std::optional<qint64>> firstEventReceivedSince(qint64 t);

    Store &m_store;
};

} // namespace herald
