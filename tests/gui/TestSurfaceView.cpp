// The 3D panel under a real X server (xvfb-run): the VTK scene built from closed-form surfaces,
// pixels of the widget and of the offscreen renderer, progressive updates and the camera.
// Set MINIMASCOPE_SCREENSHOT_DIR to keep the rendered images for a look.
#include "OffscreenSurfaceRenderer.h"
#include "SurfaceFill.h"
#include "OpenGlFormat.h"
#include "SurfaceScene.h"
#include "SurfaceView.h"
#include "support/TestSuite.h"

#include <QApplication>
#include <QDir>
#include <QMouseEvent>
#include <QRegularExpression>
#include <QTest>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

using namespace minimascope::ui;

namespace {

// A pixel differs from the background when a channel is off by more than this (antialiased
// text edges and dithering stay below it).
constexpr int kBackgroundTolerance = 12;
// A surface seen in the Iso preset covers well over this share of the view; an empty view none.
constexpr double kMinCoveredFraction = 0.15;
// Colored (non-grey) pixels: the viridis surface covers well over this; the axes and text are grey.
constexpr double kMinColoredFraction = 0.10;
// One step of the 256-entry lookup table.
constexpr double kColorStep = 1.0 / 255.0;
// Filling a coarse lattice of a plane is exact up to rounding.
constexpr double kFillTolerance = 1e-12;
constexpr double kCameraTolerance = 1e-12;

std::vector<double> linspace(double a, double b, int n)
{
    std::vector<double> v(static_cast<size_t>(n));
    for (int k = 0; k < n; ++k)
        v[static_cast<size_t>(k)] = a + (b - a) * k / (n - 1);
    return v;
}

SurfaceData sampled(int nx, int ny, const std::function<double(double, double)>& f)
{
    SurfaceData data;
    data.xs = linspace(-1.0, 1.0, nx);
    data.ys = linspace(-1.0, 1.0, ny);
    for (double y : data.ys)
        for (double x : data.xs)
            data.values.push_back(f(x, y));
    return data;
}

// Minimum 0.1 at (0.2, -0.4), a grid point of the 41-point and 51-point grids on [-1, 1].
double paraboloid(double x, double y) { return (x - 0.2) * (x - 0.2) + 2.0 * (y + 0.4) * (y + 0.4) + 0.1; }

// Only every `stride`-th row and column computed, as the coarse pass of a progressive surface.
SurfaceData coarse(SurfaceData data, int stride)
{
    for (int j = 0; j < data.ny(); ++j)
        for (int i = 0; i < data.nx(); ++i)
            if (i % stride != 0 || j % stride != 0)
                data.values[static_cast<size_t>(j * data.nx() + i)] = std::numeric_limits<double>::quiet_NaN();
    return data;
}

struct PixelShares {
    double covered = 0.0;   // differs from the background
    double colored = 0.0;   // clearly not grey
};

PixelShares pixelShares(const QImage& image, const QColor& background)
{
    qint64 covered = 0;
    qint64 colored = 0;
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x) {
            const QColor c = image.pixelColor(x, y);
            if (std::abs(c.red() - background.red()) > kBackgroundTolerance
                || std::abs(c.green() - background.green()) > kBackgroundTolerance
                || std::abs(c.blue() - background.blue()) > kBackgroundTolerance)
                ++covered;
            const int spread = std::max({c.red(), c.green(), c.blue()}) - std::min({c.red(), c.green(), c.blue()});
            if (spread > 40)
                ++colored;
        }
    }
    const double total = static_cast<double>(image.width()) * image.height();
    return {covered / total, colored / total};
}

void keep(const QImage& image, const QString& name)
{
    const QString dir = qEnvironmentVariable("MINIMASCOPE_SCREENSHOT_DIR");
    if (!dir.isEmpty() && QDir().mkpath(dir))
        image.save(QDir(dir).filePath(name));
}

bool sameCamera(const CameraState& a, const CameraState& b)
{
    for (int k = 0; k < 3; ++k) {
        if (std::abs(a.position[k] - b.position[k]) > kCameraTolerance
            || std::abs(a.focalPoint[k] - b.focalPoint[k]) > kCameraTolerance
            || std::abs(a.viewUp[k] - b.viewUp[k]) > kCameraTolerance)
            return false;
    }
    return std::abs(a.viewAngle - b.viewAngle) <= kCameraTolerance;
}

