// The eigen-solvers against dense matrices with a known spectrum: Lanczos and power iteration
// against at::linalg_eigh, Hutchinson against the exact trace/diagonal and the estimator's
// known variance, Hutch++ against the exact trace over many seeds and against Hutchinson,
// stochastic Lanczos quadrature against its Gauss-quadrature identities.
#include "analysis/Lanczos.h"
#include "analysis/SpectralDensity.h"
#include "common/CancelToken.h"
#include "support/CompareNear.h"
#include "support/TestSuite.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <QtTest>

#include <cmath>
#include <limits>
#include <memory>
#include <stdexcept>
#include <tuple>
#include <utility>
#include <vector>

using namespace minimascope::core;

Q_DECLARE_METATYPE(at::ScalarType)
Q_DECLARE_METATYPE(TraceSketch)

namespace {

// Lanczos reports the residual of A y computed from its kept products (A y = sum_j s_j A q_j); a
// float32 operator's products carry rounding of ~eps_float * sqrt(200) * |A| = 1.7e-5 for these
// 200 x 200 matrices with |A| = 10, which is how far that can sit from a fresh product of the
// returned (float-rounded) vector. In double both agree to rounding.
constexpr double kFloatResidualAgreement = 2e-5;

// The density's integral over its grid: the grid spans the nodes +- 5 sigma, which leaves about
// 6e-7 of a Gaussian's mass outside, and the trapezoid rule on 1000+ points adds less than that.
constexpr double kDensityMass = 1e-4;

// Lanczos on the reference spectrum (gaps >= 0.5 at the ends). The solver stops at residual
// <= tolerance |lambda|: tight in double, in float32 as tight as its products' rounding allows.
constexpr double kDoubleSolverTolerance = 1e-10;
constexpr double kFloatSolverTolerance = 1e-4;
// Eigenvalues against eigh: a certified pair's error is ~residual^2 / gap in double; in float32 the
// products' rounding (~1e-5 relative) dominates. Both bounds leave margin.
constexpr double kDoubleValueTolerance = 1e-6;
constexpr double kFloatValueTolerance = 1e-3;
// A returned vector is unit to its dtype's rounding.
constexpr double kDoubleUnitNorm = 1e-12;
constexpr double kFloatUnitNorm = 1e-6;
// 1 - |cos| to the true eigenvector is ~(residual / gap)^2 / 2: within these of 1.
constexpr double kDoubleMisalignment = 1e-6;
constexpr double kFloatMisalignment = 1e-3;
// The reported residual against one from a fresh double product: rounding (relative to 1 + r).
constexpr double kDoubleResidualAgreement = 1e-12;
// A warm start converges as far as a cold one: eigenvalue within the solver tolerance in double,
// within float32 product rounding in float.
constexpr double kWarmFloatValueTolerance = 1e-5;
// The warm start's first product: the start with a 10% random share, cos = 1/sqrt(1.01) = 0.995.
constexpr double kWarmStartOverlap = 0.99;
// A start that is an eigenvector of the second eigenvalue (after a crossing): the solver still
// certifies the top one to this tolerance, and its vector is aligned to kDoubleMisalignment.
constexpr double kCrossingSolverTolerance = 1e-8;
// Three distinct eigenvalues: the Krylov space is exact after 3 steps, the values, residuals and
// orthonormality hold to rounding.
constexpr double kExactKrylovTolerance = 1e-9;
// Power iteration stops on a relative change below this; its eigenvalues are then within the
// relative bounds below (10, then 5 after deflation, whose gap to the bulk is smaller).
constexpr double kPowerTolerance = 1e-12;
constexpr double kPowerValueTolerance = 1e-8;
constexpr double kDeflatedValueTolerance = 1e-6;
// ... and the deflated vector is orthogonal to the first to within this.
constexpr double kDeflatedOverlap = 1e-6;
// Kato-Temple's bound checked with a rounding slack.
constexpr double kKatoTempleSlack = 1e-12;
// The last progress report is the converged top Ritz value (solver at kDoubleSolverTolerance).
constexpr double kProgressEstimateTolerance = 1e-8;

// Stochastic estimates: the truth lies within this many standard errors (a chance of ~6e-5 for a
// normal estimate; 5 for every entry of a diagonal at once).
constexpr double kTraceStandardErrors = 4.0;
constexpr double kDiagonalStandardErrors = 5.0;
// The reported standard error against the estimator's known one: 100 probes pin a sample standard
// deviation to ~7%, so 25% fails only for a wrong formula.
constexpr double kReportedErrorTolerance = 0.25;
// The errors at 100 and 1600 probes differ by sqrt(1600 / 100) = 4, each known to ~7% (~2%):
// a wrong rate (1/n, or none) falls outside.
constexpr double kErrorRatioMin = 3.0;
constexpr double kErrorRatioMax = 5.3;
// Hutch++'s reported error against the spread observed over 200 seeds (see the test): within a
// factor of 2 either way.
constexpr double kReportedSpreadFactor = 2.0;
// At equal products Hutch++'s error is at least this many times smaller than Hutchinson's on the
// outlier spectrum (about 19x and 13x in a NumPy replica, see the test).
constexpr double kHutchPlusPlusGain = 3.0;
// Hutch++ leaves nothing to estimate on a matrix of the sketch's rank: exact to rounding of
// numbers of size |A| over the dimensions (|A| = 7, 60 dimensions), with no standard error.
constexpr double kDoubleRounding = 1e-12;
// The adaptive Hutch++ target (relative standard error).
constexpr double kTargetRelativeError = 0.002;
// Lanczos quadrature of a full Krylov space: the nodes are the eigenvalues and the weights of
// a start sum to 1 (and reproduce q^T A q) up to rounding.
constexpr double kQuadratureNodes = 1e-8;
constexpr double kQuadratureMoment = 1e-8;
// Two distinct eigenvalues: the Krylov space is exact after two steps.
constexpr double kTwoStepNodes = 1e-10;
// The isolated top eigenvalue, 10, is a node after 30 steps to this.
constexpr double kTopNode = 1e-6;
// A loose stop: the Rayleigh quotient is accurate while the vector is visibly not converged.
constexpr double kLoosePowerTolerance = 1e-3;
constexpr double kUnconvergedResidual = 1e-4;

// Q diag(lambda) Q^T with Q from the QR of a seeded Gaussian matrix, in double.
at::Tensor matrixWithSpectrum(const at::Tensor& lambda, uint64_t seed)
{
    const int64_t n = lambda.size(0);
    at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
    const at::Tensor q = std::get<0>(at::linalg_qr(at::randn({n, n}, gen, at::TensorOptions(at::kDouble))));
    const at::Tensor a = q.matmul(at::diag(lambda.to(at::kDouble))).matmul(q.t());
    return (a + a.t()) / 2;
}

// 200 eigenvalues: separated top five 10, 8, 6.5, 5.5, 5, a bulk in [-1, 2], an isolated -3.
at::Tensor referenceSpectrum()
{
    std::vector<double> values{10.0, 8.0, 6.5, 5.5, 5.0, -3.0};
    for (int i = 0; i < 194; ++i)
        values.push_back(-1.0 + 3.0 * i / 193.0);
    return at::tensor(values, at::TensorOptions(at::kDouble));
}

// A Hessian-like spectrum of 300: ten outliers from 100 down to 12 that carry most of the
// Frobenius norm (so most of Hutchinson's variance) and a bulk of 290 in [-0.2, 1].
at::Tensor outlierSpectrum()
{
    std::vector<double> values{100.0, 80.0, 60.0, 45.0, 35.0, 28.0, 22.0, 18.0, 15.0, 12.0};
    for (int i = 0; i < 290; ++i)
        values.push_back(-0.2 + 1.2 * i / 289.0);
    return at::tensor(values, at::TensorOptions(at::kDouble));
}

// A dense operator that counts its products and checks the dtype it is called with.
struct DenseOperator {
    at::Tensor matrix;   // in the operator dtype
    std::shared_ptr<int64_t> calls = std::make_shared<int64_t>(0);
    std::shared_ptr<bool> wrongDtype = std::make_shared<bool>(false);
    std::shared_ptr<std::vector<at::Tensor>> seen = std::make_shared<std::vector<at::Tensor>>();

