// Cost of the curvature engine, the C++ half of bench/run_curvature_bench.py. Prints JSON lines.
//   minimascope-bench-curvature PARAMS_DIR [n ...]
// PARAMS_DIR: the canonical network's parameters (784-256x4-10 MLP trained on the first 1000
// Fashion-MNIST examples; a run folder's parameters/). For each n (default 1000): H products by the
// engine's R-operator passes (the first one, which also computes the cached forward pass, and the
// following ones) and by autograd's double backward, Sigma products (and, at n <= 2000, the
// per-example loop) and products of the stability Theorem's operator, with peak memory. At the
// first n also the certified sharpness, top-5, the SLQ density, s and the trace, each on fresh
// operators (cold caches), as `minimascope-cli analyze` runs them. The trace: Hutchinson with 100
// probes (its spread per probe, which gives the standard error of BENCH_TRACE_PROBES probes,
// default 34, the Python tool's count), then Hutch++ with a Krylov sketch of BENCH_TRACE_SKETCH
// steps (default 8) asked for that standard error. Then the convolutional presets (LeNet-5, VGG-
// and ResNet-style) at the first n, unless BENCH_CONV=0. BENCH_THREADS sets torch's thread count
// (default 1).
#include "analysis/CurvatureOperators.h"
#include "analysis/Lanczos.h"
#include "analysis/LinearStability.h"
#include "analysis/SpectralDensity.h"
#include "common/AllocatorSettings.h"
#include "data/DatasetSpec.h"
#include "data/DatasetTransforms.h"
#include "data/FashionMnist.h"
#include "models/FlatParameters.h"
#include "models/Network.h"
#include "train/RunFolder.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

using namespace minimascope::core;

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

int envInt(const char* name, int fallback)
{
    const char* value = std::getenv(name);
    return value ? std::atoi(value) : fallback;
}

