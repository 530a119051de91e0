// The teaching demos' core (core/demos): every shipped demo file reads, its runs and its
// try-next change are valid run configs, its explanation names a paper with an arXiv id;
// broken demo files are InputErrors naming the key; and the escape-toy lesson's numbers are
// the exact ones of docs/science.md, "The escape toy": (a, s) = (2, 0) at x = 0 and (2, 1.8) at x = 1, GD
// from 0.99 stays at 1 and SGD with B = 1 leaves it for 0; the filter-normalization lesson's
// normalized directions have the minimum's filter norms, its raw ones the N(0, 1) expectation,
// and both planes pass through the minimum's loss; the rescaling lesson's T_alpha keeps a tiny
// ReLU network's outputs and loss (double precision), its dense Hessian there is D H D, so the
// trace is tr(H_11)/alpha^2 + alpha^2 tr(H_22) + tr(rest), the lesson's a is the dense
// lambda_max of D H D and its filter-normalized plane does not move while the raw one does; the
// architectures demo is one ResNet in the four combinations of skip connections and BatchNorm,
// everything else alike, and its lesson (normalized plane only, a and s measured) passes each
// plane through its minimum's loss, with a at least the curvature the plane shows along d1 and
// a and s those the analyze command's measureCurvature finds at the same trained network.
#include "analysis/CurvatureReport.h"
#include "common/CancelToken.h"
#include "common/InputError.h"
#include "data/DatasetSpec.h"
#include "demos/Demo.h"
#include "demos/EscapeToyLesson.h"
#include "demos/NormalizationLesson.h"
#include "demos/RescalingLesson.h"
#include "models/FlatParameters.h"
#include "oracle/DenseCurvature.h"
#include "train/RunConfig.h"
#include "train/Trainer.h"
#include "support/CompareNear.h"
#include "support/TestSuite.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <set>
#include <string>
#include <utility>

using namespace minimascope::core;
using nlohmann::json;
namespace testing = minimascope::testing;

namespace {

// The model is float32 and 0.1, 1.9 are not exact in binary: the issue asks for 2e-3, the
// products agree far closer.
constexpr double kEscapeTolerance = 2e-3;
// Filter norms of float32 vectors, rescaled in float32 and summed in double.
constexpr double kFilterNormTolerance = 1e-5;
// E|d|^2 of a raw N(0, 1) direction is its number of weights W, with standard deviation
// sqrt(2W) (about 4% for the lesson's 1,152 weights): 15% is more than three deviations.
constexpr double kRawNormTolerance = 0.15;
// The plane's centre is the minimum itself; the surface and the Trainer evaluate it in float32
// along different paths (fused first layer vs module forward).
constexpr double kCentreLossTolerance = 1e-4;
// ... plus a float32 rounding of a loss of order 1, the floor for losses near zero.
constexpr double kCentreLossFloor = 1e-7;
// No point of the plane lies below its centre, the minimum, by more than float32 evaluation along
// another path can explain (ten times kCentreLossTolerance).
constexpr double kBelowCentreTolerance = 1e-3;
// Raw directions do not rescale with the weights: their plane moves by far more than rounding.
constexpr double kRawPlaneChange = 1e-3;
// T_alpha in double precision: the function, D H D and an exact trace agree to rounding.
constexpr double kRescalingDoubleTolerance = 1e-9;
// Lanczos stops at residual <= tolerance * a, and an eigenvalue lies within the residual.
constexpr double kRescalingSolverTolerance = 1e-8;
// The demo's float32 network: T_alpha changes the loss by rounding only (alpha up to 10 here).
constexpr double kRescalingFloatTolerance = 1e-5;
// The architectures lesson's convolutional networks: the surface and the Trainer evaluate the
// centre in float32 over the same examples in eval mode, in chunks that may sum differently.
constexpr double kConvCentreLossTolerance = 1e-5;
// A second difference of the plane at alpha = +-h along d1 is d1' H d1 h^2 up to O(h^4) terms and
// float32 rounding of the loss (about 1e-7 of it against a change of ~1e-4): <= a with 2% room.
constexpr double kRayleighTolerance = 0.02;
// Lanczos certifies each eigenvalue to |Hv - lambda v| <= 1e-3 |lambda| (CurvatureRequest); two
// solves of the same operator agree within that.
constexpr double kCurvatureAgreement = 2e-3;
// The escape toy's losses vanish at its minima x = 0 and x = 1: what is left is rounding.
constexpr double kToyZeroLossTolerance = 1e-12;
constexpr double kToyZeroMeanTolerance = 1e-9;
// The toy's float32 losses of order 0.1 (0.1 and 1.9 are not exact in binary): a few float32
// epsilons.
constexpr double kToyCurveTolerance = 1e-6;
// x is a float32 parameter: 0.99 and 1 are held to a few float32 epsilons.
constexpr double kToyParameterTolerance = 1e-6;
// 200 SGD steps settle on a minimum (x = 0 or x = 1) far closer than this; it separates the two.
constexpr double kToySettledTolerance = 1e-3;

double relativeTo(double actual, double expected)
{
    return std::abs(actual - expected) / std::max(1e-300, std::abs(expected));
}

// The largest relative difference of two planes over the same grid.
double planeDifference(const LandscapeGrid& a, const LandscapeGrid& b)
{
    double worst = 0.0;
    for (size_t k = 0; k < a.loss.size(); ++k)
        worst = std::max(worst, relativeTo(a.loss[k], b.loss[k]));
    return worst;
}

}   // namespace

