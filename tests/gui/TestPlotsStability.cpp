// The stability diagram (Wu, Ma & E 2018): bound lines and the shaded region at the right
// coordinates, the trajectory and the session points with exactly the values given.
#include "QCustomPlotInclude.h"
#include "StabilityDiagram.h"

#include "support/PlotItems.h"
#include "support/TestSuite.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <limits>

using minimascope::core::BatchDraw;
using minimascope::ui::StabilityDiagram;

Q_DECLARE_METATYPE(minimascope::core::BatchDraw)

using minimascope::testsupport::legendNames;
using minimascope::testsupport::textRect;

namespace {
// The bounds are one division and one square root: only double rounding separates them from
// values worked out independently (Python, by hand).
constexpr double boundRelTolerance = 1e-12;
constexpr double inf = std::numeric_limits<double>::infinity();

// Shown at a fixed size, so that the plot is laid out as on screen (the drawn trajectory depends
// on the pixel size of the view).
void showAt(QWidget& widget, int width, int height)
{
    widget.resize(width, height);
    widget.show();
    QVERIFY(QTest::qWaitForWindowExposed(&widget));
}

bool near(double actual, double expected)
{
    return std::abs(actual - expected) <= boundRelTolerance * std::abs(expected);
}

}   // namespace

class TestPlotsStability : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void bounds_data();
    void bounds();
    void samplingOfTheBound_data();
    void samplingOfTheBound();
    void invalidBoundsHideEverything();
    void trajectoryKeepsExactValues();
    void longTrajectoryDrawsWithinAPixel();
    void logAxesSpanTheDecadesAndKeepTheRegion();
    void finishedRunStartsNewTrajectory();
    void sessionPointsColoredByLearningRate();
    void sessionPointsColoredByBatchSize();
    void hoverReadsOutNearestPoint();
    void csvListsTrajectoryAndSession();
    void smallPanelKeepsLabelsLegendAndTitleApart_data();
    void smallPanelKeepsLabelsLegendAndTitleApart();
    void whatIfLabelStaysInView_data();
    void whatIfLabelStaysInView();
};

void TestPlotsStability::bounds_data()
{
    QTest::addColumn<double>("eta");
    QTest::addColumn<qint64>("batchSize");
    QTest::addColumn<qint64>("n");
    QTest::addColumn<double>("aBound");
    QTest::addColumn<double>("sBound");   // inf: no s bound (GD)

    // Expected values computed independently: sqrt(10*999/990)/0.1 etc. (Python).
    QTest::newRow("SGD eta=0.1 B=10 n=1000") << 0.1 << qint64(10) << qint64(1000) << 20.0 << 31.766191290283906;
    QTest::newRow("SGD eta=0.05 B=32 n=1000") << 0.05 << qint64(32) << qint64(1000) << 40.0 << 114.93440457657532;
    // The escape toy of docs/science.md: n = 2, B = 1, eta = 0.7: s <= 1/eta.
    QTest::newRow("escape toy B=1 n=2") << 0.7 << qint64(1) << qint64(2) << 2.857142857142857 << 1.4285714285714286;
    QTest::newRow("GD B=n") << 0.1 << qint64(1000) << qint64(1000) << 20.0 << inf;
    QTest::newRow("B>n is GD") << 0.25 << qint64(2000) << qint64(1000) << 8.0 << inf;
}

