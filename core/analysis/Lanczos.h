#pragma once
// Extreme eigenpairs of a symmetric operator by the Lanczos method with full
// reorthogonalization (in double precision internally, whatever the operator's dtype), and the
// textbook power iteration. Each eigenpair carries its residual |A v - lambda v| and the solve the
// number of products it cost. Lanczos keeps its products A q_j, so a Ritz vector's residual costs
// no product of its own (A y is the same combination of them); power iteration measures it with
// one more product.
// Cancel: checked before every product; a cancelled solve returns status Cancelled with the
// best estimates so far (possibly none), their residuals measured. Progress: one report a product, "step" of the
// step cap, with the first wanted Ritz value (power iteration: the Rayleigh quotient) as estimate. Thread-safety: a
// solve uses only its arguments; run one solve per operator at a time (operators are not thread-safe).
#include "analysis/SymmetricOperator.h"
#include "common/Progress.h"
#include "common/RunStatus.h"

#include <limits>
#include <vector>

namespace minimascope::core {

struct EigenPair {
    double value = 0.0;
    at::Tensor vector;       // unit norm, operator dtype
    double residual = 0.0;   // |A v - value v|
};

struct EigenResult {
    RunStatus status = RunStatus::Finished;
    std::vector<EigenPair> pairs;   // ordered as requested (largest first, or smallest first)
    int64_t products = 0;
    bool converged = false;   // every pair met the tolerance
};

enum class Spectrum { Largest, Smallest };   // algebraic order

struct LanczosOptions {
    int64_t k = 1;
    Spectrum which = Spectrum::Largest;
    double tolerance = 1e-3;   // stop when residual <= tolerance * |lambda| for all k pairs
    int64_t maxSteps = 200;    // Krylov dimension cap (memory: maxSteps vectors and their products)
    uint64_t seed = 0;         // random start when no start vector
    at::Tensor start;          // optional warm start (e.g. the previous top eigenvector); a
                               // random 10% is mixed in so that a crossing eigenvalue is not missed
    bool mixStart = true;      // false: start exactly from `start`, for a start chosen to avoid
                               // a subspace (LinearStability's second search)
    // Largest only: stop as soon as the top Ritz vector's Rayleigh quotient (computed from the kept
    // products, in double) exceeds this. The quotient is a lower bound of lambda_max, so the stop
    // proves lambda_max > stopAbove; the pair returned is that vector, converged or not.
    double stopAbove = std::numeric_limits<double>::infinity();
};

EigenResult lanczos(const SymmetricOperator& op, const LanczosOptions& options, const CancelToken* cancel = nullptr,
                    const ProgressSink& progress = {});

struct PowerIterationOptions {
    double tolerance = 1e-3;   // relative change of the estimate between steps
    int64_t maxSteps = 100;
    uint64_t seed = 0;
    at::Tensor start;
    // Eigenvectors to project out (deflation), e.g. to get the 2nd after the 1st.
    std::vector<at::Tensor> deflate;
};

// Largest-magnitude eigenpair by power iteration (PyHessian's stopping rule: relative change
// below tolerance), with its residual reported so that an uncertified stop is visible.
EigenResult powerIteration(const SymmetricOperator& op, const PowerIterationOptions& options,
                           const CancelToken* cancel = nullptr, const ProgressSink& progress = {});

}   // namespace minimascope::core
