#include "analysis/LeNetCurvature.h"

#include "common/CancelToken.h"
#include "models/FlatParameters.h"
#include "models/LeNet5.h"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/autograd.h>

#include <stdexcept>

namespace minimascope::core {

namespace {

at::Tensor flatten(const std::vector<at::Tensor>& parts)
{
    std::vector<at::Tensor> flat;
    flat.reserve(parts.size());
    for (const auto& p : parts)
        flat.push_back(p.reshape({-1}));
    return at::cat(flat);
}

// LeNet5::forward with per-example weights w[k] = [c, shape of parameter k], in LeNet5's
// parameter order (conv1, conv2, fc1, fc2, fc3; weight then bias).
at::Tensor expandedForward(Activation activation, const at::Tensor& x, const std::vector<at::Tensor>& w)
{
    const int64_t c = x.size(0);
    const auto grouped = [c](const at::Tensor& input, const at::Tensor& weight, const at::Tensor& bias,
                             int64_t padding) {
        const int64_t out = weight.size(1);
        return at::conv2d(input, weight.reshape({c * out, weight.size(2), weight.size(3), weight.size(4)}),
                          bias.reshape({c * out}), /*stride=*/1, padding, /*dilation=*/1, /*groups=*/c);
    };
    at::Tensor h = x.reshape({1, c * x.size(1), x.size(2), x.size(3)});
    h = at::max_pool2d(applyActivation(activation, grouped(h, w[0], w[1], 2)), {2, 2});
    h = at::max_pool2d(applyActivation(activation, grouped(h, w[2], w[3], 0)), {2, 2});
    h = h.reshape({c, 1, -1});
    h = applyActivation(activation, at::baddbmm(w[5].unsqueeze(1), h, w[4].transpose(1, 2)));
    h = applyActivation(activation, at::baddbmm(w[7].unsqueeze(1), h, w[6].transpose(1, 2)));
    return at::baddbmm(w[9].unsqueeze(1), h, w[8].transpose(1, 2)).squeeze(1);
}

} // namespace

LeNetCurvature::LeNetCurvature(LeNet5& network, FlatParameters& parameters, const Dataset& data,
                               SymmetricOperator hessian, const CancelToken* cancel, int64_t chunk)
    : m_network(network), m_parameters(parameters), m_data(data), m_hessian(std::move(hessian)), m_cancel(cancel),
      m_chunk(chunk)
{
    if (parameters.slices().size() != 10 || !supports(data.task))
        throw std::invalid_argument("LeNetCurvature needs LeNet-5's 10 parameter tensors and a classification task");
}

SymmetricOperator LeNetCurvature::covariance()
{
    SymmetricOperator op;
    op.dimension = m_parameters.size();
    op.dtype = m_parameters.values().scalar_type();
    op.apply = [this](const at::Tensor& v) { return apply(v); };
    return op;
}

at::Tensor LeNetCurvature::apply(const at::Tensor& v)
{
    at::AutoGradMode gradMode(true);
    const size_t count = m_parameters.slices().size();
    std::vector<at::Tensor> meanU;
    std::vector<at::Tensor> sumHu;
    for (size_t k = 0; k < count; ++k) {
        meanU.push_back(at::zeros_like(m_parameters.slice(v, k)));
        sumHu.push_back(at::zeros_like(m_parameters.slice(v, k)));
    }
    const int64_t n = m_data.size();
    for (int64_t start = 0; start < n; start += m_chunk) {
        if (m_cancel && m_cancel->isCancelled())
            return {};
        const int64_t c = std::min(m_chunk, n - start);
        std::vector<at::Tensor> copies;
        for (size_t k = 0; k < count; ++k) {
            const at::Tensor p = m_parameters.slice(m_parameters.values(), k).detach();
            std::vector<int64_t> shape{c};
            shape.insert(shape.end(), p.sizes().begin(), p.sizes().end());
            copies.push_back(p.unsqueeze(0).expand(shape).clone().requires_grad_(true));
        }
        const at::Tensor logits = expandedForward(m_network.activation(), m_data.inputs.narrow(0, start, c), copies);
        // Sum of the per-example losses: the gradient for copy i is grad f_i.
        const at::Tensor loss = at::nll_loss(at::log_softmax(logits, 1), m_data.targets.narrow(0, start, c), {},
                                             at::Reduction::Sum);
        const auto gradients = torch::autograd::grad({loss}, copies, {}, /*retain_graph=*/true, /*create_graph=*/true);
        at::Tensor first = at::zeros({}, loss.options());
        for (size_t k = 0; k < count; ++k)
            first = first + (gradients[k] * m_parameters.slice(v, k).unsqueeze(0)).sum();
        const auto u = torch::autograd::grad({first}, copies, {}, /*retain_graph=*/true, /*create_graph=*/false);
        at::Tensor second = at::zeros({}, loss.options());
        for (size_t k = 0; k < count; ++k)
            second = second + (gradients[k] * u[k]).sum();
        const auto hu = torch::autograd::grad({second}, copies, {}, /*retain_graph=*/false, /*create_graph=*/false);
        for (size_t k = 0; k < count; ++k) {
            meanU[k] += u[k].sum(0) / static_cast<double>(n);
            sumHu[k] += hu[k].sum(0);
        }
    }
    const at::Tensor hhv = m_hessian.apply(flatten(meanU));
    if (!hhv.defined())
        return {};
    return flatten(sumHu) / static_cast<double>(n) - hhv;
}

} // namespace minimascope::core
