#include "EmailEventsView.h"

#include "common/SectionWidgets.h"
#include "email/EmailEventsModel.h"

#include "store/EmailStore.h"

#include <QComboBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace herald {

EmailEventsView::EmailEventsView(QWidget *parent)
    : QWidget(parent),
      m_model(new EmailEventsModel(this)),
      m_type(new QComboBox(this)),
      m_recipient(new QLineEdit(this)),
      m_table(readOnlyTableView(m_model, this)),
      m_summary(new QLabel(this)),
      m_details(new QPlainTextEdit(this)),
      m_showMessage(new QPushButton(tr("Show the message"), this))
{
    m_type->setObjectName(QStringLiteral("eventType"));
    m_type->addItem(tr("All types"), QString());
    for (const QString &type : {EmailEventType::Send, EmailEventType::Delivery, EmailEventType::Bounce, EmailEventType::Complaint,
                                EmailEventType::Reject, EmailEventType::Open, EmailEventType::Click, EmailEventType::DeliveryDelay,
                                EmailEventType::RenderingFailure, EmailEventType::Subscription})
        m_type->addItem(type, type);
    m_recipient->setObjectName(QStringLiteral("eventRecipient"));
    m_recipient->setPlaceholderText(tr("recipient address, exact"));
    m_recipient->setClearButtonEnabled(true);
    connect(m_type, &QComboBox::currentIndexChanged, this, &EmailEventsView::reload);
    auto *debounce = new QTimer(this);
    debounce->setSingleShot(true);
    debounce->setInterval(300);
    connect(m_recipient, &QLineEdit::textChanged, debounce, qOverload<>(&QTimer::start));
    connect(debounce, &QTimer::timeout, this, &EmailEventsView::reload);

    m_table->setObjectName(QStringLiteral("emailEvents"));
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &EmailEventsView::showSelected);
    connect(m_model, &QAbstractItemModel::modelReset, this, &EmailEventsView::showSelected);
    connect(m_model, &EmailEventsModel::failed, this, [this](const QString &error) { m_error = error; });
    connect(m_model, &EmailEventsModel::loaded, this, [this] {
        if (m_model->events().size() <= EmailEventsModel::kPageSize)
            m_table->resizeColumnsToContents(); // the first page sets the widths; later ones keep them
        showSummary();
        Q_EMIT loaded();
    });
    m_details->setReadOnly(true);
    m_details->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_showMessage->setEnabled(false);
    connect(m_showMessage, &QPushButton::clicked, this, [this] {
        const EmailEvent *e = m_model->event(m_table->currentIndex().row());
        if (e && e->messageId)
            Q_EMIT messageRequested(*e->messageId);
    });

    auto *filters = new QHBoxLayout;
    filters->addWidget(m_type);
    filters->addWidget(m_recipient, 1);
    filters->addWidget(m_summary);
    auto *detailsBox = new QWidget(this);
    auto *detailsLayout = new QVBoxLayout(detailsBox);
    detailsLayout->setContentsMargins(0, 0, 0, 0);
    auto *detailsTop = new QHBoxLayout;
    detailsTop->addWidget(new QLabel(tr("<b>The event as SES sent it</b>"), detailsBox), 1);
    detailsTop->addWidget(m_showMessage);
    detailsLayout->addLayout(detailsTop);
    detailsLayout->addWidget(m_details, 1);
    auto *tableBox = new QWidget(this);
    auto *tableLayout = new QVBoxLayout(tableBox);
    tableLayout->setContentsMargins(0, 0, 0, 0);
    tableLayout->addWidget(m_table, 1);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(tableBox);
    split->addWidget(detailsBox);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(filters);
    layout->addWidget(split, 1);
}

void EmailEventsView::setStoreThread(StoreThread *storeThread)
{
    m_model->setStoreThread(storeThread);
    reload();
}

void EmailEventsView::reload()
{
    m_error.clear();
    EmailStore::EventFilter filter;
    filter.type = m_type->currentData().toString();
    filter.recipient = m_recipient->text().trimmed();
    m_model->setFilter(filter);
}

void EmailEventsView::loadOlder()
{
    if (m_model->canFetchMore({}))
        m_model->fetchMore({});
}

const QList<EmailEvent> &EmailEventsView::events() const
{
    return m_model->events();
}

void EmailEventsView::showSummary()
{
    const qsizetype n = m_model->events().size();
    if (!m_error.isEmpty())
        m_summary->setText(tr("The events could not be read: %1").arg(m_error));
    else if (m_model->atEnd())
        m_summary->setText(tr("%1 events").arg(QLocale().toString(n)));
    else
        m_summary->setText(tr("Newest %1 events; scroll for older ones").arg(QLocale().toString(n)));
}

void EmailEventsView::showSelected()
{
    const EmailEvent *e = m_model->event(m_table->currentIndex().row());
    if (!e) {
        m_details->clear();
        m_showMessage->setEnabled(false);
        return;
    }
    const QJsonDocument raw = QJsonDocument::fromJson(e->raw);
    m_details->setPlainText(raw.isNull() ? QString::fromUtf8(e->raw) : QString::fromUtf8(raw.toJson(QJsonDocument::Indented)));
    m_showMessage->setEnabled(e->messageId.has_value());
    m_showMessage->setToolTip(e->messageId ? tr("Show message %1, whose provider id is this event's mail.messageId").arg(*e->messageId)
                                           : tr("No Herald message has this event's mail.messageId as its provider id"));
}

QString EmailEventsView::detailsText() const
{
    return m_details->toPlainText();
}

} // namespace herald