class TestDemo : public QObject {
    Q_OBJECT

private:
    // Writes NAME.json (and NAME.md) into m_dir and reads it back.
    Demo readWritten(const json& document)
    {
        const QString md = m_dir.filePath(QStringLiteral("demo.md"));
        QFile explanation(md);
        if (!explanation.exists() && explanation.open(QIODevice::WriteOnly))
            explanation.write("## A demo\n");
        QFile file(m_dir.filePath(QStringLiteral("demo.json")));
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
            throw std::runtime_error("cannot write the demo file");
        file.write(QByteArray::fromStdString(document.dump()));
        file.close();
        return readDemoFile(file.fileName().toStdString());
    }

    static json validDemo()
    {
        return json{{"format", "minimascope-demo"},
                    {"version", 1},
                    {"title", "A demo"},
                    {"summary", "One sentence."},
                    {"seconds", 5},
                    {"explanation", "demo.md"},
                    {"runs", json::array({{{"label", "GD"}, {"preset", "escape-toy-gd"}}})},
                    {"try_next", {{"setting", "optimizer.lr"}, {"value", 0.3}, {"text", "Lower η."}}}};
    }

    QTemporaryDir m_dir;

private Q_SLOTS:
    void everyShippedDemoReads()
    {
        const std::vector<Demo> demos = listDemos();
        QVERIFY2(demos.size() >= 3, "the escape, flatter and edge-of-stability demos are shipped");
        for (const Demo& demo : demos) {
            QVERIFY(!demo.title.empty() && !demo.summary.empty());
            QVERIFY(demo.seconds > 0 && demo.seconds <= 90);   // seconds to about a minute
            for (const DemoRun& run : demo.runs)
                QVERIFY(RunConfig::fromJson(run.config).stop.maxIterations > 0);
            // The try-next change is a real, valid change of the first run.
            const json changed = tryNextConfig(demo);
            QVERIFY(changed != demo.runs.front().config);
            (void)RunConfig::fromJson(changed);
            const std::string text = readDemoExplanation(demo);
            QVERIFY2(text.find("arXiv:") != std::string::npos, demo.name.c_str());
            QVERIFY2(text.find("What to watch") != std::string::npos, demo.name.c_str());
            if (!demo.picturePath.empty())
                QVERIFY(QFile::exists(QString::fromStdString(demo.picturePath)));
        }
    }

    void escapeDemoIsTheEscapeToy()
    {
        const Demo demo = findDemo("escape");
        QCOMPARE(demo.view, std::string("escape-toy"));
        QCOMPARE(demo.runs.size(), size_t(2));
        QCOMPARE(demo.runs[0].preset, std::string("escape-toy-sgd"));
        QCOMPARE(tryNextConfig(demo)["optimizer"]["lr"].get<double>(), 0.3);
    }

