#pragma once

#include <QString>
#include <QStringList>

class QColor;

class QTableWidget;
class QLabel;
class QPalette;
class QWidget;

namespace herald {

// Red that reads on the palette's base colour, light or dark.
QColor errorColor(const QPalette &palette);
// The label under a form that says the first thing wrong with it: in errorColor, wrapped, selectable,
// named "error" (tests find it), hidden until there is something to say.
QLabel *newErrorLabel(QWidget *parent);
// What such a label says, or nothing while it is hidden.
QString errorLabelText(const QLabel *label);

// A read-only table of rows for a panel: no row numbers, whole rows selected, no wrapping, the last
// column stretched.
QTableWidget *newReadOnlyTable(const QStringList &headers, QWidget *parent);

} // namespace herald
