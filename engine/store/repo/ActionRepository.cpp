// Operator actions (DESIGN §4): preview, apply by ids (all or nothing) or by selection (in chunks, with
// progress and cancel), the audit row of each, and undo of the last one while its rows still exist.
#include "store/repo/ActionRepository.h"

#include "store/repo/DeliveryRollups.h"
#include "store/repo/MessageReads.h"
#include "store/repo/PlanRepository.h"
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
const QString kCompleteAudit = QStringLiteral("UPDATE audit_log SET affected = ?, details = ?, undoable = ? WHERE id = ?");
const QString kReschedule = QStringLiteral("UPDATE messages SET state = ?, run_at = ?, updated_at = ? WHERE id = ?");
const QString kCopyLabels = QStringLiteral(
    "INSERT INTO message_labels (message_id, \"key\", value) SELECT ?, \"key\", value FROM message_labels "
    "WHERE message_id = ?");
const QString kLastUndoable = QStringLiteral("SELECT id, action FROM audit_log WHERE undoable = 1 AND undone_by IS NULL ORDER BY id DESC LIMIT 1");
const QString kUndoTargets = QStringLiteral(
    "SELECT j.message_id FROM action_journal j JOIN messages m ON m.id = j.message_id "
    "JOIN audit_log a ON a.id = j.audit_id WHERE j.audit_id = ? AND m.updated_at <= a.at "
    "AND NOT EXISTS (SELECT 1 FROM action_journal later WHERE later.message_id = j.message_id "
    "AND later.audit_id > j.audit_id) ORDER BY j.message_id");
const QString kMarkUndone = QStringLiteral("UPDATE audit_log SET undone_by = ? WHERE id = ?");
const QString kAuditForMessage = QStringLiteral(
    "SELECT a.id, a.at, a.actor, a.action, a.selection, a.affected, a.details FROM audit_log a "
    "JOIN action_journal j ON j.audit_id = a.id WHERE j.message_id = ? ORDER BY a.id");

constexpr int kIdChunk = 5000; // ids per UPDATE … WHERE id IN (…) in bulk actions

QString refusal(ActionKind kind, qint64 id, MessageState state)
{
    const QString head = QStringLiteral("message %1 is %2").arg(id).arg(stateName(state));
    switch (kind) {
    case ActionKind::Cancel: return head + QStringLiteral("; only scheduled, waiting or active messages can be cancelled");
    case ActionKind::Reschedule:
        if (state == MessageState::Failed)
            return head + QStringLiteral("; use retry to send it again");
        if (state == MessageState::Cancelled)
            return head + QStringLiteral("; use restore to bring it back first");
        return head + QStringLiteral("; only scheduled or waiting messages can be rescheduled");
    case ActionKind::Retry:
        if (state == MessageState::Cancelled)
            return head + QStringLiteral("; use restore for cancelled messages");
        return head + QStringLiteral("; only failed messages can be retried");
    case ActionKind::Promote:
        if (state == MessageState::Waiting)
            return head + QStringLiteral(" already: it runs as soon as a worker is free");
        return head + QStringLiteral("; only scheduled messages can be promoted");
    case ActionKind::SetPriority: return head + QStringLiteral("; only scheduled or waiting messages can change priority");
    case ActionKind::Restore:
        if (state == MessageState::Failed)
            return head + QStringLiteral("; use retry for failed messages");
        return head + QStringLiteral("; only cancelled messages can be restored");
    case ActionKind::EditPayload: return head + QStringLiteral("; only scheduled, waiting or failed messages can be edited");
    case ActionKind::Duplicate: return head;
    case ActionKind::Delete: return head + QStringLiteral("; only completed, failed or cancelled messages can be deleted (cancel it first)");
    }
    return head;
}

} // namespace

