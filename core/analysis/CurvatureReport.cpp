#include "analysis/CurvatureReport.h"

#include "analysis/CurvatureOperators.h"
#include "analysis/LayerBlock.h"
#include "common/CancelToken.h"
#include "data/Dataset.h"
#include "io/NumberFormat.h"
#include "models/FlatParameters.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>

namespace minimascope::core {

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

nlohmann::json measured(const MeasuredValue& m)
{
    return {{"value", jsonNumber(m.value)},
            {"residual", jsonNumber(m.residual)},
            {"products", m.products},
            {"seconds", jsonNumber(m.seconds)}};
}

// The sink of one quantity's solves: their reports, labelled with the quantity.
ProgressSink forward(const ProgressSink& progress, const std::string& quantity)
{
    if (!progress)
        return {};
    return [progress, quantity](const Progress& p) {
        Progress labelled = p;
        labelled.quantity = quantity;
        progress(labelled);
    };
}

}   // namespace

CurvatureReport measureCurvature(Network& network, FlatParameters& parameters, const Dataset& data,
                                 const CurvatureRequest& request, const CancelToken* cancel,
                                 const ProgressSink& progress)
{
    at::NoGradGuard noGrad;   // the operators enable grad mode where they need it
    CurvatureOperators operators(network, parameters, data, cancel, request.forceNaive);
    CurvatureReport report;
    report.path = operators.path();
    report.examples = data.size();
    report.parameters = parameters.size();
    const auto stop = [&](RunStatus status) {
        report.status = status;
        return report;
    };

    std::vector<EigenPair> hessianPairs;   // kept for the noise geometry's overlap
    if (request.sharpness || request.topK > 1) {
        const auto start = Clock::now();
        LanczosOptions options;
        options.k = std::max<int64_t>(1, request.topK);
        options.tolerance = request.tolerance;
        options.maxSteps = request.maxSteps;
        options.seed = request.seed;
        options.start = request.warmStartHessian;
        const EigenResult result = lanczos(operators.hessian(), options, cancel, forward(progress, "sharpness"));
        const double seconds = secondsSince(start);
        for (const EigenPair& pair : result.pairs)
            report.topEigenvalues.push_back({pair.value, pair.residual, result.products, seconds});
        if (!result.pairs.empty())
            report.topEigenvector = result.pairs.front().vector;
        if (result.status != RunStatus::Finished)
            return stop(result.status);
        if (request.noise.overlap)
            hessianPairs = result.pairs;
    }
    if (request.lambdaMin) {
        const auto start = Clock::now();
        LanczosOptions options;
        options.which = Spectrum::Smallest;
        options.tolerance = request.tolerance;
        options.maxSteps = request.maxSteps;
        options.seed = request.seed + 1;
        const EigenResult result = lanczos(operators.hessian(), options, cancel, forward(progress, "lambda_min"));
        if (result.status != RunStatus::Finished || result.pairs.empty())
            return stop(RunStatus::Cancelled);
        report.lambdaMin = MeasuredValue{result.pairs.front().value, result.pairs.front().residual, result.products,
                                         secondsSince(start)};
    }
    if (request.nonUniformity) {
        const auto start = Clock::now();
        LanczosOptions options;
        options.tolerance = request.tolerance;
        options.maxSteps = request.maxSteps;
        options.seed = request.seed + 2;
        options.start = request.warmStartCovariance;
        const EigenResult result = lanczos(operators.covariance(), options, cancel,
                                           forward(progress, "non_uniformity"));
        if (result.status != RunStatus::Finished || result.pairs.empty())
            return stop(RunStatus::Cancelled);
        const EigenPair& top = result.pairs.front();
        // Sigma is PSD: a slightly negative top value is rounding, s = 0.
        report.nonUniformity = MeasuredValue{std::sqrt(std::max(0.0, top.value)), top.residual, result.products,
                                             secondsSince(start)};
        report.covarianceEigenvector = top.vector;
    }
    if (request.stability) {
        report.stability = testLinearStability(
            operators.hessian(), operators.covariance(), request.eta, request.batchSize, data.size(), request.draw,
            stabilityTestOptions(request.tolerance, request.maxSteps, request.seed), cancel);
        if (report.stability->status != RunStatus::Finished)
            return stop(report.stability->status);
    }
    if (request.traceSamples > 0) {
        TraceOptions options = hutchPlusPlusOptions(request.traceSamples);
        options.seed = request.seed + 4;
        report.trace = estimateTrace(operators.hessian(), options, cancel, forward(progress, "trace"));
        if (report.trace->status != RunStatus::Finished)
            return stop(report.trace->status);
    }
    if (request.density) {
        SpectralDensityOptions options = request.densityOptions;
        options.seed = request.seed + 5;
        report.density = stochasticLanczosQuadrature(operators.hessian(), options, cancel,
                                                     forward(progress, "density"));
        if (report.density->status != RunStatus::Finished)
            return stop(report.density->status);
    }
    if (request.layerSharpness) {
        for (const ParameterLayer& layer : parameterLayers(parameters)) {
            const auto start = Clock::now();
            LanczosOptions options;
            options.tolerance = request.tolerance;
            options.maxSteps = request.maxSteps;
            options.seed = request.seed + 6;
            const EigenResult result = lanczos(layerBlock(operators.hessian(), layer), options, cancel,
                                               forward(progress, "sharpness of " + layer.name));
            if (result.status != RunStatus::Finished || result.pairs.empty())
                return stop(RunStatus::Cancelled);
            report.layers.push_back(
                {layer.name,
                 layer.indices.numel(),
                 {result.pairs.front().value, result.pairs.front().residual, result.products, secondsSince(start)}});
        }
    }
    if (request.epsilonSharpness) {
        EpsilonSharpnessOptions options = request.epsilonOptions;
        options.seed = request.seed + 7;
        report.epsilonSharpness = core::epsilonSharpness(network, parameters, data, options, cancel,
                                                         forward(progress, "epsilon_sharpness"));
        if (report.epsilonSharpness->status != RunStatus::Finished)
            return stop(report.epsilonSharpness->status);
    }
    if (request.noise.top || request.noise.density || request.noise.overlap) {
        NoiseGeometryRequest noise = request.noise;
        noise.k = std::max<int64_t>(1, request.topK);
        noise.tolerance = request.tolerance;
        noise.maxSteps = request.maxSteps;
        noise.seed = request.seed + 8;
        report.noise = measureNoiseGeometry(network, parameters, data, operators.hessian(), noise, hessianPairs, cancel,
                                            forward(progress, "gradient_noise"));
        if (report.noise->status != RunStatus::Finished)
            return stop(report.noise->status);
    }
    return report;
}

