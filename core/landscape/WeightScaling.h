#pragma once
// Im, Tao & Branson (2016)'s 1D curve along the weight vector itself, L(alpha theta): alpha
// multiplies the whole flat parameter vector (alpha = 1 is theta, alpha = 0 every parameter
// zero). How wide a range of alpha keeps the training loss low is the size of the basin in this
// projected space; the same Delta alpha moves a larger |theta| further (their remark), so runs are
// compared together with their norms. BatchNorm's running statistics are buffers, not parameters:
// they are not scaled (evaluate with BatchNorm recomputation to follow the scaled weights).
// Pure function of its arguments (flat vectors laid out like FlatParameters::values()).
// Errors: an undefined theta, fewer than 2 points or an empty range throw InputError.
#include "landscape/LossSurface.h"

#include <cstddef>
#include <vector>

namespace minimascope::core {

// The default alpha range: from the origin of weight space to twice the solution.
inline constexpr double kWeightScaleMin = 0.0;
inline constexpr double kWeightScaleMax = 2.0;

// A curve request for evaluateSurface: origin 0 and direction1 = theta, so that the point alpha
// is alpha theta, n points from alphaMin to alphaMax.
SurfaceRequest weightScaleRequest(const at::Tensor& theta, int64_t n, double alphaMin = kWeightScaleMin,
                                  double alphaMax = kWeightScaleMax);

// The index of the lowest loss of a curve (its basin's bottom along alpha), NaN (not computed)
// skipped; losses.size() when there is none.
size_t lowestPoint(const std::vector<double>& losses);

}   // namespace minimascope::core
