// AdaHessian against steps computed by hand on f(theta) = 1/2 sum_j h_j (theta_j - c_j)^2, whose
// Hessian is diag(h): the Hutchinson estimate z .* (H z) = h is then exact for every Rademacher
// z, so a step is deterministic. The model returns this loss for every example (a DirectLoss
// task), so the gradient and the H z product go through the trainer's own create_graph path.
// Also the trainer end to end on the escape toy, where f = (x - 1)^2 near x = 1.
#include "data/DatasetSpec.h"
#include "models/EscapeToyModel.h"
#include "models/FlatParameters.h"
#include "models/Network.h"
#include "train/AdaHessian.h"
#include "train/LossGradient.h"
#include "train/OptimizerFactory.h"
#include "train/RunConfig.h"
#include "train/Trainer.h"
#include "common/CancelToken.h"
#include "common/InputError.h"
#include "support/CompareNear.h"
#include "support/TestSuite.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <QTest>

#include <cmath>
#include <vector>

using namespace minimascope::core;

namespace {

// A few double operations on O(1) numbers.
constexpr double kDoubleTol = 1e-12;
// The toy's float32 parameter after one step: one rounding of an O(1) value (~6e-8).
constexpr double kFloatParameterTol = 1e-7;

// theta: [3] plain parameters; kernel: [2, 1, 2, 2], two 2x2 convolution kernels whose
// estimates AdaHessian averages over the 4 positions.
class DiagonalQuadratic : public Network {
public:
    DiagonalQuadratic()
    {
        m_theta = register_parameter("theta", at::tensor({0.5, -0.3, 0.8}, at::kDouble));
        m_kernel = register_parameter(
            "kernel", at::tensor({1.0, -2.0, 0.5, 0.0, 0.25, 1.5, -1.0, 2.0}, at::kDouble).view({2, 1, 2, 2}));
    }
    static at::Tensor curvature()
    {
        return at::tensor({3.0, 0.5, 2.0, 1.0, 4.0, 2.0, 0.5, 3.0, 1.0, 0.25, 6.0}, at::kDouble);
    }
    static at::Tensor centre()
    {
        return at::tensor({1.0, 0.0, -1.0, 0.5, 0.5, 0.0, -0.5, 1.0, 2.0, 0.0, 1.0}, at::kDouble);
    }
    at::Tensor forward(const at::Tensor& input) override
    {
        const at::Tensor x = at::cat({m_theta, m_kernel.reshape({-1})});
        const at::Tensor loss = 0.5 * (curvature() * (x - centre()).square()).sum();
        return loss.expand({input.size(0)});
    }
    std::string describe() const override { return "diagonal quadratic"; }

private:
    at::Tensor m_theta;
    at::Tensor m_kernel;
};

// D after AdaHessian's kernel averaging: |h| for theta, the mean of |h| over each kernel.
std::vector<double> averagedDiagonal()
{
    const at::Tensor h = DiagonalQuadratic::curvature();
    std::vector<double> d(h.data_ptr<double>(), h.data_ptr<double>() + 11);
    for (int kernel = 0; kernel < 2; ++kernel) {
        double mean = 0.0;
        for (int j = 0; j < 4; ++j)
            mean += std::abs(d[static_cast<size_t>(3 + 4 * kernel + j)]) / 4.0;
        for (int j = 0; j < 4; ++j)
            d[static_cast<size_t>(3 + 4 * kernel + j)] = mean;
    }
    return d;
}

}   // namespace

