#include "train/Trainer.h"

#include "common/CancelToken.h"
#include "common/InputError.h"
#include "io/NumberFormat.h"
#include "models/FlatParameters.h"
#include "models/Network.h"
#include "train/AdaHessian.h"
#include "train/BatchSampler.h"
#include "train/IterateAverage.h"
#include "train/LossGradient.h"
#include "train/MlpBackprop.h"
#include "train/Objective.h"
#include "train/OptimizerFactory.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <chrono>
#include <cmath>
#include <limits>
#include <set>
#include <sstream>
#include <thread>

namespace minimascope::core {

namespace {

using Clock = std::chrono::steady_clock;
constexpr double kProgressInterval = 1.0 / 30.0;

double secondsSince(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

}   // namespace

struct Trainer::Impl {
    struct Hook {
        int64_t every;
        bool atEnd;
        std::function<void(const TrainerState&)> call;
    };

    std::shared_ptr<Network> network;
    std::unique_ptr<FlatParameters> parameters;
    std::unique_ptr<LossGradient> lossGradient;
    MlpBackprop* fusedSgd = nullptr;   // set when plain SGD on a supported MLP
    std::unique_ptr<torch::optim::Optimizer> optimizer;
    ProgressSink progress;
    std::function<void(const TrainerState&)> snapshotSink;
    std::function<void(const MetricsRow&)> metricsSink;
    std::vector<Hook> hooks;
    IterateAverage average;   // schedule.average_from

