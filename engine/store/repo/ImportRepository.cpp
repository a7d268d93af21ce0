// Imported messages with their history (issue 18): one transaction per chunk, the rows carrying the
// state, attempts, finish time and last error they had at their source.
#include "store/repo/ImportRepository.h"

#include "model/FailureFingerprint.h"
#include "store/Backend.h"
#include "store/StoreSql.h"
#include "store/repo/EnqueueRepository.h"
#include "store/repo/StoreRows.h"

#include <QSet>
#include <QSqlQuery>

#include <algorithm>

namespace herald {

namespace {

using storesql::exec;
using namespace storerows;

// ---- SQL
const QString kImportColumns = QStringLiteral(
    "queue_id, type, channel, recipient, payload, labels, priority, state, run_at, created_at, updated_at, max_attempts, dedupe_key, "
    "attempts, finished_at, last_error, failure_group, provider_message_id");
const QString kImportPlaceholders = QStringLiteral("?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?");
// The source's last attempt of a message it had finished, so that `show` and the details dock tell how it ended.
const QString kRecordSourceAttempt = QStringLiteral(
    "INSERT INTO attempts (message_id, number, started_at, finished_at, outcome, error, worker) VALUES (?, ?, ?, ?, ?, ?, 'import')");

} // namespace

Status ImportRepository::check(const QList<ImportedMessage> &messages)
{
    QList<NewMessage> plain;
    plain.reserve(messages.size());
    for (const ImportedMessage &m : messages)
        plain << m.message;
    auto checked = EnqueueRepository(m_ctx).checkBeforeWriting(plain);
    if (!checked)
        return checked.error();
    return {};
}

Result<Store::ImportChunkOutcome> ImportRepository::writeChunk(const QList<ImportedMessage> &messages)
{
    if (auto s = m_ctx.requireWritable(); !s)
        return s.error();
    QList<NewMessage> plain;
    plain.reserve(messages.size());
    for (const ImportedMessage &m : messages) {
        if (m.message.dedupeKey.isEmpty())
            return Error::badInput(QStringLiteral("an imported message of type '%1' has no source identity (dedupe key); nothing of this chunk "
                                                  "was written")
                                       .arg(m.message.type));
        if (m.state == MessageState::Active)
            return Error::badInput(QStringLiteral("imported message '%1' is active; import rows in flight as waiting (at-least-once)")
                                       .arg(m.message.dedupeKey));
        plain << m.message;
    }
    auto checked = EnqueueRepository(m_ctx).checkBeforeWriting(plain);
    if (!checked)
        return checked.error();
    const QHash<QString, EnqueueRepository::QueueDefaults> &queues = *checked;

    const QString insertSql = m_ctx.backend->insertSkippingConflicts(QStringLiteral("messages"), kImportColumns, kImportPlaceholders,
                                                                     QStringLiteral("queue_id, dedupe_key"),
                                                                     QStringLiteral("dedupe_key IS NOT NULL")) +
                              m_ctx.backend->returningId();
    Store::ImportChunkOutcome outcome;
    WriteTransaction tx(m_ctx);
    if (auto s = tx.begin(); !s)
        return s.error();
    const qint64 t = m_ctx.now();
    QSet<QString> woken;
    for (const ImportedMessage &im : messages) {
        const NewMessage &m = im.message;
        const EnqueueRepository::QueueDefaults &d = queues[m.queue];
        const qint64 runAt = m.runAt > 0 ? m.runAt : t;
        MessageState state = im.state;
        // As enqueue decides it: a scheduled message whose time has come is waiting.
        if (state == MessageState::Scheduled && runAt <= t)
            state = MessageState::Waiting;
        const bool terminal = isTerminal(state);
        int maxAttempts = m.maxAttempts > 0 ? m.maxAttempts : d.maxAttempts;
        // A pending message that used attempts at its source still gets one here.
        if (!terminal)
            maxAttempts = std::max(maxAttempts, im.attempts + 1);
        const QString lastError = im.lastError;
        const QVariant group = state == MessageState::Failed ? QVariant(failureGroupId(failureFingerprint(lastError)))
                                                             : QVariant(QMetaType(QMetaType::QString));
        Statement insert = m_ctx.prepare(insertSql);
        const QVariantList binds{d.id,
                                 m.type,
                                 m.channel.isEmpty() ? d.channel : m.channel,
                                 m.recipient.isNull() ? QStringLiteral("") : m.recipient,
                                 QString::fromUtf8(m.payload.isEmpty() ? QByteArrayLiteral("{}") : m.payload),
                                 QString::fromUtf8(labelsJson(m.labels)),
                                 m.priority,
                                 int(state),
                                 runAt,
                                 t,
                                 t,
                                 maxAttempts,
                                 m.dedupeKey,
                                 im.attempts,
                                 terminal ? nullable(im.finishedAt.value_or(t)) : nullable({}),
                                 nullableText(lastError),
                                 group,
                                 nullableText(im.providerMessageId)};
        for (int i = 0; i < binds.size(); ++i)
            insert.bindValue(i, binds.at(i));
        if (auto s = exec(insert, QStringLiteral("importing message '%1'").arg(m.dedupeKey)); !s)
            return s.error();
        const qint64 id = m_ctx.insertedId(insert);
        insert.finish();
        if (id == 0) {
            ++outcome.duplicates;
            continue;
        }
        if (auto s = EnqueueRepository(m_ctx).insertLabels(id, m.labels); !s)
            return s.error();
        if (terminal && state != MessageState::Cancelled && im.attempts > 0) {
            const qint64 finished = im.finishedAt.value_or(t);
            Statement attempt = m_ctx.prepare(kRecordSourceAttempt);
            const QVariantList values{id, im.attempts, finished, finished,
                                      state == MessageState::Completed ? QStringLiteral("success") : QStringLiteral("failed"), nullableText(lastError)};
            for (int i = 0; i < values.size(); ++i)
                attempt.bindValue(i, values.at(i));
            if (auto s = exec(attempt, QStringLiteral("recording the source's attempt")); !s)
                return s.error();
        }
        ++outcome.inserted;
        ++outcome.byState[state];
        if (!terminal)
            woken.insert(m.queue);
    }
    if (auto s = m_ctx.notifyEngines(woken); !s)
        return s.error();
    if (auto s = tx.commit(); !s)
        return s.error();
    return outcome;
}

Result<qint64> ImportRepository::recordImport(const QString &source, const QString &queue, qint64 affected, const QByteArray &details,
                                              const QString &actor)
{
    if (auto s = m_ctx.requireWritable(); !s)
        return s.error();
    WriteTransaction tx(m_ctx);
    if (auto s = tx.begin(); !s)
        return s.error();
    auto id = m_ctx.writeAudit(QStringLiteral("import"), QStringLiteral("%1 into queue %2").arg(source, queue), affected, details, actor);
    if (!id)
        return id.error();
    if (auto s = tx.commit(); !s)
        return s.error();
    return id;
}

} // namespace herald
