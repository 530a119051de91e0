#include "workers/SessionWorker.h"

#include "workers/LossLineJobs.h"
#include "workers/StabilitySubject.h"

#include "analysis/CurvatureLog.h"
#include "analysis/CurvatureReport.h"
#include "analysis/CurvatureTracker.h"
#include "common/CancelToken.h"
#include "common/InputError.h"
#include "controllers/SpectraFolder.h"
#include "data/DatasetSpec.h"
#include "analysis/CurvatureOperators.h"
#include "analysis/Lanczos.h"
#include "analysis/LinearStability.h"
#include "data/DatasetTransforms.h"
#include "io/AtomicFile.h"
#include "landscape/Directions.h"
#include "landscape/EigenDirections.h"
#include "landscape/FitnessDistance.h"
#include "landscape/LossSurface.h"
#include "landscape/TrajectoryPca.h"
#include "models/FlatParameters.h"
#include "models/Network.h"
#include "models/TeacherNetwork.h"
#include "train/ResourceEstimate.h"
#include "train/RunConfig.h"
#include "train/RunFolder.h"
#include "train/Trainer.h"

#include <ATen/Parallel.h>
#include <nlohmann/json.hpp>

#include <QElapsedTimer>

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <vector>

namespace minimascope::ui {

namespace {

// Updates to the GUI thread at most ~10 a second: each one replots three plots, ~10 ms each
// with software rendering on a busy machine (measured in TestMainWindowRun), and at 30 a second
// that kept the GUI thread saturated and a Stop waited ~150 ms in its queue.
constexpr qint64 kUpdateIntervalMs = 100;
// Parameter snapshots kept for the trajectory plane (plus the final parameters): enough for a
// smooth path, and 61 copies of the canonical 784-256x4-10 MLP are ~100 MB.
constexpr size_t kMaxSnapshots = 60;

// `frame` carries the labels and the trajectory; the grid fills in the rest.
SurfaceData toSurfaceData(const core::LandscapeGrid& grid, SurfaceData frame)
{
    frame.xs = grid.xs;
    frame.ys = grid.ys;
    frame.values = grid.loss;
    return frame;
}

// The first `subset` training examples of a run (all of them for 0).
core::Dataset analysisData(const core::Trainer& trainer, qint64 subset)
{
    const core::Dataset& train = trainer.data().train;
    return subset > 0 && subset < train.size() ? core::takeFirst(train, subset) : train;
}

// The SLQ density of every spectrum the app draws (the spectrum, the spectra through training,
// live or after the run), so that they compare: the Lanczos steps at most the parameters there
// are (the escape toy has one).
core::SpectralDensityOptions spectrumDensity(qint64 lanczosSteps, int64_t parameters)
{
    core::SpectralDensityOptions density;
    density.steps = std::min<int64_t>(lanczosSteps, parameters);
    density.gridPoints = 400;
    return density;
}

// What the spectrum (and the spectra through training) measure: the top-k eigenvalues, k at most
// the parameters there are, and the SLQ density.
core::CurvatureRequest spectrumCurvature(qint64 topK, qint64 lanczosSteps, int64_t parameters)
{
    core::CurvatureRequest curvature;
    curvature.topK = std::min<int64_t>(topK, parameters);
    curvature.nonUniformity = false;
    curvature.density = true;
    curvature.densityOptions = spectrumDensity(lanczosSteps, parameters);
    return curvature;
}

// A solver's progress sink for the analysis progress bar: at most one report every
// kUpdateIntervalMs, with the fraction of the solve done (in [0, 1]) and its step in words.
core::ProgressSink solverProgress(std::function<void(double fraction, const QString& step)> report)
{
    QElapsedTimer sinceReport;
    sinceReport.start();
    return [sinceReport, report = std::move(report)](const core::Progress& p) mutable {
        if (sinceReport.elapsed() < kUpdateIntervalMs)
            return;
        sinceReport.restart();
        const double fraction = p.total > 0 ? std::clamp(double(p.done) / double(p.total), 0.0, 1.0) : 0.0;
        report(fraction,
               SessionWorker::tr("%1: step %2 of %3").arg(QString::fromStdString(p.quantity)).arg(p.done).arg(p.total));
    };
}

// `most` (>= 2) of `count` indices spread evenly, the first and the last included (all when count <= most).
std::vector<size_t> spreadIndices(size_t count, size_t most)
{
    std::vector<size_t> chosen;
    if (count <= most) {
        for (size_t i = 0; i < count; ++i)
            chosen.push_back(i);
        return chosen;
    }
    for (size_t i = 0; i < most; ++i) {
        const auto index = static_cast<size_t>(std::lround(double(i) * double(count - 1) / double(most - 1)));
        if (chosen.empty() || chosen.back() != index)
            chosen.push_back(index);
    }
    return chosen;
}

}   // namespace

struct SessionWorker::Impl {
    // The snapshots of one run, every `stride` iterations; when more than kMaxSnapshots are kept,
    // every other one is dropped and the stride doubles, so any run length fits.
    struct SnapshotTrail {
        std::vector<at::Tensor> parameters;
        std::vector<qint64> iterations;
        qint64 stride = 1;

