// The what-if of the stability diagram (controllers/WhatIfController.h): on a finished run the
// Theorem's λmax at another (η, B) is the number `minimascope-cli analyze --quantities stability
// --eta --batch-size` computes; moving η across the critical value flips the escape toy's x = 1
// minimum where the theory says; the bounds move at once, before the verdict; a drag of the a = 2/η
// line moves η; a stale answer is never shown after a newer one. With MINIMASCOPE_WHATIF_RUN=<run
// folder> the last case opens that run in the main window and prints how long each verdict takes
// (the 784-256×4 preset's figure in the report), and with MINIMASCOPE_WHATIF_SCREENSHOT=<png> it
// saves the stability dock (docs/guide.md).
#include "CliProcess.h"
#include "MainWindow.h"
#include "QCustomPlotInclude.h"
#include "StabilityDiagram.h"
#include "controllers/RunController.h"
#include "controllers/WhatIfController.h"
#include "panels/SetupPanel.h"
#include "panels/WhatIfPanel.h"
#include "support/TestSuite.h"

#include <QDockWidget>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSettings>
#include <QSignalSpy>
#include <QSlider>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace minimascope::ui;
using minimascope::tests::readJson;
using minimascope::tests::runCli;
namespace core = minimascope::core;

namespace {

// The GUI and the CLI run the same products in the same order with the same thread count.
constexpr double kSameComputation = 1e-9;
// The escape toy's network is float32: a = 2 and s = 1.8 hold to its rounding.
constexpr double kFloatTolerance = 1e-5;
constexpr int kTimeoutMs = 60000;

bool relativelyEqual(double actual, double expected, double tolerance)
{
    return std::abs(actual - expected) <= tolerance * std::max(1.0, std::abs(expected));
}

// The controls, the diagram and the worker, as the main window wires them, without the window.
struct WhatIfRig {
    RunController runs;
    StabilityDiagram diagram;
    WhatIfPanel panel;
    WhatIfController controller{&runs, &diagram, &panel};
    QSignalSpy shown{&controller, &WhatIfController::verdictShown};

    // The next verdict shown, within the timeout.
    bool waitForVerdict()
    {
        const int before = int(shown.size());
        return QTest::qWaitFor([&] { return shown.size() > before; }, kTimeoutMs);
    }
};

}   // namespace

