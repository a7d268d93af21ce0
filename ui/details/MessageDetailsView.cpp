#include "MessageDetailsView.h"

#include "common/FormError.h"
#include "messages/MessageTableModel.h"
#include "RenderedMessageView.h"

#include "model/TimeText.h"
#include "store/EmailStore.h"
#include "store/StoreThread.h"

#include <QDateTime>
#include <QFontDatabase>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QPlainTextEdit>
#include <QTabWidget>
#include <QTableWidget>
#include <QTextDocumentFragment>
#include <QHBoxLayout>
#include <QScrollArea>
#include <QVBoxLayout>

namespace herald {

namespace {

QString localTime(qint64 ms)
{
    const QDateTime time = QDateTime::fromMSecsSinceEpoch(ms);
    return time.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss ")) + time.timeZoneAbbreviation();
}

QString optionalTime(const std::optional<qint64> &ms)
{
    return ms ? localTime(*ms) : MessageDetailsView::tr("—");
}

QTableWidget *table(const QStringList &headers, QWidget *parent)
{
    QTableWidget *t = newReadOnlyTable(headers, parent);
    t->setMinimumHeight(70);
    return t;
}

void setRow(QTableWidget *t, int row, const QStringList &cells)
{
    for (int column = 0; column < cells.size(); ++column) {
        auto *item = new QTableWidgetItem(cells.at(column));
        item->setToolTip(cells.at(column));
        t->setItem(row, column, item);
    }
}

QLabel *heading(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    QFont font = label->font();
    font.setBold(true);
    label->setFont(font);
    return label;
}

} // namespace

MessageDetailsView::MessageDetailsView(QWidget *parent)
    : QWidget(parent),
      m_fields(new QLabel(this)),
      m_payload(new QPlainTextEdit(this)),
      m_rendered(new RenderedMessageView(this)),
      m_attempts(table({tr("#"), tr("Started"), tr("Duration"), tr("Outcome"), tr("Code"), tr("Error")}, this)),
      m_audit(table({tr("When"), tr("Who"), tr("Action"), tr("Affected"), tr("Selection")}, this)),
      m_emailEventsHeading(heading(tr("E-mail events"), this)),
      m_emailEvents(table({tr("When"), tr("Event"), tr("Sub-type"), tr("Recipient"), tr("Detail")}, this))
{
    m_fields->setTextFormat(Qt::RichText);
    m_fields->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_fields->setWordWrap(true);
    m_fields->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_payload->setReadOnly(true);
    m_payload->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_payload->setMinimumHeight(80);

    // Side by side, for a dock under the table: the table keeps the window's width, which its columns need.
    auto *fieldsScroll = new QScrollArea(this);
    fieldsScroll->setWidgetResizable(true);
    fieldsScroll->setFrameShape(QFrame::NoFrame);
    fieldsScroll->setWidget(m_fields);
    auto *fieldsColumn = new QVBoxLayout;
    fieldsColumn->addWidget(heading(tr("Message"), this));
    fieldsColumn->addWidget(fieldsScroll, 1);
    auto *contentTabs = new QTabWidget(this);
    contentTabs->setObjectName(QStringLiteral("contentTabs"));
    contentTabs->setDocumentMode(true);
    contentTabs->addTab(m_payload, tr("Payload"));
    contentTabs->addTab(m_rendered, tr("Rendered"));
    contentTabs->setTabToolTip(1, tr("The message as a channel would send it, in each of its locales"));
    auto *payloadColumn = new QVBoxLayout;
    payloadColumn->addWidget(contentTabs, 1);
    auto *historyColumn = new QVBoxLayout;
    historyColumn->addWidget(heading(tr("Attempts"), this));
    historyColumn->addWidget(m_attempts, 1);
    historyColumn->addWidget(heading(tr("Operator actions"), this));
    historyColumn->addWidget(m_audit, 1);
    historyColumn->addWidget(m_emailEventsHeading);
    historyColumn->addWidget(m_emailEvents, 1);
    m_emailEvents->setObjectName(QStringLiteral("emailEvents"));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 0, 4, 4);
    layout->addLayout(fieldsColumn, 3);
    layout->addLayout(payloadColumn, 3);
    layout->addLayout(historyColumn, 4);
    showMessage(0);
}

MessageDetailsView::~MessageDetailsView() = default;

void MessageDetailsView::setStoreThread(StoreThread *storeThread)
{
    m_storeThread = storeThread;
    showMessage(0);
}

void MessageDetailsView::showMessage(qint64 id)
{
    m_id = id;
    const quint64 generation = ++m_generation;
    if (id <= 0 || !m_storeThread) {
        m_fields->setText(tr("Select a message to see all of it here."));
        m_payload->clear();
        m_rendered->clear();
        m_attempts->setRowCount(0);
        m_audit->setRowCount(0);
        showEmailEvents({});
        return;
    }
    m_storeThread->post(
        this,
        [id](Store &store) -> Result<Details> {
            Details details;
            auto message = store.message(id);
            if (!message)
                return message.error();
            details.message = std::move(message).value();
            auto attempts = store.attempts(id);
            if (!attempts)
                return attempts.error();
            details.attempts = std::move(attempts).value();
            auto audit = store.auditForMessage(id);
            if (!audit)
                return audit.error();
            details.audit = std::move(audit).value();
            EmailStore::EventFilter events;
            events.messageId = id;
            events.limit = 50;
            auto email = EmailStore(store).events(events);
            if (!email)
                return email.error();
            details.emailEvents = std::move(email).value();
            return details;
        },
        [this, generation](Result<Details> details) {
            if (generation != m_generation)
                return;
            if (details)
                showDetails(*details);
            else
                showError(details.errorString());
            Q_EMIT loaded();
        });
}

