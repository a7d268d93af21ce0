// Value types: durations, times, back-off, rate limits, queue validation, message JSON.
#include "model/MessageJson.h"
#include "model/MessageSelection.h"
#include "model/QueueConfig.h"
#include "model/RateLimit.h"
#include "model/RetryPolicy.h"
#include "model/TimeText.h"

#include <QBuffer>
#include <QDateTime>
#include <QJsonDocument>
#include <QTest>

using namespace herald;

class tst_Model : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // The console disables actions with this list, so it must say what the store enforces.
    void shouldAllowDeleteOnlyOnTerminalMessagesAndRetryOnlyOnFailedOnes()
    {
        QCOMPARE(allowedStates(ActionKind::Delete), (QList<MessageState>{MessageState::Completed, MessageState::Failed, MessageState::Cancelled}));
        QCOMPARE(allowedStates(ActionKind::Retry), QList<MessageState>{MessageState::Failed});
        QCOMPARE(allowedStates(ActionKind::Restore), QList<MessageState>{MessageState::Cancelled});
        QVERIFY(!allowedStates(ActionKind::Reschedule).contains(MessageState::Active));
    }

    void shouldParseDurations_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("ms");
        QTest::newRow("milliseconds") << "250ms" << qint64(250);
        QTest::newRow("seconds") << "5s" << qint64(5'000);
        QTest::newRow("minutes") << "15m" << qint64(900'000);
        QTest::newRow("hours") << "2h" << qint64(7'200'000);
        QTest::newRow("days") << "7d" << qint64(604'800'000);
        QTest::newRow("combined") << "1h30m" << qint64(5'400'000);
        QTest::newRow("spaces around") << " 10s " << qint64(10'000);
    }
    void shouldParseDurations()
    {
        QFETCH(QString, text);
        QFETCH(qint64, ms);
        const auto d = parseDuration(text);
        QVERIFY2(d.ok(), qPrintable(d.errorString()));
        QCOMPARE(*d, ms);
    }

    void shouldRefuseBadDurationsWithTheInput_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("empty") << "";
        QTest::newRow("no unit") << "15";
        QTest::newRow("unknown unit") << "3w";
        QTest::newRow("negative") << "-5s";
        QTest::newRow("trailing junk") << "5sx";
        QTest::newRow("over 100 years") << "36526d";
        QTest::newRow("over 100 years in parts") << "36525d1ms";
        QTest::newRow("overflows 64 bits") << "99999999999d";
        QTest::newRow("more digits than 64 bits") << "99999999999999999999999ms";
    }
    void shouldRefuseBadDurationsWithTheInput()
    {
        QFETCH(QString, text);
        const auto d = parseDuration(text);
        QVERIFY(!d.ok());
        QCOMPARE(d.error().kind, Error::Kind::BadInput);
        QVERIFY2(d.errorString().contains(QLatin1Char('\'') + text + QLatin1Char('\'')), qPrintable(d.errorString()));
        QVERIFY(d.errorString().contains(QLatin1String("e.g.")));
    }

    void shouldTakeDurationsUpToOneHundredYears()
    {
        QCOMPARE(*parseDuration(QStringLiteral("36525d")), kMaxDurationMs);
        QCOMPARE(*parseDuration(QStringLiteral("36524d23h59m59s999ms")), kMaxDurationMs - 1);
        QVERIFY(parseDuration(QStringLiteral("36526d")).errorString().contains(QLatin1String("100 years")));
    }

    void shouldReadValidTimesExactly_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("utc");
        QTest::newRow("Z") << "2026-12-31T23:00:00Z" << "2026-12-31T23:00:00.000Z";
        QTest::newRow("offset") << "2026-12-31T23:30:00+01:00" << "2026-12-31T22:30:00.000Z";
        QTest::newRow("offset no colon") << "2026-12-31T23:30:00-0530" << "2027-01-01T05:00:00.000Z";
        QTest::newRow("offset hours only") << "2026-12-31T23:30:00+14" << "2026-12-31T09:30:00.000Z";
        QTest::newRow("no seconds") << "2026-12-31T23:30Z" << "2026-12-31T23:30:00.000Z";
        QTest::newRow("milliseconds") << "2026-12-31T23:30:00.25Z" << "2026-12-31T23:30:00.250Z";
        QTest::newRow("microseconds cut") << "2026-12-31T23:30:00.123456Z" << "2026-12-31T23:30:00.123Z";
        QTest::newRow("space for T") << "2026-12-31 23:30:00Z" << "2026-12-31T23:30:00.000Z";
        QTest::newRow("no zone is UTC") << "2026-12-31T23:30:00" << "2026-12-31T23:30:00.000Z";
        QTest::newRow("date alone") << "2026-12-31" << "2026-12-31T00:00:00.000Z";
        QTest::newRow("leap day") << "2028-02-29T12:00:00Z" << "2028-02-29T12:00:00.000Z";
    }
    void shouldReadValidTimesExactly()
    {
        QFETCH(QString, text);
        QFETCH(QString, utc);
        const auto t = parseTimestamp(text, 0);
        QVERIFY2(t.ok(), qPrintable(t.errorString()));
        QCOMPARE(formatTimestamp(*t), utc);
    }

    void shouldWriteTimestampsAsQDateTimeDoes_data()
    {
        QTest::addColumn<qint64>("ms");
        QTest::newRow("the epoch") << qint64(0);
        QTest::newRow("before the epoch") << qint64(-1);
        QTest::newRow("with milliseconds") << qint64(1'795'512'600'123);
        QTest::newRow("leap day") << qint64(1'835'438'400'000);
        QTest::newRow("last millisecond of a year") << qint64(1'830'297'599'999);
        QTest::newRow("last millisecond of 9999") << qint64(253'402'300'799'999);
        QTest::newRow("year 10000") << qint64(253'402'300'800'000);
        QTest::newRow("1900") << qint64(-2'208'988'800'000);
    }
    void shouldWriteTimestampsAsQDateTimeDoes()
    {
        QFETCH(qint64, ms);
        const QDateTime t = QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC); // what the formatting was before
        QCOMPARE(formatTimestamp(ms), t.toString(Qt::ISODateWithMs));
        QCOMPARE(formatTimestampSeconds(ms), t.toString(Qt::ISODate));
    }

    void shouldRefuseInvalidTimesNamingTheField_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("names");
        QTest::newRow("hour 25") << "2026-12-31T25:00:00Z" << "hour 25";
        QTest::newRow("hour 24") << "2026-12-31T24:00:00Z" << "hour 24";
        QTest::newRow("minute 60") << "2026-12-31T23:60:00Z" << "minute 60";
        QTest::newRow("second 60") << "2026-12-31T23:59:60Z" << "second 60";
        QTest::newRow("offset +99:00") << "2026-12-31T23:00:00+99:00" << "beyond";
        QTest::newRow("offset minute 60") << "2026-12-31T23:00:00+01:60" << "minute 60";
        QTest::newRow("offset +15") << "2026-12-31T23:00:00+15:00" << "beyond";
        QTest::newRow("month 13") << "2026-13-01T00:00:00Z" << "month 13";
        QTest::newRow("February 30") << "2026-02-30T00:00:00Z" << "day 30";
        QTest::newRow("not a leap year") << "2027-02-29" << "day 29";
        QTest::newRow("trailing junk") << "2026-12-31T23:00:00Zjunk" << "ISO 8601";
        QTest::newRow("junk after date") << "2026-12-31junk" << "ISO 8601";
        QTest::newRow("two-digit year") << "26-12-31" << "ISO 8601";
        QTest::newRow("year 0001") << "0001-01-01" << "before 1900";
    }
    void shouldRefuseInvalidTimesNamingTheField()
    {
        QFETCH(QString, text);
        QFETCH(QString, names);
        const auto t = parseTimestamp(text, 0);
        QVERIFY2(!t.ok(), qPrintable(text + QStringLiteral(" was read as ") + (t.ok() ? formatTimestamp(*t) : QString())));
        QCOMPARE(t.error().kind, Error::Kind::BadInput);
        QVERIFY2(t.errorString().contains(QLatin1Char('\'') + text + QLatin1Char('\'')), qPrintable(t.errorString()));
        QVERIFY2(t.errorString().contains(names), qPrintable(t.errorString()));
    }

    void shouldFormatDurationsShortestExact()
    {
        QCOMPARE(formatDuration(300'000), QStringLiteral("5m"));
        QCOMPARE(formatDuration(5'400'000), QStringLiteral("1h30m"));
        QCOMPARE(formatDuration(250), QStringLiteral("250ms"));
        QCOMPARE(formatDuration(30LL * 86'400'000), QStringLiteral("30d"));
    }

    void shouldReadAndWriteTimestampsInUtc()
    {
        const auto t = parseTimestamp(QStringLiteral("2026-11-24T10:30:00+01:00"), 0);
        QVERIFY(t.ok());
        QCOMPARE(formatTimestamp(*t), QStringLiteral("2026-11-24T09:30:00.000Z"));
        const auto noZone = parseTimestamp(QStringLiteral("2026-11-24T09:30:00"), 0);
        QVERIFY(noZone.ok());
        QCOMPARE(*noZone, *t);
        QCOMPARE(*parseTimestamp(QStringLiteral("now"), 42), qint64(42));
        QVERIFY(!parseTimestamp(QStringLiteral("tomorrow"), 0).ok());
        QVERIFY(parseTimestamp(QStringLiteral("tomorrow"), 0).errorString().contains(QLatin1String("'tomorrow'")));
    }

    void shouldBackOffExponentiallyFromFiveSecondsByDefault()
    {
        const RetryPolicy p;
        QCOMPARE(p.delayAfterAttempt(1), qint64(5'000));
        QCOMPARE(p.delayAfterAttempt(2), qint64(10'000));
        QCOMPARE(p.delayAfterAttempt(3), qint64(20'000));
    }

    void shouldApplyCapJitterAndFixedBackOff()
    {
        const auto capped = RetryPolicy::parse(QStringLiteral("exponential:5s:cap=12s"));
        QVERIFY2(capped.ok(), qPrintable(capped.errorString()));
        QCOMPARE(capped->delayAfterAttempt(3), qint64(12'000));
        const auto fixed = RetryPolicy::parse(QStringLiteral("fixed:30s"));
        QVERIFY(fixed.ok());
        QCOMPARE(fixed->delayAfterAttempt(1), qint64(30'000));
        QCOMPARE(fixed->delayAfterAttempt(5), qint64(30'000));
        const auto jitter = RetryPolicy::parse(QStringLiteral("fixed:10s:jitter=20%"));
        QVERIFY(jitter.ok());
        QCOMPARE(jitter->delayAfterAttempt(1, 0.0), qint64(8'000));
        QCOMPARE(jitter->delayAfterAttempt(1, 1.0), qint64(12'000));
        QCOMPARE(jitter->toString(), QStringLiteral("fixed:10s:jitter=20%"));
        QCOMPARE(RetryPolicy::parse(jitter->toString())->jitter, jitter->jitter);
    }

    void shouldRefuseBadBackOff_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("unknown kind") << "linear:5s";
        QTest::newRow("no base") << "exponential";
        QTest::newRow("bad base") << "fixed:soon";
        QTest::newRow("jitter over 100%") << "fixed:5s:jitter=150%";
        QTest::newRow("unknown option") << "fixed:5s:max=3";
    }
    void shouldRefuseBadBackOff()
    {
        QFETCH(QString, text);
        const auto p = RetryPolicy::parse(text);
        QVERIFY(!p.ok());
        QVERIFY(p.errorString().contains(text));
    }

    void shouldParseRateLimits()
    {
        const auto r = RateLimit::parse(QStringLiteral("20/1m"));
        QVERIFY(r.ok());
        QCOMPARE(r->maxStarts, 20);
        QCOMPARE(r->windowMs, qint64(60'000));
        QCOMPARE(r->toString(), QStringLiteral("20/1m"));
        QCOMPARE(RateLimit::parse(QStringLiteral("100/m"))->windowMs, qint64(60'000));
        QVERIFY(!RateLimit::parse(QStringLiteral("none"))->isLimited());
        QVERIFY(!RateLimit::parse(QStringLiteral("20 per minute")).ok());
        QVERIFY(!RateLimit::parse(QStringLiteral("0/1m")).ok());
    }

    void shouldValidateQueueSettings()
    {
        QueueConfig c;
        c.name = QStringLiteral("event-messages");
        QVERIFY(c.validate().ok());
        c.name = QStringLiteral("bad name!");
        QVERIFY(c.validate().errorString().contains(QLatin1String("'bad name!'")));
        c.name = QStringLiteral("q");
        c.concurrency = 0;
        QVERIFY(c.validate().errorString().contains(QLatin1String("concurrency")));
        c.concurrency = 10;
        c.defaultChannel = QStringLiteral("carrier pigeon!");
        QVERIFY(c.validate().errorString().contains(QLatin1String("'carrier pigeon!'")));
    }

    void shouldReadJsonLinesAndNameEveryBadLine()
    {
        QByteArray input = "{\"type\":\"a\",\"priority\":1,\"labels\":{\"event\":41},\"delay\":\"15m\"}\n"
                           "\n"
                           "{\"type\":\"b\",\"priority\":11}\n"
                           "not json\n"
                           "{\"type\":\"c\",\"recipent\":\"x\"}\n"
                           "{\"type\":\"d\",\"run_at\":\"2026-11-24T09:30:00Z\",\"queue\":\"other\"}\n";
        QBuffer buffer(&input);
        QVERIFY(buffer.open(QIODevice::ReadOnly));
        const JsonLinesBatch batch = parseJsonLines(buffer, QStringLiteral("in.jsonl"), QStringLiteral("default-q"), 1000);
        QCOMPARE(batch.lines, 5);
        QCOMPARE(batch.messages.size(), 2);
        QCOMPARE(batch.messages[0].queue, QStringLiteral("default-q"));
        QCOMPARE(batch.messages[0].labels.value(QStringLiteral("event")), QStringLiteral("41"));
        QCOMPARE(batch.messages[0].runAt, qint64(1000 + 900'000));
        QCOMPARE(batch.messages[1].queue, QStringLiteral("other"));
        QCOMPARE(batch.errors.size(), 3);
        QVERIFY2(batch.errors[0].startsWith(QLatin1String("in.jsonl:3: field 'priority'")), qPrintable(batch.errors[0]));
        QVERIFY2(batch.errors[1].startsWith(QLatin1String("in.jsonl:4: not valid JSON")), qPrintable(batch.errors[1]));
        QVERIFY2(batch.errors[2].startsWith(QLatin1String("in.jsonl:5: unknown field 'recipent'")), qPrintable(batch.errors[2]));
    }

    void shouldRoundTripListOutputAsInput()
    {
        Message m;
        m.id = 7;
        m.queue = QStringLiteral("q");
        m.type = QStringLiteral("speaker_alert");
        m.channel = QStringLiteral("sms");
        m.recipient = QStringLiteral("+14155550100");
        m.priority = 2;
        m.runAt = 1'800'000'000'000;
        m.labels = {{QStringLiteral("event"), QStringLiteral("41")}};
        m.payload = QByteArrayLiteral("{\"name\":\"Ana\"}");
        m.maxAttempts = 3;
        const QJsonObject json = messageToJson(m);
        for (const char *key : {"id", "queue", "type", "channel", "recipient", "priority", "state", "run_at", "created_at", "started_at",
                                "finished_at", "attempts", "max_attempts", "dedupe_key", "labels", "payload", "last_error",
                                "provider_message_id"})
            QVERIFY2(json.contains(QLatin1String(key)), key);
        const auto back = newMessageFromJson(json, {}, 0);
        QVERIFY2(back.ok(), qPrintable(back.errorString()));
        QCOMPARE(back->type, m.type);
        QCOMPARE(back->priority, 2);
        QCOMPARE(back->runAt, m.runAt);
        QCOMPARE(back->labels, m.labels);
        QCOMPARE(back->payload, m.payload);
    }
};

QTEST_GUILESS_MAIN(tst_Model)
#include "tst_model.moc"
