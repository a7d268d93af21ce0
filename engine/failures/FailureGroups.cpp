#include "FailureGroups.h"

#include "model/FailureFingerprint.h"
#include "store/Store.h"

#include <QHash>
#include <QSet>

#include <algorithm>

namespace herald {

QString FailureGroup::queuesText() const
{
    QStringList parts;
    for (auto it = byQueue.cbegin(); it != byQueue.cend(); ++it)
        parts << (byQueue.size() == 1 ? it.key() : QStringLiteral("%1 (%2)").arg(it.key()).arg(it.value()));
    return parts.join(QStringLiteral(", "));
}

MessageSelection FailureGroup::selection() const
{
    MessageSelection s;
    s.states = {MessageState::Failed};
    s.failureGroup = id;
    s.lastErrors = errors;
    return s;
}

MessageSelection withRetryingMessages(MessageSelection group)
{
    group.states = {MessageState::Scheduled, MessageState::Waiting, MessageState::Active, MessageState::Failed};
    return group;
}

Result<QList<FailureGroup>> failureGroups(Store &store, std::optional<qint64> since)
{
    auto counts = store.failedErrorCounts(since);
    if (!counts)
        return counts.error();
    QHash<QString, qsizetype> byId;
    QList<FailureGroup> groups;
    QSet<QString> listed; // older failures' texts already in their group's list (a text can fail in several queues)
    for (const FailedErrorCount &c : std::as_const(*counts)) {
        // A stored group is its own id; an older failure's is that of its text's fingerprint, the same.
        const QString fingerprint = failureFingerprint(c.error);
        const QString id = c.group.isEmpty() ? failureGroupId(fingerprint) : c.group;
        auto it = byId.find(id);
        if (it == byId.end()) {
            FailureGroup g;
            g.id = id;
            g.fingerprint = fingerprint;
            g.firstSeen = c.firstSeen;
            it = byId.insert(id, groups.size());
            groups << g;
        }
        FailureGroup &g = groups[*it];
        g.count += c.count;
        g.byQueue[c.queue] += c.count;
        g.firstSeen = std::min(g.firstSeen, c.firstSeen);
        if (c.lastSeen > g.lastSeen || (c.lastSeen == g.lastSeen && c.lastId > g.sampleMessageId)) {
            g.lastSeen = c.lastSeen;
            g.sample = c.error;
            g.sampleMessageId = c.lastId;
        }
        if (c.group.isEmpty() && !listed.contains(c.error)) {
            listed.insert(c.error);
            g.errors << c.error;
        }
    }
    std::sort(groups.begin(), groups.end(), [](const FailureGroup &a, const FailureGroup &b) {
        return a.count != b.count ? a.count > b.count : a.lastSeen > b.lastSeen;
    });
    return groups;
}

Result<MessageSelection> failureGroupSelection(Store &store, const QString &groupId)
{
    if (!isFailureGroupId(groupId))
        return Error::badInput(QStringLiteral("'%1' is not a failure group id; ids are 12 hex digits, as `heraldctl failures` lists them").arg(groupId));
    auto groups = failureGroups(store);
    if (!groups)
        return groups.error();
    for (const FailureGroup &g : std::as_const(*groups))
        if (g.id == groupId)
            return g.selection();
    return Error::notFound(QStringLiteral("no failed message is in failure group %1 (any more); see `heraldctl failures`").arg(groupId));
}

} // namespace herald
