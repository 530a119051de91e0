// The gradient-noise geometry (NoiseGeometry.h, GradientCovariance.h) against closed forms:
// dense operators whose outlier subspaces coincide (overlap 1) or are orthogonal (overlap 0), a
// gradient with a known share in H's top subspace, and, on tiny networks, the gradient
// covariance product, its top eigenvalues and the overlap against dense matrices built from
// per-example autograd gradients (double precision).
#include "oracle/DenseCurvature.h"

#include "analysis/CurvatureReport.h"
#include "analysis/GradientCovariance.h"
#include "analysis/AutogradCurvature.h"
#include "analysis/NoiseGeometry.h"
#include "data/SyntheticDatasets.h"
#include "models/FlatParameters.h"
#include "support/CompareNear.h"
#include "support/TestSuite.h"

#include <QTest>
#include <nlohmann/json.hpp>

#include <cmath>

using namespace minimascope::core;
using namespace minimascope::testing;

namespace {

// The solvers run to residual 1e-10 |lambda| on well-separated spectra (gaps >= 1 here), so an
// eigenvector's error is ~1e-10 and a squared projection's ~1e-20: 1e-8 is rounding plus margin.
constexpr double kSolverTolerance = 1e-10;
constexpr double kShareTolerance = 1e-8;
// Products against dense matrices in double precision: sums of a few hundred terms, ~1e-14
// relative; 1e-9 leaves margin and still catches a missing term (O(1)).
constexpr double kProductTolerance = 1e-9;
// Eigenvalues from Lanczos at residual 1e-10 |lambda| against eigvalsh: ~1e-12; 1e-6 is the
// oracle suites' double-precision bound (TestCurvatureSpectra).
constexpr double kEigenTolerance = 1e-6;
// Overlaps of unit vectors in 3D by hand: a couple of double roundings of numbers of order one.
constexpr double kHandRounding = 1e-15;

SymmetricOperator denseOperator(const at::Tensor& matrix)
{
    SymmetricOperator op;
    op.dimension = matrix.size(0);
    op.dtype = matrix.scalar_type();
    op.apply = [matrix](const at::Tensor& v) { return at::mv(matrix, v); };
    return op;
}

// Q diag(values) Q^T for a fixed random orthogonal Q (columns are the eigenvectors).
at::Tensor withEigenvalues(const at::Tensor& q, const std::vector<double>& values)
{
    const at::Tensor d = at::tensor(values, at::TensorOptions(at::kDouble));
    return at::mm(q * d.unsqueeze(0), q.t());
}

at::Tensor randomOrthogonal(int64_t p, uint64_t seed)
{
    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(seed);
    const at::Tensor a = at::randn({p, p}, generator, at::TensorOptions(at::kDouble));
    return std::get<0>(at::linalg_qr(a));
}

// Rows: per-example gradients g_i (flat, the network's parameter order).
at::Tensor perExampleGradients(Network& network, const Dataset& data)
{
    std::vector<at::Tensor> params;
    for (const auto& p : network.parameters())
        params.push_back(p);
    std::vector<at::Tensor> rows;
    at::AutoGradMode grad(true);
    for (int64_t i = 0; i < data.size(); ++i) {
        const at::Tensor loss = objectiveLoss(data.task, network.forward(data.inputs.narrow(0, i, 1)),
                                              data.targets.narrow(0, i, 1));
        std::vector<at::Tensor> parts;
        for (const auto& g : torch::autograd::grad({loss}, params))
            parts.push_back(g.reshape({-1}));
        rows.push_back(at::cat(parts));
    }
    return at::stack(rows);
}

}   // namespace

