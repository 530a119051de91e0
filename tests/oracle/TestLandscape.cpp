// The landscape engine against closed forms: a quadratic loss along its eigenvectors, the
// finite-difference curvature of a 1D slice along the curvature engine's top eigenvector, exact
// filter norms, a trajectory lying in a known plane, the unperturbed loss at the grid centre,
// the MLP fast path against the generic path, parameter restoration, the export round trip
// (surface and convexity map). More in TestLandscapeSolutions.cpp.
#include "analysis/CurvatureReport.h"
#include "common/CancelToken.h"
#include "data/SyntheticDatasets.h"
#include "landscape/ConvexityMap.h"
#include "landscape/Directions.h"
#include "landscape/LossSurface.h"
#include "landscape/SurfaceExport.h"
#include "landscape/TrajectoryPca.h"
#include "io/AtomicFile.h"
#include "io/Npy.h"
#include "models/FlatParameters.h"
#include "models/Mlp.h"
#include "models/SeededInit.h"
#include "support/InputErrorOf.h"
#include "TestLandscapeQuadratic.h"
#include "train/Objective.h"
#include "support/CompareNear.h"
#include "support/TestSuite.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <nlohmann/json.hpp>

#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <filesystem>

using namespace minimascope::core;
using namespace minimascope::testing;

namespace {

// Second difference with step 1e-3 of a quadratic evaluated in double: rounding of f (~1e-16)
// divided by h^2 (1e-6) bounds the error well below this.
constexpr double kFiniteDifferenceTolerance = 1e-6;
constexpr double kFiniteDifferenceStep = 1e-3;
// Lanczos eigenvalues of a 6x6 double operator certified to 1e-10 relative residual.
constexpr double kEigenvalueTolerance = 1e-8;
// PCA through a double Gram matrix of offsets of size ~10: rounding only.
constexpr double kPcaTolerance = 1e-9;
// The residual bound given to Lanczos (and the convexity map) behind kEigenvalueTolerance.
constexpr double kSolverTolerance = 1e-10;
// The plane's losses vary by far more than rounding: the comparisons are not of constants.
constexpr double kLossVariation = 1.5;

// A model with a conv-shaped weight (filters = output channels), a linear weight and biases.
class FilterModel : public Network {
public:
    FilterModel()
    {
        register_parameter("conv_weight", at::randn({4, 3, 2, 2}, at::kFloat) * 3.0);
        register_parameter("conv_bias", at::randn({4}, at::kFloat));
        register_parameter("fc_weight", at::randn({2, 5}, at::kFloat) * 0.1);
        register_parameter("fc_bias", at::randn({2}, at::kFloat));
    }
    at::Tensor forward(const at::Tensor& input) override { return input; }
    std::string describe() const override { return "filters"; }
};

std::shared_ptr<Mlp> smallMlp(uint64_t seed)
{
    MlpOptions options;
    options.inputs = 2;
    options.hiddenWidths = {16, 12};
    options.outputs = 3;
    auto mlp = std::make_shared<Mlp>(options);
    initializeParameters(*mlp, seed);
    return mlp;
}

}   // namespace

