#pragma once
// A small VGG-style CNN: per stage two 3x3 convolutions ([BatchNorm], activation) and a 2x2
// max pool, then a hidden fully connected layer and the output layer. Wu, Ma & E used such a
// net on two CIFAR-10 classes; here it runs on any image data set.
#include "models/Activation.h"
#include "models/Network.h"

#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/linear.h>

#include <vector>

namespace minimascope::core {

struct SmallVggOptions {
    std::vector<int64_t> channels{16, 32};   // one entry a stage
    int64_t hidden = 128;
    bool batchNorm = false;
    Activation activation = Activation::Relu;
};

class SmallVgg : public Network {
public:
    SmallVgg(const std::vector<int64_t>& inputShape, int64_t outputs, const SmallVggOptions& options);
    at::Tensor forward(const at::Tensor& input) override;
    std::string describe() const override;
    LayerGraph layerGraph() const override;

private:
    SmallVggOptions m_options;
    std::vector<torch::nn::Sequential> m_stages;
    torch::nn::Linear m_hidden{nullptr}, m_output{nullptr};
};

}   // namespace minimascope::core
