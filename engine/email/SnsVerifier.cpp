#include "SnsVerifier.h"

#include <QDir>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRegularExpression>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>

namespace herald {

namespace {

constexpr qint64 kMaxCertificateBytes = 64 * 1024;

const QRegularExpression &snsHost()
{
    static const QRegularExpression re(QStringLiteral("^https://sns\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?/"));
    return re;
}

QString opensslError()
{
    const unsigned long e = ERR_get_error();
    ERR_clear_error();
    if (!e)
        return QStringLiteral("no detail from OpenSSL");
    char buffer[256];
    ERR_error_string_n(e, buffer, sizeof buffer);
    return QString::fromLatin1(buffer);
}

struct BioFree
{
    void operator()(BIO *b) const { BIO_free(b); }
};
struct X509Free
{
    void operator()(X509 *x) const { X509_free(x); }
};
struct KeyFree
{
    void operator()(EVP_PKEY *k) const { EVP_PKEY_free(k); }
};
struct MdCtxFree
{
    void operator()(EVP_MD_CTX *c) const { EVP_MD_CTX_free(c); }
};

} // namespace

SnsVerifier::SnsVerifier(Options options) : m_options(std::move(options)) {}

bool SnsVerifier::isSnsUrl(const QString &url)
{
    if (!snsHost().match(url).hasMatch())
        return false;
    const QUrl u(url, QUrl::StrictMode);
    return u.isValid() && u.scheme() == QLatin1String("https") && u.userInfo().isEmpty() && u.port() == -1;
}

bool SnsVerifier::isSigningCertUrl(const QString &url)
{
    if (!isSnsUrl(url))
        return false;
    const QUrl u(url, QUrl::StrictMode);
    return !u.hasQuery() && !u.hasFragment() && u.path().endsWith(QLatin1String(".pem"));
}

Status SnsVerifier::precheck(const SnsMessage &m) const
{
    if (m.signatureVersion != QLatin1String("1") && m.signatureVersion != QLatin1String("2"))
        return Error::refused(m.signatureVersion.isEmpty()
                                  ? QStringLiteral("SNS message %1 is not signed (no SignatureVersion)").arg(m.messageId)
                                  : QStringLiteral("SNS message %1 has SignatureVersion '%2'; only 1 (SHA1withRSA) and 2 (SHA256withRSA) exist")
                                        .arg(m.messageId, m.signatureVersion.left(16)));
    if (m.signature.isEmpty())
        return Error::refused(QStringLiteral("SNS message %1 has no Signature").arg(m.messageId));
    if (!isSigningCertUrl(m.signingCertUrl))
        return Error::refused(QStringLiteral("SNS message %1 names a signing certificate off the SNS hosts (%2); only "
                                             "https://sns.<region>.amazonaws.com/….pem is fetched")
                                  .arg(m.messageId, m.signingCertUrl.left(200)));
    if (!m_options.anyTopic && !m_options.allowedTopics.contains(m.topicArn))
        return Error::refused(QStringLiteral("SNS message %1 is for topic %2, which is not allowed; allow it with --topic %2")
                                  .arg(m.messageId, m.topicArn.left(256)));
    return {};
}

Status SnsVerifier::verifySignature(const SnsMessage &m, const QByteArray &pem, bool checkExpiry)
{
    const EVP_MD *digest = m.signatureVersion == QLatin1String("1") ? EVP_sha1()
                           : m.signatureVersion == QLatin1String("2") ? EVP_sha256()
                                                                      : nullptr;
    if (!digest)
        return Error::refused(QStringLiteral("SNS message %1 has an unknown SignatureVersion '%2'").arg(m.messageId, m.signatureVersion.left(16)));
    const QByteArray signature = QByteArray::fromBase64(m.signature.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
    if (signature.isEmpty())
        return Error::refused(QStringLiteral("SNS message %1 has a Signature that is not base64").arg(m.messageId));

    std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.constData(), int(pem.size())));
    if (!bio)
        return Error::runtime(QStringLiteral("OpenSSL could not allocate: %1").arg(opensslError()));
    std::unique_ptr<X509, X509Free> certificate(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!certificate)
        return Error::refused(QStringLiteral("the signing certificate of SNS message %1 is not a PEM certificate: %2")
                                  .arg(m.messageId, opensslError()));
    if (checkExpiry) {
        if (X509_cmp_current_time(X509_get0_notAfter(certificate.get())) < 0)
            return Error::refused(QStringLiteral("the signing certificate of SNS message %1 has expired").arg(m.messageId));
        if (X509_cmp_current_time(X509_get0_notBefore(certificate.get())) > 0)
            return Error::refused(QStringLiteral("the signing certificate of SNS message %1 is not valid yet").arg(m.messageId));
    }
    std::unique_ptr<EVP_PKEY, KeyFree> key(X509_get_pubkey(certificate.get()));
    if (!key)
        return Error::refused(QStringLiteral("the signing certificate of SNS message %1 has no usable public key: %2")
                                  .arg(m.messageId, opensslError()));
    std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, digest, nullptr, key.get()) != 1)
        return Error::runtime(QStringLiteral("OpenSSL could not start verifying: %1").arg(opensslError()));
    const QByteArray data = m.stringToSign();
    const int ok = EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char *>(signature.constData()), size_t(signature.size()),
                                    reinterpret_cast<const unsigned char *>(data.constData()), size_t(data.size()));
    if (ok != 1) {
        ERR_clear_error();
        return Error::refused(QStringLiteral("the signature of SNS message %1 does not verify: the message was changed or not sent by SNS")
                                  .arg(m.messageId));
    }
    return {};
}