double distance(const CameraState& camera)
{
    double squared = 0.0;
    for (int k = 0; k < 3; ++k)
        squared += (camera.position[k] - camera.focalPoint[k]) * (camera.position[k] - camera.focalPoint[k]);
    return std::sqrt(squared);
}

void drag(QWidget* widget, QPoint from, QPoint to)
{
    QMouseEvent press(QEvent::MouseButtonPress, from, widget->mapToGlobal(from), Qt::LeftButton, Qt::LeftButton,
                      Qt::NoModifier);
    QApplication::sendEvent(widget, &press);
    for (int step = 1; step <= 5; ++step) {
        const QPoint p = from + (to - from) * step / 5;
        QMouseEvent move(QEvent::MouseMove, p, widget->mapToGlobal(p), Qt::NoButton, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(widget, &move);
    }
    QMouseEvent release(QEvent::MouseButtonRelease, to, widget->mapToGlobal(to), Qt::LeftButton, Qt::NoButton,
                        Qt::NoModifier);
    QApplication::sendEvent(widget, &release);
}

}   // namespace

class TestSurfaceView : public QObject {
    Q_OBJECT
public:
    // The VTK panel's OpenGL format must be the default before the application exists.
    static void initMain() { setDefaultOpenGlFormat(); }

private Q_SLOTS:
    void fillOfCoarseLatticeIsBilinear();
    void emptyViewShowsOnlyBackground();
    void invalidOrUncomputedSurfaceDrawsNothing();
    void paraboloidRendersAndMarksMinimizer();
    void renderToImageHasRequestedSize();
    void logScaleMapsRangeGeometrically();
    void trajectoryLiesOnSurface();
    void progressiveUpdateKeepsCamera();
    void hiddenViewRendersToImage();
    void darkColorsApply();
    void viewSurvivesMovingToAnotherWindow();
    void offscreenRendererDrawsSurface();
    void offscreenRendererWithoutXServerSaysSo();
};

void TestSurfaceView::fillOfCoarseLatticeIsBilinear()
{
    const auto plane = [](double x, double y) { return 2.0 * x - 3.0 * y + 1.0; };
    const SurfaceData full = sampled(21, 17, plane);
    const std::vector<double> filled = fillMissingValues(coarse(full, 4));
    QCOMPARE(filled.size(), full.values.size());
    // Rows 0, 4, .., 16 and columns 0, 4, .., 20 are computed: inside them bilinear
    // interpolation of a plane is the plane itself.
    for (size_t k = 0; k < filled.size(); ++k)
        QVERIFY2(std::abs(filled[k] - full.values[k]) < kFillTolerance, qPrintable(QString::number(k)));

    // Beyond the last computed column (17 of 0..18 with stride 4 leaves 17, 18) values are constant.
    const SurfaceData edge = sampled(19, 5, plane);
    const std::vector<double> edgeFilled = fillMissingValues(coarse(edge, 4));
    QCOMPARE(edgeFilled[18], edge.at(16, 0));

    // An infinite (diverged) value is drawn at the top of the finite range, and the scene
    // neither counts it as the minimizer nor stretches its color range to it.
    SurfaceData diverged = sampled(5, 5, plane);
    diverged.values[3] = std::numeric_limits<double>::infinity();
    diverged.values[21] = -std::numeric_limits<double>::infinity();
    const std::vector<double> clamped = fillMissingValues(diverged);
    const double highest = plane(1.0, -1.0);
    const double lowest = plane(-1.0, 1.0);
    QCOMPARE(clamped[3], highest);
    QCOMPARE(clamped[21], lowest);
    SurfaceScene scene;
    diverged.values[21] = 0.5;
    scene.setSurface(diverged);
    QCOMPARE(scene.colorRange()[1], highest);
    QCOMPARE(*scene.minimizerIndex(), QPoint(0, 4));
}

void TestSurfaceView::emptyViewShowsOnlyBackground()
{
    SurfaceView view;
    view.resize(320, 240);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QVERIFY(!view.hasSurface());
    const PixelShares shares = pixelShares(view.grabFramebuffer(), Qt::white);
    QCOMPARE(shares.covered, 0.0);
}

