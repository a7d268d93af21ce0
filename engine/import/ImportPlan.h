#pragma once

#include "model/ImportedMessage.h"

#include <QList>
#include <QMap>
#include <QPair>
#include <QString>
#include <QStringList>

#include <optional>

namespace herald {

// One source row (a send_event item for one user, an event_messages row) mapped to a message.
struct ImportRow
{
    QString sourceId;     // how a person finds the row at its source: "651f…a3 item 2 user 12345", "event_messages 123"
    QString sourceStatus; // the status it had there, as written there
    ImportedMessage message;
};

// A row left out of the import, and why.
struct ImportProblem
{
    QString sourceId;
    QString reason;
};

// What an import would write, read whole from its source before anything is written (the preview of a
// dry run, and the input of QueueImport::run). Plain values: any thread may hold one.
struct ImportPlan
{
    QString kind;   // "send-event", "event-messages"
    QString source; // the file, or the URL (never its password) and table
    QString queue;
    qint64 sourceRecords = 0;         // documents or rows read
    QList<ImportRow> rows;            // to import, in source order
    QList<ImportProblem> skipped;     // readable rows that carry nothing to deliver (no user ids, …)
    QList<ImportProblem> invalid;     // rows that cannot be read: bad JSON, bad dates, unknown status
    QStringList notes;                // what a person must know about the mapping (at-least-once, …)

    // Rows to import per source status and the state they are written in, in a stable order. With now,
    // as the store writes them at that time: scheduled ones whose time has come are waiting.
    QList<QPair<QPair<QString, MessageState>, qint64>> mappingCounts(std::optional<qint64> now = std::nullopt) const
    {
        QMap<QPair<QString, int>, qint64> counts;
        for (const ImportRow &r : rows) {
            MessageState state = r.message.state;
            if (now && state == MessageState::Scheduled && r.message.message.runAt <= *now)
                state = MessageState::Waiting;
            ++counts[{r.sourceStatus, int(state)}];
        }
        QList<QPair<QPair<QString, MessageState>, qint64>> out;
        for (auto it = counts.cbegin(); it != counts.cend(); ++it)
            out << QPair<QPair<QString, MessageState>, qint64>{{it.key().first, MessageState(it.key().second)}, it.value()};
        return out;
    }
};

} // namespace herald
