#pragma once

// The delivery rollups (migration 0012): outcomes counted per minute, queue, channel and type in the
// transaction that writes them, folded into hour rows after two days, and read by the delivery
// dashboard. Internal to engine/store.
#include "model/DeliveryStats.h"
#include "store/repo/Repository.h"

namespace herald {

class DeliveryRollups : public Repository
{
public:
    explicit DeliveryRollups(StoreContext &context) : Repository(context) {}

    static constexpr qint64 kMinuteMs = 60'000;
    static constexpr qint64 kHourMs = 3'600'000;
    static constexpr qint64 kMinuteRowsKeptMs = 48 * kHourMs; // then folded into hour rows
    static constexpr qint64 kKeptMs = 400LL * 24 * kHourMs;   // hour rows older than this are deleted

    // What a rollup row is kept by, and an outcome's lateness (none: not an attempt, or not known).
    struct Fact
    {
        qint64 queueId = 0;
        QString channel;
        QString type;
        std::optional<qint64> latenessMs;
    };

    // The outcomes of one transaction, added up in memory and written once (one upsert per group).
    class Tally
    {
    public:
        void add(OutcomeKind kind, const Fact &fact);
        bool isEmpty() const { return m_rows.isEmpty(); }

    private:
        friend class DeliveryRollups;
        struct Row
        {
            Fact key;
            DeliveryCounts counts;
            LatenessHistogram lateness{};
        };
        QList<Row> m_rows; // a tick has a group or two: a list beats a hash
    };

    // Inside the caller's write transaction: adds the tally to the minute rows of time t.
    Status write(const Tally &tally, qint64 t);
    // Inside the caller's write transaction: counts these messages (just cancelled) as cancelled at t.
    Status recordCancelled(const QList<qint64> &ids, qint64 t);
    // Inside the caller's write transaction, before undoing audit `auditId` on these messages: those
    // the undo takes out of cancelled (a cancel undone) no longer count as cancelled in the minute they
    // were cancelled. A cancel that stays, restored or not, stays counted.
    Status recordUncancelled(qint64 auditId, const QList<qint64> &ids);
    // Rows as they are stored (DeliveryRollupRow), added to what is there; their queues must exist.
    Status addRows(const QList<DeliveryRollupRow> &rows);
    // Minute rows older than two days become hour rows; rows older than kKeptMs go. Its own transaction.
    Result<qint64> fold(qint64 t);

    Result<DeliveryDashboardData> dashboard(const DeliveryQuery &query);

private:
    struct Row
    {
        qint64 bucket = 0;
        qint64 spanMs = kMinuteMs;
        qint64 queueId = 0;
        QString channel;
        QString type;
        DeliveryCounts counts;
        LatenessHistogram lateness{};
    };
    Status upsert(qint64 bucket, qint64 spanMs, qint64 queueId, const QString &channel, const QString &type, const DeliveryCounts &counts,
                  const LatenessHistogram &lateness);
};

} // namespace herald
