#pragma once

// A channel for runtime tests whose outcomes the test scripts per message and attempt. The real
// channels are tested against real peers in tests/channels; here the subject is the runtime.
#include "channels/Channel.h"

#include <QDateTime>
#include <QMutex>
#include <QObject>
#include <QTimer>

#include <map>
#include <memory>

struct Script
{
    enum class Step { Succeed, Retry, Fail, Hang };

    QMutex mutex;
    std::map<std::pair<qint64, int>, Step> steps; // (message id, attempt) → step; default Succeed
    std::map<qint64, qint64> retryAfterMs;
    struct Start
    {
        qint64 id;
        int attempt;
        qint64 at; // wall clock ms
        QString idempotencyKey;
    };
    QList<Start> starts;
    QList<qint64> aborted;
    int inFlight = 0;
    int maxInFlight = 0;

    void set(qint64 id, int attempt, Step step)
    {
        QMutexLocker lock(&mutex);
        steps[{id, attempt}] = step;
    }
    QList<Start> startsCopy()
    {
        QMutexLocker lock(&mutex);
        return starts;
    }
    int abortedCount()
    {
        QMutexLocker lock(&mutex);
        return int(aborted.size());
    }
};

class ScriptedChannel : public herald::Channel
{
public:
    explicit ScriptedChannel(std::shared_ptr<Script> script) : m_script(std::move(script)) {}

    void deliver(const herald::Delivery &d, Done done) override
    {
        Script::Step step = Script::Step::Succeed;
        std::optional<qint64> retryAfter;
        {
            QMutexLocker lock(&m_script->mutex);
            m_script->starts.append({d.message.id, d.message.attempts, QDateTime::currentMSecsSinceEpoch(), d.idempotencyKey});
            if (auto it = m_script->steps.find({d.message.id, d.message.attempts}); it != m_script->steps.end())
                step = it->second;
            if (auto it = m_script->retryAfterMs.find(d.message.id); it != m_script->retryAfterMs.end())
                retryAfter = it->second;
            m_script->inFlight += 1;
            m_script->maxInFlight = std::max(m_script->maxInFlight, m_script->inFlight);
        }
        if (step == Script::Step::Hang) {
            m_hanging.insert(d.message.id);
            return;
        }
        // Answer from the event loop, as a network channel would.
        QTimer::singleShot(1, &m_context, [this, step, retryAfter, done = std::move(done)] {
            {
                QMutexLocker lock(&m_script->mutex);
                m_script->inFlight -= 1;
            }
            if (step == Script::Step::Succeed)
                done(herald::DeliveryOutcome::success(QStringLiteral("scripted"), QByteArrayLiteral("{\"scripted\":true}")));
            else if (step == Script::Step::Retry)
                done(herald::DeliveryOutcome::retryable(QStringLiteral("HTTP 503 from the scripted peer"), 503, retryAfter));
            else
                done(herald::DeliveryOutcome::permanent(QStringLiteral("HTTP 400 from the scripted peer"), 400));
        });
    }

    void abort(qint64 id) override
    {
        QMutexLocker lock(&m_script->mutex);
        m_script->aborted << id;
        if (m_hanging.remove(id))
            m_script->inFlight -= 1;
    }

private:
    std::shared_ptr<Script> m_script;
    QObject m_context; // lives in the worker thread that creates the channel
    QSet<qint64> m_hanging;
};
