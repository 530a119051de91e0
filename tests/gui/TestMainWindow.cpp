// The main window driven as a user drives it: fill the setup form, Run, watch the plots fill
// with the numbers the core computed on the worker thread, Stop, Pause, close mid-run.
// The escape toy (docs/science.md, "The escape toy") gives exact answers: at x = 1, a = 2 and s = 1.8; at
// x = 0, a = 2 and s = 0; GD with eta = 0.7 stays at x = 1, SGD with B = 1 escapes to x = 0.
#include "LossPlot.h"
#include "MainWindow.h"
#include "QCustomPlotInclude.h"
#include "SharpnessPlot.h"
#include "SlicePlot.h"
#include "SpectrumPlot.h"
#include "StabilityDiagram.h"
#include "SurfaceView.h"
#include "analysis/CurvatureLog.h"
#include "controllers/RunController.h"
#include "controllers/SnapshotPicker.h"
#include "controllers/SurfaceDataExport.h"
#include "panels/SetupPanel.h"
#include "panels/SurfacePanel.h"
#include "train/RunFolder.h"
#include "support/TestSuite.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QSettings>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <memory>

using namespace minimascope::ui;
namespace core = minimascope::core;

namespace {

// Curvature is measured by Lanczos/power iteration to a relative residual of 1e-3 (the
// tracker's default); on the escape toy's 1-parameter quadratic pieces it is exact up to
// double rounding, so this bound only absorbs that rounding and the sqrt of a tiny lambda(Sigma).
constexpr double kCurvatureTolerance = 1e-6;
// s = sqrt(lambda_max(Sigma)) at x = 0 where Sigma = 0 exactly: the sqrt of a rounding-level
// eigenvalue (~1e-16) is ~1e-8.
constexpr double kZeroNonUniformityTolerance = 1e-6;
// Cancellation latency is a correctness contract (COMMON.md: stop within 200 ms).
constexpr qint64 kCancelLatencyMs = 200;
constexpr int kRunTimeoutMs = 30000;
// The surface evaluates the loss in float32 through its own path (first-layer products reused),
// the trainer through the network's forward: they agree to float32 rounding of a mean over n.
constexpr double kLossAgreement = 1e-5;
// Central second difference with step h = 0.01 along a unit vector: truncation O(h^2) times the
// fourth derivative and float32 cancellation (~1e-7 L / h^2) stay well below 2% of the sharpness.
constexpr double kSecondDifferenceRelTolerance = 0.02;
// metrics.csv writes nine significant digits (core/io/NumberFormat.h).
constexpr double kCsvRelTolerance = 1e-8;

template <typename T>
T findField(MainWindow& window, const char* name)
{
    auto* field = window.setupPanel()->findChild<T>(QString::fromLatin1(name));
    if (!field)
        qFatal("no setup field named %s", name);
    return field;
}

QAction* action(MainWindow& window, const char* name)
{
    auto* a = window.findChild<QAction*>(QString::fromLatin1(name));
    if (!a)
        qFatal("no action named %s", name);
    return a;
}

// A two-moons run that does not end by itself (only Stop ends it), measuring a and s often.
void setEndlessTwoMoons(MainWindow& window)
{
    QVERIFY(window.setupPanel()->selectPreset(QStringLiteral("two-moons-quick")));
    findField<QLineEdit*>(window, "lossBelow")->setText(QStringLiteral("0"));
    findField<QSpinBox*>(window, "maxIterations")->setValue(100000000);
    findField<QSpinBox*>(window, "curvatureEvery")->setValue(20);
    QVERIFY2(window.setupPanel()->isValid(), qPrintable(window.setupPanel()->errorMessage()));
}

QList<TrainingUpdate> updates(const QSignalSpy& spy)
{
    QList<TrainingUpdate> list;
    for (const QList<QVariant>& args : spy)
        list.append(args.at(0).value<TrainingUpdate>());
    return list;
}

} // namespace

class TestMainWindow : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void escapeToyMeasuresExactCurvature_data();
    void adaHessianFromTheSetupPanel();
    void escapeToyMeasuresExactCurvature();
    void plotsHoldTheWorkersNumbers();
    void stopCancelsWithinLatency();
    void pauseHoldsTheRunAndStopStillWorks();
    void invalidFieldsBlockRun();
    void divergenceIsReportedNotFatal();
    void eigenvectorPlaneOfNaNParametersFails();
    void openingAProjectDuringARunSaysWhy();
    void spectrumOfTheEscapeToy();
    void surfaceIsCentredOnTheRun();
    void topEigenvectorSlicesCurveLikeTheSharpness();
    void trajectoryPlaneHoldsTheRunsPath();
    void clickOnTheLossCurveCentresTheSurface();
    void projectRoundTrip();
    void runFolderSaveAndOpen();
    void savedRunFolderHoldsTheCurvatureLog_data();
    void savedRunFolderHoldsTheCurvatureLog();
    void boundsUseTheExamplesTheRunTrainsOn_data();
    void boundsUseTheExamplesTheRunTrainsOn();
    void closingDuringRunDoesNotHang();

