#pragma once
// A training run, completely described: what the JSON config file says, validated, with
// every default filled in. toJson() writes the resolved form into a run's folder, and that
// file alone reproduces the run.
// fromJson() throws InputError naming the key for unknown keys, wrong types and values out
// of range.
#include "data/DatasetSpec.h"
#include "models/ModelSpec.h"

#include <nlohmann/json_fwd.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace minimascope::core {

// How SGD draws its batches.
//   Shuffle:     reshuffle once per epoch and walk through it (everyday practice; each example
//                once per epoch, the last batch of an epoch holds the n mod B leftovers).
//   Subset:      a fresh uniform B-subset every step, independent across steps (the sampling
//                of Wu, Ma & E's stability theorem).
//   Replacement: B indices drawn independently with replacement.
enum class Sampling { Shuffle, Subset, Replacement };

struct OptimizerSpec {
    // "gd", "sgd", "adagrad", "adam", "lbfgs", "sam", "adahessian" or "rk2".
    std::string name = "sgd";
    double lr = 0.1;          // eta
    int64_t batchSize = 10;   // B; gd and lbfgs always use the whole training set
    Sampling sampling = Sampling::Shuffle;
    double momentum = 0.0;   // sgd, gd, sam's base step
    bool nesterov = false;
    double weightDecay = 0.0;
    double lrDecay = 0.0;                            // adagrad: lr / (1 + (t-1) decay)
    double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;   // adam, adahessian (eps also adagrad's)
    int64_t historySize = 10;                        // lbfgs
    int64_t lbfgsInnerIterations = 1;                // lbfgs iterations per trainer step
    bool lineSearch = true;                          // lbfgs strong Wolfe line search
    double rho = 0.05;                               // sam neighbourhood radius
    double hessianPower = 1.0;                       // adahessian: k in (sqrt(v))^k
    double rk2Alpha = 1.0;                           // rk2: the stage parameter (1 Heun, 0.5 midpoint; train/Rk2.h)

    bool fullBatch() const { return name == "gd" || name == "lbfgs"; }
    // The batch size actually used for n training examples.
    int64_t effectiveBatchSize(int64_t n) const { return fullBatch() ? n : std::min(batchSize, n); }
};

// Switching optimizer during training (Im, Tao & Branson 2016: e.g. Adam first, then SGD): the
// run starts with `from` and continues with the config's `optimizer` from iteration `at` on, so
// that `optimizer` is always the one the run ends with, whose eta and B the stability bounds
// of its minimum use.
struct OptimizerSwitch {
    int64_t at = 0;       // the first iteration of `optimizer`; 0 = no switch
    OptimizerSpec from;   // the optimizer of iterations 0 .. at-1
};

struct StopSpec {
    double lossBelow = 1e-4;   // training loss threshold
    int64_t maxIterations = 20000;
    double maxSeconds = 0.0;       // 0 = no time cap
    double divergenceLoss = 1e6;   // training loss above this counts as divergence
};

struct ScheduleSpec {
    int64_t evalEvery = 0;             // full train/test evaluation; 0 = once per epoch (every step for full batch)
    int64_t snapshotEvery = 0;         // save parameters every k iterations; 0 = never
    std::vector<int64_t> snapshotAt;   // and at these iterations
    // SWA-style averaging: the running mean of the parameters at every iteration >= averageFrom
    // (iteration 0 = the initial parameters), written as average/ beside parameters/; -1 = off.
    int64_t averageFrom = -1;
    // At every evaluation also the norm of the full training-set gradient (the metrics'
    // gradient_norm column): one backward pass over the training set more per evaluation.
    bool gradientNorm = false;
};

struct RunConfig {
    DatasetSpec dataset;
    ModelSpec model;
    std::string modelPreset;           // informational: the preset the model came from, if any
    OptimizerSpec optimizer;           // with a switch, the optimizer the run ends with
    OptimizerSwitch optimizerSwitch;   // "switch": {"at": K, "from": {...}}
    StopSpec stop;
    ScheduleSpec schedule;
    uint64_t seed = 0;     // initialization and batch sampling
    int64_t threads = 0;   // torch threads in the training thread; 0 = automatic

    static RunConfig fromJson(const nlohmann::json& json);
    nlohmann::json toJson() const;
    // The batch size the run ends with for n training examples.
    int64_t effectiveBatchSize(int64_t n) const { return optimizer.effectiveBatchSize(n); }
};

// Reads and parses a config file; errors name the file.
RunConfig loadRunConfig(const std::string& path);

const char* toString(Sampling sampling);

}   // namespace minimascope::core
