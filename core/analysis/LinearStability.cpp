#include "analysis/LinearStability.h"

#include "analysis/LanczosProcess.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <stdexcept>

namespace minimascope::core {

BatchDraw batchDrawOf(const OptimizerSpec& optimizer)
{
    return !optimizer.fullBatch() && optimizer.sampling == Sampling::Replacement ? BatchDraw::WithReplacement
                                                                                 : BatchDraw::WithoutReplacement;
}

namespace {

// The Theorem's operator; with a memory, every product with Sigma in it is kept there, with H v
// and H^2 v = (H v - H u) / eta, which the product computes anyway.
SymmetricOperator makeStabilityOperator(const SymmetricOperator& hessian, const SymmetricOperator& covariance,
                                        double eta, double noise, StabilityTestMemory* memory)
{
    if (!(eta > 0))
        throw std::invalid_argument("the stability operator needs eta > 0");
    SymmetricOperator op;
    op.dimension = hessian.dimension;
    op.dtype = hessian.dtype;
    op.apply = [hessian, covariance, eta, noise, memory](const at::Tensor& v) -> at::Tensor {
        // Sigma v first: the R-operator's Sigma product computes H v on its way and hands it to
        // the H product of the same v that follows (ROperatorCurvature.h).
        at::Tensor sv;
        if (noise > 0) {
            sv = covariance.apply(v);
            if (!sv.defined())
                return {};
        }
        // (I - eta H)^2 v = u - eta H u with u = v - eta H v.
        const at::Tensor hv = hessian.apply(v);
        if (!hv.defined())
            return {};
        const at::Tensor u = v - eta * hv;
        const at::Tensor hu = hessian.apply(u);
        if (!hu.defined())
            return {};
        at::Tensor result = u - eta * hu;
        if (noise > 0) {
            result += noise * sv;
            if (memory)
                memory->remember(v, hv, (hv - hu) / eta, sv);
        }
        return result;
    };
    return op;
}

}   // namespace

SymmetricOperator stabilityOperator(const SymmetricOperator& hessian, const SymmetricOperator& covariance, double eta,
                                    int64_t batchSize, int64_t n, BatchDraw draw)
{
    return makeStabilityOperator(hessian, covariance, eta, eta * eta * noiseFactor(batchSize, n, draw), nullptr);
}

// The kept vectors and products are rows of four (capacity x dimension) buffers, filled in turn
// and then overwritten oldest first; the Gram matrices of the Rayleigh-Ritz problem are updated
// one row at a time, so a test never multiplies the whole buffers by each other.
struct StabilityTestMemory::Impl {
    int64_t capacity = 0;
    int64_t maxBytes = 0;
    int64_t rows = 0;            // filled rows: 0 .. rows-1
    int64_t next = 0;            // the row the next vector goes to
    at::Tensor v, hv, h2v, sv;   // (capacity, dimension), operator dtype
    // In double, (capacity, capacity): V^T V, V^T H V, (HV)^T (HV), V^T Sigma V.
    at::Tensor gram, gramH, gramH2, gramSigma;
};

StabilityTestMemory::StabilityTestMemory(int64_t capacity, int64_t maxBytes) : m_impl(std::make_unique<Impl>())
{
    m_impl->capacity = capacity;
    m_impl->maxBytes = maxBytes;
}

StabilityTestMemory::~StabilityTestMemory() = default;

int64_t StabilityTestMemory::size() const { return m_impl->rows; }

void StabilityTestMemory::remember(const at::Tensor& v, const at::Tensor& hv, const at::Tensor& h2v,
                                   const at::Tensor& sv)
{
    Impl& d = *m_impl;
    const int64_t dimension = v.numel();
    if (!d.v.defined() || d.v.size(1) != dimension || d.v.scalar_type() != v.scalar_type()) {
        const int64_t rowBytes = 4 * dimension * int64_t(v.element_size());
        const int64_t capacity = std::min(d.capacity, d.maxBytes / std::max<int64_t>(rowBytes, 1));
        if (capacity < 2)
            return;   // too large to keep two vectors: tests run as without a memory
        const auto options = v.options();
        d.v = at::empty({capacity, dimension}, options);
        d.hv = at::empty({capacity, dimension}, options);
        d.h2v = at::empty({capacity, dimension}, options);
        d.sv = at::empty({capacity, dimension}, options);
        const auto square = at::TensorOptions().dtype(at::kDouble);
        d.gram = at::zeros({capacity, capacity}, square);
        d.gramH = at::zeros({capacity, capacity}, square);
        d.gramH2 = at::zeros({capacity, capacity}, square);
        d.gramSigma = at::zeros({capacity, capacity}, square);
        d.rows = 0;
        d.next = 0;
    }
    const int64_t row = d.next;
    d.v[row].copy_(v);
    d.hv[row].copy_(hv);
    d.h2v[row].copy_(h2v);
    d.sv[row].copy_(sv);
    d.next = (row + 1) % d.v.size(0);
    d.rows = std::max(d.rows, row + 1);
    // The new row and column: products of the kept rows (the new one included) with v, H v and
    // Sigma v, symmetrized where H or Sigma sits between two different vectors.
    const at::Tensor columns = at::stack({v, hv, sv}, 1);                           // (dimension, 3)
    const at::Tensor withV = d.v.slice(0, 0, d.rows).mm(columns).to(at::kDouble);   // V^T [v, Hv, Sv]
    const at::Tensor withHv = d.hv.slice(0, 0, d.rows).mv(hv.view(-1)).to(at::kDouble);
    const at::Tensor hvWithV = d.hv.slice(0, 0, d.rows).mv(v.view(-1)).to(at::kDouble);
    const at::Tensor svWithV = d.sv.slice(0, 0, d.rows).mv(v.view(-1)).to(at::kDouble);
    const auto setRowAndColumn = [row](at::Tensor& gram, const at::Tensor& values) {
        gram.select(0, row).slice(0, 0, values.size(0)).copy_(values);
        gram.select(1, row).slice(0, 0, values.size(0)).copy_(values);
    };
    setRowAndColumn(d.gram, withV.select(1, 0));
    setRowAndColumn(d.gramH, 0.5 * (withV.select(1, 1) + hvWithV));
    setRowAndColumn(d.gramH2, withHv);
    setRowAndColumn(d.gramSigma, 0.5 * (withV.select(1, 2) + svWithV));
}

EigenPair StabilityTestMemory::bestPair(double eta, double noise) const
{
    const Impl& d = *m_impl;
    EigenPair best;
    if (d.rows == 0)
        return best;
    const int64_t m = d.rows;
    const auto block = [m](const at::Tensor& gram) { return gram.slice(0, 0, m).slice(1, 0, m); };
    const at::Tensor gram = block(d.gram);
    const at::Tensor projected = gram - 2 * eta * block(d.gramH) + eta * eta * block(d.gramH2)
                                 + noise * block(d.gramSigma);
    // The kept vectors come from several searches and are not orthogonal: solve M y = theta G y on
    // the part of the span G resolves (the products are float32, so directions G sees below 1e-6
    // of its largest eigenvalue are rounding).
    const auto [gramValues, gramVectors] = at::linalg_eigh(gram);
    const at::Tensor resolved = gramValues > 1e-6 * gramValues.max();
    const at::Tensor basis = gramVectors.index({at::indexing::Slice(), resolved}) / gramValues.index({resolved}).sqrt();
    if (basis.size(1) == 0)
        return best;
    const at::Tensor reduced = basis.t().mm(projected).mm(basis);
    const auto [values, vectors] = at::linalg_eigh(0.5 * (reduced + reduced.t()));
    const at::Tensor y = basis.mv(vectors.select(1, vectors.size(1) - 1)).to(d.v.scalar_type());
    const auto combine = [&](const at::Tensor& rows) { return rows.slice(0, 0, m).t().mv(y); };
    at::Tensor x = combine(d.v);
    at::Tensor ax = x - 2 * eta * combine(d.hv) + eta * eta * combine(d.h2v) + noise * combine(d.sv);
    const double norm = x.norm().item<double>();
    if (!(norm > 0))
        return best;
    // The Rayleigh quotient and residual in double: a float32 dot over the whole parameter vector
    // is off by about 1e-4 here, which is the size of the margins the verdict is about.
    const at::Tensor unit = x.to(at::kDouble) / norm;
    const at::Tensor image = ax.to(at::kDouble) / norm;
    best.value = unit.dot(image).item<double>();
    best.residual = (image - best.value * unit).norm().item<double>();
    best.vector = unit.to(x.scalar_type());
    return best;
}

at::Tensor StabilityTestMemory::image(const at::Tensor& v, double eta, double noise) const
{
    const Impl& d = *m_impl;
    if (d.rows == 0 || v.numel() != d.v.size(1) || v.scalar_type() != d.v.scalar_type())
        return {};
    const at::Tensor flat = v.reshape({-1});
    for (int64_t row = 0; row < d.rows; ++row) {
        if (at::equal(d.v[row], flat))
            return d.v[row] - 2 * eta * d.hv[row] + eta * eta * d.h2v[row] + noise * d.sv[row];
    }
    return {};
}

LanczosOptions stabilityTestOptions(double tolerance, int64_t maxSteps, uint64_t seed)
{
    LanczosOptions options;
    options.tolerance = tolerance;
    options.maxSteps = maxSteps;
    // measureCurvature's quantities each take their own offset of the seed; the test's is 3.
    options.seed = seed + 3;
    return options;
}

StabilityVerdict testLinearStability(const SymmetricOperator& hessian, const SymmetricOperator& covariance, double eta,
                                     int64_t batchSize, int64_t n, BatchDraw draw, const LanczosOptions& options,
                                     const CancelToken* cancel, StabilityTestMemory* memory)
{
    StabilityVerdict verdict;
    verdict.sharpnessBound = sharpnessBound(eta);
    verdict.nonUniformityBound = nonUniformityBound(eta, batchSize, n, draw);
    LanczosOptions largest = options;
    largest.k = 1;
    largest.which = Spectrum::Largest;
    if (memory)
        largest.stopAbove = 1.0 + options.tolerance;   // the what-if wants the verdict, not the digits
    const double noise = eta * eta * noiseFactor(batchSize, n, draw);
    const SymmetricOperator op = makeStabilityOperator(hessian, covariance, eta, noise, memory);
    EigenResult result;
    const EigenPair remembered = memory ? memory->bestPair(eta, noise) : EigenPair{};
    const bool rememberedConverged = remembered.residual <= options.tolerance * std::abs(remembered.value);
    if (remembered.vector.defined() && (rememberedConverged || remembered.value > largest.stopAbove)) {
        // The kept products already hold an eigenpair to the tolerance, or a proof of instability:
        // no first search.
        result.pairs.push_back(remembered);
        result.converged = rememberedConverged;
    } else {
        if (remembered.vector.defined())
            largest.start = remembered.vector;
        result = lanczos(op, largest, cancel);
    }
    int64_t products = result.products;
    // A certified value at or below 1 may be the flat directions' exact 1, met before a weakly
    // unstable direction showed (StabilityVerdict::certified). Search again from (A - I) v: the
    // flat directions are not in it, and every other direction is weighted by its distance from 1,
    // so neither the flat nor the barely curved ones can hide an eigenvalue above 1.
    if (result.status == RunStatus::Finished && result.converged && !result.pairs.empty()
        && result.pairs.front().value <= 1.0 + options.tolerance) {
        at::Generator generator = detail::makeGenerator(options.seed);
        const at::Tensor v = detail::randomUnitVector(op.dimension, generator).to(op.dtype);
        at::Tensor av = memory ? memory->image(v, eta, noise) : at::Tensor();
        if (!av.defined()) {
            av = op.apply(v);
            ++products;
        }
        if (!av.defined()) {
            result.status = RunStatus::Cancelled;
        } else {
            LanczosOptions moved = largest;
            moved.start = av - v;
            moved.mixStart = false;
            const EigenResult second = lanczos(op, moved, cancel);
            products += second.products;
            if (second.status != RunStatus::Finished)
                result.status = second.status;
            else if (!second.pairs.empty() && second.pairs.front().value > 1.0 + options.tolerance)
                result = second;   // a Ritz value above 1 proves instability, certified or not
        }
    }
    verdict.status = result.status;
    verdict.products = products;
    if (!result.pairs.empty()) {
        verdict.lambdaMax = result.pairs.front().value;
        verdict.residual = result.pairs.front().residual;
        verdict.vector = result.pairs.front().vector;
        // Directions flat for both H and Sigma give exactly 1 (marginal stability); allow the
        // solver's own relative accuracy so that rounding does not decide the verdict.
        verdict.certified = result.converged;
        verdict.tolerance = options.tolerance;
        verdict.stable = verdict.certified && verdict.lambdaMax <= 1.0 + options.tolerance;
    }
    return verdict;
}

}   // namespace minimascope::core