    void filterNormalizationLesson()
    {
        const Demo demo = findDemo("filter-normalization");
        QCOMPARE(demo.view, std::string("normalization"));
        std::vector<json> configs;
        for (const DemoRun& run : demo.runs)
            configs.push_back(run.config);
        QCOMPARE(configs.size(), size_t(2));   // small-batch SGD and GD
        NormalizationLessonSettings settings;
        settings.resolution = 5;   // the centre (index 2) is the minimum
        const NormalizationLesson lesson = computeNormalizationLesson(configs, settings);
        QVERIFY(lesson.status == RunStatus::Finished);
        QCOMPARE(lesson.minima.size(), size_t(2));
        // 2-32-32-2: 32 + 32 + 2 filters, 64 + 1024 + 64 weights.
        constexpr size_t kFilters = 66;
        constexpr double kWeights = 1152.0;
        for (const NormalizationMinimum& minimum : lesson.minima) {
            QVERIFY(minimum.trainStatus == RunStatus::Finished);
            QVERIFY(minimum.trainLoss < 0.01);   // the runs' stop rule
            QCOMPARE(minimum.parameterFilterNorms.size(), kFilters);
            QCOMPARE(minimum.normalizedFilterNorms.size(), kFilters);
            QCOMPARE(minimum.rawFilterNorms.size(), kFilters);
            double squares = 0.0;
            for (size_t i = 0; i < kFilters; ++i) {
                const double theta = minimum.parameterFilterNorms[i];
                MS_COMPARE_NEAR_AT(minimum.normalizedFilterNorms[i], theta, kFilterNormTolerance * theta,
                                   qPrintable(QStringLiteral("filter %1").arg(i)));
                squares += minimum.rawFilterNorms[i] * minimum.rawFilterNorms[i];
            }
            MS_COMPARE_NEAR(squares / kWeights, 1.0, kRawNormTolerance);
            for (const LandscapeGrid* grid : {&minimum.raw, &minimum.filterNormalized}) {
                QCOMPARE(grid->xs.size(), size_t(5));
                QCOMPARE(grid->xs[2], 0.0);
                QCOMPARE(grid->ys[2], 0.0);
                const double centre = grid->loss[grid->index(2, 2)];
                MS_COMPARE_NEAR(centre, minimum.trainLoss, kCentreLossTolerance * minimum.trainLoss + kCentreLossFloor);
                for (size_t k = 0; k < grid->loss.size(); ++k)
                    QVERIFY(std::isfinite(grid->loss[k]) && grid->loss[k] >= centre * (1.0 - kBelowCentreTolerance));
            }
        }
    }

    void architecturesDemoIsOneResNetFourWays()
    {
        const Demo demo = findDemo("architectures");
        QCOMPARE(demo.view, std::string("surfaces"));
        QCOMPARE(demo.runs.size(), size_t(4));
        std::set<std::pair<bool, bool>> combinations;
        for (const DemoRun& run : demo.runs) {
            const RunConfig config = RunConfig::fromJson(run.config);
            QCOMPARE(config.model.kind, std::string("resnet"));
            QCOMPARE(config.dataset.name, std::string("fashion-mnist"));
            QCOMPARE(config.threads, int64_t(1));   // the lesson's one core
            combinations.insert({config.model.skipConnections, config.model.batchNorm});
            // Only the architecture differs: the same data, seed, optimizer, widths and depth.
            json rest = run.config;
            json first = demo.runs.front().config;
            for (json* document : {&rest, &first}) {
                (*document)["model"].erase("skip_connections");
                (*document)["model"].erase("batch_norm");
            }
            QCOMPARE(rest, first);
        }
        QCOMPARE(combinations.size(), size_t(4));   // every combination once
        // The try-next change deepens the first run (no skips, BatchNorm) from 14 to 32 layers.
        QCOMPARE(demo.tryNext.setting, std::string("model.blocks_per_stage"));
        const RunConfig first = RunConfig::fromJson(demo.runs.front().config);
        QVERIFY(!first.model.skipConnections && first.model.batchNorm);
        QCOMPARE(first.model.blocksPerStage, int64_t(2));
        QCOMPARE(RunConfig::fromJson(tryNextConfig(demo)).model.blocksPerStage, int64_t(5));
    }

