// The trainer's curvature hook: on the escape toy every sample has the exact a = 2, s = 1.8 of
// the minimum x = 1 that GD (eta = 0.7) stays at; on a tiny MLP the warm-started samples agree
// with a cold measurement and cost fewer products; the optional spectrum arrives with each sample.
#include "analysis/CurvatureReport.h"
#include "analysis/CurvatureTracker.h"
#include "common/CancelToken.h"
#include "data/DatasetSpec.h"
#include "train/RunConfig.h"
#include "train/Trainer.h"
#include "support/CompareNear.h"
#include "support/TestSuite.h"

#include <nlohmann/json.hpp>

#include <QTest>

#include <cmath>

using namespace minimascope::core;
using json = nlohmann::json;

namespace {

// The toy's parameter is float32 and its constants 0.1, 1.9 are not exact in binary.
constexpr double kToyTolerance = 1e-4;
// Two certified solves of the same operator from different starts: each within its tolerance
// (residual <= 1e-6 |lambda|) of the true eigenvalue, so within a few times that of each other.
constexpr double kCertifiedTolerance = 1e-6;
// A warm-started tracker sample against a cold measurement, both certified to kCertifiedTolerance:
// they agree far better than ten times it.
constexpr double kCertifiedAgreement = 1e-5;
// Lanczos quadrature weights are squares of a unit vector's components: they sum to 1 up to
// double rounding over the steps.
constexpr double kWeightSumTolerance = 1e-9;

}   // namespace

