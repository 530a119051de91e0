#include "train/Rk2.h"

#include <ATen/ATen.h>

#include <stdexcept>

namespace minimascope::core {

Rk2::Rk2(std::vector<at::Tensor> parameters, Rk2Options options)
    : torch::optim::Optimizer({torch::optim::OptimizerParamGroup(std::move(parameters))},
                              std::make_unique<Rk2Options>(options)),
      m_lr(options.lr()), m_alpha(options.alpha()), m_weightDecay(options.weight_decay())
{
    if (!(m_alpha > 0.0 && m_alpha <= 1.0))
        throw std::invalid_argument("RK2's alpha must be in (0, 1]");
}

at::Tensor Rk2::step(LossClosure closure)
{
    if (!closure)
        throw std::invalid_argument("RK2 needs a closure that recomputes the loss and gradient");
    const auto& params = param_groups().front().params();
    const auto gradient = [&](const at::Tensor& p) {
        at::Tensor g = p.grad().defined() ? p.grad().clone() : at::zeros_like(p);
        if (m_weightDecay != 0.0)
            g.add_(p.detach(), m_weightDecay);
        return g;
    };
    const at::Tensor loss = closure();
    std::vector<at::Tensor> start, k1;
    {
        at::NoGradGuard noGrad;
        for (const auto& p : params) {
            start.push_back(p.detach().clone());
            k1.push_back(gradient(p));
            p.add_(k1.back(), -m_alpha * m_lr);   // the second stage's point
        }
    }
    closure();
    {
        at::NoGradGuard noGrad;
        const double w2 = 1.0 / (2.0 * m_alpha);
        const double w1 = 1.0 - w2;
        for (size_t i = 0; i < params.size(); ++i) {
            const at::Tensor k2 = gradient(params[i]);
            params[i].copy_(start[i] - m_lr * (w1 * k1[i] + w2 * k2));
        }
    }
    return loss;
}

}   // namespace minimascope::core
