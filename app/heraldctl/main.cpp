#include "Cli.h"
#include "model/TextInput.h"

#include <QCoreApplication>

#include <cstdio>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    // The same application name as the console, so both find the same default store.
    QCoreApplication::setApplicationName(QStringLiteral("herald"));
    QCoreApplication::setApplicationVersion(QStringLiteral(HERALD_VERSION));
    // Checked as given: QCoreApplication::arguments() would read bytes that are not UTF-8 as U+FFFD.
    auto arguments = herald::decodeArguments(argc, argv);
    if (!arguments) {
        std::fprintf(stderr, "heraldctl: %s\n", qPrintable(arguments.errorString()));
        return 2;
    }
    herald::Cli cli;
    return cli.run(*arguments);
}
