#include "landscape/WeightSymmetry.h"

#include "common/CancelToken.h"
#include "common/InputError.h"
#include "landscape/Directions.h"
#include "models/FlatParameters.h"
#include "models/Mlp.h"
#include "train/Objective.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <map>
#include <stdexcept>
#include <string>

namespace minimascope::core {

namespace {

// The index of a named parameter in the flat layout.
size_t sliceIndex(const FlatParameters& parameters, const std::string& name)
{
    const auto& slices = parameters.slices();
    for (size_t i = 0; i < slices.size(); ++i)
        if (slices[i].name == name)
            return i;
    throw std::invalid_argument("symmetricTwin: the network has no parameter '" + name + "'");
}

}   // namespace

HiddenSymmetry randomHiddenSymmetry(const Mlp& mlp, uint64_t seed, bool flipSigns)
{
    if (flipSigns && mlp.options().activation != Activation::Tanh)
        throw std::invalid_argument(std::string("sign flips need an odd activation (tanh), not ")
                                    + toString(mlp.options().activation));
    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(seed);
    HiddenSymmetry symmetry;
    for (const int64_t width : mlp.options().hiddenWidths) {
        std::vector<int64_t> permutation(static_cast<size_t>(width));
        for (int64_t j = 0; j < width; ++j)
            permutation[static_cast<size_t>(j)] = j;
        if (width >= 2) {
            // randperm until it moves something (one retry in width! on average).
            while (true) {
                const at::Tensor p = at::randperm(width, generator, at::TensorOptions(at::kLong));
                bool identity = true;
                for (int64_t j = 0; j < width; ++j) {
                    permutation[static_cast<size_t>(j)] = p[j].item<int64_t>();
                    identity = identity && permutation[static_cast<size_t>(j)] == j;
                }
                if (!identity)
                    break;
            }
        }
        symmetry.permutations.push_back(permutation);
        if (flipSigns) {
            const at::Tensor coins = at::randint(2, {width}, generator, at::TensorOptions(at::kLong));
            std::vector<bool> flips(static_cast<size_t>(width));
            for (int64_t j = 0; j < width; ++j)
                flips[static_cast<size_t>(j)] = coins[j].item<int64_t>() == 1;
            symmetry.signFlips.push_back(flips);
        }
    }
    return symmetry;
}

SymmetricTwin symmetricTwin(Mlp& mlp, const FlatParameters& parameters, const HiddenSymmetry& symmetry)
{
    const MlpOptions& options = mlp.options();
    const size_t layers = options.hiddenWidths.size();
    if (symmetry.permutations.size() != layers)
        throw std::invalid_argument("symmetricTwin: one permutation per hidden layer expected");
    if (!symmetry.signFlips.empty() && symmetry.signFlips.size() != layers)
        throw std::invalid_argument("symmetricTwin: sign flips for every hidden layer or none");
    if (!symmetry.signFlips.empty() && options.activation != Activation::Tanh)
        throw std::invalid_argument("symmetricTwin: sign flips keep the function only for tanh");

    at::NoGradGuard noGrad;
    SymmetricTwin twin;
    twin.parameters = parameters.get();
    std::map<std::string, at::Tensor> buffers;
    for (const auto& b : mlp.named_buffers())
        buffers[b.key()] = b.value().detach().clone();

    for (size_t l = 0; l < layers; ++l) {
        const int64_t width = options.hiddenWidths[l];
        const std::vector<int64_t>& permutation = symmetry.permutations[l];
        if (static_cast<int64_t>(permutation.size()) != width)
            throw std::invalid_argument("symmetricTwin: layer " + std::to_string(l) + " has " + std::to_string(width)
                                        + " units");
        const at::Tensor index = at::tensor(permutation, at::TensorOptions(at::kLong));
        if (std::get<0>(at::sort(index)).ne(at::arange(width, index.options())).any().item<bool>())
            throw std::invalid_argument("symmetricTwin: layer " + std::to_string(l) + " is not a permutation");
        at::Tensor sign = at::ones({width}, twin.parameters.options());
        if (!symmetry.signFlips.empty()) {
            for (int64_t j = 0; j < width; ++j)
                if (symmetry.signFlips[l].at(static_cast<size_t>(j)))
                    sign[j] = -1.0;
        }
        const std::string in = "linear" + std::to_string(l);
        const std::string out = "linear" + std::to_string(l + 1);
        const auto rows = [&](const std::string& name, bool flip) {
            at::Tensor view = parameters.slice(twin.parameters, sliceIndex(parameters, name));
            at::Tensor permuted = view.index_select(0, index);
            if (flip)
                permuted = permuted * (view.dim() == 1 ? sign : sign.unsqueeze(1));
            view.copy_(permuted);
        };
        // Incoming: rows (units) permuted, then signs; BatchNorm: gamma permuted (its input and
        // output flip together), beta and the running mean permuted and flipped.
        rows(in + ".weight", true);
        rows(in + ".bias", true);
        if (options.batchNorm) {
            const std::string norm = "norm" + std::to_string(l);
            rows(norm + ".weight", false);
            rows(norm + ".bias", true);
            buffers[norm + ".running_mean"] = buffers[norm + ".running_mean"].index_select(0, index) * sign;
            buffers[norm + ".running_var"] = buffers[norm + ".running_var"].index_select(0, index);
        }
        // Outgoing: columns permuted and flipped.
        at::Tensor next = parameters.slice(twin.parameters, sliceIndex(parameters, out + ".weight"));
        next.copy_(next.index_select(1, index) * sign.unsqueeze(0));
    }
    for (const auto& b : mlp.named_buffers())
        twin.buffers.push_back(buffers[b.key()]);
    return twin;
}

void applyTwin(Mlp& mlp, FlatParameters& parameters, const SymmetricTwin& twin)
{
    at::NoGradGuard noGrad;
    parameters.set(twin.parameters);
    const auto buffers = mlp.buffers();
    if (buffers.size() != twin.buffers.size())
        throw std::invalid_argument("applyTwin: the twin's buffers do not fit the network");
    for (size_t i = 0; i < buffers.size(); ++i)
        buffers[i].copy_(twin.buffers[i]);
}

double lineBarrier(const std::vector<double>& t, const std::vector<double>& loss, double* where)
{
    double barrier = 0.0, at = 0.0;
    if (t.empty() || t.size() != loss.size())
        return barrier;
    const double first = loss.front(), last = loss.back();
    for (size_t i = 0; i < t.size(); ++i) {
        const double height = loss[i] - ((1.0 - t[i]) * first + t[i] * last);
        if (i == 0 || height > barrier) {
            barrier = height;
            at = t[i];
        }
    }
    if (where)
        *where = at;
    return barrier;
}

TwinLine twinLine(Network& network, const FlatParameters& parameters, uint64_t seed)
{
    auto* mlp = dynamic_cast<Mlp*>(&network);
    if (!mlp)
        throw InputError("the line to the symmetric twin permutes an MLP's hidden units: not possible for "
                         + network.describe());
    TwinLine line;
    line.signsFlipped = mlp->options().activation == Activation::Tanh;
    line.batchNorm = mlp->options().batchNorm;
    const SymmetricTwin twin = symmetricTwin(*mlp, parameters, randomHiddenSymmetry(*mlp, seed, line.signsFlipped));
    line.direction = parameterDifference(parameters.get(), twin.parameters);
    return line;
}

LinePath lossAlongLine(Network& network, FlatParameters& parameters, const Dataset& data, const at::Tensor& from,
                       const at::Tensor& to, int64_t points, const CancelToken* cancel)
{
    if (points < 2)
        throw std::invalid_argument("lossAlongLine: at least 2 points");
    ParameterRestorer restorer(parameters);
    LinePath path;
    for (int64_t i = 0; i < points; ++i) {
        if (cancel && cancel->isCancelled()) {
            path.status = RunStatus::Cancelled;
            return path;
        }
        const double t = static_cast<double>(i) / static_cast<double>(points - 1);
        parameters.set(from * (1.0 - t) + to * t);
        const Evaluation e = evaluate(network, data, cancel);
        path.t.push_back(t);
        path.loss.push_back(e.loss);
        path.accuracy.push_back(e.accuracy);
    }
    path.barrier = lineBarrier(path.t, path.loss, &path.barrierT);
    return path;
}

}   // namespace minimascope::core
