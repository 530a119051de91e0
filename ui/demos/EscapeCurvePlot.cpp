#include "EscapeCurvePlot.h"

#include "PlotExport.h"
#include "QCustomPlotInclude.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace minimascope::ui {
namespace {

// Series colors of the theme: SGD blue and GD orange, as in the explanation; the per-example
// losses green and purple.
constexpr int kSgdColor = 0;
constexpr int kExample1Color = 2;
constexpr int kGdColor = 3;
constexpr int kExample2Color = 4;
// Opacity of the trails of visited points.
constexpr int kTrailAlpha = 90;

QVector<double> toVector(const std::vector<double>& values, size_t count)
{
    return QVector<double>(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(count));
}

}   // namespace

EscapeCurvePlot::EscapeCurvePlot(QWidget* parent) : PlotPanel(parent)
{
    QCustomPlot* plot = customPlot();
    setTitle(QStringLiteral("The escape toy: f(x) = (f₁ + f₂)/2, minima at x = 0 and x = 1"));
    plot->xAxis->setLabel(QStringLiteral("parameter x"));
    plot->yAxis->setLabel(QStringLiteral("loss"));
    plot->xAxis->setRange(-0.4, 1.4);
    plot->yAxis->setRange(0.0, 0.4);

    m_example1 = plot->addGraph();
    m_example1->setName(QStringLiteral("f₁ = min{x², 0.1(x−1)²}"));
    m_example2 = plot->addGraph();
    m_example2->setName(QStringLiteral("f₂ = min{x², 1.9(x−1)²}"));
    m_mean = plot->addGraph();
    m_mean->setName(QStringLiteral("training loss f"));
    m_gdTrail = plot->addGraph();
    m_sgdTrail = plot->addGraph();
    for (QCPGraph* trail : {m_gdTrail, m_sgdTrail}) {
        trail->setLineStyle(QCPGraph::lsNone);
        setInLegend(trail, false);
    }
    m_gdDot = plot->addGraph();
    m_gdDot->setName(QStringLiteral("GD"));
    m_sgdDot = plot->addGraph();
    m_sgdDot->setName(QStringLiteral("SGD"));
    for (QCPGraph* dot : {m_gdDot, m_sgdDot})
        dot->setLineStyle(QCPGraph::lsNone);

    m_stepLabel = new QCPItemText(plot);
    m_stepLabel->setPositionAlignment(Qt::AlignTop | Qt::AlignHCenter);
    m_stepLabel->position->setType(QCPItemPosition::ptAxisRectRatio);
    m_stepLabel->position->setCoords(0.5, 0.02);
    m_stepLabel->setClipToAxisRect(false);
    applyTheme(theme());
}

void EscapeCurvePlot::setCurves(const std::vector<double>& x, const std::vector<double>& example1,
                                const std::vector<double>& example2, const std::vector<double>& mean)
{
    const bool valid = example1.size() == x.size() && example2.size() == x.size() && mean.size() == x.size();
    m_x = valid ? x : std::vector<double>();
    m_f1 = valid ? example1 : std::vector<double>();
    m_f2 = valid ? example2 : std::vector<double>();
    m_f = valid ? mean : std::vector<double>();
    m_example1->setData(toVector(m_x, m_x.size()), toVector(m_f1, m_f1.size()), true);
    m_example2->setData(toVector(m_x, m_x.size()), toVector(m_f2, m_f2.size()), true);
    m_mean->setData(toVector(m_x, m_x.size()), toVector(m_f, m_f.size()), true);
    scheduleReplot();
}

void EscapeCurvePlot::setPaths(const std::vector<double>& gdX, const std::vector<double>& gdLoss,
                               const std::vector<double>& sgdX, const std::vector<double>& sgdLoss)
{
    m_gd = gdX.size() == gdLoss.size() ? Path{gdX, gdLoss} : Path{};
    m_sgd = sgdX.size() == sgdLoss.size() ? Path{sgdX, sgdLoss} : Path{};
    setStep(0);
}

int EscapeCurvePlot::lastStep() const
{
    return std::max(0, static_cast<int>(std::max(m_gd.x.size(), m_sgd.x.size())) - 1);
}

void EscapeCurvePlot::showStep(const Path& path, int step, QCPGraph* dot, QCPGraph* trail) const
{
    if (path.x.empty()) {
        dot->data()->clear();
        trail->data()->clear();
        return;
    }
    const size_t k = std::min(path.x.size() - 1, static_cast<size_t>(step));
    // Unsorted keys: the trail is a scatter of visited points in the order of visit.
    trail->setData(toVector(path.x, k + 1), toVector(path.loss, k + 1), false);
    dot->setData({path.x[k]}, {path.loss[k]}, true);
}