void TestSurfaceView::invalidOrUncomputedSurfaceDrawsNothing()
{
    SurfaceScene scene;
    scene.setSurface(sampled(5, 5, paraboloid));
    QVERIFY(scene.hasSurface());

    SurfaceData wrongSize = sampled(5, 5, paraboloid);
    wrongSize.values.pop_back();
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("SurfaceScene: a surface needs")));
    scene.setSurface(wrongSize);
    QVERIFY(!scene.hasSurface());

    SurfaceData descending = sampled(5, 5, paraboloid);
    std::reverse(descending.xs.begin(), descending.xs.end());
    QVERIFY(!descending.isValid());

    // Nothing computed yet: no surface, no minimizer, until the first value arrives.
    SurfaceData pending = sampled(5, 5, paraboloid);
    std::fill(pending.values.begin(), pending.values.end(), std::numeric_limits<double>::quiet_NaN());
    scene.setSurface(pending);
    QVERIFY(!scene.hasSurface());
    QVERIFY(!scene.minimizerIndex().has_value());
    pending.values[7] = 3.0;
    scene.setSurface(pending);
    QVERIFY(scene.hasSurface());
    QCOMPARE(*scene.minimizerIndex(), QPoint(2, 1));
}

void TestSurfaceView::paraboloidRendersAndMarksMinimizer()
{
    SurfaceView view;
    view.resize(480, 360);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.setSurface(sampled(41, 41, paraboloid));
    QVERIFY(view.hasSurface());

    const QImage image = view.grabFramebuffer();
    keep(image, "paraboloid-widget.png");
    const PixelShares shares = pixelShares(image, Qt::white);
    QVERIFY2(shares.covered > kMinCoveredFraction, qPrintable(QString::number(shares.covered)));
    QVERIFY2(shares.colored > kMinColoredFraction, qPrintable(QString::number(shares.colored)));

    // x = 0.2 is index 24 of 41 points on [-1, 1]; y = -0.4 is index 12.
    const std::optional<QPoint> minimizer = view.scene().minimizerIndex();
    QVERIFY(minimizer.has_value());
    QCOMPARE(*minimizer, QPoint(24, 12));
    const std::array<double, 3> marker = view.scene().minimizerPosition();
    QVERIFY(std::abs(marker[0] - 0.2) < kFillTolerance);
    QVERIFY(std::abs(marker[1] + 0.4) < kFillTolerance);
    QCOMPARE(marker[2], view.scene().sceneHeight(0.1));
    // The lowest value is the bottom of the relief and of the color range.
    QCOMPARE(view.scene().sceneHeight(0.1), 0.0);
    QCOMPARE(view.scene().colorRange()[0], paraboloid(0.2, -0.4));
    QCOMPARE(view.scene().colorRange()[1], paraboloid(-1.0, 1.0));

    view.setContoursVisible(false);
    const PixelShares withoutContours = pixelShares(view.grabFramebuffer(), Qt::white);
    QVERIFY(withoutContours.covered > kMinCoveredFraction);
}

void TestSurfaceView::renderToImageHasRequestedSize()
{
    SurfaceView view;
    view.resize(300, 200);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.setSurface(sampled(31, 31, paraboloid));
    const QImage before = view.grabFramebuffer();
    for (const QSize size : {QSize(321, 123), QSize(1600, 1200)}) {
        const QImage image = view.renderToImage(size);
        QCOMPARE(image.size(), size);
        const PixelShares shares = pixelShares(image, Qt::white);
        QVERIFY2(shares.covered > kMinCoveredFraction / 2, qPrintable(QString::number(shares.covered)));
        keep(image, QStringLiteral("paraboloid-%1x%2.png").arg(size.width()).arg(size.height()));
    }
    QVERIFY(view.renderToImage(QSize(0, 10)).isNull());
    // The view itself is as it was: same size, same text and line sizes, same pixels.
    const QImage after = view.grabFramebuffer();
    QCOMPARE(after.size(), view.size() * view.devicePixelRatioF());
    QVERIFY(after == before);
}

