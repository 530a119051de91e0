#pragma once
// Stochastic estimates of spectral quantities from products only:
//   the trace by Hutchinson's estimator with Rademacher probes, or by Hutch++ (below), each with
//   its standard error,
//   the diagonal by z .* (A z) averaged over Rademacher probes (AdaHessian's estimate),
//   the eigenvalue density by stochastic Lanczos quadrature (Ghorbani et al. 2019; PyHessian):
//   m Lanczos steps from random unit starts give nodes theta_j and weights tau_j, smoothed by
//   a Gaussian of width sigma and averaged over starts, returned as a curve ready to plot.
// Cancel: checked before every product; returns what was finished (status Cancelled). Progress: one report a
// product, "step" of all products planned (the trace: with the estimate so far; the density: with its largest node).
#include "analysis/CurvatureSample.h"
#include "analysis/SymmetricOperator.h"
#include "common/Progress.h"
#include "common/RunStatus.h"

#include <vector>

namespace minimascope::core {

// Hutch++ (Meyer, Musco, Musco & Woodruff, SOSA 2021): tr(A) = tr(Q^T A Q) + tr(P A P) with
// P = I - Q Q^T for any orthonormal Q drawn independently of the probes. The first term is taken
// exactly; Hutchinson estimates only the second, whose variance 2 sum_{i != j} (PAP)_ij^2 lacks
// the large eigenvalues Q captured. Unbiased for any such Q; the standard error is the sample
// standard error of the deflated probes z^T P A P z (the exact term adds none).
enum class TraceSketch {
    // k Lanczos steps (full reorthogonalization) from a random start, restarted on breakdown:
    // Q and Q^T A Q = T together in k products; a Krylov space finds the large eigenvalues
    // of a Hessian's spectrum far sooner than a random sketch of the same size.
    Krylov,
    // Meyer et al.'s: Q = orth(A S) for k Rademacher columns S, then A Q: 2k products.
    RandomSigns,
};
const char* toString(TraceSketch sketch);

struct TraceOptions {
    int64_t sketchSize = 0;   // k, columns of Q; 0 = plain Hutchinson on A
    TraceSketch sketch = TraceSketch::Krylov;
    int64_t samples = 100;   // probes; with relativeStandardError > 0, the fewest drawn
    // > 0: keep drawing probes until standardError <= relativeStandardError * |trace| or
    // maxSamples are drawn, so that one asks for an accuracy rather than a probe count (the
    // stop depends on the samples' spread, a bias far below the standard error when samples
    // is at least a handful).
    double relativeStandardError = 0.0;
    int64_t maxSamples = 10000;
    uint64_t seed = 0;
};

// Hutch++ with m products split as its authors do: a third for the sketch (a Krylov sketch's
// k steps also give Q^T A Q, so two thirds are left for probes), the rest for probes. Fewer
// than 3 products: plain Hutchinson.
TraceOptions hutchPlusPlusOptions(int64_t products, TraceSketch sketch = TraceSketch::Krylov);

struct TraceEstimate {
    RunStatus status = RunStatus::Finished;
    double trace = 0.0;
    double standardError = 0.0;   // NaN with fewer than 2 probes; 0 when Q spans the space
    int64_t samples = 0;          // probes (of the deflated operator for Hutch++)
    int64_t products = 0;         // all of them, the sketch's included
    int64_t sketchSize = 0;       // columns of Q; 0 = plain Hutchinson
    TraceSketch sketch = TraceSketch::Krylov;
    double sketchTrace = 0.0;   // tr(Q^T A Q), the exact part
    const char* estimator() const { return sketchSize > 0 ? "hutch++" : "hutchinson"; }
};
// A cancel before the first probe leaves trace and standardError NaN; after it, they are those
// of the probes drawn. Throws std::invalid_argument for samples < 1 (< 2 with a relative
// target), maxSamples < samples, a negative sketch size or target, and an invalid operator.
TraceEstimate estimateTrace(const SymmetricOperator& op, const TraceOptions& options,
                            const CancelToken* cancel = nullptr, const ProgressSink& progress = {});
// Plain Hutchinson with a fixed number of probes: estimateTrace with sketchSize 0.
TraceEstimate hutchinsonTrace(const SymmetricOperator& op, int64_t samples, uint64_t seed,
                              const CancelToken* cancel = nullptr, const ProgressSink& progress = {});

struct DiagonalEstimate {
    RunStatus status = RunStatus::Finished;
    at::Tensor diagonal;
    int64_t products = 0;
};
DiagonalEstimate hutchinsonDiagonal(const SymmetricOperator& op, int64_t samples, uint64_t seed,
                                    const CancelToken* cancel = nullptr);

struct SpectralDensityOptions {
    int64_t steps = 100;         // Lanczos steps per start (m)
    int64_t starts = 1;          // random starts averaged
    double sigma = 0.0;          // kernel width; 0 = 1% of the spectrum's estimated span
    int64_t gridPoints = 1000;   // points of the returned curve
    uint64_t seed = 0;
};

SpectralDensity stochasticLanczosQuadrature(const SymmetricOperator& op, const SpectralDensityOptions& options,
                                            const CancelToken* cancel = nullptr, const ProgressSink& progress = {});

}   // namespace minimascope::core
