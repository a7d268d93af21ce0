#include "TextTable.h"

#include <algorithm>

namespace herald {

TextTable::TextTable(QStringList headers, QList<bool> rightAligned) : m_headers(std::move(headers)), m_right(std::move(rightAligned))
{
    m_right.resize(m_headers.size());
}

void TextTable::addRow(QStringList cells)
{
    cells.resize(m_headers.size());
    for (QString &c : cells)
        c.replace(QLatin1Char('\n'), QLatin1Char(' '));
    m_rows << cells;
}

QString TextTable::render() const
{
    QList<qsizetype> width(m_headers.size());
    for (qsizetype c = 0; c < m_headers.size(); ++c) {
        width[c] = m_headers[c].size();
        for (const QStringList &row : m_rows)
            width[c] = std::max(width[c], std::min<qsizetype>(row[c].size(), 60));
    }
    const auto line = [&](const QStringList &cells) -> QString {
        QString out;
        for (qsizetype c = 0; c < cells.size(); ++c) {
            QString cell = cells[c];
            if (cell.size() > 60)
                cell = cell.left(59) + QChar(0x2026);
            if (c)
                out += QStringLiteral("  ");
            const bool last = c == cells.size() - 1;
            out += m_right[c] ? cell.rightJustified(width[c]) : (last ? cell : cell.leftJustified(width[c]));
        }
        return out + QLatin1Char('\n');
    };
    QString out = line(m_headers);
    for (const QStringList &row : m_rows)
        out += line(row);
    return out;
}

} // namespace herald
