#pragma once

#include "channels/Channel.h"
#include "runtime/Engine.h"
#include "store/Store.h"
#include "store/StoreThread.h"

#include <QObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

// Fails the test with the engine's message when a Result is an error.
#define HERALD_VERIFY_OK(expression)                                                                                             \
    do {                                                                                                                         \
        const auto heraldResult_ = (expression);                                                                                 \
        QVERIFY2(heraldResult_.ok(), qPrintable(heraldResult_.errorString()));                                                   \
    } while (false)

namespace herald::test {

// A real SQLite store in a temporary folder, opened on the test thread to arrange data. The code under
// test reads the same file through its own StoreThread, as the console does.
class SeededStore
{
public:
    explicit SeededStore(const QString &fileName = QStringLiteral("herald.db"))
        : m_url(StoreUrl::sqlite(m_dir.filePath(fileName)))
    {
        if (auto opened = Store::open(m_url))
            m_store = std::move(opened).value();
        else
            m_openError = opened.errorString();
    }

    // Another engine takes the store, as another process delivering from it would, and pauses: a console
    // that opens the store attaches, and the states a test arranges stay put. Call before arranging
    // messages, so none is claimed before the pause. False when the engine did not get the store or
    // did not confirm the pause.
    bool holdDelivery()
    {
        RuntimeOptions options;
        options.channelFactory = &createChannel;
        m_holder = std::make_unique<Engine>(m_url, options);
        const auto mode = m_holder->start();
        if (!mode || *mode != Engine::Mode::Running)
            return false;
        QSignalSpy status(m_holder.get(), &Engine::statusChanged);
        m_holder->setPaused(true);
        while (status.wait(10'000))
            if (status.constLast().constFirst().value<EngineStatus>().paused)
                return true;
        return false;
    }

    bool isOpen() const { return m_store != nullptr; }
    QString openError() const { return m_openError; }
    Store &store() { return *m_store; }
    Store *operator->() { return m_store.get(); }
    const StoreUrl &url() const { return m_url; }
    QString folder() const { return m_dir.path(); }

    Status addQueue(const QString &name)
    {
        QueueConfig config;
        config.name = name;
        return m_store->addQueue(config);
    }

    // count messages of queue, due now (waiting) unless runAt is in the future; ids in insertion order.
    Result<QList<qint64>> enqueue(const QString &queue, int count, qint64 runAt = 0)
    {
        QList<NewMessage> batch;
        for (int i = 0; i < count; ++i) {
            NewMessage m;
            m.queue = queue;
            m.type = QStringLiteral("checkin_reminder");
            m.recipient = QStringLiteral("+1415555%1").arg(i % 10000, 4, 10, QLatin1Char('0'));
            m.labels = {{QStringLiteral("event"), QString::number(41 + i % 3)},
                        {QStringLiteral("contractor"), QString::number(50 + i % 7)}};
            m.priority = 1 + i % 10;
            m.runAt = runAt;
            batch << m;
        }
        auto outcome = m_store->enqueueBulk(batch);
        if (!outcome)
            return outcome.error();
        QList<qint64> ids;
        for (const Store::EnqueueOutcome &item : outcome->items)
            ids << item.id;
        return ids;
    }

    // Moves some of a queue's waiting messages on through the lifecycle, the way workers and operators
    // would: claimed → active; of those, completed and failed; and some waiting ones cancelled.
    Status deliverSome(const QString &queue, int claim, int complete, int fail, int cancel)
    {
        const QString worker = QStringLiteral("test-worker");
        auto claimed = m_store->claim(queue, claim, worker, 60'000);
        if (!claimed)
            return claimed.error();
        if (claimed->size() != claim)
            return Error::runtime(QStringLiteral("claimed %1 of %2").arg(claimed->size()).arg(claim));
        for (int i = 0; i < complete + fail; ++i) {
            const qint64 id = claimed->at(i).id;
            if (i < complete) {
                if (auto done = m_store->complete(id, worker); !done)
                    return done.error();
            } else {
                Store::Failure failure;
                failure.permanent = true;
                failure.responseCode = 400;
                failure.error = QStringLiteral("400 Bad Request: the recipient was rejected\nbody: {\"error\":\"invalid number\"}");
                if (auto failed = m_store->fail(id, worker, failure); !failed)
                    return failed.error();
            }
        }
        if (cancel > 0) {
            MessagePageRequest waiting;
            waiting.selection.queue = queue;
            waiting.selection.states = {MessageState::Waiting};
            waiting.limit = cancel;
            auto page = m_store->listMessages(waiting);
            if (!page)
                return page.error();
            MessageSelection ids;
            for (const Message &m : *page)
                ids.ids << m.id;
            auto applied = m_store->apply(ids, OperatorAction{ActionKind::Cancel, {}, {}, 0, QStringLiteral("test")});
            if (!applied)
                return applied.error();
        }
        return {};
    }

private:
    QTemporaryDir m_dir;
    StoreUrl m_url;
    std::unique_ptr<Store> m_store;
    QString m_openError;
    std::unique_ptr<Engine> m_holder; // destroyed first: it lets go of the store before the folder goes
};

// Waits until the store thread has answered everything posted to it before this call: its answers
// reach the test thread in the order the work was posted, so once this one is back, so are they.
inline bool drain(StoreThread &storeThread)
{
    QObject marker;
    QSignalSpy answered(&marker, &QObject::objectNameChanged);
    storeThread.post(
        &marker, [](Store &) { return Result<int>(0); },
        [&marker](Result<int>) { marker.setObjectName(QStringLiteral("answered")); });
    return answered.wait(10'000);
}

} // namespace herald::test
