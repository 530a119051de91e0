// The loss, sharpness, spectrum, slice and fitness-distance panels: exact data in the graphs, NaN handling, axis
// types, coalesced replots, view following, CSV.
#include "CurvesPlot.h"
#include "DirectionText.h"
#include "FitnessDistancePlot.h"
#include "LossPlot.h"
#include "QCustomPlotInclude.h"
#include "RunOverlay.h"
#include "SharpnessPlot.h"
#include "SlicePlot.h"
#include "SpectrumPlot.h"

#include "support/PlotItems.h"
#include "support/TestSuite.h"

#include <QLabel>
#include <QToolTip>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <limits>

using namespace minimascope::ui;

using minimascope::testsupport::legendNames;
using minimascope::testsupport::textRect;

namespace {
constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

// The small dock sizes of the main window (narrow and wide), where overlaps were seen.
const QSize narrowPanel(280, 330);
const QSize widePanel(570, 290);

// True when no two neighbouring tick labels of a horizontal axis overlap.
bool tickLabelsApart(const QCPAxis* axis)
{
    const QFontMetrics metrics(axis->tickLabelFont());
    const QVector<double> ticks = axis->tickVector();
    const QVector<QString> labels = axis->tickVectorLabels();
    for (int i = 1; i < ticks.size(); ++i) {
        const double distance = std::abs(axis->coordToPixel(ticks[i]) - axis->coordToPixel(ticks[i - 1]));
        if (distance < 0.5 * (metrics.horizontalAdvance(labels[i - 1]) + metrics.horizontalAdvance(labels[i])))
            return false;
    }
    return true;
}

QList<QPointF> points(const QCPGraph* graph)
{
    QList<QPointF> result;
    for (auto it = graph->data()->constBegin(); it != graph->data()->constEnd(); ++it)
        result << QPointF(it->key, it->value);
    return result;
}
}   // namespace

class TestPlotsSeries : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void lossSkipsNaN();
    void lossLogScaleSwitchesAxisType();
    void lossCsvHasHeaderAndExactNumbers();
    void lossMarksTheOptimizerSwitch();
    void appendsCoalesceIntoOneReplot();
    void zoomStopsFollowingUntilReset();
    void hoverShowsNearestPoint();
    void sharpnessThresholdLine_data();
    void sharpnessThresholdLine();
    void spectrumLogDensityAndTicks();
    void sliceDropsMismatchedSeries();
    void curvesSkipWhatTheLogAxisCannotShow();
    void fitnessDistanceScatterMeansAndR();
    void overlayNamesItsDirectionOnlyWhenShared();
    void themeRecolorsAxesAndSeries();
    void lossLegendListsMeasuredSeriesOnly();
    void spectrumLegendListsPresentSeriesOnly();
    void spectrumHintStaysInsideTheAxes_data();
    void spectrumHintStaysInsideTheAxes();
    void smallLossPlotKeepsLegendOffTheData_data();
    void smallLossPlotKeepsLegendOffTheData();
    void smallSharpnessPlotKeepsLabelClearOfLegend_data();
    void smallSharpnessPlotKeepsLabelClearOfLegend();
};

void TestPlotsSeries::lossSkipsNaN()
{
    LossPlot plot;
    plot.appendEvaluation(10, 2.3, NaN, 0.1, NaN);
    plot.appendEvaluation(20, 1.5, 1.7, 0.4, 0.35);
    plot.appendEvaluation(30, NaN, NaN, NaN, NaN);
    QCOMPARE(points(plot.graph(LossPlot::Series::TrainLoss)), (QList<QPointF>{{10, 2.3}, {20, 1.5}}));
    QCOMPARE(points(plot.graph(LossPlot::Series::TestLoss)), (QList<QPointF>{{20, 1.7}}));
    QCOMPARE(points(plot.graph(LossPlot::Series::TrainAccuracy)), (QList<QPointF>{{10, 0.1}, {20, 0.4}}));
    QCOMPARE(points(plot.graph(LossPlot::Series::TestAccuracy)), (QList<QPointF>{{20, 0.35}}));
    // Loss on the left axis, accuracy on the right one.
    QCOMPARE(plot.graph(LossPlot::Series::TestLoss)->valueAxis(), plot.customPlot()->yAxis);
    QCOMPARE(plot.graph(LossPlot::Series::TestAccuracy)->valueAxis(), plot.customPlot()->yAxis2);

    plot.clear();
    QCOMPARE(plot.graph(LossPlot::Series::TrainLoss)->dataCount(), 0);
    QCOMPARE(plot.toCsv().count(QLatin1Char('\n')), 1);   // the header only
}

