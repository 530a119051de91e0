#include "analysis/AutogradCurvature.h"

#include "models/EvalModeScope.h"
#include "models/FlatParameters.h"
#include "models/Network.h"
#include "train/Objective.h"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/autograd.h>

namespace minimascope::core {

AutogradCurvature::AutogradCurvature(Network& network, FlatParameters& parameters, const Dataset& data,
                                     const CancelToken* cancel, int64_t chunk)
    : m_objective(network, parameters, data, cancel, chunk)
{
}

at::Tensor AutogradCurvature::hessianProductOver(const at::Tensor& inputs, const at::Tensor& targets,
                                                 const at::Tensor& v, double scale)
{
    at::AutoGradMode gradMode(true);
    const at::Tensor output = m_objective.network().forward(inputs);
    // The objective of a chunk is the mean over it; rescale to sum_i f_i / scale.
    const at::Tensor loss = objectiveLoss(m_objective.data().task, output, targets)
                            * (static_cast<double>(inputs.size(0)) / scale);
    const auto grads = torch::autograd::grad({loss}, m_objective.parameterTensors(), {}, /*retain_graph=*/true,
                                             /*create_graph=*/true);
    at::Tensor dot = at::zeros({}, loss.options());
    for (size_t i = 0; i < grads.size(); ++i)
        dot = dot + (grads[i] * m_objective.parameters().slice(v, i)).sum();
    return m_objective.flatGradient(dot);
}

SymmetricOperator AutogradCurvature::hessian()
{
    SymmetricOperator op;
    op.dimension = m_objective.parameters().size();
    op.dtype = m_objective.parameters().values().scalar_type();
    op.apply = [this](const at::Tensor& v) -> at::Tensor {
        const auto n = static_cast<double>(m_objective.data().size());
        at::Tensor sum = at::zeros_like(v);
        const bool finished = m_objective.forEachChunk([&](const at::Tensor& inputs, const at::Tensor& targets) {
            sum += hessianProductOver(inputs, targets, v, n);
        });
        if (!finished)
            return {};
        ++m_products;
        return sum;
    };
    return op;
}

at::Tensor AutogradCurvature::exampleHessianProduct(int64_t i, const at::Tensor& v)
{
    EvalModeScope evalMode(m_objective.network());
    const Dataset& data = m_objective.data();
    return hessianProductOver(data.inputs.narrow(0, i, 1), data.targets.narrow(0, i, 1), v, 1.0);
}

SymmetricOperator AutogradCurvature::covariance()
{
    SymmetricOperator h = hessian();
    SymmetricOperator op;
    op.dimension = h.dimension;
    op.dtype = h.dtype;
    op.apply = [this, h](const at::Tensor& v) -> at::Tensor {
        const int64_t n = m_objective.data().size();
        at::Tensor sum = at::zeros_like(v);
        for (int64_t i = 0; i < n; ++i) {
            if (m_objective.cancelled())
                return {};
            sum += exampleHessianProduct(i, exampleHessianProduct(i, v));
        }
        const at::Tensor hv = h.apply(v);
        if (!hv.defined())
            return {};
        const at::Tensor hhv = h.apply(hv);
        if (!hhv.defined())
            return {};
        return sum / static_cast<double>(n) - hhv;
    };
    return op;
}

AutogradCurvature::LossAndGradient AutogradCurvature::lossAndGradient()
{
    GradientEvaluation evaluation = evaluateWithGradient(m_objective.network(), m_objective.data(),
                                                         m_objective.cancelToken(), m_objective.chunk());
    return {evaluation.loss, std::move(evaluation.gradient)};
}

}   // namespace minimascope::core
