// Latency of the stability diagram's what-if (issue 12: "drag η and B: the bounds move at once, the
// verdict follows in under 1 s on the 784-256×4 preset").
//   xvfb-run -a -s "-screen 0 1600x1000x24" minimascope-bench-whatif [--run DIR] [--rounds 3]
//       [--screenshot FILE]
// Without --run it first trains the preset (`minimascope-cli train --preset sgd-fashion-mnist`,
// about 20 s) into a temporary folder. The real MainWindow is shown and opens the run folder as
// File → Open run folder does; its WhatIfController measures the run's a and s and tests it at its
// own (η, B) (the first verdict, cold). Then the what-if panel is moved as a user moves it: η =
// 0.2, 0.5, 1, 2, 3, 5 at the run's B, then B = 1, 5, 20, 100 at η = 0.1 (the first of these also
// moves η back, as one coalesced request). Each step is timed from the change of the panel's value
// (the bounds move in that call: "bounds ms" includes an immediate replot of the diagram) to the
// controller's verdictShown for that (η, B): the 40 ms the controller waits for a drag to rest, the
// queue to the worker thread, the test itself (warm-started from the previous eigenvector) and the
// signal back. "test s" is the worker's own time for the test. Every round reopens the run, so
// each round has one cold first verdict. Exit codes: 0 done (whether or not the goal was met), 1 a
// verdict failed, timed out or answered another (η, B), 2 bad input (options, training, the run).
#include "DesktopBench.h"
#include "MainWindow.h"
#include "StabilityDiagram.h"
#include "controllers/WhatIfController.h"
#include "panels/WhatIfPanel.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDateTime>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

using namespace minimascope::ui;

