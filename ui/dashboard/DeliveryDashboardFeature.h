#pragma once

#include "shell/Feature.h"

namespace herald {

class DeliveryDashboard;

// The Delivery dashboard section (Ctrl+1, the one the console opens on): is delivery healthy, and if not, why? Failures by cause
// opens the Failures section; a group opened selects its queue. GUI thread only.
class DeliveryDashboardFeature : public Feature
{
    Q_OBJECT

public:
    explicit DeliveryDashboardFeature(QObject *parent = nullptr);

    void setSession(StoreSession *session) override;
    void connectFeatures(const QList<Feature *> &features) override;
    QWidget *page() const override;
    Section section() const override;
    void activate(bool changed) override;

    DeliveryDashboard *dashboard() const { return m_dashboard; }

private:
    DeliveryDashboard *m_dashboard;
};

} // namespace herald
