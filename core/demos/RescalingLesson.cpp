#include "demos/RescalingLesson.h"

#include "analysis/CurvatureReport.h"
#include "common/CancelToken.h"
#include "common/InputError.h"
#include "data/DatasetSpec.h"
#include "landscape/Directions.h"
#include "models/EvalModeScope.h"
#include "models/FlatParameters.h"
#include "models/Mlp.h"
#include "train/Objective.h"
#include "train/RunConfig.h"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace minimascope::core {

namespace {

constexpr double kRescalingNaN = std::numeric_limits<double>::quiet_NaN();
// Examples a forward pass when comparing outputs: bounded memory on large test sets.
constexpr int64_t kRescalingOutputChunk = 4096;

size_t rescalingSliceIndex(const FlatParameters& parameters, const std::string& name)
{
    const std::vector<ParameterSlice>& slices = parameters.slices();
    for (size_t k = 0; k < slices.size(); ++k)
        if (slices[k].name == name)
            return k;
    throw InputError("the rescaling needs the parameter '" + name + "', which the network does not have");
}

// The network's outputs at the current parameters, chunk by chunk.
at::Tensor rescalingOutputs(Network& network, const at::Tensor& inputs)
{
    std::vector<at::Tensor> parts;
    for (int64_t start = 0; start < inputs.size(0); start += kRescalingOutputChunk)
        parts.push_back(
            network.forward(inputs.narrow(0, start, std::min(kRescalingOutputChunk, inputs.size(0) - start))));
    return at::cat(parts);
}

RunStatus rescaledPlane(Network& network, FlatParameters& parameters, const Dataset& train, const at::Tensor& origin,
                        DirectionNormalization normalization, const RescalingSettings& settings, LandscapeGrid& out,
                        const CancelToken* cancel)
{
    SurfaceRequest request;
    request.origin = origin;
    // Biases left out of both pictures (Li et al.'s "biasbn"), so normalization is the only difference.
    request.direction1 = randomDirection(parameters, normalization, true, settings.seed);
    request.direction2 = randomDirection(parameters, normalization, true, settings.seed + 1);
    request.xMin = request.yMin = -settings.range;
    request.xMax = request.yMax = settings.range;
    request.nx = request.ny = settings.resolution;
    request.progressive = false;
    request.accuracy = false;
    request.threads = 1;   // the demo's own run trains beside it on the second core
    return evaluateSurface(network, parameters, train, request, out, cancel);
}

}   // namespace

RescaledLayers rescaledLayers(const Network& network, const FlatParameters& parameters, int64_t layer)
{
    const auto* mlp = dynamic_cast<const Mlp*>(&network);
    if (!mlp || mlp->options().activation != Activation::Relu || mlp->options().batchNorm)
        throw InputError("the rescaling T_alpha keeps the function only of a ReLU MLP without BatchNorm; this is "
                         + network.describe());
    const auto hidden = static_cast<int64_t>(mlp->options().hiddenWidths.size());
    if (layer < 0 || layer >= hidden)
        throw InputError("the rescaling needs hidden layer " + std::to_string(layer) + " and the one after it; "
                         + network.describe() + " has " + std::to_string(hidden) + " hidden layers");
    RescaledLayers layers;
    layers.first = "linear" + std::to_string(layer);
    layers.second = "linear" + std::to_string(layer + 1);
    layers.firstWeight = rescalingSliceIndex(parameters, layers.first + ".weight");
    layers.firstBias = rescalingSliceIndex(parameters, layers.first + ".bias");
    layers.secondWeight = rescalingSliceIndex(parameters, layers.second + ".weight");
    return layers;
}

at::Tensor rescalingFactors(const FlatParameters& parameters, const RescaledLayers& layers, double alpha)
{
    if (!(alpha > 0.0) || !std::isfinite(alpha))
        throw InputError("the rescaling needs a finite alpha > 0, got " + std::to_string(alpha));
    const torch::NoGradGuard noGrad;
    at::Tensor factors = at::ones_like(parameters.values());
    parameters.slice(factors, layers.firstWeight).fill_(alpha);
    parameters.slice(factors, layers.firstBias).fill_(alpha);
    parameters.slice(factors, layers.secondWeight).fill_(1.0 / alpha);
    return factors;
}

