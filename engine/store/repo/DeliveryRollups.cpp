#include "DeliveryRollups.h"

#include "store/StoreSql.h"
#include "store/repo/MessageReads.h"

#include <QHash>

#include <algorithm>

namespace herald {

using storesql::exec;

namespace {

const QString kTable = QStringLiteral("delivery_rollups");
const QString kKeyColumns = QStringLiteral("bucket, span_ms, shard, queue_id, channel, type");

QStringList latenessColumns()
{
    QStringList columns;
    for (int i = 0; i < kLatenessBuckets; ++i)
        columns << QStringLiteral("late_%1").arg(i);
    return columns;
}

QStringList addedColumns()
{
    return QStringList{QStringLiteral("delivered"), QStringLiteral("failed"), QStringLiteral("retried"), QStringLiteral("cancelled")} +
           latenessColumns();
}

QString sumsOf(const QStringList &columns, const QString &prefix = {})
{
    QStringList sums;
    for (const QString &c : columns)
        sums << QStringLiteral("SUM(%1%2)").arg(prefix, c);
    return sums.join(QStringLiteral(", "));
}

bool sameKey(const DeliveryRollups::Fact &a, const DeliveryRollups::Fact &b)
{
    return a.queueId == b.queueId && a.channel == b.channel && a.type == b.type;
}

} // namespace

void DeliveryRollups::Tally::add(OutcomeKind kind, const Fact &fact)
{
    auto it = std::find_if(m_rows.begin(), m_rows.end(), [&](const Row &r) { return sameKey(r.key, fact); });
    if (it == m_rows.end()) {
        m_rows.append(Row{fact, {}, {}});
        it = m_rows.end() - 1;
    }
    switch (kind) {
    case OutcomeKind::Delivered: ++it->counts.delivered; break;
    case OutcomeKind::Failed: ++it->counts.failed; break;
    case OutcomeKind::Retried: ++it->counts.retried; break;
    case OutcomeKind::Cancelled: ++it->counts.cancelled; break;
    }
    if (fact.latenessMs)
        ++it->lateness[size_t(latenessBucket(*fact.latenessMs))];
}

Status DeliveryRollups::upsert(qint64 bucket, qint64 spanMs, qint64 queueId, const QString &channel, const QString &type,
                               const DeliveryCounts &counts, const LatenessHistogram &lateness)
{
    static const QString sql = [] {
        const QStringList added = addedColumns();
        return QStringLiteral("INSERT INTO delivery_rollups (%1, %2) VALUES (?, ?, ?, ?, ?, ?%3)")
            .arg(kKeyColumns, added.join(QStringLiteral(", ")), QStringLiteral(", ?").repeated(added.size()));
    }();
    Statement q = m_ctx.prepare(sql + m_ctx.backend->upsertAdding(kTable, kKeyColumns, addedColumns()));
    for (const QVariant &v : QVariantList{bucket, spanMs, m_ctx.rollupShard, queueId, channel, type, counts.delivered, counts.failed,
                                          counts.retried, counts.cancelled})
        q.addBindValue(v);
    for (qint64 n : lateness)
        q.addBindValue(n);
    return exec(q, QStringLiteral("counting outcomes for the delivery dashboard"));
}

Status DeliveryRollups::write(const Tally &tally, qint64 t)
{
    const qint64 bucket = t - t % kMinuteMs;
    for (const Tally::Row &r : tally.m_rows)
        if (auto s = upsert(bucket, kMinuteMs, r.key.queueId, r.key.channel, r.key.type, r.counts, r.lateness); !s)
            return s;
    return {};
}

Status DeliveryRollups::recordCancelled(const QList<qint64> &ids, qint64 t)
{
    if (ids.isEmpty())
        return {};
    Statement q = m_ctx.prepare(QStringLiteral("INSERT INTO delivery_rollups (%1, cancelled) SELECT ?, ?, ?, queue_id, channel, type, COUNT(*) "
                                               "FROM messages WHERE ")
                                    .arg(kKeyColumns) +
                                m_ctx.backend->idListCondition(QStringLiteral("id")) + QStringLiteral(" GROUP BY queue_id, channel, type") +
                                m_ctx.backend->upsertAdding(kTable, kKeyColumns, {QStringLiteral("cancelled")}));
    for (const QVariant &v : QVariantList{t - t % kMinuteMs, kMinuteMs, m_ctx.rollupShard, m_ctx.backend->idListValue(ids)})
        q.addBindValue(v);
    return exec(q, QStringLiteral("counting cancelled messages for the delivery dashboard"));
}

Status DeliveryRollups::recordUncancelled(qint64 auditId, const QList<qint64> &ids)
{
    if (ids.isEmpty())
        return {};
    Statement q = m_ctx.prepare(QStringLiteral("SELECT m.finished_at, m.queue_id, m.channel, m.type FROM messages m "
                                               "JOIN action_journal j ON j.message_id = m.id AND j.audit_id = ? "
                                               "WHERE m.state = ? AND j.state <> ? AND m.finished_at IS NOT NULL AND ") +
                                m_ctx.backend->idListCondition(QStringLiteral("m.id")));
    for (const QVariant &v : QVariantList{auditId, int(MessageState::Cancelled), int(MessageState::Cancelled), m_ctx.backend->idListValue(ids)})
        q.addBindValue(v);
    if (auto s = exec(q, QStringLiteral("reading the cancelled messages an undo restores")); !s)
        return s;
    struct Uncancelled
    {
        qint64 bucket = 0;
        Fact key;
        qint64 count = 0;
    };
    QList<Uncancelled> groups;
    while (q.next()) {
        const qint64 at = q.value(0).toLongLong();
        const Fact key{q.value(1).toLongLong(), q.value(2).toString(), q.value(3).toString(), std::nullopt};
        const qint64 bucket = at - at % kMinuteMs;
        auto it = std::find_if(groups.begin(), groups.end(), [&](const Uncancelled &g) { return g.bucket == bucket && sameKey(g.key, key); });
        if (it == groups.end())
            groups.append(Uncancelled{bucket, key, 1});
        else
            ++it->count;
    }
    q.finish();
    for (const Uncancelled &g : std::as_const(groups)) {
        DeliveryCounts counts;
        counts.cancelled = -g.count;
        if (auto s = upsert(g.bucket, kMinuteMs, g.key.queueId, g.key.channel, g.key.type, counts, {}); !s)
            return s;
    }
    return {};
}

Status DeliveryRollups::addRows(const QList<DeliveryRollupRow> &rows)
{
    if (auto s = m_ctx.requireWritable(); !s)
        return s;
    WriteTransaction tx(m_ctx);
    if (auto s = tx.begin(); !s)
        return s;
    QHash<QString, qint64> queueIds;
    Statement queue = m_ctx.prepare(QStringLiteral("SELECT id FROM queues WHERE name = ?"));
    for (const DeliveryRollupRow &r : rows) {
        auto id = queueIds.constFind(r.queue);
        if (id == queueIds.cend()) {
            queue.addBindValue(r.queue);
            if (auto s = exec(queue, QStringLiteral("reading queue %1").arg(r.queue)); !s)
                return s;
            if (!queue.next())
                return Error::badInput(QStringLiteral("queue '%1' does not exist; create it before adding its delivery rollups").arg(r.queue));
            id = queueIds.insert(r.queue, queue.value(0).toLongLong());
            queue.finish();
        }
        const qint64 span = r.hour ? kHourMs : kMinuteMs;
        if (auto s = upsert(r.bucketMs - r.bucketMs % span, span, *id, r.channel, r.type, r.counts, r.lateness); !s)
            return s;
    }
    return tx.commit();
}

Result<qint64> DeliveryRollups::fold(qint64 t)
{
    if (auto s = m_ctx.requireWritable(); !s)
        return s.error();
    const qint64 cutoff = (t - kMinuteRowsKeptMs) - (t - kMinuteRowsKeptMs) % kHourMs;
    WriteTransaction tx(m_ctx);
    if (auto s = tx.begin(); !s)
        return s.error();
    // The minute rows to fold, locked where rows can be: an engine folding at the same time waits, then
    // finds them gone, so no outcome is counted twice.
    const QStringList added = addedColumns();
    Statement read = m_ctx.prepare(QStringLiteral("SELECT bucket, queue_id, channel, type, %1 FROM delivery_rollups WHERE span_ms = ? AND bucket < ?")
                                       .arg(added.join(QStringLiteral(", "))) +
                                   m_ctx.backend->rowLockClause());
    read.addBindValue(kMinuteMs);
    read.addBindValue(cutoff);
    if (auto s = exec(read, QStringLiteral("reading minute rollups to fold")); !s)
        return s.error();
    QList<Row> hours;
    QHash<QString, qsizetype> index;
    qint64 folded = 0;
    while (read.next()) {
        ++folded;
        const qint64 hour = read.value(0).toLongLong() - read.value(0).toLongLong() % kHourMs;
        const QString key = QStringLiteral("%1\x1f%2\x1f%3\x1f%4").arg(hour).arg(read.value(1).toLongLong()).arg(read.value(2).toString(),
                                                                                                            read.value(3).toString());
        auto it = index.constFind(key);
        if (it == index.cend()) {
            it = index.insert(key, hours.size());
            hours.append(Row{hour, kHourMs, read.value(1).toLongLong(), read.value(2).toString(), read.value(3).toString(), {}, {}});
        }
        Row &r = hours[*it];
        r.counts += DeliveryCounts{read.value(4).toLongLong(), read.value(5).toLongLong(), read.value(6).toLongLong(), read.value(7).toLongLong()};
        for (int i = 0; i < kLatenessBuckets; ++i)
            r.lateness[size_t(i)] += read.value(8 + i).toLongLong();
    }
    read.finish();
    if (folded > 0) {
        Statement del = m_ctx.prepare(QStringLiteral("DELETE FROM delivery_rollups WHERE span_ms = ? AND bucket < ?"));
        del.addBindValue(kMinuteMs);
        del.addBindValue(cutoff);
        if (auto s = exec(del, QStringLiteral("deleting folded minute rollups")); !s)
            return s.error();
        for (const Row &r : std::as_const(hours))
            if (auto s = upsert(r.bucket, r.spanMs, r.queueId, r.channel, r.type, r.counts, r.lateness); !s)
                return s.error();
    }
    Statement old = m_ctx.prepare(QStringLiteral("DELETE FROM delivery_rollups WHERE bucket < ?"));
    old.addBindValue(t - kKeptMs);
    if (auto s = exec(old, QStringLiteral("deleting rollups past their time")); !s)
        return s.error();
    if (auto s = tx.commit(); !s)
        return s.error();
    return folded;
}

Result<DeliveryDashboardData> DeliveryRollups::dashboard(const DeliveryQuery &query)
{
    DeliveryDashboardData d;
    d.query = query;
    if (query.toMs <= query.fromMs)
        return Error::badInput(QStringLiteral("the range of the delivery dashboard ends before it starts; give a start before the end"));
    if (query.bucketMs < kMinuteMs || query.bucketMs % kMinuteMs != 0)
        return Error::badInput(QStringLiteral("a delivery dashboard bucket of %1 ms is not a whole number of minutes").arg(query.bucketMs));
    const qint64 span = query.bucketMs;
    const auto alignDown = [&](qint64 t) {
        const qint64 r = ((t + query.alignOffsetMs) % span + span) % span;
        return t - r;
    };
    const qint64 from = alignDown(query.fromMs);
    const qint64 to = query.toMs;
    if ((to - from) / span > 10'000)
        return Error::badInput(QStringLiteral("the delivery dashboard would draw %1 buckets; choose a longer bucket or a shorter range")
                                   .arg((to - from) / span));
    d.query.fromMs = from;

    // Filters: the same condition and binds for every read.
    QString where = QStringLiteral(" WHERE r.bucket >= ? AND r.bucket < ?");
    QVariantList binds{from, to};
    if (!query.queue.isEmpty()) {
        where += QStringLiteral(" AND q.name = ?");
        binds << query.queue;
    }
    if (!query.channel.isEmpty()) {
        where += QStringLiteral(" AND r.channel = ?");
        binds << query.channel;
    }
    if (!query.type.isEmpty()) {
        where += QStringLiteral(" AND r.type = ?");
        binds << query.type;
    }
    const QString from_ = QStringLiteral(" FROM delivery_rollups r JOIN queues q ON q.id = r.queue_id");
    const QStringList counts{QStringLiteral("delivered"), QStringLiteral("failed"), QStringLiteral("retried"), QStringLiteral("cancelled")};

    // Per bucket.
    {
        Statement q = m_ctx.prepare(QStringLiteral("SELECT r.bucket - ((r.bucket + ?) % ?), ") + sumsOf(counts, QStringLiteral("r.")) + from_ +
                                    where + QStringLiteral(" GROUP BY 1"));
        q.addBindValue(query.alignOffsetMs);
        q.addBindValue(span);
        for (const QVariant &v : std::as_const(binds))
            q.addBindValue(v);
        if (auto s = exec(q, QStringLiteral("reading the delivery rollups")); !s)
            return s.error();
        QHash<qint64, DeliveryCounts> byBucket;
        while (q.next())
            byBucket.insert(q.value(0).toLongLong(), DeliveryCounts{q.value(1).toLongLong(), q.value(2).toLongLong(), q.value(3).toLongLong(),
                                                                   q.value(4).toLongLong()});
        for (qint64 b = from; b < to; b += span)
            d.buckets.append(DeliveryBucket{b, byBucket.value(b)});
    }
    // Totals and lateness.
    {
        Statement q = m_ctx.prepare(QStringLiteral("SELECT ") + sumsOf(counts + latenessColumns(), QStringLiteral("r.")) + from_ + where);
        for (const QVariant &v : std::as_const(binds))
            q.addBindValue(v);
        if (auto s = exec(q, QStringLiteral("reading the delivery rollups")); !s)
            return s.error();
        if (q.next()) {
            d.total = DeliveryCounts{q.value(0).toLongLong(), q.value(1).toLongLong(), q.value(2).toLongLong(), q.value(3).toLongLong()};
            for (int i = 0; i < kLatenessBuckets; ++i)
                d.lateness[size_t(i)] = q.value(4 + i).toLongLong();
        }
        d.latenessP50Ms = latenessPercentile(d.lateness, 0.50);
        d.latenessP95Ms = latenessPercentile(d.lateness, 0.95);
        d.latenessP99Ms = latenessPercentile(d.lateness, 0.99);
    }
    // Per queue, channel and type.
    {
        Statement q = m_ctx.prepare(QStringLiteral("SELECT q.name, r.channel, r.type, ") + sumsOf(counts, QStringLiteral("r.")) + from_ + where +
                                    QStringLiteral(" GROUP BY q.name, r.channel, r.type"));
        for (const QVariant &v : std::as_const(binds))
            q.addBindValue(v);
        if (auto s = exec(q, QStringLiteral("reading the delivery rollups")); !s)
            return s.error();
        while (q.next())
            d.groups.append(DeliveryGroup{q.value(0).toString(), q.value(1).toString(), q.value(2).toString(),
                                          DeliveryCounts{q.value(3).toLongLong(), q.value(4).toLongLong(), q.value(5).toLongLong(),
                                                         q.value(6).toLongLong()}});
        std::sort(d.groups.begin(), d.groups.end(), [](const DeliveryGroup &a, const DeliveryGroup &b) {
            if (a.counts.failed != b.counts.failed)
                return a.counts.failed > b.counts.failed;
            if (a.counts.delivered != b.counts.delivered)
                return a.counts.delivered > b.counts.delivered;
            return std::tie(a.queue, a.channel, a.type) < std::tie(b.queue, b.channel, b.type);
        });
    }
    // Now, whatever the range: the rate over the last five minutes (of the queue chosen, every channel
    // and type), and the backlog it has to get through.
    {
        const qint64 now = m_ctx.now();
        const qint64 since = now - 5 * kMinuteMs;
        const qint64 sinceBucket = since - since % kMinuteMs;
        Statement q = m_ctx.prepare(QStringLiteral("SELECT SUM(r.delivered + r.failed + r.cancelled)") + from_ +
                                    QStringLiteral(" WHERE r.span_ms = ? AND r.bucket >= ?") +
                                    (query.queue.isEmpty() ? QString() : QStringLiteral(" AND q.name = ?")));
        q.addBindValue(kMinuteMs);
        q.addBindValue(sinceBucket);
        if (!query.queue.isEmpty())
            q.addBindValue(query.queue);
        if (auto s = exec(q, QStringLiteral("reading the delivery rate")); !s)
            return s.error();
        const qint64 finished = q.next() ? q.value(0).toLongLong() : 0;
        const double minutes = std::max(1.0, double(now - sinceBucket) / double(kMinuteMs));
        d.deliveredPerMinuteNow = double(finished) / minutes;

        auto stats = MessageReads(m_ctx).stats();
        if (!stats)
            return stats.error();
        for (const QueueCounts &c : std::as_const(*stats))
            if (query.queue.isEmpty() || c.queue == query.queue)
                d.backlog += c.count(MessageState::Waiting) + c.count(MessageState::Active);
        Statement due = m_ctx.prepare(QStringLiteral("SELECT COUNT(*) FROM messages m JOIN queues q ON q.id = m.queue_id WHERE m.state = %1 "
                                                     "AND m.run_at <= ?")
                                          .arg(int(MessageState::Scheduled)) +
                                      (query.queue.isEmpty() ? QString() : QStringLiteral(" AND q.name = ?")));
        due.addBindValue(now);
        if (!query.queue.isEmpty())
            due.addBindValue(query.queue);
        if (auto s = exec(due, QStringLiteral("reading the backlog")); !s)
            return s.error();
        if (due.next())
            d.backlog += due.value(0).toLongLong();
        if (d.backlog == 0)
            d.backlogEtaMs = 0;
        else if (d.deliveredPerMinuteNow > 0)
            d.backlogEtaMs = qint64(double(d.backlog) / d.deliveredPerMinuteNow * double(kMinuteMs));
    }
    return d;
}

} // namespace herald