    SymmetricOperator op() const
    {
        SymmetricOperator result;
        result.dimension = matrix.size(0);
        result.dtype = matrix.scalar_type();
        const DenseOperator self = *this;
        result.apply = [self](const at::Tensor& v) {
            ++*self.calls;
            if (v.scalar_type() != self.matrix.scalar_type())
                *self.wrongDtype = true;
            self.seen->push_back(v.clone());
            return self.matrix.mv(v);
        };
        return result;
    }
};

DenseOperator denseOperator(const at::Tensor& matrix, at::ScalarType dtype)
{
    DenseOperator result;
    result.matrix = matrix.to(dtype);
    return result;
}

// |A v - lambda v| the way the solver measures it: the product in the operator dtype.
double residualOf(const DenseOperator& dense, const EigenPair& pair)
{
    const at::Tensor v = pair.vector.to(at::kDouble);
    return (dense.matrix.mv(pair.vector).to(at::kDouble) - pair.value * v).norm().item<double>();
}

double overlap(const at::Tensor& a, const at::Tensor& b)
{
    const at::Tensor x = a.to(at::kDouble);
    const at::Tensor y = b.to(at::kDouble);
    return std::abs(x.dot(y).item<double>()) / (x.norm() * y.norm()).item<double>();
}

void addDtypeRows()
{
    QTest::addColumn<at::ScalarType>("dtype");
    QTest::newRow("float64") << at::kDouble;
    QTest::newRow("float32") << at::kFloat;
}

double trapezoid(const std::vector<double>& x, const std::vector<double>& y)
{
    double sum = 0.0;
    for (size_t i = 1; i < x.size(); ++i)
        sum += 0.5 * (y[i] + y[i - 1]) * (x[i] - x[i - 1]);
    return sum;
}

}   // namespace

class TestEigensolvers : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void lanczosExtremePairs_data();
    void lanczosExtremePairs();
    void lanczosWarmStart_data();
    void lanczosWarmStart();
    void lanczosWarmStartAfterACrossing();
    void lanczosInvariantSubspaceAndRestart();
    void lanczosProgressAndMidwayCancel();
    void powerIterationWithDeflation();
    void hutchinsonTrace();
    void hutchPlusPlusAgainstHutchinson_data();
    void hutchPlusPlusAgainstHutchinson();
    void hutchPlusPlusIsExactOnLowRank_data();
    void hutchPlusPlusIsExactOnLowRank();
    void hutchPlusPlusToARelativeError();
    void hutchPlusPlusMidwayCancel();
    void hutchinsonDiagonal();
    void slqFullKrylovSpaceIsExact();
    void slqFirstMomentAndDensity();
    void slqStopsAtInvariantSubspace();
    void cancelBeforeStart();
    void invalidArguments();
};

void TestEigensolvers::lanczosExtremePairs_data() { addDtypeRows(); }

