#pragma once
// A fully connected network: Linear -> [BatchNorm1d] -> activation for each hidden width, then
// a Linear output layer. Inputs of any shape are flattened per example.
#include "models/Activation.h"
#include "models/Network.h"

#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/linear.h>

#include <vector>

namespace minimascope::core {

struct MlpOptions {
    int64_t inputs = 784;
    std::vector<int64_t> hiddenWidths{256, 256, 256, 256};
    int64_t outputs = 10;
    Activation activation = Activation::Relu;
    bool batchNorm = false;
};

class Mlp : public Network {
public:
    explicit Mlp(const MlpOptions& options);
    at::Tensor forward(const at::Tensor& input) override;
    std::string describe() const override;
    LayerGraph layerGraph() const override;

    const MlpOptions& options() const { return m_options; }
    // The linear layers in order (hidden layers, then the output layer); the hand-written
    // backward pass of MlpBackprop uses their weights directly.
    const std::vector<torch::nn::Linear>& linears() const { return m_linears; }

private:
    MlpOptions m_options;
    std::vector<torch::nn::Linear> m_linears;
    std::vector<torch::nn::BatchNorm1d> m_norms;
};

}   // namespace minimascope::core
