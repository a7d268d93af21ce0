#pragma once

#include "model/Result.h"

#include <QDialog>

class QDialogButtonBox;
class QLabel;
class QPlainTextEdit;

namespace herald {

// Edit payload: the message's JSON, pretty-printed, in an editor. OK is refused, with the parser's
// reason and position under the editor, until the text is a JSON object. GUI thread only.
class PayloadDialog : public QDialog
{
    Q_OBJECT

public:
    PayloadDialog(qint64 messageId, const QByteArray &payload, QWidget *parent = nullptr);

    QPlainTextEdit *editor() const { return m_editor; }
    // The edited payload, compact, or why it is not a JSON object.
    Result<QByteArray> payload() const;
    QString errorText() const;

    void accept() override;

private:
    QPlainTextEdit *m_editor;
    QLabel *m_error;
    QDialogButtonBox *m_buttons;
};

// "line 3, column 7" for an offset into text, for a JSON parse error.
QString textPosition(const QByteArray &text, int offset);
// Parses a payload as the CLI does: a JSON object, else an error naming the reason and where.
Result<QByteArray> parsePayloadObject(const QByteArray &text);

} // namespace herald
