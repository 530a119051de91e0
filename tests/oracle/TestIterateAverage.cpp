// SWA-style averaging of iterates (train/IterateAverage.h, schedule.average_from): the running
// mean against its closed form, the average of SGD on a 1-D asymmetric valley lying on the flat
// side (He, Huang & Yuan 2019, Theorem 1's setting), and a run whose average/ folder holds exactly
// the mean of its iterates from average_from on, readable with the run id.
#include "common/CancelToken.h"
#include "data/DatasetSpec.h"
#include "models/FlatParameters.h"
#include "models/Network.h"
#include "train/IterateAverage.h"
#include "train/RunConfig.h"
#include "train/RunFolder.h"
#include "train/Trainer.h"
#include "support/CompareNear.h"
#include "support/TestSuite.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <nlohmann/json.hpp>

#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <fstream>

using namespace minimascope::core;
using json = nlohmann::json;

namespace {

// A mean of a few doubles: rounding only.
constexpr double kRounding = 1e-15;
// The run's iterates are float32; the mean of 16 of them, accumulated in double and rounded once
// to float, differs from a float32 sum's mean by a few float ulps (1.2e-7 relative each).
constexpr double kFloatMean = 1e-6;

}   // namespace

class TestIterateAverage : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void runningMean()
    {
        IterateAverage average;
        QVERIFY(!average.mean().defined());
        const at::TensorOptions d(at::kDouble);
        average.add(at::tensor({1.0, -2.0}, d));
        average.add(at::tensor({2.0, 4.0}, d));
        average.add(at::tensor({6.0, 1.0}, d));
        QCOMPARE(average.count(), int64_t(3));
        const at::Tensor mean = average.mean();
        MS_COMPARE_NEAR(mean[0].item<double>(), 3.0, kRounding);
        MS_COMPARE_NEAR(mean[1].item<double>(), 1.0, kRounding);
        average.reset();
        QCOMPARE(average.count(), int64_t(0));
        // The iterates' dtype comes back.
        average.add(at::ones({2}, at::TensorOptions(at::kFloat)));
        QCOMPARE(average.mean().scalar_type(), at::kFloat);
    }

    void asymmetricValleyAverageOnFlatSide()
    {
        // L(w) = a w for w >= 0 (flat side), -b w for w < 0 (sharp side, b = c a), the minimum at
        // 0; SGD w <- w - eta (L'(w) + xi) with bounded noise |xi| <= v <= a, as in Theorem 1 of
        // He et al. Iterates drift down the flat side slowly (eta a a step) and are thrown back
        // from the sharp side (eta b): the average sits on the flat side, E[mean] > 0.
        const double a = 1.0, b = 10.0, eta = 0.05, v = 1.0;
        at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(17);
        const int64_t steps = 20000, from = 1000;
        const at::Tensor noise = (at::rand({steps}, generator, at::TensorOptions(at::kDouble)) * 2.0 - 1.0) * v;
        const double* xi = noise.data_ptr<double>();
        IterateAverage average;
        double w = 0.5;
        double sumOfSquares = 0.0;
        for (int64_t t = 0; t < steps; ++t) {
            const double slope = w >= 0 ? a : -b;
            w -= eta * (slope + xi[t]);
            if (t + 1 >= from) {
                average.add(at::tensor({w}, at::TensorOptions(at::kDouble)));
                sumOfSquares += w * w;
            }
        }
        const double mean = average.mean().item<double>();
        const double count = static_cast<double>(average.count());
        // The iterates are correlated, so the naive standard error understates; 10 of them still
        // leaves the flat-side bias (about half the flat side's step scale) far outside the noise.
        const double naiveError = std::sqrt((sumOfSquares / count - mean * mean) / count);
        qDebug("1-D asymmetric valley: mean iterate %.4g (naive standard error %.2g), last %.4g", mean, naiveError, w);
        QVERIFY2(mean > 10.0 * naiveError, qPrintable(QStringLiteral("mean %1").arg(mean)));
        // The symmetric valley (b = a) for contrast: no side is preferred, the mean is near 0.
        IterateAverage symmetric;
        w = 0.5;
        for (int64_t t = 0; t < steps; ++t) {
            w -= eta * ((w >= 0 ? a : -a) + xi[t]);
            if (t + 1 >= from)
                symmetric.add(at::tensor({w}, at::TensorOptions(at::kDouble)));
        }
        QCOMPARE_LT(std::abs(symmetric.mean().item<double>()), mean / 2.0);
    }

    void runWritesTheAverage()
    {
        const json config{{"dataset", {{"name", "two-moons"}, {"n", 64}, {"test_n", 16}, {"seed", 2}}},
                          {"model", {{"kind", "mlp"}, {"widths", {16, 16}}, {"activation", "tanh"}}},
                          {"optimizer", {{"name", "sgd"}, {"lr", 0.2}, {"batch_size", 8}}},
                          {"stop", {{"loss_below", 0.0}, {"max_iterations", 20}}},
                          {"schedule", {{"average_from", 5}}},
                          {"seed", 9}};
        const RunConfig c = RunConfig::fromJson(config);
        QCOMPARE(c.schedule.averageFrom, int64_t(5));
        QCOMPARE(RunConfig::fromJson(c.toJson()).schedule.averageFrom, int64_t(5));
        QVERIFY(!RunConfig::fromJson(json{{"dataset", config["dataset"]}, {"model", config["model"]}})
                     .toJson()["schedule"]
                     .contains("average_from"));

        Trainer trainer(c, loadDatasets(c.dataset));
        IterateAverage expected;   // every iterate from 5 on, as the hooks see them
        trainer.addHook(1, false, [&](const TrainerState& state) {
            if (state.iteration >= 5)
                expected.add(state.parameters.values());
        });
        QTemporaryDir tmp;
        const std::string dir = tmp.path().toStdString() + "/run";
        RunFolderWriter writer(dir, trainer, RunFolderOptions{});
        writer.attach(trainer);
        CancelToken cancel;
        const TrainResult result = trainer.run(cancel);
        QCOMPARE(result.iterations, int64_t(20));
        QCOMPARE(result.averagedIterates, int64_t(16));
        QCOMPARE(trainer.averagedIterates(), int64_t(16));
        const at::Tensor last = trainer.parameters().get();
        writer.finish(trainer, result);
        QVERIFY(at::equal(trainer.parameters().values(), last));   // the final iterate is back

        QCOMPARE_LT(relativeDifference(trainer.averagedParameters(), expected.mean()), kFloatMean);
        // average/ reads back into the model with the run's id (what analyze --params RUN/average does).
        const RunFolderInfo info = readRunFolderInfo(dir);
        QCOMPARE(expectedRunIdFor(info, dir + "/average"), info.runId);
        const auto network = buildModel(c.model, loadDatasets(c.dataset).train, c.seed);
        loadNetworkTensors(dir + "/average", *network, info.runId);
        FlatParameters loaded(*network);
        QCOMPARE_LT(relativeDifference(loaded.values(), expected.mean()), kFloatMean);
        std::ifstream summaryFile(dir + "/summary.json");
        const json summary = json::parse(summaryFile);
        QCOMPARE(summary["average"]["from"].get<int64_t>(), int64_t(5));
        QCOMPARE(summary["average"]["iterates"].get<int64_t>(), int64_t(16));
    }

private:
    static double relativeDifference(const at::Tensor& a, const at::Tensor& b)
    {
        return (a.to(at::kDouble) - b.to(at::kDouble)).norm().item<double>() / b.to(at::kDouble).norm().item<double>();
    }
};

MINIMASCOPE_TEST_GUILESS(TestIterateAverage)
#include "TestIterateAverage.moc"
