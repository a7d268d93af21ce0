#include "QueueConfig.h"

#include <QRegularExpression>
#include <QStringList>

namespace herald {

namespace {
const QStringList &channels()
{
    static const QStringList list{QStringLiteral("outbox"), QStringLiteral("webhook"), QStringLiteral("sms"),
                                  QStringLiteral("email"), QStringLiteral("push")};
    return list;
}
} // namespace

bool isChannelKindName(const QString &channel)
{
    return channels().contains(channel);
}

QString knownChannels()
{
    return channels().join(QStringLiteral(", "));
}

Status validateChannelName(const QString &name)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"));
    if (!re.match(name).hasMatch())
        return Error::badInput(QStringLiteral("channel name '%1' is not allowed; use 1 to 64 letters, digits, '.', '_' or '-', "
                                              "e.g. hooks or sms-gateway")
                                   .arg(name));
    return {};
}

Status QueueConfig::validateName(const QString &name)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"));
    if (!re.match(name).hasMatch())
        return Error::badInput(QStringLiteral("queue name '%1' is not allowed; use 1 to 64 letters, digits, '.', '_' or '-', "
                                              "starting with a letter or digit, e.g. event-messages")
                                   .arg(name));
    return {};
}

Status QueueConfig::validate() const
{
    if (auto s = validateName(name); !s)
        return s;
    if (concurrency < 1 || concurrency > 1000)
        return Error::badInput(QStringLiteral("concurrency %1 for queue '%2' is out of range; use 1 to 1000").arg(concurrency).arg(name));
    if (maxAttempts < 1 || maxAttempts > 1000)
        return Error::badInput(QStringLiteral("max attempts %1 for queue '%2' is out of range; use 1 to 1000").arg(maxAttempts).arg(name));
    if (auto s = validateChannelName(defaultChannel); !s)
        return s;
    for (const auto &r : {retainCompletedMs, retainFailedMs, retainCancelledMs})
        if (r && *r <= 0)
            return Error::badInput(QStringLiteral("a retention of queue '%1' is not positive; give a duration such as 30d, or none").arg(name));
    return {};
}

} // namespace herald
