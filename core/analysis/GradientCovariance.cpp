#include "analysis/GradientCovariance.h"

#include "common/CancelToken.h"
#include "models/EvalModeScope.h"
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
    : m_network(network), m_parameters(parameters), m_data(data), m_cancel(cancel), m_chunk(chunk)
{
    for (const auto& p : m_network.parameters())
        m_params.push_back(p);
    EvalModeScope evalMode(m_network);
    at::AutoGradMode gradMode(true);
    const int64_t n = m_data.size();
    at::Tensor sum = at::zeros({m_parameters.size()}, m_parameters.values().options());
    for (int64_t start = 0; start < n; start += m_chunk) {
        if (cancelled())
            return;
        const int64_t size = std::min(m_chunk, n - start);
        const at::Tensor losses = perExampleLoss(m_data.task, m_network.forward(m_data.inputs.narrow(0, start, size)),
                                                 m_data.targets.narrow(0, start, size));
        const at::Tensor loss = losses.sum() / static_cast<double>(n);
        m_loss += loss.item<double>();
        sum += m_parameters.flatten(torch::autograd::grad({loss}, m_params, {}, /*retain_graph=*/false,
                                                          /*create_graph=*/false, /*allow_unused=*/true));
    }
    m_gradient = sum;
}

bool GradientCovariance::cancelled() const { return m_cancel && m_cancel->isCancelled(); }

at::Tensor GradientCovariance::secondMomentProduct(const at::Tensor& v)
{
    EvalModeScope evalMode(m_network);
    at::AutoGradMode gradMode(true);
    const int64_t n = m_data.size();
    at::Tensor sum = at::zeros_like(v);
    for (int64_t start = 0; start < n; start += m_chunk) {
        if (cancelled())
            return {};
        const int64_t size = std::min(m_chunk, n - start);
        const at::Tensor losses = perExampleLoss(m_data.task, m_network.forward(m_data.inputs.narrow(0, start, size)),
                                                 m_data.targets.narrow(0, start, size));
        // J v by the double-backward trick: w(u) = J^T u is linear in u, so d(w . v)/du = J v.
        const at::Tensor u = at::zeros_like(losses).requires_grad_(true);
        const auto jtu = torch::autograd::grad({(losses * u).sum()}, m_params, {}, /*retain_graph=*/true,
                                               /*create_graph=*/true, /*allow_unused=*/true);
        at::Tensor dot = at::zeros({}, losses.options());
        for (size_t i = 0; i < jtu.size(); ++i)
            if (jtu[i].defined())
                dot = dot + (jtu[i] * m_parameters.slice(v, i)).sum();
        at::Tensor jv = at::zeros_like(losses);
        if (dot.requires_grad())
            jv = torch::autograd::grad({dot}, {u}, {}, /*retain_graph=*/true, /*create_graph=*/false,
                                       /*allow_unused=*/true)[0];
        if (!jv.defined())
            jv = at::zeros_like(losses);
        // J^T (J v) / n: the gradient of sum_i (J v)_i f_i / n with J v held fixed.
        sum += m_parameters.flatten(
            torch::autograd::grad({(losses * jv.detach()).sum() / static_cast<double>(n)}, m_params, {},
                                  /*retain_graph=*/false, /*create_graph=*/false, /*allow_unused=*/true));
    }
    ++m_products;
    return sum;
}

SymmetricOperator GradientCovariance::secondMoment()
{
    SymmetricOperator op;
    op.dimension = m_parameters.size();
    op.dtype = m_parameters.values().scalar_type();
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
