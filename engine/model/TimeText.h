#pragma once

#include "Result.h"

#include <QString>
#include <QtGlobal>

namespace herald {

// Durations as operators write them: 250ms, 5s, 15m, 2h, 7d (and combinations such as 1h30m).
Result<qint64> parseDuration(const QString &text);
// The shortest exact form: 300000 → "5m", 5400000 → "1h30m", 250 → "250ms".
QString formatDuration(qint64 ms);

// ISO 8601 times. Input without an offset is read as UTC; "now" is accepted.
Result<qint64> parseTimestamp(const QString &text, qint64 nowMs);
// Always UTC with a Z, e.g. 2026-11-24T09:30:00.000Z.
QString formatTimestamp(qint64 ms);
// The same to the second, for tables people read: 2026-11-24T09:30:00Z.
QString formatTimestampSeconds(qint64 ms);

qint64 currentTimeMs();

} // namespace herald
