#include "train/LossGradient.h"

#include "models/FlatParameters.h"
#include "models/Mlp.h"
#include "train/MlpBackprop.h"
#include "train/Objective.h"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/autograd.h>

namespace minimascope::core {

AutogradLossGradient::AutogradLossGradient(Network& network, FlatParameters& parameters, Task task)
    : m_network(network), m_parameters(parameters), m_task(task)
{
}

at::Tensor AutogradLossGradient::compute(const at::Tensor& inputs, const at::Tensor& targets)
{
    at::AutoGradMode gradMode(true);
    m_parameters.gradients().zero_();
    const at::Tensor output = m_network.forward(inputs);
    const at::Tensor loss = objectiveLoss(m_task, output, targets);
    torch::autograd::backward({loss});
    m_output = output.detach();
    return loss.detach();
}

std::unique_ptr<LossGradient> makeLossGradient(Network& network, FlatParameters& parameters, Task task)
{
    if (auto* mlp = dynamic_cast<Mlp*>(&network); mlp && MlpBackprop::supports(*mlp, task))
        return std::make_unique<MlpBackprop>(*mlp, task);
    return std::make_unique<AutogradLossGradient>(network, parameters, task);
}

} // namespace minimascope::core
