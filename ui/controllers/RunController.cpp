#include "controllers/RunController.h"

#include "workers/SessionWorker.h"

#include <QThread>

#include <utility>

namespace minimascope::ui {

template <typename Result>
void RunController::forwardAnalysisEnd(void (SessionWorker::*done)(const Result&),
                                       void (RunController::*forwarded)(const Result&))
{
    connect(m_worker, done, this, [this, forwarded](const Result& result) {
        if (result.jobId != m_analysisJob)
            return;
        m_analysisJob = 0;
        Q_EMIT(this->*forwarded)(result);
        Q_EMIT busyChanged();
    });
}

RunController::RunController(QObject* parent) : QObject(parent), m_noRunReason(tr("Train a run first."))
{
    registerWorkerMetaTypes();
    m_thread = new QThread(this);
    m_thread->setObjectName(QStringLiteral("minimascope-worker"));
    m_worker = new SessionWorker;
    m_worker->moveToThread(m_thread);

    // Worker -> GUI: queued (the worker lives on another thread); stale job ids are dropped.
    connect(m_worker, &SessionWorker::trainingStarted, this, [this](const TrainingStart& start) {
        if (start.jobId == m_trainingJob)
            Q_EMIT trainingStarted(start);
    });
    connect(m_worker, &SessionWorker::trainingUpdate, this, [this](const TrainingUpdate& update) {
        if (update.jobId == m_trainingJob)
            Q_EMIT trainingUpdate(update);
    });
    connect(m_worker, &SessionWorker::trainingFinished, this, [this](const TrainingOutcome& outcome) {
        if (outcome.jobId != m_trainingJob)
            return;
        m_trainingJob = 0;
        switch (outcome.status) {
        case core::RunStatus::Finished:
        case core::RunStatus::Cancelled: m_noRunReason.clear(); break;   // a stopped run has parameters too
        case core::RunStatus::Diverged:
            m_noRunReason = tr("The last run diverged: its parameters ran away (to NaN or past the loss bound), "
                               "so there is no minimum to analyze or save. Train a stable run first.");
            break;
        case core::RunStatus::Failed: m_noRunReason = tr("The last run could not start: train a run first."); break;
        }
        m_keptSnapshots = int(outcome.snapshotIterations.size());
        if (m_worker)   // a result queued before shutdown() may arrive after it
            m_worker->setPaused(false);
        Q_EMIT trainingFinished(outcome);
        Q_EMIT busyChanged();
    });
    connect(m_worker, &SessionWorker::analysisProgress, this, [this](const AnalysisProgress& progress) {
        if (progress.jobId == m_analysisJob)
            Q_EMIT analysisProgress(progress);
    });
    connect(m_worker, &SessionWorker::spectrumReady, this, [this](const SpectrumResult& result) {
        if (result.jobId != m_analysisJob)
            return;
        m_analysisJob = 0;
        Q_EMIT spectrumReady(result);
        Q_EMIT busyChanged();
    });
    connect(m_worker, &SessionWorker::spectraUpdate, this, [this](const SpectraUpdate& update) {
        if (update.jobId == m_analysisJob)
            Q_EMIT spectraUpdate(update);
    });
    connect(m_worker, &SessionWorker::spectraReady, this, [this](const SpectraResult& result) {
        if (result.jobId != m_analysisJob)
            return;
        m_analysisJob = 0;
        Q_EMIT spectraReady(result);
        Q_EMIT busyChanged();
    });
    connect(m_worker, &SessionWorker::gradientNoiseUpdate, this,
            [this](quint64 jobId, const GradientNoisePoint& point, int index, int count) {
                if (jobId == m_analysisJob)
                    Q_EMIT gradientNoiseUpdate(point, index, count);
            });
    forwardAnalysisEnd(&SessionWorker::gradientNoiseReady, &RunController::gradientNoiseReady);
    forwardAnalysisEnd(&SessionWorker::fitnessDistanceReady, &RunController::fitnessDistanceReady);
    forwardAnalysisEnd(&SessionWorker::lossLineReady, &RunController::lossLineReady);
    forwardAnalysisEnd(&SessionWorker::asymmetryReady, &RunController::asymmetryReady);
    connect(m_worker, &SessionWorker::surfaceUpdate, this, [this](const SurfaceUpdate& update) {
        if (update.jobId == m_analysisJob)
            Q_EMIT surfaceUpdate(update);
    });
    connect(m_worker, &SessionWorker::slicesReady, this, [this](const SliceResult& slices) {
        if (slices.jobId == m_analysisJob)
            Q_EMIT slicesReady(slices);
    });
    connect(m_worker, &SessionWorker::surfaceFinished, this,
            [this](quint64 jobId, core::RunStatus status, const QString& message) {
                if (jobId != m_analysisJob)
                    return;
                m_analysisJob = 0;
                Q_EMIT surfaceFinished(status, message);
                Q_EMIT busyChanged();
            });
    connect(m_worker, &SessionWorker::runFolderSaved, this, [this](quint64 jobId, bool ok, const QString& message) {
        if (jobId == m_saveJob)
            Q_EMIT runFolderSaved(ok, message);
    });
    connect(m_worker, &SessionWorker::stabilityTested, this, [this](const StabilityTestResult& result) {
        if (result.jobId == m_stabilityJob)
            Q_EMIT stabilityTested(result);
    });
    m_thread->start();
}

RunController::~RunController() { shutdown(); }

void RunController::shutdown()
{
    if (!m_thread->isRunning())
        return;
    // The jobs still live, running or queued: every other one has ended or was cancelled when
    // a newer job replaced it (saving a folder is not cancellable).
    m_worker->setPaused(false);
    for (quint64 job : {m_trainingJob, m_analysisJob, m_stabilityJob})
        if (job != 0)
            m_worker->cancel(job);
    m_thread->quit();
    m_thread->wait();
    // The thread is stopped, so the worker can go now; every later call finds no worker and
    // does nothing (the window may still ask after its close event).
    delete m_worker;
    m_worker = nullptr;
    m_trainingJob = 0;
    m_analysisJob = 0;
    m_stabilityJob = 0;
}

quint64 RunController::startTraining(TrainingRequest request)
{
    if (!m_worker)
        return 0;
    if (m_trainingJob != 0)
        stopTraining();
    if (m_stabilityJob != 0)   // the new run replaces the one the what-if asks about
        m_worker->cancel(m_stabilityJob);
    request.jobId = nextJob();
    m_trainingJob = request.jobId;
    m_keptSnapshots = 0;   // the worker drops the last run's
    m_lastRunConfig = request.config;
    m_worker->setPaused(false);
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker, request] { worker->train(request); }, Qt::QueuedConnection);
    Q_EMIT busyChanged();
    return request.jobId;
}

