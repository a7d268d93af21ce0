#pragma once

#include <QString>

namespace herald {

// The shape of a delivery error, so that failures group by cause rather than by text (issue 17): URLs,
// e-mail addresses, UUIDs and long hexadecimal ids become <url>, <email>, <id>; other digit runs <n> —
// but an HTTP status (100–599) and an SMTP enhanced code (5.1.1) stay, since they are the cause;
// whitespace is collapsed. "HTTP 503 from https://a/b/17 after 1200 ms" and the same from /18 after
// 900 ms share one fingerprint, "HTTP 503 from <url> after <n> ms".
QString failureFingerprint(const QString &error);

// A short stable id for a fingerprint: the first 12 hex digits of its SHA-1. The same cause gets the
// same id in every store and every run, so `heraldctl retry --failure-group ID` can name it.
QString failureGroupId(const QString &fingerprint);

// Twelve lowercase hex digits.
bool isFailureGroupId(const QString &text);

} // namespace herald
