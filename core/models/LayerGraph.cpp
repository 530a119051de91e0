#include "models/LayerGraph.h"

#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>

#include <stdexcept>
#include <string>

namespace minimascope::core {

int LayerGraph::append(LayerNode node)
{
    const int count = static_cast<int>(m_nodes.size());
    for (int input : node.inputs)
        if (input != kInput && (input < 0 || input >= count))
            throw std::logic_error("LayerGraph: node " + std::to_string(count) + " reads node " + std::to_string(input)
                                   + ", which does not come before it");
    m_nodes.push_back(std::move(node));
    return count;
}

int LayerGraph::flatten(int input)
{
    LayerNode node;
    node.kind = LayerKind::Flatten;
    node.inputs = {input};
    return append(std::move(node));
}

int LayerGraph::linear(int input, const torch::nn::LinearImpl& module)
{
    LayerNode node;
    node.kind = LayerKind::Linear;
    node.inputs = {input};
    node.weight = module.weight;
    node.bias = module.bias;
    return append(std::move(node));
}

int LayerGraph::conv2d(int input, const torch::nn::Conv2dImpl& module)
{
    const auto& options = module.options;
    const auto* padding = c10::get_if<torch::ExpandingArray<2>>(&options.padding());
    const auto square = [](const torch::ExpandingArray<2>& pair) { return (*pair)[0] == (*pair)[1]; };
    if (!padding || !square(*padding) || !square(options.kernel_size()) || !square(options.stride())
        || (*options.dilation())[0] != 1 || (*options.dilation())[1] != 1 || options.groups() != 1
        || !c10::holds_alternative<torch::enumtype::kZeros>(options.padding_mode()))
        throw std::invalid_argument("LayerGraph: only square, undilated, ungrouped, zero-padded convolutions");
    LayerNode node;
    node.kind = LayerKind::Conv2d;
    node.inputs = {input};
    node.weight = module.weight;
    node.bias = module.bias;
    node.stride = (*options.stride())[0];
    node.padding = (**padding)[0];
    return append(std::move(node));
}

namespace {

template <typename BatchNormModule> LayerNode batchNormNode(int input, const BatchNormModule& module)
{
    LayerNode node;
    node.kind = LayerKind::BatchNorm;
    node.inputs = {input};
    node.weight = module.weight;
    node.bias = module.bias;
    node.runningMean = module.running_mean;
    node.runningVar = module.running_var;
    node.eps = module.options.eps();
    return node;
}

}   // namespace

int LayerGraph::batchNorm(int input, const torch::nn::BatchNorm1dImpl& module)
{
    return append(batchNormNode(input, module));
}

int LayerGraph::batchNorm(int input, const torch::nn::BatchNorm2dImpl& module)
{
    return append(batchNormNode(input, module));
}

int LayerGraph::activation(int input, Activation activation)
{
    LayerNode node;
    node.kind = LayerKind::Activation;
    node.inputs = {input};
    node.activation = activation;
    return append(std::move(node));
}

int LayerGraph::maxPool2d(int input, int64_t size)
{
    LayerNode node;
    node.kind = LayerKind::MaxPool2d;
    node.inputs = {input};
    node.stride = size;
    return append(std::move(node));
}

int LayerGraph::meanPool(int input)
{
    LayerNode node;
    node.kind = LayerKind::MeanPool;
    node.inputs = {input};
    return append(std::move(node));
}

int LayerGraph::add(int first, int second)
{
    LayerNode node;
    node.kind = LayerKind::Add;
    node.inputs = {first, second};
    return append(std::move(node));
}

}   // namespace minimascope::core