void TestPlotsStability::bounds()
{
    QFETCH(double, eta);
    QFETCH(qint64, batchSize);
    QFETCH(qint64, n);
    QFETCH(double, aBound);
    QFETCH(double, sBound);

    StabilityDiagram diagram;
    diagram.resize(640, 480);
    diagram.setBounds(eta, batchSize, n);
    diagram.replotNow();

    QVERIFY(near(diagram.sharpnessBound(), aBound));
    const bool gd = std::isinf(sBound);
    if (gd)
        QVERIFY(std::isinf(diagram.nonUniformityBound()) && diagram.nonUniformityBound() > 0);
    else
        QVERIFY(near(diagram.nonUniformityBound(), sBound));

    // The vertical line a = 2/eta: both defining points at x = aBound, different y.
    QCPItemStraightLine* aLine = diagram.sharpnessBoundLine();
    QVERIFY(aLine->visible());
    QVERIFY(near(aLine->point1->coords().x(), aBound));
    QVERIFY(near(aLine->point2->coords().x(), aBound));
    QVERIFY(aLine->point1->coords().y() != aLine->point2->coords().y());

    // The horizontal line s = sqrt(B(n-1)/(n-B))/eta, absent for GD.
    QCPItemStraightLine* sLine = diagram.nonUniformityBoundLine();
    QCOMPARE(sLine->visible(), !gd);
    if (!gd) {
        QVERIFY(near(sLine->point1->coords().y(), sBound));
        QVERIFY(near(sLine->point2->coords().y(), sBound));
        QVERIFY(sLine->point1->coords().x() != sLine->point2->coords().x());
    }

    // The shaded region [0, a] x [0, s]; for GD it reaches the top of the axis rect.
    QCPItemRect* region = diagram.stableRegion();
    QVERIFY(region->visible());
    QCOMPARE(region->bottomRight->coords().y(), 0.0);
    QVERIFY(near(region->bottomRight->coords().x(), aBound));
    QCOMPARE(region->topLeft->coords().x(), 0.0);
    QCOMPARE(region->topLeft->typeX(), QCPItemPosition::ptPlotCoords);
    if (gd) {
        QCOMPARE(region->topLeft->typeY(), QCPItemPosition::ptAxisRectRatio);
        QCOMPARE(region->topLeft->coords().y(), 0.0);   // ratio 0 = the top edge
    } else {
        QCOMPARE(region->topLeft->typeY(), QCPItemPosition::ptPlotCoords);
        QVERIFY(near(region->topLeft->coords().y(), sBound));
    }
    QVERIFY(region->brush().style() != Qt::NoBrush);

    // The view shows both bounds, from the origin.
    QCustomPlot* plot = diagram.customPlot();
    QVERIFY(plot->xAxis->range().contains(aBound));
    QVERIFY(plot->xAxis->range().contains(0.0));
    QVERIFY(plot->yAxis->range().contains(0.0));
    if (!gd)
        QVERIFY(plot->yAxis->range().contains(sBound));

    // The figure cites its source and states its parameters.
    QVERIFY(diagram.title().contains(QStringLiteral("Wu, Ma & E 2018")));
    QVERIFY(diagram.title().contains(QStringLiteral("B = %1").arg(batchSize)));
    QCOMPARE(diagram.title().contains(QStringLiteral("GD")), gd);
    // A caption set by the window keeps the citation and the parameters.
    diagram.setTitle(QStringLiteral("Sharpness vs non-uniformity"));
    QVERIFY(diagram.title().startsWith(QStringLiteral("Sharpness vs non-uniformity (Wu, Ma & E 2018)")));
    QVERIFY(diagram.title().contains(QStringLiteral("n = %1").arg(n)));
}

void TestPlotsStability::samplingOfTheBound_data()
{
    QTest::addColumn<BatchDraw>("draw");
    QTest::addColumn<double>("eta");
    QTest::addColumn<qint64>("batchSize");
    QTest::addColumn<qint64>("n");
    QTest::addColumn<double>("sBound");
    QTest::addColumn<QString>("label");        // the s bound's label in a wide panel
    QTest::addColumn<QString>("titleNames");   // what the title says of the sampling
    const BatchDraw subsets = BatchDraw::WithoutReplacement;
    const BatchDraw replacement = BatchDraw::WithReplacement;
    // Expected values computed independently (Python): sqrt(10 * 999 / 990) / 0.1, sqrt(10) / 0.1,
    // sqrt(2) / 0.7.
    QTest::newRow("subsets") << subsets << 0.1 << qint64(10) << qint64(1000) << 31.766191290283906
                             << QStringLiteral("s = √(B(n−1)/(n−B))/η = 31.77 (B-subsets)")
                             << QStringLiteral("s bound for B-subsets, used for epoch shuffling too");
    QTest::newRow("with replacement") << replacement << 0.1 << qint64(10) << qint64(1000) << 31.622776601683793
                                      << QStringLiteral("s = √B/η = 31.62 (with replacement)")
                                      << QStringLiteral("s bound for B draws with replacement");
    // B = n drawn with replacement is not GD: the bound stays finite.
    QTest::newRow("B=n with replacement") << replacement << 0.7 << qint64(2) << qint64(2) << 2.0203050891044216
                                          << QStringLiteral("s = √B/η = 2.02 (with replacement)")
                                          << QStringLiteral("s bound for B draws with replacement");
}

