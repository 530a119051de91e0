// Weight-space symmetries (landscape/WeightSymmetry.h): a hidden-unit permutation (and, for tanh,
// sign flips) of an MLP gives a different point with the same outputs and loss; the straight line
// between the copies and its barrier, against a hand-made curve and the endpoints' losses.
#include "oracle/DenseCurvature.h"

#include "common/InputError.h"
#include "data/SyntheticDatasets.h"
#include "landscape/WeightSymmetry.h"
#include "models/FlatParameters.h"
#include "models/ModelSpec.h"
#include "models/Network.h"
#include "support/CompareNear.h"
#include "support/TestSuite.h"

#include <QTest>

#include <cmath>

using namespace minimascope::core;
using namespace minimascope::testing;

namespace {

// The bound: the twin's loss equal to 1e-6 relative. In double precision the outputs
// agree to rounding (a sum reordered), far below it.
constexpr double kSameLoss = 1e-6;
// Output-wise agreement in double precision: sums of a few terms in another order.
constexpr double kSameOutputs = 1e-12;

std::shared_ptr<Mlp> makeMlp(Activation activation, bool batchNorm)
{
    MlpOptions options;
    options.inputs = 2;
    options.hiddenWidths = {6, 5};
    options.outputs = 3;
    options.activation = activation;
    options.batchNorm = batchNorm;
    auto mlp = std::make_shared<Mlp>(options);
    initializeParameters(*mlp, 3);
    mlp->to(at::kDouble);
    return mlp;
}

}   // namespace

class TestWeightSymmetry : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void twinHasTheSameLoss_data()
    {
        QTest::addColumn<int>("activation");
        QTest::addColumn<bool>("flip");
        QTest::addColumn<bool>("batchNorm");
        QTest::newRow("relu, permutation") << int(Activation::Relu) << false << false;
        QTest::newRow("gelu, permutation") << int(Activation::Gelu) << false << false;
        QTest::newRow("tanh, permutation") << int(Activation::Tanh) << false << false;
        QTest::newRow("tanh, permutation and signs") << int(Activation::Tanh) << true << false;
        QTest::newRow("tanh, BatchNorm, signs") << int(Activation::Tanh) << true << true;
        QTest::newRow("relu, BatchNorm") << int(Activation::Relu) << false << true;
    }

    void twinHasTheSameLoss()
    {
        QFETCH(int, activation);
        QFETCH(bool, flip);
        QFETCH(bool, batchNorm);
        const auto mlp = makeMlp(static_cast<Activation>(activation), batchNorm);
        FlatParameters flat(*mlp);
        const Dataset data = toDouble(makeBlobs(40, 3, 1.0, 4));
        if (batchNorm) {
            // Running statistics that are not the initial 0 / 1, so that their permutation matters.
            at::NoGradGuard noGrad;
            mlp->train();
            for (int i = 0; i < 5; ++i)
                mlp->forward(data.inputs);
        }
        mlp->eval();
        const at::Tensor original = flat.get();
        at::Tensor outputs;
        {
            at::NoGradGuard noGrad;
            outputs = mlp->forward(data.inputs);
        }
        const double loss = evaluate(*mlp, data).loss;

        const HiddenSymmetry symmetry = randomHiddenSymmetry(*mlp, 11, flip);
        const SymmetricTwin twin = symmetricTwin(*mlp, flat, symmetry);
        QVERIFY(at::equal(flat.values(), original));   // the network is untouched
        // A different point: far away in parameter space.
        QVERIFY((twin.parameters - original).norm().item<double>() > 0.1 * original.norm().item<double>());
        applyTwin(*mlp, flat, twin);
        at::Tensor twinOutputs;
        {
            at::NoGradGuard noGrad;
            twinOutputs = mlp->forward(data.inputs);
        }
        const double twinLoss = evaluate(*mlp, data).loss;
        MS_COMPARE_NEAR(twinLoss, loss, kSameLoss * loss);
        QCOMPARE_LT(relativeError(twinOutputs, outputs), kSameOutputs);
    }

    void signFlipsNeedAnOddActivation()
    {
        const auto mlp = makeMlp(Activation::Relu, false);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, randomHiddenSymmetry(*mlp, 1, true));
        FlatParameters flat(*mlp);
        HiddenSymmetry bad = randomHiddenSymmetry(*mlp, 1, false);
        bad.permutations[0][0] = bad.permutations[0][1];   // not a permutation any more
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, symmetricTwin(*mlp, flat, bad));
    }

    void barrierOfKnownCurves()
    {
        // L(t) = 1 + 4 t (1 - t) over endpoints 1 and 1: barrier 1 at t = 0.5.
        const std::vector<double> t{0, 0.25, 0.5, 0.75, 1};
        std::vector<double> bump, line;
        for (double x : t) {
            bump.push_back(1 + 4 * x * (1 - x));
            line.push_back(2 + 3 * x);   // linear: no barrier
        }
        double where = -1;
        QCOMPARE(lineBarrier(t, bump, &where), 1.0);
        QCOMPARE(where, 0.5);
        QCOMPARE(lineBarrier(t, line), 0.0);
    }

    void lineBetweenTwins()
    {
        const auto mlp = makeMlp(Activation::Tanh, false);
        FlatParameters flat(*mlp);
        const Dataset data = toDouble(makeBlobs(40, 3, 1.0, 4));
        const at::Tensor original = flat.get();
        const SymmetricTwin twin = symmetricTwin(*mlp, flat, randomHiddenSymmetry(*mlp, 5, true));
        const LinePath path = lossAlongLine(*mlp, flat, data, original, twin.parameters, 11);
        QCOMPARE(path.status, RunStatus::Finished);
        QCOMPARE(path.t.size(), size_t(11));
        QVERIFY(at::equal(flat.values(), original));   // put back
        // Both ends are the same function: the same loss; the middle is another network.
        MS_COMPARE_NEAR(path.loss.back(), path.loss.front(), kSameLoss * path.loss.front());
        QCOMPARE(path.loss.front(), evaluate(*mlp, data).loss);
        double expectedWhere = 0;
        QCOMPARE(path.barrier, lineBarrier(path.t, path.loss, &expectedWhere));
        QCOMPARE(path.barrierT, expectedWhere);
        qDebug("tanh 2-6-5-3 twins: loss %.6g at both ends, barrier %.4g at t = %.2g", path.loss.front(), path.barrier,
               path.barrierT);
    }

    void twinLineIsTheDirectionToTheTwin()
    {
        // The CLI's and the app's line: theta + 1 * direction is the seeded twin, signs flipped for tanh.
        for (const Activation activation : {Activation::Tanh, Activation::Relu}) {
            const auto mlp = makeMlp(activation, false);
            FlatParameters flat(*mlp);
            const bool flip = activation == Activation::Tanh;
            const TwinLine line = twinLine(*mlp, flat, 5);
            const SymmetricTwin twin = symmetricTwin(*mlp, flat, randomHiddenSymmetry(*mlp, 5, flip));
            QCOMPARE(line.signsFlipped, flip);
            QVERIFY(!line.batchNorm);
            QVERIFY(at::equal(line.direction, twin.parameters - flat.get()));
        }
        // Only an MLP has hidden units to permute.
        const std::shared_ptr<Network> toy = buildModel(modelPreset("escape-toy"), makeEscapeToy(), 0);
        FlatParameters toyFlat(*toy);
        QVERIFY_THROWS_EXCEPTION(InputError, twinLine(*toy, toyFlat, 0));
    }
};

MINIMASCOPE_TEST_GUILESS(TestWeightSymmetry)
#include "TestWeightSymmetry.moc"
