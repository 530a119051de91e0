#pragma once
// The common base of every model MinimaScope trains: a torch module with a single-tensor
// forward. Classification models return logits [n, classes]; regression models [n, outputs];
// DirectLoss models (the escape toy) return each example's loss [n].
// Not thread-safe: one thread trains or analyses a network at a time.
#include "models/LayerGraph.h"

#include <torch/nn/module.h>

#include <string>

namespace minimascope::core {

class Network : public torch::nn::Module {
public:
    using torch::nn::Module::Module;
    virtual at::Tensor forward(const at::Tensor& input) = 0;
    // One line for logs and the GUI, e.g. "MLP 784-256-256-10 relu (203,530 parameters)".
    virtual std::string describe() const = 0;
    // The forward pass as layers (models/LayerGraph.h), for the curvature engine's own passes;
    // empty when the model has no such description (then autograd does the work).
    virtual LayerGraph layerGraph() const { return {}; }
    int64_t parameterCount() const;
};

}   // namespace minimascope::core
