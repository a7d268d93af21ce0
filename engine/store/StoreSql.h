#pragma once

// Internal to engine/store: error wording and the write gate, shared by the store's repositories.
#include "StoreUrl.h"
#include "model/Result.h"

#include <QFileInfo>
#include <QHash>
#include <QSqlError>
#include <QSqlQuery>

#include <algorithm>
#include <memory>
#include <mutex>

namespace herald::storesql {

// What undo needs of a message, journalled before an action (or a plan's apply) changes it: the caller
// appends the condition on messages. ActionRepository::undoLastAction puts these columns back.
inline const QString kJournalMessages = QStringLiteral(
    "INSERT INTO action_journal (audit_id, message_id, state, run_at, priority, attempts, stalls, finished_at, last_error, payload) "
    "SELECT ?, id, state, run_at, priority, attempts, stalls, finished_at, last_error, payload FROM messages WHERE ");

inline Error sqlError(const QString &what, const QSqlError &e)
{
    // SQLITE_FULL (13), and its extended codes: said plainly, not as the driver's words.
    const QString code = e.nativeErrorCode();
    if (code == QLatin1String("13") || (code.toInt() & 0xff) == 13 || e.text().contains(QLatin1String("database or disk is full")))
        return Error::runtime(QStringLiteral("store: %1 failed: the disk holding the store is full; free space on it (or move the store "
                                             "elsewhere) — nothing of this change was written")
                                  .arg(what));
    return Error::runtime(QStringLiteral("store: %1 failed: %2").arg(what, e.text()));
}

namespace detail {
// Writes [begin, end) escaped, each unit below 0x80 or a byte of valid UTF-8, at d (room for six bytes
// per unit); returns the end of what it wrote.
template<typename Unit>
char *writeJsonEscaped(char *d, const Unit *begin, const Unit *end)
{
    static constexpr char hex[] = "0123456789abcdef";
    for (const Unit *p = begin; p != end; ++p) {
        const auto u = static_cast<unsigned>(*p) & (sizeof(Unit) == 1 ? 0xffu : 0xffffu);
        if (u == '"' || u == '\\') {
            *d++ = '\\';
            *d++ = static_cast<char>(u);
        } else if (u < 0x20) {
            *d++ = '\\';
            *d++ = 'u';
            *d++ = '0';
            *d++ = '0';
            *d++ = hex[u >> 4];
            *d++ = hex[u & 0xf];
        } else {
            *d++ = static_cast<char>(u);
        }
    }
    return d;
}

template<typename Unit>
void appendJsonEscaped(QByteArray &out, const Unit *begin, const Unit *end)
{
    const qsizetype at = out.size();
    out.resize(at + 6 * (end - begin) + 2); // grows geometrically; the unused tail is cut below
    char *d = out.data() + at;
    *d++ = '"';
    d = writeJsonEscaped(d, begin, end);
    *d++ = '"';
    out.resize(d - out.constData());
}
} // namespace detail

// Appends text as a JSON string (quotes and escapes included): how bulk statements bind many rows as
// one value (Backend::jsonArrayRows). Written in place, not a byte at a time: an apply binds megabytes.
inline void appendJsonString(QByteArray &out, QByteArrayView utf8)
{
    detail::appendJsonEscaped(out, utf8.data(), utf8.data() + utf8.size());
}

inline void appendJsonString(QByteArray &out, const QString &text)
{
    const ushort *begin = text.utf16();
    const ushort *end = begin + text.size();
    if (std::all_of(begin, end, [](ushort c) { return c < 0x80; })) // most of what is bound: no UTF-8 copy
        detail::appendJsonEscaped(out, begin, end);
    else
        appendJsonString(out, QByteArrayView(text.toUtf8()));
}

// Works on a QSqlQuery and on a StoreContext::Statement.
template<typename Q>
Status exec(Q &q, const QString &what)
{
    if (!q.exec())
        return sqlError(what, q.lastError());
    return {};
}

// One gate per SQLite file in this process, taken by every write transaction on it from BEGIN to its
// end. SQLite's own busy handler waits by sleeping in growing steps (up to 100 ms), so a writer that
// commits short transactions back to back (a cleanup) could keep another connection of the same
// process (the runtime's) out for a long time; in-process writers queue here instead and get the
// lock as soon as it is free. Writers in other processes still meet SQLite's busy handler.
// For a file-based store's URL (BackendCapabilities::fileBased).
inline std::shared_ptr<std::timed_mutex> writeGateFor(const StoreUrl &url)
{
    static std::mutex registryMutex;
    static QHash<QString, std::weak_ptr<std::timed_mutex>> registry; // guarded by registryMutex
    const QString key = QFileInfo(url.sqlitePath()).absoluteFilePath();
    std::lock_guard lock(registryMutex);
    std::shared_ptr<std::timed_mutex> gate = registry.value(key).lock();
    if (!gate) {
        gate = std::make_shared<std::timed_mutex>();
        registry.insert(key, gate);
    }
    return gate;
}

} // namespace herald::storesql
