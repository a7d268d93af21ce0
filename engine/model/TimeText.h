#pragma once

#include "Result.h"

#include <QString>
#include <QtGlobal>

namespace herald {

// The longest duration any option, file or field takes: 100 years (of 365.25 days).
inline constexpr qint64 kMaxDurationMs = 36525LL * 86'400'000;

// Durations as operators write them: 250ms, 5s, 15m, 2h, 7d (and combinations such as 1h30m); at most
// kMaxDurationMs, checked before anything can overflow.
Result<qint64> parseDuration(const QString &text);
// The shortest exact form: 300000 → "5m", 5400000 → "1h30m", 250 → "250ms".
QString formatDuration(qint64 ms);

// ISO 8601 times, read strictly: YYYY-MM-DD, optionally THH:MM[:SS[.fff]] and Z or ±HH:MM. Every field is
// checked (hour 0–23, minute and second 0–59, offset at most ±14:00, a real calendar day) and the
// error names the field. Input without an offset is read as UTC; a date alone is midnight UTC; "now"
// is accepted. Every command, JSON Lines file and console field reads times through this.
Result<qint64> parseTimestamp(const QString &text, qint64 nowMs);
// Always UTC with a Z, e.g. 2026-11-24T09:30:00.000Z.
QString formatTimestamp(qint64 ms);
// The same to the second, for tables people read: 2026-11-24T09:30:00Z.
QString formatTimestampSeconds(qint64 ms);

qint64 currentTimeMs();

} // namespace herald
