#pragma once
// Fast exact curvature products for MLPs without BatchNorm (ReLU, tanh or GELU; cross-entropy
// or squared loss), from the network's own activations and errors instead of per-example
// double backwards (SCIENCE.md section 1):
//   - Pearlmutter's R-operator, hand-written and batched over the examples, gives for each
//     layer and example the factors of H_i v = dot(delta)_i a_i^T + delta_i dot(a)_i^T (rank 2);
//   - H v is their mean: two matmuls a layer (one tangent pass, no double backward);
//   - Sigma v = (1/n) grad_theta sum_i <grad f_i(theta), H_i v - H v>: the inner products are
//     cheap batched expressions of delta_i(theta) and a_i(theta), differentiated by one double
//     backward. So one Sigma product costs about two H products, not 2n single-example ones.
// Exact (no sampling), chunked over examples; the factors of a pass are cached between the
// two passes of a Sigma product when they fit in `cacheBytes`, otherwise recomputed.
// Same threading and cancel rules as LossCurvature.
#include "analysis/SymmetricOperator.h"
#include "data/Dataset.h"

#include <memory>

namespace minimascope::core {

class FlatParameters;
class Mlp;

class MlpCurvature {
public:
    // True when the fast path applies (no BatchNorm, classification or regression task).
    static bool supports(const Mlp& mlp, Task task);

    MlpCurvature(Mlp& mlp, FlatParameters& parameters, const Dataset& data,
                 const CancelToken* cancel = nullptr, int64_t chunk = 1000,
                 int64_t cacheBytes = int64_t{1} << 30);
    ~MlpCurvature();

    SymmetricOperator hessian();
    SymmetricOperator covariance();

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace minimascope::core
