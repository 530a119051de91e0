#pragma once
// Builds the torch::optim optimizer (or Sam, AdaHessian) that a run's OptimizerSpec names, over
// the flat parameter vector (a single tensor whose .grad is the flat gradient vector). shapes:
// the parameters inside it (AdaHessian averages its estimate over convolution kernels); seed:
// AdaHessian's Rademacher probes.
#include "models/FlatParameters.h"

#include <torch/optim/optimizer.h>

#include <memory>
#include <vector>

namespace minimascope::core {

struct OptimizerSpec;

std::unique_ptr<torch::optim::Optimizer> makeOptimizer(const OptimizerSpec& spec, const at::Tensor& flatValues,
                                                       const std::vector<ParameterSlice>& shapes = {},
                                                       uint64_t seed = 0);

// True when a step is plain SGD (theta -= lr * grad), which MlpBackprop can fuse.
bool isPlainSgd(const OptimizerSpec& spec);

}   // namespace minimascope::core
