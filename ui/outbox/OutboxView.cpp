#include "OutboxView.h"

#include "OutboxModel.h"
#include "common/ScrollAnchor.h"

#include <QDateTime>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QStackedWidget>
#include <QStyle>
#include <QTabWidget>
#include <QTableView>
#include <QTextBrowser>
#include <QVBoxLayout>

#include <algorithm>
#include <utility>

namespace herald {

namespace {

QLabel *placeholderLabel(QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setAlignment(Qt::AlignCenter);
    label->setWordWrap(true);
    label->setMargin(16);
    label->setForegroundRole(QPalette::PlaceholderText);
    return label;
}

QPlainTextEdit *readOnlyText(QWidget *parent, bool monospace)
{
    auto *edit = new QPlainTextEdit(parent);
    edit->setReadOnly(true);
    edit->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    if (monospace)
        edit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    return edit;
}

enum Tab { HtmlTab, TextTab, HtmlSourceTab };

} // namespace

OutboxView::OutboxView(OutboxModel *model, QWidget *parent)
    : QWidget(parent),
      m_model(model),
      m_summary(new QLabel(this)),
      m_body(new QStackedWidget(this)),
      m_table(new QTableView(m_body)),
      m_placeholder(placeholderLabel(m_body)),
      m_detail(new QStackedWidget(this)),
      m_noSelection(placeholderLabel(m_detail)),
      m_subject(new QLabel(this)),
      m_facts(new QLabel(this)),
      m_tabs(new QTabWidget(this)),
      m_text(readOnlyText(m_tabs, false)),
      m_html(new QTextBrowser(m_tabs)),
      m_htmlSource(readOnlyText(m_tabs, true))
{
    auto *title = new QLabel(tr("Outbox"), this);
    QFont titleFont = title->font();
    titleFont.setBold(true);
    title->setFont(titleFont);
    m_summary->setForegroundRole(QPalette::PlaceholderText);

    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setShowGrid(false);
    m_table->setWordWrap(false);
    m_table->setTextElideMode(Qt::ElideRight);
    m_table->setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    new ScrollAnchor(m_table);

    // Widths from the text each column usually holds, measured once (see MessagesView).
    QHeaderView *header = m_table->horizontalHeader();
    header->setHighlightSections(false);
    header->setStretchLastSection(true);
    header->setSectionResizeMode(QHeaderView::Interactive);
    const QFontMetrics metrics = m_table->fontMetrics();
    const int padding = 2 * metrics.averageCharWidth() + 2 * m_table->style()->pixelMetric(QStyle::PM_FocusFrameHMargin);
    const std::pair<int, QString> samples[] = {
        {OutboxModel::WhenColumn, QStringLiteral("11-24 09:30:00")},
        {OutboxModel::MessageColumn, QStringLiteral("000000")},
        {OutboxModel::QueueColumn, QStringLiteral("incentive-notify")},
        {OutboxModel::ChannelColumn, QStringLiteral("webhook")},
        {OutboxModel::ToColumn, QStringLiteral("fcm:1x2y3z4a5b6c7d8")},
    };
    for (const auto &[column, sample] : samples)
        header->resizeSection(column, std::max(metrics.horizontalAdvance(sample) + padding, header->sectionSizeHint(column)));

    m_placeholder->setText(tr("The outbox is empty.\n\nMessages delivered through the outbox channel (the default for "
                              "queues and channels without a provider) appear here, exactly as they would have been sent."));
    m_body->addWidget(m_table);
    m_body->addWidget(m_placeholder);

    // The detail pane: what the selected rendering would have sent.
    QFont subjectFont = m_subject->font();
    subjectFont.setBold(true);
    subjectFont.setPointSizeF(subjectFont.pointSizeF() * 1.15);
    m_subject->setFont(subjectFont);
    m_subject->setWordWrap(true);
    m_subject->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_facts->setWordWrap(true);
    m_facts->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_facts->setForegroundRole(QPalette::PlaceholderText);
    // A rendering is shown, never followed: links and remote content stay where they are.
    m_html->setOpenLinks(false);
    m_html->setOpenExternalLinks(false);
    m_html->setReadOnly(true);
    // In Tab order. HTML first: for an email it is what the recipient reads.
    m_tabs->addTab(m_html, tr("HTML"));
    m_tabs->addTab(m_text, tr("Text"));
    m_tabs->addTab(m_htmlSource, tr("HTML source"));
    m_tabs->setDocumentMode(true);
    connect(m_tabs, &QTabWidget::tabBarClicked, this, [this](int tab) {
        if (tab >= 0 && m_tabs->isTabEnabled(tab))
            m_preferredTab = tab;
    });

    auto *rendering = new QWidget(m_detail);
    auto *renderingLayout = new QVBoxLayout(rendering);
    renderingLayout->setContentsMargins(0, 4, 0, 0);
    renderingLayout->addWidget(m_subject);
    renderingLayout->addWidget(m_facts);
    renderingLayout->addWidget(m_tabs, 1);
    m_noSelection->setText(tr("Select a rendering to see what would have been sent."));
    m_detail->addWidget(m_noSelection);
    m_detail->addWidget(rendering);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_body);
    splitter->addWidget(m_detail);
    splitter->setChildrenCollapsible(false);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);

    auto *headerRow = new QHBoxLayout;
    headerRow->addWidget(title);
    headerRow->addStretch(1);
    headerRow->addWidget(m_summary);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(headerRow);
    layout->addWidget(splitter, 1);

    connect(m_model, &QAbstractItemModel::modelReset, this, &OutboxView::updateSummary);
    connect(m_model, &OutboxModel::pageLoaded, this, &OutboxView::updateSummary);
    connect(m_model, &OutboxModel::refreshed, this, &OutboxView::updateSummary);
    connect(m_model, &OutboxModel::loadFailed, this, &OutboxView::updateSummary);
    connect(m_model, &QAbstractItemModel::modelReset, this, &OutboxView::showCurrent);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &OutboxView::showCurrent);
    updateSummary();
    showCurrent();
}

