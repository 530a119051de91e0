#pragma once
// Fast exact curvature products for every network that describes itself as a LayerGraph (the
// MLPs, LeNet-5, the VGG- and ResNet-style CNNs, with or without BatchNorm, which counts with its
// running statistics) on a classification or regression task. Instead of autograd's double
// backward it runs Pearlmutter's R-operator written out layer by layer (analysis/ROperatorPasses,
// docs/science.md, "The escape toy"):
//   - the forward values and back-propagated errors depend on the parameters only: they are
//     computed once and reused by every product until the parameters (or BatchNorm's running
//     statistics) change, which the tensors' version counters tell;
//   - H v is one tangent pass: tangent forward, tangent backward, the gradient's tangent;
//   - Sigma v = (1/n) sum_i H_i (u_i - w) with u_i = H_i v and w = H v: a first tangent pass keeps
//     every example's u_i per layer (rank-2 factors for a linear layer, a kernel-sized matrix for a
//     convolution) and gives w as their mean; a second pass runs with per-example directions.
//     So one Sigma product costs about two H products instead of 2n single-example ones, and
//     an H product of the same v right after it (unchanged v and parameters) costs nothing.
// Exact over all n examples, in chunks. `cacheBytes` bounds what is kept between products (the
// primal passes first, then the first pass's per-example directions); beyond it, passes are
// recomputed. Products run on the calling thread; not thread-safe. Cancel: checked before every
// layer of every chunk; a cancelled product returns an undefined tensor.
#include "analysis/SymmetricOperator.h"
#include "data/Dataset.h"

#include <memory>

namespace minimascope::core {

class FlatParameters;
class Network;

class ROperatorCurvature {
public:
    static bool supports(const Network& network, Task task);

    // Throws std::invalid_argument when the network has no layer graph or the graph does not
    // cover exactly the parameters in `parameters`.
    ROperatorCurvature(Network& network, FlatParameters& parameters, const Dataset& data,
                       const CancelToken* cancel = nullptr, int64_t chunk = 1000,
                       int64_t cacheBytes = int64_t{1536} << 20);
    ~ROperatorCurvature();

    SymmetricOperator hessian();
    SymmetricOperator covariance();

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}   // namespace minimascope::core
