#include "Appearance.h"

#include <QAbstractAxis>
#include <QAction>
#include <QActionGroup>
#include <QMenu>
#include <QApplication>
#include <QChart>
#include <QPalette>
#include <QStyle>
#include <QStyleFactory>

namespace herald {

namespace {

struct SystemLook
{
    QString style;
    QPalette palette;
};

const SystemLook &systemLook()
{
    static const SystemLook look{QApplication::style()->name(), QApplication::palette()};
    return look;
}

bool desktopPrefersDark()
{
    const QString gtkTheme = qEnvironmentVariable("GTK_THEME");
    return gtkTheme.endsWith(QLatin1String(":dark"), Qt::CaseInsensitive) || gtkTheme.endsWith(QLatin1String("-dark"), Qt::CaseInsensitive);
}

} // namespace

bool isDark(const QPalette &palette)
{
    return palette.color(QPalette::Window).lightness() < 128;
}

QPalette darkPalette()
{
    // Greys rather than black, and a blue that reads on them; disabled text clearly dimmer.
    QPalette p;
    const QColor window(0x2b, 0x2d, 0x31);
    const QColor base(0x1f, 0x21, 0x24);
    const QColor text(0xe3, 0xe5, 0xe8);
    const QColor dim(0x8a, 0x8f, 0x96);
    const QColor highlight(0x3d, 0x7e, 0xd9);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(0x26, 0x28, 0x2c));
    p.setColor(QPalette::ToolTipBase, QColor(0x35, 0x38, 0x3d));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, dim);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(0x35, 0x38, 0x3d));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, QColor(0xff, 0x6b, 0x6b));
    p.setColor(QPalette::Light, QColor(0x45, 0x48, 0x4e));
    p.setColor(QPalette::Midlight, QColor(0x3a, 0x3d, 0x42));
    p.setColor(QPalette::Mid, QColor(0x24, 0x26, 0x29));
    p.setColor(QPalette::Dark, QColor(0x18, 0x19, 0x1b));
    p.setColor(QPalette::Shadow, Qt::black);
    p.setColor(QPalette::Highlight, highlight);
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x7a, 0xb3, 0xff));
    p.setColor(QPalette::LinkVisited, QColor(0xb3, 0x9d, 0xff));
    for (QPalette::ColorRole role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, dim);
    p.setColor(QPalette::Disabled, QPalette::Highlight, QColor(0x4a, 0x4d, 0x52));
    return p;
}

void applyAppearance(Settings::Appearance appearance)
{
    const SystemLook &system = systemLook();
    const bool dark = appearance == Settings::Appearance::Dark ||
                      (appearance == Settings::Appearance::System && (isDark(system.palette) || desktopPrefersDark()));
    if (dark) {
        if (isDark(system.palette) && appearance == Settings::Appearance::System)
            return; // the platform's own dark look
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
        QApplication::setPalette(darkPalette());
        return;
    }
    if (!isDark(system.palette)) {
        if (QApplication::style()->name() != system.style)
            QApplication::setStyle(QStyleFactory::create(system.style));
        QApplication::setPalette(system.palette);
        return;
    }
    // Light asked for on a dark desktop: Fusion's light palette.
    QStyle *fusion = QStyleFactory::create(QStringLiteral("Fusion"));
    QApplication::setStyle(fusion);
    QApplication::setPalette(fusion->standardPalette());
}

QMenu *createAppearanceMenu(Settings *settings, QWidget *parent)
{
    auto *menu = new QMenu(QObject::tr("&Appearance"), parent);
    auto *group = new QActionGroup(menu);
    const std::pair<Settings::Appearance, QString> choices[] = {
        {Settings::Appearance::System, QObject::tr("Follow the &system")},
        {Settings::Appearance::Light, QObject::tr("&Light")},
        {Settings::Appearance::Dark, QObject::tr("&Dark")},
    };
    for (const auto &[appearance, text] : choices) {
        QAction *action = menu->addAction(text);
        action->setCheckable(true);
        action->setChecked(settings->appearance() == appearance);
        group->addAction(action);
        QObject::connect(action, &QAction::triggered, menu, [settings, appearance = appearance] {
            settings->setAppearance(appearance);
            applyAppearance(appearance);
        });
    }
    return menu;
}

void applyChartPalette(QChart *chart, const QPalette &palette)
{
    chart->setBackgroundBrush(palette.color(QPalette::Base));
    chart->setPlotAreaBackgroundVisible(false);
    chart->setTitleBrush(palette.color(QPalette::WindowText));
    chart->legend()->setLabelColor(palette.color(QPalette::WindowText));
    QColor grid = palette.color(QPalette::WindowText);
    grid.setAlpha(40);
    for (QAbstractAxis *axis : chart->axes()) {
        axis->setLabelsColor(palette.color(QPalette::WindowText));
        axis->setTitleBrush(palette.color(QPalette::WindowText));
        axis->setGridLineColor(grid);
        axis->setLinePenColor(grid);
    }
}

} // namespace herald