void TestPlotsSeries::lossLogScaleSwitchesAxisType()
{
    LossPlot plot;
    plot.resize(500, 300);
    plot.appendEvaluation(1, 2.0, 2.1, 0.1, 0.1);
    plot.appendEvaluation(2, 1e-3, 1e-2, 1.0, 0.8);
    plot.setLogScale(true);
    QCPAxis* y = plot.customPlot()->yAxis;
    QVERIFY(plot.logScale());
    QCOMPARE(y->scaleType(), QCPAxis::stLogarithmic);
    QVERIFY(y->ticker().dynamicCast<QCPAxisTickerLog>());
    plot.replotNow();
    QVERIFY(y->range().contains(1e-3) && y->range().contains(2.1));
    QVERIFY(y->range().lower > 0.0);

    plot.setLogScale(false);
    QCOMPARE(y->scaleType(), QCPAxis::stLinear);
    QVERIFY(!y->ticker().dynamicCast<QCPAxisTickerLog>());
    plot.replotNow();
    QCOMPARE(y->range().lower, 0.0);   // a loss axis starts at zero
}

void TestPlotsSeries::lossCsvHasHeaderAndExactNumbers()
{
    LossPlot plot;
    plot.appendEvaluation(10, 2.302585092994046, NaN, 0.1, NaN);
    plot.appendEvaluation(20, 0.1 + 0.2, 1e-5, 0.75, 1.0 / 3.0);
    const QStringList lines = plot.toCsv().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 3);
    QCOMPARE(lines[0], QStringLiteral("iteration,train_loss,test_loss,train_accuracy,test_accuracy"));
    QCOMPARE(lines[1], QStringLiteral("10,2.302585092994046,,0.1,"));
    QCOMPARE(lines[2], QStringLiteral("20,0.30000000000000004,1e-05,0.75,0.3333333333333333"));
    // Every number reads back to the very double that was appended.
    QCOMPARE(lines[2].split(QLatin1Char(','))[4].toDouble(), 1.0 / 3.0);
    QCOMPARE(lines[2].split(QLatin1Char(','))[1].toDouble(), 0.1 + 0.2);
}

void TestPlotsSeries::lossMarksTheOptimizerSwitch()
{
    // Issue 18: a run that starts with Adam and continues with SGD from iteration 300 on.
    LossPlot plot;
    plot.resize(500, 300);
    for (int i = 0; i <= 1000; i += 50)
        plot.appendEvaluation(i, 2.0 / (1 + i), NaN, NaN, NaN);
    QCPItemStraightLine* line = plot.switchLine();
    QCPItemText* label = plot.switchLabel();
    QVERIFY(!line->visible() && !label->visible());   // no switch until one is set

    plot.setOptimizerSwitch(300, QStringLiteral("adam"), QStringLiteral("sgd"));
    plot.replotNow();
    QVERIFY(line->visible() && label->visible());
    QCOMPARE(label->text(), QStringLiteral("switch: adam → sgd"));
    QCOMPARE(line->point1->coords().x(), 300.0);
    QCOMPARE(line->point2->coords().x(), 300.0);
    QCOMPARE(label->position->coords().x(), 300.0);
    // Vertical at iteration 300 on the screen, on a linear and on a log loss axis.
    for (bool log : {false, true}) {
        plot.setLogScale(log);
        plot.replotNow();
        const double x = plot.customPlot()->xAxis->coordToPixel(300.0);
        QCOMPARE(line->point1->pixelPosition().x(), x);
        QCOMPARE(line->point2->pixelPosition().x(), x);
        QVERIFY(line->point1->pixelPosition().y() != line->point2->pixelPosition().y());
        QVERIFY(std::isfinite(line->point1->pixelPosition().y()));
        QCOMPARE(label->position->pixelPosition().x(), x);
    }

    plot.clear();   // a cleared plot keeps its run's switch, as the sharpness plot keeps its 2/η
    QVERIFY(line->visible());
    plot.clearOptimizerSwitch();
    QVERIFY(!line->visible() && !label->visible());
    QVERIFY(label->text().isEmpty());
}

