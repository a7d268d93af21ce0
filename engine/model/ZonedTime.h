#pragma once

#include <QDate>
#include <QString>
#include <QTime>
#include <QTimeZone>

namespace herald {

// Wall-clock times in a named time zone: an event's (DESIGN §11), the cleanup schedule's. Pure
// functions: any thread may call.

// The first instant at which zone's clock reads date and time. A time a daylight-saving change skips
// (02:30 on a spring-forward night) is the change itself; a time that comes twice (fall back) is its
// first occurrence. Event plans and the daily cleanup schedule both read wall-clock times so.
qint64 zonedInstant(QDate date, QTime time, const QTimeZone &zone);

// ms read on zone's clock: 2026-03-07T20:00:00-05:00.
QString zonedIso(qint64 ms, const QTimeZone &zone);
QDate zonedDate(qint64 ms, const QTimeZone &zone);
QTime zonedTime(qint64 ms, const QTimeZone &zone);

} // namespace herald
