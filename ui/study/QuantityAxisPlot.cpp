#include "study/QuantityAxisPlot.h"

#include "PlotExport.h"
#include "QCustomPlotInclude.h"
#include "study/StudyTableModel.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace minimascope::ui {
namespace {
// The single runs stay in the background: light enough that the means read first.
constexpr int runAlpha = 110;
constexpr double runMarker = 6.0;
constexpr double meanMarker = 13.0;
// A positive x spanning at least this factor gets a log axis (B from 1 to 100, η over decades).
constexpr double logSpan = 10.0;
}   // namespace

QuantityAxisPlot::QuantityAxisPlot(QWidget* parent) : PlotPanel(parent)
{
    QCustomPlot* plot = customPlot();
    m_runs = plot->addGraph();
    m_runs->setName(tr("single runs"));
    m_runs->setLineStyle(QCPGraph::lsNone);
    m_hollow = plot->addGraph();
    m_hollow->setName(tr("not converged"));
    m_hollow->setLineStyle(QCPGraph::lsNone);
    m_means = plot->addGraph();
    m_means->setName(tr("mean"));
    m_means->setLineStyle(QCPGraph::lsLine);
    m_highlight = plot->addGraph();
    m_highlight->setName(tr("selected"));
    m_highlight->setLineStyle(QCPGraph::lsNone);
    m_highlight->removeFromLegend();
    connect(plot, &QCustomPlot::plottableClick, this, [this](QCPAbstractPlottable* plottable, int index, QMouseEvent*) {
        const std::vector<int>* runs = plottable == m_runs     ? &m_runIndex
                                       : plottable == m_hollow ? &m_hollowIndex
                                                               : nullptr;
        if (runs && index >= 0 && index < int(runs->size()))
            Q_EMIT runClicked((*runs)[size_t(index)]);
    });
    rebuild();
}

void QuantityAxisPlot::setHighlighted(const std::vector<int>& runs)
{
    m_highlighted = runs;
    QVector<double> xs, ys;
    std::vector<Point> rings;
    for (const Point& p : m_points)
        if (std::find(m_highlighted.begin(), m_highlighted.end(), p.run) != m_highlighted.end())
            rings.push_back(p);
    for (const Point& p : rings) {   // m_points is sorted by x
        xs << p.x;
        ys << p.y;
    }
    m_highlight->setData(xs, ys, true);
    scheduleReplot();
}

QString QuantityAxisPlot::measureName(Measure measure)
{
    switch (measure) {
    case Measure::Sharpness: return QStringLiteral("sharpness a");
    case Measure::NonUniformity: return QStringLiteral("non-uniformity s");
    case Measure::TestAccuracy: return QStringLiteral("test accuracy");
    case Measure::TrainLoss: return QStringLiteral("train loss");
    }
    return {};
}

double QuantityAxisPlot::measureOf(const core::StudyRunRecord& run, Measure measure)
{
    switch (measure) {
    case Measure::Sharpness: return run.sharpness;
    case Measure::NonUniformity: return run.nonUniformity;
    case Measure::TestAccuracy: return run.testAccuracy;
    case Measure::TrainLoss: return run.trainLoss;
    }
    return std::nan("");
}

void QuantityAxisPlot::setRuns(const std::vector<core::StudyRunRecord>& runs)
{
    m_records = runs;
    m_highlighted.erase(std::remove_if(m_highlighted.begin(), m_highlighted.end(),
                                       [this](int i) { return i >= int(m_records.size()); }),
                        m_highlighted.end());
    rebuild();
}

void QuantityAxisPlot::setChoice(const XChoice& x, Measure y)
{
    m_x = x;
    m_y = y;
    rebuild();
    resetView();
}

QString QuantityAxisPlot::xName() const
{
    switch (m_x.kind) {
    case XChoice::Kind::Axis: return m_x.axis;
    case XChoice::Kind::Eta: return QStringLiteral("η");
    case XChoice::Kind::BatchSize: return QStringLiteral("B");
    case XChoice::Kind::Measure: return measureName(m_x.measure);
    }
    return {};
}

