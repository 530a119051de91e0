// The rest of the loss-surface catalogue in the main window (issue 18): the geometry of the
// gradient noise (Run → Gradient noise geometry…) at the end of a run and through training, checked
// against `minimascope-cli analyze` on the same run; its cancel; and the fitness-distance
// correlation of a teacher-student run (Run → Fitness-distance correlation…) against
// `minimascope-cli fdc` with the same seed, refused with a reason for other data sets.
#include "CliProcess.h"
#include "CurvesPlot.h"
#include "FitnessDistancePlot.h"
#include "MainWindow.h"
#include "MainWindowDriver.h"
#include "QCustomPlotInclude.h"
#include "SpectrumPlot.h"
#include "controllers/FitnessDistanceController.h"
#include "controllers/GradientNoiseController.h"
#include "controllers/RunController.h"
#include "panels/GradientNoisePanel.h"
#include "panels/SetupPanel.h"
#include "support/CompareNear.h"
#include "support/TestSuite.h"

#include <QDockWidget>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>

using namespace minimascope::ui;
using namespace minimascope::tests;
namespace core = minimascope::core;

namespace {

// The app and analyze measure the same saved parameters with the same request and seed, one torch
// thread each (the run's config says threads = 1): the same Lanczos sequence, so the eigenvalues
// agree to float32 rounding of the products; this bound leaves two decades for it.
constexpr double kSameRunRelTolerance = 1e-5;
// The shares are projections onto Lanczos eigenvectors converged to a relative residual of 1e-3;
// computed along the same sequence they agree far closer than that.
constexpr double kSameRunShareTolerance = 1e-5;
// fdc and the app evaluate the same points (same seed, same float32 network, one thread each).
constexpr double kSameSampleTolerance = 1e-9;
// Cancellation latency is a correctness contract (a cancel stops the worker within 200 ms).
constexpr qint64 kCancelLatencyMs = 200;

GradientNoiseResult measureNoise(MainWindow& window, const GradientNoiseRequest& request)
{
    QSignalSpy ready(window.runController(), &RunController::gradientNoiseReady);
    if (!window.gradientNoise()->start(request) || !ready.wait(kCliTimeoutMs))
        qFatal("the gradient noise geometry did not end");
    return ready.at(0).at(0).value<GradientNoiseResult>();
}

bool isShare(double value) { return value >= 0.0 && value <= 1.0; }

}   // namespace

class TestMainWindowNoiseGeometry : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { isolateSettings(m_settingsDir); }
    void noiseActionNeedsARun();
    void noiseAtTheEndIsWhatAnalyzeMeasures();
    void noiseThroughTrainingEndsAtTheFinalParameters();
    void noiseCancelWithinLatency();
    void fitnessDistanceNeedsATeacher();
    void fitnessDistanceIsWhatFdcSamples();

private:
    QTemporaryDir m_settingsDir;
};

void TestMainWindowNoiseGeometry::noiseActionNeedsARun()
{
    MainWindow window;
    QAction* noise = action(window, "gradientNoiseAction");
    QVERIFY(!noise->isEnabled());
    QVERIFY2(noise->toolTip().contains(QStringLiteral("Train a run")), qPrintable(noise->toolTip()));
    QVERIFY(!window.findChild<QDockWidget*>(QStringLiteral("gradientNoiseDock"))->isVisible());
}

