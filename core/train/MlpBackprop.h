#pragma once
// A hand-written forward and backward pass for an MLP without BatchNorm: the same arithmetic
// as autograd (tests/oracle compares them) with no graph to build, and gradients written
// straight into the parameters' .grad views with mm_out. fusedSgdStep() goes further for
// plain SGD: each weight matrix is updated by one addmm_ right after its error signal has
// been propagated, so the gradient is never stored at all. At batch size 1 this runs ~2x
// faster than autograd plus torch::optim (docs/benchmarks.md).
#include "train/LossGradient.h"

#include <vector>

namespace minimascope::core {

class Mlp;

class MlpBackprop : public LossGradient {
public:
    static bool supports(const Mlp& mlp, Task task);

    MlpBackprop(Mlp& mlp, Task task);
    at::Tensor compute(const at::Tensor& inputs, const at::Tensor& targets) override;
    // One step of SGD without momentum or weight decay: theta -= lr * grad. Returns the batch
    // loss at the parameters before the step. The .grad views are left untouched.
    at::Tensor fusedSgdStep(const at::Tensor& inputs, const at::Tensor& targets, double lr);

private:
    // Forward pass keeping each layer's input; returns the loss and sets m_outputGrad to
    // d loss / d output.
    at::Tensor forwardAndOutputGrad(const at::Tensor& inputs, const at::Tensor& targets);
    template <typename UpdateLayer> void backward(UpdateLayer&& update);

    Mlp& m_mlp;
    Task m_task;
    std::vector<at::Tensor> m_layerInputs;      // input of each linear layer (post-activation)
    std::vector<at::Tensor> m_preActivations;   // output of each hidden linear layer
    at::Tensor m_outputGrad;
};

}   // namespace minimascope::core
