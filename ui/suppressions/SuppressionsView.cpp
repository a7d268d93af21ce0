#include "SuppressionsView.h"

#include "common/SectionWidgets.h"

#include "store/EmailStore.h"
#include "store/StoreThread.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace herald {

SuppressionsView::SuppressionsView(QWidget *parent)
    : QWidget(parent),
      m_model(new SuppressionsModel(this)),
      m_reason(new QComboBox(this)),
      m_address(new QLineEdit(this)),
      m_expired(new QCheckBox(tr("Show expired"), this)),
      m_summary(new QLabel(this)),
      m_table(readOnlyTableView(m_model, this)),
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

    m_table->setObjectName(QStringLiteral("suppressions"));
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &SuppressionsView::updateButtons);
    connect(m_model, &QAbstractItemModel::modelReset, this, &SuppressionsView::updateButtons);
    connect(m_model, &SuppressionsModel::failed, this, [this](const QString &error) { m_error = error; });
    connect(m_model, &SuppressionsModel::loaded, this, [this] {
        if (m_model->entries().size() <= SuppressionsModel::kPageSize)
            m_table->resizeColumnsToContents(); // the first page sets the widths; later ones keep them
        showSummary();
        updateButtons();
        Q_EMIT loaded();
    });
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
    m_model->setStoreThread(storeThread);
    reload();
}

void SuppressionsView::reload()
{
    m_error.clear();
    EmailStore::SuppressionFilter filter;
    filter.includeExpired = m_expired->isChecked();
    filter.reason = m_reason->currentData().toString();
    filter.address = m_address->text().trimmed();
    m_model->setFilter(filter);
}

const QList<Suppression> &SuppressionsView::entries() const
{
    return m_model->entries();
}

QString SuppressionsView::summaryText() const
{
    return m_summary->text();
}

void SuppressionsView::showSummary()
{
    const qsizetype n = m_model->entries().size();
    if (!m_error.isEmpty())
        m_summary->setText(tr("The list could not be read: %1").arg(m_error));
    else if (!m_model->atEnd())
        m_summary->setText(tr("First %1 addresses; scroll for more").arg(QLocale().toString(n)));
    else if (n == 1)
        m_summary->setText(tr("1 address"));
    else
        m_summary->setText(tr("%1 addresses").arg(QLocale().toString(n)));
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
        if (const Suppression *entry = m_model->entry(index.row()))
            addresses << entry->address;
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
