#include "train/Sam.h"

#include <ATen/ATen.h>

#include <stdexcept>

namespace minimascope::core {

Sam::Sam(std::vector<at::Tensor> parameters, std::unique_ptr<torch::optim::Optimizer> base, SamOptions options)
    : torch::optim::Optimizer({torch::optim::OptimizerParamGroup(std::move(parameters))},
                              std::make_unique<SamOptions>(options)),
      m_base(std::move(base)), m_rho(options.rho())
{
}

at::Tensor Sam::step(LossClosure closure)
{
    if (!closure)
        throw std::invalid_argument("SAM needs a closure that recomputes the loss and gradient");
    const at::Tensor loss = closure();
    std::vector<at::Tensor> perturbations;
    {
        at::NoGradGuard noGrad;
        double squaredNorm = 0.0;
        for (const auto& p : param_groups().front().params())
            if (p.grad().defined())
                squaredNorm += p.grad().pow(2).sum().item<double>();
        const double scale = m_rho / (std::sqrt(squaredNorm) + 1e-12);
        for (const auto& p : param_groups().front().params()) {
            perturbations.push_back(p.grad().defined() ? p.grad() * scale : at::zeros_like(p));
            p.add_(perturbations.back());
        }
    }
    closure();
    {
        at::NoGradGuard noGrad;
        size_t i = 0;
        for (const auto& p : param_groups().front().params())
            p.sub_(perturbations[i++]);
    }
    m_base->step();
    return loss;
}

}   // namespace minimascope::core
