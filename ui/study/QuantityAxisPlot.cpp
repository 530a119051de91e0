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
// The lines of means after the light runs' blue (0), the red (1) and green (2) other plots use
// for bounds and regions: orange first.
constexpr int firstMeanColor = 3;
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
    // The rings on a layer of their own, above the lines of means rebuilt later.
    plot->addLayer(QStringLiteral("rings"), plot->layer(QStringLiteral("main")), QCustomPlot::limAbove);
    m_highlight = plot->addGraph();
    m_highlight->setLayer(QStringLiteral("rings"));
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

    // A line of means per optimizer of the drawn runs, named when there are several.
    std::map<std::string, int> lineOf;
    for (const Point& p : m_points)
        lineOf.emplace(m_records[size_t(p.run)].optimizer, 0);
    const bool perOptimizer = lineOf.size() > 1;
    int line = 0;
    for (auto& [optimizer, index] : lineOf)
        index = line++;

    QVector<double> rx, ry, hx, hy;
    m_runIndex.clear();
    m_hollowIndex.clear();
    std::vector<std::map<double, std::pair<double, int>>> sums(lineOf.size());   // per line: x -> (sum of y, runs)
    for (const Point& p : m_points) {
        const core::StudyRunRecord& run = m_records[size_t(p.run)];
        if (run.converged) {
            rx << p.x;
            ry << p.y;
            m_runIndex.push_back(p.run);
            // Only minima enter the means: a run stopped at the iteration cap is not one.
            auto& sum = sums[size_t(lineOf[run.optimizer])][p.x];
            sum.first += p.y;
            sum.second += 1;
        } else {
            hx << p.x;
            hy << p.y;
            m_hollowIndex.push_back(p.run);
        }
    }
    QCustomPlot* plot = customPlot();
    for (const MeanLine& old : m_means)
        plot->removeGraph(old.graph);
    m_means.clear();
    // A measure on x has a value per run: there is nothing to average.
    if (m_x.kind != XChoice::Kind::Measure) {
        for (const auto& [optimizer, index] : lineOf) {
            if (sums[size_t(index)].empty())
                continue;
            MeanLine mean;
            mean.optimizer = perOptimizer ? QString::fromStdString(optimizer) : QString();
            mean.graph = plot->addGraph();
            mean.graph->setName(perOptimizer ? tr("mean: %1").arg(mean.optimizer) : tr("mean"));
            mean.graph->setLineStyle(QCPGraph::lsLine);
            QVector<double> mx, my;
            for (const auto& [x, sum] : sums[size_t(index)]) {
                mx << x;
                my << sum.first / sum.second;
                mean.runs.push_back(sum.second);
            }
            mean.graph->setData(mx, my, true);
            m_means.push_back(mean);
        }
    }
    m_runs->setData(rx, ry, true);
    m_hollow->setData(hx, hy, true);
    setInLegend(m_hollow, !hx.isEmpty());

    setTitle(tr("%1 against %2").arg(measureName(m_y), xName()));
    plot->xAxis->setLabel(xName());
    plot->yAxis->setLabel(measureName(m_y));
    // x and y each get a log axis when all their values are positive and span a decade or more
    // (a across optimizers spans 0.04 to 190).
    double xLow = INFINITY, xHigh = -INFINITY, yLow = INFINITY, yHigh = -INFINITY;
    for (const Point& p : m_points) {
        xLow = std::min(xLow, p.x);
        xHigh = std::max(xHigh, p.x);
        yLow = std::min(yLow, p.y);
        yHigh = std::max(yHigh, p.y);
    }
    const auto spansDecades = [](double low, double high) { return low > 0.0 && high >= kLogAxisSpan * low; };
    if (text) {
        auto ticker = QSharedPointer<QCPAxisTickerText>::create();
        for (int i = 0; i < m_categories.size(); ++i)
            ticker->addTick(i, m_categories[i]);
        plot->xAxis->setScaleType(QCPAxis::stLinear);
        plot->xAxis->setTicker(ticker);
    } else {
        setAxisLogarithmic(plot->xAxis, spansDecades(xLow, xHigh));
    }
    setAxisLogarithmic(plot->yAxis, spansDecades(yLow, yHigh));
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
    for (size_t i = 0; i < m_means.size(); ++i) {
        const QColor strong = t.seriesColor(firstMeanColor + int(i));
        m_means[i].graph->setPen(QPen(strong, 1.4));
        m_means[i].graph->setScatterStyle(
            QCPScatterStyle(QCPScatterStyle::ssDiamond, QPen(strong.darker(130), 1.2), QBrush(strong), meanMarker));
    }
    m_highlight->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(t.foreground, 1.6), Qt::NoBrush, 12));
}

QString QuantityAxisPlot::pointNote(const QCPAbstractPlottable* plottable, int index) const
{
    const std::vector<int>* runs = plottable == m_runs ? &m_runIndex : plottable == m_hollow ? &m_hollowIndex : nullptr;
    for (const MeanLine& mean : m_means) {
        if (plottable == mean.graph && index >= 0 && index < int(mean.runs.size())) {
            const QString note = tr("mean of %n run(s)", nullptr, mean.runs[size_t(index)]);
            return mean.optimizer.isEmpty() ? note : QStringLiteral("%1: %2").arg(mean.optimizer, note);
        }
    }
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
    QString csv = plotexport::csvRow(
        {QStringLiteral("kind"), xName(), measureName(m_y), QStringLiteral("runs"), QStringLiteral("optimizer")});
    for (const Point& p : m_points) {
        csv += plotexport::csvRow({QStringLiteral("run"), xText(p.x), csvNumber(p.y), QStringLiteral("1"),
                                   QString::fromStdString(m_records[size_t(p.run)].optimizer)});
    }
    for (const MeanLine& mean : m_means) {
        const auto data = mean.graph->data();
        for (int i = 0; i < data->size(); ++i) {
            const QCPGraphData& d = *(data->constBegin() + i);
            csv += plotexport::csvRow({QStringLiteral("mean"), xText(d.key), csvNumber(d.value),
                                       QString::number(mean.runs[size_t(i)]), mean.optimizer});
        }
    }
    return csv;
}

void QuantityAxisPlot::clear() { setRuns({}); }

}   // namespace minimascope::ui
