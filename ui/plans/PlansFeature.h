#pragma once

#include "shell/Feature.h"

namespace herald {

class PlansView;

// The Event plans section: applied events, their reminders on a time axis, and Apply event file… (in
// the section and in the File menu). An apply is a bulk action like the others: it tells the session
// the messages changed, and Undo reverts it. GUI thread only.
class PlansFeature : public Feature
{
    Q_OBJECT

public:
    explicit PlansFeature(QObject *parent = nullptr);

    void setSession(StoreSession *session) override;
    void connectFeatures(const QList<Feature *> &features) override;
    QWidget *page() const override;
    Section section() const override;
    QList<Action> actions() const override;
    void activate(bool changed) override;

    PlansView *view() const { return m_view; }

private:
    StoreSession *m_session = nullptr;
    PlansView *m_view;
    QAction *m_applyAction; // File ▸ Apply event file…: opens the section, where its result shows
    bool m_applying = false;
};

} // namespace herald