void TestPlotsSeries::appendsCoalesceIntoOneReplot()
{
    SharpnessPlot plot;
    plot.resize(500, 300);
    plot.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
    plot.replotNow();
    // A new window may still get a late resize or expose from the X server, which replots by
    // itself: count from the first quiet spell, so that only the appends' replots are counted.
    for (int attempt = 0; attempt < 20; ++attempt) {
        QSignalSpy settling(plot.customPlot(), &QCustomPlot::afterReplot);
        QTest::qWait(5 * PlotPanel::replotIntervalMs);
        if (settling.isEmpty())
            break;
    }
    QSignalSpy replots(plot.customPlot(), &QCustomPlot::afterReplot);
    for (int i = 0; i < 1000; ++i)
        plot.appendSharpness(i, 10.0 + std::sin(i * 0.01));
    QCOMPARE(replots.count(), 0);   // appends never replot directly
    QVERIFY(plot.isReplotPending());
    QVERIFY(replots.wait(2000));
    QTest::qWait(3 * PlotPanel::replotIntervalMs);
    QCOMPARE(replots.count(), 1);
    QVERIFY(!plot.isReplotPending());
    QCOMPARE(plot.sharpnessGraph()->dataCount(), 1000);
    // The view followed the data.
    QVERIFY(plot.customPlot()->xAxis->range().contains(999.0));
    QVERIFY(plot.customPlot()->yAxis->range().contains(11.0));
}

void TestPlotsSeries::zoomStopsFollowingUntilReset()
{
    SharpnessPlot plot;
    plot.resize(500, 300);
    plot.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
    plot.appendSharpness(0, 1.0);
    plot.appendSharpness(10, 2.0);
    plot.replotNow();
    QVERIFY(plot.followsData());
    QTest::mousePress(plot.customPlot(), Qt::LeftButton, {}, QPoint(250, 150));
    QTest::mouseRelease(plot.customPlot(), Qt::LeftButton, {}, QPoint(250, 150));
    QVERIFY(!plot.followsData());
    const QCPRange frozen = plot.customPlot()->xAxis->range();
    plot.appendSharpness(1000, 3.0);
    plot.replotNow();
    QCOMPARE(plot.customPlot()->xAxis->range(), frozen);   // the user's view is kept
    plot.resetView();
    QVERIFY(plot.followsData());
    QVERIFY(plot.customPlot()->xAxis->range().contains(1000.0));
}

void TestPlotsSeries::hoverShowsNearestPoint()
{
    LossPlot plot;
    plot.resize(600, 400);
    plot.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
    plot.appendEvaluation(100, 1.25, NaN, 0.5, NaN);
    plot.appendEvaluation(200, 0.75, NaN, 0.625, NaN);
    plot.replotNow();
    QCustomPlot* custom = plot.customPlot();
    const QPoint onPoint(qRound(custom->xAxis->coordToPixel(200)), qRound(custom->yAxis->coordToPixel(0.75)));
    // The read-out names the series and both coordinates with their axis names.
    const QString text = plot.readoutAt(onPoint);
    QCOMPARE(text, QStringLiteral("train loss\niteration: 200\nloss: 0.75"));
    // Moving the mouse there shows it as a tooltip.
    QTest::mouseMove(custom, onPoint);
    QTRY_COMPARE(QToolTip::text(), text);
}

void TestPlotsSeries::sharpnessThresholdLine_data()
{
    QTest::addColumn<double>("eta");
    QTest::addColumn<double>("threshold");   // 2/eta, worked out by hand
    QTest::newRow("eta=0.1") << 0.1 << 20.0;
    QTest::newRow("eta=0.05") << 0.05 << 40.0;
    QTest::newRow("eta=2") << 2.0 << 1.0;
}

