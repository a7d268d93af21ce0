#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace herald {

// Aligned plain-text columns for terminal output; numbers right-aligned.
class TextTable
{
public:
    explicit TextTable(QStringList headers, QList<bool> rightAligned = {});
    void addRow(QStringList cells);
    QString render() const;
    bool isEmpty() const { return m_rows.isEmpty(); }

private:
    QStringList m_headers;
    QList<bool> m_right;
    QList<QStringList> m_rows;
};

} // namespace herald
