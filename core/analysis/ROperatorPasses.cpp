#include "analysis/ROperatorPasses.h"

#include "analysis/ExampleConvolution.h"
#include "common/CancelToken.h"
#include "models/FlatParameters.h"
#include "train/Objective.h"

#include <ATen/ATen.h>

#include <cmath>
#include <set>
#include <stdexcept>
#include <string>

namespace minimascope::core::detail {

namespace {

// into += term, where an undefined tensor stands for zero. Not in place: `into` may be a
// tensor of the cached primal pass.
void accumulate(at::Tensor& into, const at::Tensor& term)
{
    if (!term.defined())
        return;
    into = into.defined() ? into + term : term;
}

bool hasParameters(LayerKind kind)
{
    return kind == LayerKind::Linear || kind == LayerKind::Conv2d || kind == LayerKind::BatchNorm;
}

// sigma''(z) where it is not zero almost everywhere (undefined for ReLU); y = sigma(z).
at::Tensor activationCurvature(Activation activation, const at::Tensor& z, const at::Tensor& y)
{
    switch (activation) {
    case Activation::Relu: return {};
    case Activation::Tanh: return -2 * y * (1 - y * y);
    case Activation::Gelu: return at::exp(-0.5 * z * z) / std::sqrt(2 * M_PI) * (2 - z * z);
    }
    return {};
}

// A per-channel vector [C] (or per-example [N, C]) shaped to broadcast against `like` [N, C, ...].
at::Tensor perChannel(const at::Tensor& values, const at::Tensor& like)
{
    std::vector<int64_t> shape(static_cast<size_t>(like.dim()), 1);
    shape[1] = values.size(-1);
    if (values.dim() == 2)
        shape[0] = values.size(0);
    return values.view(shape);
}

// Sum over the dimensions after the channels ([N, C, H, W] -> [N, C]); [N, C] stays.
at::Tensor sumOverSpatial(const at::Tensor& t) { return t.dim() > 2 ? t.flatten(2).sum(2) : t; }

// Row-wise dot products of two [N, ...] tensors, as a column [N, 1].
at::Tensor rowDot(const at::Tensor& a, const at::Tensor& b) { return (a * b).sum(1, /*keepdim=*/true); }

at::Tensor inverseStd(const LayerNode& node) { return (node.runningVar + node.eps).rsqrt(); }

at::Tensor normalized(const LayerNode& node, const at::Tensor& x)
{
    return (x - perChannel(node.runningMean, x)) * perChannel(inverseStd(node), x);
}

int64_t kernelSize(const LayerNode& node) { return node.weight.size(2); }

ConvolutionShape convolutionShape(const LayerNode& node) { return {kernelSize(node), node.stride, node.padding}; }

at::Tensor convolution(const LayerNode& node, const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias)
{
    return at::conv2d(x, weight, bias, {node.stride, node.stride}, {node.padding, node.padding});
}

// J_x^T g of a convolution with the given kernel (x: the input, for its shape).
at::Tensor convolutionInputGradient(const LayerNode& node, const at::Tensor& g, const at::Tensor& x,
                                    const at::Tensor& weight)
{
    return std::get<0>(at::convolution_backward(g, x, weight, c10::nullopt, {node.stride, node.stride},
                                                {node.padding, node.padding}, {1, 1}, false, {0, 0}, 1,
                                                {true, false, false}));
}

// sum_i of example i's kernel gradient for output errors g and inputs x.
at::Tensor convolutionWeightGradient(const LayerNode& node, const at::Tensor& g, const at::Tensor& x)
{
    return std::get<1>(at::convolution_backward(g, x, node.weight, c10::nullopt, {node.stride, node.stride},
                                                {node.padding, node.padding}, {1, 1}, false, {0, 0}, 1,
                                                {false, true, false}));
}

}   // namespace

int64_t PrimalPass::bytes() const
{
    // Counted by storage: Flatten's values are views of their input (or of the data set).
    std::set<const void*> seen{input.storage().data()};
    int64_t total = 0;
    const auto add = [&](const at::Tensor& t) {
        if (t.defined() && seen.insert(t.storage().data()).second)
            total += static_cast<int64_t>(t.storage().nbytes());
    };
    for (const auto* list : {&values, &errors, &poolIndices})
        for (const at::Tensor& t : *list)
            add(t);
    add(probabilities);
    for (const auto* list : {&inputSquares, &errorSquares})
        for (const at::Tensor& t : *list)
            add(t);
    return total;
}

int64_t ROperatorPasses::bytes(const ExampleDirections& directions)
{
    int64_t total = 0;
    for (const NodeDirections& d : directions)
        for (const at::Tensor* t : {&d.weight, &d.bias, &d.inputDot})
            if (t->defined())
                total += t->numel() * static_cast<int64_t>(t->element_size());
    return total;
}

ROperatorPasses::ROperatorPasses(const LayerGraph& graph, const FlatParameters& parameters, Task task,
                                 const CancelToken* cancel)
    : m_nodes(graph.nodes()), m_parameters(parameters), m_task(task), m_cancel(cancel)
{
    if (m_nodes.empty())
        throw std::invalid_argument("ROperatorPasses: an empty layer graph");
    const auto sliceOf = [&parameters](const at::Tensor& tensor) {
        if (!tensor.defined())
            return -1;
        for (size_t s = 0; s < parameters.slices().size(); ++s)
            if (parameters.slice(parameters.values(), s).data_ptr() == tensor.data_ptr())
                return static_cast<int>(s);
        throw std::invalid_argument("ROperatorPasses: a layer's parameter is not part of the flat parameter vector");
    };
    for (size_t k = 0; k < m_nodes.size(); ++k) {
        const LayerNode& node = m_nodes[k];
        const bool parametrized = hasParameters(node.kind);
        m_weightSlice.push_back(parametrized ? sliceOf(node.weight) : -1);
        m_biasSlice.push_back(parametrized ? sliceOf(node.bias) : -1);
        bool depends = parametrized;
        for (int input : node.inputs)
            depends = depends || (input != LayerGraph::kInput && m_dependsOnParameters[static_cast<size_t>(input)]);
        m_dependsOnParameters.push_back(depends);
        m_keepError.push_back(parametrized
                              || (node.kind == LayerKind::Activation && node.activation != Activation::Relu));
    }
    // A node's output is kept when it is the network's output, when the node reads it itself
    // (activations, max pooling) or when a consumer reads its input's value. ReLU and tanh take
    // their derivatives from their own output, so the linear or convolutional outputs feeding
    // them (a third of an MLP's cached pass) are dropped.
    m_keepValue.assign(m_nodes.size(), false);
    m_keepValue.back() = true;
    for (size_t k = 0; k < m_nodes.size(); ++k) {
        const LayerNode& node = m_nodes[k];
        if (node.kind == LayerKind::Activation || node.kind == LayerKind::MaxPool2d)
            m_keepValue[k] = true;
        const bool readsInput = node.kind != LayerKind::Add
                                && !(node.kind == LayerKind::Activation && node.activation != Activation::Gelu);
        for (int input : node.inputs)
            if (input != LayerGraph::kInput && readsInput)
                m_keepValue[static_cast<size_t>(input)] = true;
    }
    // A parameter outside the graph would silently get a zero row of H.
    std::vector<bool> covered(parameters.slices().size(), false);
    for (const std::vector<int>* slices : {&m_weightSlice, &m_biasSlice})
        for (int s : *slices)
            if (s >= 0)
                covered[static_cast<size_t>(s)] = true;
    for (size_t s = 0; s < covered.size(); ++s)
        if (!covered[s])
            throw std::invalid_argument("ROperatorPasses: parameter " + parameters.slices()[s].name
                                        + " is not in the layer graph");
}

at::Tensor ROperatorPasses::parameterSlice(const at::Tensor& flat, int slice) const
{
    return m_parameters.slice(flat, static_cast<size_t>(slice));
}

at::Tensor ROperatorPasses::inputValue(const PrimalPass& primal, size_t node, size_t which) const
{
    const int input = m_nodes[node].inputs[which];
    return input == LayerGraph::kInput ? primal.input : primal.values[static_cast<size_t>(input)];
}

// Everything below applies one node's Jacobians; `k` is the node, x its input value, y its output.
struct ROperatorPasses::Node {
    const ROperatorPasses& passes;
    const PrimalPass& primal;
    size_t k;
    const LayerNode& node;
    at::Tensor x, y;