class TestWhatIf : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_dir.path());
        QCoreApplication::setOrganizationName(QStringLiteral("MinimaScopeTest"));
        m_escape = m_dir.filePath(QStringLiteral("escape-gd"));
        m_moons = m_dir.filePath(QStringLiteral("two-moons"));
        // GD on the escape toy stays at its x = 1 minimum: a = 2, s = 1.8 (docs/science.md, "The escape toy").
        QVERIFY(runCli({QStringLiteral("train"), QStringLiteral("--preset"), QStringLiteral("escape-toy-gd"),
                        QStringLiteral("--out"), m_escape}));
        QVERIFY(runCli({QStringLiteral("train"), QStringLiteral("--preset"), QStringLiteral("two-moons-quick"),
                        QStringLiteral("--out"), m_moons}));
    }

    void verdictEqualsAnalyze_data()
    {
        QTest::addColumn<QString>("run");
        QTest::addColumn<double>("eta");
        QTest::addColumn<qint64>("batchSize");
        QTest::newRow("two moons, eta 3, B 5") << QStringLiteral("two-moons") << 3.0 << qint64(5);
        QTest::newRow("two moons, eta 40, B 2") << QStringLiteral("two-moons") << 40.0 << qint64(2);
        QTest::newRow("escape toy, eta 0.6, B 1") << QStringLiteral("escape-gd") << 0.6 << qint64(1);
    }

    // The worker's answer to a run's first what-if is analyze's: same a, s, verdict and λmax (or, for
    // an unstable verdict given at its proof, a lower bound of it).
    void verdictEqualsAnalyze()
    {
        QFETCH(QString, run);
        QFETCH(double, eta);
        QFETCH(qint64, batchSize);
        const QString dir = m_dir.filePath(run);
        const QString out = m_dir.filePath(QStringLiteral("analysis-%1.json").arg(QTest::currentDataTag()));
        QVERIFY(
            runCli({QStringLiteral("analyze"), QStringLiteral("--run"), dir, QStringLiteral("--quantities"),
                    QStringLiteral("sharpness,non_uniformity,stability"), QStringLiteral("--eta"), QString::number(eta),
                    QStringLiteral("--batch-size"), QString::number(batchSize), QStringLiteral("--out"), out}));
        const QJsonObject analysis = readJson(out);
        const double lambda = analysis[QStringLiteral("stability")].toObject()[QStringLiteral("lambda_max")].toDouble();
        QVERIFY(std::isfinite(lambda) && lambda > 0.0);

        RunController runs;
        QSignalSpy tested(&runs, &RunController::stabilityTested);
        StabilityTestRequest request;
        request.runDir = dir;
        request.eta = eta;
        request.batchSize = batchSize;
        runs.startStabilityTest(request);
        QVERIFY(tested.wait(kTimeoutMs));
        const auto result = tested.first().first().value<StabilityTestResult>();
        QCOMPARE(toString(result.status), toString(core::RunStatus::Finished));
        QVERIFY(!result.warmStarted);
        // A stable or certified answer is analyze's number; an unstable one may come at its proof, a
        // Rayleigh quotient above 1 and at most analyze's converged value.
        const QString both =
            QStringLiteral("GUI %1, analyze %2").arg(result.lambdaMax, 0, 'g', 17).arg(lambda, 0, 'g', 17);
        if (result.lowerBound)
            QVERIFY2(result.lambdaMax > 1.0 && result.lambdaMax <= lambda * (1.0 + kSameComputation), qPrintable(both));
        else
            QVERIFY2(relativelyEqual(result.lambdaMax, lambda, kSameComputation), qPrintable(both));
        QCOMPARE(result.verdict,
                 analysis[QStringLiteral("stability")].toObject()[QStringLiteral("verdict")].toString());
        QVERIFY(relativelyEqual(result.sharpness,
                                analysis[QStringLiteral("sharpness")].toObject()[QStringLiteral("value")].toDouble(),
                                kSameComputation));
        QVERIFY(
            relativelyEqual(result.nonUniformity,
                            analysis[QStringLiteral("non_uniformity")].toObject()[QStringLiteral("value")].toDouble(),
                            kSameComputation));
        QCOMPARE(result.eta, eta);
        QCOMPARE(result.batchSize, batchSize);
    }

    // GD's x = 1 minimum (a = 2, s = 1.8, n = 2): with B = 2, c = 0 and λmax = (1 − 2η)², stable up
    // to η = 2/a = 1; with B = 1, c = 1 and stable up to η = 2a/(a² + s²) = 4/7.24 ≈ 0.5525. The
    // bounds move at once; the ring is pending until the verdict arrives.
    void verdictFlipsWhereTheTheorySays_data()
    {
        QTest::addColumn<qint64>("batchSize");
        QTest::addColumn<double>("eta");
        QTest::addColumn<QString>("verdict");
        QTest::newRow("GD, eta 0.99 < 2/a") << qint64(2) << 0.99 << QStringLiteral("stable");
        QTest::newRow("GD, eta 1.01 > 2/a") << qint64(2) << 1.01 << QStringLiteral("unstable");
        QTest::newRow("B 1, eta 0.54 < 0.5525") << qint64(1) << 0.54 << QStringLiteral("stable");
        QTest::newRow("B 1, eta 0.565 > 0.5525") << qint64(1) << 0.565 << QStringLiteral("unstable");
    }

    void verdictFlipsWhereTheTheorySays()
    {
        QFETCH(qint64, batchSize);
        QFETCH(double, eta);
        QFETCH(QString, verdict);
        WhatIfRig rig;
        rig.controller.setRunFolder(m_escape);
        QVERIFY(rig.waitForVerdict());
        const StabilityTestResult own = rig.controller.lastResult();
        QCOMPARE(toString(own.status), toString(core::RunStatus::Finished));
        QCOMPARE(own.verdict,
                 QStringLiteral("stable"));   // the run's own η = 0.7, B = 2
        QVERIFY(relativelyEqual(own.sharpness, 2.0, kFloatTolerance));
        QVERIFY(relativelyEqual(own.nonUniformity, 1.8, kFloatTolerance));
        QCOMPARE(rig.panel.eta(), 0.7);
        QCOMPARE(rig.panel.batchSize(), qint64(2));
        QVERIFY(rig.panel.isEnabled());

        rig.panel.setBatchSize(batchSize);
        rig.panel.setEta(eta);
        // At once, before any verdict: the bounds and the pending ring.
        QCOMPARE(rig.diagram.sharpnessBound(), 2.0 / eta);
        QCOMPARE(rig.diagram.whatIfVerdict(), StabilityDiagram::Verdict::Pending);
        QVERIFY(rig.waitForVerdict());
        const StabilityTestResult& result = rig.controller.lastResult();
        QCOMPARE(result.eta, eta);
        QCOMPARE(result.batchSize, batchSize);
        QCOMPARE(result.verdict, verdict);
        const double c = batchSize == 2 ? 0.0 : 1.0;
        const double expected = (1.0 - 2.0 * eta) * (1.0 - 2.0 * eta) + eta * eta * c * 1.8 * 1.8;
        QVERIFY2(relativelyEqual(result.lambdaMax, expected, kFloatTolerance),
                 qPrintable(QString::number(result.lambdaMax, 'g', 17)));
        QCOMPARE(rig.diagram.whatIfVerdict(), verdict == QLatin1String("stable") ? StabilityDiagram::Verdict::Stable
                                                                                 : StabilityDiagram::Verdict::Unstable);
        QVERIFY(rig.diagram.whatIfLabel()->text().startsWith(verdict));
        QVERIFY(rig.panel.verdictText().contains(verdict));
    }

    // A drag that starts on the a = 2/η line moves it, and η with it (η = 2/a under the mouse).
    void draggingTheSharpnessBoundMovesEta()
    {
        WhatIfRig rig;
        rig.diagram.resize(600, 450);
        rig.diagram.show();
        QVERIFY(QTest::qWaitForWindowExposed(&rig.diagram));
        rig.controller.setRunFolder(m_escape);
        QVERIFY(rig.waitForVerdict());
        QVERIFY(rig.diagram.isBoundDragEnabled());
        rig.diagram.replotNow();
        QCustomPlot* plot = rig.diagram.customPlot();
        const QCPRange range = plot->xAxis->range();
        const int y = int(plot->axisRect()->center().y());
        const QPoint start(int(std::lround(plot->xAxis->coordToPixel(2.0 / 0.7))), y);
        const QPoint end(int(std::lround(plot->xAxis->coordToPixel(2.0))), y);
        QTest::mousePress(plot, Qt::LeftButton, Qt::NoModifier, start);
        QMouseEvent move(QEvent::MouseMove, QPointF(end), plot->mapToGlobal(QPointF(end)), Qt::NoButton, Qt::LeftButton,
                         Qt::NoModifier);
        QCoreApplication::sendEvent(plot, &move);
        QTest::mouseRelease(plot, Qt::LeftButton, Qt::NoModifier, end);
        // η = 2/a at the release pixel, to the spin box's five decimals; the view did not pan.
        const double expected = 2.0 / plot->xAxis->pixelToCoord(end.x());
        QVERIFY2(std::abs(rig.panel.eta() - expected) < 1e-5, qPrintable(QString::number(rig.panel.eta())));
        QVERIFY(std::abs(rig.diagram.sharpnessBound() - 2.0 / rig.panel.eta()) < 1e-12);
        QCOMPARE(plot->xAxis->range().lower, range.lower);
        QCOMPARE(plot->xAxis->range().upper, range.upper);
        QVERIFY(rig.waitForVerdict());
        QCOMPARE(rig.controller.lastResult().eta, rig.panel.eta());
    }

    // Two requests in a row: only the second is shown; a late answer to the first is refused.
    void staleVerdictIsNotApplied()
    {
        WhatIfRig rig;
        rig.controller.setRunFolder(m_escape);
        QVERIFY(rig.waitForVerdict());
        const quint64 first = rig.controller.requestVerdict(0.9, 2);
        const quint64 second = rig.controller.requestVerdict(1.1, 2);
        QVERIFY(second > first);
        QVERIFY(rig.waitForVerdict());
        QCOMPARE(rig.controller.lastResult().jobId, second);
        QCOMPARE(rig.controller.lastResult().verdict, QStringLiteral("unstable"));
        const int shown = int(rig.shown.size());
        QTest::qWait(300);   // the first's answer, if it was not cancelled in time,
                             // is dropped too
        QCOMPARE(int(rig.shown.size()), shown);

        StabilityTestResult late = rig.controller.lastResult();
        late.jobId = first;
        late.eta = 0.9;
        late.verdict = QStringLiteral("stable");
        late.lambdaMax = 0.64;
        QVERIFY(!rig.controller.applyResult(late));
        QCOMPARE(rig.controller.lastResult().jobId, second);
        QCOMPARE(rig.diagram.whatIfVerdict(), StabilityDiagram::Verdict::Unstable);
        QCOMPARE(int(rig.shown.size()), shown);
    }

    // A run trained in the window: when it ends, its own minimum is tested at once; the next run
    // takes the controls away until it ends in turn.
    void mainWindowTestsTheRunItTrained()
    {
        MainWindow window;
        QString error;
        QVERIFY2(window.setupPanel()->selectPreset(QStringLiteral("escape-toy-gd"), &error), qPrintable(error));
        QSignalSpy shown(window.whatIf(), &WhatIfController::verdictShown);
        QVERIFY(window.startRun());
        auto* panel = window.findChild<WhatIfPanel*>();
        QVERIFY(!panel->isEnabled());
        QVERIFY(shown.wait(kTimeoutMs));
        const StabilityTestResult& result = window.whatIf()->lastResult();
        QCOMPARE(toString(result.status), toString(core::RunStatus::Finished));
        QCOMPARE(result.verdict, QStringLiteral("stable"));
        QVERIFY(relativelyEqual(result.sharpness, 2.0, kFloatTolerance));
        QVERIFY(relativelyEqual(result.nonUniformity, 1.8, kFloatTolerance));
        QVERIFY(panel->isEnabled());
        QCOMPARE(panel->eta(), 0.7);
        QCOMPARE(window.stabilityDiagram()->whatIfVerdict(), StabilityDiagram::Verdict::Stable);
        QVERIFY(window.startRun());
        QVERIFY(!panel->isEnabled());
        QVERIFY(window.stabilityDiagram()->whatIfLabel()->visible() == false);
        QVERIFY(shown.wait(kTimeoutMs));
    }

    // The main window wires it: a run folder opened there gets the ring and the controls; a slider
    // drag ends in one verdict for the value it rests on.
    void mainWindowOpensARunWithItsVerdict()
    {
        const QByteArray measured = qgetenv("MINIMASCOPE_WHATIF_RUN");
        const QString dir = measured.isEmpty() ? m_escape : QString::fromLocal8Bit(measured);
        MainWindow window;
        window.resize(1500, 950);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QSignalSpy shown(window.whatIf(), &WhatIfController::verdictShown);
        QElapsedTimer clock;
        clock.start();
        QVERIFY(window.openRunFolder(dir));
        QVERIFY(shown.wait(5 * kTimeoutMs));
        const qint64 firstMs = clock.elapsed();
        auto* panel = window.findChild<WhatIfPanel*>();
        QVERIFY(panel && panel->isEnabled());
        QCOMPARE(toString(window.whatIf()->lastResult().status), toString(core::RunStatus::Finished));
        QCOMPARE(window.stabilityDiagram()->whatIfVerdict(), StabilityDiagram::Verdict::Stable);

        // A drag of the η slider: many values, one verdict at the end.
        const double runEta = panel->eta();
        for (int position = panel->etaSlider()->value(); position <= panel->etaSlider()->maximum(); position += 25)
            panel->etaSlider()->setValue(position);
        clock.restart();
        QVERIFY(QTest::qWaitFor([&] { return window.whatIf()->lastResult().eta == panel->eta(); }, kTimeoutMs));
        const qint64 dragMs = clock.elapsed();
        QCOMPARE(toString(window.whatIf()->lastResult().status), toString(core::RunStatus::Finished));
        QCOMPARE(panel->eta(), QString::number(runEta * 100.0, 'g', 4).toDouble());

        if (!measured.isEmpty()) {
            // The latency the user sees for single steps of η, the bounds having moved at once:
            // around the η where the first bound the run's (a, s) meets is crossed (s ≤ const/η or
            // a ≤ 2/η).
            const double a = window.whatIf()->lastResult().sharpness;
            const double s = window.whatIf()->lastResult().nonUniformity;
            panel->setEta(runEta);
            const double sBoundTimesEta = window.stabilityDiagram()->nonUniformityBound() * runEta;
            const double critical = std::min(2.0 / a, std::isfinite(sBoundTimesEta) ? sBoundTimesEta / s : 2.0 / a);
            for (double factor : {0.5, 0.9, 1.1, 2.0}) {
                clock.restart();
                panel->setEta(critical * factor);
                QVERIFY(QTest::qWaitFor([&] { return window.whatIf()->lastResult().eta == panel->eta(); }, kTimeoutMs));
                const StabilityTestResult& r = window.whatIf()->lastResult();
                qInfo().noquote() << QStringLiteral("eta = %1 (%2 of the critical η): %3 ms to "
                                                    "the verdict (%4, λmax %5, %6 "
                                                    "products, %7 s in the test, warm %8)")
                                         .arg(r.eta)
                                         .arg(r.eta / critical)
                                         .arg(clock.elapsed())
                                         .arg(r.verdict)
                                         .arg(r.lambdaMax, 0, 'g', 8)
                                         .arg(r.products)
                                         .arg(r.seconds, 0, 'f', 3)
                                         .arg(r.warmStarted);
            }
            panel->setEta(runEta);
            QVERIFY(QTest::qWaitFor([&] { return window.whatIf()->lastResult().eta == runEta; }, kTimeoutMs));
            qInfo().noquote() << QStringLiteral("open + a, s + first verdict: %1 ms; "
                                                "slider drag to its end: %2 ms")
                                     .arg(firstMs)
                                     .arg(dragMs);
        }
        const QByteArray screenshot = qgetenv("MINIMASCOPE_WHATIF_SCREENSHOT");
        if (!screenshot.isEmpty()) {
            // Half the η at which the run's minimum leaves the bounds: inside them, and for the
            // 784-256×4 preset unstable all the same (the bounds are necessary, not sufficient).
            const double a = window.whatIf()->lastResult().sharpness;
            const double s = window.whatIf()->lastResult().nonUniformity;
            const double sBoundTimesEta = window.stabilityDiagram()->nonUniformityBound() * panel->eta();
            panel->setEta(0.5 * std::min(2.0 / a, std::isfinite(sBoundTimesEta) ? sBoundTimesEta / s : 2.0 / a));
            QVERIFY(QTest::qWaitFor([&] { return window.whatIf()->lastResult().eta == panel->eta(); }, kTimeoutMs));
            QTest::qWait(200);
            QVERIFY(window.findChild<QDockWidget*>(QStringLiteral("stabilityDock"))
                        ->grab()
                        .save(QString::fromLocal8Bit(screenshot)));
        }
    }

private:
    QTemporaryDir m_dir;
    QString m_escape;
    QString m_moons;
};

MINIMASCOPE_TEST_WIDGETS(TestWhatIf)
#include "TestWhatIf.moc"
