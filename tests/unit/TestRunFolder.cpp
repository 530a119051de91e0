// A run folder holds exactly one run and stays readable after any interruption
// (core/train/RunFolder.h): the files round-trip, a folder holding another run is refused unless
// overwritten, files of two runs are never read together, a torn last row is skipped, and an
// interrupted run says so and offers its last checkpoint.
#include "analysis/CurvatureLog.h"
#include "common/CancelToken.h"
#include "common/InputError.h"
#include "data/DatasetSpec.h"
#include "io/CsvLog.h"
#include "models/ModelSpec.h"
#include "models/Network.h"
#include "train/RunConfig.h"
#include "train/RunFolder.h"
#include "train/Trainer.h"
#include "support/CompareNear.h"
#include "support/TestSuite.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace minimascope::core;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// metrics.csv keeps nine significant digits (io/NumberFormat.h).
constexpr double kCsvRelTol = 1e-8;
// The blobs run is still training where the norms are compared: the norm is far from zero, so the
// relative comparison means something.
constexpr double kMeasurableGradientNorm = 1e-4;

RunConfig blobsConfig(uint64_t seed = 5)
{
    return RunConfig::fromJson(
        json{{"dataset", {{"name", "blobs"}, {"n", 64}, {"test_n", 32}, {"noise", 0.5}, {"seed", 1}}},
             {"model", {{"kind", "mlp"}, {"widths", {16}}}},
             {"optimizer", {{"name", "sgd"}, {"lr", 0.1}, {"batch_size", 8}}},
             {"stop", {{"loss_below", 0.0}, {"max_iterations", 50}}},
             {"schedule", {{"snapshot_at", {0}}}},
             {"seed", seed}});
}

