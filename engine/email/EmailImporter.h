#pragma once

#include "EmailIntake.h"
#include "model/Result.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <atomic>
#include <functional>

namespace herald {

class Store;

// Imports SES events from files into a store (`heraldctl email import`, and the console's File →
// Import email events run as a job): splits each file into documents, classifies them, optionally
// requires valid SNS signatures, and records events in batches, one transaction per batch. A bad
// document is reported with its FILE:LINE and skipped; importing the same events again adds nothing.
//
// Threading: use in the thread that owns the Store; verify is called in that thread.
class EmailImporter
{
public:
    struct Options
    {
        // Set: every document must be an SNS envelope whose signature this accepts (SnsVerifier, run
        // to completion). Raw SES JSON and stored mongoexport documents are then refused.
        std::function<Status(const SnsMessage &)> verify;
        int batchSize = 500; // documents per transaction
        QString source = QStringLiteral("file");
        const std::atomic_bool *cancel = nullptr; // checked between documents
        // After each document: documents done in this file, and the file's total.
        std::function<void(qint64 done, qint64 total)> progress;
    };
    struct Problem
    {
        QString location; // FILE:LINE
        QString reason;
    };
    struct Report
    {
        qint64 imported = 0;   // documents with at least one new event row
        qint64 events = 0;     // new email_events rows
        qint64 duplicates = 0; // documents stored before
        qint64 ignored = 0;    // accepted and not stored: the topic-validation notice, non-SES notifications
        qint64 notices = 0;    // subscription and unsubscription confirmations recorded
        QList<Problem> invalid;
        QStringList suppressed; // addresses the import suppressed
        bool cancelled = false;
    };

    EmailImporter(Store &store, Options options);

    // One file's content; name is how problems refer to it. A store error stops the import (what was
    // committed stays: a second run picks up the rest as duplicates).
    Status add(const QByteArray &content, const QString &name);
    // Stores what is still batched. Call once at the end.
    Status finish();
    const Report &report() const { return m_report; }

private:
    Status flush();

    Store &m_store;
    Options m_options;
    Report m_report;
    QList<EmailIntake::Item> m_batch;
};

} // namespace herald