void TestEigensolvers::lanczosExtremePairs()
{
    QFETCH(at::ScalarType, dtype);
    const bool isDouble = dtype == at::kDouble;
    const at::Tensor a = matrixWithSpectrum(referenceSpectrum(), 7);
    at::Tensor trueValues;
    at::Tensor trueVectors;
    std::tie(trueValues, trueVectors) = at::linalg_eigh(a);   // ascending
    const int64_t n = a.size(0);
    const double valueTolerance = isDouble ? kDoubleValueTolerance : kFloatValueTolerance;

    struct Case {
        int64_t k;
        Spectrum which;
    };
    for (const Case& c : {Case{1, Spectrum::Largest}, Case{5, Spectrum::Largest}, Case{1, Spectrum::Smallest},
                          Case{3, Spectrum::Smallest}}) {
        const DenseOperator dense = denseOperator(a, dtype);
        LanczosOptions options;
        options.k = c.k;
        options.which = c.which;
        options.tolerance = isDouble ? kDoubleSolverTolerance : kFloatSolverTolerance;
        options.seed = 11;
        const EigenResult result = lanczos(dense.op(), options);
        QCOMPARE(result.status, RunStatus::Finished);
        QVERIFY(result.converged);
        QCOMPARE(static_cast<int64_t>(result.pairs.size()), c.k);
        QCOMPARE(result.products, *dense.calls);
        QVERIFY(!*dense.wrongDtype);
        QVERIFY(result.products < n);   // well separated: far fewer steps than the dimension
        for (int64_t i = 0; i < c.k; ++i) {
            const EigenPair& pair = result.pairs[static_cast<size_t>(i)];
            const int64_t index = c.which == Spectrum::Largest ? n - 1 - i : i;
            const double expected = trueValues[index].item<double>();
            MS_COMPARE_RELATIVE_AT(pair.value, expected, valueTolerance, qPrintable(QStringLiteral("pair %1").arg(i)));
            QCOMPARE(pair.vector.scalar_type(), dtype);
            QCOMPARE(pair.vector.numel(), n);
            MS_COMPARE_NEAR(pair.vector.to(at::kDouble).norm().item<double>(), 1.0,
                            isDouble ? kDoubleUnitNorm : kFloatUnitNorm);
            QCOMPARE_GT(overlap(pair.vector, trueVectors.select(1, index)),
                        1.0 - (isDouble ? kDoubleMisalignment : kFloatMisalignment));
            const double recomputed = residualOf(dense, pair);
            MS_COMPARE_NEAR(pair.residual, recomputed,
                            isDouble ? kDoubleResidualAgreement * (1.0 + recomputed) : kFloatResidualAgreement);
            QCOMPARE_LE(pair.residual, options.tolerance * std::abs(pair.value));
        }
    }
}

void TestEigensolvers::lanczosWarmStart_data() { addDtypeRows(); }

void TestEigensolvers::lanczosWarmStart()
{
    QFETCH(at::ScalarType, dtype);
    const at::Tensor a = matrixWithSpectrum(referenceSpectrum(), 7);
    const at::Tensor top = std::get<1>(at::linalg_eigh(a)).select(1, a.size(0) - 1);
    LanczosOptions options;
    options.tolerance = dtype == at::kDouble ? kDoubleSolverTolerance : kFloatSolverTolerance;
    const DenseOperator cold = denseOperator(a, dtype);
    const EigenResult coldResult = lanczos(cold.op(), options);
    QVERIFY(coldResult.converged);

    const DenseOperator dense = denseOperator(a, dtype);
    options.start = top.to(dtype) * 3.0;   // any scale: the start is normalized
    const EigenResult result = lanczos(dense.op(), options);
    QVERIFY(result.converged);
    QCOMPARE(result.products, *dense.calls);
    QVERIFY2(result.products < coldResult.products,
             qPrintable(QStringLiteral("warm %1, cold %2").arg(result.products).arg(coldResult.products)));
    MS_COMPARE_NEAR(result.pairs[0].value, 10.0,
                    (dtype == at::kDouble ? kDoubleSolverTolerance : kWarmFloatValueTolerance) * 10.0);
    // The first product is the start with a 10% random share mixed in: cos = 1/sqrt(1.01).
    QCOMPARE_GT(overlap(dense.seen->front(), top), kWarmStartOverlap);
}

void TestEigensolvers::lanczosWarmStartAfterACrossing()
{
    // The tracker's case after two eigenvalues crossed: the warm start is an exact eigenvector
    // (eigenvalue 8) that is no longer the top one. A Krylov space of that vector alone is
    // invariant and certifies 8 after one product; the solver must still find 10.
    const at::Tensor a = matrixWithSpectrum(referenceSpectrum(), 7);
    const at::Tensor eigenvectors = std::get<1>(at::linalg_eigh(a));
    const DenseOperator dense = denseOperator(a, at::kDouble);
    LanczosOptions options;
    options.tolerance = kCrossingSolverTolerance;
    options.start = eigenvectors.select(1, a.size(0) - 2);
    const EigenResult result = lanczos(dense.op(), options);
    QVERIFY(result.converged);
    MS_COMPARE_NEAR(result.pairs[0].value, 10.0, kCrossingSolverTolerance * 10.0);
    QCOMPARE_GT(overlap(result.pairs[0].vector, eigenvectors.select(1, a.size(0) - 1)), 1.0 - kDoubleMisalignment);
}