        void clear()
        {
            parameters.clear();
            iterations.clear();
            stride = 1;
        }
        void offer(qint64 iteration, const core::FlatParameters& flat)
        {
            if (iteration % stride != 0)
                return;
            parameters.push_back(flat.get());
            iterations.push_back(iteration);
            if (parameters.size() <= kMaxSnapshots)
                return;
            stride *= 2;
            size_t kept = 0;
            for (size_t i = 0; i < iterations.size(); ++i) {
                if (iterations[i] % stride == 0) {
                    parameters[kept] = parameters[i];
                    iterations[kept++] = iterations[i];
                }
            }
            parameters.resize(kept);
            iterations.resize(kept);
        }
        // The parameters the run ended with, whatever the stride: the origin of the PCA plane.
        void finish(qint64 iteration, const core::FlatParameters& flat)
        {
            if (iterations.empty() || iterations.back() != iteration) {
                parameters.push_back(flat.get());
                iterations.push_back(iteration);
            }
        }
    };

    // The running job's cancel flag, which the core polls. Which job it belongs to and the
    // cancels of queued jobs are kept under jobMutex: cancel() must decide "is job N the one
    // running?" and act on the token in one step, or a cancel of job N that arrives as N ends
    // would land on job N + 1. The lock is held for a few instructions, never during work.
    core::CancelToken token;
    std::mutex jobMutex;
    quint64 currentJob = 0;
    std::set<quint64> cancelledQueued;   // asked to stop before they started
    std::atomic<bool> paused{false};
    std::mutex pauseMutex;
    std::condition_variable pauseWake;
    // The last run, kept for the analyses of the parameters it ended with.
    std::unique_ptr<core::Trainer> trainer;
    core::TrainResult lastResult;
    // Its (a, s) measurements, for the run folder's curvature log; none when it was not tracked.
    std::optional<std::vector<core::CurvatureSample>> lastCurvature;
    SnapshotTrail snapshots;
    // The run the what-if panel asks about (the last trained one or a saved folder), kept between
    // its tests; whatIfDir names the folder, empty for the trained run.
    std::unique_ptr<StabilitySubject> whatIf;
    QString whatIfDir;
    // The folder the last run was saved into (empty until then) and its run id, and the spectra
    // through training computed for it: analysis reports as `analyze --snapshots` writes them,
    // without the folder's fields, which writeSpectra() adds.
    QString savedDir;
    std::string savedRunId;
    std::vector<nlohmann::json> spectra;

    // Writes the spectra into savedDir/spectra (iter_NNNNNNNN.json); returns that folder.
    QString writeSpectra() const
    {
        const std::string dir = savedDir.toStdString();
        core::ensureDirectory(dir + "/spectra");
        for (nlohmann::json json : spectra) {
            const auto iteration = json.at("iteration").get<long long>();
            json["run"] = dir;
            json["run_id"] = savedRunId;
            if (json.value("final", false))
                json["parameters_dir"] = dir + "/parameters";
            json.erase("final");
            core::writeFileAtomically(spectrumFilePath(dir, iteration), json.dump(2) + "\n");
        }
        return savedDir + QStringLiteral("/spectra");
    }

    // Starts job `id`: a cancel that arrived while it was queued still applies. Jobs start in
    // the order of their ids, so cancels of lower ids are of jobs that are over.
    void begin(quint64 id)
    {
        {
            std::lock_guard<std::mutex> lock(jobMutex);
            currentJob = id;
            token.reset();
            if (cancelledQueued.count(id) > 0)
                token.requestCancel();
            cancelledQueued.erase(cancelledQueued.begin(), cancelledQueued.upper_bound(id));
        }
        // Torch's thread count and grad mode are per thread: set them here, on the worker.
        // One thread leaves the second core to the GUI.
        at::set_num_threads(1);
    }

