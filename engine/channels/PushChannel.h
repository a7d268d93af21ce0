#pragma once

#include "HttpChannel.h"

namespace herald {

// FCM HTTP v1-shaped push (DESIGN §6) to the configured endpoint:
//   {"message": {"token": <recipient>, "notification": {"title", "body"}, "data": {…}}}
// with Authorization: Bearer <secret>. title/body are the rendered subject/text ("notification" is left
// out when both are empty: a data-only push); data is payload.data with every value as a string, as FCM
// requires (numbers without a fraction, objects as compact JSON, nulls dropped). The provider id is the
// answer's "name". A 404 or 410, or an error answer saying UNREGISTERED, means the device token is gone:
// permanent with staleRecipient set, so the runtime can drop the subscription. Other answers are
// classified as for webhooks.
class PushChannel final : public HttpChannel
{
    Q_OBJECT

public:
    PushChannel(ChannelConfig config, QNetworkAccessManager *network, QString secret);

    void deliver(const Delivery &delivery, Done done) override;

protected:
    DeliveryOutcome interpret(const HttpClassifier::Answer &answer) const override;
};

} // namespace herald
