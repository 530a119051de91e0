#pragma once
// The 3D panel: the loss surface around the last run's parameters (SurfaceView) under a row of
// controls: compute, random filter-normalized directions or the top-eigenvector plane, grid
// size and range, color scale, contours and camera. It only asks (computeRequested); the
// window runs the request on the worker and feeds setSurface() as the surface fills in.
// GUI thread only.
#include "workers/WorkerTypes.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QPushButton;
class QSpinBox;

namespace minimascope::ui {

class SurfaceView;

class SurfacePanel : public QWidget {
    Q_OBJECT
public:
    explicit SurfacePanel(QWidget* parent = nullptr);

    SurfaceView* surfaceView() const { return m_view; }
    // The request the controls describe (job id left for the caller).
    LandscapeRequest request() const;
    void setComputeEnabled(bool enabled);
    void setSurface(const SurfaceData& surface);
    void setColors(const QColor& background, const QColor& foreground);

Q_SIGNALS:
    void computeRequested(const minimascope::ui::LandscapeRequest& request);

private:
    SurfaceView* m_view = nullptr;
    QPushButton* m_compute = nullptr;
    QCheckBox* m_topEigenvectors = nullptr;
    QSpinBox* m_resolution = nullptr;
    QDoubleSpinBox* m_range = nullptr;
};

} // namespace minimascope::ui