void SnsVerifier::verify(const SnsMessage &m, std::function<void(Status)> done)
{
    if (auto s = precheck(m); !s) {
        done(s);
        return;
    }
    const bool checkExpiry = m_options.checkExpiry;
    const auto withCertificate = [m, checkExpiry, done](const Result<QByteArray> &pem) {
        if (!pem) {
            done(Error::runtime(QStringLiteral("cannot fetch the signing certificate of SNS message %1: %2").arg(m.messageId, pem.errorString())));
            return;
        }
        done(verifySignature(m, *pem, checkExpiry));
    };
    const QString url = m.signingCertUrl;
    if (auto it = m_certificates.constFind(url); it != m_certificates.cend()) {
        withCertificate(*it);
        return;
    }
    auto waiting = m_waiting.find(url);
    if (waiting != m_waiting.end()) {
        waiting->append(withCertificate);
        return;
    }
    m_waiting.insert(url, {withCertificate});
    ++m_fetches;
    m_options.fetch(QUrl(url), [this, url](Result<QByteArray> pem) {
        if (pem)
            m_certificates.insert(url, *pem);
        const auto callbacks = m_waiting.take(url);
        for (const auto &callback : callbacks)
            callback(pem);
    });
}

SnsVerifier::Fetch SnsVerifier::networkFetcher(QNetworkAccessManager *network, int timeoutMs)
{
    return [network, timeoutMs](const QUrl &url, std::function<void(Result<QByteArray>)> done) {
        QNetworkRequest request(url);
        // A redirect could lead off the SNS hosts, which were checked before this fetch.
        request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
        request.setTransferTimeout(timeoutMs);
        QNetworkReply *reply = network->get(request);
        QObject::connect(reply, &QNetworkReply::downloadProgress, reply, [reply](qint64 received, qint64) {
            if (received > kMaxCertificateBytes)
                reply->abort();
        });
        QObject::connect(reply, &QNetworkReply::finished, reply, [reply, url, done] {
            reply->deleteLater();
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            if (reply->error() != QNetworkReply::NoError)
                done(Error::runtime(QStringLiteral("%1: %2").arg(url.toDisplayString(), reply->errorString())));
            else if (status != 200)
                done(Error::runtime(QStringLiteral("%1 answered HTTP %2").arg(url.toDisplayString()).arg(status)));
            else
                done(reply->read(kMaxCertificateBytes));
        });
    };
}

SnsVerifier::Fetch SnsVerifier::folderFetcher(const QString &folder)
{
    return [folder](const QUrl &url, std::function<void(Result<QByteArray>)> done) {
        const QString name = url.fileName();
        QFile file(QDir(folder).filePath(name));
        if (name.isEmpty() || !file.open(QIODevice::ReadOnly)) {
            done(Error::runtime(QStringLiteral("no certificate %1 in %2; download %3 there").arg(name, folder, url.toDisplayString())));
            return;
        }
        done(file.read(kMaxCertificateBytes));
    };
}

} // namespace herald
