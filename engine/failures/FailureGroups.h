#pragma once

#include "model/MessageSelection.h"
#include "model/Result.h"

#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

namespace herald {

class Store;

// Failed messages grouped by cause (issue 17): "48 × no phone number for attendee <n>, 4 × HTTP 503
// from <url>" rather than 52 rows. A group is every failed message whose last error has the same
// failureFingerprint(); its id is failureGroupId() of that fingerprint, the same in every run.
struct FailureGroup
{
    QString id;
    QString fingerprint;
    qint64 count = 0;
    QMap<QString, qint64> byQueue;
    qint64 firstSeen = 0; // finished_at of the earliest failure
    qint64 lastSeen = 0;
    QString sample;       // the newest failure's error, as it was
    qint64 sampleMessageId = 0;
    // The exact texts of the group's failures recorded before the store kept each failure's group
    // (schema 10), which only their text ties to it; empty once those are gone.
    QStringList errors;

    // "sms" for one queue, "hooks (2), sms (1)" for several.
    QString queuesText() const;
    // Its failed messages, for the usual actions with their preview and undo: state failed, in the
    // group (or, recorded before groups were stored, with one of its texts).
    MessageSelection selection() const;
};

// A group's selection widened for Cancel group: its failed messages and those still to be retried
// (scheduled, waiting or in flight after an attempt failed with its cause). The cancel stops the
// retries and skips the failed ones, which the preview counts.
MessageSelection withRetryingMessages(MessageSelection group);

// Groups of the failed messages that finished at or after `since` (all, when not given), largest
// first (then the most recent). Reads through Store::failedErrorCounts — counts by the group stored
// with each failure, from an index — and fingerprints only older failures, stored without one; runs
// in the store's thread.
Result<QList<FailureGroup>> failureGroups(Store &store, std::optional<qint64> since = std::nullopt);

// The selection of a group's failed messages (all of them, whenever they failed), for the usual
// actions with their preview and undo: state failed, in the group (or, older, with one of its texts).
// notFound naming `heraldctl failures` when no failed message is in the group; badInput for an id
// that is not one.
Result<MessageSelection> failureGroupSelection(Store &store, const QString &groupId);

} // namespace herald
