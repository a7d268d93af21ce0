// The store's facade (DESIGN §3.1): opening, the schema, the connection and its maintenance; every
// other operation forwards to the repository of its concern, over the StoreContext they share.
#include "Store.h"

#include "Backend.h"
#include "StoreContext.h"
#include "repo/ActionRepository.h"
#include "repo/ChannelRepository.h"
#include "repo/PlanRepository.h"
#include "repo/CleanupRepository.h"
#include "repo/EngineRepository.h"
#include "repo/EnqueueRepository.h"
#include "repo/ImportRepository.h"
#include "repo/Lifecycle.h"
#include "repo/MessageReads.h"
#include "repo/QueueRepository.h"
#include "StoreSql.h"
#include "model/TimeText.h"

#include <QAtomicInteger>
#include <QDir>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QStorageInfo>

namespace herald {

namespace {

using storesql::exec;
using storesql::sqlError;

QString newConnectionName()
{
    static QAtomicInteger<quint64> counter;
    return QStringLiteral("herald-store-%1").arg(counter.fetchAndAddRelaxed(1));
}

} // namespace

Store::Store(std::unique_ptr<StoreContext> context) : m_context(std::move(context)) {}

Store::~Store() = default;

Result<std::unique_ptr<Store>> Store::open(const StoreUrl &url, OpenOptions options)
{
    auto dialect = Backend::forUrl(url);
    if (!dialect)
        return dialect.error();
    const QString name = newConnectionName();
    std::unique_ptr<Store> store(new Store(std::make_unique<StoreContext>(url, std::move(dialect).value(), name, options.readOnly)));
    StoreContext &c = *store->m_context;
    c.clock = options.clock ? std::move(options.clock) : std::function<qint64()>(&currentTimeMs);
    c.durability = options.durability;
    c.cacheStatements = options.cacheStatements;
    c.autoCheckpoint = options.autoCheckpoint;
    c.reclaimLeases = options.reclaimLeases;
    c.upgradeSchema = options.upgradeSchema;
    c.db = QSqlDatabase::addDatabase(c.backend->driverName(), name);
    if (!c.db.isValid())
        return Error::runtime(QStringLiteral("store '%1' needs the Qt SQL driver %2, which is not installed; install it (Debian: %3)")
                                  .arg(url.display(), c.backend->driverName(), c.backend->driverPackage()));
    // A store that cannot be opened or set up on a disk with (almost) no room left: that is the reason
    // given, not the driver's guess ("unable to open", "permissions").
    const auto explain = [&url, &options, &c](Error e) {
        if (!c.backend->capabilities().fileBased || options.readOnly)
            return e;
        const QStorageInfo disk(QFileInfo(url.sqlitePath()).absolutePath());
        if (disk.isValid() && disk.bytesAvailable() < 256 * 1024)
            return Error::runtime(QStringLiteral("store '%1' cannot be opened: the disk holding %2 is full (%3 bytes free); free space on it "
                                                 "or move the store")
                                      .arg(url.display(), disk.rootPath())
                                      .arg(disk.bytesAvailable()));
        return e;
    };
    if (auto s = c.backend->configure(c.db, url, options.readOnly, options.readOnly && options.changeNothing); !s)
        return explain(s.error());
    if (!c.db.open())
        return explain(c.backend->openError(url, c.db.lastError()));
    if (auto s = c.backend->checkServer(c.db, url); !s)
        return s.error();
    if (auto s = store->initialise(); !s)
        return explain(s.error());
    return store;
}

Status Store::initialise()
{
    // Reading the table list is the first thing that fails on a file that is not a database.
    QSqlQuery tables(m_context->db);
    tables.setForwardOnly(true);
    if (!tables.exec(m_context->backend->listTables()))
        return Error::badInput(QStringLiteral("store '%1' is not a Herald store (%2); point --db at a Herald store, or at a new file to create one")
                                   .arg(m_context->url.display(), tables.lastError().text()));
    QStringList names;
    while (tables.next())
        names << tables.value(0).toString();
    tables.finish();

    for (const QString &setup : m_context->backend->sessionSetup(m_context->readOnly, m_context->durability, m_context->autoCheckpoint)) {
        QSqlQuery q(m_context->db);
        if (!q.exec(setup))
            return sqlError(setup, q.lastError());
    }

    if (!names.isEmpty() && !names.contains(QLatin1String("schema_version")))
        return Error::badInput(QStringLiteral("store '%1' is not a Herald store: it holds other tables (%2); "
                                              "point --db at a Herald store, or at a new file to create one")
                                   .arg(m_context->url.display(), names.mid(0, 5).join(QStringLiteral(", "))));
    if (names.isEmpty()) {
        if (m_context->readOnly)
            return Error::badInput(QStringLiteral("store '%1' is empty, not a Herald store; nothing to inspect").arg(m_context->url.display()));
        m_context->schemaVersion = 0;
    } else {
        QSqlQuery v(m_context->db);
        if (!v.exec(QStringLiteral("SELECT MAX(version) FROM schema_version")) || !v.next())
            return sqlError(QStringLiteral("reading the schema version"), v.lastError());
        m_context->schemaVersion = v.value(0).toInt();
    }
    if (m_context->schemaVersion > Backend::kSchemaVersion)
        return Error::badInput(QStringLiteral("store '%1' has schema version %2, newer than this Herald knows (%3); upgrade Herald")
                                   .arg(m_context->url.display())
                                   .arg(m_context->schemaVersion)
                                   .arg(Backend::kSchemaVersion));
    if (m_context->schemaVersion < Backend::kSchemaVersion) {
        if (m_context->schemaVersion > 0 && !m_context->upgradeSchema)
            return Error::badInput(QStringLiteral("store '%1' has schema version %2 and this Herald needs %3; upgrade it first with "
                                                  "`heraldctl --db %1 init`")
                                       .arg(m_context->url.display())
                                       .arg(m_context->schemaVersion)
                                       .arg(Backend::kSchemaVersion));
        if (m_context->readOnly)
            return Error::badInput(QStringLiteral("store '%1' has schema version %2 and this Herald needs %3; upgrade it with "
                                                  "`heraldctl --db %1 init` (or open it once without --read-only; on a copy to keep the original)")
                                       .arg(m_context->url.display())
                                       .arg(m_context->schemaVersion)
                                       .arg(Backend::kSchemaVersion));
        if (auto s = migrate(); !s)
            return s;
    }
    if (!m_context->readOnly && m_context->reclaimLeases) {
        if (auto r = reclaimExpiredLeases(); !r)
            return r.error();
    }
    return {};
}

Status Store::migrate()
{
    StoreContext::WriteTransaction tx(*m_context);
    if (auto s = tx.begin(); !s)
        return s;
    // Someone else may have migrated between our read and our lock.
    int current = 0;
    {
        QSqlQuery t(m_context->db);
        if (t.exec(m_context->backend->listTables())) {
            bool has = false;
            while (t.next())
                has = has || t.value(0).toString() == QLatin1String("schema_version");
            if (has) {
                QSqlQuery v(m_context->db);
                if (v.exec(QStringLiteral("SELECT MAX(version) FROM schema_version")) && v.next())
                    current = v.value(0).toInt();
            }
        }
    }
    for (int version = current + 1; version <= Backend::kSchemaVersion; ++version) {
        const QStringList statements = m_context->backend->migration(version);
        if (statements.isEmpty())
            return Error::runtime(QStringLiteral("store: the %1 migration to schema %2 is missing from this build").arg(m_context->backend->name()).arg(version));
        for (const QString &statement : statements) {
            QSqlQuery q(m_context->db);
            if (!q.exec(statement))
                return sqlError(QStringLiteral("migration to schema %1").arg(version), q.lastError());
        }
        StoreContext::Statement q = m_context->prepare(QStringLiteral("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)"));
        q.addBindValue(version);
        q.addBindValue(now());
        if (auto s = exec(q, QStringLiteral("recording schema %1").arg(version)); !s)
            return s;
    }
    if (auto s = tx.commit(); !s)
        return s;
    m_context->schemaVersion = Backend::kSchemaVersion;
    return {};
}

const StoreUrl &Store::url() const
{
    return m_context->url;
}

BackendCapabilities Store::capabilities() const
{
    return m_context->backend->capabilities();
}

bool Store::isReadOnly() const
{
    return m_context->readOnly;
}

Durability Store::durability() const
{
    return m_context->durability;
}

int Store::schemaVersion() const
{
    return m_context->schemaVersion;
}

std::function<qint64()> Store::clock() const
{
    return m_context->clock;
}

qint64 Store::now() const
{
    return m_context->clock();
}

void Store::setClock(std::function<qint64()> clock)
{
    m_context->clock = clock ? std::move(clock) : std::function<qint64()>(&currentTimeMs);
}

Status Store::checkStillThere() const
{
    if (m_context->backend->capabilities().fileBased && !QFileInfo::exists(m_context->url.sqlitePath()))
        return Error::notFound(QStringLiteral("the store file %1 is gone (moved, renamed or deleted); put it back, or open another store")
                                   .arg(m_context->url.sqlitePath()));
    return {};
}

Status Store::backupTo(const QString &path)
{
    if (m_context->backend->backupInto().isEmpty())
        return Error::refused(QStringLiteral("a copy can be written of a SQLite store only; use the server's own backup tools (pg_dump)"));
    const QFileInfo target(path);
    if (target.exists())
        return Error::badInput(QStringLiteral("%1 exists; choose a new file name for the copy").arg(path));
    if (!target.absoluteDir().exists())
        return Error::badInput(QStringLiteral("the folder of %1 does not exist; create it or choose another").arg(path));
    StoreContext::Statement q = m_context->prepare(m_context->backend->backupInto());
    q.addBindValue(target.absoluteFilePath());
    return exec(q, QStringLiteral("writing a copy to ") + path);
}

Status Store::foldCounters()
{
    const QString sql = m_context->backend->foldCounters();
    if (sql.isEmpty() || m_context->readOnly)
        return {};
    StoreContext::Statement q = m_context->prepare(sql);
    return exec(q, QStringLiteral("folding counters"));
}

Status Store::checkpoint()
{
    const QString sql = m_context->backend->checkpoint();
    if (sql.isEmpty() || m_context->readOnly)
        return {};
    QSqlQuery q(m_context->db);
    if (!q.exec(sql))
        return sqlError(QStringLiteral("checkpointing the write-ahead log"), q.lastError());
    const qint64 logPages = q.next() ? q.value(1).toLongLong() : 0;
    q.finish();
    const Backend::RestartingCheckpoint restart = m_context->backend->checkpointRestart();
    if (logPages < kRestartLogPages || restart.checkpoint.isEmpty())
        return {};
    if (m_restartsToSkip > 0) {
        // The last restart met a reader that kept an old snapshot: the writers are not held at the
        // gate for it again at every checkpoint.
        --m_restartsToSkip;
        return {};
    }
    // A writer that commits without pause never finds the whole log copied (it appends while the
    // checkpoint copies), so the log never starts over: it grew by ~140 MB/s under a busy runtime, every
    // commit allocating new blocks of the file. Once it is long, what the passive checkpoint left (a few
    // commits' worth) is copied while this process's writers wait at the write gate, and the next
    // commit writes the log from its start.
    std::unique_lock<std::timed_mutex> gate;
    if (m_context->writeGate)
        gate = std::unique_lock<std::timed_mutex>(*m_context->writeGate, std::chrono::milliseconds(200));
    if (m_context->writeGate && !gate.owns_lock())
        return {}; // the writers are busy for long: at the next checkpoint
    Status status;
    const auto run = [&](const QString &statement) {
        if (!q.exec(statement) && status)
            status = sqlError(QStringLiteral("checkpointing the write-ahead log"), q.lastError());
        const bool blocked = statement == restart.checkpoint && q.isActive() && q.next() && q.value(0).toInt() != 0;
        q.finish();
        return blocked;
    };
    for (const QString &statement : restart.before)
        run(statement);
    if (status && run(restart.checkpoint))
        m_restartsToSkip = kRestartsSkippedAfterBusy;
    for (const QString &statement : restart.after)
        run(statement);
    return status;
}

Status Store::reconnectIfLost()
{
    StoreContext &c = *m_context;
    if (c.backend->capabilities().fileBased)
        return {};
    {
        QSqlQuery ping(c.db);
        if (ping.exec(QStringLiteral("SELECT 1")))
            return {};
    }
    c.dropStatements(); // prepared on the old connection
    c.db.close();
    if (!c.db.open())
        return c.backend->openError(c.url, c.db.lastError());
    for (const QString &setup : c.backend->sessionSetup(c.readOnly, c.durability, c.autoCheckpoint)) {
        QSqlQuery q(c.db);
        if (!q.exec(setup))
            return sqlError(setup, q.lastError());
    }
    return {};
}

// ---- forwarded to the repositories ----------------------------------------------------------

Status Store::addQueue(const QueueConfig &c)
{
    return QueueRepository(*m_context).addQueue(c);
}

Status Store::updateQueue(const QueueConfig &c)
{
    return QueueRepository(*m_context).updateQueue(c);
}

Status Store::setPaused(const QString &name, bool paused)
{
    return QueueRepository(*m_context).setPaused(name, paused);
}

Result<QueueConfig> Store::queue(const QString &name)
{
    return QueueRepository(*m_context).queue(name);
}

Result<QList<QueueConfig>> Store::queues()
{
    return QueueRepository(*m_context).queues();
}

Result<Store::EnqueueOutcome> Store::enqueue(const NewMessage &message)
{
    return EnqueueRepository(*m_context).enqueue(message);
}

Result<Store::ImportChunkOutcome> Store::writeImported(const QList<ImportedMessage> &chunk)
{
    return ImportRepository(*m_context).writeChunk(chunk);
}

Status Store::checkImported(const QList<ImportedMessage> &messages)
{
    return ImportRepository(*m_context).check(messages);
}

Result<qint64> Store::recordImport(const QString &source, const QString &queue, qint64 affected, const QByteArray &details, const QString &actor)
{
    return ImportRepository(*m_context).recordImport(source, queue, affected, details, actor);
}

Result<Store::BulkOutcome> Store::enqueueBulk(const QList<NewMessage> &messages, int chunkSize)
{
    return EnqueueRepository(*m_context).enqueueBulk(messages, chunkSize);
}

Result<qint64> Store::insertSyntheticMessages(const QString &queueName, qint64 count, qint64 firstRunAt, qint64 spacingMs)
{
    return EnqueueRepository(*m_context).insertSyntheticMessages(queueName, count, firstRunAt, spacingMs);
}

Result<Message> Store::message(qint64 id)
{
    return MessageReads(*m_context).message(id);
}

Result<QList<Attempt>> Store::attempts(qint64 messageId)
{
    return MessageReads(*m_context).attempts(messageId);
}

Result<QList<Message>> Store::listMessages(const MessagePageRequest &request)
{
    return MessageReads(*m_context).listMessages(request);
}

Result<QList<Store::PageAnchor>> Store::pageAnchors(const MessagePageRequest &request, int every)
{
    return MessageReads(*m_context).pageAnchors(request, every);
}

Result<qint64> Store::countMessages(const MessageSelection &selection)
{
    return MessageReads(*m_context).countMessages(selection);
}

Result<QList<qint64>> Store::upcomingHistogram(qint64 fromMs, qint64 bucketMs, int buckets, const QString &queueName)
{
    return MessageReads(*m_context).upcomingHistogram(fromMs, bucketMs, buckets, queueName);
}

Result<QList<QueueCounts>> Store::stats()
{
    return MessageReads(*m_context).stats();
}

Result<QList<Message>> Store::upcoming(qint64 withinMs, const QString &queueName, int limit)
{
    return MessageReads(*m_context).upcoming(withinMs, queueName, limit);
}

Result<QList<AuditEntry>> Store::auditLog(int limit)
{
    return MessageReads(*m_context).auditLog(limit);
}

Result<QList<FailedErrorCount>> Store::failedErrorCounts(std::optional<qint64> finishedSince)
{
    return MessageReads(*m_context).failedErrorCounts(finishedSince);
}

Result<QStringList> Store::counterMismatches()
{
    return MessageReads(*m_context).counterMismatches();
}

Result<qint64> Store::promoteDue()
{
    return Lifecycle(*m_context).promoteDue();
}

Result<QList<Message>> Store::claim(const QString &queueName, int max, const QString &owner, qint64 leaseMs)
{
    return Lifecycle(*m_context).claim(queueName, max, owner, leaseMs);
}

Result<bool> Store::complete(qint64 id, const QString &owner, const QString &providerMessageId)
{
    return Lifecycle(*m_context).complete(id, owner, providerMessageId);
}

Status Store::markReached(const QList<qint64> &ids, const QString &owner)
{
    return Lifecycle(*m_context).markReached(ids, owner);
}

Result<std::optional<MessageState>> Store::fail(qint64 id, const QString &owner, const Failure &failure)
{
    return Lifecycle(*m_context).fail(id, owner, failure);
}

Result<Store::BatchResult> Store::commitBatch(const WriteBatch &batch)
{
    return Lifecycle(*m_context).commitBatch(batch);
}

Result<qint64> Store::reclaimExpiredLeases()
{
    return Lifecycle(*m_context).reclaimExpiredLeases();
}

Result<qint64> Store::reclaimAllLeases()
{
    return Lifecycle(*m_context).reclaimAllLeases();
}

Result<std::optional<qint64>> Store::nextRunAt(const QStringList &queues)
{
    return Lifecycle(*m_context).nextRunAt(queues);
}

Result<DeliveryDashboardData> Store::deliveryDashboard(const DeliveryQuery &query)
{
    return DeliveryRollups(*m_context).dashboard(query);
}

Result<qint64> Store::foldDeliveryRollups()
{
    return DeliveryRollups(*m_context).fold(m_context->now());
}

Status Store::addDeliveryRollups(const QList<DeliveryRollupRow> &rows)
{
    return DeliveryRollups(*m_context).addRows(rows);
}

Result<Store::Backlog> Store::backlog(const QStringList &queues)
{
    return Lifecycle(*m_context).backlog(queues);
}

Status Store::heartbeat(const EngineInfo &engine)
{
    return EngineRepository(*m_context).heartbeat(engine);
}

Status Store::unregisterEngine(const QString &id)
{
    return EngineRepository(*m_context).unregisterEngine(id);
}

Result<QList<Store::EngineInfo>> Store::liveEngines(qint64 withinMs)
{
    return EngineRepository(*m_context).liveEngines(withinMs);
}

Result<QList<Store::EngineInfo>> Store::engines()
{
    return EngineRepository(*m_context).engines();
}

Result<bool> Store::tryLead(const QString &name, const QString &holder, qint64 leaseMs)
{
    return EngineRepository(*m_context).tryLead(name, holder, leaseMs);
}

Status Store::addChannel(const ChannelConfig &c)
{
    return ChannelRepository(*m_context).addChannel(c);
}

Status Store::updateChannel(const ChannelConfig &c)
{
    return ChannelRepository(*m_context).updateChannel(c);
}

Status Store::removeChannel(const QString &name)
{
    return ChannelRepository(*m_context).removeChannel(name);
}

Result<ChannelConfig> Store::channel(const QString &name)
{
    return ChannelRepository(*m_context).channel(name);
}

Result<bool> Store::savePlan(const QString &name, const QByteArray &definition, const QString &actor)
{
    return PlanRepository(*m_context).savePlan(name, definition, actor);
}

Result<QList<StoredPlan>> Store::plans()
{
    return PlanRepository(*m_context).plans();
}

Result<StoredPlan> Store::plan(const QString &name)
{
    return PlanRepository(*m_context).plan(name);
}

Result<std::optional<AppliedEvent>> Store::appliedEvent(const QString &eventId)
{
    return PlanRepository(*m_context).appliedEvent(eventId);
}

Result<QList<PlanMessageRecord>> Store::planRecords(const QString &eventId)
{
    return PlanRepository(*m_context).planRecords(eventId);
}

Result<PlanApplyResult> Store::writePlanApply(const PlanApplyWrite &write)
{
    return PlanRepository(*m_context).writePlanApply(write);
}

Result<QList<PlanEventSummary>> Store::planEvents()
{
    return PlanRepository(*m_context).planEvents();
}

Result<QList<ChannelConfig>> Store::channels()
{
    return ChannelRepository(*m_context).channels();
}

Result<QList<OutboxEntry>> Store::outbox(qint64 afterId, int limit)
{
    return ChannelRepository(*m_context).outbox(afterId, limit);
}

Result<bool> Store::isSuppressed(const QString &address)
{
    return ChannelRepository(*m_context).isSuppressed(address);
}

Status Store::addSuppression(const QString &address, const QString &reason)
{
    return ChannelRepository(*m_context).addSuppression(address, reason);
}

Result<ActionPreview> Store::previewAction(const MessageSelection &selection, const OperatorAction &action, int sampleSize)
{
    return ActionRepository(*m_context).previewAction(selection, action, sampleSize);
}

Result<ActionResult> Store::apply(const MessageSelection &selection, const OperatorAction &action, const ActionProgress &progress)
{
    return ActionRepository(*m_context).apply(selection, action, progress);
}

Result<ActionResult> Store::undoLastAction(const QString &actor)
{
    return ActionRepository(*m_context).undoLastAction(actor);
}

Result<QList<AuditEntry>> Store::auditForMessage(qint64 messageId)
{
    return ActionRepository(*m_context).auditForMessage(messageId);
}

Result<CleanupCounts> Store::previewCleanup(const RetentionPolicy &policy)
{
    return CleanupRepository(*m_context).previewCleanup(policy);
}

Result<CleanupResult> Store::runCleanup(const RetentionPolicy &policy, const CleanupOptions &options, const ActionProgress &progress)
{
    return CleanupRepository(*m_context).runCleanup(policy, options, progress);
}

Result<CleanupScheduleSettings> Store::cleanupSchedule()
{
    return CleanupRepository(*m_context).cleanupSchedule();
}

Status Store::setCleanupSchedule(const CleanupScheduleSettings &settings)
{
    return CleanupRepository(*m_context).setCleanupSchedule(settings);
}

Result<qint64> Store::beginCleanupRun(const QString &trigger)
{
    return CleanupRepository(*m_context).beginCleanupRun(trigger);
}

Status Store::finishCleanupRun(qint64 runId, const CleanupResult &result, const QString &error)
{
    return CleanupRepository(*m_context).finishCleanupRun(runId, result, error);
}

Result<QList<CleanupRun>> Store::cleanupRuns(int limit, const QString &trigger)
{
    return CleanupRepository(*m_context).cleanupRuns(limit, trigger);
}

Result<qint64> Store::finishSyntheticMessages(const QString &queueName, MessageState state, qint64 finishedAt, qint64 count)
{
    return CleanupRepository(*m_context).finishSyntheticMessages(queueName, state, finishedAt, count);
}

} // namespace herald
