#pragma once
// Internal to the analysis library (shared by Lanczos.cpp and SpectralDensity.cpp): the bare
// Lanczos three-term recurrence with full reorthogonalization, one operator product per step.
// The vectors are kept in the operator's dtype, one tensor each (not one growing matrix: a block
// above glibc's 32 MB mmap threshold faults its pages in again at every solve, which measured
// ~100 ms a solve on the canonical MLP); alpha, beta and T are double. Callers decide when to stop
// and what to do on breakdown.
#include "analysis/SymmetricOperator.h"

#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

namespace minimascope::core {

class CancelToken;

namespace detail {

// Seeded CPU generator for start vectors and probes.
at::Generator makeGenerator(uint64_t seed);
// Unit-norm Gaussian vector (double).
at::Tensor randomUnitVector(int64_t dimension, at::Generator& generator);
// +-1 entries with equal probability (double).
at::Tensor rademacherVector(int64_t dimension, at::Generator& generator);
// Throws std::invalid_argument for an operator without a product, of dimension < 1 or of a
// dtype other than float32/float64.
void validateOperator(const SymmetricOperator& op);
// A v: calls op.apply with v in the operator's dtype and returns the product as a 1-D tensor of
// `dtype`; undefined when the operator stopped for a cancel request midway (callers report
// Cancelled). Throws std::runtime_error when the product has the wrong size.
at::Tensor applyAs(const SymmetricOperator& op, const at::Tensor& v, at::ScalarType dtype);

class LanczosProcess {
public:
    // start: unit-norm vector of op.dimension elements (any float dtype); capacity: most steps kept.
    // keepImages: also keep every product A q_j (in the operator dtype), so that a Ritz vector's
    // image, and so its residual, is a combination of them instead of one more product.
    LanczosProcess(const SymmetricOperator& op, const at::Tensor& start, int64_t capacity, bool keepImages = false);

    // One product: extends the basis by one vector and T by alpha_j, beta_j. Returns false
    // (no product made) when cancel is requested or the capacity is reached.
    bool step(const CancelToken* cancel);

    // True when the last step's beta was negligible: span(Q) is an invariant subspace and
    // the recurrence cannot continue from its own residual (beta_j has been set to 0).
    bool brokeDown() const { return m_brokeDown; }
    // After a breakdown: continue from `vector` orthogonalized against the basis (it
    // starts a new block of T, decoupled by the zero beta). Returns false if `vector` lies
    // in span(Q) numerically.
    bool restart(const at::Tensor& vector);

    int64_t steps() const { return static_cast<int64_t>(m_alpha.size()); }
    int64_t products() const { return m_products; }
    int64_t capacity() const { return m_capacity; }
    // beta_{m-1}, the coupling of the last basis vector to the next: |beta * s_{m,i}| bounds
    // the residual of Ritz pair i.
    double lastBeta() const { return m_beta.empty() ? 0.0 : m_beta.back(); }
    // The steps x steps symmetric tridiagonal matrix (double).
    at::Tensor tridiagonal() const;
    // sum_j coefficients[j] q_j over the basis vectors, and sum_j coefficients[j] A q_j over the
    // kept products (keepImages), in double; coefficients: steps() values (double).
    at::Tensor combineBasis(const at::Tensor& coefficients) const;
    at::Tensor combineImages(const at::Tensor& coefficients) const;
    // The basis vectors q_1 .. q_steps (operator dtype), orthonormal to rounding.
    const std::vector<at::Tensor>& basis() const { return m_basis; }

private:
    void orthogonalizeAgainstBasis(at::Tensor& w) const;

    const SymmetricOperator& m_op;
    int64_t m_capacity = 0;
    bool m_keepImages = false;
    std::vector<at::Tensor> m_basis;    // q_j, operator dtype
    std::vector<at::Tensor> m_images;   // A q_j (keepImages)
    at::Tensor m_next;                  // next basis vector (unit), undefined after breakdown
    std::vector<double> m_alpha;
    std::vector<double> m_beta;    // m_beta[j] couples q_j and q_{j+1}
    double m_normEstimate = 0.0;   // max |alpha|, |beta| seen: scale of T for the breakdown test
    int64_t m_products = 0;
    bool m_brokeDown = false;
};

}   // namespace detail
}   // namespace minimascope::core
