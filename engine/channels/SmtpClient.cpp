#include "SmtpClient.h"

#include "HttpClassifier.h"

#include <QRegularExpression>
#include <QUrl>

#include <curl/curl.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <mutex>

namespace herald {

namespace {

struct Upload
{
    const QByteArray *data = nullptr;
    qsizetype offset = 0;
};

size_t readMessage(char *buffer, size_t size, size_t count, void *userData)
{
    auto *upload = static_cast<Upload *>(userData);
    const qsizetype room = static_cast<qsizetype>(size * count);
    const qsizetype n = std::min(room, upload->data->size() - upload->offset);
    if (n <= 0)
        return 0;
    memcpy(buffer, upload->data->constData() + upload->offset, static_cast<size_t>(n));
    upload->offset += n;
    return static_cast<size_t>(n);
}

int checkCancel(void *userData, curl_off_t, curl_off_t, curl_off_t, curl_off_t)
{
    return static_cast<const std::atomic_bool *>(userData)->load() ? 1 : 0;
}

// Keeps the server's replies for error messages. Only what the server says (CURLINFO_HEADER_IN) is kept:
// what we say includes AUTH, which carries the password.
int keepServerReplies(CURL *, curl_infotype type, char *data, size_t size, void *userData)
{
    if (type == CURLINFO_HEADER_IN) {
        auto *replies = static_cast<QByteArray *>(userData);
        replies->append(data, static_cast<qsizetype>(size));
        if (replies->size() > 4096)
            replies->remove(0, replies->size() - 4096);
    }
    return 0;
}

// The server's last reply with this code: after a refusal curl still says QUIT, and "221 Bye" explains nothing.
QString replyWithCode(const QByteArray &replies, long code)
{
    const QByteArray prefix = QByteArray::number(code);
    const QList<QByteArray> lines = replies.split('\n');
    for (auto it = lines.crbegin(); it != lines.crend(); ++it) {
        const QByteArray line = it->trimmed();
        if (line.startsWith(prefix))
            return QString::fromUtf8(line);
    }
    return {};
}

struct CurlDeleter
{
    void operator()(CURL *c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter
{
    void operator()(curl_slist *l) const { curl_slist_free_all(l); }
};

} // namespace

QString SmtpClient::queuedMessageId(const QByteArray &replies)
{
    // The answer to the end of DATA is the session's last single-line 250 reply: QUIT's answer is 221,
    // and EHLO's multi-line 250 replies come first ("250-…" until the last line).
    static const QRegularExpression ses(QStringLiteral("^250 Ok <?([0-9A-Za-z][0-9A-Za-z._@-]{7,254})>?$"),
                                        QRegularExpression::CaseInsensitiveOption);
    const QList<QByteArray> lines = replies.split('\n');
    for (auto it = lines.crbegin(); it != lines.crend(); ++it) {
        const QByteArray line = it->trimmed();
        if (!line.startsWith("250 "))
            continue;
        const QRegularExpressionMatch m = ses.match(QString::fromUtf8(line));
        return m.hasMatch() ? m.captured(1) : QString();
    }
    return {};
}

DeliveryOutcome SmtpClient::send(const Settings &settings, const QString &envelopeFrom, const QString &recipient,
                                 const QByteArray &message, const std::atomic_bool &cancel)
{
    static std::once_flag initialised;
    std::call_once(initialised, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });

    const QString where = HttpClassifier::urlForPeople(QUrl(settings.url));
    std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
    if (!curl)
        return DeliveryOutcome::retryable(QStringLiteral("libcurl could not start an SMTP session for %1").arg(where));

    // curl copies string options, so these only need to live through the setopt calls.
    const QByteArray url = settings.url.toUtf8();
    const QByteArray mailFrom = '<' + envelopeFrom.toUtf8() + '>';
    const QByteArray rcptTo = '<' + recipient.toUtf8() + '>';
    const QByteArray user = settings.user.toUtf8();
    const QByteArray password = settings.password.toUtf8();
    const QByteArray caFile = settings.caFile.toUtf8();
    std::unique_ptr<curl_slist, SlistDeleter> recipients(curl_slist_append(nullptr, rcptTo.constData()));
    Upload upload{&message, 0};
    QByteArray replies;
    char errorBuffer[CURL_ERROR_SIZE] = {};
    const bool implicitTls = settings.url.startsWith(QLatin1String("smtps:"), Qt::CaseInsensitive);