namespace {

constexpr int kWhatIfTimeoutMs = 120000;
constexpr double kWhatIfGoalMs = 1000.0;
// The user guide's picture: a minimum inside both bounds and unstable all the same.
constexpr double kScreenshotEta = 3.0;

// One (η, B) the panel is moved to; a zero batch size means the run's own B.
struct WhatIfStep {
    double eta;
    qint64 batchSize;
};

const std::vector<WhatIfStep> kWhatIfSteps = {
    {0.2, 0}, {0.5, 0}, {1.0, 0}, {2.0, 0}, {3.0, 0}, {5.0, 0}, {0.1, 1}, {0.1, 5}, {0.1, 20}, {0.1, 100},
};

struct WhatIfSample {
    int round = 0;
    QString what;   // "open" or "step N"
    StabilityTestResult result;
    double boundsMs = NAN;
    double verdictMs = 0.0;
};

double whatIfMedian(std::vector<double> v)
{
    if (v.empty())
        return NAN;
    std::sort(v.begin(), v.end());
    const size_t mid = v.size() / 2;
    return v.size() % 2 ? v[mid] : 0.5 * (v[mid - 1] + v[mid]);
}

double whatIfMax(const std::vector<double>& v) { return v.empty() ? NAN : *std::max_element(v.begin(), v.end()); }

QString loadAverage()
{
    QFile file(QStringLiteral("/proc/loadavg"));
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("?");
    return QString::fromLatin1(file.readAll()).section(u' ', 0, 2);
}

// Trains `preset` with minimascope-cli into `dir`; false (the CLI's stderr printed) when it failed.
bool trainWhatIfRun(const QString& cli, const QString& preset, const QString& dir)
{
    if (!QFileInfo(cli).isExecutable()) {
        std::fprintf(stderr, "%s is not there: build minimascope-cli, or pass --cli PATH or --run DIR\n",
                     qPrintable(cli));
        return false;
    }
    std::fprintf(stderr, "training %s into %s ...\n", qPrintable(preset), qPrintable(dir));
    QElapsedTimer clock;
    clock.start();
    QProcess train;
    train.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    train.start(cli, {QStringLiteral("train"), QStringLiteral("--quiet"), QStringLiteral("--preset"), preset,
                      QStringLiteral("--out"), dir});
    if (!train.waitForFinished(-1) || train.exitStatus() != QProcess::NormalExit || train.exitCode() != 0) {
        std::fprintf(stderr, "%s train failed (exit %d)\n", qPrintable(cli), train.exitCode());
        return false;
    }
    std::fprintf(stderr, "trained in %.1f s\n", double(clock.elapsed()) / 1000.0);
    return true;
}

// Waits, the event loop running, for the verdict of (eta, batchSize) (any, for the open: eta 0);
// the milliseconds since `clock` started when it was shown, or NaN on a timeout.
double waitForWhatIfVerdict(WhatIfController* whatIf, const QElapsedTimer& clock, double eta, qint64 batchSize)
{
    double shownMs = NAN;
    QEventLoop loop;
    const QMetaObject::Connection shown = QObject::connect(
        whatIf, &WhatIfController::verdictShown, &loop, [&](const StabilityTestResult& r) {
            const bool failed = r.status != minimascope::core::RunStatus::Finished;
            if (failed || eta == 0.0 || (r.eta == eta && r.batchSize == batchSize)) {
                shownMs = double(clock.nsecsElapsed()) / 1e6;
                loop.quit();
            }
        });
    QTimer::singleShot(kWhatIfTimeoutMs, &loop, &QEventLoop::quit);
    loop.exec();
    QObject::disconnect(shown);
    return shownMs;
}

bool whatIfFailed(const WhatIfSample& s, double eta, qint64 batchSize)
{
    const StabilityTestResult& r = s.result;
    if (std::isnan(s.verdictMs)) {
        std::fprintf(stderr, "round %d %s: no verdict within %d s\n", s.round, qPrintable(s.what),
                     kWhatIfTimeoutMs / 1000);
        return true;
    }
    if (r.status != minimascope::core::RunStatus::Finished) {
        std::fprintf(stderr, "round %d %s: %s: %s\n", s.round, qPrintable(s.what), qPrintable(toString(r.status)),
                     qPrintable(r.message));
        return true;
    }
    if (!std::isfinite(r.lambdaMax) || r.verdict.isEmpty()
        || (eta > 0.0 && (r.eta != eta || r.batchSize != batchSize))) {
        std::fprintf(stderr, "round %d %s: answered η = %g, B = %lld, λmax = %g for η = %g, B = %lld\n", s.round,
                     qPrintable(s.what), r.eta, static_cast<long long>(r.batchSize), r.lambdaMax, eta,
                     static_cast<long long>(batchSize));
        return true;
    }
    return false;
}

void printWhatIfRow(const WhatIfSample& s)
{
    const StabilityTestResult& r = s.result;
    std::printf("| %d | %s | %g | %lld | %.6f | %s | %lld | %s | %.3f | %s | **%.0f** |\n", s.round, qPrintable(s.what),
                r.eta, static_cast<long long>(r.batchSize), r.lambdaMax, qPrintable(r.verdict),
                static_cast<long long>(r.products), r.warmStarted ? "yes" : "no", r.seconds,
                std::isnan(s.boundsMs) ? "" : qPrintable(QString::number(s.boundsMs, 'f', 1)), s.verdictMs);
    std::fflush(stdout);
}

}   // namespace

