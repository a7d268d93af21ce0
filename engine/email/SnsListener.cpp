#include "SnsListener.h"

#include "EmailIntake.h"
#include "EmailLinker.h"
#include "SesEvent.h"
#include "store/EmailStore.h"
#include "store/Store.h"

#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>
#include <QUrlQuery>

#include <future>
#include <memory>

namespace herald {

namespace {

constexpr qsizetype kMaxHeaderBytes = 16 * 1024;

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
    }
}

// Compares without stopping at the first difference, so the time taken says nothing about the token.
bool sameSecret(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    unsigned char diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

} // namespace

// Everything that runs in the listener thread: the server, the connections, the store, the verifier.
class SnsListenerWorker : public QObject
{
    Q_OBJECT

public:
    SnsListenerWorker(StoreUrl url, SnsListener::Options options) : m_url(std::move(url)), m_options(std::move(options)) {}
    ~SnsListenerWorker() override
    {
        // Replies in flight go with the network manager, while the verifier and the store they report
        // to still exist; then the verifier, before the store.
        delete m_network;
        m_network = nullptr;
        m_verifier.reset();
        delete m_linker; // borrows m_store, which goes before the children
        m_linker = nullptr;
    }

    // In the listener thread: opens the store, binds. The port, or the error.
    Result<quint16> begin()
    {
        auto store = Store::open(m_url);
        if (!store)
            return store.error();
        m_store = std::move(store).value();
        m_network = new QNetworkAccessManager(this);
        SnsVerifier::Options v;
        v.allowedTopics = m_options.topics;
        v.checkExpiry = m_options.checkCertificateExpiry;
        v.fetch = m_options.fetchCertificate ? m_options.fetchCertificate : SnsVerifier::networkFetcher(m_network);
        v.allowedTopics += m_options.topicPaths.keys();
        v.allowedTopics.removeDuplicates();
        for (auto it = m_options.topicPaths.cbegin(); it != m_options.topicPaths.cend(); ++it)
            m_pathTopics[normalisedPath(it.value().toUtf8())] << it.key();
        m_verifier = std::make_unique<SnsVerifier>(v);
        if (m_options.linkIntervalMs > 0) {
            m_linker = new EmailLinker(*m_store, m_options.linkIntervalMs, EmailLinker::kDefaultWindowMs, this);
            connect(m_linker, &EmailLinker::linkPassed, this, [this](qint64 linked, const QString &error) {
                if (linked > 0 || !error.isEmpty())
                    Q_EMIT eventsLinked(linked, error);
            });
            m_linker->start();
        }
        m_server = new QTcpServer(this);
        // A burst is accepted and answered (503 when over the limits) rather than left to the kernel's
        // backlog, where connections past it are dropped or reset.
        m_server->setMaxPendingConnections(1024);
        m_server->setListenBacklogSize(1024);
        connect(m_server, &QTcpServer::newConnection, this, &SnsListenerWorker::accept);
        if (!m_server->listen(m_options.address, m_options.port))
            return Error::badInput(QStringLiteral("cannot listen on %1:%2: %3; choose another address or port with --listen")
                                       .arg(m_options.address.toString())
                                       .arg(m_options.port)
                                       .arg(m_server->errorString()));
        return m_server->serverPort();
    }

Q_SIGNALS:
    void handled(int status, const QString &line);
    void confirmed(const QString &topicArn, const QString &error);
    void eventsLinked(qint64 linked, const QString &error);

private:
    struct Connection
    {
        QByteArray buffer;
        bool headersDone = false;
        bool answered = false;
        qint64 contentLength = 0;
        QByteArray target;
        QHash<QByteArray, QByteArray> headers; // lower-case names
        QTimer *deadline = nullptr;
    };

