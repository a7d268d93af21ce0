#include "RateLimit.h"

#include "TimeText.h"

namespace herald {

Result<RateLimit> RateLimit::parse(const QString &text)
{
    const QString t = text.trimmed();
    if (t.isEmpty() || t.compare(QLatin1String("none"), Qt::CaseInsensitive) == 0)
        return RateLimit{};
    const auto bad = [&](const QString &why) {
        return Error::badInput(
            QStringLiteral("rate limit '%1': %2; write MAX/WINDOW, e.g. 20/1m (at most 20 starts per minute), or none").arg(text, why));
    };
    const qsizetype slash = t.indexOf(QLatin1Char('/'));
    if (slash < 0)
        return bad(QStringLiteral("no '/' between the count and the window"));
    bool ok = false;
    const int max = t.left(slash).toInt(&ok);
    if (!ok || max <= 0)
        return bad(QStringLiteral("the count '%1' is not a positive whole number").arg(t.left(slash)));
    QString window = t.mid(slash + 1);
    // "20/m" reads as 20 per minute.
    if (!window.isEmpty() && !window.front().isDigit())
        window.prepend(QLatin1Char('1'));
    const auto w = parseDuration(window);
    if (!w || *w <= 0)
        return bad(QStringLiteral("the window '%1' is not a positive duration").arg(t.mid(slash + 1)));
    return RateLimit{max, *w};
}

QString RateLimit::toString() const
{
    return isLimited() ? QString::number(maxStarts) + QLatin1Char('/') + formatDuration(windowMs) : QStringLiteral("none");
}

} // namespace herald
