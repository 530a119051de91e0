#include "analysis/LinearStability.h"

#include <ATen/ATen.h>

#include <cmath>
#include <stdexcept>

namespace minimascope::core {

namespace {

void checkArguments(double eta, int64_t batchSize, int64_t n)
{
    if (!(eta > 0) || n < 2 || batchSize < 1 || batchSize > n)
        throw std::invalid_argument("stability needs eta > 0, n >= 2 and 1 <= B <= n");
}

} // namespace

double sharpnessBound(double eta)
{
    if (!(eta > 0))
        throw std::invalid_argument("the sharpness bound needs eta > 0");
    return 2.0 / eta;
}

double nonUniformityBound(double eta, int64_t batchSize, int64_t n)
{
    checkArguments(eta, batchSize, n);
    if (batchSize == n)
        return std::numeric_limits<double>::infinity();
    const auto b = static_cast<double>(batchSize);
    const auto m = static_cast<double>(n);
    return std::sqrt(b * (m - 1) / (m - b)) / eta;
}

SymmetricOperator stabilityOperator(const SymmetricOperator& hessian, const SymmetricOperator& covariance,
                                    double eta, int64_t batchSize, int64_t n)
{
    checkArguments(eta, batchSize, n);
    const double noise = eta * eta * static_cast<double>(n - batchSize) /
                         (static_cast<double>(batchSize) * static_cast<double>(n - 1));
    SymmetricOperator op;
    op.dimension = hessian.dimension;
    op.dtype = hessian.dtype;
    op.apply = [hessian, covariance, eta, noise](const at::Tensor& v) -> at::Tensor {
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
            const at::Tensor sv = covariance.apply(v);
            if (!sv.defined())
                return {};
            result += noise * sv;
        }
        return result;
    };
    return op;
}

StabilityVerdict testLinearStability(const SymmetricOperator& hessian, const SymmetricOperator& covariance,
                                     double eta, int64_t batchSize, int64_t n, const LanczosOptions& options,
                                     const CancelToken* cancel)
{
    StabilityVerdict verdict;
    verdict.sharpnessBound = sharpnessBound(eta);
    verdict.nonUniformityBound = nonUniformityBound(eta, batchSize, n);
    LanczosOptions largest = options;
    largest.k = 1;
    largest.which = Spectrum::Largest;
    const EigenResult result = lanczos(stabilityOperator(hessian, covariance, eta, batchSize, n), largest, cancel);
    verdict.status = result.status;
    verdict.products = result.products;
    if (!result.pairs.empty()) {
        verdict.lambdaMax = result.pairs.front().value;
        verdict.residual = result.pairs.front().residual;
        // Directions flat for both H and Sigma give exactly 1 (marginal stability); allow the
        // solver's own relative accuracy so that rounding does not decide the verdict.
        verdict.certified = result.converged;
        verdict.tolerance = options.tolerance;
        verdict.stable = verdict.certified && verdict.lambdaMax <= 1.0 + options.tolerance;
    }
    return verdict;
}

} // namespace minimascope::core
