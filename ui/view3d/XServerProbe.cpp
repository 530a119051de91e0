#include "XServerProbe.h"

#include <cstdlib>

// Xlib last: it defines macros (None, Bool, Status) that clash with other headers.
#include <X11/Xlib.h>

namespace minimascope::ui {

bool xServerAvailable(QString* why)
{
    const char* name = std::getenv("DISPLAY");
    if (name == nullptr || *name == '\0') {
        if (why)
            *why = QStringLiteral("DISPLAY is not set");
        return false;
    }
    Display* display = XOpenDisplay(name);
    if (display == nullptr) {
        if (why)
            *why = QStringLiteral("cannot open display \"%1\"").arg(QString::fromLocal8Bit(name));
        return false;
    }
    XCloseDisplay(display);
    return true;
}

}   // namespace minimascope::ui