void QuantityAxisPlot::rebuild()
{
    // The x of every done run: a number, or a category for text values.
    std::vector<QVariant> xs(m_records.size());
    bool text = false;
    for (size_t i = 0; i < m_records.size(); ++i) {
        const core::StudyRunRecord& run = m_records[i];
        if (run.state != core::StudyRunState::Done)
            continue;
        switch (m_x.kind) {
        case XChoice::Kind::Axis: xs[i] = StudyTableModel::axisValue(run, m_x.axis); break;
        case XChoice::Kind::Eta: xs[i] = run.eta; break;
        case XChoice::Kind::BatchSize: xs[i] = double(run.batchSize); break;
        case XChoice::Kind::Measure: xs[i] = measureOf(run, m_x.measure); break;
        }
        text = text || xs[i].typeId() == QMetaType::QString;
    }
    m_categories.clear();
    if (text) {
        for (const QVariant& v : xs)
            if (v.isValid() && !m_categories.contains(v.toString()))
                m_categories << v.toString();
        std::sort(m_categories.begin(), m_categories.end());
    }
    m_points.clear();
    for (size_t i = 0; i < m_records.size(); ++i) {
        if (!xs[i].isValid())
            continue;
        const double x = text ? double(m_categories.indexOf(xs[i].toString())) : xs[i].toDouble();
        const double y = measureOf(m_records[i], m_y);
        if (std::isfinite(x) && std::isfinite(y))
            m_points.push_back({x, y, int(i)});
    }
    std::stable_sort(m_points.begin(), m_points.end(), [](const Point& l, const Point& r) { return l.x < r.x; });

    QVector<double> rx, ry, hx, hy, mx, my;
    m_runIndex.clear();
    m_hollowIndex.clear();
    m_meanCounts.clear();
    std::map<double, std::pair<double, int>> sums;   // x -> (sum of y, runs)
    for (const Point& p : m_points) {
        if (m_records[size_t(p.run)].converged) {
            rx << p.x;
            ry << p.y;
            m_runIndex.push_back(p.run);
            // Only minima enter the means: a run stopped at the iteration cap is not one.
            sums[p.x].first += p.y;
            sums[p.x].second += 1;
        } else {
            hx << p.x;
            hy << p.y;
            m_hollowIndex.push_back(p.run);
        }
    }
    // A measure on x has a value per run: there is nothing to average.
    if (m_x.kind != XChoice::Kind::Measure) {
        for (const auto& [x, sum] : sums) {
            mx << x;
            my << sum.first / sum.second;
            m_meanCounts.push_back(sum.second);
        }
    }
    m_runs->setData(rx, ry, true);
    m_hollow->setData(hx, hy, true);
    m_means->setData(mx, my, true);
    setInLegend(m_hollow, !hx.isEmpty());
    setInLegend(m_means, !mx.isEmpty());

    QCustomPlot* plot = customPlot();
    setTitle(tr("%1 against %2").arg(measureName(m_y), xName()));
    plot->xAxis->setLabel(xName());
    plot->yAxis->setLabel(measureName(m_y));
    bool positive = !m_points.empty() && !text;
    double lo = 0.0, hi = 0.0;
    if (positive) {
        lo = m_points.front().x;
        hi = m_points.back().x;
        positive = lo > 0.0 && hi / lo >= logSpan;
    }
    if (text) {
        auto ticker = QSharedPointer<QCPAxisTickerText>::create();
        for (int i = 0; i < m_categories.size(); ++i)
            ticker->addTick(i, m_categories[i]);
        plot->xAxis->setScaleType(QCPAxis::stLinear);
        plot->xAxis->setTicker(ticker);
    } else if (positive) {
        plot->xAxis->setScaleType(QCPAxis::stLogarithmic);
        plot->xAxis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
    } else {
        plot->xAxis->setScaleType(QCPAxis::stLinear);
        plot->xAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());
    }
    setHighlighted(m_highlighted);
    applyTheme(theme());
    scheduleReplot();
}

void QuantityAxisPlot::fitView() const
{
    PlotPanel::fitView();
    if (categorical()) {
        // Every category in view with half a step of room at each side.
        customPlot()->xAxis->setRange(-0.5, double(m_categories.size()) - 0.5);
    }
}

void QuantityAxisPlot::applyTheme(const PlotTheme& t)
{
    QColor light = t.seriesColor(0);
    light.setAlpha(runAlpha);
    m_runs->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, light, runMarker));
    m_hollow->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(light, 1.4), Qt::NoBrush, runMarker));
    m_runs->setPen(QPen(light));
    m_hollow->setPen(QPen(light));
    const QColor strong = t.seriesColor(3);
    m_means->setPen(QPen(strong, 1.4));
    m_means->setScatterStyle(
        QCPScatterStyle(QCPScatterStyle::ssDiamond, QPen(strong.darker(130), 1.2), QBrush(strong), meanMarker));
    m_highlight->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(t.foreground, 1.6), Qt::NoBrush, 12));
}

QString QuantityAxisPlot::pointNote(const QCPAbstractPlottable* plottable, int index) const
{
    const std::vector<int>* runs = plottable == m_runs ? &m_runIndex : plottable == m_hollow ? &m_hollowIndex : nullptr;
    if (plottable == m_means && index >= 0 && index < int(m_meanCounts.size()))
        return tr("mean of %n run(s)", nullptr, m_meanCounts[size_t(index)]);
    if (!runs || index < 0 || index >= int(runs->size()))
        return {};
    const core::StudyRunRecord& run = m_records[size_t((*runs)[size_t(index)])];
    return QStringLiteral("#%1 %2")
        .arg(run.ordinal + 1)
        .arg(QString::fromStdString(core::describeAxes(nlohmann::json::parse(run.axesJson, nullptr, false))));
}

QString QuantityAxisPlot::toCsv() const
{
    using plotexport::csvNumber;
    const auto xText = [this](double x) { return categorical() ? m_categories.value(int(x)) : csvNumber(x); };
    QString csv = plotexport::csvRow({QStringLiteral("kind"), xName(), measureName(m_y), QStringLiteral("runs")});
    for (const Point& p : m_points)
        csv += plotexport::csvRow({QStringLiteral("run"), xText(p.x), csvNumber(p.y), QStringLiteral("1")});
    const auto data = m_means->data();
    for (int i = 0; i < data->size(); ++i) {
        const QCPGraphData& d = *(data->constBegin() + i);
        csv += plotexport::csvRow(
            {QStringLiteral("mean"), xText(d.key), csvNumber(d.value), QString::number(m_meanCounts[size_t(i)])});
    }
    return csv;
}

void QuantityAxisPlot::clear() { setRuns({}); }

}   // namespace minimascope::ui
