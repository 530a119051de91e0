#pragma once
// Owns the worker thread and the SessionWorker on it, numbers every request with a job id,
// and forwards only the results of the current jobs (a stopped run's late updates are dropped).
// Cancel and pause go to the worker directly (atomics), never through the busy event queue.
// The destructor cancels whatever runs and joins the thread: closing the window never hangs
// on a run (each core loop honours a cancel within one step).
// GUI thread only.
#include "workers/CatalogueRecords.h"
#include "workers/LossLineTypes.h"
#include "workers/WorkerTypes.h"

#include <QObject>
#include <QString>

class QThread;

namespace minimascope::ui {

class SessionWorker;

class RunController : public QObject {
    Q_OBJECT
public:
    explicit RunController(QObject* parent = nullptr);
    ~RunController() override;

    // `request.jobId` is assigned here; returns it.
    quint64 startTraining(TrainingRequest request);
    void stopTraining();
    void setPaused(bool paused);
    bool isPaused() const;
    bool isTraining() const { return m_trainingJob != 0; }
    // Whether the last run left parameters to analyze and save: not before the first run, nor
    // after one that could not start or that diverged (its parameters ran away, to NaN or past
    // the loss bound). whyNoTrainedRun() says which, for the disabled actions' tooltips.
    bool hasTrainedRun() const { return m_noRunReason.isEmpty(); }
    const QString& whyNoTrainedRun() const { return m_noRunReason; }

    quint64 startSpectrum(SpectrumRequest request);
    // The spectra through training of the last run (SpectraRequest): an analysis like the spectrum.
    quint64 startSpectraOverTraining(SpectraRequest request);
    // The parameter snapshots the last trained run kept (TrainingOutcome::snapshotIterations).
    int keptSnapshots() const { return m_keptSnapshots; }
    // The gradient-noise geometry (GradientNoiseRequest) and the fitness-distance correlation
    // (FitnessDistanceRequest) of the last run: analyses like the spectrum.
    quint64 startGradientNoise(GradientNoiseRequest request);
    quint64 startFitnessDistance(FitnessDistanceRequest request);
    // The config of the last run started (null before the first): which analyses fit its data set.
    const std::shared_ptr<const core::RunConfig>& lastRunConfig() const { return m_lastRunConfig; }
    quint64 startSurface(LandscapeRequest request);
    // A 1D loss line through the last run's parameters and the asymmetric-valley scan there
    // (LossLineTypes.h): analyses like the surface.
    quint64 startLossLine(LossLineRequest request);
    quint64 startAsymmetry(AsymmetryRequest request);
    void cancelAnalysis();
    bool isAnalyzing() const { return m_analysisJob != 0; }

    // A what-if of the stability test (StabilityTestRequest): cancels the previous one, running
    // or queued, and forwards only the result of the latest. Not counted as busy: each answers
    // within about a second, and a queued one waits behind a running spectrum or surface.
    quint64 startStabilityTest(StabilityTestRequest request);

    // overwrite: replace a run the folder holds (the caller asked the user).
    void saveRunFolder(const QString& dir, bool overwrite = false);
    // Cancels everything and joins the worker thread; idempotent.
    void shutdown();

Q_SIGNALS:
    void trainingStarted(const minimascope::ui::TrainingStart& start);
    void trainingUpdate(const minimascope::ui::TrainingUpdate& update);
    void trainingFinished(const minimascope::ui::TrainingOutcome& outcome);
    void analysisProgress(const minimascope::ui::AnalysisProgress& progress);
    void spectrumReady(const minimascope::ui::SpectrumResult& result);
    void spectraUpdate(const minimascope::ui::SpectraUpdate& update);
    void spectraReady(const minimascope::ui::SpectraResult& result);
    void gradientNoiseUpdate(const minimascope::ui::GradientNoisePoint& point, int index, int count);
    void gradientNoiseReady(const minimascope::ui::GradientNoiseResult& result);
    void fitnessDistanceReady(const minimascope::ui::FitnessDistanceResult& result);
    void surfaceUpdate(const minimascope::ui::SurfaceUpdate& update);
    void slicesReady(const minimascope::ui::SliceResult& slices);
    void surfaceFinished(minimascope::core::RunStatus status, const QString& message);
    void lossLineReady(const minimascope::ui::LossLineResult& result);
    void asymmetryReady(const minimascope::ui::AsymmetryResult& result);
    void runFolderSaved(bool ok, const QString& message);
    void stabilityTested(const minimascope::ui::StabilityTestResult& result);
    // Training or an analysis started or ended.
    void busyChanged();

private:
    quint64 nextJob() { return ++m_lastJob; }
    // Cancels the analysis under way and queues `job` with the request on the worker.
    template <typename Request> quint64 startAnalysis(Request request, void (SessionWorker::*job)(const Request&));
    // Forwards the worker's `done` signal as `forwarded` when it ends the current analysis.
    template <typename Result>
    void forwardAnalysisEnd(void (SessionWorker::*done)(const Result&),
                            void (RunController::*forwarded)(const Result&));

    QThread* m_thread = nullptr;
    SessionWorker* m_worker = nullptr;
    quint64 m_lastJob = 0;
    quint64 m_trainingJob = 0;   // 0 = none running
    quint64 m_analysisJob = 0;
    quint64 m_saveJob = 0;
    quint64 m_stabilityJob = 0;
    QString m_noRunReason;   // empty when the last run can be analyzed
    int m_keptSnapshots = 0;
    std::shared_ptr<const core::RunConfig> m_lastRunConfig;
};

}   // namespace minimascope::ui