Status ActionRepository::checkAction(const MessageSelection &selection, const OperatorAction &action) const
{
    if (selection.isEmpty())
        return Error::badInput(QStringLiteral("%1 needs ids or a selection (--queue, --state, --label, …); refusing to touch every message")
                                   .arg(actionName(action.kind)));
    const qint64 t = m_ctx.now();
    if (action.kind == ActionKind::Reschedule) {
        if (action.runAt.has_value() == action.shiftMs.has_value())
            return Error::badInput(QStringLiteral("reschedule needs either a time (--at, --in) or an offset (--by), not both or neither"));
        if (action.runAt && *action.runAt <= t)
            return Error::badInput(QStringLiteral("%1 is in the past; to run messages now use promote").arg(formatTimestamp(*action.runAt)));
        if (action.spreadUntil && (!action.runAt || *action.spreadUntil <= *action.runAt))
            return Error::badInput(QStringLiteral("the spread window is empty; its end must come after its start"));
        if (action.shiftMs && (*action.shiftMs > kMaxDurationMs || *action.shiftMs < -kMaxDurationMs))
            return Error::badInput(QStringLiteral("a shift of %1 is out of range; use at most 100 years either way").arg(formatDuration(*action.shiftMs)));
    }
    if (action.kind == ActionKind::SetPriority && (action.priority < kHighestPriority || action.priority > kLowestPriority))
        return Error::badInput(QStringLiteral("priority %1 is out of range; use 1 (most urgent) to 10").arg(action.priority));
    if (action.kind == ActionKind::EditPayload) {
        QJsonParseError err{};
        const QJsonDocument doc = QJsonDocument::fromJson(action.payload, &err);
        if (err.error != QJsonParseError::NoError || !doc.isObject())
            return Error::badInput(QStringLiteral("the new payload is not a JSON object (%1)")
                                       .arg(err.error != QJsonParseError::NoError ? err.errorString() : QStringLiteral("not an object")));
    }
    return {};
}

Result<ActionPreview> ActionRepository::previewAction(const MessageSelection &selection, const OperatorAction &action, int sampleSize)
{
    if (auto s = checkAction(selection, action); !s)
        return s.error();
    auto qid = MessageReads(m_ctx).resolveSelectionQueue(selection);
    if (!qid)
        return qid.error();
    QVariantList binds;
    const QString where = MessageReads(m_ctx).selectionWhere(selection, binds, *qid);
    const QList<MessageState> allowed = allowedStates(action.kind);
    ActionPreview p;
    {
        Statement q = m_ctx.prepare(QStringLiteral("SELECT q.name, m.state, COUNT(*) FROM messages m JOIN queues q ON q.id = m.queue_id WHERE ") +
                              where + QStringLiteral(" GROUP BY q.name, m.state ORDER BY q.name, m.state"));
        for (const QVariant &b : binds)
            q.addBindValue(b);
        if (auto s = exec(q, QStringLiteral("previewing %1").arg(actionName(action.kind))); !s)
            return s.error();
        while (q.next()) {
            const auto state = MessageState(q.value(1).toInt());
            const qint64 n = q.value(2).toLongLong();
            p.matching += n;
            if (allowed.contains(state)) {
                p.applicable += n;
                p.byQueueAndState[q.value(0).toString()][state] += n;
            } else {
                p.skippedByState[state] += n;
            }
        }
    }
    QVariantList sampleBinds = binds;
    QStringList marks;
    for (MessageState st : allowed) {
        marks << QStringLiteral("?");
        sampleBinds << int(st);
    }
    Statement q = m_ctx.prepare(QStringLiteral("SELECT ") + kMessageColumns + kMessageFrom + QStringLiteral("WHERE ") + where +
                          QStringLiteral(" AND m.state IN (") + marks.join(QStringLiteral(", ")) + QStringLiteral(") ORDER BY m.id LIMIT ?"));
    for (const QVariant &b : sampleBinds)
        q.addBindValue(b);
    q.addBindValue(std::max(0, sampleSize));
    if (auto s = exec(q, QStringLiteral("sampling the selection")); !s)
        return s.error();
    while (q.next())
        p.sample << readMessage(q);
    return p;
}