    Node(const ROperatorPasses& p, const PrimalPass& pass, size_t index)
        : passes(p), primal(pass), k(index), node(p.m_nodes[index]), x(p.inputValue(pass, index)), y(pass.values[index])
    {
    }

    at::Tensor weightOf(const at::Tensor& flat) const { return passes.parameterSlice(flat, passes.m_weightSlice[k]); }
    at::Tensor biasOf(const at::Tensor& flat) const
    {
        return passes.m_biasSlice[k] < 0 ? at::Tensor() : passes.parameterSlice(flat, passes.m_biasSlice[k]);
    }
    const at::Tensor& error() const { return primal.errors[k]; }

    at::Tensor forward(const at::Tensor& input, at::Tensor* poolIndices) const
    {
        switch (node.kind) {
        case LayerKind::Flatten: return input.reshape({input.size(0), -1});
        case LayerKind::Linear: return at::linear(input, node.weight, node.bias);
        case LayerKind::Conv2d: return convolution(node, input, node.weight, node.bias);
        case LayerKind::BatchNorm:
            return normalized(node, input) * perChannel(node.weight, input) + perChannel(node.bias, input);
        case LayerKind::Activation: return applyActivation(node.activation, input);
        case LayerKind::MaxPool2d: {
            at::Tensor out;
            std::tie(out, *poolIndices) = at::max_pool2d_with_indices(input, {node.stride, node.stride},
                                                                      {node.stride, node.stride});
            return out;
        }
        case LayerKind::MeanPool: return input.flatten(2).mean(2);
        case LayerKind::Add: return input + passes.inputValue(primal, k, 1);
        }
        return input;
    }

