#include "analysis/SpectralDensity.h"

#include "analysis/LanczosProcess.h"
#include "common/CancelToken.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>
#include <tuple>

namespace minimascope::core {

namespace {

constexpr double kPi = 3.14159265358979323846;


// Draws `samples` Rademacher probes z and hands each with A z to `use`; stops early on a cancel.
RunStatus forEachRademacherProduct(const SymmetricOperator& op, int64_t samples, uint64_t seed,
                                   const CancelToken* cancel,
                                   const std::function<void(const at::Tensor&, const at::Tensor&)>& use)
{
    detail::validateOperator(op);
    if (samples < 1)
        throw std::invalid_argument("Hutchinson estimate needs at least one sample, got " + std::to_string(samples));
    at::Generator generator = detail::makeGenerator(seed);
    for (int64_t i = 0; i < samples; ++i) {
        if (cancel && cancel->isCancelled())
            return RunStatus::Cancelled;
        const at::Tensor z = detail::rademacherVector(op.dimension, generator);
        const at::Tensor product = detail::applyAs(op, z, at::kDouble);
        if (!product.defined())
            return RunStatus::Cancelled;
        use(z, product);
    }
    return RunStatus::Finished;
}

} // namespace

TraceEstimate hutchinsonTrace(const SymmetricOperator& op, int64_t samples, uint64_t seed, const CancelToken* cancel,
                              const SolverProgressSink& progress)
{
    TraceEstimate result;
    // Welford's running mean and variance: stable for many samples of similar size.
    double mean = 0.0;
    double m2 = 0.0;
    result.status = forEachRademacherProduct(op, samples, seed, cancel, [&](const at::Tensor& z, const at::Tensor& az) {
        const double value = z.dot(az).item<double>();
        ++result.products;
        ++result.samples;
        const double delta = value - mean;
        mean += delta / static_cast<double>(result.samples);
        m2 += delta * (value - mean);
        if (progress)
            progress({result.samples, samples, result.products, mean});
    });
    result.trace = mean;
    // The sample standard deviation needs two samples; with fewer the error is unknown.
    result.standardError = result.samples >= 2
                               ? std::sqrt(m2 / static_cast<double>(result.samples - 1)
                                           / static_cast<double>(result.samples))
                               : std::numeric_limits<double>::quiet_NaN();
    return result;
}

DiagonalEstimate hutchinsonDiagonal(const SymmetricOperator& op, int64_t samples, uint64_t seed,
                                    const CancelToken* cancel)
{
    DiagonalEstimate result;
    at::Tensor sum = at::zeros({op.dimension}, at::TensorOptions(at::kDouble));
    // E[z .* A z]_i = sum_j A_ij E[z_i z_j] = A_ii.
    result.status = forEachRademacherProduct(op, samples, seed, cancel, [&](const at::Tensor& z, const at::Tensor& az) {
        sum.add_(z * az);
        ++result.products;
    });
    // Nothing finished: leave the diagonal undefined rather than report zeros.
    if (result.products > 0)
        result.diagonal = (sum / static_cast<double>(result.products)).to(op.dtype);
    return result;
}

SpectralDensity stochasticLanczosQuadrature(const SymmetricOperator& op, const SpectralDensityOptions& options,
                                            const CancelToken* cancel, const SolverProgressSink& progress)
{
    detail::validateOperator(op);
    if (options.steps < 1 || options.starts < 1)
        throw std::invalid_argument("spectral density needs at least one step and one start");
    if (options.gridPoints < 2)
        throw std::invalid_argument("spectral density needs at least two grid points");
    if (options.sigma < 0.0 || !std::isfinite(options.sigma))
        throw std::invalid_argument("spectral density kernel width must be finite and non-negative");

    at::Generator generator = detail::makeGenerator(options.seed);
    const int64_t steps = std::min(options.steps, op.dimension);
    const int64_t total = steps * options.starts;

    SpectralDensity result;
    int64_t startsUsed = 0;
    for (int64_t s = 0; s < options.starts && result.status == RunStatus::Finished; ++s) {
        detail::LanczosProcess process(op, detail::randomUnitVector(op.dimension, generator), steps);
        while (process.steps() < steps) {
            if (!process.step(cancel)) {
                result.status = RunStatus::Cancelled;
                break;
            }
            if (progress) {
                const double estimate = result.nodes.empty() ? std::numeric_limits<double>::quiet_NaN()
                                                             : *std::max_element(result.nodes.begin(), result.nodes.end());
                progress({s * steps + process.steps(), total, result.products + process.products(), estimate});
            }
            // Invariant subspace: the start's spectral measure is supported on the Ritz values
            // found so far, so the quadrature is already exact. (No restart: a new direction
            // would not belong to this start's measure.)
            if (process.brokeDown())
                break;
        }
        result.products += process.products();
        if (process.steps() == 0)
            break;
        // Gauss quadrature of the start's spectral measure: nodes theta_j = eig(T), weights
        // = squared first components of T's eigenvectors. A cancelled start still gives a
        // valid (lower-order) quadrature and is kept.
        at::Tensor theta;
        at::Tensor vectors;
        std::tie(theta, vectors) = at::linalg_eigh(process.tridiagonal());
        const at::Tensor tau = vectors[0].square();
        for (int64_t j = 0; j < theta.size(0); ++j) {
            result.nodes.push_back(theta[j].item<double>());
            result.weights.push_back(tau[j].item<double>());
        }
        ++startsUsed;
    }
    if (startsUsed == 0)
        return result;
    // Average over the starts that contributed, so the weights sum to 1 even after a cancel.
    for (double& w : result.weights)
        w /= static_cast<double>(startsUsed);

    const auto [lowIt, highIt] = std::minmax_element(result.nodes.begin(), result.nodes.end());
    const double low = *lowIt;
    const double high = *highIt;
    const double span = high - low;
    double sigma = options.sigma;
    if (sigma == 0.0)
        sigma = span > 0.0 ? 0.01 * span : 1e-3 * std::max(1.0, std::abs(high));
    result.sigma = sigma;

    // +-5 sigma past the extreme nodes keeps all but ~6e-7 of each kernel's mass on the grid.
    const double first = low - 5.0 * sigma;
    const double last = high + 5.0 * sigma;
    const int64_t points = options.gridPoints;
    const double norm = 1.0 / (sigma * std::sqrt(2.0 * kPi));
    const at::Tensor grid = at::linspace(first, last, points, at::TensorOptions(at::kDouble));
    const at::Tensor nodes = at::tensor(result.nodes, at::TensorOptions(at::kDouble));
    const at::Tensor weights = at::tensor(result.weights, at::TensorOptions(at::kDouble));
    // phi(t) = sum_j w_j N(t; theta_j, sigma^2), as a [points, nodes] kernel matrix times w.
    const at::Tensor z = (grid.unsqueeze(1) - nodes.unsqueeze(0)) / sigma;
    const at::Tensor density = (-0.5 * z.square()).exp().mv(weights) * norm;
    result.grid.assign(grid.data_ptr<double>(), grid.data_ptr<double>() + points);
    result.density.assign(density.data_ptr<double>(), density.data_ptr<double>() + points);
    return result;
}

} // namespace minimascope::core
