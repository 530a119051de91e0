#include "analysis/MlpCurvature.h"

#include "common/CancelToken.h"
#include "models/FlatParameters.h"
#include "models/Mlp.h"
#include "train/Objective.h"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/autograd.h>

#include <cmath>

namespace minimascope::core {

namespace {

// For one linear layer and a chunk of examples: the error delta = d f_i / d z (per example,
// rows), its directional derivative, the layer's input a and the input's derivative (undefined
// for the first layer, whose input is the data).
struct LayerFactors {
    at::Tensor delta, deltaDot, input, inputDot;
};
using ChunkFactors = std::vector<LayerFactors>;

at::Tensor activationFirstDerivative(Activation activation, const at::Tensor& z, const at::Tensor& a)
{
    switch (activation) {
    case Activation::Relu: return (z > 0).to(z.scalar_type());
    case Activation::Tanh: return 1 - a * a;
    case Activation::Gelu: {
        const at::Tensor pdf = at::exp(-0.5 * z * z) / std::sqrt(2 * M_PI);
        return 0.5 * (1 + at::erf(z / std::sqrt(2.0))) + z * pdf;
    }
    }
    return at::ones_like(z);
}

// Undefined where the second derivative vanishes (ReLU, almost everywhere).
at::Tensor activationSecondDerivative(Activation activation, const at::Tensor& z, const at::Tensor& a)
{
    switch (activation) {
    case Activation::Relu: return {};
    case Activation::Tanh: return -2 * a * (1 - a * a);
    case Activation::Gelu: return at::exp(-0.5 * z * z) / std::sqrt(2 * M_PI) * (2 - z * z);
    }
    return {};
}

} // namespace

struct MlpCurvature::Impl {
    Mlp& mlp;
    FlatParameters& parameters;
    const Dataset& data;
    const CancelToken* cancel;
    int64_t chunk;
    int64_t cacheBytes;
    std::vector<size_t> weightSlice, biasSlice;   // each layer's slices in the flat vector
    std::vector<at::Tensor> liveParameters;       // in flat order, for autograd

    Impl(Mlp& m, FlatParameters& p, const Dataset& d, const CancelToken* c, int64_t ch, int64_t bytes)
        : mlp(m), parameters(p), data(d), cancel(c), chunk(ch), cacheBytes(bytes)
    {
        const auto& slices = parameters.slices();
        for (size_t l = 0; l < mlp.linears().size(); ++l) {
            const std::string prefix = "linear" + std::to_string(l) + ".";
            for (size_t s = 0; s < slices.size(); ++s) {
                if (slices[s].name == prefix + "weight")
                    weightSlice.push_back(s);
                if (slices[s].name == prefix + "bias")
                    biasSlice.push_back(s);
            }
        }
        for (const auto& p2 : mlp.parameters())
            liveParameters.push_back(p2);
    }

    bool cancelled() const { return cancel && cancel->isCancelled(); }
    at::Tensor weight(size_t l) const { return mlp.linears()[l]->weight; }
    at::Tensor bias(size_t l) const { return mlp.linears()[l]->bias; }

