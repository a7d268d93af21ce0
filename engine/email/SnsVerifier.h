#pragma once

#include "SnsMessage.h"
#include "model/Result.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <functional>

class QNetworkAccessManager;

namespace herald {

// Decides whether an SNS message really comes from Amazon SNS, for an allowed topic
// (Amazon SNS developer guide, "Verifying the signatures of Amazon SNS messages"):
//  1. SignatureVersion 1 (SHA1withRSA) or 2 (SHA256withRSA);
//  2. SigningCertURL is https on an SNS host (sns.<region>.amazonaws.com[.cn]) and ends in .pem —
//     checked before anything is fetched, so a message cannot make us fetch from anywhere else;
//  3. TopicArn is on the allow-list (anyone can point their own topic at an endpoint);
//  4. the signature over the type's string to sign verifies with the certificate's public key.
// Certificates are fetched through an injectable fetcher and cached by URL.
//
// Threading: use an instance from one thread; the fetcher's callbacks must come back on that thread.
class SnsVerifier
{
public:
    // Gets the bytes at url and calls done exactly once (possibly before returning).
    using Fetch = std::function<void(const QUrl &url, std::function<void(Result<QByteArray>)> done)>;

    struct Options
    {
        QStringList allowedTopics; // exact TopicArns
        bool anyTopic = false;     // skips the allow-list: for importing files whose topics are already trusted
        bool checkExpiry = true;   // false only for test certificates, which expire
        Fetch fetch;               // required
    };

    explicit SnsVerifier(Options options);

    // The checks that need no certificate (1-3). Refused, with the reason, when one fails.
    Status precheck(const SnsMessage &message) const;
    // All four checks; done runs exactly once, possibly before verify() returns. Refused: not from
    // SNS or not allowed (answer 403). Runtime: the certificate could not be fetched (try later).
    void verify(const SnsMessage &message, std::function<void(Status)> done);

    // Check 4 alone, with a PEM certificate in hand.
    static Status verifySignature(const SnsMessage &message, const QByteArray &certificatePem, bool checkExpiry);
    // https, an SNS host, a path ending in .pem, nothing else (no user, port or query).
    static bool isSigningCertUrl(const QString &url);
    // https on an SNS host: the only place a SubscribeURL may send us.
    static bool isSnsUrl(const QString &url);

    // GET through Qt Network in the calling thread: no redirects, at most 64 KiB, timeoutMs.
    static Fetch networkFetcher(QNetworkAccessManager *network, int timeoutMs = 10'000);
    // Offline: the certificate named by the URL's last path segment, read from folder.
    static Fetch folderFetcher(const QString &folder);

    qint64 fetches() const { return m_fetches; }

private:
    Options m_options;
    QHash<QString, QByteArray> m_certificates;                          // by URL
    QHash<QString, QList<std::function<void(Result<QByteArray>)>>> m_waiting; // fetches in flight, by URL
    qint64 m_fetches = 0;
};

} // namespace herald
