// minimascope: the desktop application.
//   minimascope [--preset NAME] [--run [--surface [--directions random|eigen|pca] [--centre ITER]]
//                                      [--line scale|interpolate|permutation] [--asymmetry]]
//               [--open RUN] [--study DIR] [--demo NAME] [--screenshot PATH [--screenshot-delay MS]]
// --run starts the preset at once, --surface computes the loss surface when it has finished
// (in the plane --directions names: random, top eigenvectors or PCA of the trajectory; centred
// on the kept snapshot nearest iteration ITER, as a click on the loss curve picks it); --line
// computes the loss along that line through the run's minimum (α·θ, from the initial parameters,
// to the MLP's symmetric twin; the CLI's range) and --asymmetry the asymmetric-valley scan, with
// the dialogs' defaults, in place of the surface;
// --screenshot grabs the window to PATH once all that is done (or after the delay when nothing
// runs) and quits: for documentation and checks. --open opens a saved run folder as File → Open
// run folder does (a folder that is not a run exits 2). --study opens the study window on a study
// folder (or study file); --screenshot then grabs that window. --demo opens a teaching demo
// (resources/demos) and runs it; without any of these options the demos' start page shows, unless
// the user turned it off.
// A step of --run that fails ends what waits for it: the run could not start or diverged, or
// the surface was not computed. The failure goes to stderr and the program quits (with the
// picture, if asked for; a plain --run keeps the window open on the message instead), exiting
// with the codes minimascope-cli uses (common/ExitCode.h): 0 done, 2 bad input (options, preset,
// the run's config or data), 3 the run diverged, 5 the surface (or line, or scan) failed.
// --help and --version answer without a display; anything else without one says so and exits 2.
#include "AppEnvironment.h"
#include "MainWindow.h"
#include "OpenGlFormat.h"
#include "common/AllocatorSettings.h"
#include "common/ExitCode.h"
#include "controllers/AsymmetryController.h"
#include "controllers/FitnessDistanceController.h"
#include "controllers/GradientNoiseController.h"
#include "controllers/LossLineController.h"
#include "controllers/RunController.h"
#include "controllers/SnapshotPicker.h"
#include "demos/DemoController.h"
#include "help/ApplicationIcon.h"
#include "panels/SetupPanel.h"
#include "panels/SurfacePanel.h"
#include "study/StudyWindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QDockWidget>
#include <QFileInfo>
#include <QTimer>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>

