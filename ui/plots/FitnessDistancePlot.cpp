#include "FitnessDistancePlot.h"

#include "PlotExport.h"
#include "QCustomPlotInclude.h"

#include <algorithm>
#include <cmath>

namespace minimascope::ui {
namespace {
const QString fitnessDistanceTitle = QStringLiteral("Fitness-distance correlation");
// Alpha (0..255) of the point markers: light, so that the mean line reads over hundreds of them.
constexpr int pointAlpha = 90;
constexpr double pointSize = 5.0;
constexpr double meanMarkerSize = 7.0;
// The log loss axis spans at most this factor below the largest loss: a noiseless teacher's own
// loss is rounding (~1e-15) and would stretch the axis over 16 decades; such points are drawn at
// the floor (the CSV keeps their values).
constexpr double lossSpanShown = 1e8;
}   // namespace

FitnessDistancePlot::FitnessDistancePlot(QWidget* parent) : PlotPanel(parent)
{
    QCustomPlot* plot = customPlot();
    setTitle(fitnessDistanceTitle);
    plot->xAxis->setLabel(QStringLiteral("distance from the teacher's weights |w − w*|"));
    plot->yAxis->setLabel(QStringLiteral("training loss"));
    plot->xAxis->setRange(0.0, 1.0);
    plot->yAxis->setRange(0.0, 1.0);

    m_points = plot->addGraph();
    m_points->setName(QStringLiteral("each point (one random direction)"));
    m_points->setLineStyle(QCPGraph::lsNone);
    m_mean = plot->addGraph();
    m_mean->setName(QStringLiteral("mean loss at each distance"));
    setInLegend(m_points, false);
    setInLegend(m_mean, false);
    applyTheme(theme());
}

void FitnessDistancePlot::setSample(const std::vector<FitnessDistancePoint>& points, double correlation,
                                    const QString& undefinedReason)
{
    m_sample = points;
    std::vector<FitnessDistancePoint> drawn;
    for (const FitnessDistancePoint& p : points)
        if (std::isfinite(p.distance) && std::isfinite(p.loss))
            drawn.push_back(p);
    // Sorted here, stably, so that the graph keeps this order and m_drawnSeeds matches it.
    std::stable_sort(drawn.begin(), drawn.end(), [](const FitnessDistancePoint& a, const FitnessDistancePoint& b) {
        return a.distance < b.distance;
    });

    QVector<double> distances, losses, meanDistances, meanLosses;
    m_drawnSeeds.clear();
    for (const FitnessDistancePoint& p : drawn) {
        distances << p.distance;
        losses << p.loss;
        m_drawnSeeds.push_back(p.seed);
    }
    // One mean a run of equal distances (they are adjacent now).
    for (size_t begin = 0; begin < drawn.size();) {
        size_t end = begin;
        double sum = 0.0;
        for (; end < drawn.size() && drawn[end].distance == drawn[begin].distance; ++end)
            sum += drawn[end].loss;
        meanDistances << drawn[begin].distance;
        meanLosses << sum / static_cast<double>(end - begin);
        begin = end;
    }
    m_logLoss = !drawn.empty()
                && std::all_of(drawn.begin(), drawn.end(), [](const FitnessDistancePoint& p) { return p.loss > 0.0; });
    int atFloor = 0;
    double floor = 0.0;
    if (m_logLoss) {
        floor = *std::max_element(losses.begin(), losses.end()) / lossSpanShown;
        for (double& loss : losses) {
            if (loss < floor) {
                loss = floor;
                ++atFloor;
            }
        }
        for (double& loss : meanLosses)
            loss = std::max(loss, floor);
    }
    setAxisLogarithmic(customPlot()->yAxis, m_logLoss);
    m_points->setData(distances, losses, /*alreadySorted=*/true);
    m_mean->setData(meanDistances, meanLosses, /*alreadySorted=*/true);
    setInLegend(m_points, !drawn.empty());
    setInLegend(m_mean, !drawn.empty());

    const QString count = drawn.size() == 1 ? QStringLiteral("1 point") : QStringLiteral("%1 points").arg(drawn.size());
    QStringList notes{count};
    if (const size_t leftOut = points.size() - drawn.size(); leftOut > 0)
        notes << QStringLiteral("%1 with a non-finite value left out").arg(leftOut);
    if (atFloor > 0)
        notes << QStringLiteral("%1 with a loss below %2 drawn at it").arg(atFloor).arg(floor, 0, 'g', 2);
    const QString counts = QStringLiteral("(%1)").arg(notes.join(QStringLiteral("; ")));
    if (std::isfinite(correlation))
        setTitle(
            QStringLiteral("%1 r = %2 %3").arg(fitnessDistanceTitle, QString::number(correlation, 'f', 3), counts));
    else
        setTitle(QStringLiteral("%1 r undefined: %2 %3").arg(fitnessDistanceTitle, undefinedReason, counts));
    resetView();
}

void FitnessDistancePlot::applyTheme(const PlotTheme& theme)
{
    QColor pointColor = theme.seriesColor(0);
    pointColor.setAlpha(pointAlpha);
    m_points->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, pointColor, pointSize));
    m_mean->setPen(seriesPen(1, 2.0));
    m_mean->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, theme.seriesColor(1), meanMarkerSize));
}

QString FitnessDistancePlot::pointNote(const QCPAbstractPlottable* plottable, int index) const
{
    if (plottable != m_points || index < 0 || size_t(index) >= m_drawnSeeds.size())
        return {};
    return QStringLiteral("seed %1").arg(m_drawnSeeds[size_t(index)]);
}

QString FitnessDistancePlot::toCsv() const
{
    using plotexport::csvNumber;
    QString csv = plotexport::csvRow({QStringLiteral("distance"), QStringLiteral("seed"), QStringLiteral("loss")});
    for (const FitnessDistancePoint& p : m_sample)
        csv += plotexport::csvRow({csvNumber(p.distance), QString::number(p.seed), csvNumber(p.loss)});
    return csv;
}

void FitnessDistancePlot::clear()
{
    m_sample.clear();
    m_drawnSeeds.clear();
    m_points->data()->clear();
    m_mean->data()->clear();
    setInLegend(m_points, false);
    setInLegend(m_mean, false);
    setTitle(fitnessDistanceTitle);
    resetView();
}

}   // namespace minimascope::ui
