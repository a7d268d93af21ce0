#pragma once

#include "shell/Feature.h"

namespace herald {

class EmailDashboard;

// The E-mail dashboard section: volumes, bounce and complaint rates against Amazon's levels. GUI
// thread only.
class EmailDashboardFeature : public Feature
{
    Q_OBJECT

public:
    explicit EmailDashboardFeature(QObject *parent = nullptr);

    void setSession(StoreSession *session) override;
    QWidget *page() const override;
    Section section() const override;
    void activate(bool changed) override;

    EmailDashboard *dashboard() const { return m_dashboard; }

private:
    EmailDashboard *m_dashboard;
};

} // namespace herald
