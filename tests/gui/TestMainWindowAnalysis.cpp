// The analysis actions on a finished run in the main window: the spectrum, the loss surface
// centred on the run (and its data export), the top-eigenvector slices, the trajectory plane, a
// click on the loss curve that centres the surface on a snapshot, and a plane of NaN parameters
// that fails and says why. Split from TestMainWindow (issue 17).
#include "LossPlot.h"
#include "MainWindow.h"
#include "MainWindowDriver.h"
#include "QCustomPlotInclude.h"
#include "SlicePlot.h"
#include "SpectrumPlot.h"
#include "SurfaceView.h"
#include "controllers/RunController.h"
#include "controllers/SnapshotPicker.h"
#include "controllers/SurfaceDataExport.h"
#include "panels/SetupPanel.h"
#include "panels/SurfacePanel.h"
#include "support/TestSuite.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace minimascope::ui;
using namespace minimascope::tests;
namespace core = minimascope::core;

namespace {

// Curvature is measured by Lanczos/power iteration to a relative residual of 1e-3 (the
// tracker's default); on the escape toy's 1-parameter quadratic pieces it is exact up to
// double rounding, so this bound only absorbs that rounding and the sqrt of a tiny lambda(Sigma).
constexpr double kCurvatureTolerance = 1e-6;
// Central second difference with step h = 0.01 along a unit vector: truncation O(h^2) times the
// fourth derivative and float32 cancellation (~1e-7 L / h^2) stay well below 2% of the sharpness.
constexpr double kSecondDifferenceRelTolerance = 0.02;

// The worker keeps a snapshot every s iterations, s the smallest power of two with at most 60
// multiples of s in [0, N], plus the final parameters at N.
QVector<qint64> expectedSnapshotIterations(qint64 iterations)
{
    qint64 stride = 1;
    while (iterations / stride + 1 > 60)
        stride *= 2;
    QVector<qint64> expected;
    for (qint64 i = 0; i <= iterations; i += stride)
        expected.append(i);
    if (expected.back() != iterations)
        expected.append(iterations);
    return expected;
}

}   // namespace

class TestMainWindowAnalysis : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void spectrumOfTheEscapeToy();
    void eigenvectorPlaneOfNaNParametersFails();
    void surfaceIsCentredOnTheRun();
    void topEigenvectorSlicesCurveLikeTheSharpness();
    void trajectoryPlaneHoldsTheRunsPath();
    void clickOnTheLossCurveCentresTheSurface();

private:
    QTemporaryDir m_settingsDir;
};

void TestMainWindowAnalysis::initTestCase() { isolateSettings(m_settingsDir); }

void TestMainWindowAnalysis::spectrumOfTheEscapeToy()
{
    MainWindow window;
    window.show();
    trainPreset(window, "escape-toy-gd");
    QAction* spectrum = action(window, "spectrumAction");
    QVERIFY(spectrum->isEnabled());
    QSignalSpy ready(window.runController(), &RunController::spectrumReady);
    spectrum->trigger();
    QVERIFY(ready.wait(kRunTimeoutMs));
    const auto result = ready.at(0).at(0).value<SpectrumResult>();
    QCOMPARE(toString(result.status), toString(core::RunStatus::Finished));
    // One parameter at x = 1: H = (0.2 + 3.8) / 2 = 2 is the whole spectrum.
    const std::vector<double>& top = window.spectrumPlot()->topEigenvalues();
    QCOMPARE(top.size(), size_t(1));
    QVERIFY(std::abs(top[0] - 2.0) <= kCurvatureTolerance);
    QCOMPARE(top, result.topEigenvalues);
}

void TestMainWindowAnalysis::eigenvectorPlaneOfNaNParametersFails()
{
    MainWindow window;
    window.show();
    // SGD with eta = 1e6 and weight decay 1 multiplies the weights by about -1e6 a step: past
    // float range within the first epoch, before any evaluation, so the batch loss becomes NaN or
    // infinite and the run ends Diverged on parameters that are no longer numbers.
    QVERIFY(window.setupPanel()->selectPreset(QStringLiteral("two-moons-quick")));
    findField<QLineEdit*>(window, "lr")->setText(QStringLiteral("1e6"));
    findField<QLineEdit*>(window, "weightDecay")->setText(QStringLiteral("1"));
    findField<QSpinBox*>(window, "curvatureEvery")->setValue(0);
    findField<QCheckBox*>(window, "curvatureAtEnd")->setChecked(false);
    QSignalSpy finished(window.runController(), &RunController::trainingFinished);
    QVERIFY(window.startRun());
    QVERIFY(finished.wait(kRunTimeoutMs));
    const TrainingOutcome outcome = finished.at(0).at(0).value<TrainingOutcome>();
    QCOMPARE(toString(outcome.status), toString(core::RunStatus::Diverged));
    QVERIFY2(outcome.reason.contains(QStringLiteral("NaN")) || outcome.reason.contains(QStringLiteral("infinite")),
             qPrintable(outcome.reason));
    QVERIFY(!action(window, "surfaceAction")->isEnabled());
    // Asked anyway (past the disabled action), the top-eigenvector plane fails and says why
    // instead of finishing with nothing to show.
    QSignalSpy surfaceFinished(window.runController(), &RunController::surfaceFinished);
    LandscapeRequest request;
    request.directions = SurfaceDirections::TopEigenvectors;
    request.resolution = 5;
    window.runController()->startSurface(request);
    QVERIFY(surfaceFinished.wait(kRunTimeoutMs));
    const QString message = surfaceFinished.at(0).at(1).toString();
    QCOMPARE(toString(surfaceFinished.at(0).at(0).value<core::RunStatus>()), toString(core::RunStatus::Failed));
    QVERIFY2(message.contains(QStringLiteral("eigenvalues are not finite")), qPrintable(message));
}

