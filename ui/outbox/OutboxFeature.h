#pragma once

#include "shell/Feature.h"

namespace herald {

class OutboxModel;
class OutboxView;

// The Outbox section: what the outbox channel captured instead of sending, newest first, growing as
// deliveries complete. GUI thread only.
class OutboxFeature : public Feature
{
    Q_OBJECT

public:
    explicit OutboxFeature(QObject *parent = nullptr);

    void setSession(StoreSession *session) override;
    QWidget *page() const override;
    Section section() const override;
    void activate(bool changed) override;
    bool isPageReady() const override;

    OutboxModel *model() const { return m_model; }
    OutboxView *view() const { return m_view; }

private:
    OutboxModel *m_model;
    OutboxView *m_view;
};

} // namespace herald
