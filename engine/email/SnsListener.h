#pragma once

#include "SnsVerifier.h"
#include "model/Result.h"
#include "store/StoreUrl.h"

#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QPointer>
#include <QStringList>

#include <functional>

class QThread;

namespace herald {

class SnsListenerWorker;

// The SNS HTTP endpoint (DESIGN §7): a minimal HTTP/1.1 server that takes SNS POSTs, verifies them
// (SnsVerifier), and stores SES events through EmailStore. It faces the internet, so every bad
// input has its answer and nothing of it is stored:
//   malformed JSON → 400; a body over maxBodyBytes → 413; not POST → 405; no Content-Length → 411;
//   a bad or missing signature, a certificate URL off the SNS hosts, a topic not allowed, a topic
//   posted to another topic's path, or raw SES JSON without the token → 403 and a log line; a client that has not sent its request within
//   requestTimeoutMs → 408 and the connection closed; the certificate cannot be fetched → 503 (SNS
//   retries); a duplicate → 200, stored once.
// SubscriptionConfirmation is recorded, and confirmed (GET SubscribeURL, only on an SNS host) when
// confirmSubscriptions is set; UnsubscribeConfirmation is recorded. Raw SES JSON (SNS raw message
// delivery) is accepted only when a token is configured and the request carries it, as the query
// parameter `token` or the header X-Herald-Token.
//
// Threading: the listener runs in a thread of its own with its own Store connection. Create, start,
// stop and destroy an SnsListener from one thread; its signals arrive in that thread.
class SnsListener : public QObject
{
    Q_OBJECT

public:
    // GET url and report the outcome; called in the listener thread, done must be called there too.
    using Confirm = std::function<void(const QUrl &url, std::function<void(Status)> done)>;

    struct Options
    {
        QHostAddress address = QHostAddress::LocalHost; // loopback unless told otherwise
        quint16 port = 0;                              // 0: any free port (see port())
        QStringList topics;                            // the TopicArn allow-list of the shared path (every path but those below)
        // Topics with a path of their own (TopicArn → "/sns/bounces"): accepted on that path only, and that
        // path accepts nothing else (403, with the reason). A topic also in topics is accepted on both.
        QHash<QString, QString> topicPaths;
        // How often unlinked events received within the last day are linked to their messages
        // (EmailLinker); 0: never.
        qint64 linkIntervalMs = 30'000;
        bool confirmSubscriptions = false;
        QString token;                                 // empty: raw SES JSON is refused
        qint64 maxBodyBytes = 256 * 1024;
        int requestTimeoutMs = 10'000;
        // The request line and headers must be in within this; an idle or trickling client is answered
        // 408 and closed, so idle connections cannot pile up.
        int headerTimeoutMs = 2'000;
        // Open connections in all, and from one client address: past either, a new connection is answered
        // 503 with Retry-After at once and closed (never reset), so one client cannot lock others out.
        int maxConnections = 64;
        int maxConnectionsPerClient = 8;
        bool checkCertificateExpiry = true;
        SnsVerifier::Fetch fetchCertificate; // empty: HTTPS through Qt Network in the listener thread
        Confirm confirm;                     // empty: HTTPS GET through Qt Network in the listener thread
    };

    SnsListener(StoreUrl store, Options options, QObject *parent = nullptr);
    ~SnsListener() override; // stops

    // Starts the thread, opens the store there and binds. Blocks until bound or failed.
    Status start();
    void stop();
    bool isListening() const { return m_port != 0; }
    quint16 port() const { return m_port; }

Q_SIGNALS:
    // One per request answered: the HTTP status and a line for a person (who, what, why).
    void requestHandled(int status, const QString &line);
    // After a SubscriptionConfirmation was confirmed (error empty) or the confirmation failed.
    void subscriptionConfirmed(const QString &topicArn, const QString &error);
    // After a timed linking pass that linked events to their messages (linked > 0), or failed.
    void eventsLinked(qint64 linked, const QString &error);

private:
    StoreUrl m_url;
    Options m_options;
    QThread *m_thread = nullptr;
    SnsListenerWorker *m_worker = nullptr; // lives in m_thread
    quint16 m_port = 0;
};

} // namespace herald
