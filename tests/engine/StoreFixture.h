#pragma once

#include "store/Store.h"

#include <QTemporaryDir>
#include <QTest>

#include <memory>

// A real SQLite file in a temporary folder, with a clock the test moves by hand.
struct StoreFixture
{
    QTemporaryDir dir;
    qint64 now = 1'800'000'000'000; // 2027-01-15T08:00:00Z
    std::unique_ptr<herald::Store> store;

    QString path() const { return dir.filePath(QStringLiteral("herald.db")); }

    bool open()
    {
        store.reset();
        herald::Store::OpenOptions options;
        options.clock = [this] { return now; };
        auto s = herald::Store::open(herald::StoreUrl::sqlite(path()), options);
        if (!s) {
            qWarning("%s", qPrintable(s.errorString()));
            return false;
        }
        store = std::move(s).value();
        return true;
    }

    herald::QueueConfig addQueue(const QString &name, int maxAttempts = 3)
    {
        herald::QueueConfig c;
        c.name = name;
        c.maxAttempts = maxAttempts;
        const auto s = store->addQueue(c);
        if (!s)
            qWarning("%s", qPrintable(s.errorString()));
        return c;
    }

    qint64 enqueue(const QString &queue, qint64 runAt = 0, int priority = herald::kDefaultPriority, const herald::Labels &labels = {},
                   const QString &dedupe = {})
    {
        herald::NewMessage m;
        m.queue = queue;
        m.type = QStringLiteral("reminder");
        m.recipient = QStringLiteral("+14155550100");
        m.runAt = runAt;
        m.priority = priority;
        m.labels = labels;
        m.dedupeKey = dedupe;
        auto r = store->enqueue(m);
        if (!r) {
            qWarning("%s", qPrintable(r.errorString()));
            return 0;
        }
        return r->id;
    }

    herald::MessageState state(qint64 id)
    {
        auto m = store->message(id);
        return m ? m->state : herald::MessageState(-1);
    }

    // The maintained counters must always equal COUNT(*).
    QStringList counterMismatches()
    {
        auto r = store->counterMismatches();
        return r ? *r : QStringList{r.errorString()};
    }
};

#define VERIFY_COUNTERS(fixture) QCOMPARE((fixture).counterMismatches(), QStringList())