void TestEigensolvers::lanczosInvariantSubspaceAndRestart()
{
    // Three distinct eigenvalues: the Krylov space of any start is 3-dimensional.
    std::vector<double> values(100, 5.0);
    values.insert(values.end(), 50, 1.0);
    values.insert(values.end(), 50, -2.0);
    const at::Tensor a = matrixWithSpectrum(at::tensor(values, at::TensorOptions(at::kDouble)), 3);

    DenseOperator dense = denseOperator(a, at::kDouble);
    LanczosOptions options;
    options.tolerance = kDoubleSolverTolerance;
    EigenResult result = lanczos(dense.op(), options);
    QVERIFY(result.converged);
    QVERIFY2(result.products <= 3, qPrintable(QString::number(result.products)));   // 3 steps, residual free
    MS_COMPARE_NEAR(result.pairs[0].value, 5.0, kDoubleSolverTolerance);

    // Five pairs from a 3-dimensional Krylov space: after the breakdown the solver restarts
    // from a new direction orthogonal to the basis (a second decoupled block of T). A
    // single-vector Krylov method cannot see multiplicities, so the pairs are exact eigenpairs
    // (5, 5, 1, 1, -2 here), not five copies of 5.
    dense = denseOperator(a, at::kDouble);
    options.k = 5;
    result = lanczos(dense.op(), options);
    QVERIFY(result.converged);
    QCOMPARE(result.products, *dense.calls);
    QCOMPARE(result.products, int64_t(2 * 3));   // two blocks; the residuals come from the kept products
    QCOMPARE(result.pairs.size(), size_t(5));
    const std::vector<double> expected{5.0, 5.0, 1.0, 1.0, -2.0};
    at::Tensor vectors = at::empty({5, a.size(0)}, at::TensorOptions(at::kDouble));
    for (size_t i = 0; i < 5; ++i) {
        MS_COMPARE_NEAR(result.pairs[i].value, expected[i], kExactKrylovTolerance);
        QCOMPARE_LT(result.pairs[i].residual, kExactKrylovTolerance);
        vectors[static_cast<int64_t>(i)].copy_(result.pairs[i].vector);
    }
    // The two copies of each repeated eigenvalue are distinct eigenvectors: orthonormal.
    QVERIFY(at::allclose(vectors.matmul(vectors.t()), at::eye(5, at::TensorOptions(at::kDouble)), 0.0,
                         kExactKrylovTolerance));
}

void TestEigensolvers::lanczosProgressAndMidwayCancel()
{
    const at::Tensor a = matrixWithSpectrum(referenceSpectrum(), 7);
    DenseOperator dense = denseOperator(a, at::kDouble);
    std::vector<Progress> reports;
    LanczosOptions options;
    options.k = 2;
    options.tolerance = kDoubleSolverTolerance;
    EigenResult result = lanczos(dense.op(), options, nullptr, [&](const Progress& p) { reports.push_back(p); });
    QCOMPARE(static_cast<int64_t>(reports.size()), result.products);
    for (size_t i = 0; i < reports.size(); ++i)
        QCOMPARE(reports[i].done, static_cast<int64_t>(i + 1));
    // Every product is a Lanczos step (done counts both) reporting the top Ritz value; the last one is the result's.
    MS_COMPARE_NEAR(reports.back().estimate, 10.0, kProgressEstimateTolerance);
    QCOMPARE(reports.back().estimate, result.pairs.front().value);

    // Cancel requested after the 5th product: no 6th product, the 5-step Ritz pairs come back.
    dense = denseOperator(a, at::kDouble);
    CancelToken token;
    result = lanczos(dense.op(), options, &token, [&](const Progress& p) {
        if (p.done == 5)
            token.requestCancel();
    });
    QCOMPARE(result.status, RunStatus::Cancelled);
    QCOMPARE(result.products, int64_t(5));
    QCOMPARE(*dense.calls, int64_t(5));
    QVERIFY(!result.converged);
    QCOMPARE(result.pairs.size(), size_t(2));
    QVERIFY(result.pairs[0].value > result.pairs[1].value);
    // Not converged after 5 steps, but the residuals of what came back are known exactly.
    for (const EigenPair& pair : result.pairs) {
        const double recomputed = residualOf(dense, pair);
        QCOMPARE_GT(recomputed, options.tolerance * std::abs(pair.value));
        MS_COMPARE_NEAR(pair.residual, recomputed, kDoubleResidualAgreement * (1.0 + recomputed));
    }
}

void TestEigensolvers::powerIterationWithDeflation()
{
    // PSD with a gap: 10, 5, then a bulk in [0, 2].
    std::vector<double> values{10.0, 5.0};
    for (int i = 0; i < 198; ++i)
        values.push_back(2.0 * i / 197.0);
    const at::Tensor a = matrixWithSpectrum(at::tensor(values, at::TensorOptions(at::kDouble)), 5);

    DenseOperator dense = denseOperator(a, at::kDouble);
    PowerIterationOptions options;
    options.tolerance = kPowerTolerance;
    options.maxSteps = 500;
    options.seed = 2;
    const EigenResult first = powerIteration(dense.op(), options);
    QCOMPARE(first.status, RunStatus::Finished);
    QCOMPARE(first.products, *dense.calls);
    QVERIFY(first.products < options.maxSteps);   // stopped by the relative-change rule
    QCOMPARE(first.pairs.size(), size_t(1));
    MS_COMPARE_NEAR(first.pairs[0].value, 10.0, kPowerValueTolerance * 10.0);
    MS_COMPARE_NEAR(first.pairs[0].residual, residualOf(dense, first.pairs[0]), kDoubleResidualAgreement);
    QCOMPARE(first.converged, first.pairs[0].residual <= options.tolerance * std::abs(first.pairs[0].value));

    dense = denseOperator(a, at::kDouble);
    options.deflate = {first.pairs[0].vector};
    const EigenResult second = powerIteration(dense.op(), options);
    QCOMPARE(second.products, *dense.calls);
    MS_COMPARE_NEAR(second.pairs[0].value, 5.0, kDeflatedValueTolerance * 5.0);
    QCOMPARE_LT(overlap(second.pairs[0].vector, first.pairs[0].vector), kDeflatedOverlap);

    // A loose tolerance stops on the eigenvalue while the vector is still off by about the
    // residual: the Rayleigh quotient's error is only quadratic in it (Kato-Temple: lambda_1 -
    // theta <= r^2 / (theta - lambda_2), lambda_2 = 5 here). That is why such a stop reports an
    // accurate value with an uncertified vector.
    dense = denseOperator(a, at::kDouble);
    PowerIterationOptions loose;
    loose.tolerance = kLoosePowerTolerance;
    const EigenResult quick = powerIteration(dense.op(), loose);
    const double r = quick.pairs[0].residual;
    QCOMPARE_GT(r, kUnconvergedResidual);   // the vector is visibly not converged
    QCOMPARE_LE(10.0 - quick.pairs[0].value, r * r / (quick.pairs[0].value - 5.0) + kKatoTempleSlack);
}

