#include "TestServer.h"

#include "MariaDbServer.h"
#include "PgServer.h"

namespace herald::test {

TestServer *testServer(QString *error)
{
    if (qEnvironmentVariable("HERALD_TEST_STORE") == QLatin1String("mysql"))
        return MariaDbServer::shared(error);
    return PgServer::shared(error);
}

} // namespace herald::test
