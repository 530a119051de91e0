// The classic XOR problem on a 2-2-1 network (Hamey 1998): the data set and the shipped preset,
// the loss of hand-built weights against the value computed by hand, an exact solution, a
// saturated plateau, the Hessian's eigenvector plane of the 9-weight net, and the plateau count of
// landscape/SurfacePlateaus.h on surfaces whose slopes are known in closed form.
#include "oracle/DenseCurvature.h"

#include "data/DatasetSpec.h"
#include "data/SyntheticDatasets.h"
#include "landscape/EigenDirections.h"
#include "landscape/LossSurface.h"
#include "landscape/SurfacePlateaus.h"
#include "models/FlatParameters.h"
#include "models/Mlp.h"
#include "models/ModelSpec.h"
#include "support/InputErrorOf.h"
#include "support/CompareNear.h"
#include "support/TestSuite.h"
#include "train/Objective.h"
#include "train/RunConfig.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <QTest>

#include <cmath>

using namespace minimascope::core;
using namespace minimascope::testing;

namespace {

// Double-precision forward passes of four examples against a formula of a few tanh values.
constexpr double kByHand = 1e-12;
// At the hand-solved global minimum the residuals are double rounding (~1e-16): their mean
// square is ~1e-32.
constexpr double kGlobalMinimumLoss = 1e-28;
// tanh 40 rounds to 1 in double: the hidden weights' gradient vanishes, at most ~1 - tanh^2 40
// (7e-35).
constexpr double kPlateauGradient = 1e-30;
// Eigenvectors of the landscape's solver: normalized in double (rounding), and orthogonal to the
// solver's convergence, which is looser.
constexpr double kUnitNorm = 1e-9;
constexpr double kOrthogonal = 1e-6;

// The 2-2-1 tanh MLP of the preset, in double precision, with the given weights.
std::shared_ptr<Mlp> xorNetwork(const std::vector<double>& hiddenWeight, const std::vector<double>& hiddenBias,
                                const std::vector<double>& outputWeight, double outputBias)
{
    MlpOptions options;
    options.inputs = 2;
    options.hiddenWidths = {2};
    options.outputs = 1;
    options.activation = Activation::Tanh;
    auto mlp = std::make_shared<Mlp>(options);
    mlp->to(at::kDouble);
    at::NoGradGuard noGrad;
    const auto& linears = mlp->linears();
    linears[0]->weight.copy_(at::tensor(hiddenWeight, at::kDouble).reshape({2, 2}));
    linears[0]->bias.copy_(at::tensor(hiddenBias, at::kDouble));
    linears[1]->weight.copy_(at::tensor(outputWeight, at::kDouble).reshape({1, 2}));
    linears[1]->bias.fill_(outputBias);
    return mlp;
}

double xorLoss(Network& network) { return evaluate(network, toDouble(makeXorClassic())).loss; }

// A grid over [-1, 1]^2 (n points a side) holding f(alpha, beta).
template <class F> LandscapeGrid gridOf(int64_t n, const F& f)
{
    LandscapeGrid grid;
    for (int64_t i = 0; i < n; ++i) {
        grid.xs.push_back(-1.0 + 2.0 * static_cast<double>(i) / static_cast<double>(n - 1));
        grid.ys.push_back(grid.xs.back());
    }
    for (double beta : grid.ys)
        for (double alpha : grid.xs)
            grid.loss.push_back(f(alpha, beta));
    return grid;
}

}   // namespace

