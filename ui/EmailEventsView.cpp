#include "EmailEventsView.h"

#include "store/EmailStore.h"
#include "store/StoreThread.h"

#include <QComboBox>
#include <QDateTime>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

namespace herald {

namespace {

QString when(qint64 ms)
{
    const QDateTime t = QDateTime::fromMSecsSinceEpoch(ms);
    return t.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss ")) + t.timeZoneAbbreviation();
}

QString detailOf(const EmailEvent &e)
{
    if (e.eventType == EmailEventType::Bounce)
        return e.diagnosticCode.isEmpty() ? e.bounceType + QLatin1Char('/') + e.bounceSubType : e.diagnosticCode;
    if (e.eventType == EmailEventType::Complaint)
        return e.complaintFeedbackType;
    if (e.eventType == EmailEventType::Click)
        return e.clickLink;
    return e.status;
}

} // namespace

EmailEventsView::EmailEventsView(QWidget *parent)
    : QWidget(parent),
      m_type(new QComboBox(this)),
      m_recipient(new QLineEdit(this)),
      m_table(new QTableWidget(0, 6, this)),
      m_older(new QPushButton(tr("Load older"), this)),
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

    m_table->setHorizontalHeaderLabels({tr("Occurred"), tr("Type"), tr("Sub-type"), tr("Recipient"), tr("Message"), tr("Detail")});
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setWordWrap(false);
    m_table->horizontalHeader()->setStretchLastSection(true);
    connect(m_table, &QTableWidget::itemSelectionChanged, this, &EmailEventsView::showSelected);
    connect(m_older, &QPushButton::clicked, this, &EmailEventsView::loadOlder);
    m_details->setReadOnly(true);
    m_details->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_showMessage->setEnabled(false);
    connect(m_showMessage, &QPushButton::clicked, this, [this] {
        const int row = m_table->currentRow();
        if (row >= 0 && row < m_events.size() && m_events.at(row).messageId)
            Q_EMIT messageRequested(*m_events.at(row).messageId);
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
    tableLayout->addWidget(m_older, 0, Qt::AlignLeft);
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
    m_storeThread = storeThread;
    reload();
}

void EmailEventsView::reload()
{
    request(false);
}

void EmailEventsView::loadOlder()
{
    if (!m_atEnd)
        request(true);
}

void EmailEventsView::request(bool older)
{
    const quint64 generation = ++m_generation;
    if (!older) {
        m_events.clear();
        m_table->setRowCount(0);
        m_details->clear();
        m_showMessage->setEnabled(false);
        m_atEnd = false;
    }
    if (!m_storeThread)
        return;
    EmailStore::EventFilter filter;
    filter.type = m_type->currentData().toString();
    filter.recipient = m_recipient->text().trimmed();
    filter.beforeId = m_events.isEmpty() ? 0 : m_events.constLast().id;
    filter.limit = kPageSize;
    m_older->setEnabled(false);
    m_storeThread->post(
        this, [filter](Store &store) { return EmailStore(store).events(filter); },
        [this, generation](Result<QList<EmailEvent>> page) {
            if (generation != m_generation)
                return;
            if (!page) {
                m_summary->setText(tr("The events could not be read: %1").arg(page.errorString()));
                Q_EMIT loaded();
                return;
            }
            m_atEnd = page->size() < kPageSize;
            this->append(*page);
            Q_EMIT loaded();
        });
}

void EmailEventsView::append(const QList<EmailEvent> &events)
{
    int row = m_table->rowCount();
    m_table->setRowCount(row + int(events.size()));
    for (const EmailEvent &e : events) {
        const QStringList cells{when(e.occurredAt), e.eventType, e.subType, e.recipient,
                                e.messageId ? QString::number(*e.messageId) : QString(), detailOf(e)};
        for (int column = 0; column < cells.size(); ++column) {
            auto *item = new QTableWidgetItem(cells.at(column));
            item->setToolTip(cells.at(column));
            m_table->setItem(row, column, item);
        }
        ++row;
    }
    m_events += events;
    if (m_events.size() == events.size())
        m_table->resizeColumnsToContents();
    m_older->setEnabled(!m_atEnd);
    m_summary->setText(m_atEnd ? tr("%1 events").arg(QLocale().toString(m_events.size()))
                               : tr("Newest %1 events").arg(QLocale().toString(m_events.size())));
}

void EmailEventsView::showSelected()
{
    const int row = m_table->currentRow();
    if (row < 0 || row >= m_events.size()) {
        m_details->clear();
        m_showMessage->setEnabled(false);
        return;
    }
    const EmailEvent &e = m_events.at(row);
    const QJsonDocument raw = QJsonDocument::fromJson(e.raw);
    m_details->setPlainText(raw.isNull() ? QString::fromUtf8(e.raw) : QString::fromUtf8(raw.toJson(QJsonDocument::Indented)));
    m_showMessage->setEnabled(e.messageId.has_value());
    m_showMessage->setToolTip(e.messageId ? tr("Show message %1, whose provider id is this event's mail.messageId").arg(*e.messageId)
                                          : tr("No Herald message has this event's mail.messageId as its provider id"));
}

QString EmailEventsView::detailsText() const
{
    return m_details->toPlainText();
}

} // namespace herald