void TestPlotsStability::samplingOfTheBound()
{
    QFETCH(BatchDraw, draw);
    QFETCH(double, eta);
    QFETCH(qint64, batchSize);
    QFETCH(qint64, n);
    QFETCH(double, sBound);
    QFETCH(QString, label);
    QFETCH(QString, titleNames);
    StabilityDiagram diagram;
    showAt(diagram, 1200, 700);
    diagram.setBounds(eta, batchSize, n, draw);
    diagram.replotNow();
    QCOMPARE(diagram.batchDraw(), draw);
    QVERIFY(near(diagram.nonUniformityBound(), sBound));
    QVERIFY(diagram.nonUniformityBoundLine()->visible());
    QVERIFY(near(diagram.nonUniformityBoundLine()->point1->coords().y(), sBound));
    QVERIFY(near(diagram.stableRegion()->topLeft->coords().y(), sBound));
    QCOMPARE(diagram.nonUniformityBoundLabel()->text(), label);
    QVERIFY2(diagram.title().contains(titleNames), qPrintable(diagram.title()));
    QVERIFY(!diagram.title().contains(QStringLiteral("GD")));
}

void TestPlotsStability::invalidBoundsHideEverything()
{
    StabilityDiagram diagram;
    diagram.setBounds(0.1, 10, 1000);
    diagram.setBounds(0.0, 10, 1000);
    QVERIFY(std::isnan(diagram.sharpnessBound()));
    QVERIFY(std::isnan(diagram.nonUniformityBound()));
    QVERIFY(!diagram.sharpnessBoundLine()->visible());
    QVERIFY(!diagram.nonUniformityBoundLine()->visible());
    QVERIFY(!diagram.stableRegion()->visible());
    diagram.setBounds(0.1, 0, 1000);
    QVERIFY(!diagram.sharpnessBoundLine()->visible());
}

void TestPlotsStability::trajectoryKeepsExactValues()
{
    StabilityDiagram diagram;
    diagram.setBounds(0.1, 10, 1000);
    // Not monotone in a: the trajectory must keep the measurement order, not sort by a.
    const QList<QPointF> points{{1.5, 2.25}, {3.0, 0.5}, {2.0, 4.0}, {0.1 + 0.2, 1e-7}};
    for (const QPointF& p : points)
        diagram.appendMeasurement(p.x(), p.y());
    QVERIFY(diagram.isReplotPending());   // appends schedule, never replot directly
    diagram.appendMeasurement(5.0, std::numeric_limits<double>::quiet_NaN());   // s not measured
    diagram.appendMeasurement(inf, 5.0);

    QCPCurve* curve = diagram.trajectory();
    QCOMPARE(curve->dataCount(), int(points.size()));
    int i = 0;
    for (auto it = curve->data()->constBegin(); it != curve->data()->constEnd(); ++it, ++i) {
        QCOMPARE(it->key, points[i].x());
        QCOMPARE(it->value, points[i].y());
    }
    QCOMPARE(diagram.trajectoryPoints().size(), size_t(points.size()));
    QCOMPARE(diagram.sessionPointCount(), 0);

    // The same after the diagram was laid out and drawn: these points are far apart on screen.
    showAt(diagram, 640, 480);
    diagram.replotNow();
    QCOMPARE(curve->dataCount(), int(points.size()));
    QCOMPARE((curve->data()->constEnd() - 1)->key, 0.1 + 0.2);
}