void TestEigensolvers::hutchinsonTrace()
{
    const at::Tensor a = matrixWithSpectrum(referenceSpectrum(), 9);
    const double trueTrace = a.trace().item<double>();
    // Var(z^T A z) = 2 sum_{i != j} A_ij^2 for Rademacher z.
    const double offDiagonal = (a.square().sum() - a.diag().square().sum()).item<double>();
    const double sampleStd = std::sqrt(2.0 * offDiagonal);

    std::vector<double> errors;
    for (int64_t samples : {100, 1600}) {
        const DenseOperator dense = denseOperator(a, at::kDouble);
        int64_t reports = 0;
        const TraceEstimate estimate = minimascope::core::hutchinsonTrace(dense.op(), samples, 4, nullptr,
                                                                          [&](const Progress&) { ++reports; });
        QCOMPARE(estimate.status, RunStatus::Finished);
        QCOMPARE(estimate.samples, samples);
        QCOMPARE(estimate.products, samples);
        QCOMPARE(*dense.calls, samples);
        QCOMPARE(reports, samples);
        MS_COMPARE_NEAR(estimate.trace, trueTrace, kTraceStandardErrors * estimate.standardError);
        // The reported error matches the estimator's known standard deviation / sqrt(samples).
        const double expectedError = sampleStd / std::sqrt(static_cast<double>(samples));
        MS_COMPARE_RELATIVE(estimate.standardError, expectedError, kReportedErrorTolerance);
        errors.push_back(estimate.standardError);
    }
    const double ratio = errors[0] / errors[1];   // sqrt(1600 / 100) = 4
    QCOMPARE_GT(ratio, kErrorRatioMin);
    QCOMPARE_LT(ratio, kErrorRatioMax);

    // Float operator: same estimate within its standard error.
    const DenseOperator single = denseOperator(a, at::kFloat);
    const TraceEstimate floatEstimate = minimascope::core::hutchinsonTrace(single.op(), 400, 4);
    QVERIFY(!*single.wrongDtype);
    MS_COMPARE_NEAR(floatEstimate.trace, trueTrace, kTraceStandardErrors * floatEstimate.standardError);
}

void TestEigensolvers::hutchPlusPlusAgainstHutchinson_data()
{
    QTest::addColumn<TraceSketch>("sketch");
    QTest::newRow("krylov") << TraceSketch::Krylov;
    QTest::newRow("random signs") << TraceSketch::RandomSigns;
}

void TestEigensolvers::hutchPlusPlusAgainstHutchinson()
{
    QFETCH(TraceSketch, sketch);
    const at::Tensor a = matrixWithSpectrum(outlierSpectrum(), 5);
    const double trueTrace = a.trace().item<double>();
    const DenseOperator dense = denseOperator(a, at::kDouble);
    // 60 products each: Hutch++ takes k = 20 (Krylov: 20 + 40 probes; random signs: 20 + 20 + 20).
    constexpr int64_t kProducts = 60;
    const TraceOptions options = hutchPlusPlusOptions(kProducts, sketch);
    QCOMPARE(options.sketchSize, int64_t(20));
    QCOMPARE(options.samples, sketch == TraceSketch::Krylov ? int64_t(40) : int64_t(20));

    // Over 200 seeds: the mean error, the observed spread and the reported standard errors.
    constexpr int kSeeds = 200;
    std::vector<double> plusPlus, plain;
    double meanSquaredReportedError = 0.0;
    for (int seed = 0; seed < kSeeds; ++seed) {
        TraceOptions seeded = options;
        seeded.seed = static_cast<uint64_t>(seed);
        int64_t reports = 0;
        const TraceEstimate estimate = estimateTrace(dense.op(), seeded, nullptr, [&](const Progress& p) {
            ++reports;
            QCOMPARE(p.done, reports);   // done counts the products, the sketch's included
            QCOMPARE(p.total, kProducts);
        });
        QCOMPARE(estimate.status, RunStatus::Finished);
        QCOMPARE(estimate.products, kProducts);
        QCOMPARE(reports, kProducts);
        QCOMPARE(estimate.samples, options.samples);
        QCOMPARE(estimate.sketchSize, int64_t(20));
        QCOMPARE(std::string(estimate.estimator()), std::string("hutch++"));
        plusPlus.push_back(estimate.trace);
        meanSquaredReportedError += estimate.standardError * estimate.standardError / kSeeds;
        plain.push_back(minimascope::core::hutchinsonTrace(dense.op(), kProducts, static_cast<uint64_t>(seed)).trace);
    }
    QVERIFY(!*dense.wrongDtype);
    const auto meanAndSpread = [](const std::vector<double>& values) {
        const at::Tensor t = at::tensor(values, at::TensorOptions(at::kDouble));
        return std::make_pair(t.mean().item<double>(), t.std().item<double>());
    };
    const auto [mean, spread] = meanAndSpread(plusPlus);
    const auto [plainMean, plainSpread] = meanAndSpread(plain);
    // Unbiased: the mean of 200 estimates within 4 of its standard errors of the trace.
    MS_COMPARE_NEAR(mean, trueTrace, kTraceStandardErrors * spread / std::sqrt(double(kSeeds)));
    MS_COMPARE_NEAR(plainMean, trueTrace, kTraceStandardErrors * plainSpread / std::sqrt(double(kSeeds)));
    // The reported error is the observed one: 200 seeds pin the spread to ~5%, and one estimate's
    // sample error from 20-40 probes to ~15%, so 0.5-2 fails only for a wrong formula.
    const double reported = std::sqrt(meanSquaredReportedError);
    QCOMPARE_GT(reported, spread / kReportedSpreadFactor);
    QCOMPARE_LT(reported, kReportedSpreadFactor * spread);
    // The outliers' variance is gone: at equal products the error is at least 3x smaller than
    // Hutchinson's (about 19x for the Krylov sketch and 13x for random signs in a NumPy replica).
    QCOMPARE_GT(plainSpread, kHutchPlusPlusGain * spread);
}

