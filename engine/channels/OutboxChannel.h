#pragma once

#include "ChannelBase.h"

namespace herald {

// Renders the message and hands it back as the outcome's `rendered` JSON
// {"channel", "kind": "outbox", "to", "subject", "text", "html", "locale"}; the runtime stores it in the
// local outbox. Nothing leaves the machine, so a new install delivers with no provider (DESIGN §6).
// A template that cannot render is a permanent failure.
class OutboxChannel final : public ChannelBase
{
    Q_OBJECT

public:
    explicit OutboxChannel(ChannelConfig config);

    void deliver(const Delivery &delivery, Done done) override;
};

} // namespace herald
