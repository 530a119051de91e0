#pragma once
// The plane of a training trajectory (Li et al. 2018, section 7): the first two principal
// components of the snapshots' offsets from the final parameters, the fraction of the variance
// each explains, and every snapshot's coordinates in that plane.
// Computed through the k x k Gram matrix of the snapshots in double precision (k snapshots,
// P parameters: O(k^2 P) time, no P x P matrix). Pure function: thread-safe.
// Errors: fewer than 2 snapshots, or vectors of different sizes, throw InputError.
#include <ATen/core/Tensor.h>

#include <array>
#include <vector>

namespace minimascope::core {

struct TrajectoryPca {
    // Unit-norm principal directions (dtype of the snapshots). With a surface centred on `origin`
    // along them, the coordinates below are the surface coordinates (alpha, beta).
    at::Tensor direction1, direction2;
    // Fractions of the variance of the centred offsets explained by each direction, in [0, 1].
    double explained1 = 0.0, explained2 = 0.0;
    // For each snapshot i: (<s_i - origin, direction1>, <s_i - origin, direction2>).
    std::vector<std::array<double, 2>> projected;
};

// `snapshots`: flat parameter vectors in training order; `origin`: the final parameters (the
// centre of the picture). The principal directions are those of the offsets s_i - origin after
// centring (as sklearn's PCA in Li et al.'s code); each direction's sign is chosen so that the
// first snapshot has a non-positive coordinate (it lies "behind" the end of training).
// A trajectory that spans only a line gets an arbitrary unit direction2 orthogonal to
// direction1, with explained2 = 0.
TrajectoryPca trajectoryPca(const std::vector<at::Tensor>& snapshots, const at::Tensor& origin);

// The range of the trajectory plane's surface, {xMin, xMax, yMin, yMax}, one rule for the app and
// the CLI: symmetric about the centre (an odd grid has the final parameters at its middle),
// covering the projected path with a 25 % margin, the shorter axis at least a quarter of the
// longer (a nearly straight path would otherwise give a sliver). Throws InputError when the path
// has no extent (the parameters did not move).
std::array<double, 4> trajectoryRange(const TrajectoryPca& pca);

}   // namespace minimascope::core
