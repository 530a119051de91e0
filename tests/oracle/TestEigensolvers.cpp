// The eigen-solvers against dense matrices with a known spectrum: Lanczos and power iteration
// against at::linalg_eigh, Hutchinson against the exact trace/diagonal and the estimator's
// known variance, Hutch++ against the exact trace over many seeds and against Hutchinson,
// stochastic Lanczos quadrature against its Gauss-quadrature identities.
#include "analysis/Lanczos.h"
#include "analysis/SpectralDensity.h"
#include "common/CancelToken.h"
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

} // namespace

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

void TestEigensolvers::lanczosExtremePairs_data()
{
    addDtypeRows();
}

void TestEigensolvers::lanczosExtremePairs()
{
    QFETCH(at::ScalarType, dtype);
    const bool isDouble = dtype == at::kDouble;
    const at::Tensor a = matrixWithSpectrum(referenceSpectrum(), 7);
    at::Tensor trueValues;
    at::Tensor trueVectors;
    std::tie(trueValues, trueVectors) = at::linalg_eigh(a);   // ascending
    const int64_t n = a.size(0);
    const double valueTolerance = isDouble ? 1e-6 : 1e-3;

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
        options.tolerance = isDouble ? 1e-10 : 1e-4;
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
            QVERIFY2(std::abs(pair.value - expected) <= valueTolerance * std::abs(expected),
                     qPrintable(QStringLiteral("pair %1: %2 vs %3").arg(i).arg(pair.value, 0, 'g', 17).arg(expected, 0, 'g', 17)));
            QCOMPARE(pair.vector.scalar_type(), dtype);
            QCOMPARE(pair.vector.numel(), n);
            QVERIFY(std::abs(pair.vector.to(at::kDouble).norm().item<double>() - 1.0) < (isDouble ? 1e-12 : 1e-6));
            QVERIFY2(overlap(pair.vector, trueVectors.select(1, index)) > 1.0 - (isDouble ? 1e-6 : 1e-3),
                     qPrintable(QString::number(overlap(pair.vector, trueVectors.select(1, index)), 'g', 17)));
            const double recomputed = residualOf(dense, pair);
            QVERIFY2(std::abs(pair.residual - recomputed) <= (isDouble ? 1e-12 * (1.0 + recomputed)
                                                                       : kFloatResidualAgreement),
                     qPrintable(QStringLiteral("%1 vs %2").arg(pair.residual).arg(recomputed)));
            QVERIFY(pair.residual <= options.tolerance * std::abs(pair.value));
        }
    }
}

void TestEigensolvers::lanczosWarmStart_data()
{
    addDtypeRows();
}

void TestEigensolvers::lanczosWarmStart()
{
    QFETCH(at::ScalarType, dtype);
    const at::Tensor a = matrixWithSpectrum(referenceSpectrum(), 7);
    const at::Tensor top = std::get<1>(at::linalg_eigh(a)).select(1, a.size(0) - 1);
    LanczosOptions options;
    options.tolerance = dtype == at::kDouble ? 1e-10 : 1e-4;
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
    QVERIFY(std::abs(result.pairs[0].value - 10.0) <= (dtype == at::kDouble ? 1e-10 : 1e-5) * 10.0);
    // The first product is the start with a 10% random share mixed in: cos = 1/sqrt(1.01).
    QVERIFY(overlap(dense.seen->front(), top) > 0.99);
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
    options.tolerance = 1e-8;
    options.start = eigenvectors.select(1, a.size(0) - 2);
    const EigenResult result = lanczos(dense.op(), options);
    QVERIFY(result.converged);
    QVERIFY2(std::abs(result.pairs[0].value - 10.0) < 1e-8 * 10.0,
             qPrintable(QString::number(result.pairs[0].value, 'g', 17)));
    QVERIFY(overlap(result.pairs[0].vector, eigenvectors.select(1, a.size(0) - 1)) > 1.0 - 1e-6);
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
    options.tolerance = 1e-10;
    EigenResult result = lanczos(dense.op(), options);
    QVERIFY(result.converged);
    QVERIFY2(result.products <= 3, qPrintable(QString::number(result.products)));   // 3 steps, residual free
    QVERIFY(std::abs(result.pairs[0].value - 5.0) < 1e-10);

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
        QVERIFY(std::abs(result.pairs[i].value - expected[i]) < 1e-9);
        QVERIFY(result.pairs[i].residual < 1e-9);
        vectors[static_cast<int64_t>(i)].copy_(result.pairs[i].vector);
    }
    // The two copies of each repeated eigenvalue are distinct eigenvectors: orthonormal.
    QVERIFY(at::allclose(vectors.matmul(vectors.t()), at::eye(5, at::TensorOptions(at::kDouble)), 0.0, 1e-9));
}

