#pragma once
// The mini-batch loss and its gradient, written into the network's flat gradient vector
// (overwriting it). Two implementations: autograd for every model, and MlpBackprop, a
// hand-written backward pass for plain MLPs that skips autograd's per-step bookkeeping
// (the dominant cost at small batches; docs/benchmarks.md). makeLossGradient picks.
#include "data/Dataset.h"

#include <memory>
#include <vector>

namespace minimascope::core {

class FlatParameters;
class Network;

class LossGradient {
public:
    virtual ~LossGradient() = default;
    // Returns the batch loss (0-d tensor, no autograd history).
    virtual at::Tensor compute(const at::Tensor& inputs, const at::Tensor& targets) = 0;
    // The network output of the last compute() (for batch accuracy), detached.
    const at::Tensor& lastOutput() const { return m_output; }

protected:
    at::Tensor m_output;
};

class AutogradLossGradient : public LossGradient {
public:
    AutogradLossGradient(Network& network, FlatParameters& parameters, Task task);
    at::Tensor compute(const at::Tensor& inputs, const at::Tensor& targets) override;

private:
    Network& m_network;
    FlatParameters& m_parameters;
    Task m_task;
};

// Autograd with create_graph: the gradient keeps its graph so that one Hessian-vector product
// of the same batch's loss follows (AdaHessian). hessianProduct(z) frees that graph, so it may
// be called once per compute(); it throws std::logic_error otherwise.
class SecondOrderLossGradient : public LossGradient {
public:
    SecondOrderLossGradient(Network& network, FlatParameters& parameters, Task task);
    at::Tensor compute(const at::Tensor& inputs, const at::Tensor& targets) override;
    // H z of the last batch's loss, flat like z.
    at::Tensor hessianProduct(const at::Tensor& z);

private:
    Network& m_network;
    FlatParameters& m_parameters;
    Task m_task;
    std::vector<at::Tensor> m_params;
    std::vector<at::Tensor> m_gradients;   // with graph, until hessianProduct
};

// The hand-written path when the network is an MLP without BatchNorm on a classification or
// regression task; autograd otherwise.
std::unique_ptr<LossGradient> makeLossGradient(Network& network, FlatParameters& parameters, Task task);

}   // namespace minimascope::core
