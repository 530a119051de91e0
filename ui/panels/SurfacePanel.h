#pragma once
// The 3D panel: the loss surface around the last run's parameters (SurfaceView) under a row of
// controls: compute, the plane (random filter-normalized directions, the top-eigenvector plane
// or the PCA plane of the run's trajectory), grid size and range, color scale, contours and
// camera. It only asks (computeRequested); the window runs the request on the worker and feeds
// setSurface() as the surface fills in.
// The SurfaceView is created the first time the panel is shown or given a surface: a
// QOpenGLWidget anywhere in a window makes Qt compose that whole window through OpenGL, which
// costs tens of milliseconds a repaint with software rendering (Xvfb, remote desktops), so a
// session that never opens the 3D panel keeps plain raster painting.
// GUI thread only.
#include "workers/WorkerTypes.h"

#include <QColor>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSpinBox;
class QVBoxLayout;

namespace minimascope::ui {

class SurfaceView;

class SurfacePanel : public QWidget {
    Q_OBJECT
public:
    explicit SurfacePanel(QWidget* parent = nullptr);

    // Creates the view if needed.
    SurfaceView* surfaceView();
    bool hasView() const { return m_view != nullptr; }
    // The request the controls describe (job id left for the caller).
    LandscapeRequest request() const;
    void setDirections(SurfaceDirections directions);
    // The centre of the next surface: a kept snapshot's iteration, or -1 for the end of the run.
    void setCentreIteration(qint64 iteration);
    qint64 centreIteration() const { return m_centreIteration; }
    void setComputeEnabled(bool enabled);
    void setSurface(const SurfaceData& surface);
    // The surface last shown (empty before the first one), e.g. for exporting its numbers.
    const SurfaceData& surface() const { return m_surfaceData; }
    void setColors(const QColor& background, const QColor& foreground);

protected:
    void showEvent(QShowEvent* event) override;

Q_SIGNALS:
    void computeRequested(const minimascope::ui::LandscapeRequest& request);

private:
    SurfaceView* m_view = nullptr;
    QVBoxLayout* m_layout = nullptr;
    QColor m_background;
    QColor m_foreground;
    QComboBox* m_scale = nullptr;
    QCheckBox* m_contours = nullptr;
    QComboBox* m_camera = nullptr;
    QPushButton* m_compute = nullptr;
    QComboBox* m_directions = nullptr;
    QSpinBox* m_resolution = nullptr;
    QDoubleSpinBox* m_range = nullptr;
    QLabel* m_centre = nullptr;
    qint64 m_centreIteration = -1;
    SurfaceData m_surfaceData;
};

}   // namespace minimascope::ui
