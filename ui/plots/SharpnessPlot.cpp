#include "SharpnessPlot.h"

#include "PlotExport.h"
#include "QCustomPlotInclude.h"

#include "analysis/StabilityBounds.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace minimascope::ui {
namespace {
// Room above the 2/η line so that its label and the curve approaching it stay readable.
constexpr double kSharpnessHeadroom = 1.15;
// Above this many points, only every k-th gets a marker (the line shows the rest).
constexpr int maxMarkers = 300;
}   // namespace

SharpnessPlot::SharpnessPlot(QWidget* parent) : PlotPanel(parent), m_threshold(std::numeric_limits<double>::quiet_NaN())
{
    QCustomPlot* plot = customPlot();
    setTitle(QStringLiteral("Sharpness and the edge of stability 2/η"));
    plot->xAxis->setLabel(QStringLiteral("iteration"));
    plot->yAxis->setLabel(QStringLiteral("sharpness a = λmax(H)"));
    plot->xAxis->setRange(0.0, 100.0);
    plot->yAxis->setRange(0.0, 10.0);

    m_graph = plot->addGraph();
    m_graph->setName(QStringLiteral("sharpness a"));

    m_line = new QCPItemStraightLine(plot);
    m_line->point1->setCoords(0.0, 0.0);
    m_line->point2->setCoords(1.0, 0.0);
    m_line->setVisible(false);
    m_label = new QCPItemText(plot);
    m_label->position->setTypeX(QCPItemPosition::ptAxisRectRatio);
    m_label->position->setTypeY(QCPItemPosition::ptPlotCoords);
    m_label->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom);
    m_label->setPadding(QMargins(4, 0, 4, 2));
    m_label->setVisible(false);
    applyTheme(theme());
}

void SharpnessPlot::setLearningRate(double eta)
{
    const bool valid = eta > 0.0 && std::isfinite(eta);
    m_threshold = valid ? core::sharpnessBound(eta) : std::numeric_limits<double>::quiet_NaN();
    m_line->setVisible(valid);
    m_label->setVisible(valid);
    if (valid) {
        m_line->point1->setCoords(0.0, m_threshold);
        m_line->point2->setCoords(1.0, m_threshold);
        m_label->position->setCoords(0.01, m_threshold);
        m_label->setText(QStringLiteral("2/η = %1  (η = %2)")
                             .arg(QString::number(m_threshold, 'g', 4), QString::number(eta, 'g', 4)));
    }
    if (followsData())
        fitView();
    scheduleReplot();
}

void SharpnessPlot::appendSharpness(double iteration, double sharpness)
{
    if (std::isnan(sharpness))
        return;
    m_graph->addData(iteration, sharpness);
    m_graph->setScatterSkip(std::max(0, m_graph->dataCount() / maxMarkers - 1));
    scheduleReplot();
}

void SharpnessPlot::fitView() const
{
    PlotPanel::fitView();
    QCPAxis* y = customPlot()->yAxis;
    double upper = y->range().upper;
    if (std::isfinite(m_threshold))
        upper = m_graph->dataCount() > 0 ? std::max(upper, m_threshold * kSharpnessHeadroom)
                                         : m_threshold * kSharpnessHeadroom;
    // Sharpness is usually positive; start at 0 unless a negative value was measured.
    const double lower = std::min(0.0, y->range().lower);
    y->setRange(m_graph->dataCount() > 0 ? lower : 0.0, upper);
}

void SharpnessPlot::applyTheme(const PlotTheme& t)
{
    m_graph->setPen(seriesPen(0));
    m_graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, t.seriesColor(0), 4));
    m_line->setPen(seriesPen(1, 1.6, Qt::DashLine));
    m_label->setColor(t.seriesColor(1));
}

QString SharpnessPlot::toCsv() const
{
    QString csv = plotexport::csvRow({QStringLiteral("iteration"), QStringLiteral("sharpness")});
    for (auto it = m_graph->data()->constBegin(); it != m_graph->data()->constEnd(); ++it)
        csv += plotexport::csvRow({plotexport::csvNumber(it->key), plotexport::csvNumber(it->value)});
    return csv;
}

void SharpnessPlot::clear()
{
    m_graph->data()->clear();
    resetView();
}

}   // namespace minimascope::ui