private:
    QTemporaryDir m_settingsDir;
};

void TestMainWindow::initTestCase()
{
    // Never read or write the user's settings.
    QVERIFY(m_settingsDir.isValid());
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settingsDir.path());
    QCoreApplication::setOrganizationName(QStringLiteral("MinimaScopeTest"));
}

void TestMainWindow::escapeToyMeasuresExactCurvature_data()
{
    QTest::addColumn<QString>("preset");
    QTest::addColumn<double>("sharpness");
    QTest::addColumn<double>("nonUniformity");
    // GD (eta = 0.7) is stable at x = 1 (a = 2 <= 2/eta): every measurement sees x near 1.
    QTest::newRow("gd stays at x = 1") << QStringLiteral("escape-toy-gd") << 2.0 << 1.8;
    // SGD with B = 1 needs s <= 1/eta = 1.43 too: it leaves x = 1 and ends at x = 0.
    QTest::newRow("sgd escapes to x = 0") << QStringLiteral("escape-toy-sgd") << 2.0 << 0.0;
}

void TestMainWindow::escapeToyMeasuresExactCurvature()
{
    QFETCH(QString, preset);
    QFETCH(double, sharpness);
    QFETCH(double, nonUniformity);
    MainWindow window;
    window.show();
    QVERIFY(window.setupPanel()->selectPreset(preset));
    findField<QSpinBox*>(window, "curvatureEvery")->setValue(0);   // only at the end
    QSignalSpy finished(window.runController(), &RunController::trainingFinished);
    QSignalSpy progress(window.runController(), &RunController::trainingUpdate);
    const int sessionBefore = window.stabilityDiagram()->sessionPointCount();
    action(window, "runAction")->trigger();
    QVERIFY(finished.wait(kRunTimeoutMs));
    const auto outcome = finished.at(0).at(0).value<TrainingOutcome>();
    QCOMPARE(toString(outcome.status), toString(core::RunStatus::Finished));
    QCOMPARE(outcome.reason, QStringLiteral("loss_below"));

    QVector<CurvaturePoint> samples;
    for (const TrainingUpdate& u : updates(progress))
        samples += u.samples;
    QCOMPARE(samples.size(), 1);
    QVERIFY2(std::abs(samples[0].sharpness - sharpness) <= kCurvatureTolerance,
             qPrintable(QString::number(samples[0].sharpness, 'g', 17)));
    const double tolerance = nonUniformity == 0.0 ? kZeroNonUniformityTolerance : kCurvatureTolerance;
    QVERIFY2(std::abs(samples[0].nonUniformity - nonUniformity) <= tolerance,
             qPrintable(QString::number(samples[0].nonUniformity, 'g', 17)));

    // The plots got exactly these numbers and the run became a session point.
    const auto sharpnessData = window.sharpnessPlot()->sharpnessGraph()->data();
    QCOMPARE(sharpnessData->size(), 1);
    QCOMPARE(sharpnessData->at(0)->value, samples[0].sharpness);
    QCOMPARE(sharpnessData->at(0)->key, double(samples[0].iteration));
    const auto trajectory = window.stabilityDiagram()->trajectory()->data();
    QCOMPARE(trajectory->size(), 1);
    QCOMPARE(trajectory->at(0)->key, samples[0].sharpness);
    QCOMPARE(trajectory->at(0)->value, samples[0].nonUniformity);
    QCOMPARE(window.stabilityDiagram()->sessionPointCount(), sessionBefore + 1);
    // The bounds drawn are those of the run: 2/eta and sqrt(B(n-1)/(n-B))/eta (none for GD).
    QCOMPARE(window.stabilityDiagram()->sharpnessBound(), 2.0 / 0.7);
    if (preset.endsWith(QStringLiteral("sgd")))
        QCOMPARE(window.stabilityDiagram()->nonUniformityBound(), 1.0 / 0.7);
    QVERIFY(window.runStatusText().startsWith(QStringLiteral("Finished")));
}

