#pragma once
// Exact Sigma products for LeNet-5 (models/LeNet5) by "expanded weights": within a chunk every
// example gets its own copy of the weights (grouped convolutions, batched matmuls), so the Hessian
// with respect to the copies is block-diagonal with blocks H_i, and one double backward with
// per-example directions returns every H_i u_i (SCIENCE.md section 1). Per chunk: a forward, a
// create_graph backward and two double backwards (u_i = H_i v, then sum_i H_i u_i); then
//     Sigma v = (1/n) sum_i H_i u_i - H (H v),   H v = mean_i u_i,
// with one ordinary H product. For LeNet-5 this measured 1.8-2x faster than the per-example loop
// it replaces (docs/benchmarks.md; for the MLP the factored path wins instead).
// Eval-mode semantics (no BatchNorm in LeNet-5), classification only. Same threading and cancel
// rules as LossCurvature (cancel checked per chunk).
#include "analysis/SymmetricOperator.h"
#include "data/Dataset.h"

namespace minimascope::core {

class FlatParameters;
class LeNet5;

class LeNetCurvature {
public:
    static bool supports(Task task) { return task == Task::Classification; }

    // hessian: the H product of the same network and data (for the H (H v) term).
    LeNetCurvature(LeNet5& network, FlatParameters& parameters, const Dataset& data, SymmetricOperator hessian,
                   const CancelToken* cancel = nullptr, int64_t chunk = 16);

    SymmetricOperator covariance();

private:
    at::Tensor apply(const at::Tensor& v);

    LeNet5& m_network;
    FlatParameters& m_parameters;
    const Dataset& m_data;
    SymmetricOperator m_hessian;
    const CancelToken* m_cancel;
    int64_t m_chunk;
};

} // namespace minimascope::core