Result<ActionResult> ActionRepository::apply(const MessageSelection &selection, const OperatorAction &action, const ActionProgress &progress)
{
    if (auto s = m_ctx.requireWritable(); !s)
        return s.error();
    if (auto s = checkAction(selection, action); !s)
        return s.error();
    auto qid = MessageReads(m_ctx).resolveSelectionQueue(selection);
    if (!qid)
        return qid.error();
    const qint64 t = m_ctx.now();

    // Read what the selection holds and decide per message, before anything is written.
    QList<ApplyTarget> targets;
    ActionResult result;
    result.kind = action.kind;
    {
        QVariantList binds;
        const QString where = MessageReads(m_ctx).selectionWhere(selection, binds, *qid);
        Statement read = m_ctx.prepare(QStringLiteral("SELECT m.id, m.state, m.run_at FROM messages m WHERE ") + where +
                                 (action.spreadUntil ? QStringLiteral(" ORDER BY m.run_at, m.id") : QStringLiteral(" ORDER BY m.id")));
        for (const QVariant &b : binds)
            read.addBindValue(b);
        if (auto s = exec(read, QStringLiteral("reading the selection")); !s)
            return s.error();
        const QList<MessageState> allowed = allowedStates(action.kind);
        QStringList refusals;
        QSet<qint64> seen;
        while (read.next()) {
            const ApplyTarget target{read.value(0).toLongLong(), MessageState(read.value(1).toInt()), read.value(2).toLongLong()};
            seen.insert(target.id);
            if (!allowed.contains(target.state)) {
                if (selection.isById())
                    refusals << refusal(action.kind, target.id, target.state);
                else
                    result.skippedByState[target.state] += 1;
                continue;
            }
            if (action.kind == ActionKind::Reschedule && action.shiftMs && target.runAt + *action.shiftMs <= t) {
                if (selection.isById())
                    refusals << QStringLiteral("message %1 would move to %2, in the past; use promote to run it now")
                                    .arg(target.id)
                                    .arg(formatTimestamp(target.runAt + *action.shiftMs));
                else
                    ++result.skippedIntoPast;
                continue;
            }
            targets << target;
        }
        if (selection.isById()) {
            for (qint64 id : selection.ids)
                if (!seen.contains(id))
                    refusals << QStringLiteral("no message with id %1").arg(id) +
                                    (selection.hasFilter() ? QStringLiteral(" matches the selection") : QString());
            if (!refusals.isEmpty()) {
                refusals.removeDuplicates();
                return Error::refused(QStringLiteral("%1 refused, nothing was changed:\n  ").arg(actionName(action.kind)) +
                                      refusals.join(QStringLiteral("\n  ")));
            }
        }
    }
    if (action.kind == ActionKind::EditPayload && targets.size() > 1)
        return Error::badInput(QStringLiteral("edit changes one message at a time; the selection holds %1").arg(targets.size()));

    // The audit entry comes first, so that every chunk's journal rows can name it.
    QJsonObject details;
    if (action.runAt)
        details.insert(QStringLiteral("run_at"), formatTimestamp(*action.runAt));
    if (action.spreadUntil)
        details.insert(QStringLiteral("spread_until"), formatTimestamp(*action.spreadUntil));
    if (action.shiftMs)
        details.insert(QStringLiteral("shift"), formatDuration(*action.shiftMs));
    if (action.kind == ActionKind::SetPriority)
        details.insert(QStringLiteral("priority"), action.priority);
    QJsonObject skipped;
    for (auto it = result.skippedByState.cbegin(); it != result.skippedByState.cend(); ++it)
        skipped.insert(stateName(it.key()), it.value());
    if (result.skippedIntoPast)
        skipped.insert(QStringLiteral("into_past"), result.skippedIntoPast);
    if (!skipped.isEmpty())
        details.insert(QStringLiteral("skipped"), skipped);
    {
        WriteTransaction tx(m_ctx);
        if (auto s = tx.begin(); !s)
            return s.error();
        auto audit = m_ctx.writeAudit(actionName(action.kind), selection.describe(), 0, QJsonDocument(details).toJson(QJsonDocument::Compact),
                                action.actor);
        if (!audit)
            return audit.error();
        result.auditId = *audit;
        if (auto s = tx.commit(); !s)
            return s.error();
    }
    const bool undoable = action.kind != ActionKind::Delete && action.kind != ActionKind::Duplicate;

    // By ids: one transaction, all or nothing. A selection: chunks, so a long action never holds the
    // store for long, with progress and cancel between chunks.
    const qsizetype chunk = selection.isById() ? std::max<qsizetype>(1, targets.size()) : kIdChunk;
    for (qsizetype start = 0; start < targets.size(); start += chunk) {
        if (progress.cancel && progress.cancel->load()) {
            result.cancelled = true;
            break;
        }
        const QList<ApplyTarget> read = targets.mid(start, chunk);
        WriteTransaction tx(m_ctx);
        if (auto s = tx.begin(); !s)
            return s.error();
        // Compare-and-set: inside the write transaction, only the messages still as the selection read them
        // are changed. One an engine claimed, completed or retried meanwhile (or another operator changed)
        // is left alone and reported, so an action never overwrites an outcome.
        auto part = stillAsRead(action, read);
        if (!part)
            return part.error();
        QList<qint64> ids;
        QSet<qint64> unchanged;
        for (const ApplyTarget &target : std::as_const(*part)) {
            ids << target.id;
            unchanged.insert(target.id);
        }
        for (const ApplyTarget &target : read) {
            if (!unchanged.contains(target.id)) {
                ++result.changedMeanwhile;
                if (result.changedMeanwhileIds.size() < 1000)
                    result.changedMeanwhileIds << target.id;
            }
        }
        if (ids.isEmpty()) {
            if (auto s = tx.commit(); !s)
                return s.error();
            continue;
        }
        const QVariant idList = m_ctx.backend->idListValue(ids);
        if (undoable) {
            Statement journal = m_ctx.prepare(storesql::kJournalMessages + m_ctx.backend->idListCondition(QStringLiteral("id")));
            journal.addBindValue(result.auditId);
            journal.addBindValue(idList);
            if (auto s = exec(journal, QStringLiteral("journaling the action")); !s)
                return s.error();
        }
        if (auto s = applyChunk(action, ids, start, targets.size(), *part, t, result); !s)
            return s.error();
        if (auto s = tx.commit(); !s)
            return s.error();
        result.affected += part->size();
        result.affectedIds << ids;
        if (progress.report)
            progress.report(result.affected, targets.size());
    }
    {
        WriteTransaction tx(m_ctx);
        if (auto s = tx.begin(); !s)
            return s.error();
        QJsonArray idsDone;
        for (qsizetype i = 0; i < result.affectedIds.size() && i < 1000; ++i)
            idsDone.append(result.affectedIds[i]);
        details.insert(QStringLiteral("ids"), idsDone);
        if (result.cancelled)
            details.insert(QStringLiteral("cancelled_after"), result.affected);
        if (result.changedMeanwhile) {
            QJsonObject skippedNow = details.value(QStringLiteral("skipped")).toObject();
            skippedNow.insert(QStringLiteral("changed_meanwhile"), result.changedMeanwhile);
            details.insert(QStringLiteral("skipped"), skippedNow);
        }
        if (!result.createdIds.isEmpty()) {
            QJsonArray created;
            for (qint64 id : std::as_const(result.createdIds))
                created.append(id);
            details.insert(QStringLiteral("created"), created);
        }
        Statement q = m_ctx.prepare(kCompleteAudit);
        q.addBindValue(result.affected);
        q.addBindValue(QString::fromUtf8(QJsonDocument(details).toJson(QJsonDocument::Compact)));
        q.addBindValue(undoable && result.affected > 0 ? 1 : 0);
        q.addBindValue(result.auditId);
        if (auto s = exec(q, QStringLiteral("finishing the audit entry")); !s)
            return s.error();
        if (auto s = tx.commit(); !s)
            return s.error();
    }
    return result;
}

