#pragma once

#include "shell/Feature.h"

namespace herald {

class FailuresView;

// The Failures section: failed messages grouped by cause; a group's messages are shown in the Queues
// section, and Retry group previews the retry there. GUI thread only.
class FailuresFeature : public Feature
{
    Q_OBJECT

public:
    explicit FailuresFeature(QObject *parent = nullptr);

    void setSession(StoreSession *session) override;
    void connectFeatures(const QList<Feature *> &features) override;
    QWidget *page() const override;
    Section section() const override;
    void activate(bool changed) override;

    FailuresView *view() const { return m_view; }

private:
    FailuresView *m_view;
};

} // namespace herald
