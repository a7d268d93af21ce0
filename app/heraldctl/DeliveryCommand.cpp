#include "Cli.h"
#include "TextTable.h"

#include "model/DeliveryStats.h"
#include "model/TimeText.h"
#include "store/Store.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QTimeZone>

namespace herald {

namespace {

QJsonObject countsJson(const DeliveryCounts &c)
{
    return QJsonObject{{QStringLiteral("delivered"), c.delivered},
                       {QStringLiteral("failed"), c.failed},
                       {QStringLiteral("retried"), c.retried},
                       {QStringLiteral("cancelled"), c.cancelled}};
}

QJsonValue optionalJson(const std::optional<qint64> &v)
{
    return v ? QJsonValue(*v) : QJsonValue();
}

QString latenessText(const std::optional<qint64> &v)
{
    return v ? formatDuration(*v) : QStringLiteral("–");
}

} // namespace

int Cli::cmdDelivery()
{
    const QList<QCommandLineOption> options{
        {QStringLiteral("since"), QStringLiteral("From: ISO time or a duration ago (1h, 24h, 7d, 90d). Default: 24h."), QStringLiteral("TIME")},
        {QStringLiteral("until"), QStringLiteral("To: ISO time or a duration ago. Default: now."), QStringLiteral("TIME")},
        {QStringLiteral("bucket"), QStringLiteral("The buckets' length, whole minutes (5m, 1h, 1d). Default: about a hundred over the range."),
         QStringLiteral("DURATION")},
        {QStringLiteral("queue"), QStringLiteral("Only this queue."), QStringLiteral("NAME")},
        {QStringLiteral("channel"), QStringLiteral("Only this channel."), QStringLiteral("NAME")},
        {QStringLiteral("type"), QStringLiteral("Only this message type."), QStringLiteral("TYPE")},
        {QStringLiteral("buckets"), QStringLiteral("Also list every bucket (--json always has them).")},
    };
    if (auto stop = parse(QStringLiteral("delivery [--since 24h] [--until TIME] [--bucket 15m] [--queue Q] [--channel C] [--type T] [--buckets] [--json]"),
                          QStringLiteral("Is delivery healthy? Delivered, failed, retried and cancelled messages over a range, the lateness\n"
                                         "of their attempts (p50/p95/p99), per queue, channel and type, and the rate now with the time the\n"
                                         "backlog needs at that rate. Read from the rollups every outcome adds to; failures by cause:\n"
                                         "`heraldctl failures`."),
                          options))
        return *stop;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    DeliveryQuery query;
    query.toMs = now;
    query.fromMs = now - 24 * 3'600'000LL;
    if (isSet(QStringLiteral("since"))) {
        auto t = timeOption(QStringLiteral("since"));
        if (!t)
            return fail(t.error());
        query.fromMs = *t;
    }
    if (isSet(QStringLiteral("until"))) {
        auto t = timeOption(QStringLiteral("until"));
        if (!t)
            return fail(t.error());
        query.toMs = *t;
    }
    if (query.toMs <= query.fromMs)
        return fail(Error::badInput(QStringLiteral("--since %1 is not before --until %2; give a start before the end")
                                        .arg(formatTimestamp(query.fromMs), formatTimestamp(query.toMs))));
    query.bucketMs = deliveryBucketFor(query.toMs - query.fromMs);
    if (isSet(QStringLiteral("bucket"))) {
        auto d = parseDuration(value(QStringLiteral("bucket")));
        if (!d || *d < 60'000 || *d % 60'000 != 0)
            return fail(Error::badInput(QStringLiteral("--bucket '%1' is not a whole number of minutes; give for example 1m, 15m, 1h or 1d")
                                            .arg(value(QStringLiteral("bucket")))));
        query.bucketMs = *d;
    }
    // Buckets of a day or more start at local midnight.
    if (query.bucketMs >= 24 * 3'600'000LL)
        query.alignOffsetMs = qint64(QTimeZone::systemTimeZone().offsetFromUtc(QDateTime::fromMSecsSinceEpoch(query.fromMs))) * 1000;
    query.queue = value(QStringLiteral("queue"));
    query.channel = value(QStringLiteral("channel"));
    query.type = value(QStringLiteral("type"));

    Store *store = openStoreForReading();
    if (!store)
        return m_status;
    if (!query.queue.isEmpty())
        if (auto q = store->queue(query.queue); !q)
            return fail(q.error());
    auto d = store->deliveryDashboard(query);
    if (!d)
        return fail(d.error());

    if (json()) {
        QJsonArray buckets;
        for (const DeliveryBucket &b : std::as_const(d->buckets)) {
            QJsonObject o = countsJson(b.counts);
            o.insert(QStringLiteral("start"), formatTimestamp(b.startMs));
            buckets << o;
        }
        QJsonArray groups;
        for (const DeliveryGroup &g : std::as_const(d->groups)) {
            QJsonObject o = countsJson(g.counts);
            o.insert(QStringLiteral("queue"), g.queue);
            o.insert(QStringLiteral("channel"), g.channel);
            o.insert(QStringLiteral("type"), g.type);
            groups << o;
        }
        printJson(QJsonObject{{QStringLiteral("from"), formatTimestamp(d->query.fromMs)},
                              {QStringLiteral("to"), formatTimestamp(d->query.toMs)},
                              {QStringLiteral("bucket_ms"), d->query.bucketMs},
                              {QStringLiteral("queue"), query.queue.isEmpty() ? QJsonValue() : QJsonValue(query.queue)},
                              {QStringLiteral("channel"), query.channel.isEmpty() ? QJsonValue() : QJsonValue(query.channel)},
                              {QStringLiteral("type"), query.type.isEmpty() ? QJsonValue() : QJsonValue(query.type)},
                              {QStringLiteral("total"), countsJson(d->total)},
                              {QStringLiteral("lateness_ms"), QJsonObject{{QStringLiteral("p50"), optionalJson(d->latenessP50Ms)},
                                                                          {QStringLiteral("p95"), optionalJson(d->latenessP95Ms)},
                                                                          {QStringLiteral("p99"), optionalJson(d->latenessP99Ms)}}},
                              {QStringLiteral("per_minute_now"), d->deliveredPerMinuteNow},
                              {QStringLiteral("backlog"), d->backlog},
                              {QStringLiteral("backlog_eta_ms"), optionalJson(d->backlogEtaMs)},
                              {QStringLiteral("groups"), groups},
                              {QStringLiteral("buckets"), buckets}});
        return kOk;
    }

    QStringList scope;
    if (!query.queue.isEmpty())
        scope << QStringLiteral("queue %1").arg(query.queue);
    if (!query.channel.isEmpty())
        scope << QStringLiteral("channel %1").arg(query.channel);
    if (!query.type.isEmpty())
        scope << QStringLiteral("type %1").arg(query.type);
    QString out = QStringLiteral("Delivery from %1 to %2, %3 (buckets of %4)\n")
                      .arg(formatTimestampSeconds(d->query.fromMs), formatTimestampSeconds(d->query.toMs),
                           scope.isEmpty() ? QStringLiteral("every queue") : scope.join(QStringLiteral(", ")), formatDuration(d->query.bucketMs));
    out += QStringLiteral("  %1 delivered, %2 failed, %3 retried, %4 cancelled\n")
               .arg(d->total.delivered)
               .arg(d->total.failed)
               .arg(d->total.retried)
               .arg(d->total.cancelled);
    out += QStringLiteral("  lateness of the attempts: p50 %1, p95 %2, p99 %3\n")
               .arg(latenessText(d->latenessP50Ms), latenessText(d->latenessP95Ms), latenessText(d->latenessP99Ms));
    out += QStringLiteral("  now: %1 finished per minute%2; backlog %3%4\n")
               .arg(QString::number(d->deliveredPerMinuteNow, 'f', 1),
                    query.queue.isEmpty() ? QString() : QStringLiteral(" in %1").arg(query.queue))
               .arg(d->backlog)
               .arg(d->backlog == 0         ? QString()
                    : d->backlogEtaMs      ? QStringLiteral(", through in about %1").arg(formatDuration(roundEstimate(*d->backlogEtaMs)))
                                           : QStringLiteral(", not moving (nothing finished in the last five minutes)"));
    printText(out);
    if (!d->groups.isEmpty()) {
        TextTable table({QStringLiteral("QUEUE"), QStringLiteral("CHANNEL"), QStringLiteral("TYPE"), QStringLiteral("DELIVERED"), QStringLiteral("FAILED"),
                         QStringLiteral("RETRIED"), QStringLiteral("CANCELLED")},
                        {false, false, false, true, true, true, true});
        for (const DeliveryGroup &g : std::as_const(d->groups))
            table.addRow({g.queue, g.channel, g.type, QString::number(g.counts.delivered), QString::number(g.counts.failed),
                          QString::number(g.counts.retried), QString::number(g.counts.cancelled)});
        printText(QStringLiteral("\n") + table.render());
    }
    if (isSet(QStringLiteral("buckets"))) {
        TextTable table({QStringLiteral("FROM"), QStringLiteral("DELIVERED"), QStringLiteral("FAILED"), QStringLiteral("RETRIED"), QStringLiteral("CANCELLED")},
                        {false, true, true, true, true});
        for (const DeliveryBucket &b : std::as_const(d->buckets))
            table.addRow({formatTimestampSeconds(b.startMs), QString::number(b.counts.delivered), QString::number(b.counts.failed),
                          QString::number(b.counts.retried), QString::number(b.counts.cancelled)});
        printText(QStringLiteral("\n") + table.render());
    }
    if (d->total.failed > 0)
        printText(QStringLiteral("\nWhy they failed: heraldctl failures --since %1\n").arg(formatTimestampSeconds(d->query.fromMs)));
    return kOk;
}

} // namespace herald
