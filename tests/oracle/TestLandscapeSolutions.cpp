// Surfaces between trained solutions and the remaining directions and options, against closed
// forms: Im et al.'s barycentric and bilinear surfaces and the gradient direction on a quadratic
// loss, and BatchNorm statistics recomputation against statistics set by hand.
#include "TestLandscapeQuadratic.h"
#include "data/SyntheticDatasets.h"
#include "landscape/Directions.h"
#include "landscape/GradientDirection.h"
#include "landscape/InterpolationSurfaces.h"
#include "landscape/LossSurface.h"
#include "models/FlatParameters.h"
#include "models/Mlp.h"
#include "models/SeededInit.h"
#include "support/InputErrorOf.h"
#include "train/Objective.h"
#include "support/CompareNear.h"
#include "support/TestSuite.h"

#include <QTest>

#include <memory>

using namespace minimascope::core;
using namespace minimascope::testing;

namespace {

// The bilinear plane's centre lies off the plane of three corners by far more than rounding.
constexpr double kNotOnThePlane = 1e-3;
// Losses with the data's BatchNorm statistics and with fresh ones (0, 1) differ visibly.
constexpr double kStatisticsMatter = 1e-3;

double quadraticLoss(const Quadratic& q, const at::Tensor& theta)
{
    const at::Tensor d = theta - q.centre;
    return 0.5 * d.dot(q.matrix.mv(d)).item<double>();
}

std::vector<at::Tensor> randomSolutions(int count, uint64_t seed)
{
    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(seed);
    std::vector<at::Tensor> solutions;
    for (int k = 0; k < count; ++k)
        solutions.push_back(at::randn({6}, generator, at::kDouble));
    return solutions;
}

}   // namespace

