#pragma once

#include "model/MessageSelection.h"
#include "model/QueueConfig.h"
#include "model/Result.h"
#include "store/Store.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonObject>
#include <QStringList>
#include <QTextStream>

#include <memory>

namespace herald {

class ImportSource;

// heraldctl: every operator action as a command. Exit status 0 on success, 2 on bad input
// (unknown queue, bad flag, refused action), 1 on a runtime failure.
class Cli
{
public:
    Cli();
    int run(const QStringList &arguments);

    static constexpr int kOk = 0;
    static constexpr int kRuntimeError = 1;
    static constexpr int kBadInput = 2;

private:
    struct Command
    {
        QString name;
        QString summary;
        int (Cli::*handler)();
    };

    static qsizetype firstWord(const QStringList &args);
    // For command groups (queue, channel, …): removes and returns the sub-command word.
    QString takeSubcommand();

    // One parser per command: the command's own options plus --db, --json and --help.
    void addGlobalOptions(QCommandLineParser &parser) const;
    // std::nullopt: go on; otherwise the exit status (after --help, or a parse error already reported).
    std::optional<int> parse(const QString &usage, const QString &description, const QList<QCommandLineOption> &options,
               const QString &positionalName = {}, const QString &positionalHelp = {});
    // IfMissing: a new SQLite file is created (and migrated). Never: for the long-running commands
    // (work, serve), which a service manager starts with a configured path: a mistyped or not yet
    // created store is refused instead of being served empty at the wrong place.
    enum class CreateStore { IfMissing, Never };
    Store *openStore(CreateStore create = CreateStore::IfMissing);
    // For commands that only read (list, show, stats, --dry-run…): the store opened read-only, so reading —
    // even a copy of a crashed store — never reclaims a lease, checkpoints, or creates or removes a file.
    Store *openStoreForReading();
    Store *openStoreWith(CreateStore create, bool forReading);

    int fail(const Error &error);
    int fail(const QString &badInputMessage);
    void printJson(const QJsonValue &value);
    void printText(const QString &text);
    bool json() const { return m_parser.isSet(QStringLiteral("json")); }
    QString value(const QString &name) const { return m_parser.value(name); }
    bool isSet(const QString &name) const { return m_parser.isSet(name); }

    // Flag readers that name the flag in their errors.
    Result<int> intOption(const QString &name, int min, int max);
    // Sets target from --name when the flag is given; leaves it alone otherwise.
    Status intOptionInto(const QString &name, int min, int max, int &target);
    Result<qint64> durationOption(const QString &name);
    Result<std::optional<qint64>> retentionOption(const QString &name);
    Result<MessageSelection> selection(bool requireSomething);
    // The flags selection() reads; verb starts each help line ("Select", "Only").
    static QList<QCommandLineOption> selectionOptions(const QString &verb);
    Result<QList<MessageState>> stateOption();
    // A time flag: an ISO 8601 time, "now", or a duration meaning that long before now (7d).
    Result<qint64> timeOption(const QString &name);
    // Contents of FILE, or of standard input for "-"; the error names the file.
    Result<QByteArray> readInput(const QString &path);

    int usage();
    int cmdInit();
    int cmdQueue();
    int cmdQueueAddOrSet(bool add);
    int cmdQueueList();
    int cmdQueuePause(bool paused);
    int cmdEnqueue();
    int cmdEnqueueFile();
    int cmdList();
    int cmdShow();
    int cmdStats();
    int cmdEngines();
    int cmdPlan();
    int cmdPlanDefine();
    int cmdPlanList();
    int cmdPlanShow();
    int cmdPlanApply();
    int cmdPlanEvents();
    int cmdPlanForget();
    int cmdStore();
    int cmdStoreCopy();
    int cmdUpcoming();
    int cmdAudit();
    int cmdAction(ActionKind kind);
    int cmdCancel() { return cmdAction(ActionKind::Cancel); }
    int cmdReschedule() { return cmdAction(ActionKind::Reschedule); }
    int cmdRetry() { return cmdAction(ActionKind::Retry); }
    int cmdPromote() { return cmdAction(ActionKind::Promote); }
    int cmdPriority() { return cmdAction(ActionKind::SetPriority); }
    int cmdRestore() { return cmdAction(ActionKind::Restore); }
    int cmdEdit() { return cmdAction(ActionKind::EditPayload); }
    int cmdDuplicate() { return cmdAction(ActionKind::Duplicate); }
    int cmdDelete() { return cmdAction(ActionKind::Delete); }
    int cmdUndo();
    int cmdFailures();
    int cmdDelivery();
    // A selection naming a failure group (--failure-group): the group's error texts, read from the store.
    Status resolveFailureGroup(Store &store, MessageSelection &selection);
    int cmdExport();
    int cmdCleanup();
    int cleanupStatus(Store &store);
    int cmdDemo();
    int cmdWork();
    int cmdBench();
    int cmdChannel();
    int cmdChannelAddOrSet(bool add);
    int cmdChannelList();
    int cmdChannelRemove();
    int cmdChannelTest();
    int cmdServe();
    int cmdEmail();
    int cmdEmailImport();
    int cmdEmailStats();
    int cmdEmailList();
    int cmdImport();
    int cmdImportSendEvent();
    int cmdImportEventMessages();
    // Preview (--dry-run) or import what the source reads, with progress, report and exit status.
    int runImport(ImportSource &source);
    int cmdSuppression();
    int cmdSuppressionList(bool exportAll);
    int cmdSuppressionAdd();
    int cmdSuppressionRemove();
    int cmdSuppressionImport();
    int cmdSuppressionPolicy();

    QList<Command> m_commands;
    QStringList m_args;     // without the program name and the command word(s)
    QString m_commandName;  // "queue add", "list", …
    QCommandLineParser m_parser;
    std::unique_ptr<Store> m_store;
    int m_status = kOk; // the exit status of the last failure reported
    QTextStream m_out;
    QTextStream m_err;
};

QJsonObject queueToJson(const QueueConfig &c);

} // namespace herald
