#include "PlanRepository.h"

#include "store/StoreSql.h"
#include "store/repo/DeliveryRollups.h"
#include "store/repo/EnqueueRepository.h"
#include "store/repo/StoreRows.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace herald {

namespace {

using storesql::exec;

const QString kPlanColumns = QStringLiteral("name, definition, created_at, updated_at");
const QString kSelectPlans = QStringLiteral("SELECT ") + kPlanColumns + QStringLiteral(" FROM plans ORDER BY name");
const QString kSelectPlan = QStringLiteral("SELECT ") + kPlanColumns + QStringLiteral(" FROM plans WHERE name = ?");
const QString kInsertPlan = QStringLiteral("INSERT INTO plans (name, definition, created_at, updated_at) VALUES (?, ?, ?, ?)");
const QString kUpdatePlan = QStringLiteral("UPDATE plans SET definition = ?, updated_at = ? WHERE name = ?");

const QString kSelectAppliedEvent = QStringLiteral("SELECT event_id, plan, name, status, snapshot, active_snapshot, applied_at FROM plan_events "
                                                   "WHERE event_id = ?");
const QString kSelectPeople = QStringLiteral("SELECT person_id, first_seen_at FROM plan_people WHERE event_id = ?");
const QString kSelectRecords = QStringLiteral("SELECT p.identity, p.message_id, m.state, m.run_at, p.content_hash, p.cancelled_by_plan "
                                              "FROM plan_messages p LEFT JOIN messages m ON m.id = p.message_id WHERE p.event_id = ? "
                                              "ORDER BY p.identity");
const QString kAppliedAt = QStringLiteral("SELECT applied_at FROM plan_events WHERE event_id = ?");
const QString kInsertEvent = QStringLiteral(
    "INSERT INTO plan_events (event_id, plan, name, status, snapshot, active_snapshot, applied_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
const QString kUpdateEvent = QStringLiteral(
    "UPDATE plan_events SET plan = ?, name = ?, status = ?, snapshot = ?, active_snapshot = COALESCE(?, active_snapshot), applied_at = ? "
    "WHERE event_id = ? AND applied_at = ?");
QString insertPerson(const Backend &b)
{
    return b.upsert(QStringLiteral("plan_people"), QStringLiteral("event_id, person_id, first_seen_at"), QStringLiteral("VALUES (?, ?, ?)"),
                    QStringLiteral("event_id, person_id"), {});
}
// %1: the backend's rows of a bound JSON array of [identity, message id, content hash].
QString upsertRecords(const Backend &b)
{
    return b.upsert(QStringLiteral("plan_messages"), QStringLiteral("event_id, created_at, cancelled_by_plan, identity, message_id, content_hash"),
                    QStringLiteral("SELECT ?, ?, 0, ") + b.jsonArrayRows(QStringLiteral("tit")), QStringLiteral("identity"),
                    {{QStringLiteral("message_id"), QStringLiteral("excluded.message_id")},
                     {QStringLiteral("content_hash"), QStringLiteral("excluded.content_hash")},
                     {QStringLiteral("cancelled_by_plan"), QStringLiteral("0")}});
}
// Compare-and-set: only a message still pending (scheduled or waiting) is moved, updated or cancelled.
const QString kPending = QStringLiteral("state IN (%1, %2)").arg(int(MessageState::Scheduled)).arg(int(MessageState::Waiting));
// %1: the backend's id list. The pending ones among them, locked (on a shared store) until the commit,
// so that no engine claims one between its journal entry and its change.
const QString kSelectPending = QStringLiteral("SELECT id FROM messages WHERE %1 AND ") + kPending;
// Set-wise, from a bound JSON array (%1: the backend's rows) of [id, run_at, state, recipient, channel,
// priority, payload]; an empty channel keeps the message's own.
QString changePending(const Backend &b)
{
    return b.updateFromRows(QStringLiteral("messages"), QStringLiteral("c"), QStringLiteral("id, run_at, state, recipient, channel, priority, payload"),
                            b.jsonArrayRows(QStringLiteral("iiittit")),
                            {{QStringLiteral("run_at"), QStringLiteral("c.run_at")},
                             {QStringLiteral("state"), QStringLiteral("c.state")},
                             {QStringLiteral("recipient"), QStringLiteral("c.recipient")},
                             {QStringLiteral("channel"), QStringLiteral("COALESCE(NULLIF(c.channel, ''), messages.channel)")},
                             {QStringLiteral("priority"), QStringLiteral("c.priority")},
                             {QStringLiteral("payload"), QStringLiteral("c.payload")},
                             {QStringLiteral("updated_at"), QStringLiteral("?")}},
                            QStringLiteral("messages.id = c.id AND messages.") + kPending);
}
// %1: the backend's rows of [id, reason].
QString cancelPending(const Backend &b)
{
    return b.updateFromRows(QStringLiteral("messages"), QStringLiteral("c"), QStringLiteral("id, reason"), b.jsonArrayRows(QStringLiteral("it")),
                            {{QStringLiteral("state"), QString::number(int(MessageState::Cancelled))},
                             {QStringLiteral("finished_at"), QStringLiteral("?")},
                             {QStringLiteral("updated_at"), QStringLiteral("?")},
                             {QStringLiteral("last_error"), QStringLiteral("c.reason")},
                             {QStringLiteral("lease_owner"), QStringLiteral("NULL")},
                             {QStringLiteral("lease_until"), QStringLiteral("NULL")}},
                            QStringLiteral("messages.id = c.id AND messages.") + kPending);
}
// %1: the backend's rows of [identity, content hash].
QString recordHashes(const Backend &b)
{
    return b.updateFromRows(QStringLiteral("plan_messages"), QStringLiteral("c"), QStringLiteral("identity, content_hash"),
                            b.jsonArrayRows(QStringLiteral("tt")), {{QStringLiteral("content_hash"), QStringLiteral("c.content_hash")}},
                            QStringLiteral("plan_messages.identity = c.identity"));
}
// %1: the backend's rows of [identity].
const QString kRecordsCancelled = QStringLiteral("UPDATE plan_messages SET cancelled_by_plan = 1 WHERE identity IN (SELECT %1)");
const QString kJournalEvent = QStringLiteral(
    "INSERT INTO plan_event_journal (audit_id, event_id, existed, plan, name, status, snapshot, active_snapshot, applied_at, new_people) "
    "SELECT ?, ?, 1, plan, name, status, snapshot, active_snapshot, applied_at, ? FROM plan_events WHERE event_id = ?");
const QString kJournalNewEvent = QStringLiteral("INSERT INTO plan_event_journal (audit_id, event_id, existed, new_people) VALUES (?, ?, 0, ?)");
// %1: the backend's rows of a bound JSON array of [identity]; records that exist, then those that do not.
const QString kJournalRecords = QStringLiteral(
    "INSERT INTO plan_journal (audit_id, existed, identity, message_id, content_hash, cancelled_by_plan) "
    "SELECT ?, 1, identity, message_id, content_hash, cancelled_by_plan FROM plan_messages WHERE identity IN (SELECT %1)");
QString journalNewRecords(const Backend &b)
{
    return b.upsert(QStringLiteral("plan_journal"), QStringLiteral("audit_id, existed, cancelled_by_plan, identity"),
                    QStringLiteral("SELECT ?, 0, 0, ") + b.jsonArrayRows(QStringLiteral("t")), QStringLiteral("audit_id, identity"), {});
}
// The messages' previous values, for undo (as ActionRepository journals them); a message the apply
// created is journalled as cancelled, which is what undoing its creation leaves.
// %1: the backend's id list.
const QString kJournalPending = storesql::kJournalMessages + QStringLiteral("%1 AND ") + kPending;
const QString kJournalCreated = QStringLiteral(
    "INSERT INTO action_journal (audit_id, message_id, state, run_at, priority, attempts, stalls, finished_at, last_error, payload) "
    "SELECT ?, id, %1, run_at, priority, 0, 0, ?, ?, payload FROM messages WHERE ")
                                       .arg(int(MessageState::Cancelled));
const QString kFinishAudit = QStringLiteral("UPDATE audit_log SET affected = ?, undoable = ? WHERE id = ?");
const QString kReadEventJournal = QStringLiteral(
    "SELECT event_id, existed, plan, name, status, snapshot, active_snapshot, applied_at, new_people FROM plan_event_journal WHERE audit_id = ?");
const QString kRestoreRecords = QStringLiteral(
    "UPDATE plan_messages SET "
    "message_id = (SELECT j.message_id FROM plan_journal j WHERE j.audit_id = ? AND j.identity = plan_messages.identity), "
    "content_hash = (SELECT j.content_hash FROM plan_journal j WHERE j.audit_id = ? AND j.identity = plan_messages.identity), "
    "cancelled_by_plan = (SELECT j.cancelled_by_plan FROM plan_journal j WHERE j.audit_id = ? AND j.identity = plan_messages.identity) "
    "WHERE identity IN (SELECT identity FROM plan_journal WHERE audit_id = ? AND existed = 1)");
// A record the apply created stays, and where the undo cancelled its message it is marked as the plan's
// doing, so that applying the event again creates the message again.
const QString kRestoreCreatedRecords = QStringLiteral(
    "UPDATE plan_messages SET cancelled_by_plan = 1 WHERE identity IN (SELECT identity FROM plan_journal WHERE audit_id = ? AND existed = 0) "
    "AND message_id IN (SELECT id FROM messages WHERE state = %1)").arg(int(MessageState::Cancelled));
const QString kRestoreEvent = QStringLiteral(
    "UPDATE plan_events SET plan = ?, name = ?, status = ?, snapshot = ?, active_snapshot = ?, applied_at = ? WHERE event_id = ?");
const QString kDeleteEvent = QStringLiteral("DELETE FROM plan_events WHERE event_id = ?");
const QString kDeletePerson = QStringLiteral("DELETE FROM plan_people WHERE event_id = ? AND person_id = ?");

const QString kEventSummaries = QStringLiteral(
    "SELECT e.event_id, e.plan, e.name, e.status, e.applied_at, m.state, COUNT(p.identity) FROM plan_events e "
    "LEFT JOIN plan_messages p ON p.event_id = e.event_id LEFT JOIN messages m ON m.id = p.message_id "
    "GROUP BY e.event_id, e.plan, e.name, e.status, e.applied_at, m.state ORDER BY e.applied_at DESC, e.event_id, m.state");

StoredPlan readPlan(const StoreContext::Statement &q)
{
    StoredPlan p;
    p.name = q.value(0).toString();
    p.definition = q.value(1).toString().toUtf8();
    p.createdAt = q.value(2).toLongLong();
    p.updatedAt = q.value(3).toLongLong();
    return p;
}

} // namespace

Result<bool> PlanRepository::savePlan(const QString &name, const QByteArray &definition, const QString &actor)
{
    if (auto s = m_ctx.requireWritable(); !s)
        return s.error();
    if (name.trimmed().isEmpty())
        return Error::badInput(QStringLiteral("a plan needs a name"));
    WriteTransaction tx(m_ctx);
    if (auto s = tx.begin(); !s)
        return s.error();
    const qint64 t = m_ctx.now();
    Statement update = m_ctx.prepare(kUpdatePlan);
    update.addBindValue(QString::fromUtf8(definition));
    update.addBindValue(t);
    update.addBindValue(name);
    if (auto s = exec(update, QStringLiteral("updating plan '%1'").arg(name)); !s)
        return s.error();
    const bool created = update.numRowsAffected() == 0;
    if (created) {
        Statement insert = m_ctx.prepare(kInsertPlan);
        for (const QVariant &v : QVariantList{name, QString::fromUtf8(definition), t, t})
            insert.addBindValue(v);
        if (auto s = exec(insert, QStringLiteral("adding plan '%1'").arg(name)); !s)
            return s.error();
    }
    const QByteArray details = QJsonDocument(QJsonObject{{QStringLiteral("created"), created}}).toJson(QJsonDocument::Compact);
    if (auto s = m_ctx.writeAudit(QStringLiteral("plan.define"), QStringLiteral("plan ") + name, 1, details, actor); !s)
        return s.error();
    if (auto s = tx.commit(); !s)
        return s.error();
    return created;
}

Result<QList<StoredPlan>> PlanRepository::plans()
{
    Statement q = m_ctx.prepare(kSelectPlans);
    if (auto s = exec(q, QStringLiteral("listing plans")); !s)
        return s.error();
    QList<StoredPlan> out;
    while (q.next())
        out << readPlan(q);
    return out;
}

Result<std::optional<AppliedEvent>> PlanRepository::appliedEvent(const QString &eventId)
{
    Statement q = m_ctx.prepare(kSelectAppliedEvent);
    q.addBindValue(eventId);
    if (auto s = exec(q, QStringLiteral("reading applied event %1").arg(eventId)); !s)
        return s.error();
    if (!q.next())
        return std::optional<AppliedEvent>{};
    AppliedEvent e;
    e.eventId = q.value(0).toString();
    e.plan = q.value(1).toString();
    e.name = q.value(2).toString();
    e.status = q.value(3).toString();
    e.snapshot = q.value(4).toString().toUtf8();
    e.activeSnapshot = q.value(5).isNull() ? QByteArray() : q.value(5).toString().toUtf8();
    e.appliedAt = q.value(6).toLongLong();
    q.finish();
    Statement people = m_ctx.prepare(kSelectPeople);
    people.addBindValue(eventId);
    if (auto s = exec(people, QStringLiteral("reading the people of event %1").arg(eventId)); !s)
        return s.error();
    while (people.next())
        e.firstSeen.insert(people.value(0).toString(), people.value(1).toLongLong());
    return std::optional<AppliedEvent>(e);
}

Result<QList<PlanMessageRecord>> PlanRepository::planRecords(const QString &eventId)
{
    Statement q = m_ctx.prepare(kSelectRecords);
    q.addBindValue(eventId);
    if (auto s = exec(q, QStringLiteral("reading the messages derived for event %1").arg(eventId)); !s)
        return s.error();
    QList<PlanMessageRecord> out;
    while (q.next()) {
        PlanMessageRecord r;
        r.identity = q.value(0).toString();
        r.messageId = q.value(1).isNull() ? 0 : q.value(1).toLongLong();
        if (r.messageId != 0 && !q.value(2).isNull()) {
            r.state = MessageState(q.value(2).toInt());
            r.runAt = q.value(3).toLongLong();
        }
        r.contentHash = q.value(4).toString();
        r.cancelledByPlan = q.value(5).toLongLong() != 0;
        out << r;
    }
    return out;
}

Result<PlanApplyResult> PlanRepository::writePlanApply(const PlanApplyWrite &w)
{
    if (auto s = m_ctx.requireWritable(); !s)
        return s.error();
    WriteTransaction tx(m_ctx);
    if (auto s = tx.begin(); !s)
        return s.error();
    const qint64 t = m_ctx.now();
    PlanApplyResult result;
    {
        // Compare-and-set on the event (its row locked on a shared store): the diff was computed from
        // the state the last apply left; one that committed since makes this diff stale.
        Statement read = m_ctx.prepare(kAppliedAt + m_ctx.backend->rowLockClause());
        read.addBindValue(w.eventId);
        if (auto s = exec(read, QStringLiteral("reading event %1").arg(w.eventId)); !s)
            return s.error();
        const qint64 appliedAt = read.next() ? read.value(0).toLongLong() : 0;
        if (appliedAt != w.expectedAppliedAt)
            return Error::refused(QStringLiteral("event %1 was applied by someone else meanwhile; nothing was written — run the apply again to "
                                                 "see the diff from its new state").arg(w.eventId));
    }
    auto audit = m_ctx.writeAudit(w.auditAction, QStringLiteral("event %1 (plan %2)").arg(w.eventId, w.plan), 0, w.auditDetails, w.actor);
    if (!audit)
        return audit.error();
    result.auditId = *audit;
    const qint64 auditId = *audit;
    {
        QJsonArray people;
        for (auto it = w.newPeople.cbegin(); it != w.newPeople.cend(); ++it)
            people.append(it.key());
        const QString newPeople = QString::fromUtf8(QJsonDocument(people).toJson(QJsonDocument::Compact));
        Statement journal = m_ctx.prepare(kJournalEvent);
        for (const QVariant &v : QVariantList{auditId, w.eventId, newPeople, w.eventId})
            journal.addBindValue(v);
        if (auto s = exec(journal, QStringLiteral("journalling event %1").arg(w.eventId)); !s)
            return s.error();
        if (journal.numRowsAffected() == 0) {
            Statement first = m_ctx.prepare(kJournalNewEvent);
            for (const QVariant &v : QVariantList{auditId, w.eventId, newPeople})
                first.addBindValue(v);
            if (auto s = exec(first, QStringLiteral("journalling event %1").arg(w.eventId)); !s)
                return s.error();
        }
        const QVariant active = w.active ? QVariant(QString::fromUtf8(w.snapshot)) : storerows::nullableText(QString());
        const bool first = w.expectedAppliedAt == 0;
        Statement event = m_ctx.prepare(first ? kInsertEvent : kUpdateEvent);
        const QVariantList values = first ? QVariantList{w.eventId, w.plan, w.name, w.status, QString::fromUtf8(w.snapshot), active, t}
                                          : QVariantList{w.plan, w.name, w.status, QString::fromUtf8(w.snapshot), active, t, w.eventId,
                                                         w.expectedAppliedAt};
        for (const QVariant &v : values)
            event.addBindValue(v);
        // A first apply of the same event committed by another engine meanwhile: its row's key refuses this one.
        if (auto s = exec(event, QStringLiteral("recording event %1").arg(w.eventId)); !s)
            return Error::refused(QStringLiteral("event %1 was applied by someone else meanwhile; nothing was written — run the apply again (%2)")
                                      .arg(w.eventId, s.errorString()));
        if (event.numRowsAffected() != 1)
            return Error::refused(QStringLiteral("event %1 was applied by someone else meanwhile; nothing was written — run the apply again")
                                      .arg(w.eventId));
    }
    for (auto it = w.newPeople.cbegin(); it != w.newPeople.cend(); ++it) {
        Statement person = m_ctx.prepare(insertPerson(*m_ctx.backend));
        for (const QVariant &v : QVariantList{w.eventId, it.key(), it.value()})
            person.addBindValue(v);
        if (auto s = exec(person, QStringLiteral("recording the people of event %1").arg(w.eventId)); !s)
            return s.error();
    }
    QList<NewMessage> created;
    for (const PlanApplyWrite::Create &c : w.creates)
        created << c.message;
    auto ids = EnqueueRepository(m_ctx).insertInTransaction(created, t);
    if (!ids)
        return ids.error();
    result.createdIds = *ids;
    if (!w.creates.isEmpty()) {
        // Set-wise, from bound JSON arrays: the records' previous values journalled, the records written,
        // and the new messages journalled as cancelled (what undoing their creation leaves).
        QStringList identities;
        QByteArray rows = "[";
        for (qsizetype i = 0; i < w.creates.size(); ++i) {
            identities << w.creates[i].identity;
            if (i > 0)
                rows += ',';
            rows += '[';
            storesql::appendJsonString(rows, w.creates[i].identity);
            rows += ',';
            rows += QByteArray::number(ids->at(i));
            rows += ',';
            storesql::appendJsonString(rows, w.creates[i].contentHash);
            rows += ']';
        }
        rows += ']';
        if (auto s = journalRecords(auditId, identities, true); !s)
            return s.error();
        Statement record = m_ctx.prepare(upsertRecords(*m_ctx.backend));
        for (const QVariant &v : QVariantList{w.eventId, t, QString::fromUtf8(rows)})
            record.addBindValue(v);
        if (auto s = exec(record, QStringLiteral("recording the derived messages")); !s)
            return s.error();
        Statement journal = m_ctx.prepare(kJournalCreated + m_ctx.backend->idListCondition(QStringLiteral("id")));
        for (const QVariant &v : QVariantList{auditId, t, QStringLiteral("created by plan %1 for event %2; the apply was undone").arg(w.plan, w.eventId),
                                              m_ctx.backend->idListValue(*ids)})
            journal.addBindValue(v);
        if (auto s = exec(journal, QStringLiteral("journalling the created messages")); !s)
            return s.error();
    }
    {
        // The records an apply may change or cancel, journalled before it does (one the compare-and-set
        // leaves alone is journalled as it stays, which undo then writes back unchanged).
        QStringList identities;
        for (const PlanApplyWrite::Change &c : w.changes)
            identities << c.identity;
        for (const PlanApplyWrite::Cancel &c : w.cancels)
            identities << c.identity;
        if (auto s = journalRecords(auditId, identities, false); !s)
            return s.error();
    }
    // Compare-and-set, set-wise: the messages still pending are locked, journalled, then changed or
    // cancelled; one an engine or an operator took meanwhile is left alone and named.
    QList<qint64> targets;
    targets.reserve(w.changes.size() + w.cancels.size());
    for (const PlanApplyWrite::Change &c : w.changes)
        targets << c.messageId;
    for (const PlanApplyWrite::Cancel &c : w.cancels)
        targets << c.messageId;
    auto pending = lockPending(targets);
    if (!pending)
        return pending.error();
    QList<qint64> journalled;
    journalled.reserve(pending->size());
    QByteArray changeRows = "[";
    QByteArray hashRows = "[";
    qsizetype expected = 0;
    for (const PlanApplyWrite::Change &c : w.changes)
        expected += c.message.payload.size() * 5 / 4 + 96; // payloads escaped, and the other columns
    changeRows.reserve(expected + 2);
    for (const PlanApplyWrite::Change &c : w.changes) {
        if (!pending->contains(c.messageId)) {
            result.changedMeanwhile << c.identity;
            continue;
        }
        journalled << c.messageId;
        const qint64 runAt = c.message.runAt > 0 ? c.message.runAt : t;
        if (changeRows.size() > 1) {
            changeRows += ',';
            hashRows += ',';
        }
        changeRows += '[';
        changeRows += QByteArray::number(c.messageId);
        changeRows += ',';
        changeRows += QByteArray::number(runAt);
        changeRows += ',';
        changeRows += QByteArray::number(int(runAt > t ? MessageState::Scheduled : MessageState::Waiting));
        changeRows += ',';
        storesql::appendJsonString(changeRows, c.message.recipient);
        changeRows += ',';
        storesql::appendJsonString(changeRows, c.message.channel);
        changeRows += ',';
        changeRows += QByteArray::number(c.message.priority);
        changeRows += ',';
        // As a message's payload is stored: text, with invalid UTF-8 replaced.
        const QByteArray payload = c.message.payload.isEmpty() ? QByteArrayLiteral("{}") : c.message.payload;
        if (QByteArrayView(payload).isValidUtf8())
            storesql::appendJsonString(changeRows, QByteArrayView(payload));
        else
            storesql::appendJsonString(changeRows, QString::fromUtf8(payload));
        changeRows += ']';
        hashRows += '[';
        storesql::appendJsonString(hashRows, c.identity);
        hashRows += ',';
        storesql::appendJsonString(hashRows, c.contentHash);
        hashRows += ']';
    }
    changeRows += ']';
    hashRows += ']';
    const qsizetype changing = journalled.size();
    QByteArray cancelRows = "[";
    QByteArray cancelled = "[";
    for (const PlanApplyWrite::Cancel &c : w.cancels) {
        if (!pending->contains(c.messageId)) {
            result.changedMeanwhile << c.identity;
            continue;
        }
        journalled << c.messageId;
        if (cancelRows.size() > 1) {
            cancelRows += ',';
            cancelled += ',';
        }
        cancelRows += '[';
        cancelRows += QByteArray::number(c.messageId);
        cancelRows += ',';
        storesql::appendJsonString(cancelRows, c.reason);
        cancelRows += ']';
        cancelled += '[';
        storesql::appendJsonString(cancelled, c.identity);
        cancelled += ']';
    }
    cancelRows += ']';
    cancelled += ']';
    if (!journalled.isEmpty()) {
        Statement journal = m_ctx.prepare(kJournalPending.arg(m_ctx.backend->idListCondition(QStringLiteral("id"))));
        journal.addBindValue(auditId);
        journal.addBindValue(m_ctx.backend->idListValue(journalled));
        if (auto s = exec(journal, QStringLiteral("journalling the messages the apply changes")); !s)
            return s.error();
    }
    if (changing > 0) {
        Statement q = m_ctx.prepare(changePending(*m_ctx.backend));
        q.addBindValue(QString::fromUtf8(changeRows));
        q.addBindValue(t);
        if (auto s = exec(q, QStringLiteral("moving and updating the derived messages")); !s)
            return s.error();
        result.changed = q.numRowsAffected();
        Statement hash = m_ctx.prepare(recordHashes(*m_ctx.backend));
        hash.addBindValue(QString::fromUtf8(hashRows));
        if (auto s = exec(hash, QStringLiteral("recording the derived messages")); !s)
            return s.error();
    }
    if (journalled.size() > changing) {
        Statement q = m_ctx.prepare(cancelPending(*m_ctx.backend));
        q.addBindValue(QString::fromUtf8(cancelRows));
        q.addBindValue(t);
        q.addBindValue(t);
        if (auto s = exec(q, QStringLiteral("cancelling the derived messages")); !s)
            return s.error();
        result.cancelled = q.numRowsAffected();
        if (auto s = DeliveryRollups(m_ctx).recordCancelled(journalled.mid(changing), t); !s)
            return s.error();
        Statement mark = m_ctx.prepare(kRecordsCancelled.arg(m_ctx.backend->jsonArrayRows(QStringLiteral("t"))));
        mark.addBindValue(QString::fromUtf8(cancelled));
        if (auto s = exec(mark, QStringLiteral("recording the derived messages")); !s)
            return s.error();
    }
    const qint64 affected = result.createdIds.size() + result.changed + result.cancelled;
    Statement finish = m_ctx.prepare(kFinishAudit);
    for (const QVariant &v : QVariantList{affected, affected > 0 ? 1 : 0, auditId})
        finish.addBindValue(v);
    if (auto s = exec(finish, QStringLiteral("finishing the audit entry")); !s)
        return s.error();
    if (auto s = tx.commit(); !s)
        return s.error();
    return result;
}

Result<QSet<qint64>> PlanRepository::lockPending(const QList<qint64> &ids)
{
    QSet<qint64> pending;
    if (ids.isEmpty())
        return pending;
    Statement q = m_ctx.prepare(kSelectPending.arg(m_ctx.backend->idListCondition(QStringLiteral("id"))) + m_ctx.backend->rowLockClause());
    q.addBindValue(m_ctx.backend->idListValue(ids));
    if (auto s = exec(q, QStringLiteral("reading the messages the apply changes")); !s)
        return s.error();
    pending.reserve(ids.size());
    while (q.next())
        pending.insert(q.value(0).toLongLong());
    return pending;
}

Status PlanRepository::journalRecords(qint64 auditId, const QStringList &identities, bool mayBeNew)
{
    if (identities.isEmpty())
        return {};
    QByteArray rows = "[";
    for (qsizetype i = 0; i < identities.size(); ++i) {
        if (i > 0)
            rows += ',';
        rows += '[';
        storesql::appendJsonString(rows, identities[i]);
        rows += ']';
    }
    rows += ']';
    const QString list = QString::fromUtf8(rows);
    const QString selectRows = m_ctx.backend->jsonArrayRows(QStringLiteral("t"));
    Statement existing = m_ctx.prepare(kJournalRecords.arg(selectRows));
    existing.addBindValue(auditId);
    existing.addBindValue(list);
    if (auto s = exec(existing, QStringLiteral("journalling the derived messages")); !s)
        return s;
    if (!mayBeNew)
        return {};
    Statement fresh = m_ctx.prepare(journalNewRecords(*m_ctx.backend));
    fresh.addBindValue(auditId);
    fresh.addBindValue(list);
    return exec(fresh, QStringLiteral("journalling the derived messages"));
}

Status PlanRepository::revertApply(qint64 auditId)
{
    Statement read = m_ctx.prepare(kReadEventJournal);
    read.addBindValue(auditId);
    if (auto s = exec(read, QStringLiteral("reading the plan journal")); !s)
        return s;
    if (!read.next())
        return {}; // nothing of the plan's own records to put back
    const QString eventId = read.value(0).toString();
    const bool existed = read.value(1).toLongLong() != 0;
    const QVariantList before{read.value(2), read.value(3), read.value(4), read.value(5), read.value(6), read.value(7), eventId};
    const QJsonArray people = QJsonDocument::fromJson(read.value(8).toString().toUtf8()).array();
    read.finish();
    Statement event = m_ctx.prepare(existed ? kRestoreEvent : kDeleteEvent);
    if (existed) {
        for (const QVariant &v : before)
            event.addBindValue(v);
    } else {
        event.addBindValue(eventId);
    }
    if (auto s = exec(event, QStringLiteral("putting event %1 back").arg(eventId)); !s)
        return s;
    for (const QJsonValue &p : people) {
        Statement person = m_ctx.prepare(kDeletePerson);
        person.addBindValue(eventId);
        person.addBindValue(p.toString());
        if (auto s = exec(person, QStringLiteral("putting the people of event %1 back").arg(eventId)); !s)
            return s;
    }
    Statement records = m_ctx.prepare(kRestoreRecords);
    for (int i = 0; i < 4; ++i)
        records.addBindValue(auditId);
    if (auto s = exec(records, QStringLiteral("putting the derived messages back")); !s)
        return s;
    Statement created = m_ctx.prepare(kRestoreCreatedRecords);
    created.addBindValue(auditId);
    return exec(created, QStringLiteral("putting the derived messages back"));
}

Result<QList<PlanEventSummary>> PlanRepository::planEvents()
{
    Statement q = m_ctx.prepare(kEventSummaries);
    if (auto s = exec(q, QStringLiteral("listing applied events")); !s)
        return s.error();
    QList<PlanEventSummary> out;
    while (q.next()) {
        const QString id = q.value(0).toString();
        if (out.isEmpty() || out.constLast().eventId != id) {
            PlanEventSummary e;
            e.eventId = id;
            e.plan = q.value(1).toString();
            e.name = q.value(2).toString();
            e.status = q.value(3).toString();
            e.appliedAt = q.value(4).toLongLong();
            out << e;
        }
        const qint64 n = q.value(6).toLongLong();
        if (n == 0)
            continue;
        if (q.value(5).isNull())
            out.last().removed += n;
        else
            out.last().counts[MessageState(q.value(5).toInt())] += n;
    }
    return out;
}

Result<StoredPlan> PlanRepository::plan(const QString &name)
{
    Statement q = m_ctx.prepare(kSelectPlan);
    q.addBindValue(name);
    if (auto s = exec(q, QStringLiteral("reading plan '%1'").arg(name)); !s)
        return s.error();
    if (!q.next())
        return Error::notFound(QStringLiteral("plan '%1' does not exist; see `heraldctl plan list`, or define it with `heraldctl plan define FILE`")
                                   .arg(name));
    return readPlan(q);
}

} // namespace herald
