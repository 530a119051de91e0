#pragma once
// The second moment of the per-example gradients g_i = grad f_i(theta) over a data set, as a
// matrix-free product on the flat parameter vector (Ghorbani, Krishnan & Xiao 2019 call it the
// gradient covariance):
//   secondMoment(): v -> M v,  M = (1/n) sum_i g_i g_i^T          (their Sigma(t))
//   covariance():   v -> C v,  C = M - g g^T, g = (1/n) sum_i g_i (the centered covariance, the
//                                              covariance of one example's gradient noise)
// Not to be confused with the Sigma of CurvatureOperators, (1/n) sum_i H_i^2 - H^2, the
// non-uniformity of the per-example Hessians (Wu, Ma & E): a different matrix.
// One product is, per chunk of examples, one forward pass and three backward passes (J v by the
// double-backward trick on the per-example losses, then J^T (J v)); exact, no sampling.
// The network is evaluated in eval mode (BatchNorm with its running statistics), restored after.
// Products run on the calling thread; not thread-safe. Cancel: checked per chunk; a cancelled
// product returns an undefined tensor (the solvers treat that as cancelled), a cancelled
// construction leaves gradient() undefined.
#include "analysis/ChunkedObjective.h"
#include "analysis/SymmetricOperator.h"
#include "data/Dataset.h"

namespace minimascope::core {

// Per-example losses f_i (an [n] tensor) whose mean is objectiveLoss(task, output, targets).
at::Tensor perExampleLoss(Task task, const at::Tensor& output, const at::Tensor& targets);

class GradientCovariance {
public:
    // Computes the full-data loss and mean gradient g at once (one pass over the data).
    GradientCovariance(Network& network, FlatParameters& parameters, const Dataset& data,
                       const CancelToken* cancel = nullptr, int64_t chunk = 256);

    SymmetricOperator secondMoment();
    SymmetricOperator covariance();

    // The full-data gradient g (flat, parameter dtype) and loss at the parameters.
    const at::Tensor& gradient() const { return m_gradient; }
    double loss() const { return m_loss; }
    int64_t productsComputed() const { return m_products; }

private:
    at::Tensor secondMomentProduct(const at::Tensor& v);

    ChunkedObjective m_objective;
    at::Tensor m_gradient;
    double m_loss = 0.0;
    int64_t m_products = 0;
};

}   // namespace minimascope::core
