#pragma once
// Reads what a VTK render window last rendered into a QImage (top row first). GUI thread only;
// the window's OpenGL context must be current or makeable current.
#include <QImage>

class vtkRenderWindow;

namespace minimascope::ui {

// Null image when the window has no pixels to give.
QImage renderWindowImage(vtkRenderWindow* window);

}   // namespace minimascope::ui
