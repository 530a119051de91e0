#include "train/OptimizerFactory.h"

#include "train/AdaHessian.h"
#include "train/Rk2.h"
#include "train/RunConfig.h"
#include "train/Sam.h"

#include <torch/optim/adagrad.h>
#include <torch/optim/adam.h>
#include <torch/optim/lbfgs.h>
#include <torch/optim/sgd.h>

namespace minimascope::core {

namespace {

std::unique_ptr<torch::optim::Optimizer> makeSgd(const OptimizerSpec& spec, const at::Tensor& values)
{
    return std::make_unique<torch::optim::SGD>(std::vector<at::Tensor>{values}, torch::optim::SGDOptions(spec.lr)
                                                                                    .momentum(spec.momentum)
                                                                                    .nesterov(spec.nesterov)
                                                                                    .weight_decay(spec.weightDecay));
}

}   // namespace

bool isPlainSgd(const OptimizerSpec& spec)
{
    return (spec.name == "sgd" || spec.name == "gd") && spec.momentum == 0.0 && spec.weightDecay == 0.0;
}

std::unique_ptr<torch::optim::Optimizer> makeOptimizer(const OptimizerSpec& spec, const at::Tensor& values,
                                                       const std::vector<ParameterSlice>& shapes, uint64_t seed)
{
    const std::vector<at::Tensor> params{values};
    if (spec.name == "sgd" || spec.name == "gd")
        return makeSgd(spec, values);
    if (spec.name == "adagrad")
        return std::make_unique<torch::optim::Adagrad>(
            params,
            torch::optim::AdagradOptions(spec.lr).lr_decay(spec.lrDecay).eps(spec.eps).weight_decay(spec.weightDecay));
    if (spec.name == "adam")
        return std::make_unique<torch::optim::Adam>(params, torch::optim::AdamOptions(spec.lr)
                                                                .betas({spec.beta1, spec.beta2})
                                                                .eps(spec.eps)
                                                                .weight_decay(spec.weightDecay));
    if (spec.name == "lbfgs") {
        auto options =
            torch::optim::LBFGSOptions(spec.lr).history_size(spec.historySize).max_iter(spec.lbfgsInnerIterations);
        if (spec.lineSearch)
            options.line_search_fn("strong_wolfe");
        return std::make_unique<torch::optim::LBFGS>(params, options);
    }
    if (spec.name == "sam")
        return std::make_unique<Sam>(params, makeSgd(spec, values), SamOptions(spec.rho));
    if (spec.name == "adahessian")
        return std::make_unique<AdaHessian>(values, shapes,
                                            AdaHessianOptions(spec.lr)
                                                .beta1(spec.beta1)
                                                .beta2(spec.beta2)
                                                .eps(spec.eps)
                                                .weight_decay(spec.weightDecay)
                                                .hessian_power(spec.hessianPower)
                                                .seed(seed));
    if (spec.name == "rk2")
        return std::make_unique<Rk2>(params, Rk2Options(spec.lr).alpha(spec.rk2Alpha).weight_decay(spec.weightDecay));
    throw std::invalid_argument("unknown optimizer '" + spec.name + "'");
}

}   // namespace minimascope::core
