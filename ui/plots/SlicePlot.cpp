#include "SlicePlot.h"

#include "PlotExport.h"
#include "QCustomPlotInclude.h"

#include <cmath>

namespace minimascope::ui {
namespace {

void fill(QCPGraph* graph, const std::vector<double>& t, const std::vector<double>& loss)
{
    QVector<double> keys;
    QVector<double> values;
    if (loss.size() == t.size()) {
        for (size_t i = 0; i < t.size(); ++i) {
            if (std::isfinite(t[i]) && std::isfinite(loss[i])) {
                keys << t[i];
                values << loss[i];
            }
        }
    }
    graph->setData(keys, values);
}

}  // namespace

SlicePlot::SlicePlot(QWidget* parent)
    : PlotPanel(parent)
{
    QCustomPlot* plot = customPlot();
    setTitle(QStringLiteral("1D loss slices through θ*"));
    plot->xAxis->setLabel(QStringLiteral("step t along the direction"));
    plot->yAxis->setLabel(QStringLiteral("loss L(θ* + t·d)"));
    plot->xAxis->setRange(-1.0, 1.0);
    plot->yAxis->setRange(0.0, 2.5);

    m_top = plot->addGraph();
    m_top->setName(QStringLiteral("along top eigenvector v₁"));
    m_random = plot->addGraph();
    m_random->setName(QStringLiteral("along a random direction"));
    applyTheme(theme());
}

void SlicePlot::setSlices(const std::vector<double>& t, const std::vector<double>& alongTopEigenvector,
                          const std::vector<double>& alongRandom)
{
    m_t = t;
    m_alongTop = alongTopEigenvector.size() == t.size() ? alongTopEigenvector : std::vector<double>();
    m_alongRandom = alongRandom.size() == t.size() ? alongRandom : std::vector<double>();
    fill(m_top, m_t, m_alongTop);
    fill(m_random, m_t, m_alongRandom);
    scheduleReplot();
}

void SlicePlot::applyTheme(const PlotTheme&)
{
    m_top->setPen(seriesPen(1, 2.0));
    m_random->setPen(seriesPen(0, 2.0, Qt::DashLine));
}

QString SlicePlot::toCsv() const
{
    using plotexport::csvNumber;
    QString csv = plotexport::csvRow({QStringLiteral("t"), QStringLiteral("loss_top_eigenvector"),
                                      QStringLiteral("loss_random")});
    for (size_t i = 0; i < m_t.size(); ++i) {
        csv += plotexport::csvRow({csvNumber(m_t[i]),
                                   m_alongTop.empty() ? QString() : csvNumber(m_alongTop[i]),
                                   m_alongRandom.empty() ? QString() : csvNumber(m_alongRandom[i])});
    }
    return csv;
}

void SlicePlot::clear()
{
    setSlices({}, {}, {});
    resetView();
}

}  // namespace minimascope::ui
