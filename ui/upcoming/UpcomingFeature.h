#pragma once

#include "shell/Feature.h"

namespace herald {

class UpcomingChart;

// The Upcoming dock: what the selected queue has due, by quarter hour; a click on a bar lists those
// messages. Ctrl+U shows or hides it; it reads the store only while it is looked at. GUI thread only.
class UpcomingFeature : public Feature
{
    Q_OBJECT

public:
    explicit UpcomingFeature(QWidget *window, QObject *parent = nullptr);

    void setSession(StoreSession *session) override;
    void connectFeatures(const QList<Feature *> &features) override;
    QList<QDockWidget *> docks() const override;

    UpcomingChart *chart() const { return m_chart; }
    QDockWidget *dock() const { return m_dock; }

private:
    QDockWidget *m_dock;
    UpcomingChart *m_chart;
};

} // namespace herald
