#pragma once

#include <QList>

class QWidget;

namespace herald {

class Feature;
class Settings;

// The console's features, in the order of the navigation's sections (Ctrl+1, Ctrl+2…), of the docks
// and of the status bar. window: their parent, and the parent of their dialogs.
QList<Feature *> createFeatures(QWidget *window, Settings *settings);

} // namespace herald
