#include "study/StudyDiagram.h"

#include "PlotExport.h"
#include "QCustomPlotInclude.h"
#include "study/StudyTableModel.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace minimascope::ui {
namespace {

constexpr double markerSize = 8.0;
constexpr double ringSize = 15.0;

// Categorical colors of the theme, skipping the bounds' red (1) and the region's green (2).
constexpr int categoricalColors[] = {0, 3, 4, 5, 6, 7};

const QCPScatterStyle::ScatterShape shapes[] = {QCPScatterStyle::ssCircle, QCPScatterStyle::ssSquare,
                                                QCPScatterStyle::ssTriangle, QCPScatterStyle::ssDiamond,
                                                QCPScatterStyle::ssTriangleInverted};

// A perceptually ordered ramp (viridis, without its last, too light yellow) for η and B, whose
// values are ordered: small values dark purple, large ones green.
QColor ramp(double t)
{
    static const QColor stops[] = {QColor(0x44, 0x01, 0x54), QColor(0x3b, 0x52, 0x8b), QColor(0x21, 0x91, 0x8c),
                                   QColor(0x5e, 0xc9, 0x62), QColor(0xb5, 0xde, 0x2b)};
    constexpr int last = int(std::size(stops)) - 1;
    t = std::clamp(t, 0.0, 1.0) * last;
    const int i = std::min(int(t), last - 1);
    const double f = t - i;
    const QColor& a = stops[i];
    const QColor& b = stops[i + 1];
    return QColor::fromRgbF(float(a.redF() + f * (b.redF() - a.redF())),
                            float(a.greenF() + f * (b.greenF() - a.greenF())),
                            float(a.blueF() + f * (b.blueF() - a.blueF())));
}

}   // namespace

StudyDiagram::StudyDiagram(QWidget* parent) : StabilityDiagram(parent)
{
    // A study has no live run: the current-run trajectory stays empty and out of the legend.
    trajectory()->removeFromLegend();
    setTitle(tr("Stability diagram of the study"));
    connect(customPlot(), &QCustomPlot::plottableClick, this,
            [this](QCPAbstractPlottable* plottable, int index, QMouseEvent*) {
                const int run = runAt(plottable, index);
                if (run >= 0)
                    Q_EMIT runClicked(run);
            });
    rebuild();
}

bool StudyDiagram::isPlotted(const core::StudyRunRecord& run)
{
    return run.state == core::StudyRunState::Done && std::isfinite(run.sharpness) && std::isfinite(run.nonUniformity);
}

void StudyDiagram::setRuns(const std::vector<core::StudyRunRecord>& runs)
{
    m_runs = runs;
    m_highlighted.erase(
        std::remove_if(m_highlighted.begin(), m_highlighted.end(), [this](int i) { return i >= int(m_runs.size()); }),
        m_highlighted.end());
    rebuild();
}

void StudyDiagram::setGrouping(Grouping grouping)
{
    if (grouping == m_grouping)
        return;
    m_grouping = grouping;
    rebuild();
}

void StudyDiagram::setHighlighted(const std::vector<int>& runs)
{
    m_highlighted = runs;
    rebuild();
}