void TestMainWindowNoiseGeometry::noiseAtTheEndIsWhatAnalyzeMeasures()
{
    MainWindow window;
    window.show();
    TrainingOutcome outcome;
    trainShortTwoMoons(window, &outcome);
    QVERIFY(action(window, "gradientNoiseAction")->isEnabled());
    GradientNoiseRequest request;
    request.topK = 3;
    request.densitySteps = 40;
    const GradientNoiseResult result = measureNoise(window, request);
    QCOMPARE(toString(result.status), toString(core::RunStatus::Finished));
    QCOMPARE(result.points.size(), size_t(1));
    const GradientNoisePoint& point = result.points.front();
    QCOMPARE(point.iteration, outcome.iterations);
    QCOMPARE(point.covarianceTop.size(), size_t(3));
    QCOMPARE(point.hessianTop.size(), size_t(3));
    QVERIFY2(isShare(point.overlap), qPrintable(QString::number(point.overlap)));
    QVERIFY2(isShare(point.gradientShare), qPrintable(QString::number(point.gradientShare)));
    // Sigma_g = (1/n) sum g_i g_i^T is positive semi-definite: its top eigenvalues too, largest first.
    QVERIFY(point.covarianceTop[0] >= point.covarianceTop[1] && point.covarianceTop[2] >= 0.0);

    // The dock shows it: the spectrum's ticks, one marker a quantity, the numbers in its line.
    GradientNoisePanel* panel = window.gradientNoise()->panel();
    QVERIFY(window.findChild<QDockWidget*>(QStringLiteral("gradientNoiseDock"))->isVisible());
    QCOMPARE(panel->spectrumPlot()->topEigenvalues(), point.covarianceTop);
    // The log density axis leaves out the points where SLQ's density underflows to 0.
    QCOMPARE(panel->spectrumPlot()->densityGraph()->dataCount(),
             int(std::count_if(point.density.begin(), point.density.end(), [](double v) { return v > 0.0; })));
    QCOMPARE(panel->sharesPlot()->curveCount(), 2);
    QCOMPARE(panel->sharesPlot()->curveGraph(0)->data()->at(0)->value, point.overlap);
    QCOMPARE(panel->sharesPlot()->curveGraph(1)->data()->at(0)->value, point.gradientShare);
    QCOMPARE(panel->eigenvaluesPlot()->curveCount(), 3);
    QVERIFY(panel->summary().contains(QString::number(point.overlap, 'g', 4)));
    QVERIFY(!window.runController()->isAnalyzing());

    // Exported like every other plot: each of the three as PNG, SVG, PDF and CSV.
    QTemporaryDir out;
    int n = 0;
    for (PlotPanel* plot : window.gradientNoise()->plots())
        for (const char* suffix : {"png", "svg", "pdf"}) {
            const QString path = out.filePath(QStringLiteral("plot%1.%2").arg(n++).arg(QLatin1String(suffix)));
            QString error;
            QVERIFY2(plot->exportImage(path, QSize(640, 480), 96, &error), qPrintable(error));
            QVERIFY(QFileInfo(path).size() > 0);
        }
    const QStringList rows = panel->sharesPlot()->toCsv().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(rows.size(), 3);   // header, overlap, share

    // analyze on the run saved from the app: the same numbers.
    QTemporaryDir runDir;
    QSignalSpy saved(window.runController(), &RunController::runFolderSaved);
    window.runController()->saveRunFolder(runDir.path(), true);
    QVERIFY(saved.wait(kRunTimeoutMs));
    QVERIFY2(saved.at(0).at(0).toBool(), qPrintable(saved.at(0).at(1).toString()));
    QVERIFY(runCli({QStringLiteral("analyze"), QStringLiteral("--run"), runDir.path(), QStringLiteral("--quantities"),
                    QStringLiteral("grad_cov_top,grad_cov_density,subspace_overlap"), QStringLiteral("--top-k"),
                    QStringLiteral("3"), QStringLiteral("--density-steps"), QStringLiteral("40")}));
    const QJsonObject noise =
        readJson(runDir.filePath(QStringLiteral("analysis.json"))).value(QStringLiteral("gradient_noise")).toObject();
    const QJsonArray top = noise.value(QStringLiteral("top_eigenvalues")).toArray();
    QCOMPARE(top.size(), 3);
    for (int k = 0; k < 3; ++k) {
        const double cli = top[k].toObject().value(QStringLiteral("value")).toDouble();
        MS_COMPARE_RELATIVE_AT(point.covarianceTop[size_t(k)], cli, kSameRunRelTolerance,
                               qPrintable(QStringLiteral("λ%1(Σg)").arg(k + 1)));
    }
    MS_COMPARE_NEAR(point.overlap, noise.value(QStringLiteral("subspace_overlap")).toDouble(), kSameRunShareTolerance);
    MS_COMPARE_NEAR(point.gradientShare, noise.value(QStringLiteral("gradient_share_in_hessian_top")).toDouble(),
                    kSameRunShareTolerance);
}