class TestLandscape : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void surfaceAlongEigenvectorsIsTheClosedForm()
    {
        const Quadratic q = makeQuadratic();
        const at::Tensor v1 = q.eigenvectors.select(1, 0).contiguous();
        const at::Tensor v2 = q.eigenvectors.select(1, 1).contiguous();
        const at::Tensor v3 = q.eigenvectors.select(1, 2).contiguous();
        // Origin off the minimum along a third eigenvector: f = (l1 a^2 + l2 b^2 + l3 g^2) / 2.
        const double gamma = 0.7;
        QuadraticModel model(q.centre + gamma * v3, q.centre, q.matrix);
        FlatParameters parameters(model);
        SurfaceRequest request;
        request.origin = parameters.get();
        request.direction1 = v1;
        request.direction2 = v2;
        request.xMin = -2;
        request.xMax = 1;
        request.yMin = -0.5;
        request.yMax = 1.5;
        request.nx = 7;
        request.ny = 5;
        LandscapeGrid grid;
        QCOMPARE(evaluateSurface(model, parameters, oneExample(), request, grid), RunStatus::Finished);
        QCOMPARE(grid.xs.size(), size_t(7));
        QCOMPARE(grid.ys.size(), size_t(5));
        for (size_t j = 0; j < grid.ys.size(); ++j)
            for (size_t i = 0; i < grid.xs.size(); ++i) {
                const double a = grid.xs[i];
                const double b = grid.ys[j];
                const double expected = 0.5
                                        * (q.eigenvalues[0] * a * a + q.eigenvalues[1] * b * b
                                           + q.eigenvalues[2] * gamma * gamma);
                MS_COMPARE_NEAR_AT(grid.loss[grid.index(i, j)], expected, kDoubleTolerance,
                                   qPrintable(QString("at (%1, %2)").arg(a).arg(b)));
                QVERIFY(std::isnan(grid.accuracy[grid.index(i, j)]));   // DirectLoss has no accuracy
            }
        MS_COMPARE_NEAR(grid.xs[1], -1.5, kDoubleTolerance);
        MS_COMPARE_NEAR(grid.ys[4], 1.5, kDoubleTolerance);
    }

    void sliceCurvatureAlongTopEigenvectorIsLambda()
    {
        const Quadratic q = makeQuadratic();
        QuadraticModel model(q.centre, q.centre, q.matrix);
        FlatParameters parameters(model);
        const Dataset data = oneExample();
        CurvatureRequest curvature;
        curvature.nonUniformity = false;
        curvature.tolerance = kSolverTolerance;
        curvature.maxSteps = 6;
        const CurvatureReport report = measureCurvature(model, parameters, data, curvature);
        QCOMPARE(report.status, RunStatus::Finished);
        MS_COMPARE_NEAR(report.topEigenvalues.at(0).value, 5.0, kEigenvalueTolerance);

        SurfaceRequest request;
        request.origin = parameters.get();
        request.direction1 = report.topEigenvector;
        request.xMin = -kFiniteDifferenceStep;
        request.xMax = kFiniteDifferenceStep;
        request.nx = 3;
        LandscapeGrid curve;
        QCOMPARE(evaluateSurface(model, parameters, data, request, curve), RunStatus::Finished);
        QCOMPARE(curve.ys, std::vector<double>{0.0});
        QCOMPARE(curve.loss.size(), size_t(3));
        const double h = kFiniteDifferenceStep;
        const double secondDifference = (curve.loss[0] - 2 * curve.loss[1] + curve.loss[2]) / (h * h);
        MS_COMPARE_NEAR(secondDifference, q.eigenvalues[0], kFiniteDifferenceTolerance);
    }

    void convexityMapOfAQuadraticIsItsEigenvalueRatio()
    {
        // H = A everywhere: |lambda_min / lambda_max| = |-1 / 5| at every grid point.
        const Quadratic q = makeQuadratic();
        QuadraticModel model(q.centre, q.centre, q.matrix);
        FlatParameters parameters(model);
        const at::Tensor before = parameters.get();
        SurfaceRequest request;
        request.origin = before;
        request.direction1 = q.eigenvectors.select(1, 3).contiguous();
        request.direction2 = q.eigenvectors.select(1, 4).contiguous();
        request.nx = 3;
        request.ny = 2;
        ConvexityGrid grid;
        // Lanczos on a 6-dimensional operator is exact after 6 steps.
        QCOMPARE(convexityMap(model, parameters, oneExample(), request, grid, kSolverTolerance), RunStatus::Finished);
        QCOMPARE(grid.ratio.size(), size_t(6));
        for (size_t k = 0; k < grid.ratio.size(); ++k) {
            MS_COMPARE_NEAR(grid.lambdaMax[k], 5.0, kEigenvalueTolerance);
            MS_COMPARE_NEAR(grid.lambdaMin[k], -1.0, kEigenvalueTolerance);
            MS_COMPARE_NEAR(grid.ratio[k], 0.2, kEigenvalueTolerance);
        }
        QVERIFY(at::equal(parameters.values(), before));
    }

    void filterNormalizedDirectionsHaveEachFiltersNorm()
    {
        at::manual_seed(3);
        FilterModel model;
        FlatParameters parameters(model);
        const at::Tensor theta = parameters.get();
        for (const bool ignore : {true, false}) {
            const at::Tensor d = randomDirection(parameters, DirectionNormalization::Filter, ignore, 42);
            QCOMPARE(d.numel(), parameters.size());
            QVERIFY(at::equal(d, randomDirection(parameters, DirectionNormalization::Filter, ignore, 42)));
            QVERIFY(!at::equal(d, randomDirection(parameters, DirectionNormalization::Filter, ignore, 43)));
            for (size_t k = 0; k < parameters.slices().size(); ++k) {
                const at::Tensor dk = parameters.slice(d, k);
                const at::Tensor tk = parameters.slice(theta, k);
                if (tk.dim() == 1) {
                    QVERIFY(at::equal(dk, ignore ? at::zeros_like(tk) : tk));
                    continue;
                }
                for (int64_t f = 0; f < tk.size(0); ++f) {
                    const double dn = dk[f].norm().item<double>();
                    const double tn = tk[f].norm().item<double>();
                    MS_COMPARE_NEAR_AT(
                        dn, tn, kFloatTolerance * tn,
                        qPrintable(
                            QString("%1 filter %2").arg(QString::fromStdString(parameters.slices()[k].name)).arg(f)));
                }
            }
        }
        const at::Tensor layer = randomDirection(parameters, DirectionNormalization::Layer, true, 42);
        for (size_t k : {size_t(0), size_t(2)}) {
            const double dn = parameters.slice(layer, k).norm().item<double>();
            const double tn = parameters.slice(theta, k).norm().item<double>();
            MS_COMPARE_NEAR(dn, tn, kFloatTolerance * tn);
        }
        // Without normalization the draw is the plain seeded Gaussian.
        at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(42);
        const at::Tensor raw = at::randn({parameters.size()}, generator, at::kFloat);
        QVERIFY(at::equal(randomDirection(parameters, DirectionNormalization::None, false, 42), raw));
        QCOMPARE(parseDirectionNormalization("layer"), DirectionNormalization::Layer);
        QVERIFY(inputErrorOf([] { parseDirectionNormalization("filters"); }).contains("filters"));
    }

    void orthogonalizationAndReport()
    {
        const at::Tensor a = at::tensor({3.0, 0.0, 4.0}, at::kDouble);
        const at::Tensor b = at::tensor({1.0, 2.0, 0.0}, at::kDouble);
        const DirectionReport before = describeDirections(a, b);
        MS_COMPARE_NEAR(before.norm1, 5.0, kDoubleTolerance);
        MS_COMPARE_NEAR(before.cosine, 3.0 / (5.0 * std::sqrt(5.0)), kDoubleTolerance);
        const at::Tensor c = orthogonalizeAgainst(a, b);
        const DirectionReport after = describeDirections(a, c);
        MS_COMPARE_NEAR(after.cosine, 0.0, kDoubleTolerance);
        MS_COMPARE_NEAR(after.norm2, std::sqrt(5.0), kDoubleTolerance);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, orthogonalizeAgainst(a, 2.0 * a));
        QVERIFY(at::allclose(parameterDifference(a, b), b - a));
    }

    void pcaRecoversThePlaneOfATrajectory()
    {
        at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(11);
        const int64_t p = 40;
        const at::Tensor basis = std::get<0>(at::linalg_qr(at::randn({p, 2}, generator, at::kDouble)));
        const at::Tensor u = basis.select(1, 0).contiguous();
        const at::Tensor w = basis.select(1, 1).contiguous();
        const at::Tensor origin = at::randn({p}, generator, at::kDouble);
        // Offsets 3 cos t u + sin t w + (a shift) over a full turn: centred variances 9k/2 and k/2,
        // uncorrelated, so the fractions are exactly 0.9 and 0.1.
        const int k = 12;
        std::vector<at::Tensor> snapshots;
        for (int i = 0; i < k; ++i) {
            const double t = 2 * M_PI * i / k;
            snapshots.push_back(origin + (3 * std::cos(t) - 1.0) * u + (std::sin(t) + 0.5) * w);
        }
        const TrajectoryPca pca = trajectoryPca(snapshots, origin);
        MS_COMPARE_NEAR(pca.explained1, 0.9, kPcaTolerance);
        MS_COMPARE_NEAR(pca.explained2, 0.1, kPcaTolerance);
        MS_COMPARE_NEAR(std::abs(pca.direction1.dot(u).item<double>()), 1.0, kPcaTolerance);
        MS_COMPARE_NEAR(std::abs(pca.direction2.dot(w).item<double>()), 1.0, kPcaTolerance);
        QCOMPARE(pca.projected.size(), size_t(k));
        for (int i = 0; i < k; ++i) {
            // The plane holds every snapshot: the projection reconstructs it exactly.
            const at::Tensor rebuilt = origin + pca.projected[i][0] * pca.direction1
                                       + pca.projected[i][1] * pca.direction2;
            QCOMPARE_LT((rebuilt - snapshots[i]).norm().item<double>(), kPcaTolerance);
        }
        QVERIFY(pca.projected[0][0] <= 0 && pca.projected[0][1] <= 0);
        QVERIFY(!inputErrorOf([&] { trajectoryPca({origin}, origin); }).isEmpty());
    }

    // The app and the CLI draw a trajectory's plane over the same range: symmetric, the path's
    // extent plus 25 %, the shorter axis at least a quarter of the longer.
    void trajectoryRangeIsOneRule()
    {
        TrajectoryPca pca;
        pca.projected = {{-2.0, 0.4}, {-1.0, -0.8}, {0.0, 0.0}};
        QCOMPARE(trajectoryRange(pca), (std::array<double, 4>{-2.5, 2.5, -1.0, 1.0}));
        pca.projected = {{-4.0, 0.1}, {0.0, 0.0}};   // nearly straight: y widened to 5 / 4
        QCOMPARE(trajectoryRange(pca), (std::array<double, 4>{-5.0, 5.0, -1.25, 1.25}));
        pca.projected = {{0.0, 0.0}, {0.0, 0.0}};
        QVERIFY(inputErrorOf([&] { trajectoryRange(pca); }).contains("did not move"));
    }

    void gridCentreIsTheUnperturbedLossAndFastEqualsGeneric()
    {
        const Dataset data = makeBlobs(90, 3, 0.8, 5);
        auto mlp = smallMlp(9);
        FlatParameters parameters(*mlp);
        const Evaluation unperturbed = evaluate(*mlp, data);
        SurfaceRequest request;
        request.origin = parameters.get();
        request.direction1 = randomDirection(parameters, DirectionNormalization::Filter, true, 1);
        request.direction2 = randomDirection(parameters, DirectionNormalization::Filter, true, 2);
        request.nx = 9;
        request.ny = 7;
        request.threads = 2;
        LandscapeGrid fast, generic;
        QCOMPARE(evaluateSurface(*mlp, parameters, data, request, fast), RunStatus::Finished);
        request.fastPath = false;
        QCOMPARE(evaluateSurface(*mlp, parameters, data, request, generic), RunStatus::Finished);
        const size_t centre = fast.index(4, 3);
        MS_COMPARE_NEAR(fast.xs[4], 0.0, kDoubleTolerance);
        MS_COMPARE_NEAR(fast.ys[3], 0.0, kDoubleTolerance);
        MS_COMPARE_NEAR(fast.loss[centre], unperturbed.loss,
                        kFloatTolerance * std::max(1.0, std::abs(unperturbed.loss)));
        QCOMPARE(fast.accuracy[centre], unperturbed.accuracy);
        QCOMPARE(generic.loss[centre], unperturbed.loss);
        for (size_t k = 0; k < fast.loss.size(); ++k) {
            MS_COMPARE_NEAR_AT(fast.loss[k], generic.loss[k],
                               kFloatTolerance * std::max(1.0, std::abs(generic.loss[k])),
                               qPrintable(QString("point %1").arg(k)));
            QCOMPARE(fast.accuracy[k], generic.accuracy[k]);
        }
        // The loss really varies over the plane (the comparison above is not of constants).
        QCOMPARE_GT(*std::max_element(fast.loss.begin(), fast.loss.end()), kLossVariation * unperturbed.loss);
    }

    // landscape under mpirun: three shards, each with NaN outside its points, merge into exactly
    // the grid of one evaluation, on both paths.
    void shardsMergeIntoTheWholeGrid()
    {
        const Dataset data = makeBlobs(60, 3, 0.8, 7);
        auto mlp = smallMlp(5);
        FlatParameters parameters(*mlp);
        for (const bool fastPath : {true, false}) {
            SurfaceRequest request;
            request.origin = parameters.get();
            request.direction1 = randomDirection(parameters, DirectionNormalization::Filter, true, 1);
            request.direction2 = randomDirection(parameters, DirectionNormalization::Filter, true, 2);
            request.nx = 7;
            request.ny = 5;
            request.fastPath = fastPath;
            LandscapeGrid whole, merged;
            QCOMPARE(evaluateSurface(*mlp, parameters, data, request, whole), RunStatus::Finished);
            for (int64_t shard = 0; shard < 3; ++shard) {
                request.shardCount = 3;
                request.shardIndex = shard;
                LandscapeGrid part;
                QCOMPARE(evaluateSurface(*mlp, parameters, data, request, part), RunStatus::Finished);
                // 35 points: shards 0 and 1 hold 12, shard 2 holds 11; the rest is NaN.
                QCOMPARE(std::count_if(part.loss.begin(), part.loss.end(), [](double v) { return !std::isnan(v); }),
                         std::ptrdiff_t(shard < 2 ? 12 : 11));
                if (shard == 0)
                    merged = part;
                else
                    mergeSurfaceShard(merged, part, 3, shard);
            }
            QCOMPARE(merged.loss, whole.loss);
            QCOMPARE(merged.accuracy, whole.accuracy);
        }
        SurfaceRequest bad;
        bad.origin = bad.direction1 = parameters.get();
        bad.shardCount = 2;
        bad.shardIndex = 2;
        LandscapeGrid grid;
        QVERIFY(inputErrorOf([&] { evaluateSurface(*mlp, parameters, data, bad, grid); }).contains("shard 2 of 2"));
    }

    void progressiveLevelsAndRestoredParameters()
    {
        const Dataset data = makeBlobs(60, 3, 0.8, 6);
        auto mlp = smallMlp(4);
        FlatParameters parameters(*mlp);
        const at::Tensor before = parameters.get();
        QCOMPARE(progressiveStrides(51), (std::vector<int64_t>{8, 4, 2, 1}));
        QCOMPARE(progressiveStrides(13), (std::vector<int64_t>{2, 1}));
        QCOMPARE(progressiveStrides(5), (std::vector<int64_t>{1}));
        for (const bool fastPath : {true, false}) {
            SurfaceRequest request;
            request.origin = parameters.get();
            request.direction1 = randomDirection(parameters, DirectionNormalization::Filter, true, 1);
            request.direction2 = randomDirection(parameters, DirectionNormalization::Filter, true, 2);
            request.nx = request.ny = 13;
            request.fastPath = fastPath;
            std::vector<int64_t> computedAtLevelEnd;
            const SurfaceSink sink = [&](const LandscapeGrid& partial, const SurfaceLevel& level,
                                         const Progress& progress) {
                if (!level.finished)
                    return;
                computedAtLevelEnd.push_back(
                    std::count_if(partial.loss.begin(), partial.loss.end(), [](double v) { return !std::isnan(v); }));
                QCOMPARE(progress.done, computedAtLevelEnd.back());
            };
            LandscapeGrid grid;
            QCOMPARE(evaluateSurface(*mlp, parameters, data, request, grid, nullptr, sink), RunStatus::Finished);
            // Level 0: every 2nd index of 13 (0, 2, ..., 12) in both axes = 7 x 7.
            QCOMPARE(computedAtLevelEnd, (std::vector<int64_t>{49, 169}));
            QVERIFY(at::equal(parameters.values(), before));

            // Cancelled from the sink at the end of the coarse level: the rest stays NaN and the
            // parameters are back.
            CancelToken cancel;
            const SurfaceSink cancelling = [&](const LandscapeGrid&, const SurfaceLevel& level, const Progress&) {
                if (level.finished)
                    cancel.requestCancel();
            };
            QCOMPARE(evaluateSurface(*mlp, parameters, data, request, grid, &cancel, cancelling), RunStatus::Cancelled);
            QCOMPARE(std::count_if(grid.loss.begin(), grid.loss.end(), [](double v) { return !std::isnan(v); }),
                     std::ptrdiff_t(49));
            QVERIFY(at::equal(parameters.values(), before));
        }
        // A bad request throws and still leaves the parameters alone.
        SurfaceRequest bad;
        bad.origin = parameters.get();
        bad.direction1 = at::zeros({3});
        LandscapeGrid grid;
        QVERIFY(inputErrorOf([&] { evaluateSurface(*mlp, parameters, data, bad, grid); }).contains("direction1"));
        QVERIFY(at::equal(parameters.values(), before));
    }

    void exportRoundTrip()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        LandscapeGrid grid;
        grid.xs = {-1.0, 0.0, 0.5, 1.0};
        grid.ys = {-2.0, 2.0, 3.0};
        for (size_t k = 0; k < 12; ++k) {
            grid.loss.push_back(0.1 * static_cast<double>(k * k) + 1e-3);
            grid.accuracy.push_back(k == 5 ? std::nan("") : static_cast<double>(k) / 12.0);
        }
        const std::string prefix = dir.filePath("surface").toStdString();
        ProjectedTrajectory trajectory{{{-1.0, -2.0}, {0.0, 0.0}}, {0, 100}, {2.0, 0.5}};
        const std::vector<std::string> written = exportSurface(
            prefix, grid, nlohmann::json{{"normalization", "filter"}}, &trajectory);
        QCOMPARE(written.size(), size_t(5));
        const LandscapeGrid back = readSurfaceVts(prefix + ".vts");
        QCOMPARE(back.xs, grid.xs);
        QCOMPARE(back.ys, grid.ys);
        QCOMPARE(back.loss, grid.loss);
        for (size_t k = 0; k < 12; ++k)
            QVERIFY(back.accuracy[k] == grid.accuracy[k] || (std::isnan(back.accuracy[k]) && k == 5));
        const at::Tensor npy = readNpy(prefix + ".npy");
        QCOMPARE(npy.sizes().vec(), (std::vector<int64_t>{3, 3, 4}));
        QCOMPARE(npy[0][2][1].item<double>(), grid.loss[grid.index(1, 2)]);
        MS_COMPARE_NEAR(npy[2][2][3].item<double>(), std::log10(grid.loss[11]), kDoubleTolerance);
        const nlohmann::json sidecar = nlohmann::json::parse(readWholeFile(prefix + ".json"));
        QCOMPARE(sidecar.at("normalization").get<std::string>(), std::string("filter"));
        QCOMPARE(sidecar.at("alpha").at("points").get<int>(), 4);
        QVERIFY(std::filesystem::is_regular_file(prefix + "_trajectory.vtp"));
        const std::string surfaceCsv = readWholeFile(prefix + ".csv");
        QCOMPARE(surfaceCsv.substr(0, surfaceCsv.find('\n')), std::string("alpha,beta,loss,accuracy"));
        QCOMPARE(std::count(surfaceCsv.begin(), surfaceCsv.end(), '\n'), std::ptrdiff_t(13));

        ConvexityGrid convexity;
        convexity.xs = {-1.0, 1.0};
        convexity.ys = {0.0, 0.5, 1.0};
        for (size_t k = 0; k < 6; ++k) {
            convexity.lambdaMin.push_back(-0.1 * static_cast<double>(k));
            convexity.lambdaMax.push_back(2.0 + static_cast<double>(k));
            convexity.ratio.push_back(std::abs(convexity.lambdaMin[k] / convexity.lambdaMax[k]));
        }
        QCOMPARE(exportConvexity(prefix, convexity, nlohmann::json{{"tolerance", 0.01}}).size(), size_t(3));
        const at::Tensor maps = readNpy(prefix + "_convexity.npy");
        QCOMPARE(maps.sizes().vec(), (std::vector<int64_t>{3, 3, 2}));
        for (size_t j = 0; j < 3; ++j)
            for (size_t i = 0; i < 2; ++i) {
                const size_t k = convexity.index(i, j);
                QCOMPARE(maps[0][int64_t(j)][int64_t(i)].item<double>(), convexity.ratio[k]);
                QCOMPARE(maps[1][int64_t(j)][int64_t(i)].item<double>(), convexity.lambdaMin[k]);
                QCOMPARE(maps[2][int64_t(j)][int64_t(i)].item<double>(), convexity.lambdaMax[k]);
            }
        const std::string csv = readWholeFile(prefix + "_convexity.csv");
        QCOMPARE(csv.substr(0, csv.find('\n')), std::string("alpha,beta,ratio,lambda_min,lambda_max"));
        QCOMPARE(nlohmann::json::parse(readWholeFile(prefix + "_convexity.json")).at("beta").at("points").get<int>(),
                 3);
    }

    void unwritablePathIsAnInputErrorAndLeavesNothing()
    {
        QTemporaryDir dir;
        LandscapeGrid grid{{0.0, 1.0}, {0.0}, {1.0, 2.0}, {0.5, 0.5}};
        // The target is an existing directory: the temporary file is written, the rename fails.
        const std::string blocked = dir.filePath("blocked.vts").toStdString();
        std::filesystem::create_directory(blocked);
        QVERIFY(inputErrorOf([&] { writeSurfaceVts(blocked, grid); }).contains(QString::fromStdString(blocked)));
        const std::string missing = dir.filePath("no/such/dir/surface.csv").toStdString();
        QVERIFY(inputErrorOf([&] { writeSurfaceCsv(missing, grid); }).contains(QString::fromStdString(missing)));
        int entries = 0;
        for (const auto& entry : std::filesystem::directory_iterator(dir.path().toStdString())) {
            QCOMPARE(QString::fromStdString(entry.path().string()), QString::fromStdString(blocked));
            ++entries;
        }
        QCOMPARE(entries, 1);
        QVERIFY(std::filesystem::is_empty(blocked));
    }
};

MINIMASCOPE_TEST_APPLESS(TestLandscape)
#include "TestLandscape.moc"
