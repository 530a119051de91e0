#pragma once
// The window's light and dark themes: a Fusion palette for the widgets and the matching
// PlotTheme for the 2D plots, so that both switch together. GUI thread only.
#include "PlotTheme.h"

namespace minimascope::ui {

enum class ThemeKind { Light, Dark };

// Applies the palette to the whole application and returns the plots' colors.
PlotTheme applyAppTheme(ThemeKind kind);

}   // namespace minimascope::ui
