// Fitness-distance correlation (landscape/FitnessDistance.h) against closed forms: a cone
// |w - w*| (r = 1), a constant (r undefined), quadratics whose every point is known, Pearson's r of
// a hand-computed sample; and the teacher of the teacher-student data set laid out as a student
// (models/TeacherNetwork.h): its outputs are the data's targets and its loss the label noise.
#include "oracle/DenseCurvature.h"

#include "common/InputError.h"
#include "data/DatasetSpec.h"
#include "data/SyntheticDatasets.h"
#include "landscape/FitnessDistance.h"
#include "models/FlatParameters.h"
#include "models/Mlp.h"
#include "models/ModelSpec.h"
#include "models/TeacherNetwork.h"
#include "support/InputErrorOf.h"
#include "support/CompareNear.h"
#include "support/TestSuite.h"
#include "train/Objective.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <nlohmann/json.hpp>

#include <QTest>

#include <cmath>

using namespace minimascope::core;
using namespace minimascope::testing;

namespace {

// Closed forms evaluated in double precision: a few roundings of sums over 50 coordinates.
constexpr double kExact = 1e-12;
// The teacher's targets are float32 (the data set stores them so): a double-precision student at
// the teacher's exact weights misses each by at most half an ulp of float32 (6e-8 relative), so the
// mean squared error is below 1e-14 for outputs of order one.
constexpr double kFloatTargets = 1e-12;
// A correlation computed from float32 points: distances carry ~1e-7 relative rounding.
constexpr double kFloatCorrelation = 1e-6;
// Noise of standard deviation sigma: the teacher's loss is sigma^2 up to the sampling error
// sigma^2 sqrt(2/n); the bound is this many of them.
constexpr double kNoiseStandardErrors = 5.0;

// The bound applied to |actual - expected|: relative for |expected| >= 1, absolute below.
double scaled(double tolerance, double expected) { return tolerance * std::max(1.0, expected); }

FitnessDistanceOptions fdcOptions(std::vector<double> distances, int64_t samples, uint64_t seed = 7)
{
    FitnessDistanceOptions options;
    options.distances = std::move(distances);
    options.samples = samples;
    options.seed = seed;
    return options;
}

at::Tensor centreOf(int64_t size)
{
    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(3);
    return at::randn({size}, generator, at::TensorOptions().dtype(at::kDouble));
}

// The teacher evaluated by hand from its weights (the definition in SyntheticDatasets.h).
double teacherOutput(const TeacherWeights& t, const double* x)
{
    double value = 0.0;
    for (int64_t h = 0; h < t.width; ++h) {
        double pre = t.b1[static_cast<size_t>(h)];
        for (int64_t d = 0; d < t.inputDim; ++d)
            pre += t.w1[static_cast<size_t>(h * t.inputDim + d)] * x[d];
        value += t.w2[static_cast<size_t>(h)] * std::tanh(pre);
    }
    return value;
}

DatasetSpec teacherSpec(double noise, int64_t n)
{
    DatasetSpec spec;
    spec.name = "teacher-student";
    spec.n = n;
    spec.testN = 0;
    spec.inputDim = 3;
    spec.teacherWidth = 2;
    spec.noise = noise;
    spec.seed = 5;
    return spec;
}

ModelSpec studentSpec(int64_t width)
{
    ModelSpec model;
    model.kind = "mlp";
    model.widths = {width};
    model.activation = Activation::Tanh;
    return model;
}

}   // namespace