class TestNoiseGeometry : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void sharesOfKnownVectors()
    {
        const at::TensorOptions d(at::kDouble);
        const at::Tensor e1 = at::tensor({1.0, 0.0, 0.0}, d);
        const at::Tensor e2 = at::tensor({0.0, 1.0, 0.0}, d);
        const at::Tensor e3 = at::tensor({0.0, 0.0, 1.0}, d);
        // A non-orthonormal basis of span(e1, e2) is orthonormalized first.
        const std::vector<at::Tensor> plane{e1 * 3.0, e1 + e2};
        QCOMPARE(subspaceOverlap({e1, e2}, plane), 1.0);
        QCOMPARE(subspaceOverlap({e3}, plane), 0.0);
        MS_COMPARE_NEAR(subspaceOverlap({e1, e3}, plane), 0.5, kHandRounding);
        // (1, 1, 1): two thirds of its energy in the plane.
        MS_COMPARE_NEAR(energyShare(e1 + e2 + e3, plane), 2.0 / 3.0, kHandRounding);
        QCOMPARE(energyShare(at::zeros({3}, d), plane), 0.0);
    }

    void coincidingAndOrthogonalSubspaces_data()
    {
        QTest::addColumn<bool>("coincide");
        QTest::newRow("coincide") << true;
        QTest::newRow("orthogonal") << false;
    }

    void coincidingAndOrthogonalSubspaces()
    {
        QFETCH(bool, coincide);
        const int64_t p = 8;
        const at::Tensor q = randomOrthogonal(p, 11);
        // H: outliers 20, 10 along q0, q1, a bulk below 1.
        const at::Tensor h = withEigenvalues(q, {20, 10, 0.9, 0.7, 0.5, 0.3, 0.2, 0.1});
        // Sigma: outliers 8, 4 along q0, q1 (coincide) or along q2, q3 (orthogonal).
        const at::Tensor sigma = coincide ? withEigenvalues(q, {8, 4, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05})
                                          : withEigenvalues(q, {0.5, 0.4, 8, 4, 0.3, 0.2, 0.1, 0.05});
        // g = q0 + q2: half its energy in H's top-2 subspace.
        const at::Tensor gradient = q.select(1, 0) + q.select(1, 2);

        NoiseGeometryRequest request;
        request.top = true;
        request.overlap = true;
        request.density = true;
        request.densityOptions.steps = p;
        request.k = 2;
        request.tolerance = kSolverTolerance;
        request.maxSteps = p;
        const NoiseGeometryReport report = measureNoiseGeometry(denseOperator(h), denseOperator(sigma), gradient,
                                                                request);
        QCOMPARE(report.status, RunStatus::Finished);
        QCOMPARE(report.topEigenvalues.size(), size_t(2));
        MS_COMPARE_RELATIVE(report.topEigenvalues[0], 8.0, kEigenTolerance);
        MS_COMPARE_RELATIVE(report.topEigenvalues[1], 4.0, kEigenTolerance);
        QCOMPARE(report.hessianEigenvalues.size(), size_t(2));
        MS_COMPARE_RELATIVE(report.hessianEigenvalues[0], 20.0, kEigenTolerance);
        MS_COMPARE_NEAR(*report.overlap, coincide ? 1.0 : 0.0, kShareTolerance);
        MS_COMPARE_NEAR(*report.gradientShare, 0.5, kShareTolerance);
        MS_COMPARE_NEAR(report.gradientNorm, std::sqrt(2.0), kShareTolerance);
        // The density of an 8x8 matrix from 8 Lanczos steps: its nodes are Sigma's eigenvalues
        // (Krylov space complete) and the weights of a start sum to 1.
        const std::vector<double> expected = coincide ? std::vector<double>{8, 4, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05}
                                                      : std::vector<double>{0.5, 0.4, 8, 4, 0.3, 0.2, 0.1, 0.05};
        double weights = 0.0;
        for (size_t j = 0; j < report.density->nodes.size(); ++j) {
            weights += report.density->weights[j];
            double nearest = 1e300;
            for (double e : expected)
                nearest = std::min(nearest, std::abs(report.density->nodes[j] - e));
            QVERIFY2(nearest < kEigenTolerance, qPrintable(QString::number(report.density->nodes[j])));
        }
        MS_COMPARE_NEAR(weights, 1.0, kShareTolerance);

        // Eigenvectors the caller already has are used as given (no H solve).
        int64_t hessianProducts = 0;
        SymmetricOperator counting = denseOperator(h);
        counting.apply = [h, &hessianProducts](const at::Tensor& v) {
            ++hessianProducts;
            return at::mv(h, v);
        };
        std::vector<EigenPair> pairs{{20.0, q.select(1, 0), 0.0}, {10.0, q.select(1, 1), 0.0}};
        NoiseGeometryRequest overlapOnly = request;
        overlapOnly.density = false;
        const NoiseGeometryReport given = measureNoiseGeometry(counting, denseOperator(sigma), gradient, overlapOnly,
                                                               pairs);
        QCOMPARE(hessianProducts, int64_t(0));
        MS_COMPARE_NEAR(*given.overlap, coincide ? 1.0 : 0.0, kShareTolerance);
    }

    void gradientCovarianceMatchesDense_data()
    {
        QTest::addColumn<bool>("tanh");
        QTest::newRow("mlp relu") << false;
        QTest::newRow("mlp tanh") << true;
    }

    void gradientCovarianceMatchesDense()
    {
        QFETCH(bool, tanh);
        const Dataset data = toDouble(makeBlobs(9, 3, 1.0, 3));
        const auto network = tinyMlp(2, {5, 4}, 3, tanh ? Activation::Tanh : Activation::Relu);
        FlatParameters flat(*network);
        const int64_t p = flat.size();
        const int64_t n = data.size();
        const at::Tensor g = perExampleGradients(*network, data);   // [n, p]
        const at::Tensor second = at::mm(g.t(), g) / static_cast<double>(n);
        const at::Tensor mean = g.mean(0);
        const at::Tensor centered = second - at::outer(mean, mean);

        // chunk 4: the products sum over chunks of unequal size.
        GradientCovariance covariance(*network, flat, data, nullptr, /*chunk=*/4);
        QCOMPARE_LT(relativeError(covariance.gradient(), mean), kProductTolerance);
        at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(5);
        const at::Tensor v = at::randn({p}, generator, at::TensorOptions(at::kDouble));
        QCOMPARE_LT(relativeError(covariance.secondMoment().apply(v), at::mv(second, v)), kProductTolerance);
        QCOMPARE_LT(relativeError(covariance.covariance().apply(v), at::mv(centered, v)), kProductTolerance);

        // Through measureCurvature: Sigma_g's top-2 and the overlap with H's top-2, against the
        // dense eigenvectors.
        const at::Tensor hessian = denseHessian(*network, data.task, data.inputs, data.targets);
        const auto [hValues, hVectors] = at::linalg_eigh(hessian);   // ascending
        const auto [sValues, sVectors] = at::linalg_eigh(second);
        const int64_t k = 2;
        const at::Tensor hTop = hVectors.narrow(1, p - k, k);
        const at::Tensor sTop = sVectors.narrow(1, p - k, k);
        const double overlap = at::mm(sTop.t(), hTop).pow(2).sum().item<double>() / static_cast<double>(k);
        const double share = at::mv(hTop.t(), mean).pow(2).sum().item<double>() / at::dot(mean, mean).item<double>();

        CurvatureRequest request;
        request.topK = k;
        request.nonUniformity = false;
        request.noise.top = true;
        request.noise.overlap = true;
        request.tolerance = kSolverTolerance;
        request.maxSteps = p;
        const CurvatureReport report = measureCurvature(*network, flat, data, request);
        QCOMPARE(report.status, RunStatus::Finished);
        QVERIFY(report.noise.has_value());
        QCOMPARE(report.noise->topEigenvalues.size(), size_t(k));
        for (int64_t i = 0; i < k; ++i)
            MS_COMPARE_RELATIVE(report.noise->topEigenvalues[static_cast<size_t>(i)], sValues[p - 1 - i].item<double>(),
                                kEigenTolerance);
        MS_COMPARE_NEAR(*report.noise->overlap, overlap, kShareTolerance);
        MS_COMPARE_NEAR(*report.noise->gradientShare, share, kShareTolerance);
        QVERIFY(report.toJson().contains("gradient_noise"));
    }
};

MINIMASCOPE_TEST_GUILESS(TestNoiseGeometry)
#include "TestNoiseGeometry.moc"
