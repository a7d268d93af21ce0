#pragma once

#include <QString>

#include <optional>
#include <utility>
#include <variant>

namespace herald {

// What went wrong, for a person to act on: the input, the problem, the fix.
// kind decides the CLI exit status (BadInput → 2, everything else → 1).
struct Error
{
    enum class Kind { BadInput, NotFound, Refused, Runtime };

    Kind kind = Kind::Runtime;
    QString message;
    // The same call may succeed later without anyone changing anything: a database server that does not
    // answer yet, or has no free connection. A caller meant to run unattended may wait and try again.
    bool transient = false;

    static Error badInput(QString m) { return {Kind::BadInput, std::move(m)}; }
    static Error notFound(QString m) { return {Kind::NotFound, std::move(m)}; }
    static Error refused(QString m) { return {Kind::Refused, std::move(m)}; }
    static Error runtime(QString m) { return {Kind::Runtime, std::move(m)}; }

    bool isUserError() const { return kind != Kind::Runtime; }
    Error asTransient() &&
    {
        transient = true;
        return std::move(*this);
    }
};

// A value or an Error; the engine returns these instead of throwing or printing.
template<typename T>
class [[nodiscard]] Result
{
public:
    Result(T value) : m_v(std::in_place_index<0>, std::move(value)) {}
    Result(Error error) : m_v(std::in_place_index<1>, std::move(error)) {}

    bool ok() const { return m_v.index() == 0; }
    explicit operator bool() const { return ok(); }

    T &value() & { return std::get<0>(m_v); }
    const T &value() const & { return std::get<0>(m_v); }
    T &&value() && { return std::get<0>(std::move(m_v)); }
    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }
    T &operator*() & { return value(); }
    const T &operator*() const & { return value(); }

    const Error &error() const { return std::get<1>(m_v); }
    QString errorString() const { return ok() ? QString() : error().message; }

private:
    std::variant<T, Error> m_v;
};

template<>
class [[nodiscard]] Result<void>
{
public:
    Result() = default;
    Result(Error error) : m_error(std::move(error)) {}

    bool ok() const { return !m_error.has_value(); }
    explicit operator bool() const { return ok(); }
    const Error &error() const { return *m_error; }
    QString errorString() const { return ok() ? QString() : m_error->message; }

private:
    std::optional<Error> m_error;
};

using Status = Result<void>;

} // namespace herald