    // Makes `spec` the optimizer of the following steps, with fresh state (a switch starts
    // the new optimizer from scratch, as Im et al. do).
    void useOptimizer(const OptimizerSpec& spec, Task task, uint64_t seed)
    {
        fusedSgd = nullptr;
        optimizer = makeOptimizer(spec, parameters->values(), parameters->slices(), seed);
        if (auto* adaHessian = dynamic_cast<AdaHessian*>(optimizer.get())) {
            // The Hessian-vector product of each step needs the gradient's graph.
            auto secondOrder = std::make_unique<SecondOrderLossGradient>(*network, *parameters, task);
            adaHessian->setHessianProduct(
                [g = secondOrder.get()](const at::Tensor& z) { return g->hessianProduct(z); });
            lossGradient = std::move(secondOrder);
        } else {
            lossGradient = makeLossGradient(*network, *parameters, task);
        }
        if (isPlainSgd(spec))
            fusedSgd = dynamic_cast<MlpBackprop*>(lossGradient.get());
    }
};

Trainer::Trainer(RunConfig config, DatasetPair data)
    : m_impl(std::make_unique<Impl>()), m_config(std::move(config)), m_data(std::move(data))
{
    if (m_data.train.size() == 0)
        throw InputError("the training set is empty");
    const int64_t n = m_data.train.size();
    if (m_config.model.batchNorm
        && (m_config.effectiveBatchSize(n) < 2
            || (m_config.optimizerSwitch.at > 0 && m_config.optimizerSwitch.from.effectiveBatchSize(n) < 2)))
        throw InputError("BatchNorm needs batches of at least 2 examples (a batch_size is 1)");
    m_impl->network = buildModel(m_config.model, m_data.train, m_config.seed);
    m_impl->network->train();
    m_impl->parameters = std::make_unique<FlatParameters>(*m_impl->network);
    m_impl->useOptimizer(firstOptimizer(), m_data.train.task, m_config.seed);
}

const OptimizerSpec& Trainer::firstOptimizer() const
{
    return m_config.optimizerSwitch.at > 0 ? m_config.optimizerSwitch.from : m_config.optimizer;
}

Trainer::~Trainer() = default;

Network& Trainer::network() { return *m_impl->network; }
FlatParameters& Trainer::parameters() { return *m_impl->parameters; }
at::Tensor Trainer::averagedParameters() const { return m_impl->average.mean(); }
int64_t Trainer::averagedIterates() const { return m_impl->average.count(); }

std::optional<MetricsRow> Trainer::evaluateAverage(const CancelToken* cancel)
{
    const at::Tensor average = averagedParameters();
    if (!average.defined())
        return std::nullopt;
    ParameterRestorer restorer(*m_impl->parameters);   // the last iterate is back afterwards, whatever happens
    m_impl->parameters->set(average);
    const Evaluation trainEval = evaluate(*m_impl->network, m_data.train, cancel);
    const Evaluation testEval = evaluate(*m_impl->network, m_data.test, cancel);
    if (cancel && cancel->isCancelled())
        return std::nullopt;
    MetricsRow row;
    if (!m_metrics.empty()) {
        row.iteration = m_metrics.back().iteration;
        row.epoch = m_metrics.back().epoch;
    }
    row.batchLoss = std::numeric_limits<double>::quiet_NaN();   // no batch was drawn at the average
    row.trainLoss = trainEval.loss;
    row.trainAccuracy = trainEval.accuracy;
    row.testLoss = testEval.loss;
    row.testAccuracy = testEval.accuracy;
    return row;
}

void Trainer::setProgressSink(ProgressSink sink) { m_impl->progress = std::move(sink); }

void Trainer::addHook(int64_t every, bool atEnd, std::function<void(const TrainerState&)> hook)
{
    m_impl->hooks.push_back({every, atEnd, std::move(hook)});
}

void Trainer::setSnapshotSink(std::function<void(const TrainerState&)> sink) { m_impl->snapshotSink = std::move(sink); }

void Trainer::setMetricsSink(std::function<void(const MetricsRow&)> sink) { m_impl->metricsSink = std::move(sink); }

int64_t Trainer::analysisThreadsFor(const RunConfig& config)
{
    if (config.threads > 0)
        return config.threads;
    return std::min<int64_t>(2, std::max<int64_t>(1, std::thread::hardware_concurrency()));
}

int64_t Trainer::threadsFor(const RunConfig& config, int64_t n)
{
    if (config.threads > 0)
        return config.threads;
    const int64_t cores = std::max<int64_t>(1, std::thread::hardware_concurrency());
    return config.effectiveBatchSize(n) >= 64 ? std::min<int64_t>(2, cores) : 1;
}

TrainResult Trainer::run(const CancelToken& cancel)
{
    Impl& d = *m_impl;
    const Dataset& train = m_data.train;
    const int64_t n = train.size();
    const StopSpec& stop = m_config.stop;
    const int64_t switchAt = m_config.optimizerSwitch.at;
    // What depends on the optimizer of the current phase (all of the run without a switch).
    const OptimizerSpec* opt = &firstOptimizer();
    bool fullBatch = false;
    int64_t evalEvery = 0;
    std::unique_ptr<BatchSampler> sampler;
    int64_t iteration = 0;
    int64_t phaseStart = 0, epochsBefore = 0;   // where the current phase began
    const auto epochNow = [&] { return epochsBefore + (fullBatch ? iteration - phaseStart : sampler->epoch()); };
    TrainResult result;
    const auto startPhase = [&] {
        const int64_t batchSize = opt->effectiveBatchSize(n);
        fullBatch = opt->fullBatch() || batchSize == n;
        evalEvery = m_config.schedule.evalEvery > 0 ? m_config.schedule.evalEvery
                                                    : (fullBatch ? 10 : (n + batchSize - 1) / batchSize);
        sampler = std::make_unique<BatchSampler>(n, batchSize, opt->sampling, m_config.seed);
        result.gradientPath = d.fusedSgd                                         ? "fused-sgd-mlp"
                              : dynamic_cast<MlpBackprop*>(d.lossGradient.get()) ? "mlp-backprop"
                                                                                 : "autograd";
    };
    startPhase();
    std::set<int64_t> snapshotAt(m_config.schedule.snapshotAt.begin(), m_config.schedule.snapshotAt.end());
    if (switchAt > 0)
        snapshotAt.insert(switchAt);

    result.threads = threadsFor(m_config, n);
    at::set_num_threads(static_cast<int>(result.threads));
    at::NoGradGuard noGrad;   // grad mode is thread-local; the loss closures enable it where needed
    d.network->train();

    const auto start = Clock::now();
    double lastProgressSeconds = -1.0;
    double batchLoss = kNaN;
    MetricsRow lastRow;
    m_metrics.clear();

    const auto state = [&] { return TrainerState{iteration, *d.network, *d.parameters, m_data, cancel}; };
    const auto report = [&](bool isEvaluation) {
        if (!d.progress)
            return;
        const double seconds = secondsSince(start);
        if (!isEvaluation && lastProgressSeconds >= 0 && seconds - lastProgressSeconds < kProgressInterval)
            return;
        lastProgressSeconds = seconds;
        Progress p;
        p.what = "iteration";
        p.done = iteration;
        p.total = stop.maxIterations;
        p.seconds = seconds;
        const bool paced = iteration > 0;   // no pace before the first step
        p.etaSeconds = paced ? seconds / static_cast<double>(iteration)
                                   * static_cast<double>(stop.maxIterations - iteration)
                             : -1.0;
        if (stop.maxSeconds > 0)
            p.etaSeconds = paced ? std::min(p.etaSeconds, stop.maxSeconds - seconds) : stop.maxSeconds - seconds;
        p.estimate = batchLoss;
        d.progress(p);
    };
    // Evaluates the current parameters on the training and test sets and records the row;
    // false when cancelled midway (nothing recorded).
    const auto evaluateNow = [&](const CancelToken* token) -> bool {
        const auto evaluationStart = Clock::now();
        MetricsRow row;
        row.iteration = iteration;
        row.epoch = epochNow();
        row.batchLoss = batchLoss;
        Evaluation trainEval;
        if (m_config.schedule.gradientNorm) {
            const GradientEvaluation withGradient = evaluateWithGradient(*d.network, train, token);
            trainEval = withGradient;
            if (withGradient.gradient.defined())
                row.gradientNorm = withGradient.gradient.norm().item<double>();
        } else {
            trainEval = evaluate(*d.network, train, token);
        }
        const Evaluation testEval = evaluate(*d.network, m_data.test, token);
        result.evaluationSeconds += secondsSince(evaluationStart);
        if (token && token->isCancelled())
            return false;
        row.trainLoss = trainEval.loss;
        row.trainAccuracy = trainEval.accuracy;
        row.testLoss = testEval.loss;
        row.testAccuracy = testEval.accuracy;
        row.seconds = secondsSince(start);
        lastRow = row;
        m_metrics.push_back(row);
        if (d.metricsSink)
            d.metricsSink(row);
        report(true);
        return true;
    };
    const auto runHooks = [&](bool end) {
        const auto hookStart = Clock::now();
        bool ran = false;
        for (const Impl::Hook& hook : d.hooks) {
            if ((end && hook.atEnd) || (!end && hook.every > 0 && iteration % hook.every == 0)) {
                hook.call(state());
                ran = true;
            }
        }
        if (ran)
            result.hookSeconds += secondsSince(hookStart);
    };
    const auto snapshotDue = [&] {
        return d.snapshotSink
               && (snapshotAt.count(iteration) > 0
                   || (m_config.schedule.snapshotEvery > 0 && iteration % m_config.schedule.snapshotEvery == 0));
    };
    std::ostringstream bound;
    bound << stop.divergenceLoss;
    const std::string divergenceBound = bound.str();
    d.average.reset();
    const auto addToAverage = [&] {
        if (m_config.schedule.averageFrom >= 0 && iteration >= m_config.schedule.averageFrom)
            d.average.add(d.parameters->values());
    };
    const auto diverged = [&](const std::string& why) {
        result.status = RunStatus::Diverged;
        result.reason = why + " at iteration " + std::to_string(iteration);
    };

    if (snapshotDue())
        d.snapshotSink(state());
    addToAverage();
    evaluateNow(&cancel);
    while (true) {
        if (cancel.isCancelled()) {
            result.status = RunStatus::Cancelled;
            result.reason = "cancelled";
            break;
        }
        if (!std::isnan(lastRow.trainLoss) && lastRow.trainLoss < stop.lossBelow && lastRow.iteration == iteration) {
            result.reason = "loss_below";
            break;
        }
        if (iteration >= stop.maxIterations) {
            result.reason = "max_iterations";
            break;
        }
        if (stop.maxSeconds > 0 && secondsSince(start) >= stop.maxSeconds) {
            result.reason = "max_seconds";
            break;
        }

        if (switchAt > 0 && iteration == switchAt) {
            epochsBefore = epochNow();
            phaseStart = iteration;
            opt = &m_config.optimizer;
            d.useOptimizer(*opt, train.task, m_config.seed);
            startPhase();
            result.switchedAt = iteration;
        }
        at::Tensor x = train.inputs;
        at::Tensor y = train.targets;
        if (!fullBatch) {
            const at::Tensor batch = sampler->next();
            x = x.index_select(0, batch);
            y = y.index_select(0, batch);
        }
        at::Tensor loss;
        if (d.fusedSgd) {
            loss = d.fusedSgd->fusedSgdStep(x, y, opt->lr);
        } else {
            loss = d.optimizer->step([&] { return d.lossGradient->compute(x, y); });
        }
        ++iteration;
        batchLoss = loss.item<double>();
        if (!std::isfinite(batchLoss)) {
            diverged("the batch loss became " + std::string(std::isnan(batchLoss) ? "NaN" : "infinite"));
            break;
        }
        addToAverage();
        // A full batch's loss is the training loss (of the parameters before the step).
        if (fullBatch && batchLoss > stop.divergenceLoss) {
            diverged("the training loss exceeded " + divergenceBound);
            break;
        }
        // A full batch's loss is the training loss one step back: once it is below the target,
        // evaluate the current parameters exactly to decide whether to stop.
        const bool evaluationDue = iteration % evalEvery == 0 || (fullBatch && batchLoss < stop.lossBelow);
        if (evaluationDue && !evaluateNow(&cancel))
            continue;   // cancelled: the loop head ends the run
        if (lastRow.iteration == iteration && !(lastRow.trainLoss <= stop.divergenceLoss)) {
            diverged(std::isfinite(lastRow.trainLoss) ? "the training loss exceeded " + divergenceBound
                                                      : std::string("the training loss became non-finite"));
            break;
        }
        if (snapshotDue())
            d.snapshotSink(state());
        runHooks(false);
        report(false);
    }

    // The final row describes the parameters the run ends with; after a cancel the last
    // measured row stands, so that cancelling never waits for an evaluation.
    if (result.status != RunStatus::Cancelled && lastRow.iteration != iteration)
        evaluateNow(nullptr);
    if (result.status != RunStatus::Cancelled)
        runHooks(true);
    result.iterations = iteration;
    result.seconds = secondsSince(start);
    result.final = lastRow;
    result.averagedIterates = d.average.count();
    return result;
}

}   // namespace minimascope::core
