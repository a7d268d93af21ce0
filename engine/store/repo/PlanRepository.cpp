#include "PlanRepository.h"

#include "store/StoreSql.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace herald {

namespace {

using storesql::exec;

const QString kPlanColumns = QStringLiteral("name, definition, created_at, updated_at");
const QString kSelectPlans = QStringLiteral("SELECT ") + kPlanColumns + QStringLiteral(" FROM plans ORDER BY name");
const QString kSelectPlan = QStringLiteral("SELECT ") + kPlanColumns + QStringLiteral(" FROM plans WHERE name = ?");
const QString kInsertPlan = QStringLiteral("INSERT INTO plans (name, definition, created_at, updated_at) VALUES (?, ?, ?, ?)");
const QString kUpdatePlan = QStringLiteral("UPDATE plans SET definition = ?, updated_at = ? WHERE name = ?");

StoredPlan readPlan(const StoreContext::Statement &q)
{
    StoredPlan p;
    p.name = q.value(0).toString();
    p.definition = q.value(1).toString().toUtf8();
    p.createdAt = q.value(2).toLongLong();
    p.updatedAt = q.value(3).toLongLong();
    return p;
}

} // namespace

Result<bool> PlanRepository::savePlan(const QString &name, const QByteArray &definition, const QString &actor)
{
    if (auto s = m_ctx.requireWritable(); !s)
        return s.error();
    if (name.trimmed().isEmpty())
        return Error::badInput(QStringLiteral("a plan needs a name"));
    WriteTransaction tx(m_ctx);
    if (auto s = tx.begin(); !s)
        return s.error();
    const qint64 t = m_ctx.now();
    Statement update = m_ctx.prepare(kUpdatePlan);
    update.addBindValue(QString::fromUtf8(definition));
    update.addBindValue(t);
    update.addBindValue(name);
    if (auto s = exec(update, QStringLiteral("updating plan '%1'").arg(name)); !s)
        return s.error();
    const bool created = update.numRowsAffected() == 0;
    if (created) {
        Statement insert = m_ctx.prepare(kInsertPlan);
        for (const QVariant &v : QVariantList{name, QString::fromUtf8(definition), t, t})
            insert.addBindValue(v);
        if (auto s = exec(insert, QStringLiteral("adding plan '%1'").arg(name)); !s)
            return s.error();
    }
    const QByteArray details = QJsonDocument(QJsonObject{{QStringLiteral("created"), created}}).toJson(QJsonDocument::Compact);
    if (auto s = m_ctx.writeAudit(QStringLiteral("plan.define"), QStringLiteral("plan ") + name, 1, details, actor); !s)
        return s.error();
    if (auto s = tx.commit(); !s)
        return s.error();
    return created;
}

Result<QList<StoredPlan>> PlanRepository::plans()
{
    Statement q = m_ctx.prepare(kSelectPlans);
    if (auto s = exec(q, QStringLiteral("listing plans")); !s)
        return s.error();
    QList<StoredPlan> out;
    while (q.next())
        out << readPlan(q);
    return out;
}

Result<StoredPlan> PlanRepository::plan(const QString &name)
{
    Statement q = m_ctx.prepare(kSelectPlan);
    q.addBindValue(name);
    if (auto s = exec(q, QStringLiteral("reading plan '%1'").arg(name)); !s)
        return s.error();
    if (!q.next())
        return Error::notFound(QStringLiteral("plan '%1' does not exist; see `heraldctl plan list`, or define it with `heraldctl plan define FILE`")
                                   .arg(name));
    return readPlan(q);
}

} // namespace herald
