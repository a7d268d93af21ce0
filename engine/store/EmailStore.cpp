#include "EmailStore.h"

#include "StoreContext.h"
#include "StoreSql.h"

#include "Backend.h"

#include <QHash>
#include <QMap>
#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>

#include <algorithm>
#include <array>

namespace herald {

namespace {

// The rollup counters, in the order of their columns in email_rollups and email_domain_rollups.
enum Counter {
    Sends,
    Deliveries,
    HardBounces,
    SoftBounces,
    SuppressionListBounces,
    UndeterminedBounces,
    Complaints,
    Rejects,
    Opens,
    Clicks,
    Delays,
    RenderingFailures,
    Subscriptions,
    OtherEvents,
    CounterCount
};
using Counters = std::array<qint64, CounterCount>;

const QStringList kCounterColumns{
    QStringLiteral("sends"),      QStringLiteral("deliveries"),         QStringLiteral("hard_bounces"),
    QStringLiteral("soft_bounces"), QStringLiteral("suppression_list_bounces"), QStringLiteral("undetermined_bounces"),
    QStringLiteral("complaints"), QStringLiteral("rejects"),            QStringLiteral("opens"),
    QStringLiteral("clicks"),     QStringLiteral("delays"),             QStringLiteral("rendering_failures"),
    QStringLiteral("subscriptions"), QStringLiteral("other_events")};

EmailCounts toCounts(const Counters &c)
{
    EmailCounts e;
    e.sends = c[Sends];
    e.deliveries = c[Deliveries];
    e.hardBounces = c[HardBounces];
    e.softBounces = c[SoftBounces];
    e.suppressionListBounces = c[SuppressionListBounces];
    e.undeterminedBounces = c[UndeterminedBounces];
    e.complaints = c[Complaints];
    e.rejects = c[Rejects];
    e.opens = c[Opens];
    e.clicks = c[Clicks];
    e.delays = c[Delays];
    e.renderingFailures = c[RenderingFailures];
    e.subscriptions = c[Subscriptions];
    e.other = c[OtherEvents];
    return e;
}

Counters countersOf(const EmailEventRecord &row)
{
    Counters c{};
    const QString &t = row.eventType;
    if (t == EmailEventType::Send)
        c[Sends] = 1;
    else if (t == EmailEventType::Delivery)
        c[Deliveries] = 1;
    else if (t == EmailEventType::Bounce) {
        if (row.subType == BounceClass::Hard)
            c[HardBounces] = 1;
        else if (row.subType == BounceClass::SuppressionList)
            c[HardBounces] = c[SuppressionListBounces] = 1;
        else if (row.subType == BounceClass::Soft)
            c[SoftBounces] = 1;
        else
            c[UndeterminedBounces] = 1;
    } else if (t == EmailEventType::Complaint)
        c[Complaints] = 1;
    else if (t == EmailEventType::Reject)
        c[Rejects] = 1;
    else if (t == EmailEventType::Open)
        c[Opens] = 1;
    else if (t == EmailEventType::Click)
        c[Clicks] = 1;
    else if (t == EmailEventType::DeliveryDelay)
        c[Delays] = 1;
    else if (t == EmailEventType::RenderingFailure)
        c[RenderingFailures] = 1;
    else if (t == EmailEventType::Subscription)
        c[Subscriptions] = 1;
    else
        c[OtherEvents] = 1;
    return c;
}

void add(Counters &into, const Counters &c)
{
    for (int i = 0; i < CounterCount; ++i)
        into[size_t(i)] += c[size_t(i)];
}

Counters readCounters(const QSqlQuery &q, int first)
{
    Counters c{};
    for (int i = 0; i < CounterCount; ++i)
        c[size_t(i)] = q.value(first + i).toLongLong();
    return c;
}

QString counterSums()
{
    QStringList sums;
    for (const QString &c : kCounterColumns)
        sums << QStringLiteral("COALESCE(SUM(%1), 0)").arg(c);
    return sums.join(QStringLiteral(", "));
}

// "INSERT … VALUES (…) ON CONFLICT (keys) DO UPDATE SET c = c + excluded.c, …" for a rollup table.
QList<Backend::Assignment> rollupSums(const QString &table)
{
    QList<Backend::Assignment> sets;
    for (const QString &c : kCounterColumns)
        sets.append({c, QStringLiteral("%2.%1 + excluded.%1").arg(c, table)});
    return sets;
}

QString rollupUpsert(const Backend &b, const QString &table, const QStringList &keys)
{
    QStringList marks;
    for (qsizetype i = 0; i < keys.size() + kCounterColumns.size(); ++i)
        marks << QStringLiteral("?");
    return b.upsert(table, keys.join(QStringLiteral(", ")) + QStringLiteral(", ") + kCounterColumns.join(QStringLiteral(", ")),
                    QStringLiteral("VALUES (%1)").arg(marks.join(QStringLiteral(", "))), keys.join(QStringLiteral(", ")), rollupSums(table));
}

QString addBounceReason(const Backend &b)
{
    return b.upsert(QStringLiteral("email_bounce_reasons"), QStringLiteral("day, bounce_type, bounce_subtype, diagnostic, n"),
                    QStringLiteral("VALUES (?, ?, ?, ?, ?)"), QStringLiteral("day, bounce_type, bounce_subtype, diagnostic"),
                    {{QStringLiteral("n"), QStringLiteral("email_bounce_reasons.n + excluded.n")}});
}

QString setSuppression(const Backend &b, const QString &condition)
{
    return b.upsert(QStringLiteral("suppressions"), QStringLiteral("address, reason, source_event, note, expires_at, created_at"),
                    QStringLiteral("VALUES (?, ?, ?, ?, ?, ?)"), QStringLiteral("address"),
                    {{QStringLiteral("reason"), QStringLiteral("excluded.reason")},
                     {QStringLiteral("source_event"), QStringLiteral("excluded.source_event")},
                     {QStringLiteral("note"), QStringLiteral("excluded.note")},
                     {QStringLiteral("expires_at"), QStringLiteral("excluded.expires_at")},
                     {QStringLiteral("created_at"), QStringLiteral("excluded.created_at")}},
                    condition);
}

using storesql::exec;
using storesql::sqlError;

QVariant nullableText(const QString &s)
{
    return s.isEmpty() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(s);
}

// Key columns are NOT NULL, and an empty QString would bind as NULL.
QString notNull(const QString &s)
{
    return s.isNull() ? QStringLiteral("") : s;
}

QVariant nullableInt(const std::optional<qint64> &v)
{
    return v ? QVariant(*v) : QVariant(QMetaType(QMetaType::LongLong));
}

std::optional<qint64> optionalInt(const QVariant &v)
{
    return v.isNull() ? std::nullopt : std::optional<qint64>(v.toLongLong());
}

qint64 floorTo(qint64 t, qint64 period)
{
    const qint64 r = t % period;
    return r < 0 ? t - r - period : t - r;
}

QString domainOf(const QString &address)
{
    const qsizetype at = address.lastIndexOf(QLatin1Char('@'));
    return at < 0 ? QString() : address.mid(at + 1);
}

// Provider ids are recorded as the channel saw them ("<uuid@herald>") and SES reports them with or
// without the angle brackets: every spelling is a candidate.
QStringList spellings(const QString &id)
{
    QString bare = id.trimmed();
    if (bare.startsWith(QLatin1Char('<')) && bare.endsWith(QLatin1Char('>')))
        bare = bare.mid(1, bare.size() - 2);
    if (bare.isEmpty())
        return {};
    return {bare, QLatin1Char('<') + bare + QLatin1Char('>')};
}

const QString kEventColumns = QStringLiteral(
    "id, sns_message_id, event_type, sub_type, recipient, recipient_domain, occurred_at, received_at, mail_message_id, "
    "header_message_id, message_id, topic_arn, bounce_type, bounce_subtype, action, status, diagnostic_code, "
    "complaint_feedback_type, click_link, source, raw");

EmailEvent readEvent(const QSqlQuery &q)
{
    EmailEvent e;
    e.id = q.value(0).toLongLong();
    e.snsMessageId = q.value(1).toString();
    e.eventType = q.value(2).toString();
    e.subType = q.value(3).toString();
    e.recipient = q.value(4).toString();
    e.recipientDomain = q.value(5).toString();
    e.occurredAt = q.value(6).toLongLong();
    e.receivedAt = q.value(7).toLongLong();
    e.mailMessageId = q.value(8).toString();
    e.headerMessageId = q.value(9).toString();
    e.messageId = optionalInt(q.value(10));
    e.topicArn = q.value(11).toString();
    e.bounceType = q.value(12).toString();
    e.bounceSubType = q.value(13).toString();
    e.action = q.value(14).toString();
    e.status = q.value(15).toString();
    e.diagnosticCode = q.value(16).toString();
    e.complaintFeedbackType = q.value(17).toString();
    e.clickLink = q.value(18).toString();
    e.source = q.value(19).toString();
    e.raw = q.value(20).toByteArray();
    return e;
}

const QString kSuppressionColumns = QStringLiteral("address, reason, source_event, note, created_at, expires_at");

Suppression readSuppression(const QSqlQuery &q)
{
    return Suppression{q.value(0).toString(), q.value(1).toString(), q.value(2).toString(), q.value(3).toString(),
                       q.value(4).toLongLong(), optionalInt(q.value(5))};
}

const QString kPolicyThreshold = QStringLiteral("suppression.soft_bounce_threshold");
const QString kPolicyWindow = QStringLiteral("suppression.soft_bounce_window_ms");
const QString kPolicyExpiry = QStringLiteral("suppression.soft_bounce_expiry_ms");

} // namespace


QString EmailStore::normaliseAddress(const QString &address)
{
    QString a = address.trimmed();
    const qsizetype open = a.lastIndexOf(QLatin1Char('<'));
    const qsizetype close = a.lastIndexOf(QLatin1Char('>'));
    if (open >= 0 && close > open)
        a = a.mid(open + 1, close - open - 1).trimmed();
    return a.toLower();
}

QString EmailStore::bounceReasonKey(const QString &diagnosticCode)
{
    static const QRegularExpression address(QStringLiteral("<?[^\\s<>()\\[\\]]+@[^\\s<>()\\[\\]]+>?"));
    static const QRegularExpression spaces(QStringLiteral("\\s+"));
    QString key = diagnosticCode;
    key.replace(address, QStringLiteral("<address>"));
    key = key.replace(spaces, QStringLiteral(" ")).trimmed();
    if (key.size() > 300)
        key = key.left(300);
    return key;
}

// ---- intake ----------------------------------------------------------------------------------

Result<std::optional<qint64>> EmailStore::linkedMessage(const EmailEventRecord &row)
{
    QStringList candidates = spellings(row.mailMessageId) + spellings(row.headerMessageId);
    candidates.removeDuplicates();
    if (candidates.isEmpty())
        return std::optional<qint64>{};
    while (candidates.size() < 4)
        candidates << candidates.back();
    StoreContext::Statement q = m_store.context().prepare(
        QStringLiteral("SELECT id FROM messages WHERE provider_message_id IN (?, ?, ?, ?) ORDER BY id LIMIT 1"));
    for (qsizetype i = 0; i < 4; ++i)
        q.addBindValue(candidates[i]);
    if (auto s = exec(q, QStringLiteral("linking an e-mail event to its message")); !s)
        return s.error();
    if (!q.next())
        return std::optional<qint64>{};
    return std::optional<qint64>(q.value(0).toLongLong());
}

Result<bool> EmailStore::upsertAutomaticSuppression(const Suppression &e)
{
    // Never weakens an entry: a suppression for ever (manual, hard bounce, complaint) stays as it is,
    // and a soft-bounce one is only ever extended.
    StoreContext::Statement q = m_store.context().prepare(setSuppression(
        *m_store.context().backend,
        QStringLiteral("suppressions.expires_at IS NOT NULL AND (excluded.expires_at IS NULL OR excluded.expires_at > suppressions.expires_at)")));
    for (const QVariant &v : QVariantList{e.address, e.reason, nullableText(e.sourceEvent), nullableText(e.note), nullableInt(e.expiresAt),
                                          e.createdAt})
        q.addBindValue(v);
    if (auto s = exec(q, QStringLiteral("suppressing %1").arg(e.address)); !s)
        return s.error();
    return q.numRowsAffected() > 0;
}

Result<EmailStore::RecordOutcome> EmailStore::record(const QList<EmailEventRecord> &rows)
{
    auto policy = suppressionPolicy();
    if (!policy)
        return policy.error();
    StoreContext::WriteTransaction tx(m_store.context());
    if (auto s = tx.begin(); !s)
        return s.error();
    const qint64 t = m_store.now();
    RecordOutcome out;
    out.insertedRows.reserve(rows.size());
    QMap<std::pair<qint64, qint64>, Counters> rollups; // (period, bucket)
    QMap<std::pair<qint64, QString>, Counters> domainRollups;
    QMap<std::tuple<qint64, QString, QString, QString>, qint64> reasons;
    QHash<QString, std::optional<qint64>> linkCache; // mail id + header id → message

    const QString insertSql = m_store.context().backend->upsert(
        QStringLiteral("email_events"),
        QStringLiteral("sns_message_id, event_type, sub_type, recipient, recipient_domain, occurred_at, received_at, "
                       "mail_message_id, header_message_id, message_id, topic_arn, bounce_type, bounce_subtype, action, status, diagnostic_code, "
                       "complaint_feedback_type, click_link, source, raw"),
        QStringLiteral("VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"), QStringLiteral("sns_message_id, recipient"), {});
    for (const EmailEventRecord &input : rows) {
        EmailEventRecord row = input;
        row.recipient = normaliseAddress(row.recipient);
        if (row.snsMessageId.isEmpty() || row.eventType.isEmpty())
            return Error::badInput(QStringLiteral("an e-mail event without an id or a type cannot be stored"));
        const QString cacheKey = row.mailMessageId + QLatin1Char('\n') + row.headerMessageId;
        auto cached = linkCache.constFind(cacheKey);
        std::optional<qint64> messageId;
        if (cached != linkCache.cend()) {
            messageId = *cached;
        } else {
            auto found = linkedMessage(row);
            if (!found)
                return found.error();
            messageId = *found;
            linkCache.insert(cacheKey, messageId);
        }
        {
            StoreContext::Statement insert = m_store.context().prepare(insertSql);
            for (const QVariant &v : QVariantList{row.snsMessageId, row.eventType, nullableText(row.subType), notNull(row.recipient),
                                                  notNull(domainOf(row.recipient)), row.occurredAt, t, nullableText(row.mailMessageId),
                                                  nullableText(row.headerMessageId), nullableInt(messageId), nullableText(row.topicArn),
                                                  nullableText(row.bounceType), nullableText(row.bounceSubType), nullableText(row.action),
                                                  nullableText(row.status), nullableText(row.diagnosticCode),
                                                  nullableText(row.complaintFeedbackType), nullableText(row.clickLink), notNull(row.source),
                                                  QString::fromUtf8(row.raw)})
                insert.addBindValue(v);
            if (auto s = exec(insert, QStringLiteral("storing an e-mail event")); !s)
                return s.error();
            if (insert.numRowsAffected() == 0) {
                ++out.duplicates;
                out.insertedRows << false;
                continue;
            }
        }
        ++out.inserted;
        out.insertedRows << true;
        if (messageId)
            ++out.linked;

        const Counters c = countersOf(row);
        add(rollups[{kHourMs, floorTo(row.occurredAt, kHourMs)}], c);
        add(rollups[{kDayMs, floorTo(row.occurredAt, kDayMs)}], c);
        add(domainRollups[{floorTo(row.occurredAt, kDayMs), notNull(domainOf(row.recipient))}], c);
        if (row.eventType == EmailEventType::Bounce)
            reasons[{floorTo(row.occurredAt, kDayMs), row.bounceType, row.bounceSubType, bounceReasonKey(row.diagnosticCode)}] += 1;

        // Suppression rules (SuppressionPolicy).
        std::optional<Suppression> suppress;
        if (row.eventType == EmailEventType::Bounce && (row.subType == BounceClass::Hard || row.subType == BounceClass::SuppressionList)) {
            suppress = Suppression{row.recipient, SuppressionReason::HardBounce, row.snsMessageId,
                                   row.diagnosticCode.isEmpty() ? row.bounceSubType : row.diagnosticCode, t, std::nullopt};
        } else if (row.eventType == EmailEventType::Complaint) {
            suppress = Suppression{row.recipient, SuppressionReason::Complaint, row.snsMessageId, row.complaintFeedbackType, t, std::nullopt};
        } else if (row.eventType == EmailEventType::Bounce && row.subType == BounceClass::Soft && policy->softBounceThreshold > 0) {
            StoreContext::Statement n = m_store.context().prepare(QStringLiteral(
                "SELECT COUNT(*) FROM email_events WHERE recipient = ? AND event_type = ? AND sub_type = ? AND occurred_at > ? AND occurred_at <= ?"));
            for (const QVariant &v : QVariantList{row.recipient, EmailEventType::Bounce, BounceClass::Soft,
                                                  row.occurredAt - policy->softBounceWindowMs, row.occurredAt})
                n.addBindValue(v);
            if (auto s = exec(n, QStringLiteral("counting soft bounces of %1").arg(row.recipient)); !s)
                return s.error();
            const qint64 count = n.next() ? n.value(0).toLongLong() : 0;
            n.finish();
            if (count >= policy->softBounceThreshold) {
                std::optional<qint64> expires;
                if (policy->softBounceExpiryMs)
                    expires = row.occurredAt + *policy->softBounceExpiryMs;
                suppress = Suppression{row.recipient, SuppressionReason::SoftBounce, row.snsMessageId,
                                       QStringLiteral("%1 soft bounces within %2 days").arg(count).arg(double(policy->softBounceWindowMs) / kDayMs),
                                       t, expires};
            }
        }
        if (suppress && !suppress->address.isEmpty() && suppress->activeAt(t)) {
            auto changed = upsertAutomaticSuppression(*suppress);
            if (!changed)
                return changed.error();
            if (*changed && !out.suppressed.contains(suppress->address))
                out.suppressed << suppress->address;
        }
    }

    const auto bindCounters = [](StoreContext::Statement &q, const Counters &c) {
        for (qint64 v : c)
            q.addBindValue(v);
    };
    for (auto it = rollups.cbegin(); it != rollups.cend(); ++it) {
        StoreContext::Statement q = m_store.context().prepare(rollupUpsert(*m_store.context().backend, QStringLiteral("email_rollups"), {QStringLiteral("period_ms"), QStringLiteral("bucket")}));
        q.addBindValue(it.key().first);
        q.addBindValue(it.key().second);
        bindCounters(q, it.value());
        if (auto s = exec(q, QStringLiteral("updating e-mail rollups")); !s)
            return s.error();
    }
    for (auto it = domainRollups.cbegin(); it != domainRollups.cend(); ++it) {
        StoreContext::Statement q = m_store.context().prepare(rollupUpsert(*m_store.context().backend, QStringLiteral("email_domain_rollups"), {QStringLiteral("day"), QStringLiteral("domain")}));
        q.addBindValue(it.key().first);
        q.addBindValue(notNull(it.key().second));
        bindCounters(q, it.value());
        if (auto s = exec(q, QStringLiteral("updating e-mail domain rollups")); !s)
            return s.error();
    }
    for (auto it = reasons.cbegin(); it != reasons.cend(); ++it) {
        StoreContext::Statement q = m_store.context().prepare(addBounceReason(*m_store.context().backend));
        const auto &[day, type, subType, diagnostic] = it.key();
        for (const QVariant &v : QVariantList{day, notNull(type), notNull(subType), notNull(diagnostic), it.value()})
            q.addBindValue(v);
        if (auto s = exec(q, QStringLiteral("updating bounce reasons")); !s)
            return s.error();
    }
    if (auto s = tx.commit(); !s)
        return s.error();
    return out;
}

Result<bool> EmailStore::recordNotice(const SnsNotice &n)
{
    StoreContext::WriteTransaction tx(m_store.context());
    if (auto s = tx.begin(); !s)
        return s.error();
    StoreContext::Statement q = m_store.context().prepare(m_store.context().backend->upsert(
        QStringLiteral("sns_notices"), QStringLiteral("sns_message_id, type, topic_arn, message, subscribe_url, received_at, confirmed_at, confirm_error"),
        QStringLiteral("VALUES (?, ?, ?, ?, ?, ?, ?, ?)"), QStringLiteral("sns_message_id"), {}));
    for (const QVariant &v : QVariantList{n.snsMessageId, n.type, n.topicArn, nullableText(n.message), nullableText(n.subscribeUrl),
                                          n.receivedAt ? n.receivedAt : m_store.now(), nullableInt(n.confirmedAt), nullableText(n.confirmError)})
        q.addBindValue(v);
    if (auto s = exec(q, QStringLiteral("recording an SNS notice")); !s)
        return s.error();
    const bool inserted = q.numRowsAffected() > 0;
    q.finish();
    if (auto s = tx.commit(); !s)
        return s.error();
    return inserted;
}

Status EmailStore::setNoticeConfirmed(const QString &snsMessageId, const QString &error)
{
    StoreContext::WriteTransaction tx(m_store.context());
    if (auto s = tx.begin(); !s)
        return s;
    StoreContext::Statement q = m_store.context().prepare(QStringLiteral("UPDATE sns_notices SET confirmed_at = ?, confirm_error = ? WHERE sns_message_id = ?"));
    q.addBindValue(error.isEmpty() ? QVariant(m_store.now()) : QVariant(QMetaType(QMetaType::LongLong)));
    q.addBindValue(nullableText(error));
    q.addBindValue(snsMessageId);
    if (auto s = exec(q, QStringLiteral("recording a subscription confirmation")); !s)
        return s;
    q.finish();
    return tx.commit();
}

Result<QList<EmailStore::SnsNotice>> EmailStore::notices(int limit)
{
    StoreContext::Statement q = m_store.context().prepare(QStringLiteral(
        "SELECT sns_message_id, type, topic_arn, message, subscribe_url, received_at, confirmed_at, confirm_error FROM sns_notices "
        "ORDER BY id DESC LIMIT ?"));
    q.addBindValue(limit);
    if (auto s = exec(q, QStringLiteral("reading SNS notices")); !s)
        return s.error();
    QList<SnsNotice> out;
    while (q.next())
        out << SnsNotice{q.value(0).toString(),   q.value(1).toString(),  q.value(2).toString(),        q.value(3).toString(),
                         q.value(4).toString(),   q.value(5).toLongLong(), optionalInt(q.value(6)), q.value(7).toString()};
    return out;
}

// ---- reads of events -------------------------------------------------------------------------

Result<QList<EmailEvent>> EmailStore::events(const EventFilter &f)
{
    QStringList where;
    QVariantList binds;
    if (!f.type.isEmpty()) {
        where << QStringLiteral("event_type = ?");
        binds << f.type;
    }
    if (!f.recipient.isEmpty()) {
        where << QStringLiteral("recipient = ?");
        binds << normaliseAddress(f.recipient);
    }
    if (f.since) {
        where << QStringLiteral("occurred_at >= ?");
        binds << *f.since;
    }
    if (f.until) {
        where << QStringLiteral("occurred_at < ?");
        binds << *f.until;
    }
    if (f.messageId) {
        where << QStringLiteral("message_id = ?");
        binds << *f.messageId;
    }
    if (f.beforeId > 0) {
        where << QStringLiteral("id < ?");
        binds << f.beforeId;
    }
    StoreContext::Statement q = m_store.context().prepare(QStringLiteral("SELECT ") + kEventColumns + QStringLiteral(" FROM email_events") +
                                         (where.isEmpty() ? QString() : QStringLiteral(" WHERE ") + where.join(QStringLiteral(" AND "))) +
                                         QStringLiteral(" ORDER BY id DESC LIMIT ?"));
    for (const QVariant &b : binds)
        q.addBindValue(b);
    q.addBindValue(std::max(1, f.limit));
    if (auto s = exec(q, QStringLiteral("listing e-mail events")); !s)
        return s.error();
    QList<EmailEvent> out;
    while (q.next())
        out << readEvent(q);
    return out;
}

Result<EmailEvent> EmailStore::event(qint64 id)
{
    StoreContext::Statement q = m_store.context().prepare(QStringLiteral("SELECT ") + kEventColumns + QStringLiteral(" FROM email_events WHERE id = ?"));
    q.addBindValue(id);
    if (auto s = exec(q, QStringLiteral("reading an e-mail event")); !s)
        return s.error();
    if (!q.next())
        return Error::notFound(QStringLiteral("no e-mail event with id %1; see `heraldctl email list`").arg(id));
    return readEvent(q);
}

Result<qint64> EmailStore::linkUnlinked()
{
    return linkUnlinkedFrom(0);
}

Result<qint64> EmailStore::linkUnlinkedSince(qint64 receivedSince)
{
    auto first = firstEventReceivedSince(receivedSince);
    if (!first)
        return first.error();
    if (!*first)
        return qint64(0);
    return linkUnlinkedFrom(**first);
}

Result<std::optional<qint64>> EmailStore::firstEventReceivedSince(qint64 t)
{
    // A binary search over ids, each step one seek of the primary key: received_at has no index, and ids
    // grow with arrival (AUTOINCREMENT, one writer at a time), so received_at grows with them.
    qint64 lo = 0, hi = 0;
    {
        StoreContext::Statement q = m_store.context().prepare(QStringLiteral("SELECT MIN(id), MAX(id) FROM email_events"));
        if (auto s = exec(q, QStringLiteral("reading the range of e-mail event ids")); !s)
            return s.error();
        if (!q.next() || q.value(0).isNull())
            return std::optional<qint64>{};
        lo = q.value(0).toLongLong();
        hi = q.value(1).toLongLong();
    }
    StoreContext::Statement step = m_store.context().prepare(QStringLiteral("SELECT id, received_at FROM email_events WHERE id >= ? ORDER BY id LIMIT 1"));
    const auto at = [&](qint64 id) -> Result<std::pair<qint64, qint64>> {
        step.bindValue(0, id);
        if (auto s = exec(step, QStringLiteral("finding recent e-mail events")); !s)
            return s.error();
        if (!step.next())
            return std::pair<qint64, qint64>{-1, 0};
        const std::pair<qint64, qint64> row{step.value(0).toLongLong(), step.value(1).toLongLong()};
        step.finish();
        return row;
    };
    auto last = at(hi);
    if (!last)
        return last.error();
    if (last->first < 0 || last->second < t)
        return std::optional<qint64>{};
    while (lo < hi) {
        auto row = at(lo + (hi - lo) / 2);
        if (!row)
            return row.error();
        if (row->second >= t)
            hi = row->first;
        else
            lo = row->first + 1;
    }
    return std::optional<qint64>(lo);
}

Result<qint64> EmailStore::linkUnlinkedFrom(qint64 firstEventId)
{
    StoreContext::WriteTransaction tx(m_store.context());
    if (auto s = tx.begin(); !s)
        return s.error();
    QList<std::pair<QString, QString>> ids;
    {
        StoreContext::Statement q = m_store.context().prepare(QStringLiteral(
            "SELECT DISTINCT mail_message_id, header_message_id FROM email_events WHERE id >= ? AND message_id IS NULL"));
        q.addBindValue(firstEventId);
        if (auto s = exec(q, QStringLiteral("finding unlinked e-mail events")); !s)
            return s.error();
        while (q.next())
            ids << std::pair{q.value(0).toString(), q.value(1).toString()};
    }
    qint64 linked = 0;
    // Null-safe: NULL equals NULL (and SQLite's IS still uses the index of mail ids).
    StoreContext::Statement u = m_store.context().prepare(QStringLiteral(
        "UPDATE email_events SET message_id = ? WHERE id >= ? AND message_id IS NULL AND ") +
        m_store.context().backend->nullSafeEquals(QStringLiteral("mail_message_id")) + QStringLiteral(" AND ") +
        m_store.context().backend->nullSafeEquals(QStringLiteral("header_message_id")));
    for (const auto &[mail, header] : std::as_const(ids)) {
        if (mail.isEmpty() && header.isEmpty())
            continue;
        EmailEventRecord probe;
        probe.mailMessageId = mail;
        probe.headerMessageId = header;
        auto found = linkedMessage(probe);
        if (!found)
            return found.error();
        if (!*found)
            continue;
        const QVariantList binds{**found, firstEventId, nullableText(mail), nullableText(header)};
        for (int i = 0; i < binds.size(); ++i)
            u.bindValue(i, binds.at(i));
        if (auto s = exec(u, QStringLiteral("linking e-mail events")); !s)
            return s.error();
        linked += u.numRowsAffected();
    }
    if (auto s = tx.commit(); !s)
        return s.error();
    return linked;
}

Result<qint64> EmailStore::linkMessages(const QList<ProviderLink> &messages)
{
    if (messages.isEmpty())
        return qint64(0);
    StoreContext::WriteTransaction tx(m_store.context());
    if (auto s = tx.begin(); !s)
        return s.error();
    StoreContext::Statement u = m_store.context().prepare(
        QStringLiteral("UPDATE email_events SET message_id = ? WHERE mail_message_id IN (?, ?) AND message_id IS NULL"));
    qint64 linked = 0;
    for (const ProviderLink &m : messages) {
        const QStringList candidates = spellings(m.providerId);
        if (candidates.isEmpty())
            continue;
        u.bindValue(0, m.messageId);
        u.bindValue(1, candidates.value(0));
        u.bindValue(2, candidates.value(1));
        if (auto s = exec(u, QStringLiteral("linking the e-mail events of message %1").arg(m.messageId)); !s)
            return s.error();
        linked += u.numRowsAffected();
    }
    if (auto s = tx.commit(); !s)
        return s.error();
    return linked;
}

// ---- rollups ---------------------------------------------------------------------------------

Result<EmailCounts> EmailStore::totals(qint64 from, qint64 to)
{
    StoreContext::Statement q = m_store.context().prepare(QStringLiteral("SELECT ") + counterSums() +
                                         QStringLiteral(" FROM email_rollups WHERE period_ms = ? AND bucket >= ? AND bucket < ?"));
    q.addBindValue(kHourMs);
    q.addBindValue(floorTo(from, kHourMs));
    q.addBindValue(to);
    if (auto s = exec(q, QStringLiteral("reading e-mail totals")); !s)
        return s.error();
    if (!q.next())
        return EmailCounts{};
    return toCounts(readCounters(q, 0));
}

Result<QList<EmailBucket>> EmailStore::series(Granularity granularity, qint64 from, qint64 to)
{
    const qint64 period = granularity == Granularity::Hour ? kHourMs : kDayMs;
    const qint64 first = floorTo(from, period);
    if (to <= first)
        return QList<EmailBucket>{};
    if ((to - first) / period > 100'000)
        return Error::badInput(QStringLiteral("a chart of %1 %2s is too long; choose a shorter range or days instead of hours")
                                   .arg((to - first) / period)
                                   .arg(granularity == Granularity::Hour ? QStringLiteral("hour") : QStringLiteral("day")));
    StoreContext::Statement q = m_store.context().prepare(QStringLiteral("SELECT bucket, ") + kCounterColumns.join(QStringLiteral(", ")) +
                                         QStringLiteral(" FROM email_rollups WHERE period_ms = ? AND bucket >= ? AND bucket < ? ORDER BY bucket"));
    q.addBindValue(period);
    q.addBindValue(first);
    q.addBindValue(to);
    if (auto s = exec(q, QStringLiteral("reading the e-mail series")); !s)
        return s.error();
    QList<EmailBucket> out;
    qint64 next = first;
    while (q.next()) {
        const qint64 bucket = q.value(0).toLongLong();
        for (; next < bucket; next += period)
            out << EmailBucket{next, {}};
        out << EmailBucket{bucket, toCounts(readCounters(q, 1))};
        next = bucket + period;
    }
    for (; next < to; next += period)
        out << EmailBucket{next, {}};
    return out;
}

Result<QList<BounceReason>> EmailStore::bounceReasons(qint64 from, qint64 to, int limit)
{
    StoreContext::Statement q = m_store.context().prepare(QStringLiteral(
        "SELECT bounce_type, bounce_subtype, diagnostic, SUM(n) AS total FROM email_bounce_reasons WHERE day >= ? AND day < ? "
        "GROUP BY bounce_type, bounce_subtype, diagnostic ORDER BY total DESC, bounce_type, diagnostic LIMIT ?"));
    q.addBindValue(floorTo(from, kDayMs));
    q.addBindValue(to);
    q.addBindValue(limit);
    if (auto s = exec(q, QStringLiteral("reading bounce reasons")); !s)
        return s.error();
    QList<BounceReason> out;
    while (q.next())
        out << BounceReason{q.value(0).toString(), q.value(1).toString(), q.value(2).toString(), q.value(3).toLongLong()};
    return out;
}

Result<QList<DomainCounts>> EmailStore::domains(qint64 from, qint64 to, int limit)
{
    // Ranked on two columns first, then summed in full for the top ones only: the rows are (day, domain),
    // days × domains of them (180,000 for 2,000 domains over 90 days), and summing all fourteen counters
    // of every domain costs more than the sort. The top ones are a derived table joined, not an IN (…
    // LIMIT) list, which MariaDB does not take.
    StoreContext::Statement q = m_store.context().prepare(
        QStringLiteral("SELECT d.domain, ") + counterSums() +
        QStringLiteral(" FROM email_domain_rollups d JOIN (SELECT domain FROM email_domain_rollups WHERE day >= ? AND day < ? "
                       "GROUP BY domain ORDER BY SUM(sends) DESC, SUM(hard_bounces + soft_bounces) DESC, domain LIMIT ?) ranked "
                       "ON ranked.domain = d.domain WHERE d.day >= ? AND d.day < ? "
                       "GROUP BY d.domain ORDER BY SUM(sends) DESC, SUM(hard_bounces + soft_bounces) DESC, d.domain"));
    for (const QVariant &v : QVariantList{floorTo(from, kDayMs), to, limit, floorTo(from, kDayMs), to})
        q.addBindValue(v);
    if (auto s = exec(q, QStringLiteral("reading recipient domains")); !s)
        return s.error();
    QList<DomainCounts> out;
    while (q.next())
        out << DomainCounts{q.value(0).toString(), toCounts(readCounters(q, 1))};
    return out;
}

Result<std::optional<std::pair<qint64, qint64>>> EmailStore::eventTimeRange()
{
    // The day rollups are small and keyed by time: their ends bound the events to the day.
    StoreContext::Statement q = m_store.context().prepare(QStringLiteral("SELECT MIN(bucket), MAX(bucket) FROM email_rollups WHERE period_ms = ?"));
    q.addBindValue(kHourMs);
    if (auto s = exec(q, QStringLiteral("reading the e-mail event range")); !s)
        return s.error();
    if (!q.next() || q.value(0).isNull())
        return std::optional<std::pair<qint64, qint64>>{};
    return std::optional<std::pair<qint64, qint64>>(std::pair{q.value(0).toLongLong(), q.value(1).toLongLong() + kHourMs});
}

Result<EmailDashboardData> EmailStore::dashboard(const EmailDashboardRequest &request)
{
    const qint64 period = request.periodMs;
    if (period != kHourMs && period != kDayMs)
        return Error::badInput(QStringLiteral("a dashboard period of %1 ms is neither an hour (3600000) nor a day (86400000)").arg(period));
    if (request.rateWindowMs < 0)
        return Error::badInput(QStringLiteral("the rate window must be 0 (each bucket alone) or longer"));
    EmailDashboardData out;
    out.request = request;
    const qint64 first = floorTo(request.from, period);
    // The series starts early enough to fill the rate window of its first bucket.
    const qint64 lead = request.rateWindowMs > period ? (request.rateWindowMs + period - 1) / period - 1 : 0;
    auto all = series(period == kHourMs ? Granularity::Hour : Granularity::Day, first - lead * period, request.to);
    if (!all)
        return all.error();
    EmailCounts window;
    QList<EmailCounts> trailing; // the buckets inside the window, oldest first
    for (const EmailBucket &b : std::as_const(*all)) {
        window += b.counts;
        trailing << b.counts;
        if (trailing.size() > lead + 1) {
            const EmailCounts &gone = trailing.front();
            // EmailCounts has no -=: subtract through a negated copy.
            EmailCounts negative;
            negative.sends = -gone.sends;
            negative.deliveries = -gone.deliveries;
            negative.hardBounces = -gone.hardBounces;
            negative.softBounces = -gone.softBounces;
            negative.suppressionListBounces = -gone.suppressionListBounces;
            negative.undeterminedBounces = -gone.undeterminedBounces;
            negative.complaints = -gone.complaints;
            negative.rejects = -gone.rejects;
            negative.opens = -gone.opens;
            negative.clicks = -gone.clicks;
            negative.delays = -gone.delays;
            negative.renderingFailures = -gone.renderingFailures;
            negative.subscriptions = -gone.subscriptions;
            negative.other = -gone.other;
            window += negative;
            trailing.removeFirst();
        }
        if (b.start < first)
            continue;
        out.series << b;
        out.totals += b.counts;
        out.rateSeries << EmailRatePoint{b.start, EmailRates::from(window)};
    }
    out.rates = EmailRates::from(out.totals);
    auto reasons = bounceReasons(first, request.to, request.bounceReasons);
    if (!reasons)
        return reasons.error();
    out.bounceReasons = *reasons;
    auto table = domains(first, request.to, request.domains);
    if (!table)
        return table.error();
    out.domains = *table;
    return out;
}

Result<qint64> EmailStore::countEvents()
{
    StoreContext::Statement q = m_store.context().prepare(QStringLiteral("SELECT COUNT(*) FROM email_events"));
    if (auto s = exec(q, QStringLiteral("counting e-mail events")); !s)
        return s.error();
    return q.next() ? q.value(0).toLongLong() : 0;
}

Result<qint64> EmailStore::insertSyntheticEvents(qint64 count, qint64 from, qint64 to)
{
    if (auto s = m_store.context().requireWritable(); !s)
        return s.error();
    if (count < 0 || to <= from)
        return Error::badInput(QStringLiteral("cannot insert %1 synthetic e-mail events over [%2, %3)").arg(count).arg(from).arg(to));
    qint64 offset = 0;
    {
        StoreContext::Statement q = m_store.context().prepare(QStringLiteral("SELECT COUNT(*) FROM email_events WHERE source = 'synthetic'"));
        if (auto s = exec(q, QStringLiteral("counting synthetic e-mail events")); !s)
            return s.error();
        offset = q.next() ? q.value(0).toLongLong() : 0;
    }
    const auto lit = [](const QString &v) -> QString { return QLatin1Char('\'') + v + QLatin1Char('\''); };
    // h picks the type (per 10,000), d the domain; both from multiplicative hashes of n.
    const QString type = QStringLiteral(
        "CASE WHEN h < 4000 THEN %1 WHEN h < 7800 THEN %2 WHEN h < 9000 THEN %3 WHEN h < 9400 THEN %4 WHEN h < 9500 THEN %5 "
        "WHEN h < 9650 THEN %6 WHEN h < 9770 THEN %6 WHEN h < 9773 THEN %7 WHEN h < 9783 THEN %8 ELSE %3 END")
                             .arg(lit(EmailEventType::Send), lit(EmailEventType::Delivery), lit(EmailEventType::Open), lit(EmailEventType::Click),
                                  lit(EmailEventType::DeliveryDelay), lit(EmailEventType::Bounce), lit(EmailEventType::Complaint),
                                  lit(EmailEventType::Reject));
    const QString subType = QStringLiteral("CASE WHEN h >= 9500 AND h < 9650 THEN %1 WHEN h >= 9650 AND h < 9750 THEN %2 "
                                           "WHEN h >= 9750 AND h < 9770 THEN %3 ELSE NULL END")
                                .arg(lit(BounceClass::Soft), lit(BounceClass::Hard), lit(BounceClass::SuppressionList));
    const QString bounceType = QStringLiteral("CASE WHEN h >= 9500 AND h < 9650 THEN 'Transient' WHEN h >= 9650 AND h < 9770 THEN 'Permanent' END");
    const QString bounceSubType = QStringLiteral("CASE WHEN h >= 9500 AND h < 9650 THEN (CASE WHEN n % 3 = 0 THEN 'MailboxFull' ELSE 'General' END) "
                                                 "WHEN h >= 9650 AND h < 9750 THEN (CASE WHEN n % 4 = 0 THEN 'General' ELSE 'NoEmail' END) "
                                                 "WHEN h >= 9750 AND h < 9770 THEN 'OnAccountSuppressionList' END");
    const QString diagnostic = QStringLiteral(
        "CASE WHEN h >= 9500 AND h < 9650 THEN (CASE n % 3 WHEN 0 THEN 'smtp; 552 5.2.2 Mailbox full' WHEN 1 THEN "
        "'smtp; 451 4.7.1 Greylisted, try again later' ELSE 'smtp; 421 4.4.2 Connection timed out' END) "
        "WHEN h >= 9650 AND h < 9750 THEN (CASE n % 4 WHEN 0 THEN 'smtp; 550 5.7.1 Message rejected as spam' WHEN 1 THEN "
        "'smtp; 550 5.1.1 <address>: Recipient address rejected: User unknown' WHEN 2 THEN 'smtp; 550 5.1.10 RESOLVER.ADR.RecipientNotFound' "
        "ELSE 'smtp; 554 5.4.4 Domain not found' END) WHEN h >= 9750 AND h < 9770 THEN 'Amazon SES did not send the message to this address "
        "because it is on the suppression list for your account.' END");
    const QString domain = QStringLiteral(
        "CASE WHEN d < 3000 THEN 'gmail.com' WHEN d < 4500 THEN 'outlook.com' WHEN d < 5200 THEN 'yahoo.com' WHEN d < 5600 THEN 'icloud.com' "
        "ELSE 'd' || (n * 104729 % 2000) || '.example' END");
    // INSERT … WITH …, not WITH … INSERT (which MariaDB lacks); integer division and casts through the
    // backend (MySQL's / is exact, and it casts to SIGNED, not BIGINT).
    const Backend &backend = *m_store.context().backend;
    const QString sql = QStringLiteral(
        "INSERT INTO email_events (sns_message_id, event_type, sub_type, recipient, recipient_domain, occurred_at, received_at, mail_message_id, "
        "bounce_type, bounce_subtype, diagnostic_code, source, raw) "
        "WITH RECURSIVE seq(n) AS (SELECT %8 UNION ALL SELECT n + 1 FROM seq WHERE n + 1 < ?), "
        "base AS (SELECT n, n * 7919 % 10000 AS h, n * 6007 % 10000 AS d, %8 + (%9) AS at FROM seq), "
        "typed AS (SELECT n, at, %1 AS type, %2 AS sub, %3 AS btype, %4 AS bsub, %5 AS diag, %6 AS domain FROM base) "
        "SELECT 'synthetic-' || n, type, sub, 'user' || (n * 31 % 500000) || '@' || domain, domain, at, ?, 'synthetic-mail-' || (%10), "
        "btype, bsub, diag, 'synthetic', %7 FROM typed")
                            .arg(type, subType, bounceType, bounceSubType, diagnostic, domain,
                                 backend.jsonObject({QStringLiteral("'eventType'"), QStringLiteral("type"), QStringLiteral("'n'"), QStringLiteral("n")}),
                                 backend.castInteger(QStringLiteral("?")), backend.intDivide(QStringLiteral("(n - ?) * ?"), QStringLiteral("?")),
                                 backend.intDivide(QStringLiteral("n"), QStringLiteral("3")));
    constexpr qint64 kChunk = 200'000;
    const qint64 total = offset + count;
    qint64 inserted = 0;
    for (qint64 start = offset; start < total; start += kChunk) {
        const qint64 end = std::min(total, start + kChunk);
        StoreContext::WriteTransaction tx(m_store.context());
        if (auto s = tx.begin(); !s)
            return s.error();
        qint64 firstId = 0;
        {
            StoreContext::Statement q = m_store.context().prepare(QStringLiteral("SELECT COALESCE(MAX(id), 0) FROM email_events"));
            if (auto s = exec(q, QStringLiteral("reading the last e-mail event id")); !s)
                return s.error();
            firstId = q.next() ? q.value(0).toLongLong() + 1 : 1;
        }
        {
            // Spread over [from, to) as if the whole of offset + count were one even stream.
            StoreContext::Statement q = m_store.context().prepare(sql);
            const QVariantList binds{start, end, from, 0, to - from, std::max<qint64>(1, total), m_store.now()};
            for (int i = 0; i < binds.size(); ++i)
                q.bindValue(i, binds.at(i));
            if (auto s = exec(q, QStringLiteral("inserting synthetic e-mail events")); !s)
                return s.error();
        }
        // Their rollups, the way record() counts (countersOf), by aggregate over the new rows.
        const QString counters = QStringLiteral(
            "COALESCE(SUM(CASE WHEN event_type = %1 THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN event_type = %2 THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN event_type = %3 AND sub_type IN (%4, %5) THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN event_type = %3 AND sub_type = %6 THEN 1 ELSE 0 END), 0), "
            "COALESCE(SUM(CASE WHEN event_type = %3 AND sub_type = %5 THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN event_type = %3 AND (sub_type IS NULL OR sub_type NOT IN (%4, %5, %6)) THEN 1 ELSE 0 END), 0), "
            "COALESCE(SUM(CASE WHEN event_type = %7 THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN event_type = %8 THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN event_type = %9 THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN event_type = %10 THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN event_type = %11 THEN 1 ELSE 0 END), 0), "
            "COALESCE(SUM(CASE WHEN event_type = %12 THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN event_type = %13 THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN event_type NOT IN (%1, %2, %3, %7, %8, %9, %10, %11, %12, %13) THEN 1 ELSE 0 END), 0)")
                                     .arg(lit(EmailEventType::Send), lit(EmailEventType::Delivery), lit(EmailEventType::Bounce),
                                          lit(BounceClass::Hard), lit(BounceClass::SuppressionList), lit(BounceClass::Soft),
                                          lit(EmailEventType::Complaint), lit(EmailEventType::Reject), lit(EmailEventType::Open))
                                     .arg(lit(EmailEventType::Click), lit(EmailEventType::DeliveryDelay), lit(EmailEventType::RenderingFailure),
                                          lit(EmailEventType::Subscription));
        const Backend &b = backend;
        const QString cols = kCounterColumns.join(QStringLiteral(", "));
        for (const qint64 p : {kHourMs, kDayMs}) {
            StoreContext::Statement q = m_store.context().prepare(
                // The period is one of two constants, written into the statement so that every dialect sees
                // the grouped expression and the selected one as the same.
                b.upsert(QStringLiteral("email_rollups"), QStringLiteral("period_ms, bucket, ") + cols,
                         QStringLiteral("SELECT %2, %3, %1 FROM email_events WHERE id >= ? GROUP BY %3")
                             .arg(counters, QString::number(p), b.floorTo(QStringLiteral("occurred_at"), p)),
                         QStringLiteral("period_ms, bucket"), rollupSums(QStringLiteral("email_rollups"))));
            const QVariantList binds{firstId};
            for (int i = 0; i < binds.size(); ++i)
                q.bindValue(i, binds.at(i));
            if (auto s = exec(q, QStringLiteral("adding the rollups of synthetic e-mail events")); !s)
                return s.error();
        }
        {
            StoreContext::Statement q = m_store.context().prepare(
                b.upsert(QStringLiteral("email_domain_rollups"), QStringLiteral("day, domain, ") + cols,
                         QStringLiteral("SELECT %2, recipient_domain, %1 FROM email_events WHERE id >= ? GROUP BY %2, recipient_domain")
                             .arg(counters, b.floorTo(QStringLiteral("occurred_at"), kDayMs)),
                         QStringLiteral("day, domain"), rollupSums(QStringLiteral("email_domain_rollups"))));
            const QVariantList binds{firstId};
            for (int i = 0; i < binds.size(); ++i)
                q.bindValue(i, binds.at(i));
            if (auto s = exec(q, QStringLiteral("adding the domain rollups of synthetic e-mail events")); !s)
                return s.error();
        }
        {
            // Grouped by the diagnostic as stored, then by its reason key, as record() keys them.
            QMap<std::tuple<qint64, QString, QString, QString>, qint64> reasons;
            StoreContext::Statement q = m_store.context().prepare(QStringLiteral(
                "SELECT %1, COALESCE(bounce_type, ''), COALESCE(bounce_subtype, ''), COALESCE(diagnostic_code, ''), COUNT(*) "
                "FROM email_events WHERE id >= ? AND event_type = ? GROUP BY 1, 2, 3, 4").arg(b.floorTo(QStringLiteral("occurred_at"), kDayMs)));
            const QVariantList binds{firstId, EmailEventType::Bounce};
            for (int i = 0; i < binds.size(); ++i)
                q.bindValue(i, binds.at(i));
            if (auto s = exec(q, QStringLiteral("grouping the bounces of synthetic e-mail events")); !s)
                return s.error();
            while (q.next())
                reasons[{q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toString(), bounceReasonKey(q.value(3).toString())}] +=
                    q.value(4).toLongLong();
            q.finish();
            StoreContext::Statement u = m_store.context().prepare(addBounceReason(*m_store.context().backend));
            for (auto it = reasons.cbegin(); it != reasons.cend(); ++it) {
                const auto &[day, btype, bsub, key] = it.key();
                const QVariantList values{day, notNull(btype), notNull(bsub), notNull(key), it.value()};
                for (int i = 0; i < values.size(); ++i)
                    u.bindValue(i, values.at(i));
                if (auto s = exec(u, QStringLiteral("adding the bounce reasons of synthetic e-mail events")); !s)
                    return s.error();
            }
        }
        if (auto s = tx.commit(); !s)
            return s.error();
        inserted += end - start;
    }
    return inserted;
}

// ---- suppressions ----------------------------------------------------------------------------

Result<QList<Suppression>> EmailStore::suppressions(const SuppressionFilter &f)
{
    QStringList where;
    QVariantList binds;
    if (!f.includeExpired) {
        where << QStringLiteral("(expires_at IS NULL OR expires_at > ?)");
        binds << m_store.now();
    }
    if (!f.reason.isEmpty()) {
        where << QStringLiteral("reason = ?");
        binds << f.reason;
    }
    if (!f.address.isEmpty()) {
        where << QStringLiteral("address = ?");
        binds << normaliseAddress(f.address);
    }
    if (!f.afterAddress.isEmpty()) {
        where << QStringLiteral("address > ?");
        binds << f.afterAddress;
    }
    StoreContext::Statement q = m_store.context().prepare(QStringLiteral("SELECT ") + kSuppressionColumns + QStringLiteral(" FROM suppressions") +
                                         (where.isEmpty() ? QString() : QStringLiteral(" WHERE ") + where.join(QStringLiteral(" AND "))) +
                                         QStringLiteral(" ORDER BY address") + (f.limit > 0 ? QStringLiteral(" LIMIT ?") : QString()));
    for (const QVariant &b : binds)
        q.addBindValue(b);
    if (f.limit > 0)
        q.addBindValue(f.limit);
    if (auto s = exec(q, QStringLiteral("listing suppressions")); !s)
        return s.error();
    QList<Suppression> out;
    while (q.next())
        out << readSuppression(q);
    return out;
}

Status EmailStore::suppress(const Suppression &entry)
{
    Suppression e = entry;
    e.address = normaliseAddress(e.address);
    if (e.address.isEmpty())
        return Error::badInput(QStringLiteral("no address to suppress; give an e-mail address such as ana@example.org"));
    if (e.reason.isEmpty())
        e.reason = SuppressionReason::Manual;
    if (!SuppressionReason::isKnown(e.reason))
        return Error::badInput(QStringLiteral("suppression reason '%1' is unknown; use hard_bounce, soft_bounce, complaint or manual").arg(e.reason));
    if (!e.createdAt)
        e.createdAt = m_store.now();
    StoreContext::WriteTransaction tx(m_store.context());
    if (auto s = tx.begin(); !s)
        return s;
    StoreContext::Statement q = m_store.context().prepare(setSuppression(*m_store.context().backend, {}));
    for (const QVariant &v : QVariantList{e.address, e.reason, nullableText(e.sourceEvent), nullableText(e.note), nullableInt(e.expiresAt),
                                          e.createdAt})
        q.addBindValue(v);
    if (auto s = exec(q, QStringLiteral("suppressing %1").arg(e.address)); !s)
        return s;
    q.finish();
    return tx.commit();
}

Result<qint64> EmailStore::importSuppressions(const QList<Suppression> &entries)
{
    for (const Suppression &e : entries) {
        if (normaliseAddress(e.address).isEmpty())
            return Error::badInput(QStringLiteral("an imported suppression has no address"));
        if (!e.reason.isEmpty() && !SuppressionReason::isKnown(e.reason))
            return Error::badInput(QStringLiteral("suppression reason '%1' of %2 is unknown; use hard_bounce, soft_bounce, complaint or manual")
                                       .arg(e.reason, e.address));
    }
    StoreContext::WriteTransaction tx(m_store.context());
    if (auto s = tx.begin(); !s)
        return s.error();
    qint64 changed = 0;
    for (Suppression e : entries) {
        e.address = normaliseAddress(e.address);
        if (e.reason.isEmpty())
            e.reason = SuppressionReason::Manual;
        if (!e.createdAt)
            e.createdAt = m_store.now();
        auto r = upsertAutomaticSuppression(e);
        if (!r)
            return r.error();
        changed += *r ? 1 : 0;
    }
    if (auto s = tx.commit(); !s)
        return s.error();
    return changed;
}

Status EmailStore::unsuppress(const QString &address)
{
    const QString a = normaliseAddress(address);
    StoreContext::WriteTransaction tx(m_store.context());
    if (auto s = tx.begin(); !s)
        return s;
    StoreContext::Statement q = m_store.context().prepare(QStringLiteral("DELETE FROM suppressions WHERE address = ?"));
    q.addBindValue(a);
    if (auto s = exec(q, QStringLiteral("removing the suppression of %1").arg(a)); !s)
        return s;
    if (q.numRowsAffected() == 0)
        return Error::notFound(QStringLiteral("%1 is not on the suppression list; see `heraldctl suppression list`").arg(a));
    q.finish();
    return tx.commit();
}

Result<SuppressionPolicy> EmailStore::suppressionPolicy()
{
    StoreContext::Statement q = m_store.context().prepare(QStringLiteral("SELECT \"key\", value FROM email_settings WHERE \"key\" LIKE 'suppression.%'"));
    if (auto s = exec(q, QStringLiteral("reading the suppression policy")); !s)
        return s.error();
    SuppressionPolicy p;
    while (q.next()) {
        const QString key = q.value(0).toString();
        const QString value = q.value(1).toString();
        bool ok = false;
        if (key == kPolicyThreshold) {
            const int v = value.toInt(&ok);
            if (ok)
                p.softBounceThreshold = v;
        } else if (key == kPolicyWindow) {
            const qint64 v = value.toLongLong(&ok);
            if (ok)
                p.softBounceWindowMs = v;
        } else if (key == kPolicyExpiry) {
            const qint64 v = value.toLongLong(&ok);
            p.softBounceExpiryMs = ok && v > 0 ? std::optional<qint64>(v) : std::nullopt;
        }
    }
    return p;
}

Status EmailStore::setSuppressionPolicy(const SuppressionPolicy &p)
{
    if (p.softBounceThreshold < 0)
        return Error::badInput(QStringLiteral("the soft-bounce threshold %1 must be 0 (never) or more").arg(p.softBounceThreshold));
    if (p.softBounceWindowMs <= 0)
        return Error::badInput(QStringLiteral("the soft-bounce window must be longer than zero, e.g. 7d"));
    if (p.softBounceExpiryMs && *p.softBounceExpiryMs <= 0)
        return Error::badInput(QStringLiteral("the soft-bounce expiry must be longer than zero, or none"));
    StoreContext::WriteTransaction tx(m_store.context());
    if (auto s = tx.begin(); !s)
        return s;
    for (const auto &[key, value] : {std::pair{kPolicyThreshold, QString::number(p.softBounceThreshold)},
                                     std::pair{kPolicyWindow, QString::number(p.softBounceWindowMs)},
                                     std::pair{kPolicyExpiry, p.softBounceExpiryMs ? QString::number(*p.softBounceExpiryMs) : QStringLiteral("none")}}) {
        StoreContext::Statement q = m_store.context().prepare(m_store.context().backend->upsert(
            QStringLiteral("email_settings"), QStringLiteral("\"key\", value"), QStringLiteral("VALUES (?, ?)"), QStringLiteral("\"key\""),
            {{QStringLiteral("value"), QStringLiteral("excluded.value")}}));
        q.addBindValue(key);
        q.addBindValue(value);
        if (auto s = exec(q, QStringLiteral("storing the suppression policy")); !s)
            return s;
    }
    return tx.commit();
}

} // namespace herald