void TestSurfaceView::logScaleMapsRangeGeometrically()
{
    // Values 10^(1.5 x - 0.5): from 0.01 at x = -1 to 10 at x = 1.
    const SurfaceData data = sampled(21, 5, [](double x, double) { return std::pow(10.0, 1.5 * x - 0.5); });
    SurfaceScene scene;
    scene.setSurface(data);
    scene.setColorScale(ColorScale::Log);
    QVERIFY(std::abs(scene.colorRange()[0] - 0.01) < 1e-15);
    QVERIFY(std::abs(scene.colorRange()[1] - 10.0) < 1e-12);
    const double geometricMean = std::sqrt(0.01 * 10.0);
    QVERIFY(std::abs(scene.colorFraction(geometricMean) - 0.5) <= kColorStep);
    QVERIFY(std::abs(scene.colorFraction(0.1) - 1.0 / 3.0) <= kColorStep);
    // Log contour levels are evenly spaced in log10: a constant ratio.
    const std::vector<double> levels = scene.contourValues();
    QVERIFY(levels.size() >= 3);
    const double ratio = levels[1] / levels[0];
    for (size_t k = 1; k < levels.size(); ++k)
        QVERIFY(std::abs(levels[k] / levels[k - 1] - ratio) < 1e-9);
    // Heights follow log10 too: the geometric mean sits halfway up.
    QVERIFY(std::abs(scene.sceneHeight(geometricMean) - scene.sceneHeight(10.0) / 2) < 1e-12);

    scene.setColorScale(ColorScale::Linear);
    QVERIFY(std::abs(scene.colorFraction(geometricMean) - (geometricMean - 0.01) / (10.0 - 0.01)) <= kColorStep);

    // Values <= 0 cannot be on a log scale: the range starts at the smallest positive value.
    SurfaceScene withZero;
    withZero.setColorScale(ColorScale::Log);
    withZero.setSurface(sampled(5, 5, [](double x, double y) { return x * x + y * y; }));
    QCOMPARE(withZero.colorRange()[0], 0.25);   // (0.5, 0): the nearest grid point to the zero at the center
    QCOMPARE(withZero.colorRange()[1], 2.0);
}

void TestSurfaceView::trajectoryLiesOnSurface()
{
    const auto plane = [](double x, double y) { return 1.0 + 0.5 * x + 0.25 * y; };
    SurfaceData data = sampled(11, 11, plane);
    data.trajectory = {QPointF(-0.83, 0.71), QPointF(-0.2, 0.05), QPointF(0.37, -0.44)};
    SurfaceScene scene;
    scene.setSurface(data);
    const auto points = scene.trajectoryPoints();
    QCOMPARE(points.size(), data.trajectory.size());
    // Bilinear interpolation reproduces a plane; the line floats just above the surface,
    // by less than 1% of the grid's side (2).
    for (size_t k = 0; k < points.size(); ++k) {
        const double surfaceZ = scene.sceneHeight(plane(points[k][0], points[k][1]));
        QVERIFY(points[k][2] > surfaceZ);
        QVERIFY(points[k][2] - surfaceZ < 0.02);
    }
}