void TestMainWindowNoiseGeometry::noiseThroughTrainingEndsAtTheFinalParameters()
{
    MainWindow window;
    window.show();
    TrainingOutcome outcome;
    trainShortTwoMoons(window, &outcome);
    GradientNoiseRequest request;
    request.topK = 2;
    request.densitySteps = 30;
    const GradientNoisePoint atEnd = measureNoise(window, request).points.at(0);
    request.overTraining = true;
    request.maxSnapshots = 4;
    QSignalSpy updates(window.runController(), &RunController::gradientNoiseUpdate);
    const GradientNoiseResult result = measureNoise(window, request);
    QCOMPARE(toString(result.status), toString(core::RunStatus::Finished));
    QCOMPARE(result.points.size(), size_t(4));
    QCOMPARE(updates.size(), 4);
    QCOMPARE(result.points.front().iteration, qint64(0));
    for (size_t i = 0; i < result.points.size(); ++i) {
        const GradientNoisePoint& p = result.points[i];
        if (i > 0)
            QVERIFY(p.iteration > result.points[i - 1].iteration);
        QVERIFY2(isShare(p.overlap) && isShare(p.gradientShare), qPrintable(QString::number(p.iteration)));
    }
    // The last snapshot is the final parameters: measured alike (same request, seed, thread), it
    // gives exactly the numbers measured at the end.
    const GradientNoisePoint& last = result.points.back();
    QCOMPARE(last.iteration, outcome.iterations);
    QCOMPARE(last.covarianceTop, atEnd.covarianceTop);
    QCOMPARE(last.overlap, atEnd.overlap);
    QCOMPARE(last.gradientShare, atEnd.gradientShare);
    // The dock has one point a snapshot on each line, the spectrum of the last.
    GradientNoisePanel* panel = window.gradientNoise()->panel();
    QCOMPARE(panel->sharesPlot()->curveGraph(0)->dataCount(), 4);
    QCOMPARE(panel->eigenvaluesPlot()->curveGraph(0)->dataCount(), 4);
    QCOMPARE(panel->spectrumPlot()->topEigenvalues(), last.covarianceTop);
}

void TestMainWindowNoiseGeometry::noiseCancelWithinLatency()
{
    MainWindow window;
    window.show();
    TrainingOutcome outcome;
    trainShortTwoMoons(window, &outcome);
    GradientNoiseRequest request;
    request.overTraining = true;
    request.maxSnapshots = 60;
    request.densitySteps = 200;
    QSignalSpy updates(window.runController(), &RunController::gradientNoiseUpdate);
    QSignalSpy ready(window.runController(), &RunController::gradientNoiseReady);
    QVERIFY(window.gradientNoise()->start(request));
    QVERIFY(!action(window, "gradientNoiseAction")->isEnabled());   // one analysis at a time
    QVERIFY(updates.wait(kRunTimeoutMs));
    QElapsedTimer sinceCancel;
    sinceCancel.start();
    window.runController()->cancelAnalysis();
    QVERIFY(ready.wait(kRunTimeoutMs));
    QVERIFY2(sinceCancel.elapsed() <= kCancelLatencyMs, qPrintable(QString::number(sinceCancel.elapsed())));
    const auto result = ready.at(0).at(0).value<GradientNoiseResult>();
    QCOMPARE(toString(result.status), toString(core::RunStatus::Cancelled));
    QVERIFY(!result.points.empty() && result.points.size() < 60);
    QCOMPARE(window.gradientNoise()->panel()->sharesPlot()->curveGraph(0)->dataCount(), int(result.points.size()));
    QVERIFY(!window.runController()->isAnalyzing());
    QVERIFY(action(window, "gradientNoiseAction")->isEnabled());
}

