#pragma once
// The same 1D loss curve of several runs on one figure, e.g. Im, Tao & Branson's re-runs from
// different initializations with and without BatchNorm: each run's `landscape` curve (alpha theta,
// the interpolation from its initial to its final weights, any other 1D landscape) as a named
// curve of one CurvesPlot, as `minimascope-cli figures --overlay` draws it. Plain data in, no
// torch, no files (the CLI reads each run's PREFIX.vts). GUI thread only.
#include <QString>

#include <string>
#include <vector>

namespace minimascope::ui {

class CurvesPlot;

// One run's curve: the legend label, the landscape's direction kind as its sidecar names it
// ("scale", "interpolate", ...; empty when unknown), and the loss at each alpha.
struct RunCurve {
    QString label;
    std::string directions;
    std::vector<double> alphas, losses;
};

// Adds the curves, in the order given, to `plot` (which should be empty) on a log loss axis; the
// title and the alpha axis say what alpha is when every curve has the same direction kind. False,
// and nothing drawn, when there are no curves.
bool fillRunCurves(const std::vector<RunCurve>& curves, CurvesPlot& plot);

}   // namespace minimascope::ui