void TestPlotsStability::logAxesSpanTheDecadesAndKeepTheRegion()
{
    // Runs from a = 0.04 to 190 (the optimizers of a study): log axes hold all of them, the
    // bounds (2/η = 20, s = sqrt(10·999/990)/0.1) and the region from the view's lower edges.
    StabilityDiagram diagram;
    showAt(diagram, 800, 500);
    diagram.setBounds(0.1, 10, 1000);
    diagram.setLogAxes(true);
    QVERIFY(diagram.logAxes());
    for (const auto& [a, s] : {std::pair{0.04, 0.2}, std::pair{0.08, 0.5}, std::pair{190.0, 300.0}})
        diagram.appendMeasurement(a, s);
    diagram.resetView();
    diagram.replotNow();
    QCPAxis* x = diagram.customPlot()->xAxis;
    QCPAxis* y = diagram.customPlot()->yAxis;
    QCOMPARE(x->scaleType(), QCPAxis::stLogarithmic);
    QCOMPARE(y->scaleType(), QCPAxis::stLogarithmic);
    QVERIFY(x->range().lower > 0.0 && x->range().contains(0.04) && x->range().contains(190.0));
    QVERIFY(y->range().lower > 0.0 && y->range().contains(0.2) && y->range().contains(300.0));
    // The two small points are 0.3 decades apart: distinct on log axes (on linear axes up to
    // 190 they would be within a pixel and merge).
    QCOMPARE(diagram.trajectory()->dataCount(), 3);

    // The region: from the left and bottom edges (ratios 0 and 1) to a = 2/η and s at its bound.
    const double sBound = std::sqrt(10.0 * 999.0 / 990.0) / 0.1;
    QCPItemRect* region = diagram.stableRegion();
    QVERIFY(region->visible());
    QCOMPARE(region->topLeft->typeX(), QCPItemPosition::ptAxisRectRatio);
    QCOMPARE(region->topLeft->coords().x(), 0.0);
    QVERIFY(near(region->topLeft->coords().y(), sBound));
    QCOMPARE(region->bottomRight->typeY(), QCPItemPosition::ptAxisRectRatio);
    QCOMPARE(region->bottomRight->coords().y(), 1.0);
    QVERIFY(near(region->bottomRight->coords().x(), 20.0));
    const QRect rect = diagram.customPlot()->axisRect()->rect();
    QCOMPARE(qRound(region->topLeft->pixelPosition().x()), rect.left());
    QCOMPARE(qRound(region->bottomRight->pixelPosition().y()), rect.bottom() + 1);
    QCOMPARE(region->bottomRight->pixelPosition().x(), x->coordToPixel(20.0));
    // The bound lines are placeable on log axes (no point at 0).
    for (QCPItemStraightLine* line : {diagram.sharpnessBoundLine(), diagram.nonUniformityBoundLine()}) {
        QVERIFY(std::isfinite(line->point1->pixelPosition().x()) && std::isfinite(line->point1->pixelPosition().y()));
        QVERIFY(std::isfinite(line->point2->pixelPosition().x()) && std::isfinite(line->point2->pixelPosition().y()));
    }
    QCOMPARE(diagram.sharpnessBoundLine()->point1->pixelPosition().x(), x->coordToPixel(20.0));
    QCOMPARE(diagram.nonUniformityBoundLine()->point1->pixelPosition().y(), y->coordToPixel(sBound));

    // Back to linear: the region from (0, 0) again and the close points merge.
    diagram.setLogAxes(false);
    diagram.replotNow();
    QCOMPARE(x->scaleType(), QCPAxis::stLinear);
    QCOMPARE(region->topLeft->typeX(), QCPItemPosition::ptPlotCoords);
    QCOMPARE(region->topLeft->coords().x(), 0.0);
    QCOMPARE(region->bottomRight->typeY(), QCPItemPosition::ptPlotCoords);
    QCOMPARE(region->bottomRight->coords().y(), 0.0);
    QVERIFY(x->range().lower < 0.0);
    QCOMPARE(diagram.trajectory()->dataCount(), 2);
}

