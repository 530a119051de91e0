#pragma once
// The application icon (packaging/icons/io.github.minimascope.MinimaScope.svg, compiled into the
// program as a Qt resource), drawn at any size by Qt's SVG icon engine (libqt6svg6, which the
// program links anyway). GUI thread only.
#include <QIcon>

namespace minimascope::ui {

QIcon applicationIcon();

}   // namespace minimascope::ui
