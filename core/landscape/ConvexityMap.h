#pragma once
// Li et al.'s local convexity map: |lambda_min / lambda_max| of the full Hessian at the points of
// a (coarse) grid in a plane of parameter space. Near 0 the surface is convex-looking there;
// large values mean strong negative curvature that a 2D picture hides.
// Each point costs two Lanczos solves (largest and smallest eigenvalue) on the curvature
// engine's exact H product, so grids of 5x5 to 11x11 are the useful sizes.
// Not thread-safe (uses the network). Cancel: checked before every H product; points not done
// stay NaN and the status is Cancelled. The parameters hold their original values on return.
// Errors: as evaluateSurface (InputError for mismatched vectors).
#include "landscape/LossSurface.h"

namespace minimascope::core {

struct ConvexityGrid {
    std::vector<double> xs, ys;                        // as LandscapeGrid
    std::vector<double> ratio, lambdaMin, lambdaMax;   // row-major [ys.size()][xs.size()], NaN = not computed

    size_t index(size_t i, size_t j) const { return j * xs.size() + i; }
};

// Uses the plane, ranges and resolution of `request` (not its progressive/threads fields).
// `tolerance`: each eigenvalue certified to |H v - lambda v| <= tolerance |lambda|.
RunStatus convexityMap(Network& network, FlatParameters& parameters, const Dataset& data, const SurfaceRequest& request,
                       ConvexityGrid& out, double tolerance = 1e-2, const CancelToken* cancel = nullptr);

}   // namespace minimascope::core