    void architecturesLessonMeasuresEachMinimum()
    {
        // The demo's first two runs (no skips and skips, both with BatchNorm), cut to 32 images
        // and 40 steps so that a unit test can afford them; a 3 x 3 plane of half-width h.
        const Demo demo = findDemo("architectures");
        std::vector<json> configs;
        for (size_t i = 0; i < 2; ++i) {
            json config = demo.runs[i].config;
            config["dataset"]["n"] = 32;
            config["dataset"]["test_n"] = 32;
            config["stop"]["max_iterations"] = 40;
            configs.push_back(config);
        }
        constexpr double h = 1e-3;
        NormalizationLessonSettings settings;
        settings.resolution = 3;
        settings.range = h;
        settings.rawPlane = false;
        settings.curvature = true;
        const NormalizationLesson lesson = computeNormalizationLesson(configs, settings);
        QVERIFY(lesson.status == RunStatus::Finished);
        QCOMPARE(lesson.minima.size(), size_t(2));
        for (const NormalizationMinimum& minimum : lesson.minima) {
            QCOMPARE(minimum.iterations, int64_t(40));
            QVERIFY(minimum.raw.loss.empty());   // the raw plane was not asked for
            const LandscapeGrid& plane = minimum.filterNormalized;
            QCOMPARE(plane.xs.size(), size_t(3));
            QCOMPARE(plane.xs[1], 0.0);
            const double centre = plane.loss[plane.index(1, 1)];
            MS_COMPARE_RELATIVE(centre, minimum.trainLoss, kConvCentreLossTolerance);
            QVERIFY(std::isfinite(minimum.sharpness) && minimum.sharpness > 0.0);
            QVERIFY(std::isfinite(minimum.nonUniformity) && minimum.nonUniformity > 0.0);
            // |d1|^2: biases and BatchNorm are zero in the direction, every filter has the
            // minimum's norm.
            double squares = 0.0;
            for (const double norm : minimum.normalizedFilterNorms)
                squares += norm * norm;
            const double along = (plane.loss[plane.index(0, 1)] + plane.loss[plane.index(2, 1)] - 2.0 * centre)
                                 / (h * h * squares);
            // A Rayleigh quotient of H: at most lambda_max (it may be negative off a true minimum).
            QCOMPARE_LE(along, minimum.sharpness * (1.0 + kRayleighTolerance));
        }
        // The same run trained again and measured as `minimascope-cli analyze` does.
        const RunConfig config = RunConfig::fromJson(configs.front());
        Trainer trainer(config, loadDatasets(config.dataset));
        QVERIFY(trainer.run(CancelToken()).status == RunStatus::Finished);
        const CurvatureReport report = measureCurvature(trainer.network(), trainer.parameters(), trainer.data().train,
                                                        CurvatureRequest());
        QVERIFY(report.status == RunStatus::Finished && report.nonUniformity);
        MS_COMPARE_RELATIVE(lesson.minima.front().sharpness, report.topEigenvalues.front().value, kCurvatureAgreement);
        MS_COMPARE_RELATIVE(lesson.minima.front().nonUniformity, report.nonUniformity->value, kCurvatureAgreement);
        // Without curvature asked for, a and s stay NaN; a set token stops before the first step.
        settings.curvature = false;
        const NormalizationLesson plain = computeNormalizationLesson({configs.front()}, settings);
        QVERIFY(std::isnan(plain.minima.front().sharpness) && std::isnan(plain.minima.front().nonUniformity));
        CancelToken cancelled;
        cancelled.requestCancel();
        const NormalizationLesson stopped = computeNormalizationLesson(configs, settings, &cancelled);
        QVERIFY(stopped.status == RunStatus::Cancelled);
        QVERIFY(stopped.minima.empty());
    }

    void rescalingKeepsTheFunctionAndScalesTheHessian_data()
    {
        QTest::addColumn<int>("layer");
        QTest::addColumn<double>("alpha");
        QTest::newRow("layer 0, alpha = 1/100") << 0 << 0.01;
        QTest::newRow("layer 0, alpha = 0.3") << 0 << 0.3;
        QTest::newRow("layer 0, alpha = 7") << 0 << 7.0;
        QTest::newRow("layer 0, alpha = 100") << 0 << 100.0;
        QTest::newRow("layer 1, alpha = 20") << 1 << 20.0;
    }

