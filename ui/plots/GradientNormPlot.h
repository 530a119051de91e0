#pragma once
// The gradient norm |∇L(θ)| over the training set against iteration (schedule.gradient_norm), as
// `minimascope-cli figures` and the main window draw it: one curve on a log axis. GUI thread only.
#include <vector>

namespace minimascope::ui {

class CurvesPlot;

// Sets up `plot` (empty) and adds the curve when any norm is finite (NaN = not measured); false,
// and nothing drawn, when none is. Later evaluations go on with plot.appendPoint(0, x, y).
bool fillGradientNorm(const std::vector<double>& iterations, const std::vector<double>& norms, CurvesPlot& plot);

}   // namespace minimascope::ui
