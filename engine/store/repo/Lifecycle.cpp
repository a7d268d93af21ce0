// The runtime's side of the message lifecycle (DESIGN §4): promotion, claims under leases, outcomes
// fenced by owner and attempt, hand-backs and reclaims, all of one tick in one transaction (group commit).
#include "store/repo/Lifecycle.h"

#include "model/FailureFingerprint.h"

#include "store/repo/MessageReads.h"
#include "store/Backend.h"
#include "store/StoreSql.h"
#include "store/repo/StoreRows.h"
#include "email/EmailEvent.h"
#include "model/MessageJson.h"
#include "model/TextInput.h"
#include "model/TimeText.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QScopeGuard>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QStorageInfo>

#include <algorithm>
#include <limits>

namespace herald {

namespace {

using storesql::exec;
using storesql::sqlError;
using namespace storerows;

// ---- SQL
// The claim's index (messages_claim, migration 0008) holds only waiting messages: a query can use it
// only when it names that state as a literal, which a bound value is not.
static_assert(int(MessageState::Waiting) == 1, "migration 0008's messages_claim index names the waiting state as 1");
const QString kWaitingLiteral = QStringLiteral("state = 1");
// A state compared in a WHERE clause is written as a literal, never bound: SQLite compares a bound
// value against the partial index's condition and then compiles the statement again at every bind.
QString stateIs(MessageState state, const char *column = "state")
{
    return QLatin1String(column) + QStringLiteral(" = ") + QString::number(int(state));
}
const QString kPromoteDue = QStringLiteral("UPDATE messages SET state = ?, updated_at = ? WHERE state = %1 AND run_at <= ?").arg(int(MessageState::Scheduled));
// The message columns of kMessageColumns as an UPDATE … RETURNING yields them: no join, the queue's
// name bound as the one value after the statement's others.
const QString kMessageColumnsReturning = QStringLiteral(
    "id, ?, type, channel, recipient, payload, labels, priority, state, run_at, created_at, updated_at, started_at, finished_at, "
    "attempts, max_attempts, lease_owner, lease_until, stalls, dedupe_key, provider_message_id, last_error");
const QString kRecordClaimedAttempts = QStringLiteral("INSERT INTO attempts (message_id, number, started_at, worker) SELECT id, attempts, ?, ? "
                                                      "FROM messages WHERE ");
const QString kCompleteMessage = QStringLiteral(
    "UPDATE messages SET state = ?, finished_at = ?, updated_at = ?, provider_message_id = ?, "
    "lease_owner = NULL, lease_until = NULL, last_error = NULL "
    "WHERE id = ? AND state = %1 AND lease_owner = ? AND (? = 0 OR attempts = ?)").arg(int(MessageState::Active));
const QString kCloseAttemptSuccess = QStringLiteral("UPDATE attempts SET finished_at = ?, outcome = 'success' WHERE message_id = ? AND finished_at IS NULL");
const QString kCopyToOutbox = QStringLiteral(
    "INSERT INTO outbox (message_id, queue_id, channel, recipient, rendered, created_at) "
    "SELECT id, queue_id, channel, recipient, ?, ? FROM messages WHERE id = ?");
const QString kLockQueueForClaim = QStringLiteral("SELECT id FROM queues WHERE name = ? AND paused = 0");
const QString kCloseFailedAttempt = QStringLiteral(
    "UPDATE attempts SET finished_at = ?, outcome = ?, error = ?, response_code = ? "
    "WHERE message_id = ? AND finished_at IS NULL");

// Completes the messages of the id list still active under the owner's lease; the caller appends the
// id condition (and the attempt pairs where there are any).
// `+state`: the messages are found by their ids, never by an index on the state (SQLite, without
// statistics, would otherwise walk the active entries of (state, run_at) and test each against the list).
const QString kCompleteOurs = QStringLiteral(
    "UPDATE messages SET state = ?, finished_at = ?, updated_at = ?, provider_message_id = NULL, lease_owner = NULL, lease_until = NULL, "
    "last_error = NULL WHERE +state = %1 AND lease_owner = ? AND ").arg(int(MessageState::Active));

// Closes the open attempts of completed messages; the caller appends the message condition.
// What a delivery rollup is kept by, and the attempt's lateness (factAt reads them back).
const QString kFactColumns = QStringLiteral("queue_id, channel, type, started_at - run_at");
// Those facts read again after the UPDATE, where a statement cannot change a row and return it.
const QString kOutcomeFacts = QStringLiteral("SELECT ") + kFactColumns + QStringLiteral(" FROM messages WHERE id = ?");

template<typename Q>
DeliveryRollups::Fact factAt(Q &q, int first)
{
    const QVariant late = q.value(first + 3);
    return DeliveryRollups::Fact{q.value(first).toLongLong(), q.value(first + 1).toString(), q.value(first + 2).toString(),
                                 late.isNull() ? std::nullopt : std::optional<qint64>(late.toLongLong())};
}

const QString kCloseSucceededAttempts = QStringLiteral("UPDATE attempts SET finished_at = ?, outcome = 'success' WHERE finished_at IS NULL AND ");

// Completions by kind: those for an attempt the message must still be in ([id, attempt] pairs as a
// JSON array), and those for any attempt (0).
struct CompletionKinds
{
    QList<qint64> matched;
    QList<qint64> anyAttempt;
    QByteArray pairs;
};

CompletionKinds splitByAttempt(const QList<Store::Completion> &completions)
{
    CompletionKinds k;
    k.pairs = "[";
    for (const Store::Completion &c : completions) {
        if (c.attempt == 0) {
            k.anyAttempt << c.id;
            continue;
        }
        if (!k.matched.isEmpty())
            k.pairs += ',';
        k.pairs += '[' + QByteArray::number(c.id) + ',' + QByteArray::number(c.attempt) + ']';
        k.matched << c.id;
    }
    k.pairs += ']';
    return k;
}

// "… and the message is in the attempt its pair names", for one bound JSON array of pairs.
QString attemptPairCondition(const Backend &b)
{
    return QStringLiteral(" AND (id, attempts) IN (SELECT ") + b.jsonArraySet(QStringLiteral("ii")) + QStringLiteral(")");
}

} // namespace

Result<qint64> Lifecycle::promoteDueInTx(qint64 t)
{
    Statement q = m_ctx.prepare(kPromoteDue);
    q.addBindValue(int(MessageState::Waiting));
    q.addBindValue(t);
    q.addBindValue(t);
    if (auto s = exec(q, QStringLiteral("promoting due messages")); !s)
        return s.error();
    return qint64(q.numRowsAffected());
}

Result<qint64> Lifecycle::promoteDue()
{
    if (auto s = m_ctx.requireWritable(); !s)
        return s.error();
    WriteTransaction tx(m_ctx);
    if (auto s = tx.begin(); !s)
        return s.error();
    auto n = promoteDueInTx(m_ctx.now());
    if (!n)
        return n.error();
    if (auto s = tx.commit(); !s)
        return s.error();
    return n;
}

Result<QList<Message>> Lifecycle::claimInOneStatement(const ClaimRequest &request, const QString &owner, qint64 leaseMs, qint64 t)
{
    const Backend &b = *m_ctx.backend;
    const bool limited = b.capabilities().sharedStore();
    if (limited) {
        // Many engines (DESIGN §3.2): the queue's row is locked until the commit, so claims on one queue
        // take turns. The lock is a statement of its own: the claim below starts after it is granted, and
        // so counts what the engine that held it before has committed (a statement that waited for the
        // lock itself would count from the moment it started waiting).
        Statement lock = m_ctx.prepare(kLockQueueForClaim + b.rowLockClause());
        lock.addBindValue(request.queue);
        if (auto s = exec(lock, QStringLiteral("locking queue %1 for a claim").arg(request.queue)); !s)
            return s.error();
        if (!lock.next())
            return QList<Message>{}; // paused or gone
    }
    QVariantList binds;
    QString sql = QStringLiteral("WITH picked AS (SELECT id FROM messages WHERE queue_id = (SELECT id FROM queues WHERE name = ? AND paused = 0) "
                                 "AND ") + kWaitingLiteral;
    binds << request.queue;
    for (const QString &c : request.skipChannels) {
        sql += QStringLiteral(" AND channel <> ?");
        binds << c;
    }
    sql += QStringLiteral(" ORDER BY priority, run_at, id LIMIT ");
    if (limited) {
        // What the queue's concurrency and rate limit leave across all engines, counted in this statement.
        const QString byConcurrency = QStringLiteral("CASE WHEN q.concurrency > 0 THEN q.concurrency - (SELECT COUNT(*) FROM messages a "
                                                     "WHERE a.queue_id = q.id AND a.state = %1) ELSE ? END").arg(int(MessageState::Active));
        const QString byRate = QStringLiteral("CASE WHEN q.rate_max > 0 AND q.rate_window_ms > 0 THEN q.rate_max - (SELECT COUNT(*) "
                                              "FROM messages s WHERE s.queue_id = q.id AND s.started_at > ? - q.rate_window_ms) ELSE ? END");
        sql += QStringLiteral("(SELECT ") + b.greatest(QStringLiteral("0"), b.least(b.least(QStringLiteral("?"), byConcurrency), byRate)) +
               QStringLiteral(" FROM queues q WHERE q.name = ?)");
        binds << request.max << request.max << t << request.max << request.queue;
    } else {
        sql += QStringLiteral("?");
        binds << request.max;
    }
    sql += b.claimLockClause() +
           QStringLiteral("), claimed AS (UPDATE messages SET state = ?, attempts = attempts + 1, started_at = ?, updated_at = ?, "
                          "lease_owner = ?, lease_until = ? WHERE id IN (SELECT id FROM picked) RETURNING *), "
                          "recorded AS (INSERT INTO attempts (message_id, number, started_at, worker) SELECT id, attempts, ?, ? FROM claimed) "
                          "SELECT ") +
           kMessageColumns + QStringLiteral(" FROM claimed m JOIN queues q ON q.id = m.queue_id ORDER BY m.priority, m.run_at, m.id");
    binds << int(MessageState::Active) << t << t << owner << t + leaseMs << t << owner;
    Statement q = m_ctx.prepare(sql);
    for (const QVariant &v : std::as_const(binds))
        q.addBindValue(v);
    if (auto s = exec(q, QStringLiteral("claiming messages of %1").arg(request.queue)); !s)
        return s.error();
    QList<Message> claimed;
    while (q.next())
        claimed << readMessage(q);
    return claimed;
}

Result<QList<Message>> Lifecycle::claimInTx(const ClaimRequest &request, const QString &owner, qint64 leaseMs, qint64 t)
{
    if (request.max <= 0)
        return QList<Message>{};
    const Backend &b = *m_ctx.backend;
    if (b.capabilities().modifyingCte)
        return claimInOneStatement(request, owner, leaseMs, t);
    if (!b.capabilities().updateReturning)
        return claimLockedThenUpdated(request, owner, leaseMs, t);
    if (b.capabilities().sharedStore())
        return Error::runtime(QStringLiteral("the %1 backend cannot claim on a shared store: its claim would not hold a queue's limits "
                                              "across engines").arg(b.name()));
    // One engine per store: its runtime keeps the queue's limits. The pick and the update are one
    // UPDATE … RETURNING (the queue's id and paused flag read inside it: a paused or missing queue
    // yields nothing), and the attempts one INSERT.
    QVariantList binds{int(MessageState::Active), t, t, owner, t + leaseMs, request.queue};
    QString sql = QStringLiteral("UPDATE messages SET state = ?, attempts = attempts + 1, started_at = ?, updated_at = ?, lease_owner = ?, "
                                 "lease_until = ? WHERE id IN (SELECT id FROM messages WHERE queue_id = (SELECT id FROM queues WHERE name = ? "
                                 "AND paused = 0) AND ") + kWaitingLiteral;
    for (const QString &c : request.skipChannels) {
        sql += QStringLiteral(" AND channel <> ?");
        binds << c;
    }
    sql += QStringLiteral(" ORDER BY priority, run_at, id LIMIT ?) RETURNING ") + kMessageColumnsReturning;
    binds << request.max << request.queue;
    Statement q = m_ctx.prepare(sql);
    for (const QVariant &v : std::as_const(binds))
        q.addBindValue(v);
    if (auto s = exec(q, QStringLiteral("claiming messages of %1").arg(request.queue)); !s)
        return s.error();
    QList<Message> claimed;
    QList<qint64> ids;
    while (q.next()) {
        claimed << readMessage(q);
        ids << claimed.constLast().id;
    }
    q.finish();
    if (claimed.isEmpty())
        return claimed;
    std::sort(claimed.begin(), claimed.end(), [](const Message &x, const Message &y) {
        return std::tie(x.priority, x.runAt, x.id) < std::tie(y.priority, y.runAt, y.id);
    });
    Statement a = m_ctx.prepare(kRecordClaimedAttempts + b.idListCondition(QStringLiteral("id")));
    a.addBindValue(t);
    a.addBindValue(owner);
    a.addBindValue(b.idListValue(ids));
    if (auto s = exec(a, QStringLiteral("recording attempts")); !s)
        return s.error();
    return claimed;
}

Result<QList<Message>> Lifecycle::claimLockedThenUpdated(const ClaimRequest &request, const QString &owner, qint64 leaseMs, qint64 t)
{
    const Backend &b = *m_ctx.backend;
    const bool limited = b.capabilities().sharedStore();
    // The queue's row, locked on a shared store until the commit: claims on one queue take turns, and each
    // counts what the one before it committed (as claimInOneStatement).
    Statement lock = m_ctx.prepare(kLockQueueForClaim + (limited ? b.rowLockClause() : QString()));
    lock.addBindValue(request.queue);
    if (auto s = exec(lock, QStringLiteral("locking queue %1 for a claim").arg(request.queue)); !s)
        return s.error();
    if (!lock.next())
        return QList<Message>{}; // paused or gone
    const qint64 queueId = lock.value(0).toLongLong();
    lock.finish();
    qint64 room = request.max;
    if (limited) {
        // What the queue's concurrency and rate limit leave across all engines.
        Statement left = m_ctx.prepare(
            QStringLiteral("SELECT CASE WHEN q.concurrency > 0 THEN q.concurrency - (SELECT COUNT(*) FROM messages a WHERE a.queue_id = q.id AND "
                           "a.state = %1) ELSE ? END, CASE WHEN q.rate_max > 0 AND q.rate_window_ms > 0 THEN q.rate_max - (SELECT COUNT(*) "
                           "FROM messages s WHERE s.queue_id = q.id AND s.started_at > ? - q.rate_window_ms) ELSE ? END FROM queues q WHERE q.id = ?")
                .arg(int(MessageState::Active)));
        for (const QVariant &v : QVariantList{request.max, t, request.max, queueId})
            left.addBindValue(v);
        if (auto s = exec(left, QStringLiteral("counting the room of queue %1").arg(request.queue)); !s)
            return s.error();
        if (!left.next())
            return QList<Message>{};
        room = std::min({room, left.value(0).toLongLong(), left.value(1).toLongLong()});
    }
    if (room <= 0)
        return QList<Message>{};
    QVariantList binds{queueId};
    QString sql = QStringLiteral("SELECT id FROM messages WHERE queue_id = ? AND ") + kWaitingLiteral;
    for (const QString &c : request.skipChannels) {
        sql += QStringLiteral(" AND channel <> ?");
        binds << c;
    }
    sql += QStringLiteral(" ORDER BY priority, run_at, id LIMIT ?") + b.claimLockClause();
    binds << room;
    Statement pick = m_ctx.prepare(sql);
    for (const QVariant &v : std::as_const(binds))
        pick.addBindValue(v);
    if (auto s = exec(pick, QStringLiteral("claiming messages of %1").arg(request.queue)); !s)
        return s.error();
    QList<qint64> ids;
    while (pick.next())
        ids << pick.value(0).toLongLong();
    pick.finish();
    if (ids.isEmpty())
        return QList<Message>{};
    const QVariant idList = b.idListValue(ids);
    Statement update = m_ctx.prepare(QStringLiteral("UPDATE messages SET state = ?, attempts = attempts + 1, started_at = ?, updated_at = ?, "
                                                    "lease_owner = ?, lease_until = ? WHERE ") + b.idListCondition(QStringLiteral("id")));
    for (const QVariant &v : QVariantList{int(MessageState::Active), t, t, owner, t + leaseMs, idList})
        update.addBindValue(v);
    if (auto s = exec(update, QStringLiteral("claiming messages of %1").arg(request.queue)); !s)
        return s.error();
    update.finish();
    Statement a = m_ctx.prepare(kRecordClaimedAttempts + b.idListCondition(QStringLiteral("id")));
    a.addBindValue(t);
    a.addBindValue(owner);
    a.addBindValue(idList);
    if (auto s = exec(a, QStringLiteral("recording attempts")); !s)
        return s.error();
    a.finish();
    Statement read = m_ctx.prepare(QStringLiteral("SELECT ") + kMessageColumns + kMessageFrom + QStringLiteral("WHERE ") +
                                   b.idListCondition(QStringLiteral("m.id")) + QStringLiteral(" ORDER BY m.priority, m.run_at, m.id"));
    read.addBindValue(idList);
    if (auto s = exec(read, QStringLiteral("reading the claimed messages of %1").arg(request.queue)); !s)
        return s.error();
    QList<Message> claimed;
    while (read.next())
        claimed << readMessage(read);
    return claimed;
}

Result<QList<Message>> Lifecycle::claim(const QString &queueName, int max, const QString &owner, qint64 leaseMs)
{
    WriteBatch batch;
    batch.owner = owner;
    batch.leaseMs = leaseMs;
    batch.claims = {ClaimRequest{queueName, max, {}}};
    auto r = commitBatch(batch);
    if (!r)
        return r.error();
    return r->claimed;
}

Result<bool> Lifecycle::complete(qint64 id, const QString &owner, const QString &providerMessageId)
{
    WriteBatch batch;
    batch.owner = owner;
    batch.promote = false;
    batch.completions = {Completion{id, providerMessageId, {}}};
    auto r = commitBatch(batch);
    if (!r)
        return r.error();
    return r->outcomes.value(id).has_value();
}

Status Lifecycle::markReached(const QList<qint64> &ids, const QString &owner)
{
    WriteBatch batch;
    batch.owner = owner;
    batch.promote = false;
    batch.reached = ids;
    if (auto r = commitBatch(batch); !r)
        return r.error();
    return {};
}

Result<std::optional<MessageState>> Lifecycle::fail(qint64 id, const QString &owner, const Failure &failure)
{
    WriteBatch batch;
    batch.owner = owner;
    batch.promote = false;
    batch.failures = {FailureReport{id, failure}};
    auto r = commitBatch(batch);
    if (!r)
        return r.error();
    return r->outcomes.value(id);
}

Result<std::optional<MessageState>> Lifecycle::completeInTx(const Completion &c, const QString &owner, qint64 t, DeliveryRollups::Tally &tally)
{
    // The rollup's facts come back from the UPDATE itself where it can return them (no second read on
    // the hot path); elsewhere they are read after it, from the row the UPDATE holds locked.
    const bool returning = m_ctx.backend->capabilities().updateReturning;
    Statement q = m_ctx.prepare(returning ? kCompleteMessage + QStringLiteral(" RETURNING ") + kFactColumns : kCompleteMessage);
    for (const QVariant &v : QVariantList{int(MessageState::Completed), t, t, nullableText(c.providerMessageId), c.id, owner, c.attempt,
                                          c.attempt})
        q.addBindValue(v);
    if (auto s = exec(q, QStringLiteral("completing message %1").arg(c.id)); !s)
        return s.error();
    if (returning) {
        if (!q.next())
            return std::optional<MessageState>{};
        tally.add(OutcomeKind::Delivered, factAt(q, 0));
        q.finish();
    } else {
        if (q.numRowsAffected() != 1)
            return std::optional<MessageState>{};
        Statement facts = m_ctx.prepare(kOutcomeFacts);
        facts.addBindValue(c.id);
        if (auto s = exec(facts, QStringLiteral("reading message %1").arg(c.id)); !s)
            return s.error();
        if (facts.next())
            tally.add(OutcomeKind::Delivered, factAt(facts, 0));
        facts.finish();
    }
    Statement a = m_ctx.prepare(kCloseAttemptSuccess);
    a.addBindValue(t);
    a.addBindValue(c.id);
    if (auto s = exec(a, QStringLiteral("recording the attempt")); !s)
        return s.error();
    if (!c.outboxRendered.isEmpty()) {
        Statement o = m_ctx.prepare(kCopyToOutbox);
        o.addBindValue(QString::fromUtf8(c.outboxRendered));
        o.addBindValue(t);
        o.addBindValue(c.id);
        if (auto s = exec(o, QStringLiteral("storing message %1 in the outbox").arg(c.id)); !s)
            return s.error();
    }
    return std::optional<MessageState>(MessageState::Completed);
}

Result<QSet<qint64>> Lifecycle::completePlainInTx(const QList<Completion> &completions, const QString &owner, qint64 t,
                                                 DeliveryRollups::Tally &tally)
{
    // Only messages still active under our lease, in the attempt that was delivered, are completed: one
    // UPDATE … RETURNING per kind (with an attempt to match, or any). Where one statement may also close
    // their open attempts (capability modifyingCte) it does; elsewhere a second statement does after.
    const Backend &b = *m_ctx.backend;
    const bool oneStatement = b.capabilities().modifyingCte;
    const CompletionKinds kinds = splitByAttempt(completions);
    QSet<qint64> ours;
    for (const bool withAttempt : {true, false}) {
        const QList<qint64> &ids = withAttempt ? kinds.matched : kinds.anyAttempt;
        if (ids.isEmpty())
            continue;
        if (!b.capabilities().updateReturning) {
            // Ours, selected and locked, then completed by id.
            Statement pick = m_ctx.prepare(QStringLiteral("SELECT id, ") + kFactColumns + QStringLiteral(" FROM messages WHERE ") + stateIs(MessageState::Active) +
                                           QStringLiteral(" AND lease_owner = ? AND ") + b.idListCondition(QStringLiteral("id")) +
                                           (withAttempt ? attemptPairCondition(b) : QString()) + b.rowLockClause());
            pick.addBindValue(owner);
            pick.addBindValue(b.idListValue(ids));
            if (withAttempt)
                pick.addBindValue(QString::fromLatin1(kinds.pairs));
            if (auto s = exec(pick, QStringLiteral("completing messages")); !s)
                return s.error();
            QList<qint64> picked;
            while (pick.next()) {
                picked << pick.value(0).toLongLong();
                tally.add(OutcomeKind::Delivered, factAt(pick, 1));
            }
            pick.finish();
            if (picked.isEmpty())
                continue;
            Statement done = m_ctx.prepare(kCompleteOurs + b.idListCondition(QStringLiteral("id")));
            for (const QVariant &v : QVariantList{int(MessageState::Completed), t, t, owner, b.idListValue(picked)})
                done.addBindValue(v);
            if (auto s = exec(done, QStringLiteral("completing messages")); !s)
                return s.error();
            for (const qint64 id : std::as_const(picked))
                ours.insert(id);
            continue;
        }
        QString sql = kCompleteOurs + b.idListCondition(QStringLiteral("id")) + (withAttempt ? attemptPairCondition(b) : QString()) +
                      QStringLiteral(" RETURNING id, ") + kFactColumns;
        if (oneStatement)
            sql = QStringLiteral("WITH done AS (") + sql + QStringLiteral("), closed AS (") + kCloseSucceededAttempts +
                  QStringLiteral("message_id IN (SELECT id FROM done)) SELECT * FROM done");
        Statement q = m_ctx.prepare(sql);
        for (const QVariant &v : QVariantList{int(MessageState::Completed), t, t, owner, b.idListValue(ids)})
            q.addBindValue(v);
        if (withAttempt)
            q.addBindValue(QString::fromLatin1(kinds.pairs));
        if (oneStatement)
            q.addBindValue(t);
        if (auto s = exec(q, QStringLiteral("completing messages")); !s)
            return s.error();
        while (q.next()) {
            ours.insert(q.value(0).toLongLong());
            tally.add(OutcomeKind::Delivered, factAt(q, 1));
        }
    }
    if (oneStatement || ours.isEmpty())
        return ours;
    Statement a = m_ctx.prepare(kCloseSucceededAttempts + b.idListCondition(QStringLiteral("message_id")));
    a.addBindValue(t);
    a.addBindValue(b.idListValue(QList<qint64>(ours.cbegin(), ours.cend())));
    if (auto s = exec(a, QStringLiteral("recording the attempts")); !s)
        return s.error();
    return ours;
}

Result<std::optional<MessageState>> Lifecycle::failInTx(const FailureReport &report, const QString &owner, qint64 t, DeliveryRollups::Tally &tally)
{
    const Failure &failure = report.failure;
    Statement read = m_ctx.prepare(QStringLiteral("SELECT m.attempts, m.max_attempts, q.backoff_kind, q.backoff_base_ms, q.backoff_cap_ms, "
                                            "q.backoff_jitter, m.queue_id, m.channel, m.type, m.started_at - m.run_at "
                                            "FROM messages m JOIN queues q ON q.id = m.queue_id "
                                            "WHERE m.id = ? AND ") + stateIs(MessageState::Active, "m.state") +
                                   QStringLiteral(" AND m.lease_owner = ?") + m_ctx.backend->rowLockClause());
    read.addBindValue(report.id);
    read.addBindValue(owner);
    if (auto s = exec(read, QStringLiteral("reading message %1").arg(report.id)); !s)
        return s.error();
    if (!read.next())
        return std::optional<MessageState>{};
    const int attemptsMade = read.value(0).toInt();
    if (report.attempt != 0 && report.attempt != attemptsMade)
        return std::optional<MessageState>{}; // a late answer to an earlier attempt
    const int maxAttempts = read.value(1).toInt();
    RetryPolicy retry;
    retry.kind = read.value(2).toString() == QLatin1String("fixed") ? RetryPolicy::Kind::Fixed : RetryPolicy::Kind::Exponential;
    retry.baseMs = read.value(3).toLongLong();
    retry.capMs = read.value(4).toLongLong();
    retry.jitter = read.value(5).toDouble();
    const DeliveryRollups::Fact fact = factAt(read, 6);
    read.finish();

    MessageState next = MessageState::Failed;
    qint64 runAt = 0;
    if (failure.suppressed) {
        next = MessageState::Cancelled;
    } else if (!failure.permanent && attemptsMade < maxAttempts) {
        next = MessageState::Scheduled;
        runAt = t + (failure.retryAfterMs ? *failure.retryAfterMs : retry.delayAfterAttempt(attemptsMade, QRandomGenerator::global()->generateDouble()));
    }
    Statement q = m_ctx.prepare(next == MessageState::Scheduled
                              ? QStringLiteral("UPDATE messages SET state = ?, run_at = ?, updated_at = ?, last_error = ?, failure_group = ?, "
                                               "lease_owner = NULL, lease_until = NULL WHERE id = ?")
                              : QStringLiteral("UPDATE messages SET state = ?, finished_at = ?, updated_at = ?, last_error = ?, failure_group = ?, "
                                               "lease_owner = NULL, lease_until = NULL WHERE id = ?"));
    // The cause, with the error: failure groups count it from an index (engine/failures).
    const QString group = failureGroupId(failureFingerprint(failure.error));
    for (const QVariant &v : QVariantList{int(next), next == MessageState::Scheduled ? runAt : t, t, failure.error, group, report.id})
        q.addBindValue(v);
    if (auto s = exec(q, QStringLiteral("recording the failure of message %1").arg(report.id)); !s)
        return s.error();
    const QString outcome = failure.suppressed ? QStringLiteral("suppressed")
                            : next == MessageState::Failed ? QStringLiteral("failed")
                                                           : QStringLiteral("retry");
    Statement a = m_ctx.prepare(kCloseFailedAttempt);
    for (const QVariant &v : QVariantList{t, outcome, failure.error, failure.responseCode, report.id})
        a.addBindValue(v);
    if (auto s = exec(a, QStringLiteral("recording the attempt")); !s)
        return s.error();
    if (next == MessageState::Cancelled)
        tally.add(OutcomeKind::Cancelled, DeliveryRollups::Fact{fact.queueId, fact.channel, fact.type, std::nullopt});
    else
        tally.add(next == MessageState::Failed ? OutcomeKind::Failed : OutcomeKind::Retried, fact);
    return std::optional<MessageState>(next);
}

Result<Store::BatchResult> Lifecycle::commitBatch(const WriteBatch &batch)
{
    constexpr int kAttempts = 5;
    const Backend &b = *m_ctx.backend;
    for (int attempt = 1;; ++attempt) {
        m_ctx.lastFailure = QSqlError();
        auto r = commitBatchOnce(batch);
        if (r || attempt == kAttempts || !b.capabilities().sharedStore())
            return r;
        const DbErrorKind kind = b.classify(m_ctx.lastFailure);
        if (kind != DbErrorKind::Deadlock && kind != DbErrorKind::SerializationFailure && kind != DbErrorKind::Busy)
            return r;
    }
}

Result<Store::BatchResult> Lifecycle::commitBatchOnce(const WriteBatch &batch)
{
    if (auto s = m_ctx.requireWritable(); !s)
        return s.error();
    WriteTransaction tx(m_ctx);
    if (auto s = tx.begin(); !s)
        return s.error();
    const qint64 t = m_ctx.now();
    BatchResult result;
    DeliveryRollups::Tally tally; // the outcomes of this transaction, for the delivery dashboard
    if (!batch.reached.isEmpty()) {
        Statement q = m_ctx.prepare(QStringLiteral("UPDATE attempts SET reached_at = ? WHERE finished_at IS NULL AND reached_at IS NULL AND worker = ? AND ") +
                              m_ctx.backend->idListCondition(QStringLiteral("message_id")));
        q.addBindValue(t);
        q.addBindValue(batch.owner);
        q.addBindValue(m_ctx.backend->idListValue(batch.reached));
        if (auto s = exec(q, QStringLiteral("recording deliveries that left")); !s)
            return s.error();
    }
    // Plain completions (no provider id, nothing for the outbox) are written set-wise: three statements
    // for the whole tick instead of two per message. The others carry values of their own.
    QList<Completion> plain;
    for (const Completion &c : batch.completions) {
        if (c.providerMessageId.isEmpty() && c.outboxRendered.isEmpty()) {
            plain << c;
            continue;
        }
        auto r = completeInTx(c, batch.owner, t, tally);
        if (!r)
            return r.error();
        result.outcomes.insert(c.id, *r);
    }
    if (!plain.isEmpty()) {
        auto r = completePlainInTx(plain, batch.owner, t, tally);
        if (!r)
            return r.error();
        for (const Completion &c : std::as_const(plain))
            result.outcomes.insert(c.id, r->contains(c.id) ? std::optional<MessageState>(MessageState::Completed) : std::nullopt);
    }
    for (const FailureReport &f : batch.failures) {
        auto r = failInTx(f, batch.owner, t, tally);
        if (!r)
            return r.error();
        result.outcomes.insert(f.id, *r);
    }
    if (!batch.released.isEmpty()) {
        // Handed back at a graceful stop: the attempt did not happen as far as the message is concerned.
        const QVariant ids = m_ctx.backend->idListValue(batch.released);
        Statement q = m_ctx.prepare(QStringLiteral("UPDATE messages SET state = ?, attempts = ") + m_ctx.backend->greatest(QStringLiteral("attempts - 1"), QStringLiteral("0")) + QStringLiteral(", updated_at = ?, "
                                             "lease_owner = NULL, lease_until = NULL WHERE ") + stateIs(MessageState::Active) + QStringLiteral(" AND lease_owner = ? AND ") +
                              m_ctx.backend->idListCondition(QStringLiteral("id")));
        for (const QVariant &v : QVariantList{int(MessageState::Waiting), t, batch.owner, ids})
            q.addBindValue(v);
        if (auto s = exec(q, QStringLiteral("handing messages back")); !s)
            return s.error();
        Statement a = m_ctx.prepare(QStringLiteral("UPDATE attempts SET finished_at = ?, outcome = 'handed back' WHERE finished_at IS NULL AND ") +
                              m_ctx.backend->idListCondition(QStringLiteral("message_id")));
        a.addBindValue(t);
        a.addBindValue(ids);
        if (auto s = exec(a, QStringLiteral("recording handed-back attempts")); !s)
            return s.error();
    }
    if (!batch.renewLeases.isEmpty()) {
        const QVariant ids = m_ctx.backend->idListValue(batch.renewLeases);
        Statement q = m_ctx.prepare(QStringLiteral("UPDATE messages SET lease_until = ? WHERE ") + stateIs(MessageState::Active) + QStringLiteral(" AND lease_owner = ? AND ") +
                              m_ctx.backend->idListCondition(QStringLiteral("id")));
        for (const QVariant &v : QVariantList{t + batch.leaseMs, batch.owner, ids})
            q.addBindValue(v);
        if (auto s = exec(q, QStringLiteral("renewing leases")); !s)
            return s.error();
        if (q.numRowsAffected() != batch.renewLeases.size()) {
            // Some are no longer ours: cancelled by an operator, or reclaimed after a stall.
            Statement lost = m_ctx.prepare(QStringLiteral("SELECT id FROM messages WHERE (state <> %1 OR lease_owner IS NULL OR lease_owner <> ?) AND ")
                                               .arg(int(MessageState::Active)) +
                                     m_ctx.backend->idListCondition(QStringLiteral("id")));
            lost.addBindValue(batch.owner);
            lost.addBindValue(ids);
            if (auto s = exec(lost, QStringLiteral("checking leases")); !s)
                return s.error();
            while (lost.next())
                result.lostLeases << lost.value(0).toLongLong();
        }
    }
    if (batch.reclaimExpired || batch.reclaimAllActive) {
        auto r = reclaimInTx(t, batch.reclaimAllActive, tally);
        if (!r)
            return r.error();
        result.reclaimed = *r;
    }
    if (batch.promote || !batch.claims.isEmpty()) {
        if (auto r = promoteDueInTx(t); !r)
            return r.error();
    }
    // In queue order: claims on a shared store lock their queue's row, and engines that lock in the same
    // order never deadlock on each other.
    QList<ClaimRequest> claims = batch.claims;
    std::sort(claims.begin(), claims.end(), [](const ClaimRequest &a, const ClaimRequest &b) { return a.queue < b.queue; });
    for (const ClaimRequest &c : std::as_const(claims)) {
        auto r = claimInTx(c, batch.owner, batch.leaseMs, t);
        if (!r)
            return r.error();
        result.claimed << *r;
    }
    if (auto s = tally.isEmpty() ? Status() : DeliveryRollups(m_ctx).write(tally, t); !s)
        return s.error();
    if (auto s = tx.commit(); !s)
        return s.error();
    return result;
}

Result<qint64> Lifecycle::reclaimInTx(qint64 t, bool allActive, DeliveryRollups::Tally &tally)
{
    // Whether the open attempt had left for its peer (attempts.reached_at): only then is it a stall, and
    // an attempt. One that never left — claimed, or queued in the channel, when the engine died — is
    // handed back as if it had not been claimed: a crash loop fails no message that was never sent.
    // A message handed back uncounted kMaxUncountedHandBacks times counts as having left all the same: a
    // poison message that kills its engine before its request is written must not loop for ever.
    const QString reached = QStringLiteral(", EXISTS (SELECT 1 FROM attempts a WHERE a.message_id = messages.id AND a.finished_at IS NULL "
                                           "AND a.reached_at IS NOT NULL) OR (SELECT COUNT(*) FROM attempts a WHERE a.message_id = messages.id "
                                           "AND a.outcome = 'handed back') >= %1")
                                .arg(kMaxUncountedHandBacks);
    const QString columns = QStringLiteral("SELECT id, attempts, max_attempts, stalls") + reached + QStringLiteral(", ") + kFactColumns;
    // Compare-and-set, with the rows locked until the commit: on a shared store every live engine
    // reclaims at about the same moment, and without the lock a second engine would hand back again a
    // message the first had handed back and a third had claimed since, under a lease of its own (the
    // killed engine's deliveries were then made once more by each live engine). The changes below
    // repeat the condition.
    const QString expired = stateIs(MessageState::Active) + (allActive ? QStringLiteral(" AND lease_until IS NOT NULL") : QStringLiteral(" AND lease_until < ?"));
    const auto bindExpired = [&](Statement &q) {
        if (!allActive)
            q.addBindValue(t);
    };
    Statement read = m_ctx.prepare(columns + QStringLiteral(" FROM messages WHERE ") + expired + m_ctx.backend->rowLockClause());
    bindExpired(read);
    if (auto s = exec(read, QStringLiteral("finding expired leases")); !s)
        return s.error();
    QList<qint64> back, failed, neverLeft;
    while (read.next()) {
        if (!read.value(4).toBool()) {
            neverLeft << read.value(0).toLongLong();
            continue;
        }
        const int stalls = read.value(3).toInt() + 1;
        const bool fails = read.value(1).toInt() >= read.value(2).toInt() || stalls >= kMaxStalls;
        (fails ? failed : back) << read.value(0).toLongLong();
        tally.add(fails ? OutcomeKind::Failed : OutcomeKind::Retried, factAt(read, 5));
    }
    read.finish();
    if (!neverLeft.isEmpty()) {
        const QVariant ids = m_ctx.backend->idListValue(neverLeft);
        Statement q = m_ctx.prepare(QStringLiteral("UPDATE messages SET state = ?, attempts = ") + m_ctx.backend->greatest(QStringLiteral("attempts - 1"), QStringLiteral("0")) + QStringLiteral(", updated_at = ?, lease_owner = NULL, "
                                             "lease_until = NULL WHERE ") +
                              m_ctx.backend->idListCondition(QStringLiteral("id")) + QStringLiteral(" AND ") + expired);
        for (const QVariant &v : QVariantList{int(MessageState::Waiting), t, ids})
            q.addBindValue(v);
        bindExpired(q);
        if (auto s = exec(q, QStringLiteral("handing back deliveries that never left")); !s)
            return s.error();
        Statement a = m_ctx.prepare(QStringLiteral("UPDATE attempts SET finished_at = ?, outcome = 'handed back', error = ? WHERE finished_at IS NULL AND ") +
                              m_ctx.backend->idListCondition(QStringLiteral("message_id")));
        a.addBindValue(t);
        a.addBindValue(QStringLiteral("the engine stopped before this delivery left for its peer; not counted as an attempt"));
        a.addBindValue(ids);
        if (auto s = exec(a, QStringLiteral("recording deliveries that never left")); !s)
            return s.error();
    }
    const auto update = [&](const QList<qint64> &ids, MessageState state, const QString &error) -> Status {
        if (ids.isEmpty())
            return {};
        Statement q = m_ctx.prepare(
            QStringLiteral("UPDATE messages SET state = ?, stalls = stalls + 1, updated_at = ?, lease_owner = NULL, lease_until = NULL, "
                           "finished_at = ?, last_error = ?, failure_group = ? WHERE ") +
            m_ctx.backend->idListCondition(QStringLiteral("id")) + QStringLiteral(" AND ") + expired);
        for (const QVariant &v : QVariantList{int(state), t, state == MessageState::Failed ? QVariant(t) : nullable({}), error,
                                              failureGroupId(failureFingerprint(error)), m_ctx.backend->idListValue(ids)})
            q.addBindValue(v);
        bindExpired(q);
        if (auto s = exec(q, QStringLiteral("reclaiming expired leases")); !s)
            return s;
        Statement a = m_ctx.prepare(QStringLiteral("UPDATE attempts SET finished_at = ?, outcome = 'stalled', error = ? WHERE finished_at IS NULL AND ") +
                              m_ctx.backend->idListCondition(QStringLiteral("message_id")));
        a.addBindValue(t);
        a.addBindValue(error);
        a.addBindValue(m_ctx.backend->idListValue(ids));
        return exec(a, QStringLiteral("recording stalled attempts"));
    };
    if (auto s = update(back, MessageState::Waiting, QStringLiteral("lease expired: the worker stopped during delivery; retrying")); !s)
        return s.error();
    if (auto s = update(failed, MessageState::Failed,
                        QStringLiteral("lease expired: the worker stopped during delivery, and no attempts or stalls remain"));
        !s)
        return s.error();
    return qint64(back.size() + failed.size() + neverLeft.size());
}

Result<qint64> Lifecycle::reclaimExpiredLeases()
{
    WriteBatch batch;
    batch.promote = false;
    batch.reclaimExpired = true;
    auto r = commitBatch(batch);
    if (!r)
        return r.error();
    return r->reclaimed;
}

Result<qint64> Lifecycle::reclaimAllLeases()
{
    WriteBatch batch;
    batch.promote = false;
    batch.reclaimAllActive = true;
    auto r = commitBatch(batch);
    if (!r)
        return r.error();
    return r->reclaimed;
}

Result<std::optional<qint64>> Lifecycle::nextRunAt(const QStringList &queues)
{
    QString sql = QStringLiteral("SELECT MIN(m.run_at) FROM messages m WHERE ") + stateIs(MessageState::Scheduled, "m.state");
    QVariantList binds;
    if (!queues.isEmpty()) {
        QStringList marks;
        for (const QString &q : queues) {
            marks << QStringLiteral("?");
            binds << q;
        }
        sql += QStringLiteral(" AND m.queue_id IN (SELECT id FROM queues WHERE name IN (") + marks.join(QStringLiteral(", ")) + QStringLiteral("))");
    }
    Statement q = m_ctx.prepare(sql);
    for (const QVariant &b : binds)
        q.addBindValue(b);
    if (auto s = exec(q, QStringLiteral("finding the next run time")); !s)
        return s.error();
    if (!q.next() || q.value(0).isNull())
        return std::optional<qint64>{};
    return std::optional<qint64>(q.value(0).toLongLong());
}

Result<Store::Backlog> Lifecycle::backlog(const QStringList &queues)
{
    auto stats = MessageReads(m_ctx).stats();
    if (!stats)
        return stats.error();
    Backlog b;
    for (const QueueCounts &c : *stats) {
        if (!queues.isEmpty() && !queues.contains(c.queue))
            continue;
        b.waiting += c.count(MessageState::Waiting);
        b.active += c.count(MessageState::Active);
        b.scheduled += c.count(MessageState::Scheduled);
    }
    auto next = nextRunAt(queues);
    if (!next)
        return next.error();
    b.scheduledDue = next->has_value() && **next <= m_ctx.now();
    return b;
}

} // namespace herald
