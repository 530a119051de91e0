#pragma once
// Sharpness-aware minimization (Foret et al. 2021) in the style of torch::optim: each step
// evaluates the gradient g at theta, moves to theta + rho g/|g| (the worst point of a small
// ball, to first order), evaluates the gradient there, returns to theta and lets a base
// optimizer step with that second gradient. Needs a closure; costs two gradients a step.
#include <torch/optim/optimizer.h>

#include <memory>

namespace minimascope::core {

struct SamOptions : public torch::optim::OptimizerCloneableOptions<SamOptions> {
    explicit SamOptions(double rho = 0.05) : rho_(rho) { }
    TORCH_ARG(double, rho);
    double get_lr() const override { return 0.0; }
    void set_lr(const double) override { }
};

class Sam : public torch::optim::Optimizer {
public:
    Sam(std::vector<at::Tensor> parameters, std::unique_ptr<torch::optim::Optimizer> base, SamOptions options);
    // Returns the loss at theta (before the step). Throws std::invalid_argument without closure.
    at::Tensor step(LossClosure closure) override;

private:
    std::unique_ptr<torch::optim::Optimizer> m_base;
    double m_rho;
};

}   // namespace minimascope::core
