#include "SpecReader.h"

#include "model/TextInput.h"

#include <QJsonDocument>
#include <QJsonParseError>

#include <climits>

namespace herald {

SpecReader::SpecReader(QString source) : m_source(std::move(source)) {}

Result<QJsonObject> SpecReader::parseObject(const QByteArray &json, const QString &source, const QString &example)
{
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &err);
    if (err.error != QJsonParseError::NoError) {
        // Line and column of the byte Qt stopped at: an editor goes there, a byte offset it does not.
        const QByteArray before = json.left(err.offset);
        const qsizetype line = before.count('\n') + 1;
        const qsizetype column = before.size() - (before.lastIndexOf('\n') + 1) + 1;
        return Error::badInput(QStringLiteral("%1: not valid JSON: %2 at line %3, column %4; fix the file and try again")
                                   .arg(source, err.errorString())
                                   .arg(line)
                                   .arg(column));
    }
    if (!doc.isObject())
        return Error::badInput(QStringLiteral("%1: the file must hold one JSON object, such as %2").arg(source, example));
    return doc.object();
}

void SpecReader::problem(const QString &path, const QString &text)
{
    m_problems << (path.isEmpty() ? text : QString(path + QStringLiteral(": ") + text));
}

Error SpecReader::error() const
{
    QStringList lines;
    for (qsizetype i = 0; i < m_problems.size() && i < kMaxListed; ++i)
        lines << m_source + QStringLiteral(": ") + m_problems.at(i);
    if (m_problems.size() > kMaxListed)
        lines << QStringLiteral("%1: … and %2 more problems; fix those above and try again")
                     .arg(m_source)
                     .arg(m_problems.size() - kMaxListed);
    return Error::badInput(lines.join(QLatin1Char('\n')));
}

void SpecReader::checkKeys(const QJsonObject &object, const QString &path, const QStringList &allowed, const QString &what)
{
    for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
        if (!allowed.contains(it.key()))
            problem(join(path, it.key()),
                    QStringLiteral("unknown field; the fields of %1 are %2").arg(what, allowed.join(QStringLiteral(", "))));
    }
}

std::optional<QString> SpecReader::text(const QJsonObject &o, const QString &path, const QString &key, bool required,
                                        const QString &hint)
{
    const QJsonValue v = o.value(key);
    const QString where = join(path, key);
    if (absent(v)) {
        if (required)
            problem(where, QStringLiteral("missing; %1").arg(hint));
        return std::nullopt;
    }
    if (!v.isString()) {
        problem(where, QStringLiteral("%1 is not a string; %2").arg(show(v), hint));
        return std::nullopt;
    }
    const QString s = v.toString();
    if (const Status plain = checkPlainText(where, s); !plain) {
        problem(where, plain.errorString().mid(where.size() + 1).trimmed());
        return std::nullopt;
    }
    if (required && s.trimmed().isEmpty()) {
        problem(where, QStringLiteral("empty; %1").arg(hint));
        return std::nullopt;
    }
    return s;
}

std::optional<QString> SpecReader::idValue(const QJsonValue &v, const QString &path, const QString &hint)
{
    if (v.isDouble()) {
        const qint64 whole = v.toInteger(LLONG_MIN);
        if (whole == LLONG_MIN) {
            problem(path, QStringLiteral("%1 is not a whole number; %2").arg(show(v), hint));
            return std::nullopt;
        }
        return QString::number(whole);
    }
    if (!v.isString()) {
        problem(path, QStringLiteral("%1 is not a string or a whole number; %2").arg(show(v), hint));
        return std::nullopt;
    }
    const QString s = v.toString().trimmed();
    if (s.isEmpty()) {
        problem(path, QStringLiteral("empty; %1").arg(hint));
        return std::nullopt;
    }
    if (s.size() > 200) {
        problem(path, QStringLiteral("longer than 200 characters; give a shorter id"));
        return std::nullopt;
    }
    if (const Status plain = checkPlainText(path, s); !plain) {
        problem(path, plain.errorString().mid(path.size() + 1).trimmed());
        return std::nullopt;
    }
    return s;
}

std::optional<QString> SpecReader::id(const QJsonObject &o, const QString &path, const QString &key, const QString &hint)
{
    const QJsonValue v = o.value(key);
    const QString where = join(path, key);
    if (absent(v)) {
        problem(where, QStringLiteral("missing; %1").arg(hint));
        return std::nullopt;
    }
    return idValue(v, where, hint);
}

std::optional<qint64> SpecReader::integer(const QJsonObject &o, const QString &path, const QString &key, qint64 min,
                                          qint64 max, bool required, const QString &hint)
{
    const QJsonValue v = o.value(key);
    const QString where = join(path, key);
    if (absent(v)) {
        if (required)
            problem(where, QStringLiteral("missing; %1").arg(hint));
        return std::nullopt;
    }
    const qint64 whole = v.isDouble() ? v.toInteger(LLONG_MIN) : LLONG_MIN;
    if (whole == LLONG_MIN || whole < min || whole > max) {
        problem(where, QStringLiteral("%1 is not a whole number from %2 to %3; %4").arg(show(v)).arg(min).arg(max).arg(hint));
        return std::nullopt;
    }
    return whole;
}

std::optional<QJsonArray> SpecReader::array(const QJsonObject &o, const QString &path, const QString &key, bool required,
                                            const QString &hint)
{
    const QJsonValue v = o.value(key);
    const QString where = join(path, key);
    if (absent(v)) {
        if (required)
            problem(where, QStringLiteral("missing; %1").arg(hint));
        return std::nullopt;
    }
    if (!v.isArray()) {
        problem(where, QStringLiteral("not a list; %1").arg(hint));
        return std::nullopt;
    }
    return v.toArray();
}

std::optional<QJsonObject> SpecReader::object(const QJsonObject &o, const QString &path, const QString &key, bool required,
                                              const QString &hint)
{
    const QJsonValue v = o.value(key);
    const QString where = join(path, key);
    if (absent(v)) {
        if (required)
            problem(where, QStringLiteral("missing; %1").arg(hint));
        return std::nullopt;
    }
    if (!v.isObject()) {
        problem(where, QStringLiteral("not an object; %1").arg(hint));
        return std::nullopt;
    }
    return v.toObject();
}

QString SpecReader::join(const QString &path, const QString &key)
{
    return path.isEmpty() ? key : QString(path + QLatin1Char('.') + key);
}

QString SpecReader::at(const QString &path, qsizetype index)
{
    return path + QLatin1Char('[') + QString::number(index) + QLatin1Char(']');
}

QString SpecReader::show(const QJsonValue &v)
{
    // Wrapped in an array because QJsonDocument holds only objects and arrays; the brackets are cut.
    const QByteArray text = QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(text.mid(1, text.size() - 2));
}

} // namespace herald