void TestPlotsStability::longTrajectoryDrawsWithinAPixel()
{
    // 20,000 measurements drifting slowly with small wiggles: most lie within a pixel of their
    // neighbours. The drawn curve keeps exact measurements only, the first and the latest among
    // them, and every measurement is within the tolerance of the drawn point before it.
    constexpr double tolerancePx = 0.75;   // StabilityDiagram's trajectoryTolerancePx
    constexpr int count = 20000;
    StabilityDiagram diagram;
    showAt(diagram, 800, 500);
    diagram.setBounds(0.1, 10, 1000);
    for (int i = 0; i < count; ++i) {
        const double u = 1.0 - std::exp(-i / 4000.0);
        diagram.appendMeasurement(4.0 + 14.0 * u + 0.05 * std::sin(i * 0.37),
                                  3.0 + 20.0 * u + 0.05 * std::cos(i * 0.53));
    }
    diagram.replotNow();
    const std::vector<QPointF>& all = diagram.trajectoryPoints();
    QCOMPARE(int(all.size()), count);
    QCPCurve* curve = diagram.trajectory();
    QVERIFY2(curve->dataCount() < count / 2, qPrintable(QString::number(curve->dataCount())));
    QCPAxis* x = diagram.customPlot()->xAxis;
    QCPAxis* y = diagram.customPlot()->yAxis;
    auto drawn = curve->data()->constBegin();
    QCOMPARE(drawn->t, 0.0);
    QPointF lastDrawn;
    for (int i = 0; i < count; ++i) {
        const QPointF p = all[size_t(i)];
        if (drawn != curve->data()->constEnd() && int(drawn->t) == i) {
            QCOMPARE(drawn->key, p.x());   // exact values, no averaging
            QCOMPARE(drawn->value, p.y());
            lastDrawn = p;
            ++drawn;
        } else {
            QVERIFY(std::abs(x->coordToPixel(p.x()) - x->coordToPixel(lastDrawn.x())) < tolerancePx);
            QVERIFY(std::abs(y->coordToPixel(p.y()) - y->coordToPixel(lastDrawn.y())) < tolerancePx);
        }
    }
    QVERIFY(drawn == curve->data()->constEnd());
    QCOMPARE((curve->data()->constEnd() - 1)->t, double(count - 1));   // the latest is drawn
    // The CSV has every measurement.
    QCOMPARE(diagram.toCsv().count(QLatin1Char('\n')), 1 + count);
}

void TestPlotsStability::finishedRunStartsNewTrajectory()
{
    StabilityDiagram diagram;
    diagram.finishRun(0.1, 10, QStringLiteral("empty run"));   // nothing measured: no point
    QCOMPARE(diagram.sessionPointCount(), 0);

    diagram.appendMeasurement(5.0, 6.0);
    diagram.appendMeasurement(7.0, 8.0);
    diagram.finishRun(0.1, 10, QStringLiteral("run 1"));
    diagram.finishRun(0.1, 10, QStringLiteral("run 1 again"));   // the same run counts once
    QCOMPARE(diagram.sessionPointCount(), 1);
    QCOMPARE(diagram.trajectory()->dataCount(), 2);   // stays visible until the next run starts

    diagram.appendMeasurement(1.0, 2.0);
    QCOMPARE(diagram.trajectory()->dataCount(), 1);
    QCOMPARE(diagram.trajectory()->data()->constBegin()->key, 1.0);

    diagram.clear();
    QCOMPARE(diagram.trajectory()->dataCount(), 0);
    QCOMPARE(diagram.sessionPointCount(), 1);   // clear() keeps the session
    diagram.clearSession();
    QCOMPARE(diagram.sessionPointCount(), 0);
    QVERIFY(diagram.sessionGraphs().isEmpty());
}

