#pragma once

#include "shell/Feature.h"

namespace herald {

class CleanupStatusLabel;

// Tools ▸ Cleanup… (preview, run, schedule) and the last cleanup in the status bar. window: the parent
// of its dialog, window-modal so that the store stays while it is open. GUI thread only.
class CleanupFeature : public Feature
{
    Q_OBJECT

public:
    explicit CleanupFeature(QWidget *window, QObject *parent = nullptr);

    void setSession(StoreSession *session) override;
    QList<Action> actions() const override;
    QList<StatusWidget> statusWidgets() const override;

private:
    void openDialog();

    QWidget *m_window;
    StoreSession *m_session = nullptr;
    QAction *m_cleanupAction;
    CleanupStatusLabel *m_status;
};

} // namespace herald