class TestAdaHessian : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void twoStepsMatchHandComputation_data()
    {
        QTest::addColumn<double>("power");
        QTest::newRow("k = 1") << 1.0;
        QTest::newRow("k = 0.5") << 0.5;
    }

    void twoStepsMatchHandComputation()
    {
        QFETCH(double, power);
        const double lr = 0.15, beta1 = 0.9, beta2 = 0.999, eps = 1e-4, decay = 0.01;
        DiagonalQuadratic model;
        FlatParameters flat(model);
        SecondOrderLossGradient lossGradient(model, flat, Task::DirectLoss);
        OptimizerSpec spec;
        spec.name = "adahessian";
        spec.lr = lr;
        spec.eps = eps;
        spec.weightDecay = decay;
        spec.hessianPower = power;
        auto optimizer = makeOptimizer(spec, flat.values(), flat.slices(), 3);
        auto* adaHessian = dynamic_cast<AdaHessian*>(optimizer.get());
        QVERIFY(adaHessian);
        adaHessian->setHessianProduct([&](const at::Tensor& z) { return lossGradient.hessianProduct(z); });
        const at::Tensor inputs = at::zeros({2, 1}, at::kDouble);

        // Hand computation in plain doubles.
        const at::Tensor h = DiagonalQuadratic::curvature();
        const at::Tensor c = DiagonalQuadratic::centre();
        std::vector<double> theta(11), m(11, 0.0), v(11, 0.0);
        const at::Tensor start = flat.get();
        for (int j = 0; j < 11; ++j)
            theta[static_cast<size_t>(j)] = start[j].item<double>();
        const std::vector<double> d = averagedDiagonal();
        for (int t = 1; t <= 2; ++t) {
            const double expectedLoss = 0.5 * (h * (at::tensor(theta, at::kDouble) - c).square()).sum().item<double>();
            const at::Tensor loss = optimizer->step([&] { return lossGradient.compute(inputs, inputs); });
            MS_COMPARE_NEAR(loss.item<double>(), expectedLoss, kDoubleTol);
            for (size_t j = 0; j < 11; ++j) {
                const double g = h[static_cast<int64_t>(j)].item<double>()
                                 * (theta[j] - c[static_cast<int64_t>(j)].item<double>());
                m[j] = beta1 * m[j] + (1 - beta1) * g;
                v[j] = beta2 * v[j] + (1 - beta2) * d[j] * d[j];
                const double mHat = m[j] / (1 - std::pow(beta1, t));
                const double denominator = std::pow(std::sqrt(v[j]) / std::sqrt(1 - std::pow(beta2, t)), power) + eps;
                theta[j] -= lr * (mHat / denominator + decay * theta[j]);
            }
            const at::Tensor actual = flat.get();
            for (size_t j = 0; j < 11; ++j)
                MS_COMPARE_NEAR_AT(actual[static_cast<int64_t>(j)].item<double>(), theta[j], kDoubleTol,
                                   qPrintable(QStringLiteral("step %1, entry %2").arg(t).arg(j)));
            for (size_t j = 0; j < 11; ++j)
                MS_COMPARE_NEAR_AT(adaHessian->lastDiagonal()[static_cast<int64_t>(j)].item<double>(), d[j], kDoubleTol,
                                   qPrintable(QStringLiteral("step %1, entry %2").arg(t).arg(j)));
        }
        // Without a Hessian product it cannot step.
        AdaHessian bare(flat.values(), flat.slices(), AdaHessianOptions());
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 bare.step([&] { return lossGradient.compute(inputs, inputs); }));
    }

    void trainerStepOnTheEscapeToy()
    {
        // Near x = 1 both examples are on their (x - 1)^2 branch: f = (x - 1)^2, g = 2 (x - 1),
        // H = 2, so the first step is x - lr g / (2^k + eps) (bias corrections cancel at t = 1).
        const nlohmann::json config{{"dataset", {{"name", "escape-toy"}}},
                                    {"model", {{"kind", "escape-toy"}, {"x0", 0.99}}},
                                    {"optimizer", {{"name", "adahessian"}, {"batch_size", 2}}},
                                    {"stop", {{"loss_below", 0.0}, {"max_iterations", 1}}}};
        const RunConfig c = RunConfig::fromJson(config);
        QCOMPARE(c.optimizer.lr, 0.15);
        QCOMPARE(c.optimizer.eps, 1e-4);
        QCOMPARE(c.optimizer.hessianPower, 1.0);
        QCOMPARE(RunConfig::fromJson(c.toJson()).toJson().dump(), c.toJson().dump());
        Trainer trainer(c, loadDatasets(c.dataset));
        CancelToken token;
        const TrainResult result = trainer.run(token);
        QCOMPARE(result.iterations, int64_t(1));
        const double x0 = static_cast<double>(0.99f);   // the toy's parameter is float32
        const double expected = x0 - 0.15 * 2.0 * (x0 - 1.0) / (2.0 + 1e-4);
        const double x = dynamic_cast<EscapeToyModel&>(trainer.network()).position();
        MS_COMPARE_NEAR(x, expected, kFloatParameterTol);

        nlohmann::json bad = config;
        bad["optimizer"]["hessian_power"] = 2.0;
        QVERIFY_THROWS_EXCEPTION(InputError, RunConfig::fromJson(bad));
    }
};

MINIMASCOPE_TEST_APPLESS(TestAdaHessian)
#include "TestAdaHessian.moc"