void TestEigensolvers::hutchPlusPlusIsExactOnLowRank_data()
{
    QTest::addColumn<TraceSketch>("sketch");
    QTest::addColumn<int64_t>("sketchSize");
    QTest::addColumn<bool>("repeated");
    // Rank 6, distinct eigenvalues: A S spans the range for k = 6; a start's Krylov space holds
    // the range and the start's own null-space part, k = 7.
    QTest::newRow("random signs, rank 6") << TraceSketch::RandomSigns << int64_t(6) << false;
    QTest::newRow("krylov, rank 6") << TraceSketch::Krylov << int64_t(7) << false;
    // Rank 6 with eigenvalue 3 four times: each Krylov start sees one direction of it, so the
    // sketch restarts after each breakdown (<= 2 steps per direction).
    QTest::newRow("random signs, repeated") << TraceSketch::RandomSigns << int64_t(6) << true;
    QTest::newRow("krylov, repeated") << TraceSketch::Krylov << int64_t(12) << true;
}

void TestEigensolvers::hutchPlusPlusIsExactOnLowRank()
{
    QFETCH(TraceSketch, sketch);
    QFETCH(int64_t, sketchSize);
    QFETCH(bool, repeated);
    std::vector<double> values = repeated ? std::vector<double>{7.0, 3.0, 3.0, 3.0, 3.0, -2.0}
                                          : std::vector<double>{7.0, 5.0, 3.0, 1.5, -1.0, -2.0};
    values.resize(60, 0.0);
    const at::Tensor a = matrixWithSpectrum(at::tensor(values, at::TensorOptions(at::kDouble)), 3);
    const double trueTrace = a.trace().item<double>();   // 13.5
    TraceOptions options;
    options.sketch = sketch;
    options.sketchSize = sketchSize;
    options.samples = 5;
    options.seed = 2;
    const DenseOperator dense = denseOperator(a, at::kDouble);
    const TraceEstimate estimate = estimateTrace(dense.op(), options);
    QCOMPARE(estimate.status, RunStatus::Finished);
    const int64_t sketchProducts = sketch == TraceSketch::Krylov ? sketchSize : 2 * sketchSize;
    QCOMPARE(estimate.products, sketchProducts + 5);
    QCOMPARE(*dense.calls, sketchProducts + 5);
    // P A P = 0: exact to rounding (|A| = 7, 60 dimensions), with a zero standard error.
    MS_COMPARE_NEAR(estimate.trace, trueTrace, kDoubleRounding * 7.0 * 60.0);
    MS_COMPARE_NEAR(estimate.sketchTrace, trueTrace, kDoubleRounding * 7.0 * 60.0);
    QCOMPARE_LT(estimate.standardError, kDoubleRounding);

    // A sketch as large as the space: Q Q^T = I, the trace is exact without probes.
    const at::Tensor small = matrixWithSpectrum(referenceSpectrum().slice(0, 0, 10), 4);
    const DenseOperator whole = denseOperator(small, at::kDouble);
    options.sketchSize = 12;   // more than the 10 dimensions: k is capped
    const TraceEstimate full = estimateTrace(whole.op(), options);
    QCOMPARE(full.sketchSize, int64_t(10));
    QCOMPARE(full.samples, int64_t(0));
    QCOMPARE(full.products, sketch == TraceSketch::Krylov ? int64_t(10) : int64_t(20));
    QCOMPARE(full.standardError, 0.0);
    MS_COMPARE_NEAR(full.trace, small.trace().item<double>(), kDoubleRounding * 10.0 * 10.0);
}

void TestEigensolvers::hutchPlusPlusToARelativeError()
{
    const at::Tensor a = matrixWithSpectrum(outlierSpectrum(), 5);
    const DenseOperator dense = denseOperator(a, at::kDouble);
    TraceOptions options;
    options.sketchSize = 15;
    options.samples = 4;
    options.relativeStandardError = kTargetRelativeError;
    options.maxSamples = 500;
    options.seed = 9;
    const TraceEstimate estimate = estimateTrace(dense.op(), options);
    QCOMPARE(estimate.status, RunStatus::Finished);
    // It stopped at the first probe count (at least 4) whose error met the target: with a probe's
    // standard deviation ~8.3 once the outliers are deflated and a trace of 531, about 60 probes.
    QVERIFY(estimate.samples >= 4 && estimate.samples < options.maxSamples);
    QCOMPARE(estimate.products, 15 + estimate.samples);
    QCOMPARE_LE(estimate.standardError, kTargetRelativeError * std::abs(estimate.trace));
    // The same seed without the target draws the same probes: its estimate after as many probes
    // is the adaptive one, and one probe fewer had not reached the target.
    TraceOptions fixed = options;
    fixed.relativeStandardError = 0.0;
    fixed.samples = estimate.samples;
    QCOMPARE(estimateTrace(dense.op(), fixed).trace, estimate.trace);
    fixed.samples = estimate.samples - 1;
    const TraceEstimate before = estimateTrace(dense.op(), fixed);
    QVERIFY(before.samples < 4 || before.standardError > kTargetRelativeError * std::abs(before.trace));

    // An unreachable target stops at maxSamples.
    options.relativeStandardError = 1e-9;
    options.maxSamples = 30;
    const TraceEstimate capped = estimateTrace(dense.op(), options);
    QCOMPARE(capped.samples, int64_t(30));
    QCOMPARE(capped.products, int64_t(45));
}

