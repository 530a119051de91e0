#pragma once
// Builds the torch::optim optimizer (or Sam) that a run's OptimizerSpec names, over the flat
// parameter vector (a single tensor whose .grad is the flat gradient vector).
#include <torch/optim/optimizer.h>

#include <memory>

namespace minimascope::core {

struct OptimizerSpec;

std::unique_ptr<torch::optim::Optimizer> makeOptimizer(const OptimizerSpec& spec, const at::Tensor& flatValues);

// True when a step is plain SGD (theta -= lr * grad), which MlpBackprop can fuse.
bool isPlainSgd(const OptimizerSpec& spec);

} // namespace minimascope::core
