#pragma once
// Curvature of a network's training objective f(theta) = (1/n) sum_i f_i(theta) over a data
// set, as matrix-free products on the flat parameter vector:
//   hessian():    v -> H v, exact over all n examples (Pearlmutter's double backward), in
//                 chunks of `chunk` examples so memory stays bounded;
//   covariance(): v -> Sigma v, Sigma = (1/n) sum_i H_i^2 - H^2 (Wu, Ma & E), by the naive
//                 per-example loop: 2n single-example products plus two full ones. It is the
//                 general fallback (any model) and the reference the fast paths are tested against.
// The network is evaluated in eval mode (BatchNorm with its running statistics), so that each
// f_i depends on example i alone. Products run on the calling thread; not thread-safe.
// Cancel: products check the token per chunk (per example in the loop) and then return an
// undefined tensor; callers (the solvers) treat that as cancelled.
#include "analysis/ChunkedObjective.h"
#include "analysis/SymmetricOperator.h"
#include "data/Dataset.h"

namespace minimascope::core {

class AutogradCurvature {
public:
    AutogradCurvature(Network& network, FlatParameters& parameters, const Dataset& data,
                      const CancelToken* cancel = nullptr, int64_t chunk = 1000);

    SymmetricOperator hessian();
    SymmetricOperator covariance();

    // Exact full-data loss and gradient (flat), for ascent steps and gradient directions;
    // an undefined gradient when cancelled midway.
    struct LossAndGradient {
        double loss = 0.0;
        at::Tensor gradient;
    };
    LossAndGradient lossAndGradient();
    // H_i v for the single example i (the building block of the naive Sigma product).
    at::Tensor exampleHessianProduct(int64_t i, const at::Tensor& v);

    int64_t productsComputed() const { return m_products; }   // full-data H-products so far

private:
    // sum over the given examples of H_i v, divided by `scale`.
    at::Tensor hessianProductOver(const at::Tensor& inputs, const at::Tensor& targets, const at::Tensor& v,
                                  double scale);

    ChunkedObjective m_objective;
    int64_t m_products = 0;
};

}   // namespace minimascope::core
