// The RK2 optimizer (train/Rk2.h) against hand-computed steps on L(theta) = theta_1^4 / 4 + theta_2^2
// (gradient (theta_1^3, 2 theta_2)), for Heun's and the midpoint stage, with weight decay; its
// config key; and a short run through the trainer that lowers the loss.
#include "common/CancelToken.h"
#include "data/DatasetSpec.h"
#include "train/OptimizerFactory.h"
#include "train/Rk2.h"
#include "train/RunConfig.h"
#include "train/Trainer.h"
#include "support/CompareNear.h"
#include "support/TestSuite.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <QTest>

#include <cmath>

using namespace minimascope::core;

namespace {

// A few double operations on numbers near 1: rounding only.
constexpr double kHandComputed = 1e-14;

// The closure of the quartic-quadratic: writes the gradient into theta.grad(), returns the loss.
torch::optim::Optimizer::LossClosure quartic(const at::Tensor& theta)
{
    return [theta]() {
        at::NoGradGuard noGrad;
        const double a = theta[0].item<double>(), b = theta[1].item<double>();
        theta.mutable_grad() = at::tensor({a * a * a, 2.0 * b}, theta.options());
        return at::tensor(a * a * a * a / 4.0 + b * b, theta.options());
    };
}

}   // namespace

class TestRk2 : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void handComputedStep_data()
    {
        QTest::addColumn<double>("alpha");
        QTest::addColumn<double>("weightDecay");
        QTest::addColumn<double>("expected1");
        QTest::addColumn<double>("expected2");
        // theta = (1, 1), eta = 0.1.
        // Heun: k1 = (1, 2); theta - 0.1 k1 = (0.9, 0.8); k2 = (0.729, 1.6);
        //       theta - 0.05 (k1 + k2) = (1 - 0.05 * 1.729, 1 - 0.05 * 3.6) = (0.91355, 0.82).
        QTest::newRow("heun") << 1.0 << 0.0 << 0.91355 << 0.82;
        // Midpoint: theta - 0.05 k1 = (0.95, 0.9); k2 = (0.857375, 1.8);
        //           theta - 0.1 k2 = (0.9142625, 0.82).
        QTest::newRow("midpoint") << 0.5 << 0.0 << 0.9142625 << 0.82;
        // Heun with weight decay 0.5: k1 = (1.5, 2.5); stage point (0.85, 0.75);
        // k2 = (0.614125 + 0.425, 1.5 + 0.375) = (1.039125, 1.875);
        // theta - 0.05 (k1 + k2) = (1 - 0.05 * 2.539125, 1 - 0.05 * 4.375) = (0.87304375, 0.78125).
        QTest::newRow("heun, weight decay") << 1.0 << 0.5 << 0.87304375 << 0.78125;
    }

    void handComputedStep()
    {
        QFETCH(double, alpha);
        QFETCH(double, weightDecay);
        QFETCH(double, expected1);
        QFETCH(double, expected2);
        OptimizerSpec spec;
        spec.name = "rk2";
        spec.lr = 0.1;
        spec.rk2Alpha = alpha;
        spec.weightDecay = weightDecay;
        const at::Tensor theta = at::ones({2}, at::TensorOptions(at::kDouble));
        const auto optimizer = makeOptimizer(spec, theta);
        QVERIFY(dynamic_cast<Rk2*>(optimizer.get()) != nullptr);
        const double loss = optimizer->step(quartic(theta)).item<double>();
        QCOMPARE(loss, 1.25);   // the loss before the step
        MS_COMPARE_NEAR(theta[0].item<double>(), expected1, kHandComputed);
        MS_COMPARE_NEAR(theta[1].item<double>(), expected2, kHandComputed);
    }

    void needsAClosureAndAValidAlpha()
    {
        const at::Tensor theta = at::ones({2}, at::TensorOptions(at::kDouble));
        Rk2 rk2({theta}, Rk2Options(0.1));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, rk2.step(nullptr));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Rk2({theta}, Rk2Options(0.1).alpha(1.5)));
    }

    void configAndTrainer()
    {
        const nlohmann::json config{
            {"dataset", {{"name", "two-moons"}, {"n", 64}, {"test_n", 16}, {"seed", 2}}},
            {"model", {{"kind", "mlp"}, {"widths", {16, 16}}, {"activation", "tanh"}}},
            {"optimizer", {{"name", "rk2"}, {"lr", 0.2}, {"batch_size", 8}, {"rk2_alpha", 0.5}}},
            {"stop", {{"loss_below", 0.0}, {"max_iterations", 60}}},
            {"seed", 9}};
        const RunConfig c = RunConfig::fromJson(config);
        QCOMPARE(c.optimizer.name, std::string("rk2"));
        QCOMPARE(c.optimizer.rk2Alpha, 0.5);
        QCOMPARE(RunConfig::fromJson(c.toJson()).optimizer.rk2Alpha, 0.5);
        nlohmann::json bad = config;
        bad["optimizer"]["rk2_alpha"] = 0.0;
        QVERIFY_THROWS_EXCEPTION(std::exception, RunConfig::fromJson(bad));
        Trainer trainer(c, loadDatasets(c.dataset));
        CancelToken cancel;
        const TrainResult result = trainer.run(cancel);
        QCOMPARE(result.status, RunStatus::Finished);
        QCOMPARE(result.iterations, int64_t(60));
        QVERIFY(trainer.metrics().back().trainLoss < trainer.metrics().front().trainLoss);
    }
};

MINIMASCOPE_TEST_GUILESS(TestRk2)
#include "TestRk2.moc"
