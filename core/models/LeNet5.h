#pragma once
// LeNet-5 (LeCun et al. 1998) for 1x28x28 images: conv 6@5x5 (padding 2) -> pool -> conv
// 16@5x5 -> pool -> 120 -> 84 -> outputs, with the chosen activation and max pooling.
#include "models/Activation.h"
#include "models/Network.h"

#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>

#include <vector>

namespace minimascope::core {

class LeNet5 : public Network {
public:
    // inputShape is {channels, height, width}; throws InputError for non-image inputs.
    LeNet5(const std::vector<int64_t>& inputShape, int64_t outputs, Activation activation);
    at::Tensor forward(const at::Tensor& input) override;
    std::string describe() const override;
    LayerGraph layerGraph() const override;
    Activation activation() const { return m_activation; }

private:
    Activation m_activation;
    torch::nn::Conv2d m_conv1{nullptr}, m_conv2{nullptr};
    torch::nn::Linear m_fc1{nullptr}, m_fc2{nullptr}, m_fc3{nullptr};
};

}   // namespace minimascope::core
