#include "PayloadDialog.h"

#include "common/FormError.h"

#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace herald {

QString textPosition(const QByteArray &text, int offset)
{
    const QByteArray before = text.left(offset);
    const int line = int(before.count('\n')) + 1;
    const int column = int(offset - (before.lastIndexOf('\n') + 1)) + 1;
    return PayloadDialog::tr("line %1, column %2").arg(line).arg(column);
}

Result<QByteArray> parsePayloadObject(const QByteArray &text)
{
    if (text.trimmed().isEmpty())
        return QByteArrayLiteral("{}");
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(text, &error);
    if (error.error != QJsonParseError::NoError)
        return Error::badInput(PayloadDialog::tr("The payload is not valid JSON: %1 at %2.").arg(error.errorString(), textPosition(text, error.offset)));
    if (!doc.isObject())
        return Error::badInput(PayloadDialog::tr("The payload must be a JSON object, e.g. {\"name\": \"Ana\"}, not an array or a value."));
    return doc.toJson(QJsonDocument::Compact);
}

PayloadDialog::PayloadDialog(qint64 messageId, const QByteArray &payload, QWidget *parent)
    : QDialog(parent),
      m_editor(new QPlainTextEdit(this)),
      m_error(newErrorLabel(this)),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(tr("Edit the payload of message %1").arg(messageId));
    m_editor->setObjectName(QStringLiteral("payload"));
    m_editor->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_editor->setTabChangesFocus(true);
    const QJsonDocument doc = QJsonDocument::fromJson(payload);
    m_editor->setPlainText(doc.isNull() ? QString::fromUtf8(payload) : QString::fromUtf8(doc.toJson(QJsonDocument::Indented)));
    auto *note = new QLabel(tr("The templates read these fields when the message is sent. The edit is previewed, audited and can be undone."), this);
    note->setWordWrap(true);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(note);
    layout->addWidget(m_editor, 1);
    layout->addWidget(m_error);
    layout->addWidget(m_buttons);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Preview…"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &PayloadDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &PayloadDialog::reject);
    connect(m_editor, &QPlainTextEdit::textChanged, m_error, &QLabel::hide);
    resize(fontMetrics().averageCharWidth() * 80, fontMetrics().height() * 24);
}

Result<QByteArray> PayloadDialog::payload() const
{
    return parsePayloadObject(m_editor->toPlainText().toUtf8());
}

QString PayloadDialog::errorText() const
{
    return errorLabelText(m_error);
}

void PayloadDialog::accept()
{
    const auto parsed = payload();
    if (!parsed) {
        m_error->setText(parsed.errorString());
        m_error->show();
        m_editor->setFocus();
        return;
    }
    QDialog::accept();
}

} // namespace herald