    // The R-operator: forward and backward passes with their tangents along v.
    ChunkFactors tangentPass(const at::Tensor& inputs, const at::Tensor& targets, const at::Tensor& v) const
    {
        at::NoGradGuard noGrad;
        const Activation activation = mlp.options().activation;
        const size_t layers = mlp.linears().size();
        std::vector<at::Tensor> z(layers), zDot(layers), layerInput(layers), layerInputDot(layers);
        at::Tensor a = inputs.reshape({inputs.size(0), -1});
        at::Tensor aDot;
        for (size_t l = 0; l < layers; ++l) {
            const at::Tensor direction = parameters.slice(v, weightSlice[l]);
            layerInput[l] = a;
            layerInputDot[l] = aDot;
            z[l] = at::addmm(bias(l), a, weight(l).t());
            zDot[l] = at::addmm(parameters.slice(v, biasSlice[l]), a, direction.t());
            if (aDot.defined())
                zDot[l].addmm_(aDot, weight(l).t());
            if (l + 1 < layers) {
                a = applyActivation(activation, z[l]);
                aDot = activationFirstDerivative(activation, z[l], a) * zDot[l];
            }
        }
        at::Tensor delta, deltaDot;
        const at::Tensor& output = z.back();
        if (data.task == Task::Classification) {
            const at::Tensor p = at::softmax(output, 1);
            delta = p.clone();
            subtractTargetOneHot(delta, targets);
            // The softmax Jacobian applied to the output's tangent.
            deltaDot = p * zDot.back() - p * (p * zDot.back()).sum(1, /*keepdim=*/true);
        } else {
            const double scale = 2.0 / static_cast<double>(output.size(1));
            delta = (output - targets.view_as(output)) * scale;
            deltaDot = zDot.back() * scale;
        }
        ChunkFactors factors(layers);
        for (size_t l = layers; l-- > 0;) {
            factors[l] = {delta, deltaDot, layerInput[l], layerInputDot[l]};
            if (l == 0)
                break;
            const at::Tensor below = at::mm(delta, weight(l));
            const at::Tensor belowDot = at::addmm(at::mm(delta, parameters.slice(v, weightSlice[l])), deltaDot, weight(l));
            const at::Tensor slope = activationFirstDerivative(activation, z[l - 1], layerInput[l]);
            deltaDot = slope * belowDot;
            if (const at::Tensor curvature = activationSecondDerivative(activation, z[l - 1], layerInput[l]);
                curvature.defined())
                deltaDot += curvature * zDot[l - 1] * below;
            delta = slope * below;
        }
        return factors;
    }

    // Adds sum_i H_i v (from the factors) into the flat `sum`.
    void accumulateHessianProduct(const ChunkFactors& factors, at::Tensor& sum) const
    {
        at::NoGradGuard noGrad;
        for (size_t l = 0; l < factors.size(); ++l) {
            const LayerFactors& f = factors[l];
            at::Tensor weightPart = parameters.slice(sum, weightSlice[l]);
            weightPart.addmm_(f.deltaDot.t(), f.input);
            if (f.inputDot.defined())
                weightPart.addmm_(f.delta.t(), f.inputDot);
            parameters.slice(sum, biasSlice[l]).add_(f.deltaDot.sum(0));
        }
    }

    // grad_theta sum_i <grad f_i(theta), u_i - w> for the chunk, u_i = H_i v given by its factors.
    at::Tensor covarianceGradient(const at::Tensor& inputs, const at::Tensor& targets, const ChunkFactors& factors,
                                  const at::Tensor& w) const
    {
        at::AutoGradMode gradMode(true);
        const Activation activation = mlp.options().activation;
        const size_t layers = mlp.linears().size();
        std::vector<at::Tensor> z(layers), layerInput(layers);
        at::Tensor a = inputs.reshape({inputs.size(0), -1});
        for (size_t l = 0; l < layers; ++l) {
            layerInput[l] = a;
            z[l] = at::addmm(bias(l), a, weight(l).t());
            if (l + 1 < layers)
                a = applyActivation(activation, z[l]);
        }
        at::Tensor lossSum;
        if (data.task == Task::Classification) {
            lossSum = at::cross_entropy_loss(z.back(), targets, {}, at::Reduction::Sum);
        } else {
            lossSum = (z.back() - targets.view_as(z.back())).pow(2).sum() / static_cast<double>(z.back().size(1));
        }
        // delta_l(theta) = d sum_i f_i / d z_l, kept differentiable.
        const auto deltas = torch::autograd::grad({lossSum}, z, {}, /*retain_graph=*/true, /*create_graph=*/true);
        at::Tensor inner = at::zeros({}, lossSum.options());
        for (size_t l = 0; l < layers; ++l) {
            const LayerFactors& f = factors[l];
            const at::Tensor& delta = deltas[l];
            const at::Tensor& input = layerInput[l];
            // <delta a^T, deltaDot input^T + delta0 inputDot^T> + <delta, deltaDot> (bias)
            const at::Tensor alongDeltaDot = (delta * f.deltaDot).sum(1);
            inner = inner + (alongDeltaDot * ((input * f.input).sum(1) + 1)).sum();
            if (f.inputDot.defined())
                inner = inner + ((delta * f.delta).sum(1) * (input * f.inputDot).sum(1)).sum();
            // - <delta a^T, W_w> - <delta, b_w>
            const at::Tensor weightW = parameters.slice(w, weightSlice[l]);
            const at::Tensor biasW = parameters.slice(w, biasSlice[l]);
            inner = inner - (at::mm(input, weightW.t()) * delta).sum() - (delta.sum(0) * biasW).sum();
        }
        const auto grads = torch::autograd::grad({inner}, liveParameters, {}, /*retain_graph=*/false,
                                                 /*create_graph=*/false, /*allow_unused=*/true);
        at::Tensor flat = at::zeros({parameters.size()}, w.options());
        for (size_t i = 0; i < grads.size(); ++i)
            if (grads[i].defined())
                parameters.slice(flat, i).copy_(grads[i]);
        return flat;
    }

