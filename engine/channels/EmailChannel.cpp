#include "EmailChannel.h"

#include "MimeMessage.h"
#include "TemplateRenderer.h"

#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QThreadPool>

namespace herald {

namespace {

// Its own pool: sends block for up to their timeout and must not starve QtConcurrent users of the global one.
class SmtpPool : public QThreadPool
{
public:
    SmtpPool()
    {
        setObjectName(QStringLiteral("herald-smtp"));
        setMaxThreadCount(EmailChannel::kMaxConcurrentSends);
    }
};
Q_GLOBAL_STATIC(SmtpPool, smtpPool)

} // namespace

EmailChannel::EmailChannel(ChannelConfig config, std::function<Result<bool>(const QString &)> isSuppressed, SmtpClient::Settings settings,
                           EmailAddress from, std::optional<EmailAddress> replyTo)
    : ChannelBase(std::move(config))
    , m_isSuppressed(std::move(isSuppressed))
    , m_settings(std::move(settings))
    , m_from(std::move(from))
    , m_replyTo(std::move(replyTo))
    , m_home(std::make_shared<Home>())
{
    m_home->channel = this;
}

EmailChannel::~EmailChannel()
{
    {
        QMutexLocker lock(&m_home->mutex);
        m_home->channel = nullptr;
    }
    cancelAll();
}

Result<std::unique_ptr<EmailChannel>> EmailChannel::create(ChannelConfig config, std::function<Result<bool>(const QString &)> isSuppressed,
                                                           QString secret)
{
    const QJsonObject &o = config.options;
    const auto text = [&](const char *key) { return o.value(QLatin1String(key)).toString(); };
    const auto from = EmailAddress::parse(text("from"), QStringLiteral("option 'from'"));
    if (!from)
        return Error::badInput(QStringLiteral("channel '%1' (email): %2").arg(config.name, from.errorString()));
    std::optional<EmailAddress> replyTo;
    if (o.contains(QLatin1String("reply_to"))) {
        const auto parsed = EmailAddress::parse(text("reply_to"), QStringLiteral("option 'reply_to'"));
        if (!parsed)
            return Error::badInput(QStringLiteral("channel '%1' (email): %2").arg(config.name, parsed.errorString()));
        replyTo = *parsed;
    }
    SmtpClient::Settings settings;
    settings.url = config.url;
    settings.requireTls = text("tls") == QLatin1String("required");
    settings.user = text("user");
    settings.password = std::move(secret);
    settings.caFile = text("ca_file");
    settings.insecureSkipVerify = o.value(QLatin1String("insecure_skip_verify")).toBool(false);
    settings.timeoutMs = config.timeoutMs;
    // Checked here, on the machine that sends, rather than in validate(), which may run elsewhere.
    if (!settings.caFile.isEmpty() && !QFileInfo(settings.caFile).isReadable())
        return Error::badInput(QStringLiteral("channel '%1' (email): option 'ca_file': '%2' cannot be read; give the path of a PEM CA bundle")
                                   .arg(config.name, settings.caFile));
    return std::unique_ptr<EmailChannel>(
        new EmailChannel(std::move(config), std::move(isSuppressed), std::move(settings), *from, std::move(replyTo)));
}

void EmailChannel::deliver(const Delivery &delivery, Done done)
{
    const Ticket ticket = begin(delivery.message.id, std::move(done));
    const Message &m = delivery.message;
    const QString address = m.recipient.trimmed();
    if (address.isEmpty()) {
        finishLater(ticket, DeliveryOutcome::permanent(QStringLiteral("message %1 has no email address; give the recipient as ops@example.org").arg(m.id)));
        return;
    }
    if (!EmailAddress::isAddress(address)) {
        finishLater(ticket, DeliveryOutcome::permanent(QStringLiteral("'%1' is not an email address; give the recipient as ops@example.org").arg(address)));
        return;
    }
    const Result<bool> suppressedNow = m_isSuppressed ? m_isSuppressed(address) : Result<bool>(false);
    if (!suppressedNow) {
        // Fail closed: an address that cannot be checked is not sent to; the attempt is retried later.
        finishLater(ticket, DeliveryOutcome::retryable(
                                QStringLiteral("the suppression list could not be read (%1); not sent, to be tried again").arg(suppressedNow.errorString())));
        return;
    }
    if (*suppressedNow) {
        DeliveryOutcome suppressed;
        suppressed.kind = DeliveryOutcome::Kind::Suppressed;
        suppressed.error = QStringLiteral("%1 is on the suppression list (an earlier bounce or complaint); not sent").arg(address);
        finishLater(ticket, std::move(suppressed));
        return;
    }
    const auto content = TemplateRenderer::render(m);
    if (!content) {
        finishLater(ticket, DeliveryOutcome::permanent(content.errorString()));
        return;
    }
    if (content->text.trimmed().isEmpty() && content->html.trimmed().isEmpty()) {
        finishLater(ticket, DeliveryOutcome::permanent(
                                QStringLiteral("message %1 renders no email body; give its payload a 'body', 'text' or 'html'").arg(m.id)));
        return;
    }

    MimeMessage mime;
    mime.from = m_from;
    mime.to = address;
    mime.replyTo = m_replyTo;
    mime.subject = content->subject;
    mime.text = content->text;
    mime.html = content->html;
    mime.messageId = MimeMessage::newMessageId();

    QJsonObject record{
        {QStringLiteral("channel"), config().name},
        {QStringLiteral("kind"), QStringLiteral("email")},
        {QStringLiteral("to"), address},
        {QStringLiteral("subject"), content->subject},
        {QStringLiteral("text"), content->text},
        {QStringLiteral("html"), content->html},
        {QStringLiteral("locale"), content->locale},
        {QStringLiteral("message_id"), mime.messageId},
    };

    auto cancel = std::make_shared<std::atomic_bool>(false);
    setCancel(ticket, [cancel] { cancel->store(true); });
    smtpPool()->start([home = m_home, ticket, settings = m_settings, envelopeFrom = m_from.address, address, bytes = mime.toBytes(),
                       messageId = mime.messageId, rendered = QJsonDocument(record).toJson(QJsonDocument::Compact), cancel] {
        {
            // The SMTP transfer begins now (a queued send has not): from here a crash may have sent it.
            QMutexLocker lock(&home->mutex);
            if (EmailChannel *channel = home->channel)
                QMetaObject::invokeMethod(channel, [channel, ticket] { channel->markReached(ticket); }, Qt::QueuedConnection);
        }
        DeliveryOutcome outcome = SmtpClient::send(settings, envelopeFrom, address, bytes, *cancel);
        // Amazon SES replaces the Message-ID and names its own id in the answer to DATA; its events carry
        // that one. Other servers keep ours, and their bounces quote it.
        if (outcome.kind == DeliveryOutcome::Kind::Success && outcome.providerMessageId.isEmpty())
            outcome.providerMessageId = messageId;
        outcome.rendered = rendered;
        // Posted while the lock keeps the channel alive; if the channel dies before the event runs, Qt
        // discards the event with it.
        QMutexLocker lock(&home->mutex);
        if (EmailChannel *channel = home->channel)
            QMetaObject::invokeMethod(
                channel, [channel, ticket, outcome = std::move(outcome)]() mutable { channel->finish(ticket, std::move(outcome)); },
                Qt::QueuedConnection);
    });
}

} // namespace herald
