#pragma once
// A small ResNet (He et al. 2016) for the landscape studies of Li et al.: a 3x3 stem, then per
// stage `blocksPerStage` basic blocks (conv-[BN]-ReLU-conv-[BN], plus the identity or a 1x1
// projection), global average pooling and a linear classifier. Skip connections and
// BatchNorm can each be switched off, which is what turns the loss surface chaotic.
#include "models/Network.h"

#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/batchnorm.h>

#include <vector>

namespace minimascope::core {

struct SmallResNetOptions {
    std::vector<int64_t> channels{16, 32, 64};   // one entry a stage; stages after the first halve the size
    int64_t blocksPerStage = 1;
    bool skipConnections = true;
    bool batchNorm = true;
};

class SmallResNet : public Network {
public:
    SmallResNet(const std::vector<int64_t>& inputShape, int64_t outputs, const SmallResNetOptions& options);
    at::Tensor forward(const at::Tensor& input) override;
    std::string describe() const override;
    LayerGraph layerGraph() const override;

private:
    SmallResNetOptions m_options;
    torch::nn::Conv2d m_stem{nullptr};
    torch::nn::BatchNorm2d m_stemNorm{nullptr};
    torch::nn::ModuleList m_blocks;
    torch::nn::Linear m_output{nullptr};
};

}   // namespace minimascope::core
