#pragma once

#include "Delivery.h"

#include <QDateTime>
#include <QList>
#include <QNetworkReply>
#include <QUrl>

#include <optional>

namespace herald {

// Reads an HTTP answer and classifies it (DESIGN §6), the same way for every HTTP channel:
// 2xx success; 408, 429, 5xx, timeouts, refused/reset/closed connections, TLS failures and answers that
// are not HTTP are retryable; redirects and the other 4xx are permanent. Stateless; any thread.
class HttpClassifier
{
public:
    struct Answer
    {
        QUrl url;
        int status = 0; // 0: no HTTP answer (see error)
        QString reason;
        QNetworkReply::NetworkError error = QNetworkReply::NoError;
        QString errorString; // with the URL already reduced by urlForPeople
        QByteArray body;
        QList<QNetworkReply::RawHeaderPair> headers;

        QByteArray header(const QByteArray &name) const; // case-insensitive; empty when absent
    };

    static Answer read(QNetworkReply *reply);

    // timeoutMs: the channel's, to say how long was waited. now: for Retry-After given as an HTTP-date.
    static DeliveryOutcome classify(const Answer &answer, qint64 timeoutMs, const QDateTime &now = QDateTime::currentDateTimeUtc());

    // Retry-After as delay-seconds or HTTP-date, in ms from now (never negative); nullopt when unreadable.
    static std::optional<qint64> retryAfterMs(const QByteArray &value, const QDateTime &now);

    // scheme://host:port/path: no credentials, no query (tokens often travel there), no fragment.
    static QString urlForPeople(const QUrl &url);

    // The start of a body, on one line, for error messages.
    static QString snippet(const QByteArray &body, qsizetype maxChars = 200);

    // A string or number at a dotted path ("id", "messages.0.id") of a JSON body; empty when absent.
    static QString jsonText(const QByteArray &body, const QString &path);
};

} // namespace herald