    void accept()
    {
        while (QTcpSocket *socket = m_server->nextPendingConnection()) {
            socket->setParent(this);
            connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            const QString client = peer(socket);
            if (m_connections.size() >= m_options.maxConnections) {
                refuse(socket, QStringLiteral("%1 connections are open, the most this endpoint takes").arg(m_connections.size()));
                continue;
            }
            if (m_perClient.value(client) >= m_options.maxConnectionsPerClient) {
                refuse(socket, QStringLiteral("%1 has %2 connections open, the most one client may hold").arg(client).arg(m_perClient.value(client)));
                continue;
            }
            m_perClient[client] += 1;
            Connection &c = m_connections[socket];
            // First the headers, quickly; then the whole request. A client trickling bytes or sitting idle
            // cannot hold a connection.
            c.deadline = new QTimer(socket);
            c.deadline->setSingleShot(true);
            connect(c.deadline, &QTimer::timeout, socket, [this, socket] {
                const auto it = m_connections.constFind(socket);
                if (it != m_connections.cend() && !it->headersDone)
                    answer(socket, 408, QStringLiteral("the request headers were not complete within %1 ms").arg(m_options.headerTimeoutMs));
                else
                    answer(socket, 408, QStringLiteral("the request was not complete within %1 ms").arg(m_options.requestTimeoutMs));
            });
            c.deadline->start(std::min(m_options.headerTimeoutMs, m_options.requestTimeoutMs));
            connect(socket, &QTcpSocket::readyRead, this, [this, socket] { read(socket); });
            connect(socket, &QTcpSocket::disconnected, this, [this, socket, client] {
                if (m_connections.remove(socket) && --m_perClient[client] <= 0)
                    m_perClient.remove(client);
            });
        }
    }

    QString peer(QTcpSocket *socket) const { return socket->peerAddress().toString(); }

    void read(QTcpSocket *socket)
    {
        auto it = m_connections.find(socket);
        if (it == m_connections.end() || it->answered) {
            socket->readAll();
            return;
        }
        Connection &c = *it;
        c.buffer += socket->readAll();
        if (!c.headersDone) {
            const qsizetype end = c.buffer.indexOf("\r\n\r\n");
            if ((end < 0 && c.buffer.size() > kMaxHeaderBytes) || end > kMaxHeaderBytes) {
                answer(socket, 431, QStringLiteral("request headers over %1 bytes").arg(kMaxHeaderBytes));
                return;
            }
            if (end < 0)
                return;
            const QList<QByteArray> lines = c.buffer.left(end).split('\n');
            const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
            const QByteArray method = requestLine.value(0);
            c.target = requestLine.value(1);
            for (qsizetype i = 1; i < lines.size(); ++i) {
                const qsizetype colon = lines[i].indexOf(':');
                if (colon > 0)
                    c.headers.insert(lines[i].left(colon).trimmed().toLower(), lines[i].mid(colon + 1).trimmed());
            }
            c.buffer.remove(0, end + 4);
            c.headersDone = true;
            // The headers are in: the body has the request timeout less the headers' allowance, from now.
            if (m_options.requestTimeoutMs > m_options.headerTimeoutMs)
                c.deadline->start(m_options.requestTimeoutMs - m_options.headerTimeoutMs);
            if (requestLine.size() != 3 || !requestLine.value(2).startsWith("HTTP/1.")) {
                answer(socket, 400, QStringLiteral("not an HTTP/1.1 request"));
                return;
            }
            if (method != "POST") {
                answer(socket, 405, QStringLiteral("%1 is not POST").arg(QString::fromLatin1(method.left(16))));
                return;
            }
            if (c.headers.contains("transfer-encoding") || !c.headers.contains("content-length")) {
                answer(socket, 411, QStringLiteral("no Content-Length"));
                return;
            }
            bool ok = false;
            c.contentLength = c.headers.value("content-length").toLongLong(&ok);
            if (!ok || c.contentLength < 0) {
                answer(socket, 400, QStringLiteral("Content-Length is not a number"));
                return;
            }
            if (c.contentLength > m_options.maxBodyBytes) {
                answer(socket, 413, QStringLiteral("a body of %1 bytes, over the limit of %2").arg(c.contentLength).arg(m_options.maxBodyBytes));
                return;
            }
            if (c.headers.value("expect").compare("100-continue", Qt::CaseInsensitive) == 0)
                socket->write("HTTP/1.1 100 Continue\r\n\r\n");
        }
        if (c.buffer.size() < c.contentLength)
            return;
        c.deadline->stop();
        c.answered = true; // from here on the request is being handled: further bytes are dropped
        handle(socket, c.buffer.left(c.contentLength), c.target, c.headers.value("x-herald-token"));
    }

