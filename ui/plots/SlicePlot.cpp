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

}   // namespace

SlicePlot::SlicePlot(QWidget* parent) : PlotPanel(parent)
{
    QCustomPlot* plot = customPlot();
    plot->xAxis->setRange(-1.0, 1.0);
    plot->yAxis->setRange(0.0, 2.5);
    m_top = plot->addGraph();
    m_random = plot->addGraph();
    setLabels(defaultLabels());
    applyTheme(theme());
}

SlicePlot::Labels SlicePlot::defaultLabels()
{
    return {QStringLiteral("1D loss slices through θ*"),
            QStringLiteral("step t along the direction"),
            QStringLiteral("loss L(θ* + t·d)"),
            QStringLiteral("along top eigenvector v₁"),
            QStringLiteral("loss_top_eigenvector"),
            QStringLiteral("along a random direction"),
            QStringLiteral("loss_random")};
}

void SlicePlot::setLabels(const Labels& labels)
{
    m_labels = labels;
    setTitle(labels.title);
    customPlot()->xAxis->setLabel(labels.xLabel);
    customPlot()->yAxis->setLabel(labels.yLabel);
    m_top->setName(labels.first);
    m_random->setName(labels.second);
    scheduleReplot();
}

void SlicePlot::setSlices(const std::vector<double>& t, const std::vector<double>& alongTopEigenvector,
                          const std::vector<double>& alongRandom)
{
    m_t = t;
    m_alongTop = alongTopEigenvector.size() == t.size() ? alongTopEigenvector : std::vector<double>();
    m_alongRandom = alongRandom.size() == t.size() ? alongRandom : std::vector<double>();
    fill(m_top, m_t, m_alongTop);
    fill(m_random, m_t, m_alongRandom);
    setInLegend(m_top, !m_alongTop.empty());
    setInLegend(m_random, !m_alongRandom.empty());
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
    // A slice without a column name (a single curve) has no column.
    const bool first = !m_labels.firstColumn.isEmpty(), second = !m_labels.secondColumn.isEmpty();
    QStringList header{QStringLiteral("t")};
    if (first)
        header << m_labels.firstColumn;
    if (second)
        header << m_labels.secondColumn;
    QString csv = plotexport::csvRow(header);
    for (size_t i = 0; i < m_t.size(); ++i) {
        QStringList row{csvNumber(m_t[i])};
        if (first)
            row << (m_alongTop.empty() ? QString() : csvNumber(m_alongTop[i]));
        if (second)
            row << (m_alongRandom.empty() ? QString() : csvNumber(m_alongRandom[i]));
        csv += plotexport::csvRow(row);
    }
    return csv;
}

void SlicePlot::clear()
{
    setSlices({}, {}, {});
    resetView();
}

}   // namespace minimascope::ui
