#include "AsymmetryHistogram.h"

#include "PlotExport.h"
#include "QCustomPlotInclude.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace minimascope::ui {

namespace {

// The finite bins' upper ends after the "0" bin: (0, 1], (1, 2], (2, 4], (4, 8], (8, 16], (16, ∞).
constexpr double kOctaveEnds[] = {1.0, 2.0, 4.0, 8.0, 16.0};
constexpr int kOctaveBins = int(std::size(kOctaveEnds)) + 1;
// "0", the octaves, "∞".
constexpr int kBins = kOctaveBins + 2;

// The ratio range (lower, upper] of bin `i`; "0" is [0, 0], "∞" is [∞, ∞].
std::pair<double, double> binRange(int i)
{
    constexpr double inf = std::numeric_limits<double>::infinity();
    if (i == 0)
        return {0.0, 0.0};
    if (i == kBins - 1)
        return {inf, inf};
    const int octave = i - 1;
    return {octave == 0 ? 0.0 : kOctaveEnds[octave - 1], octave < kOctaveBins - 1 ? kOctaveEnds[octave] : inf};
}

}   // namespace

AsymmetryHistogram::AsymmetryHistogram(QWidget* parent) : PlotPanel(parent)
{
    QCustomPlot* plot = customPlot();
    m_otherBars = new QCPBars(plot->xAxis, plot->yAxis);
    m_asymmetricBars = new QCPBars(plot->xAxis, plot->yAxis);
    m_asymmetricBars->moveAbove(m_otherBars);
    m_otherBars->setName(tr("not asymmetric"));
    m_asymmetricBars->setName(tr("(r, p, c, ζ)-asymmetric"));
    for (QCPBars* bars : {m_otherBars, m_asymmetricBars})
        bars->setWidth(0.7);
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    const QStringList labels = binLabels();
    for (int i = 0; i < labels.size(); ++i)
        ticker->addTick(i, labels[i]);
    plot->xAxis->setTicker(ticker);
    plot->xAxis->setLabel(tr("asymmetry ratio (sharp-side over flat-side slope)"));
    plot->yAxis->setLabel(tr("directions"));
    clear();
    applyTheme(theme());
}

QStringList AsymmetryHistogram::binLabels()
{
    QStringList labels{QStringLiteral("0")};
    for (int i = 1; i < kBins - 1; ++i) {
        const auto [lower, upper] = binRange(i);
        labels << (std::isinf(upper) ? QStringLiteral("> %1").arg(lower)
                                     : QStringLiteral("%1–%2").arg(lower).arg(upper));
    }
    labels << QStringLiteral("∞");
    return labels;
}

int AsymmetryHistogram::binOf(double ratio)
{
    if (std::isinf(ratio) && ratio > 0)
        return kBins - 1;
    if (!(ratio > 0.0))   // the core reports 0 when the sharp side does not rise everywhere
        return 0;
    for (int i = 1; i < kBins - 1; ++i)
        if (ratio <= binRange(i).second)
            return i;
    return kBins - 2;
}

void AsymmetryHistogram::setRatios(const std::vector<double>& ratios, const std::vector<bool>& asymmetric)
{
    m_asymmetric.assign(kBins, 0);
    m_other.assign(kBins, 0);
    if (ratios.size() == asymmetric.size())
        for (size_t k = 0; k < ratios.size(); ++k)
            ++(asymmetric[k] ? m_asymmetric : m_other)[size_t(binOf(ratios[k]))];
    // Empty bins get no bar (a zero-height bar would draw its outline).
    const auto bars = [](const std::vector<int>& counts, QCPBars* into) {
        QVector<double> keys, values;
        for (int i = 0; i < kBins; ++i) {
            if (counts[size_t(i)] > 0) {
                keys << i;
                values << counts[size_t(i)];
            }
        }
        into->setData(keys, values, true);
    };
    bars(m_asymmetric, m_asymmetricBars);
    bars(m_other, m_otherBars);
    const bool any = !ratios.empty() && ratios.size() == asymmetric.size();
    setInLegend(m_asymmetricBars, any);
    setInLegend(m_otherBars, any);
    resetView();
}

void AsymmetryHistogram::fitView() const
{
    int highest = 1;
    for (int i = 0; i < kBins; ++i)
        highest = std::max(highest, m_asymmetric[size_t(i)] + m_other[size_t(i)]);
    customPlot()->xAxis->setRange(-0.6, kBins - 0.4);
    customPlot()->yAxis->setRange(0.0, highest * 1.1);
}

void AsymmetryHistogram::applyTheme(const PlotTheme& theme)
{
    const auto paint = [](QCPBars* bars, const QColor& color) {
        bars->setPen(QPen(color.darker(130)));
        QColor fill = color;
        fill.setAlpha(200);
        bars->setBrush(fill);
    };
    paint(m_asymmetricBars, theme.seriesColor(1));
    paint(m_otherBars, theme.seriesColor(0));
}

QString AsymmetryHistogram::toCsv() const
{
    using plotexport::csvNumber;
    QString csv = plotexport::csvRow({QStringLiteral("bin"), QStringLiteral("ratio_above"),
                                      QStringLiteral("ratio_at_most"), QStringLiteral("asymmetric"),
                                      QStringLiteral("not_asymmetric")});
    const QStringList labels = binLabels();
    for (int i = 0; i < kBins; ++i) {
        const auto [lower, upper] = binRange(i);
        csv += plotexport::csvRow({labels[i], csvNumber(lower), csvNumber(upper),
                                   QString::number(m_asymmetric[size_t(i)]), QString::number(m_other[size_t(i)])});
    }
    return csv;
}

void AsymmetryHistogram::clear() { setRatios({}, {}); }

}   // namespace minimascope::ui
