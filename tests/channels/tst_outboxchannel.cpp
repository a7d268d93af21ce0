// OutboxChannel: renders and hands the record back; the done contract every channel shares (ChannelBase).
#include "ChannelTestSupport.h"
#include "channels/Channel.h"

#include <QJsonObject>
#include <QTest>

using namespace herald;
using namespace Qt::StringLiterals;

namespace {
std::unique_ptr<Channel> outbox()
{
    ChannelConfig config;
    config.name = u"outbox"_s;
    auto channel = createChannel(config, ChannelContext{});
    if (!channel)
        qFatal("%s", qPrintable(channel.errorString()));
    return std::move(*channel);
}

QJsonObject speakerPayload()
{
    return QJsonObject{
        {u"locale"_s, u"es"_s},
        {u"contractor"_s, QJsonObject{{u"first_name"_s, u"Ana"_s}}},
        {u"localization"_s,
         QJsonObject{{u"es"_s, QJsonObject{{u"subject"_s, u"Tu charla"_s},
                                           {u"body"_s, u"Hola {{contractor.first_name}}"_s},
                                           {u"html"_s, u"<p>Hola {{contractor.first_name}}</p>"_s}}}}},
    };
}
} // namespace

class tst_OutboxChannel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void shouldRenderTheMessageIntoTheOutboxRecord()
    {
        auto channel = outbox();
        DoneProbe probe;
        channel->deliver(makeDelivery(7, u"+34600111222"_s, speakerPayload()), probe.callback());
        QTRY_COMPARE(probe.calls(), 1);
        QCOMPARE(probe.outcome()->kind, DeliveryOutcome::Kind::Success);
        const QJsonObject record = jsonObject(probe.outcome()->rendered);
        QCOMPARE(record.value(u"channel"_s).toString(), u"outbox"_s);
        QCOMPARE(record.value(u"kind"_s).toString(), u"outbox"_s);
        QCOMPARE(record.value(u"to"_s).toString(), u"+34600111222"_s);
        QCOMPARE(record.value(u"subject"_s).toString(), u"Tu charla"_s);
        QCOMPARE(record.value(u"text"_s).toString(), u"Hola Ana"_s);
        QCOMPARE(record.value(u"html"_s).toString(), u"<p>Hola Ana</p>"_s);
        QCOMPARE(record.value(u"locale"_s).toString(), u"es"_s);
    }

    void shouldNeverCallDoneFromInsideDeliver()
    {
        auto channel = outbox();
        DoneProbe probe;
        channel->deliver(makeDelivery(8, u"a@example.org"_s, QJsonObject{{u"body"_s, u"x"_s}}), probe.callback());
        QCOMPARE(probe.calls(), 0);
        QTRY_COMPARE(probe.calls(), 1);
    }

    void shouldFailPermanentlyNamingTheTemplateThatCannotRender()
    {
        auto channel = outbox();
        DoneProbe probe;
        channel->deliver(makeDelivery(9, u"a@example.org"_s, QJsonObject{{u"body"_s, u"Hi {{#name}}"_s}}), probe.callback());
        QTRY_COMPARE(probe.calls(), 1);
        QCOMPARE(probe.outcome()->kind, DeliveryOutcome::Kind::Permanent);
        QVERIFY2(probe.outcome()->error.contains(u"'payload.body'"_s), probe.describe());
    }

    void shouldNeverCallDoneAfterAbort()
    {
        auto channel = outbox();
        DoneProbe aborted;
        DoneProbe other;
        channel->deliver(makeDelivery(10, u"a@example.org"_s, QJsonObject{{u"body"_s, u"x"_s}}), aborted.callback());
        channel->deliver(makeDelivery(11, u"b@example.org"_s, QJsonObject{{u"body"_s, u"y"_s}}), other.callback());
        channel->abort(10);
        QTRY_COMPARE(other.calls(), 1);
        const auto drained = postMarker(this);
        QTRY_VERIFY(*drained);
        QCOMPARE(aborted.calls(), 0);
    }

    void shouldNeverCallDoneAfterTheChannelIsDestroyed()
    {
        auto channel = outbox();
        DoneProbe probe;
        channel->deliver(makeDelivery(12, u"a@example.org"_s, QJsonObject{{u"body"_s, u"x"_s}}), probe.callback());
        channel.reset();
        const auto drained = postMarker(this);
        QTRY_VERIFY(*drained);
        QCOMPARE(probe.calls(), 0);
    }
};

QTEST_GUILESS_MAIN(tst_OutboxChannel)
#include "tst_outboxchannel.moc"
