#pragma once
// Colors of the 2D plots; the window passes the one that matches its light or dark theme.
#include <QColor>
#include <QList>

class QCPAxis;

namespace minimascope::ui {

struct PlotTheme {
    QColor background;
    QColor foreground;   // axes, tick labels, text
    QColor grid;
    QList<QColor> series;   // data series in order; never empty

    // The color of series i (cycles through `series`).
    QColor seriesColor(int i) const;

    static PlotTheme light();
    static PlotTheme dark();
};

// The theme's pens and text colors on axes, their grids included: the panels' and the demos'
// plots look alike.
void applyThemeToAxes(const QList<QCPAxis*>& axes, const PlotTheme& theme);

}   // namespace minimascope::ui
