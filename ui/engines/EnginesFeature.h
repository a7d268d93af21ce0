#pragma once

#include "shell/Feature.h"

namespace herald {

class EnginesStatusLabel;
class EnginesView;

// The Engines section (the engines delivering from the store, live and stale) and their count in the
// status bar. GUI thread only.
class EnginesFeature : public Feature
{
    Q_OBJECT

public:
    explicit EnginesFeature(QObject *parent = nullptr);

    void setSession(StoreSession *session) override;
    QWidget *page() const override;
    Section section() const override;
    QList<StatusWidget> statusWidgets() const override;

    EnginesView *view() const { return m_view; }

private:
    EnginesView *m_view; // reads itself on showing, and every few seconds while shown
    EnginesStatusLabel *m_status;
};

} // namespace herald
