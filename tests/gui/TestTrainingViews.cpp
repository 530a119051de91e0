// The views of a run through training that only some runs have (controllers/TrainingViews.h): the
// gradient norm |∇L(θ)| of a run trained in the app with schedule.gradient_norm, and the Hessian
// spectra through training, read from a run folder's spectra/ (written by `minimascope-cli analyze
// --snapshots`) and computed in the app from the snapshots the run kept.
#include "CurvesPlot.h"
#include "CliProcess.h"
#include "MainWindow.h"
#include "QCustomPlotInclude.h"
#include "controllers/RunController.h"
#include "panels/SetupPanel.h"
#include "support/TestSuite.h"

#include <QAction>
#include <QCheckBox>
#include <QDir>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSettings>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>

using namespace minimascope::ui;
using minimascope::tests::readJson;
using minimascope::tests::runCli;
namespace core = minimascope::core;

namespace {

constexpr int kTimeoutMs = 60000;
// Cancellation latency is a correctness contract (a cancel stops the worker within 200 ms).
constexpr qint64 kCancelLatencyMs = 200;
// The figures draw a density only down to this share of its peak (SpectraOverTraining.cpp): below
// it the plot holds a gap (NaN) where the file holds the number.
constexpr double kDrawnShareOfPeak = 1e-8;

std::vector<double> numbers(const QJsonArray& array)
{
    std::vector<double> values;
    for (const QJsonValue& value : array)
        values.push_back(value.toDouble());
    return values;
}

bool shown(MainWindow& window, const char* dock)
{
    // Checked while the dock is open, whether or not its tab is the raised one.
    return window.findChild<QDockWidget*>(QString::fromLatin1(dock))->toggleViewAction()->isChecked();
}

// A short two-moons run (400 iterations, a and s not measured) from the setup form.
void setShortTwoMoons(MainWindow& window, bool gradientNorm)
{
    QVERIFY(window.setupPanel()->selectPreset(QStringLiteral("two-moons-quick")));
    window.setupPanel()->findChild<QSpinBox*>(QStringLiteral("maxIterations"))->setValue(400);
    window.setupPanel()->findChild<QSpinBox*>(QStringLiteral("curvatureEvery"))->setValue(0);
    window.setupPanel()->findChild<QCheckBox*>(QStringLiteral("curvatureAtEnd"))->setChecked(false);
    window.setupPanel()->findChild<QCheckBox*>(QStringLiteral("gradientNorm"))->setChecked(gradientNorm);
    QVERIFY2(window.setupPanel()->isValid(), qPrintable(window.setupPanel()->errorMessage()));
}

// The density curve as the plot holds it equals the file's: the same grid, and the same values down
// to the drawn share of the peak (gaps below it).
void compareDensity(const QCPGraph* graph, const std::vector<double>& grid, const std::vector<double>& density)
{
    QCOMPARE(size_t(graph->data()->size()), grid.size());
    const double peak = *std::max_element(density.begin(), density.end());
    for (size_t i = 0; i < grid.size(); ++i) {
        const auto point = graph->data()->at(int(i));
        QCOMPARE(point->key, grid[i]);
        if (density[i] >= kDrawnShareOfPeak * peak)
            QCOMPARE(point->value, density[i]);
        else
            QVERIFY(std::isnan(point->value));
    }
}

}   // namespace

