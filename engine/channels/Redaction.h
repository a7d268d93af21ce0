#pragma once

#include <QString>
#include <QStringList>

namespace herald {

// The one step every text from a peer (an HTTP body, an SMTP reply, a transport error) passes through
// before it is stored (last_error, attempts.error), logged or printed: a peer that echoes the request
// must not put a credential into the store, `show`, `list`, `export`, the work log or `channel test`.
//  - each known secret, as written, in base64 and percent-encoded, becomes "[secret]";
//  - from the first Authorization header, Bearer/Basic credential or SMTP AUTH command on, the rest
//    is cut ("[cut: may hold credentials]");
//  - the result is at most maxChars characters ("… [N more characters cut]").
QString redactPeerText(const QString &text, const QStringList &secrets = {}, qsizetype maxChars = 2000);

} // namespace herald
