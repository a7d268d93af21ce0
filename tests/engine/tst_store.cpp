// The store on a real SQLite file: opening, the lifecycle of DESIGN §4 and the maintained counters.
#include "StoreFixture.h"

#include "failures/FailureGroups.h"
#include "model/FailureFingerprint.h"
#include "store/StoreUrl.h"

#include <QFile>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlQuery>

#include <atomic>
#include <thread>

using namespace herald;

namespace {

// n messages of about 2 KB each: a chunk of them is ~60 pages of the log.
QList<NewMessage> largeMessages(const QString &queue, int n)
{
    QList<NewMessage> out;
    for (int i = 0; i < n; ++i) {
        NewMessage m;
        m.queue = queue;
        m.type = QStringLiteral("reminder");
        m.payload = "{\"body\":\"" + QByteArray(2000, 'x') + "\"}";
        out << m;
    }
    return out;
}

} // namespace

class tst_Store : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void shouldKeepTheLogShortWhileAWriterCommitsWithoutPause()
    {
        // A writer that never pauses (a busy runtime) appends to the WAL while each checkpoint copies
        // it, so a passive checkpoint alone never lets the log start over: it grew without bound. Here a
        // writer thread commits 60 MB of messages back to back while this thread checkpoints, as the
        // runtime's checkpointer does; the log must stay near the restart threshold.
        StoreFixture f;
        QVERIFY(f.open());
        if (!f.store->capabilities().needsCheckpointer)
            QSKIP("no write-ahead log to checkpoint");
        f.addQueue(QStringLiteral("q"));
        const StoreUrl url = f.url();
        std::atomic<bool> done{false};
        std::atomic<int> commits{0};
        QString writerError;
        std::thread writer([&] {
            Store::OpenOptions o;
            o.autoCheckpoint = false;
            auto w = Store::open(url, o);
            if (!w) {
                writerError = w.errorString();
                done = true;
                return;
            }
            const QList<NewMessage> chunk = largeMessages(QStringLiteral("q"), 100);
            for (int i = 0; i < 300 && writerError.isEmpty(); ++i) // ~300 commits of ~60 pages
                if (auto r = (*w)->enqueueBulk(chunk, 100); !r)
                    writerError = r.errorString();
                else
                    ++commits;
            done = true;
        });
        Store::OpenOptions o;
        o.autoCheckpoint = false;
        auto checkpointer = Store::open(url, o);
        QVERIFY2(checkpointer, qPrintable(checkpointer.errorString()));
        const QString wal = f.path() + QStringLiteral("-wal");
        qint64 largest = 0;
        int checkpoints = 0;
        while (!done) {
            const int seen = commits;
            QVERIFY((*checkpointer)->checkpoint().ok());
            ++checkpoints;
            largest = std::max(largest, QFileInfo(wal).size());
            if (!QTest::qWaitFor([&] { return commits > seen || done; }, 30'000)) // one checkpoint per commit at most
                break; // the writer is stuck: its error, or the count below, says so
        }
        writer.join();
        QVERIFY2(writerError.isEmpty(), qPrintable(writerError));
        QVERIFY(checkpoints > 10);
        // Without the restart the log held all 60 MB; with it, the threshold (8 MB) and what one
        // checkpoint's interval adds.
        QVERIFY2(largest < 32 * 1024 * 1024, qPrintable(QStringLiteral("the log grew to %1 bytes").arg(largest)));
    }

    void shouldNotHoldTheWritersForAReaderThatKeepsAnOldSnapshot()
    {
        // A reader in a long read (an export) blocks the log's restart: the checkpoint gives up after a
        // short wait and does not hold the writers for it again at each of the next
        // kRestartsSkippedAfterBusy checkpoints.
        StoreFixture f;
        QVERIFY(f.open());
        if (!f.store->capabilities().needsCheckpointer)
            QSKIP("no write-ahead log to checkpoint");
        f.addQueue(QStringLiteral("q"));
        Store::OpenOptions o;
        o.autoCheckpoint = false;
        auto writer = Store::open(f.url(), o);
        auto checkpointer = Store::open(f.url(), o);
        QVERIFY(writer && checkpointer);
        const QList<NewMessage> chunk = largeMessages(QStringLiteral("q"), 100);
        QSqlDatabase probe = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("log-probe"));
        probe.setDatabaseName(f.path());
        QVERIFY(probe.open());
        const auto logPages = [&] {
            // The log's length as a passive checkpoint reports it (a restarted log holds only the last commit).
            QSqlQuery q(probe);
            return q.exec(QStringLiteral("PRAGMA wal_checkpoint(PASSIVE)")) && q.next() ? q.value(1).toLongLong() : -1;
        };
        QSqlDatabase reader = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("long-reader"));
        reader.setDatabaseName(f.path());
        QVERIFY(reader.open());
        {
            QSqlQuery read(reader);
            QVERIFY(read.exec(QStringLiteral("BEGIN")));
            QVERIFY(read.exec(QStringLiteral("SELECT COUNT(*) FROM messages")) && read.next()); // the snapshot is taken
            for (int i = 0; i < 30; ++i) // ~2,000 pages: past the restart threshold
                QVERIFY((*writer)->enqueueBulk(chunk, 100).ok());
            QVERIFY((*checkpointer)->checkpoint().ok()); // blocked by the reader: gives up
            QCOMPARE((*checkpointer)->restartsSkippedAhead(), Store::kRestartsSkippedAfterBusy);
            QVERIFY((*writer)->enqueueBulk(chunk.mid(0, 1), 1).ok());
            QVERIFY(logPages() > Store::kRestartLogPages); // not started over
            QVERIFY((*checkpointer)->checkpoint().ok()); // not tried again: one fewer to skip
            QCOMPARE((*checkpointer)->restartsSkippedAhead(), Store::kRestartsSkippedAfterBusy - 1);
            QVERIFY(read.exec(QStringLiteral("COMMIT")));
        }
        reader.close();
        reader = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("long-reader"));
        for (int i = 1; i < Store::kRestartsSkippedAfterBusy; ++i)
            QVERIFY((*checkpointer)->checkpoint().ok());
        QCOMPARE((*checkpointer)->restartsSkippedAhead(), 0);
        probe.close();
        probe = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("log-probe"));
    }

    void shouldCreateAndReopenAStore()
    {
        StoreFixture f;
        QVERIFY(f.open());
        const int version = f.store->schemaVersion();
        QVERIFY(version >= 3);
        f.addQueue(QStringLiteral("q"));
        QVERIFY(f.open()); // again: migrations are not re-applied
        QCOMPARE(f.store->schemaVersion(), version);
        QVERIFY(f.store->queue(QStringLiteral("q")).ok());
    }

    void shouldRefuseAFileThatIsNotADatabase()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("notes.txt"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray(4096, 'x'));
        file.close();
        const auto s = Store::open(StoreUrl::sqlite(path));
        QVERIFY(!s.ok());
        QCOMPARE(s.error().kind, Error::Kind::BadInput);
        QVERIFY2(s.errorString().contains(QLatin1String("not a Herald store")) && s.errorString().contains(path), qPrintable(s.errorString()));
        QFile check(path);
        QVERIFY(check.open(QIODevice::ReadOnly));
        QCOMPARE(check.readAll(), QByteArray(4096, 'x')); // untouched
    }

    void shouldRefuseSomeoneElsesDatabase()
    {
        StoreFixture f;
        QVERIFY(f.rawExec(QStringLiteral("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")));
        const auto s = Store::open(f.url());
        QVERIFY(!s.ok());
        QVERIFY2(s.errorString().contains(QLatin1String("not a Herald store")) && s.errorString().contains(QLatin1String("customers")),
                 qPrintable(s.errorString()));
    }

    void shouldRefuseAStoreFromANewerHerald()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.store.reset();
        QVERIFY(f.rawExec(QStringLiteral("INSERT INTO schema_version (version, applied_at) VALUES (99, 0)")));
        const auto s = Store::open(f.url());
        QVERIFY(!s.ok());
        QVERIFY2(s.errorString().contains(QLatin1String("schema version 99")) && s.errorString().contains(QLatin1String("upgrade Herald")),
                 qPrintable(s.errorString()));
    }

    void shouldRefuseToCreateAStoreInReadOnlyMode()
    {
        QTemporaryDir dir;
        Store::OpenOptions o;
        o.readOnly = true;
        const auto s = Store::open(StoreUrl::sqlite(dir.filePath(QStringLiteral("missing.db"))), o);
        QVERIFY(!s.ok());
        QVERIFY(s.errorString().contains(QLatin1String("does not exist")));
    }

    void shouldRefuseWritesWhenReadOnly()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(QStringLiteral("q"));
        f.store.reset();
        Store::OpenOptions o;
        o.readOnly = true;
        auto ro = Store::open(f.url(), o);
        QVERIFY2(ro.ok(), qPrintable(ro.errorString()));
        QVERIFY((*ro)->queue(QStringLiteral("q")).ok());
        NewMessage m;
        m.queue = QStringLiteral("q");
        m.type = QStringLiteral("t");
        const auto r = (*ro)->enqueue(m);
        QVERIFY(!r.ok());
        QVERIFY(r.errorString().contains(QLatin1String("read-only")));
    }

    // One leader among the engines of a shared store (DESIGN §3.2): a lease with a holder, taken over
    // once it expires. A single-writer store has one engine, which always leads.
    void shouldHandTheLeaseToAnotherEngineOnlyOnceItExpires()
    {
        StoreFixture f;
        QVERIFY(f.open());
        const auto lead = [&f](const QString &holder) {
            auto r = f.store->tryLead(QStringLiteral("cleanup"), holder, 10'000);
            if (!r)
                qWarning("%s", qPrintable(r.errorString()));
            return r && *r;
        };
        if (!f.store->capabilities().sharedStore()) {
            QVERIFY(lead(QStringLiteral("a")));
            QVERIFY(lead(QStringLiteral("b")));
            return;
        }
        QVERIFY(lead(QStringLiteral("a")));
        QVERIFY(!lead(QStringLiteral("b")));
        f.now += 5'000;
        QVERIFY(lead(QStringLiteral("a"))); // renewed until now + 10 s
        f.now += 9'000;
        QVERIFY(!lead(QStringLiteral("b")));
        f.now += 2'000; // a's lease has run out
        QVERIFY(lead(QStringLiteral("b")));
        QVERIFY(!lead(QStringLiteral("a")));
    }

    // The console's Engines view lists the silent engines beside the live ones (liveEngines() does not),
    // with the queues each delivers from, until heartbeat() forgets them after an hour.
    void shouldListSilentEnginesBesideLiveOnesUntilForgotten()
    {
        StoreFixture f;
        QVERIFY(f.open());
        Store::EngineInfo old{QStringLiteral("old"), QStringLiteral("host-a"), 101, QStringLiteral("1.2.0"), 0, 0, 3, {}};
        Store::EngineInfo fresh{QStringLiteral("fresh"), QStringLiteral("host-b"), 202, QStringLiteral("1.3.0"), 0, 0, 7,
                                {QStringLiteral("sms"), QStringLiteral("hooks, \"b\"")}};
        const qint64 oldStarted = f.now;
        QVERIFY(f.store->heartbeat(old).ok());
        f.now += 120'000; // old is silent for two minutes
        const qint64 freshStarted = f.now;
        QVERIFY(f.store->heartbeat(fresh).ok());

        const auto live = f.store->liveEngines();
        QVERIFY2(live.ok(), qPrintable(live.errorString()));
        QCOMPARE(live->size(), 1);
        QCOMPARE(live->constFirst().id, QStringLiteral("fresh"));

        const auto all = f.store->engines();
        QVERIFY2(all.ok(), qPrintable(all.errorString()));
        QCOMPARE(all->size(), 2);
        const Store::EngineInfo &a = all->at(0); // oldest first
        QCOMPARE(a.id, QStringLiteral("old"));
        QCOMPARE(a.host, QStringLiteral("host-a"));
        QCOMPARE(a.pid, qint64(101));
        QCOMPARE(a.version, QStringLiteral("1.2.0"));
        QCOMPARE(a.startedAt, oldStarted);
        QCOMPARE(a.heartbeatAt, oldStarted);
        QCOMPARE(a.inFlight, 3);
        QCOMPARE(a.queues, QStringList());
        const Store::EngineInfo &b = all->at(1);
        QCOMPARE(b.id, QStringLiteral("fresh"));
        QCOMPARE(b.heartbeatAt, freshStarted);
        QCOMPARE(b.inFlight, 7);
        QCOMPARE(b.queues, (QStringList{QStringLiteral("sms"), QStringLiteral("hooks, \"b\"")}));

        // A renewal keeps the start and takes the new heartbeat, load and queues.
        f.now += 5'000;
        fresh.startedAt = freshStarted;
        fresh.inFlight = 1;
        fresh.queues = {QStringLiteral("sms")};
        QVERIFY(f.store->heartbeat(fresh).ok());
        const auto renewed = f.store->engines();
        QVERIFY(renewed.ok());
        QCOMPARE(renewed->at(1).startedAt, freshStarted);
        QCOMPARE(renewed->at(1).heartbeatAt, f.now);
        QCOMPARE(renewed->at(1).inFlight, 1);
        QCOMPARE(renewed->at(1).queues, QStringList{QStringLiteral("sms")});

        // An hour of silence and the next heartbeat forgets it.
        f.now = oldStarted + 3'600'001;
        QVERIFY(f.store->heartbeat(fresh).ok());
        const auto later = f.store->engines();
        QVERIFY(later.ok());
        QCOMPARE(later->size(), 1);
        QCOMPARE(later->constFirst().id, QStringLiteral("fresh"));
    }

    void shouldParseStoreUrls()
    {
        QCOMPARE(StoreUrl::parse(QStringLiteral("/tmp/a.db"))->sqlitePath(), QStringLiteral("/tmp/a.db"));
        QCOMPARE(StoreUrl::parse(QStringLiteral("sqlite:/tmp/a.db"))->sqlitePath(), QStringLiteral("/tmp/a.db"));
        QCOMPARE(StoreUrl::parse(QStringLiteral("sqlite:///tmp/a.db"))->sqlitePath(), QStringLiteral("/tmp/a.db"));
        const auto pg = StoreUrl::parse(QStringLiteral("postgres://ops:secret@db.internal:5433/herald"));
        QVERIFY(pg.ok());
        QCOMPARE(pg->kind(), StoreUrl::Kind::Postgres);
        QCOMPARE(pg->port(), 5433);
        QCOMPARE(pg->database(), QStringLiteral("herald"));
        QVERIFY(!pg->display().contains(QLatin1String("secret")));
        QCOMPARE(StoreUrl::parse(QStringLiteral("mysql://ops@db/herald"))->kind(), StoreUrl::Kind::Mysql);
        QVERIFY(!StoreUrl::parse(QStringLiteral("redis://localhost/0")).ok());
        QVERIFY(!StoreUrl::parse(QStringLiteral("postgres://db.internal")).ok());
        qputenv("HERALD_DB", "/tmp/from-env.db");
        QCOMPARE(StoreUrl::resolve({})->sqlitePath(), QStringLiteral("/tmp/from-env.db"));
        QCOMPARE(StoreUrl::resolve(QStringLiteral("/tmp/flag.db"))->sqlitePath(), QStringLiteral("/tmp/flag.db"));
        qunsetenv("HERALD_DB");
        QVERIFY(StoreUrl::resolve({})->sqlitePath().endsWith(QLatin1String("/herald.db")));
    }

    void shouldEnqueueDueMessagesAsWaitingAndLaterOnesAsScheduled()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(QStringLiteral("q"));
        const qint64 due = f.enqueue(QStringLiteral("q"));
        const qint64 later = f.enqueue(QStringLiteral("q"), f.now + 60'000);
        QCOMPARE(f.state(due), MessageState::Waiting);
        QCOMPARE(f.state(later), MessageState::Scheduled);
        const auto m = f.store->message(later);
        QCOMPARE(m->maxAttempts, 3);
        QCOMPARE(m->channel, QStringLiteral("outbox"));
        QCOMPARE(m->createdAt, f.now);
        VERIFY_COUNTERS(f);
    }

    void shouldRefuseUnknownChannelsAndAcceptConfiguredOnes()
    {
        StoreFixture f;
        QVERIFY(f.open());
        QueueConfig c;
        c.name = QStringLiteral("q");
        c.defaultChannel = QStringLiteral("pigeon");
        const auto refused = f.store->addQueue(c);
        QVERIFY(!refused.ok());
        QVERIFY2(refused.errorString().contains(QLatin1String("channel 'pigeon' is unknown")), qPrintable(refused.errorString()));
        c.defaultChannel = QStringLiteral("sms"); // a kind name: captured in the outbox until configured
        QVERIFY(f.store->addQueue(c).ok());
        NewMessage m;
        m.queue = QStringLiteral("q");
        m.type = QStringLiteral("t");
        m.channel = QStringLiteral("hooks");
        QVERIFY(!f.store->enqueue(m).ok());
        ChannelConfig hooks;
        hooks.name = QStringLiteral("hooks");
        hooks.kind = ChannelConfig::Kind::Webhook;
        hooks.url = QStringLiteral("https://hooks.example.org/n8n");
        const auto added = f.store->addChannel(hooks);
        QVERIFY2(added.ok(), qPrintable(added.errorString()));
        QVERIFY(f.store->enqueue(m).ok());
        QCOMPARE(f.store->channel(QStringLiteral("hooks"))->url, hooks.url);
        const auto inUse = f.store->removeChannel(QStringLiteral("hooks"));
        QVERIFY(inUse.ok()); // no queue names it as default
    }

    void shouldClaimByPriorityThenRunAtThenId()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(QStringLiteral("q"));
        const qint64 low = f.enqueue(QStringLiteral("q"), f.now - 3000, 10);
        const qint64 urgentLate = f.enqueue(QStringLiteral("q"), f.now - 1000, 1);
        const qint64 urgentEarly = f.enqueue(QStringLiteral("q"), f.now - 2000, 1);
        const qint64 urgentEarlySameTime = f.enqueue(QStringLiteral("q"), f.now - 2000, 1);
        const qint64 middle = f.enqueue(QStringLiteral("q"), f.now - 5000, 5);
        const qint64 future = f.enqueue(QStringLiteral("q"), f.now + 1000, 1);
        const auto claimed = f.store->claim(QStringLiteral("q"), 10, QStringLiteral("w1"), 30'000);
        QVERIFY2(claimed.ok(), qPrintable(claimed.errorString()));
        QList<qint64> order;
        for (const Message &m : *claimed)
            order << m.id;
        QCOMPARE(order, (QList<qint64>{urgentEarly, urgentEarlySameTime, urgentLate, middle, low}));
        QCOMPARE(f.state(future), MessageState::Scheduled);
        for (const Message &m : *claimed) {
            QCOMPARE(m.state, MessageState::Active);
            QCOMPARE(m.attempts, 1);
            QCOMPARE(m.leaseOwner, QStringLiteral("w1"));
            QCOMPARE(*m.leaseUntil, f.now + 30'000);
        }
        VERIFY_COUNTERS(f);
    }

    void shouldClaimNoMoreThanAskedAndNothingFromAPausedQueue()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(QStringLiteral("q"));
        for (int i = 0; i < 5; ++i)
            f.enqueue(QStringLiteral("q"));
        QCOMPARE(f.store->claim(QStringLiteral("q"), 2, QStringLiteral("w"), 1000)->size(), 2);
        QVERIFY(f.store->setPaused(QStringLiteral("q"), true).ok());
        QCOMPARE(f.store->claim(QStringLiteral("q"), 10, QStringLiteral("w"), 1000)->size(), 0);
        QVERIFY(f.store->setPaused(QStringLiteral("q"), false).ok());
        QCOMPARE(f.store->claim(QStringLiteral("q"), 10, QStringLiteral("w"), 1000)->size(), 3);
        VERIFY_COUNTERS(f);
    }

    void shouldHoldAQueuesConcurrencyAndRateAcrossEnginesInTheClaim()
    {
        // On a shared store the claim itself counts what every engine has active and started (DESIGN
        // §3.2); a single-writer store leaves both to its one runtime.
        StoreFixture f;
        QVERIFY(f.open());
        if (!f.store->capabilities().sharedStore())
            QSKIP("one engine per store: the runtime keeps the limits");
        QueueConfig c;
        c.name = QStringLiteral("q");
        c.concurrency = 3;
        QVERIFY(f.store->addQueue(c).ok());
        QList<qint64> ids;
        for (int i = 0; i < 6; ++i)
            ids << f.enqueue(QStringLiteral("q"));
        QCOMPARE(f.store->claim(QStringLiteral("q"), 2, QStringLiteral("a"), 30'000)->size(), 2);
        QCOMPARE(f.store->claim(QStringLiteral("q"), 10, QStringLiteral("b"), 30'000)->size(), 1);
        QCOMPARE(f.store->claim(QStringLiteral("q"), 10, QStringLiteral("a"), 30'000)->size(), 0);
        QCOMPARE(*f.store->complete(ids[0], QStringLiteral("a")), true);
        const auto next = f.store->claim(QStringLiteral("q"), 10, QStringLiteral("b"), 30'000);
        QCOMPARE(next->size(), 1);
        QCOMPARE(next->front().id, ids[3]);

        QueueConfig r;
        r.name = QStringLiteral("r");
        r.rate = RateLimit{2, 60'000};
        QVERIFY(f.store->addQueue(r).ok());
        for (int i = 0; i < 5; ++i)
            f.enqueue(QStringLiteral("r"));
        QCOMPARE(f.store->claim(QStringLiteral("r"), 10, QStringLiteral("a"), 30'000)->size(), 2);
        QCOMPARE(f.store->claim(QStringLiteral("r"), 10, QStringLiteral("b"), 30'000)->size(), 0);
        f.now += 60'001;
        QCOMPARE(f.store->claim(QStringLiteral("r"), 10, QStringLiteral("b"), 30'000)->size(), 2);
        VERIFY_COUNTERS(f);
    }

    void shouldSkipPausedChannelsWhenClaiming()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(QStringLiteral("q"));
        NewMessage m;
        m.queue = QStringLiteral("q");
        m.type = QStringLiteral("reminder");
        m.recipient = QStringLiteral("+14155550100");
        const qint64 viaOutbox = f.store->enqueue(m)->id;
        m.channel = QStringLiteral("sms"); // a kind name: accepted without a configuration
        const qint64 viaSms = f.store->enqueue(m)->id;
        Store::WriteBatch batch;
        batch.owner = QStringLiteral("w");
        batch.leaseMs = 30'000;
        batch.claims = {Store::ClaimRequest{QStringLiteral("q"), 10, {QStringLiteral("outbox")}}};
        const auto r = f.store->commitBatch(batch);
        QVERIFY2(r.ok(), qPrintable(r.errorString()));
        QCOMPARE(r->claimed.size(), 1);
        QCOMPARE(r->claimed.front().id, viaSms);
        QCOMPARE(f.state(viaOutbox), MessageState::Waiting);
        QCOMPARE(f.store->attempts(viaSms)->size(), 1);
        QCOMPARE(f.store->attempts(viaSms)->front().worker, QStringLiteral("w"));
        QVERIFY(f.store->attempts(viaOutbox)->isEmpty());
        VERIFY_COUNTERS(f);
    }

    void shouldCompleteABatchOnlyForTheAttemptThatWasDelivered()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(QStringLiteral("q"));
        QList<qint64> ids;
        for (int i = 0; i < 4; ++i)
            ids << f.enqueue(QStringLiteral("q"));
        QCOMPARE(f.store->claim(QStringLiteral("q"), 4, QStringLiteral("w"), 30'000)->size(), 4);
        f.now += 100;
        Store::WriteBatch batch;
        batch.owner = QStringLiteral("w");
        batch.promote = false;
        batch.completions = {Store::Completion{ids[0], {}, {}, 1}, Store::Completion{ids[1], {}, {}, 2}, // a late answer
                             Store::Completion{ids[2], {}, {}, 0}, Store::Completion{ids[3], {}, {}, 1}};
        const auto r = f.store->commitBatch(batch);
        QVERIFY2(r.ok(), qPrintable(r.errorString()));
        QCOMPARE(r->outcomes.value(ids[0]), std::optional<MessageState>(MessageState::Completed));
        QCOMPARE(r->outcomes.value(ids[1]), std::optional<MessageState>());
        QCOMPARE(r->outcomes.value(ids[2]), std::optional<MessageState>(MessageState::Completed));
        QCOMPARE(r->outcomes.value(ids[3]), std::optional<MessageState>(MessageState::Completed));
        QCOMPARE(f.state(ids[1]), MessageState::Active);
        QVERIFY(!f.store->attempts(ids[1])->front().finishedAt.has_value());
        for (const qint64 id : {ids[0], ids[2], ids[3]}) {
            QCOMPARE(f.store->attempts(id)->front().outcome, QStringLiteral("success"));
            QCOMPARE(*f.store->attempts(id)->front().finishedAt, f.now);
        }
        // Another owner's completion of the one still active changes nothing.
        batch.owner = QStringLiteral("other");
        batch.completions = {Store::Completion{ids[1], {}, {}, 1}};
        QCOMPARE(f.store->commitBatch(batch)->outcomes.value(ids[1]), std::optional<MessageState>());
        QCOMPARE(f.state(ids[1]), MessageState::Active);
        VERIFY_COUNTERS(f);
    }

    void shouldPromoteScheduledMessagesWhenDue()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(QStringLiteral("q"));
        const qint64 id = f.enqueue(QStringLiteral("q"), f.now + 10'000);
        QCOMPARE(*f.store->promoteDue(), qint64(0));
        f.now += 10'000;
        QCOMPARE(*f.store->promoteDue(), qint64(1));
        QCOMPARE(f.state(id), MessageState::Waiting);
        VERIFY_COUNTERS(f);
    }

    void shouldCompleteWithTheProviderIdAndRecordTheAttempt()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(QStringLiteral("q"));
        const qint64 id = f.enqueue(QStringLiteral("q"));
        QVERIFY(f.store->claim(QStringLiteral("q"), 1, QStringLiteral("w"), 30'000).ok());
        f.now += 250;
        QCOMPARE(*f.store->complete(id, QStringLiteral("w"), QStringLiteral("ses-0102")), true);
        const auto m = f.store->message(id);
        QCOMPARE(m->state, MessageState::Completed);
        QCOMPARE(m->providerMessageId, QStringLiteral("ses-0102"));
        QCOMPARE(*m->finishedAt, f.now);
        QVERIFY(!m->leaseUntil.has_value());
        const auto attempts = f.store->attempts(id);
        QCOMPARE(attempts->size(), 1);
        QCOMPARE(attempts->front().outcome, QStringLiteral("success"));
        QCOMPARE(*attempts->front().finishedAt - attempts->front().startedAt, qint64(250));
        VERIFY_COUNTERS(f);
    }

    void shouldIgnoreAnOutcomeFromAWorkerThatLostTheLease()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(QStringLiteral("q"));
        const qint64 id = f.enqueue(QStringLiteral("q"));
        QVERIFY(f.store->claim(QStringLiteral("q"), 1, QStringLiteral("w"), 30'000).ok());
        QCOMPARE(*f.store->complete(id, QStringLiteral("someone-else")), false);
        MessageSelection sel;
        sel.ids = {id};
        QVERIFY(f.store->apply(sel, OperatorAction{ActionKind::Cancel}).ok());
        QCOMPARE(*f.store->complete(id, QStringLiteral("w")), false);
        QVERIFY(!f.store->fail(id, QStringLiteral("w"), Store::Failure{QStringLiteral("late")})->has_value());
        QCOMPARE(f.state(id), MessageState::Cancelled);
        QCOMPARE(f.store->attempts(id)->front().outcome, QStringLiteral("cancelled"));
        VERIFY_COUNTERS(f);
    }

    void shouldRetryWithBackOffOfFiveTenTwentySecondsThenFail()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(QStringLiteral("q"), 4);
        const qint64 id = f.enqueue(QStringLiteral("q"));
        QList<qint64> delays;
        for (int attempt = 1; attempt <= 4; ++attempt) {
            const auto claimed = f.store->claim(QStringLiteral("q"), 1, QStringLiteral("w"), 30'000);
            QCOMPARE(claimed->size(), 1);
            QCOMPARE(claimed->front().attempts, attempt);
            const auto next = f.store->fail(id, QStringLiteral("w"), Store::Failure{QStringLiteral("503 from gateway"), false, {}, 503});
            QVERIFY(next.ok() && next->has_value());
            const auto m = f.store->message(id);
            if (attempt < 4) {
                QCOMPARE(**next, MessageState::Scheduled);
                delays << m->runAt - f.now;
                // Not claimable before its time.
                QCOMPARE(f.store->claim(QStringLiteral("q"), 1, QStringLiteral("w"), 30'000)->size(), 0);
                f.now = m->runAt;
            } else {
                QCOMPARE(**next, MessageState::Failed);
                QCOMPARE(m->lastError, QStringLiteral("503 from gateway"));
            }
            VERIFY_COUNTERS(f);
        }
        QCOMPARE(delays, (QList<qint64>{5'000, 10'000, 20'000}));
        const auto attempts = f.store->attempts(id);
        QCOMPARE(attempts->size(), 4);
        QCOMPARE(attempts->at(0).outcome, QStringLiteral("retry"));
        QCOMPARE(attempts->at(3).outcome, QStringLiteral("failed"));
        QCOMPARE(attempts->at(3).responseCode, 503);
    }

    void shouldLetRetryAfterWinOverTheBackOff()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(QStringLiteral("q"));
        const qint64 id = f.enqueue(QStringLiteral("q"));
        QVERIFY(f.store->claim(QStringLiteral("q"), 1, QStringLiteral("w"), 30'000).ok());
        QVERIFY(f.store->fail(id, QStringLiteral("w"), Store::Failure{QStringLiteral("429"), false, 120'000, 429}).ok());
        QCOMPARE(f.store->message(id)->runAt, f.now + 120'000);
    }

    void shouldFailPermanentlyAtOnce()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(QStringLiteral("q"));
        const qint64 id = f.enqueue(QStringLiteral("q"));
        QVERIFY(f.store->claim(QStringLiteral("q"), 1, QStringLiteral("w"), 30'000).ok());
        const auto next = f.store->fail(id, QStringLiteral("w"), Store::Failure{QStringLiteral("no phone number"), true});
        QCOMPARE(**next, MessageState::Failed);
        QCOMPARE(f.store->message(id)->attempts, 1);
        VERIFY_COUNTERS(f);
    }

    void shouldReclaimExpiredLeasesOnOpenAsStalls()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(QStringLiteral("q"), 3);
        const qint64 id = f.enqueue(QStringLiteral("q"));
        const qint64 live = f.enqueue(QStringLiteral("q"));
        QCOMPARE(f.store->claim(QStringLiteral("q"), 1, QStringLiteral("crashed"), 30'000)->size(), 1);
        QVERIFY(f.store->markReached({id}, QStringLiteral("crashed")).ok()); // the request had gone out
        f.now += 20'000;
        QCOMPARE(f.store->claim(QStringLiteral("q"), 1, QStringLiteral("alive"), 30'000)->front().id, live);
        f.now += 15'000; // the first lease has expired, the second has not
        QVERIFY(f.open());
        QCOMPARE(f.state(id), MessageState::Waiting);
        QCOMPARE(f.store->message(id)->stalls, 1);
        QCOMPARE(f.store->attempts(id)->front().outcome, QStringLiteral("stalled"));
        QCOMPARE(f.state(live), MessageState::Active);
        VERIFY_COUNTERS(f);
    }

    void shouldFailAMessageThatKeepsStalling()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(QStringLiteral("q"), 10);
        const qint64 id = f.enqueue(QStringLiteral("q"));
        for (int i = 0; i < Store::kMaxStalls; ++i) {
            QCOMPARE(f.store->claim(QStringLiteral("q"), 1, QStringLiteral("crashing"), 1000)->size(), 1);
            QVERIFY(f.store->markReached({id}, QStringLiteral("crashing")).ok());
            f.now += 2000;
            QCOMPARE(*f.store->reclaimExpiredLeases(), qint64(1));
        }
        QCOMPARE(f.state(id), MessageState::Failed);
        QVERIFY(f.store->message(id)->lastError.contains(QLatin1String("lease expired")));
        VERIFY_COUNTERS(f);
    }

    // A crash loop fails no message that never left: a claim whose delivery had not reached its peer is
    // handed back as if it had not been claimed, however often the engine dies.
    void shouldNotCountAStallForADeliveryThatNeverLeft()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(QStringLiteral("q"), 10);
        const qint64 id = f.enqueue(QStringLiteral("q"));
        for (int i = 0; i < 3 * Store::kMaxStalls; ++i) {
            const auto claimed = f.store->claim(QStringLiteral("q"), 1, QStringLiteral("crashing"), 1000);
            QVERIFY2(claimed.ok(), qPrintable(claimed.errorString()));
            QCOMPARE(claimed->size(), 1);
            f.now += 2000;
            const auto reclaimed = f.store->reclaimExpiredLeases();
            QVERIFY2(reclaimed.ok(), qPrintable(reclaimed.errorString()));
            QCOMPARE(*reclaimed, qint64(1));
            QCOMPARE(f.state(id), MessageState::Waiting);
        }
        const auto m = f.store->message(id);
        QCOMPARE(m->stalls, 0);
        QCOMPARE(m->attempts, 0);
        QCOMPARE(f.store->attempts(id)->front().outcome, QStringLiteral("handed back"));
        VERIFY_COUNTERS(f);
    }

    // ... but a message that kills its engine every time before its request is written stops looping:
    // after kMaxUncountedHandBacks hand-backs its expired leases count as stalls, and it fails.
    void shouldStopAPoisonMessageThatNeverLeavesFromLoopingForEver()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(QStringLiteral("q"), 10);
        const qint64 id = f.enqueue(QStringLiteral("q"));
        for (int i = 0; i < Store::kMaxUncountedHandBacks + Store::kMaxStalls; ++i) {
            QCOMPARE(f.store->claim(QStringLiteral("q"), 1, QStringLiteral("crashing"), 1000)->size(), 1);
            f.now += 2000;
            QCOMPARE(*f.store->reclaimExpiredLeases(), qint64(1));
        }
        QCOMPARE(f.state(id), MessageState::Failed);
        QCOMPARE(f.store->message(id)->stalls, Store::kMaxStalls);
        VERIFY_COUNTERS(f);
    }

    void shouldNotCountAnotherEnginesMarkForThisEnginesAttempt()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(QStringLiteral("q"), 10);
        const qint64 id = f.enqueue(QStringLiteral("q"));
        // Another engine's mark does not count for this one's attempt.
        QCOMPARE(f.store->claim(QStringLiteral("q"), 1, QStringLiteral("mine"), 1000)->size(), 1);
        QVERIFY(f.store->markReached({id}, QStringLiteral("someone-else")).ok());
        f.now += 2000;
        QCOMPARE(*f.store->reclaimExpiredLeases(), qint64(1));
        QCOMPARE(f.store->message(id)->stalls, 0);
        VERIFY_COUNTERS(f);
    }

    void shouldDedupeWithinAQueueOnly()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(QStringLiteral("a"));
        f.addQueue(QStringLiteral("b"));
        NewMessage m;
        m.queue = QStringLiteral("a");
        m.type = QStringLiteral("t");
        m.dedupeKey = QStringLiteral("event-41-reminder");
        const auto first = f.store->enqueue(m);
        const auto again = f.store->enqueue(m);
        QVERIFY(!first->duplicate);
        QVERIFY(again->duplicate);
        QCOMPARE(again->id, first->id);
        m.queue = QStringLiteral("b");
        const auto other = f.store->enqueue(m);
        QVERIFY(!other->duplicate);
        QVERIFY(other->id != first->id);
        QCOMPARE(f.store->stats()->front().total(), qint64(1));
        VERIFY_COUNTERS(f);
    }

    void shouldKeepCountersEqualToCountAfterEveryKindOfTransition()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(QStringLiteral("q"));
        f.addQueue(QStringLiteral("r"));
        for (int i = 0; i < 20; ++i)
            f.enqueue(i % 2 ? QStringLiteral("q") : QStringLiteral("r"), i % 3 ? f.now + 1000 : 0);
        VERIFY_COUNTERS(f);
        f.now += 1000;
        QVERIFY(f.store->promoteDue().ok());
        VERIFY_COUNTERS(f);
        const auto claimed = f.store->claim(QStringLiteral("q"), 6, QStringLiteral("w"), 500);
        VERIFY_COUNTERS(f);
        QVERIFY(f.store->complete(claimed->at(0).id, QStringLiteral("w")).ok());
        QVERIFY(f.store->fail(claimed->at(1).id, QStringLiteral("w"), Store::Failure{QStringLiteral("x"), true}).ok());
        QVERIFY(f.store->fail(claimed->at(2).id, QStringLiteral("w"), Store::Failure{QStringLiteral("x")}).ok());
        VERIFY_COUNTERS(f);
        f.now += 1000;
        QCOMPARE(*f.store->reclaimExpiredLeases(), qint64(3));
        VERIFY_COUNTERS(f);
        MessageSelection all;
        all.queue = QStringLiteral("r");
        QVERIFY(f.store->apply(all, OperatorAction{ActionKind::Cancel}).ok());
        VERIFY_COUNTERS(f);
        QVERIFY(f.store->apply(all, OperatorAction{ActionKind::Restore}).ok());
        VERIFY_COUNTERS(f);
        MessageSelection failed;
        failed.states = {MessageState::Failed};
        QVERIFY(f.store->apply(failed, OperatorAction{ActionKind::Retry}).ok());
        VERIFY_COUNTERS(f);
        const auto stats = f.store->stats();
        qint64 total = 0;
        for (const QueueCounts &c : *stats)
            total += c.total();
        QCOMPARE(total, qint64(20));
    }

    // Failure groups (issue 17): failed messages counted by the shape of their error, and a group acted on
    // as a selection — retried, then undone — leaving the other groups alone.
    void shouldGroupFailuresByCauseAndRetryOneGroup()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(QStringLiteral("sms"));
        f.addQueue(QStringLiteral("hooks"));
        const QList<std::pair<QString, QString>> failures{
            {QStringLiteral("hooks"), QStringLiteral("HTTP 503 from https://gw.example/a/1 after 120 ms")},
            {QStringLiteral("hooks"), QStringLiteral("HTTP 503 from https://gw.example/b/22 after 90 ms")},
            {QStringLiteral("sms"), QStringLiteral("HTTP 503 from https://gw.example/c/3 after 7 ms")},
            {QStringLiteral("sms"), QStringLiteral("no phone number for attendee 41")},
            {QStringLiteral("sms"), QStringLiteral("no phone number for attendee 42")},
            {QStringLiteral("hooks"), QStringLiteral("HTTP 500 from https://gw.example/a/1 after 10 ms")},
        };
        QList<qint64> ids;
        for (const auto &[queue, error] : failures) {
            const qint64 id = f.enqueue(queue);
            QVERIFY(f.store->claim(queue, 1, QStringLiteral("w"), 30'000).ok());
            QVERIFY(f.store->fail(id, QStringLiteral("w"), Store::Failure{error, true}).ok());
            ids << id;
        }
        f.now += 60'000;
        const qint64 later = f.enqueue(QStringLiteral("sms")); // one more, a minute later
        QVERIFY(f.store->claim(QStringLiteral("sms"), 1, QStringLiteral("w"), 30'000).ok());
        QVERIFY(f.store->fail(later, QStringLiteral("w"), Store::Failure{QStringLiteral("no phone number for attendee 7"), true}).ok());

        auto groups = failureGroups(*f.store);
        QVERIFY2(groups.ok(), qPrintable(groups.errorString()));
        QCOMPARE(groups->size(), 3);
        // Largest first; of two as large, the one that failed last.
        QCOMPARE(groups->at(0).fingerprint, QStringLiteral("no phone number for attendee <n>"));
        QCOMPARE(groups->at(0).count, 3);
        QCOMPARE(groups->at(0).sampleMessageId, later);
        QCOMPARE(groups->at(0).lastSeen, f.now);
        QCOMPARE(groups->at(0).firstSeen, f.now - 60'000);
        QCOMPARE(groups->at(1).fingerprint, QStringLiteral("HTTP 503 from <url> after <n> ms"));
        QCOMPARE(groups->at(1).count, 3);
        QCOMPARE(groups->at(1).byQueue, (QMap<QString, qint64>{{QStringLiteral("hooks"), 2}, {QStringLiteral("sms"), 1}}));
        QVERIFY(groups->at(1).errors.isEmpty()); // each failure's group is stored: no text to match
        QCOMPARE(groups->at(2).fingerprint, QStringLiteral("HTTP 500 from <url> after <n> ms"));
        QCOMPARE(groups->at(2).id, failureGroupId(groups->at(2).fingerprint));
        // Only what failed in the last 30 s: the one later failure.
        auto recent = failureGroups(*f.store, f.now - 30'000);
        QCOMPARE(recent->size(), 1);
        QCOMPARE(recent->at(0).count, 1);

        auto selection = failureGroupSelection(*f.store, groups->at(1).id);
        QVERIFY2(selection.ok(), qPrintable(selection.errorString()));
        QCOMPARE(*f.store->countMessages(*selection), 3);
        OperatorAction retry;
        retry.kind = ActionKind::Retry;
        auto retried = f.store->apply(*selection, retry);
        QVERIFY2(retried.ok(), qPrintable(retried.errorString()));
        QCOMPARE(retried->affected, 3);
        for (qint64 id : {ids[0], ids[1], ids[2]})
            QCOMPARE(f.store->message(id)->state, MessageState::Waiting);
        for (qint64 id : {ids[3], ids[4], ids[5], later})
            QCOMPARE(f.store->message(id)->state, MessageState::Failed);
        // The group has no failed message left.
        QCOMPARE(failureGroupSelection(*f.store, groups->at(1).id).error().kind, Error::Kind::NotFound);
        QVERIFY(f.store->undoLastAction().ok());
        for (qint64 id : {ids[0], ids[1], ids[2]})
            QCOMPARE(f.store->message(id)->state, MessageState::Failed);
        QCOMPARE(failureGroups(*f.store)->at(0).count, 3);
        QCOMPARE(failureGroupSelection(*f.store, QStringLiteral("not-an-id")).error().kind, Error::Kind::BadInput);

        // A failure recorded before the store kept groups (no failure_group) joins its group by its text.
        QVERIFY(f.rawExec(QStringLiteral("UPDATE messages SET failure_group = NULL WHERE id = %1").arg(ids[0])));
        auto mixed = failureGroups(*f.store);
        QCOMPARE(mixed->size(), 3);
        QCOMPARE(mixed->at(1).count, 3);
        QCOMPARE(mixed->at(1).errors, QStringList{failures.at(0).second});
        auto both = failureGroupSelection(*f.store, mixed->at(1).id);
        QCOMPARE(*f.store->countMessages(*both), 3);
        VERIFY_COUNTERS(f);
    }

    // Event plans (DESIGN §11): a definition is stored as given, replaced by name, and each change audited.
    void shouldKeepPlanDefinitionsByNameAndAuditEachChange()
    {
        StoreFixture f;
        QVERIFY(f.open());
        QVERIFY(f.store->plans()->isEmpty());
        const QByteArray first = R"({"name":"evening","queue":"sms","channel":"sms","rules":[]})";
        const QByteArray second = R"({"name":"evening","queue":"sms","channel":"sms","rules":[{"type":"wrap_up","at":"event.end","offset":"+2h","to":"attendees"}]})";
        const auto created = f.store->savePlan(QStringLiteral("evening"), first, QStringLiteral("ana"));
        QVERIFY2(created.ok(), qPrintable(created.errorString()));
        QVERIFY(*created);
        const auto replaced = f.store->savePlan(QStringLiteral("evening"), second, QStringLiteral("ana"));
        QVERIFY2(replaced.ok(), qPrintable(replaced.errorString()));
        QVERIFY(!*replaced);
        QVERIFY(f.store->savePlan(QStringLiteral("archive"), first).ok());
        const auto plans = f.store->plans();
        QVERIFY(plans.ok());
        QCOMPARE(plans->size(), 2);
        QCOMPARE(plans->at(0).name, QStringLiteral("archive"));
        QCOMPARE(plans->at(1).definition, second);
        QVERIFY(plans->at(1).updatedAt >= plans->at(1).createdAt);
        QCOMPARE(f.store->plan(QStringLiteral("evening"))->definition, second);
        const auto missing = f.store->plan(QStringLiteral("morning"));
        QVERIFY(!missing.ok());
        QVERIFY2(missing.errorString().contains(QLatin1String("plan 'morning' does not exist; see `heraldctl plan list`")),
                 qPrintable(missing.errorString()));
        QVERIFY(!f.store->savePlan(QStringLiteral(" "), first).ok());
        const auto audit = f.store->auditLog();
        QVERIFY(audit.ok());
        int defines = 0;
        for (const AuditEntry &e : *audit)
            if (e.action == QLatin1String("plan.define") && e.selection == QLatin1String("plan evening"))
                ++defines;
        QCOMPARE(defines, 2);
    }

    // An apply's write (issue 16): one transaction; a pending message an engine took between the read and
    // the write is left alone and named (compare-and-set), the others are changed or cancelled.
    void shouldWriteAPlanApplyAndLeaveAMessageTakenMeanwhileAlone()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(QStringLiteral("q"));
        const qint64 now = f.store->now();
        PlanApplyWrite w;
        w.eventId = QStringLiteral("41");
        w.plan = QStringLiteral("conference");
        w.name = QStringLiteral("Growth Summit");
        w.status = QStringLiteral("active");
        w.active = true;
        w.snapshot = R"({"id":"41","status":"active"})";
        w.newPeople = {{QStringLiteral("a1"), 1000}, {QStringLiteral("a2"), 2000}};
        for (int i = 0; i < 3; ++i) {
            NewMessage m;
            m.queue = QStringLiteral("q");
            m.type = QStringLiteral("reminder");
            m.recipient = QStringLiteral("+1810555010%1").arg(i);
            m.runAt = now;
            m.labels = {{QStringLiteral("event"), QStringLiteral("41")}};
            w.creates << PlanApplyWrite::Create{QStringLiteral("conference/41/reminder/event/a%1").arg(i), m, QStringLiteral("h%1").arg(i)};
        }
        const auto first = f.store->writePlanApply(w);
        QVERIFY2(first.ok(), qPrintable(first.errorString()));
        QCOMPARE(first->createdIds.size(), 3);
        const auto applied = f.store->appliedEvent(QStringLiteral("41"));
        QVERIFY(applied.ok() && applied->has_value());
        QCOMPARE((*applied)->activeSnapshot, w.snapshot);
        QCOMPARE((*applied)->firstSeen.value(QStringLiteral("a2")), qint64(2000));
        QVERIFY(!f.store->appliedEvent(QStringLiteral("42"))->has_value());

        // An engine takes the first message; the next apply would move it and cancel the second.
        f.now += 1000;
        const auto claimed = f.store->claim(QStringLiteral("q"), 1, QStringLiteral("engine-1"), 60'000);
        QVERIFY(claimed.ok());
        QCOMPARE(claimed->size(), 1);
        QCOMPARE(claimed->at(0).id, first->createdIds.at(0));
        // Compare-and-set on the event: a diff computed before that first apply is refused whole.
        const auto stale = f.store->writePlanApply(w);
        QVERIFY(!stale.ok());
        QVERIFY2(stale.errorString().contains(QLatin1String("event 41 was applied by someone else meanwhile; nothing was written")),
                 qPrintable(stale.errorString()));
        QCOMPARE(f.store->planRecords(QStringLiteral("41"))->size(), 3);
        PlanApplyWrite next = w;
        next.expectedAppliedAt = (*applied)->appliedAt;
        next.creates.clear();
        next.newPeople.clear();
        next.status = QStringLiteral("draft");
        next.active = false;
        next.snapshot = R"({"id":"41","status":"draft"})";
        NewMessage later = w.creates.at(0).message;
        later.runAt = now + 3'600'000;
        next.changes << PlanApplyWrite::Change{w.creates.at(0).identity, first->createdIds.at(0), later, QStringLiteral("h0-moved")};
        later.recipient = w.creates.at(2).message.recipient;
        next.changes << PlanApplyWrite::Change{w.creates.at(2).identity, first->createdIds.at(2), later, QStringLiteral("h2-moved")};
        next.cancels << PlanApplyWrite::Cancel{w.creates.at(1).identity, first->createdIds.at(1), QStringLiteral("attendee a1 removed")};
        f.now += 1000;
        const auto second = f.store->writePlanApply(next);
        QVERIFY2(second.ok(), qPrintable(second.errorString()));
        QCOMPARE(second->changedMeanwhile, QStringList{w.creates.at(0).identity});
        QCOMPARE(second->changed, 1);
        QCOMPARE(second->cancelled, 1);
        QVERIFY(!f.store->writePlanApply(next).ok()); // computed from the state before the second: stale now

        const auto records = f.store->planRecords(QStringLiteral("41"));
        QVERIFY(records.ok());
        QCOMPARE(records->size(), 3);
        QHash<QString, PlanMessageRecord> byIdentity;
        for (const PlanMessageRecord &r : *records)
            byIdentity.insert(r.identity, r);
        const PlanMessageRecord taken = byIdentity.value(w.creates.at(0).identity);
        QCOMPARE(taken.state, std::optional<MessageState>(MessageState::Active));
        QCOMPARE(taken.contentHash, QStringLiteral("h0")); // left alone
        const PlanMessageRecord cancelled = byIdentity.value(w.creates.at(1).identity);
        QCOMPARE(cancelled.state, std::optional<MessageState>(MessageState::Cancelled));
        QVERIFY(cancelled.cancelledByPlan);
        const PlanMessageRecord moved = byIdentity.value(w.creates.at(2).identity);
        QCOMPARE(moved.state, std::optional<MessageState>(MessageState::Scheduled));
        QCOMPARE(moved.runAt, now + 3'600'000);
        QCOMPARE(moved.contentHash, QStringLiteral("h2-moved"));
        // The snapshot last applied while active stays: the change notices compare with it.
        QCOMPARE((*f.store->appliedEvent(QStringLiteral("41")))->activeSnapshot, w.snapshot);
        QCOMPARE((*f.store->appliedEvent(QStringLiteral("41")))->status, QStringLiteral("draft"));
        const auto events = f.store->planEvents();
        QVERIFY(events.ok());
        QCOMPARE(events->size(), 1);
        QCOMPARE(events->at(0).counts.value(MessageState::Cancelled), qint64(1));
        VERIFY_COUNTERS(f);

        // Undo puts back the messages it changed and the plan's own records as it found them.
        f.now += 1000;
        const auto undone = f.store->undoLastAction();
        QVERIFY2(undone.ok(), qPrintable(undone.errorString()));
        QCOMPARE(undone->affected, qint64(2));
        const auto after = f.store->planRecords(QStringLiteral("41"));
        QVERIFY(after.ok());
        for (const PlanMessageRecord &r : *after) {
            if (r.identity == w.creates.at(1).identity) {
                QCOMPARE(r.state, std::optional<MessageState>(MessageState::Waiting));
                QVERIFY(!r.cancelledByPlan);
            } else if (r.identity == w.creates.at(2).identity) {
                QCOMPARE(r.runAt, now);
                QCOMPARE(r.contentHash, QStringLiteral("h2"));
            }
        }
        QCOMPARE((*f.store->appliedEvent(QStringLiteral("41")))->status, QStringLiteral("active"));
        VERIFY_COUNTERS(f);
        // The first apply cannot be undone: its messages were all changed since (taken by the engine, or
        // put back by the undo above). Undoing its records alone would have the next apply create them
        // again, so nothing is undone: the event stays applied, with its messages and their records.
        f.now += 1000;
        const auto refused = f.store->undoLastAction();
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().kind, Error::Kind::Refused);
        QVERIFY2(refused.errorString().contains(QLatin1String("nothing was undone")), qPrintable(refused.errorString()));
        QVERIFY(f.store->appliedEvent(QStringLiteral("41"))->has_value());
        QCOMPARE((*f.store->appliedEvent(QStringLiteral("41")))->status, QStringLiteral("active"));
        const auto last = f.store->planRecords(QStringLiteral("41"));
        QVERIFY(last.ok());
        QCOMPARE(last->size(), 3);
        for (const PlanMessageRecord &r : *last)
            QVERIFY2(!r.cancelledByPlan && r.state != MessageState::Cancelled, qPrintable(r.identity));
        VERIFY_COUNTERS(f);
    }
};

QTEST_GUILESS_MAIN(tst_Store)
#include "tst_store.moc"
