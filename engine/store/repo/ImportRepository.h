#pragma once

// Imported messages with their history (issue 18): one transaction per chunk, every message checked as
// enqueue checks it before the chunk's first write, a dedupe key per source row so that a second run
// adds nothing, and terminal states written terminal so no claim ever takes them.
// Internal to engine/store: created over a Store's StoreContext, used in its thread, holding nothing else.
#include "model/ImportedMessage.h"
#include "store/repo/Repository.h"

namespace herald {

class ImportRepository : public Repository
{
public:
    explicit ImportRepository(StoreContext &context) : Repository(context) {}

    // What writeChunk checks before its first write, for a whole import before its first chunk: every queue,
    // channel and field. Writes nothing (a read-only store may be checked, for a dry run).
    Status check(const QList<ImportedMessage> &messages);
    // One transaction for the whole list. Each message needs a dedupe key (its source identity); one whose
    // key the queue holds already is a duplicate and changes nothing.
    Result<Store::ImportChunkOutcome> writeChunk(const QList<ImportedMessage> &messages);
    // The audit entry of a finished (or stopped) import, in a transaction of its own.
    Result<qint64> recordImport(const QString &source, const QString &queue, qint64 affected, const QByteArray &details,
                                const QString &actor);
};

} // namespace herald
