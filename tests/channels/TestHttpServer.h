#pragma once

// A small real HTTP/1.1 server on 127.0.0.1 for channel tests: records every request and answers from a
// script, one step per request, so a test can make the peer answer, hang, hang up or talk nonsense.
#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QList>
#include <QMap>
#include <QObject>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QUrl>

#include <algorithm>

namespace herald {

class TestHttpServer : public QObject
{
    Q_OBJECT

public:
    struct Request
    {
        QByteArray method;
        QByteArray path;
        QMap<QByteArray, QByteArray> headers; // names in lower case
        QByteArray body;
        qint64 receivedAtMs = 0; // when the whole request had arrived (ms since the epoch)

        QByteArray header(const QByteArray &name) const { return headers.value(name.toLower()); }
    };

    struct Response
    {
        enum class Kind { Answer, Hang, Close, Garbage, Echo };
        Kind kind = Kind::Answer;
        int status = 200;
        QList<QPair<QByteArray, QByteArray>> headers;
        QByteArray body;
        int delayMs = 0; // Answer: written this long after the request was read

        static Response answer(int status, QByteArray body = {}, QList<QPair<QByteArray, QByteArray>> headers = {})
        {
            return {Kind::Answer, status, std::move(headers), std::move(body)};
        }
        static Response answerAfter(int delayMs, int status, QByteArray body = {})
        {
            return {Kind::Answer, status, {}, std::move(body), delayMs};
        }
        static Response hang() { return {Kind::Hang, 0, {}, {}}; }                // reads the request, never answers
        static Response closeWithoutAnswer() { return {Kind::Close, 0, {}, {}}; } // hangs up after reading
        static Response garbage() { return {Kind::Garbage, 0, {}, {}}; }          // bytes that are not HTTP, then hangs up
        // Answers status with the request's headers in the body, "name: value; …" by name, as a careless
        // gateway's error page does (credentials included).
        static Response echoHeaders(int status) { return {Kind::Echo, status, {}, {}}; }
    };

    explicit TestHttpServer(QObject *parent = nullptr)
        : QObject(parent)
    {
        connect(&m_server, &QTcpServer::newConnection, this, &TestHttpServer::accept);
    }

    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }
    quint16 port() const { return m_server.serverPort(); }
    QUrl url(const QString &path = QStringLiteral("/hook")) const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(port()).arg(path));
    }

    // Answers in order; when the script runs out, every request gets the fallback (200 {} unless set).
    void script(QList<Response> responses) { m_script = std::move(responses); }
    void setFallback(Response response) { m_fallback = std::move(response); }

    const QList<Request> &requests() const { return m_requests; }
    int connectionsAccepted() const { return m_accepted; }
    // The most requests answered after a delay (answerAfter) that were waiting for their answer at once.
    int maxUnanswered() const { return m_maxUnanswered; }
    int connectionsClosedByPeer() const { return m_closedByPeer; }

Q_SIGNALS:
    void requestReceived();
    void peerClosed();

private:
    void accept()
    {
        while (QTcpSocket *socket = m_server.nextPendingConnection()) {
            ++m_accepted;
            socket->setParent(this);
            connect(socket, &QTcpSocket::readyRead, this, [this, socket] { readFrom(socket); });
            connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
                if (!m_hungUpByUs.remove(socket)) {
                    ++m_closedByPeer;
                    Q_EMIT peerClosed();
                }
                m_buffers.remove(socket);
                socket->deleteLater();
            });
        }
    }

    void readFrom(QTcpSocket *socket)
    {
        QByteArray &buffer = m_buffers[socket];
        buffer += socket->readAll();
        for (;;) {
            const qsizetype headerEnd = buffer.indexOf("\r\n\r\n");
            if (headerEnd < 0)
                return;
            Request request;
            const QList<QByteArray> lines = buffer.left(headerEnd).split('\n');
            const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
            request.method = requestLine.value(0);
            request.path = requestLine.value(1);
            for (qsizetype i = 1; i < lines.size(); ++i) {
                const qsizetype colon = lines[i].indexOf(':');
                if (colon > 0)
                    request.headers.insert(lines[i].left(colon).trimmed().toLower(), lines[i].mid(colon + 1).trimmed());
            }
            const qsizetype length = request.header("content-length").toLongLong();
            if (buffer.size() < headerEnd + 4 + length)
                return;
            request.body = buffer.mid(headerEnd + 4, length);
            request.receivedAtMs = QDateTime::currentMSecsSinceEpoch();
            buffer.remove(0, headerEnd + 4 + length);
            m_requests.append(request);
            Response response = m_script.isEmpty() ? m_fallback : m_script.takeFirst();
            if (response.kind == Response::Kind::Echo) {
                response.kind = Response::Kind::Answer;
                response.body = "Request rejected. You sent: ";
                for (auto it = request.headers.cbegin(); it != request.headers.cend(); ++it)
                    response.body += it.key() + ": " + it.value() + "; ";
            }
            respond(socket, response);
            Q_EMIT requestReceived();
            if (!m_buffers.contains(socket))
                return;
        }
    }

    void respond(QTcpSocket *socket, const Response &response)
    {
        switch (response.kind) {
        case Response::Kind::Hang:
            return;
        case Response::Kind::Garbage:
            socket->write("\x16\x03\x01 this is not HTTP at all \x00\xff\xfe\r\n\r\n");
            hangUp(socket);
            return;
        case Response::Kind::Close:
            hangUp(socket);
            return;
        case Response::Kind::Answer:
        case Response::Kind::Echo:
            break;
        }
        QByteArray out = "HTTP/1.1 " + QByteArray::number(response.status) + " " + reasonPhrase(response.status) + "\r\n";
        for (const auto &[name, value] : response.headers)
            out += name + ": " + value + "\r\n";
        out += "Content-Length: " + QByteArray::number(response.body.size()) + "\r\n\r\n" + response.body;
        if (response.delayMs > 0) {
            // Requests read and not answered yet: what the peer has in flight at once.
            m_unanswered += 1;
            m_maxUnanswered = std::max(m_maxUnanswered, m_unanswered);
            QTimer::singleShot(response.delayMs, socket, [this, socket, out] {
                m_unanswered -= 1;
                socket->write(out);
            });
        } else
            socket->write(out);
    }

    void hangUp(QTcpSocket *socket)
    {
        m_hungUpByUs.insert(socket, true);
        m_buffers.remove(socket);
        socket->disconnectFromHost();
    }

    static QByteArray reasonPhrase(int status)
    {
        switch (status) {
        case 200: return "OK";
        case 201: return "Created";
        case 202: return "Accepted";
        case 400: return "Bad Request";
        case 401: return "Unauthorized";
        case 404: return "Not Found";
        case 408: return "Request Timeout";
        case 410: return "Gone";
        case 429: return "Too Many Requests";
        case 500: return "Internal Server Error";
        case 503: return "Service Unavailable";
        default: return "Status";
        }
    }

    QTcpServer m_server;
    QList<Response> m_script;
    Response m_fallback = Response::answer(200, QByteArrayLiteral("{}"), {{"Content-Type", "application/json"}});
    QList<Request> m_requests;
    QHash<QTcpSocket *, QByteArray> m_buffers;
    QHash<QTcpSocket *, bool> m_hungUpByUs;
    int m_accepted = 0;
    int m_unanswered = 0;
    int m_maxUnanswered = 0;
    int m_closedByPeer = 0;
};

// A loopback port on which nothing listens (bound, then released).
inline quint16 closedPort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    const quint16 port = probe.serverPort();
    probe.close();
    return port;
}

} // namespace herald
