#include "models/Mlp.h"

#include <sstream>

namespace minimascope::core {

Mlp::Mlp(const MlpOptions& options) : m_options(options)
{
    int64_t width = options.inputs;
    for (size_t i = 0; i < options.hiddenWidths.size(); ++i) {
        const int64_t next = options.hiddenWidths[i];
        m_linears.push_back(register_module("linear" + std::to_string(i), torch::nn::Linear(width, next)));
        if (options.batchNorm)
            m_norms.push_back(register_module("norm" + std::to_string(i), torch::nn::BatchNorm1d(next)));
        width = next;
    }
    m_linears.push_back(register_module("linear" + std::to_string(options.hiddenWidths.size()),
                                        torch::nn::Linear(width, options.outputs)));
}

at::Tensor Mlp::forward(const at::Tensor& input)
{
    at::Tensor x = input.reshape({input.size(0), -1});
    const size_t hidden = m_linears.size() - 1;
    for (size_t i = 0; i < hidden; ++i) {
        x = m_linears[i]->forward(x);
        if (m_options.batchNorm)
            x = m_norms[i]->forward(x);
        x = applyActivation(m_options.activation, x);
    }
    return m_linears.back()->forward(x);
}

LayerGraph Mlp::layerGraph() const
{
    LayerGraph graph;
    int x = graph.flatten(LayerGraph::kInput);
    const size_t hidden = m_linears.size() - 1;
    for (size_t i = 0; i < hidden; ++i) {
        x = graph.linear(x, *m_linears[i]);
        if (m_options.batchNorm)
            x = graph.batchNorm(x, *m_norms[i]);
        x = graph.activation(x, m_options.activation);
    }
    graph.linear(x, *m_linears.back());
    return graph;
}

std::string Mlp::describe() const
{
    std::ostringstream out;
    out << "MLP " << m_options.inputs;
    for (int64_t w : m_options.hiddenWidths)
        out << '-' << w;
    out << '-' << m_options.outputs << ' ' << toString(m_options.activation);
    if (m_options.batchNorm)
        out << " +BatchNorm";
    out << " (" << parameterCount() << " parameters)";
    return out.str();
}

}   // namespace minimascope::core
