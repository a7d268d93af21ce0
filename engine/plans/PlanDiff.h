#pragma once

#include "DesiredMessage.h"
#include "PlanDerivation.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace herald {

// A message an earlier apply derived, as the store remembers it. The record outlives the message:
// when cleanup removes the message, messageId is 0 and the state is its last one, so a sent reminder
// is never sent again.
struct DerivedRecord
{
    enum class State {
        Pending,   // scheduled or waiting
        Sent,      // completed, or active (being delivered)
        Failed,
        Cancelled,
    };

    QString identity; // PlanIdentity text
    qint64 messageId = 0;
    State state = State::Pending;
    qint64 runAt = 0;
    QString contentHash; // DesiredMessage::contentHash when it was written
    // Cancelled by an apply (attendee removed, session dropped, event cancelled or back to draft), not by
    // an operator: created again when the plan implies it again (the attendee comes back). A message an
    // operator cancelled stays cancelled.
    bool cancelledByPlan = false;
};

// One line of a PlanDiff. Which fields mean something depends on the list it is in.
struct PlanDiffEntry
{
    QString identity;
    QString type;
    QString person;
    QString session;       // empty: not anchored on a session
    qint64 messageId = 0;  // moved, updated, cancelled, unchanged: the existing message (0: removed by cleanup)
    qint64 runAt = 0;      // when it runs (moved: the new time; cancelled, unchanged: the record's; skipped: when it would have)
    qint64 oldRunAt = 0;   // moved: the time it had
    bool contentChanged = false; // moved: the content changed too (the message needs both)
    QString reason;        // cancelled, skipped: why, for a person
    QString state;         // unchanged: pending, sent, failed or cancelled
    // created, notified: the message to write; moved, updated: its new time and content.
    std::optional<DesiredMessage> message;

    QJsonObject toJson() const;
};

// What an apply changes (DESIGN §11): the reconciliation of what a plan implies for an event
// (PlanDerivation) with what earlier applies created (DerivedRecord). Pure: the caller writes it.
//
//   created    implied, no record (or one cancelled by an apply) and its time not past
//   moved      pending, its time changed (contentChanged: its content too); a new time already past
//              cancels it instead ("time passed")
//   updated    pending, same time, content changed (a venue change updates every payload)
//   cancelled  pending and no longer implied, with the reason (attendee removed, session dropped,
//              event cancelled, event back to draft, rule removed, no longer the speaker…), or implied
//              but now undeliverable (the attendee's phone number was removed)
//   notified   change notices to create (once per distinct change: a notice whose identity has a
//              record is never created again, whatever the record's state)
//   unchanged  implied and left as it is: pending and the same, sent, failed, or cancelled by an
//              operator. Sent messages are never touched, moved nor re-created.
//   skipped    implied but not created: its time has passed, or it cannot be delivered (reason)
//
// A pending notice no longer implied is left alone (a notice is derived only in the apply that sees
// its change), unless the event is cancelled or back to draft. Records of other plans or events, and
// records whose identity does not parse, are ignored.
struct PlanDiff
{
    QList<PlanDiffEntry> created;
    QList<PlanDiffEntry> moved;
    QList<PlanDiffEntry> updated;
    QList<PlanDiffEntry> cancelled;
    QList<PlanDiffEntry> notified;
    QList<PlanDiffEntry> unchanged;
    QList<PlanDiffEntry> skipped;

    // `now` is derivation.nowMs: the same moment the derivation saw.
    static PlanDiff reconcile(const PlanDerivation &derivation, const QList<DerivedRecord> &existing);

    // Nothing to write: no created, moved, updated, cancelled or notified.
    bool isEmpty() const;
    // {"created": [...], "moved": [...], "updated": [...], "cancelled": [...], "notified": [...],
    //  "unchanged": [...], "skipped": [...]}, each entry an object (PlanDiffEntry::toJson).
    QJsonObject toJson() const;
    // Counts on the first line, then one line per change (created, moved, updated, cancelled, notified,
    // skipped; unchanged only counted).
    QString summary() const;
};

} // namespace herald
