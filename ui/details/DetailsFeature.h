#pragma once

#include "shell/Feature.h"

namespace herald {

class MessageDetailsView;

// The Details dock: the message picked in the table (or shown from elsewhere) with its payload,
// attempts and audit. Ctrl+I shows or hides it. GUI thread only.
class DetailsFeature : public Feature
{
    Q_OBJECT

public:
    explicit DetailsFeature(QWidget *window, QObject *parent = nullptr);

    void setSession(StoreSession *session) override;
    void connectFeatures(const QList<Feature *> &features) override;
    QList<QDockWidget *> docks() const override;

    MessageDetailsView *view() const { return m_view; }
    QDockWidget *dock() const { return m_dock; }
    // Shows the message, and the dock in front when it was hidden or behind another.
    void showMessageInFront(qint64 id);

private:
    void showAgain();

    QDockWidget *m_dock;
    MessageDetailsView *m_view;
};

} // namespace herald
