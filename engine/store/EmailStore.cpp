#include "EmailStore.h"

#include "StoreSql.h"

#include "Dialect.h"

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
QString rollupUpsert(const QString &table, const QStringList &keys)
{
    QStringList marks, sets;
    for (qsizetype i = 0; i < keys.size() + kCounterColumns.size(); ++i)
        marks << QStringLiteral("?");
    for (const QString &c : kCounterColumns)
        sets << QStringLiteral("%1 = %1 + excluded.%1").arg(c);
    return QStringLiteral("INSERT INTO %1 (%2, %3) VALUES (%4) ON CONFLICT (%2) DO UPDATE SET %5")
        .arg(table, keys.join(QStringLiteral(", ")), kCounterColumns.join(QStringLiteral(", ")), marks.join(QStringLiteral(", ")),
             sets.join(QStringLiteral(", ")));
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
    Store::Statement q = m_store.prepare(
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
    Store::Statement q = m_store.prepare(QStringLiteral(
        "INSERT INTO suppressions (address, reason, source_event, note, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (address) DO UPDATE SET reason = excluded.reason, source_event = excluded.source_event, note = excluded.note, "
        "expires_at = excluded.expires_at, created_at = excluded.created_at "
        "WHERE suppressions.expires_at IS NOT NULL AND (excluded.expires_at IS NULL OR excluded.expires_at > suppressions.expires_at)"));
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
    Store::WriteTransaction tx(m_store);
    if (auto s = tx.begin(); !s)
        return s.error();
    const qint64 t = m_store.now();
    RecordOutcome out;
    out.insertedRows.reserve(rows.size());
    QMap<std::pair<qint64, qint64>, Counters> rollups; // (period, bucket)
    QMap<std::pair<qint64, QString>, Counters> domainRollups;
    QMap<std::tuple<qint64, QString, QString, QString>, qint64> reasons;
    QHash<QString, std::optional<qint64>> linkCache; // mail id + header id → message

    const QString insertSql = QStringLiteral(
        "INSERT INTO email_events (sns_message_id, event_type, sub_type, recipient, recipient_domain, occurred_at, received_at, "
        "mail_message_id, header_message_id, message_id, topic_arn, bounce_type, bounce_subtype, action, status, diagnostic_code, "
        "complaint_feedback_type, click_link, source, raw) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (sns_message_id, recipient) DO NOTHING");
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
            Store::Statement insert = m_store.prepare(insertSql);
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
            Store::Statement n = m_store.prepare(QStringLiteral(
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

    const auto bindCounters = [](Store::Statement &q, const Counters &c) {
        for (qint64 v : c)
            q.addBindValue(v);
    };
    for (auto it = rollups.cbegin(); it != rollups.cend(); ++it) {
        Store::Statement q = m_store.prepare(rollupUpsert(QStringLiteral("email_rollups"), {QStringLiteral("period_ms"), QStringLiteral("bucket")}));
        q.addBindValue(it.key().first);
        q.addBindValue(it.key().second);
        bindCounters(q, it.value());
        if (auto s = exec(q, QStringLiteral("updating e-mail rollups")); !s)
            return s.error();
    }
    for (auto it = domainRollups.cbegin(); it != domainRollups.cend(); ++it) {
        Store::Statement q = m_store.prepare(rollupUpsert(QStringLiteral("email_domain_rollups"), {QStringLiteral("day"), QStringLiteral("domain")}));
        q.addBindValue(it.key().first);
        q.addBindValue(notNull(it.key().second));
        bindCounters(q, it.value());
        if (auto s = exec(q, QStringLiteral("updating e-mail domain rollups")); !s)
            return s.error();
    }
    for (auto it = reasons.cbegin(); it != reasons.cend(); ++it) {
        Store::Statement q = m_store.prepare(QStringLiteral(
            "INSERT INTO email_bounce_reasons (day, bounce_type, bounce_subtype, diagnostic, n) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (day, bounce_type, bounce_subtype, diagnostic) DO UPDATE SET n = n + excluded.n"));
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
    Store::WriteTransaction tx(m_store);
    if (auto s = tx.begin(); !s)
        return s.error();
    Store::Statement q = m_store.prepare(QStringLiteral(
        "INSERT INTO sns_notices (sns_message_id, type, topic_arn, message, subscribe_url, received_at, confirmed_at, confirm_error) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sns_message_id) DO NOTHING"));
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
    Store::WriteTransaction tx(m_store);
    if (auto s = tx.begin(); !s)
        return s;
    Store::Statement q = m_store.prepare(QStringLiteral("UPDATE sns_notices SET confirmed_at = ?, confirm_error = ? WHERE sns_message_id = ?"));
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
    Store::Statement q = m_store.prepare(QStringLiteral(
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
    Store::Statement q = m_store.prepare(QStringLiteral("SELECT ") + kEventColumns + QStringLiteral(" FROM email_events") +
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
    Store::Statement q = m_store.prepare(QStringLiteral("SELECT ") + kEventColumns + QStringLiteral(" FROM email_events WHERE id = ?"));
    q.addBindValue(id);
    if (auto s = exec(q, QStringLiteral("reading an e-mail event")); !s)
        return s.error();
    if (!q.next())
        return Error::notFound(QStringLiteral("no e-mail event with id %1; see `heraldctl email list`").arg(id));
    return readEvent(q);
}

Result<qint64> EmailStore::linkUnlinked()
{
    Store::WriteTransaction tx(m_store);
    if (auto s = tx.begin(); !s)
        return s.error();
    QList<std::pair<QString, QString>> ids;
    {
        Store::Statement q = m_store.prepare(QStringLiteral(
            "SELECT DISTINCT COALESCE(mail_message_id, ''), COALESCE(header_message_id, '') FROM email_events WHERE message_id IS NULL"));
        if (auto s = exec(q, QStringLiteral("finding unlinked e-mail events")); !s)
            return s.error();
        while (q.next())
            ids << std::pair{q.value(0).toString(), q.value(1).toString()};
    }
    qint64 linked = 0;
    for (const auto &[mail, header] : std::as_const(ids)) {
        EmailEventRecord probe;
        probe.mailMessageId = mail;
        probe.headerMessageId = header;
        auto found = linkedMessage(probe);
        if (!found)
            return found.error();
        if (!*found)
            continue;
        Store::Statement u = m_store.prepare(QStringLiteral(
            "UPDATE email_events SET message_id = ? WHERE message_id IS NULL AND COALESCE(mail_message_id, '') = ? AND "
            "COALESCE(header_message_id, '') = ?"));
        u.addBindValue(**found);
        u.addBindValue(mail);
        u.addBindValue(header);
        if (auto s = exec(u, QStringLiteral("linking e-mail events")); !s)
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
    Store::Statement q = m_store.prepare(QStringLiteral("SELECT ") + counterSums() +
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
    Store::Statement q = m_store.prepare(QStringLiteral("SELECT bucket, ") + kCounterColumns.join(QStringLiteral(", ")) +
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
    Store::Statement q = m_store.prepare(QStringLiteral(
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
    Store::Statement q = m_store.prepare(QStringLiteral("SELECT domain, ") + counterSums() +
                                         QStringLiteral(" FROM email_domain_rollups WHERE day >= ? AND day < ? GROUP BY domain "
                                                        "ORDER BY SUM(sends) DESC, SUM(hard_bounces) + SUM(soft_bounces) DESC, domain LIMIT ?"));
    q.addBindValue(floorTo(from, kDayMs));
    q.addBindValue(to);
    q.addBindValue(limit);
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
    Store::Statement q = m_store.prepare(QStringLiteral("SELECT MIN(bucket), MAX(bucket) FROM email_rollups WHERE period_ms = ?"));
    q.addBindValue(kHourMs);
    if (auto s = exec(q, QStringLiteral("reading the e-mail event range")); !s)
        return s.error();
    if (!q.next() || q.value(0).isNull())
        return std::optional<std::pair<qint64, qint64>>{};
    return std::optional<std::pair<qint64, qint64>>(std::pair{q.value(0).toLongLong(), q.value(1).toLongLong() + kHourMs});
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
    Store::Statement q = m_store.prepare(QStringLiteral("SELECT ") + kSuppressionColumns + QStringLiteral(" FROM suppressions") +
                                         (where.isEmpty() ? QString() : QStringLiteral(" WHERE ") + where.join(QStringLiteral(" AND "))) +
                                         QStringLiteral(" ORDER BY address"));
    for (const QVariant &b : binds)
        q.addBindValue(b);
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
    Store::WriteTransaction tx(m_store);
    if (auto s = tx.begin(); !s)
        return s;
    Store::Statement q = m_store.prepare(QStringLiteral(
        "INSERT INTO suppressions (address, reason, source_event, note, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (address) DO UPDATE SET reason = excluded.reason, source_event = excluded.source_event, note = excluded.note, "
        "expires_at = excluded.expires_at, created_at = excluded.created_at"));
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
    Store::WriteTransaction tx(m_store);
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
    Store::WriteTransaction tx(m_store);
    if (auto s = tx.begin(); !s)
        return s;
    Store::Statement q = m_store.prepare(QStringLiteral("DELETE FROM suppressions WHERE address = ?"));
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
    Store::Statement q = m_store.prepare(QStringLiteral("SELECT key, value FROM email_settings WHERE key LIKE 'suppression.%'"));
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
    Store::WriteTransaction tx(m_store);
    if (auto s = tx.begin(); !s)
        return s;
    for (const auto &[key, value] : {std::pair{kPolicyThreshold, QString::number(p.softBounceThreshold)},
                                     std::pair{kPolicyWindow, QString::number(p.softBounceWindowMs)},
                                     std::pair{kPolicyExpiry, p.softBounceExpiryMs ? QString::number(*p.softBounceExpiryMs) : QStringLiteral("none")}}) {
        Store::Statement q = m_store.prepare(QStringLiteral(
            "INSERT INTO email_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"));
        q.addBindValue(key);
        q.addBindValue(value);
        if (auto s = exec(q, QStringLiteral("storing the suppression policy")); !s)
            return s;
    }
    return tx.commit();
}

} // namespace herald