void TestPlotsStability::sessionPointsColoredByLearningRate()
{
    StabilityDiagram diagram;
    diagram.appendMeasurement(15.0, 20.0);
    diagram.finishRun(0.1, 10, QStringLiteral("A"));
    diagram.appendMeasurement(30.0, 25.0);
    diagram.finishRun(0.05, 10, QStringLiteral("B"));
    diagram.appendMeasurement(12.0, 18.0);
    diagram.finishRun(0.1, 100, QStringLiteral("C"));
    QCOMPARE(diagram.sessionPointCount(), 3);

    // Two distinct learning rates: two graphs, ordered by eta, two legend entries.
    const QList<QCPGraph*> graphs = diagram.sessionGraphs();
    QCOMPARE(graphs.size(), 2);
    QCOMPARE(graphs[0]->name(), QStringLiteral("η = 0.05"));
    QCOMPARE(graphs[1]->name(), QStringLiteral("η = 0.1"));
    QCOMPARE(graphs[0]->dataCount(), 1);
    QCOMPARE(graphs[0]->data()->constBegin()->key, 30.0);
    QCOMPARE(graphs[0]->data()->constBegin()->value, 25.0);
    QCOMPARE(graphs[1]->dataCount(), 2);
    const QStringList legend = legendNames(diagram.customPlot());
    QVERIFY(legend.contains(QStringLiteral("η = 0.05")));
    QVERIFY(legend.contains(QStringLiteral("η = 0.1")));
    // Distinct groups are told apart by color.
    QVERIFY(graphs[0]->scatterStyle().brush().color() != graphs[1]->scatterStyle().brush().color());
}

void TestPlotsStability::sessionPointsColoredByBatchSize()
{
    StabilityDiagram diagram;
    diagram.appendMeasurement(15.0, 20.0);
    diagram.finishRun(0.1, 10, QStringLiteral("A"));
    diagram.appendMeasurement(30.0, 25.0);
    diagram.finishRun(0.05, 10, QStringLiteral("B"));
    diagram.setColorBy(StabilityDiagram::ColorBy::BatchSize);

    const QList<QCPGraph*> graphs = diagram.sessionGraphs();
    QCOMPARE(graphs.size(), 1);
    QCOMPARE(graphs[0]->name(), QStringLiteral("B = 10"));
    QCOMPARE(graphs[0]->dataCount(), 2);
    const QStringList legend = legendNames(diagram.customPlot());
    QVERIFY(legend.contains(QStringLiteral("B = 10")));
    QVERIFY(!legend.contains(QStringLiteral("η = 0.1")));
}

void TestPlotsStability::hoverReadsOutNearestPoint()
{
    StabilityDiagram diagram;
    showAt(diagram, 640, 480);
    diagram.setBounds(0.1, 10, 1000);
    diagram.appendMeasurement(12.5, 18.0);
    diagram.finishRun(0.1, 10, QStringLiteral("run 7"));
    diagram.replotNow();

    QCustomPlot* plot = diagram.customPlot();
    const QPointF pixel(plot->xAxis->coordToPixel(12.5), plot->yAxis->coordToPixel(18.0));
    const QString text = diagram.readoutAt(pixel + QPointF(2, -1));
    QVERIFY2(text.contains(QStringLiteral("12.5")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("18")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("run 7")), qPrintable(text));

    const QPointF far(plot->xAxis->coordToPixel(1.0), plot->yAxis->coordToPixel(1.0));
    QCOMPARE(diagram.readoutAt(far), QString());
}

