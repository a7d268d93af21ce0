#pragma once

#include <QList>
#include <QSplitter>

class QListWidget;
class QStackedWidget;

namespace herald {

class Feature;

// The shell's central splitter: on the left the features' sections (a short list rather than tabs)
// above the navigation panel (the queues); on the right the current page — a section's page, or one of
// the shell's own (opening, error, welcome), beside which the left side is hidden. Ctrl+1… are the
// View menu's, not this widget's. GUI thread only.
class Navigation : public QSplitter
{
    Q_OBJECT

public:
    // sections: the features with a page, in order; panel: under them, or null.
    Navigation(const QList<Feature *> &sections, QWidget *panel, QWidget *parent = nullptr);

    const QList<Feature *> &sections() const { return m_sections; }
    // A page of the shell's own, not a section.
    void addPage(QWidget *page);
    // Makes the feature's section current (and its page, when a section's page is on screen).
    void showSection(Feature *feature);
    Feature *currentSection() const { return m_current; }
    void showPage(QWidget *page);
    QWidget *currentPage() const;
    bool isSectionPage(QWidget *page) const;

private:
    QList<Feature *> m_sections;
    Feature *m_current = nullptr;
    QWidget *m_pane;
    QListWidget *m_list;
    QWidget *m_panel;
    QStackedWidget *m_pages;
    bool m_fitted = false;
};

} // namespace herald
