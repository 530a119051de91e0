#pragma once
// The top Hessian eigenvectors as landscape directions ("top-eigenvector slices"): the k
// largest eigenpairs of H = (1/n) sum_i H_i over `data` by Lanczos on the curvature engine's
// fastest exact H product. Eigenvectors are unit norm (parameter units), largest first.
// Not thread-safe (uses the network); the parameters are unchanged on return.
// Cancel: checked before every H product; returns status Cancelled with what was found.
#include "analysis/Lanczos.h"

namespace minimascope::core {

class FlatParameters;
class Network;
struct Dataset;

struct EigenDirectionOptions {
    int64_t k = 2;
    double tolerance = 1e-3;   // residual |H v - lambda v| <= tolerance |lambda|
    int64_t maxSteps = 200;
    uint64_t seed = 0;
};

EigenResult hessianEigenDirections(Network& network, FlatParameters& parameters, const Dataset& data,
                                   const EigenDirectionOptions& options, const CancelToken* cancel = nullptr);

}   // namespace minimascope::core
