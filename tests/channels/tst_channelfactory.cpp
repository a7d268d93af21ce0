// createChannel(): configuration and secrets checked before anything is built; channels used the way the
// runtime uses them, from a worker thread with its own event loop and QNetworkAccessManager.
#include "ChannelTestSupport.h"
#include "SmtpTestServer.h"
#include "TestHttpServer.h"
#include "channels/EmailChannel.h"
#include "channels/OutboxChannel.h"
#include "channels/PushChannel.h"
#include "channels/SmsChannel.h"
#include "channels/WebhookChannel.h"

#include <QNetworkAccessManager>
#include <QTest>
#include <QThread>

#include <atomic>

using namespace herald;
using namespace Qt::StringLiterals;

namespace {
ChannelConfig configFor(ChannelConfig::Kind kind, const QString &url, QJsonObject options = {}, QString secretRef = {})
{
    ChannelConfig c;
    c.name = u"ch-"_s + ChannelConfig::kindName(kind);
    c.kind = kind;
    c.url = url;
    c.options = std::move(options);
    c.secretRef = std::move(secretRef);
    return c;
}

// A worker thread as the runtime will have one: an event loop, and a QNetworkAccessManager and channels
// created, used and destroyed in it.
class Worker
{
public:
    Worker()
    {
        m_thread.start();
        m_anchor.moveToThread(&m_thread);
    }
    ~Worker()
    {
        run([this] {
            m_channels.clear();
            m_network.reset();
        });
        m_thread.quit();
        m_thread.wait();
    }
    // Runs f in the worker thread and waits for it: a test-only shortcut, never used toward a GUI thread.
    void run(const std::function<void()> &f) { QMetaObject::invokeMethod(&m_anchor, f, Qt::BlockingQueuedConnection); }
    QNetworkAccessManager *network()
    {
        if (!m_network)
            m_network = std::make_unique<QNetworkAccessManager>();
        return m_network.get();
    }
    void keep(std::unique_ptr<Channel> channel) { m_channels.push_back(std::move(channel)); }
    Qt::HANDLE threadId()
    {
        Qt::HANDLE id = nullptr;
        run([&id] { id = QThread::currentThreadId(); });
        return id;
    }

private:
    QThread m_thread;
    QObject m_anchor;
    std::unique_ptr<QNetworkAccessManager> m_network; // worker thread only
    std::vector<std::unique_ptr<Channel>> m_channels; // worker thread only
};

struct Report
{
    std::atomic<int> calls{0};
    std::atomic<Qt::HANDLE> thread{nullptr};
    DeliveryOutcome outcome; // written before calls is raised
};
} // namespace

class tst_ChannelFactory : public QObject
{
    Q_OBJECT

    QNetworkAccessManager m_network;

private Q_SLOTS:
    void initTestCase() { qputenv("HERALD_TEST_FACTORY_SECRET", "factory-secret-value"); }

    void shouldBuildTheChannelOfEachKind()
    {
        const ChannelContext context{&m_network, {}, {}};
        const QJsonObject from{{u"from"_s, u"ops@herald.example"_s}};
        struct Case
        {
            ChannelConfig config;
            std::function<bool(Channel *)> isRightType;
        };
        const Case cases[] = {
            {configFor(ChannelConfig::Kind::Outbox, {}), [](Channel *c) { return dynamic_cast<OutboxChannel *>(c) != nullptr; }},
            {configFor(ChannelConfig::Kind::Webhook, u"https://h.example.org/x"_s),
             [](Channel *c) { return dynamic_cast<WebhookChannel *>(c) != nullptr; }},
            {configFor(ChannelConfig::Kind::Sms, u"https://sms.example.org/send"_s),
             [](Channel *c) { return dynamic_cast<SmsChannel *>(c) != nullptr; }},
            {configFor(ChannelConfig::Kind::Push, u"https://fcm.example.org/send"_s),
             [](Channel *c) { return dynamic_cast<PushChannel *>(c) != nullptr; }},
            {configFor(ChannelConfig::Kind::Email, u"smtp://mail.example.org:587"_s, from),
             [](Channel *c) { return dynamic_cast<EmailChannel *>(c) != nullptr; }},
        };
        for (const Case &c : cases) {
            auto channel = createChannel(c.config, context);
            QVERIFY2(channel.ok(), qPrintable(channel.errorString()));
            QVERIFY2(c.isRightType(channel->get()), qPrintable(c.config.name));
        }
    }

    void shouldRefuseAnInvalidConfigurationWithValidatesMessage()
    {
        const ChannelConfig config = configFor(ChannelConfig::Kind::Webhook, u"ftp://h.example.org"_s);
        const auto channel = createChannel(config, ChannelContext{&m_network, {}, {}});
        QVERIFY(!channel.ok());
        QCOMPARE(channel.errorString(), config.validate().errorString());
    }