void TestPlotsSeries::sharpnessThresholdLine()
{
    QFETCH(double, eta);
    QFETCH(double, threshold);
    SharpnessPlot plot;
    plot.resize(500, 300);
    plot.setLearningRate(eta);
    plot.appendSharpness(5, 0.5);
    plot.appendSharpness(10, 0.75);
    plot.replotNow();
    QCOMPARE(plot.stabilityThreshold(), threshold);
    QCPItemStraightLine* line = plot.thresholdLine();
    QVERIFY(line->visible());
    QCOMPARE(line->point1->coords().y(), threshold);
    QCOMPARE(line->point2->coords().y(), threshold);
    QVERIFY(line->point1->coords().x() != line->point2->coords().x());
    // The line is in view even when the data are far below it.
    QVERIFY(plot.customPlot()->yAxis->range().contains(threshold));
    QCOMPARE(points(plot.sharpnessGraph()), (QList<QPointF>{{5, 0.5}, {10, 0.75}}));
    QCOMPARE(plot.toCsv(), QStringLiteral("iteration,sharpness\n5,0.5\n10,0.75\n"));

    plot.setLearningRate(0.0);
    QVERIFY(!line->visible());
    QVERIFY(std::isnan(plot.stabilityThreshold()));
}

void TestPlotsSeries::spectrumLogDensityAndTicks()
{
    SpectrumPlot plot;
    plot.resize(500, 300);
    plot.setDensity({-1.0, 0.0, 1.0, 2.0}, {0.0, 0.5, 1e-4, NaN});
    QCOMPARE(plot.customPlot()->yAxis->scaleType(), QCPAxis::stLogarithmic);
    // Zero and NaN cannot be drawn on a log axis: only the positive densities remain.
    QCOMPARE(points(plot.densityGraph()), (QList<QPointF>{{0.0, 0.5}, {1.0, 1e-4}}));

    plot.setTopEigenvalues({42.0, 7.5, NaN});
    QCOMPARE(plot.topEigenvalues(), (std::vector<double>{42.0, 7.5}));
    int ticksAt42 = 0;
    for (int i = 0; i < plot.customPlot()->itemCount(); ++i) {
        auto* line = qobject_cast<QCPItemLine*>(plot.customPlot()->item(i));
        if (line && line->start->coords().x() == 42.0 && line->end->coords().x() == 42.0)
            ++ticksAt42;
    }
    QCOMPARE(ticksAt42, 2);   // the tick and its guide line
    plot.replotNow();
    QVERIFY(plot.customPlot()->xAxis->range().contains(42.0));   // beyond the density grid
    QVERIFY(plot.customPlot()->xAxis->range().contains(-1.0) || plot.customPlot()->xAxis->range().contains(0.0));

    const QStringList lines = plot.toCsv().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(lines.first(), QStringLiteral("kind,lambda,density"));
    QVERIFY(lines.contains(QStringLiteral("density,1,1e-04")));
    QVERIFY(lines.contains(QStringLiteral("eigenvalue,42,")));
    QCOMPARE(lines.size(), 1 + 4 + 2);   // the CSV keeps the raw density, zeros included

    plot.setTopEigenvalues({1.0});
    QCOMPARE(plot.customPlot()->itemCount(), 2);   // old ticks removed
}

void TestPlotsSeries::sliceDropsMismatchedSeries()
{
    SlicePlot plot;
    plot.setSlices({-0.5, 0.0, 0.5}, {1.5, 0.25, 1.25}, {0.5, 0.25});
    QCOMPARE(points(plot.topEigenvectorGraph()), (QList<QPointF>{{-0.5, 1.5}, {0.0, 0.25}, {0.5, 1.25}}));
    QCOMPARE(plot.randomGraph()->dataCount(), 0);
    QCOMPARE(plot.toCsv(), QStringLiteral("t,loss_top_eigenvector,loss_random\n-0.5,1.5,\n0,0.25,\n0.5,1.25,\n"));
}

void TestPlotsSeries::overlayNamesItsDirectionOnlyWhenShared()
{
    // The overlay says what α is (DirectionText) when every curve runs along the same kind of
    // direction, and plain α when they differ; a study's surface names the same kind alike.
    const std::vector<double> alphas{0.5, 1.0, 1.5}, losses{0.3, 0.01, 2.0};
    CurvesPlot scaled;
    QVERIFY(fillRunCurves(
        {{QStringLiteral("BN"), "scale", alphas, losses}, {QStringLiteral("no BN"), "scale", alphas, losses}}, scaled));
    QCOMPARE(scaled.title(), QStringLiteral("Loss along the weight vector, L(α·θ)"));
    QCOMPARE(scaled.customPlot()->xAxis->label(), QStringLiteral("α (multiple of θ)"));
    QCOMPARE(scaled.customPlot()->yAxis->scaleType(), QCPAxis::stLogarithmic);
    QCOMPARE(scaled.curveCount(), 2);
    CurvesPlot mixed;
    QVERIFY(fillRunCurves(
        {{QStringLiteral("a"), "scale", alphas, losses}, {QStringLiteral("b"), "interpolate", alphas, losses}}, mixed));
    QCOMPARE(mixed.customPlot()->xAxis->label(), QStringLiteral("α"));
    CurvesPlot none;
    QVERIFY(!fillRunCurves({}, none));
    QCOMPARE(directionText("random", "layer").alpha, QStringLiteral("α along a layer-normalized random direction"));
    QCOMPARE(directionText("eigen").beta, QStringLiteral("β along v₂"));
}

