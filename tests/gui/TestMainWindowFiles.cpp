// Files from the main window: a project saved and opened again with every plot as it was, a run
// folder saved by the core and opened (and listed under Open recent), the curvature log of a saved
// run, and opening a project during a run refused with its own message.
// Split from TestMainWindow (issue 17).
#include "LossPlot.h"
#include "MainWindow.h"
#include "MainWindowDriver.h"
#include "QCustomPlotInclude.h"
#include "SharpnessPlot.h"
#include "StabilityDiagram.h"
#include "analysis/CurvatureLog.h"
#include "controllers/RunController.h"
#include "panels/SetupPanel.h"
#include "train/RunFolder.h"
#include "support/TestSuite.h"

#include <QAction>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMenu>
#include <QSettings>
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
// metrics.csv writes nine significant digits (core/io/NumberFormat.h).
constexpr double kCsvRelTolerance = 1e-8;

}   // namespace

class TestMainWindowFiles : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void openingAProjectDuringARunSaysWhy();
    void projectRoundTrip();
    void runFolderSaveAndOpen();
    void savedRunFolderHoldsTheCurvatureLog_data();
    void savedRunFolderHoldsTheCurvatureLog();

private:
    QTemporaryDir m_settingsDir;
};

void TestMainWindowFiles::initTestCase() { isolateSettings(m_settingsDir); }

void TestMainWindowFiles::openingAProjectDuringARunSaysWhy()
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

void TestMainWindowFiles::projectRoundTrip()
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
    // View → log axes on the stability diagram, and back.
    QAction* logAxes = reopened.findChild<QAction*>(QStringLiteral("logStabilityAction"));
    QVERIFY(logAxes && logAxes->isCheckable());
    logAxes->trigger();
    QVERIFY(reopened.stabilityDiagram()->logAxes());
    QCOMPARE(reopened.stabilityDiagram()->customPlot()->xAxis->scaleType(), QCPAxis::stLogarithmic);
    QCOMPARE(reopened.stabilityDiagram()->customPlot()->yAxis->scaleType(), QCPAxis::stLogarithmic);
    logAxes->trigger();
    QVERIFY(!reopened.stabilityDiagram()->logAxes());
    QCOMPARE(reopened.stabilityDiagram()->customPlot()->xAxis->scaleType(), QCPAxis::stLinear);
}

void TestMainWindowFiles::runFolderSaveAndOpen()
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

void TestMainWindowFiles::savedRunFolderHoldsTheCurvatureLog_data()
{
    QTest::addColumn<QString>("preset");
    QTest::addColumn<double>("nonUniformity");
    // Both end where the escape toy's curvatures are exact: a = 2 at both minima.
    QTest::newRow("gd ends at x = 1") << QStringLiteral("escape-toy-gd") << 1.8;
    QTest::newRow("sgd ends at x = 0") << QStringLiteral("escape-toy-sgd") << 0.0;
}

void TestMainWindowFiles::savedRunFolderHoldsTheCurvatureLog()
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
    QVector<core::CurvatureSample> samples;
    for (const TrainingUpdate& u : updates(progress))
        samples += u.samples;
    QVERIFY(samples.size() > 1);
    QSignalSpy saved(window.runController(), &RunController::runFolderSaved);
    window.runController()->saveRunFolder(dir.path());
    QVERIFY(saved.wait(kRunTimeoutMs));
    QVERIFY2(saved.at(0).at(0).toBool(), qPrintable(saved.at(0).at(1).toString()));

    // The curvature log reads back every measurement the plots got, in order, with the same numbers.
    const std::vector<core::CurvatureSample> logged = core::readCurvatureLog(
        core::readRunFolderInfo(dir.path().toStdString()));
    QCOMPARE(logged.size(), size_t(samples.size()));
    for (int i = 0; i < samples.size(); ++i) {
        QCOMPARE(logged[size_t(i)].iteration, samples[i].iteration);
        QVERIFY(std::abs(logged[size_t(i)].sharpness - samples[i].sharpness)
                <= kCsvRelTolerance * std::abs(samples[i].sharpness));
        QVERIFY(std::abs(logged[size_t(i)].nonUniformity - samples[i].nonUniformity)
                <= kCsvRelTolerance * std::abs(samples[i].nonUniformity) + kZeroNonUniformityTolerance);
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

MINIMASCOPE_TEST_WIDGETS(TestMainWindowFiles)
#include "TestMainWindowFiles.moc"
