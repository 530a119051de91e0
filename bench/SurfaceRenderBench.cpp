// 3D panel speed: one frame of the SurfaceView and one progressive update (setSurface with more
// points filled in, then the frame) for 51x51 and 101x101 surfaces, plus the offscreen export.
// Needs an X server:
//   xvfb-run -a -s "-screen 0 1280x1024x24" build/bench/minimascope-bench-surface [--png DIR]
// Prints the best of 3 repeats of the mean over kFrames frames (the machine is shared and noisy).
// --png DIR also saves the rendered views (linear and log) for a look.
#include "OffscreenSurfaceRenderer.h"
#include "OpenGlFormat.h"
#include "SurfaceView.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QTest>

#include <QEventLoop>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>

using namespace minimascope::ui;

namespace {

constexpr int kFrames = 20;
constexpr int kRepeats = 3;
constexpr int kProgressiveSteps = 10;   // a coarse pass, then rows of the fine grid in 9 batches
const QSize kViewSize(800, 600);

// A loss-like landscape: a tilted bowl with ripples, positive, spanning about two decades.
double landscape(double x, double y)
{
    return 0.02 + std::exp(1.5 * (x * x + 0.6 * y * y)) - 1.0 + 0.15 * std::sin(5 * x) * std::cos(4 * y) + 0.15;
}

SurfaceData sampled(int n)
{
    SurfaceData data;
    for (int k = 0; k < n; ++k) {
        data.xs.push_back(-1.0 + 2.0 * k / (n - 1));
        data.ys.push_back(-1.0 + 2.0 * k / (n - 1));
    }
    for (double y : data.ys)
        for (double x : data.xs)
            data.values.push_back(landscape(x, y));
    for (int k = 0; k <= 30; ++k)
        data.trajectory.push_back(QPointF(-0.9 + 0.03 * k, 0.85 - 0.028 * k));
    return data;
}

// Step s of a progressive fill: the stride-5 lattice first, then the fine rows a band at a time.
SurfaceData partial(const SurfaceData& full, int step)
{
    SurfaceData data = full;
    const int rowsDone = full.ny() * step / (kProgressiveSteps - 1);
    for (int j = 0; j < full.ny(); ++j)
        for (int i = 0; i < full.nx(); ++i)
            if (j >= rowsDone && (i % 5 != 0 || j % 5 != 0))
                data.values[static_cast<size_t>(j * full.nx() + i)] = std::numeric_limits<double>::quiet_NaN();
    return data;
}

// A frame as the user sees it: update() until Qt has composed and swapped the window
// (frameSwapped). Returns the GUI thread's paintGL time of that frame.
double frame(SurfaceView& view)
{
    QEventLoop loop;
    QObject::connect(&view, &QOpenGLWidget::frameSwapped, &loop, &QEventLoop::quit);
    view.update();
    loop.exec();
    return view.lastPaintMs();
}

struct Timing {
    double wallMs = std::numeric_limits<double>::infinity();   // mean per call
    double paintMs = 0.0;                                      // mean paintGL time in those calls
};

// The best of kRepeats of the mean over kFrames calls of `step`, which returns its paintGL time.
Timing bestOf(const std::function<double(int)>& step)
{
    Timing best;
    for (int repeat = 0; repeat < kRepeats; ++repeat) {
        double paint = 0.0;
        QElapsedTimer timer;
        timer.start();
        for (int k = 0; k < kFrames; ++k)
            paint += step(k);
        const double wall = static_cast<double>(timer.nsecsElapsed()) / 1e6 / kFrames;
        if (wall < best.wallMs)
            best = {wall, paint / kFrames};
    }
    return best;
}

}   // namespace

int main(int argc, char** argv)
{
    setDefaultOpenGlFormat();
    QApplication app(argc, argv);
    const QStringList args = QApplication::arguments();
    const int pngIndex = static_cast<int>(args.indexOf(QStringLiteral("--png")));
    const QString pngDir = pngIndex > 0 && pngIndex + 1 < args.size() ? args[pngIndex + 1] : QString();

    SurfaceView view;
    view.resize(kViewSize);
    view.show();
    if (!QTest::qWaitForWindowExposed(&view)) {
        std::fprintf(stderr, "the view was never exposed (is an X server running?)\n");
        return 1;
    }
    std::printf("view %dx%d, mean of %d frames, best of %d repeats; wall = update() to frameSwapped, "
                "paint = paintGL\n",
                kViewSize.width(), kViewSize.height(), kFrames, kRepeats);
    // The fixed cost of a frame: VTK's passes, the blit into Qt's framebuffer, Qt's composition.
    const Timing empty = bestOf([&](int) { return frame(view); });
    std::printf("empty view: wall %.2f ms, paint %.2f ms\n", empty.wallMs, empty.paintMs);
    std::printf("%-8s %18s %18s %14s %26s %13s\n", "grid", "frame wall ms", "frame paint ms", "setSurface ms",
                "setSurface+frame wall ms", "offscreen ms");
    for (int n : {51, 101}) {
        const SurfaceData full = sampled(n);
        view.setSurface(full);
        frame(view);
        // A frame while the user drags: the camera moves and the widget repaints.
        const Timing frameTime = bestOf([&](int k) {
            view.setCameraPreset(k % 2 ? CameraPreset::Iso : CameraPreset::Front);
            return frame(view);
        });
        std::vector<SurfaceData> steps;
        for (int s = 0; s < kProgressiveSteps; ++s)
            steps.push_back(partial(full, s));
        const Timing update = bestOf([&](int k) {
            view.setSurface(steps[static_cast<size_t>(k % kProgressiveSteps)]);
            return 0.0;
        });
        const Timing updateFrame = bestOf([&](int k) {
            view.setSurface(steps[static_cast<size_t>(k % kProgressiveSteps)]);
            return frame(view);
        });
        QString error;
        QElapsedTimer timer;
        double offscreenMs = std::numeric_limits<double>::infinity();
        for (int repeat = 0; repeat < kRepeats; ++repeat) {
            timer.start();
            const QImage image = renderSurfaceOffscreen(full, kViewSize, ColorScale::Linear, &error);
            offscreenMs = std::min(offscreenMs, static_cast<double>(timer.nsecsElapsed()) / 1e6);
            if (image.isNull()) {
                std::fprintf(stderr, "offscreen render failed: %s\n", qPrintable(error));
                return 1;
            }
        }
        std::printf("%3dx%-4d %18.2f %18.2f %14.3f %17.2f (paint %.2f) %13.1f\n", n, n, frameTime.wallMs,
                    frameTime.paintMs, update.wallMs, updateFrame.wallMs, updateFrame.paintMs, offscreenMs);

        if (!pngDir.isEmpty() && QDir().mkpath(pngDir)) {
            view.setSurface(full);
            view.setCameraPreset(CameraPreset::Iso);
            view.renderToImage(kViewSize).save(QDir(pngDir).filePath(QStringLiteral("surface-%1-linear.png").arg(n)));
            view.renderToImage(kViewSize * 2)
                .save(QDir(pngDir).filePath(QStringLiteral("surface-%1-large.png").arg(n)));
            view.setColorScale(ColorScale::Log);
            view.renderToImage(kViewSize).save(QDir(pngDir).filePath(QStringLiteral("surface-%1-log.png").arg(n)));
            view.setColorScale(ColorScale::Linear);
            view.setSurface(steps[0]);
            view.renderToImage(kViewSize).save(QDir(pngDir).filePath(QStringLiteral("surface-%1-partial.png").arg(n)));
        }
    }
    return 0;
}
