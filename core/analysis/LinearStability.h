#pragma once
// The linear stability of SGD at a minimum (Wu, Ma & E 2018, their Theorem): with learning
// rate eta and batches of B out of n examples, a global minimum is linearly stable iff
//     lambda_max{ (I - eta H)^2 + eta^2 c Sigma } <= 1,
// c = (n - B) / (B (n - 1)) for a fresh uniform B-subset each step (their setting) and 1 / B for
// B indices drawn with replacement (StabilityBounds.h, which also has the two bounds it implies).
// Arguments out of range (eta <= 0, B outside [1, n]) throw std::invalid_argument.
#include "analysis/Lanczos.h"
#include "analysis/StabilityBounds.h"
#include "train/RunConfig.h"

#include <limits>
#include <memory>

namespace minimascope::core {

// How a run's optimizer draws its batches, as the bounds see it: with replacement for
// Sampling::Replacement; without for Subset, for Shuffle (bounded as subsets) and for the
// full-batch optimizers (B = n, whatever the config's sampling says).
BatchDraw batchDrawOf(const OptimizerSpec& optimizer);

// The operator of the Theorem built from H and Sigma products.
SymmetricOperator stabilityOperator(const SymmetricOperator& hessian, const SymmetricOperator& covariance, double eta,
                                    int64_t batchSize, int64_t n, BatchDraw draw = BatchDraw::WithoutReplacement);

struct StabilityVerdict {
    RunStatus status = RunStatus::Finished;
    double lambdaMax = std::numeric_limits<double>::quiet_NaN();
    double residual = 0.0;
    int64_t products =
        0;   // products of the Theorem's operator, both searches (each 2 H + 1 Sigma products; 2 H when c = 0)
    // lambdaMax is a Ritz value, a lower bound of the true one: above 1 it proves instability.
    // At or below 1, "certified" means that it is near an eigenvalue (small residual) and that a
    // second search, started away from the flat directions (eigenvalue exactly 1, where a random
    // start mostly lies and Lanczos can stop after one product), found nothing above 1 either
    // (docs/science.md, "How sure is the verdict").
    bool certified = false;
    double tolerance = 0.0;   // the solver's relative tolerance, also the margin above 1 still called stable
    bool stable = false;      // certified and lambdaMax <= 1 + tolerance (flat directions give exactly 1)
    // "stable", "unstable" or "undetermined" (an uncertified value at or below 1).
    const char* verdict() const
    {
        return lambdaMax > 1.0 + tolerance ? "unstable" : stable ? "stable" : "undetermined";
    }
    double sharpnessBound = 0.0;
    double nonUniformityBound = 0.0;
    // The Ritz vector of lambdaMax (unit norm, operator dtype; undefined when none): the warm
    // start of the next test at a nearby (eta, B), whose operator differs only by its weights.
    at::Tensor vector;
};

// The H, H^2 and Sigma products the stability tests at one set of parameters have computed. The
// Theorem's operator at any (eta, B) is a fixed combination of them, so its Rayleigh-Ritz pair on
// their span costs no product: a test handed this memory starts from that pair, and when the pair
// already shows instability to the tolerance (or sits at 1, leaving only the second search) the
// test spends no product on its first search. Keep one memory per set of parameters and data.
// Holds at most `capacity` vectors, each with its three products (the newest), within `maxBytes`.
class StabilityTestMemory {
public:
    explicit StabilityTestMemory(int64_t capacity = 24, int64_t maxBytes = int64_t(256) << 20);
    ~StabilityTestMemory();
    StabilityTestMemory(const StabilityTestMemory&) = delete;
    StabilityTestMemory& operator=(const StabilityTestMemory&) = delete;

    // Keeps v with H v, H^2 v and Sigma v (same dimension and dtype; another dimension or dtype
    // starts the memory afresh).
    void remember(const at::Tensor& v, const at::Tensor& hv, const at::Tensor& h2v, const at::Tensor& sv);
    int64_t size() const;

    // The largest Ritz pair of (I - eta H)^2 + noise Sigma on the span of the kept vectors, with
    // its residual computed from the kept products; an empty pair (undefined vector) when nothing
    // is kept. `noise` = eta^2 c (StabilityBounds.h, noiseFactor).
    EigenPair bestPair(double eta, double noise) const;
    // (I - eta H)^2 v + noise Sigma v from the kept products when v is one of the kept vectors
    // (the same values), else an undefined tensor. The second search of every test starts from the
    // same random vector, so after the first test its product comes from here.
    at::Tensor image(const at::Tensor& v, double eta, double noise) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// The solver options measureCurvature, and so `minimascope-cli analyze`, runs the test with for
// a measurement's tolerance, Lanczos step cap and seed: a caller passing the same three numbers
// and no warm start gets analyze's lambda_max (same start vector, same products).
LanczosOptions stabilityTestOptions(double tolerance, int64_t maxSteps, uint64_t seed);

// With `memory`, the test starts from the memory's best pair (instead of options.start) and adds
// its own products to it, and an unstable verdict is given as soon as it is proven: its lambdaMax
// is then a Rayleigh quotient above 1 + tolerance, a lower bound of lambda_max that may be short of
// it (certified false). Without a memory, lambdaMax is always searched to the tolerance (analyze).
StabilityVerdict testLinearStability(const SymmetricOperator& hessian, const SymmetricOperator& covariance, double eta,
                                     int64_t batchSize, int64_t n, BatchDraw draw, const LanczosOptions& options,
                                     const CancelToken* cancel = nullptr, StabilityTestMemory* memory = nullptr);

}   // namespace minimascope::core
