#include "PlanApplyDialog.h"

#include "store/StoreThread.h"

#include <QDateTime>
#include <QHash>
#include <QTimeZone>
#include <QLocale>

namespace herald {

namespace {

struct Kind
{
    const QList<PlanDiffEntry> PlanDiff::*list;
    const char *name;
    bool writes;
};

const Kind kKinds[] = {
    {&PlanDiff::created, QT_TRANSLATE_NOOP("herald::PlanApplyDialog", "created"), true},
    {&PlanDiff::moved, QT_TRANSLATE_NOOP("herald::PlanApplyDialog", "moved"), true},
    {&PlanDiff::updated, QT_TRANSLATE_NOOP("herald::PlanApplyDialog", "updated"), true},
    {&PlanDiff::cancelled, QT_TRANSLATE_NOOP("herald::PlanApplyDialog", "cancelled"), true},
    {&PlanDiff::notified, QT_TRANSLATE_NOOP("herald::PlanApplyDialog", "notified"), true},
    {&PlanDiff::skipped, QT_TRANSLATE_NOOP("herald::PlanApplyDialog", "skipped"), false},
    {&PlanDiff::unchanged, QT_TRANSLATE_NOOP("herald::PlanApplyDialog", "unchanged"), false},
};

QString kindName(const Kind &kind)
{
    return PlanApplyDialog::tr(kind.name);
}

// "Thu 10 Dec 10:00": short enough for two columns of them; the summary names the zone.
QString shortTime(qint64 ms, const QTimeZone &zone)
{
    if (ms == 0)
        return {};
    return QLocale().toString(zone.isValid() ? QDateTime::fromMSecsSinceEpoch(ms, zone) : QDateTime::fromMSecsSinceEpoch(ms),
                              QStringLiteral("ddd d MMM HH:mm"));
}

} // namespace

QString PlanApplyDialog::countsText(const PlanDiff &diff)
{
    const QLocale locale;
    QStringList parts;
    for (const Kind &kind : kKinds)
        if (const qsizetype n = (diff.*kind.list).size(); n > 0 && kind.writes)
            parts << QStringLiteral("%1 %2").arg(locale.toString(n), kindName(kind));
    return parts.isEmpty() ? tr("nothing to change") : parts.join(QStringLiteral(", "));
}

QString PlanApplyDialog::applyText(const PlanDiff &diff)
{
    const qsizetype n = changeCount(diff);
    return n == 1 ? tr("Apply 1 change") : tr("Apply %1 changes").arg(QLocale().toString(n));
}

qsizetype PlanApplyDialog::changeCount(const PlanDiff &diff)
{
    qsizetype n = 0;
    for (const Kind &kind : kKinds)
        if (kind.writes)
            n += (diff.*kind.list).size();
    return n;
}

PlanApplyDialog::PlanApplyDialog(StoreThread *storeThread, const QString &title, const QString &summary, const PlanApplyReport &preview,
                                 std::optional<EventSpec> event, const QString &runText, PlanApplyJob::Work run, QWidget *parent)
    : PreviewDialog({tr("Change"), tr("Messages")}, {tr("Change"), tr("Rule"), tr("Recipient"), tr("Session"), tr("When"), tr("Was / why")}, parent),
      m_storeThread(storeThread),
      m_preview(preview),
      m_work(std::move(run))
{
    const QLocale locale;
    const qsizetype changes = changeCount(m_preview.diff);
    setWindowTitle(title);
    QString text = summary;
    text += QLatin1Char('\n') + (changes == 0 ? tr("Nothing to change: the store already has what the plan implies for this event.")
                                              : tr("%1. Nothing is written until you press %2; Edit ▸ Undo reverts it.").arg(countsText(m_preview.diff), runText));
    setSummary(text);

    setBreakdownTitle(tr("By kind of change"));
    for (const Kind &kind : kKinds)
        if (const qsizetype n = (m_preview.diff.*kind.list).size(); n > 0)
            addBreakdownRow({kindName(kind), locale.toString(n)}, 1);

    QHash<QString, QString> names;
    QHash<QString, QString> sessions;
    QTimeZone zone;
    if (event) {
        zone = event->zone();
        setSummary(text + QLatin1Char('\n') + tr("Times in %1.").arg(event->timezone));
        for (const QList<EventPerson> *people : {&event->attendees, &event->speakers})
            for (const EventPerson &p : *people)
                names.insert(p.id, p.displayName());
        for (const EventSession &s : std::as_const(event->sessions))
            sessions.insert(s.id, s.title);
    }
    int rows = 0;
    qsizetype listed = 0;
    for (const Kind &kind : kKinds) {
        const QList<PlanDiffEntry> &entries = m_preview.diff.*kind.list;
        if (&entries == &m_preview.diff.unchanged)
            continue; // counted above; listing what stays helps nobody
        listed += entries.size();
        for (const PlanDiffEntry &e : entries) {
            if (rows >= kSampleRows)
                break;
            ++rows;
            QString was = e.reason;
            if (&entries == &m_preview.diff.moved)
                was = tr("was %1").arg(shortTime(e.oldRunAt, zone));
            else if (&entries == &m_preview.diff.updated)
                was = tr("content changed");
            const QString who = names.value(e.person);
            addSampleRow({kindName(kind), e.type, who.isEmpty() ? e.person : QStringLiteral("%1 (%2)").arg(who, e.person),
                          e.session.isEmpty() ? QString() : sessions.value(e.session, e.session), shortTime(e.runAt, zone), was});
        }
    }
    setSampleTitle(listed == 0 ? tr("No change") : rows < listed ? tr("The first %1 of %2").arg(rows).arg(locale.toString(listed)) : tr("Every change"));
    fitTables();
    setRun(runText, changes == 0 ? tr("Nothing to change: the store already has what the plan implies for this event.") : QString());
    resize(920, 580);
}

void PlanApplyDialog::run()
{
    if (m_job || !m_storeThread)
        return;
    m_job = new PlanApplyJob(m_storeThread, m_work, this);
    connect(m_job, &PlanApplyJob::finished, this, [this] {
        if (const auto report = m_job->report()) {
            Q_EMIT applied(*report);
            finishRunning(true);
            return;
        }
        finishRunning(false, tr("Nothing was written: %1").arg(m_job->errorString()));
        Q_EMIT applyFailed(m_job->errorString());
    });
    startRunning(0, false);
    m_job->start();
}

} // namespace herald
