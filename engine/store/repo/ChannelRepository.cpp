// Delivery channels, the local outbox and the suppression list.
#include "store/repo/ChannelRepository.h"

#include "store/Backend.h"
#include "store/StoreSql.h"
#include "store/repo/StoreRows.h"
#include "email/EmailEvent.h"
#include "model/MessageJson.h"
#include "model/TextInput.h"
#include "model/TimeText.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QScopeGuard>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QStorageInfo>

#include <algorithm>
#include <limits>

namespace herald {

namespace {

using storesql::exec;
using storesql::sqlError;
using namespace storerows;

// ---- SQL
const QString kChannelExists = QStringLiteral("SELECT 1 FROM channels WHERE name = ?");
const QString kInsertChannel = QStringLiteral(
    "INSERT INTO channels (name, kind, url, timeout_ms, secret_ref, options, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
const QString kUpdateChannel = QStringLiteral(
    "UPDATE channels SET kind = ?, url = ?, timeout_ms = ?, secret_ref = ?, options = ?, updated_at = ? "
    "WHERE name = ?");
const QString kQueuesUsingChannel = QStringLiteral("SELECT name FROM queues WHERE default_channel = ? ORDER BY name");
const QString kDeleteChannel = QStringLiteral("DELETE FROM channels WHERE name = ?");
const QString kOutboxPage = QStringLiteral(
    "SELECT o.id, o.message_id, q.name, o.channel, o.recipient, o.rendered, o.created_at "
    "FROM outbox o JOIN queues q ON q.id = o.queue_id WHERE (? = 0 OR o.id < ?) "
    "ORDER BY o.id DESC LIMIT ?");
const QString kIsSuppressed = QStringLiteral("SELECT 1 FROM suppressions WHERE address = ? AND (expires_at IS NULL OR expires_at > ?)");
QString insertSuppression(const Backend &b)
{
    return b.upsert(QStringLiteral("suppressions"), QStringLiteral("address, reason, source_event, note, expires_at, created_at"),
                    QStringLiteral("VALUES (?, ?, NULL, ?, NULL, ?)"), QStringLiteral("address"),
                    {{QStringLiteral("reason"), QStringLiteral("excluded.reason")},
                     {QStringLiteral("source_event"), QStringLiteral("NULL")},
                     {QStringLiteral("note"), QStringLiteral("excluded.note")},
                     {QStringLiteral("expires_at"), QStringLiteral("NULL")},
                     {QStringLiteral("created_at"), QStringLiteral("excluded.created_at")}});
}

QVariantList channelSettings(const ChannelConfig &c)
{
    return {ChannelConfig::kindName(c.kind), c.url, c.timeoutMs, c.secretRef,
            QString::fromUtf8(QJsonDocument(c.options).toJson(QJsonDocument::Compact))};
}

const QString kChannelColumns = QStringLiteral("name, kind, url, timeout_ms, secret_ref, options");

Result<ChannelConfig> readChannel(const QSqlQuery &q)
{
    ChannelConfig c;
    c.name = q.value(0).toString();
    auto kind = ChannelConfig::parseKind(q.value(1).toString());
    if (!kind)
        return kind.error();
    c.kind = *kind;
    c.url = q.value(2).toString();
    c.timeoutMs = q.value(3).toLongLong();
    c.secretRef = q.value(4).toString();
    c.options = QJsonDocument::fromJson(q.value(5).toByteArray()).object();
    return c;
}

} // namespace

Status ChannelRepository::addChannel(const ChannelConfig &c)
{
    if (auto s = m_ctx.requireWritable(); !s)
        return s;
    if (auto s = c.validate(); !s)
        return s;
    if (c.name == QLatin1String("outbox"))
        return Error::badInput(QStringLiteral("'outbox' is the built-in channel; give your channel another name"));
    WriteTransaction tx(m_ctx);
    if (auto s = tx.begin(); !s)
        return s;
    {
        Statement exists = m_ctx.prepare(kChannelExists);
        exists.addBindValue(c.name);
        if (auto s = exec(exists, QStringLiteral("looking up channel")); !s)
            return s;
        if (exists.next())
            return Error::badInput(QStringLiteral("channel '%1' already exists; change it with `heraldctl channel set %1`").arg(c.name));
    }
    Statement q = m_ctx.prepare(kInsertChannel);
    q.addBindValue(c.name);
    for (const QVariant &v : channelSettings(c))
        q.addBindValue(v);
    q.addBindValue(m_ctx.now());
    q.addBindValue(m_ctx.now());
    if (auto s = exec(q, QStringLiteral("adding channel '%1'").arg(c.name)); !s)
        return s;
    // The audit log names the channel, never its secret.
    if (auto s = m_ctx.writeAudit(QStringLiteral("channel.add"), QStringLiteral("channel ") + c.name, 1, {}, {}); !s)
        return s.error();
    return tx.commit();
}

Status ChannelRepository::updateChannel(const ChannelConfig &c)
{
    if (auto s = m_ctx.requireWritable(); !s)
        return s;
    if (auto s = c.validate(); !s)
        return s;
    WriteTransaction tx(m_ctx);
    if (auto s = tx.begin(); !s)
        return s;
    Statement q = m_ctx.prepare(kUpdateChannel);
    for (const QVariant &v : channelSettings(c))
        q.addBindValue(v);
    q.addBindValue(m_ctx.now());
    q.addBindValue(c.name);
    if (auto s = exec(q, QStringLiteral("updating channel '%1'").arg(c.name)); !s)
        return s;
    if (q.numRowsAffected() != 1)
        return Error::notFound(QStringLiteral("channel '%1' does not exist; see `heraldctl channel list`").arg(c.name));
    if (auto s = m_ctx.writeAudit(QStringLiteral("channel.set"), QStringLiteral("channel ") + c.name, 1, {}, {}); !s)
        return s.error();
    return tx.commit();
}

Status ChannelRepository::removeChannel(const QString &name)
{
    if (auto s = m_ctx.requireWritable(); !s)
        return s;
    WriteTransaction tx(m_ctx);
    if (auto s = tx.begin(); !s)
        return s;
    {
        Statement used = m_ctx.prepare(kQueuesUsingChannel);
        used.addBindValue(name);
        if (auto s = exec(used, QStringLiteral("checking channel use")); !s)
            return s;
        QStringList queues;
        while (used.next())
            queues << used.value(0).toString();
        if (!queues.isEmpty())
            return Error::refused(QStringLiteral("channel '%1' is the default channel of queue %2; change that first with "
                                                 "`heraldctl queue set %3 --channel outbox`")
                                      .arg(name, queues.join(QStringLiteral(", ")), queues.front()));
    }
    Statement q = m_ctx.prepare(kDeleteChannel);
    q.addBindValue(name);
    if (auto s = exec(q, QStringLiteral("removing channel '%1'").arg(name)); !s)
        return s;
    if (q.numRowsAffected() != 1)
        return Error::notFound(QStringLiteral("channel '%1' does not exist; see `heraldctl channel list`").arg(name));
    if (auto s = m_ctx.writeAudit(QStringLiteral("channel.remove"), QStringLiteral("channel ") + name, 1, {}, {}); !s)
        return s.error();
    return tx.commit();
}

Result<ChannelConfig> ChannelRepository::channel(const QString &name)
{
    Statement q = m_ctx.prepare(QStringLiteral("SELECT ") + kChannelColumns + QStringLiteral(" FROM channels WHERE name = ?"));
    q.addBindValue(name);
    if (auto s = exec(q, QStringLiteral("reading channel")); !s)
        return s.error();
    if (!q.next())
        return Error::notFound(QStringLiteral("channel '%1' does not exist; see `heraldctl channel list`").arg(name));
    return readChannel(q);
}

Result<QList<ChannelConfig>> ChannelRepository::channels()
{
    Statement q = m_ctx.prepare(QStringLiteral("SELECT ") + kChannelColumns + QStringLiteral(" FROM channels ORDER BY name"));
    if (auto s = exec(q, QStringLiteral("listing channels")); !s)
        return s.error();
    QList<ChannelConfig> out;
    while (q.next()) {
        auto c = readChannel(q);
        if (!c)
            return c.error();
        out << *c;
    }
    return out;
}

Status ChannelRepository::requireChannel(const QString &name)
{
    if (name.isEmpty() || isChannelKindName(name))
        return {};
    Statement q = m_ctx.prepare(kChannelExists);
    q.addBindValue(name);
    if (auto s = exec(q, QStringLiteral("looking up channel")); !s)
        return s;
    if (!q.next())
        return Error::badInput(QStringLiteral("channel '%1' is unknown; add it with `heraldctl channel add %1 --kind …`, or use one of %2")
                                   .arg(name, knownChannels()));
    return {};
}

Result<QList<OutboxEntry>> ChannelRepository::outbox(qint64 afterId, int limit)
{
    Statement q = m_ctx.prepare(kOutboxPage);
    q.addBindValue(afterId);
    q.addBindValue(afterId);
    q.addBindValue(limit);
    if (auto s = exec(q, QStringLiteral("reading the outbox")); !s)
        return s.error();
    QList<OutboxEntry> out;
    while (q.next())
        out << OutboxEntry{q.value(0).toLongLong(), q.value(1).toLongLong(), q.value(2).toString(), q.value(3).toString(),
                           q.value(4).toString(),   q.value(5).toByteArray(), q.value(6).toLongLong()};
    return out;
}

Result<bool> ChannelRepository::isSuppressed(const QString &address)
{
    // An expired entry (a soft-bounce suppression past its expiry) no longer holds the address back.
    Statement q = m_ctx.prepare(kIsSuppressed);
    q.addBindValue(address.trimmed().toLower());
    q.addBindValue(m_ctx.now());
    if (auto s = exec(q, QStringLiteral("checking the suppression list")); !s)
        return s.error();
    return q.next();
}

Status ChannelRepository::addSuppression(const QString &address, const QString &reason)
{
    if (auto s = m_ctx.requireWritable(); !s)
        return s;
    const QString key = address.trimmed().toLower();
    if (key.isEmpty())
        return Error::badInput(QStringLiteral("no address to suppress; give an e-mail address such as ana@example.org"));
    // The reason column holds one of the known reasons; any other text (a stale push token's error) is
    // kept as the note of a manual entry. Adding again replaces the entry: an operator's word wins, and
    // an entry added here never expires.
    const bool known = SuppressionReason::isKnown(reason);
    WriteTransaction tx(m_ctx);
    if (auto s = tx.begin(); !s)
        return s;
    Statement q = m_ctx.prepare(insertSuppression(*m_ctx.backend));
    q.addBindValue(key);
    q.addBindValue(known ? reason : SuppressionReason::Manual);
    q.addBindValue(nullableText(known ? QString() : reason));
    q.addBindValue(m_ctx.now());
    if (auto s = exec(q, QStringLiteral("adding a suppression")); !s)
        return s;
    return tx.commit();
}

} // namespace herald