int main(int argc, char** argv)
{
    DesktopBenchApplication bench(argc, argv);
    QApplication& app = bench.app();

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Time the stability diagram's what-if verdicts on a run."));
    parser.addHelpOption();
    const QCommandLineOption runOption(QStringLiteral("run"),
                                       QStringLiteral("A run folder (default: train --preset into a temporary one)."),
                                       QStringLiteral("DIR"));
    const QCommandLineOption presetOption(QStringLiteral("preset"),
                                          QStringLiteral("The preset to train without --run."), QStringLiteral("NAME"),
                                          QStringLiteral("sgd-fashion-mnist"));
    const QCommandLineOption roundsOption(QStringLiteral("rounds"), QStringLiteral("Rounds (each reopens the run)."),
                                          QStringLiteral("N"), QStringLiteral("3"));
    const QCommandLineOption cliOption(QStringLiteral("cli"),
                                       QStringLiteral("minimascope-cli, to train without --run."),
                                       QStringLiteral("PATH"), QStringLiteral(MINIMASCOPE_BENCH_CLI));
    const QCommandLineOption screenshotOption(
        QStringLiteral("screenshot"),
        QStringLiteral("After the rounds, move η to %1 at the run's B and save the stability diagram with the "
                       "what-if panel to FILE (the user guide's what-if picture).")
            .arg(kScreenshotEta),
        QStringLiteral("FILE"));
    parser.addOptions({runOption, presetOption, roundsOption, cliOption, screenshotOption});
    parser.process(app);
    bool roundsOk = false;
    const int rounds = parser.value(roundsOption).toInt(&roundsOk);
    if (!roundsOk || rounds < 1) {
        std::fprintf(stderr, "--rounds must be a positive integer\n");
        return 2;
    }

    QTemporaryDir trainDir;
    QString runDir = parser.value(runOption);
    if (runDir.isEmpty()) {
        runDir = trainDir.filePath(QStringLiteral("run"));
        if (!trainDir.isValid() || !trainWhatIfRun(parser.value(cliOption), parser.value(presetOption), runDir))
            return 2;
    }

    MainWindow window;
    window.resize(1500, 950);
    window.show();
    WhatIfController* whatIf = window.whatIf();
    StabilityDiagram* diagram = window.stabilityDiagram();
    auto* panel = window.findChild<WhatIfPanel*>();
    if (!panel) {
        std::fprintf(stderr, "the main window has no what-if panel\n");
        return 2;
    }
    {
        QEventLoop settle;   // let the window appear before anything is timed
        QTimer::singleShot(500, &settle, &QEventLoop::quit);
        settle.exec();
    }

    std::printf("What-if latency on %s; %s, %d cores (Qt's view), load average %s at start, %s\n", qPrintable(runDir),
                qPrintable(QSysInfo::prettyProductName()), QThread::idealThreadCount(), qPrintable(loadAverage()),
                qPrintable(QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'"))));
    std::printf("\n| round | step | η | B | λmax | verdict | products | warm | test s | bounds ms | verdict ms |\n");
    std::printf("|---:|---|---:|---:|---:|---|---:|---|---:|---:|---:|\n");
    std::fflush(stdout);

    std::vector<WhatIfSample> opens;
    std::vector<WhatIfSample> steps;
    bool failed = false;
    for (int round = 1; round <= rounds && !failed; ++round) {
        WhatIfSample open;
        open.round = round;
        open.what = QStringLiteral("open");
        QElapsedTimer clock;
        clock.start();
        if (!window.openRunFolder(runDir)) {
            std::fprintf(stderr, "cannot open %s: %s\n", qPrintable(runDir), qPrintable(window.runStatusText()));
            return 2;
        }
        open.verdictMs = waitForWhatIfVerdict(whatIf, clock, 0.0, 0);
        open.result = whatIf->lastResult();
        if (whatIfFailed(open, 0.0, 0)) {
            failed = true;
            break;
        }
        printWhatIfRow(open);
        opens.push_back(open);
        const qint64 runBatch = open.result.run.batchSize;

        for (size_t i = 0; i < kWhatIfSteps.size(); ++i) {
            WhatIfSample step;
            step.round = round;
            step.what = QStringLiteral("step %1").arg(i + 1);
            const qint64 batchSize = kWhatIfSteps[i].batchSize > 0 ? kWhatIfSteps[i].batchSize : runBatch;
            clock.restart();
            // As a user moves the controls: each change moves the bounds and restarts the
            // controller's 40 ms wait; one request leaves for the value the controls rest on.
            panel->setBatchSize(batchSize);
            panel->setEta(kWhatIfSteps[i].eta);
            diagram->replotNow();
            step.boundsMs = double(clock.nsecsElapsed()) / 1e6;
            const double eta = panel->eta();   // the spin box's rounding of the step's η
            if (std::abs(diagram->sharpnessBound() - 2.0 / eta) > 1e-12 * (2.0 / eta)
                || diagram->whatIfVerdict() != StabilityDiagram::Verdict::Pending) {
                std::fprintf(stderr, "round %d %s: the bounds did not move at once\n", round, qPrintable(step.what));
                failed = true;
                break;
            }
            step.verdictMs = waitForWhatIfVerdict(whatIf, clock, eta, panel->batchSize());
            step.result = whatIf->lastResult();
            if (whatIfFailed(step, eta, panel->batchSize())) {
                failed = true;
                break;
            }
            printWhatIfRow(step);
            steps.push_back(step);
        }
    }
    if (failed)
        return 1;
    if (parser.isSet(screenshotOption)) {
        const QString path = parser.value(screenshotOption);
        panel->setBatchSize(opens.back().result.run.batchSize);
        panel->setEta(kScreenshotEta);
        QElapsedTimer clock;
        clock.start();
        WhatIfSample shot;
        shot.what = QStringLiteral("screenshot");
        shot.verdictMs = waitForWhatIfVerdict(whatIf, clock, panel->eta(), panel->batchSize());
        shot.result = whatIf->lastResult();
        if (whatIfFailed(shot, panel->eta(), panel->batchSize()))
            return 1;
        diagram->replotNow();   // the verdict's point is drawn at the next queued replot
        auto* dock = window.findChild<QDockWidget*>(QStringLiteral("stabilityDock"));
        if (!dock || !dock->grab().save(path)) {
            std::fprintf(stderr, "could not save %s\n", qPrintable(path));
            return 2;
        }
        std::fprintf(stderr, "saved %s (η = %g: %s, λmax %s %.6f)\n", qPrintable(path), shot.result.eta,
                     qPrintable(shot.result.verdict), shot.result.lowerBound ? "≥" : "=", shot.result.lambdaMax);
    }

    std::vector<double> openMs, openTest, stepMs, stepTest, boundsMs;
    qint64 over = 0, products = 0, warm = 0;
    for (const WhatIfSample& s : opens) {
        openMs.push_back(s.verdictMs);
        openTest.push_back(s.result.seconds);
    }
    for (const WhatIfSample& s : steps) {
        stepMs.push_back(s.verdictMs);
        stepTest.push_back(s.result.seconds * 1000.0);
        boundsMs.push_back(s.boundsMs);
        over += s.verdictMs > kWhatIfGoalMs ? 1 : 0;
        products += s.result.products;
        warm += s.result.warmStarted ? 1 : 0;
    }
    std::printf("\n| summary (%d rounds) | median | max |\n|---|---:|---:|\n", rounds);
    std::printf("| first verdict: open + a, s + cold test at the run's own η, B (ms) | %.0f | %.0f |\n",
                whatIfMedian(openMs), whatIfMax(openMs));
    std::printf("| its cold test alone (worker, ms) | %.0f | %.0f |\n", 1000.0 * whatIfMedian(openTest),
                1000.0 * whatIfMax(openTest));
    std::printf(
        "| verdicts after a change, change to verdict shown (ms; %lld of %zu warm-started) | **%.0f** | **%.0f** |\n",
        warm, stepMs.size(), whatIfMedian(stepMs), whatIfMax(stepMs));
    std::printf("| their tests alone (worker, ms) | %.0f | %.0f |\n", whatIfMedian(stepTest), whatIfMax(stepTest));
    std::printf("| bounds moved and replotted (ms) | %.1f | %.1f |\n", whatIfMedian(boundsMs), whatIfMax(boundsMs));
    std::printf("\nverdicts after a change over %.0f ms: %lld of %zu (goal: none); %.1f products a verdict on "
                "average; load average %s at the end\n",
                kWhatIfGoalMs, over, stepMs.size(), steps.empty() ? 0.0 : double(products) / double(steps.size()),
                qPrintable(loadAverage()));
    return 0;
}
