// The hand-written MLP backward pass (MlpBackprop) against autograd: the same loss, the same
// gradients, and a fused SGD step that lands exactly where theta - lr * autograd_grad does.
#include "data/Dataset.h"
#include "models/FlatParameters.h"
#include "models/Mlp.h"
#include "models/ModelSpec.h"
#include "models/SeededInit.h"
#include "train/LossGradient.h"
#include "train/MlpBackprop.h"
#include "train/Objective.h"
#include "support/CompareNear.h"
#include "support/TestSuite.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <QTest>

#include <cmath>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

using namespace minimascope::core;

namespace {

// Both passes compute the same float32 sums in a possibly different order (mm vs. autograd's
// mm on transposed operands); rounding differences stay a few ulps of the largest term.
constexpr double kFloatTol = 1e-5;   // float32, sums over at most ~10 terms per entry
// The canonical network sums over 784 and 256 inputs per unit.
constexpr double kWideFloatTol = 5e-5;   // float32 accumulation over ~1e3 terms
// The comparisons prove something only if the loss and the gradient are visibly nonzero.
constexpr double kNonTrivial = 1e-3;
// An untrained 10-class network's loss is near ln 10: its initial logits are small, not zero.
constexpr double kUntrainedLossTol = 0.5;

struct Case {
    Activation activation;
    Task task;
    int64_t batch;
};

std::shared_ptr<Mlp> smallMlp(Activation activation, uint64_t seed)
{
    MlpOptions options;
    options.inputs = 5;
    options.hiddenWidths = {7, 6};
    options.outputs = 3;
    options.activation = activation;
    auto mlp = std::make_shared<Mlp>(options);
    initializeParameters(*mlp, seed);
    return mlp;
}

// Inputs of [batch, 5]; targets class indices (classification) or [batch, 3] floats (regression).
std::pair<at::Tensor, at::Tensor> batchFor(Task task, int64_t batch, uint64_t seed)
{
    at::Generator g = at::make_generator<at::CPUGeneratorImpl>(seed);
    const at::Tensor x = at::randn({batch, 5}, g, at::kFloat);
    at::Tensor y;
    if (task == Task::Classification)
        y = at::randint(0, 3, {batch}, g, at::kLong);
    else
        y = at::randn({batch, 3}, g, at::kFloat);
    return {x, y};
}

// Maximum absolute difference, for failure messages.
double maxDiff(const at::Tensor& a, const at::Tensor& b)
{
    return (a.to(at::kDouble) - b.to(at::kDouble)).abs().max().item<double>();
}

QByteArray describe(const Case& c)
{
    return QByteArray(toString(c.activation)) + (c.task == Task::Classification ? " CE" : " MSE") + " batch "
           + QByteArray::number(static_cast<qlonglong>(c.batch));
}

std::vector<Case> allCases()
{
    std::vector<Case> cases;
    for (Activation a : {Activation::Relu, Activation::Tanh, Activation::Gelu})
        for (Task t : {Task::Classification, Task::Regression})
            for (int64_t b : {4, 1})
                cases.push_back({a, t, b});
    return cases;
}

// Loss and gradient by autograd on the network as it is now (gradients cloned).
std::pair<double, at::Tensor> autogradLossAndGradient(Network& net, FlatParameters& flat, Task task,
                                                      const at::Tensor& x, const at::Tensor& y)
{
    AutogradLossGradient autograd(net, flat, task);
    const double loss = autograd.compute(x, y).item<double>();
    return {loss, flat.gradients().clone()};
}

}   // namespace

