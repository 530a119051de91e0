#include "CurvesPlot.h"

#include "PlotExport.h"
#include "QCustomPlotInclude.h"

#include <cmath>
#include <limits>

namespace minimascope::ui {

CurvesPlot::CurvesPlot(QWidget* parent) : PlotPanel(parent)
{
    customPlot()->xAxis->setRange(0.0, 1.0);
    customPlot()->yAxis->setRange(0.0, 1.0);
}

void CurvesPlot::setAxisLabels(const QString& x, const QString& y)
{
    customPlot()->xAxis->setLabel(x);
    customPlot()->yAxis->setLabel(y);
    scheduleReplot();
}

void CurvesPlot::setCsvColumns(const QString& curve, const QString& x, const QString& y)
{
    m_csvColumns = QStringList{curve, x, y};
}

void CurvesPlot::setLogY(bool on)
{
    m_logY = on;
    setAxisLogarithmic(customPlot()->yAxis, on);
    for (const Curve& curve : m_curves)
        fill(curve);
    resetView();
}

double CurvesPlot::drawnValue(double y) const
{
    // A value the axis cannot show is a gap in the line (QCustomPlot breaks lines at NaN).
    return std::isfinite(y) && (!m_logY || y > 0.0) ? y : std::numeric_limits<double>::quiet_NaN();
}

void CurvesPlot::fill(const Curve& curve) const
{
    QVector<double> keys, values;
    if (curve.xs.size() == curve.ys.size()) {
        for (size_t i = 0; i < curve.xs.size(); ++i) {
            const double x = curve.xs[i], y = curve.ys[i];
            if (!std::isfinite(x))
                continue;
            keys << x;
            values << drawnValue(y);
        }
    }
    curve.graph->setData(keys, values);
}

void CurvesPlot::addCurve(const QString& name, const std::vector<double>& xs, const std::vector<double>& ys)
{
    Curve curve{name, xs, ys, customPlot()->addGraph()};
    curve.graph->setName(name);
    curve.graph->setPen(seriesPen(static_cast<int>(m_curves.size()), 2.0));
    fill(curve);
    setInLegend(curve.graph, curve.graph->dataCount() > 0);
    m_curves.push_back(std::move(curve));
    scheduleReplot();
}

void CurvesPlot::appendPoint(int index, double x, double y)
{
    Curve& curve = m_curves.at(static_cast<size_t>(index));
    curve.xs.push_back(x);
    curve.ys.push_back(y);
    if (std::isfinite(x))
        curve.graph->addData(x, drawnValue(y));
    setInLegend(curve.graph, curve.graph->dataCount() > 0);
    scheduleReplot();
}

void CurvesPlot::applyTheme(const PlotTheme&)
{
    for (size_t i = 0; i < m_curves.size(); ++i)
        m_curves[i].graph->setPen(seriesPen(static_cast<int>(i), 2.0));
}

QString CurvesPlot::toCsv() const
{
    using plotexport::csvNumber;
    QString csv = plotexport::csvRow(m_csvColumns);
    for (const Curve& curve : m_curves) {
        if (curve.xs.size() != curve.ys.size())
            continue;
        for (size_t i = 0; i < curve.xs.size(); ++i)
            csv += plotexport::csvRow({curve.name, csvNumber(curve.xs[i]), csvNumber(curve.ys[i])});
    }
    return csv;
}

void CurvesPlot::clear()
{
    for (const Curve& curve : m_curves)
        customPlot()->removeGraph(curve.graph);
    m_curves.clear();
    resetView();
}

}   // namespace minimascope::ui