class TestLandscapeSolutions : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void barycentricSurfaceIsTheClosedFormOnTheTriangle()
    {
        const Quadratic q = makeQuadratic();
        const std::vector<at::Tensor> t = randomSolutions(3, 11);
        QuadraticModel model(t[0], q.centre, q.matrix);
        FlatParameters parameters(model);
        // 13 points a side: two progressive levels (strides 2, 1), both cut to the triangle.
        const SurfaceRequest request = barycentricRequest(t[0], t[1], t[2], 13);
        LandscapeGrid grid;
        int64_t total = 0;
        const SurfaceSink sink = [&](const LandscapeGrid&, const SurfaceLevel&, const Progress& p) { total = p.total; };
        QCOMPARE(evaluateSurface(model, parameters, oneExample(), request, grid, nullptr, sink), RunStatus::Finished);
        QCOMPARE(total, int64_t(13 * 14 / 2));   // i + j <= 12
        for (size_t j = 0; j < grid.ys.size(); ++j)
            for (size_t i = 0; i < grid.xs.size(); ++i) {
                const double loss = grid.loss[grid.index(i, j)];
                if (i + j > 12) {
                    QVERIFY(std::isnan(loss));
                    continue;
                }
                const double a = grid.xs[i], b = grid.ys[j];
                const double expected = quadraticLoss(q, t[0] + a * (t[1] - t[0]) + b * (t[2] - t[0]));
                MS_COMPARE_NEAR_AT(loss, expected, kDoubleTolerance, qPrintable(QString("at (%1, %2)").arg(a).arg(b)));
            }
        MS_COMPARE_NEAR(grid.loss[grid.index(0, 0)], quadraticLoss(q, t[0]), kDoubleTolerance);
        MS_COMPARE_NEAR(grid.loss[grid.index(12, 0)], quadraticLoss(q, t[1]), kDoubleTolerance);
        MS_COMPARE_NEAR(grid.loss[grid.index(0, 12)], quadraticLoss(q, t[2]), kDoubleTolerance);
        QVERIFY(at::equal(parameters.values(), t[0]));
    }

    void bilinearSurfaceIsTheClosedFormAndEndsOnTheFourSolutions()
    {
        const Quadratic q = makeQuadratic();
        const std::vector<at::Tensor> t = randomSolutions(4, 12);   // theta00, theta10, theta01, theta11
        QuadraticModel model(t[3], q.centre, q.matrix);
        FlatParameters parameters(model);
        const SurfaceRequest request = bilinearRequest(t[0], t[1], t[2], t[3], 13);
        LandscapeGrid grid;
        QCOMPARE(evaluateSurface(model, parameters, oneExample(), request, grid), RunStatus::Finished);
        for (size_t j = 0; j < grid.ys.size(); ++j)
            for (size_t i = 0; i < grid.xs.size(); ++i) {
                const double a = grid.xs[i], b = grid.ys[j];
                const at::Tensor theta = (1 - a) * (1 - b) * t[0] + a * (1 - b) * t[1] + (1 - a) * b * t[2]
                                         + a * b * t[3];
                const double expected = quadraticLoss(q, theta);
                MS_COMPARE_NEAR_AT(grid.loss[grid.index(i, j)], expected, kDoubleTolerance,
                                   qPrintable(QString("at (%1, %2)").arg(a).arg(b)));
            }
        MS_COMPARE_NEAR(grid.loss[grid.index(0, 0)], quadraticLoss(q, t[0]), kDoubleTolerance);
        MS_COMPARE_NEAR(grid.loss[grid.index(12, 0)], quadraticLoss(q, t[1]), kDoubleTolerance);
        MS_COMPARE_NEAR(grid.loss[grid.index(0, 12)], quadraticLoss(q, t[2]), kDoubleTolerance);
        MS_COMPARE_NEAR(grid.loss[grid.index(12, 12)], quadraticLoss(q, t[3]), kDoubleTolerance);
        // The cross term is what makes it bilinear: the centre is not on the plane of three corners.
        QCOMPARE_GT(
            std::abs(grid.loss[grid.index(6, 6)] - quadraticLoss(q, t[0] + 0.5 * (t[1] - t[0]) + 0.5 * (t[2] - t[0]))),
            kNotOnThePlane);
        QVERIFY(at::equal(parameters.values(), t[3]));
        QVERIFY(!inputErrorOf([&] { bilinearRequest(t[0], t[1], t[2], at::zeros({5}, at::kDouble), 3); }).isEmpty());
    }

    void gradientDirectionIsTheNormalizedClosedFormGradient()
    {
        const Quadratic q = makeQuadratic();
        const at::Tensor theta = randomSolutions(1, 13)[0];
        QuadraticModel model(theta, q.centre, q.matrix);
        FlatParameters parameters(model);
        const at::Tensor expected = q.matrix.mv(theta - q.centre);   // grad of 1/2 (t-c)^T A (t-c)
        const at::Tensor direction = gradientDirection(model, parameters, oneExample());
        QCOMPARE_LT((direction - expected / expected.norm()).norm().item<double>(), kDoubleTolerance);
        QVERIFY(at::equal(parameters.values(), theta));
        // At the minimum there is no direction.
        QuadraticModel atMinimum(q.centre, q.centre, q.matrix);
        FlatParameters minimumParameters(atMinimum);
        QVERIFY(!inputErrorOf([&] { gradientDirection(atMinimum, minimumParameters, oneExample()); }).isEmpty());
    }

    void batchNormRecomputationEqualsAManualRecompute()
    {
        const Dataset data = makeBlobs(60, 3, 0.8, 8);
        MlpOptions options;
        options.inputs = 2;
        options.hiddenWidths = {8};
        options.outputs = 3;
        options.batchNorm = true;
        const auto owner = std::make_shared<Mlp>(options);   // modules(include_self) needs a shared_ptr
        Mlp& mlp = *owner;
        initializeParameters(mlp, 4);
        FlatParameters parameters(mlp);
        at::Tensor runningMean, runningVar;
        for (const auto& buffer : mlp.named_buffers()) {
            if (buffer.key() == "norm0.running_mean")
                runningMean = buffer.value();
            if (buffer.key() == "norm0.running_var")
                runningVar = buffer.value();
        }
        QVERIFY(runningMean.defined() && runningVar.defined());
        const at::Tensor storedMean = runningMean.clone(), storedVar = runningVar.clone();
        const at::Tensor origin = parameters.get();
        // The statistics of the first layer's outputs over the data, set by hand, then evaluated.
        const auto manualLoss = [&](const at::Tensor& point) {
            at::NoGradGuard noGrad;
            parameters.set(point);
            const torch::nn::LinearImpl& first = *mlp.linears()[0];
            const at::Tensor h = at::linear(data.inputs, first.weight, first.bias);
            runningMean.copy_(h.mean(0));
            runningVar.copy_(h.var(0, /*unbiased=*/true));
            const double loss = evaluate(mlp, data).loss;
            runningMean.copy_(storedMean);
            runningVar.copy_(storedVar);
            parameters.set(origin);
            return loss;
        };
        SurfaceRequest request;
        request.origin = origin;
        request.direction1 = randomDirection(parameters, DirectionNormalization::Filter, false, 5);
        request.xMin = -1.0;
        request.xMax = 1.0;
        request.nx = 3;
        request.batchNormData = &data;
        LandscapeGrid recomputed, stored;
        QCOMPARE(evaluateSurface(mlp, parameters, data, request, recomputed), RunStatus::Finished);
        QVERIFY(at::equal(runningMean, storedMean) && at::equal(runningVar, storedVar));   // put back
        QVERIFY(at::equal(parameters.values(), origin));
        request.batchNormData = nullptr;
        QCOMPARE(evaluateSurface(mlp, parameters, data, request, stored), RunStatus::Finished);
        const double centre = manualLoss(origin);
        MS_COMPARE_NEAR(recomputed.loss[1], centre, kFloatTolerance * std::max(1.0, std::abs(centre)));
        const double moved = manualLoss(origin + request.direction1);
        MS_COMPARE_NEAR(recomputed.loss[2], moved, kFloatTolerance * std::max(1.0, std::abs(moved)));
        // The option matters: freshly initialized statistics (0, 1) are not the data's.
        QCOMPARE_GT(relativeError(stored.loss[1], centre), kStatisticsMatter);
        QCOMPARE(stored.loss[1], evaluate(mlp, data).loss);
    }
};

MINIMASCOPE_TEST_APPLESS(TestLandscapeSolutions)
#include "TestLandscapeSolutions.moc"