    void rescalingKeepsTheFunctionAndScalesTheHessian()
    {
        QFETCH(int, layer);
        QFETCH(double, alpha);
        // 9-6-5-3 ReLU in double: 113 parameters, at its (untrained) initialization; T_alpha's
        // identities hold at any parameters.
        const auto network = testing::tinyMlp(9, {6, 5}, 3, Activation::Relu);
        FlatParameters flat(*network);
        const DatasetPair data{testing::tinyImages(24, 1, 3), testing::tinyImages(12, 2, 3)};
        const at::Tensor theta = flat.get();
        const int64_t p = flat.size();
        const RescaledLayers layers = rescaledLayers(*network, flat, layer);
        QCOMPARE(layers.first, "linear" + std::to_string(layer));
        RescalingSettings settings;
        settings.tolerance = kRescalingSolverTolerance;
        settings.maxSteps = p;
        settings.traceProducts = 3 * p;   // Hutch++ with a p-step Krylov sketch: Q spans, the trace is exact
        settings.resolution = 5;
        const RescaledMinimum one = measureRescaledMinimum(*network, flat, data, theta, layers, 1.0, settings);
        const RescaledMinimum rescaled = measureRescaledMinimum(*network, flat, data, theta, layers, alpha, settings);
        QVERIFY(one.status == RunStatus::Finished && rescaled.status == RunStatus::Finished);
        QVERIFY(flat.get().equal(theta));   // the parameters are back

        // The function: outputs, losses and accuracy.
        QCOMPARE_LT(rescaled.outputChange, kRescalingDoubleTolerance);
        MS_COMPARE_RELATIVE(rescaled.trainLoss, one.trainLoss, kRescalingDoubleTolerance);
        MS_COMPARE_RELATIVE(rescaled.testLoss, one.testLoss, kRescalingDoubleTolerance);
        QCOMPARE(rescaled.testAccuracy, one.testAccuracy);
        const double expectedNorm = (theta * rescalingFactors(flat, layers, alpha)).norm().item<double>();
        MS_COMPARE_RELATIVE(rescaled.weightNorm, expectedNorm, kRescalingDoubleTolerance);

        // The Hessian at T_alpha(theta) is D H D, D = diag(1 / factors).
        const Dataset& train = data.train;
        const at::Tensor hessian = testing::denseHessian(*network, train.task, train.inputs, train.targets);
        const at::Tensor factors = rescalingFactors(flat, layers, alpha);
        flat.set(theta * factors);
        const at::Tensor moved = testing::denseHessian(*network, train.task, train.inputs, train.targets);
        flat.set(theta);
        const at::Tensor d = 1.0 / factors;
        const double error = testing::relativeError(moved, d.unsqueeze(1) * hessian * d.unsqueeze(0));
        QCOMPARE_LT(error, kRescalingDoubleTolerance);
        // So the trace: tr(H_11) / alpha^2 + alpha^2 tr(H_22) + tr(rest).
        const at::Tensor diagonal = hessian.diagonal();
        const auto blockTrace = [&](size_t slice) {
            const ParameterSlice& s = flat.slices()[slice];
            return diagonal.narrow(0, s.offset, s.numel).sum().item<double>();
        };
        const double first = blockTrace(layers.firstWeight) + blockTrace(layers.firstBias);
        const double second = blockTrace(layers.secondWeight);
        const double rest = hessian.trace().item<double>() - first - second;
        const double trace = first / (alpha * alpha) + alpha * alpha * second + rest;
        MS_COMPARE_RELATIVE(moved.trace().item<double>(), trace, kRescalingDoubleTolerance);
        MS_COMPARE_RELATIVE(rescaled.trace, trace, kRescalingDoubleTolerance);
        // The lesson's a is lambda_max(D H D) to the solver's tolerance.
        const double lambdaMax = at::linalg_eigvalsh(moved)[p - 1].item<double>();
        MS_COMPARE_RELATIVE(rescaled.sharpness, lambdaMax, kRescalingSolverTolerance);
        QCOMPARE_LE(rescaled.sharpnessResidual, kRescalingSolverTolerance * std::abs(rescaled.sharpness));

        // Filter-normalized directions rescale with the weights (d' = T_alpha d): the same plane.
        // Raw ones do not.
        QCOMPARE(rescaled.filterNormalized.loss.size(), size_t(25));
        QCOMPARE_LT(planeDifference(rescaled.filterNormalized, one.filterNormalized), kRescalingDoubleTolerance);
        QCOMPARE_GT(planeDifference(rescaled.raw, one.raw), kRawPlaneChange);
        // Both pass through the minimum (the centre).
        MS_COMPARE_RELATIVE(rescaled.raw.loss[12], one.trainLoss, kRescalingDoubleTolerance);
    }