void RunController::stopTraining()
{
    if (m_trainingJob == 0 || !m_worker)
        return;
    m_worker->cancel(m_trainingJob);
    m_worker->setPaused(false);
}

void RunController::setPaused(bool paused)
{
    if (!m_worker)
        return;
    m_worker->setPaused(paused);
    Q_EMIT busyChanged();
}

bool RunController::isPaused() const { return m_worker && m_worker->isPaused(); }

template <typename Request>
quint64 RunController::startAnalysis(Request request, void (SessionWorker::*job)(const Request&))
{
    if (!m_worker)
        return 0;
    cancelAnalysis();
    request.jobId = nextJob();
    m_analysisJob = request.jobId;
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker, request, job] { (worker->*job)(request); }, Qt::QueuedConnection);
    Q_EMIT busyChanged();
    return request.jobId;
}

quint64 RunController::startSpectrum(SpectrumRequest request)
{
    return startAnalysis(std::move(request), &SessionWorker::analyzeSpectrum);
}

quint64 RunController::startSpectraOverTraining(SpectraRequest request)
{
    return startAnalysis(std::move(request), &SessionWorker::analyzeSpectraOverTraining);
}

quint64 RunController::startGradientNoise(GradientNoiseRequest request)
{
    return startAnalysis(std::move(request), &SessionWorker::analyzeGradientNoise);
}

quint64 RunController::startFitnessDistance(FitnessDistanceRequest request)
{
    return startAnalysis(std::move(request), &SessionWorker::sampleFitnessDistance);
}

quint64 RunController::startSurface(LandscapeRequest request)
{
    return startAnalysis(std::move(request), &SessionWorker::computeSurface);
}

quint64 RunController::startLossLine(LossLineRequest request)
{
    return startAnalysis(std::move(request), &SessionWorker::computeLossLine);
}

quint64 RunController::startAsymmetry(AsymmetryRequest request)
{
    return startAnalysis(std::move(request), &SessionWorker::scanAsymmetry);
}

void RunController::cancelAnalysis()
{
    if (m_analysisJob == 0 || !m_worker)
        return;
    // The job stays current until the worker reports it Cancelled (within one step).
    m_worker->cancel(m_analysisJob);
}

quint64 RunController::startStabilityTest(StabilityTestRequest request)
{
    if (!m_worker)
        return 0;
    if (m_stabilityJob != 0)
        m_worker->cancel(m_stabilityJob);
    request.jobId = nextJob();
    m_stabilityJob = request.jobId;
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker, request] { worker->testStability(request); }, Qt::QueuedConnection);
    return request.jobId;
}

void RunController::saveRunFolder(const QString& dir, bool overwrite)
{
    if (!m_worker) {
        Q_EMIT runFolderSaved(false, tr("the application is closing: the run folder was not saved"));
        return;
    }
    m_saveJob = nextJob();
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker, job = m_saveJob, dir, overwrite] { worker->saveRunFolder(job, dir, overwrite); },
        Qt::QueuedConnection);
}

}   // namespace minimascope::ui
