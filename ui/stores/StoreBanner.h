#pragma once

#include <QFrame>

class QLabel;
class QPushButton;

namespace herald {

// A strip above the console's pages for what the operator must not miss about the open store
// (DESIGN §8): that it is read-only, or that it cannot be read at the moment (gone, locked, failing) and
// is being retried. Informational notices and problems look different; a problem wins over a notice.
class StoreBanner : public QFrame
{
    Q_OBJECT

public:
    enum class Kind { None, ReadOnly, Problem };

    explicit StoreBanner(QWidget *parent = nullptr);

    void showReadOnly(const QString &store);
    void showProblem(const QString &text);
    // Back to the read-only notice if there was one, else hidden.
    void clearProblem();
    void clearAll();

    Kind kind() const { return m_kind; }
    QString text() const;

Q_SIGNALS:
    void retryRequested();

private:
    void show(Kind kind, const QString &text);

    Kind m_kind = Kind::None;
    QString m_readOnlyText;
    QLabel *m_icon;
    QLabel *m_label;
    QPushButton *m_retry;
};

} // namespace herald