void TestMainWindow::adaHessianFromTheSetupPanel()
{
    // AdaHessian chosen in the panel: in 1D its Hutchinson diagonal is the exact curvature
    // (z (H z) = H for z = +-1), so from x0 = 0.99 it settles in the minimum x = 1, where the
    // escape toy's curvatures are known exactly.
    MainWindow window;
    window.show();
    QVERIFY(window.setupPanel()->selectPreset(QStringLiteral("escape-toy-gd")));
    findField<QComboBox*>(window, "optimizer")->setCurrentText(QStringLiteral("adahessian"));
    QCOMPARE(findField<QComboBox*>(window, "optimizer")->currentText(), QStringLiteral("adahessian"));
    findField<QLineEdit*>(window, "lr")->setText(QStringLiteral("0.5"));   // 81 steps to loss < 1e-10 (measured)
    findField<QSpinBox*>(window, "batchSize")->setValue(2);         // both examples each step
    findField<QSpinBox*>(window, "curvatureEvery")->setValue(0);   // only at the end
    QVERIFY2(window.setupPanel()->isValid(), qPrintable(window.setupPanel()->errorMessage()));
    QSignalSpy finished(window.runController(), &RunController::trainingFinished);
    QSignalSpy progress(window.runController(), &RunController::trainingUpdate);
    action(window, "runAction")->trigger();
    QVERIFY(finished.wait(kRunTimeoutMs));
    const auto outcome = finished.at(0).at(0).value<TrainingOutcome>();
    QCOMPARE(toString(outcome.status), toString(core::RunStatus::Finished));
    QCOMPARE(outcome.reason, QStringLiteral("loss_below"));   // reached the minimum, not the cap
    QVector<CurvaturePoint> samples;
    for (const TrainingUpdate& u : updates(progress))
        samples += u.samples;
    QCOMPARE(samples.size(), 1);
    QVERIFY2(std::abs(samples[0].sharpness - 2.0) <= kCurvatureTolerance,
             qPrintable(QString::number(samples[0].sharpness, 'g', 17)));
    QVERIFY2(std::abs(samples[0].nonUniformity - 1.8) <= kCurvatureTolerance,
             qPrintable(QString::number(samples[0].nonUniformity, 'g', 17)));
}

void TestMainWindow::plotsHoldTheWorkersNumbers()
{
    MainWindow window;
    window.show();
    QVERIFY(window.setupPanel()->selectPreset(QStringLiteral("two-moons-quick")));
    findField<QSpinBox*>(window, "maxIterations")->setValue(300);
    findField<QSpinBox*>(window, "curvatureEvery")->setValue(25);
    findField<QSpinBox*>(window, "curvatureSubset")->setValue(100);
    QSignalSpy finished(window.runController(), &RunController::trainingFinished);
    QSignalSpy progress(window.runController(), &RunController::trainingUpdate);
    QVERIFY(window.startRun());
    QVERIFY(finished.wait(kRunTimeoutMs));
    const auto outcome = finished.at(0).at(0).value<TrainingOutcome>();
    QCOMPARE(toString(outcome.status), toString(core::RunStatus::Finished));
    QCOMPARE(outcome.iterations, qint64(300));

    QVector<core::MetricsRow> rows;
    QVector<CurvaturePoint> samples;
    for (const TrainingUpdate& u : updates(progress)) {
        rows += u.rows;
        samples += u.samples;
    }
    // Due every 25 iterations and measured on the other core: each sample at a due iteration of
    // its own parameters, in order; points that fell due while one ran are skipped (never
    // queued); the end (300) is always measured, once.
    QVERIFY(samples.size() >= 2 && samples.size() <= 12);
    for (int i = 0; i < samples.size(); ++i) {
        QCOMPARE(samples[i].iteration % 25, qint64(0));
        if (i > 0)
            QVERIFY(samples[i].iteration > samples[i - 1].iteration);
    }
    QCOMPARE(samples.back().iteration, qint64(300));
    // The last metrics row is the final evaluation the core reported.
    QVERIFY(!rows.isEmpty());
    QCOMPARE(rows.back().iteration, outcome.final.iteration);
    QCOMPARE(rows.back().trainLoss, outcome.final.trainLoss);

    const auto loss = window.lossPlot()->graph(LossPlot::Series::TrainLoss)->data();
    QCOMPARE(loss->size(), rows.size());
    for (int i = 0; i < rows.size(); ++i) {
        QCOMPARE(loss->at(i)->key, double(rows[i].iteration));
        QCOMPARE(loss->at(i)->value, rows[i].trainLoss);
    }
    const auto sharpness = window.sharpnessPlot()->sharpnessGraph()->data();
    const auto trajectory = window.stabilityDiagram()->trajectory()->data();
    QCOMPARE(sharpness->size(), samples.size());
    QCOMPARE(trajectory->size(), samples.size());
    for (int i = 0; i < samples.size(); ++i) {
        QCOMPARE(sharpness->at(i)->value, samples[i].sharpness);
        QCOMPARE(trajectory->at(i)->key, samples[i].sharpness);
        QCOMPARE(trajectory->at(i)->value, samples[i].nonUniformity);
        QVERIFY(samples[i].sharpness > 0.0);
    }
    QCOMPARE(window.sharpnessPlot()->stabilityThreshold(), 2.0 / 0.2);
}