Result<QList<ActionRepository::ApplyTarget>> ActionRepository::stillAsRead(const OperatorAction &action, const QList<ApplyTarget> &read)
{
    QList<qint64> ids;
    for (const ApplyTarget &target : read)
        ids << target.id;
    Statement q = m_ctx.prepare(QStringLiteral("SELECT id, state, run_at FROM messages WHERE ") + m_ctx.backend->idListCondition(QStringLiteral("id")) +
                          m_ctx.backend->rowLockClause());
    q.addBindValue(m_ctx.backend->idListValue(ids));
    if (auto s = exec(q, QStringLiteral("checking that the selection is unchanged")); !s)
        return s.error();
    QHash<qint64, std::pair<MessageState, qint64>> current;
    while (q.next())
        current.insert(q.value(0).toLongLong(), {MessageState(q.value(1).toInt()), q.value(2).toLongLong()});
    QList<ApplyTarget> still;
    for (const ApplyTarget &target : read) {
        const auto it = current.constFind(target.id);
        if (it == current.cend() || it->first != target.state)
            continue;
        // A reschedule was previewed from the message's run time; moved meanwhile, it is not this one's to move.
        if (action.kind == ActionKind::Reschedule && it->second != target.runAt)
            continue;
        still << target;
    }
    return still;
}

