// Run configs: defaults, the JSON round trip, strict validation naming the full key, the
// model presets (parameter counts, forward shapes) and config files.
#include "common/InputError.h"
#include "data/Dataset.h"
#include "models/ModelSpec.h"
#include "models/Network.h"
#include "train/RunConfig.h"
#include "support/InputErrorOf.h"
#include "support/TestSuite.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <QTemporaryDir>

#include <QTest>

#include <fstream>
#include <functional>
#include <limits>
#include <string>

using namespace minimascope::core;
using nlohmann::json;

namespace {

// The InputError message of parsing `j` (empty when it parses).
QString parseError(const json& j)
{
    return inputErrorOf([&] { RunConfig::fromJson(j); });
}

// A small valid config on synthetic data, to which each case adds one bad value.
json validConfig()
{
    return json{{"dataset", {{"name", "blobs"}, {"n", 100}}},
                {"model", {{"kind", "mlp"}, {"widths", {8}}}},
                {"optimizer", {{"name", "sgd"}, {"lr", 0.1}, {"batch_size", 10}}}};
}

json with(json base, const std::string& section, const std::string& key, const json& value)
{
    if (section.empty())
        base[key] = value;
    else
        base[section][key] = value;
    return base;
}

// A data set shaped like Fashion-MNIST (random pixels, 10 classes).
Dataset fashionShaped(int64_t n = 4)
{
    Dataset d;
    d.name = "fashion-shaped";
    d.task = Task::Classification;
    d.inputs = at::rand({n, 1, 28, 28}, at::kFloat);
    d.targets = at::arange(n, at::kLong) % 10;
    d.numClasses = 10;
    d.inputShape = {1, 28, 28};
    return d;
}

Dataset points2d()
{
    Dataset d;
    d.name = "points";
    d.task = Task::Classification;
    d.inputs = at::rand({4, 2}, at::kFloat);
    d.targets = at::zeros({4}, at::kLong);
    d.numClasses = 2;
    d.inputShape = {2};
    return d;
}

}   // namespace

