#pragma once

#include <QString>

class QAbstractItemModel;
class QLabel;
class QSortFilterProxyModel;
class QTableView;
class QWidget;

namespace herald {

// The pieces every console section starts from, so that the sections look and behave alike.

// The section's name at the top left, bold and a little larger.
QLabel *sectionTitle(const QString &text, QWidget *parent);

// A read-only table of whole rows over `model` as it comes (a paged model, which a sorting proxy would
// read whole), no row numbers, rows as tall as a line and a little; returns the view.
QTableView *readOnlyTableView(QAbstractItemModel *model, QWidget *parent);

// A read-only table of whole rows over `model` through a sorting proxy (sortRole: the model's role
// with sortable values), no row numbers, rows as tall as a line and a little; returns the view.
QTableView *sortedTableView(QAbstractItemModel *model, int sortRole, QWidget *parent, QSortFilterProxyModel **proxy = nullptr);

} // namespace herald
