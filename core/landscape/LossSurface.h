#pragma once
// Loss and accuracy over a plane (or a line) of parameter space:
//   f(alpha, beta) = L(origin + alpha * direction1 + beta * direction2 + alpha * beta * crossDirection)
// on a regular grid (the cross term, usually absent, makes Im et al.'s bilinear surfaces between
// four solutions; a triangle domain makes their barycentric surfaces, see InterpolationSurfaces.h), evaluated
// progressively: a coarse grid first (every 8th point of each axis for a 51-point axis), then finer levels (strides 4,
// 2, 1) so that a viewer shows a rough surface at once and a sharp one later. Paths: for an MLP without BatchNorm the
// first layer is linear in (alpha, beta), so its three products X W0^T, X D1^T, X D2^T are computed once and every
// point costs only the deeper layers (about half the work on the canonical 784-256x4-10 net); the evaluation touches no
// module state, and `threads` workers evaluate disjoint points. Any other model goes through the generic path: set the
// parameters, forward in eval mode (BatchNorm uses running statistics). Units: alpha, beta in multiples of the
// directions (which carry their own norms); loss in the task's objective (mean cross-entropy, MSE, ...); accuracy as a
// fraction in [0, 1]. Thread-safety: uses `network` and `parameters` exclusively while it runs; the sink is called on
// the calling thread. Cancel: checked before every point (and every 4096-example chunk), so it stops within a point's
// time; returns Cancelled with the points done so far (the others stay NaN). Errors: mismatched vector sizes or an
// empty grid throw InputError. Whatever happens (finish, cancel, exception), the parameters (and BatchNorm statistics)
// hold their original values on return.
#include "common/Progress.h"
#include "common/RunStatus.h"

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
#include <vector>

namespace minimascope::core {

class CancelToken;
class FlatParameters;
class Network;
struct Dataset;

struct LandscapeGrid {
    std::vector<double> xs, ys;   // alpha and beta values; a 1D curve has ys == {0}
    // Row-major [ys.size()][xs.size()]: loss[j * xs.size() + i] is at (xs[i], ys[j]).
    // NaN = not computed (yet, or ever for accuracy of tasks without one).
    std::vector<double> loss, accuracy;

    size_t index(size_t i, size_t j) const { return j * xs.size() + i; }
};

struct SurfaceRequest {
    at::Tensor origin;   // the centre, flat like FlatParameters::values()
    at::Tensor direction1;
    at::Tensor direction2;       // undefined for a 1D curve (then ny, yMin, yMax are ignored)
    at::Tensor crossDirection;   // optional alpha*beta term (2D only); forces the generic path
    bool triangle = false;       // only points with alpha, beta >= 0 and alpha + beta <= 1;
                                 // the others are not evaluated and stay NaN
    double xMin = -1, xMax = 1, yMin = -1, yMax = 1;
    int64_t nx = 51, ny = 51;
    bool progressive = true;   // false: one level, row by row
    bool accuracy = true;      // classification accuracy as well (costs an argmax)
    int threads = 0;           // workers for the fast path; 0 = auto (cores, at most 2)
    bool fastPath = true;      // false forces the generic path (tests, benchmarks)
    // BatchNorm: null = eval mode with the stored running statistics (default). Otherwise, at
    // every point the statistics are first recomputed on this data (usually the training set;
    // BatchNormStatistics.h), then the point is evaluated in eval mode; the stored statistics are
    // back on return. Costs one more forward pass over this data a point (generic path).
    const Dataset* batchNormData = nullptr;
    // One grid split across processes (landscape under mpirun): this evaluation computes only the
    // points whose row-major index is shardIndex modulo shardCount; the others stay NaN.
    // mergeSurfaceShard puts the shards together. Each point's value does not depend on the split.
    int64_t shardCount = 1, shardIndex = 0;
};

// The level of a progressive evaluation that a partial grid has reached.
struct SurfaceLevel {
    int index = 0;           // 0 = coarse preview; the last level is the full grid
    int count = 1;           // how many levels this evaluation has
    int64_t stride = 1;      // grid stride of this level (1 = full resolution)
    bool finished = false;   // true on the call that ends this level
};

// Called with the grid filled so far (NaN where not computed), its level, and the progress ("points" done of the
// domain's, the triangle's if any), throttled to ~30 calls a second, plus one call at the end of each level. One
// callback for both: a viewer draws the grid and shows the progress at the same moments.
using SurfaceSink =
    std::function<void(const LandscapeGrid& partial, const SurfaceLevel& level, const Progress& progress)>;

// Fills `out` (its xs, ys, loss, accuracy are replaced) and returns Finished or Cancelled.
RunStatus evaluateSurface(Network& network, FlatParameters& parameters, const Dataset& data,
                          const SurfaceRequest& request, LandscapeGrid& out, const CancelToken* cancel = nullptr,
                          const SurfaceSink& sink = {});

// Copies the points of shard `shardIndex` of `shardCount` (SurfaceRequest) from `shard` into
// `into`; both must come from the same request but for the shard. Throws InputError when the
// grids differ in size.
void mergeSurfaceShard(LandscapeGrid& into, const LandscapeGrid& shard, int64_t shardCount, int64_t shardIndex);

// The grid strides of a progressive evaluation of a grid whose longer axis has n points,
// coarsest first, ending with 1 (e.g. 51 -> {8, 4, 2, 1}: the coarse level has at least 6
// intervals a side). Point (i, j) belongs to the first level whose stride s divides both i and j,
// where the last index of an axis counts as divisible by every stride (edges always show).
std::vector<int64_t> progressiveStrides(int64_t n);

}   // namespace minimascope::core