class TestRunConfig : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void defaults()
    {
        const RunConfig c = RunConfig::fromJson(json::object());
        QCOMPARE(c.seed, uint64_t(0));
        QCOMPARE(c.threads, int64_t(0));
        QCOMPARE(c.dataset.name, std::string("fashion-mnist"));
        QCOMPARE(c.dataset.n, int64_t(1000));
        QCOMPARE(c.dataset.testN, int64_t(1000));
        QCOMPARE(c.model.kind, std::string("mlp"));
        QCOMPARE(c.model.widths, (std::vector<int64_t>{256, 256, 256, 256}));
        QVERIFY(c.model.activation == Activation::Relu);
        QVERIFY(c.modelPreset.empty());
        QCOMPARE(c.optimizer.name, std::string("sgd"));
        QCOMPARE(c.optimizer.lr, 0.1);
        QCOMPARE(c.optimizer.batchSize, int64_t(10));
        QVERIFY(c.optimizer.sampling == Sampling::Shuffle);
        QCOMPARE(c.optimizer.momentum, 0.0);
        QVERIFY(!c.optimizer.nesterov);
        QCOMPARE(c.optimizer.eps, 1e-8);
        QCOMPARE(c.stop.lossBelow, 1e-4);
        QCOMPARE(c.stop.maxIterations, int64_t(20000));
        QCOMPARE(c.stop.maxSeconds, 0.0);
        QCOMPARE(c.stop.divergenceLoss, 1e6);
        QCOMPARE(c.schedule.evalEvery, int64_t(0));
        QCOMPARE(c.schedule.snapshotEvery, int64_t(0));
        QVERIFY(c.schedule.snapshotAt.empty());
        QCOMPARE(c.effectiveBatchSize(1000), int64_t(10));

        // Defaults that depend on the choice of optimizer or data set.
        QCOMPARE(RunConfig::fromJson(json{{"optimizer", {{"name", "adam"}}}}).optimizer.lr, 1e-3);
        QCOMPARE(RunConfig::fromJson(json{{"optimizer", {{"name", "lbfgs"}}}}).optimizer.lr, 1.0);
        QCOMPARE(RunConfig::fromJson(json{{"optimizer", {{"name", "adagrad"}}}}).optimizer.eps, 1e-10);
        const RunConfig gd = RunConfig::fromJson(json{{"optimizer", {{"name", "gd"}}}});
        QCOMPARE(gd.effectiveBatchSize(1000), int64_t(1000));
        const RunConfig toy = RunConfig::fromJson(json{{"dataset", {{"name", "escape-toy"}}},
                                                       {"model", {{"kind", "escape-toy"}}},
                                                       {"optimizer", {{"name", "gd"}}}});
        QCOMPARE(toy.dataset.n, int64_t(2));
        QCOMPARE(toy.dataset.testN, int64_t(0));
        QCOMPARE(toy.model.initialPosition, 0.99);
    }

    void roundTrip()
    {
        json j = validConfig();
        j["seed"] = 17;
        j["threads"] = 2;
        j["dataset"]["noise"] = 0.25;
        j["dataset"]["classes"] = {0, 2};
        j["model"]["activation"] = "tanh";
        j["optimizer"]["momentum"] = 0.5;
        j["optimizer"]["nesterov"] = true;
        j["optimizer"]["sampling"] = "subset";
        j["stop"] = {{"loss_below", 1e-3}, {"max_iterations", 77}, {"max_seconds", 2.5}};
        j["schedule"] = {{"snapshot_at", {9, 0, 7}}, {"snapshot_every", 10}, {"eval_every", 3}};
        const RunConfig c = RunConfig::fromJson(j);
        QCOMPARE(c.seed, uint64_t(17));
        QVERIFY(c.optimizer.sampling == Sampling::Subset);
        QCOMPARE(c.schedule.snapshotAt, (std::vector<int64_t>{0, 7, 9}));   // sorted
        const RunConfig again = RunConfig::fromJson(c.toJson());
        QCOMPARE(again.toJson().dump(), c.toJson().dump());

        // With a preset, and with defaults only.
        const RunConfig preset = RunConfig::fromJson(json{{"model", {{"preset", "mlp-500x3"}}}});
        QCOMPARE(preset.modelPreset, std::string("mlp-500x3"));
        QCOMPARE(preset.model.widths, (std::vector<int64_t>{500, 500, 500}));
        QCOMPARE(RunConfig::fromJson(preset.toJson()).toJson().dump(), preset.toJson().dump());
        const RunConfig defaults = RunConfig::fromJson(json::object());
        QCOMPARE(RunConfig::fromJson(defaults.toJson()).toJson().dump(), defaults.toJson().dump());
        // The round trip is not vacuous: different configs dump differently.
        QVERIFY(defaults.toJson().dump() != c.toJson().dump());

        // schedule.gradient_norm is written only when on, so that the configs (and the study run
        // keys hashed from them) of runs without it stay what they were.
        QVERIFY(!defaults.toJson()["schedule"].contains("gradient_norm"));
        j["schedule"]["gradient_norm"] = true;
        const RunConfig withNorm = RunConfig::fromJson(j);
        QVERIFY(withNorm.schedule.gradientNorm);
        QCOMPARE(withNorm.toJson()["schedule"]["gradient_norm"], json(true));
        QVERIFY(RunConfig::fromJson(withNorm.toJson()).schedule.gradientNorm);
        j["schedule"]["gradient_norm"] = 1;
        QVERIFY(parseError(j).contains("schedule.gradient_norm"));
    }

    void optimizerSwitch()
    {
        json j = validConfig();
        QVERIFY(!RunConfig::fromJson(j).toJson().contains("switch"));   // only when on
        QCOMPARE(RunConfig::fromJson(j).optimizerSwitch.at, int64_t(0));
        j["switch"] = {{"at", 50}, {"from", {{"name", "adam"}, {"batch_size", 5}}}};
        const RunConfig c = RunConfig::fromJson(j);
        QCOMPARE(c.optimizerSwitch.at, int64_t(50));
        QCOMPARE(c.optimizerSwitch.from.name, std::string("adam"));
        QCOMPARE(c.optimizerSwitch.from.lr, 1e-3);   // adam's own default
        QCOMPARE(c.optimizerSwitch.from.effectiveBatchSize(100), int64_t(5));
        QCOMPARE(RunConfig::fromJson(c.toJson()).toJson().dump(), c.toJson().dump());
        QCOMPARE(c.toJson()["switch"]["from"]["name"], json("adam"));

        json missing = validConfig();
        missing["switch"] = {{"at", 50}};
        QVERIFY(parseError(missing).contains("\"from\""));
        json never = j;
        never["stop"]["max_iterations"] = 50;
        QVERIFY(parseError(never).contains("switch.at"));
        json tooLarge = j;
        tooLarge["switch"]["from"]["batch_size"] = 1000;
        QVERIFY(parseError(tooLarge).contains("switch.from.batch_size"));
        json typo = j;
        typo["switch"]["from"]["lrr"] = 0.1;
        QVERIFY(parseError(typo).contains("switch.from.lrr"));
        json nesterov = j;
        nesterov["switch"]["from"] = {{"name", "sgd"}, {"nesterov", true}};
        QVERIFY(parseError(nesterov).contains("switch.from.momentum"));
    }

    void unknownKeysAreRejectedByFullName()
    {
        QVERIFY(parseError(validConfig()).isEmpty());
        const struct {
            const char* section;
            const char* key;
            const char* fullKey;
        } cases[] = {
            {"", "sed", "'sed'"},
            {"dataset", "nn", "'dataset.nn'"},
            {"model", "widthz", "'model.widthz'"},
            {"optimizer", "lrr", "'optimizer.lrr'"},
            {"stop", "max_iter", "'stop.max_iter'"},
            {"schedule", "snapshots", "'schedule.snapshots'"},
        };
        for (const auto& c : cases) {
            const QString message = parseError(with(validConfig(), c.section, c.key, 1));
            QVERIFY2(message.contains(c.fullKey), qPrintable(message));
            QVERIFY2(message.contains("unknown"), qPrintable(message));
        }
    }

    void outOfRangeValuesNameTheKey()
    {
        const struct {
            const char* section;
            const char* key;
            json value;
            const char* fullKey;
        } cases[] = {
            {"optimizer", "lr", 0.0, "optimizer.lr"},
            {"optimizer", "lr", -1.0, "optimizer.lr"},
            {"optimizer", "lr", 1e39, "optimizer.lr"},   // beyond float32
            {"optimizer", "lr", 1.000001e6, "optimizer.lr"},
            {"optimizer", "eps", 1e39, "optimizer.eps"},
            {"optimizer", "rho", 1e39, "optimizer.rho"},
            {"", "seed", std::numeric_limits<uint64_t>::max(), "seed"},   // would wrap to -1
            {"dataset", "path", "\xff", "dataset.path"},                  // not UTF-8
            {"optimizer", "batch_size", 0, "optimizer.batch_size"},
            {"optimizer", "batch_size", 101, "optimizer.batch_size"},   // > dataset.n = 100
            {"optimizer", "momentum", 1.5, "optimizer.momentum"},
            {"optimizer", "name", "rmsprop", "optimizer.name"},
            {"optimizer", "lr", "fast", "optimizer.lr"},   // wrong type
            {"optimizer", "sampling", "sometimes", "optimizer.sampling"},
            {"dataset", "n", 0, "dataset.n"},
            {"dataset", "name", "mnist", "dataset.name"},
            {"model", "activation", "sigmoid", "model.activation"},
            {"model", "preset", "mlp-1x1", "mlp-1x1"},
            {"stop", "max_iterations", -1, "stop.max_iterations"},
            {"", "version", 2, "version"},
        };
        for (const auto& c : cases) {
            const QString message = parseError(with(validConfig(), c.section, c.key, c.value));
            QVERIFY2(!message.isEmpty(), c.fullKey);
            QVERIFY2(message.contains(c.fullKey), qPrintable(message));
        }
        // Nesterov without momentum is contradictory.
        json nesterov = validConfig();
        nesterov["optimizer"]["nesterov"] = true;
        QVERIFY(parseError(nesterov).contains("optimizer.nesterov"));
        // The boundary: batch_size == n is fine; gd ignores batch_size.
        QVERIFY(parseError(with(validConfig(), "optimizer", "batch_size", 100)).isEmpty());
        QVERIFY(parseError(with(validConfig(), "optimizer", "lr", 1e6)).isEmpty());
        json gd = with(validConfig(), "optimizer", "batch_size", 500);
        gd["optimizer"]["name"] = "gd";
        QVERIFY(parseError(gd).isEmpty());
        // The escape toy model and data set go together.
        json toyModel = validConfig();
        toyModel["model"] = {{"kind", "escape-toy"}};
        QVERIFY(parseError(toyModel).contains("dataset.name"));
    }

    void mlpPresetParameterCounts()
    {
        const Dataset data = fashionShaped();
        const auto big = buildModel(modelPreset("mlp-500x3"), data, 0);
        QCOMPARE(big->parameterCount(), int64_t(898510));
        const auto canonical = buildModel(modelPreset("mlp-256x4"), data, 0);
        QCOMPARE(canonical->parameterCount(), int64_t(784 * 256 + 256 + 3 * (256 * 256 + 256) + 256 * 10 + 10));
        QCOMPARE(big->forward(data.inputs).sizes().vec(), (std::vector<int64_t>{4, 10}));
        QVERIFY(inputErrorOf([] { modelPreset("mlp-1x1"); }).contains("mlp-256x4"));
    }

    void cnnPresetsForwardShapes()
    {
        const Dataset data = fashionShaped();
        for (const char* name : {"lenet5", "vgg-small", "resnet-small", "resnet-small-noskip"}) {
            const auto net = buildModel(modelPreset(name), data, 1);
            const at::Tensor out = net->forward(data.inputs);
            QVERIFY2(out.sizes().vec() == (std::vector<int64_t>{4, 10}), name);
            QVERIFY2(at::isfinite(out).all().item<bool>(), name);
            QVERIFY2(net->parameterCount() > 1000, name);
            // On 2D points a convolutional model cannot be built.
            QVERIFY2(!inputErrorOf([&] { buildModel(modelPreset(name), points2d(), 1); }).isEmpty(), name);
        }
        // The noskip variant differs from resnet-small only in the skip connections.
        QVERIFY(modelPreset("resnet-small").skipConnections);
        QVERIFY(!modelPreset("resnet-small-noskip").skipConnections);
        // The escape-toy model only fits the escape-toy data.
        QVERIFY(!inputErrorOf([&] { buildModel(modelPreset("escape-toy"), points2d(), 1); }).isEmpty());
    }

    void configFiles()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string bad = dir.filePath("bad.json").toStdString();
        std::ofstream(bad) << "{ \"optimizer\": { \"lr\": 0.1, }";
        const QString message = inputErrorOf([&] { loadRunConfig(bad); });
        QVERIFY2(message.contains(QString::fromStdString(bad)), qPrintable(message));

        // A valid file reads back; a semantic error also names the file and the key.
        const std::string good = dir.filePath("good.json").toStdString();
        std::ofstream(good) << validConfig().dump();
        QCOMPARE(loadRunConfig(good).toJson().dump(), RunConfig::fromJson(validConfig()).toJson().dump());
        const std::string wrong = dir.filePath("wrong.json").toStdString();
        std::ofstream(wrong) << with(validConfig(), "optimizer", "lrr", 1).dump();
        const QString wrongMessage = inputErrorOf([&] { loadRunConfig(wrong); });
        QVERIFY2(wrongMessage.contains(QString::fromStdString(wrong)), qPrintable(wrongMessage));
        QVERIFY2(wrongMessage.contains("optimizer.lrr"), qPrintable(wrongMessage));
        // What the parser itself rejects names the file and the key.
        const struct {
            const char* file;
            std::string text;
            const char* says;
        } rejected[] = {
            {"huge.json", R"({"optimizer": {"lr": 1e400}})",
             "a number is too large for a double at key 'optimizer.lr'"},
            {"twice.json", R"({"optimizer": {"lr": 0.1, "lr": 0.2}})", "duplicate key 'optimizer.lr'"},
            {"deep.json", R"({"optimizer": {"lr": )" + std::string(1000, '[') + std::string(1000, ']') + "}}",
             "nested deeper than 64 levels at key 'optimizer.lr'"},
        };
        for (const auto& r : rejected) {
            const std::string path = dir.filePath(r.file).toStdString();
            std::ofstream(path) << r.text;
            const QString rejection = inputErrorOf([&] { loadRunConfig(path); });
            QVERIFY2(rejection.startsWith(QString::fromStdString(path) + ": " + r.says), qPrintable(rejection));
        }
        // A missing file too.
        const std::string missing = dir.filePath("missing.json").toStdString();
        QVERIFY(inputErrorOf([&] { loadRunConfig(missing); }).contains(QString::fromStdString(missing)));
    }
};

MINIMASCOPE_TEST_APPLESS(TestRunConfig)
#include "TestRunConfig.moc"
