#pragma once
// The linear stability of SGD at a minimum (Wu, Ma & E 2018, their Theorem): with learning
// rate eta and batches of B out of n examples (a fresh uniform B-subset each step), a global
// minimum is linearly stable iff
//     lambda_max{ (I - eta H)^2 + eta^2 (n - B) / (B (n - 1)) Sigma } <= 1,
// which implies the two bounds drawn on the sharpness / non-uniformity diagram:
//     a = lambda_max(H) <= 2 / eta   and   s = sqrt(lambda_max(Sigma)) <= sqrt(B (n-1) / (n-B)) / eta.
#include "analysis/Lanczos.h"

#include <limits>

namespace minimascope::core {

double sharpnessBound(double eta);
// +infinity for B = n (GD has no non-uniformity bound). Throws std::invalid_argument unless
// 1 <= B <= n, n >= 2 and eta > 0.
double nonUniformityBound(double eta, int64_t batchSize, int64_t n);

// The operator of the Theorem built from H and Sigma products.
SymmetricOperator stabilityOperator(const SymmetricOperator& hessian, const SymmetricOperator& covariance,
                                    double eta, int64_t batchSize, int64_t n);

struct StabilityVerdict {
    RunStatus status = RunStatus::Finished;
    double lambdaMax = std::numeric_limits<double>::quiet_NaN();
    double residual = 0.0;
    int64_t products = 0;       // products of the Theorem's operator (each 2 H + 1 Sigma products; 2 H for B = n)
    // lambdaMax is a Ritz value, a lower bound of the true one: above 1 it proves instability;
    // at or below 1 it proves stability only once certified (residual within the tolerance).
    bool certified = false;
    double tolerance = 0.0;     // the solver's relative tolerance, also the margin above 1 still called stable
    bool stable = false;        // certified and lambdaMax <= 1 + tolerance (flat directions give exactly 1)
    // "stable", "unstable" or "undetermined" (an uncertified value at or below 1).
    const char* verdict() const
    {
        return lambdaMax > 1.0 + tolerance ? "unstable" : stable ? "stable" : "undetermined";
    }
    double sharpnessBound = 0.0;
    double nonUniformityBound = 0.0;
};

StabilityVerdict testLinearStability(const SymmetricOperator& hessian, const SymmetricOperator& covariance,
                                     double eta, int64_t batchSize, int64_t n, const LanczosOptions& options,
                                     const CancelToken* cancel = nullptr);

} // namespace minimascope::core
