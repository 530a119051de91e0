#include "analysis/SpectralDensity.h"

#include "analysis/LanczosProcess.h"
#include "common/CancelToken.h"
#include "io/NumberFormat.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

namespace minimascope::core {

namespace {

constexpr double kPi = 3.14159265358979323846;

// Called after each product with the products made so far.
using ProductDone = std::function<void(int64_t products)>;

// Draws Rademacher probes z, hands each probe v (project(z), or z itself when project is empty;
// double) with A v to `use` until `use` returns false or `samples` were drawn; stops early on a
// cancel.
RunStatus forEachRademacherProduct(const SymmetricOperator& op, int64_t samples, at::Generator& generator,
                                   const CancelToken* cancel,
                                   const std::function<bool(const at::Tensor&, const at::Tensor&)>& use,
                                   const std::function<at::Tensor(const at::Tensor&)>& project = {})
{
    for (int64_t i = 0; i < samples; ++i) {
        if (cancel && cancel->isCancelled())
            return RunStatus::Cancelled;
        at::Tensor v = detail::rademacherVector(op.dimension, generator);
        if (project)
            v = project(v);
        const at::Tensor product = detail::applyAs(op, v, at::kDouble);
        if (!product.defined())
            return RunStatus::Cancelled;
        if (!use(v, product))
            break;
    }
    return RunStatus::Finished;
}

// Welford's running mean and variance: stable for many samples of similar size.
class RunningMean {
public:
    void add(double value)
    {
        ++m_count;
        const double delta = value - m_mean;
        m_mean += delta / static_cast<double>(m_count);
        m_m2 += delta * (value - m_mean);
    }
    int64_t count() const { return m_count; }
    double mean() const { return m_mean; }
    // The sample standard deviation needs two samples; with fewer the error is unknown.
    double standardError() const
    {
        return m_count >= 2 ? std::sqrt(m_m2 / static_cast<double>(m_count - 1) / static_cast<double>(m_count)) : kNaN;
    }

private:
    int64_t m_count = 0;
    double m_mean = 0.0;
    double m_m2 = 0.0;
};

// Hutch++'s exact part: orthonormal rows Q (operator dtype) and tr(Q^T A Q).
struct Sketch {
    RunStatus status = RunStatus::Finished;
    at::Tensor rows;   // [k, dimension]
    double trace = 0.0;
    int64_t products = 0;
};

Sketch krylovSketch(const SymmetricOperator& op, int64_t k, at::Generator& generator, const CancelToken* cancel,
                    const ProductDone& done)
{
    Sketch sketch;
    detail::LanczosProcess process(op, detail::randomUnitVector(op.dimension, generator), k);
    while (process.steps() < process.capacity()) {
        if (!process.step(cancel)) {
            sketch.status = RunStatus::Cancelled;
            break;
        }
        done(process.products());
        // An invariant subspace: go on from a new random direction (a start vector's Krylov space
        // holds one direction of each repeated eigenvalue, so without restarts a low-rank A with
        // repeated eigenvalues would keep part of its range out of Q).
        if (process.brokeDown() && !process.restart(detail::randomUnitVector(op.dimension, generator)))
            break;
    }
    sketch.products = process.products();
    if (process.steps() > 0) {
        sketch.rows = at::stack(process.basis());
        // Q^T A Q is the tridiagonal T, so its trace is the sum of the alphas.
        sketch.trace = process.tridiagonal().diagonal().sum().item<double>();
    }
    return sketch;
}

Sketch randomSignSketch(const SymmetricOperator& op, int64_t k, at::Generator& generator, const CancelToken* cancel,
                        const ProductDone& done)
{
    Sketch sketch;
    std::vector<at::Tensor> images;
    sketch.status = forEachRademacherProduct(op, k, generator, cancel, [&](const at::Tensor&, const at::Tensor& as) {
        images.push_back(as);
        done(++sketch.products);
        return true;
    });
    if (sketch.status != RunStatus::Finished)
        return sketch;
    // Householder QR gives orthonormal columns even when A S is rank-deficient (rank A < k).
    sketch.rows = std::get<0>(at::linalg_qr(at::stack(images, 1))).t().contiguous().to(op.dtype);
    for (int64_t i = 0; i < k; ++i) {
        if (cancel && cancel->isCancelled()) {
            sketch.status = RunStatus::Cancelled;
            return sketch;
        }
        const at::Tensor q = sketch.rows[i];
        const at::Tensor product = detail::applyAs(op, q, at::kDouble);
        if (!product.defined()) {
            sketch.status = RunStatus::Cancelled;
            return sketch;
        }
        sketch.trace += q.to(at::kDouble).dot(product).item<double>();
        done(++sketch.products);
    }
    return sketch;
}

void validate(const TraceOptions& options)
{
    const bool adaptive = options.relativeStandardError > 0.0;
    if (options.samples < (adaptive ? 2 : 1))
        throw std::invalid_argument("trace estimate needs at least "
                                    + std::string(adaptive ? "two samples" : "one sample") + ", got "
                                    + std::to_string(options.samples));
    if (adaptive && options.maxSamples < options.samples)
        throw std::invalid_argument("trace estimate: maxSamples (" + std::to_string(options.maxSamples)
                                    + ") below samples (" + std::to_string(options.samples) + ")");
    if (options.sketchSize < 0)
        throw std::invalid_argument("trace estimate: negative sketch size " + std::to_string(options.sketchSize));
    if (!(options.relativeStandardError >= 0.0) || !std::isfinite(options.relativeStandardError))
        throw std::invalid_argument("trace estimate: the relative standard error must be finite and non-negative");
}

}   // namespace

const char* toString(TraceSketch sketch) { return sketch == TraceSketch::Krylov ? "krylov" : "random_signs"; }

TraceOptions hutchPlusPlusOptions(int64_t products, TraceSketch sketch)
{
    if (products < 1)
        throw std::invalid_argument("trace estimate needs at least one product, got " + std::to_string(products));
    TraceOptions options;
    options.sketch = sketch;
    options.samples = products;
    if (products < 3)
        return options;
    options.sketchSize = products / 3;
    options.samples = products - (sketch == TraceSketch::Krylov ? 1 : 2) * options.sketchSize;
    return options;
}

TraceEstimate estimateTrace(const SymmetricOperator& op, const TraceOptions& options, const CancelToken* cancel,
                            const ProgressSink& progress)
{
    detail::validateOperator(op);
    validate(options);
    const bool adaptive = options.relativeStandardError > 0.0;
    const int64_t sketchSize = std::min(options.sketchSize, op.dimension);
    const int64_t mostSamples = adaptive ? options.maxSamples : options.samples;
    const int64_t total = (options.sketch == TraceSketch::Krylov ? 1 : 2) * sketchSize + mostSamples;
    const ProgressClock clock("step");
    const auto report = [&](int64_t products, double estimate) {
        if (progress)
            progress(clock.at(products, total, estimate));
    };
    at::Generator generator = detail::makeGenerator(options.seed);

    TraceEstimate result;
    result.sketch = options.sketch;
    at::Tensor q;   // rows of Q, undefined for plain Hutchinson
    if (sketchSize > 0) {
        const ProductDone done = [&](int64_t products) { report(products, kNaN); };
        const Sketch sketch = options.sketch == TraceSketch::Krylov
                                  ? krylovSketch(op, sketchSize, generator, cancel, done)
                                  : randomSignSketch(op, sketchSize, generator, cancel, done);
        result.products = sketch.products;
        if (sketch.status != RunStatus::Finished) {
            result.status = sketch.status;
            result.trace = kNaN;
            result.standardError = kNaN;
            return result;
        }
        q = sketch.rows;
        result.sketchSize = q.size(0);
        result.sketchTrace = sketch.trace;
        // Q spans the whole space: the trace is exact and P A P = 0 leaves nothing to probe.
        if (result.sketchSize == op.dimension) {
            result.trace = sketch.trace;
            return result;
        }
    }

    std::function<at::Tensor(const at::Tensor&)> deflate;
    if (q.defined()) {
        deflate = [&q, &op](const at::Tensor& z) {
            const at::Tensor v = z.to(op.dtype);
            return (v - q.t().mv(q.mv(v))).to(at::kDouble);
        };
    }
    RunningMean mean;
    result.status = forEachRademacherProduct(
        op, mostSamples, generator, cancel,
        [&](const at::Tensor& v, const at::Tensor& av) {
            mean.add(v.dot(av).item<double>());
            ++result.products;
            ++result.samples;
            const double estimate = result.sketchTrace + mean.mean();
            report(result.products, estimate);
            const bool accurate = adaptive && mean.count() >= options.samples
                                  && mean.standardError() <= options.relativeStandardError * std::abs(estimate);
            return !accurate;
        },
        deflate);
    // Cancelled before the first probe: the deflated part, and so the trace, is unknown.
    result.trace = result.samples > 0 ? result.sketchTrace + mean.mean() : kNaN;
    result.standardError = mean.standardError();
    return result;
}

TraceEstimate hutchinsonTrace(const SymmetricOperator& op, int64_t samples, uint64_t seed, const CancelToken* cancel,
                              const ProgressSink& progress)
{
    TraceOptions options;
    options.samples = samples;
    options.seed = seed;
    return estimateTrace(op, options, cancel, progress);
}

DiagonalEstimate hutchinsonDiagonal(const SymmetricOperator& op, int64_t samples, uint64_t seed,
                                    const CancelToken* cancel)
{
    detail::validateOperator(op);
    if (samples < 1)
        throw std::invalid_argument("Hutchinson estimate needs at least one sample, got " + std::to_string(samples));
    at::Generator generator = detail::makeGenerator(seed);
    DiagonalEstimate result;
    at::Tensor sum = at::zeros({op.dimension}, at::TensorOptions(at::kDouble));
    // E[z .* A z]_i = sum_j A_ij E[z_i z_j] = A_ii.
    result.status = forEachRademacherProduct(op, samples, generator, cancel,
                                             [&](const at::Tensor& z, const at::Tensor& az) {
                                                 sum.add_(z * az);
                                                 ++result.products;
                                                 return true;
                                             });
    // Nothing finished: leave the diagonal undefined rather than report zeros.
    if (result.products > 0)
        result.diagonal = (sum / static_cast<double>(result.products)).to(op.dtype);
    return result;
}

SpectralDensity stochasticLanczosQuadrature(const SymmetricOperator& op, const SpectralDensityOptions& options,
                                            const CancelToken* cancel, const ProgressSink& progress)
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
    const ProgressClock clock("step");

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
                const double estimate = result.nodes.empty()
                                            ? kNaN
                                            : *std::max_element(result.nodes.begin(), result.nodes.end());
                progress(clock.at(s * steps + process.steps(), total, estimate));
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

}   // namespace minimascope::core
