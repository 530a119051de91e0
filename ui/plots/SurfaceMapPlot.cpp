#include "SurfaceMapPlot.h"

#include "PlotExport.h"
#include "QCustomPlotInclude.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace minimascope::ui {

bool widenToPositiveRange(const std::vector<double>& losses, double& low, double& high)
{
    bool any = false;
    for (const double loss : losses)
        if (std::isfinite(loss) && loss > 0.0) {
            low = std::min(low, loss);
            high = std::max(high, loss);
            any = true;
        }
    return any;
}

SurfaceMapPlot::SurfaceMapPlot(QWidget* parent) : PlotPanel(parent)
{
    QCustomPlot* plot = customPlot();
    setTitle(QStringLiteral("Loss surface around θ*"));
    setAxisLabels(QStringLiteral("α"), QStringLiteral("β"));
    m_map = new QCPColorMap(plot->xAxis, plot->yAxis);
    m_map->setInterpolate(false);
    m_scale = new QCPColorScale(plot);
    // Beside the axes, which are in the last row (the title and the legend rows are above them).
    plot->plotLayout()->addElement(plot->plotLayout()->rowCount() - 1, 1, m_scale);
    m_scale->setDataScaleType(QCPAxis::stLogarithmic);
    m_scale->axis()->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
    m_scale->axis()->setLabel(QStringLiteral("training loss (log scale)"));
    m_scale->setGradient(QCPColorGradient(QCPColorGradient::gpThermal));
    m_map->setColorScale(m_scale);
    auto* group = new QCPMarginGroup(plot);
    plot->axisRect()->setMarginGroup(QCP::msTop | QCP::msBottom, group);
    m_scale->setMarginGroup(QCP::msTop | QCP::msBottom, group);
    m_centre = plot->addGraph();
    m_centre->setName(QStringLiteral("θ* (α = β = 0)"));
    m_centre->setLineStyle(QCPGraph::lsNone);
    m_centre->addData(0.0, 0.0);
    applyTheme(theme());
}

void SurfaceMapPlot::setAxisLabels(const QString& alpha, const QString& beta)
{
    customPlot()->xAxis->setLabel(alpha);
    customPlot()->yAxis->setLabel(beta);
    scheduleReplot();
}

void SurfaceMapPlot::setSurface(const std::vector<double>& alphas, const std::vector<double>& betas,
                                const std::vector<double>& losses)
{
    const bool fits = !alphas.empty() && !betas.empty() && losses.size() == alphas.size() * betas.size();
    m_alphas = fits ? alphas : std::vector<double>();
    m_betas = fits ? betas : std::vector<double>();
    m_losses = fits ? losses : std::vector<double>();
    QCPColorMapData* data = m_map->data();
    data->clear();
    if (fits) {
        const int nx = static_cast<int>(alphas.size()), ny = static_cast<int>(betas.size());
        data->setSize(nx, ny);
        data->setRange(QCPRange(alphas.front(), alphas.back()), QCPRange(betas.front(), betas.back()));
        for (int j = 0; j < ny; ++j) {
            for (int i = 0; i < nx; ++i) {
                const double loss = losses[static_cast<size_t>(j) * alphas.size() + static_cast<size_t>(i)];
                // A log scale has no place for zero or negative losses; NaN cells stay blank.
                data->setCell(i, j, std::isfinite(loss) && loss > 0 ? loss : std::numeric_limits<double>::quiet_NaN());
            }
        }
    }
    if (m_colorLow > 0 && m_colorHigh > m_colorLow)
        m_map->setDataRange(QCPRange(m_colorLow, m_colorHigh));
    else if (fits)
        m_map->rescaleDataRange(true);
    scheduleReplot();
}

void SurfaceMapPlot::setColorRange(double low, double high)
{
    if (!(low > 0 && high > low))
        return;
    m_colorLow = low;
    m_colorHigh = high;
    m_map->setDataRange(QCPRange(low, high));
    scheduleReplot();
}

void SurfaceMapPlot::fitView() const
{
    if (m_alphas.empty())
        return;
    // The map's cells are centred on the grid points: half a cell beyond the first and the last.
    const auto padded = [](const std::vector<double>& values) {
        const double half = values.size() > 1 ? 0.5 * (values.back() - values.front()) / double(values.size() - 1)
                                              : 0.5;
        return QCPRange(values.front() - half, values.back() + half);
    };
    customPlot()->xAxis->setRange(padded(m_alphas));
    customPlot()->yAxis->setRange(padded(m_betas));
}

void SurfaceMapPlot::applyTheme(const PlotTheme&)
{
    m_centre->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCrossCircle, seriesPen(0, 2.0), Qt::NoBrush, 11));
}

QString SurfaceMapPlot::toCsv() const
{
    using plotexport::csvNumber;
    QString csv = plotexport::csvRow({QStringLiteral("alpha"), QStringLiteral("beta"), QStringLiteral("loss")});
    for (size_t j = 0; j < m_betas.size(); ++j)
        for (size_t i = 0; i < m_alphas.size(); ++i)
            csv += plotexport::csvRow(
                {csvNumber(m_alphas[i]), csvNumber(m_betas[j]), csvNumber(m_losses[j * m_alphas.size() + i])});
    return csv;
}

void SurfaceMapPlot::clear()
{
    setSurface({}, {}, {});
    resetView();
}

}   // namespace minimascope::ui
