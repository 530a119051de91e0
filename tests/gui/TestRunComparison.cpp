// File → Compare run folders (the desktop app's `figures --overlay`): each folder's 1D landscape
// drawn with exactly the values its .vts holds, labelled by the folder; the landscapes offered are
// those every folder holds; a missing file is refused by name and the plots keep what they showed.
#include "CurvesPlot.h"
#include "MainWindow.h"
#include "QCustomPlotInclude.h"
#include "controllers/RunComparison.h"
#include "controllers/RunComparisonController.h"
#include "landscape/LossSurface.h"
#include "landscape/SurfaceExport.h"
#include "support/TestSuite.h"

#include <QAction>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <limits>
#include <vector>

using namespace minimascope;
using namespace minimascope::ui;

namespace {

// A 1D landscape PREFIX.vts with these losses along alpha, and its sidecar naming the directions.
void writeCurve(const QString& prefix, const std::vector<double>& alphas, const std::vector<double>& losses)
{
    core::LandscapeGrid grid;
    grid.xs = alphas;
    grid.ys = {0.0};
    grid.loss = losses;
    grid.accuracy.assign(losses.size(), std::numeric_limits<double>::quiet_NaN());
    core::writeSurfaceVts((prefix + QStringLiteral(".vts")).toStdString(), grid);
    QFile sidecar(prefix + QStringLiteral(".json"));
    QVERIFY(sidecar.open(QIODevice::WriteOnly));
    sidecar.write(R"({"directions": "scale"})");
}

QList<QPointF> points(const QCPGraph* graph)
{
    QList<QPointF> out;
    for (const QCPGraphData& d : *graph->data())
        out << QPointF(d.key, d.value);
    return out;
}

}   // namespace

class TestRunComparison : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void comparesTheLandscapeOfEachFolder();
};

void TestRunComparison::comparesTheLandscapeOfEachFolder()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString bn = dir.filePath(QStringLiteral("bn-s0"));
    const QString plain = dir.filePath(QStringLiteral("plain-s0/"));   // a trailing slash names it too
    QVERIFY(QDir().mkpath(bn) && QDir().mkpath(plain));
    const std::vector<double> alphas{-1.0, 0.0, 1.0, 2.0};
    writeCurve(bn + QStringLiteral("/landscape_scale"), alphas, {4.0, 1.0, 0.5, 3.0});
    writeCurve(plain + QStringLiteral("landscape_scale"), alphas, {2.0, 0.25, 0.125, 8.0});
    writeCurve(bn + QStringLiteral("/only_here"), alphas, {1.0, 1.0, 1.0, 1.0});

    // Only the landscape both folders hold is offered.
    QCOMPARE(commonRunCurves({bn.toStdString(), plain.toStdString()}), std::vector<std::string>{"landscape_scale"});

    MainWindow window;
    window.show();
    QAction* action = window.findChild<QAction*>(QStringLiteral("compareRunsAction"));
    QVERIFY(action && action->isEnabled());
    RunComparisonController* comparison = window.runComparison();
    QVERIFY(!comparison->dock()->isVisible());
    QString error;
    QVERIFY2(comparison->compare({bn, plain}, QStringLiteral("landscape_scale"), false, &error), qPrintable(error));
    QVERIFY(comparison->dock()->isVisible());
    CurvesPlot* curves = comparison->curves();
    QCOMPARE(curves->curveCount(), 2);
    QCOMPARE(curves->curveGraph(0)->name(), QStringLiteral("bn-s0"));
    QCOMPARE(curves->curveGraph(1)->name(), QStringLiteral("plain-s0"));
    // The values as written (float64 in the .vts): exact.
    QCOMPARE(points(curves->curveGraph(0)), (QList<QPointF>{{-1.0, 4.0}, {0.0, 1.0}, {1.0, 0.5}, {2.0, 3.0}}));
    QCOMPARE(points(curves->curveGraph(1)), (QList<QPointF>{{-1.0, 2.0}, {0.0, 0.25}, {1.0, 0.125}, {2.0, 8.0}}));
    QCOMPARE(curves->customPlot()->yAxis->scaleType(), QCPAxis::stLogarithmic);

    // A landscape one folder lacks: refused by its path, nothing redrawn.
    QVERIFY(!comparison->compare({bn, plain}, QStringLiteral("landscape_interpolate"), false, &error));
    QVERIFY2(error.contains(QStringLiteral("bn-s0/landscape_interpolate.vts: no such landscape")), qPrintable(error));
    QCOMPARE(curves->curveCount(), 2);
    // Spectra of folders that are not run folders: refused, nothing redrawn.
    QVERIFY(!comparison->compare({bn, plain}, QStringLiteral("landscape_scale"), true, &error));
    QVERIFY(!error.isEmpty());
    QCOMPARE(curves->curveCount(), 2);
    // One folder is not a comparison.
    QVERIFY(!comparison->compare({bn}, QStringLiteral("landscape_scale"), false, &error));
    QVERIFY(error.contains(QStringLiteral("at least two")));
}

MINIMASCOPE_TEST_WIDGETS(TestRunComparison)
#include "TestRunComparison.moc"
