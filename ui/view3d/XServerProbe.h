#pragma once
// Whether an X server answers: Debian's VTK renders through GLX only, and a failed X connection
// aborts inside VTK, so callers check first.
#include <QString>

namespace minimascope::ui {

// True when DISPLAY is set and the display opens; otherwise false with the reason in *why.
bool xServerAvailable(QString* why);

}   // namespace minimascope::ui