void TestEigensolvers::hutchPlusPlusMidwayCancel()
{
    const at::Tensor a = matrixWithSpectrum(outlierSpectrum(), 5);
    for (TraceSketch sketch : {TraceSketch::Krylov, TraceSketch::RandomSigns}) {
        TraceOptions options;
        options.sketch = sketch;
        options.sketchSize = 5;
        options.samples = 20;
        const int64_t sketchProducts = sketch == TraceSketch::Krylov ? 5 : 10;
        // Cancelled inside the sketch: no estimate; after 4 probes: the estimate of those 4.
        for (int64_t cancelAfter : {int64_t(3), sketchProducts + 4}) {
            const DenseOperator dense = denseOperator(a, at::kDouble);
            CancelToken token;
            const TraceEstimate estimate = estimateTrace(dense.op(), options, &token, [&](const Progress& p) {
                if (p.done == cancelAfter)
                    token.requestCancel();
            });
            QCOMPARE(estimate.status, RunStatus::Cancelled);
            QCOMPARE(estimate.products, cancelAfter);
            QCOMPARE(*dense.calls, cancelAfter);
            if (cancelAfter < sketchProducts) {
                QVERIFY(std::isnan(estimate.trace));
                QCOMPARE(estimate.samples, int64_t(0));
            } else {
                QCOMPARE(estimate.samples, int64_t(4));
                QVERIFY(std::isfinite(estimate.trace) && std::isfinite(estimate.standardError));
            }
        }
    }
}

void TestEigensolvers::hutchinsonDiagonal()
{
    // Diagonal matrix: z .* (D z) = z^2 .* d = d exactly, from a single probe.
    const at::Tensor d = at::linspace(-3.0, 7.0, 40, at::TensorOptions(at::kDouble));
    const DenseOperator diagonal = denseOperator(at::diag(d), at::kDouble);
    // (4 samples: their sum and mean are exact in binary.)
    const DiagonalEstimate exact = minimascope::core::hutchinsonDiagonal(diagonal.op(), 4, 1);
    QCOMPARE(exact.status, RunStatus::Finished);
    QCOMPARE(exact.products, int64_t(4));
    QVERIFY(at::equal(exact.diagonal, d));

    // General matrix: entry i has standard deviation sqrt(sum_{j != i} A_ij^2 / samples).
    std::vector<double> values;
    for (int i = 0; i < 50; ++i)
        values.push_back(-2.0 + 0.1 * i);
    const at::Tensor a = matrixWithSpectrum(at::tensor(values, at::TensorOptions(at::kDouble)), 13);
    const int64_t samples = 4000;
    for (at::ScalarType dtype : {at::kDouble, at::kFloat}) {
        const DenseOperator dense = denseOperator(a, dtype);
        const DiagonalEstimate estimate = minimascope::core::hutchinsonDiagonal(dense.op(), samples, 8);
        QCOMPARE(estimate.products, samples);
        QCOMPARE(estimate.diagonal.scalar_type(), dtype);
        const at::Tensor spread = ((a.square().sum(1) - a.diag().square()) / static_cast<double>(samples)).sqrt();
        const at::Tensor error = (estimate.diagonal.to(at::kDouble) - a.diag()).abs();
        QVERIFY2((error <= kDiagonalStandardErrors * spread).all().item<bool>(),
                 qPrintable(QString::number((error / spread).max().item<double>())));
    }
}

void TestEigensolvers::slqFullKrylovSpaceIsExact()
{
    std::vector<double> values;
    for (int i = 0; i < 50; ++i)
        values.push_back(i < 3 ? 20.0 - 4.0 * i : -1.0 + 0.05 * i);
    const at::Tensor a = matrixWithSpectrum(at::tensor(values, at::TensorOptions(at::kDouble)), 21);
    const DenseOperator dense = denseOperator(a, at::kDouble);
    SpectralDensityOptions options;
    options.steps = 50;
    options.seed = 6;
    const SpectralDensity slq = stochasticLanczosQuadrature(dense.op(), options);
    QCOMPARE(slq.status, RunStatus::Finished);
    QCOMPARE(slq.products, int64_t(50));
    QCOMPARE(*dense.calls, int64_t(50));
    QCOMPARE(slq.nodes.size(), size_t(50));
    const at::Tensor nodes = std::get<0>(at::sort(at::tensor(slq.nodes, at::TensorOptions(at::kDouble))));
    const at::Tensor expected = at::linalg_eigvalsh(a);
    QVERIFY2(at::allclose(nodes, expected, 0.0, kQuadratureNodes),
             qPrintable(QString::number((nodes - expected).abs().max().item<double>())));
    double sum = 0.0;
    for (double w : slq.weights)
        sum += w;
    MS_COMPARE_NEAR(sum, 1.0, kDoubleRounding);
}

void TestEigensolvers::slqFirstMomentAndDensity()
{
    const at::Tensor a = matrixWithSpectrum(referenceSpectrum(), 7);
    for (int64_t starts : {1, 3}) {
        const DenseOperator dense = denseOperator(a, at::kDouble);
        SpectralDensityOptions options;
        options.steps = 30;
        options.starts = starts;
        options.gridPoints = 2000;
        options.seed = 17;
        const SpectralDensity slq = stochasticLanczosQuadrature(dense.op(), options);
        QCOMPARE(slq.products, 30 * starts);
        QCOMPARE(*dense.calls, 30 * starts);
        QCOMPARE(static_cast<int64_t>(slq.nodes.size()), 30 * starts);
        // Each start: weights sum to 1/starts, and sum_j w_j theta_j = q^T A q / starts (the
        // quadrature is exact for degree 1), with q the start = the first vector multiplied.
        for (int64_t s = 0; s < starts; ++s) {
            double weightSum = 0.0;
            double moment = 0.0;
            for (int64_t j = 30 * s; j < 30 * (s + 1); ++j) {
                weightSum += slq.weights[static_cast<size_t>(j)];
                moment += slq.weights[static_cast<size_t>(j)] * slq.nodes[static_cast<size_t>(j)];
            }
            const at::Tensor q = (*dense.seen)[static_cast<size_t>(30 * s)];
            MS_COMPARE_NEAR(weightSum, 1.0 / starts, kDoubleRounding);
            MS_COMPARE_NEAR(moment * starts, q.dot(a.mv(q)).item<double>(), kQuadratureMoment);
        }
        const auto [low, high] = std::minmax_element(slq.nodes.begin(), slq.nodes.end());
        MS_COMPARE_NEAR(slq.sigma, 0.01 * (*high - *low), kDoubleRounding);
        QCOMPARE(slq.grid.size(), size_t(2000));
        QCOMPARE(slq.density.size(), size_t(2000));
        MS_COMPARE_NEAR(slq.grid.front(), *low - 5 * slq.sigma, kDoubleRounding);
        MS_COMPARE_NEAR(slq.grid.back(), *high + 5 * slq.sigma, kDoubleRounding);
        const double integral = trapezoid(slq.grid, slq.density);
        MS_COMPARE_NEAR(integral, 1.0, kDensityMass);
        // The isolated top eigenvalue shows up as a node.
        MS_COMPARE_NEAR(*high, 10.0, kTopNode);
    }
}

