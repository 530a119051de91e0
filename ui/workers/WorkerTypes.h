#pragma once
// Records the worker thread hands to the GUI thread through queued signals, and the meta-types
// of the torch-free core records they carry as they are (core::RunStatus, core::MetricsRow), so
// that ui/ headers stay free of LibTorch. Every record carries the job id of the request that
// produced it; the GUI drops stale ones.
// registerWorkerMetaTypes() must run once before the first queued connection.
#include "SpectraOverTraining.h"
#include "SurfaceData.h"

#include "analysis/CurvatureSample.h"
#include "analysis/StabilityBounds.h"
#include "common/RunStatus.h"
#include "train/MetricsRow.h"

#include <QMetaType>
#include <QString>
#include <QVector>

#include <limits>
#include <memory>
#include <optional>
#include <vector>

namespace minimascope::core {
struct RunConfig;   // train/RunConfig.h: its header reaches torch through DatasetSpec.h and ModelSpec.h
}   // namespace minimascope::core

namespace minimascope::ui {

// The (eta, B, n, batch draw) of a run, which set its stability bounds (core/analysis/StabilityBounds.h)
// and the what-if's starting point, with the label the plots give the run.
struct StabilitySetting {
    double eta = 0.0;
    qint64 batchSize = 0;   // effective B (n for full-batch optimizers)
    // n: the training examples the run has, which a class filter can make fewer than the
    // config's dataset.n.
    qint64 trainSize = 0;
    core::BatchDraw draw = core::BatchDraw::WithoutReplacement;   // how its batches are drawn
    QString label;                                                // e.g. "sgd η=0.2 B=10"
};

// What to train: the run config the setup panel validated, which the worker uses as it is
// (shared and never changed, so that copies across threads are cheap and this header needs no
// torch), and the curvature cadence: measure a and s every `curvatureEvery` iterations
// (0 = never) on the first `curvatureSubset` training examples (0 = all), and once at the end;
// with `curvatureSpectrum`, each measurement also estimates the SLQ density of H as the spectra
// through training do (SpectraRequest's Lanczos steps more H products each).
// A request without a config fails (status Failed).
struct TrainingRequest {
    quint64 jobId = 0;
    std::shared_ptr<const core::RunConfig> config;
    qint64 curvatureEvery = 0;
    bool curvatureAtEnd = true;
    bool nonUniformity = true;
    bool curvatureSpectrum = false;
    qint64 curvatureSubset = 0;
};

// The Hessian spectrum of the trained parameters: top-k eigenvalues and the SLQ density.
struct SpectrumRequest {
    quint64 jobId = 0;
    qint64 topK = 5;
    qint64 lanczosSteps = 80;
    qint64 subset = 0;   // first N training examples; 0 = all
};

// The Hessian spectra through training: the spectrum of SpectrumRequest at up to `maxSnapshots`
// of the parameter snapshots the last run kept (TrainingOutcome::snapshotIterations), spread
// evenly over them, the first (iteration 0) and the last (the final parameters) included.
struct SpectraRequest {
    quint64 jobId = 0;
    qint64 topK = 5;
    qint64 lanczosSteps = 80;
    qint64 subset = 0;   // first N training examples; 0 = all
    int maxSnapshots = 12;
};

// One snapshot's spectrum, sent as soon as it is computed: the `index`-th (from 0) of `count`.
struct SpectraUpdate {
    quint64 jobId = 0;
    SnapshotSpectrum spectrum;
    int index = 0;
    int count = 0;
};

// How the spectra through training ended: the spectra computed (all of them when Finished, those
// done before a cancel otherwise), in iteration order, and the folder they were written to (the
// run's spectra/ when the run was saved into a folder; empty when not written).
struct SpectraResult {
    quint64 jobId = 0;
    core::RunStatus status = core::RunStatus::Finished;
    QString message;
    std::vector<SnapshotSpectrum> spectra;
    QString writtenTo;
};

// The plane of a loss surface: two filter-normalized random directions (Li et al. 2018), the
// top two Hessian eigenvectors (unit norm; with the 1D slices along v1 and along a random
// direction of the same norm), or the first two principal components of the run's kept
// snapshots (Li et al. section 7; unit norm), with the trajectory drawn on the surface.
enum class SurfaceDirections { Random, TopEigenvectors, TrajectoryPca };

// A loss surface around the last run's parameters.
struct LandscapeRequest {
    quint64 jobId = 0;
    SurfaceDirections directions = SurfaceDirections::Random;
    int resolution = 41;   // grid points a side
    double range = 1.0;    // alpha, beta in [-range, range]; TrajectoryPca fits the path instead
    // The centre: the kept snapshot of this iteration (TrainingOutcome::snapshotIterations), or
    // -1 for the parameters the run ended with. Directions, eigenvectors and the PCA origin are
    // all taken there.
    qint64 centreIteration = -1;
    qint64 subset = 0;   // first N training examples; 0 = all
    quint64 seed = 0;    // of the random directions and of Lanczos for the eigenvector plane
};

// One progressive step of a surface: the grid so far (NaN where not computed yet).
struct SurfaceUpdate {
    quint64 jobId = 0;
    SurfaceData surface;
    bool levelFinished = false;   // a progressive level (coarse, finer, ...) is complete
    bool final = false;
    // TrajectoryPca only: the iteration of each point of surface.trajectory, and the fractions
    // of the trajectory's variance the two axes explain (in [0, 1]; NaN for other planes).
    std::vector<qint64> trajectoryIterations;
    double explained1 = std::numeric_limits<double>::quiet_NaN();
    double explained2 = std::numeric_limits<double>::quiet_NaN();
};

// The 1D slices of the top-eigenvector view, on a common t grid.
struct SliceResult {
    quint64 jobId = 0;
    std::vector<double> t;
    std::vector<double> alongTopEigenvector;
    std::vector<double> alongRandom;
};

// Everything the worker learned since its previous update (emitted at most ~10 a second).
struct TrainingUpdate {
    quint64 jobId = 0;
    qint64 iteration = 0;
    qint64 maxIterations = 0;
    double seconds = 0.0;
    double etaSeconds = 0.0;   // negative when unknown
    double batchLoss = 0.0;
    QVector<core::MetricsRow> rows;   // one per evaluation; NaN = not measured
    QVector<core::CurvatureSample> samples;   // the live tracking's measurements
};

// A training run has loaded its data and is about to take its first step.
struct TrainingStart {
    quint64 jobId = 0;
    StabilitySetting shape;
};

// How a training run ended, with the numbers the stability diagram needs.
struct TrainingOutcome {
    quint64 jobId = 0;
    core::RunStatus status = core::RunStatus::Finished;
    QString reason;   // the core's stop reason, or the error message for Failed
    qint64 iterations = 0;
    double seconds = 0.0;
    core::MetricsRow final;
    // The average of the iterates from schedule.average_from on (core::Trainer::evaluateAverage):
    // none when averaging is off, no iterate reached it, or the run was stopped or diverged.
    std::optional<core::MetricsRow> average;
    qint64 averagedIterates = 0;
    double eta = 0.0;       // learning rate
    qint64 batchSize = 0;   // effective B
    qint64 trainSize = 0;   // n
    // The iterations of the parameter snapshots the worker kept for the trajectory plane.
    QVector<qint64> snapshotIterations;
};

// Progress of a long analysis (spectrum, surface): fraction in [0, 1] and a line of text.
struct AnalysisProgress {
    quint64 jobId = 0;
    double fraction = 0.0;
    QString text;
    QString stage;   // a short label for the progress bar, e.g. "snapshot 3 of 12"; empty = none
};

// The Hessian spectrum of the current parameters (SLQ density and the top eigenvalues).
struct SpectrumResult {
    quint64 jobId = 0;
    core::RunStatus status = core::RunStatus::Finished;
    QString message;
    std::vector<double> grid;
    std::vector<double> density;
    std::vector<double> topEigenvalues;
};

// A what-if of Wu, Ma & E's Theorem: the linear stability test of a finished run's minimum at
// another (eta, B), the number `minimascope-cli analyze --quantities stability --eta --batch-size`
// computes. runDir names a saved run folder (its final parameters over its training set, loaded
// as analyze loads them); empty = the run last trained in the app. eta <= 0 or batchSize <= 0:
// the run's own. The first test of a run starts Lanczos as analyze does (so it repeats analyze's
// verdict); later ones start from the best vector in the span of the earlier tests' products. An
// unstable verdict is answered at its proof (core::testLinearStability with a memory).
struct StabilityTestRequest {
    quint64 jobId = 0;
    QString runDir;
    double eta = 0.0;
    qint64 batchSize = 0;
    // Load the run afresh, as the first request for a run does: a folder opened again may hold
    // another run by now, and the first test starts as analyze's does.
    bool reload = false;
};

// The answer: the run's own shape and (a, s) (measured once a run, as analyze measures them) and
// the Theorem's lambda_max{(I - eta H)^2 + eta^2 c Sigma} at the asked (eta, B).
struct StabilityTestResult {
    quint64 jobId = 0;
    core::RunStatus status = core::RunStatus::Finished;
    QString message;                                                   // the error for Failed
    StabilitySetting run;                                              // the run's own eta, B, n and draw
    double sharpness = std::numeric_limits<double>::quiet_NaN();       // a of the run's minimum
    double nonUniformity = std::numeric_limits<double>::quiet_NaN();   // s
    double eta = 0.0;                                                  // the (eta, B) tested
    qint64 batchSize = 0;
    double lambdaMax = std::numeric_limits<double>::quiet_NaN();
    double residual = std::numeric_limits<double>::quiet_NaN();
    bool lowerBound = false;   // an unstable verdict given at its proof: lambda_max >= lambdaMax
    QString verdict;           // "stable", "unstable" or "undetermined" (core::StabilityVerdict)
    qint64 products = 0;       // of the Theorem's operator
    bool warmStarted = false;
    double seconds = 0.0;   // wall time of the test alone
};

QString toString(SurfaceDirections directions);
void registerWorkerMetaTypes();

}   // namespace minimascope::ui