class TestCurvatureTracking : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void escapeToySamplesAreExact()
    {
        const json config{{"dataset", {{"name", "escape-toy"}}},
                          {"model", {{"kind", "escape-toy"}, {"x0", 0.99}}},
                          {"optimizer", {{"name", "gd"}, {"lr", 0.7}}},
                          {"stop", {{"loss_below", 0.0}, {"max_iterations", 35}}}};
        const RunConfig c = RunConfig::fromJson(config);
        Trainer trainer(c, loadDatasets(c.dataset));
        CurvatureTracking tracking;
        tracking.every = 10;
        tracking.atEnd = true;
        CurvatureTracker tracker(tracking);
        int callbacks = 0;
        tracker.setCallback([&](const CurvatureSample&) { ++callbacks; });
        tracker.attach(trainer);
        CancelToken token;
        trainer.run(token);
        const auto& samples = tracker.samples();
        QCOMPARE(samples.size(), size_t(4));   // 10, 20, 30 and the end (35)
        QCOMPARE(callbacks, 4);
        const int64_t iterations[] = {10, 20, 30, 35};
        for (size_t i = 0; i < samples.size(); ++i) {
            QCOMPARE(samples[i].iteration, iterations[i]);
            MS_COMPARE_NEAR(samples[i].sharpness, 2.0, kToyTolerance);
            MS_COMPARE_NEAR(samples[i].nonUniformity, 1.8, kToyTolerance);
            QVERIFY(samples[i].hessianProducts > 0 && samples[i].covarianceProducts > 0);
            QVERIFY(!samples[i].density);
        }
    }

    // In the background the samples are those of the parameters at their own iteration: the same
    // numbers as measuring synchronously (training is deterministic and untouched by tracking), and
    // every due point is either measured or listed as skipped.
    void backgroundSamplesMatchSynchronousOnes()
    {
        const json config{{"dataset", {{"name", "blobs"}, {"n", 64}, {"test_n", 8}, {"seed", 1}}},
                          {"model", {{"kind", "mlp"}, {"widths", {16}}, {"activation", "tanh"}}},
                          {"optimizer", {{"name", "sgd"}, {"lr", 0.05}, {"batch_size", 8}}},
                          {"stop", {{"loss_below", 0.0}, {"max_iterations", 400}}},
                          {"seed", 3}};
        const RunConfig c = RunConfig::fromJson(config);
        const auto trackedRun = [&](bool background, std::vector<int64_t>* skipped) {
            Trainer trainer(c, loadDatasets(c.dataset));
            CurvatureTracking tracking;
            tracking.every = 4;
            tracking.atEnd = true;
            tracking.tolerance = kCertifiedTolerance;
            tracking.background = background;
            CurvatureTracker tracker(tracking);
            tracker.attach(trainer);
            CancelToken token;
            trainer.run(token);
            if (skipped)
                *skipped = tracker.skipped();
            return tracker.samples();
        };
        const std::vector<CurvatureSample> reference = trackedRun(false, nullptr);
        std::vector<int64_t> skipped;
        const std::vector<CurvatureSample> background = trackedRun(true, &skipped);
        QCOMPARE(reference.size(), size_t(400 / 4));           // every 4th iteration; the end is one of them
        QCOMPARE(background.back().iteration, int64_t(400));   // the end is always measured
        QCOMPARE(background.size() + skipped.size(), reference.size());
        QVERIFY(background.size() >= 2);
        size_t next = 0;
        for (const CurvatureSample& sample : background) {
            while (next < reference.size() && reference[next].iteration != sample.iteration)
                ++next;
            QVERIFY2(next < reference.size(), "a background sample at an iteration that was not due");
            const CurvatureSample& expected = reference[next];
            MS_COMPARE_RELATIVE(sample.sharpness, expected.sharpness, kCertifiedAgreement);
            MS_COMPARE_RELATIVE(sample.nonUniformity, expected.nonUniformity, kCertifiedAgreement);
        }
    }

    void warmStartsAgreeWithAColdMeasurementAndCostLess()
    {
        const json config{{"dataset", {{"name", "blobs"}, {"n", 40}, {"test_n", 8}, {"seed", 1}}},
                          {"model", {{"kind", "mlp"}, {"widths", {8}}, {"activation", "tanh"}}},
                          {"optimizer", {{"name", "gd"}, {"lr", 0.01}}},
                          {"stop", {{"loss_below", 0.0}, {"max_iterations", 20}}},
                          {"seed", 3}};
        const RunConfig c = RunConfig::fromJson(config);
        Trainer trainer(c, loadDatasets(c.dataset));
        CurvatureTracking tracking;
        tracking.every = 5;
        tracking.atEnd = false;
        tracking.tolerance = kCertifiedTolerance;
        tracking.spectrum = true;
        tracking.densityOptions.steps = 10;
        CurvatureTracker tracker(tracking);
        tracker.attach(trainer);
        CancelToken token;
        trainer.run(token);
        QCOMPARE(tracker.samples().size(), size_t(4));
        const CurvatureSample& last = tracker.samples().back();

        CurvatureRequest cold;
        cold.tolerance = kCertifiedTolerance;
        const CurvatureReport reference = measureCurvature(trainer.network(), trainer.parameters(),
                                                           trainer.data().train, cold);
        // Both certified to 1e-6 |lambda|: the eigenvalues agree far better than 1e-5.
        MS_COMPARE_NEAR(last.sharpness, reference.topEigenvalues.front().value,
                        kCertifiedAgreement * reference.topEigenvalues.front().value);
        MS_COMPARE_NEAR(last.nonUniformity, reference.nonUniformity->value,
                        kCertifiedAgreement * reference.nonUniformity->value);
        // eta = 0.01 moves the parameters little in 5 steps: the previous eigenvectors are
        // nearly converged starts.
        QVERIFY2(
            last.hessianProducts < reference.topEigenvalues.front().products,
            qPrintable(
                QStringLiteral("%1 vs %2").arg(last.hessianProducts).arg(reference.topEigenvalues.front().products)));
        QVERIFY(last.covarianceProducts < reference.nonUniformity->products);
        // The spectrum: 10 Lanczos steps, weights summing to 1.
        QVERIFY(last.density.has_value());
        QCOMPARE(last.density->products, int64_t(10));
        double total = 0.0;
        for (double w : last.density->weights)
            total += w;
        MS_COMPARE_NEAR(total, 1.0, kWeightSumTolerance);
    }
};

MINIMASCOPE_TEST_APPLESS(TestCurvatureTracking)
#include "TestCurvatureTracking.moc"