class TestXorSurface : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void fourPatterns()
    {
        const Dataset d = makeXorClassic();
        QCOMPARE(d.task, Task::Regression);
        QCOMPARE(d.outputCount(), int64_t(1));
        QVERIFY(at::equal(d.inputs, at::tensor({0.f, 0.f, 0.f, 1.f, 1.f, 0.f, 1.f, 1.f}).reshape({4, 2})));
        QVERIFY(at::equal(d.targets, at::tensor({0.f, 1.f, 1.f, 0.f}).reshape({4, 1})));
    }

    void presetIsTheTwoTwoOneNet()
    {
        const RunConfig config = loadRunConfig(MINIMASCOPE_SOURCE_DIR "/resources/presets/xor-2-2-1.json");
        const DatasetPair data = loadDatasets(config.dataset);
        QCOMPARE(data.train.size(), int64_t(4));
        QCOMPARE(data.test.size(), int64_t(0));
        const auto model = buildModel(config.model, data.train, config.seed);
        QCOMPARE(model->parameterCount(), int64_t(9));
        QCOMPARE(model->describe(), std::string("MLP 2-2-1 tanh (9 parameters)"));
        nlohmann::json document = config.toJson();
        document["dataset"]["n"] = 5;
        QVERIFY(inputErrorOf([&] { RunConfig::fromJson(document); }).contains("must be 4 for xor-classic"));
    }

    void handBuiltWeightsGiveTheHandComputedLoss()
    {
        // h1 = tanh(x1 + x2 - 0.5), h2 = tanh(x1 + x2 - 1.5), y = (h1 - h2) / 2. With s = x1 + x2:
        // y(s = 0) = y(s = 2) = (tanh 1.5 - tanh 0.5) / 2 (targets 0), y(s = 1) = tanh 0.5 (targets 1),
        // so the MSE over the four patterns is [2 y(0)^2 + 2 (1 - tanh 0.5)^2] / 4 = 0.169193545...
        const auto net = xorNetwork({1, 1, 1, 1}, {-0.5, -1.5}, {0.5, -0.5}, 0.0);
        const double y0 = 0.5 * (std::tanh(1.5) - std::tanh(0.5));
        const double expected = (2.0 * y0 * y0 + 2.0 * std::pow(1.0 - std::tanh(0.5), 2)) / 4.0;
        MS_COMPARE_NEAR(expected, 0.16919354530252254, kByHand);
        MS_COMPARE_NEAR(xorLoss(*net), expected, kByHand);
    }

    void exactSolutionHasZeroLoss()
    {
        // h1 = tanh(a (x1 - x2) - b), h2 = tanh(a (x2 - x1) - b), y = v (h1 + h2) + c: the patterns
        // (0,0), (1,1) give 2 v tanh(-b) + c = 0 and (0,1), (1,0) give v (tanh(a - b) - tanh(a + b)) + c = 1,
        // solved by v = 1 / (tanh(a - b) - tanh(a + b) + 2 tanh b), c = 2 v tanh b. A global minimum.
        const double a = 4.0, b = 2.0;
        const double v = 1.0 / (std::tanh(a - b) - std::tanh(a + b) + 2.0 * std::tanh(b));
        const double c = 2.0 * v * std::tanh(b);
        const auto net = xorNetwork({a, -a, -a, a}, {-b, -b}, {v, v}, c);
        QCOMPARE_LT(xorLoss(*net), kGlobalMinimumLoss);
    }

    void saturatedHiddenUnitsMakeAPlateau()
    {
        // Hidden biases of 40: both units output 1 (tanh 40 = 1 in double) on every pattern, y =
        // 0.5 - 0.5 = 0 everywhere, and the MSE is that of predicting 0: (0 + 1 + 1 + 0) / 4 = 0.5,
        // with a gradient that vanishes (to rounding) in the hidden weights: a plateau.
        const auto net = xorNetwork({1, 1, 1, 1}, {40, 40}, {0.5, -0.5}, 0.0);
        QCOMPARE(xorLoss(*net), 0.5);
        const GradientEvaluation g = evaluateWithGradient(*net, toDouble(makeXorClassic()));
        QCOMPARE_LT(g.gradient.narrow(0, 0, 6).abs().max().item<double>(), kPlateauGradient);
        // The hidden-weight plane there is flat: every point of a 9 x 9 grid is flat, none above the
        // grid's floor (a constant surface has no level above its lowest).
        FlatParameters flat(*net);
        SurfaceRequest request;
        request.origin = flat.get();
        request.direction1 = at::zeros_like(request.origin);
        request.direction2 = at::zeros_like(request.origin);
        request.direction1[0].fill_(1.0);   // linear0.weight[0][0]
        request.direction2[5].fill_(1.0);   // linear0.bias[1]
        request.nx = request.ny = 9;
        request.progressive = false;
        LandscapeGrid grid;
        QCOMPARE(evaluateSurface(*net, flat, toDouble(makeXorClassic()), request, grid), RunStatus::Finished);
        const PlateauSummary plateaus = measurePlateaus(grid);
        QCOMPARE(plateaus.flat, int64_t(81));
        QCOMPARE(plateaus.plateau, int64_t(0));
    }

    void eigenPlaneOfNineWeights()
    {
        // The landscape's eigen directions on the 9-weight net: two unit, orthogonal eigenvectors.
        const auto net = xorNetwork({1, 1, 1, 1}, {-0.5, -1.5}, {0.5, -0.5}, 0.0);
        FlatParameters flat(*net);
        EigenDirectionOptions options;
        options.k = 2;
        const EigenResult eigen = hessianEigenDirections(*net, flat, toDouble(makeXorClassic()), options);
        QCOMPARE(eigen.pairs.size(), size_t(2));
        MS_COMPARE_NEAR(eigen.pairs[0].vector.norm().item<double>(), 1.0, kUnitNorm);
        MS_COMPARE_NEAR(at::dot(eigen.pairs[0].vector, eigen.pairs[1].vector).item<double>(), 0.0, kOrthogonal);
        QVERIFY(eigen.pairs[0].value >= eigen.pairs[1].value);
    }

    void plateausOfKnownSurfaces()
    {
        // f = alpha^2 on 41 x 41 points of [-1, 1]^2 (h = 0.05): central differences are exact for
        // a quadratic, slope 2 |alpha|; range 1, span 2, so with tolerance 0.01 a point is flat when
        // 2 |alpha| <= 0.005: the alpha = 0 column only, at the floor, hence no plateau.
        const LandscapeGrid bowl = gridOf(41, [](double x, double) { return x * x; });
        const PlateauSummary b = measurePlateaus(bowl);
        QCOMPARE(b.points, int64_t(41 * 41));
        QCOMPARE(b.flat, int64_t(41));
        QCOMPARE(b.plateau, int64_t(0));
        MS_COMPARE_NEAR(b.slopeThreshold, 0.005, kByHand);
        MS_COMPARE_NEAR(b.slope[bowl.index(30, 7)], 2.0 * bowl.xs[30], kByHand);
        // f = min(alpha^2, 0.25): a shelf at 0.25 for |alpha| >= 0.5. Central differences vanish from
        // |alpha| = 0.55 on (both neighbours on the shelf), and at the edges (one-sided, on the shelf):
        // 10 columns a side are flat at 0.25 > 0 + 0.1 * 0.25, plateaus; alpha = 0 is flat at the floor.
        const LandscapeGrid shelf = gridOf(41, [](double x, double) { return std::min(x * x, 0.25); });
        const PlateauSummary s = measurePlateaus(shelf);
        QCOMPARE(s.flat, int64_t(21 * 41));
        QCOMPARE(s.plateau, int64_t(20 * 41));
        MS_COMPARE_NEAR(s.plateauFraction, 20.0 / 41.0, kByHand);
        QCOMPARE(s.plateauLossMin, 0.25);
        // NaN points (a barycentric triangle's outside) are left out, and their neighbours use
        // one-sided differences.
        LandscapeGrid holed = shelf;
        for (size_t j = 0; j < holed.ys.size(); ++j)
            holed.loss[holed.index(0, j)] = std::nan("");
        const PlateauSummary h = measurePlateaus(holed);
        QCOMPARE(h.points, int64_t(40 * 41));
        QCOMPARE(h.plateau, int64_t(19 * 41));
        // A 1D curve: the same along alpha.
        LandscapeGrid curve = gridOf(41, [](double x, double) { return std::min(x * x, 0.25); });
        curve.ys = {0.0};
        curve.loss.resize(41);
        QCOMPARE(measurePlateaus(curve).plateau, int64_t(20));
        QVERIFY(!inputErrorOf([] { measurePlateaus(LandscapeGrid{}, PlateauOptions{0.0, 0.1}); }).isEmpty());
    }
};

MINIMASCOPE_TEST_APPLESS(TestXorSurface)
#include "TestXorSurface.moc"
