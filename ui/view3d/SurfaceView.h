#pragma once
// The 3D loss-surface panel: a warped, colored surface with a scalar bar, contour lines, axes,
// the minimizer marked and a projected trajectory, rendered by VTK into a Qt6 QOpenGLWidget.
// GUI thread only. Needs an X server (Debian's VTK is X11-only); Qt's offscreen platform
// cannot host a QOpenGLWidget.
#include "SurfaceData.h"

#include <QImage>
#include <QOpenGLWidget>

#include <memory>

namespace minimascope::ui {

enum class ColorScale { Linear, Log };
enum class CameraPreset { Iso, Top, Front, Side };

class SurfaceView : public QOpenGLWidget {
    Q_OBJECT
public:
    explicit SurfaceView(QWidget* parent = nullptr);
    ~SurfaceView() override;

    // Replaces what is drawn; progressive updates call it again with more points filled in.
    void setSurface(const SurfaceData& data);
    bool hasSurface() const;
    void setColorScale(ColorScale scale);
    void setContoursVisible(bool visible);
    void setCameraPreset(CameraPreset preset);

    // The current view rendered at `size` pixels (PNG export); null image on failure.
    QImage renderToImage(const QSize& size);

protected:
    void initializeGL() override;
    void resizeGL(int w, int h) override;
    void paintGL() override;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace minimascope::ui
