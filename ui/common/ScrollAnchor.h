#pragma once

#include <QObject>

class QTableView;

namespace herald {

// Keeps a table's rows where the reader left them when rows are inserted above them (a newest-first
// list that grows on top as deliveries land). At the very top the new rows scroll into view, since
// whoever watches the top wants to see them. Installs itself as a child of the view.
class ScrollAnchor : public QObject
{
    Q_OBJECT

public:
    // The view's model must be set and stay the same.
    explicit ScrollAnchor(QTableView *view);
    ~ScrollAnchor() override;

private:
    void rowsAboutToBeInserted(const QModelIndex &parent, int first, int last);
    void rowsInserted();

    QTableView *m_view;
    int m_shiftBy = 0; // rows inserted above the first one on screen, pending rowsInserted
};

} // namespace herald
