#pragma once

#include "model/Message.h"
#include "model/MessageState.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

namespace herald {

// An event plan as the store keeps it (DESIGN §11): its name and the plan file's JSON, which
// engine/plans validates before it is stored and reads back as a PlanSpec.
struct StoredPlan
{
    QString name;
    QByteArray definition;
    qint64 createdAt = 0;
    qint64 updatedAt = 0;
};

// An event as plans last applied it.
struct AppliedEvent
{
    QString eventId;
    QString plan;
    QString name;
    QString status;
    QByteArray snapshot;       // the event file of the last apply
    QByteArray activeSnapshot; // of the last apply while active; empty: never applied while active
    qint64 appliedAt = 0;
    QHash<QString, qint64> firstSeen; // person id → first seen in an apply while active
};

// A message a plan derived, with what its message is now (no state: cleanup removed it).
struct PlanMessageRecord
{
    QString identity;
    qint64 messageId = 0;
    std::optional<MessageState> state;
    qint64 runAt = 0;
    QString contentHash;
    bool cancelledByPlan = false;
};

// What an apply writes, in one transaction: the event's record, the messages it creates, the pending
// ones it changes or cancels (only while still scheduled or waiting: one an engine took meanwhile is
// left alone and reported), and one audit entry.
struct PlanApplyWrite
{
    QString eventId;
    QString plan;
    QString name;
    QString status;
    bool active = false;
    QByteArray snapshot;
    QHash<QString, qint64> newPeople;
    struct Create
    {
        QString identity;
        NewMessage message;
        QString contentHash;
    };
    // Moved or updated: the message's time and content as the plan now implies them.
    struct Change
    {
        QString identity;
        qint64 messageId = 0;
        NewMessage message;
        QString contentHash;
    };
    struct Cancel
    {
        QString identity;
        qint64 messageId = 0;
        QString reason;
    };
    QList<Create> creates;
    QList<Change> changes;
    QList<Cancel> cancels;
    QByteArray auditDetails; // JSON object
    QString actor;
    QString auditAction = QStringLiteral("plan.apply"); // or plan.forget
    // Compare-and-set on the event: the applied_at the diff was computed from (0: never applied). An
    // apply or forget of the same event that committed in between refuses this one, so two operators
    // never both write a diff computed from the same state.
    qint64 expectedAppliedAt = 0;
};

struct PlanApplyResult
{
    qint64 auditId = 0;
    QList<qint64> createdIds;
    int changed = 0;
    int cancelled = 0;
    QStringList changedMeanwhile; // identities of messages an engine or an operator took meanwhile
};

// An applied event with its derived messages counted by their state now.
struct PlanEventSummary
{
    QString eventId;
    QString plan;
    QString name;
    QString status;
    qint64 appliedAt = 0;
    QMap<MessageState, qint64> counts;
    qint64 removed = 0; // records whose message cleanup removed
};

} // namespace herald
