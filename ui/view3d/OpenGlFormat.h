#pragma once
// The OpenGL format VTK needs inside a QOpenGLWidget: 3.2 core profile, depth 24, RGBA8, double
// buffer, no multisampling (VTK's own framebuffers do the work). Call before QApplication exists.

namespace minimascope::ui {

void setDefaultOpenGlFormat();

}   // namespace minimascope::ui
