#include "LossPlot.h"

#include "PlotExport.h"
#include "QCustomPlotInclude.h"

#include <cmath>

namespace minimascope::ui {
namespace {
// Opacity (0..255) of the accuracy lines, which sit behind the loss.
constexpr int accuracyAlpha = 150;
// Where the switch label sits, as a fraction of the axes' height from the top: below the accuracy
// lines, which end near 1 at the very top.
constexpr double kSwitchLabelHeight = 0.1;
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
    // Vertical in any y scale: its ends and its label are placed in fractions of the axes' height.
    m_switchLine = new QCPItemStraightLine(plot);
    m_switchLine->point1->setTypeY(QCPItemPosition::ptAxisRectRatio);
    m_switchLine->point2->setTypeY(QCPItemPosition::ptAxisRectRatio);
    m_switchLine->setVisible(false);
    m_switchLabel = new QCPItemText(plot);
    m_switchLabel->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
    m_switchLabel->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_switchLabel->setPadding(QMargins(4, 2, 4, 2));
    m_switchLabel->setVisible(false);
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

void LossPlot::setOptimizerSwitch(double iteration, const QString& from, const QString& to)
{
    m_switchLine->point1->setCoords(iteration, 0.0);
    m_switchLine->point2->setCoords(iteration, 1.0);
    m_switchLabel->position->setCoords(iteration, kSwitchLabelHeight);
    m_switchLabel->setText(QStringLiteral("switch: %1 → %2").arg(from, to));
    m_switchLine->setVisible(true);
    m_switchLabel->setVisible(true);
    scheduleReplot();
}

void LossPlot::clearOptimizerSwitch()
{
    m_switchLine->setVisible(false);
    m_switchLabel->setVisible(false);
    m_switchLabel->setText({});
    scheduleReplot();
}

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

void LossPlot::applyTheme(const PlotTheme& t)
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
    // The text on a background of its own, to stay readable over the curves it crosses.
    m_switchLine->setPen(seriesPen(4, 1.4, Qt::DashLine));
    m_switchLabel->setColor(t.seriesColor(4));
    QColor labelBackground = t.background;
    labelBackground.setAlpha(200);
    m_switchLabel->setBrush(labelBackground);
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