void TestPlotsSeries::curvesSkipWhatTheLogAxisCannotShow()
{
    CurvesPlot plot;
    plot.addCurve(QStringLiteral("sgd, η = 0.1"), {0, 32, 64}, {0.5, NaN, 0.02});
    plot.addCurve(QStringLiteral("adam"), {0, 32}, {1.0, 0.0});
    plot.addCurve(QStringLiteral("mismatched"), {0, 32}, {1.0});
    QCOMPARE(plot.curveCount(), 3);
    // A missing value is a gap: a NaN point, at which QCustomPlot breaks the line.
    QCOMPARE(plot.curveGraph(0)->dataCount(), 3);
    QCOMPARE(plot.curveGraph(0)->data()->at(0)->value, 0.5);
    QVERIFY(std::isnan(plot.curveGraph(0)->data()->at(1)->value));
    QCOMPARE(plot.curveGraph(0)->data()->at(2)->value, 0.02);
    QCOMPARE(points(plot.curveGraph(1)), (QList<QPointF>{{0, 1.0}, {32, 0.0}}));
    QCOMPARE(plot.curveGraph(2)->dataCount(), 0);
    // A log axis cannot show 0: the point becomes a gap in the graph, not in the CSV.
    plot.setLogY(true);
    QCOMPARE(plot.customPlot()->yAxis->scaleType(), QCPAxis::stLogarithmic);
    QCOMPARE(plot.curveGraph(1)->dataCount(), 2);
    QVERIFY(std::isnan(plot.curveGraph(1)->data()->at(1)->value));
    QCOMPARE(plot.toCsv(), QStringLiteral("curve,x,y\n\"sgd, η = 0.1\",0,0.5\n\"sgd, η = 0.1\",32,\n"
                                          "\"sgd, η = 0.1\",64,0.02\nadam,0,1\nadam,32,0\n"));
    plot.clear();
    QCOMPARE(plot.curveCount(), 0);
    QCOMPARE(plot.customPlot()->graphCount(), 0);
}