void StudyDiagram::rebuild()
{
    QCustomPlot* plot = customPlot();
    for (const Group& g : std::as_const(m_groups)) {
        plot->removeGraph(g.filled);
        plot->removeGraph(g.hollow);
    }
    m_groups.clear();
    if (m_notConvergedEntry)
        plot->removeGraph(m_notConvergedEntry);
    if (m_highlight)
        plot->removeGraph(m_highlight);

    // Groups in the order of their value: numbers ascending, optimizer names alphabetically.
    struct Key {
        double number;
        QString text;
        bool operator<(const Key& o) const { return number != o.number ? number < o.number : text < o.text; }
    };
    std::map<Key, std::vector<int>> byValue;
    for (int i = 0; i < int(m_runs.size()); ++i) {
        const core::StudyRunRecord& run = m_runs[size_t(i)];
        if (!isPlotted(run))
            continue;
        switch (m_grouping) {
        case Grouping::LearningRate: byValue[{run.eta, {}}].push_back(i); break;
        case Grouping::BatchSize: byValue[{double(run.batchSize), {}}].push_back(i); break;
        case Grouping::Optimizer: byValue[{0.0, QString::fromStdString(run.optimizer)}].push_back(i); break;
        }
    }
    for (auto& [key, indices] : byValue) {
        std::stable_sort(indices.begin(), indices.end(),
                         [this](int l, int r) { return m_runs[size_t(l)].sharpness < m_runs[size_t(r)].sharpness; });
        Group group;
        switch (m_grouping) {
        case Grouping::LearningRate:
            group.label = QStringLiteral("η = %1").arg(StudyTableModel::formatNumber(key.number));
            break;
        case Grouping::BatchSize: group.label = QStringLiteral("B = %1").arg(qint64(key.number)); break;
        case Grouping::Optimizer: group.label = key.text; break;
        }
        QVector<double> fa, fs, ha, hs;
        for (int i : indices) {
            const core::StudyRunRecord& run = m_runs[size_t(i)];
            if (run.converged) {
                group.filledRuns.push_back(i);
                fa << run.sharpness;
                fs << run.nonUniformity;
            } else {
                group.hollowRuns.push_back(i);
                ha << run.sharpness;
                hs << run.nonUniformity;
            }
        }
        group.filled = plot->addGraph();
        group.filled->setName(group.label);
        group.filled->setLineStyle(QCPGraph::lsNone);
        group.filled->setData(fa, fs, true);
        group.hollow = plot->addGraph();
        group.hollow->setName(group.label + tr(" (not converged)"));
        group.hollow->setLineStyle(QCPGraph::lsNone);
        group.hollow->setData(ha, hs, true);
        group.hollow->removeFromLegend();
        m_groups << group;
    }
    m_notConvergedEntry = plot->addGraph();
    m_notConvergedEntry->setName(tr("not converged (loss target not reached)"));
    m_notConvergedEntry->setLineStyle(QCPGraph::lsNone);
    bool anyHollow = false;
    for (const Group& g : std::as_const(m_groups))
        anyHollow = anyHollow || !g.hollowRuns.empty();
    if (!anyHollow)
        m_notConvergedEntry->removeFromLegend();

    // Rings last, so that they lie on top of the points.
    m_highlight = plot->addGraph();
    m_highlight->setName(tr("selected"));
    m_highlight->setLineStyle(QCPGraph::lsNone);
    m_highlight->removeFromLegend();
    QVector<double> ra, rs;
    std::vector<int> rings = m_highlighted;
    std::sort(rings.begin(), rings.end(),
              [this](int l, int r) { return m_runs[size_t(l)].sharpness < m_runs[size_t(r)].sharpness; });
    for (int i : rings) {
        if (i >= 0 && i < int(m_runs.size()) && isPlotted(m_runs[size_t(i)])) {
            ra << m_runs[size_t(i)].sharpness;
            rs << m_runs[size_t(i)].nonUniformity;
        }
    }
    m_highlight->setData(ra, rs, true);
    applyTheme(theme());
    scheduleReplot();
}

int StudyDiagram::runAt(const QCPAbstractPlottable* plottable, int index) const
{
    for (const Group& g : m_groups) {
        const std::vector<int>* runs = plottable == g.filled   ? &g.filledRuns
                                       : plottable == g.hollow ? &g.hollowRuns
                                                               : nullptr;
        if (runs && index >= 0 && index < int(runs->size()))
            return (*runs)[size_t(index)];
    }
    return -1;
}

void StudyDiagram::visitViewPoints(const std::function<void(double a, double s)>& visit) const
{
    for (const core::StudyRunRecord& run : m_runs)
        if (isPlotted(run))
            visit(run.sharpness, run.nonUniformity);
}

