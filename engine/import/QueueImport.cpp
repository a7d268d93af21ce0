#include "QueueImport.h"

#include "store/Store.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <numeric>

namespace herald {

namespace {

constexpr int kProblemsNamed = 20; // rows an error names before "and N more"

} // namespace

Status QueueImport::check(const ImportPlan &plan, bool skipInvalid)
{
    if (plan.invalid.isEmpty() || skipInvalid)
        return {};
    // Unknown statuses by value and count: one line says what the source holds that no mapping covers.
    static const QRegularExpression unknownStatus(QStringLiteral("^unknown status '(.*)'$"));
    QMap<QString, qint64> unknown;
    QStringList lines;
    for (const ImportProblem &p : plan.invalid) {
        const auto match = unknownStatus.match(p.reason);
        if (match.hasMatch()) {
            ++unknown[match.captured(1)];
            continue;
        }
        if (lines.size() < kProblemsNamed)
            lines << QStringLiteral("  %1: %2").arg(p.sourceId, p.reason);
    }
    for (auto it = unknown.cbegin(); it != unknown.cend(); ++it)
        lines.prepend(QStringLiteral("  unknown status '%1' in %2 row(s)").arg(it.key()).arg(it.value()));
    const qsizetype named = lines.size() - unknown.size();
    const qsizetype others = plan.invalid.size() - std::accumulate(unknown.cbegin(), unknown.cend(), qint64(0)) - named;
    if (others > 0)
        lines << QStringLiteral("  … and %1 more").arg(others);
    return Error::badInput(QStringLiteral("%1: %2 of %3 source rows cannot be imported, so nothing was written:\n%4\nfix them at the source, "
                                          "or give --skip-invalid to import the others")
                               .arg(plan.source)
                               .arg(plan.invalid.size())
                               .arg(plan.sourceRecords)
                               .arg(lines.join(QLatin1Char('\n'))));
}

Result<QueueImport::Report> QueueImport::run(Store &store, const ImportPlan &plan, const Options &options)
{
    if (auto s = check(plan, options.skipInvalid); !s)
        return s.error();
    if (options.chunkSize < 1)
        return Error::badInput(QStringLiteral("chunk size %1 must be at least 1").arg(options.chunkSize));
    QList<ImportedMessage> all;
    all.reserve(plan.rows.size());
    for (const ImportRow &r : plan.rows)
        all << r.message;
    if (auto s = store.checkImported(all); !s)
        return s.error();
    Report report;
    report.skipped = plan.skipped.size();
    report.invalid = plan.invalid.size();
    const qint64 total = plan.rows.size();
    qint64 done = 0;
    QString stopped;
    for (qsizetype start = 0; start < plan.rows.size(); start += options.chunkSize) {
        if (options.cancel && options.cancel->load()) {
            report.cancelled = true;
            break;
        }
        QList<ImportedMessage> chunk;
        for (qsizetype i = start; i < std::min<qsizetype>(plan.rows.size(), start + options.chunkSize); ++i)
            chunk << plan.rows[i].message;
        auto written = store.writeImported(chunk);
        if (!written) {
            // What went in stays (each chunk is its own transaction); a second run resumes after it.
            stopped = written.errorString();
            if (report.inserted == 0 && report.alreadyImported == 0)
                return written.error();
            break;
        }
        report.inserted += written->inserted;
        report.alreadyImported += written->duplicates;
        for (auto it = written->byState.cbegin(); it != written->byState.cend(); ++it)
            report.byState[it.key()] += it.value();
        done += chunk.size();
        if (options.progress)
            options.progress(done, total);
    }
    QJsonObject byState;
    for (auto it = report.byState.cbegin(); it != report.byState.cend(); ++it)
        byState.insert(stateName(it.key()), it.value());
    QJsonArray mapping;
    for (const auto &[key, count] : plan.mappingCounts())
        mapping << QJsonObject{{QStringLiteral("source_status"), key.first}, {QStringLiteral("state"), stateName(key.second)},
                               {QStringLiteral("rows"), count}};
    const QJsonObject details{{QStringLiteral("kind"), plan.kind},
                              {QStringLiteral("source_rows"), plan.sourceRecords},
                              {QStringLiteral("inserted"), report.inserted},
                              {QStringLiteral("already_imported"), report.alreadyImported},
                              {QStringLiteral("inserted_by_state"), byState},
                              {QStringLiteral("mapping"), mapping},
                              {QStringLiteral("skipped"), report.skipped},
                              {QStringLiteral("invalid_skipped"), options.skipInvalid ? report.invalid : 0},
                              {QStringLiteral("cancelled"), report.cancelled},
                              {QStringLiteral("stopped_by"), stopped}};
    auto audit = store.recordImport(QStringLiteral("%1 %2").arg(plan.kind, plan.source), plan.queue, report.inserted,
                                    QJsonDocument(details).toJson(QJsonDocument::Compact), options.actor);
    if (!stopped.isEmpty())
        return Error::runtime(QStringLiteral("the import stopped after %1 new rows: %2; what went in stays, and running the same import "
                                             "again resumes it")
                                  .arg(report.inserted)
                                  .arg(stopped));
    if (!audit)
        return audit.error();
    report.auditId = *audit;
    return report;
}

} // namespace herald