void TestEigensolvers::slqStopsAtInvariantSubspace()
{
    std::vector<double> values(30, 4.0);
    values.insert(values.end(), 30, -1.0);
    const at::Tensor a = matrixWithSpectrum(at::tensor(values, at::TensorOptions(at::kDouble)), 2);
    const DenseOperator dense = denseOperator(a, at::kDouble);
    SpectralDensityOptions options;
    options.steps = 20;
    const SpectralDensity slq = stochasticLanczosQuadrature(dense.op(), options);
    QCOMPARE(slq.status, RunStatus::Finished);
    QCOMPARE(slq.products, int64_t(2));
    QCOMPARE(slq.nodes.size(), size_t(2));
    MS_COMPARE_NEAR(std::min(slq.nodes[0], slq.nodes[1]), -1.0, kTwoStepNodes);
    MS_COMPARE_NEAR(std::max(slq.nodes[0], slq.nodes[1]), 4.0, kTwoStepNodes);
    MS_COMPARE_NEAR(slq.weights[0] + slq.weights[1], 1.0, kDoubleRounding);
    MS_COMPARE_NEAR(trapezoid(slq.grid, slq.density), 1.0, kDensityMass);
}

void TestEigensolvers::cancelBeforeStart()
{
    const at::Tensor a = matrixWithSpectrum(referenceSpectrum(), 7);
    const DenseOperator dense = denseOperator(a, at::kDouble);
    CancelToken token;
    token.requestCancel();

    const EigenResult eig = lanczos(dense.op(), LanczosOptions{}, &token);
    QCOMPARE(eig.status, RunStatus::Cancelled);
    QCOMPARE(eig.products, int64_t(0));
    QVERIFY(eig.pairs.empty());
    QVERIFY(!eig.converged);

    const EigenResult power = powerIteration(dense.op(), PowerIterationOptions{}, &token);
    QCOMPARE(power.status, RunStatus::Cancelled);
    QCOMPARE(power.products, int64_t(0));
    QVERIFY(power.pairs.empty());

    const TraceEstimate trace = minimascope::core::hutchinsonTrace(dense.op(), 10, 0, &token);
    QCOMPARE(trace.status, RunStatus::Cancelled);
    QCOMPARE(trace.products, int64_t(0));
    QCOMPARE(trace.samples, int64_t(0));

    const TraceOptions plusPlus = hutchPlusPlusOptions(30);
    const TraceEstimate sketched = estimateTrace(dense.op(), plusPlus, &token);
    QCOMPARE(sketched.status, RunStatus::Cancelled);
    QCOMPARE(sketched.products, int64_t(0));
    QVERIFY(std::isnan(sketched.trace));

    const DiagonalEstimate diagonal = minimascope::core::hutchinsonDiagonal(dense.op(), 10, 0, &token);
    QCOMPARE(diagonal.status, RunStatus::Cancelled);
    QCOMPARE(diagonal.products, int64_t(0));
    QVERIFY(!diagonal.diagonal.defined());

    const SpectralDensity slq = stochasticLanczosQuadrature(dense.op(), SpectralDensityOptions{}, &token);
    QCOMPARE(slq.status, RunStatus::Cancelled);
    QCOMPARE(slq.products, int64_t(0));
    QVERIFY(slq.nodes.empty());
    QVERIFY(slq.density.empty());

    QCOMPARE(*dense.calls, int64_t(0));
}

void TestEigensolvers::invalidArguments()
{
    const DenseOperator dense = denseOperator(at::eye(10, at::TensorOptions(at::kDouble)), at::kDouble);
    LanczosOptions options;
    options.k = 11;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, lanczos(dense.op(), options));
    options.k = 0;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, lanczos(dense.op(), options));
    options.k = 1;
    options.start = at::ones({9}, at::TensorOptions(at::kDouble));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, lanczos(dense.op(), options));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, minimascope::core::hutchinsonTrace(dense.op(), 0, 0));
    TraceOptions trace;
    trace.samples = 1;
    trace.relativeStandardError = 0.01;   // an error needs two probes
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, estimateTrace(dense.op(), trace));
    trace.samples = 5;
    trace.maxSamples = 4;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, estimateTrace(dense.op(), trace));
    trace.maxSamples = 10;
    trace.sketchSize = -1;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, estimateTrace(dense.op(), trace));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, hutchPlusPlusOptions(0));
    SpectralDensityOptions slq;
    slq.gridPoints = 1;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, stochasticLanczosQuadrature(dense.op(), slq));
    QCOMPARE(*dense.calls, int64_t(0));
}

MINIMASCOPE_TEST_APPLESS(TestEigensolvers)
#include "TestEigensolvers.moc"
