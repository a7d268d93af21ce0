#include "TimeText.h"

#include <QDateTime>
#include <QRegularExpression>
#include <QTimeZone>

#include <array>

namespace herald {

namespace {
struct Unit
{
    const char *suffix;
    qint64 ms;
};
constexpr std::array<Unit, 5> kUnits{{{"d", 86'400'000}, {"h", 3'600'000}, {"m", 60'000}, {"s", 1'000}, {"ms", 1}}};
} // namespace

Result<qint64> parseDuration(const QString &text)
{
    static const QRegularExpression part(QStringLiteral("(\\d+)(ms|s|m|h|d)"));
    const QString t = text.trimmed();
    const auto bad = [&] {
        return Error::badInput(QStringLiteral("'%1' is not a duration; write a number and a unit, e.g. 250ms, 5s, 15m, 2h, 7d or 1h30m")
                                   .arg(text));
    };
    if (t.isEmpty())
        return bad();
    qint64 total = 0;
    qsizetype pos = 0;
    while (pos < t.size()) {
        const auto m = part.match(t, pos, QRegularExpression::NormalMatch, QRegularExpression::AnchorAtOffsetMatchOption);
        if (!m.hasMatch())
            return bad();
        bool ok = false;
        const qint64 n = m.captured(1).toLongLong(&ok);
        if (!ok || n > 100'000'000'000LL)
            return bad();
        const QString unit = m.captured(2);
        for (const Unit &u : kUnits)
            if (unit == QLatin1String(u.suffix))
                total += n * u.ms;
        pos = m.capturedEnd(0);
    }
    return total;
}

QString formatDuration(qint64 ms)
{
    if (ms == 0)
        return QStringLiteral("0s");
    QString out;
    if (ms < 0) {
        out += QLatin1Char('-');
        ms = -ms;
    }
    for (const Unit &u : kUnits) {
        if (ms >= u.ms) {
            out += QString::number(ms / u.ms) + QLatin1String(u.suffix);
            ms %= u.ms;
        }
    }
    return out;
}

Result<qint64> parseTimestamp(const QString &text, qint64 nowMs)
{
    const QString t = text.trimmed();
    if (t.compare(QLatin1String("now"), Qt::CaseInsensitive) == 0)
        return nowMs;
    QDateTime dt = QDateTime::fromString(t, Qt::ISODateWithMs);
    if (!dt.isValid())
        dt = QDateTime::fromString(t, Qt::ISODate);
    if (!dt.isValid()) {
        // A date alone means midnight UTC.
        const QDate d = QDate::fromString(t, Qt::ISODate);
        if (d.isValid())
            dt = d.startOfDay(QTimeZone::utc());
    }
    if (!dt.isValid())
        return Error::badInput(
            QStringLiteral("'%1' is not an ISO 8601 time; write e.g. 2026-11-24T09:30:00Z or 2026-11-24T10:30:00+01:00").arg(text));
    if (dt.timeSpec() == Qt::LocalTime)
        dt.setTimeZone(QTimeZone::utc());
    return dt.toMSecsSinceEpoch();
}

QString formatTimestamp(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

QString formatTimestampSeconds(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODate);
}

qint64 currentTimeMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

} // namespace herald