void TestSurfaceView::progressiveUpdateKeepsCamera()
{
    SurfaceView view;
    view.resize(400, 300);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    const SurfaceData full = sampled(51, 51, paraboloid);
    const SurfaceData preview = coarse(full, 7);

    view.setSurface(preview);
    QVERIFY(view.hasSurface());
    // The minimum (0.2, -0.4) is grid point (30, 15), not on the stride-7 lattice: the lowest
    // computed point is the lattice point (28, 14) = (0.12, -0.44).
    QCOMPARE(*view.scene().minimizerIndex(), QPoint(28, 14));
    keep(view.grabFramebuffer(), "progressive-coarse.png");

    const CameraState preset = view.scene().cameraState();
    drag(&view, QPoint(200, 150), QPoint(260, 120));
    const CameraState dragged = view.scene().cameraState();
    QVERIFY2(!sameCamera(preset, dragged), "a drag should rotate the camera");
    // The wheel forward moves the camera toward the focal point.
    QWheelEvent wheel(QPointF(200, 150), view.mapToGlobal(QPointF(200, 150)), QPoint(), QPoint(0, 120), Qt::NoButton,
                      Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(&view, &wheel);
    const CameraState rotated = view.scene().cameraState();
    QVERIFY(distance(rotated) < distance(dragged));

    view.setSurface(full);
    QCOMPARE(*view.scene().minimizerIndex(), QPoint(30, 15));
    QVERIFY(sameCamera(view.scene().cameraState(), rotated));
    const QImage image = view.grabFramebuffer();
    keep(image, "progressive-full.png");
    // Seen from the rotated side the surface covers less of the view.
    QVERIFY(pixelShares(image, Qt::white).covered > kMinCoveredFraction / 2);

    // A preset moves the camera again.
    view.setCameraPreset(CameraPreset::Top);
    QVERIFY(!sameCamera(view.scene().cameraState(), rotated));
    keep(view.grabFramebuffer(), "progressive-top.png");
}

void TestSurfaceView::hiddenViewRendersToImage()
{
    // Export from a dock that was never shown.
    SurfaceView view;
    view.resize(300, 200);
    view.setSurface(sampled(21, 21, paraboloid));
    const QImage image = view.renderToImage(QSize(400, 300));
    QCOMPARE(image.size(), QSize(400, 300));
    QVERIFY(pixelShares(image, Qt::white).covered > kMinCoveredFraction);
}

void TestSurfaceView::darkColorsApply()
{
    const QColor background(30, 32, 36);
    SurfaceView view;
    view.resize(360, 260);   // about the smallest the dock allows
    view.setColors(background, QColor(220, 220, 220));
    SurfaceData data = sampled(31, 31, paraboloid);
    data.trajectory = {QPointF(-0.8, 0.8), QPointF(-0.3, 0.2), QPointF(0.2, -0.4)};
    view.setSurface(data);
    const QImage image = view.renderToImage(QSize(360, 260));
    keep(image, "dark-small.png");
    QCOMPARE(image.pixelColor(2, 2), background);
    QVERIFY(pixelShares(image, background).covered > kMinCoveredFraction);
    QCOMPARE(pixelShares(image, Qt::white).covered, 1.0);
}

void TestSurfaceView::viewSurvivesMovingToAnotherWindow()
{
    // A dock floated or docked again: Qt gives the widget a new OpenGL context.
    QWidget first;
    first.resize(360, 280);
    auto* view = new SurfaceView(&first);
    view->resize(360, 280);
    first.show();
    QVERIFY(QTest::qWaitForWindowExposed(&first));
    view->setSurface(sampled(21, 21, paraboloid));
    QVERIFY(pixelShares(view->grabFramebuffer(), Qt::white).covered > kMinCoveredFraction);

    QWidget second;
    second.resize(360, 280);
    view->setParent(&second);
    view->show();
    second.show();
    QVERIFY(QTest::qWaitForWindowExposed(&second));
    const QImage image = view->grabFramebuffer();
    keep(image, "reparented.png");
    QVERIFY(pixelShares(image, Qt::white).covered > kMinCoveredFraction);
    QCOMPARE(view->renderToImage(QSize(200, 150)).size(), QSize(200, 150));
}

void TestSurfaceView::offscreenRendererDrawsSurface()
{
    SurfaceData data = sampled(51, 51, paraboloid);
    for (int k = 0; k <= 20; ++k)
        data.trajectory.push_back(QPointF(-0.9 + 0.06 * k, 0.8 - 0.06 * k));
    QString error;
    const QImage image = renderSurfaceOffscreen(data, QSize(640, 480), ColorScale::Linear, &error);
    QVERIFY2(!image.isNull(), qPrintable(error));
    QCOMPARE(image.size(), QSize(640, 480));
    keep(image, "offscreen.png");
    const PixelShares shares = pixelShares(image, Qt::white);
    QVERIFY2(shares.covered > kMinCoveredFraction, qPrintable(QString::number(shares.covered)));
    QVERIFY2(shares.colored > kMinColoredFraction, qPrintable(QString::number(shares.colored)));

    QVERIFY(renderSurfaceOffscreen(data, QSize(0, 480), ColorScale::Linear, &error).isNull());
    QVERIFY(error.contains(QStringLiteral("size")));
}

void TestSurfaceView::offscreenRendererWithoutXServerSaysSo()
{
    // The running QApplication keeps its own X connection; only the renderer's check is affected.
    const QByteArray display = qgetenv("DISPLAY");
    const SurfaceData data = sampled(5, 5, paraboloid);
    QString error;
    qunsetenv("DISPLAY");
    const QImage unset = renderSurfaceOffscreen(data, QSize(100, 100), ColorScale::Linear, &error);
    const QString unsetError = error;
    qputenv("DISPLAY", ":4242");   // no server listens there
    const QImage unreachable = renderSurfaceOffscreen(data, QSize(100, 100), ColorScale::Linear, &error);
    qputenv("DISPLAY", display);
    QVERIFY(unset.isNull());
    QVERIFY2(unsetError.contains(QStringLiteral("needs an X server")), qPrintable(unsetError));
    QVERIFY(unreachable.isNull());
    QVERIFY2(error.contains(QStringLiteral("needs an X server")) && error.contains(QStringLiteral(":4242")),
             qPrintable(error));
}

MINIMASCOPE_TEST_WIDGETS(TestSurfaceView)

#include "TestSurfaceView.moc"
