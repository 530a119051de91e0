// What a run measures reaches the main window's plots: the escape toy's exact a and s (with GD,
// SGD and AdaHessian chosen in the setup panel), the worker's numbers on every plot in order, and
// the stability bounds of the examples the run trains on.
// Split from TestMainWindow (issue 17).
#include "LossPlot.h"
#include "MainWindow.h"
#include "MainWindowDriver.h"
#include "QCustomPlotInclude.h"
#include "SharpnessPlot.h"
#include "StabilityDiagram.h"
#include "controllers/RunController.h"
#include "panels/SetupPanel.h"
#include "support/TestSuite.h"

#include <QAction>
#include <QComboBox>
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
// s = sqrt(lambda_max(Sigma)) at x = 0 where Sigma = 0 exactly: the sqrt of a rounding-level
// eigenvalue (~1e-16) is ~1e-8.
constexpr double kZeroNonUniformityTolerance = 1e-6;

}   // namespace

class TestMainWindowMeasurements : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void escapeToyMeasuresExactCurvature_data();
    void escapeToyMeasuresExactCurvature();
    void adaHessianFromTheSetupPanel();
    void plotsHoldTheWorkersNumbers();
    void boundsUseTheExamplesTheRunTrainsOn_data();
    void boundsUseTheExamplesTheRunTrainsOn();

private:
    QTemporaryDir m_settingsDir;
};

void TestMainWindowMeasurements::initTestCase() { isolateSettings(m_settingsDir); }

void TestMainWindowMeasurements::escapeToyMeasuresExactCurvature_data()
{
    QTest::addColumn<QString>("preset");
    QTest::addColumn<double>("sharpness");
    QTest::addColumn<double>("nonUniformity");
    // GD (eta = 0.7) is stable at x = 1 (a = 2 <= 2/eta): every measurement sees x near 1.
    QTest::newRow("gd stays at x = 1") << QStringLiteral("escape-toy-gd") << 2.0 << 1.8;
    // SGD with B = 1 needs s <= 1/eta = 1.43 too: it leaves x = 1 and ends at x = 0.
    QTest::newRow("sgd escapes to x = 0") << QStringLiteral("escape-toy-sgd") << 2.0 << 0.0;
}

void TestMainWindowMeasurements::escapeToyMeasuresExactCurvature()
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

    QVector<core::CurvatureSample> samples;
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

void TestMainWindowMeasurements::adaHessianFromTheSetupPanel()
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
    findField<QSpinBox*>(window, "batchSize")->setValue(2);                // both examples each step
    findField<QSpinBox*>(window, "curvatureEvery")->setValue(0);           // only at the end
    QVERIFY2(window.setupPanel()->isValid(), qPrintable(window.setupPanel()->errorMessage()));
    QSignalSpy finished(window.runController(), &RunController::trainingFinished);
    QSignalSpy progress(window.runController(), &RunController::trainingUpdate);
    action(window, "runAction")->trigger();
    QVERIFY(finished.wait(kRunTimeoutMs));
    const auto outcome = finished.at(0).at(0).value<TrainingOutcome>();
    QCOMPARE(toString(outcome.status), toString(core::RunStatus::Finished));
    QCOMPARE(outcome.reason, QStringLiteral("loss_below"));   // reached the minimum, not the cap
    QVector<core::CurvatureSample> samples;
    for (const TrainingUpdate& u : updates(progress))
        samples += u.samples;
    QCOMPARE(samples.size(), 1);
    QVERIFY2(std::abs(samples[0].sharpness - 2.0) <= kCurvatureTolerance,
             qPrintable(QString::number(samples[0].sharpness, 'g', 17)));
    QVERIFY2(std::abs(samples[0].nonUniformity - 1.8) <= kCurvatureTolerance,
             qPrintable(QString::number(samples[0].nonUniformity, 'g', 17)));
}

void TestMainWindowMeasurements::plotsHoldTheWorkersNumbers()
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
    QVector<core::CurvatureSample> samples;
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

void TestMainWindowMeasurements::boundsUseTheExamplesTheRunTrainsOn_data()
{
    QTest::addColumn<QString>("sampling");
    QTest::addColumn<double>("sBound");
    QTest::addColumn<QString>("titleNames");
    // Blobs of 3 classes, n = 300 in the config, classes 0 and 1 kept: the run trains on 200
    // examples. eta = 0.2, B = 10. Without replacement sqrt(10 * 199 / 190) / 0.2 (Python); with
    // the config's n = 300 it would be sqrt(10 * 299 / 290) / 0.2 = 16.0548628362143.
    QTest::newRow("subset") << QStringLiteral("subset") << 16.18153593646653 << QStringLiteral("B-subsets");
    QTest::newRow("shuffle is bounded as subsets")
        << QStringLiteral("shuffle") << 16.18153593646653 << QStringLiteral("epoch shuffling");
    // With replacement sqrt(10) / 0.2, whatever n.
    QTest::newRow("replacement") << QStringLiteral("replacement") << 15.811388300841896
                                 << QStringLiteral("with replacement");
}

void TestMainWindowMeasurements::boundsUseTheExamplesTheRunTrainsOn()
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

MINIMASCOPE_TEST_WIDGETS(TestMainWindowMeasurements)
#include "TestMainWindowMeasurements.moc"
