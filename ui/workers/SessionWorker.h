#pragma once
// The worker that owns every torch object of the session: it lives on its own QThread, trains one
// run at a time, analyses the parameters the last run ended with (spectrum, loss surface, slices)
// and saves run folders.
// Requests arrive as queued calls of its slots (functor invokeMethod); results leave as queued
// signals carrying plain records (WorkerTypes.h) tagged with the request's job id.
// Thread-safety: cancel() and setPaused() are called DIRECTLY from the GUI thread (an atomic
// flag and a lock held for a few instructions: a queued call would wait behind the running job);
// everything else runs on the worker thread.
// A cancelled job still reports how it ended (status Cancelled) with what it had measured.
#include "workers/CatalogueRecords.h"
#include "workers/LossLineTypes.h"
#include "workers/WorkerTypes.h"

#include <QObject>

#include <memory>

namespace minimascope::ui {

class SessionWorker : public QObject {
    Q_OBJECT
public:
    explicit SessionWorker(QObject* parent = nullptr);
    ~SessionWorker() override;

    // Cancels job `jobId` if it is running or still queued, and no other job. Any thread.
    void cancel(quint64 jobId);
    // Holds a training run at its next progress report; a cancel still ends it. Any thread.
    void setPaused(bool paused);
    bool isPaused() const;

public Q_SLOTS:
    void train(const minimascope::ui::TrainingRequest& request);
    void analyzeSpectrum(const minimascope::ui::SpectrumRequest& request);
    // The spectrum at the snapshots the last run kept (SpectraRequest), one after the other, each
    // reported as it is done; written to RUN/spectra as `analyze --snapshots` writes them when the
    // run was saved into a folder (and, when it is saved later, then).
    void analyzeSpectraOverTraining(const minimascope::ui::SpectraRequest& request);
    // The geometry of the gradient noise (GradientNoiseRequest) at the end of the last run or at the
    // snapshots it kept, each point reported as it is done.
    void analyzeGradientNoise(const minimascope::ui::GradientNoiseRequest& request);
    // The fitness-distance correlation around the teacher's weights of the last run's
    // teacher-student problem (FitnessDistanceRequest), as `minimascope-cli fdc` samples it.
    void sampleFitnessDistance(const minimascope::ui::FitnessDistanceRequest& request);
    // A loss surface around the last run's parameters (or one of its kept snapshots), coarse
    // first; then, for the top-eigenvector view, the two 1D slices.
    void computeSurface(const minimascope::ui::LandscapeRequest& request);
    // A 1D loss line through the last run's parameters (LossLineRequest: along α·θ, from the
    // initial parameters, to the symmetric twin), as `landscape --directions ... --dims 1`.
    void computeLossLine(const minimascope::ui::LossLineRequest& request);
    // He, Huang & Yuan's asymmetric-valley scan at the last run's parameters, as `asymmetry`.
    void scanAsymmetry(const minimascope::ui::AsymmetryRequest& request);
    // Writes the last run's folder (config, metrics, summary, final parameters and, when a and s
    // were tracked, the curvature log curvature.csv/json).
    void saveRunFolder(quint64 jobId, const QString& dir, bool overwrite);
    // The what-if of the stability diagram: the Theorem's test of a finished run's minimum at
    // another (eta, B) (StabilityTestRequest), with the run kept loaded for the next one.
    void testStability(const minimascope::ui::StabilityTestRequest& request);

Q_SIGNALS:
    // Once a run's data is loaded, before its first step and its first update.
    void trainingStarted(const minimascope::ui::TrainingStart& start);
    void trainingUpdate(const minimascope::ui::TrainingUpdate& update);
    void trainingFinished(const minimascope::ui::TrainingOutcome& outcome);
    void analysisProgress(const minimascope::ui::AnalysisProgress& progress);
    void spectrumReady(const minimascope::ui::SpectrumResult& result);
    void spectraUpdate(const minimascope::ui::SpectraUpdate& update);
    void spectraReady(const minimascope::ui::SpectraResult& result);
    // One point of a gradient-noise analysis, as soon as it is measured: the `index`-th (from 0) of `count`.
    void gradientNoiseUpdate(quint64 jobId, const minimascope::ui::GradientNoisePoint& point, int index, int count);
    void gradientNoiseReady(const minimascope::ui::GradientNoiseResult& result);
    void fitnessDistanceReady(const minimascope::ui::FitnessDistanceResult& result);
    void surfaceUpdate(const minimascope::ui::SurfaceUpdate& update);
    void slicesReady(const minimascope::ui::SliceResult& slices);
    void lossLineReady(const minimascope::ui::LossLineResult& result);
    void asymmetryReady(const minimascope::ui::AsymmetryResult& result);
    // How a surface computation ended (the spectrum reports through spectrumReady).
    void surfaceFinished(quint64 jobId, minimascope::core::RunStatus status, const QString& message);
    void runFolderSaved(quint64 jobId, bool ok, const QString& message);
    void stabilityTested(const minimascope::ui::StabilityTestResult& result);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}   // namespace minimascope::ui
