#pragma once
// The curvature numbers of one parameter vector, as `minimascope-cli analyze` and the trainer's
// tracking hook compute them: sharpness a (top-k eigenpairs of H), lambda_min, non-uniformity
// s = sqrt(lambda_max(Sigma)), the stability verdict for (eta, B), the trace (Hutch++ with a
// Krylov sketch, SpectralDensity.h) and the SLQ density, the per-layer sharpness lambda_max(H_LL)
// of each layer, the epsilon-sharpness of Keskar et al. and the gradient-noise geometry
// (NoiseGeometry.h). Each number carries its residual (where it has one), the products it cost
// and its wall time. Everything is exact over the chosen data (no mini-batch estimates) except
// the trace and the density, which are stochastic by nature.
#include "analysis/EpsilonSharpness.h"
#include "analysis/Lanczos.h"
#include "analysis/LinearStability.h"
#include "analysis/NoiseGeometry.h"
#include "analysis/SpectralDensity.h"

#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <string>
#include <vector>

namespace minimascope::core {

class FlatParameters;
class Network;
struct Dataset;

struct CurvatureRequest {
    bool sharpness = true;
    int64_t topK = 1;   // eigenpairs of H from the top
    bool lambdaMin = false;
    bool nonUniformity = true;
    bool stability = false;   // needs eta and batchSize
    double eta = 0.0;
    int64_t batchSize = 0;
    BatchDraw draw = BatchDraw::WithoutReplacement;   // how the run drew its batches
    int64_t traceSamples = 0;                         // products for the trace (hutchPlusPlusOptions); 0 = no trace
    bool density = false;
    SpectralDensityOptions densityOptions;
    bool layerSharpness = false;   // lambda_max of each layer's diagonal block of H
    bool epsilonSharpness = false;
    EpsilonSharpnessOptions epsilonOptions;
    double tolerance = 1e-3;   // certified when residual <= tolerance * |lambda|
    int64_t maxSteps = 200;    // Lanczos steps cap
    bool forceNaive = false;   // per-example loop for Sigma even where a fast path exists
    uint64_t seed = 0;
    at::Tensor warmStartHessian;      // previous top eigenvector of H (tracking), optional
    at::Tensor warmStartCovariance;   // previous top eigenvector of Sigma, optional
    // The gradient covariance's spectrum and its overlap with H (NoiseGeometry.h); nothing when
    // none of top/density/overlap is set. Its k, tolerance and seed follow this request's.
    NoiseGeometryRequest noise;
};

struct MeasuredValue {
    double value = 0.0;
    double residual = 0.0;
    int64_t products = 0;
    double seconds = 0.0;
};

struct LayerSharpness {
    std::string layer;
    int64_t parameters = 0;
    MeasuredValue sharpness;
};

struct CurvatureReport {
    RunStatus status = RunStatus::Finished;
    std::string path;   // CurvatureOperators::path()
    int64_t examples = 0;
    int64_t parameters = 0;
    std::vector<MeasuredValue> topEigenvalues;   // of H, largest first; [0] is the sharpness a
    std::optional<MeasuredValue> lambdaMin;
    std::optional<MeasuredValue> nonUniformity;   // s; residual is that of lambda_max(Sigma)
    std::optional<StabilityVerdict> stability;
    std::optional<TraceEstimate> trace;
    std::optional<SpectralDensity> density;
    std::vector<LayerSharpness> layers;
    std::optional<EpsilonSharpnessResult> epsilonSharpness;
    std::optional<NoiseGeometryReport> noise;
    at::Tensor topEigenvector;   // for warm starts and landscape directions
    at::Tensor covarianceEigenvector;

    nlohmann::json toJson() const;
};

// Progress: the solvers' own reports, each with the quantity it is for ("sharpness", "lambda_min", "non_uniformity",
// "trace", "density", "sharpness of " + layer, "epsilon_sharpness", "gradient_noise"); a quantity may take several
// solves, each reporting from its own start.
CurvatureReport measureCurvature(Network& network, FlatParameters& parameters, const Dataset& data,
                                 const CurvatureRequest& request, const CancelToken* cancel = nullptr,
                                 const ProgressSink& progress = {});

}   // namespace minimascope::core