    // "/sns/bounces/" and "/sns/bounces?x" are "/sns/bounces".
    static QString normalisedPath(const QByteArray &target)
    {
        QString path = QUrl::fromEncoded(target).path();
        while (path.size() > 1 && path.endsWith(QLatin1Char('/')))
            path.chop(1);
        return path.isEmpty() ? QStringLiteral("/") : path;
    }

    // Empty when a message of topicArn may be posted to target; otherwise why not. Topics not allowed
    // anywhere are left to the verifier, which says so.
    QString routeRefusal(const QByteArray &target, const QString &topicArn) const
    {
        const QString path = normalisedPath(target);
        const auto own = m_pathTopics.constFind(path);
        if (own != m_pathTopics.cend()) {
            if (own->contains(topicArn))
                return {};
            return QStringLiteral("topic %1 is not accepted on %2, which is the path of %3; subscribe it to its own path")
                .arg(topicArn, path, own->join(QStringLiteral(", ")));
        }
        const auto bound = m_options.topicPaths.constFind(topicArn);
        if (bound != m_options.topicPaths.cend() && !m_options.topics.contains(topicArn))
            return QStringLiteral("topic %1 is accepted only on its own path %2, not on %3").arg(topicArn, normalisedPath(bound->toUtf8()), path);
        return {};
    }

    bool tokenMatches(const QByteArray &target, const QByteArray &headerToken) const
    {
        if (m_options.token.isEmpty())
            return false;
        const QByteArray expected = m_options.token.toUtf8();
        if (!headerToken.isEmpty())
            return sameSecret(headerToken, expected);
        const QUrlQuery query(QUrl::fromEncoded(target).query());
        return sameSecret(query.queryItemValue(QStringLiteral("token"), QUrl::FullyDecoded).toUtf8(), expected);
    }

    void handle(QTcpSocket *socket, const QByteArray &body, const QByteArray &target, const QByteArray &headerToken)
    {
        QJsonParseError error{};
        const QJsonDocument document = QJsonDocument::fromJson(body, &error);
        if (error.error != QJsonParseError::NoError || !document.isObject()) {
            answer(socket, 400, error.error != QJsonParseError::NoError
                                    ? QStringLiteral("malformed JSON: %1 at offset %2").arg(error.errorString()).arg(error.offset)
                                    : QStringLiteral("the body is JSON but not an object"));
            return;
        }
        const QJsonObject object = document.object();
        if (SnsMessage::looksLikeEnvelope(object)) {
            auto message = SnsMessage::fromJson(object);
            if (!message) {
                answer(socket, 400, message.errorString());
                return;
            }
            if (const QString refused = routeRefusal(target, message->topicArn); !refused.isEmpty()) {
                answer(socket, 403, refused);
                return;
            }
            QPointer<QTcpSocket> guard(socket);
            m_verifier->verify(*message, [this, guard, object, body](Status verified) {
                if (!guard)
                    return; // the client went away while the certificate was fetched
                if (!verified) {
                    answer(guard, verified.error().kind == Error::Kind::Runtime ? 503 : 403, verified.errorString());
                    return;
                }
                EmailIntake::Options o{false, QStringLiteral("sns"), m_store->now()};
                store(guard, EmailIntake::classify(object, body, o));
            });
            return;
        }
        if (SesEvent::looksLikeSesEvent(object)) {
            if (!tokenMatches(target, headerToken)) {
                answer(socket, 403, m_options.token.isEmpty() ? QStringLiteral("raw SES JSON without an SNS envelope, and this endpoint has no token")
                                                              : QStringLiteral("raw SES JSON without the endpoint's token"));
                return;
            }
            EmailIntake::Options o{true, QStringLiteral("sns"), m_store->now()};
            store(socket, EmailIntake::classify(object, body, o));
            return;
        }
        answer(socket, 400, QStringLiteral("neither an SNS message nor an SES event"));
    }