void TestMainWindow::stopCancelsWithinLatency()
{
    MainWindow window;
    window.show();
    window.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&window));   // shortcuts go to the active window
    setEndlessTwoMoons(window);
    QSignalSpy finished(window.runController(), &RunController::trainingFinished);
    QSignalSpy progress(window.runController(), &RunController::trainingUpdate);
    QTest::keyClick(&window, Qt::Key_R, Qt::ControlModifier);   // the Run shortcut
    QVERIFY(window.runController()->isTraining());
    QVERIFY(!action(window, "runAction")->isEnabled());
    // Let it get going, with curvature measurements among the steps.
    QTRY_VERIFY_WITH_TIMEOUT(progress.size() >= 5, kRunTimeoutMs);
    QElapsedTimer latency;
    latency.start();
    QTest::keyClick(&window, Qt::Key_Escape);   // the Stop shortcut
    QVERIFY(finished.wait(kRunTimeoutMs));
    const qint64 ms = latency.elapsed();
    qInfo("cancel latency: %lld ms", ms);
    QVERIFY2(ms <= kCancelLatencyMs, qPrintable(QStringLiteral("cancel took %1 ms").arg(ms)));
    const auto outcome = finished.at(0).at(0).value<TrainingOutcome>();
    QCOMPARE(toString(outcome.status), toString(core::RunStatus::Cancelled));
    QVERIFY(outcome.iterations > 0);
    QVERIFY(action(window, "runAction")->isEnabled());
    QVERIFY(!window.runController()->isTraining());
    // What was measured before the stop stays on the plots.
    QVERIFY(window.lossPlot()->graph(LossPlot::Series::TrainLoss)->data()->size() > 0);
}

void TestMainWindow::pauseHoldsTheRunAndStopStillWorks()
{
    MainWindow window;
    window.show();
    setEndlessTwoMoons(window);
    QSignalSpy finished(window.runController(), &RunController::trainingFinished);
    QSignalSpy progress(window.runController(), &RunController::trainingUpdate);
    QVERIFY(window.startRun());
    QTRY_VERIFY_WITH_TIMEOUT(progress.size() >= 3, kRunTimeoutMs);
    window.setPaused(true);
    QVERIFY(action(window, "pauseAction")->isChecked());
    // The worker stops at its next progress report (a curvature measurement in between may delay
    // it on a busy machine); after that no iteration is added.
    qint64 heldAt = -1;
    for (int attempt = 0; attempt < 20 && heldAt != updates(progress).back().iteration; ++attempt) {
        heldAt = updates(progress).back().iteration;
        QTest::qWait(300);
    }
    QTest::qWait(300);
    QCOMPARE(updates(progress).back().iteration, heldAt);
    QVERIFY(finished.isEmpty());
    // A paused run still stops at once.
    QElapsedTimer latency;
    latency.start();
    action(window, "stopAction")->trigger();
    QVERIFY(finished.wait(kRunTimeoutMs));
    const qint64 ms = latency.elapsed();
    qInfo("cancel latency while paused: %lld ms", ms);
    QVERIFY2(ms <= kCancelLatencyMs, qPrintable(QStringLiteral("cancel while paused took %1 ms").arg(ms)));
    QCOMPARE(toString(finished.at(0).at(0).value<TrainingOutcome>().status), toString(core::RunStatus::Cancelled));
    QVERIFY(!action(window, "pauseAction")->isChecked());
}

void TestMainWindow::invalidFieldsBlockRun()
{
    MainWindow window;
    window.show();
    QVERIFY(window.setupPanel()->selectPreset(QStringLiteral("two-moons-quick")));
    QAction* run = action(window, "runAction");
    auto* message = window.setupPanel()->findChild<QLabel*>(QStringLiteral("setupMessage"));
    QVERIFY(message);
    QVERIFY(run->isEnabled());
    QVERIFY(message->isHidden());

    auto* lr = findField<QLineEdit*>(window, "lr");
    // Out of range: the core's own message, naming the key, at the field and under the form.
    lr->setText(QStringLiteral("-1"));
    QVERIFY(!run->isEnabled());
    QVERIFY(!message->isHidden());
    QVERIFY2(message->text().contains(QStringLiteral("optimizer.lr")), qPrintable(message->text()));
    QCOMPARE(lr->toolTip(), message->text());
    // Not a number at all.
    lr->setText(QStringLiteral("fast"));
    QVERIFY(!run->isEnabled());
    QVERIFY(message->text().contains(QStringLiteral("not a number")));
    lr->setText(QStringLiteral("0.2"));
    QVERIFY(run->isEnabled());
    QVERIFY(message->isHidden());
    QVERIFY(lr->toolTip().startsWith(QStringLiteral("Learning rate η")));   // its help again

    // A rule across fields: B larger than n.
    findField<QSpinBox*>(window, "batchSize")->setValue(500);
    QVERIFY(!run->isEnabled());
    QVERIFY2(message->text().contains(QStringLiteral("optimizer.batch_size")), qPrintable(message->text()));
    QSignalSpy finished(window.runController(), &RunController::trainingFinished);
    QVERIFY(!window.startRun());
    QTest::keyClick(&window, Qt::Key_R, Qt::ControlModifier);
    QVERIFY(!window.runController()->isTraining());
    QVERIFY(finished.isEmpty());
}

