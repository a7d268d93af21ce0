#include "EmailAddress.h"

#include <QRegularExpression>

namespace herald {

bool EmailAddress::isAddress(const QString &address)
{
    // Deliberately plain: the SMTP server is the judge of the rest; this only keeps out what cannot be an
    // envelope address at all (spaces, brackets, missing parts) before a connection is spent on it.
    static const QRegularExpression re(QStringLiteral(R"re(^[^@\s<>()",;:\\]+@[^@\s<>()",;:\\]+\.[^@\s<>()",;:\\.]+$)re"));
    return re.match(address).hasMatch();
}

Result<EmailAddress> EmailAddress::parse(const QString &text, const QString &what)
{
    const QString t = text.trimmed();
    if (t.isEmpty())
        return Error::badInput(QStringLiteral("%1 is empty; give an address such as ops@example.org").arg(what));
    EmailAddress result;
    if (t.endsWith(QLatin1Char('>'))) {
        const qsizetype open = t.lastIndexOf(QLatin1Char('<'));
        if (open < 0)
            return Error::badInput(QStringLiteral("%1: '%2' has a '>' without '<'; write Name <ops@example.org>").arg(what, t));
        result.displayName = t.left(open).trimmed();
        if (result.displayName.size() >= 2 && result.displayName.startsWith(QLatin1Char('"'))
            && result.displayName.endsWith(QLatin1Char('"')))
            result.displayName = result.displayName.mid(1, result.displayName.size() - 2);
        result.address = t.mid(open + 1, t.size() - open - 2).trimmed();
    } else {
        result.address = t;
    }
    if (result.displayName.contains(QLatin1Char('\r')) || result.displayName.contains(QLatin1Char('\n')))
        return Error::badInput(QStringLiteral("%1: the name must be on one line").arg(what));
    if (!isAddress(result.address))
        return Error::badInput(
            QStringLiteral("%1: '%2' is not an email address; write ops@example.org or Name <ops@example.org>").arg(what, result.address));
    return result;
}

} // namespace herald
