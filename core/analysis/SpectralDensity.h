#pragma once
// Stochastic estimates of spectral quantities from products only:
//   the trace by Hutchinson's estimator with Rademacher probes (with its standard error),
//   the diagonal by z .* (A z) averaged over Rademacher probes (AdaHessian's estimate),
//   the eigenvalue density by stochastic Lanczos quadrature (Ghorbani et al. 2019; PyHessian):
//   m Lanczos steps from random unit starts give nodes theta_j and weights tau_j, smoothed by
//   a Gaussian of width sigma and averaged over starts, returned as a curve ready to plot.
// Cancel: checked before every product; returns what was finished (status Cancelled).
#include "analysis/SymmetricOperator.h"
#include "common/RunStatus.h"

#include <vector>

namespace minimascope::core {

struct TraceEstimate {
    RunStatus status = RunStatus::Finished;
    double trace = 0.0;
    double standardError = 0.0;
    int64_t samples = 0;
    int64_t products = 0;
};
TraceEstimate hutchinsonTrace(const SymmetricOperator& op, int64_t samples, uint64_t seed,
                              const CancelToken* cancel = nullptr, const SolverProgressSink& progress = {});

struct DiagonalEstimate {
    RunStatus status = RunStatus::Finished;
    at::Tensor diagonal;
    int64_t products = 0;
};
DiagonalEstimate hutchinsonDiagonal(const SymmetricOperator& op, int64_t samples, uint64_t seed,
                                    const CancelToken* cancel = nullptr);

struct SpectralDensityOptions {
    int64_t steps = 100;            // Lanczos steps per start (m)
    int64_t starts = 1;             // random starts averaged
    double sigma = 0.0;             // kernel width; 0 = 1% of the spectrum's estimated span
    int64_t gridPoints = 1000;      // points of the returned curve
    uint64_t seed = 0;
};

struct SpectralDensity {
    RunStatus status = RunStatus::Finished;
    std::vector<double> nodes;      // Ritz values of all starts
    std::vector<double> weights;    // their weights (each start's sum to 1/starts)
    std::vector<double> grid;       // t
    std::vector<double> density;    // phi(t), integrates to ~1 over the grid
    double sigma = 0.0;
    int64_t products = 0;
};
SpectralDensity stochasticLanczosQuadrature(const SymmetricOperator& op, const SpectralDensityOptions& options,
                                            const CancelToken* cancel = nullptr,
                                            const SolverProgressSink& progress = {});

} // namespace minimascope::core
