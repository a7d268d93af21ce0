#pragma once

#include <QString>

#include <optional>

namespace herald {

// How much a committed write survives (SQLite, WAL mode):
// - Normal (the default): synchronous=NORMAL. A commit is written to the WAL but not flushed to the disk;
//   the WAL is synced at each checkpoint. Survives a crash of the process (kill -9 included); a power
//   loss or an OS crash may lose the transactions committed since the last checkpoint, never the
//   file's consistency.
// - Full: synchronous=FULL. Every commit is flushed to the disk before it returns, so it survives a power
//   loss too; each commit then costs an fsync.
enum class Durability { Normal, Full };

inline QString durabilityName(Durability d)
{
    return d == Durability::Full ? QStringLiteral("full") : QStringLiteral("normal");
}

inline std::optional<Durability> parseDurability(const QString &text)
{
    if (text == QLatin1String("normal"))
        return Durability::Normal;
    if (text == QLatin1String("full"))
        return Durability::Full;
    return std::nullopt;
}

} // namespace herald
