#pragma once

#include <QByteArray>
#include <QString>

namespace herald {

// An event plan as the store keeps it (DESIGN §11): its name and the plan file's JSON, which
// engine/plans validates before it is stored and reads back as a PlanSpec.
struct StoredPlan
{
    QString name;
    QByteArray definition;
    qint64 createdAt = 0;
    qint64 updatedAt = 0;
};

} // namespace herald
