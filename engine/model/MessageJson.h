#pragma once

#include "Message.h"
#include "Result.h"

#include <QJsonObject>
#include <QList>
#include <QStringList>

class QIODevice;

namespace herald {

// The JSON shape of a message (keys of the heraldctl contract; times ISO 8601 UTC).
QJsonObject messageToJson(const Message &m);

// Reads one message to enqueue. Accepts the keys of messageToJson; keys that only describe a stored
// message (id, state, attempts…) are ignored so `heraldctl list --json` output can be re-enqueued.
// Errors name the field, e.g. "field 'priority': 0 is out of range; use 1 (most urgent) to 10".
Result<NewMessage> newMessageFromJson(const QJsonObject &object, const QString &defaultQueue, qint64 nowMs);

struct JsonLinesBatch
{
    QList<NewMessage> messages;
    QStringList errors; // "file.jsonl:12: field 'run_at': …", one per bad line
    int lines = 0;      // non-blank lines read
};

// Reads every line before anything is written, so the caller can refuse the whole file.
JsonLinesBatch parseJsonLines(QIODevice &input, const QString &sourceName, const QString &defaultQueue, qint64 nowMs);

Result<Labels> parseLabelArgument(const QStringList &keyValues); // "event=41" …

} // namespace herald