void TestMainWindow::divergenceIsReportedNotFatal()
{
    MainWindow window;
    window.show();
    // GD on the escape toy with eta = 5: |1 - eta f''| >= 4.5 on every piece, so x runs away
    // geometrically and the loss passes the divergence bound (1e6) within a few dozen steps.
    QVERIFY(window.setupPanel()->selectPreset(QStringLiteral("escape-toy-gd")));
    findField<QLineEdit*>(window, "lr")->setText(QStringLiteral("5"));
    QSignalSpy finished(window.runController(), &RunController::trainingFinished);
    QVERIFY(window.startRun());
    QVERIFY(finished.wait(kRunTimeoutMs));
    QCOMPARE(toString(finished.at(0).at(0).value<TrainingOutcome>().status), toString(core::RunStatus::Diverged));
    QVERIFY2(window.runStatusText().startsWith(QStringLiteral("Diverged")), qPrintable(window.runStatusText()));
    // Its parameters are no minimum: what needs one is disabled, and says why.
    for (const char* name : {"spectrumAction", "surfaceAction", "saveRunAction"}) {
        QAction* needsRun = action(window, name);
        QVERIFY2(!needsRun->isEnabled(), name);
        QVERIFY2(needsRun->toolTip().contains(QStringLiteral("diverged")), qPrintable(needsRun->toolTip()));
    }
    // The window stays usable: the next run starts, and its parameters can be analyzed again.
    findField<QLineEdit*>(window, "lr")->setText(QStringLiteral("0.7"));
    QVERIFY(window.startRun());
    QVERIFY(finished.wait(kRunTimeoutMs));
    QCOMPARE(toString(finished.at(1).at(0).value<TrainingOutcome>().status), toString(core::RunStatus::Finished));
    for (const char* name : {"spectrumAction", "surfaceAction", "saveRunAction"}) {
        QAction* needsRun = action(window, name);
        QVERIFY2(needsRun->isEnabled(), name);
        QVERIFY2(!needsRun->toolTip().contains(QStringLiteral("diverged")), qPrintable(needsRun->toolTip()));
    }
}

void TestMainWindow::eigenvectorPlaneOfNaNParametersFails()
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

void TestMainWindow::openingAProjectDuringARunSaysWhy()
{
    MainWindow window;
    window.show();
    setEndlessTwoMoons(window);
    QSignalSpy progress(window.runController(), &RunController::trainingUpdate);
    QSignalSpy finished(window.runController(), &RunController::trainingFinished);
    QVERIFY(window.startRun());
    QVERIFY(progress.wait(kRunTimeoutMs));
    // Refused with its own message, not the live status line (the file is never read).
    QVERIFY(!window.openProject(QStringLiteral("/nonexistent/session.msproj")));
    QCOMPARE(window.runStatusText(), QStringLiteral("Stop the run before opening a project"));
    window.stopRun();
    QVERIFY(finished.wait(kRunTimeoutMs));
}

