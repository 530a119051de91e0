#include "analysis/CurvatureTracker.h"

#include "common/CancelToken.h"
#include "data/DatasetTransforms.h"
#include "models/FlatParameters.h"
#include "models/ModelSpec.h"
#include "models/Network.h"
#include "train/Trainer.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <thread>

namespace minimascope::core {

// The second thread and its copy of the network. The training thread hands it a job only when it
// is idle (so the copy is never written while it is read) and collects the finished sample later.
struct CurvatureTracker::Background {
    std::shared_ptr<Network> network;
    std::unique_ptr<FlatParameters> parameters;
    std::shared_ptr<Dataset> examples;
    const CancelToken* cancel = nullptr;

    std::mutex mutex;
    std::condition_variable changed;
    bool busy = false;      // a job was handed over and its sample not collected yet
    bool running = false;   // the thread works on the job
    bool quit = false;
    int64_t iteration = 0;   // of the job's parameters
    std::optional<CurvatureSample> finished;
    std::thread thread;
};

CurvatureTracker::CurvatureTracker(CurvatureTracking tracking) : m_tracking(tracking) { }

CurvatureTracker::~CurvatureTracker()
{
    if (!m_background)
        return;
    {
        std::lock_guard<std::mutex> lock(m_background->mutex);
        m_background->quit = true;
    }
    m_background->changed.notify_all();
    m_background->thread.join();
}

void CurvatureTracker::setCallback(std::function<void(const CurvatureSample&)> callback)
{
    m_callback = std::move(callback);
}

void CurvatureTracker::attach(Trainer& trainer)
{
    // The subset is cut once, not at every measurement.
    const Dataset& train = trainer.data().train;
    auto examples = std::make_shared<Dataset>(
        m_tracking.subset > 0 && m_tracking.subset < train.size() ? takeFirst(train, m_tracking.subset) : train);
    if (m_tracking.background && m_tracking.every > 0) {
        m_background = std::make_unique<Background>();
        Background& b = *m_background;
        b.network = buildModel(trainer.config().model, train, trainer.config().seed);
        b.parameters = std::make_unique<FlatParameters>(*b.network);
        b.examples = examples;
        b.thread = std::thread([this] {
            Background& bg = *m_background;
            // Thread counts and grad mode are per thread: one thread here, the training keeps its own.
            at::set_num_threads(1);
            std::unique_lock<std::mutex> lock(bg.mutex);
            while (true) {
                bg.changed.wait(lock, [&bg] { return bg.quit || bg.running; });
                if (bg.quit)
                    return;
                lock.unlock();
                std::optional<CurvatureSample> sample = measure(bg.iteration, *bg.network, *bg.parameters, *bg.examples,
                                                                *bg.cancel);
                lock.lock();
                bg.finished = std::move(sample);
                bg.running = false;
                bg.changed.notify_all();
            }
        });
    }
    const auto measureNow = [this, examples](const TrainerState& state) {
        // The end-of-run hook may fall on an iteration already measured.
        if (!m_samples.empty() && m_samples.back().iteration == state.iteration)
            return;
        // A diverged run ends on NaN/Inf weights: there is no curvature to measure.
        if (!state.parameters.values().isfinite().all().item<bool>())
            return;
        if (const auto sample = measure(state.iteration, state.network, state.parameters, *examples, state.cancel))
            deliver(*sample);
    };
    trainer.addHook(m_tracking.every, false, [this, measureNow](const TrainerState& state) {
        if (!m_background) {
            measureNow(state);
            return;
        }
        deliverFinished(/*wait=*/false);
        Background& b = *m_background;
        if (b.busy) {
            m_skipped.push_back(state.iteration);   // still measuring an earlier point
            return;
        }
        if (!state.parameters.values().isfinite().all().item<bool>())
            return;
        // The copy: parameters and buffers (BatchNorm statistics) as they are now. The thread is
        // idle (not busy), so nothing reads the copy while it is written.
        {
            at::NoGradGuard noGrad;
            b.parameters->set(state.parameters.values());
            const auto from = state.network.named_buffers();
            auto to = b.network->named_buffers();
            for (const auto& buffer : from)
                to[buffer.key()].copy_(buffer.value());
        }
        std::lock_guard<std::mutex> lock(b.mutex);
        b.cancel = &state.cancel;
        b.iteration = state.iteration;
        b.busy = b.running = true;
        b.changed.notify_all();
    });
    if (m_tracking.atEnd || m_background) {
        trainer.addHook(0, true, [this, measureNow](const TrainerState& state) {
            if (m_background)
                deliverFinished(/*wait=*/true);   // the last background sample, then the end's own
            if (m_tracking.atEnd)
                measureNow(state);
            // A last due point skipped while a measurement ran is measured here after all.
            if (!m_skipped.empty() && !m_samples.empty() && m_skipped.back() == m_samples.back().iteration)
                m_skipped.pop_back();
        });
    }
}

void CurvatureTracker::deliverFinished(bool wait)
{
    Background& b = *m_background;
    std::optional<CurvatureSample> sample;
    {
        std::unique_lock<std::mutex> lock(b.mutex);
        if (wait)
            b.changed.wait(lock, [&b] { return !b.running; });
        if (b.running || !b.busy)
            return;
        b.busy = false;
        sample = std::move(b.finished);
        b.finished.reset();
    }
    if (sample)
        deliver(*sample);
}

void CurvatureTracker::deliver(const CurvatureSample& sample)
{
    m_samples.push_back(sample);
    if (m_callback)
        m_callback(sample);
}

std::optional<CurvatureSample> CurvatureTracker::measure(int64_t iteration, Network& network,
                                                         FlatParameters& parameters, const Dataset& data,
                                                         const CancelToken& cancel)
{
    const auto start = std::chrono::steady_clock::now();
    CurvatureRequest request;
    request.nonUniformity = m_tracking.nonUniformity;
    request.tolerance = m_tracking.tolerance;
    request.warmStartHessian = m_hessianVector;
    request.warmStartCovariance = m_covarianceVector;
    request.density = m_tracking.spectrum;
    request.densityOptions = m_tracking.densityOptions;
    request.densityOptions.steps = std::min(request.densityOptions.steps, parameters.size());
    const CurvatureReport report = measureCurvature(network, parameters, data, request, &cancel);
    if (report.status != RunStatus::Finished)
        return std::nullopt;   // cancelled midway: no half-measured sample
    CurvatureSample sample;
    sample.iteration = iteration;
    sample.nonUniformity = std::numeric_limits<double>::quiet_NaN();
    if (!report.topEigenvalues.empty()) {
        sample.sharpness = report.topEigenvalues.front().value;
        sample.sharpnessResidual = report.topEigenvalues.front().residual;
        sample.hessianProducts = report.topEigenvalues.front().products;
        m_hessianVector = report.topEigenvector;
    }
    if (report.nonUniformity) {
        sample.nonUniformity = report.nonUniformity->value;
        sample.nonUniformityResidual = report.nonUniformity->residual;
        sample.covarianceProducts = report.nonUniformity->products;
        m_covarianceVector = report.covarianceEigenvector;
    }
    sample.density = report.density;
    sample.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return sample;
}

}   // namespace minimascope::core