void TestPlotsStability::csvListsTrajectoryAndSession()
{
    StabilityDiagram diagram;
    diagram.setBounds(0.1, 10, 1000);
    diagram.appendMeasurement(1.25, 0.5);
    diagram.appendMeasurement(0.1 + 0.2, 3.0);
    diagram.finishRun(0.1, 10, QStringLiteral("run, with comma"));
    const QStringList lines = diagram.toCsv().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 4);
    QCOMPARE(lines[0], QStringLiteral("kind,label,eta,batch_size,a,s"));
    QCOMPARE(lines[1], QStringLiteral("trajectory,,0.1,10,1.25,0.5"));
    QCOMPARE(lines[2], QStringLiteral("trajectory,,0.1,10,0.30000000000000004,3"));
    QCOMPARE(lines[3], QStringLiteral("session,\"run, with comma\",0.1,10,0.30000000000000004,3"));
}

void TestPlotsStability::smallPanelKeepsLabelsLegendAndTitleApart_data()
{
    QTest::addColumn<QSize>("size");
    QTest::addColumn<double>("eta");
    QTest::addColumn<qint64>("batchSize");
    QTest::addColumn<qint64>("n");
    QTest::addColumn<QList<QPointF>>("trajectory");
    // The main window's docks (narrow and wide); the escape toy's trajectory and an MLP-like one.
    const QList<QPointF> toy{{2.0, 1.8}, {2.0, 0.9}, {2.0, 0.0}, {1.1, 0.0}};
    QList<QPointF> mlp;
    for (int i = 0; i <= 50; ++i)
        mlp << QPointF(5.0 + 15.0 * i / 50.0, 10.0 + 20.0 * i / 50.0);
    for (const QSize size : {QSize(280, 330), QSize(570, 290)}) {
        const QByteArray suffix = QByteArray::number(size.width()) + "x" + QByteArray::number(size.height());
        QTest::newRow("escape toy " + suffix) << size << 0.7 << qint64(1) << qint64(2) << toy;
        QTest::newRow("MLP " + suffix) << size << 0.1 << qint64(10) << qint64(1000) << mlp;
    }
}

void TestPlotsStability::smallPanelKeepsLabelsLegendAndTitleApart()
{
    QFETCH(QSize, size);
    QFETCH(double, eta);
    QFETCH(qint64, batchSize);
    QFETCH(qint64, n);
    QFETCH(QList<QPointF>, trajectory);
    StabilityDiagram diagram;
    diagram.setBounds(eta, batchSize, n);
    for (const QPointF& p : trajectory)
        diagram.appendMeasurement(p.x(), p.y());
    diagram.finishRun(eta, batchSize, QStringLiteral("first"));
    showAt(diagram, size.width(), size.height());
    diagram.replotNow();

    QCustomPlot* plot = diagram.customPlot();
    const QRectF aLabel = textRect(diagram.sharpnessBoundLabel());
    const QRectF sLabel = textRect(diagram.nonUniformityBoundLabel());
    const QRectF legend = plot->legend->outerRect();
    const QRectF axes = plot->axisRect()->rect();
    QVERIFY(diagram.sharpnessBoundLabel()->visible() && diagram.nonUniformityBoundLabel()->visible());
    QVERIFY2(!aLabel.intersects(sLabel), "the two bound labels overlap");
    QVERIFY2(!aLabel.intersects(legend) && !sLabel.intersects(legend), "the legend covers a label");
    QVERIFY2(!legend.intersects(axes), "the legend covers the data");
    // Whole labels in view, each beside its own line: a's left of a = 2/η, s's above s = bound.
    // One pixel of slack for rounding of the anchors.
    QVERIFY(axes.adjusted(-1, -1, 1, 1).contains(aLabel));
    QVERIFY(axes.adjusted(-1, -1, 1, 1).contains(sLabel));
    const double aLinePx = plot->xAxis->coordToPixel(diagram.sharpnessBound());
    const double sLinePx = plot->yAxis->coordToPixel(diagram.nonUniformityBound());
    QVERIFY(aLabel.right() <= aLinePx + 1.0);
    QVERIFY(sLabel.bottom() <= sLinePx + 1.0);
    QVERIFY(sLabel.right() < aLinePx);
    // The long title (caption, citation, η, B, n) is broken into lines that fit the width.
    const auto* title = qobject_cast<QCPTextElement*>(plot->plotLayout()->element(0, 0));
    QVERIFY(title);
    QCOMPARE(title->text().remove(QLatin1Char('\n')).remove(QLatin1Char(' ')),
             diagram.title().remove(QLatin1Char(' ')));
    QVERIFY(QFontMetrics(title->font()).boundingRect(QRect(), 0, title->text()).width() <= size.width());
}