    void shouldNameTheChannelAndReferenceWhenTheSecretIsMissing()
    {
        qunsetenv("HERALD_TEST_FACTORY_ABSENT");
        const auto channel = createChannel(configFor(ChannelConfig::Kind::Webhook, u"https://h.example.org"_s, {}, u"env:HERALD_TEST_FACTORY_ABSENT"_s),
                                           ChannelContext{&m_network, {}, {}});
        QVERIFY(!channel.ok());
        QVERIFY2(channel.errorString().startsWith(u"channel 'ch-webhook': secret env:HERALD_TEST_FACTORY_ABSENT is not set"_s),
                 qPrintable(channel.errorString()));
    }

    void shouldResolveSecretsThroughTheContextWhenGiven()
    {
        QStringList asked;
        ChannelContext context{&m_network, {}, [&asked](const QString &reference) -> Result<QString> {
                                   asked << reference;
                                   return Error::refused(u"vault sealed"_s);
                               }};
        const auto channel = createChannel(configFor(ChannelConfig::Kind::Push, u"https://fcm.example.org"_s, {}, u"keychain:fcm"_s), context);
        QVERIFY(!channel.ok());
        QCOMPARE(asked, QStringList{u"keychain:fcm"_s});
        QCOMPARE(channel.error().kind, Error::Kind::Refused);
        QCOMPARE(channel.errorString(), u"channel 'ch-push': vault sealed"_s);
    }

    void shouldRefuseANetworkChannelWithoutANetworkManager()
    {
        const auto channel = createChannel(configFor(ChannelConfig::Kind::Sms, u"https://sms.example.org"_s), ChannelContext{});
        QVERIFY(!channel.ok());
        QVERIFY2(channel.errorString().contains(u"QNetworkAccessManager"_s), qPrintable(channel.errorString()));
    }

    void shouldDeliverWebhooksFromAWorkerThreadAndAnswerThere()
    {
        TestHttpServer server; // answered by this thread's event loop, which QTRY runs
        QVERIFY(server.listen());
        Worker worker;
        const Qt::HANDLE workerThread = worker.threadId();
        Report report;
        QString createError;
        worker.run([&] {
            auto channel = createChannel(configFor(ChannelConfig::Kind::Webhook, server.url().toString(), {}, u"env:HERALD_TEST_FACTORY_SECRET"_s),
                                         ChannelContext{worker.network(), {}, {}});
            if (!channel) {
                createError = channel.errorString();
                return;
            }
            (*channel)->deliver(makeDelivery(1, u"+34600111222"_s, QJsonObject{{u"body"_s, u"hi"_s}}), [&report](DeliveryOutcome o) {
                report.outcome = std::move(o);
                report.thread = QThread::currentThreadId();
                ++report.calls;
            });
            worker.keep(std::move(*channel));
        });
        QVERIFY2(createError.isEmpty(), qPrintable(createError));
        QTRY_COMPARE(report.calls.load(), 1);
        QCOMPARE(report.thread.load(), workerThread);
        QCOMPARE(report.outcome.kind, DeliveryOutcome::Kind::Success);
        QCOMPARE(server.requests().size(), 1);
    }

    void shouldDeliverEmailFromAWorkerThreadAndAnswerThere()
    {
        SmtpTestServer smtp;
        const QString error = smtp.start(QFINDTESTDATA("smtp_test_server.py"), SmtpTestServer::Tls::StartTls, u"herald"_s, u"pw"_s);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        qputenv("HERALD_TEST_FACTORY_SMTP", "pw");
        Worker worker;
        const Qt::HANDLE workerThread = worker.threadId();
        Report report;
        QString createError;
        worker.run([&] {
            auto channel = createChannel(configFor(ChannelConfig::Kind::Email, u"smtp://127.0.0.1:%1"_s.arg(smtp.port()),
                                                   QJsonObject{{u"from"_s, u"ops@herald.example"_s}, {u"user"_s, u"herald"_s},
                                                               {u"ca_file"_s, smtp.certificate()}},
                                                   u"env:HERALD_TEST_FACTORY_SMTP"_s),
                                         ChannelContext{worker.network(), {}, {}});
            if (!channel) {
                createError = channel.errorString();
                return;
            }
            (*channel)->deliver(makeDelivery(2, u"ana@example.org"_s, QJsonObject{{u"body"_s, u"hi"_s}}), [&report](DeliveryOutcome o) {
                report.outcome = std::move(o);
                report.thread = QThread::currentThreadId();
                ++report.calls;
            });
            worker.keep(std::move(*channel));
        });
        QVERIFY2(createError.isEmpty(), qPrintable(createError));
        QTRY_COMPARE_WITH_TIMEOUT(report.calls.load(), 1, 20'000);
        QCOMPARE(report.thread.load(), workerThread);
        QVERIFY2(report.outcome.kind == DeliveryOutcome::Kind::Success, qPrintable(report.outcome.error));
        QTRY_COMPARE(smtp.messages().size(), 1);
    }
};

QTEST_GUILESS_MAIN(tst_ChannelFactory)
#include "tst_channelfactory.moc"