class TestMlpBackprop : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void supportsOnlyPlainMlpsOnLabelledTasks()
    {
        auto mlp = smallMlp(Activation::Relu, 1);
        QVERIFY(MlpBackprop::supports(*mlp, Task::Classification));
        QVERIFY(MlpBackprop::supports(*mlp, Task::Regression));
        QVERIFY(!MlpBackprop::supports(*mlp, Task::DirectLoss));
        MlpOptions withNorm;
        withNorm.inputs = 5;
        withNorm.hiddenWidths = {7};
        withNorm.outputs = 3;
        withNorm.batchNorm = true;
        Mlp normed(withNorm);
        QVERIFY(!MlpBackprop::supports(normed, Task::Classification));

        // makeLossGradient picks the hand-written path exactly when supported.
        FlatParameters flat(*mlp);
        QVERIFY(dynamic_cast<MlpBackprop*>(makeLossGradient(*mlp, flat, Task::Classification).get()));
        QVERIFY(!dynamic_cast<MlpBackprop*>(makeLossGradient(*mlp, flat, Task::DirectLoss).get()));
        FlatParameters normedFlat(normed);
        QVERIFY(!dynamic_cast<MlpBackprop*>(makeLossGradient(normed, normedFlat, Task::Classification).get()));
    }

    void lossAndGradientMatchAutograd()
    {
        uint64_t seed = 10;
        for (const Case& c : allCases()) {
            ++seed;
            auto mlp = smallMlp(c.activation, seed);
            FlatParameters flat(*mlp);
            const auto [x, y] = batchFor(c.task, c.batch, seed + 100);

            const auto [autogradLoss, autogradGrad] = autogradLossAndGradient(*mlp, flat, c.task, x, y);
            // Loss must be a real, nonzero number, and the gradient nonzero: otherwise the
            // comparison below would prove nothing.
            QVERIFY2(autogradLoss > kNonTrivial, describe(c));
            QVERIFY2(autogradGrad.abs().max().item<double>() > kNonTrivial, describe(c));

            // Poison the gradient vector: MlpBackprop must overwrite every entry.
            flat.gradients().fill_(12345.0f);
            const at::Tensor theta = flat.get();
            MlpBackprop backprop(*mlp, c.task);
            const double loss = backprop.compute(x, y).item<double>();

            MS_COMPARE_NEAR_AT(loss, autogradLoss, kFloatTol * std::max(1.0, std::abs(autogradLoss)),
                               describe(c).constData());
            const double diff = maxDiff(flat.gradients(), autogradGrad);
            QVERIFY2(diff <= kFloatTol, describe(c) + " max grad diff " + QByteArray::number(diff));
            // The output it reports is the network's forward output.
            QVERIFY2(at::allclose(backprop.lastOutput(), mlp->forward(x).detach(), 0, kFloatTol), describe(c));
            // Parameters are untouched by compute().
            QVERIFY2(at::equal(flat.values(), theta), describe(c));
        }
    }

    void fullDataGradientInChunksEqualsOneBatch()
    {
        // evaluateWithGradient sums the chunks' gradients weighted by their share of n; over 20
        // examples in chunks of 7, 7 and 6 it must equal the hand-written backward pass over
        // all 20 at once, and its loss and accuracy those of evaluate().
        uint64_t seed = 30;
        for (const Case& c : allCases()) {
            ++seed;
            auto mlp = smallMlp(c.activation, seed);
            FlatParameters flat(*mlp);
            Dataset data;
            data.task = c.task;
            std::tie(data.inputs, data.targets) = batchFor(c.task, 20, seed + 100);
            data.numClasses = c.task == Task::Classification ? 3 : 0;
            const GradientEvaluation chunked = evaluateWithGradient(*mlp, data, nullptr, 7);
            flat.gradients().fill_(12345.0f);
            MlpBackprop backprop(*mlp, c.task);
            const double loss = backprop.compute(data.inputs, data.targets).item<double>();
            QVERIFY2(chunked.gradient.defined(), describe(c));
            QVERIFY2(flat.gradients().abs().max().item<double>() > kNonTrivial, describe(c));
            const double diff = maxDiff(chunked.gradient, flat.gradients());
            QVERIFY2(diff <= kFloatTol, describe(c) + " max grad diff " + QByteArray::number(diff));
            MS_COMPARE_NEAR_AT(chunked.loss, loss, kFloatTol * std::max(1.0, loss), describe(c).constData());
            const Evaluation plain = evaluate(*mlp, data, nullptr, 7);
            MS_COMPARE_NEAR_AT(chunked.loss, plain.loss, kFloatTol * std::max(1.0, loss), describe(c).constData());
            QVERIFY2(std::isnan(plain.accuracy) == std::isnan(chunked.accuracy), describe(c));
            if (!std::isnan(plain.accuracy))
                QCOMPARE(chunked.accuracy, plain.accuracy);
        }
    }

    void fusedSgdStepEqualsThetaMinusLrGrad()
    {
        constexpr double kLr = 0.37;
        uint64_t seed = 50;
        for (const Case& c : allCases()) {
            ++seed;
            auto mlp = smallMlp(c.activation, seed);
            FlatParameters flat(*mlp);
            const auto [x, y] = batchFor(c.task, c.batch, seed + 100);
            const at::Tensor theta = flat.get();
            const auto [autogradLoss, grad] = autogradLossAndGradient(*mlp, flat, c.task, x, y);
            const at::Tensor gradientsBefore = flat.gradients().clone();

            MlpBackprop backprop(*mlp, c.task);
            const double loss = backprop.fusedSgdStep(x, y, kLr).item<double>();

            // Loss is that of the parameters before the step.
            MS_COMPARE_NEAR_AT(loss, autogradLoss, kFloatTol * std::max(1.0, std::abs(autogradLoss)),
                               describe(c).constData());
            const at::Tensor expected = theta - kLr * grad;
            const double diff = maxDiff(flat.values(), expected);
            QVERIFY2(diff <= kFloatTol, describe(c) + " max diff " + QByteArray::number(diff));
            // The step moved the parameters by a visible amount.
            QVERIFY2(maxDiff(flat.values(), theta) > 100 * kFloatTol, describe(c));
            // The .grad views are left untouched.
            QVERIFY2(at::equal(flat.gradients(), gradientsBefore), describe(c));
        }
    }

    void twoFusedStepsFollowAutogradSgd()
    {
        // The second step uses weights updated by the first: the fused update must not mix
        // old and new weights (the error signal is propagated before a layer's update).
        constexpr double kLr = 0.5;
        auto fused = smallMlp(Activation::Tanh, 77);
        auto reference = smallMlp(Activation::Tanh, 77);
        FlatParameters fusedFlat(*fused);
        FlatParameters referenceFlat(*reference);
        QVERIFY(at::equal(fusedFlat.values(), referenceFlat.values()));
        MlpBackprop backprop(*fused, Task::Classification);
        AutogradLossGradient autograd(*reference, referenceFlat, Task::Classification);
        for (int step = 0; step < 2; ++step) {
            const auto [x, y] = batchFor(Task::Classification, 4, 200 + static_cast<uint64_t>(step));
            backprop.fusedSgdStep(x, y, kLr);
            autograd.compute(x, y);
            at::NoGradGuard noGrad;
            referenceFlat.values().sub_(kLr * referenceFlat.gradients());
        }
        const double diff = maxDiff(fusedFlat.values(), referenceFlat.values());
        QVERIFY2(diff <= kFloatTol, QByteArray::number(diff));
    }

    void canonicalMlpMatchesAutograd()
    {
        Dataset data;
        data.name = "fashion-shaped";
        data.task = Task::Classification;
        at::Generator g = at::make_generator<at::CPUGeneratorImpl>(5);
        data.inputs = at::rand({4, 1, 28, 28}, g, at::kFloat);
        data.targets = at::tensor(std::vector<int64_t>{3, 0, 9, 3}, at::kLong);
        data.numClasses = 10;
        data.inputShape = {1, 28, 28};

        auto net = buildModel(modelPreset("mlp-256x4"), data, 2);
        auto* mlp = dynamic_cast<Mlp*>(net.get());
        QVERIFY(mlp);
        FlatParameters flat(*net);
        QCOMPARE(flat.size(), int64_t(784 * 256 + 256 + 3 * (256 * 256 + 256) + 256 * 10 + 10));

        const auto [autogradLoss, grad] = autogradLossAndGradient(*net, flat, Task::Classification, data.inputs,
                                                                  data.targets);
        // An untrained 10-class network has a loss near ln 10.
        MS_COMPARE_NEAR(autogradLoss, std::log(10.0), kUntrainedLossTol);

        MlpBackprop backprop(*mlp, Task::Classification);
        const double loss = backprop.compute(data.inputs, data.targets).item<double>();
        MS_COMPARE_NEAR(loss, autogradLoss, kWideFloatTol);
        const double diff = maxDiff(flat.gradients(), grad);
        QVERIFY2(diff <= kWideFloatTol, QByteArray::number(diff));
        QCOMPARE_GT(grad.abs().max().item<double>(), kNonTrivial);

        // And one fused step on a single example.
        const at::Tensor x1 = data.inputs.narrow(0, 1, 1);
        const at::Tensor y1 = data.targets.narrow(0, 1, 1);
        const auto [loss1, grad1] = autogradLossAndGradient(*net, flat, Task::Classification, x1, y1);
        const at::Tensor theta = flat.get();
        constexpr double kLr = 0.1;
        backprop.fusedSgdStep(x1, y1, kLr);
        const double stepDiff = maxDiff(flat.values(), theta - kLr * grad1);
        QVERIFY2(stepDiff <= kWideFloatTol, QByteArray::number(stepDiff));
    }
};

MINIMASCOPE_TEST_APPLESS(TestMlpBackprop)
#include "TestMlpBackprop.moc"
