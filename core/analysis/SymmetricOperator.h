#pragma once
// A symmetric linear map given only by its product v -> A v (a Hessian, the covariance Sigma of
// per-example Hessians, a stability matrix), as the eigen-solvers see it. The solvers count
// products and check the cancel token between products.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
#include <string>

namespace minimascope::core {

class CancelToken;

struct SymmetricOperator {
    int64_t dimension = 0;
    at::ScalarType dtype = at::kFloat;
    // Returns A v for a 1-D tensor v of `dimension` elements (same dtype); must not modify v.
    // Returns an undefined tensor when it stopped midway for a cancel request.
    std::function<at::Tensor(const at::Tensor&)> apply;
};

}   // namespace minimascope::core
