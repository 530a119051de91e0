// The run lifecycle in the main window: Run and Stop by their shortcuts, Stop within its latency,
// Pause, fields that block Run, a diverged run that leaves the window usable, closing mid-run, the
// average of the iterates a run reports (issue 18).
// Split from TestMainWindow (issue 17); the other concerns are TestMainWindowMeasurements,
// TestMainWindowAnalysis and TestMainWindowFiles.
#include "LossPlot.h"
#include "MainWindow.h"
#include "MainWindowDriver.h"
#include "QCustomPlotInclude.h"
#include "controllers/RunController.h"
#include "models/ModelSpec.h"
#include "models/Network.h"
#include "panels/SetupPanel.h"
#include "support/TestSuite.h"
#include "train/Objective.h"
#include "train/ResourceEstimate.h"
#include "train/RunFolder.h"

#include <QAction>
#include <QCheckBox>
#include <QElapsedTimer>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <memory>

using namespace minimascope::ui;
using namespace minimascope::tests;
namespace core = minimascope::core;

namespace {

// Cancellation latency is a correctness contract (docs/benchmarks.md, "Desktop responsiveness":
// Stop within 200 ms).
constexpr qint64 kCancelLatencyMs = 200;
// The worker and the test evaluate the same float32 parameters (average/ holds the trainer's mean
// bit for bit) on the same data; only the order of the float32 sums may differ, with the thread count.
constexpr double kAverageRelTolerance = 1e-5;

bool agrees(double measured, double expected)
{
    return std::abs(measured - expected) <= kAverageRelTolerance * std::abs(expected);
}

}   // namespace

class TestMainWindowRun : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void stopCancelsWithinLatency();
    void pauseHoldsTheRunAndStopStillWorks();
    void invalidFieldsBlockRun();
    void divergenceIsReportedNotFatal();
    void closingDuringRunDoesNotHang();
    void averagedIterateIsTheCoresAverage();

private:
    QTemporaryDir m_settingsDir;
};

void TestMainWindowRun::initTestCase() { isolateSettings(m_settingsDir); }

void TestMainWindowRun::stopCancelsWithinLatency()
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

void TestMainWindowRun::pauseHoldsTheRunAndStopStillWorks()
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

void TestMainWindowRun::invalidFieldsBlockRun()
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

void TestMainWindowRun::divergenceIsReportedNotFatal()
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

void TestMainWindowRun::closingDuringRunDoesNotHang()
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

void TestMainWindowRun::averagedIterateIsTheCoresAverage()
{
    // With "Average the iterates from iteration" set, the finished run reports the average's
    // numbers (evaluated on the worker): those the core gets from the saved folder's average/.
    constexpr qint64 kIterations = 300;
    constexpr qint64 kAverageFrom = 200;
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    MainWindow window;
    window.show();
    QVERIFY(window.setupPanel()->selectPreset(QStringLiteral("two-moons-quick")));
    findField<QLineEdit*>(window, "lossBelow")->setText(QStringLiteral("0"));   // all kIterations steps
    findField<QSpinBox*>(window, "maxIterations")->setValue(int(kIterations));
    findField<QSpinBox*>(window, "curvatureEvery")->setValue(0);
    findField<QCheckBox*>(window, "curvatureAtEnd")->setChecked(false);
    findField<QSpinBox*>(window, "averageFrom")->setValue(int(kAverageFrom));
    QSignalSpy finished(window.runController(), &RunController::trainingFinished);
    QVERIFY(window.startRun());
    QVERIFY(finished.wait(kRunTimeoutMs));
    const auto outcome = finished.at(0).at(0).value<TrainingOutcome>();
    QCOMPARE(toString(outcome.status), toString(core::RunStatus::Finished));
    QCOMPARE(outcome.iterations, kIterations);
    QVERIFY(outcome.average);
    QCOMPARE(outcome.averagedIterates, kIterations - kAverageFrom + 1);   // both ends included
    QVERIFY(outcome.average->trainLoss != outcome.final.trainLoss);       // the average, not the last iterate
    const QString status = window.runStatusText();
    const QString averageLine = QStringLiteral("average of the last %1 iterates: train loss");
    QVERIFY2(status.contains(averageLine.arg(outcome.averagedIterates)), qPrintable(status));

    QSignalSpy saved(window.runController(), &RunController::runFolderSaved);
    window.runController()->saveRunFolder(dir.path());
    QVERIFY(saved.wait(kRunTimeoutMs));
    QVERIFY2(saved.at(0).at(0).toBool(), qPrintable(saved.at(0).at(1).toString()));
    // The core's own reading: average/ loaded into the run's network, evaluated over both sets.
    const core::RunFolderInfo run = core::readRunFolderInfo(dir.path().toStdString());
    const core::RunConfig config = core::readRunConfig(run);
    QCOMPARE(config.schedule.averageFrom, int64_t(kAverageFrom));
    const core::DatasetPair data = core::loadRunDatasets(config);
    const std::shared_ptr<core::Network> network = core::buildModel(config.model, data.train, config.seed);
    core::loadNetworkTensors(run.dir + "/average", *network, run.runId);
    const core::Evaluation train = core::evaluate(*network, data.train);
    const core::Evaluation test = core::evaluate(*network, data.test);
    QVERIFY2(agrees(outcome.average->trainLoss, train.loss),
             qPrintable(QStringLiteral("%1 vs %2").arg(outcome.average->trainLoss).arg(train.loss)));
    QVERIFY(agrees(outcome.average->trainAccuracy, train.accuracy));
    QVERIFY(agrees(outcome.average->testLoss, test.loss));
    QVERIFY(agrees(outcome.average->testAccuracy, test.accuracy));

    // The setting comes back with the run folder and with a project.
    MainWindow reopened;
    reopened.show();
    QVERIFY2(reopened.openRunFolder(dir.path()), qPrintable(reopened.runStatusText()));
    QCOMPARE(findField<QSpinBox*>(reopened, "averageFrom")->value(), int(kAverageFrom));
    QTemporaryDir projectDir;
    QVERIFY(projectDir.isValid());
    const QString project = projectDir.filePath(QStringLiteral("averaging.msproj"));
    QVERIFY2(window.saveProject(project), qPrintable(window.runStatusText()));
    MainWindow fromProject;
    fromProject.show();
    QVERIFY2(fromProject.openProject(project), qPrintable(fromProject.runStatusText()));
    QCOMPARE(findField<QSpinBox*>(fromProject, "averageFrom")->value(), int(kAverageFrom));
}

MINIMASCOPE_TEST_WIDGETS(TestMainWindowRun)
#include "TestMainWindowRun.moc"