Q_DECLARE_METATYPE(minimascope::core::RunStatus)
Q_DECLARE_METATYPE(minimascope::core::MetricsRow)
Q_DECLARE_METATYPE(minimascope::ui::TrainingRequest)
Q_DECLARE_METATYPE(minimascope::ui::SpectrumRequest)
Q_DECLARE_METATYPE(minimascope::ui::LandscapeRequest)
Q_DECLARE_METATYPE(minimascope::ui::SurfaceUpdate)
Q_DECLARE_METATYPE(minimascope::ui::SliceResult)
Q_DECLARE_METATYPE(minimascope::ui::TrainingStart)
Q_DECLARE_METATYPE(minimascope::ui::TrainingUpdate)
Q_DECLARE_METATYPE(minimascope::ui::TrainingOutcome)
Q_DECLARE_METATYPE(minimascope::ui::AnalysisProgress)
Q_DECLARE_METATYPE(minimascope::ui::SpectrumResult)
Q_DECLARE_METATYPE(minimascope::ui::SpectraRequest)
Q_DECLARE_METATYPE(minimascope::ui::SpectraUpdate)
Q_DECLARE_METATYPE(minimascope::ui::SpectraResult)
Q_DECLARE_METATYPE(minimascope::ui::StabilityTestRequest)
Q_DECLARE_METATYPE(minimascope::ui::StabilityTestResult)
