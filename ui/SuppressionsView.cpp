#include "SuppressionsView.h"

#include "store/EmailStore.h"
#include "store/StoreThread.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

namespace herald {

namespace {

QString when(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

} // namespace

SuppressionsView::SuppressionsView(QWidget *parent)
    : QWidget(parent),
      m_reason(new QComboBox(this)),
      m_address(new QLineEdit(this)),
      m_expired(new QCheckBox(tr("Show expired"), this)),
      m_summary(new QLabel(this)),
      m_table(new QTableWidget(0, 6, this)),
      m_add(new QPushButton(tr("&Add…"), this)),
      m_remove(new QPushButton(tr("&Remove"), this))
{
    m_reason->addItem(tr("All reasons"), QString());
    for (const QString &reason : {SuppressionReason::HardBounce, SuppressionReason::SoftBounce, SuppressionReason::Complaint, SuppressionReason::Manual})
        m_reason->addItem(reason, reason);
    m_address->setPlaceholderText(tr("address, exact"));
    m_address->setClearButtonEnabled(true);
    connect(m_reason, &QComboBox::currentIndexChanged, this, &SuppressionsView::reload);
    connect(m_expired, &QCheckBox::toggled, this, &SuppressionsView::reload);
    auto *debounce = new QTimer(this);
    debounce->setSingleShot(true);
    debounce->setInterval(300);
    connect(m_address, &QLineEdit::textChanged, debounce, qOverload<>(&QTimer::start));
    connect(debounce, &QTimer::timeout, this, &SuppressionsView::reload);

    m_table->setHorizontalHeaderLabels({tr("Address"), tr("Reason"), tr("Since"), tr("Until"), tr("Source event"), tr("Note")});
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setWordWrap(false);
    m_table->horizontalHeader()->setStretchLastSection(true);
    connect(m_table, &QTableWidget::itemSelectionChanged, this, &SuppressionsView::updateButtons);
    connect(m_add, &QPushButton::clicked, this, &SuppressionsView::askAdd);
    connect(m_remove, &QPushButton::clicked, this, &SuppressionsView::removeSelected);

    auto *top = new QHBoxLayout;
    top->addWidget(m_reason);
    top->addWidget(m_address, 1);
    top->addWidget(m_expired);
    top->addWidget(m_summary);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_add);
    buttons->addWidget(m_remove);
    buttons->addStretch(1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(m_table, 1);
    layout->addLayout(buttons);
    updateButtons();
}

void SuppressionsView::setStore(StoreThread *storeThread, bool readOnly)
{
    m_storeThread = storeThread;
    m_readOnly = readOnly;
    reload();
}

void SuppressionsView::reload()
{
    const quint64 generation = ++m_generation;
    m_table->setRowCount(0);
    m_entries.clear();
    updateButtons();
    if (!m_storeThread)
        return;
    EmailStore::SuppressionFilter filter;
    filter.includeExpired = m_expired->isChecked();
    filter.reason = m_reason->currentData().toString();
    filter.address = m_address->text().trimmed();
    m_storeThread->post(
        this, [filter](Store &store) { return EmailStore(store).suppressions(filter); },
        [this, generation](Result<QList<Suppression>> entries) {
            if (generation != m_generation)
                return;
            if (!entries) {
                m_summary->setText(tr("The list could not be read: %1").arg(entries.errorString()));
                Q_EMIT loaded();
                return;
            }
            m_entries = *entries;
            m_table->setRowCount(int(m_entries.size()));
            for (int row = 0; row < m_entries.size(); ++row) {
                const Suppression &s = m_entries.at(row);
                const QStringList cells{s.address, s.reason, when(s.createdAt), s.expiresAt ? when(*s.expiresAt) : tr("for ever"), s.sourceEvent, s.note};
                for (int column = 0; column < cells.size(); ++column) {
                    auto *item = new QTableWidgetItem(cells.at(column));
                    item->setToolTip(cells.at(column));
                    m_table->setItem(row, column, item);
                }
            }
            m_table->resizeColumnsToContents();
            m_summary->setText(m_entries.size() == 1 ? tr("1 address") : tr("%1 addresses").arg(QLocale().toString(m_entries.size())));
            updateButtons();
            Q_EMIT loaded();
        });
}

void SuppressionsView::updateButtons()
{
    const QString readOnly = tr("The store is open read-only: the list cannot be changed.");
    m_add->setEnabled(m_storeThread && !m_readOnly);
    m_add->setToolTip(m_readOnly ? readOnly : tr("Stop sending e-mail to an address (manual suppression)"));
    const bool selected = !m_table->selectionModel()->selectedRows().isEmpty();
    m_remove->setEnabled(m_storeThread && !m_readOnly && selected);
    m_remove->setToolTip(m_readOnly ? readOnly : selected ? tr("Send to the selected addresses again") : tr("Select addresses first."));
}

Status SuppressionsView::add(const QString &address, const QString &note, int expiresInDays)
{
    const QString normalised = EmailStore::normaliseAddress(address);
    if (!normalised.contains(QLatin1Char('@')) || normalised.startsWith(QLatin1Char('@')) || normalised.endsWith(QLatin1Char('@')))
        return Error::badInput(tr("'%1' is not an e-mail address; write e.g. ana@example.com").arg(address));
    if (expiresInDays < 0)
        return Error::badInput(tr("the expiry must not be negative; 0 keeps the address suppressed for ever"));
    if (!m_storeThread || m_readOnly)
        return Error::refused(tr("the store is open read-only"));
    Suppression entry;
    entry.address = normalised;
    entry.reason = SuppressionReason::Manual;
    entry.note = note.trimmed();
    entry.createdAt = QDateTime::currentMSecsSinceEpoch();
    if (expiresInDays > 0)
        entry.expiresAt = entry.createdAt + qint64(expiresInDays) * 86'400'000;
    m_storeThread->post(
        this, [entry](Store &store) { return EmailStore(store).suppress(entry); },
        [this, normalised](Status done) {
            Q_EMIT changed(done ? tr("%1 is suppressed").arg(normalised) : tr("%1 was not suppressed: %2").arg(normalised, done.errorString()));
            reload();
        });
    return {};
}

void SuppressionsView::askAdd()
{
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Suppress an address"));
    auto *address = new QLineEdit(&dialog);
    address->setPlaceholderText(tr("ana@example.com"));
    auto *note = new QLineEdit(&dialog);
    note->setPlaceholderText(tr("why, for whoever reads the list later"));
    auto *expires = new QSpinBox(&dialog);
    expires->setRange(0, 3650);
    expires->setSpecialValueText(tr("never"));
    expires->setSuffix(tr(" days"));
    auto *error = new QLabel(&dialog);
    error->setWordWrap(true);
    error->hide();
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    auto *form = new QFormLayout(&dialog);
    form->addRow(tr("Address:"), address);
    form->addRow(tr("Reason:"), note);
    form->addRow(tr("Expires after:"), expires);
    form->addRow(error);
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, [&] {
        if (const Status done = add(address->text(), note->text(), expires->value()); !done) {
            error->setText(done.errorString());
            error->show();
            address->setFocus();
            return;
        }
        dialog.accept();
    });
    dialog.exec();
}

void SuppressionsView::removeSelected()
{
    if (!m_storeThread || m_readOnly)
        return;
    QStringList addresses;
    for (const QModelIndex &index : m_table->selectionModel()->selectedRows())
        addresses << m_entries.value(index.row()).address;
    if (addresses.isEmpty())
        return;
    m_storeThread->post(
        this,
        [addresses](Store &store) -> Result<int> {
            EmailStore email(store);
            for (const QString &address : addresses)
                if (auto s = email.unsuppress(address); !s)
                    return s.error();
            return int(addresses.size());
        },
        [this](Result<int> removed) {
            Q_EMIT changed(removed ? tr("%1 addresses are sent to again").arg(*removed) : tr("Not removed: %1").arg(removed.errorString()));
            reload();
        });
}

} // namespace herald