namespace {

using minimascope::core::kBadInput;
using minimascope::core::kDiverged;
using minimascope::core::kSuccess;
using minimascope::core::kSurfaceFailed;
using minimascope::ui::LossLineKind;
using minimascope::ui::SurfaceDirections;

// The plane of --directions, by the names minimascope-cli's landscape command uses.
std::optional<SurfaceDirections> planeNamed(const QString& name)
{
    if (name == QLatin1String("random"))
        return SurfaceDirections::Random;
    if (name == QLatin1String("eigen"))
        return SurfaceDirections::TopEigenvectors;
    if (name == QLatin1String("pca"))
        return SurfaceDirections::TrajectoryPca;
    return std::nullopt;
}

// --line's KIND: the `landscape --directions` name of a line.
std::optional<LossLineKind> lineNamed(const QString& name)
{
    for (LossLineKind kind : {LossLineKind::WeightScale, LossLineKind::InitialToFinal, LossLineKind::SymmetricTwin})
        if (name == QLatin1String(minimascope::ui::directionsName(kind)))
            return kind;
    return std::nullopt;
}

// The project version of the top CMakeLists.txt (app/CMakeLists.txt defines it).
constexpr char kVersion[] = MINIMASCOPE_VERSION;

// The longest --screenshot-delay: ten minutes, far above any rendering wait.
constexpr int kMaxDelayMs = 600000;

// The options, shared by the early --help/--version answer and the real parse.
struct CommandLine {
    QCommandLineParser parser;
    const QCommandLineOption help = parser.addHelpOption();
    const QCommandLineOption version = parser.addVersionOption();
    const QCommandLineOption preset{QStringLiteral("preset"), QStringLiteral("Load the run preset NAME."),
                                    QStringLiteral("NAME")};
    const QCommandLineOption run{QStringLiteral("run"), QStringLiteral("Start the run at once.")};
    const QCommandLineOption screenshot{QStringLiteral("screenshot"),
                                        QStringLiteral("Save a picture of the window to PATH when the run has "
                                                       "finished, then quit."),
                                        QStringLiteral("PATH")};
    const QCommandLineOption delay{QStringLiteral("screenshot-delay"),
                                   QStringLiteral("Milliseconds to wait before the picture (default 1500, at most "
                                                  "600000)."),
                                   QStringLiteral("MS"), QStringLiteral("1500")};
    const QCommandLineOption surface{QStringLiteral("surface"),
                                     QStringLiteral("With --run: compute the loss surface once the run has finished.")};
    const QCommandLineOption directions{QStringLiteral("directions"),
                                        QStringLiteral("The plane of --surface: random (default), eigen or pca."),
                                        QStringLiteral("PLANE"), QStringLiteral("random")};
    const QCommandLineOption centre{QStringLiteral("centre"),
                                    QStringLiteral("With --surface: centre it on the snapshot nearest ITER."),
                                    QStringLiteral("ITER")};
    const QCommandLineOption line{QStringLiteral("line"),
                                  QStringLiteral("With --run: compute the loss along a line through the run's minimum "
                                                 "once it has finished: scale (α·θ), interpolate (from the initial "
                                                 "parameters) or permutation (to the MLP's symmetric twin)."),
                                  QStringLiteral("KIND")};
    const QCommandLineOption asymmetry{
        QStringLiteral("asymmetry"),
        QStringLiteral("With --run: scan for asymmetric valleys at the run's minimum once it has finished.")};
    const QCommandLineOption analysis{
        QStringLiteral("analysis"),
        QStringLiteral("With --run: once the run has finished, run the Run menu's analysis NAME with its "
                       "defaults: gradient-noise, gradient-noise-training or fitness-distance."),
        QStringLiteral("NAME")};
    const QCommandLineOption demo{
        QStringLiteral("demo"),
        QStringLiteral("Open the teaching demo NAME and start it (see minimascope-cli demos); "
                       "with --screenshot, the picture is taken when its runs have ended."),
        QStringLiteral("NAME")};
    const QCommandLineOption open{QStringLiteral("open"),
                                  QStringLiteral("Open the run folder RUN (its curves, gradient norm, spectra through "
                                                 "training and what-if)."),
                                  QStringLiteral("RUN")};
    const QCommandLineOption study{QStringLiteral("study"),
                                   QStringLiteral("Open the study window on the study folder DIR (or a study file); "
                                                  "with --screenshot, the picture is of that window."),
                                   QStringLiteral("DIR")};
    CommandLine()
    {
        parser.setApplicationDescription(
            QStringLiteral("Why SGD finds flat minima: train, measure sharpness and "
                           "non-uniformity, look at the loss landscape.\n\n"
                           "Exit codes: 0 done, 2 bad input (options, preset, the run's "
                           "config or data), 3 the run diverged, 5 the surface --surface "
                           "(or the line --line, the scan --asymmetry) asked for failed."));
        parser.addOptions({preset, run, surface, directions, centre, line, asymmetry, analysis, open, study, demo,
                           screenshot, delay});
    }

    // Parses `arguments`; an error goes to stderr and returns false.
    bool parse(const QStringList& arguments)
    {
        if (parser.parse(arguments))
            return true;
        std::fprintf(stderr, "minimascope: %s\n", qPrintable(parser.errorText()));
        return false;
    }
};

void setApplicationNames()
{
    QCoreApplication::setApplicationName(QStringLiteral("MinimaScope"));
    QCoreApplication::setOrganizationName(QStringLiteral("MinimaScope"));
    QCoreApplication::setApplicationVersion(QString::fromLatin1(kVersion));
}

bool asksForHelpOrVersion(int argc, char** argv)
{
    for (int i = 1; i < argc; ++i)
        for (const char* flag : {"-h", "--help", "-?", "--help-all", "-v", "--version"})
            if (std::strcmp(argv[i], flag) == 0)
                return true;
    return false;
}

// Whether Qt can open a window: an X or Wayland display, or a platform that needs neither
// (QT_QPA_PLATFORM=offscreen, or -platform, which Qt then judges). Without one, QApplication aborts.
bool hasDisplay(int argc, char** argv)
{
    for (const char* variable : {"DISPLAY", "WAYLAND_DISPLAY"}) {
        const char* value = std::getenv(variable);
        if (value != nullptr && *value != '\0')
            return true;
    }
    const char* platform = std::getenv("QT_QPA_PLATFORM");
    if (platform != nullptr && *platform != '\0' && std::strncmp(platform, "xcb", 3) != 0
        && std::strncmp(platform, "wayland", 7) != 0)
        return true;
    for (int i = 1; i < argc; ++i)
        if (std::strcmp(argv[i], "-platform") == 0 || std::strcmp(argv[i], "--platform") == 0)
            return true;
    return false;
}

}   // namespace

