// The teaching demos in the main window (ui/demos/): every shipped demo's runs load into the
// setup panel; the start page lists every demo; the escape demo computes the exact (a, s) of the
// toy's two minima, (2, 0) at x = 0 and (2, 1.8) at x = 1, moves its bounds and verdicts with
// the η and B sliders, animates GD staying at 1 and SGD leaving for 0, and runs both presets;
// the one-parameter model gets a loss curve where a surface is asked for; and
// `minimascope --demo escape --screenshot` writes a PNG.
#include "MainWindow.h"
#include "QCustomPlotInclude.h"
#include "SlicePlot.h"
#include "StabilityDiagram.h"
#include "controllers/RunController.h"
#include "demos/Demo.h"
#include "demos/DemoController.h"
#include "demos/EscapeCurvePlot.h"
#include "demos/EscapeDemoView.h"
#include "demos/EscapeStabilityDiagram.h"
#include "demos/ExplanationDock.h"
#include "demos/StartPage.h"
#include "io/ResourceLibrary.h"
#include "panels/SetupPanel.h"
#include "panels/SurfacePanel.h"

#include <QAction>
#include <QDockWidget>
#include <QImage>
#include <QProcess>
#include <QSettings>
#include <QSlider>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTextBrowser>
#include <QtTest>

#include <cmath>
#include <limits>

using namespace minimascope::ui;
namespace core = minimascope::core;

namespace {

// The tolerance for the escape toy's (a, s); the float32 products agree to ~1e-6.
constexpr double kEscapeTolerance = 2e-3;
constexpr int kTimeoutMs = 60000;

} // namespace