    void rescalingLessonOfTheDemo()
    {
        const Demo demo = findDemo("sharp-minima-generalize");
        QCOMPARE(demo.runs.size(), size_t(1));
        RescalingLesson lesson(demo.runs.front().config);
        const CancelToken token;
        QVERIFY(lesson.train(token).status == RunStatus::Finished);
        RescalingSettings settings;
        settings.resolution = 5;
        const RescaledMinimum one = lesson.measure(1.0, settings);
        const RescaledMinimum ten = lesson.measure(10.0, settings);
        QVERIFY(one.status == RunStatus::Finished && ten.status == RunStatus::Finished);
        // float32: the same function to rounding, a far sharper minimum.
        QCOMPARE_LT(ten.outputChange, kRescalingFloatTolerance);
        MS_COMPARE_RELATIVE(ten.trainLoss, one.trainLoss, kRescalingFloatTolerance);
        QCOMPARE(ten.testAccuracy, one.testAccuracy);
        QCOMPARE_LT(planeDifference(ten.filterNormalized, one.filterNormalized), kRescalingFloatTolerance);
        QVERIFY(ten.sharpness > 10.0 * one.sharpness);
        QVERIFY(ten.trace > 10.0 * one.trace);

        // A cancelled measurement says so; the tanh network of another demo is refused.
        CancelToken cancelled;
        cancelled.requestCancel();
        QVERIFY(lesson.measure(2.0, settings, &cancelled).status == RunStatus::Cancelled);
        QVERIFY_THROWS_EXCEPTION(InputError, RescalingLesson(findDemo("filter-normalization").runs.front().config));
        QVERIFY_THROWS_EXCEPTION(InputError, lesson.measure(0.0, settings));
    }

    void aMissingDemoListsTheKnownOnes()
    {
        try {
            (void)findDemo("no-such-demo");
            QFAIL("no error");
        } catch (const InputError& e) {
            QVERIFY(std::string(e.what()).find("escape") != std::string::npos);
        }
    }

