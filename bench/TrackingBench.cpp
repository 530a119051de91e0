// What live curvature tracking costs in a real training run, part of bench/run_curvature_bench.py.
//   minimascope-bench-tracking RUN_DIR [iterations] [every ...]
// RUN_DIR: a run folder (config.json, parameters/), normally the canonical workload trained to a
// training loss below 1e-3. Training continues from its parameters with the same config for
// `iterations` steps (default 1000) while a and s are measured every k steps (default 10, 50 and
// 200; a separate continuation each), warm-started as in the application. For every measurement:
// the products it cost, how far the parameters moved since the previous one (relative norm), and
// how well the previous top eigenvector of H overlaps the new one (|cos|, 1 = it did not turn).
// Prints a JSON line per k.
#include "analysis/CurvatureTracker.h"
#include "common/AllocatorSettings.h"
#include "common/CancelToken.h"
#include "data/DatasetSpec.h"
#include "models/FlatParameters.h"
#include "train/RunConfig.h"
#include "train/RunFolder.h"
#include "train/Trainer.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

using namespace minimascope::core;

namespace {

double mean(const std::vector<double>& values)
{
    double sum = 0.0;
    for (double v : values)
        sum += v;
    return values.empty() ? std::nan("") : sum / static_cast<double>(values.size());
}

nlohmann::json trackedContinuation(const std::string& runDir, int64_t iterations, int64_t every)
{
    RunConfig config = loadRunConfig(runDir + "/config.json");
    config.stop.lossBelow = 0.0;   // keep training past the loss the run stopped at
    config.stop.maxIterations = iterations;
    Trainer trainer(config, loadDatasets(config.dataset));
    loadNetworkTensors(runDir + "/parameters", trainer.network());

    CurvatureTracking tracking;
    tracking.every = every;
    tracking.atEnd = false;
    CurvatureTracker tracker(tracking);
    std::vector<double> hessianProducts, covarianceProducts, moved, overlap, seconds;
    at::Tensor previousParameters = trainer.parameters().get();
    at::Tensor previousVector;
    tracker.setCallback([&](const CurvatureSample& sample) {
        const at::Tensor parameters = trainer.parameters().get();
        const at::Tensor vector = tracker.hessianWarmStart().to(at::kDouble);
        hessianProducts.push_back(static_cast<double>(sample.hessianProducts));
        covarianceProducts.push_back(static_cast<double>(sample.covarianceProducts));
        seconds.push_back(sample.seconds);
        moved.push_back(((parameters - previousParameters).norm() / previousParameters.norm()).item<double>());
        overlap.push_back(previousVector.defined() ? std::abs(previousVector.dot(vector).item<double>())
                                                   : std::nan(""));
        previousParameters = parameters;
        previousVector = vector;
    });
    tracker.attach(trainer);
    CancelToken cancel;
    const TrainResult result = trainer.run(cancel);

    // The first measurement starts cold; the warm-started ones follow.
    const auto warm = [](const std::vector<double>& all) { return std::vector<double>(all.begin() + 1, all.end()); };
    return {
        {"measure", "tracking"},
        {"every", every},
        {"iterations", result.iterations},
        {"measurements", hessianProducts.size()},
        {"cold", {{"hessian_products", hessianProducts.front()}, {"covariance_products", covarianceProducts.front()}}},
        {"warm_mean_hessian_products", mean(warm(hessianProducts))},
        {"warm_mean_covariance_products", mean(warm(covarianceProducts))},
        {"warm_mean_seconds", mean(warm(seconds))},
        {"mean_relative_move", mean(warm(moved))},
        {"mean_overlap", mean(warm(overlap))},
        {"hessian_products", hessianProducts},
        {"covariance_products", covarianceProducts},
        {"relative_move", moved},
        {"overlap", overlap}};
}

}   // namespace

int main(int argc, char** argv)
{
    keepFreedMemoryForReuse();
    if (argc < 2) {
        std::cerr << "usage: minimascope-bench-tracking RUN_DIR [iterations] [every ...]\n";
        return 2;
    }
    const int64_t iterations = argc > 2 ? std::atoll(argv[2]) : 1000;
    std::vector<int64_t> intervals;
    for (int i = 3; i < argc; ++i)
        intervals.push_back(std::atoll(argv[i]));
    if (intervals.empty())
        intervals = {10, 50, 200};
    for (const int64_t every : intervals)
        std::cout << trackedContinuation(argv[1], iterations, every).dump() << std::endl;
}
