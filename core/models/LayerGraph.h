#pragma once
// A network's computation written out as layers in evaluation order, each reading the outputs
// of earlier ones (or the network input): what the curvature engine needs to run its own
// forward, tangent and backward passes over a model without autograd (analysis/ROperatorCurvature).
// The tensors are the module's own, not copies: live parameters (views into FlatParameters once
// that exists) and BatchNorm's running statistics, which the graph always uses (eval mode).
// A model that cannot describe itself returns an empty graph.
#include "models/Activation.h"

#include <ATen/core/Tensor.h>

#include <vector>

namespace torch::nn {
class LinearImpl;
class Conv2dImpl;
class BatchNorm1dImpl;
class BatchNorm2dImpl;
}   // namespace torch::nn

namespace minimascope::core {

enum class LayerKind {
    Flatten,     // [N, ...] -> [N, features]
    Linear,      // x W^T + b
    Conv2d,      // square kernel (the weight's), stride, zero padding; bias optional
    BatchNorm,   // (x - running mean) / sqrt(running var + eps) * gamma + beta, per channel (dim 1)
    Activation,
    MaxPool2d,   // kernel = stride, no padding
    MeanPool,    // mean over every dimension after the channels: [N, C, H, W] -> [N, C]
    Add,         // the sum of two earlier outputs (a skip connection)
};

struct LayerNode {
    LayerKind kind = LayerKind::Flatten;
    std::vector<int> inputs;                    // earlier node indices; LayerGraph::kInput = the network input
    at::Tensor weight, bias;                    // Linear, Conv2d (bias may be undefined); BatchNorm: gamma, beta
    at::Tensor runningMean, runningVar;         // BatchNorm
    double eps = 1e-5;                          // BatchNorm
    int64_t stride = 1, padding = 0;            // Conv2d; MaxPool2d: stride = kernel size
    Activation activation = Activation::Relu;   // Activation
};

class LayerGraph {
public:
    static constexpr int kInput = -1;

    // Each appends a node reading `input` (a node index or kInput) and returns its index. The
    // module builders read the module's tensors and options; conv2d throws std::invalid_argument
    // for what the graph cannot express (non-square kernels or strides, dilation, groups,
    // non-zero padding modes).
    int flatten(int input);
    int linear(int input, const torch::nn::LinearImpl& module);
    int conv2d(int input, const torch::nn::Conv2dImpl& module);
    int batchNorm(int input, const torch::nn::BatchNorm1dImpl& module);
    int batchNorm(int input, const torch::nn::BatchNorm2dImpl& module);
    int activation(int input, Activation activation);
    int maxPool2d(int input, int64_t size);
    int meanPool(int input);
    int add(int first, int second);

    const std::vector<LayerNode>& nodes() const { return m_nodes; }
    bool empty() const { return m_nodes.empty(); }

private:
    int append(LayerNode node);

    std::vector<LayerNode> m_nodes;   // the last one's output is the network's output
};

}   // namespace minimascope::core
