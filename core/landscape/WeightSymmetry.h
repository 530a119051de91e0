#pragma once
// Weight-space symmetries of an MLP (Chen, Lu & Hecht-Nielsen 1993; Hamey 1998): permuting the
// units of a hidden layer (the rows of its weight and bias, the BatchNorm entries, and the columns
// of the next layer's weight) gives a different parameter vector that computes exactly the same
// function, so the same loss; for an odd activation (tanh) flipping the sign of a unit's incoming
// and outgoing weights does too. The straight line between such twins usually crosses a barrier:
// lossAlongLine measures it.
// Both functions leave the network's parameters and buffers as they found them (a cancel or an
// exception included). Not thread-safe (they move the network's weights).
#include "common/RunStatus.h"
#include "data/Dataset.h"

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

namespace minimascope::core {

class CancelToken;
class FlatParameters;
class Mlp;
class Network;

struct HiddenSymmetry {
    // Per hidden layer: unit j of the twin is unit permutation[l][j] of the original.
    std::vector<std::vector<int64_t>> permutations;
    // Per hidden layer, per twin unit: true flips its sign (empty = no flips). Only for tanh.
    std::vector<std::vector<bool>> signFlips;
};

// A seeded random permutation of every hidden layer (never the identity when a layer has two
// units or more), and random sign flips when `flipSigns` (throws std::invalid_argument unless the
// activation is tanh: relu and gelu are not odd).
HiddenSymmetry randomHiddenSymmetry(const Mlp& mlp, uint64_t seed, bool flipSigns);

// The twin: the flat parameter vector (FlatParameters layout) and the network's buffers after
// the symmetry (BatchNorm running mean permuted and sign-flipped, running variance permuted).
// Throws std::invalid_argument on a symmetry that does not fit the network.
struct SymmetricTwin {
    at::Tensor parameters;
    std::vector<at::Tensor> buffers;   // in named_buffers() order
};
SymmetricTwin symmetricTwin(Mlp& mlp, const FlatParameters& parameters, const HiddenSymmetry& symmetry);
// Writes a twin's parameters and buffers into the network.
void applyTwin(Mlp& mlp, FlatParameters& parameters, const SymmetricTwin& twin);

// The line to the twin as `landscape --directions permutation` and the desktop app draw it: from
// the network's current parameters theta (alpha = 0) to the seeded twin of randomHiddenSymmetry
// (signs flipped too for tanh) at alpha = 1, over [kTwinLineMin, kTwinLineMax] by default.
// Throws InputError naming the model when the network is not an MLP.
inline constexpr double kTwinLineMin = 0.0;
inline constexpr double kTwinLineMax = 1.0;
struct TwinLine {
    at::Tensor direction;   // twin - theta (FlatParameters layout)
    bool signsFlipped = false;
    // The twin's BatchNorm statistics are permuted, theta's would not fit it: a BatchNorm MLP's
    // line is evaluated with statistics recomputed at every point (SurfaceRequest::batchNormData).
    bool batchNorm = false;
};
TwinLine twinLine(Network& network, const FlatParameters& parameters, uint64_t seed);

// The loss along theta(t) = (1 - t) from + t to for `points` values of t evenly over [0, 1], over
// `data` in eval mode (BatchNorm with the network's current running statistics, the same at every
// t), and the barrier max_t [L(theta(t)) - ((1 - t) L(from) + t L(to))] (Frankle et al. 2020's
// definition; 0 for a convex path, > 0 when the line climbs over a ridge).
struct LinePath {
    RunStatus status = RunStatus::Finished;
    std::vector<double> t;
    std::vector<double> loss;
    std::vector<double> accuracy;   // NaN where the task has none
    double barrier = 0.0;
    double barrierT = 0.0;   // where it is reached
};
LinePath lossAlongLine(Network& network, FlatParameters& parameters, const Dataset& data, const at::Tensor& from,
                       const at::Tensor& to, int64_t points, const CancelToken* cancel = nullptr);

// The barrier of a sampled curve (t ascending from 0 to 1, losses at those t), as above.
double lineBarrier(const std::vector<double>& t, const std::vector<double>& loss, double* where = nullptr);

}   // namespace minimascope::core
