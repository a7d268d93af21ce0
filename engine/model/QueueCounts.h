#pragma once

#include "MessageState.h"

#include <QString>

#include <array>

namespace herald {

// Messages per state of one queue, read from the maintained counters (never COUNT(*)).
struct QueueCounts
{
    QString queue;
    bool paused = false;
    std::array<qint64, kAllStates.size()> byState{};

    qint64 count(MessageState s) const { return byState[size_t(s)]; }
    qint64 &count(MessageState s) { return byState[size_t(s)]; }
    qint64 total() const
    {
        qint64 t = 0;
        for (qint64 n : byState)
            t += n;
        return t;
    }
};

// An audit_log row: who did what to how many, and when.
struct AuditEntry
{
    qint64 id = 0;
    qint64 at = 0;
    QString actor;
    QString action;
    QString selection;
    qint64 affected = 0;
    QByteArray details; // JSON object
};

// A rendering captured by the outbox channel: exactly what would have been sent.
struct OutboxEntry
{
    qint64 id = 0;
    qint64 messageId = 0;
    QString queue;
    QString channel;
    QString recipient;
    QByteArray rendered; // JSON object
    qint64 createdAt = 0;
};

} // namespace herald
