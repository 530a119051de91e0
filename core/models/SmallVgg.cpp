#include "models/SmallVgg.h"

#include "models/ImageShape.h"

#include <ATen/ATen.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/pooling.h>

namespace minimascope::core {

namespace {

// The activation as a module, so that a stage is one Sequential.
struct ActivationModule : torch::nn::Module {
    explicit ActivationModule(Activation a) : activation(a) { }
    at::Tensor forward(const at::Tensor& x) { return applyActivation(activation, x); }
    Activation activation;
};

}   // namespace

SmallVgg::SmallVgg(const std::vector<int64_t>& inputShape, int64_t outputs, const SmallVggOptions& options)
    : m_options(options)
{
    const auto pools = static_cast<int64_t>(options.channels.size());
    const ImageShape image = requireImageShape(inputShape, "vgg", int64_t{1} << pools);
    int64_t in = image.channels;
    for (size_t s = 0; s < options.channels.size(); ++s) {
        torch::nn::Sequential stage;
        for (int conv = 0; conv < 2; ++conv) {
            const int64_t out = options.channels[s];
            stage->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3).padding(1)));
            if (options.batchNorm)
                stage->push_back(torch::nn::BatchNorm2d(out));
            stage->push_back(std::make_shared<ActivationModule>(options.activation));
            in = out;
        }
        stage->push_back(torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(2)));
        m_stages.push_back(register_module("stage" + std::to_string(s), stage));
    }
    const int64_t features = in * (image.height >> pools) * (image.width >> pools);
    m_hidden = register_module("hidden", torch::nn::Linear(features, options.hidden));
    m_output = register_module("output", torch::nn::Linear(options.hidden, outputs));
}

at::Tensor SmallVgg::forward(const at::Tensor& input)
{
    at::Tensor x = input;
    for (auto& stage : m_stages)
        x = stage->forward(x);
    x = applyActivation(m_options.activation, m_hidden->forward(x.flatten(1)));
    return m_output->forward(x);
}

LayerGraph SmallVgg::layerGraph() const
{
    LayerGraph graph;
    int x = LayerGraph::kInput;
    for (const auto& stage : m_stages) {
        for (const auto& module : stage->children()) {
            if (const auto* conv = module->as<torch::nn::Conv2d>())
                x = graph.conv2d(x, *conv);
            else if (const auto* norm = module->as<torch::nn::BatchNorm2d>())
                x = graph.batchNorm(x, *norm);
            else if (const auto* activation = module->as<ActivationModule>())
                x = graph.activation(x, activation->activation);
            else if (const auto* pool = module->as<torch::nn::MaxPool2d>())
                x = graph.maxPool2d(x, (*pool->options.kernel_size())[0]);
        }
    }
    x = graph.activation(graph.linear(graph.flatten(x), *m_hidden), m_options.activation);
    graph.linear(x, *m_output);
    return graph;
}

std::string SmallVgg::describe() const
{
    std::string text = "VGG-style CNN, channels";
    for (int64_t c : m_options.channels)
        text += " " + std::to_string(c);
    if (m_options.batchNorm)
        text += " +BatchNorm";
    return text + " (" + std::to_string(parameterCount()) + " parameters)";
}

}   // namespace minimascope::core
