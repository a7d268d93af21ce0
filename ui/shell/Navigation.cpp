#include "Navigation.h"

#include "Feature.h"

#include <QFrame>
#include <QKeySequence>
#include <QListWidget>
#include <QStackedWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace herald {

Navigation::Navigation(const QList<Feature *> &sections, QWidget *panel, QWidget *parent)
    : QSplitter(Qt::Horizontal, parent),
      m_sections(sections),
      m_pane(new QWidget(this)),
      m_list(new QListWidget(m_pane)),
      m_panel(panel),
      m_pages(new QStackedWidget(this))
{
    for (int row = 0; row < m_sections.size(); ++row) {
        const Feature::Section section = m_sections[row]->section();
        auto *item = new QListWidgetItem(section.icon, section.title);
        const QKeySequence shortcut(Qt::CTRL | (Qt::Key_1 + row));
        item->setToolTip(QStringLiteral("%1 (%2)").arg(section.toolTip, shortcut.toString(QKeySequence::PortableText)));
        m_list->addItem(item);
        m_pages->addWidget(m_sections[row]->page());
    }
    if (!m_sections.isEmpty()) {
        m_current = m_sections.first();
        m_current->setCurrent(true);
    }
    m_list->setCurrentRow(0);
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    m_list->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_list->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    // A sidebar rather than a boxed list: no frame, the window's background, rows tall enough to aim at.
    m_list->setFrameShape(QFrame::NoFrame);
    m_list->viewport()->setBackgroundRole(QPalette::Window);
    const int rowHeight = m_list->fontMetrics().height() + 10;
    for (int row = 0; row < m_list->count(); ++row)
        m_list->item(row)->setSizeHint(QSize(0, rowHeight));
    m_list->setFixedHeight(m_list->count() * rowHeight + 2 * m_list->frameWidth());
    connect(m_list, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row >= 0)
            showSection(m_sections.value(row));
    });

    auto *layout = new QVBoxLayout(m_pane);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_list);
    if (m_panel) {
        // A rule between the sections and the panel, so that the section picked last (the outbox, say)
        // does not read as the title of the table under it.
        auto *rule = new QFrame(m_pane);
        rule->setFrameShape(QFrame::HLine);
        rule->setFrameShadow(QFrame::Sunken);
        layout->addSpacing(2);
        layout->addWidget(rule);
        layout->addSpacing(2);
        layout->addWidget(m_panel, 1);
    }
    addWidget(m_pane);
    addWidget(m_pages);
    setChildrenCollapsible(false);
    setStretchFactor(0, 0);
    setStretchFactor(1, 1);
}

void Navigation::addPage(QWidget *page)
{
    m_pages->addWidget(page);
}

void Navigation::showSection(Feature *feature)
{
    if (!feature || !m_sections.contains(feature))
        return;
    const bool changed = feature != m_current;
    m_current->setCurrent(false);
    m_current = feature;
    m_current->setCurrent(true);
    if (const int row = int(m_sections.indexOf(feature)); m_list->currentRow() != row)
        m_list->setCurrentRow(row);
    // What changed while the other section was on screen.
    feature->activate(changed);
    if (changed && isSectionPage(currentPage()))
        showPage(feature->page());
}

void Navigation::showPage(QWidget *page)
{
    if (m_pages->indexOf(page) < 0)
        m_pages->addWidget(page);
    m_pages->setCurrentWidget(page);
    // Without a store to navigate the list would be an empty box beside the page that explains why.
    const bool showNavigation = isSectionPage(page);
    m_pane->setVisible(showNavigation);
    if (showNavigation && !m_fitted && m_panel) {
        // Once, with the first content known: after that the splitter stays where the user put it.
        m_fitted = true;
        const int total = width() - handleWidth();
        const int panel = std::min(m_panel->sizeHint().width(), total / 2);
        setSizes({panel, total - panel});
    }
}

QWidget *Navigation::currentPage() const
{
    return m_pages->currentWidget();
}

bool Navigation::isSectionPage(QWidget *page) const
{
    return std::any_of(m_sections.cbegin(), m_sections.cend(), [page](Feature *section) { return section->page() == page; });
}

} // namespace herald
