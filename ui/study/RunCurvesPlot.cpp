#include "study/RunCurvesPlot.h"

#include "QCustomPlotInclude.h"

#include "analysis/StabilityBounds.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace minimascope::ui {
namespace {
// Markers on curves with few points (a run measured only at its end has one).
constexpr int markerBelowPoints = 12;
}   // namespace

RunCurvesPlot::RunCurvesPlot(Quantity quantity, QWidget* parent) : CurvesPlot(parent), m_quantity(quantity)
{
    QCustomPlot* plot = customPlot();
    if (quantity == Quantity::TrainLoss) {
        setTitle(tr("Training loss of the selected runs"));
        setAxisLabels(QStringLiteral("iteration"), QStringLiteral("train loss"));
        setCsvColumns(QStringLiteral("run"), QStringLiteral("iteration"), QStringLiteral("train_loss"));
    } else {
        setTitle(tr("Sharpness of the selected runs"));
        setAxisLabels(QStringLiteral("iteration"), QStringLiteral("sharpness a = λmax(H)"));
        setCsvColumns(QStringLiteral("run"), QStringLiteral("iteration"), QStringLiteral("sharpness"));
    }
    plot->xAxis->setRange(0.0, 100.0);
    plot->yAxis->setRange(0.0, 1.0);
    m_hint = new QCPItemText(plot);
    m_hint->position->setType(QCPItemPosition::ptAxisRectRatio);
    m_hint->position->setCoords(0.5, 0.5);
    m_hint->setText(tr("Select runs in the table to overlay their curves"));
    applyTheme(theme());
}

bool RunCurvesPlot::hasThreshold(const Curve& curve) const
{
    return m_quantity == Quantity::Sharpness && curve.eta > 0.0 && std::isfinite(curve.eta);
}

void RunCurvesPlot::setCurves(const QList<Curve>& curves)
{
    CurvesPlot::clear();
    for (QCPItemStraightLine* line : std::as_const(m_lines))
        customPlot()->removeItem(line);
    m_lines.clear();
    m_lineCurve.clear();
    m_curves = curves;

    QList<double> etas;
    for (int i = 0; i < m_curves.size(); ++i) {
        const Curve& c = m_curves[i];
        addCurve(c.label, std::vector<double>(c.iterations.begin(), c.iterations.end()),
                 std::vector<double>(c.values.begin(), c.values.end()));
        // Listed even when empty: the loss and sharpness overlays name the same runs alike.
        setInLegend(curveGraph(i), true);
        if (hasThreshold(c) && !etas.contains(c.eta)) {
            etas << c.eta;
            const double threshold = core::sharpnessBound(c.eta);
            auto* line = new QCPItemStraightLine(customPlot());
            line->point1->setCoords(0.0, threshold);
            line->point2->setCoords(1.0, threshold);
            m_lines << line;
            m_lineCurve << i;
        }
    }
    m_hint->setVisible(m_curves.isEmpty());
    applyTheme(theme());
    resetView();
}

QList<QCPGraph*> RunCurvesPlot::curveGraphs() const
{
    QList<QCPGraph*> graphs;
    for (int i = 0; i < curveCount(); ++i)
        graphs << curveGraph(i);
    return graphs;
}

void RunCurvesPlot::setLogScale(bool on)
{
    if (on != logY())
        setLogY(on);
}

void RunCurvesPlot::clear() { setCurves({}); }

void RunCurvesPlot::fitView() const
{
    CurvesPlot::fitView();
    QCustomPlot* plot = customPlot();
    // Iterations from 0, also for a run whose a was measured once, at its end. Gaps (NaN) pass
    // unnoticed: no comparison with NaN holds.
    double last = 0.0;
    double top = 0.0;
    bool negative = false;
    for (int i = 0; i < curveCount(); ++i) {
        const QCPGraph* g = curveGraph(i);
        for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it) {
            last = std::max(last, it->key);
            top = std::max(top, it->value);
            negative = negative || it->value < 0.0;
        }
    }
    if (last > 0.0)
        plot->xAxis->setRange(0.0, last * 1.02);
    if (logY() || curveCount() == 0)
        return;
    // Linear: from 0 (losses and a are not negative at a minimum), the 2/η lines in view.
    for (const Curve& c : m_curves)
        if (hasThreshold(c))
            top = std::max(top, core::sharpnessBound(c.eta));
    if (top > 0.0)
        plot->yAxis->setRange(negative ? plot->yAxis->range().lower : 0.0, top * 1.08);
}

void RunCurvesPlot::applyTheme(const PlotTheme& t)
{
    for (int i = 0; i < curveCount(); ++i) {
        QCPGraph* g = curveGraph(i);
        g->setPen(seriesPen(i, 1.6));
        g->setScatterStyle(g->dataCount() < markerBelowPoints
                               ? QCPScatterStyle(QCPScatterStyle::ssDisc, t.seriesColor(i), 6)
                               : QCPScatterStyle());
    }
    for (int i = 0; i < m_lines.size(); ++i)
        m_lines[i]->setPen(seriesPen(m_lineCurve[i], 1.0, Qt::DashLine));
    m_hint->setColor(t.foreground);
}

}   // namespace minimascope::ui
