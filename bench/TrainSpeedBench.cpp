// Steps per second of the trainer on the canonical workload (784-256x4-10 MLP, the first n
// Fashion-MNIST examples), the C++ half of bench/run_train_bench.py. Runs the real Trainer
// (sampler, batch gather, gradient path, update) and excludes only its evaluations.
// Prints one JSON object per measurement.
#include "common/AllocatorSettings.h"
#include "common/CancelToken.h"
#include "data/DatasetSpec.h"
#include "train/Trainer.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

using namespace minimascope::core;

namespace {

double stepsPerSecond(const RunConfig& base, const DatasetPair& data, int64_t steps)
{
    RunConfig config = base;
    config.stop.maxIterations = steps;
    config.stop.lossBelow = 0.0;
    config.schedule.evalEvery = steps;   // evaluate only at the start and the end
    Trainer trainer(config, data);
    CancelToken cancel;
    const TrainResult result = trainer.run(cancel);
    return static_cast<double>(result.iterations) / (result.seconds - result.evaluationSeconds);
}

}   // namespace

int main(int argc, char** argv)
{
    keepFreedMemoryForReuse();
    // Usage: minimascope-bench-train [seconds-per-measurement] [n] [batch sizes...]
    const double seconds = argc > 1 ? std::atof(argv[1]) : 3.0;
    const int64_t n = argc > 2 ? std::atoll(argv[2]) : 1000;
    std::vector<int64_t> batches;
    for (int i = 3; i < argc; ++i)
        batches.push_back(std::atoll(argv[i]));
    if (batches.empty())
        batches = {1, 10, 100, n};

    RunConfig config;
    config.dataset.n = n;
    config.dataset.testN = 0;
    config.model = modelPreset("mlp-256x4");
    config.optimizer.lr = 0.1;
    const DatasetPair data = loadDatasets(config.dataset);

    for (const int64_t threads : {1, 2}) {
        for (const int64_t batch : batches) {
            config.threads = threads;
            config.optimizer.name = batch == n ? "gd" : "sgd";
            config.optimizer.batchSize = batch;
            // A short calibration run sizes the measurement to about `seconds`.
            const double rate = stepsPerSecond(config, data, 20);
            const auto steps = std::max<int64_t>(20, static_cast<int64_t>(rate * seconds));
            // Best of three: the machine's other load only ever slows a run down.
            double measured = 0.0;
            for (int repeat = 0; repeat < 3; ++repeat)
                measured = std::max(measured, stepsPerSecond(config, data, steps));
            std::cout << nlohmann::json{{"impl", "minimascope"},
                                        {"batch", batch},
                                        {"threads", threads},
                                        {"steps_per_second", measured}}
                             .dump()
                      << std::endl;
        }
    }
}
