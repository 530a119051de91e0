#include "LossPlot.h"

#include "PlotExport.h"
#include "QCustomPlotInclude.h"

#include <cmath>

namespace minimascope::ui {
namespace {
// Opacity (0..255) of the accuracy lines, which sit behind the loss.
constexpr int accuracyAlpha = 150;
}   // namespace

LossPlot::LossPlot(QWidget* parent) : PlotPanel(parent)
{
    QCustomPlot* plot = customPlot();
    setTitle(QStringLiteral("Loss and accuracy"));
    plot->xAxis->setLabel(QStringLiteral("iteration"));
    plot->yAxis->setLabel(QStringLiteral("loss"));
    plot->yAxis2->setLabel(QStringLiteral("accuracy"));
    plot->yAxis2->setVisible(true);
    plot->yAxis2->setRange(0.0, 1.0);
    plot->xAxis->setRange(0.0, 100.0);
    plot->yAxis->setRange(0.0, 2.5);   // ln(10) ≈ 2.3 is the loss of a 10-class guess

    // Short names: two fit side by side in the legend of a small panel; the thin lines and the
    // right axis tell accuracy from loss.
    const char* names[4] = {"train loss", "test loss", "train accuracy", "test accuracy"};
    for (int i = 0; i < 4; ++i) {
        QCPAxis* valueAxis = i < 2 ? plot->yAxis : plot->yAxis2;
        m_graphs[i] = plot->addGraph(plot->xAxis, valueAxis);
        m_graphs[i]->setName(QString::fromUtf8(names[i]));
    }
    showMeasuredSeries();
    applyTheme(theme());
}

void LossPlot::showMeasuredSeries()
{
    // A run without a test split or without accuracy (regression, the escape toy) lists only
    // what it measures, and has no accuracy axis when it measures no accuracy at all.
    bool same = true;
    for (QCPGraph* g : m_graphs)
        same = same && customPlot()->legend->hasItemWithPlottable(g) == (g->dataCount() > 0);
    if (!same) {
        // Re-added in the series' order, whichever arrived first.
        for (QCPGraph* g : m_graphs)
            setInLegend(g, false);
        for (QCPGraph* g : m_graphs)
            setInLegend(g, g->dataCount() > 0);
    }
    const bool anyAccuracy = m_graphs[int(Series::TrainAccuracy)]->dataCount() > 0
                             || m_graphs[int(Series::TestAccuracy)]->dataCount() > 0;
    customPlot()->yAxis2->setVisible(anyAccuracy);
}

QCPGraph* LossPlot::graph(Series series) const { return m_graphs[int(series)]; }

void LossPlot::appendEvaluation(double iteration, double trainLoss, double testLoss, double trainAccuracy,
                                double testAccuracy)
{
    m_rows.push_back({iteration, trainLoss, testLoss, trainAccuracy, testAccuracy});
    const double values[4] = {trainLoss, testLoss, trainAccuracy, testAccuracy};
    for (int i = 0; i < 4; ++i) {
        if (!std::isnan(values[i]))
            m_graphs[i]->addData(iteration, values[i]);
    }
    showMeasuredSeries();
    scheduleReplot();
}

void LossPlot::setLogScale(bool on)
{
    m_logScale = on;
    QCPAxis* axis = customPlot()->yAxis;
    setAxisLogarithmic(axis, on);
    // A log axis cannot show 0: start from a range a training loss usually spans.
    axis->setRange(on ? QCPRange(1e-4, 10.0) : QCPRange(0.0, 2.5));
    resetView();
}

void LossPlot::fitView() const
{
    PlotPanel::fitView();
    QCustomPlot* plot = customPlot();
    // Accuracy always on its full scale so that runs read alike; a linear loss axis from 0.
    plot->yAxis2->setRange(-0.02, 1.02);
    if (!m_logScale && plot->yAxis->range().lower < 0.0)
        plot->yAxis->setRange(0.0, plot->yAxis->range().upper);
}

void LossPlot::applyTheme(const PlotTheme&)
{
    // Train and test keep their hue in both quantities; accuracy (right axis) is thinner and
    // lighter. Not dashed: QCustomPlot strokes a dashed line segment by segment, which costs
    // ~7 ms a replot at 20,000 points (docs/benchmarks.md, "Plots").
    m_graphs[0]->setPen(seriesPen(0, 2.0));
    m_graphs[1]->setPen(seriesPen(1, 2.0));
    for (int i = 2; i < 4; ++i) {
        QPen pen = seriesPen(i - 2, 1.0);
        QColor c = pen.color();
        c.setAlpha(accuracyAlpha);
        pen.setColor(c);
        m_graphs[i]->setPen(pen);
    }
}

QString LossPlot::toCsv() const
{
    using plotexport::csvNumber;
    QString csv = plotexport::csvRow({QStringLiteral("iteration"), QStringLiteral("train_loss"),
                                      QStringLiteral("test_loss"), QStringLiteral("train_accuracy"),
                                      QStringLiteral("test_accuracy")});
    for (const Row& r : m_rows) {
        csv += plotexport::csvRow({csvNumber(r.iteration), csvNumber(r.trainLoss), csvNumber(r.testLoss),
                                   csvNumber(r.trainAccuracy), csvNumber(r.testAccuracy)});
    }
    return csv;
}

void LossPlot::clear()
{
    m_rows.clear();
    for (QCPGraph* g : m_graphs)
        g->data()->clear();
    showMeasuredSeries();
    resetView();
}

}   // namespace minimascope::ui
