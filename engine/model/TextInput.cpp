#include "TextInput.h"


namespace herald {

Status checkPlainText(const QString &field, const QString &value)
{
    for (qsizetype i = 0; i < value.size(); ++i) {
        const char16_t c = value.at(i).unicode();
        if (c == 0)
            return Error::badInput(QStringLiteral("%1 holds a NUL character at position %2; remove it").arg(field).arg(i + 1));
        if (c < 0x20 || c == 0x7f)
            return Error::badInput(
                QStringLiteral("%1 holds the control character U+%2 at position %3; remove it").arg(field).arg(int(c), 4, 16, QLatin1Char('0')).arg(i + 1));
    }
    return {};
}

namespace {

// The offset of the first byte that does not belong to well-formed UTF-8 (RFC 3629: no overlong forms, no
// surrogates, nothing past U+10FFFF), or -1.
qsizetype firstInvalidUtf8(const QByteArray &s)
{
    qsizetype i = 0;
    const qsizetype n = s.size();
    const auto at = [&](qsizetype k) { return uchar(s.at(k)); };
    while (i < n) {
        const uchar c = at(i);
        int len = 0;
        uchar lo = 0x80, hi = 0xbf; // allowed range of the second byte
        if (c < 0x80) {
            ++i;
            continue;
        } else if (c >= 0xc2 && c <= 0xdf) {
            len = 2;
        } else if (c >= 0xe0 && c <= 0xef) {
            len = 3;
            lo = c == 0xe0 ? 0xa0 : 0x80;
            hi = c == 0xed ? 0x9f : 0xbf;
        } else if (c >= 0xf0 && c <= 0xf4) {
            len = 4;
            lo = c == 0xf0 ? 0x90 : 0x80;
            hi = c == 0xf4 ? 0x8f : 0xbf;
        } else {
            return i;
        }
        if (i + 1 >= n || at(i + 1) < lo || at(i + 1) > hi)
            return i;
        for (int k = 2; k < len; ++k)
            if (i + k >= n || (at(i + k) & 0xc0) != 0x80)
                return i;
        i += len;
    }
    return -1;
}

} // namespace

Result<QStringList> decodeArguments(int argc, char *argv[])
{
    QStringList out;
    for (int i = 0; i < argc; ++i) {
        const QByteArray raw(argv[i]);
        if (const qsizetype bad = firstInvalidUtf8(raw); bad >= 0)
            return Error::badInput(QStringLiteral("argument %1 is not valid UTF-8 (byte %2 is 0x%3); give text in UTF-8")
                                       .arg(i)
                                       .arg(bad + 1)
                                       .arg(uchar(raw.at(bad)), 2, 16, QLatin1Char('0')));
        out << QString::fromUtf8(raw);
    }
    return out;
}

} // namespace herald
