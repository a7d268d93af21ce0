#pragma once

#include "Message.h"

#include <QString>

#include <optional>

namespace herald {

// A message brought over from a legacy queue with its history (issue 18): the state it had reached
// there, the attempts it had used and when it finished. Written by Store::writeImported, which keeps
// the terminal ones out of every claim. message.dedupeKey is its stable identity in the source (one
// per source row), so importing the same source again adds nothing.
struct ImportedMessage
{
    NewMessage message;
    // Scheduled (becomes waiting when its time has come), Waiting, Completed, Failed or Cancelled;
    // never Active: a row that was in flight at the source is imported waiting (at-least-once).
    MessageState state = MessageState::Scheduled;
    int attempts = 0;
    std::optional<qint64> finishedAt; // terminal states: when; the import's time when the source has none
    QString lastError;
    QString providerMessageId;
};

} // namespace herald
