#include "analysis/ROperatorCurvature.h"

#include "analysis/ROperatorPasses.h"
#include "models/FlatParameters.h"
#include "models/Network.h"

#include <ATen/ATen.h>

#include <stdexcept>

namespace minimascope::core {

struct ROperatorCurvature::Impl {
    FlatParameters& parameters;
    const Dataset& data;
    int64_t chunk;
    int64_t cacheBytes;
    detail::ROperatorPasses passes;
    std::vector<at::Tensor> state;         // what the primal passes depend on besides the data
    std::vector<int64_t> cachedVersions;   // state's version counters when the cache was filled
    std::vector<detail::PrimalPass> primalCache;
    int64_t primalBytes = 0;
    // The H v that the last Sigma product computed on its way (its first pass's mean), handed to
    // the next H product of the same v: the stability operator asks for Sigma v and then H v, and
    // this makes its product cost about 3 H products instead of 4. Holding v keeps its TensorImpl
    // alive, so no other tensor can share its address; the version counters catch in-place changes.
    struct ByProduct {
        at::Tensor v;
        int64_t vVersion = 0;
        std::vector<int64_t> stateVersions;
        at::Tensor hv;
    } lastHessianProduct;

    Impl(const LayerGraph& graph, FlatParameters& p, const Dataset& d, const CancelToken* c, int64_t ch, int64_t bytes)
        : parameters(p), data(d), chunk(std::max<int64_t>(1, ch)), cacheBytes(bytes), passes(graph, p, d.task, c)
    {
        state.push_back(parameters.values());
        for (const LayerNode& node : graph.nodes())
            if (node.kind == LayerKind::BatchNorm) {
                state.push_back(node.runningMean);
                state.push_back(node.runningVar);
            }
    }

    int64_t chunks() const { return (data.size() + chunk - 1) / chunk; }

    std::vector<int64_t> versions() const
    {
        std::vector<int64_t> result;
        for (const at::Tensor& t : state)
            result.push_back(t._version());
        return result;
    }

    // Chunk c's primal pass, from the cache while the parameters are those it was made at;
    // incomplete when cancelled.
    detail::PrimalPass primal(int64_t c)
    {
        if (const std::vector<int64_t> now = versions(); now != cachedVersions) {
            primalCache.clear();
            primalBytes = 0;
            cachedVersions = now;
        }
        if (c < static_cast<int64_t>(primalCache.size()))
            return primalCache[static_cast<size_t>(c)];
        const int64_t start = c * chunk;
        const int64_t size = std::min(chunk, data.size() - start);
        detail::PrimalPass pass = passes.primal(data.inputs.narrow(0, start, size),
                                                data.targets.narrow(0, start, size));
        // Only a prefix of the chunks is kept, so that chunk c is cached iff c < size().
        if (pass.complete && c == static_cast<int64_t>(primalCache.size())
            && primalBytes + pass.bytes() <= cacheBytes) {
            primalBytes += pass.bytes();
            primalCache.push_back(pass);
        }
        return pass;
    }

    at::Tensor hessianProduct(const at::Tensor& v)
    {
        ByProduct kept = std::move(lastHessianProduct);
        lastHessianProduct = {};
        if (kept.v.defined() && kept.v.unsafeGetTensorImpl() == v.unsafeGetTensorImpl() && kept.vVersion == v._version()
            && kept.stateVersions == versions())
            return kept.hv;
        at::NoGradGuard noGrad;
        at::Tensor sum = at::zeros_like(v);
        for (int64_t c = 0; c < chunks(); ++c) {
            const detail::PrimalPass pass = primal(c);
            detail::TangentRequest request;
            request.shared = &v;
            request.sum = &sum;
            if (!pass.complete || !passes.tangent(pass, request))
                return {};
        }
        return sum / static_cast<double>(data.size());
    }

    SymmetricOperator operatorOf(at::Tensor (Impl::*product)(const at::Tensor&));

    at::Tensor covarianceProduct(const at::Tensor& v)
    {
        lastHessianProduct = {};
        at::NoGradGuard noGrad;
        // Pass 1: w = H v, keeping each chunk's u_i = H_i v while the budget allows.
        at::Tensor w = at::zeros_like(v);
        std::vector<detail::ExampleDirections> kept;
        int64_t keptBytes = 0;
        for (int64_t c = 0; c < chunks(); ++c) {
            const detail::PrimalPass pass = primal(c);
            detail::ExampleDirections directions;
            detail::TangentRequest request;
            request.shared = &v;
            request.sum = &w;
            request.keep = &directions;
            if (!pass.complete || !passes.tangent(pass, request))
                return {};
            const int64_t bytes = detail::ROperatorPasses::bytes(directions);
            if (c == static_cast<int64_t>(kept.size()) && primalBytes + keptBytes + bytes <= cacheBytes) {
                keptBytes += bytes;
                kept.push_back(std::move(directions));
            }
        }
        lastHessianProduct = {v, v._version(), versions(), w / static_cast<double>(data.size())};
        const at::Tensor minusW = w / -static_cast<double>(data.size());
        // Pass 2: sum_i H_i (u_i - w).
        at::Tensor sum = at::zeros_like(v);
        for (int64_t c = 0; c < chunks(); ++c) {
            const detail::PrimalPass pass = primal(c);
            if (!pass.complete)
                return {};
            detail::ExampleDirections recomputed;
            if (c >= static_cast<int64_t>(kept.size())) {
                detail::TangentRequest first;
                first.shared = &v;
                first.keep = &recomputed;
                if (!passes.tangent(pass, first))
                    return {};
            }
            detail::TangentRequest second;
            second.shared = &minusW;
            second.perExample = c < static_cast<int64_t>(kept.size()) ? &kept[static_cast<size_t>(c)] : &recomputed;
            second.sum = &sum;
            if (!passes.tangent(pass, second))
                return {};
        }
        return sum / static_cast<double>(data.size());
    }
};

SymmetricOperator ROperatorCurvature::Impl::operatorOf(at::Tensor (Impl::*product)(const at::Tensor&))
{
    SymmetricOperator op;
    op.dimension = parameters.size();
    op.dtype = parameters.values().scalar_type();
    op.apply = [this, product](const at::Tensor& v) { return (this->*product)(v); };
    return op;
}

bool ROperatorCurvature::supports(const Network& network, Task task)
{
    return (task == Task::Classification || task == Task::Regression) && !network.layerGraph().empty();
}

ROperatorCurvature::ROperatorCurvature(Network& network, FlatParameters& parameters, const Dataset& data,
                                       const CancelToken* cancel, int64_t chunk, int64_t cacheBytes)
{
    const LayerGraph graph = network.layerGraph();
    if (graph.empty())
        throw std::invalid_argument(network.describe() + " has no layer graph for the curvature engine");
    m_impl = std::make_unique<Impl>(graph, parameters, data, cancel, chunk, cacheBytes);
}

ROperatorCurvature::~ROperatorCurvature() = default;

SymmetricOperator ROperatorCurvature::hessian() { return m_impl->operatorOf(&Impl::hessianProduct); }

SymmetricOperator ROperatorCurvature::covariance() { return m_impl->operatorOf(&Impl::covarianceProduct); }

}   // namespace minimascope::core
