#pragma once

#include <QWidget>

class QLabel;
class QPushButton;

namespace herald {

// What the console shows when the store holds no queue yet: what a queue is, and the two ways on
// from here (create one, or look around in the demo store).
class WelcomeView : public QWidget
{
    Q_OBJECT

public:
    explicit WelcomeView(QWidget *parent = nullptr);
    ~WelcomeView() override;

    // A read-only store cannot get a queue, so the button that would try is disabled.
    void setStore(const QString &display, bool readOnly);

    QPushButton *createQueueButton() const { return m_createQueue; }
    QPushButton *openDemoButton() const { return m_openDemo; }

Q_SIGNALS:
    void createQueueRequested();
    void openDemoRequested();

private:
    QLabel *m_store;
    QPushButton *m_createQueue;
    QPushButton *m_openDemo;
};

} // namespace herald
