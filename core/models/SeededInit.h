#pragma once
// Draws every parameter of a network from its own generator seeded with `seed`, in module
// registration order, so that initialization depends on nothing but the seed (not on torch's
// global generator, which other threads may use). The scheme is PyTorch's default: weights and
// biases of Linear and Conv2d uniform in +-1/sqrt(fan_in); BatchNorm scale 1, shift 0.
#include <cstdint>

namespace torch::nn {
class Module;
}

namespace minimascope::core {

void initializeParameters(torch::nn::Module& module, uint64_t seed);

}   // namespace minimascope::core