void TestPlotsSeries::fitnessDistanceScatterMeansAndR()
{
    // 3 distances x 2 seeds, not in distance order; r as the core computes it for these pairs.
    const std::vector<FitnessDistancePoint> sample{{1, 12, 1.0}, {0, 10, 0.5}, {2, 14, 10.0},
                                                   {0, 11, 0.5}, {1, 13, 3.0}, {2, 15, 30.0}};
    FitnessDistancePlot plot;
    plot.setSample(sample, 0.7516697608794073);
    // Every point, by distance, those of one distance in the given order; the exact mean of each distance.
    QCOMPARE(plot.pointsGraph()->dataCount(), 6);
    QCOMPARE(points(plot.pointsGraph()),
             (QList<QPointF>{{0, 0.5}, {0, 0.5}, {1, 1.0}, {1, 3.0}, {2, 10.0}, {2, 30.0}}));
    QCOMPARE(points(plot.meanGraph()), (QList<QPointF>{{0, 0.5}, {1, 2.0}, {2, 20.0}}));
    QCOMPARE(plot.pointsGraph()->lineStyle(), QCPGraph::lsNone);
    QCOMPARE(plot.meanGraph()->lineStyle(), QCPGraph::lsLine);
    QCOMPARE(plot.title(), QStringLiteral("Fitness-distance correlation r = 0.752 (6 points)"));
    QCOMPARE(plot.customPlot()->xAxis->label(), QStringLiteral("distance from the teacher's weights |w − w*|"));
    QCOMPARE(plot.customPlot()->yAxis->label(), QStringLiteral("training loss"));
    // Every loss > 0: a log loss axis, which shows all of them.
    QVERIFY(plot.logLoss());
    QCOMPARE(plot.customPlot()->yAxis->scaleType(), QCPAxis::stLogarithmic);
    plot.replotNow();
    QVERIFY(plot.customPlot()->yAxis->range().contains(0.5) && plot.customPlot()->yAxis->range().contains(30.0));
    QCOMPARE(legendNames(plot.customPlot()), (QStringList{QStringLiteral("each point (one random direction)"),
                                                          QStringLiteral("mean loss at each distance")}));
    // PREFIX.csv's columns, every point as given.
    QCOMPARE(plot.toCsv(), QStringLiteral("distance,seed,loss\n1,12,1\n0,10,0.5\n2,14,10\n0,11,0.5\n1,13,3\n"
                                          "2,15,30\n"));

    // A loss of 0 cannot go on a log axis: linear. A NaN loss is left out of the plot and the
    // means, counted in the title, and kept (empty) in the CSV.
    std::vector<FitnessDistancePoint> withZero = sample;
    withZero[1].loss = 0.0;
    withZero.push_back({2, 16, NaN});
    plot.setSample(withZero, 0.7572619332360044);
    QVERIFY(!plot.logLoss());
    QCOMPARE(plot.customPlot()->yAxis->scaleType(), QCPAxis::stLinear);
    QCOMPARE(plot.pointsGraph()->dataCount(), 6);
    QCOMPARE(points(plot.meanGraph()), (QList<QPointF>{{0, 0.25}, {1, 2.0}, {2, 20.0}}));
    QCOMPARE(plot.title(),
             QStringLiteral("Fitness-distance correlation r = 0.757 (6 points; 1 with a non-finite value left out)"));
    QVERIFY(plot.toCsv().endsWith(QStringLiteral("\n0,10,0\n2,14,10\n0,11,0.5\n1,13,3\n2,15,30\n2,16,\n")));

    // A noiseless teacher's own loss is rounding: the log axis stops 8 decades below the largest
    // loss (30 / 1e8 = 3e-7) and the point is drawn there, counted in the title, exact in the CSV.
    const std::vector<FitnessDistancePoint> withTeacher{
        {0, 17, 1e-15}, {1, 12, 1.0}, {1, 13, 3.0}, {2, 14, 10.0}, {2, 15, 30.0}};
    plot.setSample(withTeacher, 0.8);
    QVERIFY(plot.logLoss());
    QCOMPARE(points(plot.pointsGraph()).first(), QPointF(0.0, 30.0 / 1e8));
    QCOMPARE(points(plot.meanGraph()).first(), QPointF(0.0, 30.0 / 1e8));
    QCOMPARE(points(plot.meanGraph()).last(), QPointF(2.0, 20.0));
    QCOMPARE(plot.title(), QStringLiteral("Fitness-distance correlation r = 0.800 (5 points; 1 with a loss below "
                                          "3e-07 drawn at it)"));
    QVERIFY(plot.toCsv().startsWith(QStringLiteral("distance,seed,loss\n0,17,1e-15\n")));
    plot.replotNow();
    QVERIFY(plot.customPlot()->yAxis->range().lower > 1e-8);

    // An undefined r shows the core's reason.
    plot.setSample({{1, 1, 0.5}, {1, 2, 0.75}}, NaN,
                   QStringLiteral("every point is at the same distance: sigma_D = 0"));
    QCOMPARE(plot.title(), QStringLiteral("Fitness-distance correlation r undefined: every point is at the same "
                                          "distance: sigma_D = 0 (2 points)"));
    QCOMPARE(points(plot.meanGraph()), (QList<QPointF>{{1, 0.625}}));

    plot.clear();
    QCOMPARE(plot.pointsGraph()->dataCount(), 0);
    QCOMPARE(plot.meanGraph()->dataCount(), 0);
    QCOMPARE(legendNames(plot.customPlot()), QStringList());
    QCOMPARE(plot.toCsv(), QStringLiteral("distance,seed,loss\n"));
}