    CURL *c = curl.get();
    curl_easy_setopt(c, CURLOPT_URL, url.constData());
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L); // many threads: no SIGALRM for DNS timeouts
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, mailFrom.constData());
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, recipients.get());
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, readMessage);
    curl_easy_setopt(c, CURLOPT_READDATA, &upload);
    curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(settings.requireTls || implicitTls ? CURLUSESSL_ALL : CURLUSESSL_TRY));
    if (!settings.user.isEmpty()) {
        curl_easy_setopt(c, CURLOPT_USERNAME, user.constData());
        curl_easy_setopt(c, CURLOPT_PASSWORD, password.constData());
    }
    if (!settings.caFile.isEmpty())
        curl_easy_setopt(c, CURLOPT_CAINFO, caFile.constData());
    if (settings.insecureSkipVerify) {
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(settings.timeoutMs));
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, checkCancel);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, &cancel);
    curl_easy_setopt(c, CURLOPT_VERBOSE, 1L); // feeds keepServerReplies; nothing goes to stderr
    curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, keepServerReplies);
    curl_easy_setopt(c, CURLOPT_DEBUGDATA, &replies);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errorBuffer);

    const CURLcode result = curl_easy_perform(c);
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    const int reply = static_cast<int>(code);
    if (result == CURLE_OK)
        return [&] {
            DeliveryOutcome o = DeliveryOutcome::success(queuedMessageId(replies));
            o.responseCode = reply;
            return o;
        }();

    const QString curlSaid = QString::fromUtf8(errorBuffer[0] ? errorBuffer : curl_easy_strerror(result));
    const QString serverSaid = replyWithCode(replies, code);

    if (result == CURLE_LOGIN_DENIED)
        return DeliveryOutcome::permanent(QStringLiteral("the SMTP server at %1 refused the login of user '%2' (%3); check options.user "
                                                         "and the password behind the channel's secretRef")
                                              .arg(where, settings.user, serverSaid.isEmpty() ? curlSaid : serverSaid),
                                          reply);
    if (reply >= 500 && reply < 600)
        return DeliveryOutcome::permanent(
            QStringLiteral("the SMTP server at %1 refused the message for %2: %3").arg(where, recipient, serverSaid.isEmpty() ? curlSaid : serverSaid),
            reply);
    if (reply >= 400 && reply < 500)
        return DeliveryOutcome::retryable(
            QStringLiteral("the SMTP server at %1 deferred the message for %2: %3").arg(where, recipient, serverSaid.isEmpty() ? curlSaid : serverSaid),
            reply);

    switch (result) {
    case CURLE_OPERATION_TIMEDOUT:
        return DeliveryOutcome::retryable(QStringLiteral("no answer from %1 within %2 ms (the channel's timeout)").arg(where).arg(settings.timeoutMs));
    case CURLE_COULDNT_CONNECT:
        return DeliveryOutcome::retryable(QStringLiteral("could not connect to %1 (%2); is the SMTP server running?").arg(where, curlSaid));
    case CURLE_COULDNT_RESOLVE_HOST:
        return DeliveryOutcome::retryable(QStringLiteral("host of %1 not found (DNS); check the channel URL").arg(where));
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
        return DeliveryOutcome::retryable(QStringLiteral("the certificate of %1 is not trusted (%2); give the CA in options.ca_file").arg(where, curlSaid));
    case CURLE_USE_SSL_FAILED:
        return DeliveryOutcome::retryable(
            QStringLiteral("%1 does not offer STARTTLS and options.tls is \"required\"; use smtps:// or a server with TLS").arg(where));
    default:
        return DeliveryOutcome::retryable(
            QStringLiteral("SMTP with %1 failed: %2%3").arg(where, curlSaid, serverSaid.isEmpty() ? QString() : QStringLiteral(" (server said: %1)").arg(serverSaid)));
    }
}

} // namespace herald
