#pragma once

#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QStackedWidget;
class QTabWidget;
class QTableView;
class QTextBrowser;

namespace herald {

class OutboxModel;

// The outbox: the renderings the outbox channel captured, newest first, in a table that loads further
// pages as it is scrolled, and below it the selected rendering as it would have been sent — subject,
// recipient, plain text, and the HTML both rendered and as source. Read-only.
// The model is not owned and must outlive the view.
class OutboxView : public QWidget
{
    Q_OBJECT

public:
    explicit OutboxView(OutboxModel *model, QWidget *parent = nullptr);
    ~OutboxView() override;

    QTableView *tableView() const { return m_table; }
    QString summaryText() const;
    // Makes the row current and shows its rendering below the table.
    void selectRow(int row);
    // The outbox row whose rendering is shown; 0 when none is.
    qint64 shownEntry() const { return m_shownEntry; }

    QLabel *subjectLabel() const { return m_subject; }
    QPlainTextEdit *textView() const { return m_text; }
    QTextBrowser *htmlView() const { return m_html; }
    QPlainTextEdit *htmlSourceView() const { return m_htmlSource; }

private:
    void updateSummary();
    void showCurrent();

    OutboxModel *m_model;
    QLabel *m_summary;
    QStackedWidget *m_body;
    QTableView *m_table;
    QLabel *m_placeholder;
    QStackedWidget *m_detail;
    QLabel *m_noSelection;
    QLabel *m_subject;
    QLabel *m_facts;
    QTabWidget *m_tabs;
    QPlainTextEdit *m_text;
    QTextBrowser *m_html;
    QPlainTextEdit *m_htmlSource;
    qint64 m_shownEntry = 0;
    int m_preferredTab = 0; // the HTML tab until the operator picks another
};

} // namespace herald