    // J_x xDot for one input's tangent, for the nodes without parameters (Add: either input's).
    at::Tensor forwardTangent(const at::Tensor& xDot) const
    {
        switch (node.kind) {
        case LayerKind::Flatten: return xDot.reshape({xDot.size(0), -1});
        case LayerKind::Activation: return activationBackward(node.activation, xDot, x, y);
        case LayerKind::MaxPool2d: return xDot.flatten(2).gather(2, primal.poolIndices[k].flatten(2)).view_as(y);
        case LayerKind::MeanPool: return xDot.flatten(2).mean(2);
        default: return xDot;   // Add
        }
    }

    // J_x^T e: the error at the node's input (which: the input, for Add) from the error e at its output.
    at::Tensor backward(const at::Tensor& e, size_t which) const
    {
        const at::Tensor input = passes.inputValue(primal, k, which);
        switch (node.kind) {
        case LayerKind::Flatten: return e.reshape(input.sizes());
        case LayerKind::Linear: return at::mm(e, node.weight);
        case LayerKind::Conv2d: return convolutionInputGradient(node, e, input, node.weight);
        case LayerKind::BatchNorm: return e * perChannel(node.weight * inverseStd(node), e);
        case LayerKind::Activation: return activationBackward(node.activation, e, input, y);
        case LayerKind::MaxPool2d:
            return at::max_pool2d_with_indices_backward(e, input, {node.stride, node.stride},
                                                        {node.stride, node.stride}, {0, 0}, {1, 1}, false,
                                                        primal.poolIndices[k]);
        case LayerKind::MeanPool: {
            const double positions = static_cast<double>(input[0][0].numel());
            std::vector<int64_t> shape(static_cast<size_t>(input.dim()), 1);
            shape[0] = e.size(0);
            shape[1] = e.size(1);
            return (e / positions).view(shape).expand(input.sizes());
        }
        case LayerKind::Add: return e;
        }
        return e;
    }