void TestPlotsSeries::themeRecolorsAxesAndSeries()
{
    LossPlot plot;
    const PlotTheme dark = PlotTheme::dark();
    plot.setTheme(dark);
    QCustomPlot* custom = plot.customPlot();
    QCOMPARE(custom->xAxis->tickLabelColor(), dark.foreground);
    QCOMPARE(custom->yAxis->basePen().color(), dark.foreground);
    QCOMPARE(custom->axisRect()->backgroundBrush().color(), dark.background);
    QCOMPARE(plot.graph(LossPlot::Series::TrainLoss)->pen().color(), dark.series[0]);
    QCOMPARE(plot.graph(LossPlot::Series::TestLoss)->pen().color(), dark.series[1]);
    plot.setTheme(PlotTheme::light());
    QCOMPARE(plot.graph(LossPlot::Series::TrainLoss)->pen().color(), PlotTheme::light().series[0]);
}

void TestPlotsSeries::lossLegendListsMeasuredSeriesOnly()
{
    LossPlot plot;
    const QCustomPlot* custom = plot.customPlot();
    QCOMPARE(legendNames(custom), QStringList());
    QVERIFY(!custom->yAxis2->visible());

    // The escape toy: a training loss only, no test split, no accuracy.
    plot.appendEvaluation(0, 0.5, NaN, NaN, NaN);
    plot.appendEvaluation(10, 0.25, NaN, NaN, NaN);
    QCOMPARE(legendNames(custom), QStringList{QStringLiteral("train loss")});
    QVERIFY(!custom->yAxis2->visible());

    // A test loss arrives later (evaluated less often): listed, still no accuracy axis.
    plot.appendEvaluation(20, 0.125, 0.25, NaN, NaN);
    QCOMPARE(legendNames(custom), (QStringList{QStringLiteral("train loss"), QStringLiteral("test loss")}));
    QVERIFY(!custom->yAxis2->visible());

    // A classifier: the accuracies come in and bring their axis; the order stays the series'.
    plot.appendEvaluation(30, 0.1, NaN, NaN, 0.5);
    QCOMPARE(legendNames(custom),
             (QStringList{QStringLiteral("train loss"), QStringLiteral("test loss"), QStringLiteral("test accuracy")}));
    QVERIFY(custom->yAxis2->visible());
    plot.appendEvaluation(40, 0.1, 0.2, 0.75, 0.5);
    QCOMPARE(legendNames(custom).size(), 4);
    QCOMPARE(legendNames(custom).at(2), QStringLiteral("train accuracy"));

    plot.clear();
    QCOMPARE(legendNames(custom), QStringList());
    QVERIFY(!custom->yAxis2->visible());
}

void TestPlotsSeries::spectrumLegendListsPresentSeriesOnly()
{
    SpectrumPlot plot;
    const QCustomPlot* custom = plot.customPlot();
    QCOMPARE(legendNames(custom), QStringList());
    plot.setTopEigenvalues({2.0, 1.1});
    QCOMPARE(legendNames(custom), QStringList{QStringLiteral("top eigenvalues")});
    plot.setDensity({0.0, 1.0}, {0.5, 0.25});
    QCOMPARE(legendNames(custom), (QStringList{QStringLiteral("SLQ density"), QStringLiteral("top eigenvalues")}));
    // Densities that a log axis cannot show draw nothing, so they are not listed either.
    plot.setDensity({0.0, 1.0}, {0.0, NaN});
    QCOMPARE(legendNames(custom), QStringList{QStringLiteral("top eigenvalues")});
    plot.setDensity({0.0, 1.0}, {0.5, 0.25});
    plot.setTopEigenvalues({});
    QCOMPARE(legendNames(custom), QStringList{QStringLiteral("SLQ density")});
    plot.clear();
    QCOMPARE(legendNames(custom), QStringList());
}

void TestPlotsSeries::spectrumHintStaysInsideTheAxes_data()
{
    QTest::addColumn<QSize>("size");
    QTest::newRow("narrow") << narrowPanel;
    QTest::newRow("wide") << widePanel;
    QTest::newRow("demo dock") << QSize(500, 330);   // the filter-normalization demo's spectrum dock
}

