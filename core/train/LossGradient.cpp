#include "train/LossGradient.h"

#include "models/FlatParameters.h"
#include "models/Mlp.h"
#include "train/MlpBackprop.h"
#include "train/Objective.h"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/autograd.h>

#include <stdexcept>

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

SecondOrderLossGradient::SecondOrderLossGradient(Network& network, FlatParameters& parameters, Task task)
    : m_network(network), m_parameters(parameters), m_task(task)
{
    for (const auto& p : m_network.parameters())
        m_params.push_back(p);
}

at::Tensor SecondOrderLossGradient::compute(const at::Tensor& inputs, const at::Tensor& targets)
{
    at::AutoGradMode gradMode(true);
    const at::Tensor output = m_network.forward(inputs);
    const at::Tensor loss = objectiveLoss(m_task, output, targets);
    m_gradients = torch::autograd::grad({loss}, m_params, {}, /*retain_graph=*/true, /*create_graph=*/true,
                                        /*allow_unused=*/true);
    at::NoGradGuard noGrad;
    for (size_t i = 0; i < m_params.size(); ++i) {
        at::Tensor flat = m_parameters.slice(m_parameters.gradients(), i);
        if (m_gradients[i].defined())
            flat.copy_(m_gradients[i].detach());
        else
            flat.zero_();
    }
    m_output = output.detach();
    return loss.detach();
}

at::Tensor SecondOrderLossGradient::hessianProduct(const at::Tensor& z)
{
    if (m_gradients.empty())
        throw std::logic_error("SecondOrderLossGradient::hessianProduct needs a compute() first");
    at::AutoGradMode gradMode(true);
    at::Tensor dot = at::zeros({}, z.options());
    for (size_t i = 0; i < m_params.size(); ++i)
        if (m_gradients[i].defined() && m_gradients[i].requires_grad())
            dot = dot + (m_gradients[i] * m_parameters.slice(z, i)).sum();
    at::Tensor product = at::zeros_like(z);
    if (dot.requires_grad()) {
        const auto parts = torch::autograd::grad({dot}, m_params, {}, /*retain_graph=*/false,
                                                 /*create_graph=*/false, /*allow_unused=*/true);
        at::NoGradGuard noGrad;
        for (size_t i = 0; i < parts.size(); ++i)
            if (parts[i].defined())
                m_parameters.slice(product, i).copy_(parts[i]);
    }
    m_gradients.clear();
    return product;
}

std::unique_ptr<LossGradient> makeLossGradient(Network& network, FlatParameters& parameters, Task task)
{
    if (auto* mlp = dynamic_cast<Mlp*>(&network); mlp && MlpBackprop::supports(*mlp, task))
        return std::make_unique<MlpBackprop>(*mlp, task);
    return std::make_unique<AutogradLossGradient>(network, parameters, task);
}

}   // namespace minimascope::core
