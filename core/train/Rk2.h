#pragma once
// The explicit second-order Runge-Kutta step on the gradient flow d theta/dt = -grad L(theta), the
// "RK2" optimizer Im, Tao & Branson (2016) compare with SGD and Adam. One step of size eta with
// stage parameter alpha in (0, 1]:
//     k1 = g(theta),   k2 = g(theta - alpha eta k1),
//     theta <- theta - eta ((1 - 1/(2 alpha)) k1 + 1/(2 alpha) k2)
// alpha = 1 is Heun's method (theta - eta/2 (k1 + k2)), 1/2 the midpoint method (theta - eta k2),
// 2/3 Ralston's; every alpha is second order. g is the closure's gradient (the same mini-batch at
// both stages) plus weight_decay * theta. Needs a closure; costs two gradients a step. Returns the
// loss at theta (before the step), as every optimizer here does.
#include <torch/optim/optimizer.h>

namespace minimascope::core {

struct Rk2Options : public torch::optim::OptimizerCloneableOptions<Rk2Options> {
    explicit Rk2Options(double lr = 0.1) : lr_(lr) { }
    TORCH_ARG(double, lr);
    TORCH_ARG(double, alpha) = 1.0;
    TORCH_ARG(double, weight_decay) = 0.0;
    double get_lr() const override { return lr(); }
    void set_lr(const double lr) override { this->lr(lr); }
};

class Rk2 : public torch::optim::Optimizer {
public:
    // Throws std::invalid_argument unless 0 < alpha <= 1.
    Rk2(std::vector<at::Tensor> parameters, Rk2Options options);
    // Throws std::invalid_argument without closure.
    at::Tensor step(LossClosure closure) override;

private:
    double m_lr;
    double m_alpha;
    double m_weightDecay;
};

}   // namespace minimascope::core