Status ActionRepository::applyChunk(const OperatorAction &action, const QList<qint64> &ids, qsizetype offset, qsizetype total, const QList<ApplyTarget> &part,
                         qint64 t, ActionResult &result)
{
    QString set;
    QVariantList setBinds;
    switch (action.kind) {
    case ActionKind::Cancel:
        set = QStringLiteral("state = ?, finished_at = ?, lease_owner = NULL, lease_until = NULL");
        setBinds = {int(MessageState::Cancelled), t};
        break;
    case ActionKind::Reschedule:
        if (action.spreadUntil) {
            // Evenly over the window, in the order the messages were due.
            const qint64 window = *action.spreadUntil - *action.runAt;
            Statement q = m_ctx.prepare(kReschedule);
            for (qsizetype i = 0; i < part.size(); ++i) {
                const qint64 at = *action.runAt + qint64(double(window) * double(offset + i) / double(std::max<qsizetype>(1, total)));
                for (const QVariant &v : QVariantList{int(MessageState::Scheduled), at, t, part[i].id})
                    q.addBindValue(v);
                if (auto s = exec(q, QStringLiteral("spreading messages")); !s)
                    return s;
            }
            return {};
        }
        if (action.runAt) {
            set = QStringLiteral("state = ?, run_at = ?");
            setBinds = {int(MessageState::Scheduled), *action.runAt};
        } else {
            set = QStringLiteral("state = ?, run_at = run_at + ?");
            setBinds = {int(MessageState::Scheduled), *action.shiftMs};
        }
        break;
    case ActionKind::Retry:
        set = QStringLiteral("state = ?, run_at = ?, attempts = 0, stalls = 0, finished_at = NULL, last_error = NULL");
        setBinds = {int(MessageState::Waiting), t};
        break;
    case ActionKind::Promote:
        set = QStringLiteral("state = ?, run_at = ?");
        setBinds = {int(MessageState::Waiting), t};
        break;
    case ActionKind::SetPriority:
        set = QStringLiteral("priority = ?");
        setBinds = {action.priority};
        break;
    case ActionKind::Restore:
        set = QStringLiteral("state = CASE WHEN run_at > %1 THEN %1 ELSE %1 END, finished_at = NULL").arg(m_ctx.backend->castInteger(QStringLiteral("?")));
        setBinds = {t, int(MessageState::Scheduled), int(MessageState::Waiting)};
        break;
    case ActionKind::EditPayload:
        set = QStringLiteral("payload = ?");
        setBinds = {QString::fromUtf8(QJsonDocument::fromJson(action.payload).toJson(QJsonDocument::Compact))};
        break;
    case ActionKind::Duplicate: {
        // New messages with the same content, due at their original time or now, with no history.
        Statement copy = m_ctx.prepare(QStringLiteral(
            "INSERT INTO messages (queue_id, type, channel, recipient, payload, labels, priority, state, run_at, created_at, updated_at, "
            "max_attempts) SELECT queue_id, type, channel, recipient, payload, labels, priority, "
            "CASE WHEN run_at > %3 THEN %3 ELSE %3 END, "
            "%1, ?, ?, max_attempts FROM messages WHERE id = ?%2").arg(m_ctx.backend->greatest(QStringLiteral("run_at"), m_ctx.backend->castInteger(QStringLiteral("?"))), m_ctx.backend->returningId(), m_ctx.backend->castInteger(QStringLiteral("?"))));
        Statement labels = m_ctx.prepare(kCopyLabels);
        for (qint64 id : ids) {
            for (const QVariant &v : QVariantList{t, int(MessageState::Scheduled), int(MessageState::Waiting), t, t, t, id})
                copy.addBindValue(v);
            if (auto s = exec(copy, QStringLiteral("duplicating message %1").arg(id)); !s)
                return s;
            const qint64 created = m_ctx.insertedId(copy);
            copy.finish();
            labels.addBindValue(created);
            labels.addBindValue(id);
            if (auto s = exec(labels, QStringLiteral("copying labels")); !s)
                return s;
            result.createdIds << created;
        }
        return {};
    }
    case ActionKind::Delete: {
        Statement del = m_ctx.prepare(QStringLiteral("DELETE FROM messages WHERE ") + m_ctx.backend->idListCondition(QStringLiteral("id")));
        del.addBindValue(m_ctx.backend->idListValue(ids));
        return exec(del, QStringLiteral("deleting messages"));
    }
    }
    Statement q = m_ctx.prepare(QStringLiteral("UPDATE messages SET ") + set + QStringLiteral(", updated_at = ? WHERE ") +
                          m_ctx.backend->idListCondition(QStringLiteral("id")));
    for (const QVariant &b : setBinds)
        q.addBindValue(b);
    q.addBindValue(t);
    q.addBindValue(m_ctx.backend->idListValue(ids));
    if (auto s = exec(q, QStringLiteral("%1 of %2 messages").arg(actionName(action.kind)).arg(ids.size())); !s)
        return s;
    if (action.kind == ActionKind::Cancel) {
        // An active message loses its lease: the attempt in flight ends here.
        Statement a = m_ctx.prepare(QStringLiteral("UPDATE attempts SET finished_at = ?, outcome = 'cancelled' WHERE finished_at IS NULL AND ") +
                              m_ctx.backend->idListCondition(QStringLiteral("message_id")));
        a.addBindValue(t);
        a.addBindValue(m_ctx.backend->idListValue(ids));
        if (auto s = exec(a, QStringLiteral("ending cancelled attempts")); !s)
            return s;
        return DeliveryRollups(m_ctx).recordCancelled(ids, t);
    }
    return {};
}