    void brokenDemoFilesNameTheKey_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("patch");   // a JSON merge patch of the valid demo
        QTest::newRow("unknown key") << "colour"
                                     << R"({"colour": "red"})";
        QTest::newRow("no title") << "title"
                                  << R"({"title": null})";
        QTest::newRow("empty summary") << "summary"
                                       << R"({"summary": ""})";
        QTest::newRow("negative seconds") << "seconds"
                                          << R"({"seconds": -1})";
        QTest::newRow("wrong format") << "format"
                                      << R"({"format": "minimascope-run"})";
        QTest::newRow("wrong version") << "version"
                                       << R"({"version": 2})";
        QTest::newRow("missing explanation") << "explanation"
                                             << R"({"explanation": "nothing.md"})";
        QTest::newRow("explanation outside") << "explanation"
                                             << R"({"explanation": "../demo.md"})";
        QTest::newRow("unknown view") << "view"
                                      << R"({"view": "movie"})";
        QTest::newRow("view of another name") << "view"
                                              << R"({"view": "surface"})";
        QTest::newRow("no runs") << "runs"
                                 << R"({"runs": []})";
        QTest::newRow("unknown preset") << "runs[0].preset"
                                        << R"({"runs": [{"label": "x", "preset": "nope"}]})";
        QTest::newRow("preset and config") << "runs[0]"
                                           << R"({"runs": [{"label": "x", "preset": "escape-toy-gd", "config": {}}]})";
        QTest::newRow("bad run config") << "runs[0].config"
                                        << R"({"runs": [{"label": "x", "config": {"optimizer": {"lr": -1}}}]})";
        QTest::newRow("bad try-next value") << "try_next"
                                            << R"({"try_next": {"value": -2}})";
        QTest::newRow("try-next typo") << "try_next"
                                       << R"({"try_next": {"setting": "optimizer.lrr"}})";
        QTest::newRow("try-next no text") << "try_next.text"
                                          << R"({"try_next": {"text": null}})";
        QTest::newRow("bad measure_every") << "measure_every"
                                           << R"({"measure_every": 1.5})";
        QTest::newRow("bad measure_non_uniformity") << "measure_non_uniformity"
                                                    << R"({"measure_non_uniformity": 0})";
    }

    void brokenDemoFilesNameTheKey()
    {
        QFETCH(QString, key);
        QFETCH(QString, patch);
        json document = validDemo();
        document.merge_patch(json::parse(patch.toStdString()));
        try {
            (void)readWritten(document);
            QFAIL("no error");
        } catch (const InputError& e) {
            const std::string message = e.what();
            QVERIFY2(e.key() == key.toStdString(), (e.key() + " / " + message).c_str());
            QVERIFY2(message.find("demo.json") != std::string::npos, message.c_str());
        }
    }

    void theValidDemoReads()
    {
        const Demo demo = readWritten(validDemo());
        QCOMPARE(demo.name, std::string("demo"));
        QCOMPARE(demo.seconds, 5.0);
        QCOMPARE(demo.tryNext.setting, std::string("optimizer.lr"));
        json surfaces = validDemo();
        surfaces["view"] = "surfaces";
        QCOMPARE(readWritten(surfaces).view, std::string("surfaces"));
    }

    void escapeToyMinimaAreExact_data()
    {
        QTest::addColumn<double>("x");
        QTest::addColumn<double>("sharpness");
        QTest::addColumn<double>("nonUniformity");
        QTest::newRow("x = 0") << 0.0 << 2.0 << 0.0;
        QTest::newRow("x = 1") << 1.0 << 2.0 << 1.8;
    }

    void escapeToyMinimaAreExact()
    {
        QFETCH(double, x);
        QFETCH(double, sharpness);
        QFETCH(double, nonUniformity);
        const EscapeToyPoint point = measureEscapeToyPoint(x);
        MS_COMPARE_NEAR(point.sharpness, sharpness, kEscapeTolerance);
        MS_COMPARE_NEAR(point.nonUniformity, nonUniformity, kEscapeTolerance);
        MS_COMPARE_NEAR(point.loss, 0.0, kToyZeroLossTolerance);
    }

    void escapeToyCurvesAreTheLosses()
    {
        const EscapeToyCurves curves = escapeToyCurves(-0.5, 1.5, 5);   // x = -0.5, 0, 0.5, 1, 1.5
        QCOMPARE(curves.x.size(), size_t(5));
        MS_COMPARE_NEAR(curves.example1[2], 0.025, kToyCurveTolerance);   // min{0.25, 0.1 * 0.25}
        MS_COMPARE_NEAR(curves.example2[2], 0.25, kToyCurveTolerance);    // min{0.25, 1.9 * 0.25}
        MS_COMPARE_NEAR(curves.mean[1], 0.0, kToyZeroMeanTolerance);
        MS_COMPARE_NEAR(curves.mean[3], 0.0, kToyZeroMeanTolerance);
        MS_COMPARE_NEAR(curves.mean[4], 0.5 * (0.1 + 1.9) * 0.25, kToyCurveTolerance);
    }

    void gdStaysAndSgdEscapes()
    {
        EscapeToySettings settings;   // eta 0.7 from 0.99, 200 steps
        const EscapeToyPath gd = escapeToyIterates(settings, true);
        QCOMPARE(gd.x.size(), size_t(settings.steps + 1));
        MS_COMPARE_NEAR(gd.x.front(), 0.99, kToyParameterTolerance);
        MS_COMPARE_NEAR(gd.x.back(), 1.0, kToyParameterTolerance);
        const EscapeToyPath sgd = escapeToyIterates(settings, false);
        MS_COMPARE_NEAR(sgd.x.back(), 0.0, kToySettledTolerance);
        // Lower eta: the s bound 1/eta = 3.3 exceeds 1.8, SGD stays at x = 1 too.
        settings.eta = 0.3;
        MS_COMPARE_NEAR(escapeToyIterates(settings, false).x.back(), 1.0, kToySettledTolerance);
    }
};

MINIMASCOPE_TEST_GUILESS(TestDemo)
#include "TestDemo.moc"
