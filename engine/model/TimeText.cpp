#include "TimeText.h"

#include <QDateTime>
#include <QRegularExpression>
#include <QTimeZone>

#include <array>
#include <optional>

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
        const auto tooLong = [&] {
            return Error::badInput(QStringLiteral("'%1' is longer than 100 years; give a duration of at most 36525d, e.g. 30d or 365d").arg(text));
        };
        bool ok = false;
        const qint64 n = m.captured(1).toLongLong(&ok);
        if (!ok) // more digits than a 64-bit number holds
            return tooLong();
        const QString unit = m.captured(2);
        for (const Unit &u : kUnits) {
            if (unit != QLatin1String(u.suffix))
                continue;
            // Checked before multiplying, so nothing can overflow.
            if (n > (kMaxDurationMs - total) / u.ms)
                return tooLong();
            total += n * u.ms;
        }
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
    // Read field by field: Qt's ISO reader takes "2026-12-31T25:00:00Z" as a date followed by noise and
    // gives midnight, a day early, so nothing here relies on it.
    static const QRegularExpression iso(QStringLiteral(
        "^(\\d{4})-(\\d{2})-(\\d{2})(?:[T ](\\d{2}):(\\d{2})(?::(\\d{2})(?:[.,](\\d{1,9}))?)?(Z|z|[+-]\\d{2}(?::?\\d{2})?)?)?$"));
    const auto m = iso.match(t);
    const auto bad = [&](const QString &why) {
        return Error::badInput(QStringLiteral("'%1' is not a valid time: %2; write e.g. 2026-11-24T09:30:00Z or 2026-11-24T10:30:00+01:00")
                                   .arg(text, why));
    };
    if (!m.hasMatch())
        return bad(QStringLiteral("it is not in ISO 8601 form (YYYY-MM-DD, optionally THH:MM[:SS[.fff]] and Z or ±HH:MM)"));
    const int year = m.captured(1).toInt(), month = m.captured(2).toInt(), day = m.captured(3).toInt();
    if (year < 1900)
        return bad(QStringLiteral("year %1 is before 1900").arg(year));
    if (month < 1 || month > 12)
        return bad(QStringLiteral("month %1 does not exist (01–12)").arg(m.captured(2)));
    const QDate date(year, month, day);
    if (!date.isValid())
        return bad(QStringLiteral("day %1 does not exist in %2-%3").arg(m.captured(3), m.captured(1), m.captured(2)));
    int hour = 0, minute = 0, second = 0, millis = 0;
    if (m.hasCaptured(4)) {
        hour = m.captured(4).toInt();
        minute = m.captured(5).toInt();
        second = m.hasCaptured(6) ? m.captured(6).toInt() : 0;
        if (hour > 23)
            return bad(QStringLiteral("hour %1 does not exist (00–23)").arg(m.captured(4)));
        if (minute > 59)
            return bad(QStringLiteral("minute %1 does not exist (00–59)").arg(m.captured(5)));
        if (second > 59)
            return bad(QStringLiteral("second %1 does not exist (00–59)").arg(m.captured(6)));
        if (m.hasCaptured(7))
            millis = m.captured(7).left(3).leftJustified(3, QLatin1Char('0')).toInt();
    }
    qint64 offsetMs = 0;
    if (m.hasCaptured(8) && m.captured(8).compare(QLatin1String("z"), Qt::CaseInsensitive) != 0) {
        const QString zone = m.captured(8);
        const QString digits = zone.mid(1).remove(QLatin1Char(':'));
        const int oh = digits.left(2).toInt();
        const int om = digits.size() > 2 ? digits.mid(2).toInt() : 0;
        if (om > 59)
            return bad(QStringLiteral("offset %1 has minute %2 (00–59)").arg(zone).arg(om));
        if (oh * 60 + om > 14 * 60)
            return bad(QStringLiteral("offset %1 is beyond ±14:00").arg(zone));
        offsetMs = (zone.startsWith(QLatin1Char('-')) ? -1 : 1) * (qint64(oh) * 3'600'000 + qint64(om) * 60'000);
    }
    const QDateTime utc(date, QTime(hour, minute, second, millis), QTimeZone::utc());
    return utc.toMSecsSinceEpoch() - offsetMs;
}

namespace {

// Years 1970 to 9999 written directly: a plan's diff prints a time per message, and QDateTime::toString
// cost more than the rest of the line. The same text as QDateTime's ISO forms (tst_model compares them).
std::optional<QString> formatUtc(qint64 ms, bool withMs)
{
    constexpr qint64 kDayMs = 86'400'000;
    constexpr qint64 kYear10000 = 253'402'300'800'000; // 10000-01-01T00:00:00Z
    if (ms < 0 || ms >= kYear10000)
        return std::nullopt;
    const QDate date = QDate::fromJulianDay(ms / kDayMs + 2'440'588); // 2440588: 1970-01-01
    const qint64 inDay = ms % kDayMs;
    std::array<char, 24> text{};
    const auto put = [&text](qsizetype at, qint64 value, int digits) {
        for (int i = digits - 1; i >= 0; --i, value /= 10)
            text[at + i] = static_cast<char>('0' + value % 10);
    };
    put(0, date.year(), 4);
    text[4] = '-';
    put(5, date.month(), 2);
    text[7] = '-';
    put(8, date.day(), 2);
    text[10] = 'T';
    put(11, inDay / 3'600'000, 2);
    text[13] = ':';
    put(14, inDay / 60'000 % 60, 2);
    text[16] = ':';
    put(17, inDay / 1000 % 60, 2);
    qsizetype size = 19;
    if (withMs) {
        text[19] = '.';
        put(20, inDay % 1000, 3);
        size = 23;
    }
    text[size++] = 'Z';
    return QString::fromLatin1(text.data(), size);
}

} // namespace

QString formatTimestamp(qint64 ms)
{
    if (auto fast = formatUtc(ms, true))
        return *fast;
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

QString formatTimestampSeconds(qint64 ms)
{
    if (auto fast = formatUtc(ms, false))
        return *fast;
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODate);
}

qint64 currentTimeMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

} // namespace herald
