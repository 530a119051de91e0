// Cost of a loss surface on the canonical workload (784-256x4-10 MLP trained on the first 1000
// Fashion-MNIST examples): a 51x51 filter-normalized grid, the C++ half of
// bench/run_landscape_bench.py. Prints JSON lines.
//   minimascope-bench-landscape PARAMS_DIR [repeats]
// PARAMS_DIR: a trained network's parameters (a run folder's parameters/). Times the fast path
// with two point workers (one core each) and with one worker on two intra-op threads, and the
// generic set-parameters-and-forward path once on an 11x11 grid (scaled per point); reports each run's time to the
// coarse preview, the matmul FLOPs done and the matmul peak of this machine for the FLOP-bound comparison.
#include "common/AllocatorSettings.h"
#include "data/DatasetTransforms.h"
#include "data/FashionMnist.h"
#include "landscape/Directions.h"
#include "landscape/LossSurface.h"
#include "models/FlatParameters.h"
#include "models/Mlp.h"
#include "models/ModelSpec.h"
#include "train/RunFolder.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>

using namespace minimascope::core;

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// Matmul throughput (GFLOP/s) of 1024^3 products: with one intra-op thread per product and
// `concurrent` products running at once on their own threads, the best of 5 rounds.
double matmulPeak(int concurrent)
{
    const at::Tensor a = at::randn({1024, 1024});
    const at::Tensor b = at::randn({1024, 1024});
    constexpr int kProducts = 8;
    double best = 0.0;
    for (int round = 0; round < 5; ++round) {
        const auto start = Clock::now();
        std::vector<std::thread> threads;
        for (int t = 0; t < concurrent; ++t)
            threads.emplace_back([&] {
                at::set_num_threads(1);
                for (int k = 0; k < kProducts; ++k)
                    at::mm(a, b);
            });
        for (auto& thread : threads)
            thread.join();
        best = std::max(best, 2.0 * 1024 * 1024 * 1024 * kProducts * concurrent / secondsSince(start) / 1e9);
    }
    return best;
}

struct Timing {
    double seconds = 1e30;
    double previewSeconds = 1e30;
};

Timing timeSurface(Network& network, FlatParameters& parameters, const Dataset& data, const SurfaceRequest& request,
                   int repeats)
{
    Timing best;
    for (int r = 0; r < repeats; ++r) {
        LandscapeGrid grid;
        double preview = 0.0;
        const auto start = Clock::now();
        const SurfaceSink sink = [&](const LandscapeGrid&, const SurfaceLevel& level, const Progress&) {
            if (level.finished && level.index == 0)
                preview = secondsSince(start);
        };
        evaluateSurface(network, parameters, data, request, grid, nullptr, sink);
        best.seconds = std::min(best.seconds, secondsSince(start));
        best.previewSeconds = std::min(best.previewSeconds, preview);
    }
    return best;
}

}   // namespace

int main(int argc, char** argv)
{
    keepFreedMemoryForReuse();
    if (argc < 2) {
        std::cerr << "usage: minimascope-bench-landscape PARAMS_DIR [repeats]\n";
        return 2;
    }
    const int repeats = argc > 2 ? std::atoi(argv[2]) : 3;
    at::NoGradGuard noGrad;
    const Dataset data = takeFirst(loadFashionMnist(defaultFashionMnistDir()).train, 1000);
    const auto network = buildModel(modelPreset("mlp-256x4"), data, 0);
    loadNetworkTensors(argv[1], *network);
    FlatParameters parameters(*network);

    const double peak1 = matmulPeak(1);
    const double peak2 = matmulPeak(2);
    std::cout
        << nlohmann::json{{"measure", "matmul_peak"}, {"gflops_1_thread", peak1}, {"gflops_2_threads", peak2}}.dump()
        << std::endl;

    const auto directionsStart = Clock::now();
    SurfaceRequest request;
    request.origin = parameters.get();
    request.direction1 = randomDirection(parameters, DirectionNormalization::Filter, true, 1);
    request.direction2 = randomDirection(parameters, DirectionNormalization::Filter, true, 2);
    const double directionSeconds = secondsSince(directionsStart);

    // Matmul FLOPs: per point 2 n in out for every layer; the fast path pays the first layer
    // three times once and the deeper layers per point.
    const auto* mlp = dynamic_cast<const Mlp*>(network.get());
    double firstLayer = 0.0, deeper = 0.0;
    for (size_t l = 0; l < mlp->linears().size(); ++l) {
        const double flops = 2.0 * static_cast<double>(data.size())
                             * static_cast<double>(mlp->linears()[l]->weight.numel());
        (l == 0 ? firstLayer : deeper) += flops;
    }
    const double points = static_cast<double>(request.nx * request.ny);
    const double fastFlops = 3.0 * firstLayer + points * deeper;
    const double genericFlops = points * (firstLayer + deeper);

    const auto report = [&](const char* name, const Timing& t, double flops, int threads) {
        std::cout << nlohmann::json{{"impl", "minimascope"},
                                    {"path", name},
                                    {"threads", threads},
                                    {"grid", "51x51"},
                                    {"seconds", t.seconds},
                                    {"preview_seconds", t.previewSeconds},
                                    {"gflop", flops / 1e9},
                                    {"gflops", flops / t.seconds / 1e9},
                                    {"flop_bound_seconds", flops / (peak2 * 1e9)},
                                    {"directions_seconds", directionSeconds}}
                         .dump()
                  << std::endl;
    };
    request.threads = 2;
    report("fast-2-workers", timeSurface(*network, parameters, data, request, repeats), fastFlops, 2);
    at::set_num_threads(2);
    request.threads = 1;
    report("fast-1-worker-2-intraop", timeSurface(*network, parameters, data, request, repeats), fastFlops, 2);
    // The generic path is only the reference: an 11x11 grid, scaled to 51x51 per point.
    request.fastPath = false;
    request.nx = request.ny = 11;
    const Timing generic = timeSurface(*network, parameters, data, request, 1);
    const double scale = points / static_cast<double>(request.nx * request.ny);
    report("generic-2-intraop (11x11, scaled)", {generic.seconds * scale, generic.previewSeconds}, genericFlops, 2);
    return 0;
}
