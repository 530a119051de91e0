#include "landscape/BatchNormStatistics.h"

#include "common/CancelToken.h"
#include "models/Network.h"

#include <ATen/ATen.h>
#include <c10/util/Optional.h>
#include <torch/nn/modules/batchnorm.h>

#include <algorithm>

namespace minimascope::core {

namespace {

// What a BatchNorm layer was before the recompute.
struct SavedLayer {
    torch::nn::Module* module;
    c10::optional<double>* momentum;
    c10::optional<double> savedMomentum;
    bool wasTraining;
};

template <typename Norm> bool prepare(torch::nn::Module& child, std::vector<SavedLayer>& layers)
{
    auto* norm = child.as<Norm>();
    if (norm == nullptr)
        return false;
    layers.push_back({&child, &norm->options.momentum(), norm->options.momentum(), child.is_training()});
    norm->reset_running_stats();
    norm->options.momentum() = c10::nullopt;
    child.train(true);
    return true;
}

}   // namespace

bool recomputeBatchNormStatistics(Network& network, const Dataset& data, const CancelToken* cancel, int64_t chunk)
{
    std::vector<SavedLayer> layers;
    for (const auto& child : network.modules(/*include_self=*/false))
        prepare<torch::nn::BatchNorm1dImpl>(*child, layers) || prepare<torch::nn::BatchNorm2dImpl>(*child, layers);
    if (layers.empty())
        return true;
    bool finished = true;
    {
        at::NoGradGuard noGrad;
        const int64_t n = data.size();
        for (int64_t start = 0; start < n; start += chunk) {
            if (cancel != nullptr && cancel->isCancelled()) {
                finished = false;
                break;
            }
            network.forward(data.inputs.narrow(0, start, std::min(chunk, n - start)));
        }
    }
    for (const SavedLayer& layer : layers) {
        *layer.momentum = layer.savedMomentum;
        layer.module->train(layer.wasTraining);
    }
    return finished;
}

BatchNormBuffers::BatchNormBuffers(Network& network)
{
    for (const at::Tensor& buffer : network.buffers()) {
        m_buffers.push_back(buffer);
        m_saved.push_back(buffer.clone());
    }
}

BatchNormBuffers::~BatchNormBuffers()
{
    at::NoGradGuard noGrad;
    for (size_t k = 0; k < m_buffers.size(); ++k)
        m_buffers[k].copy_(m_saved[k]);
}

}   // namespace minimascope::core
