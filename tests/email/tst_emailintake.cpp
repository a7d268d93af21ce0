// Parsing what arrives: every SES sample of tests/fixtures/ses in both formats, SNS envelopes, the
// plain-text topic-validation notice, unknown types, mongoexport documents and the shapes of files.
#include "FixtureFiles.h"
#include "email/EmailIntake.h"
#include "email/SesEvent.h"

#include <QJsonArray>
#include <QTest>

using namespace herald;
using namespace Qt::StringLiterals;

namespace {
constexpr qint64 kNow = 1'800'000'000'000;

EmailIntake::Item classifyFixture(const QString &file, bool allowRaw = true)
{
    return EmailIntake::classify(fixtures::object(file), fixtures::bytes(file), EmailIntake::Options{allowRaw, u"file"_s, kNow});
}

QStringList recipientsOf(const EmailIntake::Item &item)
{
    QStringList out;
    for (const EmailEventRecord &r : item.rows)
        out << r.recipient;
    return out;
}
} // namespace

class tst_EmailIntake : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void shouldParseEverySesSample_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("subType");
        QTest::addColumn<QStringList>("recipients");
        QTest::addColumn<QString>("occurredAt");
        QTest::addColumn<QString>("mailMessageId");

        const QString example = u"EXAMPLE7c191be45-e9aedb9a-02f9-4d12-a87d-dd0099a07f8a-000000"_s;
        const QStringList recipient{u"recipient@example.com"_s};
        QTest::newRow("event Send") << u"event_send.json"_s << EmailEventType::Send << QString() << recipient << u"2016-10-14T05:02:16.645Z"_s << example;
        QTest::newRow("event Reject") << u"event_reject.json"_s << EmailEventType::Reject << u"Bad content"_s
                                      << QStringList{u"sender@example.com"_s} << u"2016-10-14T17:38:15.211Z"_s << example;
        QTest::newRow("event Bounce") << u"event_bounce_permanent.json"_s << EmailEventType::Bounce << BounceClass::Hard << recipient
                                      << u"2017-08-05T00:41:02.669Z"_s << example;
        QTest::newRow("event Complaint") << u"event_complaint.json"_s << EmailEventType::Complaint << u"abuse"_s << recipient
                                         << u"2017-08-05T00:41:02.669Z"_s << example;
        QTest::newRow("event Delivery") << u"event_delivery.json"_s << EmailEventType::Delivery << QString() << recipient
                                        << u"2016-10-19T23:21:04.133Z"_s << example;
        QTest::newRow("event Open") << u"event_open.json"_s << EmailEventType::Open << QString() << recipient << u"2017-08-09T22:00:19.652Z"_s << example;
        QTest::newRow("event Click") << u"event_click.json"_s << EmailEventType::Click << QString() << recipient << u"2017-08-09T23:51:25.570Z"_s << example;
        QTest::newRow("event Rendering Failure") << u"event_rendering_failure.json"_s << EmailEventType::RenderingFailure << u"MyTemplate"_s
                                                 << recipient << u"2018-01-22T18:43:06.197Z"_s << example;
        QTest::newRow("event DeliveryDelay") << u"event_delivery_delay.json"_s << EmailEventType::DeliveryDelay << u"TransientCommunicationFailure"_s
                                             << recipient << u"2020-06-16T00:25:40.095Z"_s << example;
        QTest::newRow("event Subscription") << u"event_subscription.json"_s << EmailEventType::Subscription << u"UnsubscribeHeader"_s << recipient
                                            << u"2022-01-12T01:00:17.910Z"_s << u"EXAMPLEe4bccb684-777bc8de-afa7-4970-92b0-f515137b1497-000000"_s;
        QTest::newRow("bounce without DSN") << u"notif_bounce_permanent_no_dsn.json"_s << EmailEventType::Bounce << BounceClass::Hard
                                            << QStringList{u"jane@example.com"_s, u"richard@example.com"_s} << u"2016-01-27T14:59:38.237Z"_s
                                            << u"00000137860315fd-34208509-5b74-41f3-95c5-22c1edc3c924-000000"_s;
        QTest::newRow("bounce with DSN") << u"notif_bounce_permanent_with_dsn.json"_s << EmailEventType::Bounce << BounceClass::Hard
                                         << QStringList{u"jane@example.com"_s} << u"2016-01-27T14:59:38.237Z"_s
                                         << u"00000138111222aa-33322211-cccc-cccc-cccc-ddddaaaa0680-000000"_s;
        QTest::newRow("simulator bounce") << u"notif_bounce_permanent_simulator_bounce.json"_s << EmailEventType::Bounce << BounceClass::Hard
                                          << QStringList{u"bounce@simulator.amazonses.com"_s} << u"2022-08-03T17:34:55.000Z"_s
                                          << u"0100018264c6505e-66ca92ab-0593-41de-8df9-38b09a02a206-000000"_s;
        QTest::newRow("simulator suppression list") << u"notif_bounce_permanent_simulator_suppressionlist.json"_s << EmailEventType::Bounce
                                                    << BounceClass::Hard << QStringList{u"suppressionlist@simulator.amazonses.com"_s}
                                                    << u"2022-08-03T17:40:08.000Z"_s << u"0100018264cb1724-66162d8a-49a7-47dc-97bf-c2ff5ece42fe-000000"_s;
        QTest::newRow("simulator out of office") << u"notif_bounce_transient_general_simulator_ooto.json"_s << EmailEventType::Bounce
                                                 << BounceClass::Soft << QStringList{u"ooto@simulator.amazonses.com"_s}
                                                 << u"2022-08-03T17:36:16.000Z"_s << u"0100018264c78eba-a9093e0f-c835-49b7-ae65-36cfc8f953e8-000000"_s;
        QTest::newRow("complaint without feedback") << u"notif_complaint_no_feedback.json"_s << EmailEventType::Complaint << QString()
                                                    << QStringList{u"richard@example.com"_s} << u"2016-01-27T14:59:38.237Z"_s
                                                    << u"0000013786031775-163e3910-53eb-4c8e-a04a-f29debf88a84-000000"_s;
        QTest::newRow("complaint with feedback") << u"notif_complaint_with_feedback.json"_s << EmailEventType::Complaint << u"abuse"_s
                                                 << QStringList{u"richard@example.com"_s} << u"2016-01-27T14:59:38.237Z"_s
                                                 << u"000001378603177f-7a5433e7-8edb-42ae-af10-f0181f34d6ee-000000"_s;
        QTest::newRow("simulator complaint") << u"notif_complaint_simulator.json"_s << EmailEventType::Complaint << u"abuse"_s
                                             << QStringList{u"complaint@simulator.amazonses.com"_s} << u"2022-08-03T17:38:31.000Z"_s
                                             << u"0100018264c99e08-1aae1638-c00a-4c2b-93dd-acf9752adf56-000000"_s;
        QTest::newRow("delivery") << u"notif_delivery.json"_s << EmailEventType::Delivery << QString() << QStringList{u"jane@example.com"_s}
                                  << u"2016-01-27T14:59:38.237Z"_s << u"0000014644fe5ef6-9a483358-9170-4cb4-a269-f5dcdf415321-000000"_s;
        QTest::newRow("simulator delivery") << u"notif_delivery_simulator_success.json"_s << EmailEventType::Delivery << QString()
                                            << QStringList{u"success@simulator.amazonses.com"_s} << u"2022-08-03T17:31:45.690Z"_s
                                            << u"0100018264c36c7b-ac2351f4-6f04-48b4-b7e8-6103fd770c00-000000"_s;
    }
    void shouldParseEverySesSample()
    {
        QFETCH(QString, file);
        QFETCH(QString, type);
        QFETCH(QString, subType);
        QFETCH(QStringList, recipients);
        QFETCH(QString, occurredAt);
        QFETCH(QString, mailMessageId);
        const EmailIntake::Item item = classifyFixture(file);
        QCOMPARE(item.kind, EmailIntake::Item::Kind::Events);
        QVERIFY(!item.envelope);
        QCOMPARE(recipientsOf(item), recipients);
        const qint64 at = *SesEvent::parseTime(QJsonValue(occurredAt));
        for (const EmailEventRecord &r : item.rows) {
            QCOMPARE(r.eventType, type);
            QCOMPARE(r.subType, subType);
            QCOMPARE(r.occurredAt, at);
            QCOMPARE(r.mailMessageId, mailMessageId);
            QCOMPARE(r.source, u"file"_s);
            QVERIFY(r.snsMessageId.startsWith(u"sha256:"_s));
            QCOMPARE(r.raw, fixtures::bytes(file)); // kept exactly as received
        }
        // The same content always gets the same key, so a second import is a duplicate.
        QCOMPARE(classifyFixture(file).rows.front().snsMessageId, item.rows.front().snsMessageId);
    }

    void shouldKeepBounceAndComplaintDetails()
    {
        EmailIntake::Item item = classifyFixture(u"notif_bounce_permanent_with_dsn.json"_s);
        const EmailEventRecord &b = item.rows.front();
        QCOMPARE(b.bounceType, u"Permanent"_s);
        QCOMPARE(b.bounceSubType, u"General"_s);
        QCOMPARE(b.action, u"failed"_s);
        QCOMPARE(b.status, u"5.1.1"_s);
        QCOMPARE(b.diagnosticCode, u"smtp; 550 5.1.1 <jane@example.com>... User"_s);

        item = classifyFixture(u"event_delivery_delay.json"_s);
        QCOMPARE(item.rows.front().status, u"4.4.1"_s);
        QCOMPARE(item.rows.front().diagnosticCode, u"smtp; 421 4.4.1 Unable to connect to remote host"_s);

        item = classifyFixture(u"notif_complaint_with_feedback.json"_s);
        QCOMPARE(item.rows.front().complaintFeedbackType, u"abuse"_s);

        item = classifyFixture(u"event_click.json"_s);
        QCOMPARE(item.rows.front().clickLink, u"http://docs.aws.amazon.com/ses/latest/DeveloperGuide/send-email-smtp.html"_s);
        // The Message-ID header SES reports equals its own id here, so it is not kept twice.
        QVERIFY(item.rows.front().headerMessageId.isEmpty());
    }

    void shouldReadSesInsideAnSnsEnvelope()
    {
        const EmailIntake::Item item = classifyFixture(u"sns_envelope_ses_bounce_permanent_onaccountsuppressionlist.json"_s, false);
        QCOMPARE(item.kind, EmailIntake::Item::Kind::Events);
        QVERIFY(item.envelope);
        QCOMPARE(item.sesType, u"Bounce"_s);
        QCOMPARE(recipientsOf(item), QStringList{u"relayuser@test.com"_s});
        const EmailEventRecord &r = item.rows.front();
        QCOMPARE(r.snsMessageId, u"adbc2384-317d-54f1-b957-79e4d266a9f8"_s);
        QCOMPARE(r.topicArn, u"arn:aws:sns:us-east-1:168781634622:ses-inbound-grelay"_s);
        QCOMPARE(r.subType, BounceClass::SuppressionList);
        QCOMPARE(r.bounceSubType, u"OnAccountSuppressionList"_s);
        QCOMPARE(r.mailMessageId, u"0100017e6dde5594-4912fac5-bd85-4358-98d4-7b8d8b89fc60-000000"_s);
        QCOMPARE(r.raw, item.envelope->message.toUtf8());
    }

    void shouldIgnoreThePlainTextTopicValidationNotice()
    {
        const EmailIntake::Item item = classifyFixture(u"sns_envelope_ses_topic_validation_notification_non_json_message.json"_s);
        QCOMPARE(item.kind, EmailIntake::Item::Kind::Ignored);
        QVERIFY(item.rows.isEmpty());
        QVERIFY2(item.reason.contains(u"Successfully validated SNS topic"_s), qPrintable(item.reason));
    }

    void shouldIgnoreNotificationsThatAreNotSes()
    {
        QCOMPARE(classifyFixture(u"sns_doc_example_notification.json"_s).kind, EmailIntake::Item::Kind::Ignored);
        QCOMPARE(classifyFixture(u"sns_envelope_sigv2_notification_with_subject.json"_s).kind, EmailIntake::Item::Kind::Ignored);
    }

    void shouldRecogniseConfirmationsAsNotices()
    {
        for (const QString &f : {u"sns_envelope_subscription_confirmation.json"_s, u"sns_doc_example_subscription_confirmation.json"_s,
                                 u"sns_doc_example_unsubscribe_confirmation.json"_s}) {
            const EmailIntake::Item item = classifyFixture(f);
            QCOMPARE(item.kind, EmailIntake::Item::Kind::Notice);
            QVERIFY(item.envelope);
            QVERIFY(!item.envelope->subscribeUrl.isEmpty());
        }
    }

    void shouldRefuseRawSesWhereOnlyEnvelopesAreAllowed()
    {
        const EmailIntake::Item item = classifyFixture(u"event_send.json"_s, false);
        QCOMPARE(item.kind, EmailIntake::Item::Kind::Invalid);
        QVERIFY2(item.reason.contains(u"token"_s), qPrintable(item.reason));
    }

    void shouldKeepUnknownTypesAndFields()
    {
        QJsonObject o = fixtures::object(u"event_send.json"_s);
        o.insert(u"eventType"_s, u"Quarantine Release"_s);
        o.insert(u"quarantineRelease"_s, QJsonObject{{u"timestamp"_s, u"2024-02-01T10:00:00.000Z"_s}, {u"reason"_s, u"cleared"_s}});
        o.insert(u"brandNewField"_s, 42);
        const EmailIntake::Item item = EmailIntake::classify(o, {}, {true, u"file"_s, kNow});
        QCOMPARE(item.kind, EmailIntake::Item::Kind::Events);
        QCOMPARE(item.rows.size(), 1);
        QCOMPARE(item.rows.front().eventType, u"quarantine_release"_s);
        QCOMPARE(item.rows.front().occurredAt, *SesEvent::parseTime(QJsonValue(u"2024-02-01T10:00:00.000Z"_s)));
        QVERIFY(item.rows.front().raw.contains("brandNewField"));
    }

    void shouldKeepAnEventWithoutRecipientsOrTime()
    {
        const QJsonObject o{{u"eventType"_s, u"Send"_s}, {u"mail"_s, QJsonObject{{u"messageId"_s, u"x-1"_s}}}};
        const EmailIntake::Item item = EmailIntake::classify(o, {}, {true, u"file"_s, kNow});
        QCOMPARE(item.kind, EmailIntake::Item::Kind::Events);
        QCOMPARE(recipientsOf(item), QStringList{QString()});
        QCOMPARE(item.rows.front().occurredAt, kNow);
    }

    void shouldRefuseWhatIsNeitherSnsNorSes_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("reason");
        QTest::newRow("not JSON") << QByteArray("Type=Notification") << u"not JSON"_s;
        QTest::newRow("an array") << QByteArray("[1, 2]") << u"not a JSON object"_s;
        QTest::newRow("another object") << QByteArray(R"({"hello": "world"})") << u"neither an SNS message"_s;
        QTest::newRow("unknown SNS type") << QByteArray(R"({"Type": "Bogus", "MessageId": "m"})") << u"'Bogus' is unknown"_s;
        QTest::newRow("SNS without Message") << QByteArray(R"({"Type": "Notification", "MessageId": "m", "TopicArn": "t", "Timestamp": "x"})")
                                            << u"has no Message"_s;
        QTest::newRow("SNS Message not a string") << QByteArray(R"({"Type": "Notification", "MessageId": "m", "TopicArn": "t", "Timestamp": "x", "Message": {}})")
                                                 << u"Message is not a string"_s;
        QTest::newRow("SES mail not an object") << QByteArray(R"({"eventType": "Send", "mail": []})") << u"mail is not an object"_s;
    }
    void shouldRefuseWhatIsNeitherSnsNorSes()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, reason);
        const EmailIntake::Item item = EmailIntake::classifyBytes(body, {true, u"file"_s, kNow});
        QCOMPARE(item.kind, EmailIntake::Item::Kind::Invalid);
        QVERIFY2(item.reason.contains(reason), qPrintable(item.reason));
    }

    void shouldReadMongoexportDocuments()
    {
        // A document of the old ses_event collection: SNS fields as stored, extended JSON for ids and dates.
        const QJsonObject inner = fixtures::object(u"notif_complaint_simulator.json"_s);
        const QJsonObject doc{
            {u"_id"_s, QJsonObject{{u"$oid"_s, u"62eab1d7c3f1a2b3c4d5e6f7"_s}}},
            {u"Type"_s, u"Notification"_s},
            {u"MessageId"_s, u"5d1c0d3e-8f4a-5b6c-9d7e-0f1a2b3c4d5e"_s},
            {u"Subject"_s, QJsonValue::Null},
            {u"Message"_s, QString::fromUtf8(QJsonDocument(inner).toJson(QJsonDocument::Compact))},
            {u"Timestamp"_s, QJsonObject{{u"$date"_s, u"2022-08-03T17:38:32.000Z"_s}}},
        };
        EmailIntake::Item item = EmailIntake::classify(doc, {}, {true, u"file"_s, kNow});
        QCOMPARE(item.kind, EmailIntake::Item::Kind::Events);
        QVERIFY(item.stored);
        QCOMPARE(item.envelope->timestamp, u"2022-08-03T17:38:32.000Z"_s);
        QCOMPARE(recipientsOf(item), QStringList{u"complaint@simulator.amazonses.com"_s});
        QCOMPARE(item.rows.front().snsMessageId, u"5d1c0d3e-8f4a-5b6c-9d7e-0f1a2b3c4d5e"_s);

        QJsonObject numeric = doc;
        numeric.insert(u"Timestamp"_s, QJsonObject{{u"$date"_s, QJsonObject{{u"$numberLong"_s, u"1659548312000"_s}}}});
        item = EmailIntake::classify(numeric, {}, {true, u"file"_s, kNow});
        QCOMPARE(item.envelope->timestamp, u"2022-08-03T17:38:32.000Z"_s);
    }

    void shouldSplitFiles()
    {
        const QByteArray send = QJsonDocument(fixtures::object(u"event_send.json"_s)).toJson(QJsonDocument::Compact);
        // JSON Lines with a blank line and a broken line.
        QList<EmailIntake::Document> docs = EmailIntake::split(send + "\n\n{\"eventType\": \n" + send + "\n", u"events.jsonl"_s);
        QCOMPARE(docs.size(), 3);
        QCOMPARE(docs[0].location, u"events.jsonl:1"_s);
        QVERIFY(docs[0].error.isEmpty());
        QCOMPARE(docs[1].location, u"events.jsonl:3"_s);
        QVERIFY2(docs[1].error.startsWith(u"not JSON"_s), qPrintable(docs[1].error));
        QCOMPARE(docs[2].location, u"events.jsonl:4"_s);
        // One pretty-printed object.
        docs = EmailIntake::split(fixtures::bytes(u"event_click.json"_s), u"click.json"_s);
        QCOMPARE(docs.size(), 1);
        QCOMPARE(docs[0].location, u"click.json"_s);
        // mongoexport --jsonArray.
        docs = EmailIntake::split("[" + send + ", 7]", u"export.json"_s);
        QCOMPARE(docs.size(), 2);
        QCOMPARE(docs[1].location, u"export.json:item 2"_s);
        QCOMPARE(docs[1].error, u"not a JSON object"_s);
        // A broken pretty-printed object is one broken document, located at its line.
        docs = EmailIntake::split("{\n  \"eventType\": \"Send\",\n  \"mail\": {\n}", u"broken.json"_s);
        QCOMPARE(docs.size(), 1);
        QVERIFY(!docs[0].error.isEmpty());
        QCOMPARE(docs[0].location, u"broken.json:4"_s);
        QVERIFY(EmailIntake::split("  \n", u"empty.json"_s).isEmpty());
    }
};

QTEST_GUILESS_MAIN(tst_EmailIntake)
#include "tst_emailintake.moc"