void TestMainWindowNoiseGeometry::fitnessDistanceNeedsATeacher()
{
    MainWindow window;
    window.show();
    TrainingOutcome outcome;
    trainShortTwoMoons(window, &outcome);
    QAction* fdc = action(window, "fitnessDistanceAction");
    QVERIFY(!fdc->isEnabled());
    QVERIFY2(fdc->toolTip().contains(QStringLiteral("teacher")), qPrintable(fdc->toolTip()));
    // Asked anyway, it refuses with the same reason and starts nothing.
    QSignalSpy finished(window.fitnessDistance(), &AnalysisViewController::finished);
    FitnessDistanceRequest request;
    request.distances = {0.0, 1.0};
    QVERIFY(!window.fitnessDistance()->start(request));
    QCOMPARE(finished.size(), 1);
    QVERIFY(!window.runController()->isAnalyzing());
}

void TestMainWindowNoiseGeometry::fitnessDistanceIsWhatFdcSamples()
{
    MainWindow window;
    window.show();
    QVERIFY(window.setupPanel()->selectPreset(QStringLiteral("teacher-student-small")));
    findField<QSpinBox*>(window, "maxIterations")->setValue(200);
    findField<QSpinBox*>(window, "curvatureEvery")->setValue(0);
    QSignalSpy trained(window.runController(), &RunController::trainingFinished);
    QVERIFY(window.startRun());
    QVERIFY(trained.wait(kRunTimeoutMs));
    QAction* fdc = action(window, "fitnessDistanceAction");
    QVERIFY2(fdc->isEnabled(), qPrintable(fdc->toolTip()));

    FitnessDistanceRequest request;
    request.distances = {0.0, 1.0, 2.0, 4.0};
    request.samples = 5;
    QSignalSpy ready(window.runController(), &RunController::fitnessDistanceReady);
    QVERIFY(window.fitnessDistance()->start(request));
    QVERIFY(ready.wait(kCliTimeoutMs));
    const auto result = ready.at(0).at(0).value<FitnessDistanceResult>();
    QCOMPARE(toString(result.status), toString(core::RunStatus::Finished));
    QCOMPARE(result.points.size(), size_t(4 * 5));
    QVERIFY(std::isfinite(result.correlation) && result.correlation > 0.0);   // the loss grows away from w*
    QCOMPARE(result.seed, quint64(0));                                        // the preset's seed
    QCOMPARE(window.fitnessDistance()->plot()->pointsGraph()->dataCount(), 20);
    QVERIFY(window.findChild<QDockWidget*>(QStringLiteral("fitnessDistanceDock"))->isVisible());

    // fdc with the preset, the same distances, samples and seed on one thread: the same r and points.
    QTemporaryDir out;
    const QString prefix = out.filePath(QStringLiteral("fdc"));
    QVERIFY(runCli({QStringLiteral("fdc"), QStringLiteral("--preset"), QStringLiteral("teacher-student-small"),
                    QStringLiteral("--distances"), QStringLiteral("0,1,2,4"), QStringLiteral("--samples"),
                    QStringLiteral("5"), QStringLiteral("--threads"), QStringLiteral("1"), QStringLiteral("--out"),
                    prefix}));
    const QJsonObject json = readJson(prefix + QStringLiteral(".json"));
    MS_COMPARE_NEAR(result.correlation, json.value(QStringLiteral("correlation")).toDouble(), kSameSampleTolerance);
    MS_COMPARE_RELATIVE(result.centreLoss, json.value(QStringLiteral("centre_loss")).toDouble(), kSameSampleTolerance);
    const QJsonArray losses = json.value(QStringLiteral("point_loss")).toArray();
    QCOMPARE(losses.size(), 20);
    for (int i = 0; i < 20; ++i)
        MS_COMPARE_RELATIVE_AT(result.points[size_t(i)].loss, losses[i].toDouble(), kSameSampleTolerance,
                               qPrintable(QString::number(i)));
}

MINIMASCOPE_TEST_WIDGETS(TestMainWindowNoiseGeometry)
#include "TestMainWindowNoiseGeometry.moc"
