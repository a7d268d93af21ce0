#include "PreviewDialog.h"

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <limits>

namespace herald {

namespace {

QTableWidget *table(const QStringList &headers, QWidget *parent)
{
    auto *t = new QTableWidget(0, int(headers.size()), parent);
    t->setHorizontalHeaderLabels(headers);
    t->verticalHeader()->hide();
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->setSelectionMode(QAbstractItemView::NoSelection);
    t->setWordWrap(false);
    t->horizontalHeader()->setStretchLastSection(true);
    return t;
}

void addRow(QTableWidget *t, const QStringList &cells)
{
    const int row = t->rowCount();
    t->insertRow(row);
    for (int column = 0; column < cells.size(); ++column)
        t->setItem(row, column, new QTableWidgetItem(cells.at(column)));
}

int progressValue(qint64 value)
{
    return int(std::min<qint64>(value, std::numeric_limits<int>::max()));
}

} // namespace

PreviewDialog::PreviewDialog(const QStringList &breakdownHeaders, const QStringList &sampleHeaders, QWidget *parent)
    : QDialog(parent),
      m_summary(new QLabel(this)),
      m_breakdownTitle(new QLabel(this)),
      m_breakdown(table(breakdownHeaders, this)),
      m_sampleTitle(new QLabel(this)),
      m_sample(table(sampleHeaders, this)),
      m_progress(new QProgressBar(this)),
      m_error(new QLabel(this)),
      m_run(new QPushButton(this)),
      m_stop(new QPushButton(tr("Stop"), this)),
      m_buttons(new QDialogButtonBox(this))
{
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_progress->hide();
    m_error->setStyleSheet(QStringLiteral("color: #c62828;"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->hide();

    m_run->setDefault(false);
    m_buttons->addButton(m_run, QDialogButtonBox::AcceptRole);
    // Beside the progress bar, not in the button box (which shows its buttons): only a running job stops.
    m_stop->hide();
    m_close = m_buttons->addButton(QDialogButtonBox::Close);
    // A bulk change must be asked for: Enter does not run it.
    m_close->setDefault(true);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(m_breakdownTitle);
    layout->addWidget(m_breakdown);
    layout->addWidget(m_sampleTitle);
    layout->addWidget(m_sample, 1);
    auto *progressRow = new QHBoxLayout;
    progressRow->addWidget(m_progress, 1);
    progressRow->addWidget(m_stop);
    layout->addLayout(progressRow);
    layout->addWidget(m_error);
    layout->addWidget(m_buttons);
    resize(640, 480);

    connect(m_run, &QPushButton::clicked, this, [this] {
        if (!m_progress->isVisible())
            run();
    });
    connect(m_close, &QPushButton::clicked, this, &QDialog::reject);
    connect(m_stop, &QPushButton::clicked, this, [this] {
        stop();
        m_stop->setEnabled(false);
        m_stop->setText(tr("Stopping…"));
    });
}

PreviewDialog::~PreviewDialog() = default;

QString PreviewDialog::summaryText() const
{
    return m_summary->text();
}

QString PreviewDialog::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

void PreviewDialog::setSummary(const QString &text)
{
    m_summary->setText(text);
}

void PreviewDialog::setBreakdownTitle(const QString &text)
{
    m_breakdownTitle->setText(text);
}

void PreviewDialog::addBreakdownRow(const QStringList &cells, int rightAlignedColumn)
{
    addRow(m_breakdown, cells);
    if (rightAlignedColumn >= 0)
        m_breakdown->item(m_breakdown->rowCount() - 1, rightAlignedColumn)->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
}

void PreviewDialog::setSampleTitle(const QString &text)
{
    m_sampleTitle->setText(text);
}

void PreviewDialog::addSampleRow(const QStringList &cells)
{
    addRow(m_sample, cells);
}

void PreviewDialog::fitTables()
{
    m_breakdown->resizeColumnsToContents();
    // As tall as its rows (up to six): the sample below is what deserves the room.
    const int rows = std::clamp(m_breakdown->rowCount(), 1, 6);
    m_breakdown->setFixedHeight(m_breakdown->horizontalHeader()->sizeHint().height() + rows * m_breakdown->verticalHeader()->defaultSectionSize() +
                                2 * m_breakdown->frameWidth());
    m_sample->resizeColumnsToContents();
}

void PreviewDialog::setRun(const QString &text, const QString &disabledReason)
{
    m_run->setText(text);
    m_run->setEnabled(disabledReason.isEmpty());
    m_run->setToolTip(disabledReason);
}

void PreviewDialog::startRunning(qint64 maximum, bool stoppable)
{
    m_run->setEnabled(false);
    m_close->setEnabled(false);
    m_error->hide();
    m_progress->setRange(0, progressValue(maximum));
    m_progress->setValue(0);
    m_progress->show();
    m_stop->setVisible(stoppable);
}

void PreviewDialog::setProgress(qint64 done)
{
    m_progress->setValue(std::min(progressValue(done), m_progress->maximum()));
}

void PreviewDialog::finishRunning(bool ok, const QString &error)
{
    m_stop->hide();
    m_close->setEnabled(true);
    if (ok) {
        if (m_progress->maximum() == 0)
            m_progress->setRange(0, 1);
        m_progress->setValue(m_progress->maximum());
        accept();
        return;
    }
    m_progress->hide();
    m_error->setText(error);
    m_error->show();
}

} // namespace herald