void EscapeCurvePlot::setStep(int step)
{
    m_step = std::clamp(step, 0, lastStep());
    showStep(m_gd, m_step, m_gdDot, m_gdTrail);
    showStep(m_sgd, m_step, m_sgdDot, m_sgdTrail);
    QString text = QStringLiteral("step %1").arg(m_step);
    if (!std::isnan(gdPosition()))
        text += QStringLiteral("   GD x = %1").arg(gdPosition(), 0, 'f', 3);
    if (!std::isnan(sgdPosition()))
        text += QStringLiteral("   SGD x = %1").arg(sgdPosition(), 0, 'f', 3);
    m_stepLabel->setText(text);
    scheduleReplot();
}

double EscapeCurvePlot::gdPosition() const
{
    return m_gd.x.empty() ? std::numeric_limits<double>::quiet_NaN()
                          : m_gd.x[std::min(m_gd.x.size() - 1, static_cast<size_t>(m_step))];
}

double EscapeCurvePlot::sgdPosition() const
{
    return m_sgd.x.empty() ? std::numeric_limits<double>::quiet_NaN()
                           : m_sgd.x[std::min(m_sgd.x.size() - 1, static_cast<size_t>(m_step))];
}

void EscapeCurvePlot::fitView() const
{
    // x over the curves and every iterate (an SGD step can throw x far out); y from 0 to the
    // highest loss of the curves between the two minima, so the barrier and the minima stay large.
    double xMin = -0.4, xMax = 1.4;
    for (const Path* path : {&m_gd, &m_sgd})
        for (double x : path->x)
            if (std::isfinite(x)) {
                xMin = std::min(xMin, x - 0.1);
                xMax = std::max(xMax, x + 0.1);
            }
    double yMax = 0.0;
    for (size_t i = 0; i < m_x.size(); ++i)
        if (m_x[i] >= -0.4 && m_x[i] <= 1.4)
            yMax = std::max({yMax, m_f1[i], m_f2[i], m_f[i]});
    customPlot()->xAxis->setRange(xMin, xMax);
    customPlot()->yAxis->setRange(-0.02 * yMax, yMax > 0.0 ? 1.15 * yMax : 0.4);
}

void EscapeCurvePlot::applyTheme(const PlotTheme& theme)
{
    m_example1->setPen(seriesPen(kExample1Color, 1.4, Qt::DashLine));
    m_example2->setPen(seriesPen(kExample2Color, 1.4, Qt::DashLine));
    QPen mean(theme.foreground, 2.6);
    m_mean->setPen(mean);
    const auto style = [](QColor color, double size, int alpha) {
        color.setAlpha(alpha);
        QColor edge = color;
        return QCPScatterStyle(QCPScatterStyle::ssCircle, edge, color, size);
    };
    m_gdTrail->setScatterStyle(style(theme.seriesColor(kGdColor), 6, kTrailAlpha));
    m_sgdTrail->setScatterStyle(style(theme.seriesColor(kSgdColor), 6, kTrailAlpha));
    m_gdTrail->setPen(Qt::NoPen);
    m_sgdTrail->setPen(Qt::NoPen);
    m_gdDot->setScatterStyle(style(theme.seriesColor(kGdColor), 15, 255));
    m_sgdDot->setScatterStyle(style(theme.seriesColor(kSgdColor), 11, 255));
    m_gdDot->setPen(seriesPen(kGdColor));
    m_sgdDot->setPen(seriesPen(kSgdColor));
    m_stepLabel->setColor(theme.foreground);
}

QString EscapeCurvePlot::toCsv() const
{
    using plotexport::csvNumber;
    QString csv = plotexport::csvRow(
        {QStringLiteral("x"), QStringLiteral("f1"), QStringLiteral("f2"), QStringLiteral("f")});
    for (size_t i = 0; i < m_x.size(); ++i)
        csv += plotexport::csvRow({csvNumber(m_x[i]), csvNumber(m_f1[i]), csvNumber(m_f2[i]), csvNumber(m_f[i])});
    csv += plotexport::csvRow({QStringLiteral("step"), QStringLiteral("x_gd"), QStringLiteral("f_gd"),
                               QStringLiteral("x_sgd"), QStringLiteral("f_sgd")});
    const size_t steps = std::max(m_gd.x.size(), m_sgd.x.size());
    const auto cell = [](const std::vector<double>& v, size_t i) { return i < v.size() ? csvNumber(v[i]) : QString(); };
    for (size_t i = 0; i < steps; ++i)
        csv += plotexport::csvRow(
            {QString::number(i), cell(m_gd.x, i), cell(m_gd.loss, i), cell(m_sgd.x, i), cell(m_sgd.loss, i)});
    return csv;
}

void EscapeCurvePlot::clear()
{
    setPaths({}, {}, {}, {});
    resetView();
}

}   // namespace minimascope::ui