class TestTrainingViews : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        // Never read or write the user's settings.
        QVERIFY(m_dir.isValid());
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_dir.path());
        QCoreApplication::setOrganizationName(QStringLiteral("MinimaScopeTest"));
    }

    // schedule.gradient_norm from the setup form: the plot holds one point an evaluation, the run's
    // own numbers, and it is there only for runs that measured it.
    void gradientNormOfARunTrainedInTheApp()
    {
        MainWindow window;
        window.show();
        setShortTwoMoons(window, true);
        QVERIFY(window.setupPanel()->configJson().contains(QStringLiteral("\"gradient_norm\": true")));
        QSignalSpy finished(window.runController(), &RunController::trainingFinished);
        QSignalSpy progress(window.runController(), &RunController::trainingUpdate);
        QVERIFY(window.startRun());
        QVERIFY(finished.wait(kTimeoutMs));
        QCOMPARE(toString(finished.at(0).at(0).value<TrainingOutcome>().status), toString(core::RunStatus::Finished));
        QVector<core::MetricsRow> rows;
        for (const QList<QVariant>& args : progress)
            rows += args.at(0).value<TrainingUpdate>().rows;
        QVERIFY(rows.size() >= 10);   // an evaluation an epoch of 20 iterations
        QVERIFY(shown(window, "gradientNormDock"));
        CurvesPlot* plot = window.gradientNormPlot();
        QCOMPARE(plot->curveCount(), 1);
        const auto data = plot->curveGraph(0)->data();
        QCOMPARE(data->size(), int(rows.size()));
        for (int i = 0; i < rows.size(); ++i) {
            QVERIFY(std::isfinite(rows[i].gradientNorm) && rows[i].gradientNorm > 0.0);
            QCOMPARE(data->at(i)->key, double(rows[i].iteration));
            QCOMPARE(data->at(i)->value, rows[i].gradientNorm);
        }
        QVERIFY(plot->toCsv().count(u'\n') == rows.size() + 1);

        // The next run does not measure it: no plot, no dock.
        setShortTwoMoons(window, false);
        finished.clear();
        QVERIFY(window.startRun());
        QVERIFY(!shown(window, "gradientNormDock"));
        QVERIFY(finished.wait(kTimeoutMs));
        QCOMPARE(plot->curveCount(), 0);
        QVERIFY(!shown(window, "gradientNormDock"));
    }

    // A run folder whose spectra/ `analyze --snapshots` wrote: one density curve a file, the numbers
    // of the files, and the top eigenvalues against iteration.
    void runFolderSpectraOpen()
    {
        const QString run = m_dir.filePath(QStringLiteral("spectra-run"));
        QVERIFY(runCli({QStringLiteral("train"), QStringLiteral("--preset"), QStringLiteral("two-moons-quick"),
                        QStringLiteral("--max-iterations"), QStringLiteral("300"), QStringLiteral("--loss-below"),
                        QStringLiteral("0"), QStringLiteral("--snapshot-every"), QStringLiteral("100"),
                        QStringLiteral("--out"), run}));
        QVERIFY(runCli({QStringLiteral("analyze"), QStringLiteral("--run"), run, QStringLiteral("--snapshots"),
                        QStringLiteral("--quantities"), QStringLiteral("sharpness,density"), QStringLiteral("--top-k"),
                        QStringLiteral("3")}));
        const QStringList files =
            QDir(run + QStringLiteral("/spectra")).entryList({QStringLiteral("iter_*.json")}, QDir::Files, QDir::Name);
        QCOMPARE(files.size(), 4);   // iterations 0, 100, 200 and 300 (the last snapshot is the end)

        MainWindow window;
        window.show();
        QVERIFY(!shown(window, "spectraDock"));
        QVERIFY2(window.openRunFolder(run), qPrintable(window.runStatusText()));
        QVERIFY(shown(window, "spectraDock"));
        QVERIFY(shown(window, "topEigenvaluesDock"));
        QVERIFY(!shown(window, "gradientNormDock"));   // the run did not measure it
        CurvesPlot* densities = window.spectraDensityPlot();
        CurvesPlot* top = window.topEigenvaluesPlot();
        QCOMPARE(densities->curveCount(), files.size());
        QCOMPARE(top->curveCount(), 3);
        for (int f = 0; f < files.size(); ++f) {
            const QJsonObject analysis = readJson(run + QStringLiteral("/spectra/") + files[f]);
            const int iteration = analysis[QStringLiteral("iteration")].toInt();
            QCOMPARE(densities->curveGraph(f)->name(), QStringLiteral("iteration %1").arg(iteration));
            const QJsonObject density = analysis[QStringLiteral("density")].toObject();
            compareDensity(densities->curveGraph(f), numbers(density[QStringLiteral("grid")].toArray()),
                           numbers(density[QStringLiteral("density")].toArray()));
            const QJsonArray eigen = analysis[QStringLiteral("top_eigenvalues")].toArray();
            QCOMPARE(eigen.size(), 3);
            for (int k = 0; k < 3; ++k) {
                const auto point = top->curveGraph(k)->data()->at(f);
                QCOMPARE(point->key, double(iteration));
                QCOMPARE(point->value, eigen[k].toObject()[QStringLiteral("value")].toDouble());
            }
        }
    }

    // Spectra through training of the run trained in the app, on the worker: one curve a snapshot
    // as each is done, the result's numbers on the plots, and the files analyze --snapshots writes
    // in the folder the run was saved to, which `minimascope-cli figures` draws.
    void spectraComputedInTheApp()
    {
        MainWindow window;
        window.show();
        setShortTwoMoons(window, false);
        QAction* action = window.findChild<QAction*>(QStringLiteral("spectraOverTrainingAction"));
        QVERIFY(action && !action->isEnabled());
        QSignalSpy finished(window.runController(), &RunController::trainingFinished);
        QVERIFY(window.startRun());
        QVERIFY(finished.wait(kTimeoutMs));
        const auto outcome = finished.at(0).at(0).value<TrainingOutcome>();
        QVERIFY(outcome.snapshotIterations.size() > 12);   // so that 12 are picked, the first and last among them
        const QString run = m_dir.filePath(QStringLiteral("saved-run"));
        QSignalSpy saved(window.runController(), &RunController::runFolderSaved);
        window.runController()->saveRunFolder(run);
        QVERIFY(saved.wait(kTimeoutMs));
        QVERIFY2(saved.at(0).at(0).toBool(), qPrintable(saved.at(0).at(1).toString()));

        QVERIFY(action->isEnabled());
        QSignalSpy progress(window.runController(), &RunController::analysisProgress);
        QSignalSpy updates(window.runController(), &RunController::spectraUpdate);
        QSignalSpy ready(window.runController(), &RunController::spectraReady);
        action->trigger();
        QVERIFY(ready.wait(kTimeoutMs));
        const auto result = ready.at(0).at(0).value<SpectraResult>();
        QCOMPARE(toString(result.status), toString(core::RunStatus::Finished));
        QCOMPARE(result.spectra.size(), size_t(12));
        QCOMPARE(updates.size(), 12);
        QCOMPARE(progress.at(0).at(0).value<AnalysisProgress>().stage, QStringLiteral("snapshot 1 of 12"));
        QCOMPARE(result.spectra.front().iteration, double(outcome.snapshotIterations.front()));
        QCOMPARE(result.spectra.back().iteration, double(outcome.snapshotIterations.back()));
        QVERIFY(shown(window, "spectraDock"));
        QCOMPARE(window.spectraDensityPlot()->curveCount(), 12);
        QCOMPARE(window.topEigenvaluesPlot()->curveCount(), 5);
        for (int i = 0; i < 12; ++i)
            compareDensity(window.spectraDensityPlot()->curveGraph(i), result.spectra[size_t(i)].grid,
                           result.spectra[size_t(i)].density);

        QCOMPARE(result.writtenTo, run + QStringLiteral("/spectra"));
        const QStringList files =
            QDir(result.writtenTo).entryList({QStringLiteral("iter_*.json")}, QDir::Files, QDir::Name);
        QCOMPARE(files.size(), 12);
        const QString figures = m_dir.filePath(QStringLiteral("figures"));
        QVERIFY(runCli({QStringLiteral("figures"), QStringLiteral("--run"), run, QStringLiteral("--out"), figures}));
        QVERIFY(QFileInfo::exists(figures + QStringLiteral("/spectra-over-training.png")));
        QFile csv(figures + QStringLiteral("/spectra-over-training.csv"));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        QCOMPARE(QString::fromUtf8(csv.readAll()), window.spectraDensityPlot()->toCsv());
    }

    // Cancel answers within the latency contract and keeps the spectra done before it, on the plots.
    void spectraCancelWithinLatency()
    {
        MainWindow window;
        window.show();
        setShortTwoMoons(window, false);
        QSignalSpy finished(window.runController(), &RunController::trainingFinished);
        QVERIFY(window.startRun());
        QVERIFY(finished.wait(kTimeoutMs));
        QSignalSpy updates(window.runController(), &RunController::spectraUpdate);
        QSignalSpy ready(window.runController(), &RunController::spectraReady);
        window.analyzeSpectraOverTraining();
        QVERIFY(updates.wait(kTimeoutMs));
        QElapsedTimer sinceCancel;
        sinceCancel.start();
        window.runController()->cancelAnalysis();
        QVERIFY(ready.wait(kTimeoutMs));
        QVERIFY2(sinceCancel.elapsed() <= kCancelLatencyMs, qPrintable(QString::number(sinceCancel.elapsed())));
        const auto result = ready.at(0).at(0).value<SpectraResult>();
        QCOMPARE(toString(result.status), toString(core::RunStatus::Cancelled));
        QVERIFY(!result.spectra.empty() && result.spectra.size() < 12);
        QCOMPARE(window.spectraDensityPlot()->curveCount(), int(result.spectra.size()));
        QVERIFY(!window.runController()->isAnalyzing());
    }

private:
    QTemporaryDir m_dir;
};

MINIMASCOPE_TEST_WIDGETS(TestTrainingViews)
#include "TestTrainingViews.moc"
