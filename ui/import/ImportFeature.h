#pragma once

#include "shell/Feature.h"

#include <QPointer>

class QWidget;

namespace herald {

class ImportQueueDialog;

// File ▸ Import queue…: a legacy queue brought across with its history (ImportQueueDialog). Enabled on a
// store that can be written; what it wrote tells the session the messages changed. GUI thread only.
class ImportFeature : public Feature
{
    Q_OBJECT

public:
    explicit ImportFeature(QWidget *window, QObject *parent = nullptr);

    void setSession(StoreSession *session) override;
    QList<Action> actions() const override;

    QAction *importAction() const { return m_importAction; }
    // The dialog open now, if any (tests and the tour).
    ImportQueueDialog *dialog() const;

private:
    void openDialog();

    QWidget *m_window;
    StoreSession *m_session = nullptr;
    QAction *m_importAction;
    QPointer<ImportQueueDialog> m_dialog;
};

} // namespace herald
