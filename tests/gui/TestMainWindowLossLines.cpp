// The 1D loss lines through a finished run's minimum and the asymmetric-valley scan in the main
// window (controllers/LossLineController.h, AsymmetryController.h), against values known without
// the app: the line along α·θ passes through the run's final training loss at α = 1 and through
// the loss of all-zero weights (uniform logits, ln 2 for two classes) at α = 0; the symmetric twin
// ends at the loss it starts from; the interpolation's ends are the initial and final losses; the
// scan equals what the core returns for the same run and seed; a cancel ends a scan at once.
#include "AsymmetryHistogram.h"
#include "CurvesPlot.h"
#include "MainWindow.h"
#include "MainWindowDriver.h"
#include "QCustomPlotInclude.h"
#include "SlicePlot.h"
#include "controllers/AsymmetryController.h"
#include "controllers/LossLineController.h"
#include "controllers/RunController.h"
#include "dialogs/LossLineDialog.h"
#include "panels/SetupPanel.h"
#include "support/TestSuite.h"

#include "data/DatasetSpec.h"
#include "landscape/AsymmetricValleys.h"
#include "models/FlatParameters.h"
#include "models/ModelSpec.h"
#include "models/Network.h"
#include "train/RunConfig.h"
#include "train/RunFolder.h"

#include <ATen/Parallel.h>

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include <cmath>
#include <numeric>

using namespace minimascope::ui;
using namespace minimascope::tests;
namespace core = minimascope::core;

namespace {

// The twin computes the same function: its loss differs from the original's only by the order of
// float32 sums over the permuted hidden units.
constexpr double kTwinRelTolerance = 1e-6;
// The same core computation on the same weights and data, one torch thread in both: equal but for
// float32 reductions that torch may split differently between the worker and this thread.
constexpr double kSameComputationRelTolerance = 1e-5;
// How soon a cancelled job must report (the worker checks the token before every gradient).
constexpr qint64 kCancelMs = 200;

bool close(double a, double b, double relative) { return std::abs(a - b) <= relative * std::max(1.0, std::abs(b)); }

LossLineResult computeLine(MainWindow& window, const LossLineRequest& request)
{
    QSignalSpy ready(window.runController(), &RunController::lossLineReady);
    if (!window.lossLines()->start(request) || !ready.wait(kRunTimeoutMs))
        qFatal("the loss line did not finish");
    return ready.at(0).at(0).value<LossLineResult>();
}

// The training loss the run reported at iteration 0 (its first evaluation).
double initialTrainLoss(const QSignalSpy& updatesSpy)
{
    for (const TrainingUpdate& update : updates(updatesSpy))
        for (const core::MetricsRow& row : update.rows)
            if (row.iteration == 0)
                return row.trainLoss;
    return NAN;
}

}   // namespace

class TestMainWindowLossLines : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void actionsNeedAFinishedRun();
    void weightScaleLinePassesThroughTheRun();
    void twinLineEndsAtTheSameLoss();
    void interpolationEndsAtTheInitialAndFinalLosses();
    void dialogDisablesTheTwinOfAnotherModel();
    void menuEntryAsksAndComputes();
    void asymmetryScanEqualsTheCore();
    void cancelEndsTheScan();

private:
    QTemporaryDir m_settingsDir;
};

void TestMainWindowLossLines::initTestCase() { isolateSettings(m_settingsDir); }

void TestMainWindowLossLines::actionsNeedAFinishedRun()
{
    MainWindow window;
    window.show();
    for (const char* name : {"lossLineAction", "asymmetryAction"}) {
        QAction* a = action(window, name);
        QVERIFY(!a->isEnabled());
        QCOMPARE(a->toolTip(), window.runController()->whyNoTrainedRun());
    }
    // Past the disabled action, the start is refused with the reason, nothing queued.
    QSignalSpy finished(window.lossLines(), &AnalysisViewController::finished);
    QVERIFY(!window.lossLines()->start(LossLineRequest{}));
    QCOMPARE(finished.size(), 1);
    QVERIFY(!window.runController()->isAnalyzing());

    setEndlessTwoMoons(window);
    QSignalSpy started(window.runController(), &RunController::trainingStarted);
    QVERIFY(window.startRun());
    QVERIFY(started.wait(kRunTimeoutMs));
    QVERIFY(!action(window, "lossLineAction")->isEnabled());
    QVERIFY(!action(window, "asymmetryAction")->isEnabled());
    QSignalSpy ended(window.runController(), &RunController::trainingFinished);
    window.stopRun();
    QVERIFY(ended.wait(kRunTimeoutMs));
    QVERIFY(action(window, "lossLineAction")->isEnabled());
    QVERIFY(action(window, "asymmetryAction")->isEnabled());
}

