#pragma once
// Fitness-distance correlation (Jones & Forrest 1995; used on MLP error surfaces in the
// teacher-student setting by Gallagher 2000): how the loss E of points varies with their
// distance D from a known global minimum w*. Points are drawn at given Euclidean distances d
// from w* along seeded random directions, w = w* + d u with u uniform on the unit sphere of the
// whole parameter space, and the sample correlation r = cov(D, E) / (sigma_D sigma_E) of the
// (d, loss) pairs is reported with the pairs themselves (the scatter plot).
// r is undefined (NaN, null in JSON) when D or E does not vary over the sample (a single
// distance, or a loss that is the same at every point) or fewer than two points have a finite
// loss; points whose loss is not finite are left out of r and counted.
// Units: distances in parameter units (|w - w*|, no filter normalization: FDC measures distance in
// weight space); losses in the task's objective (MSE for the teacher-student regression).
// Cancel: checked before every point; a cancelled sample returns status Cancelled with the
// points done so far (r over them). Not thread-safe for networks (it moves their weights, and
// puts them back whatever happens).
#include "common/Progress.h"
#include "common/RunStatus.h"

#include <ATen/core/Tensor.h>
#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace minimascope::core {

class CancelToken;
class FlatParameters;
class Network;
struct Dataset;

struct FitnessDistanceOptions {
    std::vector<double> distances;   // >= 0 and finite each; at least one
    int64_t samples = 20;            // points per distance, >= 1
    uint64_t seed = 0;               // point i (in distance-major order) uses direction seed + i
};

// Throws InputError naming the option ("distances", "samples") when the options are unusable.
void validateFitnessDistanceOptions(const FitnessDistanceOptions& options);

// The distances of `fdc --distances` and of the app's dialog: "D1,D2,..." or "A:B:K" (K evenly
// spaced from A to B, both included), each in [0, kMaxFitnessDistance], at most
// kMaxFitnessDistances of them. Throws InputError saying what is accepted.
constexpr double kMaxFitnessDistance = 1e6;   // beyond it every float32 loss is inf or NaN
constexpr int64_t kMaxFitnessDistances = 10001;
std::vector<double> parseFitnessDistances(const std::string& text);

// Pearson's sample correlation of x and y over the pairs where both are finite; NaN when fewer
// than two such pairs or when either does not vary over them. Clamped to [-1, 1] (rounding).
double pearsonCorrelation(const std::vector<double>& x, const std::vector<double>& y);

// A unit vector uniformly distributed on the sphere (a normalized Gaussian drawn from its own
// generator seeded with `seed`: the same on every machine and thread), shaped and typed like
// `like` (flat). The normalization is done in double precision.
at::Tensor randomUnitDirection(const at::Tensor& like, uint64_t seed);

struct DistanceSummary {
    double distance = 0.0;
    double meanLoss = 0.0, minLoss = 0.0, maxLoss = 0.0;
    int64_t points = 0;   // with a finite loss
};

struct FitnessDistanceSample {
    RunStatus status = RunStatus::Finished;
    FitnessDistanceOptions options;
    // One entry per point, distance-major (all samples of distances[0] first).
    std::vector<double> distance;
    std::vector<double> loss;
    std::vector<uint64_t> seed;
    double centreLoss = 0.0;    // the loss at w* itself
    double correlation = 0.0;   // r (NaN when undefined, see above)
    int64_t nonFinite = 0;      // points left out of r
    double seconds = 0.0;

    std::vector<DistanceSummary> byDistance() const;
    // Why r is undefined (NaN) in words; empty when it is defined.
    std::string correlationUndefinedReason() const;
    // Everything above, the reason when r is undefined, and the per-distance summary.
    nlohmann::json toJson() const;
};

// The loss at a flat parameter vector; returns false when cancelled.
using ParameterObjective = std::function<bool(const at::Tensor& point, double& loss)>;

// Any objective (the tests' closed forms, or a network below) around `centre` (flat, any dtype).
// Progress: one report a point, "points" done of the total (the centre counts as one).
FitnessDistanceSample sampleFitnessDistance(const ParameterObjective& objective, const at::Tensor& centre,
                                            const FitnessDistanceOptions& options, const CancelToken* cancel = nullptr,
                                            const ProgressSink& progress = {});

// A network's loss over `data` (eval mode, as every landscape point: train/Objective.h
// evaluate()) around `centre` (e.g. the teacher's weights, models/TeacherNetwork.h).
FitnessDistanceSample sampleFitnessDistance(Network& network, FlatParameters& parameters, const Dataset& data,
                                            const at::Tensor& centre, const FitnessDistanceOptions& options,
                                            const CancelToken* cancel = nullptr, const ProgressSink& progress = {});

}   // namespace minimascope::core
