// epsilon-sharpness (Keskar et al.) and per-layer sharpness against exact answers: the box maximum
// of a diagonal quadratic (a corner), and the reparametrization of Dinh et al. on a 2-layer
// ReLU network, which leaves the loss unchanged while the sharpness moves by alpha^2.
#include "oracle/DenseCurvature.h"

#include "analysis/CurvatureReport.h"
#include "analysis/EpsilonSharpness.h"
#include "analysis/LayerBlock.h"
#include "common/CancelToken.h"
#include "data/SyntheticDatasets.h"
#include "models/FlatParameters.h"
#include "support/CompareNear.h"
#include "support/TestSuite.h"

#include <QTest>

#include <cmath>

using namespace minimascope::core;
using namespace minimascope::testing;

namespace {

// Double precision sums of a few hundred O(1) terms.
constexpr double kDoubleTolerance = 1e-9;
// Lanczos run to residual 1e-10 |lambda|: eigenvalue error far below 1e-6 (the bound).
constexpr double kEigenTolerance = 1e-6;
// The solver's residual bound behind kEigenTolerance (eigenvalue error ~ residual^2 / gap).
constexpr double kSolverTolerance = 1e-10;
// Dinh et al.'s rescaling changes epsilon-sharpness by far more than this (it is not invariant).
constexpr double kEpsilonSharpnessChange = 0.1;

// f(theta) = 1/2 sum_j h_j (theta_j - c_j)^2 for every example (DirectLoss), h > 0.
class Quadratic : public Network {
public:
    Quadratic(at::Tensor h, at::Tensor c, at::Tensor theta) : m_h(std::move(h)), m_c(std::move(c))
    {
        m_theta = register_parameter("theta", std::move(theta));
    }
    at::Tensor forward(const at::Tensor& input) override
    {
        return (0.5 * (m_h * (m_theta - m_c).square()).sum()).expand({input.size(0)});
    }
    std::string describe() const override { return "quadratic"; }

private:
    at::Tensor m_h, m_c, m_theta;
};

Dataset directLossData(int64_t n)
{
    Dataset data;
    data.task = Task::DirectLoss;
    data.inputs = at::zeros({n, 1}, at::kDouble);
    data.targets = at::zeros({n}, at::kDouble);
    data.inputShape = {1};
    return data;
}

CurvatureReport sharpnessOf(Network& network, FlatParameters& flat, const Dataset& data)
{
    CurvatureRequest request;
    request.nonUniformity = false;
    request.layerSharpness = true;
    request.tolerance = kSolverTolerance;
    request.maxSteps = flat.size();
    request.epsilonSharpness = true;
    request.epsilonOptions.epsilon = 1e-2;
    return measureCurvature(network, flat, data, request);
}

}   // namespace

