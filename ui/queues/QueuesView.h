#pragma once

#include <QString>
#include <QWidget>

class QTreeView;

namespace herald {

class QueueListModel;

// The queue list of the console's navigation: one row per queue with its counts per state. It has no
// title of its own: the navigation's "Queues" entry above it names it.
// The model is not owned and must outlive the view.
class QueuesView : public QWidget
{
    Q_OBJECT

public:
    explicit QueuesView(QueueListModel *model, QWidget *parent = nullptr);
    ~QueuesView() override;

    QString currentQueue() const { return m_currentQueue; }
    // Selects the queue's row; an unknown name clears the selection.
    void setCurrentQueue(const QString &queue);
    QTreeView *treeView() const { return m_view; }

    // Wide enough for every column of the queues loaded so far, so no count is cut off.
    QSize sizeHint() const override;

Q_SIGNALS:
    // The selected queue changed: another row was picked, or the selected queue disappeared (empty name).
    void queueSelected(const QString &queue);

private:
    void currentRowChanged();

    QueueListModel *m_model;
    QTreeView *m_view;
    QString m_currentQueue;
};

} // namespace herald
