// TemplateRenderer: Mustache over the payload, per-locale variants with fallback, escaping per field.
#include "channels/TemplateRenderer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace herald;
using namespace Qt::StringLiterals;

namespace {
Message messageWith(const QJsonObject &payload, const Labels &labels = {})
{
    Message m;
    m.id = 4107;
    m.queue = u"event-messages"_s;
    m.type = u"speaker_alert"_s;
    m.recipient = u"+34600111222"_s;
    m.attempts = 2;
    m.labels = labels;
    m.payload = QJsonDocument(payload).toJson(QJsonDocument::Compact);
    return m;
}

QJsonObject localized()
{
    return QJsonObject{
        {u"subject"_s, u"top subject"_s},
        {u"body"_s, u"top body"_s},
        {u"localization"_s,
         QJsonObject{{u"en"_s, QJsonObject{{u"title"_s, u"Your talk"_s}, {u"body"_s, u"Hi {{contractor.first_name}}"_s}}},
                     {u"es"_s, QJsonObject{{u"title"_s, u"Tu charla"_s}, {u"body"_s, u"Hola {{contractor.first_name}}"_s}}}}},
        {u"contractor"_s, QJsonObject{{u"first_name"_s, u"Ana"_s}}},
    };
}
} // namespace

class tst_TemplateRenderer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void shouldResolveDottedNamesIntoThePayload()
    {
        const auto r = TemplateRenderer::render(messageWith(QJsonObject{
            {u"body"_s, u"{{contractor.first_name}} {{contractor.last_name}}, event {{event.id}} at {{event.venue.name}}"_s},
            {u"contractor"_s, QJsonObject{{u"first_name"_s, u"Ana"_s}, {u"last_name"_s, u"Ruiz"_s}}},
            {u"event"_s, QJsonObject{{u"id"_s, 41}, {u"venue"_s, QJsonObject{{u"name"_s, u"Sala 2"_s}}}}},
        }));
        QVERIFY2(r.ok(), qPrintable(r.errorString()));
        QCOMPARE(r->text, u"Ana Ruiz, event 41 at Sala 2"_s);
    }

    void shouldOfferRecipientMessageAndLabelsToTemplates()
    {
        const auto r = TemplateRenderer::render(messageWith(
            QJsonObject{{u"subject"_s, u"{{message.type}} #{{message.id}} in {{message.queue}}, attempt {{message.attempt}}"_s},
                        {u"body"_s, u"to {{recipient}} for event {{labels.event}}"_s}},
            Labels{{u"event"_s, u"41"_s}}));
        QVERIFY2(r.ok(), qPrintable(r.errorString()));
        QCOMPARE(r->subject, u"speaker_alert #4107 in event-messages, attempt 2"_s);
        QCOMPARE(r->text, u"to +34600111222 for event 41"_s);
    }

    void shouldLetThePayloadWinOverHeraldNames()
    {
        const auto r = TemplateRenderer::render(messageWith(QJsonObject{{u"body"_s, u"{{message}}"_s}, {u"message"_s, u"Doors open at 9"_s}}));
        QVERIFY2(r.ok(), qPrintable(r.errorString()));
        QCOMPARE(r->text, u"Doors open at 9"_s);
    }

    void shouldRenderAMissingNameEmpty()
    {
        const auto r = TemplateRenderer::render(messageWith(QJsonObject{{u"body"_s, u"Hi {{contractor.nickname}}!"_s}}));
        QVERIFY2(r.ok(), qPrintable(r.errorString()));
        QCOMPARE(r->text, u"Hi !"_s);
    }

    void shouldChooseTheLocaleVariantWithFallbackToEnglish_data()
    {
        QTest::addColumn<QString>("payloadLocale");
        QTest::addColumn<QString>("labelLocale");
        QTest::addColumn<QString>("subject");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("locale");
        QTest::newRow("es from the payload") << u"es"_s << QString() << u"Tu charla"_s << u"Hola Ana"_s << u"es"_s;
        QTest::newRow("es from the label") << QString() << u"es"_s << u"Tu charla"_s << u"Hola Ana"_s << u"es"_s;
        QTest::newRow("payload locale beats the label") << u"en"_s << u"es"_s << u"Your talk"_s << u"Hi Ana"_s << u"en"_s;
        QTest::newRow("es-MX falls to es") << u"es-MX"_s << QString() << u"Tu charla"_s << u"Hola Ana"_s << u"es"_s;
        QTest::newRow("fr falls back to en") << u"fr"_s << QString() << u"Your talk"_s << u"Hi Ana"_s << u"en"_s;
        QTest::newRow("no locale is en") << QString() << QString() << u"Your talk"_s << u"Hi Ana"_s << u"en"_s;
    }
    void shouldChooseTheLocaleVariantWithFallbackToEnglish()
    {
        QFETCH(QString, payloadLocale);
        QFETCH(QString, labelLocale);
        QFETCH(QString, subject);
        QFETCH(QString, text);
        QFETCH(QString, locale);
        QJsonObject payload = localized();
        if (!payloadLocale.isEmpty())
            payload.insert(u"locale"_s, payloadLocale);
        Labels labels;
        if (!labelLocale.isEmpty())
            labels.insert(u"locale"_s, labelLocale);
        const auto r = TemplateRenderer::render(messageWith(payload, labels));
        QVERIFY2(r.ok(), qPrintable(r.errorString()));
        QCOMPARE(r->subject, subject);
        QCOMPARE(r->text, text);
        QCOMPARE(r->locale, locale);
    }

    void shouldFallBackToTopLevelFieldsFieldByField()
    {
        // es has only a body: its subject comes from en, the html from the top level.
        const auto r = TemplateRenderer::render(messageWith(QJsonObject{
            {u"locale"_s, u"es"_s},
            {u"html"_s, u"<p>{{body_note}}</p>"_s},
            {u"body_note"_s, u"top"_s},
            {u"localization"_s,
             QJsonObject{{u"es"_s, QJsonObject{{u"body"_s, u"cuerpo"_s}}}, {u"en"_s, QJsonObject{{u"subject"_s, u"english subject"_s}}}}},
        }));
        QVERIFY2(r.ok(), qPrintable(r.errorString()));
        QCOMPARE(r->text, u"cuerpo"_s);
        QCOMPARE(r->subject, u"english subject"_s);
        QCOMPARE(r->html, u"<p>top</p>"_s);
        QCOMPARE(r->locale, u"es"_s);
    }

    void shouldUseTopLevelFieldsWithoutLocalization()
    {
        const auto r = TemplateRenderer::render(messageWith(QJsonObject{{u"title"_s, u"T"_s}, {u"text"_s, u"B"_s}, {u"locale"_s, u"fr"_s}}));
        QVERIFY2(r.ok(), qPrintable(r.errorString()));
        QCOMPARE(r->subject, u"T"_s);
        QCOMPARE(r->text, u"B"_s);
        QCOMPARE(r->locale, u"fr"_s);
    }

    void shouldNameTheFieldOfATemplateThatCannotRender_data()
    {
        QTest::addColumn<QJsonObject>("payload");
        QTest::addColumn<QString>("field");
        QTest::newRow("unclosed section in body") << QJsonObject{{u"body"_s, u"{{#contractor}}Hi"_s}} << u"payload.body"_s;
        QTest::newRow("unclosed tag in a variant subject")
            << QJsonObject{{u"locale"_s, u"es"_s}, {u"localization"_s, QJsonObject{{u"es"_s, QJsonObject{{u"subject"_s, u"Hola {{name"_s}}}}}}
            << u"payload.localization.es.subject"_s;
        QTest::newRow("mismatched section in html") << QJsonObject{{u"html"_s, u"{{#a}}x{{/b}}"_s}} << u"payload.html"_s;
        QTest::newRow("template that is not text") << QJsonObject{{u"body"_s, 42}} << u"payload.body"_s;
    }
    void shouldNameTheFieldOfATemplateThatCannotRender()
    {
        QFETCH(QJsonObject, payload);
        QFETCH(QString, field);
        const auto r = TemplateRenderer::render(messageWith(payload));
        QVERIFY(!r.ok());
        QVERIFY2(r.errorString().contains(u'\'' + field + u'\''), qPrintable(r.errorString()));
    }

    void shouldRefuseAPayloadThatIsNotAnObject()
    {
        Message m = messageWith({});
        m.payload = "[1,2]";
        const auto r = TemplateRenderer::render(m);
        QVERIFY(!r.ok());
        QVERIFY2(r.errorString().contains(u"message 4107"_s) && r.errorString().contains(u"not a JSON object"_s), qPrintable(r.errorString()));
    }

    void shouldEscapeHtmlInDoubleButNotTripleMustache()
    {
        const auto r = TemplateRenderer::render(messageWith(QJsonObject{
            {u"html"_s, u"<p>{{name}}</p><p>{{{name}}}</p>"_s},
            {u"name"_s, u"<b>O'Brien & \"Sons\"</b>"_s},
        }));
        QVERIFY2(r.ok(), qPrintable(r.errorString()));
        QCOMPARE(r->html, u"<p>&lt;b&gt;O&apos;Brien &amp; &quot;Sons&quot;&lt;/b&gt;</p><p><b>O'Brien & \"Sons\"</b></p>"_s);
    }

    void shouldNotHtmlEscapePlainTextFields()
    {
        const auto r = TemplateRenderer::render(
            messageWith(QJsonObject{{u"subject"_s, u"{{name}}"_s}, {u"body"_s, u"Hi {{name}}"_s}, {u"name"_s, u"O'Brien & Sons"_s}}));
        QVERIFY2(r.ok(), qPrintable(r.errorString()));
        QCOMPARE(r->subject, u"O'Brien & Sons"_s);
        QCOMPARE(r->text, u"Hi O'Brien & Sons"_s);
    }

    void shouldRenderSectionsListsAndNumbers()
    {
        const auto r = TemplateRenderer::render(messageWith(QJsonObject{
            {u"body"_s, u"{{#talks}}[{{title}} {{minutes}}m]{{/talks}}{{^none}} ok{{/none}} {{ratio}} {{big}}"_s},
            {u"talks"_s, QJsonArray{QJsonObject{{u"title"_s, u"A"_s}, {u"minutes"_s, 30}}, QJsonObject{{u"title"_s, u"B"_s}, {u"minutes"_s, 45}}}},
            {u"ratio"_s, 0.25},
            {u"big"_s, qint64(12345678901234)},
        }));
        QVERIFY2(r.ok(), qPrintable(r.errorString()));
        QCOMPARE(r->text, u"[A 30m][B 45m] ok 0.25 12345678901234"_s);
    }

    void shouldEscapeValuesForTheTargetFormat_data()
    {
        QTest::addColumn<int>("escape");
        QTest::addColumn<QString>("expected");
        QTest::newRow("json") << int(TemplateRenderer::Escape::Json) << u"{\"t\":\"say \\\"hi\\\"\\n& ñ\"}"_s;
        QTest::newRow("form") << int(TemplateRenderer::Escape::FormUrlEncoded) << u"{\"t\":\"say%20%22hi%22%0A%26%20%C3%B1\"}"_s;
        QTest::newRow("none") << int(TemplateRenderer::Escape::None) << u"{\"t\":\"say \"hi\"\n& ñ\"}"_s;
    }
    void shouldEscapeValuesForTheTargetFormat()
    {
        QFETCH(int, escape);
        QFETCH(QString, expected);
        const auto r = TemplateRenderer::render(u"{\"t\":\"{{v}}\"}"_s, QJsonObject{{u"v"_s, u"say \"hi\"\n& ñ"_s}},
                                                TemplateRenderer::Escape(escape), u"options.body"_s);
        QVERIFY2(r.ok(), qPrintable(r.errorString()));
        QCOMPARE(*r, expected);
    }
};

QTEST_GUILESS_MAIN(tst_TemplateRenderer)
#include "tst_templaterenderer.moc"
