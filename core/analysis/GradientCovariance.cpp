#include "analysis/GradientCovariance.h"

#include "models/FlatParameters.h"
#include "models/Network.h"
#include "train/Objective.h"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/autograd.h>

namespace minimascope::core {

at::Tensor perExampleLoss(Task task, const at::Tensor& output, const at::Tensor& targets)
{
    const int64_t n = output.size(0);
    switch (task) {
    case Task::Classification: return at::cross_entropy_loss(output, targets, {}, at::Reduction::None);
    case Task::Regression: return (output - targets.view_as(output)).pow(2).reshape({n, -1}).mean(1);
    case Task::DirectLoss: return output.reshape({n, -1}).mean(1);
    }
    return output.reshape({n, -1}).mean(1);
}

GradientCovariance::GradientCovariance(Network& network, FlatParameters& parameters, const Dataset& data,
                                       const CancelToken* cancel, int64_t chunk)
    : m_objective(network, parameters, data, cancel, chunk)
{
    const auto n = static_cast<double>(data.size());
    at::Tensor sum = at::zeros({parameters.size()}, parameters.values().options());
    const bool finished = m_objective.forEachChunk([&](const at::Tensor& inputs, const at::Tensor& targets) {
        const at::Tensor loss = perExampleLoss(data.task, network.forward(inputs), targets).sum() / n;
        m_loss += loss.item<double>();
        sum += m_objective.flatGradient(loss);
    });
    if (finished)
        m_gradient = sum;
}

at::Tensor GradientCovariance::secondMomentProduct(const at::Tensor& v)
{
    Network& network = m_objective.network();
    FlatParameters& parameters = m_objective.parameters();
    const Dataset& data = m_objective.data();
    const auto n = static_cast<double>(data.size());
    at::Tensor sum = at::zeros_like(v);
    const bool finished = m_objective.forEachChunk([&](const at::Tensor& inputs, const at::Tensor& targets) {
        const at::Tensor losses = perExampleLoss(data.task, network.forward(inputs), targets);
        // J v by the double-backward trick: w(u) = J^T u is linear in u, so d(w . v)/du = J v.
        const at::Tensor u = at::zeros_like(losses).requires_grad_(true);
        const auto jtu = torch::autograd::grad({(losses * u).sum()}, m_objective.parameterTensors(), {},
                                               /*retain_graph=*/true, /*create_graph=*/true, /*allow_unused=*/true);
        at::Tensor dot = at::zeros({}, losses.options());
        for (size_t i = 0; i < jtu.size(); ++i)
            if (jtu[i].defined())
                dot = dot + (jtu[i] * parameters.slice(v, i)).sum();
        at::Tensor jv = at::zeros_like(losses);
        if (dot.requires_grad())
            jv = torch::autograd::grad({dot}, {u}, {}, /*retain_graph=*/true, /*create_graph=*/false,
                                       /*allow_unused=*/true)[0];
        if (!jv.defined())
            jv = at::zeros_like(losses);
        // J^T (J v) / n: the gradient of sum_i (J v)_i f_i / n with J v held fixed.
        sum += m_objective.flatGradient((losses * jv.detach()).sum() / n);
    });
    if (!finished)
        return {};
    ++m_products;
    return sum;
}

SymmetricOperator GradientCovariance::secondMoment()
{
    SymmetricOperator op;
    op.dimension = m_objective.parameters().size();
    op.dtype = m_objective.parameters().values().scalar_type();
    op.apply = [this](const at::Tensor& v) { return secondMomentProduct(v); };
    return op;
}

SymmetricOperator GradientCovariance::covariance()
{
    SymmetricOperator op = secondMoment();
    op.apply = [this](const at::Tensor& v) -> at::Tensor {
        if (!m_gradient.defined())
            return {};
        const at::Tensor mv = secondMomentProduct(v);
        if (!mv.defined())
            return {};
        return mv - m_gradient * at::dot(m_gradient, v);
    };
    return op;
}

}   // namespace minimascope::core
