// minimascope: the desktop application.
//   minimascope [--preset NAME] [--run [--surface [--directions random|eigen|pca] [--centre ITER]]]
//               [--screenshot PATH [--screenshot-delay MS]]
// --run starts the preset at once, --surface computes the loss surface when it has finished
// (in the plane --directions names: random, top eigenvectors or PCA of the trajectory; centred
// on the kept snapshot nearest iteration ITER, as a click on the loss curve picks it);
// --screenshot grabs the window to PATH once all that is done (or after the delay when nothing
// runs) and quits: for documentation and checks.
// A step of --run that fails ends what waits for it: the run could not start or diverged, or
// the surface was not computed. The failure goes to stderr and the program quits (with the
// picture, if asked for; a plain --run keeps the window open on the message instead), exiting
// with the codes minimascope-cli uses (common/ExitCode.h): 0 done, 2 bad input (options, preset,
// the run's config or data), 3 the run diverged, 5 the surface failed.
#include "AppEnvironment.h"
#include "MainWindow.h"
#include "SurfaceFormat.h"
#include "common/AllocatorSettings.h"
#include "common/ExitCode.h"
#include "controllers/RunController.h"
#include "controllers/SnapshotPicker.h"
#include "panels/SetupPanel.h"
#include "panels/SurfacePanel.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QDockWidget>
#include <QFileInfo>
#include <QTimer>

#include <cstdio>
#include <optional>

namespace {

using minimascope::core::kBadInput;
using minimascope::core::kDiverged;
using minimascope::core::kSuccess;
using minimascope::core::kSurfaceFailed;
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

} // namespace

int main(int argc, char** argv)
{
    // Before anything else: may re-execute the program (see AppEnvironment.h).
    minimascope::ui::ensurePassiveOpenMp(argv);
    minimascope::core::keepFreedMemoryForReuse();
    // VTK's 3D panel needs its OpenGL format set before the QApplication exists.
    minimascope::ui::setDefaultSurfaceFormat();
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("MinimaScope"));
    QApplication::setOrganizationName(QStringLiteral("MinimaScope"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Why SGD finds flat minima: train, measure sharpness and "
                                                    "non-uniformity, look at the loss landscape."));
    parser.addHelpOption();
    const QCommandLineOption preset(QStringLiteral("preset"), QStringLiteral("Load the run preset NAME."),
                                    QStringLiteral("NAME"));
    const QCommandLineOption run(QStringLiteral("run"), QStringLiteral("Start the run at once."));
    const QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                        QStringLiteral("Save a picture of the window to PATH when the run has "
                                                       "finished, then quit."),
                                        QStringLiteral("PATH"));
    const QCommandLineOption delay(QStringLiteral("screenshot-delay"),
                                   QStringLiteral("Milliseconds to wait before the picture (default 1500)."),
                                   QStringLiteral("MS"), QStringLiteral("1500"));
    const QCommandLineOption surface(QStringLiteral("surface"),
                                     QStringLiteral("With --run: compute the loss surface once the run has finished."));
    const QCommandLineOption directions(QStringLiteral("directions"),
                                        QStringLiteral("The plane of --surface: random (default), eigen or pca."),
                                        QStringLiteral("PLANE"), QStringLiteral("random"));
    const QCommandLineOption centre(QStringLiteral("centre"),
                                    QStringLiteral("With --surface: centre it on the snapshot nearest ITER."),
                                    QStringLiteral("ITER"));
    parser.addOptions({preset, run, surface, directions, centre, screenshot, delay});
    parser.process(app);
    const std::optional<SurfaceDirections> plane = planeNamed(parser.value(directions));
    if (!plane) {
        std::fprintf(stderr, "minimascope: --directions must be random, eigen or pca\n");
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

    const bool wantsSurface = parser.isSet(surface);
    const bool wantsScreenshot = parser.isSet(screenshot);
    const QString path = parser.value(screenshot);
    const int ms = parser.value(delay).toInt();
    const auto grabAndQuit = [&window, path, ms] {
        QTimer::singleShot(ms, &window, [&window, path] {
            const bool ok = window.grab().save(path);
            std::fprintf(stderr, "minimascope: %s %s\n", ok ? "saved" : "could not save", qPrintable(path));
            // The 3D panel is a window of its own while it floats: PATH with "-3d" before the suffix.
            auto* dock = window.findChild<QDockWidget*>(QStringLiteral("surfaceDock"));
            if (dock && dock->isFloating() && dock->isVisible()) {
                const QFileInfo info(path);
                const QString path3d = info.dir().filePath(info.completeBaseName() + QStringLiteral("-3d.") +
                                                           info.suffix());
                const bool ok3d = dock->grab().save(path3d);
                std::fprintf(stderr, "minimascope: %s %s\n", ok3d ? "saved" : "could not save", qPrintable(path3d));
            }
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

    if (parser.isSet(run)) {
        using minimascope::ui::JobStatus;
        using minimascope::ui::RunController;
        QObject::connect(window.runController(), &RunController::trainingFinished, &window,
                         [&](const minimascope::ui::TrainingOutcome& outcome) {
                             // A stopped run still has parameters to look at; these have none.
                             if (outcome.status == JobStatus::Failed || outcome.status == JobStatus::Diverged) {
                                 fail(outcome.status == JobStatus::Failed ? kBadInput : kDiverged,
                                      QStringLiteral("the run %1: %2")
                                          .arg(minimascope::ui::toString(outcome.status), outcome.reason));
                             } else if (wantsSurface) {
                                 auto* picker = window.findChild<minimascope::ui::SnapshotPicker*>();
                                 if (parser.isSet(centre))
                                     picker->pick(parser.value(centre).toDouble());
                                 window.computeSurface(window.surfacePanel()->request());
                             } else if (wantsScreenshot) {
                                 grabAndQuit();
                             }
                         });
        if (wantsSurface)
            QObject::connect(window.runController(), &RunController::surfaceFinished, &window,
                             [&](JobStatus status, const QString& message) {
                                 if (status != JobStatus::Finished)
                                     fail(kSurfaceFailed, QStringLiteral("the loss surface %1: %2")
                                                              .arg(minimascope::ui::toString(status), message));
                                 else if (wantsScreenshot)
                                     grabAndQuit();
                             });
        QTimer::singleShot(0, &window, [&] {
            if (!window.startRun())
                fail(kBadInput, QStringLiteral("the run could not start: %1").arg(window.runStatusText()));
        });
    } else if (wantsScreenshot) {
        grabAndQuit();
    }
    const int qtStatus = QApplication::exec();
    return qtStatus != 0 ? qtStatus : exitCode;
}