    int64_t factorBytes(const ChunkFactors& factors) const
    {
        int64_t bytes = 0;
        for (const auto& f : factors)
            for (const at::Tensor* t : {&f.delta, &f.deltaDot, &f.input, &f.inputDot})
                if (t->defined())
                    bytes += t->numel() * static_cast<int64_t>(t->element_size());
        return bytes;
    }
};

bool MlpCurvature::supports(const Mlp& mlp, Task task)
{
    return !mlp.options().batchNorm && (task == Task::Classification || task == Task::Regression);
}

MlpCurvature::MlpCurvature(Mlp& mlp, FlatParameters& parameters, const Dataset& data, const CancelToken* cancel,
                           int64_t chunk, int64_t cacheBytes)
    : m_impl(std::make_unique<Impl>(mlp, parameters, data, cancel, chunk, cacheBytes))
{
}

MlpCurvature::~MlpCurvature() = default;

SymmetricOperator MlpCurvature::hessian()
{
    SymmetricOperator op;
    op.dimension = m_impl->parameters.size();
    op.dtype = m_impl->parameters.values().scalar_type();
    op.apply = [impl = m_impl.get()](const at::Tensor& v) -> at::Tensor {
        const int64_t n = impl->data.size();
        at::Tensor sum = at::zeros_like(v);
        for (int64_t start = 0; start < n; start += impl->chunk) {
            if (impl->cancelled())
                return {};
            const int64_t size = std::min(impl->chunk, n - start);
            impl->accumulateHessianProduct(
                impl->tangentPass(impl->data.inputs.narrow(0, start, size), impl->data.targets.narrow(0, start, size), v),
                sum);
        }
        return sum / static_cast<double>(n);
    };
    return op;
}

SymmetricOperator MlpCurvature::covariance()
{
    SymmetricOperator op;
    op.dimension = m_impl->parameters.size();
    op.dtype = m_impl->parameters.values().scalar_type();
    op.apply = [impl = m_impl.get()](const at::Tensor& v) -> at::Tensor {
        const int64_t n = impl->data.size();
        // Pass 1: w = H v, keeping the factors for pass 2 while they fit the cache budget.
        std::vector<ChunkFactors> cache;
        int64_t cached = 0;
        bool cacheFits = true;
        at::Tensor w = at::zeros_like(v);
        for (int64_t start = 0; start < n; start += impl->chunk) {
            if (impl->cancelled())
                return {};
            const int64_t size = std::min(impl->chunk, n - start);
            ChunkFactors factors = impl->tangentPass(impl->data.inputs.narrow(0, start, size),
                                                     impl->data.targets.narrow(0, start, size), v);
            impl->accumulateHessianProduct(factors, w);
            cached += impl->factorBytes(factors);
            cacheFits = cacheFits && cached <= impl->cacheBytes;
            if (cacheFits)
                cache.push_back(std::move(factors));
        }
        w /= static_cast<double>(n);
        // Pass 2: Sigma v = (1/n) grad sum_i <grad f_i, H_i v - w>.
        at::Tensor sum = at::zeros_like(v);
        size_t index = 0;
        for (int64_t start = 0; start < n; start += impl->chunk, ++index) {
            if (impl->cancelled())
                return {};
            const int64_t size = std::min(impl->chunk, n - start);
            const at::Tensor x = impl->data.inputs.narrow(0, start, size);
            const at::Tensor y = impl->data.targets.narrow(0, start, size);
            sum += impl->covarianceGradient(x, y, cacheFits ? cache[index] : impl->tangentPass(x, y, v), w);
        }
        return sum / static_cast<double>(n);
    };
    return op;
}

} // namespace minimascope::core
