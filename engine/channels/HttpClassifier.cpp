#include "HttpClassifier.h"

#include "TemplateRenderer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <algorithm>

namespace herald {

QByteArray HttpClassifier::Answer::header(const QByteArray &name) const
{
    for (const auto &[key, value] : headers)
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    return {};
}

HttpClassifier::Answer HttpClassifier::read(QNetworkReply *reply)
{
    Answer a;
    a.url = reply->url();
    a.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    a.reason = QString::fromUtf8(reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toByteArray());
    a.error = reply->error();
    // Qt's messages may quote the full URL, query and all; people see the reduced form.
    a.errorString = reply->errorString().replace(reply->url().toString(), urlForPeople(reply->url()));
    if (reply->isOpen()) // closed when Qt gave up on the transfer (timeout)
        a.body = reply->readAll();
    a.headers = reply->rawHeaderPairs();
    return a;
}

QString HttpClassifier::urlForPeople(const QUrl &url)
{
    return url.adjusted(QUrl::RemoveUserInfo | QUrl::RemoveQuery | QUrl::RemoveFragment).toString();
}

QString HttpClassifier::snippet(const QByteArray &body, qsizetype maxChars)
{
    QString text = QString::fromUtf8(body).simplified();
    text.remove(QRegularExpression(QStringLiteral("[\\x00-\\x1f\\x7f]")));
    if (text.size() > maxChars)
        text = text.left(maxChars) + QChar(0x2026);
    return text;
}

QString HttpClassifier::jsonText(const QByteArray &body, const QString &path)
{
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    if (doc.isNull())
        return {};
    QJsonValue v = doc.isObject() ? QJsonValue(doc.object()) : QJsonValue(doc.array());
    for (const QString &part : path.split(QLatin1Char('.'))) {
        bool isIndex = false;
        const int index = part.toInt(&isIndex);
        if (v.isArray() && isIndex)
            v = v.toArray().at(index);
        else if (v.isObject())
            v = v.toObject().value(part);
        else
            return {};
    }
    return (v.isString() || v.isDouble()) ? TemplateRenderer::textOf(v) : QString();
}

std::optional<qint64> HttpClassifier::retryAfterMs(const QByteArray &value, const QDateTime &now)
{
    const QByteArray v = value.trimmed();
    if (v.isEmpty())
        return std::nullopt;
    bool isNumber = false;
    const qint64 seconds = v.toLongLong(&isNumber);
    if (isNumber)
        return seconds < 0 ? std::nullopt : std::optional<qint64>(seconds * 1000);
    // IMF-fixdate ("Wed, 21 Oct 2015 07:28:00 GMT") is RFC 2822 with "GMT" for the zone, which Qt's
    // RFC 2822 reader wants as an offset.
    QString text = QString::fromLatin1(v);
    if (text.endsWith(QLatin1String(" GMT")))
        text = text.chopped(4) + QLatin1String(" +0000");
    const QDateTime at = QDateTime::fromString(text, Qt::RFC2822Date);
    if (!at.isValid())
        return std::nullopt;
    return std::max<qint64>(0, now.msecsTo(at));
}

DeliveryOutcome HttpClassifier::classify(const Answer &answer, qint64 timeoutMs, const QDateTime &now)
{
    const QString where = urlForPeople(answer.url);
    const int status = answer.status;
    if (status == 0) {
        switch (answer.error) {
        case QNetworkReply::NoError:
            return DeliveryOutcome::retryable(QStringLiteral("%1 gave no HTTP status; will retry").arg(where));
        case QNetworkReply::OperationCanceledError: // how Qt 6.4 ends a request at its transfer timeout
        case QNetworkReply::TimeoutError:
            return DeliveryOutcome::retryable(QStringLiteral("no answer from %1 within %2 ms (the channel's timeout)").arg(where).arg(timeoutMs));
        case QNetworkReply::ConnectionRefusedError:
            return DeliveryOutcome::retryable(QStringLiteral("%1 refused the connection; is the service running?").arg(where));
        case QNetworkReply::RemoteHostClosedError:
            return DeliveryOutcome::retryable(QStringLiteral("%1 closed the connection before answering").arg(where));
        case QNetworkReply::HostNotFoundError:
            return DeliveryOutcome::retryable(QStringLiteral("host of %1 not found (DNS); check the channel URL").arg(where));
        case QNetworkReply::SslHandshakeFailedError:
            return DeliveryOutcome::retryable(QStringLiteral("TLS with %1 failed: %2").arg(where, answer.errorString));
        default:
            return DeliveryOutcome::retryable(QStringLiteral("%1: %2").arg(where, answer.errorString));
        }
    }

    const QString detail = [&] {
        const QString body = snippet(answer.body);
        if (answer.reason.isEmpty())
            return body;
        return body.isEmpty() ? answer.reason : answer.reason + QStringLiteral(": ") + body;
    }();
    const QString said = QStringLiteral("HTTP %1 from %2%3").arg(status).arg(where, detail.isEmpty() ? QString() : QStringLiteral(": ") + detail);

    if (status >= 200 && status < 300)
        return DeliveryOutcome::success();
    if (status >= 300 && status < 400) {
        const QString location = QString::fromUtf8(answer.header("Location"));
        return DeliveryOutcome::permanent(
            QStringLiteral("HTTP %1 from %2: redirected to %3; point the channel at the final URL")
                .arg(status)
                .arg(where, location.isEmpty() ? QStringLiteral("an unnamed place") : urlForPeople(answer.url.resolved(QUrl(location)))),
            status);
    }
    if (status == 408 || status == 429 || (status >= 500 && status < 600)) {
        DeliveryOutcome o = DeliveryOutcome::retryable(said, status);
        if (status == 429 || status == 503)
            o.retryAfterMs = retryAfterMs(answer.header("Retry-After"), now);
        // A 429 speaks for every message of the channel, not just this one.
        o.pauseChannel = status == 429;
        return o;
    }
    if (status >= 400 && status < 500)
        return DeliveryOutcome::permanent(said, status);
    return DeliveryOutcome::retryable(QStringLiteral("unexpected %1").arg(said), status);
}

} // namespace herald