class TestSharpnessMeasures : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void epsilonSharpnessOfADiagonalQuadraticIsItsCorner_data()
    {
        QTest::addColumn<bool>("atMinimum");
        QTest::newRow("at the minimum (zero gradient)") << true;
        QTest::newRow("away from it") << false;
    }

    void epsilonSharpnessOfADiagonalQuadraticIsItsCorner()
    {
        QFETCH(bool, atMinimum);
        const at::Tensor h = at::tensor({4.0, 1.0, 0.25, 9.0}, at::kDouble);
        const at::Tensor c = at::tensor({1.0, -2.0, 0.0, 0.5}, at::kDouble);
        const at::Tensor theta = atMinimum ? c.clone() : at::tensor({1.3, -2.5, 0.3, 0.8}, at::kDouble);
        Quadratic model(h, c, theta.clone());
        FlatParameters flat(model);
        const Dataset data = directLossData(3);
        EpsilonSharpnessOptions options;
        options.epsilon = 0.05;
        // Each coordinate is convex: the box maximum is the corner farthest from c,
        // |y_j| = bound_j with the sign of theta_j - c_j (either sign where they are equal).
        // Away from the minimum |theta_j - c_j| > bound_j, so ascent from any start reaches it.
        const at::Tensor bound = options.epsilon * (theta.abs() + 1.0);
        const at::Tensor far = (theta - c).abs() + bound;
        const double loss = 0.5 * (h * (theta - c).square()).sum().item<double>();
        const double maxLoss = 0.5 * (h * far.square()).sum().item<double>();

        const EpsilonSharpnessResult result = epsilonSharpness(model, flat, data, options);
        QCOMPARE(result.status, RunStatus::Finished);
        MS_COMPARE_NEAR(result.loss, loss, kDoubleTolerance);
        MS_COMPARE_NEAR(result.maxLoss, maxLoss, kDoubleTolerance * maxLoss);
        MS_COMPARE_NEAR(result.value, 100.0 * (maxLoss - loss) / (1.0 + loss), kDoubleTolerance * result.value);
        QCOMPARE(result.gradients, options.steps + 2);
        // The parameters are back where they were.
        QVERIFY(at::equal(flat.values(), theta));

        // Cancelled before starting: status Cancelled, parameters untouched.
        CancelToken cancel;
        cancel.requestCancel();
        const EpsilonSharpnessResult cancelled = epsilonSharpness(model, flat, data, options, &cancel);
        QCOMPARE(cancelled.status, RunStatus::Cancelled);
        QVERIFY(at::equal(flat.values(), theta));
        options.epsilon = 0.0;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, epsilonSharpness(model, flat, data, options));
    }

    void dinhRescalingMovesSharpnessNotTheLoss()
    {
        // 2-6-3 ReLU network: (W1, b1) -> alpha (W1, b1), W2 -> W2 / alpha computes the same
        // function; the Hessian becomes D H D with D = diag(1/alpha on layer 1, alpha on layer 2).
        const Dataset data = toDouble(makeBlobs(20, 3, 1.0, 4));
        const auto network = tinyMlp(2, {6}, 3, Activation::Relu);
        FlatParameters flat(*network);
        const CurvatureReport before = sharpnessOf(*network, flat, data);
        const at::Tensor hessian = denseHessian(*network, data.task, data.inputs, data.targets);

        const double alpha = 10.0;
        const auto layers = parameterLayers(flat);
        QCOMPARE(layers.size(), size_t(2));
        at::Tensor scale = at::ones({flat.size()}, at::kDouble);
        scale.index_fill_(0, layers[0].indices, alpha);
        scale.index_fill_(0, layers[1].indices.narrow(0, 0, 6 * 3), 1.0 / alpha);   // W2 only, b2 stays
        flat.set(flat.get() * scale);
        const CurvatureReport after = sharpnessOf(*network, flat, data);

        // The loss is the same.
        MS_COMPARE_NEAR(after.epsilonSharpness->loss, before.epsilonSharpness->loss,
                        kDoubleTolerance * before.epsilonSharpness->loss);
        // The engine's sharpness is lambda_max of D H D, built densely here.
        const at::Tensor d = 1.0 / scale;
        const double expected = at::linalg_eigvalsh(d.unsqueeze(1) * hessian * d.unsqueeze(0)).max().item<double>();
        const double a0 = before.topEigenvalues.front().value;
        const double a1 = after.topEigenvalues.front().value;
        MS_COMPARE_NEAR(a1, expected, kEigenTolerance * expected);
        // Layer blocks move exactly: the W2 block by alpha^2, layer 1 by 1/alpha^2 (H_11 -> H_11 / alpha^2).
        const double layer1Before = before.layers[0].sharpness.value;
        MS_COMPARE_NEAR(after.layers[0].sharpness.value, layer1Before / (alpha * alpha),
                        kEigenTolerance * layer1Before / (alpha * alpha));
        // The whole sharpness grows by about alpha^2: between alpha^2 lambda_max(H_W2W2) (a
        // Rayleigh quotient on W2 alone) and alpha^2 times the old sharpness.
        const at::Tensor w2 = layers[1].indices.narrow(0, 0, 6 * 3);
        const double w2Block =
            at::linalg_eigvalsh(hessian.index_select(0, w2).index_select(1, w2)).max().item<double>();
        qDebug("Dinh et al. rescaling, alpha = %g: sharpness %.6g -> %.6g (x%.1f), epsilon-sharpness %.4g -> %.4g",
               alpha, a0, a1, a1 / a0, before.epsilonSharpness->value, after.epsilonSharpness->value);
        QCOMPARE_GE(a1, alpha * alpha * w2Block * (1.0 - kEigenTolerance));
        QCOMPARE_LE(a1, alpha * alpha * a0 * (1.0 + kEigenTolerance));
        QVERIFY(a1 > 10.0 * a0);
        // epsilon-sharpness is not invariant either.
        QCOMPARE_GT(std::abs(after.epsilonSharpness->value / before.epsilonSharpness->value - 1.0),
                    kEpsilonSharpnessChange);
    }
};

MINIMASCOPE_TEST_APPLESS(TestSharpnessMeasures)
#include "TestSharpnessMeasures.moc"