void TestPlotsStability::whatIfLabelStaysInView_data()
{
    QTest::addColumn<QSize>("size");
    QTest::addColumn<double>("eta");
    QTest::addColumn<qint64>("batchSize");
    QTest::addColumn<qint64>("n");
    QTest::addColumn<QPointF>("minimum");
    // The filter-normalization demo: GD's minimum is the highest point, so it sits under the top
    // of the view (the view's headroom is a share of the range, the label's height is pixels).
    // An MLP-like minimum just left of a = 2/eta: the label has no room on its right.
    const QPointF demo(2.38984, 8.90462);
    const QPointF nearBound(19.5, 28.0);
    for (const QSize size : {QSize(280, 330), QSize(570, 290), QSize(450, 250)}) {
        const QByteArray suffix = QByteArray::number(size.width()) + "x" + QByteArray::number(size.height());
        QTest::newRow("demo minimum " + suffix) << size << 0.2 << qint64(200) << qint64(200) << demo;
        QTest::newRow("near the a bound " + suffix) << size << 0.1 << qint64(10) << qint64(1000) << nearBound;
    }
}

void TestPlotsStability::whatIfLabelStaysInView()
{
    QFETCH(QSize, size);
    QFETCH(double, eta);
    QFETCH(qint64, batchSize);
    QFETCH(qint64, n);
    QFETCH(QPointF, minimum);
    StabilityDiagram diagram;
    diagram.setBounds(eta, batchSize, n);
    diagram.appendMeasurement(0.6 * minimum.x(), 0.8 * minimum.y());
    diagram.finishRun(eta, batchSize, QStringLiteral("other run"));
    diagram.appendMeasurement(minimum.x(), minimum.y());
    diagram.finishRun(eta, batchSize, QStringLiteral("this run"));
    diagram.setWhatIfPoint(minimum.x(), minimum.y(), StabilityDiagram::Verdict::Stable,
                           QStringLiteral("stable (λmax = 0.999941)"));
    showAt(diagram, size.width(), size.height());
    diagram.replotNow();

    const QCustomPlot* plot = diagram.customPlot();
    const QCPItemText* label = diagram.whatIfLabel();
    QVERIFY(label->visible());
    const QRectF box = textRect(label);
    const QRectF axes = plot->axisRect()->rect();
    // Items are clipped to the axes: the whole label is inside them (one pixel for rounding).
    QVERIFY2(axes.adjusted(-1, -1, 1, 1).contains(box),
             qPrintable(QStringLiteral("label (%1, %2)-(%3, %4) outside the axes (%5, %6)-(%7, %8)")
                            .arg(box.left())
                            .arg(box.top())
                            .arg(box.right())
                            .arg(box.bottom())
                            .arg(axes.left())
                            .arg(axes.top())
                            .arg(axes.right())
                            .arg(axes.bottom())));
    // Beside the ring, not over the minimum it marks.
    const QPointF centre(plot->xAxis->coordToPixel(minimum.x()), plot->yAxis->coordToPixel(minimum.y()));
    QVERIFY(!box.marginsRemoved(QMarginsF(label->padding())).contains(centre));
    QVERIFY(std::abs(box.left() - centre.x()) <= 1.0 || std::abs(box.right() - centre.x()) <= 1.0);
    QVERIFY(std::abs(box.top() - centre.y()) <= 1.0 || std::abs(box.bottom() - centre.y()) <= 1.0);
}

MINIMASCOPE_TEST_WIDGETS(TestPlotsStability)
#include "TestPlotsStability.moc"
