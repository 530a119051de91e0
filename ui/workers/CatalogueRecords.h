#pragma once
// Records of the loss-surface catalogue's analyses that the worker runs for the app (issue 18): the
// gradient-noise geometry (SessionWorker::analyzeGradientNoise, core/analysis/NoiseGeometry.h) and
// the fitness-distance correlation (SessionWorker::sampleFitnessDistance,
// core/landscape/FitnessDistance.h). Torch-free; requests and results carry the request's job id.
// registerCatalogueMetaTypes() must run once before the first queued connection carrying them.
#include "FitnessDistancePlot.h"

#include "common/RunStatus.h"

#include <QMetaType>
#include <QString>

#include <limits>
#include <vector>

namespace minimascope::core {
struct FitnessDistanceSample;
struct NoiseGeometryReport;
}   // namespace minimascope::core

namespace minimascope::ui {

// How an analysis ended: its job, its status and, for Failed, the error.
struct AnalysisOutcome {
    quint64 jobId = 0;
    core::RunStatus status = core::RunStatus::Finished;
    QString message;
};

// The geometry of the gradient noise of the last run, measured as `minimascope-cli analyze
// --quantities grad_cov_top,grad_cov_density,subspace_overlap --top-k K --density-steps M` measures
// it (the run's seed, Lanczos to a relative residual of 1e-3): the spectrum of the gradient
// covariance Sigma_g = (1/n) sum_i g_i g_i^T, the overlap of H's and Sigma_g's top-k subspaces and
// the share of the full gradient's energy in H's top-k subspace. At the parameters the run ended
// with, or with `overTraining` at up to `maxSnapshots` of the snapshots it kept, spread evenly with
// the first and the last (the final parameters) included, as `analyze --snapshots` does.
struct GradientNoiseRequest {
    quint64 jobId = 0;
    qint64 topK = 3;             // k, at most the parameters there are
    qint64 densitySteps = 100;   // Lanczos steps of Sigma_g's SLQ density
    qint64 subset = 0;           // first N training examples; 0 = all
    bool overTraining = false;
    int maxSnapshots = 8;
};

// The measurement at one point of the run.
struct GradientNoisePoint {
    qint64 iteration = 0;
    std::vector<double> covarianceTop;                           // Sigma_g's top-k eigenvalues, largest first
    std::vector<double> hessianTop;                              // H's top-k, whose eigenvectors span H's subspace
    double overlap = std::numeric_limits<double>::quiet_NaN();   // in [0, 1]
    double gradientShare = std::numeric_limits<double>::quiet_NaN();   // in [0, 1]
    double gradientNorm = std::numeric_limits<double>::quiet_NaN();    // |g| of the full gradient
    std::vector<double> grid;                                          // Sigma_g's SLQ density on this grid
    std::vector<double> density;
};

// The points measured (all when Finished, those done before a cancel otherwise), in iteration order.
struct GradientNoiseResult : AnalysisOutcome {
    std::vector<GradientNoisePoint> points;
};

// The sample `minimascope-cli fdc --distances ... --samples K` draws around the teacher's weights,
// for the last run's teacher-student problem (its student architecture, training set and seed):
// `samples` points at each of `distances` (validated by core::validateFitnessDistanceOptions).
struct FitnessDistanceRequest {
    quint64 jobId = 0;
    std::vector<double> distances;
    qint64 samples = 20;
    qint64 subset = 0;   // first N training examples; 0 = all
};

struct FitnessDistanceResult : AnalysisOutcome {
    std::vector<FitnessDistancePoint> points;
    double correlation = std::numeric_limits<double>::quiet_NaN();   // r over the finite points
    QString undefinedReason;                                         // why r is NaN, when it is
    double centreLoss = std::numeric_limits<double>::quiet_NaN();    // the teacher's own loss
    quint64 seed = 0;                                                // of the directions (fdc --seed)
};

// The point of a finished noise-geometry report measured at `iteration`.
GradientNoisePoint toGradientNoisePoint(const core::NoiseGeometryReport& report, qint64 iteration);
// The points of a sample, its r and, when r is undefined, the reason the core gives.
void fillFitnessDistanceResult(const core::FitnessDistanceSample& sample, FitnessDistanceResult& result);

void registerCatalogueMetaTypes();

}   // namespace minimascope::ui

Q_DECLARE_METATYPE(minimascope::ui::GradientNoiseRequest)
Q_DECLARE_METATYPE(minimascope::ui::GradientNoisePoint)
Q_DECLARE_METATYPE(minimascope::ui::GradientNoiseResult)
Q_DECLARE_METATYPE(minimascope::ui::FitnessDistanceRequest)
Q_DECLARE_METATYPE(minimascope::ui::FitnessDistanceResult)
