#include "models/SmallResNet.h"

#include "models/ImageShape.h"

#include <ATen/ATen.h>

namespace minimascope::core {

namespace {

class BasicBlock : public torch::nn::Module {
public:
    BasicBlock(int64_t in, int64_t out, int64_t stride, const SmallResNetOptions& options)
        : m_skip(options.skipConnections), m_batchNorm(options.batchNorm)
    {
        using torch::nn::Conv2dOptions;
        // Convolutions feeding BatchNorm need no bias: BN's shift replaces it.
        const bool bias = !m_batchNorm;
        m_conv1 = register_module("conv1",
                                  torch::nn::Conv2d(Conv2dOptions(in, out, 3).stride(stride).padding(1).bias(bias)));
        m_conv2 = register_module("conv2", torch::nn::Conv2d(Conv2dOptions(out, out, 3).padding(1).bias(bias)));
        if (m_batchNorm) {
            m_norm1 = register_module("norm1", torch::nn::BatchNorm2d(out));
            m_norm2 = register_module("norm2", torch::nn::BatchNorm2d(out));
        }
        if (m_skip && (stride != 1 || in != out)) {
            m_projection = register_module("projection",
                                           torch::nn::Conv2d(Conv2dOptions(in, out, 1).stride(stride).bias(bias)));
            if (m_batchNorm)
                m_projectionNorm = register_module("projection_norm", torch::nn::BatchNorm2d(out));
        }
    }

    at::Tensor forward(const at::Tensor& x)
    {
        at::Tensor y = m_conv1->forward(x);
        if (m_batchNorm)
            y = m_norm1->forward(y);
        y = m_conv2->forward(at::relu(y));
        if (m_batchNorm)
            y = m_norm2->forward(y);
        if (m_skip) {
            at::Tensor shortcut = x;
            if (!m_projection.is_empty()) {
                shortcut = m_projection->forward(x);
                if (m_batchNorm)
                    shortcut = m_projectionNorm->forward(shortcut);
            }
            y = y + shortcut;
        }
        return at::relu(y);
    }

    // Appends the block reading node x to the graph; returns its output node.
    int describe(LayerGraph& graph, int x) const
    {
        int y = graph.conv2d(x, *m_conv1);
        if (m_batchNorm)
            y = graph.batchNorm(y, *m_norm1);
        y = graph.conv2d(graph.activation(y, Activation::Relu), *m_conv2);
        if (m_batchNorm)
            y = graph.batchNorm(y, *m_norm2);
        if (m_skip) {
            int shortcut = x;
            if (!m_projection.is_empty()) {
                shortcut = graph.conv2d(x, *m_projection);
                if (m_batchNorm)
                    shortcut = graph.batchNorm(shortcut, *m_projectionNorm);
            }
            y = graph.add(y, shortcut);
        }
        return graph.activation(y, Activation::Relu);
    }

private:
    bool m_skip;
    bool m_batchNorm;
    torch::nn::Conv2d m_conv1{nullptr}, m_conv2{nullptr}, m_projection{nullptr};
    torch::nn::BatchNorm2d m_norm1{nullptr}, m_norm2{nullptr}, m_projectionNorm{nullptr};
};

}   // namespace

SmallResNet::SmallResNet(const std::vector<int64_t>& inputShape, int64_t outputs, const SmallResNetOptions& options)
    : m_options(options)
{
    const auto downsamplings = static_cast<int64_t>(options.channels.size()) - 1;
    const ImageShape image = requireImageShape(inputShape, "resnet", int64_t{1} << downsamplings);
    const int64_t first = options.channels.front();
    m_stem = register_module(
        "stem",
        torch::nn::Conv2d(torch::nn::Conv2dOptions(image.channels, first, 3).padding(1).bias(!options.batchNorm)));
    if (options.batchNorm)
        m_stemNorm = register_module("stem_norm", torch::nn::BatchNorm2d(first));
    int64_t in = first;
    for (size_t s = 0; s < options.channels.size(); ++s) {
        for (int64_t b = 0; b < options.blocksPerStage; ++b) {
            const int64_t stride = (s > 0 && b == 0) ? 2 : 1;
            m_blocks->push_back(std::make_shared<BasicBlock>(in, options.channels[s], stride, options));
            in = options.channels[s];
        }
    }
    register_module("blocks", m_blocks);
    m_output = register_module("output", torch::nn::Linear(in, outputs));
}

at::Tensor SmallResNet::forward(const at::Tensor& input)
{
    at::Tensor x = m_stem->forward(input);
    if (m_options.batchNorm)
        x = m_stemNorm->forward(x);
    x = at::relu(x);
    for (const auto& block : *m_blocks)
        x = block->as<BasicBlock>()->forward(x);
    return m_output->forward(x.mean({2, 3}));
}

LayerGraph SmallResNet::layerGraph() const
{
    LayerGraph graph;
    int x = graph.conv2d(LayerGraph::kInput, *m_stem);
    if (m_options.batchNorm)
        x = graph.batchNorm(x, *m_stemNorm);
    x = graph.activation(x, Activation::Relu);
    for (const auto& block : *m_blocks)
        x = block->as<BasicBlock>()->describe(graph, x);
    graph.linear(graph.meanPool(x), *m_output);
    return graph;
}

std::string SmallResNet::describe() const
{
    std::string text = "ResNet, " + std::to_string(m_options.channels.size()) + " stages x "
                       + std::to_string(m_options.blocksPerStage) + " blocks";
    text += m_options.skipConnections ? ", skip connections" : ", no skips";
    text += m_options.batchNorm ? ", BatchNorm" : ", no BatchNorm";
    return text + " (" + std::to_string(parameterCount()) + " parameters)";
}

}   // namespace minimascope::core