void TestMainWindow::spectrumOfTheEscapeToy()
{
    MainWindow window;
    window.show();
    QVERIFY(window.setupPanel()->selectPreset(QStringLiteral("escape-toy-gd")));
    QSignalSpy finished(window.runController(), &RunController::trainingFinished);
    QVERIFY(window.startRun());
    QVERIFY(finished.wait(kRunTimeoutMs));
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

// Trains a short two-moons run measuring a and s at the end only; returns that sharpness.
static double trainShortTwoMoons(MainWindow& window, TrainingOutcome* outcome)
{
    if (!window.setupPanel()->selectPreset(QStringLiteral("two-moons-quick")))
        qFatal("two-moons-quick preset missing");
    window.setupPanel()->findChild<QSpinBox*>(QStringLiteral("maxIterations"))->setValue(400);
    window.setupPanel()->findChild<QSpinBox*>(QStringLiteral("curvatureEvery"))->setValue(0);
    QSignalSpy finished(window.runController(), &RunController::trainingFinished);
    QSignalSpy progress(window.runController(), &RunController::trainingUpdate);
    if (!window.startRun() || !finished.wait(kRunTimeoutMs))
        qFatal("the two-moons run did not finish");
    *outcome = finished.at(0).at(0).value<TrainingOutcome>();
    QVector<CurvaturePoint> samples;
    for (const TrainingUpdate& u : updates(progress))
        samples += u.samples;
    return samples.isEmpty() ? NAN : samples.back().sharpness;
}

void TestMainWindow::surfaceIsCentredOnTheRun()
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

void TestMainWindow::topEigenvectorSlicesCurveLikeTheSharpness()
{
    MainWindow window;
    window.show();
    TrainingOutcome outcome;
    const double sharpness = trainShortTwoMoons(window, &outcome);
    QVERIFY(sharpness > 0.0);
    window.surfacePanel()->findChild<QComboBox*>(QStringLiteral("surfaceDirections"))
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

// The worker keeps a snapshot every s iterations, s the smallest power of two with at most 60
// multiples of s in [0, N], plus the final parameters at N.
static QVector<qint64> expectedSnapshotIterations(qint64 iterations)
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

void TestMainWindow::trajectoryPlaneHoldsTheRunsPath()
{
    MainWindow window;
    window.show();
    TrainingOutcome outcome;
    trainShortTwoMoons(window, &outcome);
    const QVector<qint64> expected = expectedSnapshotIterations(outcome.iterations);
    QCOMPARE(outcome.snapshotIterations, expected);
    window.surfacePanel()->findChild<QComboBox*>(QStringLiteral("surfaceDirections"))
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

void TestMainWindow::clickOnTheLossCurveCentresTheSurface()
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
            if (row.iteration > 0 && row.iteration < outcome.iterations / 2 + 1 &&
                outcome.snapshotIterations.contains(row.iteration)) {
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

void TestMainWindow::projectRoundTrip()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("session.msproj"));
    QVector<QPointF> sharpness;
    QVector<QPointF> trajectory;
    {
        MainWindow window;
        window.show();
        QSignalSpy finished(window.runController(), &RunController::trainingFinished);
        for (const char* preset : {"escape-toy-gd", "escape-toy-sgd"}) {
            QVERIFY(window.setupPanel()->selectPreset(QString::fromLatin1(preset)));
            findField<QSpinBox*>(window, "curvatureEvery")->setValue(2);
            QVERIFY(window.startRun());
            QVERIFY(finished.wait(kRunTimeoutMs));
        }
        QCOMPARE(window.stabilityDiagram()->sessionPointCount(), 2);
        for (const auto& p : *window.sharpnessPlot()->sharpnessGraph()->data())
            sharpness.append({p.key, p.value});
        for (const auto& p : *window.stabilityDiagram()->trajectory()->data())
            trajectory.append({p.key, p.value});
        QVERIFY(sharpness.size() > 1);
        QVERIFY(window.saveProject(path));
    }
    MainWindow reopened;
    reopened.show();
    QVERIFY(reopened.setupPanel()->selectPreset(QStringLiteral("two-moons-quick")));
    QVERIFY2(reopened.openProject(path), qPrintable(reopened.runStatusText()));
    // The SGD run's config is back in the form, and every plot shows what it showed.
    QCOMPARE(findField<QComboBox*>(reopened, "dataset")->currentText(), QStringLiteral("escape-toy"));
    QCOMPARE(findField<QComboBox*>(reopened, "optimizer")->currentText(), QStringLiteral("sgd"));
    QCOMPARE(reopened.stabilityDiagram()->sessionPointCount(), 2);
    QCOMPARE(reopened.stabilityDiagram()->nonUniformityBound(), 1.0 / 0.7);
    QVector<QPointF> sharpnessAgain;
    for (const auto& p : *reopened.sharpnessPlot()->sharpnessGraph()->data())
        sharpnessAgain.append({p.key, p.value});
    QCOMPARE(sharpnessAgain, sharpness);
    QVector<QPointF> trajectoryAgain;
    for (const auto& p : *reopened.stabilityDiagram()->trajectory()->data())
        trajectoryAgain.append({p.key, p.value});
    QCOMPARE(trajectoryAgain, trajectory);
    // A file that is not a project is refused with a message, and nothing changes.
    const QString bogus = dir.filePath(QStringLiteral("bogus.msproj"));
    QFile file(bogus);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("{\"format\": \"something-else\"}");
    file.close();
    QVERIFY(!reopened.openProject(bogus));
    QVERIFY(reopened.runStatusText().contains(QStringLiteral("not a MinimaScope project")));
    QCOMPARE(reopened.stabilityDiagram()->sessionPointCount(), 2);
}

void TestMainWindow::runFolderSaveAndOpen()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    MainWindow window;
    window.show();
    QVERIFY(window.setupPanel()->selectPreset(QStringLiteral("two-moons-quick")));
    findField<QSpinBox*>(window, "maxIterations")->setValue(200);
    QSignalSpy finished(window.runController(), &RunController::trainingFinished);
    QVERIFY(window.startRun());
    QVERIFY(finished.wait(kRunTimeoutMs));
    QVector<QPointF> trainLoss;
    for (const auto& p : *window.lossPlot()->graph(LossPlot::Series::TrainLoss)->data())
        trainLoss.append({p.key, p.value});
    // The core writes the folder on the worker (config, metrics, summary, parameters).
    QSignalSpy saved(window.runController(), &RunController::runFolderSaved);
    window.runController()->saveRunFolder(dir.path());
    QVERIFY(saved.wait(kRunTimeoutMs));
    QVERIFY2(saved.at(0).at(0).toBool(), qPrintable(saved.at(0).at(1).toString()));
    QVERIFY(QFile::exists(dir.filePath(QStringLiteral("config.json"))));

    // Reading it back shows the same curve and the config.
    MainWindow reopened;
    reopened.show();
    QVERIFY(reopened.openRunFolder(dir.path()));
    QCOMPARE(findField<QSpinBox*>(reopened, "maxIterations")->value(), 200);
    QVector<QPointF> again;
    for (const auto& p : *reopened.lossPlot()->graph(LossPlot::Series::TrainLoss)->data())
        again.append({p.key, p.value});
    QCOMPARE(again.size(), trainLoss.size());
    for (int i = 0; i < again.size(); ++i) {
        QCOMPARE(again[i].x(), trainLoss[i].x());
        QVERIFY(std::abs(again[i].y() - trainLoss[i].y()) <= kCsvRelTolerance * std::abs(trainLoss[i].y()));
    }
    // The opened folder heads File → Open recent (a failed open adds nothing).
    QVERIFY(!reopened.openRunFolder(dir.filePath(QStringLiteral("missing"))));
    QVERIFY(reopened.runStatusText().contains(QStringLiteral("not a run folder")));
    const QStringList recent = QSettings().value(QStringLiteral("recent/entries")).toStringList();
    QCOMPARE(recent.value(0), QStringLiteral("run|") + QFileInfo(dir.path()).absoluteFilePath());
    auto* recentMenu = reopened.findChild<QMenu*>(QStringLiteral("recentMenu"));
    QVERIFY(recentMenu);
    Q_EMIT recentMenu->aboutToShow();
    QVERIFY(!recentMenu->actions().isEmpty());
    QVERIFY(recentMenu->actions().front()->text().contains(QDir::toNativeSeparators(dir.path())));

    // The folder now holds a run; saving again replaces it when asked to (the window asks the
    // user first; a refusal without asking is TestRunFolder's).
    const std::string firstId = core::readRunFolderInfo(dir.path().toStdString()).runId;
    window.runController()->saveRunFolder(dir.path(), /*overwrite=*/true);
    QVERIFY(saved.wait(kRunTimeoutMs));
    QVERIFY2(saved.at(1).at(0).toBool(), qPrintable(saved.at(1).at(1).toString()));
    QVERIFY(core::readRunFolderInfo(dir.path().toStdString()).runId != firstId);
}

void TestMainWindow::savedRunFolderHoldsTheCurvatureLog_data()
{
    QTest::addColumn<QString>("preset");
    QTest::addColumn<double>("nonUniformity");
    // Both end where the escape toy's curvatures are exact: a = 2 at both minima.
    QTest::newRow("gd ends at x = 1") << QStringLiteral("escape-toy-gd") << 1.8;
    QTest::newRow("sgd ends at x = 0") << QStringLiteral("escape-toy-sgd") << 0.0;
}

void TestMainWindow::savedRunFolderHoldsTheCurvatureLog()
{
    QFETCH(QString, preset);
    QFETCH(double, nonUniformity);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    MainWindow window;
    window.show();
    QVERIFY(window.setupPanel()->selectPreset(preset));
    findField<QSpinBox*>(window, "curvatureEvery")->setValue(2);
    QSignalSpy finished(window.runController(), &RunController::trainingFinished);
    QSignalSpy progress(window.runController(), &RunController::trainingUpdate);
    QVERIFY(window.startRun());
    QVERIFY(finished.wait(kRunTimeoutMs));
    QVector<CurvaturePoint> samples;
    for (const TrainingUpdate& u : updates(progress))
        samples += u.samples;
    QVERIFY(samples.size() > 1);
    QSignalSpy saved(window.runController(), &RunController::runFolderSaved);
    window.runController()->saveRunFolder(dir.path());
    QVERIFY(saved.wait(kRunTimeoutMs));
    QVERIFY2(saved.at(0).at(0).toBool(), qPrintable(saved.at(0).at(1).toString()));

    // The curvature log reads back every measurement the plots got, in order, with the same numbers.
    const std::vector<core::CurvatureSample> logged =
        core::readCurvatureLog(core::readRunFolderInfo(dir.path().toStdString()));
    QCOMPARE(logged.size(), size_t(samples.size()));
    for (int i = 0; i < samples.size(); ++i) {
        QCOMPARE(logged[size_t(i)].iteration, samples[i].iteration);
        QVERIFY(std::abs(logged[size_t(i)].sharpness - samples[i].sharpness) <=
                kCsvRelTolerance * std::abs(samples[i].sharpness));
        QVERIFY(std::abs(logged[size_t(i)].nonUniformity - samples[i].nonUniformity) <=
                kCsvRelTolerance * std::abs(samples[i].nonUniformity) + kZeroNonUniformityTolerance);
    }
    // curvature.csv: the same rows; the last one holds the minimum's exact a and s.
    QFile csv(dir.filePath(QStringLiteral("curvature.csv")));
    QVERIFY2(csv.open(QIODevice::ReadOnly), "the saved run has no curvature.csv");
    const QStringList lines = QString::fromUtf8(csv.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 1 + samples.size());
    const QStringList header = lines.front().split(QLatin1Char(','));
    const QStringList last = lines.back().split(QLatin1Char(','));
    QCOMPARE(last.size(), header.size());
    QCOMPARE(last[header.indexOf(QStringLiteral("iteration"))].toLongLong(), samples.back().iteration);
    const double a = last[header.indexOf(QStringLiteral("sharpness"))].toDouble();
    const double s = last[header.indexOf(QStringLiteral("non_uniformity"))].toDouble();
    QVERIFY2(std::abs(a - 2.0) <= kCurvatureTolerance, qPrintable(QString::number(a, 'g', 17)));
    const double tolerance = nonUniformity == 0.0 ? kZeroNonUniformityTolerance : kCurvatureTolerance;
    QVERIFY2(std::abs(s - nonUniformity) <= tolerance, qPrintable(QString::number(s, 'g', 17)));
}

void TestMainWindow::boundsUseTheExamplesTheRunTrainsOn_data()
{
    QTest::addColumn<QString>("sampling");
    QTest::addColumn<double>("sBound");
    QTest::addColumn<QString>("titleNames");
    // Blobs of 3 classes, n = 300 in the config, classes 0 and 1 kept: the run trains on 200
    // examples. eta = 0.2, B = 10. Without replacement sqrt(10 * 199 / 190) / 0.2 (Python); with
    // the config's n = 300 it would be sqrt(10 * 299 / 290) / 0.2 = 16.0548628362143.
    QTest::newRow("subset") << QStringLiteral("subset") << 16.18153593646653 << QStringLiteral("B-subsets");
    QTest::newRow("shuffle is bounded as subsets") << QStringLiteral("shuffle") << 16.18153593646653
                                                   << QStringLiteral("epoch shuffling");
    // With replacement sqrt(10) / 0.2, whatever n.
    QTest::newRow("replacement") << QStringLiteral("replacement") << 15.811388300841896
                                 << QStringLiteral("with replacement");
}

void TestMainWindow::boundsUseTheExamplesTheRunTrainsOn()
{
    QFETCH(QString, sampling);
    QFETCH(double, sBound);
    QFETCH(QString, titleNames);
    MainWindow window;
    window.show();
    QVERIFY(window.setupPanel()->selectPreset(QStringLiteral("two-moons-quick")));
    findField<QComboBox*>(window, "dataset")->setCurrentText(QStringLiteral("blobs"));
    findField<QSpinBox*>(window, "n")->setValue(300);
    findField<QLineEdit*>(window, "classes")->setText(QStringLiteral("0, 1"));
    findField<QComboBox*>(window, "sampling")->setCurrentText(sampling);
    findField<QSpinBox*>(window, "maxIterations")->setValue(20);
    findField<QSpinBox*>(window, "curvatureEvery")->setValue(0);
    QVERIFY2(window.setupPanel()->isValid(), qPrintable(window.setupPanel()->errorMessage()));
    QSignalSpy finished(window.runController(), &RunController::trainingFinished);
    QVERIFY(window.startRun());
    QVERIFY(finished.wait(kRunTimeoutMs));
    const auto outcome = finished.at(0).at(0).value<TrainingOutcome>();
    QCOMPARE(toString(outcome.status), toString(core::RunStatus::Finished));
    QCOMPARE(outcome.trainSize, qint64(200));

    StabilityDiagram* diagram = window.stabilityDiagram();
    QCOMPARE(diagram->sharpnessBound(), 2.0 / 0.2);
    QVERIFY2(std::abs(diagram->nonUniformityBound() - sBound) <= 1e-12 * sBound,
             qPrintable(QString::number(diagram->nonUniformityBound(), 'g', 17)));
    QVERIFY2(diagram->title().contains(QStringLiteral("n = 200")), qPrintable(diagram->title()));
    QVERIFY2(diagram->title().contains(titleNames), qPrintable(diagram->title()));
}

void TestMainWindow::closingDuringRunDoesNotHang()
{
    auto window = std::make_unique<MainWindow>();
    window->show();
    setEndlessTwoMoons(*window);
    QSignalSpy progress(window->runController(), &RunController::trainingUpdate);
    QVERIFY(window->startRun());
    QTRY_VERIFY_WITH_TIMEOUT(progress.size() >= 3, kRunTimeoutMs);
    // close() cancels and joins the worker thread; a hang would trip ctest's timeout.
    QVERIFY(window->close());
    QVERIFY(!window->runController()->isTraining());
    const qsizetype plotted = window->lossPlot()->graph(LossPlot::Series::TrainLoss)->data()->size();
    QVERIFY(plotted > 0);
    window.reset();
}

MINIMASCOPE_TEST_WIDGETS(TestMainWindow)
#include "TestMainWindow.moc"
