// Im, Tao & Branson's curve along the weight vector, L(alpha theta), against closed forms: a
// quadratic loss (a parabola in alpha, lowest where alpha theta reaches the quadratic's centre) and
// a ReLU MLP with zero biases, whose logits are positively homogeneous of the network's depth in
// its weights, so that L(alpha theta) is the cross-entropy of alpha^depth times theta's logits.
#include "TestLandscapeQuadratic.h"
#include "data/SyntheticDatasets.h"
#include "landscape/LossSurface.h"
#include "landscape/WeightScaling.h"
#include "models/FlatParameters.h"
#include "models/Mlp.h"
#include "models/SeededInit.h"
#include "support/InputErrorOf.h"
#include "support/TestSuite.h"
#include "train/Objective.h"

#include <QTest>

#include <cmath>
#include <limits>
#include <memory>

using namespace minimascope::core;
using namespace minimascope::testing;

namespace {

// Float32 logits through three layers, scaled by up to 2^3, then a log-sum-exp over 120
// examples: a few float rounding steps relative to the loss.
constexpr double kMlpTolerance = 1e-5;

double quadraticLoss(const Quadratic& q, const at::Tensor& theta)
{
    const at::Tensor d = theta - q.centre;
    return 0.5 * d.dot(q.matrix.mv(d)).item<double>();
}

}   // namespace

class TestWeightScaling : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void quadraticCurveIsTheParabolaInAlpha()
    {
        // theta = 1.25 c: alpha theta passes the quadratic's centre c (loss 0) at alpha = 0.8, a
        // grid point of 41 points over [0, 2] (step 0.05).
        const Quadratic q = makeQuadratic();
        const at::Tensor theta = 1.25 * q.centre;
        const double cAc = q.centre.dot(q.matrix.mv(q.centre)).item<double>();
        QVERIFY2(cAc > 0.0, "the test needs c^T A c > 0 so that alpha = 0.8 is the curve's minimum");
        QuadraticModel model(theta, q.centre, q.matrix);
        FlatParameters parameters(model);
        const SurfaceRequest request = weightScaleRequest(theta, 41);
        QCOMPARE(request.xMin, kWeightScaleMin);
        QCOMPARE(request.xMax, kWeightScaleMax);
        LandscapeGrid grid;
        QCOMPARE(evaluateSurface(model, parameters, oneExample(), request, grid), RunStatus::Finished);
        QCOMPARE(grid.xs.size(), size_t(41));
        QCOMPARE(grid.ys.size(), size_t(1));
        for (size_t i = 0; i < grid.xs.size(); ++i) {
            const double alpha = grid.xs[i];
            // 1/2 (1.25 alpha - 1)^2 c^T A c: the parabola, written without the model.
            const double expected = 0.5 * (1.25 * alpha - 1.0) * (1.25 * alpha - 1.0) * cAc;
            QVERIFY2(std::abs(grid.loss[i] - expected) < kDoubleTolerance,
                     qPrintable(QString("alpha %1: %2 vs %3").arg(alpha).arg(grid.loss[i]).arg(expected)));
            QVERIFY(std::abs(grid.loss[i] - quadraticLoss(q, alpha * theta)) < kDoubleTolerance);
        }
        QCOMPARE(lowestPoint(grid.loss), size_t(16));
        QVERIFY(std::abs(grid.xs[16] - 0.8) < kDoubleTolerance);
        QVERIFY(std::abs(grid.loss[16]) < kDoubleTolerance);
        // alpha = 0 is the origin of weight space: 1/2 c^T A c.
        QVERIFY(std::abs(grid.loss[0] - 0.5 * cAc) < kDoubleTolerance);
        QVERIFY(at::equal(parameters.values(), theta));   // put back
    }

    void reluMlpCurveIsTheHomogeneousCrossEntropy()
    {
        // 2-16-16-3 ReLU MLP, biases zero: logits(alpha theta) = alpha^3 logits(theta) for alpha >= 0.
        const Dataset data = makeBlobs(120, 3, 0.8, 8);
        MlpOptions options;
        options.inputs = 2;
        options.hiddenWidths = {16, 16};
        options.outputs = 3;
        const auto owner = std::make_shared<Mlp>(options);   // modules(include_self) needs a shared_ptr
        Mlp& mlp = *owner;
        initializeParameters(mlp, 3);
        FlatParameters parameters(mlp);
        const at::Tensor theta = parameters.get();
        for (size_t k = 0; k < parameters.slices().size(); ++k)
            if (parameters.slices()[k].name.find("bias") != std::string::npos)
                parameters.slice(theta, k).zero_();
        parameters.set(theta);
        at::Tensor logits;
        {
            at::NoGradGuard noGrad;
            mlp.eval();
            logits = mlp.forward(data.inputs).to(at::kDouble);
        }
        const at::Tensor targets = data.targets.to(at::kLong);
        const auto expectedLoss = [&](double alpha) {
            const at::Tensor z = std::pow(alpha, 3) * logits;
            return (at::logsumexp(z, 1) - z.gather(1, targets.unsqueeze(1)).squeeze(1)).mean().item<double>();
        };
        for (const bool fastPath : {true, false}) {
            SurfaceRequest request = weightScaleRequest(theta, 21, 0.0, 2.0);
            request.fastPath = fastPath;
            LandscapeGrid grid;
            QCOMPARE(evaluateSurface(mlp, parameters, data, request, grid), RunStatus::Finished);
            for (size_t i = 0; i < grid.xs.size(); ++i)
                QVERIFY2(relativeError(grid.loss[i], expectedLoss(grid.xs[i])) < kMlpTolerance,
                         qPrintable(QString("fast path %1, alpha %2: %3 vs %4")
                                        .arg(fastPath)
                                        .arg(grid.xs[i])
                                        .arg(grid.loss[i])
                                        .arg(expectedLoss(grid.xs[i]))));
            // All weights zero: every logit 0, the loss of a uniform guess over 3 classes.
            QVERIFY(std::abs(grid.loss[0] - std::log(3.0)) < kMlpTolerance);
            QVERIFY(at::equal(parameters.values(), theta));
        }
    }

    void badRequestsAreRefused()
    {
        const at::Tensor theta = at::ones({4}, at::kDouble);
        QVERIFY(inputErrorOf([&] { weightScaleRequest(theta, 1); }).contains("2 points"));
        QVERIFY(inputErrorOf([&] { weightScaleRequest(theta, 11, 1.0, 1.0); }).contains("alphaMin < alphaMax"));
        QVERIFY(inputErrorOf([&] { weightScaleRequest(at::Tensor(), 11); }).contains("no parameters"));
        const SurfaceRequest request = weightScaleRequest(theta, 11, -0.5, 1.5);
        QVERIFY(at::equal(request.origin, at::zeros({4}, at::kDouble)));
        QVERIFY(at::equal(request.direction1, theta));
        QVERIFY(!request.direction2.defined());
        QCOMPARE(request.nx, int64_t(11));
        // The lowest point skips points not computed (NaN).
        constexpr double nan = std::numeric_limits<double>::quiet_NaN();
        QCOMPARE(lowestPoint({nan, 3.0, -1.0, nan, 0.5}), size_t(2));
        QCOMPARE(lowestPoint({nan, nan}), size_t(2));
        QCOMPARE(lowestPoint({}), size_t(0));
    }
};

MINIMASCOPE_TEST_APPLESS(TestWeightScaling)
#include "TestWeightScaling.moc"
