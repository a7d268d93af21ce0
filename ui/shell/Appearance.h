#pragma once

#include "Settings.h"

class QChart;
class QMenu;
class QWidget;
class QPalette;

namespace herald {

// The console's colours (DESIGN §8): the system's, light or dark. "System" is dark when the platform's
// palette is dark, or when the desktop says so where Qt 6.4 cannot see it (GTK_THEME=…:dark); then the
// console uses Fusion with a dark palette of its own, so that every widget and chart agrees. Call from
// the GUI thread, after QApplication exists; the first call remembers the system's style and palette.
void applyAppearance(Settings::Appearance appearance);
bool isDark(const QPalette &palette);
// The palette applyAppearance() uses for dark.
QPalette darkPalette();
// View ▸ Appearance: System, Light, Dark, as radio items; a choice is applied and saved at once.
QMenu *createAppearanceMenu(Settings *settings, QWidget *parent);
// Qt Charts do not follow the widget palette: background, axes, grid and labels from it.
void applyChartPalette(QChart *chart, const QPalette &palette);

} // namespace herald