class TestDemos : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        // Never read or write the user's settings.
        QVERIFY(m_settingsDir.isValid());
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settingsDir.path());
        QCoreApplication::setOrganizationName(QStringLiteral("MinimaScopeTest"));
        qRegisterMetaType<TrainingOutcome>();
    }

    void everyDemoRunLoadsIntoTheSetupPanel()
    {
        MainWindow window;
        const std::vector<core::Demo> demos = core::listDemos();
        QVERIFY(demos.size() >= 3);
        for (const core::Demo& demo : demos) {
            for (const core::DemoRun& run : demo.runs) {
                QString error;
                const bool loaded = run.preset.empty()
                                        ? window.setupPanel()->loadConfig(QString::fromStdString(run.config.dump()), &error)
                                        : window.setupPanel()->selectPreset(QString::fromStdString(run.preset), &error);
                QVERIFY2(loaded, qPrintable(QString::fromStdString(demo.name) + QStringLiteral(": ") + error));
                QVERIFY2(window.setupPanel()->isValid(), qPrintable(window.setupPanel()->errorMessage()));
            }
        }
    }

    void galleryListsEveryDemo()
    {
        MainWindow window;
        window.show();
        auto* help = window.findChild<QAction*>(QStringLiteral("demosAction"));
        QVERIFY(help);
        help->trigger();
        StartPage* page = window.demos()->startPage();
        QVERIFY(page && page->isVisible());
        QStringList expected;
        for (const std::string& name : core::listResources("demos"))
            expected << QString::fromStdString(name);
        QCOMPARE(page->demoNames(), expected);
        for (const QString& name : expected)
            QVERIFY2(page->findChild<QWidget*>(QStringLiteral("demoCard_") + name), qPrintable(name));
    }

    void startPageCanBeTurnedOff()
    {
        StartPage::setShowsAtStart(false);
        {
            MainWindow window;
            window.demos()->showStartPageIfWanted();
            QVERIFY(!window.demos()->startPage());
        }
        StartPage::setShowsAtStart(true);
        MainWindow window;
        window.demos()->showStartPageIfWanted();
        QVERIFY(window.demos()->startPage() && window.demos()->startPage()->isVisible());
        window.demos()->startPage()->close();
    }

    void unknownDemoIsRefused()
    {
        MainWindow window;
        QString error;
        QVERIFY(!window.openDemo(QStringLiteral("no-such-demo"), &error));
        QVERIFY2(error.contains(QStringLiteral("escape")), qPrintable(error));   // the known ones are listed
    }

    void escapeDemo()
    {
        MainWindow window;
        window.show();
        QSignalSpy finished(window.demos(), &DemoController::demoFinished);
        QString error;
        QVERIFY2(window.openDemo(QStringLiteral("escape"), &error), qPrintable(error));

        // The explanation, with its paper and the one change to try.
        ExplanationDock* explanation = window.demos()->explanationDock();
        QVERIFY(explanation->isVisible());
        QVERIFY(explanation->browser()->toPlainText().contains(QStringLiteral("arXiv:1803.00195")));
        QVERIFY(explanation->tryNextText().contains(QStringLiteral("0.3")));

        // Both presets run, SGD then GD; each finished run is a session point.
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, kTimeoutMs);
        QVERIFY2(finished.at(0).at(1).toBool(), qPrintable(finished.at(0).at(2).toString()));
        QCOMPARE(window.stabilityDiagram()->sessionPointCount(), 2);

        // The minima the app measured: (2, 0) at x = 0, (2, 1.8) at x = 1.
        EscapeDemoView* view = window.demos()->escapeView();
        QVERIFY(view && view->hasResult());
        EscapeStabilityDiagram* diagram = view->diagram();
        QCOMPARE(diagram->minima().size(), size_t(2));
        QCOMPARE(diagram->minima()[0].x, 0.0);
        QVERIFY(std::abs(diagram->minima()[0].a - 2.0) < kEscapeTolerance);
        QVERIFY(std::abs(diagram->minima()[0].s - 0.0) < kEscapeTolerance);
        QCOMPARE(diagram->minima()[1].x, 1.0);
        QVERIFY(std::abs(diagram->minima()[1].a - 2.0) < kEscapeTolerance);
        QVERIFY(std::abs(diagram->minima()[1].s - 1.8) < kEscapeTolerance);
        QCOMPARE(diagram->minimaGraph()->dataCount(), 2);

        // η = 0.7, B = 1: s ≤ 1/η ≈ 1.43 keeps x = 0 and rejects x = 1.
        QCOMPARE(view->eta(), 0.7);
        QCOMPARE(view->batchSize(), 1);
        QVERIFY(std::abs(diagram->nonUniformityBound() - 1.0 / 0.7) < 1e-12);
        QVERIFY(diagram->isStable(0));
        QVERIFY(!diagram->isStable(1));
        QVERIFY(std::abs(diagram->stabilityQuantity(1) - (0.16 + 0.49 * 1.8 * 1.8)) < 1e-2);

        // The animation: GD stays at x = 1, SGD ends at x = 0.
        EscapeCurvePlot* curve = view->curvePlot();
        QVERIFY(curve->meanGraph()->dataCount() > 100);
        curve->setStep(curve->lastStep());
        QVERIFY(std::abs(curve->gdPosition() - 1.0) < 1e-3);
        QVERIFY(std::abs(curve->sgdPosition()) < 1e-3);
        view->pause();
        curve->setStep(0);
        view->stepOnce();
        QCOMPARE(curve->step(), 1);
        QVERIFY(!view->isPlaying());

        // Sliders: B = 2 is GD (no bound on s, both stable); the bounds move at once.
        auto* batch = view->findChild<QSlider*>(QStringLiteral("escapeBatch"));
        batch->setValue(2);
        QVERIFY(std::isinf(diagram->nonUniformityBound()));
        QVERIFY(diagram->isStable(0) && diagram->isStable(1));
        // B = 1 and η = 0.3: s ≤ 3.33 keeps x = 1 too, and the iterates for it follow.
        batch->setValue(1);
        auto* eta = view->findChild<QSlider*>(QStringLiteral("escapeEta"));
        eta->setValue(30);
        QVERIFY(std::abs(diagram->sharpnessBound() - 2.0 / 0.3) < 1e-9);
        QVERIFY(diagram->isStable(1));
        QTRY_VERIFY_WITH_TIMEOUT(view->hasResult(), kTimeoutMs);
        curve->setStep(curve->lastStep());
        QVERIFY(std::abs(curve->sgdPosition() - 1.0) < 1e-3);

        // A surface of the one-parameter model is its loss curve, never an error.
        QSignalSpy surface(window.runController(), &RunController::surfaceFinished);
        window.computeSurface(window.surfacePanel()->request());
        QTRY_COMPARE_WITH_TIMEOUT(surface.size(), 1, kTimeoutMs);
        QVERIFY2(surface.at(0).at(0).value<JobStatus>() == JobStatus::Finished, qPrintable(surface.at(0).at(1).toString()));
        QCPGraph* line = window.slicePlot()->topEigenvectorGraph();
        QVERIFY(line->dataCount() > 10);
        // The run ended at x = 1 (GD), a minimum: the curve's lowest value is there, f = 0.
        double lowest = std::numeric_limits<double>::infinity();
        for (auto it = line->data()->constBegin(); it != line->data()->constEnd(); ++it)
            lowest = std::min(lowest, it->value);
        QVERIFY(std::abs(lowest) < 1e-6);
        QCOMPARE(window.slicePlot()->randomGraph()->dataCount(), 0);
    }

    void screenshotOfTheEscapeDemo()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString png = dir.filePath(QStringLiteral("escape.png"));
        QProcess app;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("XDG_CONFIG_HOME"), dir.path());   // not the user's settings
        app.setProcessEnvironment(environment);
        app.start(QStringLiteral(MINIMASCOPE_GUI),
                  {QStringLiteral("--demo"), QStringLiteral("escape"), QStringLiteral("--screenshot"), png,
                   QStringLiteral("--screenshot-delay"), QStringLiteral("300")});
        QVERIFY(app.waitForFinished(kTimeoutMs));
        QVERIFY2(app.exitStatus() == QProcess::NormalExit && app.exitCode() == 0,
                 app.readAllStandardError().constData());
        const QImage image(png);
        QVERIFY(!image.isNull());
        QVERIFY(image.width() > 400 && image.height() > 300);
    }

private:
    QTemporaryDir m_settingsDir;
};

QTEST_MAIN(TestDemos)
#include "TestDemos.moc"
