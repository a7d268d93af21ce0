#pragma once

#include "model/Result.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <QStringList>

#include <optional>

namespace herald {

// Reads a plan or event file (DESIGN §11) field by field and collects every problem with its JSON
// path, e.g. rules[2].offset, so that a file is refused whole with all its problems listed at once,
// never partly accepted. Used by PlanSpec and EventSpec; one reader per file, on one thread.
class SpecReader
{
public:
    // source names the file in every problem ("plan.json", "event 41").
    explicit SpecReader(QString source);

    // The file as one JSON object, or why it is not one (with line and column).
    static Result<QJsonObject> parseObject(const QByteArray &json, const QString &source, const QString &example);

    void problem(const QString &path, const QString &text);
    bool hasProblems() const { return !m_problems.isEmpty(); }
    // BadInput; one line per problem: "<source>: <path>: <problem>" (at most kMaxListed lines).
    Error error() const;

    // Reports each key of object that is not in allowed (a misspelt key would otherwise be ignored).
    void checkKeys(const QJsonObject &object, const QString &path, const QStringList &allowed, const QString &what);

    // Each reader returns std::nullopt when the field is absent or null (a problem when required, the
    // hint saying what to give) or of the wrong type (always a problem).
    std::optional<QString> text(const QJsonObject &o, const QString &path, const QString &key, bool required,
                                const QString &hint);
    // An id: a non-empty string, or a whole number (the source systems' ids are integers: event 41).
    std::optional<QString> id(const QJsonObject &o, const QString &path, const QString &key, const QString &hint);
    std::optional<qint64> integer(const QJsonObject &o, const QString &path, const QString &key, qint64 min, qint64 max,
                                  bool required, const QString &hint);
    std::optional<QJsonArray> array(const QJsonObject &o, const QString &path, const QString &key, bool required,
                                    const QString &hint);
    std::optional<QJsonObject> object(const QJsonObject &o, const QString &path, const QString &key, bool required,
                                      const QString &hint);
    // An id found in an array element (attendees[2].sessions[0]).
    std::optional<QString> idValue(const QJsonValue &v, const QString &path, const QString &hint);

    // "rules" + "offset" → "rules.offset"; "" + "name" → "name".
    static QString join(const QString &path, const QString &key);
    // "rules", 2 → "rules[2]".
    static QString at(const QString &path, qsizetype index);
    // A value as JSON text for a message: "15 minutes", 12, {"a":1}.
    static QString show(const QJsonValue &v);

    static constexpr int kMaxListed = 100;

private:
    static bool absent(const QJsonValue &v) { return v.isUndefined() || v.isNull(); }

    QString m_source;
    QStringList m_problems;
};

} // namespace herald
