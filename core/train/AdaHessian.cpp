#include "train/AdaHessian.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <stdexcept>

namespace minimascope::core {

AdaHessian::AdaHessian(const at::Tensor& flatValues, std::vector<ParameterSlice> shapes, AdaHessianOptions options)
    : torch::optim::Optimizer({torch::optim::OptimizerParamGroup({flatValues})},
                              std::make_unique<AdaHessianOptions>(options)),
      m_shapes(std::move(shapes)), m_options(options),
      m_generator(at::make_generator<at::CPUGeneratorImpl>(options.seed()))
{
}

void AdaHessian::setHessianProduct(std::function<at::Tensor(const at::Tensor&)> product)
{
    m_hessianProduct = std::move(product);
}

at::Tensor AdaHessian::averageOverKernels(const at::Tensor& diagonal) const
{
    at::Tensor averaged = diagonal.clone();
    for (const ParameterSlice& shape : m_shapes) {
        if (shape.shape.size() != 4)
            continue;
        // [out, in, kh, kw]: one value per (out, in) kernel, shared by its kh * kw positions.
        at::Tensor kernel = averaged.narrow(0, shape.offset, shape.numel).view(shape.shape);
        kernel.copy_(kernel.mean({2, 3}, /*keepdim=*/true).expand_as(kernel));
    }
    return averaged;
}

at::Tensor AdaHessian::step(LossClosure closure)
{
    if (!closure || !m_hessianProduct)
        throw std::invalid_argument("AdaHessian needs a closure and a Hessian-vector product of its loss");
    const at::Tensor loss = closure();
    at::NoGradGuard noGrad;
    at::Tensor& theta = param_groups().front().params().front();
    const at::Tensor gradient = theta.grad().detach().clone();
    const at::Tensor z = (at::randint(2, {theta.numel()}, m_generator, theta.options()) * 2 - 1).detach();
    const at::Tensor product = m_hessianProduct(z);
    m_diagonal = averageOverKernels((z * product).abs());

    if (m_step == 0) {
        m_firstMoment = at::zeros_like(theta);
        m_secondMoment = at::zeros_like(theta);
    }
    ++m_step;
    const double beta1 = m_options.beta1();
    const double beta2 = m_options.beta2();
    m_firstMoment.mul_(beta1).add_(gradient, 1.0 - beta1);
    m_secondMoment.mul_(beta2).addcmul_(m_diagonal, m_diagonal, 1.0 - beta2);
    const double correction1 = 1.0 - std::pow(beta1, static_cast<double>(m_step));
    const double correction2 = 1.0 - std::pow(beta2, static_cast<double>(m_step));
    const double k = m_options.hessian_power();
    const at::Tensor denominator = (m_secondMoment.sqrt() / std::sqrt(correction2)).pow(k) + m_options.eps();
    const double lr = param_groups().front().options().get_lr();
    theta.sub_(lr * (m_firstMoment / correction1 / denominator + m_options.weight_decay() * theta));
    return loss;
}

}   // namespace minimascope::core