void TestMainWindowLossLines::weightScaleLinePassesThroughTheRun()
{
    MainWindow window;
    window.show();
    TrainingOutcome outcome;
    trainShortTwoMoons(window, &outcome);
    LossLineRequest request;
    request.kind = LossLineKind::WeightScale;
    request.alphaMin = 0.0;
    request.alphaMax = 2.0;
    request.points = 21;   // α = 0, 0.1, ..., 2: α = 1 is point 10
    QSignalSpy progress(window.runController(), &RunController::analysisProgress);
    const LossLineResult line = computeLine(window, request);
    QCOMPARE(toString(line.status), toString(core::RunStatus::Finished));
    QCOMPARE(line.alpha.size(), size_t(21));
    QVERIFY(std::abs(line.alpha[10] - 1.0) < 1e-12);
    QVERIFY2(close(line.loss[10], outcome.final.trainLoss, kLossAgreement),
             qPrintable(QStringLiteral("%1 vs %2").arg(line.loss[10]).arg(outcome.final.trainLoss)));
    // All weights zero: every logit 0, the two-class cross-entropy is ln 2 for every example.
    QVERIFY2(close(line.loss[0], std::log(2.0), kLossAgreement), qPrintable(QString::number(line.loss[0])));
    QVERIFY(std::isfinite(line.lowestLoss) && line.lowestLoss <= line.loss[10]);
    QVERIFY(line.directionNorm > 0.0);

    // Drawn in its dock, with the data and the CSV behind it.
    auto* dock = window.findChild<QDockWidget*>(QStringLiteral("lossLineDock"));
    QVERIFY(dock && dock->isVisible());
    SlicePlot* plot = window.lossLines()->plot();
    QCOMPARE(plot->topEigenvectorGraph()->dataCount(), 21);
    QCOMPARE(plot->topEigenvectorGraph()->data()->at(10)->value, line.loss[10]);
    QVERIFY(plot->title().startsWith(QStringLiteral("Loss along the weight vector")));
    const QStringList rows = plot->toCsv().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(rows.size(), 1 + 21);
    QCOMPARE(rows[0], QStringLiteral("t,loss"));
    QTemporaryDir dir;
    QString error;
    QVERIFY2(plot->exportImage(dir.filePath(QStringLiteral("line.svg")), QSize(600, 400), 96, &error),
             qPrintable(error));
}

void TestMainWindowLossLines::twinLineEndsAtTheSameLoss()
{
    MainWindow window;
    window.show();
    TrainingOutcome outcome;
    trainShortTwoMoons(window, &outcome);
    QVERIFY(window.lossLines()->whyNoTwinLine().isEmpty());   // two-moons-quick is a tanh MLP
    LossLineRequest request;
    request.kind = LossLineKind::SymmetricTwin;
    request.alphaMin = 0.0;
    request.alphaMax = 1.0;
    request.points = 11;
    request.seed = 3;
    const LossLineResult line = computeLine(window, request);
    QCOMPARE(toString(line.status), toString(core::RunStatus::Finished));
    QCOMPARE(line.loss.size(), size_t(11));
    QVERIFY2(close(line.loss[10], line.loss[0], kTwinRelTolerance),
             qPrintable(QStringLiteral("%1 vs %2").arg(line.loss[10], 0, 'g', 9).arg(line.loss[0], 0, 'g', 9)));
    QVERIFY(close(line.loss[0], outcome.final.trainLoss, kLossAgreement));
    // A permutation of 32 units per layer moves the point: the line climbs over a barrier.
    QVERIFY(line.directionNorm > 0.0);
    QVERIFY2(std::isfinite(line.barrier) && line.barrier > 0.0, qPrintable(QString::number(line.barrier)));
    QVERIFY(line.barrierAlpha > 0.0 && line.barrierAlpha < 1.0);
    QVERIFY(window.lossLines()->plot()->title().contains(QStringLiteral("barrier")));
}

