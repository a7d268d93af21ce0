#include "Runtime.h"

#include "channels/Redaction.h"
#include "email/EmailLinker.h"
#include "model/TimeText.h"

#include <QCoreApplication>
#include <QSysInfo>
#include <QThread>

#include <algorithm>
#include <climits>

namespace herald {

Runtime::Runtime(StoreUrl url, RuntimeOptions options, QString owner)
    : m_url(std::move(url)), m_options(std::move(options)), m_owner(std::move(owner)), m_tickTimer(this), m_pollTimer(this),
      m_leaseTimer(this), m_stopTimer(this)
{
    // The timers are children so that moveToThread() takes them to the runtime thread.
    m_tickTimer.setSingleShot(true);
    m_tickTimer.setTimerType(Qt::PreciseTimer);
    connect(&m_tickTimer, &QTimer::timeout, this, &Runtime::tick);
    connect(&m_pollTimer, &QTimer::timeout, this, &Runtime::poll);
    connect(&m_leaseTimer, &QTimer::timeout, this, [this] {
        heartbeat();
        foldRollupsIfDue();
        m_renewDue = true;
        scheduleTick(m_options.groupCommitMs);
    });
    m_stopTimer.setSingleShot(true);
    connect(&m_stopTimer, &QTimer::timeout, this, [this] {
        // Deliveries still running are handed back: another engine (or the next start) sends them.
        QList<DeliveryRecord> records;
        for (auto it = m_inFlight.cbegin(); it != m_inFlight.cend(); ++it) {
            Worker *worker = m_workers[size_t(it->worker)].worker;
            const qint64 id = it.key();
            QMetaObject::invokeMethod(worker, [worker, id] { worker->abort(id); }, Qt::QueuedConnection);
            m_pending.released << id;
            DeliveryRecord r;
            r.messageId = id;
            r.queue = it->message.queue;
            r.channel = it->channel;
            r.outcome = QStringLiteral("handed back");
            r.attempt = it->message.attempts;
            records << r;
        }
        if (!records.isEmpty())
            Q_EMIT delivered(records);
        m_inFlight.clear();
        m_inFlightPerQueue.clear();
        tick();
    });
}

Runtime::~Runtime()
{
    if (!m_finished)
        finish(QString());
}

Status Runtime::start()
{
    Store::OpenOptions storeOptions;
    storeOptions.durability = m_options.durability;
    storeOptions.cacheStatements = m_options.cacheStatements;
    storeOptions.autoCheckpoint = m_options.checkpointMs <= 0;
    auto store = Store::open(m_url, storeOptions);
    if (!store)
        return store.error();
    m_store = std::move(store).value();
    const BackendCapabilities caps = m_store->capabilities();
    if (m_options.checkpointMs > 0 && caps.needsCheckpointer) {
        m_checkpointer = std::make_unique<Checkpointer>(m_url, m_options.durability, m_options.checkpointMs);
        m_checkpointer->start();
    }
    if (auto s = reloadConfiguration(); !s)
        return s;
    if (!m_options.channelFactory)
        return Error::runtime(QStringLiteral("the runtime was started without channels"));

    const int threads = std::max(1, m_options.workerThreads);
    for (int i = 0; i < threads; ++i) {
        WorkerThread w;
        w.thread = new QThread(this);
        w.thread->setObjectName(QStringLiteral("herald-worker-%1").arg(i));
        ChannelContext context;
        context.resolveSecret = m_options.resolveSecret;
        // Worker thread → runtime thread, with the outcomes: recorded with the next commit, so that only a
        // delivery that left for its peer counts as a stall should this engine die.
        context.reached = [this](qint64 id) {
            {
                std::lock_guard lock(m_outcomesMutex);
                m_reached.push_back(id);
                if (m_outcomesPosted)
                    return;
                m_outcomesPosted = true;
            }
            QMetaObject::invokeMethod(this, &Runtime::takeOutcomes, Qt::QueuedConnection);
        };
        const StoreUrl url = m_url;
        // Suppression checks run in the worker thread, on a read connection of its own opened there.
        auto readStore = std::make_shared<std::unique_ptr<Store>>();
        // A store that cannot be opened or read is an error, never "not suppressed" (the channel does not
        // send); the connection is opened again at the next check.
        context.isSuppressed = [url, readStore](const QString &address) -> Result<bool> {
            if (!*readStore) {
                Store::OpenOptions o;
                o.readOnly = true;
                auto opened = Store::open(url, o);
                if (!opened)
                    return opened.error();
                *readStore = std::move(opened).value();
            }
            auto r = (*readStore)->isSuppressed(address);
            if (!r)
                readStore->reset();
            return r;
        };
        w.worker = new Worker(m_options.channelFactory, context, [this](qint64 id, DeliveryOutcome outcome) {
            // Worker thread → runtime thread. Only the first outcome of a batch posts a call; the others
            // join the list it will take.
            {
                std::lock_guard lock(m_outcomesMutex);
                m_outcomes.emplace_back(id, std::move(outcome));
                if (m_outcomesPosted)
                    return;
                m_outcomesPosted = true;
            }
            QMetaObject::invokeMethod(this, &Runtime::takeOutcomes, Qt::QueuedConnection);
        });
        w.worker->moveToThread(w.thread);
        connect(w.thread, &QThread::finished, w.worker, &QObject::deleteLater);
        w.thread->start();
        m_workers.push_back(w);
    }
    // At once, before anything else runs on this thread: every lease in the file is a dead engine's. On
    // a shared store other engines are alive: only expired leases are taken back, by whoever sees them.
    if (m_options.reclaimAllAtStart && caps.singleWriterLock) {
        if (auto r = m_store->reclaimAllLeases(); !r)
            return r.error();
    } else {
        m_pending.reclaimExpired = true;
    }
    // The holder of the store's lock also links e-mail events that arrived before their message's id; on
    // a shared store, the engine holding the e-mail linking lease.
    m_emailLinker = std::make_unique<EmailLinker>(*m_store);
    if (caps.sharedStore())
        m_emailLinker->setLeaseHolder(m_owner);
    m_emailLinker->start();
    if (caps.listenNotify) {
        // New work from any process (heraldctl enqueue, herald_enqueue(), another console) is claimed at
        // once rather than at the next poll.
        m_listener = std::make_unique<WakeupListener>(m_url);
        connect(m_listener.get(), &WakeupListener::wakeup, this, [this] { scheduleTick(0); });
        if (auto s = m_listener->open(); !s)
            qWarning("herald: wake-ups: %s; polling", qPrintable(s.errorString()));
    }
    if (caps.sharedStore()) {
        m_engineInfo.id = m_owner;
        m_engineInfo.host = QSysInfo::machineHostName();
        m_engineInfo.pid = QCoreApplication::applicationPid();
        m_engineInfo.version = QStringLiteral(HERALD_VERSION);
        m_engineInfo.startedAt = m_store->now();
        m_engineInfo.queues = m_options.queues;
        heartbeat();
    }
    m_pollTimer.start(int(m_options.pollMs));
    m_leaseTimer.start(int(std::max<qint64>(1000, m_options.leaseMs / 3)));
    scheduleTick(0);
    return {};
}

Status Runtime::reloadConfiguration()
{
    auto queues = m_store->queues();
    if (!queues)
        return queues.error();
    QHash<QString, QueueConfig> next;
    for (const QueueConfig &q : *queues) {
        if (!m_options.queues.isEmpty() && !m_options.queues.contains(q.name))
            continue;
        next.insert(q.name, q);
        m_limiters[q.name].setLimit(q.rate);
    }
    for (const QString &wanted : std::as_const(m_options.queues))
        if (!next.contains(wanted))
            return Error::notFound(QStringLiteral("queue '%1' does not exist; see `heraldctl queue list`").arg(wanted));
    m_queues = next;
    auto channels = m_store->channels();
    if (!channels)
        return channels.error();
    m_channels.clear();
    for (const ChannelConfig &c : *channels)
        m_channels.insert(c.name, c);
    return {};
}

ChannelConfig Runtime::channelConfigFor(const QString &name) const
{
    if (auto it = m_channels.constFind(name); it != m_channels.cend())
        return *it;
    // "outbox", or a kind with no provider configured: captured in the outbox.
    ChannelConfig c;
    c.name = name;
    c.kind = ChannelConfig::Kind::Outbox;
    return c;
}

void Runtime::wake()
{
    if (m_finished)
        return;
    // Another connection changed the store: queue settings may have changed too.
    if (auto s = reloadConfiguration(); !s)
        qWarning("herald: %s", qPrintable(s.errorString()));
    // An operator may have cancelled a message in flight: the lease check finds it and aborts it.
    m_renewDue = !m_inFlight.isEmpty();
    scheduleTick(0);
}

void Runtime::setPaused(bool paused)
{
    m_paused = paused;
    publishStatus();
    if (!paused)
        scheduleTick(0);
}

void Runtime::stop(qint64 timeoutMs)
{
    if (m_finished || m_stopping)
        return;
    m_stopping = true;
    m_stopDeadline = (m_store ? m_store->now() : currentTimeMs()) + std::max<qint64>(0, timeoutMs);
    m_pollTimer.stop();
    if (m_inFlight.isEmpty()) {
        tick();
        return;
    }
    m_stopTimer.start(int(std::max<qint64>(0, timeoutMs)));
}

void Runtime::poll()
{
    if (m_listener)
        m_listener->check();
    if (auto s = reloadConfiguration(); !s)
        qWarning("herald: %s", qPrintable(s.errorString()));
    m_pending.reclaimExpired = true;
    // Checking our leases also finds messages another process cancelled, so their deliveries are
    // aborted within a poll rather than a lease renewal.
    m_renewDue = m_renewDue || !m_inFlight.isEmpty();
    scheduleTick(0);
}

void Runtime::heartbeat()
{
    // Shared stores only: say this engine is alive (and how busy), and fold the counter deltas that
    // every engine's writes leave (any engine may; each fold takes the rows it deletes).
    if (!m_store || m_engineInfo.id.isEmpty())
        return;
    m_engineInfo.inFlight = int(m_inFlight.size());
    if (auto s = m_store->heartbeat(m_engineInfo); !s) {
        qWarning("herald: %s", qPrintable(s.errorString()));
        if (auto r = m_store->reconnectIfLost(); !r)
            qWarning("herald: reconnecting: %s", qPrintable(r.errorString()));
        return;
    }
    if (auto s = m_store->foldCounters(); !s)
        qWarning("herald: %s", qPrintable(s.errorString()));
}

void Runtime::foldRollupsIfDue()
{
    // Minute rollups older than two days become hour rows, so that a dashboard over months reads a few
    // thousand rows. Every few minutes is plenty: the rows it folds are two days old.
    if (!m_store || m_store->now() < m_nextRollupFoldAt)
        return;
    m_nextRollupFoldAt = m_store->now() + kRollupFoldEveryMs;
    if (auto r = m_store->foldDeliveryRollups(); !r)
        qWarning("herald: %s", qPrintable(r.errorString()));
}

void Runtime::scheduleTick(qint64 delayMs)
{
    if (m_finished || !m_store)
        return;
    delayMs = std::max<qint64>(0, delayMs);
    const qint64 at = m_store->now() + delayMs;
    if (m_tickTimer.isActive() && m_tickAt <= at)
        return;
    m_tickAt = at;
    m_tickTimer.start(int(std::min<qint64>(delayMs, INT_MAX)));
}

QStringList Runtime::pausedChannels(qint64 now) const
{
    QStringList out;
    for (auto it = m_channelPausedUntil.cbegin(); it != m_channelPausedUntil.cend(); ++it)
        if (it.value() > now)
            out << it.key();
    return out;
}

void Runtime::tick()
{
    if (m_finished || !m_store)
        return;
    m_tickTimer.stop();
    const qint64 now = m_store->now();
    Store::WriteBatch batch = std::exchange(m_pending, Store::WriteBatch{});
    batch.owner = m_owner;
    batch.leaseMs = m_options.leaseMs;
    if (m_options.maxOutcomesPerCommit > 0) {
        // Only to measure what group commit buys: outcomes beyond the limit wait for the next tick.
        qsizetype room = m_options.maxOutcomesPerCommit;
        while (batch.completions.size() > room)
            m_pending.completions.prepend(batch.completions.takeLast());
        room -= batch.completions.size();
        while (batch.failures.size() > room)
            m_pending.failures.prepend(batch.failures.takeLast());
    }
    QHash<qint64, DeliveryRecord> records = std::exchange(m_pendingRecords, {});
    for (const Store::Completion &c : std::as_const(m_pending.completions))
        m_pendingRecords.insert(c.id, records.take(c.id));
    for (const Store::FailureReport &f : std::as_const(m_pending.failures))
        m_pendingRecords.insert(f.id, records.take(f.id));
    if (m_renewDue) {
        batch.renewLeases = m_inFlight.keys();
        m_renewDue = false;
    }
    const QStringList skip = pausedChannels(now);
    QHash<QString, int> requested;
    // Outcomes held back (maxOutcomesPerCommit) still hold their slots: claim once they are written, as
    // an engine that committed each outcome on its own would.
    const bool heldBack = !m_pending.completions.isEmpty() || !m_pending.failures.isEmpty();
    if (!m_paused && !m_stopping && !heldBack) {
        for (const QueueConfig &q : std::as_const(m_queues)) {
            if (q.paused)
                continue;
            const int concurrency = m_options.concurrencyOverride > 0 ? m_options.concurrencyOverride : q.concurrency;
            const int free = concurrency - m_inFlightPerQueue.value(q.name);
            const int n = std::min({free, m_limiters[q.name].available(now), m_options.maxClaimBatch});
            if (n > 0) {
                batch.claims << Store::ClaimRequest{q.name, n, skip};
                requested.insert(q.name, n);
            }
        }
    }
    auto result = m_store->commitBatch(batch);
    if (!result) {
        // Nothing of the batch was written: keep the outcomes for the next try (the store may be busy, or
        // its disk full), backing off so a store that keeps refusing is not hammered.
        if (m_commitFailures++ == 0)
            m_firstCommitFailureAt = now;
        const qint64 retryIn = std::min<qint64>(m_options.maxRetryDelayMs, qint64(100) << std::min(m_commitFailures - 1, 16));
        const qint64 failingFor = now - m_firstCommitFailureAt;
        if (m_stopping && now >= m_stopDeadline) {
            // Stop as asked: what could not be written stays under its lease, which expires; the next
            // engine to start delivers those messages again.
            qWarning("herald: %s; stopping without recording %lld outcome(s): their leases expire and they are sent again later",
                     qPrintable(result.errorString()), static_cast<long long>(batch.completions.size() + batch.failures.size()));
            finish(QStringLiteral("stopped, but the store refused the last writes: %1").arg(result.errorString()));
            return;
        }
        if (m_exitWhen != ExitWhen::Never && failingFor >= m_options.giveUpAfterMs) {
            finish(QStringLiteral("gave up after %1 of failed writes: %2").arg(formatDuration(failingFor), result.errorString()));
            return;
        }
        qWarning("herald: %s; trying again in %s", qPrintable(result.errorString()), qPrintable(formatDuration(retryIn)));
        // A server that went away (restarted, our backend killed): a new connection for the next try.
        if (auto s = m_store->reconnectIfLost(); !s)
            qWarning("herald: reconnecting: %s", qPrintable(s.errorString()));
        batch.claims.clear();
        m_pending.completions = batch.completions + m_pending.completions;
        m_pending.failures = batch.failures + m_pending.failures;
        m_pending.released = batch.released + m_pending.released;
        m_pending.reached = batch.reached + m_pending.reached;
        m_pending.reclaimExpired = m_pending.reclaimExpired || batch.reclaimExpired;
        m_pending.reclaimAllActive = m_pending.reclaimAllActive || batch.reclaimAllActive;
        m_renewDue = m_renewDue || !batch.renewLeases.isEmpty();
        records.insert(m_pendingRecords);
        m_pendingRecords = records;
        scheduleTick(m_stopping ? std::min(retryIn, std::max<qint64>(0, m_stopDeadline - now)) : retryIn);
        return;
    }
    m_commitFailures = 0;

    QList<DeliveryRecord> finished;
    finished.reserve(records.size() + result->lostLeases.size());
    for (auto it = records.begin(); it != records.end(); ++it) {
        DeliveryRecord &r = it.value();
        const std::optional<MessageState> state = result->outcomes.value(it.key());
        if (!state)
            r.outcome = QStringLiteral("lost");
        else if (*state == MessageState::Scheduled)
            r.outcome = QStringLiteral("retry");
        else if (*state == MessageState::Failed)
            r.outcome = QStringLiteral("failed");
        else if (*state == MessageState::Cancelled)
            r.outcome = QStringLiteral("suppressed");
        else
            r.outcome = QStringLiteral("completed");
        finished << r;
    }
    for (qint64 id : std::as_const(result->lostLeases)) {
        auto it = m_inFlight.find(id);
        if (it == m_inFlight.end())
            continue;
        // Cancelled by an operator, or reclaimed: stop sending.
        Worker *worker = m_workers[size_t(it->worker)].worker;
        QMetaObject::invokeMethod(worker, [worker, id] { worker->abort(id); }, Qt::QueuedConnection);
        DeliveryRecord r;
        r.messageId = id;
        r.queue = it->message.queue;
        r.channel = it->channel;
        r.outcome = QStringLiteral("aborted");
        r.attempt = it->message.attempts;
        r.durationMs = it->started.elapsed();
        finished << r;
        m_inFlightPerQueue[it->message.queue] -= 1;
        m_workers[size_t(it->worker)].load -= 1;
        m_inFlight.erase(it);
    }
    if (!finished.isEmpty())
        Q_EMIT delivered(finished);
    linkEmailEvents(batch.completions, records, result->outcomes);
    QHash<QString, int> claimedPerQueue;
    for (const Message &m : std::as_const(result->claimed)) {
        // The start is the claim as the store recorded it, inside the transaction: possibly later
        // than this tick began, and the time any later window is measured from.
        m_limiters[m.queue].recordStarts(m.startedAt.value_or(now), 1);
        claimedPerQueue[m.queue] += 1;
    }
    dispatch(result->claimed);

    if (m_stopping) {
        if (m_inFlight.isEmpty() && m_pending.completions.isEmpty() && m_pending.failures.isEmpty() && m_pending.released.isEmpty())
            finish(QString());
        return;
    }

    // When to look again: more to claim now, the next rate-limit start, the end of a channel pause,
    // or the next scheduled message's time. Outcomes wake us by themselves.
    qint64 wakeAt = LLONG_MAX;
    bool wantNextRunAt = false;
    for (auto it = requested.cbegin(); it != requested.cend(); ++it) {
        const int claimed = claimedPerQueue.value(it.key());
        if (claimed == it.value() && claimed == m_options.maxClaimBatch)
            wakeAt = now; // a full batch: there may be more
        else if (claimed < it.value())
            wantNextRunAt = true; // the queue has room: wait for its next due message
    }
    for (const QueueConfig &q : std::as_const(m_queues)) {
        const int concurrency = m_options.concurrencyOverride > 0 ? m_options.concurrencyOverride : q.concurrency;
        if (!q.paused && !m_paused && m_inFlightPerQueue.value(q.name) < concurrency && m_limiters[q.name].available(now) == 0)
            wakeAt = std::min(wakeAt, m_limiters[q.name].nextAllowedAt(now));
    }
    for (auto it = m_channelPausedUntil.cbegin(); it != m_channelPausedUntil.cend(); ++it)
        if (it.value() > now)
            wakeAt = std::min(wakeAt, it.value());
    if (wantNextRunAt && !m_paused) {
        auto next = m_store->nextRunAt(m_options.queues);
        if (next && next->has_value() && **next > now)
            wakeAt = std::min(wakeAt, **next);
    }
    if (!m_pending.completions.isEmpty() || !m_pending.failures.isEmpty())
        wakeAt = now; // outcomes held back by maxOutcomesPerCommit
    if (wakeAt != LLONG_MAX)
        scheduleTick(wakeAt - now);
    publishStatus();
    if (result->claimed.isEmpty() && m_inFlight.isEmpty())
        checkExit();
}

void Runtime::dispatch(const QList<Message> &messages)
{
    if (messages.isEmpty())
        return;
    // One queued call per worker for the whole claim, rather than one per message.
    std::vector<QList<std::pair<Delivery, ChannelConfig>>> perWorker(m_workers.size());
    const qint64 now = m_store->now();
    for (const Message &message : messages) {
        // Fill a worker up to kWorkerFill deliveries before waking the next: a claim spread over every
        // thread wakes them all, which costs more than it gives for deliveries that mostly wait on the
        // network. Past that, the least loaded one.
        size_t best = m_workers.size();
        for (size_t i = 0; i < m_workers.size() && best == m_workers.size(); ++i)
            if (m_workers[i].load < kWorkerFill)
                best = i;
        if (best == m_workers.size()) {
            best = 0;
            for (size_t i = 1; i < m_workers.size(); ++i)
                if (m_workers[i].load < m_workers[best].load)
                    best = i;
        }
        m_workers[best].load += 1;
        InFlight f;
        f.message = message;
        f.channel = message.channel;
        f.worker = int(best);
        f.claimedAt = message.startedAt.value_or(now);
        f.started.start();
        m_inFlight.insert(message.id, f);
        m_inFlightPerQueue[message.queue] += 1;
        perWorker[best].append({Delivery{message, QStringLiteral("herald-%1-%2").arg(message.id).arg(message.createdAt)},
                                channelConfigFor(message.channel)});
    }
    for (size_t i = 0; i < perWorker.size(); ++i) {
        if (perWorker[i].isEmpty())
            continue;
        Worker *worker = m_workers[i].worker;
        QMetaObject::invokeMethod(
            worker,
            [worker, batch = std::move(perWorker[i])] {
                for (const auto &[delivery, config] : batch)
                    worker->deliver(delivery, config);
            },
            Qt::QueuedConnection);
    }
}

void Runtime::takeOutcomes()
{
    std::vector<std::pair<qint64, DeliveryOutcome>> outcomes;
    std::vector<qint64> reached;
    {
        std::lock_guard lock(m_outcomesMutex);
        outcomes.swap(m_outcomes);
        reached.swap(m_reached);
        m_outcomesPosted = false;
    }
    if (m_finished)
        return;
    if (!reached.empty()) {
        // Written with the next commit; without other work, within kReachedCommitMs.
        for (qint64 id : reached)
            if (m_inFlight.contains(id))
                m_pending.reached << id;
        scheduleTick(std::max<qint64>(m_options.groupCommitMs, kReachedCommitMs));
    }
    for (const auto &[id, outcome] : outcomes)
        onOutcome(id, outcome);
    // With no group-commit wait, commit now rather than one event-loop turn later: outcomes that arrive
    // meanwhile are queued and share the next transaction.
    if (m_options.groupCommitMs <= 0 && !m_stopping && m_tickTimer.isActive() && m_tickAt <= m_store->now())
        tick();
}

void Runtime::onOutcome(qint64 id, const DeliveryOutcome &received)
{
    auto it = m_inFlight.find(id);
    if (it == m_inFlight.end())
        return; // aborted or handed back meanwhile
    const InFlight f = *it;
    m_inFlight.erase(it);
    m_inFlightPerQueue[f.message.queue] -= 1;
    m_workers[size_t(f.worker)].load -= 1;
    const qint64 now = m_store->now();

    DeliveryRecord r;
    r.messageId = id;
    r.queue = f.message.queue;
    r.channel = f.channel;
    r.attempt = f.message.attempts;
    r.latenessMs = f.claimedAt - f.message.runAt;
    r.durationMs = f.started.elapsed();
    // Channels redact their own secrets; this catches any other echoed credential and caps the length,
    // whatever channel the outcome came from, before it is logged or stored.
    DeliveryOutcome outcome = received;
    outcome.error = redactPeerText(outcome.error);
    r.error = outcome.error;
    r.responseCode = outcome.responseCode;
    r.idempotencyKey = QStringLiteral("herald-%1-%2").arg(id).arg(f.message.createdAt);
    const bool outbox = channelConfigFor(f.channel).kind == ChannelConfig::Kind::Outbox;
    switch (outcome.kind) {
    case DeliveryOutcome::Kind::Success:
        m_pending.completions << Store::Completion{id, outcome.providerMessageId, outbox ? outcome.rendered : QByteArray(), f.message.attempts};
        break;
    case DeliveryOutcome::Kind::Retryable:
    case DeliveryOutcome::Kind::Permanent:
        m_pending.failures << Store::FailureReport{
            id, Store::Failure{outcome.error, outcome.kind == DeliveryOutcome::Kind::Permanent, outcome.retryAfterMs, outcome.responseCode},
            f.message.attempts};
        break;
    case DeliveryOutcome::Kind::Suppressed:
        m_pending.failures << Store::FailureReport{
            id, Store::Failure{outcome.error.isEmpty() ? QStringLiteral("suppressed") : outcome.error, true, {}, 0, true}, f.message.attempts};
        break;
    }
    if (outcome.pauseChannel)
        m_channelPausedUntil[f.channel] = now + outcome.retryAfterMs.value_or(60'000);
    if (outcome.staleRecipient && !f.message.recipient.isEmpty()) {
        if (auto s = m_store->addSuppression(f.message.recipient, QStringLiteral("stale push token: ") + outcome.error); !s)
            qWarning("herald: %s", qPrintable(s.errorString()));
    }
    m_pendingRecords.insert(id, r);
    scheduleTick(m_options.groupCommitMs);
}

void Runtime::checkExit()
{
    if (m_exitWhen == ExitWhen::Never || m_stopping || !m_inFlight.isEmpty())
        return;
    auto backlog = m_store->backlog(m_options.queues);
    if (!backlog)
        return;
    if ((m_exitWhen == ExitWhen::Idle && backlog->idle()) || (m_exitWhen == ExitWhen::Drained && backlog->drained()))
        stop(0);
}

void Runtime::publishStatus()
{
    EngineStatus s;
    s.inFlight = int(m_inFlight.size());
    s.paused = m_paused;
    const qint64 now = m_store ? m_store->now() : 0;
    for (auto it = m_limiters.begin(); it != m_limiters.end(); ++it)
        if (m_queues.contains(it.key()) && it->limit().isLimited() && it->available(now) == 0)
            s.rateLimitedQueues << it.key();
    s.rateLimitedQueues.sort();
    s.pausedChannels = pausedChannels(now);
    if (s.inFlight != m_lastStatus.inFlight || s.paused != m_lastStatus.paused || s.rateLimitedQueues != m_lastStatus.rateLimitedQueues ||
        s.pausedChannels != m_lastStatus.pausedChannels) {
        m_lastStatus = s;
        Q_EMIT statusChanged(s);
    }
}

void Runtime::linkEmailEvents(const QList<Store::Completion> &completions, const QHash<qint64, DeliveryRecord> &records,
                              const QHash<qint64, std::optional<MessageState>> &outcomes)
{
    if (!m_emailLinker)
        return;
    QList<EmailStore::ProviderLink> links;
    for (const Store::Completion &c : completions)
        if (!c.providerMessageId.isEmpty() && outcomes.value(c.id) == MessageState::Completed &&
            m_channels.value(records.value(c.id).channel).kind == ChannelConfig::Kind::Email)
            links << EmailStore::ProviderLink{c.id, c.providerMessageId};
    if (links.isEmpty())
        return;
    // Outside the batch's transaction: a failure here must not undo the deliveries; the timer retries.
    if (auto r = m_emailLinker->messagesCompleted(links); !r)
        qWarning("herald: linking e-mail events: %s", qPrintable(r.errorString()));
}

void Runtime::finish(const QString &error)
{
    if (m_finished)
        return;
    m_finished = true;
    m_tickTimer.stop();
    m_pollTimer.stop();
    m_leaseTimer.stop();
    m_stopTimer.stop();
    for (WorkerThread &w : m_workers) {
        Worker *worker = w.worker;
        // Channels close their sockets in their own thread; this waits on the worker, never the GUI.
        QMetaObject::invokeMethod(worker, [worker] { worker->shutdown(); }, Qt::BlockingQueuedConnection);
        w.thread->quit();
        w.thread->wait();
    }
    m_workers.clear();
    m_checkpointer.reset();
    m_emailLinker.reset();
    m_listener.reset();
    if (m_store && !m_engineInfo.id.isEmpty())
        (void)m_store->unregisterEngine(m_engineInfo.id); // best effort: a silent engine ages out anyway
    m_store.reset();
    Q_EMIT finished(error);
}

} // namespace herald