Result<ActionResult> ActionRepository::undoLastAction(const QString &actor)
{
    if (auto s = m_ctx.requireWritable(); !s)
        return s.error();
    WriteTransaction tx(m_ctx);
    if (auto s = tx.begin(); !s)
        return s.error();
    qint64 auditId = 0;
    QString action;
    {
        Statement last = m_ctx.prepare(kLastUndoable);
        if (auto s = exec(last, QStringLiteral("finding the last action")); !s)
            return s.error();
        if (!last.next())
            return Error::refused(QStringLiteral("there is no operator action left to undo"));
        auditId = last.value(0).toLongLong();
        action = last.value(1).toString();
    }
    // A message changed since (by the engine or another action) keeps its newer state: undo only
    // puts back what still is as the action left it.
    ActionResult result;
    result.kind = ActionKind::Restore;
    {
        Statement rows = m_ctx.prepare(kUndoTargets);
        rows.addBindValue(auditId);
        if (auto s = exec(rows, QStringLiteral("reading the journal")); !s)
            return s.error();
        while (rows.next())
            result.affectedIds << rows.value(0).toLongLong();
    }
    const bool planApply = action == QLatin1String("plan.apply") || action == QLatin1String("plan.forget");
    if (planApply) {
        // All or nothing: the plan's own records go back whole, so its messages must too. A record put
        // back beside a message that stays (delivered since, or changed by a later action even if that
        // was undone) would have the next apply create the message again — a reminder sent twice.
        Statement journal = m_ctx.prepare(QStringLiteral("SELECT COUNT(*) FROM action_journal WHERE audit_id = ?"));
        journal.addBindValue(auditId);
        if (auto s = exec(journal, QStringLiteral("reading the journal")); !s)
            return s.error();
        const qint64 journalled = journal.next() ? journal.value(0).toLongLong() : 0;
        if (result.affectedIds.size() < journalled)
            return Error::refused(QStringLiteral("audit #%1 (%2) cannot be undone whole: %3 of its %4 messages changed since (delivered, or "
                                                 "changed by a later action, even one undone since); nothing was undone. Apply the event "
                                                 "file you want instead, or forget the event")
                                      .arg(auditId)
                                      .arg(action)
                                      .arg(journalled - result.affectedIds.size())
                                      .arg(journalled));
    }
    const qint64 t = m_ctx.now();
    for (qsizetype start = 0; start < result.affectedIds.size(); start += kIdChunk) {
        const QList<qint64> ids = result.affectedIds.mid(start, kIdChunk);
        if (auto s = DeliveryRollups(m_ctx).recordUncancelled(auditId, ids); !s)
            return s.error();
        QList<Backend::Assignment> sets;
        for (const char *c : {"state", "run_at", "priority", "attempts", "stalls", "finished_at", "last_error", "payload"})
            sets.append({QLatin1String(c), QStringLiteral("journal.") + QLatin1String(c)});
        sets.append({QStringLiteral("updated_at"), QStringLiteral("?")});
        sets.append({QStringLiteral("lease_owner"), QStringLiteral("NULL")});
        sets.append({QStringLiteral("lease_until"), QStringLiteral("NULL")});
        Statement q = m_ctx.prepare(m_ctx.backend->updateFromRows(
            QStringLiteral("messages"), QStringLiteral("journal"),
            QStringLiteral("message_id, state, run_at, priority, attempts, stalls, finished_at, last_error, payload"),
            QStringLiteral("message_id, state, run_at, priority, attempts, stalls, finished_at, last_error, payload FROM action_journal "
                           "WHERE audit_id = ?"),
            sets, QStringLiteral("messages.id = journal.message_id AND ") + m_ctx.backend->idListCondition(QStringLiteral("messages.id"))));
        q.addBindValue(auditId);
        q.addBindValue(t);
        q.addBindValue(m_ctx.backend->idListValue(ids));
        if (auto s = exec(q, QStringLiteral("undoing %1").arg(action)); !s)
            return s.error();
    }
    if (planApply) {
        if (auto s = PlanRepository(m_ctx).revertApply(auditId); !s)
            return s.error();
    }
    result.affected = result.affectedIds.size();
    QJsonArray idsDone;
    for (qsizetype i = 0; i < result.affectedIds.size() && i < 1000; ++i)
        idsDone.append(result.affectedIds[i]);
    auto audit = m_ctx.writeAudit(QStringLiteral("undo"), QStringLiteral("audit #%1 (%2)").arg(auditId).arg(action), result.affected,
                            QJsonDocument(QJsonObject{{QStringLiteral("undoes"), auditId}, {QStringLiteral("ids"), idsDone}}).toJson(QJsonDocument::Compact),
                            actor);
    if (!audit)
        return audit.error();
    result.auditId = *audit;
    Statement mark = m_ctx.prepare(kMarkUndone);
    mark.addBindValue(result.auditId);
    mark.addBindValue(auditId);
    if (auto s = exec(mark, QStringLiteral("marking the action undone")); !s)
        return s.error();
    if (auto s = tx.commit(); !s)
        return s.error();
    return result;
}

Result<QList<AuditEntry>> ActionRepository::auditForMessage(qint64 messageId)
{
    Statement q = m_ctx.prepare(kAuditForMessage);
    q.addBindValue(messageId);
    if (auto s = exec(q, QStringLiteral("reading the message's audit history")); !s)
        return s.error();
    QList<AuditEntry> out;
    while (q.next())
        out << readAuditEntry(q);
    return out;
}

} // namespace herald
