#pragma once

#include "Result.h"

#include <QString>

namespace herald {

// One mailbox as written in a From/Reply-To option or a message recipient: "ops@example.org" or
// "Herald Ops <ops@example.org>". Only the shapes Herald writes itself are accepted; group syntax,
// comments and quoted local parts are refused with a message saying so.
struct EmailAddress
{
    QString displayName; // may be empty
    QString address;     // local@domain

    // what: names the input in errors, e.g. "option 'from'".
    static Result<EmailAddress> parse(const QString &text, const QString &what);
    static bool isAddress(const QString &address);

    bool operator==(const EmailAddress &) const = default;
};

} // namespace herald
