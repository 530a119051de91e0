#include "workers/TrainingWorker.h"

#include "analysis/CurvatureReport.h"
#include "analysis/CurvatureTracker.h"
#include "common/CancelToken.h"
#include "common/InputError.h"
#include "data/DatasetSpec.h"
#include "data/DatasetTransforms.h"
#include "models/FlatParameters.h"
#include "models/Network.h"
#include "train/RunConfig.h"
#include "train/RunFolder.h"
#include "train/Trainer.h"

#include <ATen/Parallel.h>
#include <nlohmann/json.hpp>

#include <QElapsedTimer>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>

namespace minimascope::ui {

namespace {

// Updates to the GUI thread at most ~30 a second: each one costs a queued event and a replot.
constexpr qint64 kUpdateIntervalMs = 33;

JobStatus toJobStatus(core::RunStatus status)
{
    switch (status) {
    case core::RunStatus::Finished: return JobStatus::Finished;
    case core::RunStatus::Cancelled: return JobStatus::Cancelled;
    case core::RunStatus::Diverged: return JobStatus::Diverged;
    case core::RunStatus::Failed: return JobStatus::Failed;
    }
    return JobStatus::Failed;
}

MetricsPoint toPoint(const core::MetricsRow& row)
{
    return {row.iteration, row.seconds, row.batchLoss, row.trainLoss, row.trainAccuracy, row.testLoss,
            row.testAccuracy};
}

} // namespace

struct TrainingWorker::Impl {
    core::CancelToken token;
    std::atomic<quint64> currentJob{0};
    std::atomic<quint64> cancelledUpTo{0};
    std::atomic<bool> paused{false};
    std::mutex pauseMutex;
    std::condition_variable pauseWake;
    // The last run, kept for the analyses of the parameters it ended with.
    std::unique_ptr<core::Trainer> trainer;
    core::TrainResult lastResult;

    // Starts job `id`: a cancel that arrived while it was queued still applies.
    void begin(quint64 id)
    {
        currentJob.store(id);
        token.reset();
        if (cancelledUpTo.load() >= id)
            token.requestCancel();
        // Torch's thread count and grad mode are per thread: set them here, on the worker.
        // One thread leaves the second core to the GUI.
        at::set_num_threads(1);
    }

