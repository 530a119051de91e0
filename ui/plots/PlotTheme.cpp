#include "PlotTheme.h"

#include "QCustomPlotInclude.h"

namespace minimascope::ui {

QColor PlotTheme::seriesColor(int i) const
{
    if (series.isEmpty())
        return foreground;
    return series.at(((i % series.size()) + series.size()) % series.size());
}

// Both palettes keep the same hue order (blue, red, green, orange, purple, brown, pink, cyan) so
// that a series keeps its meaning across themes; the dark one is lighter for contrast on gray.
PlotTheme PlotTheme::light()
{
    return {QColor(0xff, 0xff, 0xff),
            QColor(0x23, 0x26, 0x29),
            QColor(0xdc, 0xdd, 0xe0),
            {QColor(0x1f, 0x77, 0xb4), QColor(0xd6, 0x27, 0x28), QColor(0x2c, 0xa0, 0x2c), QColor(0xff, 0x7f, 0x0e),
             QColor(0x94, 0x67, 0xbd), QColor(0x8c, 0x56, 0x4b), QColor(0xe3, 0x77, 0xc2), QColor(0x17, 0xbe, 0xcf)}};
}

PlotTheme PlotTheme::dark()
{
    return {QColor(0x23, 0x26, 0x29),
            QColor(0xef, 0xf0, 0xf1),
            QColor(0x3b, 0x3f, 0x44),
            {QColor(0x5d, 0xad, 0xf0), QColor(0xff, 0x6b, 0x6b), QColor(0x6b, 0xd9, 0x6b), QColor(0xff, 0xb0, 0x5c),
             QColor(0xc3, 0x9b, 0xff), QColor(0xd4, 0xa5, 0x8f), QColor(0xf7, 0x9c, 0xd4), QColor(0x4d, 0xdd, 0xee)}};
}

void applyThemeToAxes(const QList<QCPAxis*>& axes, const PlotTheme& theme)
{
    for (QCPAxis* axis : axes) {
        axis->setBasePen(QPen(theme.foreground, 1));
        axis->setTickPen(QPen(theme.foreground, 1));
        axis->setSubTickPen(QPen(theme.foreground, 1));
        axis->setTickLabelColor(theme.foreground);
        axis->setLabelColor(theme.foreground);
        axis->grid()->setPen(QPen(theme.grid, 1, Qt::DotLine));
        axis->grid()->setSubGridPen(Qt::NoPen);
        axis->grid()->setZeroLinePen(QPen(theme.grid, 1));
    }
}

}   // namespace minimascope::ui
