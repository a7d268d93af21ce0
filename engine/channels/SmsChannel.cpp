#include "SmsChannel.h"

#include "TemplateRenderer.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace herald {

namespace {
QString option(const ChannelConfig &config, const char *key, const QString &fallback)
{
    return config.options.value(QLatin1String(key)).toString(fallback);
}
} // namespace

SmsChannel::SmsChannel(ChannelConfig config, QNetworkAccessManager *network, QString secret)
    : HttpChannel(std::move(config), network, std::move(secret))
{
    const ChannelConfig &c = this->config();
    m_form = option(c, "format", QStringLiteral("json")) == QLatin1String("form");
    m_bodyTemplate = option(c, "body", m_form ? QStringLiteral("to={{to}}&text={{text}}") : QStringLiteral(R"({"to":"{{to}}","text":"{{text}}"})"));
    m_authHeader = option(c, "auth_header", QStringLiteral("Authorization")).toLatin1();
    setProviderIdField(option(c, "id_field", QStringLiteral("id")));
}

Result<std::unique_ptr<SmsChannel>> SmsChannel::create(ChannelConfig config, QNetworkAccessManager *network, QString secret)
{
    std::unique_ptr<SmsChannel> channel(new SmsChannel(std::move(config), network, std::move(secret)));
    if (const Status s = TemplateRenderer::check(channel->m_bodyTemplate, QStringLiteral("options.body")); !s)
        return Error::badInput(QStringLiteral("channel '%1' (sms): %2").arg(channel->config().name, s.errorString()));
    return channel;
}

QString SmsChannel::recipientProblem(const QString &recipient)
{
    static const QRegularExpression e164(QStringLiteral("^\\+[1-9]\\d{6,14}$"));
    if (recipient.trimmed().isEmpty())
        return QStringLiteral("no phone number; give the recipient as an E.164 number, e.g. +34600123456");
    if (!e164.match(recipient).hasMatch())
        return QStringLiteral("'%1' is not an E.164 phone number; write + then the country code and number, digits only, e.g. +34600123456")
            .arg(recipient);
    return {};
}

void SmsChannel::deliver(const Delivery &delivery, Done done)
{
    const Ticket ticket = begin(delivery.message.id, std::move(done));
    const Message &m = delivery.message;
    if (const QString problem = recipientProblem(m.recipient); !problem.isEmpty()) {
        finishLater(ticket, DeliveryOutcome::permanent(problem));
        return;
    }
    const auto content = TemplateRenderer::render(m);
    if (!content) {
        finishLater(ticket, DeliveryOutcome::permanent(content.errorString()));
        return;
    }
    if (content->text.trimmed().isEmpty()) {
        finishLater(ticket, DeliveryOutcome::permanent(
                                QStringLiteral("message %1 renders no SMS text; give its payload a 'body' or 'text'").arg(m.id)));
        return;
    }
    const QJsonObject data{
        {QStringLiteral("to"), m.recipient},
        {QStringLiteral("text"), content->text},
        {QStringLiteral("message"), QJsonObject{{QStringLiteral("id"), m.id}}},
        {QStringLiteral("idempotency_key"), delivery.idempotencyKey},
    };
    const auto body = TemplateRenderer::render(m_bodyTemplate, data,
                                               m_form ? TemplateRenderer::Escape::FormUrlEncoded : TemplateRenderer::Escape::Json,
                                               QStringLiteral("options.body"));
    if (!body) {
        finishLater(ticket, DeliveryOutcome::permanent(body.errorString()));
        return;
    }
    const QByteArray bytes = body->toUtf8();
    if (!m_form) {
        QJsonParseError error{};
        QJsonDocument::fromJson(bytes, &error);
        if (error.error != QJsonParseError::NoError) {
            finishLater(ticket, DeliveryOutcome::permanent(QStringLiteral("channel '%1': the request body rendered from options.body is not JSON "
                                                                          "(%2 at byte %3); fix the template")
                                                               .arg(config().name, error.errorString())
                                                               .arg(error.offset)));
            return;
        }
    }
    QNetworkRequest request =
        newRequest(delivery, m_form ? QByteArrayLiteral("application/x-www-form-urlencoded") : QByteArrayLiteral("application/json"));
    if (!secret().isEmpty())
        request.setRawHeader(m_authHeader, secret().toUtf8());
    post(ticket, request, bytes, renderedRecord(delivery, *content, bytes));
}

} // namespace herald