nlohmann::json CurvatureReport::toJson() const
{
    nlohmann::json json{
        {"status", toString(status)}, {"path", path}, {"examples", examples}, {"parameters", parameters}};
    if (!topEigenvalues.empty()) {
        json["sharpness"] = measured(topEigenvalues.front());
        nlohmann::json top = nlohmann::json::array();
        for (const auto& m : topEigenvalues)
            top.push_back(measured(m));
        json["top_eigenvalues"] = top;
    }
    if (lambdaMin)
        json["lambda_min"] = measured(*lambdaMin);
    if (nonUniformity)
        json["non_uniformity"] = measured(*nonUniformity);
    if (stability) {
        json["stability"] = {{"lambda_max", jsonNumber(stability->lambdaMax)},
                             {"residual", jsonNumber(stability->residual)},
                             {"products", stability->products},
                             {"stable", stability->stable},
                             {"certified", stability->certified},
                             {"verdict", stability->verdict()},
                             {"sharpness_bound", jsonNumber(stability->sharpnessBound)},
                             {"non_uniformity_bound", jsonNumber(stability->nonUniformityBound)}};
    }
    if (trace) {
        // "estimator" and the sketch's fields are new: files without them hold a plain Hutchinson estimate.
        json["trace"] = {{"value", jsonNumber(trace->trace)},
                         {"standard_error", jsonNumber(trace->standardError)},
                         {"samples", trace->samples},
                         {"products", trace->products},
                         {"estimator", trace->estimator()}};
        if (trace->sketchSize > 0) {
            json["trace"]["sketch"] = toString(trace->sketch);
            json["trace"]["sketch_size"] = trace->sketchSize;
            json["trace"]["sketch_trace"] = jsonNumber(trace->sketchTrace);
        }
    }
    if (density)
        json["density"] = {{"grid", density->grid},   {"density", density->density}, {"sigma", density->sigma},
                           {"nodes", density->nodes}, {"weights", density->weights}, {"products", density->products}};
    if (!layers.empty()) {
        nlohmann::json perLayer = nlohmann::json::array();
        for (const LayerSharpness& layer : layers) {
            nlohmann::json entry = measured(layer.sharpness);
            entry["layer"] = layer.layer;
            entry["parameters"] = layer.parameters;
            perLayer.push_back(entry);
        }
        json["layer_sharpness"] = perLayer;
    }
    if (epsilonSharpness)
        json["epsilon_sharpness"] = {{"value", jsonNumber(epsilonSharpness->value)},
                                     {"loss", jsonNumber(epsilonSharpness->loss)},
                                     {"max_loss", jsonNumber(epsilonSharpness->maxLoss)},
                                     {"gradients", epsilonSharpness->gradients},
                                     {"seconds", jsonNumber(epsilonSharpness->seconds)}};
    if (noise)
        json["gradient_noise"] = noise->toJson();
    return json;
}

}   // namespace minimascope::core
