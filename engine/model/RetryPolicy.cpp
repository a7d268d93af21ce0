#include "RetryPolicy.h"

#include "TimeText.h"

#include <QStringList>

#include <algorithm>
#include <cmath>

namespace herald {

Result<RetryPolicy> RetryPolicy::parse(const QString &text)
{
    const QStringList parts = text.trimmed().split(QLatin1Char(':'));
    const auto bad = [&](const QString &why) {
        return Error::badInput(QStringLiteral("back-off '%1': %2; write e.g. exponential:5s, fixed:30s or "
                                              "exponential:5s:cap=10m:jitter=20%")
                                   .arg(text, why));
    };
    if (parts.size() < 2)
        return bad(QStringLiteral("a kind and a base delay are needed"));
    RetryPolicy p;
    const QString kind = parts[0].toLower();
    if (kind == QLatin1String("exponential"))
        p.kind = Kind::Exponential;
    else if (kind == QLatin1String("fixed"))
        p.kind = Kind::Fixed;
    else
        return bad(QStringLiteral("the kind '%1' is unknown (exponential or fixed)").arg(parts[0]));
    const auto base = parseDuration(parts[1]);
    if (!base || *base <= 0)
        return bad(QStringLiteral("the base delay '%1' is not a positive duration").arg(parts[1]));
    p.baseMs = *base;
    for (qsizetype i = 2; i < parts.size(); ++i) {
        const QString opt = parts[i];
        if (opt.startsWith(QLatin1String("cap="))) {
            const auto cap = parseDuration(opt.mid(4));
            if (!cap || *cap <= 0)
                return bad(QStringLiteral("the cap '%1' is not a positive duration").arg(opt.mid(4)));
            p.capMs = *cap;
        } else if (opt.startsWith(QLatin1String("jitter="))) {
            QString v = opt.mid(7);
            const bool percent = v.endsWith(QLatin1Char('%'));
            if (percent)
                v.chop(1);
            bool ok = false;
            double j = v.toDouble(&ok);
            if (percent)
                j /= 100.0;
            if (!ok || j < 0.0 || j > 1.0)
                return bad(QStringLiteral("the jitter '%1' must be between 0% and 100%").arg(opt.mid(7)));
            p.jitter = j;
        } else {
            return bad(QStringLiteral("the option '%1' is unknown (cap=DURATION or jitter=PERCENT)").arg(opt));
        }
    }
    return p;
}

QString RetryPolicy::toString() const
{
    QString s = (kind == Kind::Exponential ? QStringLiteral("exponential:") : QStringLiteral("fixed:")) + formatDuration(baseMs);
    if (capMs > 0)
        s += QStringLiteral(":cap=") + formatDuration(capMs);
    if (jitter > 0.0)
        s += QStringLiteral(":jitter=%1%").arg(std::round(jitter * 100.0));
    return s;
}

qint64 RetryPolicy::delayAfterAttempt(int attempt, double random01) const
{
    double delay = double(baseMs);
    if (kind == Kind::Exponential)
        delay *= std::pow(2.0, std::clamp(attempt, 1, 40) - 1);
    if (capMs > 0)
        delay = std::min(delay, double(capMs));
    if (jitter > 0.0)
        delay *= 1.0 + jitter * (2.0 * std::clamp(random01, 0.0, 1.0) - 1.0);
    return std::max<qint64>(0, std::llround(delay));
}

} // namespace herald
