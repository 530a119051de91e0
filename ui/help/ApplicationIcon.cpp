#include "help/ApplicationIcon.h"

#include <QString>

// A static library's resources are linked in only when something refers to them; this does.
// Q_INIT_RESOURCE declares the registering function, so it must be used outside any namespace
// (an anonymous one included).
static void registerResources() { Q_INIT_RESOURCE(minimascope); }

namespace minimascope::ui {

QIcon applicationIcon()
{
    static const bool registered = (registerResources(), true);
    Q_UNUSED(registered)
    // resources/minimascope.qrc puts the SVG at this path.
    return QIcon(QStringLiteral(":/icons/io.github.minimascope.MinimaScope.svg"));
}

}   // namespace minimascope::ui