    // A parametrized node's output tangent: J_x xDot + J_theta d, with d the request's direction
    // (shared and/or per example); built in one fresh tensor.
    at::Tensor outputTangent(const at::Tensor& xDot, const TangentRequest& request) const
    {
        at::Tensor out;
        if (request.shared) {
            const at::Tensor w = weightOf(*request.shared);
            const at::Tensor b = biasOf(*request.shared);
            switch (node.kind) {
            case LayerKind::Linear: out = at::linear(x, w, b); break;
            case LayerKind::Conv2d: out = convolution(node, x, w, b); break;
            case LayerKind::BatchNorm: out = normalized(node, x) * perChannel(w, x) + perChannel(b, x); break;
            default: break;
            }
        }
        if (request.perExample) {
            const NodeDirections& d = (*request.perExample)[k];
            switch (node.kind) {
            case LayerKind::Linear:
                // u_i [x_i; 1] with u_i = (bias_i [x_i; 1]^T + e_i inputDot_i^T): rank 2 per example.
                out.addcmul_(d.bias, primal.inputSquares[k]);
                if (d.inputDot.defined())
                    out.addcmul_(error(), rowDot(d.inputDot, x));
                break;
            case LayerKind::Conv2d:
                addExampleConvolutions(out, x, d.weight, convolutionShape(node));
                if (d.bias.defined())
                    out.add_(perChannel(d.bias, out));
                break;
            case LayerKind::BatchNorm:
                out.addcmul_(normalized(node, x), perChannel(d.weight, x)).add_(perChannel(d.bias, x));
                break;
            default: break;
            }
        }
        if (xDot.defined()) {
            switch (node.kind) {
            case LayerKind::Linear: out.addmm_(xDot, node.weight.t()); break;
            case LayerKind::Conv2d: out.add_(convolution(node, xDot, node.weight, {})); break;
            case LayerKind::BatchNorm: out.addcmul_(xDot, perChannel(node.weight * inverseStd(node), xDot)); break;
            default: break;
            }
        }
        return out;
    }

    // A parametrized node's input error tangent: J_x^T e + (d/dtheta J_x^T g) d, e the output
    // error's tangent (undefined = zero); one fresh tensor.
    at::Tensor inputErrorTangent(const at::Tensor& e, const TangentRequest& request) const
    {
        const at::Tensor& g = error();
        at::Tensor out = e.defined() ? backward(e, 0) : at::zeros_like(x);
        if (request.shared) {
            const at::Tensor w = weightOf(*request.shared);
            switch (node.kind) {
            case LayerKind::Linear: out.addmm_(g, w); break;
            case LayerKind::Conv2d: out.add_(convolutionInputGradient(node, g, x, w)); break;
            case LayerKind::BatchNorm: out.addcmul_(g, perChannel(w * inverseStd(node), g)); break;
            default: break;
            }
        }
        if (request.perExample) {
            const NodeDirections& d = (*request.perExample)[k];
            switch (node.kind) {
            case LayerKind::Linear:
                out.addcmul_(x, rowDot(d.bias, g));
                if (d.inputDot.defined())
                    out.addcmul_(d.inputDot, primal.errorSquares[k]);
                break;
            case LayerKind::Conv2d: addExampleTransposedConvolutions(out, g, d.weight, convolutionShape(node)); break;
            case LayerKind::BatchNorm:
                out.addcmul_(g, perChannel(d.weight, g) * perChannel(inverseStd(node), g));
                break;
            default: break;
            }
        }
        return out;
    }