    void store(QTcpSocket *socket, const EmailIntake::Item &item)
    {
        EmailStore email(*m_store);
        switch (item.kind) {
        case EmailIntake::Item::Kind::Invalid:
            answer(socket, 400, item.reason);
            return;
        case EmailIntake::Item::Kind::Ignored:
            answer(socket, 200, QStringLiteral("ignored: ") + item.reason);
            return;
        case EmailIntake::Item::Kind::Events: {
            auto r = email.record(item.rows);
            if (!r) {
                answer(socket, 500, r.errorString());
                return;
            }
            const QString id = item.rows.value(0).snsMessageId;
            QString line = r->inserted == 0 ? QStringLiteral("duplicate %1 %2, already stored").arg(item.sesType, id)
                                             : QStringLiteral("stored %1 %2: %3 recipient(s)").arg(item.sesType, id).arg(r->inserted);
            if (!r->suppressed.isEmpty())
                line += QStringLiteral("; suppressed %1").arg(r->suppressed.join(QStringLiteral(", ")));
            answer(socket, 200, line);
            return;
        }
        case EmailIntake::Item::Kind::Notice:
            break;
        }
        const SnsMessage &m = *item.envelope;
        EmailStore::SnsNotice notice{m.messageId, SnsMessage::typeName(m.type), m.topicArn, m.message, m.subscribeUrl, m_store->now(), {}, {}};
        auto recorded = email.recordNotice(notice);
        if (!recorded) {
            answer(socket, 500, recorded.errorString());
            return;
        }
        if (m.type != SnsMessage::Type::SubscriptionConfirmation || !*recorded) {
            answer(socket, 200, QStringLiteral("recorded %1 for %2").arg(notice.type, m.topicArn));
            return;
        }
        if (!m_options.confirmSubscriptions) {
            answer(socket, 200, QStringLiteral("recorded SubscriptionConfirmation for %1; not confirmed (start with --confirm-subscriptions, "
                                               "or visit its SubscribeURL)")
                                    .arg(m.topicArn));
            return;
        }
        if (!SnsVerifier::isSnsUrl(m.subscribeUrl)) {
            answer(socket, 200, QStringLiteral("recorded SubscriptionConfirmation for %1; not confirmed: its SubscribeURL is off the SNS hosts")
                                    .arg(m.topicArn));
            return;
        }
        answer(socket, 200, QStringLiteral("recorded SubscriptionConfirmation for %1; confirming").arg(m.topicArn));
        confirm(m);
    }

    void confirm(const SnsMessage &m)
    {
        const auto done = [this, id = m.messageId, topic = m.topicArn](Status s) {
            if (auto r = EmailStore(*m_store).setNoticeConfirmed(id, s.errorString()); !r)
                qWarning("herald: %s", qPrintable(r.errorString()));
            Q_EMIT confirmed(topic, s.errorString());
        };
        if (m_options.confirm) {
            m_options.confirm(QUrl(m.subscribeUrl), done);
            return;
        }
        QNetworkRequest request{QUrl(m.subscribeUrl)};
        request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
        request.setTransferTimeout(m_options.requestTimeoutMs);
        QNetworkReply *reply = m_network->get(request);
        connect(reply, &QNetworkReply::finished, this, [reply, done] {
            reply->deleteLater();
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            if (reply->error() != QNetworkReply::NoError)
                done(Error::runtime(reply->errorString()));
            else if (status != 200)
                done(Error::runtime(QStringLiteral("SNS answered HTTP %1").arg(status)));
            else
                done({});
        });
    }

