#pragma once
// AdaHessian (Yao, Gholami, Shen, Mustafa, Keutzer & Mahoney 2021) in the style of torch::optim:
// Adam's moments, except that the second moment averages the square of a Hutchinson estimate of
// the Hessian diagonal, D = |z .* (H z)| with a fresh Rademacher z each step, averaged over the
// spatial positions of each convolution kernel (4-D parameters) as in the authors' code:
//     m <- b1 m + (1 - b1) g,   v <- b2 v + (1 - b2) D^2,
//     theta <- theta - lr ( (m / (1 - b1^t)) / ((sqrt(v) / sqrt(1 - b2^t))^k + eps) + wd theta ),
// with Hessian power k (1 = the paper's default). Works on the flat parameter vector; the shapes
// of the parameters inside it (FlatParameters::slices) say which ranges are convolution kernels.
// Each step needs one H z product of the same batch's loss: step(closure) calls the closure
// (which computes the loss and writes the gradient, keeping its graph) and then the product
// function set with setHessianProduct. Throws std::invalid_argument without either.
#include "models/FlatParameters.h"

#include <ATen/core/Generator.h>
#include <torch/optim/optimizer.h>

#include <functional>
#include <vector>

namespace minimascope::core {

struct AdaHessianOptions : public torch::optim::OptimizerCloneableOptions<AdaHessianOptions> {
    explicit AdaHessianOptions(double lr = 0.15) : lr_(lr) { }
    TORCH_ARG(double, lr);
    TORCH_ARG(double, beta1) = 0.9;
    TORCH_ARG(double, beta2) = 0.999;
    TORCH_ARG(double, eps) = 1e-4;
    TORCH_ARG(double, weight_decay) = 0.0;
    TORCH_ARG(double, hessian_power) = 1.0;
    TORCH_ARG(uint64_t, seed) = 0;   // Rademacher probes
    double get_lr() const override { return lr(); }
    void set_lr(const double lr) override { this->lr(lr); }
};

class AdaHessian : public torch::optim::Optimizer {
public:
    // flatValues: the flat parameter vector (its .grad the flat gradient); shapes: the
    // parameters inside it, in order (empty: one vector, no kernel averaging).
    AdaHessian(const at::Tensor& flatValues, std::vector<ParameterSlice> shapes, AdaHessianOptions options);

    // H z for the loss of the last closure call (z flat, same dtype); the trainer sets it.
    void setHessianProduct(std::function<at::Tensor(const at::Tensor&)> product);

    // Returns the loss before the step.
    at::Tensor step(LossClosure closure) override;

    // The diagonal estimate D of the last step (after kernel averaging), for tests and plots.
    const at::Tensor& lastDiagonal() const { return m_diagonal; }

private:
    at::Tensor averageOverKernels(const at::Tensor& diagonal) const;

    std::vector<ParameterSlice> m_shapes;
    AdaHessianOptions m_options;
    std::function<at::Tensor(const at::Tensor&)> m_hessianProduct;
    at::Generator m_generator;
    at::Tensor m_firstMoment;
    at::Tensor m_secondMoment;
    at::Tensor m_diagonal;
    int64_t m_step = 0;
};

}   // namespace minimascope::core
