#include "WelcomeView.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace herald {

WelcomeView::WelcomeView(QWidget *parent)
    : QWidget(parent),
      m_store(new QLabel(this)),
      m_createQueue(new QPushButton(tr("Create a queue…"), this)),
      m_openDemo(new QPushButton(tr("Open the demo"), this))
{
    auto *title = new QLabel(tr("No queues yet"), this);
    QFont titleFont = title->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.4);
    title->setFont(titleFont);

    auto *explanation = new QLabel(
        tr("Herald delivers messages (SMS reminders, pushes, emails, webhooks) from queues. Each queue "
           "has its own concurrency, rate limit and retry policy, and keeps every message it was given, "
           "so you can follow it from scheduled to delivered.\n\n"
           "Create a first queue to start. To look around first, open the demo store: it holds sample "
           "queues with messages in every state, and leaves this store untouched."),
        this);
    explanation->setWordWrap(true);

    m_store->setForegroundRole(QPalette::PlaceholderText);
    m_store->setWordWrap(true);
    m_store->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_createQueue->setDefault(true);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_createQueue);
    buttons->addWidget(m_openDemo);
    buttons->addStretch(1);

    // A column of readable width, centred, rather than lines running across a wide window.
    auto *column = new QWidget(this);
    column->setMaximumWidth(column->fontMetrics().averageCharWidth() * 72);
    auto *columnLayout = new QVBoxLayout(column);
    columnLayout->setContentsMargins(0, 0, 0, 0);
    columnLayout->setSpacing(12);
    columnLayout->addWidget(title);
    columnLayout->addWidget(explanation);
    columnLayout->addWidget(m_store);
    columnLayout->addSpacing(8);
    columnLayout->addLayout(buttons);

    // Stretches rather than an alignment flag: an aligned widget gets its size hint, and the wrapped
    // text would then be measured for a width it does not get.
    auto *row = new QHBoxLayout;
    row->addStretch(1);
    row->addWidget(column, 4);
    row->addStretch(1);
    auto *layout = new QVBoxLayout(this);
    layout->addStretch(1);
    layout->addLayout(row);
    layout->addStretch(2);

    connect(m_createQueue, &QPushButton::clicked, this, &WelcomeView::createQueueRequested);
    connect(m_openDemo, &QPushButton::clicked, this, &WelcomeView::openDemoRequested);
}

WelcomeView::~WelcomeView() = default;

void WelcomeView::setStore(const QString &display, bool readOnly)
{
    m_store->setText(readOnly ? tr("Store: %1 (read-only)").arg(display) : tr("Store: %1").arg(display));
    m_createQueue->setEnabled(!readOnly);
    m_createQueue->setToolTip(readOnly ? tr("This store is open read-only; open it without --read-only to add a queue.") : QString());
}

} // namespace herald
