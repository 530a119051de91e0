#include "analysis/Lanczos.h"

#include "analysis/LanczosProcess.h"
#include "common/CancelToken.h"
#include "io/NumberFormat.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <tuple>

namespace minimascope::core {

namespace detail {

at::Generator makeGenerator(uint64_t seed) { return at::make_generator<at::CPUGeneratorImpl>(seed); }

at::Tensor randomUnitVector(int64_t dimension, at::Generator& generator)
{
    at::Tensor v = at::randn({dimension}, generator, at::TensorOptions(at::kDouble));
    return v / v.norm();
}

at::Tensor rademacherVector(int64_t dimension, at::Generator& generator)
{
    return at::randint(2, {dimension}, generator, at::TensorOptions(at::kDouble)) * 2.0 - 1.0;
}

void validateOperator(const SymmetricOperator& op)
{
    if (!op.apply)
        throw std::invalid_argument("symmetric operator without a product");
    if (op.dimension < 1)
        throw std::invalid_argument("symmetric operator of dimension " + std::to_string(op.dimension));
    if (op.dtype != at::kFloat && op.dtype != at::kDouble)
        throw std::invalid_argument("symmetric operator dtype must be float32 or float64");
}

at::Tensor applyAs(const SymmetricOperator& op, const at::Tensor& v, at::ScalarType dtype)
{
    const at::Tensor product = op.apply(v.to(op.dtype).contiguous());
    if (!product.defined())
        return {};   // the operator saw the cancel request midway
    if (product.numel() != op.dimension)
        throw std::runtime_error("SymmetricOperator::apply returned " + std::to_string(product.numel())
                                 + " elements, expected " + std::to_string(op.dimension));
    return product.reshape({op.dimension}).to(dtype);
}

LanczosProcess::LanczosProcess(const SymmetricOperator& op, const at::Tensor& start, int64_t capacity, bool keepImages)
    : m_op(op), m_capacity(std::min(capacity, op.dimension)), m_keepImages(keepImages),
      m_next(start.to(op.dtype).contiguous())
{
}

void LanczosProcess::orthogonalizeAgainstBasis(at::Tensor& w) const
{
    if (m_basis.empty())
        return;
    // Classical Gram-Schmidt with a second pass when the first one cancelled much of w ("twice
    // is enough", Giraud et al. 2005; the criterion of Daniel, Gragg, Kaufman & Stewart 1976):
    // then one pass leaves O(eps * |w_before| / |w_after|) components that would grow into
    // spurious copies of converged Ritz values, and the second brings them to O(eps). When w
    // kept most of its norm one pass is already accurate, and skipping the second halves the
    // reads of the basis (the dominant cost of a step beyond the product at 100 steps).
    constexpr double kSecondPassBelow = 0.7071067811865476;   // 1 / sqrt(2)
    const auto pass = [this](at::Tensor& v) {
        std::vector<double> coefficients;
        coefficients.reserve(m_basis.size());
        for (const at::Tensor& q : m_basis)
            coefficients.push_back(q.dot(v).item<double>());
        for (size_t j = 0; j < m_basis.size(); ++j)
            v.sub_(m_basis[j], coefficients[j]);
    };
    const double before = w.norm().item<double>();
    pass(w);
    if (w.norm().item<double>() < kSecondPassBelow * before)
        pass(w);
}

bool LanczosProcess::step(const CancelToken* cancel)
{
    if (steps() >= m_capacity || !m_next.defined())
        return false;
    if (cancel && cancel->isCancelled())
        return false;
    const at::Tensor q = m_next;
    const at::Tensor product = applyAs(m_op, q, m_op.dtype);
    if (!product.defined())
        return false;
    at::Tensor w = product.clone();   // modified in place below; the operator's result is left alone
    if (m_keepImages)
        m_images.push_back(w.clone());
    ++m_products;

    const double alpha = q.dot(w).item<double>();
    w.sub_(q, alpha);
    if (!m_basis.empty())
        w.sub_(m_basis.back(), m_beta.back());
    m_basis.push_back(q);
    orthogonalizeAgainstBasis(w);
    double beta = w.norm().item<double>();

    m_alpha.push_back(alpha);
    m_normEstimate = std::max({m_normEstimate, std::abs(alpha), beta});
    // Breakdown relative to the operator's own precision: below this, w is rounding noise of
    // the product (which grows like sqrt(dimension) for a dense sum), not a direction of the
    // Krylov space. Missing a breakdown is harmless (the noise acts as a restart); declaring
    // one too early would drop a real direction, hence the cap on the sqrt growth.
    const double eps = m_op.dtype == at::kDouble ? std::numeric_limits<double>::epsilon()
                                                 : std::numeric_limits<float>::epsilon();
    const double noise = 10.0 * eps * std::sqrt(static_cast<double>(std::min<int64_t>(m_op.dimension, 10000)));
    m_brokeDown = beta <= noise * m_normEstimate || !std::isfinite(beta);
    if (m_brokeDown) {
        beta = 0.0;
        m_next = at::Tensor();
    } else {
        m_next = w / beta;
    }
    m_beta.push_back(beta);
    return true;
}

bool LanczosProcess::restart(const at::Tensor& vector)
{
    if (steps() >= m_capacity)
        return false;
    at::Tensor w = vector.to(m_op.dtype).clone();
    const double before = w.norm().item<double>();
    orthogonalizeAgainstBasis(w);
    const double after = w.norm().item<double>();
    if (!(after > 1e-8 * before))
        return false;
    m_next = w / after;
    m_brokeDown = false;
    return true;
}

at::Tensor LanczosProcess::tridiagonal() const
{
    const int64_t m = steps();
    at::Tensor t = at::zeros({m, m}, at::TensorOptions(at::kDouble));
    auto a = t.accessor<double, 2>();
    for (int64_t i = 0; i < m; ++i) {
        a[i][i] = m_alpha[static_cast<size_t>(i)];
        if (i + 1 < m) {
            a[i][i + 1] = m_beta[static_cast<size_t>(i)];
            a[i + 1][i] = m_beta[static_cast<size_t>(i)];
        }
    }
    return t;
}

namespace {

// Summed in the rows' dtype (the operator's precision), returned in double.
at::Tensor combine(const std::vector<at::Tensor>& rows, const at::Tensor& coefficients)
{
    at::Tensor sum = at::zeros_like(rows.front());
    const at::Tensor c = coefficients.to(at::kDouble).contiguous();
    const auto values = c.accessor<double, 1>();
    for (size_t j = 0; j < rows.size(); ++j)
        sum.add_(rows[j], values[static_cast<int64_t>(j)]);
    return sum.to(at::kDouble);
}

}   // namespace

at::Tensor LanczosProcess::combineBasis(const at::Tensor& coefficients) const { return combine(m_basis, coefficients); }

at::Tensor LanczosProcess::combineImages(const at::Tensor& coefficients) const
{
    return combine(m_images, coefficients);
}

}   // namespace detail

namespace {

// Indices (into linalg_eigh's ascending order) of the wanted Ritz values, in reporting order.
std::vector<int64_t> wantedIndices(int64_t size, int64_t k, Spectrum which)
{
    std::vector<int64_t> indices;
    for (int64_t i = 0; i < std::min(k, size); ++i)
        indices.push_back(which == Spectrum::Largest ? size - 1 - i : i);
    return indices;
}

at::Tensor startVector(const at::Tensor& start, int64_t dimension, at::Generator& generator)
{
    if (!start.defined())
        return detail::randomUnitVector(dimension, generator);
    if (start.numel() != dimension)
        throw std::invalid_argument("start vector has " + std::to_string(start.numel()) + " elements, the operator "
                                    + std::to_string(dimension));
    at::Tensor v = start.reshape({dimension}).to(at::kDouble).clone();
    const double norm = v.norm().item<double>();
    if (!(norm > 0.0) || !std::isfinite(norm))
        return detail::randomUnitVector(dimension, generator);
    return v / norm;
}

// A warm start that is (nearly) an eigenvector spans a (nearly) invariant Krylov space: Lanczos
// would certify that eigenpair after one product even when another eigenvalue has overtaken it
// (eigenvalues cross during training). Mixing in a random direction keeps the start's head
// start while every eigenvector, the new top one included, gets a share of the Krylov space.
constexpr double kWarmStartMix = 0.1;

at::Tensor mixedWarmStart(const at::Tensor& start, int64_t dimension, at::Generator& generator)
{
    const at::Tensor v = startVector(start, dimension, generator);
    if (!start.defined())
        return v;
    const at::Tensor mixed = v + kWarmStartMix * detail::randomUnitVector(dimension, generator);
    return mixed / mixed.norm();
}

void validate(const SymmetricOperator& op, int64_t k)
{
    detail::validateOperator(op);
    if (k < 1 || k > op.dimension)
        throw std::invalid_argument("asked for " + std::to_string(k) + " eigenpairs of a "
                                    + std::to_string(op.dimension) + "-dimensional operator");
}

// The wanted Ritz pairs of the process's current T (eigen-decomposed as values, vectors), each with
// its true residual |A y - theta y|: A y is the same combination of the kept products A q_j as y
// is of the q_j, so no product is needed (the standard bound |beta_m s_m| equals it only in exact
// arithmetic).
// With `trueQuotient`, each value is y^T A y from those same products rather than theta (they
// agree only in exact arithmetic), for a proof that needs the quotient itself.
std::vector<EigenPair> ritzPairs(const detail::LanczosProcess& process, const at::Tensor& values,
                                 const at::Tensor& vectors, const std::vector<int64_t>& wanted, at::ScalarType dtype,
                                 bool trueQuotient = false)
{
    std::vector<EigenPair> pairs;
    for (int64_t i : wanted) {
        const at::Tensor s = vectors.select(1, i);
        at::Tensor y = process.combineBasis(s);
        const double norm = y.norm().item<double>();
        y /= norm;
        const at::Tensor image = process.combineImages(s) / norm;
        const double value = trueQuotient ? y.dot(image).item<double>() : values[i].item<double>();
        const double residual = (image - value * y).norm().item<double>();
        pairs.push_back({value, y.to(dtype), residual});
    }
    return pairs;
}

bool allConverged(const std::vector<EigenPair>& pairs, size_t k, double tolerance)
{
    if (pairs.size() < k)
        return false;
    return std::all_of(pairs.begin(), pairs.end(), [&](const EigenPair& pair) {
        return pair.residual <= tolerance * std::abs(pair.value);   // false for NaN
    });
}

}   // namespace

EigenResult lanczos(const SymmetricOperator& op, const LanczosOptions& options, const CancelToken* cancel,
                    const ProgressSink& progress)
{
    validate(op, options.k);
    const ProgressClock clock("step");
    at::Generator generator = detail::makeGenerator(options.seed);
    // At least k steps: fewer cannot produce k Ritz pairs.
    const int64_t capacity = std::min(op.dimension, std::max(options.maxSteps, options.k));
    const at::Tensor start = options.mixStart ? mixedWarmStart(options.start, op.dimension, generator)
                                              : startVector(options.start, op.dimension, generator);
    detail::LanczosProcess process(op, start, capacity, /*keepImages=*/true);

    EigenResult result;
    at::Tensor values;
    at::Tensor vectors;   // eigenvectors of T, columns
    while (process.steps() < capacity) {
        if (!process.step(cancel)) {
            result.status = RunStatus::Cancelled;
            break;
        }
        std::tie(values, vectors) = at::linalg_eigh(process.tridiagonal());
        const int64_t m = process.steps();
        const std::vector<int64_t> wanted = wantedIndices(m, options.k, options.which);
        if (progress)
            progress(clock.at(m, capacity, values[wanted.front()].item<double>()));
        if (options.which == Spectrum::Largest && values[wanted.front()].item<double>() > options.stopAbove) {
            // Theta is the Rayleigh quotient only in exact arithmetic: the proof takes the true one.
            std::vector<EigenPair> top = ritzPairs(process, values, vectors, {wanted.front()}, op.dtype,
                                                   /*trueQuotient=*/true);
            if (top.front().value > options.stopAbove) {
                result.pairs = std::move(top);
                break;
            }
        }
        // The standard bound |A y_i - theta_i y_i| = |beta_m s_{m,i}| (exact arithmetic) first, as
        // a cheap filter; then the true residuals decide.
        bool boundsMet = m >= options.k;
        for (int64_t i : wanted) {
            const double bound = std::abs(process.lastBeta() * vectors[m - 1][i].item<double>());
            boundsMet = boundsMet && bound <= options.tolerance * std::abs(values[i].item<double>());
        }
        if (boundsMet) {
            result.pairs = ritzPairs(process, values, vectors, wanted, op.dtype);
            if (allConverged(result.pairs, static_cast<size_t>(options.k), options.tolerance))
                break;
            result.pairs.clear();
        }
        // Invariant subspace with fewer than the wanted pairs converged: continue from a fresh
        // random direction orthogonal to it (a new decoupled block of T).
        if (process.brokeDown() && !process.restart(detail::randomUnitVector(op.dimension, generator)))
            break;
    }
    result.products = process.products();
    if (process.steps() == 0)
        return result;
    if (result.pairs.empty())
        result.pairs = ritzPairs(process, values, vectors, wantedIndices(process.steps(), options.k, options.which),
                                 op.dtype);
    result.converged = allConverged(result.pairs, static_cast<size_t>(options.k), options.tolerance);
    return result;
}

EigenResult powerIteration(const SymmetricOperator& op, const PowerIterationOptions& options, const CancelToken* cancel,
                           const ProgressSink& progress)
{
    validate(op, 1);
    if (options.maxSteps < 1)
        throw std::invalid_argument("power iteration needs at least one step");
    const ProgressClock clock("step");
    at::Generator generator = detail::makeGenerator(options.seed);

    std::vector<at::Tensor> deflate;
    for (const at::Tensor& d : options.deflate) {
        if (d.numel() != op.dimension)
            throw std::invalid_argument("deflation vector of the wrong size");
        deflate.push_back(d.reshape({op.dimension}).to(at::kDouble));
    }
    // Keeps x in the complement of the deflated directions (they are assumed unit norm).
    const auto project = [&deflate](at::Tensor& x) {
        for (const at::Tensor& d : deflate)
            x.sub_(d, d.dot(x).item<double>());
    };
    const auto normalized = [](const at::Tensor& x) { return x / x.norm(); };

    at::Tensor x = startVector(options.start, op.dimension, generator);
    project(x);
    if (!(x.norm().item<double>() > 1e-12)) {   // start inside the deflated span
        x = detail::randomUnitVector(op.dimension, generator);
        project(x);
    }
    x = normalized(x);

    EigenResult result;
    double previous = kNaN;
    double estimate = kNaN;
    int64_t steps = 0;
    for (int64_t step = 1; step <= options.maxSteps; ++step) {
        if (cancel && cancel->isCancelled()) {
            result.status = RunStatus::Cancelled;
            break;
        }
        at::Tensor y = detail::applyAs(op, x, at::kDouble);
        if (!y.defined()) {
            result.status = RunStatus::Cancelled;
            break;
        }
        ++result.products;
        steps = step;
        estimate = x.dot(y).item<double>();   // Rayleigh quotient of the unit x
        if (progress)
            progress(clock.at(step, options.maxSteps, estimate));
        project(y);
        const double norm = y.norm().item<double>();
        if (!(norm > 0.0))   // x is in the null space: it is an eigenvector with eigenvalue 0
            break;
        x = y / norm;
        if (step > 1 && std::abs(estimate - previous) / (std::abs(previous) + 1e-12) < options.tolerance)
            break;
        previous = estimate;
    }
    if (result.products == 0)
        return result;
    EigenPair pair{estimate, x.to(op.dtype), kNaN};
    if (result.status == RunStatus::Finished) {
        // One more product certifies the returned vector: its Rayleigh quotient (at least as
        // good as the last estimate) and its true residual.
        if (cancel && cancel->isCancelled()) {
            result.status = RunStatus::Cancelled;
        } else {
            const at::Tensor v = pair.vector.to(at::kDouble);
            const at::Tensor av = detail::applyAs(op, v, at::kDouble);
            if (!av.defined()) {
                result.status = RunStatus::Cancelled;
                result.pairs.push_back(pair);
                return result;
            }
            ++result.products;
            pair.value = v.dot(av).item<double>() / v.dot(v).item<double>();
            pair.residual = (av - pair.value * v).norm().item<double>();
            if (progress)
                progress(clock.at(steps, options.maxSteps, pair.value));
        }
    }
    result.pairs.push_back(pair);
    result.converged = allConverged(result.pairs, 1, options.tolerance);
    return result;
}

}   // namespace minimascope::core