void TestMainWindowLossLines::interpolationEndsAtTheInitialAndFinalLosses()
{
    MainWindow window;
    window.show();
    QSignalSpy updatesSpy(window.runController(), &RunController::trainingUpdate);
    TrainingOutcome outcome;
    trainShortTwoMoons(window, &outcome);
    const double initialLoss = initialTrainLoss(updatesSpy);
    QVERIFY(std::isfinite(initialLoss));
    QVERIFY(window.lossLines()->whyNoInitialLine().isEmpty());
    LossLineRequest request;
    request.kind = LossLineKind::InitialToFinal;
    request.alphaMin = 0.0;
    request.alphaMax = 1.0;
    request.points = 11;
    const LossLineResult line = computeLine(window, request);
    QCOMPARE(toString(line.status), toString(core::RunStatus::Finished));
    QVERIFY2(close(line.loss[0], initialLoss, kLossAgreement),
             qPrintable(QStringLiteral("%1 vs %2").arg(line.loss[0]).arg(initialLoss)));
    QVERIFY2(close(line.loss[10], outcome.final.trainLoss, kLossAgreement),
             qPrintable(QStringLiteral("%1 vs %2").arg(line.loss[10]).arg(outcome.final.trainLoss)));
    QCOMPARE(window.lossLines()->plot()->customPlot()->xAxis->label(),
             QStringLiteral("α (0: the initial parameters θ₀, 1: the final ones θ)"));
}

void TestMainWindowLossLines::dialogDisablesTheTwinOfAnotherModel()
{
    // The escape toy's one-parameter model is no MLP: its twin is disabled, with the reason.
    MainWindow window;
    window.show();
    trainPreset(window, "escape-toy-gd");
    const QString why = window.lossLines()->whyNoTwinLine();
    QVERIFY2(why.contains(QStringLiteral("escape-toy")), qPrintable(why));
    LossLineDialog::Availability availability;
    availability.noTwinReason = why;
    LossLineRequest last;
    last.kind = LossLineKind::SymmetricTwin;
    LossLineDialog dialog(availability, last);
    auto* kinds = dialog.findChild<QComboBox*>(QStringLiteral("lossLineKind"));
    const auto* model = static_cast<QStandardItemModel*>(kinds->model());
    QVERIFY(!model->item(int(LossLineKind::SymmetricTwin))->isEnabled());
    QCOMPARE(model->item(int(LossLineKind::SymmetricTwin))->toolTip(), why);
    // The last request's kind is not allowed: the dialog falls back to α·θ with the CLI's range.
    QCOMPARE(int(dialog.request().kind), int(LossLineKind::WeightScale));
    QCOMPARE(dialog.request().alphaMin, 0.0);
    QCOMPARE(dialog.request().alphaMax, 2.0);
    // Asked anyway, the worker refuses it with the same reason's substance.
    const LossLineResult line = computeLine(window, [] {
        LossLineRequest r;
        r.kind = LossLineKind::SymmetricTwin;
        r.alphaMax = 1.0;
        return r;
    }());
    QCOMPARE(toString(line.status), toString(core::RunStatus::Failed));
    QVERIFY2(line.message.contains(QStringLiteral("MLP")), qPrintable(line.message));
}

void TestMainWindowLossLines::menuEntryAsksAndComputes()
{
    // Run → Loss along a line…: the dialog opens on α·θ with the CLI's range; Compute starts it.
    MainWindow window;
    window.show();
    TrainingOutcome outcome;
    trainShortTwoMoons(window, &outcome);
    QSignalSpy ready(window.runController(), &RunController::lossLineReady);
    QTimer::singleShot(0, &window, [] {
        auto* dialog = qobject_cast<LossLineDialog*>(QApplication::activeModalWidget());
        if (!dialog)
            qFatal("no loss-line dialog");
        dialog->findChild<QSpinBox*>(QStringLiteral("lossLinePoints"))->setValue(5);
        dialog->accept();
    });
    action(window, "lossLineAction")->trigger();
    QVERIFY(ready.wait(kRunTimeoutMs));
    const LossLineResult line = ready.at(0).at(0).value<LossLineResult>();
    QCOMPARE(int(line.kind), int(LossLineKind::WeightScale));
    QCOMPARE(line.alpha, (std::vector<double>{0.0, 0.5, 1.0, 1.5, 2.0}));
    QVERIFY(close(line.loss[2], outcome.final.trainLoss, kLossAgreement));
}

