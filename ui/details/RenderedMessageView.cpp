#include "RenderedMessageView.h"

#include "channels/TemplateRenderer.h"
#include "channels/WebhookChannel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QLabel>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace herald {

namespace {

const QString kGsm7 = QStringLiteral("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
                                     "¿abcdefghijklmnopqrstuvwxyzäöñüà^{}\\[~]|€");

QString escaped(const QString &text)
{
    return text.toHtmlEscaped().replace(QLatin1Char('\n'), QStringLiteral("<br>"));
}

// The message with its locale set to this one, so the renderer picks that variant.
Message inLocale(const Message &message, const QString &locale)
{
    Message copy = message;
    QJsonObject payload = QJsonDocument::fromJson(message.payload).object();
    payload.insert(QStringLiteral("locale"), locale);
    copy.payload = QJsonDocument(payload).toJson(QJsonDocument::Compact);
    return copy;
}

} // namespace

int RenderedMessageView::smsSegments(const QString &text, bool *gsm7)
{
    bool plain = true;
    for (const QChar c : text)
        plain = plain && kGsm7.contains(c);
    if (gsm7)
        *gsm7 = plain;
    const qsizetype n = text.size();
    if (n == 0)
        return 0;
    const int single = plain ? 160 : 70;
    const int part = plain ? 153 : 67;
    return n <= single ? 1 : int((n + part - 1) / part);
}

RenderedMessageView::RenderedMessageView(QWidget *parent)
    : QWidget(parent), m_channel(new QComboBox(this)), m_locale(new QComboBox(this)), m_view(new QTextBrowser(this))
{
    m_channel->setObjectName(QStringLiteral("renderedChannel"));
    m_channel->setToolTip(tr("As this kind of channel sends it"));
    m_channel->addItem(tr("SMS"), QStringLiteral("sms"));
    m_channel->addItem(tr("E-mail"), QStringLiteral("email"));
    m_channel->addItem(tr("Push"), QStringLiteral("push"));
    m_channel->addItem(tr("Webhook"), QStringLiteral("webhook"));
    m_locale->setObjectName(QStringLiteral("renderedLocale"));
    m_locale->setToolTip(tr("The recipient's locale; the message's own is first"));
    m_view->setOpenLinks(false);
    auto *row = new QHBoxLayout;
    row->addWidget(new QLabel(tr("As:"), this));
    row->addWidget(m_channel);
    row->addWidget(new QLabel(tr("Locale:"), this));
    row->addWidget(m_locale);
    row->addStretch(1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(row);
    layout->addWidget(m_view, 1);
    connect(m_channel, &QComboBox::currentIndexChanged, this, &RenderedMessageView::render);
    connect(m_locale, &QComboBox::currentIndexChanged, this, &RenderedMessageView::render);
    clear();
}

void RenderedMessageView::clear()
{
    m_hasMessage = false;
    const QSignalBlocker blocker(m_locale);
    m_locale->clear();
    m_view->clear();
}

void RenderedMessageView::setMessage(const Message &message)
{
    const bool sameMessage = m_hasMessage && m_message.id == message.id;
    const QString chosenLocale = m_locale->currentText();
    m_message = message;
    m_hasMessage = true;

    const QJsonObject payload = QJsonDocument::fromJson(message.payload).object();
    QStringList locales{TemplateRenderer::requestedLocale(message, payload)};
    const QJsonObject localization = payload.value(QStringLiteral("localization")).toObject();
    for (auto it = localization.begin(); it != localization.end(); ++it)
        if (!locales.contains(it.key()))
            locales << it.key();
    {
        const QSignalBlocker localeBlocker(m_locale);
        const QSignalBlocker channelBlocker(m_channel);
        m_locale->clear();
        m_locale->addItems(locales);
        if (sameMessage && locales.contains(chosenLocale))
            m_locale->setCurrentText(chosenLocale);
        if (!sameMessage) {
            // The message's own channel when its name is a kind; else how an e-mail would read.
            const int own = m_channel->findData(message.channel);
            if (own >= 0)
                m_channel->setCurrentIndex(own);
        }
    }
    render();
}

QString RenderedMessageView::renderedText() const
{
    return m_view->toPlainText();
}

void RenderedMessageView::render()
{
    if (!m_hasMessage) {
        m_view->clear();
        return;
    }
    const Message message = inLocale(m_message, m_locale->currentText());
    const auto content = TemplateRenderer::render(message);
    if (!content) {
        m_view->setHtml(tr("<p><b>This message cannot be rendered</b>, and would fail when delivered:</p><p>%1</p>")
                            .arg(escaped(content.errorString())));
        return;
    }
    const QString kind = m_channel->currentData().toString();
    const QString to = message.recipient.isEmpty() ? tr("(no recipient)") : message.recipient;
    QString html;
    if (kind == QLatin1String("sms")) {
        bool gsm7 = true;
        const int segments = smsSegments(content->text, &gsm7);
        html = tr("<p><b>SMS to</b> %1</p><p>%2</p><p style='color:gray'>%3 characters, %4 %5 (%6)</p>")
                   .arg(escaped(to), escaped(content->text))
                   .arg(content->text.size())
                   .arg(segments)
                   .arg(segments == 1 ? tr("segment") : tr("segments"), gsm7 ? tr("GSM-7") : tr("UCS-2: a character outside GSM-7"));
    } else if (kind == QLatin1String("email")) {
        html = tr("<p><b>To:</b> %1<br><b>Subject:</b> %2</p><p><b>Text part</b></p><p>%3</p>").arg(escaped(to), escaped(content->subject), escaped(content->text));
        if (!content->html.isEmpty())
            html += tr("<hr><p><b>HTML part</b></p>") + content->html;
    } else if (kind == QLatin1String("push")) {
        html = tr("<p><b>Push to</b> %1</p><p><b>%2</b><br>%3</p>").arg(escaped(to), escaped(content->subject), escaped(content->text));
    } else {
        const auto parsed = TemplateRenderer::payloadOf(message);
        const QJsonObject payload = parsed ? *parsed : QJsonObject{};
        html = tr("<p><b>POST body</b></p><pre>%1</pre>")
                   .arg(QString::fromUtf8(QJsonDocument(WebhookChannel::requestJson(message, payload, *content)).toJson(QJsonDocument::Indented))
                            .toHtmlEscaped());
    }
    html += tr("<p style='color:gray'>Locale variant: %1</p>").arg(escaped(content->locale));
    m_view->setHtml(html);
}

} // namespace herald