void MessageDetailsView::showError(const QString &error)
{
    m_fields->setText(tr("Message %1 could not be read: %2").arg(m_id).arg(error.toHtmlEscaped()));
    m_payload->clear();
    m_rendered->clear();
    m_attempts->setRowCount(0);
    m_audit->setRowCount(0);
    showEmailEvents({});
}

void MessageDetailsView::showEmailEvents(const QList<EmailEvent> &events)
{
    // Only e-mail has them: the table is there when there is something in it.
    m_emailEventsHeading->setVisible(!events.isEmpty());
    m_emailEvents->setVisible(!events.isEmpty());
    m_emailEvents->setRowCount(int(events.size()));
    for (int i = 0; i < events.size(); ++i) {
        const EmailEvent &e = events.at(i);
        const QString detail = !e.diagnosticCode.isEmpty() ? e.diagnosticCode : !e.complaintFeedbackType.isEmpty() ? e.complaintFeedbackType : e.clickLink;
        setRow(m_emailEvents, i, {localTime(e.occurredAt), e.eventType, e.subType, e.recipient, detail});
    }
    m_emailEvents->resizeColumnsToContents();
}

void MessageDetailsView::showDetails(const Details &details)
{
    const Message &m = details.message;
    const auto row = [](const QString &name, const QString &value) {
        return QStringLiteral("<tr><td style='padding-right:12px'><b>%1</b></td><td>%2</td></tr>").arg(name.toHtmlEscaped(), value.toHtmlEscaped());
    };
    QString html = QStringLiteral("<table>");
    html += row(tr("ID"), QString::number(m.id));
    html += row(tr("Queue"), m.queue);
    html += row(tr("Type"), m.type);
    html += row(tr("Channel"), m.channel);
    html += row(tr("Recipient"), m.recipient.isEmpty() ? tr("(none)") : m.recipient);
    html += row(tr("State"), stateName(m.state));
    html += row(tr("Priority"), QString::number(m.priority));
    html += row(tr("Run at"), localTime(m.runAt) + QStringLiteral(" (") + formatTimestamp(m.runAt) + QLatin1Char(')'));
    html += row(tr("Created"), localTime(m.createdAt));
    html += row(tr("Updated"), localTime(m.updatedAt));
    html += row(tr("Started"), optionalTime(m.startedAt));
    html += row(tr("Finished"), optionalTime(m.finishedAt));
    html += row(tr("Attempts"), tr("%1 of %2").arg(m.attempts).arg(m.maxAttempts));
    html += row(tr("Labels"), m.labels.isEmpty() ? tr("(none)") : MessageTableModel::labelsText(m.labels));
    if (!m.leaseOwner.isEmpty())
        html += row(tr("Lease"), tr("%1 until %2").arg(m.leaseOwner, optionalTime(m.leaseUntil)));
    if (m.stalls > 0)
        html += row(tr("Stalls"), QString::number(m.stalls));
    if (!m.dedupeKey.isEmpty())
        html += row(tr("Dedupe key"), m.dedupeKey);
    if (!m.providerMessageId.isEmpty())
        html += row(tr("Provider id"), m.providerMessageId);
    if (!m.lastError.isEmpty())
        html += row(tr("Last error"), m.lastError);
    html += QStringLiteral("</table>");
    m_fields->setText(html);

    // Stored compact; indented it can be read. A payload that is not JSON is shown as stored.
    const QJsonDocument json = QJsonDocument::fromJson(m.payload);
    m_payload->setPlainText(json.isNull() ? QString::fromUtf8(m.payload) : QString::fromUtf8(json.toJson(QJsonDocument::Indented)));
    m_rendered->setMessage(m);

    m_attempts->setRowCount(int(details.attempts.size()));
    for (int i = 0; i < details.attempts.size(); ++i) {
        const Attempt &a = details.attempts.at(i);
        setRow(m_attempts, i,
               {QString::number(a.number), localTime(a.startedAt), a.finishedAt ? formatDuration(*a.finishedAt - a.startedAt) : tr("running"),
                a.outcome.isEmpty() ? tr("in flight") : a.outcome, a.responseCode ? QString::number(a.responseCode) : QString(),
                a.error.section(QLatin1Char('\n'), 0, 0)});
        m_attempts->item(i, 5)->setToolTip(a.error);
    }
    m_attempts->resizeColumnsToContents();

    m_audit->setRowCount(int(details.audit.size()));
    for (int i = 0; i < details.audit.size(); ++i) {
        const AuditEntry &e = details.audit.at(i);
        setRow(m_audit, i, {localTime(e.at), e.actor, e.action, QString::number(e.affected), e.selection});
    }
    m_audit->resizeColumnsToContents();
    showEmailEvents(details.emailEvents);
}

QString MessageDetailsView::fieldsText() const
{
    return QTextDocumentFragment::fromHtml(m_fields->text()).toPlainText();
}

QString MessageDetailsView::payloadText() const
{
    return m_payload->toPlainText();
}

} // namespace herald
