#include "MessageFilterBar.h"

#include "model/MessageJson.h"
#include "model/TextInput.h"

#include <QCheckBox>
#include <QDateTimeEdit>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QLocale>
#include <QRegularExpression>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QTabBar>
#include <QVBoxLayout>

#include <algorithm>

namespace herald {

namespace {

// The tabs, in order: All, then the states as the lifecycle runs.
constexpr std::array kTabStates{MessageState::Scheduled, MessageState::Waiting,   MessageState::Active,
                                MessageState::Completed, MessageState::Failed,    MessageState::Cancelled};

QStringList words(const QLineEdit *field)
{
    static const QRegularExpression separators(QStringLiteral("[,\\s]+"));
    return field->text().split(separators, Qt::SkipEmptyParts);
}

// Tabs are titles: "Scheduled", where the table's cells say "scheduled".
QString tabName(MessageState state)
{
    QString name = stateName(state);
    if (!name.isEmpty())
        name[0] = name.at(0).toUpper();
    return name;
}

Result<Labels> parseLabels(const QString &text)
{
    static const QRegularExpression spaces(QStringLiteral("\\s+"));
    return parseLabelArgument(text.split(spaces, Qt::SkipEmptyParts));
}

QSpinBox *prioritySpin(const QString &anyText, QWidget *parent)
{
    auto *spin = new QSpinBox(parent);
    // 0 reads as "any": the store's selection takes 0 as no bound.
    spin->setRange(0, 10);
    spin->setSpecialValueText(anyText);
    return spin;
}

} // namespace

MessageFilterBar::MessageFilterBar(QWidget *parent)
    : QWidget(parent),
      m_search(new QLineEdit(this)),
      m_matches(new QLabel(this)),
      m_states(new QTabBar(this)),
      m_types(new QLineEdit(this)),
      m_channels(new QLineEdit(this)),
      m_minPriority(prioritySpin(tr("any"), this)),
      m_maxPriority(prioritySpin(tr("any"), this)),
      m_labels(new QLineEdit(this)),
      m_filterError(new QLabel(this)),
      m_useRunAt(new QCheckBox(tr("Run at from"), this)),
      m_runAtFrom(new QDateTimeEdit(this)),
      m_runAtTo(new QDateTimeEdit(this)),
      m_groupRow(new QWidget(this)),
      m_groupLabel(new QLabel(m_groupRow))
{
    m_search->setObjectName(QStringLiteral("messageSearch"));
    m_search->setPlaceholderText(tr("Search id, recipient, type or payload text (Ctrl+F)"));
    m_search->setClearButtonEnabled(true);
    m_search->setMaxLength(int(kMaxSearchChars));
    m_matches->setForegroundRole(QPalette::PlaceholderText);
    m_types->setPlaceholderText(tr("any type"));
    m_types->setToolTip(tr("Message types, separated by commas or spaces; a message of any of them matches"));
    m_channels->setPlaceholderText(tr("any channel"));
    m_channels->setToolTip(tr("Channels (sms, push, email, webhook, outbox), separated by commas or spaces"));
    m_minPriority->setToolTip(tr("Priority at least (1 is the most urgent)"));
    m_maxPriority->setToolTip(tr("Priority at most (10 is the default)"));
    m_labels->setObjectName(QStringLiteral("labelFilter"));
    m_labels->setPlaceholderText(tr("labels, e.g. event=41 contractor=56"));
    m_labels->setToolTip(tr("Every label must match: key=value pairs separated by spaces"));
    m_filterError->setObjectName(QStringLiteral("filterError"));
    m_filterError->setStyleSheet(QStringLiteral("color: #c62828;"));
    m_filterError->hide();

    const QDateTime now = QDateTime::currentDateTime();
    const QString format = QStringLiteral("yyyy-MM-dd HH:mm");
    m_runAtFrom->setDisplayFormat(format);
    m_runAtTo->setDisplayFormat(format);
    m_runAtFrom->setDateTime(now);
    m_runAtTo->setDateTime(now.addDays(1));
    m_runAtFrom->setCalendarPopup(true);
    m_runAtTo->setCalendarPopup(true);
    m_runAtFrom->setEnabled(false);
    m_runAtTo->setEnabled(false);
    m_useRunAt->setToolTip(tr("Only messages due in this window of local time (from inclusive, to exclusive)"));

    m_states->setDocumentMode(true);
    m_states->setDrawBase(false);
    m_states->setExpanding(false);
    m_states->addTab(tr("All"));
    for (MessageState state : kTabStates)
        m_states->addTab(tabName(state));
    updateTabs();

    auto *searchRow = new QHBoxLayout;
    searchRow->addWidget(m_search, 1);
    searchRow->addWidget(m_matches);

    // Two rows: in one, next to the queue list, the free-text fields shrank to their first letters.
    auto *filterRow = new QHBoxLayout;
    filterRow->addWidget(m_types, 1);
    filterRow->addWidget(m_channels, 1);
    filterRow->addWidget(new QLabel(tr("Priority"), this));
    filterRow->addWidget(m_minPriority);
    filterRow->addWidget(new QLabel(QStringLiteral("–"), this));
    filterRow->addWidget(m_maxPriority);
    auto *secondRow = new QHBoxLayout;
    secondRow->addWidget(m_labels, 1);
    secondRow->addWidget(m_useRunAt);
    secondRow->addWidget(m_runAtFrom);
    secondRow->addWidget(new QLabel(tr("to"), this));
    secondRow->addWidget(m_runAtTo);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    layout->addLayout(searchRow);
    layout->addLayout(filterRow);
    layout->addLayout(secondRow);
    layout->addWidget(m_groupRow);
    layout->addWidget(m_filterError);
    layout->addWidget(m_states);
    auto *groupLayout = new QHBoxLayout(m_groupRow);
    groupLayout->setContentsMargins(0, 0, 0, 0);
    m_groupLabel->setTextFormat(Qt::PlainText);
    m_groupLabel->setMinimumWidth(1);
    groupLayout->addWidget(m_groupLabel, 1);
    auto *clearGroup = new QPushButton(tr("Clear"), m_groupRow);
    clearGroup->setToolTip(tr("Show every message again, not only this failure group's"));
    connect(clearGroup, &QPushButton::clicked, this, [this] { setFailureGroup({}, {}); });
    groupLayout->addWidget(clearGroup);
    m_groupRow->hide();

    m_debounce.setSingleShot(true);
    m_debounce.setInterval(kDebounceMs);
    connect(&m_debounce, &QTimer::timeout, this, &MessageFilterBar::emitIfValid);
    for (QLineEdit *field : {m_search, m_types, m_channels, m_labels})
        connect(field, &QLineEdit::textChanged, this, &MessageFilterBar::scheduleChange);
    for (QSpinBox *spin : {m_minPriority, m_maxPriority})
        connect(spin, &QSpinBox::valueChanged, this, &MessageFilterBar::scheduleChange);
    for (QDateTimeEdit *edit : {m_runAtFrom, m_runAtTo})
        connect(edit, &QDateTimeEdit::dateTimeChanged, this, &MessageFilterBar::scheduleChange);
    connect(m_useRunAt, &QCheckBox::toggled, this, [this](bool on) {
        m_runAtFrom->setEnabled(on);
        m_runAtTo->setEnabled(on);
        emitIfValid();
    });
    // A click is a decision, not typing: no debounce.
    connect(m_states, &QTabBar::currentChanged, this, &MessageFilterBar::emitIfValid);
}

MessageFilterBar::~MessageFilterBar() = default;

MessageSelection MessageFilterBar::filter() const
{
    MessageSelection filter;
    filter.search = m_search->text().trimmed();
    if (const int tab = m_states->currentIndex(); tab > 0)
        filter.states = {kTabStates.at(size_t(tab - 1))};
    filter.types = words(m_types);
    filter.channels = words(m_channels);
    filter.minPriority = m_minPriority->value();
    filter.maxPriority = m_maxPriority->value();
    if (auto labels = parseLabels(m_labels->text()))
        filter.labels = *labels;
    if (m_useRunAt->isChecked()) {
        filter.runAtFrom = m_runAtFrom->dateTime().toMSecsSinceEpoch();
        filter.runAtTo = m_runAtTo->dateTime().toMSecsSinceEpoch();
    }
    filter.failureGroup = m_failureGroup.failureGroup;
    filter.lastErrors = m_failureGroup.lastErrors;
    return filter;
}

QString MessageFilterBar::labelError() const
{
    const auto labels = parseLabels(m_labels->text());
    return labels ? QString() : labels.errorString();
}

void MessageFilterBar::setCounts(const std::optional<QueueCounts> &counts)
{
    m_counts = counts;
    updateTabs();
}

void MessageFilterBar::updateTabs()
{
    const QLocale locale;
    const auto withCount = [&](const QString &name, qint64 count) {
        return m_counts ? QStringLiteral("%1 (%2)").arg(name, locale.toString(count)) : name;
    };
    m_states->setTabText(0, withCount(tr("All"), m_counts ? m_counts->total() : 0));
    for (size_t i = 0; i < kTabStates.size(); ++i)
        m_states->setTabText(int(i) + 1, withCount(tabName(kTabStates[i]), m_counts ? m_counts->count(kTabStates[i]) : 0));
}

void MessageFilterBar::setMatchCount(std::optional<qint64> count)
{
    if (!count)
        m_matches->setText(tr("counting…"));
    else
        m_matches->setText(*count == 1 ? tr("1 match") : tr("%1 match").arg(QLocale().toString(*count)));
}

QString MessageFilterBar::matchText() const
{
    return m_matches->text();
}

void MessageFilterBar::focusSearch()
{
    m_search->setFocus(Qt::ShortcutFocusReason);
    m_search->selectAll();
}

void MessageFilterBar::setRunAtWindow(qint64 fromMs, qint64 toMs)
{
    {
        // One change, not three: the fields' own signals would each ask the store.
        const QSignalBlocker blockFrom(m_runAtFrom);
        const QSignalBlocker blockTo(m_runAtTo);
        const QSignalBlocker blockUse(m_useRunAt);
        m_runAtFrom->setDateTime(QDateTime::fromMSecsSinceEpoch(fromMs));
        m_runAtTo->setDateTime(QDateTime::fromMSecsSinceEpoch(toMs));
        m_useRunAt->setChecked(true);
    }
    m_runAtFrom->setEnabled(true);
    m_runAtTo->setEnabled(true);
    emitIfValid();
}

void MessageFilterBar::setFailureGroup(const MessageSelection &group, const QString &fingerprint)
{
    m_failureGroup = {};
    m_failureGroup.failureGroup = group.failureGroup;
    m_failureGroup.lastErrors = group.lastErrors;
    const bool on = !group.failureGroup.isEmpty();
    m_groupLabel->setText(on ? tr("Failure group %1: %2").arg(group.failureGroup, fingerprint) : QString());
    m_groupLabel->setToolTip(fingerprint);
    m_groupRow->setVisible(on);
    if (on) {
        // A group holds failed messages only: the Failed tab says so, and its count is the group's.
        const auto failed = std::find(kTabStates.cbegin(), kTabStates.cend(), MessageState::Failed);
        const QSignalBlocker block(m_states);
        m_states->setCurrentIndex(int(failed - kTabStates.cbegin()) + 1);
    }
    emitIfValid();
}

void MessageFilterBar::scheduleChange()
{
    m_debounce.start();
}

void MessageFilterBar::emitIfValid()
{
    m_debounce.stop();
    const QString error = labelError();
    m_filterError->setText(error.isEmpty() ? QString() : tr("Label filter not applied: %1").arg(error));
    m_filterError->setVisible(!error.isEmpty());
    if (!error.isEmpty())
        return;
    if (m_useRunAt->isChecked() && m_runAtTo->dateTime() <= m_runAtFrom->dateTime()) {
        m_filterError->setText(tr("Run-at window not applied: it ends before it starts."));
        m_filterError->show();
        return;
    }
    Q_EMIT filterChanged();
}

} // namespace herald