    // Over a limit: 503 with Retry-After, written at once, and the connection closed; nothing is read.
    void refuse(QTcpSocket *socket, const QString &line)
    {
        const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("status"), 503}, {QStringLiteral("detail"), line}})
                                    .toJson(QJsonDocument::Compact);
        socket->write("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Type: application/json\r\nConnection: close\r\n"
                      "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body);
        socket->disconnectFromHost();
        Q_EMIT handled(503, QStringLiteral("503 %1: %2").arg(peer(socket), line));
    }

    void answer(QTcpSocket *socket, int status, const QString &line)
    {
        const QString who = peer(socket);
        auto it = m_connections.find(socket);
        if (it != m_connections.end()) {
            it->answered = true;
            it->deadline->stop();
        }
        const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("status"), status}, {QStringLiteral("detail"), line}})
                                    .toJson(QJsonDocument::Compact);
        socket->write("HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) +
                      (status == 503 ? QByteArray("\r\nRetry-After: 5") : QByteArray()) +
                      "\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " + QByteArray::number(body.size()) +
                      "\r\n\r\n" + body);
        socket->disconnectFromHost(); // after the bytes are written
        Q_EMIT handled(status, QStringLiteral("%1 %2: %3").arg(status).arg(who, line));
    }

    StoreUrl m_url;
    SnsListener::Options m_options;
    std::unique_ptr<Store> m_store;
    QNetworkAccessManager *m_network = nullptr; // child
    std::unique_ptr<SnsVerifier> m_verifier;
    QTcpServer *m_server = nullptr; // child
    QHash<QTcpSocket *, Connection> m_connections;
    QHash<QString, int> m_perClient; // open connections per client address
    QHash<QString, QStringList> m_pathTopics; // a topic path → the topics posted there
    EmailLinker *m_linker = nullptr;          // child; on m_store
};

SnsListener::SnsListener(StoreUrl store, Options options, QObject *parent)
    : QObject(parent), m_url(std::move(store)), m_options(std::move(options))
{
}

SnsListener::~SnsListener()
{
    stop();
}

Status SnsListener::start()
{
    if (m_thread)
        return Error::refused(QStringLiteral("the SNS listener is running already"));
    m_thread = new QThread(this);
    m_thread->setObjectName(QStringLiteral("herald-sns-listener"));
    m_worker = new SnsListenerWorker(m_url, m_options);
    m_worker->moveToThread(m_thread);
    // The worker is deleted in its own thread, after the loop ends, closing its store there.
    connect(m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    // Listener thread → this object's thread.
    connect(m_worker, &SnsListenerWorker::handled, this, &SnsListener::requestHandled);
    connect(m_worker, &SnsListenerWorker::confirmed, this, &SnsListener::subscriptionConfirmed);
    connect(m_worker, &SnsListenerWorker::eventsLinked, this, &SnsListener::eventsLinked);
    m_thread->start();
    auto promise = std::make_shared<std::promise<Result<quint16>>>();
    std::future<Result<quint16>> bound = promise->get_future();
    QMetaObject::invokeMethod(m_worker, [worker = m_worker, promise] { promise->set_value(worker->begin()); });
    const Result<quint16> port = bound.get();
    if (!port) {
        stop();
        return port.error();
    }
    m_port = *port;
    return {};
}

void SnsListener::stop()
{
    if (!m_thread)
        return;
    m_thread->quit();
    m_thread->wait();
    delete m_thread;
    m_thread = nullptr;
    m_worker = nullptr;
    m_port = 0;
}

} // namespace herald

#include "SnsListener.moc"
