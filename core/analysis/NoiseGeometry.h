#pragma once
// The geometry of the gradient noise (Ghorbani, Krishnan & Xiao 2019, section 4): the spectrum
// of the gradient covariance Sigma_g (GradientCovariance.h: by default their uncentered
// (1/n) sum_i g_i g_i^T, or the centered covariance), and how it lines up with the Hessian:
//   overlap(k)        = (1/k) sum_{i<=k} |P_Sigma u_i|^2, u_i the top-k unit eigenvectors of H and
//                       P_Sigma the projector onto the span of Sigma_g's top-k eigenvectors: the
//                       share of the energy of H's outlier eigenvectors that lies in Sigma_g's
//                       outlier subspace (1 when the subspaces coincide, 0 when orthogonal);
//   gradientShare(k)  = |P_H g|^2 / |g|^2, P_H the projector onto H's top-k eigenvectors: the
//                       share of the full gradient's energy in H's outlier subspace.
// The eigenvectors come from Lanczos (Lanczos.h) to the request's relative tolerance, so both
// shares are exact up to that tolerance (no sampling); the density is SLQ (stochastic).
// Cancel: checked by the solvers before every product; a cancelled measurement returns status
// Cancelled with what was finished. Thread-safety: as the operators (one measurement at a time).
#include "analysis/Lanczos.h"
#include "analysis/SpectralDensity.h"

#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <string>
#include <vector>

namespace minimascope::core {

class FlatParameters;
class Network;
struct Dataset;

// (1/k) sum_i |P v_i|^2 / |v_i|^2 with P the orthogonal projector onto span(basis) (the basis is
// orthonormalized here, so it need not be). 0 when `vectors` is empty or the basis spans nothing.
double subspaceOverlap(const std::vector<at::Tensor>& vectors, const std::vector<at::Tensor>& basis);
// |P v|^2 / |v|^2 for one vector (0 for a zero vector).
double energyShare(const at::Tensor& vector, const std::vector<at::Tensor>& basis);

struct NoiseGeometryRequest {
    bool top = false;          // top-k eigenvalues of Sigma_g
    bool density = false;      // SLQ density of Sigma_g
    bool overlap = false;      // the H / Sigma_g subspace overlap and the gradient's share
    bool centered = false;     // Sigma_g = M - g g^T instead of M = (1/n) sum_i g_i g_i^T
    int64_t k = 1;             // outlier subspace dimension (eigenpairs of each operator)
    double tolerance = 1e-3;   // Lanczos: residual <= tolerance * |lambda|
    int64_t maxSteps = 200;
    SpectralDensityOptions densityOptions;
    uint64_t seed = 0;
};

// The request of `analyze --quantities grad_cov_top,grad_cov_density,subspace_overlap` (each flag one
// of them) with `densitySteps` Lanczos steps for the density, at most the `parameters` there are; the
// CLI and the desktop app's noise view both take it, so that they measure the same numbers.
NoiseGeometryRequest gradientNoiseRequest(bool top, bool density, bool overlap, int64_t densitySteps,
                                          int64_t parameters);

struct NoiseGeometryReport {
    RunStatus status = RunStatus::Finished;
    bool centered = false;
    int64_t k = 0;
    double gradientNorm = 0.0;
    std::vector<double> topEigenvalues;   // of Sigma_g, largest first
    std::vector<double> topResiduals;
    bool topConverged = false;
    std::vector<double> hessianEigenvalues;   // of H, the ones whose vectors entered the overlap
    std::optional<double> overlap;
    std::optional<double> gradientShare;
    std::optional<SpectralDensity> density;
    int64_t products = 0;   // Sigma_g and H products of this measurement
    double seconds = 0.0;

    nlohmann::json toJson() const;
};

// From the operators: `hessianVectors` are H's top eigenvectors when the caller already has them
// (at least k of them, largest first); otherwise H's top-k are computed here.
NoiseGeometryReport measureNoiseGeometry(const SymmetricOperator& hessian, const SymmetricOperator& sigma,
                                         const at::Tensor& gradient, const NoiseGeometryRequest& request,
                                         const std::vector<EigenPair>& hessianPairs = {},
                                         const CancelToken* cancel = nullptr, const ProgressSink& progress = {});

// From a network: builds Sigma_g over `data` (GradientCovariance) and uses the given H operator.
NoiseGeometryReport measureNoiseGeometry(Network& network, FlatParameters& parameters, const Dataset& data,
                                         const SymmetricOperator& hessian, const NoiseGeometryRequest& request,
                                         const std::vector<EigenPair>& hessianPairs = {},
                                         const CancelToken* cancel = nullptr, const ProgressSink& progress = {});

}   // namespace minimascope::core
