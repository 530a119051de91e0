#pragma once
// Runs one training run (RunConfig) on a data set until a stop rule fires:
//   training loss below stop.lossBelow, stop.maxIterations steps, stop.maxSeconds of wall
//   time, divergence (a NaN/Inf batch loss or a training loss above stop.divergenceLoss), or
//   a cancel request, which is honoured within one step (well under 200 ms for the presets).
// Threading: construct and run on the same thread; run() sets that thread's torch thread
// count and grad mode. Callbacks run on that thread too. cancel may be set from any thread.
// Errors: bad configs or data throw InputError from the constructor; run() never throws for
// numerical trouble, it returns Diverged.
#include "common/Progress.h"
#include "common/RunStatus.h"
#include "data/Dataset.h"
#include "train/MetricsRow.h"
#include "train/RunConfig.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace minimascope::core {

class CancelToken;
class FlatParameters;
class Network;

struct TrainResult {
    RunStatus status = RunStatus::Finished;
    std::string reason;   // "loss_below", "max_iterations", "max_seconds", "cancelled", or why it diverged
    int64_t iterations = 0;
    double seconds = 0.0;
    double hookSeconds = 0.0;         // spent in periodic hooks (curvature measurements)
    double evaluationSeconds = 0.0;   // spent evaluating on the full training and test sets
    MetricsRow final;                 // evaluation of the parameters the run ends with
    int64_t threads = 1;
    std::string gradientPath;       // "fused-sgd-mlp", "mlp-backprop" or "autograd"
    int64_t averagedIterates = 0;   // iterates in the schedule.average_from average (0 = off)
    int64_t switchedAt = -1;        // the iteration the config's switch changed the optimizer at; -1 = none
};

// What a hook or snapshot sink sees: the live network and its flat parameters.
struct TrainerState {
    int64_t iteration;
    Network& network;
    FlatParameters& parameters;
    const DatasetPair& data;
    const CancelToken& cancel;   // the run's: long hooks should honour it too
};

class Trainer {
public:
    Trainer(RunConfig config, DatasetPair data);
    ~Trainer();

    // Progress: "iteration" of stop.maxIterations, the ETA to the iteration or time cap (whichever comes first) and
    // the last mini-batch loss as estimate; throttled to ~30 reports a second, plus one after every metrics row.
    void setProgressSink(ProgressSink sink);
    // Called after every `every` iterations (and, with atEnd, once when the run ends); its
    // wall time is reported in TrainResult::hookSeconds. This is where curvature tracking attaches.
    void addHook(int64_t every, bool atEnd, std::function<void(const TrainerState&)> hook);
    // Called at schedule.snapshotAt / snapshotEvery iterations (iteration 0 included), and at
    // the iteration of an optimizer switch (switch.at), so that the basin before the switch can
    // be compared with the one the run ends in.
    void setSnapshotSink(std::function<void(const TrainerState&)> sink);
    // Called with every metrics row as soon as it is measured (a run folder streams them).
    void setMetricsSink(std::function<void(const MetricsRow&)> sink);

    TrainResult run(const CancelToken& cancel);

    const RunConfig& config() const { return m_config; }
    const DatasetPair& data() const { return m_data; }
    Network& network();
    FlatParameters& parameters();
    const std::vector<MetricsRow>& metrics() const { return m_metrics; }
    // The running mean of the parameters from schedule.average_from on (flat, like
    // FlatParameters::values()); undefined when averaging is off or no iterate reached it.
    at::Tensor averagedParameters() const;
    int64_t averagedIterates() const;
    // The averaged parameters evaluated as the run evaluates its iterates (full training and test
    // sets, eval mode; BatchNorm buffers the last iterate's, as in average/); iteration and epoch
    // are the last evaluation's, batchLoss NaN. The last iterate's parameters are back afterwards.
    // nullopt when there is no average or the token cancels midway.
    std::optional<MetricsRow> evaluateAverage(const CancelToken* cancel = nullptr);

    // The torch thread count the trainer uses for a config: the config's when set; otherwise
    // one thread for batches below 64 examples (per-op overhead dominates and a second
    // thread only adds synchronisation) and two above (large matmuls scale).
    static int64_t threadsFor(const RunConfig& config, int64_t n);
    // The torch threads for full-data products after a run (analyze, the what-if), with the
    // cores free: the config's when set, otherwise two (each product is a pass over all n
    // examples, large enough to scale).
    static int64_t analysisThreadsFor(const RunConfig& config);

private:
    // The optimizer the run starts with: switch.from with a switch, otherwise the optimizer.
    const OptimizerSpec& firstOptimizer() const;

    struct Impl;
    std::unique_ptr<Impl> m_impl;
    RunConfig m_config;
    DatasetPair m_data;
    std::vector<MetricsRow> m_metrics;
};

}   // namespace minimascope::core
