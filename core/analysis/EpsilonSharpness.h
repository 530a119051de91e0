#pragma once
// epsilon-sharpness (Keskar et al. 2017): the largest loss in the box
//     C_eps = { theta + y : |y_j| <= eps (|theta_j| + 1) },
// reported as Keskar's relative increase 100 (max_C f - f(theta)) / (1 + f(theta)) (a percentage).
// Unlike lambda_max(H) it needs no second derivatives, but like it, it is not invariant under the
// rescaling of Dinh et al. (the box follows |theta|, the "+1" does not).
// The maximum is sought by projected sign-gradient ascent (steepest ascent in the box's own
// max-norm, then clipping back into the box) from a random point of the box, since at a minimum
// the gradient vanishes; the value is the largest loss seen, a lower bound of the true maximum,
// exact where the loss is convex in each coordinate (its maximum is then a corner the steps reach).
// Full-data losses and gradients, exact over the data set. The parameters are restored before
// returning (also on cancel). Cancel: checked per gradient chunk; returns status Cancelled with
// the best value so far. Progress: one report an ascent step ("step" of `steps`, the value so far as estimate). Not
// thread-safe (it moves the network's parameters).
#include "common/Progress.h"
#include "common/RunStatus.h"
#include "data/Dataset.h"

namespace minimascope::core {

class CancelToken;
class FlatParameters;
class Network;

struct EpsilonSharpnessOptions {
    double epsilon = 1e-3;       // box half-width relative to |theta| + 1
    int64_t steps = 10;          // ascent steps (one full-data gradient each)
    double stepFraction = 0.5;   // step length as a fraction of the box half-width
    uint64_t seed = 0;           // random start in the box
    int64_t chunk = 1000;        // examples per gradient chunk
};

struct EpsilonSharpnessResult {
    RunStatus status = RunStatus::Finished;
    double value = 0.0;      // 100 (maxLoss - loss) / (1 + loss)
    double loss = 0.0;       // f(theta)
    double maxLoss = 0.0;    // largest f seen in the box
    int64_t gradients = 0;   // full-data gradients computed
    double seconds = 0.0;
};

EpsilonSharpnessResult epsilonSharpness(Network& network, FlatParameters& parameters, const Dataset& data,
                                        const EpsilonSharpnessOptions& options, const CancelToken* cancel = nullptr,
                                        const ProgressSink& progress = {});

}   // namespace minimascope::core