std::string readText(const std::string& path)
{
    std::ifstream in(path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void writeText(const std::string& path, const std::string& text, std::ios::openmode mode = std::ios::trunc)
{
    std::ofstream(path, std::ios::out | mode) << text;
}

// Trains the blobs MLP into `dir`; finish() is left out to leave the run as a kill would.
struct TrainedRun {
    TrainedRun(const std::string& dir, RunFolderOptions options, bool finish = true, uint64_t seed = 5)
        : config(blobsConfig(seed)), data(loadDatasets(config.dataset)), trainer(config, data)
    {
        RunFolderWriter writer(dir, trainer, options);
        writer.attach(trainer);
        runId = writer.runId();
        CancelToken token;
        result = trainer.run(token);
        if (finish)
            writer.finish(trainer, result);
    }
    RunConfig config;
    DatasetPair data;
    Trainer trainer;
    TrainResult result;
    std::string runId;
};

template <typename F> std::string inputErrorOf(F&& f)
{
    try {
        f();
    } catch (const InputError& e) {
        return e.what();
    }
    return {};
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}   // namespace

class TestRunFolder : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void finishedRunRoundTrips()
    {
        QTemporaryDir tmp;
        const std::string dir = tmp.filePath("run").toStdString();
        TrainedRun run(dir, {});

        const RunFolderInfo info = readRunFolderInfo(dir);
        QCOMPARE(info.runId, run.runId);
        QCOMPARE(info.runId.size(), size_t(16));
        QCOMPARE(info.status, std::string("finished"));
        QCOMPARE(info.reason, std::string("max_iterations"));
        QCOMPARE(info.examples, int64_t(64));
        QVERIFY(info.complete());
        QCOMPARE(readRunConfig(info).toJson().dump(), run.config.toJson().dump());

        // Every metrics row, streamed as measured, reads back.
        const std::vector<MetricsRow> rows = readMetrics(info);
        QCOMPARE(rows.size(), run.trainer.metrics().size());
        for (size_t i = 0; i < rows.size(); ++i) {
            QCOMPARE(rows[i].iteration, run.trainer.metrics()[i].iteration);
            const double trainLoss = run.trainer.metrics()[i].trainLoss;
            MS_COMPARE_RELATIVE(rows[i].trainLoss, trainLoss, kCsvRelTol);
        }
        QCOMPARE(rows.back().iteration, int64_t(50));

        // The final parameters reproduce the trained network exactly; the checkpoint is gone.
        auto fresh = buildModel(run.config.model, run.data.train, 99);
        loadNetworkTensors(finalParametersDir(info), *fresh, info.runId);
        QVERIFY(at::equal(fresh->forward(run.data.train.inputs), run.trainer.network().forward(run.data.train.inputs)));
        QVERIFY(!fs::exists(dir + "/checkpoint"));
        // The iteration-0 snapshot holds the initial weights and names the run.
        auto initial = buildModel(run.config.model, run.data.train, run.config.seed);
        loadNetworkTensors(snapshotFolder(dir, 0), *fresh, info.runId);
        QVERIFY(at::equal(fresh->forward(run.data.train.inputs), initial->forward(run.data.train.inputs)));

        // Each file names the run.
        for (const char* file : {"/summary.json", "/config.json", "/metrics.csv", "/parameters/index.json",
                                 "/snapshots/iter_00000000/index.json"})
            QVERIFY2(contains(readText(dir + file), run.runId), file);
    }

    void refusesAFolderHoldingAnotherRun()
    {
        QTemporaryDir tmp;
        const std::string dir = tmp.filePath("run").toStdString();
        TrainedRun first(dir, {});
        const std::string firstSummary = readText(dir + "/summary.json");

        const std::string message = inputErrorOf([&] { TrainedRun second(dir, {}); });
        QVERIFY2(contains(message, "--overwrite") && contains(message, first.runId), message.c_str());
        QCOMPARE(readText(dir + "/summary.json"), firstSummary);   // untouched

        // --overwrite removes what a run writes, and only that.
        writeText(dir + "/notes.txt", "mine");
        writeText(dir + "/landscape_random.json", "{}");
        writeText(dir + "/analysis.json", "{}");
        RunFolderOptions overwrite;
        overwrite.overwrite = true;
        TrainedRun second(dir, overwrite, true, 6);
        QVERIFY(second.runId != first.runId);
        QCOMPARE(readText(dir + "/notes.txt"), std::string("mine"));
        QVERIFY(!fs::exists(dir + "/landscape_random.json"));
        QVERIFY(!fs::exists(dir + "/analysis.json"));
        QCOMPARE(readRunFolderInfo(dir).runId, second.runId);
        QCOMPARE(readMetrics(readRunFolderInfo(dir)).size(), second.trainer.metrics().size());
    }

    void filesOfTwoRunsAreNeverReadTogether()
    {
        QTemporaryDir tmp;
        const std::string a = tmp.filePath("a").toStdString();
        const std::string b = tmp.filePath("b").toStdString();
        TrainedRun runA(a, {});
        TrainedRun runB(b, {}, true, 6);
        const RunFolderInfo infoB = readRunFolderInfo(b);

        fs::copy_file(a + "/metrics.csv", b + "/metrics.csv", fs::copy_options::overwrite_existing);
        QVERIFY(contains(inputErrorOf([&] { readMetrics(infoB); }), "two runs"));
        fs::copy_file(a + "/config.json", b + "/config.json", fs::copy_options::overwrite_existing);
        QVERIFY(contains(inputErrorOf([&] { readRunConfig(infoB); }), "two runs"));
        fs::remove_all(b + "/parameters");
        fs::copy(a + "/parameters", b + "/parameters");
        auto network = buildModel(runB.config.model, runB.data.train, 0);
        QVERIFY(contains(inputErrorOf([&] {
                             loadNetworkTensors(finalParametersDir(infoB), *network,
                                                expectedRunIdFor(infoB, b + "/parameters"));
                         }),
                         "two runs"));
        // Parameters from outside the run folder (another run's minimum) are the user's choice.
        QCOMPARE(expectedRunIdFor(infoB, a + "/parameters"), std::string());
        QCOMPARE(expectedRunIdFor(infoB, b + "/checkpoint"), infoB.runId);
    }

    void aTornLastRowIsSkipped()
    {
        QTemporaryDir tmp;
        const std::string dir = tmp.filePath("run").toStdString();
        TrainedRun run(dir, {});
        const RunFolderInfo info = readRunFolderInfo(dir);
        const size_t rows = readMetrics(info).size();
        writeText(dir + "/metrics.csv", "51,7,0.0", std::ios::app);   // killed mid-row
        QCOMPARE(readMetrics(info).size(), rows);
        QVERIFY(readCsvLog(dir + "/metrics.csv",
                           "iteration,epoch,seconds,batch_loss,train_loss,train_accuracy,test_loss,test_accuracy,"
                           "gradient_norm",
                           info.runId)
                    .tornLastLine);
        // A malformed row that is not the last is an error, not silently dropped.
        writeText(dir + "/metrics.csv", "\n1,2,3\n", std::ios::app);
        QVERIFY(contains(inputErrorOf([&] { readMetrics(info); }), "expected 10 fields"));
    }

    void gradientNormsReadBackAndOlderMetricsStillRead()
    {
        QTemporaryDir tmp;
        const std::string dir = tmp.filePath("run").toStdString();
        RunConfig config = blobsConfig();
        config.schedule.gradientNorm = true;
        DatasetPair data = loadDatasets(config.dataset);
        Trainer trainer(config, data);
        {
            RunFolderWriter writer(dir, trainer, {});
            writer.attach(trainer);
            CancelToken token;
            writer.finish(trainer, trainer.run(token));
        }
        const RunFolderInfo info = readRunFolderInfo(dir);
        const std::vector<MetricsRow> rows = readMetrics(info);
        QCOMPARE(rows.size(), trainer.metrics().size());
        for (size_t i = 0; i < rows.size(); ++i) {
            const double measured = trainer.metrics()[i].gradientNorm;
            QVERIFY(measured > kMeasurableGradientNorm);
            MS_COMPARE_NEAR(rows[i].gradientNorm, measured, kCsvRelTol * measured);
        }
        QCOMPARE(readRunConfig(info).toJson().dump(), config.toJson().dump());

        // metrics.csv as versions before gradient_norm wrote it: 8 columns, read with NaN norms.
        const std::string text = readText(dir + "/metrics.csv");
        std::istringstream lines(text);
        std::string line, older;
        while (std::getline(lines, line)) {
            const size_t runIdComma = line.rfind(',');
            const size_t normComma = line.rfind(',', runIdComma - 1);
            older += line.substr(0, normComma) + line.substr(runIdComma) + "\n";
        }
        QVERIFY(contains(older, "test_accuracy,run_id\n"));
        writeText(dir + "/metrics.csv", older, std::ios::trunc);
        const std::vector<MetricsRow> olderRows = readMetrics(info);
        QCOMPARE(olderRows.size(), rows.size());
        QCOMPARE(olderRows.back().trainLoss, rows.back().trainLoss);
        QVERIFY(std::isnan(olderRows.back().gradientNorm));
    }

    void anInterruptedRunOffersItsLastCheckpoint()
    {
        QTemporaryDir tmp;
        const std::string dir = tmp.filePath("run").toStdString();
        RunFolderOptions everyStep;
        everyStep.checkpointSeconds = 1e-9;
        TrainedRun run(dir, everyStep, /*finish=*/false);

        const RunFolderInfo info = readRunFolderInfo(dir);
        QCOMPARE(info.status, std::string("incomplete"));
        QVERIFY(!info.complete());
        QCOMPARE(info.checkpointIteration, int64_t(50));
        const std::string message = inputErrorOf([&] { finalParametersDir(info); });
        QVERIFY2(contains(message, "incomplete") && contains(message, "--params " + dir + "/checkpoint"),
                 message.c_str());
        auto restored = buildModel(run.config.model, run.data.train, 99);
        loadNetworkTensors(info.checkpointDir(), *restored, info.runId);
        QVERIFY(
            at::equal(restored->forward(run.data.train.inputs), run.trainer.network().forward(run.data.train.inputs)));
        QCOMPARE(readMetrics(info).size(), run.trainer.metrics().size());
        // No leftover temporary folders from replacing the checkpoint 50 times.
        for (const auto& entry : fs::directory_iterator(dir))
            QVERIFY2(!contains(entry.path().filename().string(), ".tmp-"), entry.path().c_str());
    }

    void curvatureStreamsWithTheRunId()
    {
        QTemporaryDir tmp;
        const std::string dir = tmp.filePath("run").toStdString();
        TrainedRun run(dir, {});
        const RunFolderInfo info = readRunFolderInfo(dir);
        QVERIFY(readCurvatureLog(info).empty());   // not tracked
        CurvatureSample sample;
        sample.iteration = 50;
        sample.sharpness = 2.0;
        sample.nonUniformity = std::nan("");
        {
            CurvatureLogWriter log(dir, info.runId);
            log.append(sample);
        }
        const std::vector<CurvatureSample> samples = readCurvatureLog(info);
        QCOMPARE(samples.size(), size_t(1));
        QCOMPARE(samples[0].sharpness, 2.0);
        QVERIFY(std::isnan(samples[0].nonUniformity));
        {
            CurvatureLogWriter foreign(dir, "0123456789abcdef");
            foreign.append(sample);
        }
        QVERIFY(contains(inputErrorOf([&] { readCurvatureLog(info); }), "two runs"));
    }

    void aRejectedFolderCreatesNothing()
    {
        QTemporaryDir tmp;
        const std::string blocker = tmp.filePath("blocker").toStdString();
        writeText(blocker, "not a directory");
        const std::string message = inputErrorOf([&] { TrainedRun run(blocker + "/run", {}); });
        QVERIFY2(contains(message, blocker), message.c_str());
        QVERIFY(contains(inputErrorOf([&] { readRunFolderInfo(tmp.filePath("nothing").toStdString()); }),
                         "not a run folder"));
    }
};

MINIMASCOPE_TEST_APPLESS(TestRunFolder)
#include "TestRunFolder.moc"
