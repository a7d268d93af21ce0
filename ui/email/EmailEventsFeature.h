#pragma once

#include "shell/Feature.h"

namespace herald {

class EmailEventsView;
class Settings;
class SnsEndpointControl;

// The E-mail events section (Amazon SES events), File ▸ Import e-mail events…, and the SNS endpoint in
// the Delivery menu. window: the parent of its dialogs. GUI thread only.
class EmailEventsFeature : public Feature
{
    Q_OBJECT

public:
    EmailEventsFeature(Settings *settings, QWidget *window, QObject *parent = nullptr);

    void setSession(StoreSession *session) override;
    void connectFeatures(const QList<Feature *> &features) override;
    QWidget *page() const override;
    Section section() const override;
    QList<Action> actions() const override;
    void activate(bool changed) override;

    EmailEventsView *view() const { return m_view; }
    QAction *importAction() const { return m_importAction; }
    SnsEndpointControl *snsEndpoint() const { return m_snsEndpoint; }

private:
    void import();

    QWidget *m_window;
    StoreSession *m_session = nullptr;
    EmailEventsView *m_view;
    QAction *m_importAction;
    SnsEndpointControl *m_snsEndpoint;
};

} // namespace herald