void TestEigensolvers::lanczosProgressAndMidwayCancel()
{
    const at::Tensor a = matrixWithSpectrum(referenceSpectrum(), 7);
    DenseOperator dense = denseOperator(a, at::kDouble);
    std::vector<SolverProgress> reports;
    LanczosOptions options;
    options.k = 2;
    options.tolerance = 1e-10;
    EigenResult result = lanczos(dense.op(), options, nullptr, [&](const SolverProgress& p) { reports.push_back(p); });
    QCOMPARE(static_cast<int64_t>(reports.size()), result.products);
    for (size_t i = 0; i < reports.size(); ++i)
        QCOMPARE(reports[i].products, static_cast<int64_t>(i + 1));
    // Every product is a Lanczos step reporting the top Ritz value; the last one is the result's.
    QVERIFY(std::abs(reports.back().estimate - 10.0) < 1e-8);
    QCOMPARE(reports.back().estimate, result.pairs.front().value);

    // Cancel requested after the 5th product: no 6th product, the 5-step Ritz pairs come back.
    dense = denseOperator(a, at::kDouble);
    CancelToken token;
    result = lanczos(dense.op(), options, &token, [&](const SolverProgress& p) {
        if (p.products == 5)
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
        QVERIFY(recomputed > options.tolerance * std::abs(pair.value));
        QVERIFY(std::abs(pair.residual - recomputed) <= 1e-12 * (1.0 + recomputed));
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
    options.tolerance = 1e-12;
    options.maxSteps = 500;
    options.seed = 2;
    const EigenResult first = powerIteration(dense.op(), options);
    QCOMPARE(first.status, RunStatus::Finished);
    QCOMPARE(first.products, *dense.calls);
    QVERIFY(first.products < options.maxSteps);   // stopped by the relative-change rule
    QCOMPARE(first.pairs.size(), size_t(1));
    QVERIFY2(std::abs(first.pairs[0].value - 10.0) < 1e-8 * 10.0, qPrintable(QString::number(first.pairs[0].value, 'g', 17)));
    QVERIFY(std::abs(first.pairs[0].residual - residualOf(dense, first.pairs[0])) < 1e-12);
    QCOMPARE(first.converged, first.pairs[0].residual <= options.tolerance * std::abs(first.pairs[0].value));

    dense = denseOperator(a, at::kDouble);
    options.deflate = {first.pairs[0].vector};
    const EigenResult second = powerIteration(dense.op(), options);
    QCOMPARE(second.products, *dense.calls);
    QVERIFY2(std::abs(second.pairs[0].value - 5.0) < 1e-6 * 5.0, qPrintable(QString::number(second.pairs[0].value, 'g', 17)));
    QVERIFY(overlap(second.pairs[0].vector, first.pairs[0].vector) < 1e-6);

    // A loose tolerance stops on the eigenvalue while the vector is still off by about the
    // residual: the Rayleigh quotient's error is only quadratic in it (Kato-Temple: lambda_1 -
    // theta <= r^2 / (theta - lambda_2), lambda_2 = 5 here). That is why such a stop reports an
    // accurate value with an uncertified vector.
    dense = denseOperator(a, at::kDouble);
    PowerIterationOptions loose;
    loose.tolerance = 1e-3;
    const EigenResult quick = powerIteration(dense.op(), loose);
    const double r = quick.pairs[0].residual;
    QVERIFY2(r > 1e-4, qPrintable(QString::number(r)));   // the vector is visibly not converged
    QVERIFY2(10.0 - quick.pairs[0].value <= r * r / (quick.pairs[0].value - 5.0) + 1e-12,
             qPrintable(QStringLiteral("residual %1 at lambda %2").arg(r).arg(quick.pairs[0].value, 0, 'g', 17)));
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
        const TraceEstimate estimate =
            minimascope::core::hutchinsonTrace(dense.op(), samples, 4, nullptr, [&](const SolverProgress&) { ++reports; });
        QCOMPARE(estimate.status, RunStatus::Finished);
        QCOMPARE(estimate.samples, samples);
        QCOMPARE(estimate.products, samples);
        QCOMPARE(*dense.calls, samples);
        QCOMPARE(reports, samples);
        QVERIFY2(std::abs(estimate.trace - trueTrace) <= 4.0 * estimate.standardError,
                 qPrintable(QStringLiteral("%1 vs %2 +- %3").arg(estimate.trace).arg(trueTrace).arg(estimate.standardError)));
        // The reported error matches the estimator's known standard deviation / sqrt(samples).
        const double expectedError = sampleStd / std::sqrt(static_cast<double>(samples));
        QVERIFY2(std::abs(estimate.standardError / expectedError - 1.0) < 0.25,
                 qPrintable(QStringLiteral("%1 vs %2").arg(estimate.standardError).arg(expectedError)));
        errors.push_back(estimate.standardError);
    }
    const double ratio = errors[0] / errors[1];   // sqrt(1600 / 100) = 4
    QVERIFY2(ratio > 3.0 && ratio < 5.3, qPrintable(QString::number(ratio)));

    // Float operator: same estimate within its standard error.
    const DenseOperator single = denseOperator(a, at::kFloat);
    const TraceEstimate floatEstimate = minimascope::core::hutchinsonTrace(single.op(), 400, 4);
    QVERIFY(!*single.wrongDtype);
    QVERIFY(std::abs(floatEstimate.trace - trueTrace) <= 4.0 * floatEstimate.standardError);
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
        const TraceEstimate estimate = estimateTrace(dense.op(), seeded, nullptr, [&](const SolverProgress& p) {
            ++reports;
            QCOMPARE(p.products, reports);
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
    QVERIFY2(std::abs(mean - trueTrace) <= 4.0 * spread / std::sqrt(double(kSeeds)),
             qPrintable(QStringLiteral("mean %1 vs %2, spread %3").arg(mean).arg(trueTrace).arg(spread)));
    QVERIFY(std::abs(plainMean - trueTrace) <= 4.0 * plainSpread / std::sqrt(double(kSeeds)));
    // The reported error is the observed one: 200 seeds pin the spread to ~5%, and one estimate's
    // sample error from 20-40 probes to ~15%, so 0.5-2 fails only for a wrong formula.
    const double reported = std::sqrt(meanSquaredReportedError);
    QVERIFY2(reported > 0.5 * spread && reported < 2.0 * spread,
             qPrintable(QStringLiteral("reported %1, observed %2").arg(reported).arg(spread)));
    // The outliers' variance is gone: at equal products the error is at least 3x smaller than
    // Hutchinson's (about 19x for the Krylov sketch and 13x for random signs in a NumPy replica).
    QVERIFY2(plainSpread > 3.0 * spread,
             qPrintable(QStringLiteral("Hutchinson %1, Hutch++ %2").arg(plainSpread).arg(spread)));
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
    QVERIFY2(std::abs(estimate.trace - trueTrace) < 1e-12 * 7.0 * 60.0,
             qPrintable(QStringLiteral("%1 vs %2").arg(estimate.trace, 0, 'g', 17).arg(trueTrace, 0, 'g', 17)));
    QVERIFY2(std::abs(estimate.sketchTrace - trueTrace) < 1e-12 * 7.0 * 60.0,
             qPrintable(QString::number(estimate.sketchTrace, 'g', 17)));
    QVERIFY2(estimate.standardError < 1e-12, qPrintable(QString::number(estimate.standardError)));

    // A sketch as large as the space: Q Q^T = I, the trace is exact without probes.
    const at::Tensor small = matrixWithSpectrum(referenceSpectrum().slice(0, 0, 10), 4);
    const DenseOperator whole = denseOperator(small, at::kDouble);
    options.sketchSize = 12;   // more than the 10 dimensions: k is capped
    const TraceEstimate full = estimateTrace(whole.op(), options);
    QCOMPARE(full.sketchSize, int64_t(10));
    QCOMPARE(full.samples, int64_t(0));
    QCOMPARE(full.products, sketch == TraceSketch::Krylov ? int64_t(10) : int64_t(20));
    QCOMPARE(full.standardError, 0.0);
    QVERIFY(std::abs(full.trace - small.trace().item<double>()) < 1e-12 * 10.0 * 10.0);
}

void TestEigensolvers::hutchPlusPlusToARelativeError()
{
    const at::Tensor a = matrixWithSpectrum(outlierSpectrum(), 5);
    const DenseOperator dense = denseOperator(a, at::kDouble);
    TraceOptions options;
    options.sketchSize = 15;
    options.samples = 4;
    options.relativeStandardError = 0.002;
    options.maxSamples = 500;
    options.seed = 9;
    const TraceEstimate estimate = estimateTrace(dense.op(), options);
    QCOMPARE(estimate.status, RunStatus::Finished);
    // It stopped at the first probe count (at least 4) whose error met the target: with a probe's
    // standard deviation ~8.3 once the outliers are deflated and a trace of 531, about 60 probes.
    QVERIFY(estimate.samples >= 4 && estimate.samples < options.maxSamples);
    QCOMPARE(estimate.products, 15 + estimate.samples);
    QVERIFY2(estimate.standardError <= 0.002 * std::abs(estimate.trace),
             qPrintable(QStringLiteral("%1 of %2").arg(estimate.standardError).arg(estimate.trace)));
    // The same seed without the target draws the same probes: its estimate after as many probes
    // is the adaptive one, and one probe fewer had not reached the target.
    TraceOptions fixed = options;
    fixed.relativeStandardError = 0.0;
    fixed.samples = estimate.samples;
    QCOMPARE(estimateTrace(dense.op(), fixed).trace, estimate.trace);
    fixed.samples = estimate.samples - 1;
    const TraceEstimate before = estimateTrace(dense.op(), fixed);
    QVERIFY(before.samples < 4 || before.standardError > 0.002 * std::abs(before.trace));

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
            const TraceEstimate estimate = estimateTrace(dense.op(), options, &token, [&](const SolverProgress& p) {
                if (p.products == cancelAfter)
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
        QVERIFY2((error <= 5.0 * spread).all().item<bool>(),
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
    QVERIFY2(at::allclose(nodes, expected, 0.0, 1e-8), qPrintable(QString::number((nodes - expected).abs().max().item<double>())));
    double sum = 0.0;
    for (double w : slq.weights)
        sum += w;
    QVERIFY(std::abs(sum - 1.0) < 1e-12);
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
            QVERIFY(std::abs(weightSum - 1.0 / starts) < 1e-12);
            QVERIFY2(std::abs(moment * starts - q.dot(a.mv(q)).item<double>()) < 1e-8,
                     qPrintable(QStringLiteral("%1 vs %2").arg(moment * starts).arg(q.dot(a.mv(q)).item<double>())));
        }
        const auto [low, high] = std::minmax_element(slq.nodes.begin(), slq.nodes.end());
        QVERIFY(std::abs(slq.sigma - 0.01 * (*high - *low)) < 1e-12);
        QCOMPARE(slq.grid.size(), size_t(2000));
        QCOMPARE(slq.density.size(), size_t(2000));
        QVERIFY(std::abs(slq.grid.front() - (*low - 5 * slq.sigma)) < 1e-12);
        QVERIFY(std::abs(slq.grid.back() - (*high + 5 * slq.sigma)) < 1e-12);
        const double integral = trapezoid(slq.grid, slq.density);
        QVERIFY2(std::abs(integral - 1.0) < kDensityMass, qPrintable(QString::number(integral)));
        // The isolated top eigenvalue shows up as a node.
        QVERIFY(std::abs(*high - 10.0) < 1e-6);
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
    QVERIFY(std::abs(std::min(slq.nodes[0], slq.nodes[1]) + 1.0) < 1e-10);
    QVERIFY(std::abs(std::max(slq.nodes[0], slq.nodes[1]) - 4.0) < 1e-10);
    QVERIFY(std::abs(slq.weights[0] + slq.weights[1] - 1.0) < 1e-12);
    QVERIFY(std::abs(trapezoid(slq.grid, slq.density) - 1.0) < kDensityMass);
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
