#include "MessageExport.h"

#include "model/MessageJson.h"
#include "store/Store.h"

#include <QIODevice>
#include <QJsonArray>
#include <QJsonDocument>

namespace herald {

namespace {

const QStringList &csvColumns()
{
    static const QStringList columns{QStringLiteral("id"),          QStringLiteral("queue"),        QStringLiteral("type"),
                                     QStringLiteral("channel"),     QStringLiteral("recipient"),    QStringLiteral("priority"),
                                     QStringLiteral("state"),       QStringLiteral("run_at"),       QStringLiteral("created_at"),
                                     QStringLiteral("started_at"),  QStringLiteral("finished_at"),  QStringLiteral("attempts"),
                                     QStringLiteral("max_attempts"), QStringLiteral("dedupe_key"),  QStringLiteral("labels"),
                                     QStringLiteral("last_error"),  QStringLiteral("provider_message_id"), QStringLiteral("payload")};
    return columns;
}

// RFC 4180: quote a cell holding a comma, a quote or a line break; double the quotes inside.
QByteArray csvCell(const QJsonValue &v)
{
    QString text;
    if (v.isObject())
        text = QString::fromUtf8(QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact));
    else if (v.isDouble())
        text = QString::number(v.toInteger());
    else if (!v.isNull())
        text = v.toString();
    if (text.contains(QLatin1Char(',')) || text.contains(QLatin1Char('"')) || text.contains(QLatin1Char('\n')) || text.contains(QLatin1Char('\r')))
        text = QLatin1Char('"') + QString(text).replace(QLatin1Char('"'), QStringLiteral("\"\"")) + QLatin1Char('"');
    return text.toUtf8();
}

} // namespace

Result<qint64> exportMessages(Store &store, const MessageSelection &selection, ExportFormat format, QIODevice &out, const ActionProgress &progress)
{
    qint64 total = 0;
    if (progress.report) {
        auto n = store.countMessages(selection);
        if (!n)
            return n.error();
        total = *n;
    }
    if (format == ExportFormat::Csv)
        out.write(csvColumns().join(QLatin1Char(',')).toUtf8() + "\r\n");
    MessagePageRequest page;
    page.selection = selection;
    page.limit = 1000;
    qint64 written = 0;
    for (;;) {
        if (progress.cancel && progress.cancel->load())
            break;
        auto rows = store.listMessages(page);
        if (!rows)
            return rows.error();
        for (const Message &m : *rows) {
            const QJsonObject o = messageToJson(m);
            if (format == ExportFormat::JsonLines) {
                out.write(QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n');
            } else {
                QByteArray line;
                for (const QString &c : csvColumns()) {
                    if (!line.isEmpty() || c != csvColumns().front())
                        line += ',';
                    line += csvCell(o.value(c));
                }
                out.write(line + "\r\n");
            }
        }
        written += rows->size();
        if (progress.report)
            progress.report(written, total);
        if (rows->size() < page.limit)
            break;
        page.afterId = rows->back().id;
    }
    return written;
}

} // namespace herald
