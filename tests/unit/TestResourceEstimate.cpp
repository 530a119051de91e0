// Memory a run needs, from its config alone (core/train/ResourceEstimate.h): exact parameter
// counts of the papers' MLPs, and impossible configs refused with the numbers.
#include "common/InputError.h"
#include "train/ResourceEstimate.h"
#include "support/TestSuite.h"

#include <nlohmann/json.hpp>

#include <QTest>

using namespace minimascope::core;
using nlohmann::json;

namespace {

RunConfig configWith(json overrides)
{
    json config{{"dataset", {{"name", "fashion-mnist"}, {"n", 1000}, {"test_n", 1000}}},
                {"model", {{"preset", "mlp-256x4"}}},
                {"optimizer", {{"name", "sgd"}, {"lr", 0.1}, {"batch_size", 10}}}};
    config.merge_patch(overrides);
    return RunConfig::fromJson(config);
}

std::string refusal(const RunConfig& config)
{
    try {
        requireRunFitsInMemory(config);
    } catch (const InputError& e) {
        return e.what();
    }
    return {};
}

}   // namespace

class TestResourceEstimate : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void parameterCountsOfThePapersNetworks_data()
    {
        QTest::addColumn<QString>("preset");
        QTest::addColumn<qint64>("parameters");
        // 784-256x4-10: 784*256+256 + 3*(256*256+256) + 256*10+10.
        QTest::newRow("mlp-256x4") << QStringLiteral("mlp-256x4") << qint64(400906);
        // 784-500x3-10, the count Wu, Ma & E give.
        QTest::newRow("mlp-500x3") << QStringLiteral("mlp-500x3") << qint64(898510);
    }

    void parameterCountsOfThePapersNetworks()
    {
        QFETCH(QString, preset);
        QFETCH(qint64, parameters);
        const RunMemoryEstimate e = estimateRunMemory(configWith({{"model", {{"preset", preset.toStdString()}}}}));
        QCOMPARE(e.parameters, int64_t(parameters));
        // The data: 2000 images of 784 floats plus label room.
        QCOMPARE(e.dataBytes, int64_t(2000) * (784 + 2) * 4);
        QVERIFY(e.total() < int64_t(200) * 1000 * 1000);   // the presets need well under 200 MB
        QVERIFY(refusal(configWith({{"model", {{"preset", preset.toStdString()}}}})).empty());
    }

    void impossibleRunsAreRefusedWithTheNumbers_data()
    {
        QTest::addColumn<QByteArray>("overrides");
        // 784*65536 + 65536^2 = 4.35e9 parameters: 139 GB with gradients and solver state.
        QTest::newRow("65536-wide MLP") << QByteArray(
            R"({"model": {"preset": null, "kind": "mlp", "widths": [65536, 65536]}})");
        // 2^31 - 1 two-moons points of 2 floats (+ label room): 34 GB of data.
        QTest::newRow("n = 2^31 - 1") << QByteArray(
            R"({"dataset": {"name": "two-moons", "n": 2147483647, "test_n": 0}, "model": {"preset": null, "kind": "mlp", "widths": [8]}})");
        // 3x3 convolutions of 65,536 channels: 3.9e10 parameters per convolution.
        QTest::newRow("65536-channel ResNet")
            << QByteArray(R"({"model": {"preset": null, "kind": "resnet", "widths": [65536]}})");
    }

    void impossibleRunsAreRefusedWithTheNumbers()
    {
        QFETCH(QByteArray, overrides);
        if (availableMemoryBytes() < 0)
            QSKIP("/proc/meminfo has no MemAvailable here");
        const std::string message = refusal(configWith(json::parse(overrides.toStdString())));
        QVERIFY2(message.find("the run needs about") != std::string::npos, message.c_str());
        QVERIFY2(message.find("are available") != std::string::npos, message.c_str());
    }

    void availableMemoryIsRead()
    {
        const int64_t available = availableMemoryBytes();
        QVERIFY(available > 0);
    }
};

MINIMASCOPE_TEST_APPLESS(TestResourceEstimate)
#include "TestResourceEstimate.moc"
