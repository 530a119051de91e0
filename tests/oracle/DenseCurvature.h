#pragma once
// Test helpers shared by the curvature oracle suites: the dense Hessian H and every per-example
// H_i of a tiny network built row by row with autograd, Sigma = (1/n) sum_i H_i^2 - H^2 from
// them, and tiny models and data sets (double precision).
#include "data/Dataset.h"
#include "models/Activation.h"
#include "models/Mlp.h"
#include "models/Network.h"
#include "models/SeededInit.h"
#include "train/Objective.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>

#include <algorithm>
#include <memory>
#include <vector>

namespace minimascope::testing {

using namespace minimascope::core;

// The dense Hessian of the mean loss over the given examples, by differentiating each
// gradient component once more.
inline at::Tensor denseHessian(Network& network, Task task, const at::Tensor& x, const at::Tensor& y)
{
    std::vector<at::Tensor> params;
    for (const auto& p : network.parameters())
        params.push_back(p);
    at::AutoGradMode grad(true);
    const at::Tensor loss = objectiveLoss(task, network.forward(x), y);
    std::vector<at::Tensor> parts;
    for (const auto& g : torch::autograd::grad({loss}, params, {}, true, true, true))
        parts.push_back(g.reshape({-1}));
    const at::Tensor gradient = at::cat(parts);
    const int64_t p = gradient.numel();
    at::Tensor hessian = at::zeros({p, p}, gradient.options());
    for (int64_t j = 0; j < p; ++j) {
        const auto row = torch::autograd::grad({gradient[j]}, params, {}, true, false, true);
        std::vector<at::Tensor> rowParts;
        for (size_t k = 0; k < row.size(); ++k)
            rowParts.push_back(row[k].defined() ? row[k].reshape({-1})
                                                : at::zeros({params[k].numel()}, gradient.options()));
        hessian[j] = at::cat(rowParts).detach();
    }
    return hessian;
}

struct DenseCurvature {
    at::Tensor hessian;
    at::Tensor covariance;
};

inline DenseCurvature denseCurvature(Network& network, const Dataset& data)
{
    const int64_t n = data.size();
    DenseCurvature dense;
    dense.hessian = denseHessian(network, data.task, data.inputs, data.targets);
    at::Tensor squares = at::zeros_like(dense.hessian);
    for (int64_t i = 0; i < n; ++i) {
        const at::Tensor hi = denseHessian(network, data.task, data.inputs.narrow(0, i, 1),
                                           data.targets.narrow(0, i, 1));
        squares += at::mm(hi, hi);
    }
    dense.covariance = squares / static_cast<double>(n) - at::mm(dense.hessian, dense.hessian);
    return dense;
}

inline Dataset toDouble(Dataset data)
{
    data.inputs = data.inputs.to(at::kDouble);
    if (data.task != Task::Classification)
        data.targets = data.targets.to(at::kDouble);
    return data;
}

inline double relativeError(const at::Tensor& actual, const at::Tensor& expected)
{
    return (actual - expected).norm().item<double>() / std::max(1e-300, expected.norm().item<double>());
}

inline std::shared_ptr<Mlp> tinyMlp(int64_t inputs, std::vector<int64_t> widths, int64_t outputs, Activation activation)
{
    MlpOptions options;
    options.inputs = inputs;
    options.hiddenWidths = std::move(widths);
    options.outputs = outputs;
    options.activation = activation;
    auto mlp = std::make_shared<Mlp>(options);
    initializeParameters(*mlp, 7);
    mlp->to(at::kDouble);
    return mlp;
}

// conv 2@3x3 -> activation -> linear: 20 + 3 * (2 * 3 * 3 + 1) = 77 parameters on 1x5x5 images.
class TinyConvNet : public Network {
public:
    explicit TinyConvNet(Activation activation) : m_activation(activation)
    {
        m_conv = register_module("conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(1, 2, /*kernel_size=*/3)));
        m_linear = register_module("linear", torch::nn::Linear(2 * 3 * 3, 3));
    }
    at::Tensor forward(const at::Tensor& input) override
    {
        return m_linear->forward(applyActivation(m_activation, m_conv->forward(input)).flatten(1));
    }
    LayerGraph layerGraph() const override
    {
        LayerGraph graph;
        const int conv = graph.activation(graph.conv2d(LayerGraph::kInput, *m_conv), m_activation);
        graph.linear(graph.flatten(conv), *m_linear);
        return graph;
    }
    std::string describe() const override { return "tiny conv net"; }

private:
    Activation m_activation;
    torch::nn::Conv2d m_conv{nullptr};
    torch::nn::Linear m_linear{nullptr};
};

inline std::shared_ptr<TinyConvNet> tinyConvNet(Activation activation)
{
    auto network = std::make_shared<TinyConvNet>(activation);
    initializeParameters(*network, 5);
    network->to(at::kDouble);
    return network;
}

// n random 1 x side x side images in 3 classes (double).
inline Dataset tinyImages(int64_t n, uint64_t seed, int64_t side = 5)
{
    Dataset data;
    data.name = "tiny images";
    data.task = Task::Classification;
    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(seed);
    data.inputs = at::randn({n, 1, side, side}, generator, at::TensorOptions(at::kDouble));
    data.targets = at::randint(3, {n}, generator, at::TensorOptions(at::kLong));
    data.numClasses = 3;
    data.inputShape = {1, side, side};
    return data;
}

}   // namespace minimascope::testing
