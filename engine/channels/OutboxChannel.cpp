#include "OutboxChannel.h"

#include "TemplateRenderer.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace herald {

OutboxChannel::OutboxChannel(ChannelConfig config)
    : ChannelBase(std::move(config))
{
}

void OutboxChannel::deliver(const Delivery &delivery, Done done)
{
    const Ticket ticket = begin(delivery.message.id, std::move(done));
    const auto content = TemplateRenderer::render(delivery.message);
    if (!content) {
        finishLater(ticket, DeliveryOutcome::permanent(content.errorString()));
        return;
    }
    const QJsonObject rendered{
        {QStringLiteral("channel"), config().name},
        {QStringLiteral("kind"), QStringLiteral("outbox")},
        {QStringLiteral("to"), delivery.message.recipient},
        {QStringLiteral("subject"), content->subject},
        {QStringLiteral("text"), content->text},
        {QStringLiteral("html"), content->html},
        {QStringLiteral("locale"), content->locale},
    };
    finishLater(ticket, DeliveryOutcome::success({}, QJsonDocument(rendered).toJson(QJsonDocument::Compact)));
}

} // namespace herald
