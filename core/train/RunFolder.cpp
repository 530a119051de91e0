#include "train/RunFolder.h"

#include "common/InputError.h"
#include "io/AtomicFile.h"
#include "io/CsvLog.h"
#include "io/Directories.h"
#include "io/NumberFormat.h"
#include "io/StrictJson.h"
#include "io/TensorFolder.h"
#include "models/FlatParameters.h"
#include "models/Network.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <random>
#include <sstream>

namespace minimascope::core {

namespace fs = std::filesystem;

namespace {

constexpr const char* kFormat = "minimascope-run-folder";
constexpr int kVersion = 2;
constexpr const char* kIncomplete = "incomplete";
constexpr const char* kMetricsHeader =
    "iteration,epoch,seconds,batch_loss,train_loss,train_accuracy,test_loss,test_accuracy,gradient_norm";
// Written before schedule.gradient_norm existed: the same without gradient_norm.
constexpr const char* kMetricsHeaderWithoutGradient =
    "iteration,epoch,seconds,batch_loss,train_loss,train_accuracy,test_loss,test_accuracy";

// What the program writes into a run folder, and so may remove with --overwrite: nothing else.
bool isOwnedOutput(const std::string& name)
{
    static const char* const owned[] = {"summary.json",  "config.json",    "metrics.csv",   "metrics.json",
                                        "curvature.csv", "curvature.json", "analysis.json", "parameters",
                                        "checkpoint",    "snapshots",      "figures",       "point.json",
                                        "average"};
    for (const char* o : owned) {
        const std::string prefix = std::string(o) + ".tmp-";
        if (name == o || name.compare(0, prefix.size(), prefix) == 0)
            return true;
    }
    return name.compare(0, 10, "landscape_") == 0 || name.compare(0, 9, "asymmetry") == 0;
}

std::vector<fs::path> ownedOutputs(const std::string& dir)
{
    std::vector<fs::path> found;
    std::error_code error;
    for (fs::directory_iterator it(dir, error), end; !error && it != end; it.increment(error))
        if (isOwnedOutput(it->path().filename().string()))
            found.push_back(it->path());
    return found;
}

std::string metricsLine(const MetricsRow& r)
{
    std::ostringstream line;
    line << r.iteration << ',' << r.epoch << ',' << csvNumber(r.seconds) << ',' << csvNumber(r.batchLoss) << ','
         << csvNumber(r.trainLoss) << ',' << csvNumber(r.trainAccuracy) << ',' << csvNumber(r.testLoss) << ','
         << csvNumber(r.testAccuracy) << ',' << csvNumber(r.gradientNorm);
    return line.str();
}

nlohmann::json rowJson(const MetricsRow& r)
{
    return {{"iteration", r.iteration},
            {"epoch", r.epoch},
            {"seconds", jsonNumber(r.seconds)},
            {"batch_loss", jsonNumber(r.batchLoss)},
            {"train_loss", jsonNumber(r.trainLoss)},
            {"train_accuracy", jsonNumber(r.trainAccuracy)},
            {"test_loss", jsonNumber(r.testLoss)},
            {"test_accuracy", jsonNumber(r.testAccuracy)},
            {"gradient_norm", jsonNumber(r.gradientNorm)}};
}

nlohmann::json parseJsonFile(const std::string& path) { return parseStrictJson(readWholeFile(path), path); }

int64_t tensorBytes(Network& network)
{
    int64_t bytes = 0;
    for (const auto& p : network.named_parameters())
        bytes += static_cast<int64_t>(p.value().nbytes());
    for (const auto& b : network.named_buffers())
        bytes += static_cast<int64_t>(b.value().nbytes());
    return bytes;
}

}   // namespace

// ---- Reading ----

RunFolderInfo readRunFolderInfo(const std::string& dir)
{
    const std::string path = dir + "/summary.json";
    if (!fs::exists(path)) {
        if (fs::exists(dir + "/config.json") && fs::exists(dir + "/parameters"))
            throw InputError(dir
                             + ": a run folder of an earlier MinimaScope (no summary.json with a run id): "
                               "train it again with this version");
        throw InputError(dir
                         + " is not a run folder (it has no summary.json; 'minimascope-cli train --out DIR' "
                           "writes one)");
    }
    const nlohmann::json summary = parseJsonFile(path);
    if (!summary.is_object() || summary.value("format", "") != kFormat)
        throw InputError(path + ": not a MinimaScope run summary");
    if (summary.value("version", 0) != kVersion)
        throw InputError(path + ": run folder version " + std::to_string(summary.value("version", 0))
                         + " (this MinimaScope reads version " + std::to_string(kVersion) + ")");
    RunFolderInfo info;
    info.dir = dir;
    try {
        info.runId = summary.at("run_id").get<std::string>();
        info.status = summary.at("status").get<std::string>();
        info.reason = summary.value("reason", "");
        info.examples = summary.value("examples", int64_t{0});
        const auto checkpoint = summary.find("checkpoint");
        if (checkpoint != summary.end() && checkpoint->is_object()) {
            info.checkpointIteration = checkpoint->at("iteration").get<int64_t>();
            info.checkpointSeconds = numberFromJson(*checkpoint, "seconds");
        }
    } catch (const nlohmann::json::exception& e) {
        throw InputError(path + ": " + e.what());
    }
    if (info.runId.empty())
        throw InputError(path + ": empty run_id");
    return info;
}

RunConfig readRunConfig(const RunFolderInfo& run)
{
    const std::string path = run.dir + "/config.json";
    const nlohmann::json json = parseJsonFile(path);
    if (!json.is_object() || json.value("run_id", "") != run.runId)
        throw InputError(
            path + ": this config belongs to "
            + (json.is_object() && json.contains("run_id") ? "run " + json.value("run_id", "") : std::string("no run"))
            + ", not to run " + run.runId + " (files of two runs are mixed in this folder)");
    try {
        return RunConfig::fromJson(json);
    } catch (const InputError& e) {
        throw InputError(path + ": " + e.what());
    }
}

std::vector<MetricsRow> readMetrics(const RunFolderInfo& run)
{
    const std::string path = run.dir + "/metrics.csv";
    const CsvLog log = readCsvLog(path, kMetricsHeader, run.runId, {kMetricsHeaderWithoutGradient});
    std::vector<MetricsRow> rows;
    for (size_t i = 0; i < log.rows.size(); ++i) {
        const std::vector<std::string>& f = log.rows[i];
        const std::string where = path + ", row " + std::to_string(i + 1);
        MetricsRow row;
        row.iteration = static_cast<int64_t>(numberFromCsv(f[0], where));
        row.epoch = static_cast<int64_t>(numberFromCsv(f[1], where));
        row.seconds = numberFromCsv(f[2], where);
        row.batchLoss = numberFromCsv(f[3], where);
        row.trainLoss = numberFromCsv(f[4], where);
        row.trainAccuracy = numberFromCsv(f[5], where);
        row.testLoss = numberFromCsv(f[6], where);
        row.testAccuracy = numberFromCsv(f[7], where);
        row.gradientNorm = f.size() > 8 ? numberFromCsv(f[8], where) : kNaN;
        rows.push_back(row);
    }
    return rows;
}

std::string finalParametersDir(const RunFolderInfo& run)
{
    if (run.complete())
        return run.parametersDir();
    std::string message = run.dir
                          + " holds an incomplete run (it is still training, or it was killed before it "
                            "finished), so it has no final parameters; ";
    if (run.checkpointIteration >= 0) {
        char when[96];
        std::snprintf(when, sizeof when, "its last checkpoint is at iteration %lld (%.0f s): ",
                      static_cast<long long>(run.checkpointIteration), run.checkpointSeconds);
        message += when + std::string("pass --params ") + run.checkpointDir() + " to use it";
    } else {
        message += "it wrote no checkpoint yet";
    }
    throw InputError(message);
}

std::string expectedRunIdFor(const RunFolderInfo& run, const std::string& parametersDir)
{
    std::error_code error;
    const fs::path runPath = fs::weakly_canonical(run.dir, error);
    const fs::path parametersPath = fs::weakly_canonical(parametersDir, error);
    const auto mismatch = std::mismatch(runPath.begin(), runPath.end(), parametersPath.begin(), parametersPath.end());
    return mismatch.first == runPath.end() ? run.runId : std::string();
}

// ---- Writing ----

std::string newRunId()
{
    std::random_device entropy;
    const uint64_t high = entropy();
    const uint64_t low = entropy();
    const uint64_t time = static_cast<uint64_t>(std::chrono::system_clock::now().time_since_epoch().count());
    char id[17];
    std::snprintf(id, sizeof id, "%016llx", static_cast<unsigned long long>(((high << 32) | low) ^ time));
    return id;
}

struct RunFolderWriter::Impl {
    RunFolderOptions options;
    RunConfig config;
    std::string model;
    int64_t examples = 0;
    std::unique_ptr<CsvLogWriter> metrics;
    std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point lastCheckpoint = start;
    int64_t checkpointIteration = -1;
    double checkpointSeconds = 0.0;
};

std::string describeRunFolderOccupant(const std::string& dir)
{
    if (ownedOutputs(dir).empty())
        return {};
    try {
        const RunFolderInfo other = readRunFolderInfo(dir);
        return "run " + other.runId + " (" + other.status + ")";
    } catch (const InputError&) {
        return "files of another run";
    }
}

RunFolderWriter::RunFolderWriter(std::string dir, Trainer& trainer, RunFolderOptions options)
    : m_impl(std::make_unique<Impl>()), m_dir(std::move(dir)), m_runId(newRunId())
{
    Impl& d = *m_impl;
    d.options = options;
    d.config = trainer.config();
    d.model = trainer.network().describe();
    d.examples = trainer.data().train.size();

    const std::vector<fs::path> existing = ownedOutputs(m_dir);
    if (!existing.empty() && !options.overwrite)
        throw InputError(m_dir + " already holds " + describeRunFolderOccupant(m_dir)
                         + ": pass --overwrite to replace it, or choose another output folder");
    for (const fs::path& path : existing) {
        std::error_code error;
        fs::remove_all(path, error);
        if (error)
            throw InputError("cannot remove " + path.string() + " to overwrite the run: " + error.message());
    }

    // The final parameters, a checkpoint and the checkpoint's replacement in flight, and the
    // scheduled snapshots.
    const ScheduleSpec& schedule = d.config.schedule;
    const int64_t snapshots = (schedule.snapshotEvery > 0 ? d.config.stop.maxIterations / schedule.snapshotEvery + 1
                                                          : 0)
                              + static_cast<int64_t>(schedule.snapshotAt.size())
                              + (d.config.optimizerSwitch.at > 0 ? 1 : 0);
    const int64_t needed = tensorBytes(trainer.network()) * (3 + snapshots) + (1 << 20);
    const int64_t available = availableBytes(m_dir);
    if (available >= 0 && available < needed)
        throw InputError(m_dir + ": the disk has " + byteCount(available) + " free, the run needs about "
                         + byteCount(needed) + " (parameters, checkpoints and snapshots)");

    // summary.json last: a folder that has it has every file a reader needs.
    ensureDirectory(m_dir);
    nlohmann::json config = d.config.toJson();
    config["run_id"] = m_runId;
    writeFileAtomically(m_dir + "/config.json", config.dump(2) + "\n");
    d.metrics = std::make_unique<CsvLogWriter>(m_dir + "/metrics.csv", kMetricsHeader, m_runId);
    writeSummary(kIncomplete, nullptr);
}

RunFolderWriter::~RunFolderWriter() = default;

void RunFolderWriter::attach(Trainer& trainer)
{
    Impl& d = *m_impl;
    d.start = d.lastCheckpoint = std::chrono::steady_clock::now();
    trainer.setMetricsSink([this](const MetricsRow& row) { appendMetrics(row); });
    const ScheduleSpec& schedule = d.config.schedule;
    if (schedule.snapshotEvery > 0 || !schedule.snapshotAt.empty() || d.config.optimizerSwitch.at > 0) {
        trainer.setSnapshotSink([this](const TrainerState& state) {
            saveNetworkTensors(snapshotFolder(m_dir, state.iteration), state.network, m_runId);
        });
    }
    if (d.options.checkpointSeconds > 0) {
        // Checked every step: a clock read costs nanoseconds, a checkpoint is due once a minute.
        trainer.addHook(1, false, [this](const TrainerState& state) {
            const std::chrono::duration<double> since = std::chrono::steady_clock::now() - m_impl->lastCheckpoint;
            if (since.count() >= m_impl->options.checkpointSeconds)
                writeCheckpoint(state);
        });
    }
}

void RunFolderWriter::appendMetrics(const MetricsRow& row) { m_impl->metrics->append(metricsLine(row)); }

void RunFolderWriter::writeCheckpoint(const TrainerState& state)
{
    Impl& d = *m_impl;
    replaceDirectoryAtomically(m_dir + "/checkpoint",
                               [&](const std::string& temp) { saveNetworkTensors(temp, state.network, m_runId); });
    d.metrics->sync();
    d.lastCheckpoint = std::chrono::steady_clock::now();
    d.checkpointIteration = state.iteration;
    d.checkpointSeconds = std::chrono::duration<double>(d.lastCheckpoint - d.start).count();
    writeSummary(kIncomplete, nullptr);
}

void RunFolderWriter::finish(Trainer& trainer, const TrainResult& result)
{
    replaceDirectoryAtomically(m_dir + "/parameters",
                               [&](const std::string& temp) { saveNetworkTensors(temp, trainer.network(), m_runId); });
    writeAverage(trainer);
    m_impl->metrics->sync();
    writeSummary(toString(result.status), &result);
    std::error_code ignored;
    fs::remove_all(m_dir + "/checkpoint", ignored);   // the final parameters supersede it
}

void RunFolderWriter::writeAverage(Trainer& trainer)
{
    const at::Tensor average = trainer.averagedParameters();
    if (!average.defined())
        return;
    FlatParameters& parameters = trainer.parameters();
    ParameterRestorer restorer(parameters);   // the final iterate is back afterwards, whatever happens
    parameters.set(average);
    replaceDirectoryAtomically(m_dir + "/average",
                               [&](const std::string& temp) { saveNetworkTensors(temp, trainer.network(), m_runId); });
}

void RunFolderWriter::writeSummary(const std::string& status, const TrainResult* result)
{
    const Impl& d = *m_impl;
    nlohmann::json summary{
        {"format", kFormat},
        {"version", kVersion},
        {"run_id", m_runId},
        {"status", status},
        {"model", d.model},
        {"examples", d.examples},
        {"sampling", d.config.optimizer.fullBatch() ? "full-batch" : toString(d.config.optimizer.sampling)}};
    if (d.checkpointIteration >= 0 && !result)
        summary["checkpoint"] = {{"iteration", d.checkpointIteration}, {"seconds", jsonNumber(d.checkpointSeconds)}};
    if (result) {
        summary["reason"] = result->reason;
        summary["iterations"] = result->iterations;
        summary["seconds"] = jsonNumber(result->seconds);
        summary["hook_seconds"] = jsonNumber(result->hookSeconds);
        summary["evaluation_seconds"] = jsonNumber(result->evaluationSeconds);
        summary["threads"] = result->threads;
        summary["gradient_path"] = result->gradientPath;
        summary["final"] = rowJson(result->final);
        if (result->averagedIterates > 0)
            summary["average"] = {{"from", d.config.schedule.averageFrom}, {"iterates", result->averagedIterates}};
        if (result->switchedAt >= 0)
            summary["switched"] = {{"at", result->switchedAt},
                                   {"from", d.config.optimizerSwitch.from.name},
                                   {"to", d.config.optimizer.name}};
    }
    writeFileAtomically(m_dir + "/summary.json", summary.dump(2) + "\n");
}

void saveNetworkTensors(const std::string& dir, Network& network, const std::string& runId)
{
    std::vector<NamedTensor> tensors;
    for (const auto& p : network.named_parameters())
        tensors.push_back({p.key(), "parameter", p.value().detach()});
    for (const auto& b : network.named_buffers())
        tensors.push_back({b.key(), "buffer", b.value().detach()});
    writeTensorFolder(dir, tensors, runId);
}

void loadNetworkTensors(const std::string& dir, Network& network, const std::string& runId)
{
    std::map<std::string, at::Tensor> stored;
    for (const NamedTensor& t : readTensorFolder(dir, runId))
        stored[t.name] = t.value;
    at::NoGradGuard noGrad;
    const auto assign = [&](const std::string& name, at::Tensor target) {
        const auto it = stored.find(name);
        if (it == stored.end())
            throw InputError(dir + ": no tensor named '" + name + "' (is this folder from another model?)");
        if (it->second.sizes() != target.sizes()) {
            std::ostringstream message;
            message << dir << ": tensor '" << name << "' has shape " << it->second.sizes() << " but the model expects "
                    << target.sizes();
            throw InputError(message.str());
        }
        target.copy_(it->second);
    };
    for (const auto& p : network.named_parameters())
        assign(p.key(), p.value());
    for (const auto& b : network.named_buffers())
        assign(b.key(), b.value());
}

std::string snapshotFolder(const std::string& dir, int64_t iteration)
{
    char name[32];
    std::snprintf(name, sizeof name, "iter_%08lld", static_cast<long long>(iteration));
    return dir + "/snapshots/" + name;
}

std::vector<SnapshotFolder> listSnapshots(const std::string& dir)
{
    const fs::path folder = fs::path(dir) / "snapshots";
    std::vector<SnapshotFolder> found;
    std::error_code error;
    const std::string prefix = "iter_";
    for (fs::directory_iterator it(folder, error), end; !error && it != end; it.increment(error)) {
        const std::string name = it->path().filename().string();
        if (it->is_directory() && name.size() > prefix.size() && name.size() <= prefix.size() + 18
            && name.rfind(prefix, 0) == 0 && name.find_first_not_of("0123456789", prefix.size()) == std::string::npos)
            found.push_back({std::stoll(name.substr(prefix.size())), it->path().string()});
    }
    std::sort(found.begin(), found.end(),
              [](const SnapshotFolder& a, const SnapshotFolder& b) { return a.iteration < b.iteration; });
    return found;
}

}   // namespace minimascope::core
