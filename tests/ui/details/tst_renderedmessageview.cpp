// The details dock's Rendered tab: a message's templates as each channel kind sends them, per locale.
#include "details/RenderedMessageView.h"

#include <QComboBox>
#include <QTest>

using namespace herald;

namespace {

Message sample()
{
    Message m;
    m.id = 7;
    m.queue = QStringLiteral("event-messages");
    m.type = QStringLiteral("speaker_alert");
    m.channel = QStringLiteral("sms");
    m.recipient = QStringLiteral("+15550100");
    m.payload = QByteArrayLiteral("{\"name\":\"Ana\",\"subject\":\"Session {{name}}\",\"body\":\"Hi {{name}}, you are on at 9.\","
                                  "\"localization\":{\"es\":{\"body\":\"Hola {{name}}, a las 9.\"}}}");
    return m;
}

} // namespace

class TestRenderedMessageView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void shouldRenderAsTheMessagesOwnChannelInItsOwnLocaleFirst()
    {
        RenderedMessageView view;
        view.setMessage(sample());
        QCOMPARE(view.channelField()->currentData().toString(), QStringLiteral("sms"));
        QCOMPARE(view.localeField()->count(), 2);
        QCOMPARE(view.localeField()->itemText(0), QStringLiteral("en"));
        QVERIFY2(view.renderedText().contains(QStringLiteral("Hi Ana, you are on at 9.")), qPrintable(view.renderedText()));
        QVERIFY2(view.renderedText().contains(QStringLiteral("1 segment (GSM-7)")), qPrintable(view.renderedText()));

        view.localeField()->setCurrentText(QStringLiteral("es"));
        QVERIFY2(view.renderedText().contains(QStringLiteral("Hola Ana, a las 9.")), qPrintable(view.renderedText()));

        view.channelField()->setCurrentIndex(view.channelField()->findData(QStringLiteral("email")));
        QVERIFY2(view.renderedText().contains(QStringLiteral("Subject: Session Ana")), qPrintable(view.renderedText()));
        view.channelField()->setCurrentIndex(view.channelField()->findData(QStringLiteral("webhook")));
        QVERIFY2(view.renderedText().contains(QStringLiteral("\"recipient\": \"+15550100\"")), qPrintable(view.renderedText()));
        QVERIFY(view.renderedText().contains(QStringLiteral("\"locale\": \"es\"")));

        // The same message again (a refresh) keeps what the reader chose.
        view.setMessage(sample());
        QCOMPARE(view.localeField()->currentText(), QStringLiteral("es"));
        QCOMPARE(view.channelField()->currentData().toString(), QStringLiteral("webhook"));
    }

    void shouldShowTheErrorADeliveryWouldFailWith()
    {
        Message m = sample();
        m.payload = QByteArrayLiteral("{\"body\":\"Hi {{#name}}\"}");
        RenderedMessageView view;
        view.setMessage(m);
        QVERIFY2(view.renderedText().contains(QStringLiteral("cannot be rendered")), qPrintable(view.renderedText()));
    }

    void shouldCountSmsSegmentsByAlphabet()
    {
        bool gsm7 = false;
        QCOMPARE(RenderedMessageView::smsSegments(QString(160, QLatin1Char('a')), &gsm7), 1);
        QVERIFY(gsm7);
        QCOMPARE(RenderedMessageView::smsSegments(QString(161, QLatin1Char('a'))), 2);
        QCOMPARE(RenderedMessageView::smsSegments(QString(306, QLatin1Char('a'))), 2);
        QCOMPARE(RenderedMessageView::smsSegments(QString(307, QLatin1Char('a'))), 3);
        QCOMPARE(RenderedMessageView::smsSegments(QStringLiteral("Confirmação"), &gsm7), 1);
        QVERIFY(!gsm7);
        QCOMPARE(RenderedMessageView::smsSegments(QString(71, QChar(0x00E7))), 2);
    }
};

QTEST_MAIN(TestRenderedMessageView)
#include "tst_renderedmessageview.moc"
