#include "study/RunCurvesPlot.h"

#include "PlotExport.h"
#include "QCustomPlotInclude.h"

#include <algorithm>
#include <cmath>

namespace minimascope::ui {
namespace {
// Markers on curves with few points (a run measured only at its end has one).
constexpr int markerBelowPoints = 12;
}   // namespace

RunCurvesPlot::RunCurvesPlot(Quantity quantity, QWidget* parent) : PlotPanel(parent), m_quantity(quantity)
{
    QCustomPlot* plot = customPlot();
    plot->xAxis->setLabel(QStringLiteral("iteration"));
    if (quantity == Quantity::TrainLoss) {
        setTitle(tr("Training loss of the selected runs"));
        plot->yAxis->setLabel(QStringLiteral("train loss"));
    } else {
        setTitle(tr("Sharpness of the selected runs"));
        plot->yAxis->setLabel(QStringLiteral("sharpness a = λmax(H)"));
    }
    plot->xAxis->setRange(0.0, 100.0);
    plot->yAxis->setRange(0.0, 1.0);
    m_hint = new QCPItemText(plot);
    m_hint->position->setType(QCPItemPosition::ptAxisRectRatio);
    m_hint->position->setCoords(0.5, 0.5);
    m_hint->setText(tr("Select runs in the table to overlay their curves"));
    applyTheme(theme());
}

void RunCurvesPlot::setCurves(const QList<Curve>& curves)
{
    QCustomPlot* plot = customPlot();
    for (QCPGraph* g : std::as_const(m_graphs))
        plot->removeGraph(g);
    for (QCPItemStraightLine* line : std::as_const(m_lines))
        plot->removeItem(line);
    m_graphs.clear();
    m_lines.clear();
    m_lineCurve.clear();
    m_curves = curves;

    QList<double> etas;
    for (int i = 0; i < m_curves.size(); ++i) {
        const Curve& c = m_curves[i];
        QCPGraph* g = plot->addGraph();
        g->setName(c.label);
        // A log axis cannot show a loss of 0: such points are left out there.
        QVector<double> xs, ys;
        for (int k = 0; k < c.iterations.size() && k < c.values.size(); ++k) {
            if (!std::isfinite(c.values[k]) || (m_logScale && c.values[k] <= 0.0))
                continue;
            xs << c.iterations[k];
            ys << c.values[k];
        }
        g->setData(xs, ys, true);
        m_graphs << g;
        if (m_quantity == Quantity::Sharpness && c.eta > 0.0 && std::isfinite(c.eta) && !etas.contains(c.eta)) {
            etas << c.eta;
            auto* line = new QCPItemStraightLine(plot);
            line->point1->setCoords(0.0, 2.0 / c.eta);
            line->point2->setCoords(1.0, 2.0 / c.eta);
            m_lines << line;
            m_lineCurve << i;
        }
    }
    m_hint->setVisible(m_curves.isEmpty());
    applyTheme(theme());
    resetView();
}

void RunCurvesPlot::setLogScale(bool on)
{
    if (on == m_logScale)
        return;
    m_logScale = on;
    setAxisLogarithmic(customPlot()->yAxis, on);
    setCurves(QList<Curve>(m_curves));
}

void RunCurvesPlot::fitView() const
{
    PlotPanel::fitView();
    QCustomPlot* plot = customPlot();
    // Iterations from 0, also for a run whose a was measured once, at its end.
    double last = 0.0;
    double top = 0.0;
    bool negative = false;
    for (const QCPGraph* g : m_graphs) {
        for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it) {
            last = std::max(last, it->key);
            top = std::max(top, it->value);
            negative = negative || it->value < 0.0;
        }
    }
    if (last > 0.0)
        plot->xAxis->setRange(0.0, last * 1.02);
    if (m_logScale || m_graphs.isEmpty())
        return;
    // Linear: from 0 (losses and a are not negative at a minimum), the 2/η lines in view.
    for (const Curve& c : m_curves)
        if (m_quantity == Quantity::Sharpness && c.eta > 0.0 && std::isfinite(c.eta))
            top = std::max(top, 2.0 / c.eta);
    if (top > 0.0)
        plot->yAxis->setRange(negative ? plot->yAxis->range().lower : 0.0, top * 1.08);
}

void RunCurvesPlot::applyTheme(const PlotTheme& t)
{
    for (int i = 0; i < m_graphs.size(); ++i) {
        QCPGraph* g = m_graphs[i];
        g->setPen(seriesPen(i, 1.6));
        g->setScatterStyle(g->dataCount() < markerBelowPoints
                               ? QCPScatterStyle(QCPScatterStyle::ssDisc, t.seriesColor(i), 6)
                               : QCPScatterStyle());
    }
    for (int i = 0; i < m_lines.size(); ++i)
        m_lines[i]->setPen(seriesPen(m_lineCurve[i], 1.0, Qt::DashLine));
    m_hint->setColor(t.foreground);
}

QString RunCurvesPlot::toCsv() const
{
    using plotexport::csvNumber;
    QString csv = plotexport::csvRow(
        {QStringLiteral("run"), QStringLiteral("iteration"),
         m_quantity == Quantity::TrainLoss ? QStringLiteral("train_loss") : QStringLiteral("sharpness")});
    for (const Curve& c : m_curves)
        for (int k = 0; k < c.iterations.size() && k < c.values.size(); ++k)
            csv += plotexport::csvRow({c.label, csvNumber(c.iterations[k]), csvNumber(c.values[k])});
    return csv;
}

void RunCurvesPlot::clear() { setCurves({}); }

}   // namespace minimascope::ui
