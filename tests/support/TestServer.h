#pragma once

// What a test needs of a database server it started itself, whichever kind (PgServer, MariaDbServer):
// databases of its own, the URL of one, and the faults a shared store must ride out (the server stopped,
// restarted, its connections killed). Tests that run once per server kind (tst_multiengine) ask for the
// server of HERALD_TEST_STORE through testServer() and use only this interface.
//
// Threads: as the implementations say (stop, start and restart from the test's own thread while nothing
// else uses the server).
#include <QString>

namespace herald::test {

class TestServer
{
public:
    virtual ~TestServer() = default;

    virtual QString host() const = 0;
    virtual int port() const = 0;
    virtual QString user() const = 0;
    virtual QString password() const = 0;
    // <scheme>://<user>:<password>@<host>:<port>/<database>
    virtual QString url(const QString &database) const = 0;
    // Creates a database no other test uses and returns its name; empty (and *error) on failure.
    virtual QString freshDatabase(QString *error = nullptr) = 0;
    // Runs sql (one statement or several, no result) in database as the test's user.
    virtual bool exec(const QString &database, const QString &sql, QString *error = nullptr) = 0;

    // A fast stop: every connection ends, the port stops accepting connections.
    virtual bool stop(QString *error = nullptr) = 0;
    // Starts the stopped server again on the same port.
    virtual bool start(QString *error = nullptr) = 0;
    // stop() then start(): every open connection breaks.
    virtual bool restart(QString *error = nullptr) = 0;
    // Ends every client connection to database and waits until they are gone. Returns how many it ended,
    // or -1 (and *error) when it could not ask.
    virtual int terminateBackends(const QString &database, QString *error = nullptr) = 0;

    // How the store's error messages name this kind of server ("PostgreSQL", "MySQL/MariaDB").
    virtual QString serverName() const = 0;
};

// The shared server of this process for HERALD_TEST_STORE ("mysql": MariaDbServer; anything else:
// PgServer), or nullptr and *error.
TestServer *testServer(QString *error = nullptr);

} // namespace herald::test
