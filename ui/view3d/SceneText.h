#pragma once
// How the 3D panel's text looks: the foreground color, no shadow, and a font with Greek letters
// (the axes are α and β; VTK's built-in fonts have none) when the system has one.
class vtkTextProperty;

namespace minimascope::ui {

void styleSceneText(vtkTextProperty* text, const double color[3]);

}   // namespace minimascope::ui
