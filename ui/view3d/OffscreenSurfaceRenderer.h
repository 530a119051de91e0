#pragma once
// Headless export of the 3D view: the same scene as SurfaceView, rendered in an offscreen VTK
// window without any widget (minimascope-cli). Needs an X server (Debian's VTK is X11-only):
// without one it returns a null image and says so in *error instead of letting VTK abort.
// GUI (main) thread only; takes about as long as one frame of the widget.
#include "SurfaceData.h"

#include <QImage>
#include <QSize>
#include <QString>

namespace minimascope::ui {

// Null image and *error set when there is no X server, no computed value, or size is not in
// 1..kMaxOffscreenSide on each side.
QImage renderSurfaceOffscreen(const SurfaceData& data, const QSize& size, ColorScale scale, QString* error,
                              CameraPreset preset = CameraPreset::Iso);

inline constexpr int kMaxOffscreenSide = 8192;

}   // namespace minimascope::ui
