#include "models/SeededInit.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/ATen.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>

#include <cmath>

namespace minimascope::core {

namespace {

void initializeFanIn(const at::Tensor& weight, const at::Tensor& bias, at::Generator& generator)
{
    const int64_t fanIn = weight.numel() / weight.size(0);
    const double bound = 1.0 / std::sqrt(static_cast<double>(fanIn));
    weight.uniform_(-bound, bound, generator);
    if (bias.defined())
        bias.uniform_(-bound, bound, generator);
}

}   // namespace

void initializeParameters(torch::nn::Module& module, uint64_t seed)
{
    at::NoGradGuard noGrad;
    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(seed);
    for (const auto& child : module.modules(/*include_self=*/true)) {
        if (auto* linear = child->as<torch::nn::Linear>()) {
            initializeFanIn(linear->weight, linear->bias, generator);
        } else if (auto* conv = child->as<torch::nn::Conv2d>()) {
            initializeFanIn(conv->weight, conv->bias, generator);
        } else if (auto* norm1 = child->as<torch::nn::BatchNorm1d>()) {
            norm1->reset_parameters();
        } else if (auto* norm2 = child->as<torch::nn::BatchNorm2d>()) {
            norm2->reset_parameters();
        }
    }
}

}   // namespace minimascope::core
