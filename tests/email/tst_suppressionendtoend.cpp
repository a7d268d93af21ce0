// Suppression end to end: SES events recorded through EmailStore suppress addresses, and the engine
// with the real email channel against a real SMTP server (aiosmtpd) cancels the messages to them
// with reason suppressed, never connecting for them, while an expired suppression lets mail through.
#include "FixtureFiles.h"
#include "SmtpTestServer.h"
#include "channels/Channel.h"
#include "email/EmailIntake.h"
#include "runtime/Engine.h"
#include "store/EmailStore.h"

#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace herald;
using namespace Qt::StringLiterals;

class tst_SuppressionEndToEnd : public QObject
{
    Q_OBJECT

    // The e-mail channel `name` to the SMTP test server (STARTTLS, AUTH as herald), and `queue` sending
    // through it.
    static bool addMailChannelAndQueue(Store &store, const SmtpTestServer &smtp, const QString &name, QueueConfig queue)
    {
        ChannelConfig channel;
        channel.name = name;
        channel.kind = ChannelConfig::Kind::Email;
        channel.url = u"smtp://127.0.0.1:%1"_s.arg(smtp.port());
        channel.secretRef = u"env:HERALD_TEST_E2E_SMTP"_s;
        channel.options = QJsonObject{{u"from"_s, u"events@herald.example"_s}, {u"user"_s, u"herald"_s}, {u"ca_file"_s, smtp.certificate()}};
        queue.defaultChannel = name;
        return store.addChannel(channel).ok() && store.addQueue(queue).ok();
    }

private Q_SLOTS:
    void shouldCancelMailToSuppressedAddressesAndSendTheRest()
    {
        SmtpTestServer smtp;
        const QString error = smtp.start(QStringLiteral(HERALD_SMTP_TEST_SERVER), SmtpTestServer::Tls::StartTls, u"herald"_s, u"pw"_s);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        qputenv("HERALD_TEST_E2E_SMTP", "pw");

        QTemporaryDir dir;
        const StoreUrl url = StoreUrl::sqlite(dir.filePath(u"h.db"_s));
        auto store = Store::open(url);
        QVERIFY(store.ok());
        ChannelConfig channel;
        channel.name = u"mail"_s;
        channel.kind = ChannelConfig::Kind::Email;
        channel.url = u"smtp://127.0.0.1:%1"_s.arg(smtp.port());
        channel.secretRef = u"env:HERALD_TEST_E2E_SMTP"_s;
        channel.timeoutMs = 10'000;
        channel.options = QJsonObject{{u"from"_s, u"Herald Events <events@herald.example>"_s}, {u"user"_s, u"herald"_s},
                                      {u"ca_file"_s, smtp.certificate()}};
        QVERIFY((*store)->addChannel(channel).ok());
        QueueConfig queue;
        queue.name = u"reminders"_s;
        queue.defaultChannel = u"mail"_s;
        QVERIFY((*store)->addQueue(queue).ok());

        // jane@example.com hard-bounced and richard@example.com complained (the published SES samples);
        // back@example.org had a suppression that has expired.
        EmailStore email(**store);
        QList<EmailEventRecord> rows;
        for (const QString &f : {u"notif_bounce_permanent_with_dsn.json"_s, u"notif_complaint_with_feedback.json"_s})
            rows << EmailIntake::classify(fixtures::object(f), fixtures::bytes(f), {true, u"file"_s, 0}).rows;
        auto recorded = email.record(rows);
        QVERIFY(recorded.ok());
        QCOMPARE(recorded->suppressed, (QStringList{u"jane@example.com"_s, u"richard@example.com"_s}));
        QVERIFY(email.suppress({u"back@example.org"_s, SuppressionReason::SoftBounce, {}, {}, 0, (*store)->now() - 1}).ok());

        QHash<QString, qint64> ids;
        for (const QString &to : {u"Jane@Example.com"_s, u"richard@example.com"_s, u"back@example.org"_s, u"ana@example.org"_s}) {
            NewMessage m;
            m.queue = queue.name;
            m.type = u"checkin_reminder"_s;
            m.recipient = to;
            m.payload = QByteArrayLiteral("{\"subject\":\"Check-in\",\"body\":\"Check-in opens at 8:00.\"}");
            auto r = (*store)->enqueue(m);
            QVERIFY(r.ok());
            ids.insert(to.toLower(), r->id);
        }

        RuntimeOptions o;
        o.workerThreads = 2;
        o.pollMs = 200;
        o.channelFactory = &createChannel;
        Engine engine(url, o);
        QSignalSpy finished(&engine, &Engine::finished);
        QVERIFY(engine.start(Engine::ExitWhen::Drained).ok());
        QVERIFY(finished.wait(60'000));
        QCOMPARE(finished.front().front().toString(), QString());

        for (const QString &to : {u"jane@example.com"_s, u"richard@example.com"_s}) {
            const auto m = (*store)->message(ids.value(to));
            QCOMPARE(m->state, MessageState::Cancelled);
            QVERIFY2(m->lastError.contains(u"suppression list"_s), qPrintable(m->lastError));
            QCOMPARE((*store)->attempts(m->id)->front().outcome, u"suppressed"_s);
        }
        for (const QString &to : {u"back@example.org"_s, u"ana@example.org"_s})
            QCOMPARE((*store)->message(ids.value(to))->state, MessageState::Completed);
        QTRY_COMPARE(smtp.messages().size(), 2);
        QStringList delivered;
        for (const QJsonObject &message : smtp.messages())
            delivered << message.value(u"to"_s).toString();
        delivered.sort();
        QCOMPARE(delivered, (QStringList{u"ana@example.org"_s, u"back@example.org"_s}));
    }

    // Fails closed: while the suppression list cannot be read (here its table is renamed away under the
    // running engine, so the worker's suppression query fails), a message to a suppressed address is not
    // sent but retried; once the list reads again, the retry finds the suppression and cancels it.
    void shouldNotSendWhileTheSuppressionListCannotBeRead()
    {
        SmtpTestServer smtp;
        const QString error = smtp.start(QStringLiteral(HERALD_SMTP_TEST_SERVER), SmtpTestServer::Tls::StartTls, u"herald"_s, u"pw"_s);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        qputenv("HERALD_TEST_E2E_SMTP", "pw");
        QTemporaryDir dir;
        const StoreUrl url = StoreUrl::sqlite(dir.filePath(u"h.db"_s));
        auto store = Store::open(url);
        QVERIFY(store.ok());
        QueueConfig queue;
        queue.name = u"reminders"_s;
        queue.maxAttempts = 5;
        queue.retry.kind = RetryPolicy::Kind::Fixed;
        queue.retry.baseMs = 300;
        QVERIFY(addMailChannelAndQueue(**store, smtp, u"mail"_s, queue));
        EmailStore email(**store);
        QVERIFY(email.suppress({u"gone@example.org"_s, SuppressionReason::HardBounce, {}, {}, 0, {}}).ok());
        NewMessage m;
        m.queue = queue.name;
        m.type = u"checkin_reminder"_s;
        m.recipient = u"gone@example.org"_s;
        m.payload = QByteArrayLiteral("{\"subject\":\"Check-in\",\"body\":\"Check-in opens at 8:00.\"}");
        m.runAt = (*store)->now() + 1'000;
        auto enqueued = (*store)->enqueue(m);
        QVERIFY(enqueued.ok());

        RuntimeOptions o;
        o.workerThreads = 1;
        o.pollMs = 100;
        o.channelFactory = &createChannel;
        Engine engine(url, o);
        QSignalSpy finished(&engine, &Engine::finished);
        QVERIFY(engine.start(Engine::ExitWhen::Drained).ok());
        const auto hideSuppressions = [&](bool hide) {
            bool ok = false;
            {
                QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"unreadable"_s);
                db.setDatabaseName(url.sqlitePath());
                db.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT=10000"_s);
                QSqlQuery q(db);
                ok = db.open() && q.exec(hide ? u"ALTER TABLE suppressions RENAME TO suppressions_away"_s
                                              : u"ALTER TABLE suppressions_away RENAME TO suppressions"_s);
            }
            QSqlDatabase::removeDatabase(u"unreadable"_s);
            return ok;
        };
        QVERIFY(hideSuppressions(true));
        const auto firstOutcome = [&] {
            auto a = (*store)->attempts(enqueued->id);
            return a && !a->isEmpty() && a->front().finishedAt ? a->front().outcome : QString();
        };
        QTRY_COMPARE_WITH_TIMEOUT(firstOutcome(), u"retry"_s, 30'000);
        const auto retried = (*store)->message(enqueued->id);
        QCOMPARE(retried->state, MessageState::Scheduled);
        QVERIFY2(retried->lastError.contains(u"suppression list could not be read"_s), qPrintable(retried->lastError));
        QVERIFY(hideSuppressions(false));

        QVERIFY(finished.wait(60'000));
        QCOMPARE(finished.front().front().toString(), QString());
        const auto done = (*store)->message(enqueued->id);
        QCOMPARE(done->state, MessageState::Cancelled);
        QCOMPARE((*store)->attempts(done->id)->back().outcome, u"suppressed"_s);
        QVERIFY(smtp.messages().isEmpty());
    }

    // Amazon SES answers DATA with its own message id; its events carry that id. An event that arrives
    // before the engine has recorded the id is linked once the delivery is committed.
    void shouldLinkEventsThroughTheIdSesGaveInItsAnswer()
    {
        SmtpTestServer smtp;
        const QString error = smtp.start(QStringLiteral(HERALD_SMTP_TEST_SERVER), SmtpTestServer::Tls::StartTls, u"herald"_s, u"pw"_s);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        qputenv("HERALD_TEST_E2E_SMTP", "pw");
        QTemporaryDir dir;
        const StoreUrl url = StoreUrl::sqlite(dir.filePath(u"h.db"_s));
        auto store = Store::open(url);
        QVERIFY(store.ok());
        QueueConfig queue;
        queue.name = u"reminders"_s;
        QVERIFY(addMailChannelAndQueue(**store, smtp, u"ses"_s, queue));
        NewMessage m;
        m.queue = queue.name;
        m.type = u"checkin_reminder"_s;
        m.recipient = u"ses@example.org"_s;
        m.payload = QByteArrayLiteral("{\"subject\":\"Check-in\",\"body\":\"Check-in opens at 8:00.\"}");
        auto enqueued = (*store)->enqueue(m);
        QVERIFY(enqueued.ok());

        // SES's Send event, in before the delivery is committed: nothing to link it to yet.
        EmailStore email(**store);
        EmailEventRecord send;
        send.snsMessageId = u"sns-early-send"_s;
        send.eventType = EmailEventType::Send;
        send.recipient = u"ses@example.org"_s;
        send.occurredAt = (*store)->now();
        send.mailMessageId = QString::fromLatin1(SmtpTestServer::kSesMessageId);
        send.source = u"sns"_s;
        send.raw = "{}";
        auto recorded = email.record({send});
        QVERIFY(recorded.ok());
        QCOMPARE(recorded->linked, 0);

        RuntimeOptions o;
        o.workerThreads = 1;
        o.channelFactory = &createChannel;
        Engine engine(url, o);
        QSignalSpy finished(&engine, &Engine::finished);
        QVERIFY(engine.start(Engine::ExitWhen::Drained).ok());
        QVERIFY(finished.wait(60'000));
        QCOMPARE(finished.front().front().toString(), QString());

        const auto sent = (*store)->message(enqueued->id);
        QCOMPARE(sent->state, MessageState::Completed);
        QCOMPARE(sent->providerMessageId, QString::fromLatin1(SmtpTestServer::kSesMessageId));
        EmailStore::EventFilter ofMessage;
        ofMessage.messageId = enqueued->id;
        const auto linked = email.events(ofMessage);
        QVERIFY(linked.ok());
        QCOMPARE(linked->size(), 1);
        QCOMPARE(linked->front().snsMessageId, u"sns-early-send"_s);
    }
};

QTEST_GUILESS_MAIN(tst_SuppressionEndToEnd)
#include "tst_suppressionendtoend.moc"
