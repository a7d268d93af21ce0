// Which MySQL and MariaDB servers a mysql:// store accepts (MysqlBackend::parseServerVersion and
// refusal): no server needed, the decision is made from the text SELECT VERSION() returns.
#include "store/backend/mysql/MysqlBackend.h"

#include <QTest>

using namespace herald;

class tst_MysqlVersion : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void shouldDecideFromTheVersionText_data()
    {
        QTest::addColumn<QString>("version");
        QTest::addColumn<bool>("accepted");
        QTest::addColumn<QString>("reasonNames"); // what the refusal must say

        QTest::newRow("mysql-8.0.1-oldest-accepted") << QStringLiteral("8.0.1") << true << QString();
        QTest::newRow("mysql-8.0.36") << QStringLiteral("8.0.36") << true << QString();
        QTest::newRow("mysql-8.4-lts") << QStringLiteral("8.4.0") << true << QString();
        QTest::newRow("mysql-9") << QStringLiteral("9.1.0") << true << QString();
        QTest::newRow("mysql-8.0.0-dmr-refused") << QStringLiteral("8.0.0-dmr") << false << QStringLiteral("MySQL 8.0.0");
        QTest::newRow("mysql-5.7-refused") << QStringLiteral("5.7.44-log") << false << QStringLiteral("MySQL 5.7.44");
        QTest::newRow("mariadb-10.6-oldest-accepted") << QStringLiteral("10.6.0-MariaDB") << true << QString();
        QTest::newRow("mariadb-10.11-debian") << QStringLiteral("10.11.19-MariaDB-0+deb12u1") << true << QString();
        QTest::newRow("mariadb-11") << QStringLiteral("11.4.2-MariaDB") << true << QString();
        QTest::newRow("mariadb-10.5-refused") << QStringLiteral("10.5.23-MariaDB-0+deb11u1") << false << QStringLiteral("MariaDB 10.5.23");
        QTest::newRow("mariadb-old-protocol-prefix-refused") << QStringLiteral("5.5.5-10.3.39-MariaDB") << false << QStringLiteral("MariaDB 10.3.39");
        QTest::newRow("mariadb-old-protocol-prefix-accepted") << QStringLiteral("5.5.5-10.6.18-MariaDB") << true << QString();
    }

    void shouldDecideFromTheVersionText()
    {
        QFETCH(QString, version);
        QFETCH(bool, accepted);
        QFETCH(QString, reasonNames);
        const auto parsed = MysqlBackend::parseServerVersion(version);
        QVERIFY(parsed.has_value());
        const QString why = MysqlBackend::refusal(*parsed);
        QCOMPARE(why.isEmpty(), accepted);
        if (!accepted) {
            QVERIFY2(why.contains(reasonNames), qPrintable(why));
            QVERIFY2(why.contains(QLatin1String("SKIP LOCKED")), qPrintable(why));
            QVERIFY2(why.contains(QLatin1String("upgrade")), qPrintable(why));
        }
    }

    void shouldRefuseATextThatIsNoVersion()
    {
        QVERIFY(!MysqlBackend::parseServerVersion(QStringLiteral("")).has_value());
        QVERIFY(!MysqlBackend::parseServerVersion(QStringLiteral("PostgreSQL 15.4")).has_value());
    }
};

QTEST_GUILESS_MAIN(tst_MysqlVersion)
#include "tst_mysqlversion.moc"