void TestMainWindowAnalysis::surfaceIsCentredOnTheRun()
{
    MainWindow window;
    window.show();
    TrainingOutcome outcome;
    trainShortTwoMoons(window, &outcome);
    window.surfacePanel()->findChild<QSpinBox*>(QStringLiteral("surfaceResolution"))->setValue(9);
    QSignalSpy updatesSpy(window.runController(), &RunController::surfaceUpdate);
    QSignalSpy finished(window.runController(), &RunController::surfaceFinished);
    window.findChild<QAction*>(QStringLiteral("surfaceAction"))->trigger();
    QVERIFY(window.runController()->isAnalyzing());
    QVERIFY(finished.wait(kRunTimeoutMs));
    QCOMPARE(toString(finished.at(0).at(0).value<core::RunStatus>()), toString(core::RunStatus::Finished));
    const auto last = updatesSpy.back().at(0).value<SurfaceUpdate>();
    QVERIFY(last.final);
    const SurfaceData& surface = last.surface;
    QCOMPARE(surface.nx(), 9);
    QCOMPARE(surface.ny(), 9);
    for (double v : surface.values)
        QVERIFY(std::isfinite(v));
    // The centre (alpha = beta = 0) is the run's own parameters: the loss the trainer reported.
    QCOMPARE(surface.xs[4], 0.0);
    QCOMPARE(surface.ys[4], 0.0);
    QVERIFY2(std::abs(surface.at(4, 4) - outcome.final.trainLoss) <= kLossAgreement,
             qPrintable(QStringLiteral("%1 vs %2").arg(surface.at(4, 4)).arg(outcome.final.trainLoss)));
    QVERIFY(window.surfacePanel()->surfaceView()->hasSurface());

    // Export → the numbers behind the view: the CSV's centre row holds the centre value.
    QCOMPARE(window.surfacePanel()->surface().values, surface.values);
    QTemporaryDir dir;
    QString error;
    QVERIFY2(exportSurfaceData(window.surfacePanel()->surface(), dir.filePath(QStringLiteral("s.vts")), &error),
             qPrintable(error));
    for (const char* suffix : {"s.vts", "s.csv", "s.npy", "s.json"})
        QVERIFY2(QFileInfo(dir.filePath(QLatin1String(suffix))).size() > 0, suffix);
    QFile csv(dir.filePath(QStringLiteral("s.csv")));
    QVERIFY(csv.open(QIODevice::ReadOnly));
    const QStringList rows = QString::fromUtf8(csv.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(rows.size(), 1 + 9 * 9);
    const QStringList centre = rows[1 + 4 * 9 + 4].split(QLatin1Char(','));
    QCOMPARE(centre[0].toDouble(), 0.0);
    QCOMPARE(centre[1].toDouble(), 0.0);
    // CSV keeps nine significant digits.
    QVERIFY(std::abs(centre[2].toDouble() - surface.at(4, 4)) <= 1e-8 * std::abs(surface.at(4, 4)));
    QVERIFY(!exportSurfaceData(SurfaceData{}, dir.filePath(QStringLiteral("empty.vts")), &error));
    QVERIFY(error.contains(QStringLiteral("empty.vts")));
}

void TestMainWindowAnalysis::topEigenvectorSlicesCurveLikeTheSharpness()
{
    MainWindow window;
    window.show();
    TrainingOutcome outcome;
    const double sharpness = trainShortTwoMoons(window, &outcome);
    QVERIFY(sharpness > 0.0);
    window.surfacePanel()
        ->findChild<QComboBox*>(QStringLiteral("surfaceDirections"))
        ->setCurrentIndex(int(SurfaceDirections::TopEigenvectors));
    window.surfacePanel()->findChild<QSpinBox*>(QStringLiteral("surfaceResolution"))->setValue(5);
    window.surfacePanel()->findChild<QDoubleSpinBox*>(QStringLiteral("surfaceRange"))->setValue(0.05);
    QSignalSpy slices(window.runController(), &RunController::slicesReady);
    QSignalSpy finished(window.runController(), &RunController::surfaceFinished);
    window.computeSurface(window.surfacePanel()->request());
    QVERIFY(finished.wait(kRunTimeoutMs));
    QCOMPARE(slices.size(), 1);
    const auto result = slices.at(0).at(0).value<SliceResult>();
    // 11 points on [-0.05, 0.05]: step 0.01, t = 0 in the middle.
    QCOMPARE(result.t.size(), size_t(11));
    const double h = result.t[6] - result.t[5];
    QVERIFY(std::abs(h - 0.01) < 1e-12);
    const auto second = [h](const std::vector<double>& f) { return (f[6] - 2 * f[5] + f[4]) / (h * h); };
    // Along the unit top eigenvector the loss curves as lambda_max = the sharpness a measured
    // at the end of the run; along any other unit direction it curves less.
    const double alongTop = second(result.alongTopEigenvector);
    QVERIFY2(std::abs(alongTop - sharpness) <= kSecondDifferenceRelTolerance * sharpness,
             qPrintable(QStringLiteral("%1 vs a = %2").arg(alongTop).arg(sharpness)));
    QVERIFY(second(result.alongRandom) <= alongTop * (1 + kSecondDifferenceRelTolerance));
    QCOMPARE(result.alongTopEigenvector[5], result.alongRandom[5]);
    // And the slice plot shows exactly these curves.
    const auto shown = window.slicePlot()->topEigenvectorGraph()->data();
    QCOMPARE(shown->size(), int(result.t.size()));
    for (int i = 0; i < shown->size(); ++i)
        QCOMPARE(shown->at(i)->value, result.alongTopEigenvector[size_t(i)]);
}

void TestMainWindowAnalysis::trajectoryPlaneHoldsTheRunsPath()
{
    MainWindow window;
    window.show();
    TrainingOutcome outcome;
    trainShortTwoMoons(window, &outcome);
    const QVector<qint64> expected = expectedSnapshotIterations(outcome.iterations);
    QCOMPARE(outcome.snapshotIterations, expected);
    window.surfacePanel()
        ->findChild<QComboBox*>(QStringLiteral("surfaceDirections"))
        ->setCurrentIndex(int(SurfaceDirections::TrajectoryPca));
    window.surfacePanel()->findChild<QSpinBox*>(QStringLiteral("surfaceResolution"))->setValue(9);
    QSignalSpy updatesSpy(window.runController(), &RunController::surfaceUpdate);
    QSignalSpy finished(window.runController(), &RunController::surfaceFinished);
    window.computeSurface(window.surfacePanel()->request());
    QVERIFY(finished.wait(kRunTimeoutMs));
    QCOMPARE(toString(finished.at(0).at(0).value<core::RunStatus>()), toString(core::RunStatus::Finished));
    const auto last = updatesSpy.back().at(0).value<SurfaceUpdate>();
    QVERIFY(last.final);
    const SurfaceData& surface = last.surface;

    // One point a snapshot, in training order, ending at the origin: the final parameters.
    QCOMPARE(QVector<qint64>(last.trajectoryIterations.begin(), last.trajectoryIterations.end()), expected);
    QCOMPARE(surface.trajectory.size(), size_t(expected.size()));
    QCOMPARE(surface.trajectory.back().x(), 0.0);
    QCOMPARE(surface.trajectory.back().y(), 0.0);
    // Fractions of one variance: each in (0, 1], the two together at most all of it.
    QVERIFY2(last.explained1 > 0.0 && last.explained1 <= 1.0, qPrintable(QString::number(last.explained1)));
    QVERIFY2(last.explained2 > 0.0 && last.explained2 <= 1.0, qPrintable(QString::number(last.explained2)));
    QVERIFY(last.explained1 >= last.explained2);
    QVERIFY(last.explained1 + last.explained2 <= 1.0 + 1e-12);
    QVERIFY(surface.xLabel.startsWith(QStringLiteral("PC1 (")));
    QVERIFY(surface.yLabel.startsWith(QStringLiteral("PC2 (")));

    // The grid covers the whole path, symmetric about the origin.
    QCOMPARE(surface.nx(), 9);
    QCOMPARE(surface.ny(), 9);
    for (const QPointF& p : surface.trajectory) {
        QVERIFY(p.x() > surface.xs.front() && p.x() < surface.xs.back());
        QVERIFY(p.y() > surface.ys.front() && p.y() < surface.ys.back());
    }
    for (double v : surface.values)
        QVERIFY(std::isfinite(v));
    // The centre of the odd grid is the final parameters: the loss the trainer reported.
    QVERIFY(std::abs(surface.xs[4]) <= 1e-12 * surface.xs.back());
    QVERIFY(std::abs(surface.ys[4]) <= 1e-12 * surface.ys.back());
    QVERIFY2(std::abs(surface.at(4, 4) - outcome.final.trainLoss) <= kLossAgreement,
             qPrintable(QStringLiteral("%1 vs %2").arg(surface.at(4, 4)).arg(outcome.final.trainLoss)));
}

void TestMainWindowAnalysis::clickOnTheLossCurveCentresTheSurface()
{
    MainWindow window;
    window.show();
    QSignalSpy progress(window.runController(), &RunController::trainingUpdate);
    TrainingOutcome outcome;
    trainShortTwoMoons(window, &outcome);
    // A mid-run iteration with both a kept snapshot and an evaluation of the training loss.
    qint64 chosen = -1;
    double lossThere = NAN;
    for (const TrainingUpdate& u : updates(progress)) {
        for (const core::MetricsRow& row : u.rows) {
            if (row.iteration > 0 && row.iteration < outcome.iterations / 2 + 1
                && outcome.snapshotIterations.contains(row.iteration)) {
                chosen = row.iteration;
                lossThere = row.trainLoss;
            }
        }
    }
    QVERIFY2(chosen > 0, "no mid-run iteration with both a snapshot and an evaluation");
    // The snapshot really differs from the end of the run.
    QVERIFY(std::abs(lossThere - outcome.final.trainLoss) > 10 * kLossAgreement);

    // A left click on the loss curve a little off the snapshot picks the nearest one.
    QCustomPlot* plot = window.findChild<LossPlot*>()->customPlot();
    QCPAxisRect* rect = plot->axisRect();
    // The plot shows the whole run once its throttled redraw has caught up.
    QTRY_VERIFY_WITH_TIMEOUT(rect->axis(QCPAxis::atBottom)->range().contains(double(chosen) + 1.0), 2000);
    plot->replot();
    const QPoint click(int(std::lround(rect->axis(QCPAxis::atBottom)->coordToPixel(double(chosen) + 1.0))),
                       rect->rect().center().y());
    QTest::mouseClick(plot, Qt::LeftButton, {}, click);
    QCOMPARE(window.surfacePanel()->centreIteration(), chosen);
    QCOMPARE(window.surfacePanel()->findChild<QLabel*>(QStringLiteral("surfaceCentre"))->text(),
             QStringLiteral("at iteration %1").arg(chosen));

    window.surfacePanel()->findChild<QSpinBox*>(QStringLiteral("surfaceResolution"))->setValue(5);
    QSignalSpy updatesSpy(window.runController(), &RunController::surfaceUpdate);
    QSignalSpy finished(window.runController(), &RunController::surfaceFinished);
    window.computeSurface(window.surfacePanel()->request());
    QVERIFY(finished.wait(kRunTimeoutMs));
    QCOMPARE(toString(finished.at(0).at(0).value<core::RunStatus>()), toString(core::RunStatus::Finished));
    const SurfaceData surface = updatesSpy.back().at(0).value<SurfaceUpdate>().surface;
    // The centre of the surface is the snapshot: the training loss evaluated at that iteration.
    QCOMPARE(surface.xs[2], 0.0);
    QCOMPARE(surface.ys[2], 0.0);
    QVERIFY2(std::abs(surface.at(2, 2) - lossThere) <= kLossAgreement,
             qPrintable(QStringLiteral("%1 vs %2 at iteration %3").arg(surface.at(2, 2)).arg(lossThere).arg(chosen)));

    // And the run's own parameters are back: the default centre gives the final loss again.
    window.findChild<SnapshotPicker*>()->pick(double(outcome.iterations));
    QCOMPARE(window.surfacePanel()->centreIteration(), qint64(-1));
    QSignalSpy again(window.runController(), &RunController::surfaceFinished);
    window.computeSurface(window.surfacePanel()->request());
    QVERIFY(again.wait(kRunTimeoutMs));
    const SurfaceData end = updatesSpy.back().at(0).value<SurfaceUpdate>().surface;
    QVERIFY2(std::abs(end.at(2, 2) - outcome.final.trainLoss) <= kLossAgreement,
             qPrintable(QStringLiteral("%1 vs %2").arg(end.at(2, 2)).arg(outcome.final.trainLoss)));
}

MINIMASCOPE_TEST_WIDGETS(TestMainWindowAnalysis)
#include "TestMainWindowAnalysis.moc"
