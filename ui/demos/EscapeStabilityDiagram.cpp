#include "EscapeStabilityDiagram.h"

#include "PlotExport.h"
#include "QCustomPlotInclude.h"

#include "analysis/StabilityBounds.h"

#include <algorithm>
#include <cmath>

namespace minimascope::ui {
namespace {

// The toy has two examples.
constexpr int64_t kExamples = 2;
// Room around the minima beyond the base view.
constexpr double kHeadroom = 1.25;
// Series colors: stable green, unstable red.
constexpr int kStableColor = 2;
constexpr int kUnstableColor = 1;

}   // namespace

EscapeStabilityDiagram::EscapeStabilityDiagram(QWidget* parent) : StabilityDiagram(parent)
{
    setTitle(QStringLiteral("The two minima"));
    m_graph = customPlot()->addGraph();
    m_graph->setName(QStringLiteral("minima of the toy"));
    m_graph->setLineStyle(QCPGraph::lsNone);
    setLesson(m_eta, m_batchSize);
    applyTheme(theme());
}

void EscapeStabilityDiagram::setMinima(const std::vector<Minimum>& minima)
{
    m_minima = minima;
    QVector<double> a, s;
    for (const Minimum& m : m_minima) {
        a << m.a;
        s << m.s;
    }
    m_graph->setData(a, s, false);
    for (QCPItemText* label : m_labels)
        customPlot()->removeItem(label);
    m_labels.clear();
    for (size_t i = 0; i < m_minima.size(); ++i) {
        auto* label = new QCPItemText(customPlot());
        // Above left of the point: the stable region has room there, the a bound's line is to the right.
        label->setPositionAlignment(Qt::AlignRight | Qt::AlignBottom);   // above the bound labels
        label->position->setCoords(m_minima[i].a, m_minima[i].s);
        label->setPadding(QMargins(0, 0, 12, 0));
        label->setTextAlignment(Qt::AlignRight);
        m_labels.push_back(label);
    }
    updateLabels();
    applyTheme(theme());
    resetView();
}

void EscapeStabilityDiagram::setLesson(double eta, int batchSize)
{
    m_eta = eta;
    m_batchSize = std::clamp(batchSize, 1, static_cast<int>(kExamples));
    setBounds(m_eta, m_batchSize, kExamples);
    updateLabels();
    applyTheme(theme());
    resetView();
}

double EscapeStabilityDiagram::stabilityQuantity(int i) const
{
    const Minimum& m = m_minima.at(static_cast<size_t>(i));
    const double c = core::noiseFactor(m_batchSize, kExamples);
    const double step = 1.0 - m_eta * m.a;
    return step * step + m_eta * m_eta * c * m.s * m.s;
}

QString EscapeStabilityDiagram::minimumLabel(int i) const
{
    const Minimum& m = m_minima.at(static_cast<size_t>(i));
    const double q = stabilityQuantity(i);
    return QStringLiteral("x = %1: (a, s) = (%2, %3)\n%4: (1−ηa)² + η²c·s² = %5")
        .arg(m.x, 0, 'g', 3)
        .arg(m.a, 0, 'f', 3)
        .arg(m.s, 0, 'f', 3)
        .arg(q <= 1.0 ? QStringLiteral("stable") : QStringLiteral("unstable"))
        .arg(q, 0, 'f', 2);
}

void EscapeStabilityDiagram::updateLabels()
{
    for (size_t i = 0; i < m_labels.size(); ++i)
        m_labels[i]->setText(minimumLabel(static_cast<int>(i)));
}

void EscapeStabilityDiagram::fitView() const
{
    StabilityDiagram::fitView();
    // The minima in view, with room above the highest.
    QCustomPlot* plot = customPlot();
    double aMax = plot->xAxis->range().upper;
    double sMax = plot->yAxis->range().upper;
    for (const Minimum& m : m_minima) {
        aMax = std::max(aMax, kHeadroom * m.a);
        sMax = std::max(sMax, kHeadroom * m.s);
    }
    plot->xAxis->setRangeUpper(aMax);
    plot->yAxis->setRangeUpper(sMax);
}

void EscapeStabilityDiagram::applyTheme(const PlotTheme& theme)
{
    StabilityDiagram::applyTheme(theme);
    if (!m_graph)
        return;   // the base constructor's call
    m_graph->setScatterStyle(
        QCPScatterStyle(QCPScatterStyle::ssDiamond, QPen(theme.foreground, 1.5), QBrush(theme.foreground), 12));
    m_graph->setPen(QPen(theme.foreground));
    for (size_t i = 0; i < m_labels.size(); ++i)
        m_labels[i]->setColor(theme.seriesColor(isStable(static_cast<int>(i)) ? kStableColor : kUnstableColor));
}

QString EscapeStabilityDiagram::pointNote(const QCPAbstractPlottable* plottable, int index) const
{
    if (plottable == m_graph && index >= 0 && index < static_cast<int>(m_minima.size()))
        return minimumLabel(index);
    return StabilityDiagram::pointNote(plottable, index);
}

QString EscapeStabilityDiagram::toCsv() const
{
    using plotexport::csvNumber;
    QString csv = plotexport::csvRow({QStringLiteral("x"), QStringLiteral("a"), QStringLiteral("s"),
                                      QStringLiteral("eta"), QStringLiteral("batch_size"),
                                      QStringLiteral("stability_quantity")});
    for (size_t i = 0; i < m_minima.size(); ++i)
        csv += plotexport::csvRow({csvNumber(m_minima[i].x), csvNumber(m_minima[i].a), csvNumber(m_minima[i].s),
                                   csvNumber(m_eta), QString::number(m_batchSize),
                                   csvNumber(stabilityQuantity(static_cast<int>(i)))});
    return csv;
}

}   // namespace minimascope::ui
