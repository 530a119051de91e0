#include "analysis/AutogradCurvature.h"

#include "common/CancelToken.h"
#include "models/EvalModeScope.h"
#include "models/FlatParameters.h"
#include "models/Network.h"
#include "train/Objective.h"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/autograd.h>

namespace minimascope::core {

AutogradCurvature::AutogradCurvature(Network& network, FlatParameters& parameters, const Dataset& data,
                                     const CancelToken* cancel, int64_t chunk)
    : m_network(network), m_parameters(parameters), m_data(data), m_cancel(cancel), m_chunk(chunk)
{
    for (const auto& p : m_network.parameters())
        m_params.push_back(p);
}

bool AutogradCurvature::cancelled() const { return m_cancel && m_cancel->isCancelled(); }

at::Tensor AutogradCurvature::hessianProductOver(const at::Tensor& inputs, const at::Tensor& targets,
                                                 const at::Tensor& v, double scale)
{
    at::AutoGradMode gradMode(true);
    const at::Tensor output = m_network.forward(inputs);
    // The objective of a chunk is the mean over it; rescale to sum_i f_i / scale.
    const at::Tensor loss = objectiveLoss(m_data.task, output, targets) * (static_cast<double>(inputs.size(0)) / scale);
    const auto grads = torch::autograd::grad({loss}, m_params, {}, /*retain_graph=*/true, /*create_graph=*/true);
    at::Tensor dot = at::zeros({}, loss.options());
    for (size_t i = 0; i < grads.size(); ++i)
        dot = dot + (grads[i] * m_parameters.slice(v, i)).sum();
    return m_parameters.flatten(torch::autograd::grad({dot}, m_params, {}, /*retain_graph=*/false,
                                                      /*create_graph=*/false, /*allow_unused=*/true));
}

SymmetricOperator AutogradCurvature::hessian()
{
    SymmetricOperator op;
    op.dimension = m_parameters.size();
    op.dtype = m_parameters.values().scalar_type();
    op.apply = [this](const at::Tensor& v) -> at::Tensor {
        EvalModeScope evalMode(m_network);
        const int64_t n = m_data.size();
        at::Tensor sum = at::zeros_like(v);
        for (int64_t start = 0; start < n; start += m_chunk) {
            if (cancelled())
                return {};
            const int64_t size = std::min(m_chunk, n - start);
            sum += hessianProductOver(m_data.inputs.narrow(0, start, size), m_data.targets.narrow(0, start, size), v,
                                      static_cast<double>(n));
        }
        ++m_products;
        return sum;
    };
    return op;
}

at::Tensor AutogradCurvature::exampleHessianProduct(int64_t i, const at::Tensor& v)
{
    EvalModeScope evalMode(m_network);
    return hessianProductOver(m_data.inputs.narrow(0, i, 1), m_data.targets.narrow(0, i, 1), v, 1.0);
}

SymmetricOperator AutogradCurvature::covariance()
{
    SymmetricOperator h = hessian();
    SymmetricOperator op;
    op.dimension = h.dimension;
    op.dtype = h.dtype;
    op.apply = [this, h](const at::Tensor& v) -> at::Tensor {
        const int64_t n = m_data.size();
        at::Tensor sum = at::zeros_like(v);
        for (int64_t i = 0; i < n; ++i) {
            if (cancelled())
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
    GradientEvaluation evaluation = evaluateWithGradient(m_network, m_data, m_cancel, m_chunk);
    return {evaluation.loss, std::move(evaluation.gradient)};
}

}   // namespace minimascope::core
