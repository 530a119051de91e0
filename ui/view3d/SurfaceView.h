#pragma once
// The 3D loss-surface panel: a warped, colored surface with a scalar bar, contour lines, axes,
// the minimizer marked and a projected trajectory, rendered by VTK into a Qt6 QOpenGLWidget.
// Left drag rotates, right drag or wheel zooms, middle or shift+left drag pans.
// GUI thread only. Needs an X server (Debian's VTK is X11-only); Qt's offscreen platform
// cannot host a QOpenGLWidget. Call setDefaultOpenGlFormat() (OpenGlFormat.h) before QApplication.
#include "SurfaceData.h"

#include <QImage>
#include <QOpenGLWidget>

#include <memory>

namespace minimascope::ui {

class SurfaceScene;

class SurfaceView : public QOpenGLWidget {
    Q_OBJECT
public:
    explicit SurfaceView(QWidget* parent = nullptr);
    ~SurfaceView() override;

    // Replaces what is drawn; progressive updates call it again with more points filled in
    // (NaN = not computed yet: drawn interpolated from the computed points). The camera stays
    // where the user left it while the grid's extent is unchanged.
    void setSurface(const SurfaceData& data);
    bool hasSurface() const;
    void setColorScale(ColorScale scale);
    void setContoursVisible(bool visible);
    void setCameraPreset(CameraPreset preset);
    void setColors(const QColor& background, const QColor& foreground);

    // The current view rendered at `size` pixels (PNG export); null image on failure
    // (no OpenGL context, or a side outside 1..8192).
    QImage renderToImage(const QSize& size);

    // Read-outs of what is drawn (tests, status text).
    const SurfaceScene& scene() const;
    // Wall time of the last paintGL (VTK's render and the copy into Qt's framebuffer), in ms:
    // the GUI thread's cost of a frame, for responsiveness probes.
    double lastPaintMs() const;

    QSize sizeHint() const override;

protected:
    void initializeGL() override;
    void resizeGL(int w, int h) override;
    void paintGL() override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;

private:
    void releaseGraphics();

    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}   // namespace minimascope::ui
