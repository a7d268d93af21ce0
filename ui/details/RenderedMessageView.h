#pragma once

#include "model/Message.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QTextBrowser;

namespace herald {

// The message as a channel would send it, in one of its locales (DESIGN §8 details dock): its
// templates rendered by the engine's own TemplateRenderer, shown the way the channel kind carries them
// (an SMS's text with its length and segments, an e-mail's subject, text and HTML parts, a push's title
// and body, a webhook's JSON body). The locales offered are the message's own (payload.locale or its
// "locale" label) and those of payload.localization. A template that cannot render shows the engine's
// error, as the delivery would fail with it. GUI thread only; reads no store.
class RenderedMessageView : public QWidget
{
    Q_OBJECT

public:
    explicit RenderedMessageView(QWidget *parent = nullptr);

    void setMessage(const Message &message);
    void clear();

    QComboBox *channelField() const { return m_channel; }
    QComboBox *localeField() const { return m_locale; }
    // What is shown, as plain text.
    QString renderedText() const;

    // SMS segments for a text: 160 GSM-7 characters in one, 153 per part beyond; 70 / 67 in UCS-2.
    static int smsSegments(const QString &text, bool *gsm7 = nullptr);

private:
    void render();

    Message m_message;
    bool m_hasMessage = false;
    QComboBox *m_channel;
    QComboBox *m_locale;
    QTextBrowser *m_view;
};

} // namespace herald