bool StudyDiagram::suggestsLogAxes(const std::vector<core::StudyRunRecord>& runs)
{
    double aLow = INFINITY, aHigh = 0.0, sLow = INFINITY, sHigh = 0.0;
    for (const core::StudyRunRecord& run : runs) {
        if (!isPlotted(run) || run.sharpness <= 0.0 || run.nonUniformity <= 0.0)
            continue;
        aLow = std::min(aLow, run.sharpness);
        aHigh = std::max(aHigh, run.sharpness);
        sLow = std::min(sLow, run.nonUniformity);
        sHigh = std::max(sHigh, run.nonUniformity);
    }
    return aHigh >= kLogAxisSpan * aLow || sHigh >= kLogAxisSpan * sLow;
}

void StudyDiagram::applyTheme(const PlotTheme& t)
{
    StabilityDiagram::applyTheme(t);
    const int count = int(m_groups.size());
    const bool dark = t.background.lightnessF() < 0.5;
    for (int i = 0; i < count; ++i) {
        const Group& g = m_groups[i];
        QColor color;
        QCPScatterStyle::ScatterShape shape = QCPScatterStyle::ssCircle;
        if (m_grouping == Grouping::Optimizer) {
            color = t.seriesColor(categoricalColors[i % int(std::size(categoricalColors))]);
            shape = shapes[i % int(std::size(shapes))];
        } else {
            // Ordered values on the ramp; the dark theme skips its darkest end.
            const double u = count > 1 ? double(i) / (count - 1) : 0.5;
            color = ramp(dark ? 0.3 + 0.7 * u : u);
        }
        g.filled->setScatterStyle(QCPScatterStyle(shape, QPen(color.darker(125), 1.0), QBrush(color), markerSize));
        g.filled->setPen(QPen(color));
        g.hollow->setScatterStyle(QCPScatterStyle(shape, QPen(color, 1.6), Qt::NoBrush, markerSize));
        g.hollow->setPen(QPen(color));
    }
    if (m_notConvergedEntry) {
        m_notConvergedEntry->setPen(QPen(t.foreground));
        m_notConvergedEntry->setScatterStyle(
            QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(t.foreground, 1.6), Qt::NoBrush, markerSize));
    }
    if (m_highlight) {
        m_highlight->setScatterStyle(
            QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(t.foreground, 2.0), Qt::NoBrush, ringSize));
    }
}

QString StudyDiagram::pointNote(const QCPAbstractPlottable* plottable, int index) const
{
    const int i = runAt(plottable, index);
    if (i < 0)
        return StabilityDiagram::pointNote(plottable, index);
    const core::StudyRunRecord& run = m_runs[size_t(i)];
    return QStringLiteral("#%1 %2, %3 η = %4, B = %5%6")
        .arg(run.ordinal + 1)
        .arg(QString::fromStdString(core::describeAxes(nlohmann::json::parse(run.axesJson, nullptr, false))),
             QString::fromStdString(run.optimizer), StudyTableModel::formatNumber(run.eta))
        .arg(run.batchSize)
        .arg(run.converged ? QString() : tr(" (not converged)"));
}

QString StudyDiagram::toCsv() const
{
    using plotexport::csvNumber;
    QString csv = plotexport::csvRow({QStringLiteral("run"), QStringLiteral("axes"), QStringLiteral("optimizer"),
                                      QStringLiteral("eta"), QStringLiteral("batch_size"), QStringLiteral("a"),
                                      QStringLiteral("s"), QStringLiteral("converged")});
    for (const core::StudyRunRecord& run : m_runs) {
        if (!isPlotted(run))
            continue;
        csv += plotexport::csvRow(
            {QString::number(run.ordinal + 1),
             QString::fromStdString(core::describeAxes(nlohmann::json::parse(run.axesJson, nullptr, false))),
             QString::fromStdString(run.optimizer), csvNumber(run.eta), QString::number(run.batchSize),
             csvNumber(run.sharpness), csvNumber(run.nonUniformity),
             run.converged ? QStringLiteral("true") : QStringLiteral("false")});
    }
    return csv;
}

}   // namespace minimascope::ui
