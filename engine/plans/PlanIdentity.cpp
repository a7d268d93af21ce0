#include "PlanIdentity.h"

#include <QStringList>
#include <QUrl>

namespace herald {

namespace {

QString encode(const QString &part)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(part));
}

QString decode(const QString &part)
{
    return QUrl::fromPercentEncoding(part.toLatin1());
}

} // namespace

QString PlanIdentity::toString() const
{
    QString instance = session.isEmpty() ? QStringLiteral("event") : QString(QStringLiteral("session:") + encode(session));
    if (!change.isEmpty())
        instance += QLatin1Char('@') + encode(change);
    return QStringList{encode(plan), encode(event), encode(type), instance, encode(person)}.join(QLatin1Char('/'));
}

std::optional<PlanIdentity> PlanIdentity::parse(const QString &text)
{
    const QStringList parts = text.split(QLatin1Char('/'));
    if (parts.size() != 5)
        return std::nullopt;
    for (const QString &p : parts)
        if (p.isEmpty())
            return std::nullopt;
    PlanIdentity id;
    id.plan = decode(parts.at(0));
    id.event = decode(parts.at(1));
    id.type = decode(parts.at(2));
    id.person = decode(parts.at(4));
    QString instance = parts.at(3);
    if (const qsizetype at = instance.indexOf(QLatin1Char('@')); at >= 0) {
        id.change = decode(instance.mid(at + 1));
        instance.truncate(at);
        if (id.change.isEmpty())
            return std::nullopt;
    }
    if (instance.startsWith(QLatin1String("session:")))
        id.session = decode(instance.mid(8));
    else if (instance != QLatin1String("event"))
        return std::nullopt;
    if (instance.startsWith(QLatin1String("session:")) && id.session.isEmpty())
        return std::nullopt;
    return id;
}

} // namespace herald
