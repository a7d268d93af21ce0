#include "ChannelConfig.h"

#include <QUrl>

namespace herald {

Result<ChannelConfig::Kind> ChannelConfig::parseKind(const QString &text)
{
    const QString t = text.trimmed().toLower();
    for (Kind k : {Kind::Outbox, Kind::Webhook, Kind::Sms, Kind::Email, Kind::Push})
        if (kindName(k) == t)
            return k;
    return Error::badInput(QStringLiteral("channel kind '%1' is unknown; use outbox, webhook, sms, email or push").arg(text));
}

QString ChannelConfig::kindName(Kind kind)
{
    switch (kind) {
    case Kind::Outbox: return QStringLiteral("outbox");
    case Kind::Webhook: return QStringLiteral("webhook");
    case Kind::Sms: return QStringLiteral("sms");
    case Kind::Email: return QStringLiteral("email");
    case Kind::Push: return QStringLiteral("push");
    }
    return {};
}

Status ChannelConfig::validate() const
{
    if (name.isEmpty())
        return Error::badInput(QStringLiteral("a channel needs a name"));
    if (kind != Kind::Outbox && !QUrl(url, QUrl::StrictMode).isValid())
        return Error::badInput(QStringLiteral("channel '%1': '%2' is not a valid URL").arg(name, url));
    return {};
}

} // namespace herald