class TestFitnessDistance : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void pearsonOfAHandSample()
    {
        // x = 1..4, y = 2, 4, 5, 4: sxy = 3.5, sxx = 5, syy = 4.75, r = 3.5 / sqrt(23.75).
        MS_COMPARE_NEAR(pearsonCorrelation({1, 2, 3, 4}, {2, 4, 5, 4}), 3.5 / std::sqrt(23.75), kExact);
        MS_COMPARE_NEAR(pearsonCorrelation({1, 2, 3}, {6, 4, 2}), -1.0, kExact);
        // Non-finite pairs are left out: the same sample with a NaN appended.
        MS_COMPARE_NEAR(pearsonCorrelation({1, 2, 3, 4, 5}, {2, 4, 5, 4, std::nan("")}), 3.5 / std::sqrt(23.75),
                        kExact);
        QVERIFY(std::isnan(pearsonCorrelation({1}, {2})));
        QVERIFY(std::isnan(pearsonCorrelation({1, 1, 1}, {1, 2, 3})));
    }

    void unitDirectionsAreSeededUnitVectors()
    {
        const at::Tensor like = at::zeros({40}, at::kDouble);
        const at::Tensor u = randomUnitDirection(like, 11);
        MS_COMPARE_NEAR(u.norm().item<double>(), 1.0, kExact);
        QVERIFY(at::equal(u, randomUnitDirection(like, 11)));
        QVERIFY(!at::equal(u, randomUnitDirection(like, 12)));
        QCOMPARE(randomUnitDirection(at::zeros({40}, at::kFloat), 11).scalar_type(), at::kFloat);
    }

    void coneHasCorrelationOne()
    {
        // E = |w - w*| is the distance itself: every point's loss is its distance, r = 1.
        const at::Tensor centre = centreOf(50);
        const ParameterObjective cone = [&](const at::Tensor& w, double& loss) {
            loss = (w - centre).norm().item<double>();
            return true;
        };
        const FitnessDistanceSample s = sampleFitnessDistance(cone, centre, fdcOptions({0.0, 0.5, 1.0, 2.0, 3.0}, 10));
        QCOMPARE(s.status, RunStatus::Finished);
        QCOMPARE(s.loss.size(), size_t(50));
        QCOMPARE(s.centreLoss, 0.0);
        for (size_t i = 0; i < s.loss.size(); ++i)
            MS_COMPARE_NEAR(s.loss[i], s.distance[i], scaled(kExact, s.distance[i]));
        MS_COMPARE_NEAR(s.correlation, 1.0, kExact);
        QVERIFY(s.toJson()["correlation_undefined"].is_null());
        // The same from a float32 centre: distances are still those asked for, to float rounding.
        const FitnessDistanceSample f = sampleFitnessDistance(
            [&](const at::Tensor& w, double& loss) {
                loss = (w.to(at::kDouble) - centre.to(at::kFloat).to(at::kDouble)).norm().item<double>();
                return true;
            },
            centre.to(at::kFloat), fdcOptions({0.5, 1.0, 2.0}, 5));
        MS_COMPARE_NEAR(f.correlation, 1.0, kFloatCorrelation);
    }

    void constantHasNoCorrelation()
    {
        // sigma_E = 0: r is undefined, NaN in memory, null in JSON with the reason.
        const at::Tensor centre = centreOf(10);
        const ParameterObjective constant = [](const at::Tensor&, double& loss) {
            loss = 3.0;
            return true;
        };
        const FitnessDistanceSample s = sampleFitnessDistance(constant, centre, fdcOptions({0.0, 1.0, 2.0}, 4));
        QCOMPARE(s.status, RunStatus::Finished);
        QVERIFY(std::isnan(s.correlation));
        const nlohmann::json json = s.toJson();
        QVERIFY(json["correlation"].is_null());
        QCOMPARE(json["correlation_undefined"].get<std::string>(),
                 std::string("the loss is the same at every point: sigma_E = 0"));
        // One distance: sigma_D = 0.
        const FitnessDistanceSample single = sampleFitnessDistance(
            [&](const at::Tensor& w, double& loss) {
                loss = (w - centre).sum().item<double>();
                return true;
            },
            centre, fdcOptions({1.0}, 6));
        QVERIFY(std::isnan(single.correlation));
        QCOMPARE(single.toJson()["correlation_undefined"].get<std::string>(),
                 std::string("every point is at the same distance: sigma_D = 0"));
    }

    void quadraticPointsLieOnTheirClosedForm()
    {
        // f(w) = 1/2 (w - w*)^T A (w - w*), A = diag(a): at w* + d u, f = d^2/2 sum_i a_i u_i^2
        // with u the point's own seeded direction.
        const int64_t p = 30;
        const at::Tensor centre = centreOf(p);
        const at::Tensor a = at::linspace(0.1, 5.0, p, at::kDouble);
        const ParameterObjective quadratic = [&](const at::Tensor& w, double& loss) {
            const at::Tensor e = w - centre;
            loss = 0.5 * (e * a * e).sum().item<double>();
            return true;
        };
        const FitnessDistanceSample s = sampleFitnessDistance(quadratic, centre, fdcOptions({0.0, 0.3, 1.0, 4.0}, 8));
        for (size_t i = 0; i < s.loss.size(); ++i) {
            const double d = s.distance[i];
            const at::Tensor u = randomUnitDirection(centre, s.seed[i]);
            const double expected = d == 0.0 ? 0.0 : 0.5 * d * d * (a * u * u).sum().item<double>();
            MS_COMPARE_NEAR(s.loss[i], expected, scaled(kExact, expected));
        }
        // Isotropic A = c I: f = c d^2 / 2 whatever the direction, so r is Pearson's r of the pairs
        // (d, c d^2 / 2), here with every distance sampled equally: r of (d, d^2).
        const FitnessDistanceSample iso = sampleFitnessDistance(
            [&](const at::Tensor& w, double& loss) {
                loss = 1.5 * (w - centre).pow(2).sum().item<double>();
                return true;
            },
            centre, fdcOptions({1.0, 2.0, 3.0}, 4));
        // d = 1, 2, 3 (4 times each) against d^2 = 1, 4, 9 (means 2 and 14/3): sxy = 4 (11/3 + 13/3)
        // = 32, sxx = 8, syy = 4 (121 + 4 + 169) / 9, r = 32 / sqrt(8 syy) = 0.98974331861078...
        const double r = 32.0 / std::sqrt(8.0 * 4.0 * 294.0 / 9.0);
        MS_COMPARE_NEAR(iso.correlation, r, kExact);
        MS_COMPARE_NEAR(r, 0.989743318610787, kExact);
        // Per-distance rows: every point of a distance has the same loss.
        const std::vector<DistanceSummary> rows = iso.byDistance();
        QCOMPARE(rows.size(), size_t(3));
        MS_COMPARE_NEAR(rows[2].meanLoss, 1.5 * 9.0, kExact * 13.5);
        QCOMPARE(rows[2].points, int64_t(4));
    }

    void cancelAndOptions()
    {
        const at::Tensor centre = centreOf(5);
        int calls = 0;
        const ParameterObjective stopsAtThree = [&](const at::Tensor&, double& loss) {
            loss = 1.0;
            return ++calls < 4;
        };
        const FitnessDistanceSample s = sampleFitnessDistance(stopsAtThree, centre, fdcOptions({1.0, 2.0}, 5));
        QCOMPARE(s.status, RunStatus::Cancelled);
        QCOMPARE(s.loss.size(), size_t(2));   // the centre, then two points
        QVERIFY(inputErrorOf([&] { validateFitnessDistanceOptions(fdcOptions({}, 5)); }).contains("distance"));
        QVERIFY(inputErrorOf([&] { validateFitnessDistanceOptions(fdcOptions({1.0, -1.0}, 5)); }).contains(">= 0"));
        QVERIFY(inputErrorOf([&] { validateFitnessDistanceOptions(fdcOptions({1.0}, 0)); }).contains("point"));
    }

    void teacherIsTheDataSetsTeacher()
    {
        // makeTeacher draws the same weights makeTeacherStudent labels its data with: with noise 0
        // the hand-evaluated teacher gives every target (to float32 rounding of the targets).
        const Dataset data = makeTeacherStudent(50, 3, 2, 0.0, 5);
        const TeacherWeights t = makeTeacher(3, 2, 5);
        const at::Tensor x = data.inputs.to(at::kDouble).contiguous();
        for (int64_t i = 0; i < data.size(); ++i) {
            const double expected = teacherOutput(t, x.data_ptr<double>() + i * 3);
            QCOMPARE(static_cast<float>(expected), data.targets[i][0].item<float>());
        }
    }

    void teacherLossIsTheNoise()
    {
        // Noise 0: the student of the teacher's architecture at the teacher's weights fits every
        // target; FDC's distance-0 points are that loss and every other point is worse.
        const DatasetSpec spec = teacherSpec(0.0, 200);
        const Dataset data = toDouble(loadDatasets(spec).train);
        auto student = buildModel(studentSpec(2), loadDatasets(spec).train, 1);
        student->to(at::kDouble);
        FlatParameters flat(*student);
        const at::Tensor centre = teacherParametersFor(*student, teacherOf(spec));
        QCOMPARE(centre.numel(), int64_t(3 * 2 + 2 + 2 + 1));
        const FitnessDistanceSample s = sampleFitnessDistance(*student, flat, data, centre,
                                                              fdcOptions({0.0, 0.5, 1.0, 2.0}, 5));
        QCOMPARE_LT(s.centreLoss, kFloatTargets);
        for (size_t i = 0; i < s.loss.size(); ++i) {
            if (s.distance[i] == 0.0)
                QCOMPARE(s.loss[i], s.centreLoss);
            else
                QVERIFY(s.loss[i] > s.centreLoss);
        }
        QVERIFY(s.correlation > 0.0);
        // The network's own parameters are back where they were.
        QVERIFY(!at::equal(flat.get(), centre));

        // Noise sigma: the teacher's loss is the mean of n squared N(0, sigma^2) draws.
        const double sigma = 0.1;
        const int64_t n = 4000;
        const DatasetSpec noisy = teacherSpec(sigma, n);
        const Dataset noisyData = toDouble(loadDatasets(noisy).train);
        const FitnessDistanceSample ns = sampleFitnessDistance(
            *student, flat, noisyData, teacherParametersFor(*student, teacherOf(noisy)), fdcOptions({0.0}, 1));
        const double standardError = sigma * sigma * std::sqrt(2.0 / static_cast<double>(n));
        MS_COMPARE_NEAR(ns.centreLoss, sigma * sigma, kNoiseStandardErrors * standardError);
    }

    void teacherNeedsItsArchitecture()
    {
        const DatasetSpec spec = teacherSpec(0.0, 20);
        const Dataset data = loadDatasets(spec).train;
        const auto wide = buildModel(studentSpec(3), data, 1);
        const QString message = inputErrorOf([&] { teacherParametersFor(*wide, teacherOf(spec)); });
        QVERIFY2(message.contains("MLP 3-2-1 tanh"), qPrintable(message));
        ModelSpec relu = studentSpec(2);
        relu.activation = Activation::Relu;
        QVERIFY(!inputErrorOf([&] { teacherParametersFor(*buildModel(relu, data, 1), teacherOf(spec)); }).isEmpty());
        DatasetSpec moons;
        moons.name = "two-moons";
        QVERIFY(inputErrorOf([&] { teacherOf(moons); }).contains("no teacher"));
        DatasetSpec standardized = spec;
        standardized.standardize = true;
        QVERIFY(inputErrorOf([&] { teacherOf(standardized); }).contains("standardize"));
        // A float32 student gets float32 weights: the teacher's, rounded.
        const auto student = buildModel(studentSpec(2), data, 1);
        const at::Tensor centre = teacherParametersFor(*student, teacherOf(spec));
        QCOMPARE(centre.scalar_type(), at::kFloat);
        const TeacherWeights t = teacherOf(spec);
        QCOMPARE(centre[0].item<float>(), static_cast<float>(t.w1[0]));
        QCOMPARE(centre[6].item<float>(), static_cast<float>(t.b1[0]));
        QCOMPARE(centre[8].item<float>(), static_cast<float>(t.w2[0]));
        QCOMPARE(centre[10].item<float>(), 0.0f);
    }
};

MINIMASCOPE_TEST_APPLESS(TestFitnessDistance)
#include "TestFitnessDistance.moc"
