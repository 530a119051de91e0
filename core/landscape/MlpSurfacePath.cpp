#include "landscape/MlpSurfacePath.h"

#include "common/CancelToken.h"
#include "io/NumberFormat.h"
#include "models/FlatParameters.h"
#include "models/Mlp.h"

#include <ATen/ATen.h>

#include <limits>
#include <map>
#include <string>

namespace minimascope::core {

namespace {

// `base + a * one + b * two`, skipping the terms whose tensor is undefined (1D curves).
at::Tensor combine(const at::Tensor& base, double a, const at::Tensor& one, double b, const at::Tensor& two)
{
    at::Tensor result = one.defined() ? at::add(base, one, a) : base.clone();
    if (two.defined())
        result.add_(two, b);
    return result;
}

at::Tensor sliceOrUndefined(const FlatParameters& layout, const at::Tensor& vector, size_t index)
{
    return vector.defined() ? layout.slice(vector, index) : at::Tensor();
}

}   // namespace

std::unique_ptr<MlpSurfacePath> MlpSurfacePath::tryCreate(Network& network, const FlatParameters& parameters,
                                                          const Dataset& data, const at::Tensor& origin,
                                                          const at::Tensor& direction1, const at::Tensor& direction2,
                                                          const CancelToken* cancel, bool& cancelled)
{
    cancelled = false;
    const auto* mlp = dynamic_cast<const Mlp*>(&network);
    if (mlp == nullptr || mlp->options().batchNorm || data.task == Task::DirectLoss || data.size() == 0)
        return nullptr;
    std::map<std::string, size_t> byName;
    for (size_t k = 0; k < parameters.slices().size(); ++k)
        byName[parameters.slices()[k].name] = k;
    const size_t layers = mlp->linears().size();
    if (byName.size() != 2 * layers)
        return nullptr;
    std::vector<Affine> affine;
    for (size_t l = 0; l < layers; ++l) {
        const auto weight = byName.find("linear" + std::to_string(l) + ".weight");
        const auto bias = byName.find("linear" + std::to_string(l) + ".bias");
        if (weight == byName.end() || bias == byName.end())
            return nullptr;
        affine.push_back({parameters.slice(origin, weight->second), parameters.slice(direction1, weight->second),
                          sliceOrUndefined(parameters, direction2, weight->second),
                          parameters.slice(origin, bias->second), parameters.slice(direction1, bias->second),
                          sliceOrUndefined(parameters, direction2, bias->second)});
    }

    at::NoGradGuard noGrad;
    std::unique_ptr<MlpSurfacePath> path(new MlpSurfacePath());
    path->m_task = data.task;
    path->m_activation = mlp->options().activation;
    path->m_targets = data.task == Task::Regression ? data.targets.to(origin.scalar_type()) : data.targets;
    const Affine& first = affine.front();
    const at::Tensor inputs = data.inputs.reshape({data.size(), -1}).to(origin.scalar_type());
    for (int64_t start = 0; start < data.size(); start += kChunk) {
        if (cancel && cancel->isCancelled()) {
            cancelled = true;
            return nullptr;
        }
        const at::Tensor x = inputs.narrow(0, start, std::min(kChunk, data.size() - start));
        path->m_firstLayer.push_back(
            {at::addmm(first.bias0, x, first.weight0.t()), at::addmm(first.bias1, x, first.weight1.t()),
             first.weight2.defined() ? at::addmm(first.bias2, x, first.weight2.t()) : at::Tensor()});
    }
    path->m_deeperLayers.assign(affine.begin() + 1, affine.end());
    return path;
}

Evaluation MlpSurfacePath::evaluate(double alpha, double beta, bool accuracy, const CancelToken* cancel) const
{
    at::NoGradGuard noGrad;
    std::vector<std::pair<at::Tensor, at::Tensor>> weights;
    for (const Affine& layer : m_deeperLayers)
        weights.emplace_back(combine(layer.weight0, alpha, layer.weight1, beta, layer.weight2).t(),
                             combine(layer.bias0, alpha, layer.bias1, beta, layer.bias2));
    double lossSum = 0.0;
    int64_t correct = 0;
    int64_t start = 0;
    for (const auto& products : m_firstLayer) {
        if (cancel && cancel->isCancelled())
            return {kNaN, kNaN};
        at::Tensor x = combine(products[0], alpha, products[1], beta, products[2]);
        for (const auto& [weightT, bias] : weights)
            x = at::addmm(bias, applyActivation(m_activation, x), weightT);
        const int64_t rows = x.size(0);
        const at::Tensor targets = m_targets.narrow(0, start, rows);
        lossSum += objectiveLoss(m_task, x, targets).item<double>() * static_cast<double>(rows);
        if (accuracy && m_task == Task::Classification)
            correct += x.argmax(1).eq(targets).sum().item<int64_t>();
        start += rows;
    }
    const double n = static_cast<double>(start);
    const bool hasAccuracy = accuracy && m_task == Task::Classification;
    return {lossSum / n, hasAccuracy ? static_cast<double>(correct) / n : kNaN};
}

}   // namespace minimascope::core