OutboxView::~OutboxView() = default;

QString OutboxView::summaryText() const
{
    return m_summary->text();
}

void OutboxView::selectRow(int row)
{
    m_table->selectionModel()->setCurrentIndex(m_model->index(row, 0), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
}

void OutboxView::updateSummary()
{
    const QLocale locale;
    const int loaded = m_model->rowCount();
    QString summary;
    bool empty = false;
    if (!m_model->errorString().isEmpty()) {
        if (loaded == 0)
            m_placeholder->setText(tr("The outbox could not be read.\n%1").arg(m_model->errorString()));
        else
            summary = tr("%1 loaded; the next page could not be read: %2").arg(locale.toString(loaded), m_model->errorString());
        empty = loaded == 0;
    } else if (loaded == 0 && (m_model->isLoading() || !m_model->isLoaded())) {
        summary = m_model->isLoading() ? tr("Loading…") : QString();
    } else if (loaded == 0) {
        empty = true;
    } else if (m_model->hasLoadedAll()) {
        summary = loaded == 1 ? tr("1 rendering") : tr("%1 renderings, newest first").arg(locale.toString(loaded));
    } else {
        summary = tr("Newest %1 loaded; scroll for more").arg(locale.toString(loaded));
    }
    m_summary->setText(summary);
    m_body->setCurrentWidget(empty ? static_cast<QWidget *>(m_placeholder) : m_table);
}

void OutboxView::showCurrent()
{
    const QModelIndex current = m_table->selectionModel()->currentIndex();
    if (!current.isValid()) {
        m_shownEntry = 0;
        m_detail->setCurrentWidget(m_noSelection);
        return;
    }
    const OutboxModel::Rendering &r = m_model->renderingAt(current.row());
    if (r.entry.id == m_shownEntry)
        return;
    m_shownEntry = r.entry.id;

    m_subject->setText(r.subject.isEmpty() ? tr("(no subject)") : r.subject);
    m_subject->setForegroundRole(r.subject.isEmpty() ? QPalette::PlaceholderText : QPalette::WindowText);
    // Queue and channel are in the row above; this line says who got it and what it was made from.
    QStringList facts{tr("To %1").arg(r.to.isEmpty() ? tr("nobody") : r.to), tr("message %1").arg(r.entry.messageId)};
    if (!r.locale.isEmpty())
        facts << tr("locale %1").arg(r.locale);
    const QDateTime captured = QDateTime::fromMSecsSinceEpoch(r.entry.createdAt);
    facts << tr("captured %1").arg(captured.date() == QDate::currentDate() ? QLocale().toString(captured.time(), QLocale::LongFormat)
                                                                           : QLocale().toString(captured, QLocale::ShortFormat));
    m_facts->setText(facts.join(QStringLiteral(" · ")));

    m_text->setPlainText(r.text);
    m_text->setPlaceholderText(tr("This rendering has no plain text."));
    m_html->setHtml(r.html);
    m_htmlSource->setPlainText(r.html);
    const bool hasHtml = !r.html.isEmpty();
    m_tabs->setTabEnabled(HtmlTab, hasHtml);
    m_tabs->setTabEnabled(HtmlSourceTab, hasHtml);
    // The tab the operator last picked, while this rendering has something to show there.
    m_tabs->setCurrentIndex(hasHtml ? m_preferredTab : int(TextTab));
    m_detail->setCurrentIndex(1);
}

} // namespace herald
