#pragma once

#include "Result.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace herald {

// The longest search text a selection takes (heraldctl --search, the console's search field).
inline constexpr qsizetype kMaxSearchChars = 1000;

// Text fields of a message (type, recipient, channel, dedupe key, label keys and values) hold no NUL and
// no other control character: such a character would cut the text short in a peer or a terminal. The
// error names the field and the 1-based position of the character.
Status checkPlainText(const QString &field, const QString &value);

// Command-line arguments as the process got them, each checked to be UTF-8; an argument that is not is
// refused with its number and byte offset instead of being read with U+FFFD in it.
Result<QStringList> decodeArguments(int argc, char *argv[]);

} // namespace herald
