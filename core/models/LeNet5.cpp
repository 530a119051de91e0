#include "models/LeNet5.h"

#include "common/InputError.h"
#include "models/ImageShape.h"

#include <ATen/ATen.h>

namespace minimascope::core {

LeNet5::LeNet5(const std::vector<int64_t>& inputShape, int64_t outputs, Activation activation)
    : m_activation(activation)
{
    const ImageShape image = requireImageShape(inputShape, "lenet5", 12);
    m_conv1 = register_module(
        "conv1", torch::nn::Conv2d(torch::nn::Conv2dOptions(image.channels, 6, /*kernel_size=*/5).padding(2)));
    m_conv2 = register_module("conv2", torch::nn::Conv2d(torch::nn::Conv2dOptions(6, 16, 5)));
    // Spatial size after conv1 (same), pool, conv2 (-4), pool.
    const int64_t height = (image.height / 2 - 4) / 2;
    const int64_t width = (image.width / 2 - 4) / 2;
    m_fc1 = register_module("fc1", torch::nn::Linear(16 * height * width, 120));
    m_fc2 = register_module("fc2", torch::nn::Linear(120, 84));
    m_fc3 = register_module("fc3", torch::nn::Linear(84, outputs));
}

at::Tensor LeNet5::forward(const at::Tensor& input)
{
    at::Tensor x = at::max_pool2d(applyActivation(m_activation, m_conv1->forward(input)), {2, 2});
    x = at::max_pool2d(applyActivation(m_activation, m_conv2->forward(x)), {2, 2});
    x = x.flatten(1);
    x = applyActivation(m_activation, m_fc1->forward(x));
    x = applyActivation(m_activation, m_fc2->forward(x));
    return m_fc3->forward(x);
}

LayerGraph LeNet5::layerGraph() const
{
    LayerGraph graph;
    int x = graph.maxPool2d(graph.activation(graph.conv2d(LayerGraph::kInput, *m_conv1), m_activation), 2);
    x = graph.maxPool2d(graph.activation(graph.conv2d(x, *m_conv2), m_activation), 2);
    x = graph.activation(graph.linear(graph.flatten(x), *m_fc1), m_activation);
    x = graph.activation(graph.linear(x, *m_fc2), m_activation);
    graph.linear(x, *m_fc3);
    return graph;
}

std::string LeNet5::describe() const
{
    return "LeNet-5 " + std::string(toString(m_activation)) + " (" + std::to_string(parameterCount()) + " parameters)";
}

}   // namespace minimascope::core