RescaledMinimum measureRescaledMinimum(Network& network, FlatParameters& parameters, const DatasetPair& data,
                                       const at::Tensor& minimum, const RescaledLayers& layers, double alpha,
                                       const RescalingSettings& settings, const CancelToken* cancel)
{
    const at::Tensor factors = rescalingFactors(parameters, layers, alpha);
    const ParameterRestorer restore(parameters);
    const torch::NoGradGuard noGrad;
    RescaledMinimum result;
    result.alpha = alpha;
    const auto cancelled = [&] {
        result.status = RunStatus::Cancelled;
        return result;
    };
    if (cancel && cancel->isCancelled())
        return cancelled();
    const at::Tensor rescaled = minimum * factors;
    result.weightNorm = rescaled.to(at::kDouble).norm().item<double>();

    const Dataset& probe = data.test.size() > 0 ? data.test : data.train;
    {
        const EvalModeScope eval(network);
        parameters.set(minimum);
        const at::Tensor before = rescalingOutputs(network, probe.inputs).to(at::kDouble);
        parameters.set(rescaled);
        const at::Tensor after = rescalingOutputs(network, probe.inputs).to(at::kDouble);
        result.outputChange = (after - before).abs().max().item<double>()
                              / std::max(1e-300, before.abs().max().item<double>());
    }

    result.trainLoss = evaluate(network, data.train, cancel).loss;
    result.testLoss = result.testAccuracy = kRescalingNaN;
    if (data.test.size() > 0) {
        const Evaluation test = evaluate(network, data.test, cancel);
        result.testLoss = test.loss;
        result.testAccuracy = test.accuracy;
    }
    if (cancel && cancel->isCancelled())
        return cancelled();

    CurvatureRequest request;
    request.sharpness = true;
    request.nonUniformity = false;
    request.tolerance = settings.tolerance;
    request.maxSteps = std::min(settings.maxSteps, parameters.size());
    request.traceSamples = settings.traceProducts;
    request.epsilonSharpness = true;
    request.epsilonOptions = settings.epsilon;
    request.seed = settings.seed;
    const CurvatureReport report = measureCurvature(network, parameters, data.train, request, cancel);
    if (report.status == RunStatus::Cancelled)
        return cancelled();
    if (report.status != RunStatus::Finished || report.topEigenvalues.empty())
        throw std::runtime_error(std::string("the curvature at alpha = ") + std::to_string(alpha) + " ended "
                                 + toString(report.status));
    result.sharpness = report.topEigenvalues.front().value;
    result.sharpnessResidual = report.topEigenvalues.front().residual;
    result.trace = report.trace ? report.trace->trace : kRescalingNaN;
    result.traceError = report.trace ? report.trace->standardError : kRescalingNaN;
    result.epsilonSharpness = report.epsilonSharpness->value;

    if (settings.surfaces
        && (rescaledPlane(network, parameters, data.train, rescaled, DirectionNormalization::None, settings, result.raw,
                          cancel)
                == RunStatus::Cancelled
            || rescaledPlane(network, parameters, data.train, rescaled, DirectionNormalization::Filter, settings,
                             result.filterNormalized, cancel)
                   == RunStatus::Cancelled))
        return cancelled();
    return result;
}

RescalingLesson::RescalingLesson(const nlohmann::json& runConfig, int64_t layer)
{
    const RunConfig config = RunConfig::fromJson(runConfig);
    m_trainer = std::make_unique<Trainer>(config, loadDatasets(config.dataset));
    m_layers = rescaledLayers(m_trainer->network(), m_trainer->parameters(), layer);
}

RescalingLesson::~RescalingLesson() = default;

TrainResult RescalingLesson::train(const CancelToken& cancel)
{
    m_minimum = at::Tensor();
    const TrainResult result = m_trainer->run(cancel);
    if (result.status == RunStatus::Finished)
        m_minimum = m_trainer->parameters().get();
    return result;
}

RescaledMinimum RescalingLesson::measure(double alpha, const RescalingSettings& settings, const CancelToken* cancel)
{
    if (!isTrained())
        throw std::logic_error("RescalingLesson::measure before a finished train()");
    return measureRescaledMinimum(m_trainer->network(), m_trainer->parameters(), m_trainer->data(), m_minimum, m_layers,
                                  alpha, settings, cancel);
}

int64_t RescalingLesson::parameterCount() const { return m_trainer->network().parameterCount(); }

int64_t RescalingLesson::trainSize() const { return m_trainer->data().train.size(); }

}   // namespace minimascope::core