    void waitWhilePaused()
    {
        std::unique_lock<std::mutex> lock(pauseMutex);
        pauseWake.wait(lock, [this] { return !paused.load() || token.isCancelled(); });
    }
};

TrainingWorker::TrainingWorker(QObject* parent) : QObject(parent), m_impl(std::make_unique<Impl>())
{
    registerWorkerMetaTypes();
}

TrainingWorker::~TrainingWorker() = default;

void TrainingWorker::cancel(quint64 jobId)
{
    Impl& d = *m_impl;
    quint64 previous = d.cancelledUpTo.load();
    while (previous < jobId && !d.cancelledUpTo.compare_exchange_weak(previous, jobId)) {
    }
    if (d.currentJob.load() == jobId)
        d.token.requestCancel();
    // Under the mutex, so that a worker between its predicate check and its sleep cannot miss it.
    std::lock_guard<std::mutex> lock(d.pauseMutex);
    d.pauseWake.notify_all();
}

void TrainingWorker::setPaused(bool paused)
{
    {
        std::lock_guard<std::mutex> lock(m_impl->pauseMutex);
        m_impl->paused.store(paused);
    }
    m_impl->pauseWake.notify_all();
}

bool TrainingWorker::isPaused() const
{
    return m_impl->paused.load();
}

void TrainingWorker::train(const TrainingRequest& request)
{
    Impl& d = *m_impl;
    d.begin(request.jobId);
    d.trainer.reset();
    TrainingOutcome outcome;
    outcome.jobId = request.jobId;
    try {
        core::RunConfig config = core::RunConfig::fromJson(nlohmann::json::parse(request.configJson.toStdString()));
        config.threads = 1;
        d.trainer = std::make_unique<core::Trainer>(config, core::loadDatasets(config.dataset));
        core::Trainer& trainer = *d.trainer;

        TrainingUpdate pending;
        pending.jobId = request.jobId;
        QElapsedTimer sinceFlush;
        sinceFlush.start();
        const auto flush = [&](bool force) {
            if (!force && sinceFlush.elapsed() < kUpdateIntervalMs)
                return;
            Q_EMIT trainingUpdate(pending);
            pending.rows.clear();
            pending.samples.clear();
            sinceFlush.restart();
        };
        trainer.setProgressCallback([&](const core::TrainProgress& p) {
            pending.iteration = p.iteration;
            pending.maxIterations = p.maxIterations;
            pending.seconds = p.seconds;
            pending.etaSeconds = p.etaSeconds;
            pending.batchLoss = p.batchLoss;
            if (p.isEvaluation)
                pending.rows.push_back(toPoint(p.lastEvaluation));
            flush(false);
            if (d.paused.load()) {
                flush(true);
                d.waitWhilePaused();
            }
        });

        core::CurvatureTracking tracking;
        tracking.every = request.curvatureEvery;
        tracking.atEnd = request.curvatureAtEnd;
        tracking.nonUniformity = request.nonUniformity;
        tracking.subset = request.curvatureSubset;
        core::CurvatureTracker tracker(tracking);
        const bool tracked = tracking.every > 0 || tracking.atEnd;
        if (tracked) {
            tracker.setCallback([&](const core::CurvatureSample& s) {
                pending.samples.push_back({s.iteration, s.sharpness, s.nonUniformity, s.seconds});
                flush(false);
            });
            tracker.attach(trainer);
        }

        d.lastResult = trainer.run(d.token);
        flush(true);
        const core::TrainResult& result = d.lastResult;
        const int64_t n = trainer.data().train.size();
        outcome.status = toJobStatus(result.status);
        outcome.reason = QString::fromStdString(result.reason);
        outcome.iterations = result.iterations;
        outcome.seconds = result.seconds;
        outcome.final = toPoint(result.final);
        outcome.eta = config.optimizer.lr;
        outcome.batchSize = config.effectiveBatchSize(n);
        outcome.trainSize = n;
        outcome.optimizer = QString::fromStdString(config.optimizer.name);
        outcome.modelDescription = QString::fromStdString(trainer.network().describe());
    } catch (const std::exception& e) {
        // InputError (config, data files) and anything else: report it, never take the app down.
        d.trainer.reset();
        outcome.status = JobStatus::Failed;
        outcome.reason = QString::fromStdString(e.what());
    }
    Q_EMIT trainingFinished(outcome);
}

void TrainingWorker::analyzeSpectrum(const SpectrumRequest& request)
{
    Impl& d = *m_impl;
    d.begin(request.jobId);
    SpectrumResult out;
    out.jobId = request.jobId;
    if (!d.trainer) {
        out.status = JobStatus::Failed;
        out.message = tr("Train a run first: the spectrum is that of the parameters a run ends with.");
        Q_EMIT spectrumReady(out);
        return;
    }
    try {
        core::Trainer& trainer = *d.trainer;
        const core::Dataset& train = trainer.data().train;
        const core::Dataset data =
            request.subset > 0 && request.subset < train.size() ? core::takeFirst(train, request.subset) : train;
        core::CurvatureRequest curvature;
        // A model with fewer parameters than k (the escape toy has one) has only that many.
        curvature.topK = std::min<int64_t>(request.topK, trainer.parameters().size());
        curvature.densityOptions.steps = std::min<int64_t>(request.lanczosSteps, trainer.parameters().size());
        curvature.nonUniformity = false;
        curvature.density = true;
        curvature.densityOptions.gridPoints = 400;
        QElapsedTimer sinceReport;
        sinceReport.start();
        const auto progress = [&](const std::string& quantity, const core::SolverProgress& p) {
            if (sinceReport.elapsed() < kUpdateIntervalMs)
                return;
            sinceReport.restart();
            const double fraction = p.total > 0 ? std::clamp(double(p.step) / double(p.total), 0.0, 1.0) : 0.0;
            Q_EMIT analysisProgress({request.jobId, fraction,
                                     tr("%1: step %2 of %3").arg(QString::fromStdString(quantity)).arg(p.step).arg(p.total)});
        };
        const core::CurvatureReport report =
            core::measureCurvature(trainer.network(), trainer.parameters(), data, curvature, &d.token, progress);
        out.status = toJobStatus(report.status);
        for (const core::MeasuredValue& value : report.topEigenvalues)
            out.topEigenvalues.push_back(value.value);
        if (report.density) {
            out.grid = report.density->grid;
            out.density = report.density->density;
        }
        out.message = tr("%1 examples, %2 parameters").arg(report.examples).arg(report.parameters);
    } catch (const std::exception& e) {
        out.status = JobStatus::Failed;
        out.message = QString::fromStdString(e.what());
    }
    Q_EMIT spectrumReady(out);
}

void TrainingWorker::saveRunFolder(quint64 jobId, const QString& dir)
{
    Impl& d = *m_impl;
    d.begin(jobId);
    if (!d.trainer) {
        Q_EMIT runFolderSaved(jobId, false, tr("There is no finished run to save."));
        return;
    }
    try {
        core::writeRunFolder(dir.toStdString(), *d.trainer, d.lastResult);
        Q_EMIT runFolderSaved(jobId, true, tr("Run saved to %1").arg(dir));
    } catch (const std::exception& e) {
        Q_EMIT runFolderSaved(jobId, false, QString::fromStdString(e.what()));
    }
}

} // namespace minimascope::ui