// Median wall time of `repeats` calls.
template <typename F> double timeIt(F&& f, int repeats)
{
    std::vector<double> times;
    for (int i = 0; i < repeats; ++i) {
        const auto start = Clock::now();
        f();
        times.push_back(secondsSince(start));
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

// Peak resident memory since the last reset, in MB (Linux: VmHWM, reset through clear_refs).
double peakMegabytes()
{
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmHWM:", 0) == 0)
            return std::atof(line.c_str() + 6) / 1024.0;
    return 0.0;
}

void resetPeak() { std::ofstream("/proc/self/clear_refs") << "5"; }

// Matmul throughput of this machine at the current thread count (GFLOP/s), for the
// FLOP-bound comparison.
double matmulPeak()
{
    const at::Tensor a = at::randn({1024, 1024});
    const at::Tensor b = at::randn({1024, 1024});
    at::mm(a, b);
    const double t = timeIt([&] { at::mm(a, b); }, 9);
    return 2.0 * 1024 * 1024 * 1024 / t / 1e9;
}

// Matmul FLOPs of one H product by the R-operator passes with the forward pass cached: per linear
// layer the tangent forward (x V^T, plus xDot W^T), the tangent backward (e W + g V, none into the
// data) and the gradient's tangent (e^T x, plus g^T xDot): 6 products, 2 for the first layer.
double hessianProductFlops(const std::vector<std::pair<int64_t, int64_t>>& layers, int64_t n)
{
    double flops = 0;
    for (size_t l = 0; l < layers.size(); ++l)
        flops += 2.0 * static_cast<double>(n * layers[l].first * layers[l].second) * (l == 0 ? 2 : 6);
    return flops;
}

nlohmann::json pairJson(const EigenResult& result, double seconds)
{
    std::vector<double> values, residuals;
    for (const EigenPair& pair : result.pairs) {
        values.push_back(pair.value);
        residuals.push_back(pair.residual);
    }
    return {{"values", values},
            {"residuals", residuals},
            {"products", result.products},
            {"seconds", seconds},
            {"converged", result.converged}};
}

// The eigen-solves of `minimascope-cli analyze`, each on fresh operators as a user would run them.
void addSolves(nlohmann::json& row, Network& network, FlatParameters& parameters, const Dataset& data)
{
    auto start = Clock::now();
    {
        CurvatureOperators operators(network, parameters, data);
        const EigenResult a = lanczos(operators.hessian(), LanczosOptions{});
        row["sharpness"] = pairJson(a, secondsSince(start));
    }
    start = Clock::now();
    {
        CurvatureOperators operators(network, parameters, data);
        LanczosOptions top5;
        top5.k = 5;
        const EigenResult five = lanczos(operators.hessian(), top5);
        row["top5"] = pairJson(five, secondsSince(start));
    }
    start = Clock::now();
    {
        CurvatureOperators operators(network, parameters, data);
        SpectralDensityOptions slq;
        slq.steps = 100;
        const SpectralDensity density = stochasticLanczosQuadrature(operators.hessian(), slq);
        row["slq100"] = {{"products", density.products}, {"seconds", secondsSince(start)}};
    }
    start = Clock::now();
    {
        CurvatureOperators operators(network, parameters, data);
        const EigenResult s = lanczos(operators.covariance(), LanczosOptions{});
        row["non_uniformity"] = pairJson(s, secondsSince(start));
        row["non_uniformity"]["s"] = std::sqrt(std::max(0.0, s.pairs.front().value));
    }
    const auto traceJson = [](const TraceEstimate& t, double seconds) {
        return nlohmann::json{{"value", t.trace},       {"standard_error", t.standardError}, {"samples", t.samples},
                              {"products", t.products}, {"sketch_size", t.sketchSize},       {"seconds", seconds}};
    };
    start = Clock::now();
    double targetError = 0.0;
    double hutchinsonTrace100 = 0.0;
    {
        CurvatureOperators operators(network, parameters, data);
        const TraceEstimate plain = hutchinsonTrace(operators.hessian(), 100, 4);
        row["trace_hutchinson100"] = traceJson(plain, secondsSince(start));
        hutchinsonTrace100 = plain.trace;
        // The sample standard deviation of one probe, sqrt(100) standard errors.
        targetError = plain.standardError * 10.0 / std::sqrt(static_cast<double>(envInt("BENCH_TRACE_PROBES", 34)));
    }
    start = Clock::now();
    {
        CurvatureOperators operators(network, parameters, data);
        TraceOptions options;
        options.sketchSize = envInt("BENCH_TRACE_SKETCH", 8);
        options.samples = 6;
        options.relativeStandardError = targetError / std::abs(hutchinsonTrace100);
        options.maxSamples = 1000;
        options.seed = 4;
        const TraceEstimate plusPlus = estimateTrace(operators.hessian(), options);
        row["trace_hutchpp"] = traceJson(plusPlus, secondsSince(start));
        row["trace_hutchpp"]["target_standard_error"] = targetError;
    }
}

// The canonical MLP on the first n examples.
nlohmann::json mlpRow(const std::string& paramsDir, const DatasetPair& full, int64_t n, bool solves, double peak)
{
    const Dataset data = takeFirst(full.train, n);
    const auto network = buildModel(modelPreset("mlp-256x4"), data, 0);
    loadNetworkTensors(paramsDir, *network);
    FlatParameters parameters(*network);
    const at::Tensor v = at::randn({parameters.size()});
    nlohmann::json row{{"model", "mlp-256x4"}, {"n", n}, {"parameters", parameters.size()}};

    resetPeak();
    {
        CurvatureOperators fast(*network, parameters, data);
        auto start = Clock::now();
        fast.hessian().apply(v);
        row["hvp_first_s"] = secondsSince(start);
        row["hvp_s"] = timeIt([&] { fast.hessian().apply(v); }, 5);
        row["sigma_s"] = timeIt([&] { fast.covariance().apply(v); }, 3);
        // The Theorem's operator at the preset's eta and B: 2 H and 1 Sigma products, of which the
        // Sigma product's first pass already gives H v (ROperatorCurvature.h).
        const SymmetricOperator stability = stabilityOperator(fast.hessian(), fast.covariance(), 0.1, 10, n);
        row["stability_product_s"] = timeIt([&] { stability.apply(v); }, 3);
    }
    row["peak_mb"] = peakMegabytes();
    CurvatureOperators autograd(*network, parameters, data, nullptr, /*forceNaive=*/true);
    row["hvp_autograd_s"] = timeIt([&] { autograd.hessian().apply(v); }, 3);
    const std::vector<std::pair<int64_t, int64_t>> layers{{784, 256}, {256, 256}, {256, 256}, {256, 256}, {256, 10}};
    row["hvp_flops"] = hessianProductFlops(layers, n);
    row["hvp_flop_bound_s"] = row["hvp_flops"].get<double>() / (peak * 1e9);
    if (n <= 2000)
        row["sigma_naive_s"] = timeIt([&] { autograd.covariance().apply(v); }, 1);
    if (solves)
        addSolves(row, *network, parameters, data);
    return row;
}

// A convolutional preset ("lenet5", "vgg-small", "resnet-small") at its seeded initialization
// (the times do not depend on the values) on the first n examples: the R-operator passes against
// autograd's double backward and the per-example loop, with the relative difference of the Sigma
// products.
nlohmann::json convolutionalRow(const std::string& preset, const DatasetPair& full, int64_t n)
{
    const Dataset data = takeFirst(full.train, n);
    const auto network = buildModel(modelPreset(preset), data, 0);
    FlatParameters parameters(*network);
    const at::Tensor v = at::randn({parameters.size()});
    nlohmann::json row{{"model", preset}, {"n", n}, {"parameters", parameters.size()}};
    at::Tensor product;
    resetPeak();
    {
        CurvatureOperators fast(*network, parameters, data);
        row["path"] = fast.path();
        auto start = Clock::now();
        fast.hessian().apply(v);
        row["hvp_first_s"] = secondsSince(start);
        row["hvp_s"] = timeIt([&] { fast.hessian().apply(v); }, 3);
        row["sigma_s"] = timeIt([&] { product = fast.covariance().apply(v); }, 3);
    }
    row["peak_mb"] = peakMegabytes();
    CurvatureOperators autograd(*network, parameters, data, nullptr, /*forceNaive=*/true);
    row["hvp_autograd_s"] = timeIt([&] { autograd.hessian().apply(v); }, 3);
    at::Tensor naiveProduct;
    row["sigma_naive_s"] = timeIt([&] { naiveProduct = autograd.covariance().apply(v); }, 1);
    row["sigma_relative_error"] = ((product - naiveProduct).norm() / naiveProduct.norm()).item<double>();
    return row;
}

}   // namespace

int main(int argc, char** argv)
{
    keepFreedMemoryForReuse();
    if (argc < 2) {
        std::cerr << "usage: minimascope-bench-curvature PARAMS_DIR [n ...]\n";
        return 2;
    }
    const std::string paramsDir = argv[1];
    std::vector<int64_t> sizes;
    for (int i = 2; i < argc; ++i)
        sizes.push_back(std::atoll(argv[i]));
    if (sizes.empty())
        sizes = {1000};
    const int threads = envInt("BENCH_THREADS", 1);
    at::set_num_threads(threads);
    at::NoGradGuard noGrad;

    const DatasetPair full = loadFashionMnist(defaultFashionMnistDir());
    const double peak = matmulPeak();
    std::cout << nlohmann::json{{"measure", "matmul_peak"}, {"threads", threads}, {"gflops", peak}}.dump() << std::endl;
    for (const int64_t n : sizes)
        std::cout << mlpRow(paramsDir, full, n, n == sizes.front(), peak).dump() << std::endl;
    if (envInt("BENCH_CONV", 1) == 0)
        return 0;
    for (const char* preset : {"lenet5", "vgg-small", "resnet-small"})
        std::cout << convolutionalRow(preset, full, sizes.front()).dump() << std::endl;
}
