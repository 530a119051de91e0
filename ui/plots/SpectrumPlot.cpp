#include "SpectrumPlot.h"

#include "PlotExport.h"
#include "QCustomPlotInclude.h"

#include <QLabel>

#include <algorithm>
#include <cmath>

namespace minimascope::ui {
namespace {
// Tick length as a share of the axis rect's height.
constexpr double tickLength = 0.06;
// Alpha (0..255) of the full-height guide line of an eigenvalue.
constexpr int guideAlpha = 70;
// The density axis spans at most this ratio (ten decades).
constexpr double densityDecadesShown = 1e10;
// Room (pixels) between the empty plot's hint and the axes around it.
constexpr int emptyHintInsetPx = 4;
}   // namespace

SpectrumPlot::SpectrumPlot(QWidget* parent) : PlotPanel(parent)
{
    QCustomPlot* plot = customPlot();
    setTitle(QStringLiteral("Hessian spectrum (SLQ density, top eigenvalues)"));
    plot->xAxis->setLabel(QStringLiteral("eigenvalue λ of H"));
    plot->yAxis->setLabel(QStringLiteral("density φ(λ)"));
    plot->yAxis->setScaleType(QCPAxis::stLogarithmic);
    plot->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
    plot->yAxis->setNumberFormat(QStringLiteral("eb"));
    plot->yAxis->setNumberPrecision(0);
    plot->yAxis->setRange(1e-6, 10.0);
    plot->xAxis->setRange(-1.0, 10.0);

    m_density = plot->addGraph();
    m_density->setName(QStringLiteral("SLQ density"));
    m_ticksEntry = addLegendEntry(QStringLiteral("top eigenvalues"));
    // A label over the plot rather than a plot item: a GUI instruction has no place in exported
    // figures (minimascope-cli figures renders this panel too).
    m_emptyHint = new QLabel(tr("No spectrum yet.\nAfter a run, or with a run folder open,\n"
                                "press Analyze spectrum (Run menu)."),
                             plot);
    m_emptyHint->setObjectName(QStringLiteral("spectrumEmptyHint"));
    m_emptyHint->setAlignment(Qt::AlignCenter);
    m_emptyHint->setWordWrap(true);
    m_emptyHint->setAttribute(Qt::WA_TransparentForMouseEvents);   // zoom and pan go to the plot
    // Over the axes' data area, laid out again with them: centred on the whole widget it ran into
    // the tick labels of a small dock. Its geometry is set by hand, so it never holds the plot's
    // size up.
    connect(plot, &QCustomPlot::afterLayout, this, [this] {
        m_emptyHint->setGeometry(customPlot()->axisRect()->rect().marginsRemoved(
            QMargins(emptyHintInsetPx, emptyHintInsetPx, emptyHintInsetPx, emptyHintInsetPx)));
    });
    showPresentSeries();
    applyTheme(theme());
}

void SpectrumPlot::showPresentSeries()
{
    // Taken out and put back in a fixed order, whichever of the two arrived first.
    setInLegend(m_density, false);
    setInLegend(m_ticksEntry, false);
    setInLegend(m_density, m_density->dataCount() > 0);
    setInLegend(m_ticksEntry, !m_eigenvalues.empty());
    m_emptyHint->setVisible(m_density->dataCount() == 0 && m_eigenvalues.empty());
}

void SpectrumPlot::setDensity(const std::vector<double>& grid, const std::vector<double>& density)
{
    m_density->data()->clear();
    m_grid.clear();
    m_values.clear();
    if (grid.size() == density.size()) {
        m_grid = grid;
        m_values = density;
        QVector<double> keys;
        QVector<double> values;
        for (size_t i = 0; i < grid.size(); ++i) {
            if (density[i] > 0.0 && std::isfinite(density[i]) && std::isfinite(grid[i])) {
                keys << grid[i];
                values << density[i];
            }
        }
        m_density->setData(keys, values, std::is_sorted(keys.begin(), keys.end()));
    }
    showPresentSeries();
    scheduleReplot();
}

void SpectrumPlot::setTopEigenvalues(const std::vector<double>& eigenvalues)
{
    QCustomPlot* plot = customPlot();
    for (QCPItemLine* item : std::as_const(m_ticks))
        plot->removeItem(item);
    m_ticks.clear();
    m_eigenvalues.clear();
    for (double lambda : eigenvalues) {
        if (!std::isfinite(lambda))
            continue;
        m_eigenvalues.push_back(lambda);
        for (int part = 0; part < 2; ++part) {
            auto* line = new QCPItemLine(plot);
            line->start->setTypeY(QCPItemPosition::ptAxisRectRatio);
            line->end->setTypeY(QCPItemPosition::ptAxisRectRatio);
            line->start->setCoords(lambda, 1.0);
            line->end->setCoords(lambda, part == 0 ? 1.0 - tickLength : 0.0);
            m_ticks << line;
        }
    }
    showPresentSeries();
    applyTheme(theme());
    scheduleReplot();
}

void SpectrumPlot::fitView() const
{
    PlotPanel::fitView();
    // SLQ's Gaussian tails reach absurdly small densities; show a fixed number of decades below
    // the peak instead of the far tail.
    QCPAxis* y = customPlot()->yAxis;
    if (y->range().upper / y->range().lower > densityDecadesShown)
        y->setRangeLower(y->range().upper / densityDecadesShown);
    if (m_eigenvalues.empty())
        return;
    // Keep every eigenvalue tick in view, also those beyond the density's grid.
    QCPAxis* x = customPlot()->xAxis;
    const auto [lo, hi] = std::minmax_element(m_eigenvalues.begin(), m_eigenvalues.end());
    QCPRange range = x->range();
    const double pad = 0.05 * std::max(*hi - *lo, 1e-12);
    if (m_density->dataCount() == 0)
        range = QCPRange(*lo - pad, *hi + pad);
    range.lower = std::min(range.lower, *lo - pad);
    range.upper = std::max(range.upper, *hi + pad);
    x->setRange(range);
}

void SpectrumPlot::applyTheme(const PlotTheme& t)
{
    m_density->setPen(seriesPen(0));
    QColor fill = t.seriesColor(0);
    fill.setAlpha(40);
    m_density->setBrush(fill);
    m_ticksEntry->setPen(QPen(t.seriesColor(1), 2.0));
    QPalette hintPalette = m_emptyHint->palette();
    hintPalette.setColor(QPalette::WindowText, t.foreground);
    m_emptyHint->setPalette(hintPalette);
    for (int i = 0; i < m_ticks.size(); ++i) {
        QColor c = t.seriesColor(1);
        if (i % 2 == 1)
            c.setAlpha(guideAlpha);
        m_ticks[i]->setPen(QPen(c, i % 2 == 0 ? 2.0 : 1.0, i % 2 == 0 ? Qt::SolidLine : Qt::DashLine));
    }
}

QString SpectrumPlot::toCsv() const
{
    using plotexport::csvNumber;
    QString csv = plotexport::csvRow({QStringLiteral("kind"), QStringLiteral("lambda"), QStringLiteral("density")});
    for (size_t i = 0; i < m_grid.size(); ++i)
        csv += plotexport::csvRow({QStringLiteral("density"), csvNumber(m_grid[i]), csvNumber(m_values[i])});
    for (double lambda : m_eigenvalues)
        csv += plotexport::csvRow({QStringLiteral("eigenvalue"), csvNumber(lambda), QString()});
    return csv;
}

void SpectrumPlot::clear()
{
    setDensity({}, {});
    setTopEigenvalues({});
    resetView();
}

}   // namespace minimascope::ui