void TestPlotsSeries::spectrumHintStaysInsideTheAxes()
{
    QFETCH(QSize, size);
    SpectrumPlot plot;
    plot.setTitle(QStringLiteral("Hessian spectrum"));   // as the main window has it
    plot.resize(size);
    plot.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
    plot.replotNow();
    const QLabel* hint = plot.emptyHint();
    const QRect axes = plot.customPlot()->axisRect()->rect();
    QVERIFY(hint->isVisible());
    // Within the data area, so clear of the tick labels on both axes, and its whole text shown.
    QVERIFY2(axes.contains(hint->geometry()), qPrintable(QStringLiteral("hint %1,%2 %3x%4 outside the axes %5,%6 %7x%8")
                                                             .arg(hint->x())
                                                             .arg(hint->y())
                                                             .arg(hint->width())
                                                             .arg(hint->height())
                                                             .arg(axes.x())
                                                             .arg(axes.y())
                                                             .arg(axes.width())
                                                             .arg(axes.height())));
    QVERIFY(hint->heightForWidth(hint->width()) <= hint->height());
}

void TestPlotsSeries::smallLossPlotKeepsLegendOffTheData_data()
{
    QTest::addColumn<QSize>("size");
    QTest::newRow("narrow") << narrowPanel;
    QTest::newRow("wide") << widePanel;
}

void TestPlotsSeries::smallLossPlotKeepsLegendOffTheData()
{
    QFETCH(QSize, size);
    // An MLP-like run: loss from 2.3 to 1e-4 over 20,000 iterations, accuracies 0.1 to 1.
    LossPlot plot;
    for (int i = 0; i <= 20000; i += 100) {
        const double t = i / 20000.0;
        const double loss = 2.3 * std::pow(1e-4 / 2.3, t);
        plot.appendEvaluation(i, loss, 1.3 * loss, 0.1 + 0.9 * t, 0.1 + 0.85 * t);
    }
    plot.resize(size);
    plot.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
    plot.replotNow();
    const QCustomPlot* custom = plot.customPlot();
    const QRect legend = custom->legend->outerRect();
    const QRect axes = custom->axisRect()->rect();
    QCOMPARE(custom->legend->itemCount(), 4);
    QVERIFY2(!legend.intersects(axes), "the legend covers the data");
    QVERIFY(QRect(QPoint(0, 0), size).contains(legend));
    // Compact: the four entries take at most two rows even in the narrow panel.
    QVERIFY(custom->legend->rowCount() <= 2);
    // The five-digit iterations do not run into each other.
    QVERIFY(tickLabelsApart(custom->xAxis));
}

void TestPlotsSeries::smallSharpnessPlotKeepsLabelClearOfLegend_data()
{
    QTest::addColumn<QSize>("size");
    QTest::addColumn<double>("eta");
    QTest::addColumn<double>("sharpness");   // the level most points sit at
    QTest::newRow("escape toy, narrow") << narrowPanel << 0.7 << 2.0;
    QTest::newRow("escape toy, wide") << widePanel << 0.7 << 2.0;
    QTest::newRow("MLP, narrow") << narrowPanel << 0.1 << 19.0;
    QTest::newRow("MLP, wide") << widePanel << 0.1 << 19.0;
}

void TestPlotsSeries::smallSharpnessPlotKeepsLabelClearOfLegend()
{
    QFETCH(QSize, size);
    QFETCH(double, eta);
    QFETCH(double, sharpness);
    SharpnessPlot plot;
    plot.setTitle(QStringLiteral("Sharpness a = λmax(H)"));   // as the main window has it
    plot.setLearningRate(eta);
    for (int i = 0; i <= 200; ++i)
        plot.appendSharpness(i, sharpness * (i < 100 ? 0.5 : 1.0));
    plot.resize(size);
    plot.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
    plot.replotNow();
    const QCustomPlot* custom = plot.customPlot();
    const QRectF label = textRect(plot.thresholdLabel());
    const QRectF legend = custom->legend->outerRect();
    const QRectF axes = custom->axisRect()->rect();
    QVERIFY(plot.thresholdLabel()->visible());
    QVERIFY(plot.thresholdLabel()->text().contains(QStringLiteral("2/η")));
    QVERIFY2(!label.intersects(legend), "the legend covers the 2/η label");
    QVERIFY(!legend.intersects(axes));
    // The whole label is in the view, just above its line.
    QVERIFY(axes.contains(label));
    const double linePx = custom->yAxis->coordToPixel(2.0 / eta);
    QVERIFY(label.bottom() <= linePx + 1.0 && label.bottom() >= linePx - label.height());
}

MINIMASCOPE_TEST_WIDGETS(TestPlotsSeries)
#include "TestPlotsSeries.moc"