    // Job `id` of an analysis whose `body` fills a result (AnalysisOutcome): an exception ends it
    // Failed with its message. Returns the result to emit.
    template <typename Result, typename Body> Result runJob(quint64 id, Body body)
    {
        begin(id);
        Result out;
        try {
            body(out);
        } catch (const std::exception& e) {
            out.status = core::RunStatus::Failed;
            out.message = QString::fromStdString(e.what());
        }
        out.jobId = id;
        return out;
    }

    void waitWhilePaused()
    {
        std::unique_lock<std::mutex> lock(pauseMutex);
        pauseWake.wait(lock, [this] { return !paused.load() || token.isCancelled(); });
    }
};

SessionWorker::SessionWorker(QObject* parent) : QObject(parent), m_impl(std::make_unique<Impl>())
{
    registerWorkerMetaTypes();
    registerCatalogueMetaTypes();
}

SessionWorker::~SessionWorker() = default;

void SessionWorker::cancel(quint64 jobId)
{
    Impl& d = *m_impl;
    {
        // Only job `jobId` stops: the running one if it is that job, else that job when it
        // starts. A job that has ended is left alone, and so is every other queued job.
        std::lock_guard<std::mutex> lock(d.jobMutex);
        if (jobId == d.currentJob)
            d.token.requestCancel();
        else if (jobId > d.currentJob)
            d.cancelledQueued.insert(jobId);
    }
    // Under the mutex, so that a worker between its predicate check and its sleep cannot miss it.
    std::lock_guard<std::mutex> lock(d.pauseMutex);
    d.pauseWake.notify_all();
}

void SessionWorker::setPaused(bool paused)
{
    {
        std::lock_guard<std::mutex> lock(m_impl->pauseMutex);
        m_impl->paused.store(paused);
    }
    m_impl->pauseWake.notify_all();
}

bool SessionWorker::isPaused() const { return m_impl->paused.load(); }

void SessionWorker::train(const TrainingRequest& request)
{
    Impl& d = *m_impl;
    d.begin(request.jobId);
    d.whatIf.reset();   // it may refer to the trainer's network
    d.trainer.reset();
    d.lastCurvature.reset();
    d.snapshots.clear();
    d.savedDir.clear();
    d.savedRunId.clear();
    d.spectra.clear();
    TrainingOutcome outcome;
    outcome.jobId = request.jobId;
    try {
        if (!request.config)
            throw core::InputError(tr("no run config to train").toStdString());
        core::RunConfig config = *request.config;
        config.threads = 1;   // the other core stays with the GUI
        d.trainer = std::make_unique<core::Trainer>(config, core::loadRunDatasets(config));
        core::Trainer& trainer = *d.trainer;
        const StabilitySetting shape = runShapeOf(config, trainer.data().train.size());
        Q_EMIT trainingStarted({request.jobId, shape});

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
        // Each metrics row comes just before a progress report, which sends it on.
        trainer.setMetricsSink([&](const core::MetricsRow& row) { pending.rows.push_back(row); });
        trainer.setProgressSink([&](const core::Progress& p) {
            pending.iteration = p.done;
            pending.maxIterations = p.total;
            pending.seconds = p.seconds;
            pending.etaSeconds = p.etaSeconds;
            pending.batchLoss = p.estimate;
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
        tracking.spectrum = request.curvatureSpectrum;
        // As the spectra through training computed after a run, so that the two compare.
        tracking.densityOptions = spectrumDensity(SpectraRequest{}.lanczosSteps, trainer.parameters().size());
        tracking.subset = request.curvatureSubset;
        tracking.background = true;   // on the other core: the training does not wait for it
        core::CurvatureTracker tracker(tracking);
        const bool tracked = tracking.every > 0 || tracking.atEnd;
        if (tracked) {
            tracker.setCallback([&](const core::CurvatureSample& s) {
                pending.samples.push_back(s);
                flush(false);
            });
            tracker.attach(trainer);
        }

        d.snapshots.offer(0, trainer.parameters());
        trainer.addHook(
            1, false, [&d](const core::TrainerState& state) { d.snapshots.offer(state.iteration, state.parameters); });

        d.lastResult = trainer.run(d.token);
        if (tracked)
            d.lastCurvature = tracker.samples();
        d.snapshots.finish(d.lastResult.iterations, trainer.parameters());
        outcome.snapshotIterations = QVector<qint64>(d.snapshots.iterations.begin(), d.snapshots.iterations.end());
        flush(true);
        const core::TrainResult& result = d.lastResult;
        outcome.status = result.status;
        outcome.reason = QString::fromStdString(result.reason);
        outcome.iterations = result.iterations;
        outcome.seconds = result.seconds;
        outcome.final = result.final;
        if (result.status == core::RunStatus::Finished) {
            outcome.average = trainer.evaluateAverage(&d.token);
            outcome.averagedIterates = outcome.average ? result.averagedIterates : 0;
        }
        outcome.eta = shape.eta;
        outcome.batchSize = shape.batchSize;
        outcome.trainSize = shape.trainSize;
    } catch (const std::exception& e) {
        // InputError (config, data files) and anything else: report it, never take the app down.
        d.trainer.reset();
        d.snapshots.clear();
        outcome.status = core::RunStatus::Failed;
        outcome.reason = QString::fromStdString(e.what());
    }
    Q_EMIT trainingFinished(outcome);
}

void SessionWorker::analyzeSpectrum(const SpectrumRequest& request)
{
    Impl& d = *m_impl;
    d.begin(request.jobId);
    SpectrumResult out;
    out.jobId = request.jobId;
    if (!d.trainer) {
        out.status = core::RunStatus::Failed;
        out.message = tr("Train a run first: the spectrum is that of the parameters a run ends with.");
        Q_EMIT spectrumReady(out);
        return;
    }
    try {
        core::Trainer& trainer = *d.trainer;
        const core::Dataset data = analysisData(trainer, request.subset);
        const core::CurvatureRequest curvature = spectrumCurvature(request.topK, request.lanczosSteps,
                                                                   trainer.parameters().size());
        const core::ProgressSink progress = solverProgress([&](double fraction, const QString& step) {
            Q_EMIT analysisProgress({request.jobId, fraction, step, {}});
        });
        const core::CurvatureReport report = core::measureCurvature(trainer.network(), trainer.parameters(), data,
                                                                    curvature, &d.token, progress);
        out.status = report.status;
        for (const core::MeasuredValue& value : report.topEigenvalues)
            out.topEigenvalues.push_back(value.value);
        if (report.density) {
            out.grid = report.density->grid;
            out.density = report.density->density;
        }
        out.message = tr("%1 examples, %2 parameters").arg(report.examples).arg(report.parameters);
    } catch (const std::exception& e) {
        out.status = core::RunStatus::Failed;
        out.message = QString::fromStdString(e.what());
    }
    Q_EMIT spectrumReady(out);
}

void SessionWorker::analyzeSpectraOverTraining(const SpectraRequest& request)
{
    Impl& d = *m_impl;
    d.begin(request.jobId);
    SpectraResult out;
    out.jobId = request.jobId;
    const auto fail = [&](const QString& message) {
        out.status = core::RunStatus::Failed;
        out.message = message;
        Q_EMIT spectraReady(out);
    };
    if (!d.trainer)
        return fail(tr("Train a run first: the spectra are those of the snapshots a run keeps."));
    const Impl::SnapshotTrail& trail = d.snapshots;
    if (trail.iterations.size() < 2)
        return fail(tr("The run kept fewer than two snapshots: train a few iterations first."));
    try {
        core::Trainer& trainer = *d.trainer;
        core::FlatParameters& parameters = trainer.parameters();
        const core::Dataset data = analysisData(trainer, request.subset);
        const core::CurvatureRequest curvature = spectrumCurvature(request.topK, request.lanczosSteps,
                                                                   parameters.size());
        const StabilitySetting shape = runShapeOf(trainer.config(), trainer.data().train.size());
        const std::vector<size_t> chosen = spreadIndices(trail.iterations.size(),
                                                         static_cast<size_t>(std::max(request.maxSnapshots, 2)));
        const int count = static_cast<int>(chosen.size());
        // Each snapshot is loaded into the network in turn; the run's own parameters come back after.
        const core::ParameterRestorer restorer(parameters);
        d.spectra.clear();
        for (int n = 0; n < count; ++n) {
            const size_t i = chosen[size_t(n)];
            const qint64 iteration = trail.iterations[i];
            parameters.set(trail.parameters[i]);
            const QString stage = tr("snapshot %1 of %2").arg(n + 1).arg(count);
            const core::ProgressSink progress = solverProgress([&](double done, const QString& step) {
                Q_EMIT analysisProgress(
                    {request.jobId, (n + done) / count,
                     tr("snapshot %1 of %2 (iteration %3), %4").arg(n + 1).arg(count).arg(iteration).arg(step), stage});
            });
            Q_EMIT analysisProgress({request.jobId, double(n) / count,
                                     tr("snapshot %1 of %2 (iteration %3)").arg(n + 1).arg(count).arg(iteration),
                                     stage});
            const core::CurvatureReport report = core::measureCurvature(trainer.network(), parameters, data, curvature,
                                                                        &d.token, progress);
            out.status = report.status;
            if (report.status != core::RunStatus::Finished)
                break;   // cancelled: the spectra done so far stay
            SnapshotSpectrum spectrum;
            spectrum.iteration = double(iteration);
            for (const core::MeasuredValue& value : report.topEigenvalues)
                spectrum.topEigenvalues.push_back(value.value);
            if (report.density) {
                spectrum.grid = report.density->grid;
                spectrum.density = report.density->density;
            }
            out.spectra.push_back(spectrum);
            Q_EMIT spectraUpdate({request.jobId, spectrum, n, count});
            // The file analyze --snapshots writes, less the folder's fields (Impl::writeSpectra).
            nlohmann::json json = report.toJson();
            json["eta"] = shape.eta;
            json["batch_size"] = shape.batchSize;
            json["batch_draw"] = core::toString(shape.draw);
            json["iteration"] = iteration;
            json["final"] = i + 1 == trail.iterations.size();
            d.spectra.push_back(std::move(json));
        }
        out.message = tr("%n snapshot(s), %1 examples, %2 parameters", nullptr, int(out.spectra.size()))
                          .arg(data.size())
                          .arg(parameters.size());
        if (!d.savedDir.isEmpty() && !d.spectra.empty())
            out.writtenTo = d.writeSpectra();
    } catch (const std::exception& e) {
        out.status = core::RunStatus::Failed;
        out.message = QString::fromStdString(e.what());
    }
    Q_EMIT spectraReady(out);
}

void SessionWorker::analyzeGradientNoise(const GradientNoiseRequest& request)
{
    Impl& d = *m_impl;
    Q_EMIT gradientNoiseReady(d.runJob<GradientNoiseResult>(request.jobId, [&](GradientNoiseResult& out) {
        const Impl::SnapshotTrail& trail = d.snapshots;
        if (!d.trainer)
            throw core::InputError(tr("Train a run first: the gradient noise is measured at the parameters a run "
                                      "ends with or at the snapshots it kept.")
                                       .toStdString());
        if (trail.iterations.empty() || (request.overTraining && trail.iterations.size() < 2))
            throw core::InputError(
                tr("The run kept fewer than two snapshots: train a few iterations first.").toStdString());
        core::Trainer& trainer = *d.trainer;
        core::FlatParameters& parameters = trainer.parameters();
        const core::Dataset data = analysisData(trainer, request.subset);
        // The request analyze --quantities grad_cov_top,grad_cov_density,subspace_overlap makes.
        core::CurvatureRequest curvature;
        curvature.sharpness = false;
        curvature.nonUniformity = false;
        curvature.topK = std::min<int64_t>(std::max<qint64>(request.topK, 1), parameters.size());
        curvature.noise = core::gradientNoiseRequest(true, true, true, request.densitySteps, parameters.size());
        curvature.seed = trainer.config().seed;
        // The trail's last entry is the final parameters: the one point measured at the end.
        const std::vector<size_t> points = request.overTraining
                                               ? spreadIndices(trail.iterations.size(),
                                                               static_cast<size_t>(std::max(request.maxSnapshots, 2)))
                                               : std::vector<size_t>{trail.iterations.size() - 1};
        const int count = static_cast<int>(points.size());
        const core::ParameterRestorer restorer(parameters);
        for (int n = 0; n < count && out.status == core::RunStatus::Finished; ++n) {
            const qint64 iteration = trail.iterations[points[size_t(n)]];
            parameters.set(trail.parameters[points[size_t(n)]]);
            const QString stage = count > 1
                                      ? tr("noise at iteration %1 (%2 of %3)").arg(iteration).arg(n + 1).arg(count)
                                      : tr("gradient noise");
            const core::CurvatureReport report = core::measureCurvature(
                trainer.network(), parameters, data, curvature, &d.token,
                solverProgress([&](double done, const QString& step) {
                    Q_EMIT analysisProgress({request.jobId, (n + done) / count, step, stage});
                }));
            out.status = report.status;
            if (out.status == core::RunStatus::Finished && report.noise) {
                out.points.push_back(toGradientNoisePoint(*report.noise, iteration));
                Q_EMIT gradientNoiseUpdate(request.jobId, out.points.back(), n, count);
            }
        }
        out.message = tr("%n point(s), %1 examples, %2 parameters, k = %3", nullptr, int(out.points.size()))
                          .arg(data.size())
                          .arg(parameters.size())
                          .arg(curvature.topK);
    }));
}

void SessionWorker::sampleFitnessDistance(const FitnessDistanceRequest& request)
{
    Impl& d = *m_impl;
    Q_EMIT fitnessDistanceReady(d.runJob<FitnessDistanceResult>(request.jobId, [&](FitnessDistanceResult& out) {
        if (!d.trainer)
            throw core::InputError(
                tr("Train a run first: the sample is drawn around the teacher of its teacher-student problem.")
                    .toStdString());
        core::Trainer& trainer = *d.trainer;
        core::FitnessDistanceOptions options;   // as fdc's, with the run's seed
        options.distances = request.distances;
        options.samples = request.samples;
        options.seed = trainer.config().seed;
        core::validateFitnessDistanceOptions(options);
        // The teacher's weights in the trained student's layout; the student's own come back after.
        const at::Tensor centre = core::teacherParametersFor(trainer.network(),
                                                             core::teacherOf(trainer.config().dataset));
        fillFitnessDistanceResult(core::sampleFitnessDistance(
                                      trainer.network(), trainer.parameters(), analysisData(trainer, request.subset),
                                      centre, options, &d.token, solverProgress([&](double done, const QString& step) {
                                          Q_EMIT analysisProgress({request.jobId, done, step, tr("fitness-distance")});
                                      })),
                                  out);
    }));
}

void SessionWorker::computeSurface(const LandscapeRequest& request)
{
    Impl& d = *m_impl;
    d.begin(request.jobId);
    const auto finish = [&](core::RunStatus status, const QString& message) {
        Q_EMIT surfaceFinished(request.jobId, status, message);
    };
    if (!d.trainer) {
        finish(core::RunStatus::Failed,
               tr("Train a run first: the surface is centred on the parameters a run ends with."));
        return;
    }
    try {
        core::Trainer& trainer = *d.trainer;
        core::Network& network = trainer.network();
        core::FlatParameters& parameters = trainer.parameters();
        const core::Dataset data = analysisData(trainer, request.subset);
        if (parameters.size() < 2) {
            // One parameter (the escape toy): no plane to draw a surface in, so the loss along that
            // parameter instead, x* - range .. x* + range, shown as the 1D slice (its only direction
            // is also the top eigenvector).
            core::SurfaceRequest line;
            line.origin = parameters.get();
            line.direction1 = at::ones_like(line.origin);
            line.xMin = -request.range;
            line.xMax = request.range;
            line.nx = 2 * request.resolution + 1;
            line.progressive = false;
            line.threads = 1;
            line.accuracy = false;
            core::LandscapeGrid curve;
            const core::RunStatus status = core::evaluateSurface(network, parameters, data, line, curve, &d.token);
            if (status == core::RunStatus::Finished)
                Q_EMIT slicesReady({request.jobId, curve.xs, curve.loss, {}});
            finish(status, tr("one parameter: a loss curve of %1 points instead of a surface").arg(line.nx));
            return;
        }
        // A snapshot centre: the network holds it for the whole computation (directions are
        // normalized, and the Hessian taken, there), and the run's own parameters come back after.
        const core::ParameterRestorer restorer(parameters);
        if (request.centreIteration >= 0) {
            const std::vector<qint64>& kept = d.snapshots.iterations;
            const auto found = std::find(kept.begin(), kept.end(), request.centreIteration);
            if (found == kept.end()) {
                finish(core::RunStatus::Failed,
                       tr("No snapshot was kept at iteration %1.").arg(request.centreIteration));
                return;
            }
            parameters.set(d.snapshots.parameters[size_t(found - kept.begin())]);
        }
        core::SurfaceRequest surface;
        surface.origin = parameters.get();
        surface.xMin = surface.yMin = -request.range;
        surface.xMax = surface.yMax = request.range;
        surface.nx = surface.ny = request.resolution;
        surface.threads = 1;   // the other core stays with the GUI
        surface.accuracy = false;
        SurfaceData frame;
        frame.valueLabel = QStringLiteral("training loss");
        SurfaceUpdate update;
        update.jobId = request.jobId;
        if (request.directions == SurfaceDirections::TopEigenvectors) {
            Q_EMIT analysisProgress({request.jobId, 0.0, tr("top two Hessian eigenvectors"), {}});
            core::EigenDirectionOptions options;   // as the CLI's --directions eigen
            options.k = 2;
            options.seed = request.seed;
            const core::EigenResult eigen = core::hessianEigenDirections(network, parameters, data, options, &d.token);
            if (eigen.status != core::RunStatus::Finished) {
                finish(eigen.status, tr("the top two Hessian eigenvectors were not computed"));
                return;
            }
            if (eigen.pairs.size() < 2) {
                finish(core::RunStatus::Failed,
                       tr("Lanczos returned %n of the two top Hessian eigenvectors: no plane to "
                          "draw the surface in.",
                          nullptr, int(eigen.pairs.size())));
                return;
            }
            if (!std::isfinite(eigen.pairs[0].value) || !std::isfinite(eigen.pairs[1].value)) {
                finish(core::RunStatus::Failed,
                       tr("The top Hessian eigenvalues are not finite (%1, %2): the parameters "
                          "are NaN or overflow, so there is no eigenvector plane.")
                           .arg(eigen.pairs[0].value)
                           .arg(eigen.pairs[1].value));
                return;
            }
            surface.direction1 = eigen.pairs[0].vector;
            surface.direction2 = eigen.pairs[1].vector;
            frame.xLabel = QStringLiteral("v₁ (λ = %1)").arg(eigen.pairs[0].value, 0, 'g', 4);
            frame.yLabel = QStringLiteral("v₂ (λ = %1)").arg(eigen.pairs[1].value, 0, 'g', 4);
        } else if (request.directions == SurfaceDirections::TrajectoryPca) {
            const Impl::SnapshotTrail& trail = d.snapshots;
            if (trail.parameters.size() < 2) {
                finish(core::RunStatus::Failed,
                       tr("The run kept fewer than two snapshots: train a few iterations first."));
                return;
            }
            // Around the centre (by default the final parameters, the last snapshot): the path
            // passes through (0, 0) there.
            const core::TrajectoryPca pca = core::trajectoryPca(trail.parameters, surface.origin);
            for (const std::array<double, 2>& p : pca.projected)
                frame.trajectory.emplace_back(p[0], p[1]);
            surface.direction1 = pca.direction1;
            surface.direction2 = pca.direction2;
            const std::array<double, 4> range = core::trajectoryRange(pca);   // throws if the path has no extent
            surface.xMin = range[0], surface.xMax = range[1], surface.yMin = range[2], surface.yMax = range[3];
            frame.xLabel = QStringLiteral("PC1 (%1%)").arg(100.0 * pca.explained1, 0, 'f', 0);
            frame.yLabel = QStringLiteral("PC2 (%1%)").arg(100.0 * pca.explained2, 0, 'f', 0);
            update.trajectoryIterations = trail.iterations;
            update.explained1 = pca.explained1;
            update.explained2 = pca.explained2;
        } else {
            // Li et al.'s filter normalization, biases left out, two seeds.
            surface.direction1 = core::randomDirection(parameters, core::DirectionNormalization::Filter, true,
                                                       request.seed);
            surface.direction2 = core::randomDirection(parameters, core::DirectionNormalization::Filter, true,
                                                       request.seed + 1);
        }
        core::LandscapeGrid grid;
        const core::SurfaceSink sink = [&](const core::LandscapeGrid& partial, const core::SurfaceLevel& level,
                                           const core::Progress& p) {
            const double fraction = p.total > 0 ? double(p.done) / double(p.total) : 0.0;
            update.surface = toSurfaceData(partial, frame);
            update.levelFinished = level.finished;
            Q_EMIT surfaceUpdate(update);
            Q_EMIT analysisProgress(
                {request.jobId, fraction, tr("surface level %1 of %2").arg(level.index + 1).arg(level.count), {}});
        };
        const core::RunStatus status = core::evaluateSurface(network, parameters, data, surface, grid, &d.token, sink);
        update.surface = toSurfaceData(grid, frame);
        update.levelFinished = update.final = true;
        Q_EMIT surfaceUpdate(update);
        if (status != core::RunStatus::Finished || request.directions != SurfaceDirections::TopEigenvectors) {
            finish(status, tr("%1 × %1 points").arg(request.resolution));
            return;
        }

        // The slices: along v1 and along a random direction of the same (unit) norm, so that the
        // two curves share their t axis and show how much sharper the top direction is.
        at::Tensor random = core::randomDirection(parameters, core::DirectionNormalization::None, false, request.seed);
        random = random / random.norm();
        core::SurfaceRequest line = surface;
        line.direction2 = at::Tensor();
        line.nx = 2 * request.resolution + 1;
        line.progressive = false;
        core::LandscapeGrid top, other;
        core::RunStatus lineStatus = core::evaluateSurface(network, parameters, data, line, top, &d.token);
        if (lineStatus == core::RunStatus::Finished) {
            line.direction1 = random;
            lineStatus = core::evaluateSurface(network, parameters, data, line, other, &d.token);
        }
        if (lineStatus == core::RunStatus::Finished)
            Q_EMIT slicesReady({request.jobId, top.xs, top.loss, other.loss});
        finish(lineStatus, tr("%1 × %1 points and two slices").arg(request.resolution));
    } catch (const std::exception& e) {
        finish(core::RunStatus::Failed, QString::fromStdString(e.what()));
    }
}

void SessionWorker::computeLossLine(const LossLineRequest& request)
{
    Impl& d = *m_impl;
    d.begin(request.jobId);
    // The trail keeps iteration 0 whatever its stride: the run's initial parameters.
    const Impl::SnapshotTrail& trail = d.snapshots;
    const bool keptInitial = !trail.iterations.empty() && trail.iterations.front() == 0;
    const JobProgress progress = [&](double fraction, const QString& text) {
        Q_EMIT analysisProgress({request.jobId, fraction, text, {}});
    };
    Q_EMIT lossLineReady(minimascope::ui::computeLossLine(
        d.trainer.get(), keptInitial ? &trail.parameters.front() : nullptr, request, d.token, progress));
}

void SessionWorker::scanAsymmetry(const AsymmetryRequest& request)
{
    Impl& d = *m_impl;
    d.begin(request.jobId);
    Q_EMIT asymmetryReady(
        minimascope::ui::scanAsymmetry(d.trainer.get(), request, d.token, [&](double fraction, const QString& text) {
            Q_EMIT analysisProgress({request.jobId, fraction, text, {}});
        }));
}

void SessionWorker::testStability(const StabilityTestRequest& request)
{
    Impl& d = *m_impl;
    d.begin(request.jobId);
    StabilityTestResult out;
    out.jobId = request.jobId;
    try {
        if (!d.whatIf || d.whatIfDir != request.runDir || request.reload) {
            d.whatIf.reset();
            if (request.runDir.isEmpty() && !d.trainer)
                throw core::InputError(
                    tr("Train a run first: the what-if tests the minimum a run ends at.").toStdString());
            d.whatIf = request.runDir.isEmpty() ? StabilitySubject::ofTrainedRun(*d.trainer, &d.token)
                                                : StabilitySubject::openRunFolder(request.runDir, &d.token);
            d.whatIfDir = request.runDir;
        }
        // The user waits for this answer with the GUI idle: analyze's threads, not the one of training.
        at::set_num_threads(d.whatIf->threads());
        out = d.whatIf->test(request);
    } catch (const std::exception& e) {
        d.whatIf.reset();
        out.status = core::RunStatus::Failed;
        out.message = QString::fromStdString(e.what());
    }
    Q_EMIT stabilityTested(out);
}

void SessionWorker::saveRunFolder(quint64 jobId, const QString& dir, bool overwrite)
{
    Impl& d = *m_impl;
    d.begin(jobId);
    if (!d.trainer) {
        Q_EMIT runFolderSaved(jobId, false, tr("There is no finished run to save."));
        return;
    }
    try {
        // The same folder `minimascope-cli train` writes, so that the CLI and Python read a saved
        // run the same way; a folder holding another run is refused.
        core::RunFolderOptions options;
        options.overwrite = overwrite;
        options.checkpointSeconds = 0.0;
        core::RunFolderWriter folder(dir.toStdString(), *d.trainer, options);
        for (const core::MetricsRow& row : d.trainer->metrics())
            folder.appendMetrics(row);
        if (d.lastCurvature) {
            core::CurvatureLogWriter curvature(folder.dir(), folder.runId());
            for (const core::CurvatureSample& sample : *d.lastCurvature)
                curvature.append(sample);
        }
        folder.finish(*d.trainer, d.lastResult);
        d.savedDir = dir;
        d.savedRunId = folder.runId();
        QString message = tr("Run saved to %1").arg(dir);
        if (!d.spectra.empty())
            message += tr(" with its spectra through training in %1").arg(d.writeSpectra());
        Q_EMIT runFolderSaved(jobId, true, message);
    } catch (const std::exception& e) {
        Q_EMIT runFolderSaved(jobId, false, QString::fromStdString(e.what()));
    }
}

}   // namespace minimascope::ui