void TestMainWindowLossLines::asymmetryScanEqualsTheCore()
{
    MainWindow window;
    window.show();
    TrainingOutcome outcome;
    trainShortTwoMoons(window, &outcome);
    QTemporaryDir runDir;
    QSignalSpy saved(window.runController(), &RunController::runFolderSaved);
    window.runController()->saveRunFolder(runDir.path());
    QVERIFY(saved.wait(kRunTimeoutMs));
    QVERIFY2(saved.at(0).at(0).toBool(), qPrintable(saved.at(0).at(1).toString()));

    AsymmetryRequest request;
    request.count = 5;
    request.points = 4;
    request.seed = 7;
    QSignalSpy ready(window.runController(), &RunController::asymmetryReady);
    QVERIFY(window.asymmetry()->start(request));
    QVERIFY(ready.wait(kRunTimeoutMs));
    const AsymmetryResult gui = ready.at(0).at(0).value<AsymmetryResult>();
    QCOMPARE(toString(gui.status), toString(core::RunStatus::Finished));
    QCOMPARE(gui.directions.size(), size_t(5));

    // The core on the saved run, as `minimascope-cli asymmetry --run DIR --seed 7` loads it.
    at::set_num_threads(1);
    const core::RunFolderInfo info = core::readRunFolderInfo(runDir.path().toStdString());
    const core::RunConfig config = core::readRunConfig(info);
    const core::DatasetPair data = core::loadDatasets(config.dataset);
    const std::shared_ptr<core::Network> network = core::buildModel(config.model, data.train, config.seed);
    core::loadNetworkTensors(core::finalParametersDir(info), *network);
    core::FlatParameters parameters(*network);
    core::AsymmetryOptions options;
    options.count = request.count;
    options.points = request.points;
    options.seed = request.seed;
    const core::AsymmetryScan scan = core::scanAsymmetricDirections(*network, parameters, data.train, options);
    QCOMPARE(gui.asymmetricCount, scan.asymmetricCount);
    for (size_t k = 0; k < scan.directions.size(); ++k) {
        const core::DirectionAsymmetry& expected = scan.directions[k];
        const AsymmetryDirection& got = gui.directions[k];
        QCOMPARE(got.seed, expected.seed);
        QCOMPARE(got.asymmetric, expected.asymmetric);
        QCOMPARE(got.flatSide, expected.flatSide);
        QVERIFY2(close(got.ratio, expected.ratio, kSameComputationRelTolerance) || got.ratio == expected.ratio,
                 qPrintable(QStringLiteral("%1 vs %2").arg(got.ratio).arg(expected.ratio)));
        const core::AsymmetryCurve curve = core::signedCurve(expected);
        QCOMPARE(got.l, curve.l);
        for (size_t j = 0; j < curve.loss.size(); ++j)
            QVERIFY(close(got.loss[j], curve.loss[j], kSameComputationRelTolerance));
    }
    QCOMPARE(gui.byAsymmetry, scan.byAsymmetry());

    // The histogram counts every direction once; the curves are the most asymmetric ones.
    const AsymmetryHistogram* histogram = window.asymmetry()->histogram();
    const int drawn = std::accumulate(histogram->asymmetricCounts().begin(), histogram->asymmetricCounts().end(), 0)
                      + std::accumulate(histogram->otherCounts().begin(), histogram->otherCounts().end(), 0);
    QCOMPARE(drawn, 5);
    QCOMPARE(std::accumulate(histogram->asymmetricCounts().begin(), histogram->asymmetricCounts().end(), 0),
             int(scan.asymmetricCount));
    const CurvesPlot* curves = window.asymmetry()->curves();
    QCOMPARE(curves->curveCount(), AsymmetryController::kCurvesShown);
    QCOMPARE(curves->curveGraph(0)->dataCount(), int(2 * request.points + 1));
    QVERIFY(curves->curveGraph(0)->name().contains(QString::number(scan.directions[scan.byAsymmetry()[0]].seed)));
    QVERIFY(window.findChild<QDockWidget*>(QStringLiteral("asymmetryDock"))->isVisible());
}

void TestMainWindowLossLines::cancelEndsTheScan()
{
    MainWindow window;
    window.show();
    TrainingOutcome outcome;
    trainShortTwoMoons(window, &outcome);
    AsymmetryRequest request;
    request.count = 1000;   // minutes of work: only a cancel ends it
    request.points = 50;
    QSignalSpy progress(window.runController(), &RunController::analysisProgress);
    QSignalSpy ready(window.runController(), &RunController::asymmetryReady);
    QVERIFY(window.asymmetry()->start(request));
    QVERIFY(progress.wait(kRunTimeoutMs));
    QElapsedTimer sinceCancel;
    sinceCancel.start();
    window.runController()->cancelAnalysis();
    QVERIFY(ready.wait(kRunTimeoutMs));
    const qint64 ms = sinceCancel.elapsed();
    QVERIFY2(ms <= kCancelMs, qPrintable(QStringLiteral("%1 ms").arg(ms)));
    const AsymmetryResult result = ready.at(0).at(0).value<AsymmetryResult>();
    QCOMPARE(toString(result.status), toString(core::RunStatus::Cancelled));
    QVERIFY(result.directions.size() < size_t(request.count));
    QVERIFY(!window.runController()->isAnalyzing());
    QVERIFY(action(window, "asymmetryAction")->isEnabled());
}

MINIMASCOPE_TEST_WIDGETS(TestMainWindowLossLines)
#include "TestMainWindowLossLines.moc"