int main(int argc, char** argv)
{
    // Answered without a display (a QCoreApplication needs none) and before the re-execution below.
    if (asksForHelpOrVersion(argc, argv)) {
        const QCoreApplication app(argc, argv);
        setApplicationNames();
        CommandLine commandLine;
        if (!commandLine.parse(QCoreApplication::arguments()))
            return kBadInput;
        if (commandLine.parser.isSet(commandLine.help))
            std::fputs(qPrintable(commandLine.parser.helpText()), stdout);
        else
            std::printf("%s %s\n", qPrintable(QCoreApplication::applicationName()), kVersion);
        return kSuccess;
    }
    if (!hasDisplay(argc, argv)) {
        std::fprintf(stderr, "minimascope: no display: run under xvfb-run (or set QT_QPA_PLATFORM=offscreen)\n");
        return kBadInput;
    }
    // Before anything else: may re-execute the program (see AppEnvironment.h).
    minimascope::ui::ensurePassiveOpenMp(argv);
    minimascope::core::keepFreedMemoryForReuse();
    // VTK's 3D panel needs its OpenGL format set before the QApplication exists.
    minimascope::ui::setDefaultOpenGlFormat();
    QApplication app(argc, argv);
    setApplicationNames();
    // Every window's icon (title bar, task bar), the one the .desktop file names.
    QApplication::setWindowIcon(minimascope::ui::applicationIcon());

    CommandLine commandLine;
    if (!commandLine.parse(QApplication::arguments()))
        return kBadInput;
    const QCommandLineParser& parser = commandLine.parser;
    const QCommandLineOption& preset = commandLine.preset;
    const QCommandLineOption& run = commandLine.run;
    const QCommandLineOption& screenshot = commandLine.screenshot;
    const QCommandLineOption& delay = commandLine.delay;
    const QCommandLineOption& surface = commandLine.surface;
    const QCommandLineOption& directions = commandLine.directions;
    const QCommandLineOption& centre = commandLine.centre;
    const std::optional<SurfaceDirections> plane = planeNamed(parser.value(directions));
    if (!plane) {
        std::fprintf(stderr, "minimascope: --directions must be random, eigen or pca\n");
        return kBadInput;
    }
    const std::optional<LossLineKind> lineKind = lineNamed(parser.value(commandLine.line));
    if (parser.isSet(commandLine.line) && !lineKind) {
        std::fprintf(stderr, "minimascope: --line must be scale, interpolate or permutation\n");
        return kBadInput;
    }
    bool delayValid = false;
    const int ms = parser.value(delay).toInt(&delayValid);
    if (!delayValid || ms < 0 || ms > kMaxDelayMs) {
        std::fprintf(stderr, "minimascope: --screenshot-delay needs milliseconds from 0 to %d, got '%s'\n", kMaxDelayMs,
                     qPrintable(parser.value(delay)));
        return kBadInput;
    }
    bool centreValid = true;
    const double centreIteration = parser.isSet(centre) ? parser.value(centre).toDouble(&centreValid) : 0.0;
    if (!centreValid || !std::isfinite(centreIteration) || centreIteration < 0.0) {
        std::fprintf(stderr, "minimascope: --centre needs an iteration >= 0, got '%s'\n",
                     qPrintable(parser.value(centre)));
        return kBadInput;
    }

    minimascope::ui::MainWindow window;
    if (parser.isSet(preset)) {
        QString error;
        if (!window.setupPanel()->selectPreset(parser.value(preset), &error)) {
            std::fprintf(stderr, "minimascope: %s\n", qPrintable(error));
            return kBadInput;
        }
    }
    window.surfacePanel()->setDirections(*plane);
    window.show();
    QWidget* pictured = &window;
    if (parser.isSet(commandLine.open) && !window.openRunFolder(parser.value(commandLine.open))) {
        std::fprintf(stderr, "minimascope: %s\n", qPrintable(window.runStatusText()));
        return kBadInput;
    }
    if (parser.isSet(commandLine.study)) {
        QWidget* studyWindow = window.openStudy(parser.value(commandLine.study));
        if (!studyWindow) {
            std::fprintf(stderr, "minimascope: %s\n", qPrintable(window.runStatusText()));
            return kBadInput;
        }
        pictured = studyWindow;
    }

    const bool wantsSurface = parser.isSet(surface);
    const bool wantsLine = parser.isSet(commandLine.line);
    const bool wantsAsymmetry = parser.isSet(commandLine.asymmetry);
    const QString analysisName = parser.value(commandLine.analysis);
    const QStringList analyses{QStringLiteral("gradient-noise"), QStringLiteral("gradient-noise-training"),
                               QStringLiteral("fitness-distance")};
    if (parser.isSet(commandLine.analysis) && !analyses.contains(analysisName)) {
        std::fprintf(stderr, "minimascope: --analysis must be %s, got '%s'\n",
                     qPrintable(analyses.join(QStringLiteral(", "))), qPrintable(analysisName));
        return kBadInput;
    }
    const bool wantsScreenshot = parser.isSet(screenshot);
    const QString path = parser.value(screenshot);
    const auto grabAndQuit = [&window, pictured, path, ms] {
        QTimer::singleShot(ms, &window, [&window, pictured, path] {
            const bool ok = pictured->grab().save(path);
            std::fprintf(stderr, "minimascope: %s %s\n", ok ? "saved" : "could not save", qPrintable(path));
            // A floating dock is a window of its own: the 3D panel goes to PATH with "-3d" before the
            // suffix, the view of --line or --asymmetry with "-dock".
            const std::pair<const char*, const char*> floating[] = {{"surfaceDock", "-3d."},
                                                                    {"lossLineDock", "-dock."},
                                                                    {"asymmetryDock", "-dock."},
                                                                    {"gradientNoiseDock", "-dock."},
                                                                    {"fitnessDistanceDock", "-dock."}};
            for (const auto& [name, tag] : floating) {
                auto* dock = window.findChild<QDockWidget*>(QLatin1String(name));
                if (!dock || !dock->isFloating() || !dock->isVisible())
                    continue;
                const QFileInfo info(path);
                const QString dockPath = info.dir().filePath(info.completeBaseName() + QLatin1String(tag)
                                                             + info.suffix());
                const bool saved = dock->grab().save(dockPath);
                std::fprintf(stderr, "minimascope: %s %s\n", saved ? "saved" : "could not save", qPrintable(dockPath));
            }
            pictured->close();
            window.close();
        });
    };
    int exitCode = kSuccess;
    const auto fail = [&](int code, const QString& message) {
        std::fprintf(stderr, "minimascope: %s\n", qPrintable(message));
        exitCode = code;
        if (wantsScreenshot)
            grabAndQuit();
        else if (wantsSurface)   // out of the signal that reported it: closing joins the worker
            QTimer::singleShot(0, &window, &QWidget::close);
    };

    const bool wantsDemo = parser.isSet(commandLine.demo);
    if (wantsDemo) {
        QString error;
        if (!window.openDemo(parser.value(commandLine.demo), &error)) {
            std::fprintf(stderr, "minimascope: %s\n", qPrintable(error));
            return kBadInput;
        }
        QObject::connect(window.demos(), &minimascope::ui::DemoController::demoFinished, &window,
                         [&](const QString&, bool ok, const QString& message) {
                             if (!ok)
                                 fail(kBadInput, QStringLiteral("the demo: %1").arg(message));
                             else if (wantsScreenshot)
                                 grabAndQuit();
                         });
    } else if (!parser.isSet(preset) && !parser.isSet(run) && !parser.isSet(commandLine.study)
               && !parser.isSet(commandLine.open) && !wantsScreenshot) {
        window.demos()->showStartPageIfWanted();
    }
    if (parser.isSet(run)) {
        using minimascope::core::RunStatus;
        using minimascope::ui::RunController;
        QObject::connect(
            window.runController(), &RunController::trainingFinished, &window,
            [&](const minimascope::ui::TrainingOutcome& outcome) {
                // A stopped run still has parameters to look at; these have none.
                if (outcome.status == RunStatus::Failed || outcome.status == RunStatus::Diverged) {
                    fail(outcome.status == RunStatus::Failed ? kBadInput : kDiverged,
                         QStringLiteral("the run %1: %2")
                             .arg(QLatin1String(minimascope::core::toString(outcome.status)), outcome.reason));
                } else if (wantsSurface) {
                    auto* picker = window.findChild<minimascope::ui::SnapshotPicker*>();
                    if (parser.isSet(centre))
                        picker->pick(centreIteration);
                    window.computeSurface(window.surfacePanel()->request());
                } else if (wantsLine) {
                    minimascope::ui::LossLineRequest request;
                    request.kind = *lineKind;
                    defaultLossLineRange(request.kind, &request.alphaMin, &request.alphaMax);
                    window.lossLines()->start(request);
                } else if (wantsAsymmetry) {
                    window.asymmetry()->startWithDefaults();
                } else if (analysisName == QLatin1String("fitness-distance")) {
                    window.fitnessDistance()->startWithDefaults();
                } else if (!analysisName.isEmpty()) {
                    minimascope::ui::GradientNoiseRequest request;
                    request.overTraining = analysisName == QLatin1String("gradient-noise-training");
                    window.gradientNoise()->start(request);
                } else if (wantsScreenshot) {
                    grabAndQuit();
                }
            });
        if (wantsSurface)
            QObject::connect(window.runController(), &RunController::surfaceFinished, &window,
                             [&](RunStatus status, const QString& message) {
                                 if (status != RunStatus::Finished)
                                     fail(kSurfaceFailed,
                                          QStringLiteral("the loss surface %1: %2")
                                              .arg(QLatin1String(minimascope::core::toString(status)), message));
                                 else if (wantsScreenshot)
                                     grabAndQuit();
                             });
        // A line or a scan ended: its dock is pictured on its own too, floating at a readable size.
        const auto ended = [&](QDockWidget* dock, const QString& what, RunStatus status, const QString& message) {
            if (status != RunStatus::Finished) {
                fail(
                    kSurfaceFailed,
                    QStringLiteral("%1 %2: %3").arg(what, QLatin1String(minimascope::core::toString(status)), message));
            } else if (wantsScreenshot) {
                dock->setFloating(true);
                dock->resize(900, wantsAsymmetry ? 820 : 560);
                grabAndQuit();
            }
        };
        if (wantsLine)
            QObject::connect(window.runController(), &RunController::lossLineReady, &window,
                             [&](const minimascope::ui::LossLineResult& result) {
                                 ended(window.lossLines()->dock(), QStringLiteral("the loss line"), result.status,
                                       result.message);
                             });
        if (wantsAsymmetry)
            QObject::connect(window.runController(), &RunController::asymmetryReady, &window,
                             [&](const minimascope::ui::AsymmetryResult& result) {
                                 ended(window.asymmetry()->dock(), QStringLiteral("the asymmetric-valley scan"),
                                       result.status, result.message);
                             });
        for (minimascope::ui::AnalysisViewController* view :
             {static_cast<minimascope::ui::AnalysisViewController*>(window.gradientNoise()),
              static_cast<minimascope::ui::AnalysisViewController*>(window.fitnessDistance())})
            QObject::connect(view, &minimascope::ui::AnalysisViewController::finished, &window,
                             [&, view](RunStatus status, const QString& message) {
                                 ended(view->dock(), QStringLiteral("the analysis"), status, message);
                                 view->dock()->resize(900, 820);   // the noise view holds three plots
                             });
        const auto start = [&] {
            if (!window.startRun())
                fail(kBadInput, QStringLiteral("the run could not start: %1").arg(window.runStatusText()));
        };
        // The user's own files are checked on a worker (SetupPanel): the run starts on the verdict.
        QTimer::singleShot(0, &window, [&, start] {
            minimascope::ui::SetupPanel* setup = window.setupPanel();
            if (!setup->isChecking()) {
                start();
                return;
            }
            auto verdict = std::make_shared<QMetaObject::Connection>();
            *verdict = QObject::connect(setup, &minimascope::ui::SetupPanel::validityChanged, &window,
                                        [setup, verdict, start] {
                                            if (setup->isChecking())
                                                return;
                                            QObject::disconnect(*verdict);
                                            start();
                                        });
        });
    } else if (wantsScreenshot && !wantsDemo) {
        grabAndQuit();
    }
    const int qtStatus = QApplication::exec();
    return qtStatus != 0 ? qtStatus : exitCode;
}
