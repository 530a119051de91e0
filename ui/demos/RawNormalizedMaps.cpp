#include "demos/RawNormalizedMaps.h"

#include "QCustomPlotInclude.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace minimascope::ui {

RawNormalizedMaps buildRawNormalizedMaps(QCustomPlot* plot, const RawNormalizedMapsLayout& layout)
{
    plot->clearPlottables();
    plot->plotLayout()->clear();
    RawNormalizedMaps result;
    auto* grid = new QCPLayoutGrid;
    plot->plotLayout()->addElement(0, 0, grid);
    result.scale = new QCPColorScale(plot);
    plot->plotLayout()->addElement(0, 1, result.scale);
    result.scale->setDataScaleType(QCPAxis::stLogarithmic);
    result.scale->axis()->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
    result.scale->axis()->setLabel(layout.scaleLabel);
    result.scale->setGradient(QCPColorGradient(QCPColorGradient::gpThermal));
    auto* group = new QCPMarginGroup(plot);
    // One map in its own axes at (gridRow, gridColumn), on the shared color scale.
    const auto addMap = [&](int gridRow, int gridColumn, const QString& betaLabel) {
        auto* rect = new QCPAxisRect(plot);
        grid->addElement(gridRow, gridColumn, rect);
        rect->setMarginGroup(QCP::msLeft | QCP::msRight, group);
        rect->axis(QCPAxis::atBottom)->setLabel(layout.alphaLabel);
        rect->axis(QCPAxis::atLeft)->setLabel(betaLabel);
        auto* map = new QCPColorMap(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
        map->setColorScale(result.scale);
        map->setInterpolate(false);
        result.maps << map;
    };
    if (!layout.rawColumn) {
        // One map a minimum, `columns` to a row, each under its label.
        const int columns = std::max(1, layout.columns);
        for (int row = 0; row < layout.rows; ++row) {
            const int gridRow = 2 * (row / columns);
            const int gridColumn = row % columns;
            grid->addElement(
                gridRow, gridColumn,
                new QCPTextElement(plot, row < layout.rowLabels.size() ? layout.rowLabels.at(row) : QString()));
            addMap(gridRow + 1, gridColumn, layout.betaLabel);
        }
        result.scale->setMarginGroup(QCP::msTop | QCP::msBottom, group);
        return result;
    }
    grid->addElement(0, 0, new QCPTextElement(plot, QObject::tr("raw directions")));
    grid->addElement(0, 1, new QCPTextElement(plot, layout.normalizedTitle));
    for (int row = 0; row < layout.rows; ++row) {
        for (int column = 0; column < 2; ++column) {
            addMap(row + 1, column,
                   column == 0 && row < layout.rowLabels.size()
                       ? layout.rowLabels.at(row) + QStringLiteral(": ") + layout.betaLabel
                       : layout.betaLabel);
        }
    }
    result.scale->setMarginGroup(QCP::msTop | QCP::msBottom, group);
    return result;
}

double meanOverPlane(const std::vector<double>& losses)
{
    double sum = 0.0;
    int count = 0;
    for (const double loss : losses)
        if (std::isfinite(loss)) {
            sum += loss;
            ++count;
        }
    return count > 0 ? sum / count : std::numeric_limits<double>::quiet_NaN();
}

void applyRawNormalizedMapsTheme(QCustomPlot* plot, QCPColorScale* scale, const PlotTheme& theme)
{
    plot->setBackground(theme.background);
    QList<QCPAxis*> axes;
    for (QCPAxisRect* rect : plot->axisRects())
        axes << rect->axes();
    if (scale)
        axes << scale->axis();
    applyThemeToAxes(axes, theme);
    for (int i = 0; i < plot->plotLayout()->elementCount(); ++i)
        if (auto* grid = qobject_cast<QCPLayoutGrid*>(plot->plotLayout()->elementAt(i)))
            for (int k = 0; k < grid->elementCount(); ++k)
                if (auto* title = qobject_cast<QCPTextElement*>(grid->elementAt(k)))
                    title->setTextColor(theme.foreground);
}

}   // namespace minimascope::ui
