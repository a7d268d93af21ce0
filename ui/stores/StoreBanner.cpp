#include "StoreBanner.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QStyle>

namespace herald {

StoreBanner::StoreBanner(QWidget *parent)
    : QFrame(parent), m_icon(new QLabel(this)), m_label(new QLabel(this)), m_retry(new QPushButton(tr("Retry now"), this))
{
    setObjectName(QStringLiteral("storeBanner"));
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    m_label->setWordWrap(true);
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(10, 6, 10, 6);
    layout->addWidget(m_icon);
    layout->addWidget(m_label, 1);
    layout->addWidget(m_retry);
    connect(m_retry, &QPushButton::clicked, this, &StoreBanner::retryRequested);
    hide();
}

void StoreBanner::show(Kind kind, const QString &text)
{
    m_kind = kind;
    const bool problem = kind == Kind::Problem;
    const int iconSize = style()->pixelMetric(QStyle::PM_SmallIconSize);
    m_icon->setPixmap(style()->standardIcon(problem ? QStyle::SP_MessageBoxWarning : QStyle::SP_MessageBoxInformation).pixmap(iconSize));
    m_label->setText(text);
    m_retry->setVisible(problem);
    // Tinted from the palette, so that it reads in a dark theme as in a light one.
    QPalette p = palette();
    const bool dark = parentWidget() && parentWidget()->palette().color(QPalette::Window).lightness() < 128;
    QColor tint = problem ? QColor(dark ? QStringLiteral("#5c2b29") : QStringLiteral("#fbe3e1"))
                          : QColor(dark ? QStringLiteral("#27374d") : QStringLiteral("#e4edf9"));
    p.setColor(QPalette::Window, tint);
    setPalette(p);
    setVisible(kind != Kind::None);
}

void StoreBanner::showReadOnly(const QString &store)
{
    m_readOnlyText = tr("<b>Read-only.</b> Inspecting %1: no workers run here and nothing can be changed.").arg(store.toHtmlEscaped());
    if (m_kind != Kind::Problem)
        show(Kind::ReadOnly, m_readOnlyText);
}

void StoreBanner::showProblem(const QString &text)
{
    show(Kind::Problem, text);
}

void StoreBanner::clearProblem()
{
    if (m_kind != Kind::Problem)
        return;
    if (m_readOnlyText.isEmpty())
        show(Kind::None, {});
    else
        show(Kind::ReadOnly, m_readOnlyText);
}

void StoreBanner::clearAll()
{
    m_readOnlyText.clear();
    show(Kind::None, {});
}

QString StoreBanner::text() const
{
    return m_kind == Kind::None ? QString() : m_label->text();
}

} // namespace herald