    // The gradient's tangent at this node's parameters: e = the output error's tangent, xDot the
    // input's (either may be undefined = zero). Adds sum_i to request.sum and/or keeps each i.
    void gradientTangent(const at::Tensor& e, const at::Tensor& xDot, const TangentRequest& request) const
    {
        const at::Tensor& g = error();
        const at::Tensor eOr0 = e.defined() ? e : at::zeros_like(g);
        NodeDirections own;
        switch (node.kind) {
        case LayerKind::Linear:
            if (request.keep) {
                own.bias = eOr0;
                own.inputDot = xDot;
            }
            if (request.sum) {
                at::Tensor w = weightOf(*request.sum);
                w.addmm_(eOr0.t(), x);
                if (xDot.defined())
                    w.addmm_(g.t(), xDot);
                if (passes.m_biasSlice[k] >= 0)
                    biasOf(*request.sum).add_(eOr0.sum(0));
            }
            break;
        case LayerKind::Conv2d: {
            if (request.keep) {
                own.weight = exampleKernelGradients(eOr0, x, convolutionShape(node));
                if (xDot.defined())
                    own.weight.add_(exampleKernelGradients(g, xDot, convolutionShape(node)));
                if (passes.m_biasSlice[k] >= 0)
                    own.bias = sumOverSpatial(eOr0);
            }
            if (request.sum) {
                at::Tensor w = weightOf(*request.sum);
                if (request.keep) {
                    w.add_(own.weight.sum(0).view_as(w));
                } else {
                    w.add_(convolutionWeightGradient(node, eOr0, x));
                    if (xDot.defined())
                        w.add_(convolutionWeightGradient(node, g, xDot));
                }
                if (passes.m_biasSlice[k] >= 0)
                    biasOf(*request.sum).add_(sumOverSpatial(eOr0).sum(0));
            }
            break;
        }
        case LayerKind::BatchNorm: {
            at::Tensor gamma = eOr0 * normalized(node, x);
            if (xDot.defined())
                gamma.addcmul_(g, xDot * perChannel(inverseStd(node), g));
            const at::Tensor gammaPerExample = sumOverSpatial(gamma);
            const at::Tensor betaPerExample = sumOverSpatial(eOr0);
            if (request.keep) {
                own.weight = gammaPerExample;
                own.bias = betaPerExample;
            }
            if (request.sum) {
                weightOf(*request.sum).add_(gammaPerExample.sum(0));
                biasOf(*request.sum).add_(betaPerExample.sum(0));
            }
            break;
        }
        default: break;
        }
        if (request.keep)
            (*request.keep)[k] = std::move(own);
    }
};

PrimalPass ROperatorPasses::primal(const at::Tensor& inputs, const at::Tensor& targets) const
{
    PrimalPass pass;
    pass.input = inputs;
    const size_t count = m_nodes.size();
    pass.values.resize(count);
    pass.errors.resize(count);
    pass.poolIndices.resize(count);
    pass.inputSquares.resize(count);
    pass.errorSquares.resize(count);
    const auto cancelled = [this] { return m_cancel && m_cancel->isCancelled(); };
    std::vector<size_t> lastReader(count, 0);
    for (size_t k = 0; k < count; ++k)
        for (int input : m_nodes[k].inputs)
            if (input != LayerGraph::kInput)
                lastReader[static_cast<size_t>(input)] = k;
    for (size_t k = 0; k < count; ++k) {
        if (cancelled())
            return pass;
        const Node node(*this, pass, k);
        pass.values[k] = node.forward(node.x, &pass.poolIndices[k]);
        if (node.node.kind == LayerKind::Linear)
            pass.inputSquares[k] = rowDot(node.x, node.x) + (m_biasSlice[k] < 0 ? 0.0 : 1.0);
        // Inputs no later pass reads go as soon as their last reader has run.
        for (int input : node.node.inputs)
            if (input != LayerGraph::kInput && !m_keepValue[static_cast<size_t>(input)]
                && lastReader[static_cast<size_t>(input)] == k)
                pass.values[static_cast<size_t>(input)] = at::Tensor();
    }

    const at::Tensor& output = pass.values.back();
    std::vector<at::Tensor> errors(count);
    if (m_task == Task::Classification) {
        pass.probabilities = at::softmax(output, 1);
        errors.back() = pass.probabilities.clone();
        subtractTargetOneHot(errors.back(), targets);
    } else {
        errors.back() = (output - targets.view_as(output)) * (2.0 / static_cast<double>(output.size(1)));
    }
    for (size_t k = count; k-- > 0;) {
        if (cancelled())
            return pass;
        const at::Tensor e = std::move(errors[k]);
        if (!e.defined())
            continue;
        if (m_keepError[k])
            pass.errors[k] = e;
        const Node node(*this, pass, k);
        if (node.node.kind == LayerKind::Linear)
            pass.errorSquares[k] = rowDot(e, e);
        for (size_t j = 0; j < node.node.inputs.size(); ++j) {
            const int input = node.node.inputs[j];
            if (input != LayerGraph::kInput && m_dependsOnParameters[static_cast<size_t>(input)])
                accumulate(errors[static_cast<size_t>(input)], node.backward(e, j));
        }
    }
    pass.complete = true;
    return pass;
}

bool ROperatorPasses::tangent(const PrimalPass& primal, const TangentRequest& request) const
{
    const auto cancelled = [this] { return m_cancel && m_cancel->isCancelled(); };
    if (!request.shared)
        throw std::logic_error("ROperatorPasses::tangent needs a shared direction");
    const size_t count = m_nodes.size();
    if (request.keep)
        request.keep->assign(count, {});
    const auto inputDot = [&](const std::vector<at::Tensor>& dots, size_t k) {
        const int input = m_nodes[k].inputs[0];
        return input == LayerGraph::kInput ? at::Tensor() : dots[static_cast<size_t>(input)];
    };
    std::vector<at::Tensor> dots(count);   // forward tangents of the node outputs
    for (size_t k = 0; k < count; ++k) {
        if (cancelled())
            return false;
        const Node node(*this, primal, k);
        if (hasParameters(node.node.kind)) {
            dots[k] = node.outputTangent(inputDot(dots, k), request);
            continue;
        }
        for (int input : node.node.inputs)
            if (input != LayerGraph::kInput && dots[static_cast<size_t>(input)].defined())
                accumulate(dots[k], node.forwardTangent(dots[static_cast<size_t>(input)]));
    }

    const at::Tensor& outputDot = dots.back();
    std::vector<at::Tensor> errorDots(count);   // tangents of the back-propagated errors
    if (m_task == Task::Classification)
        errorDots.back() = primal.probabilities * outputDot
                           - primal.probabilities * rowDot(primal.probabilities, outputDot);
    else
        errorDots.back() = outputDot * (2.0 / static_cast<double>(outputDot.size(1)));

    for (size_t k = count; k-- > 0;) {
        if (cancelled())
            return false;
        const Node node(*this, primal, k);
        const at::Tensor e = std::move(errorDots[k]);
        const at::Tensor xDot = inputDot(dots, k);
        const bool parametrized = hasParameters(node.node.kind);
        if (parametrized)
            node.gradientTangent(e, xDot, request);
        for (size_t j = 0; j < node.node.inputs.size(); ++j) {
            const int input = node.node.inputs[j];
            if (input == LayerGraph::kInput || !m_dependsOnParameters[static_cast<size_t>(input)])
                continue;
            at::Tensor inputErrorDot;
            if (parametrized)
                inputErrorDot = node.inputErrorTangent(e, request);
            else if (e.defined())
                inputErrorDot = node.backward(e, j);
            if (node.node.kind == LayerKind::Activation && xDot.defined()) {
                const at::Tensor curvature = activationCurvature(node.node.activation, node.x, node.y);
                if (curvature.defined())
                    accumulate(inputErrorDot, curvature * xDot * node.error());
            }
            accumulate(errorDots[static_cast<size_t>(input)], inputErrorDot);
        }
    }
    return true;
}

}   // namespace minimascope::core::detail
