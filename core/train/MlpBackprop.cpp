#include "train/MlpBackprop.h"

#include "models/Mlp.h"
#include "train/Objective.h"

#include <ATen/ATen.h>

namespace minimascope::core {

bool MlpBackprop::supports(const Mlp& mlp, Task task)
{
    return !mlp.options().batchNorm && (task == Task::Classification || task == Task::Regression);
}

MlpBackprop::MlpBackprop(Mlp& mlp, Task task) : m_mlp(mlp), m_task(task) { }

at::Tensor MlpBackprop::forwardAndOutputGrad(const at::Tensor& inputs, const at::Tensor& targets)
{
    at::NoGradGuard noGrad;
    const auto& linears = m_mlp.linears();
    const Activation activation = m_mlp.options().activation;
    m_layerInputs.clear();
    m_preActivations.clear();
    at::Tensor x = inputs.reshape({inputs.size(0), -1});
    for (size_t i = 0; i + 1 < linears.size(); ++i) {
        m_layerInputs.push_back(x);
        m_preActivations.push_back(at::addmm(linears[i]->bias, x, linears[i]->weight.t()));
        x = applyActivation(activation, m_preActivations.back());
    }
    m_layerInputs.push_back(x);
    const at::Tensor output = at::addmm(linears.back()->bias, x, linears.back()->weight.t());
    m_output = output;
    const auto batch = static_cast<double>(output.size(0));
    if (m_task == Task::Classification) {
        const at::Tensor logProbabilities = at::log_softmax(output, 1);
        const at::Tensor loss = at::nll_loss(logProbabilities, targets);
        // d(mean CE)/d logits = (softmax - onehot) / B
        m_outputGrad = logProbabilities.exp();
        subtractTargetOneHot(m_outputGrad, targets);
        m_outputGrad.div_(batch);
        return loss;
    }
    const at::Tensor residual = output - targets.view_as(output);
    m_outputGrad = residual * (2.0 / static_cast<double>(output.numel()));
    return residual.pow(2).mean();
}

template <typename UpdateLayer> void MlpBackprop::backward(UpdateLayer&& update)
{
    at::NoGradGuard noGrad;
    const auto& linears = m_mlp.linears();
    const Activation activation = m_mlp.options().activation;
    at::Tensor grad = m_outputGrad;
    for (size_t i = linears.size(); i-- > 0;) {
        at::Tensor below;
        if (i > 0) {
            // Propagate before the layer's weights may change in update().
            below = at::mm(grad, linears[i]->weight);
            below = activationBackward(activation, below, m_preActivations[i - 1], m_layerInputs[i]);
        }
        update(*linears[i].ptr(), grad, m_layerInputs[i]);
        grad = below;
    }
}

at::Tensor MlpBackprop::compute(const at::Tensor& inputs, const at::Tensor& targets)
{
    const at::Tensor loss = forwardAndOutputGrad(inputs, targets);
    backward([](torch::nn::LinearImpl& layer, const at::Tensor& grad, const at::Tensor& input) {
        at::Tensor weightGrad = layer.weight.mutable_grad();
        at::Tensor biasGrad = layer.bias.mutable_grad();
        at::mm_out(weightGrad, grad.t(), input);
        at::sum_out(biasGrad, grad, {0});
    });
    return loss;
}

at::Tensor MlpBackprop::fusedSgdStep(const at::Tensor& inputs, const at::Tensor& targets, double lr)
{
    const at::Tensor loss = forwardAndOutputGrad(inputs, targets);
    backward([lr](torch::nn::LinearImpl& layer, const at::Tensor& grad, const at::Tensor& input) {
        layer.weight.addmm_(grad.t(), input, /*beta=*/1.0, /*alpha=*/-lr);
        layer.bias.add_(grad.sum(0), -lr);
    });
    return loss;
}

}   // namespace minimascope::core
