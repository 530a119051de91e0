// Cost of the curvature engine on the canonical workload (784-256x4-10 MLP trained on the first
// 1000 Fashion-MNIST examples), the C++ half of bench/run_curvature_bench.py. Prints JSON lines.
//   minimascope-bench-curvature PARAMS_DIR [n ...]
// PARAMS_DIR: a trained network's parameters (a run folder's parameters/). For each n (default
// 1000) it times H products (both paths), Sigma products (factored and, at n <= 2000, the naive
// loop), certified sharpness, top-5, SLQ, the stability test, and peak memory; then LeNet-5's H
// and Sigma products (per-example loop against expanded weights) at the first n.
#include "analysis/CurvatureOperators.h"
#include "analysis/Lanczos.h"
#include "analysis/LossCurvature.h"
#include "analysis/SpectralDensity.h"
#include "common/CancelToken.h"
#include "data/DatasetSpec.h"
#include "data/FashionMnist.h"
#include "data/DatasetTransforms.h"
#include "models/FlatParameters.h"
#include "models/Network.h"
#include "train/RunFolder.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>

using namespace minimascope::core;

namespace {

double seconds(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Median wall time of `repeats` calls.
template <typename F>
double timeIt(F&& f, int repeats)
{
    std::vector<double> times;
    for (int i = 0; i < repeats; ++i) {
        const auto start = std::chrono::steady_clock::now();
        f();
        times.push_back(seconds(start));
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

void resetPeak()
{
    std::ofstream("/proc/self/clear_refs") << "5";
}

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

// Matmul FLOPs of one factored H product on an MLP with these layer sizes and n examples:
// forward, tangent forward (2 products, 1 for the first layer), backward and tangent backward
// (1 and 2 products, none below the first layer), and the H v accumulation (2, 1 for the first).
double factoredHessianFlops(const std::vector<std::pair<int64_t, int64_t>>& layers, int64_t n)
{
    double flops = 0;
    for (size_t l = 0; l < layers.size(); ++l) {
        const double mac = 2.0 * static_cast<double>(n * layers[l].first * layers[l].second);
        const bool first = l == 0;
        flops += mac * (1 + (first ? 1 : 2) + (first ? 0 : 3) + (first ? 1 : 2));
    }
    return flops;
}

// A convolutional preset ("lenet5", "vgg-small", "resnet-small") at its seeded initialization
// (the times do not depend on the values) on the first n examples: H and Sigma products by the
// engine's R-operator passes against autograd's double backward and the per-example loop, with
// the relative difference of the Sigma products.
nlohmann::json convolutionalRow(const std::string& preset, const DatasetPair& full, int64_t n, int threads)
{
    const Dataset data = takeFirst(full.train, n);
    const auto network = buildModel(modelPreset(preset), data, 0);
    FlatParameters parameters(*network);
    CurvatureOperators fast(*network, parameters, data);
    CurvatureOperators autograd(*network, parameters, data, nullptr, /*forceNaive=*/true);
    const at::Tensor v = at::randn({parameters.size()});
    nlohmann::json row{{"model", preset}, {"n", n}, {"threads", threads}, {"parameters", parameters.size()},
                       {"path", fast.path()}};
    resetPeak();
    row["hvp_s"] = timeIt([&] { fast.hessian().apply(v); }, 3);
    row["hvp_peak_mb"] = peakMegabytes();
    row["hvp_autograd_s"] = timeIt([&] { autograd.hessian().apply(v); }, 3);
    at::Tensor product;
    resetPeak();
    row["sigma_s"] = timeIt([&] { product = fast.covariance().apply(v); }, 3);
    row["sigma_peak_mb"] = peakMegabytes();
    at::Tensor naiveProduct;
    row["sigma_naive_s"] = timeIt([&] { naiveProduct = autograd.covariance().apply(v); }, 1);
    row["sigma_relative_error"] = ((product - naiveProduct).norm() / naiveProduct.norm()).item<double>();
    row["sigma_over_hvp"] = row["sigma_s"].get<double>() / row["hvp_s"].get<double>();
    row["sigma_speedup_over_naive"] = row["sigma_naive_s"].get<double>() / row["sigma_s"].get<double>();
    return row;
}

} // namespace

int main(int argc, char** argv)
{
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
    const int threads = std::getenv("BENCH_THREADS") ? std::atoi(std::getenv("BENCH_THREADS")) : 1;
    at::set_num_threads(threads);
    at::NoGradGuard noGrad;

    const DatasetPair full = loadFashionMnist(defaultFashionMnistDir());
    const double peak = matmulPeak();
    std::cout << nlohmann::json{{"measure", "matmul_peak"}, {"threads", threads}, {"gflops", peak}}.dump() << std::endl;

    for (const int64_t n : sizes) {
        const Dataset data = takeFirst(full.train, n);
        const auto network = buildModel(modelPreset("mlp-256x4"), data, 0);
        loadNetworkTensors(paramsDir, *network);
        FlatParameters parameters(*network);
        CurvatureOperators fast(*network, parameters, data);
        CurvatureOperators generic(*network, parameters, data, nullptr, /*forceNaive=*/true);
        const at::Tensor v = at::randn({parameters.size()});
        nlohmann::json row{{"n", n}, {"threads", threads}, {"parameters", parameters.size()}};

        resetPeak();
        row["hvp_factored_s"] = timeIt([&] { fast.hessian().apply(v); }, 5);
        row["hvp_factored_peak_mb"] = peakMegabytes();
        resetPeak();
        row["hvp_autograd_s"] = timeIt([&] { generic.hessian().apply(v); }, 5);
        row["hvp_autograd_peak_mb"] = peakMegabytes();
        const std::vector<std::pair<int64_t, int64_t>> layers{{784, 256}, {256, 256}, {256, 256}, {256, 256}, {256, 10}};
        const double flops = factoredHessianFlops(layers, n);
        row["hvp_factored_gflops"] = flops / row["hvp_factored_s"].get<double>() / 1e9;
        row["hvp_flop_bound_s"] = flops / (peak * 1e9);
        row["hvp_flops"] = flops;
        resetPeak();
        row["sigma_factored_s"] = timeIt([&] { fast.covariance().apply(v); }, 3);
        row["sigma_factored_peak_mb"] = peakMegabytes();
        row["sigma_over_hvp"] = row["sigma_factored_s"].get<double>() / row["hvp_factored_s"].get<double>();
        if (n <= 2000) {
            resetPeak();
            row["sigma_naive_s"] = timeIt([&] { generic.covariance().apply(v); }, 1);
            row["sigma_naive_peak_mb"] = peakMegabytes();
            row["sigma_speedup_over_naive"] = row["sigma_naive_s"].get<double>() / row["sigma_factored_s"].get<double>();
        }
        if (n == sizes.front()) {
            auto start = std::chrono::steady_clock::now();
            LanczosOptions top1;
            const EigenResult a = lanczos(fast.hessian(), top1);
            row["sharpness"] = {{"value", a.pairs.front().value}, {"residual", a.pairs.front().residual},
                                {"products", a.products}, {"seconds", seconds(start)}, {"converged", a.converged}};
            start = std::chrono::steady_clock::now();
            LanczosOptions top5;
            top5.k = 5;
            const EigenResult five = lanczos(fast.hessian(), top5);
            std::vector<double> values;
            for (const auto& p : five.pairs)
                values.push_back(p.value);
            row["top5"] = {{"values", values}, {"products", five.products}, {"seconds", seconds(start)},
                           {"converged", five.converged}};
            start = std::chrono::steady_clock::now();
            SpectralDensityOptions slq;
            slq.steps = 100;
            const SpectralDensity density = stochasticLanczosQuadrature(fast.hessian(), slq);
            row["slq100"] = {{"products", density.products}, {"seconds", seconds(start)}};
            start = std::chrono::steady_clock::now();
            LanczosOptions s1;
            const EigenResult s = lanczos(fast.covariance(), s1);
            row["non_uniformity"] = {{"value", std::sqrt(std::max(0.0, s.pairs.front().value))},
                                     {"residual", s.pairs.front().residual}, {"products", s.products},
                                     {"seconds", seconds(start)}, {"converged", s.converged}};
        }
        std::cout << row.dump() << std::endl;
    }
    for (const char* preset : {"lenet5", "vgg-small", "resnet-small"})
        std::cout << convolutionalRow(preset, full, sizes.front(), threads).dump() << std::endl;
}
