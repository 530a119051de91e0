#include "train/RunFolder.h"

#include "common/InputError.h"
#include "io/AtomicFile.h"
#include "io/NumberFormat.h"
#include "io/TensorFolder.h"
#include "models/Network.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

namespace minimascope::core {

namespace {

nlohmann::json rowJson(const MetricsRow& r)
{
    return {{"iteration", r.iteration}, {"epoch", r.epoch}, {"seconds", jsonNumber(r.seconds)},
            {"batch_loss", jsonNumber(r.batchLoss)}, {"train_loss", jsonNumber(r.trainLoss)},
            {"train_accuracy", jsonNumber(r.trainAccuracy)}, {"test_loss", jsonNumber(r.testLoss)},
            {"test_accuracy", jsonNumber(r.testAccuracy)}};
}

} // namespace

void writeRunConfig(const std::string& dir, const RunConfig& config)
{
    ensureDirectory(dir);
    writeFileAtomically(dir + "/config.json", config.toJson().dump(2) + "\n");
}

void writeMetrics(const std::string& dir, const std::vector<MetricsRow>& rows)
{
    ensureDirectory(dir);
    std::ostringstream csv;
    csv << "iteration,epoch,seconds,batch_loss,train_loss,train_accuracy,test_loss,test_accuracy\n";
    nlohmann::json json = nlohmann::json::array();
    for (const MetricsRow& r : rows) {
        csv << r.iteration << ',' << r.epoch << ',' << csvNumber(r.seconds) << ',' << csvNumber(r.batchLoss)
            << ',' << csvNumber(r.trainLoss) << ',' << csvNumber(r.trainAccuracy) << ','
            << csvNumber(r.testLoss) << ',' << csvNumber(r.testAccuracy) << '\n';
        json.push_back(rowJson(r));
    }
    writeFileAtomically(dir + "/metrics.csv", csv.str());
    writeFileAtomically(dir + "/metrics.json", json.dump(1) + "\n");
}

std::vector<MetricsRow> readMetrics(const std::string& dir)
{
    const std::string path = dir + "/metrics.json";
    std::vector<MetricsRow> rows;
    try {
        for (const nlohmann::json& r : nlohmann::json::parse(readWholeFile(path))) {
            MetricsRow row;
            row.iteration = r.at("iteration").get<int64_t>();
            row.epoch = r.at("epoch").get<int64_t>();
            row.seconds = numberFromJson(r, "seconds");
            row.batchLoss = numberFromJson(r, "batch_loss");
            row.trainLoss = numberFromJson(r, "train_loss");
            row.trainAccuracy = numberFromJson(r, "train_accuracy");
            row.testLoss = numberFromJson(r, "test_loss");
            row.testAccuracy = numberFromJson(r, "test_accuracy");
            rows.push_back(row);
        }
    } catch (const nlohmann::json::exception& e) {
        throw InputError(path + ": not a metrics list (" + e.what() + ")");
    }
    return rows;
}

void writeSummary(const std::string& dir, const RunConfig& config, const TrainResult& result,
                  const std::string& modelDescription)
{
    ensureDirectory(dir);
    const nlohmann::json summary{
        {"status", toString(result.status)}, {"reason", result.reason},
        {"iterations", result.iterations}, {"seconds", jsonNumber(result.seconds)},
        {"hook_seconds", jsonNumber(result.hookSeconds)},
        {"evaluation_seconds", jsonNumber(result.evaluationSeconds)}, {"threads", result.threads},
        {"gradient_path", result.gradientPath}, {"model", modelDescription},
        {"sampling", config.optimizer.fullBatch() ? "full-batch" : toString(config.optimizer.sampling)},
        {"final", rowJson(result.final)}};
    writeFileAtomically(dir + "/summary.json", summary.dump(2) + "\n");
}

void saveNetworkTensors(const std::string& dir, Network& network)
{
    std::vector<NamedTensor> tensors;
    for (const auto& p : network.named_parameters())
        tensors.push_back({p.key(), "parameter", p.value().detach()});
    for (const auto& b : network.named_buffers())
        tensors.push_back({b.key(), "buffer", b.value().detach()});
    writeTensorFolder(dir, tensors);
}

void loadNetworkTensors(const std::string& dir, Network& network)
{
    std::map<std::string, at::Tensor> stored;
    for (const NamedTensor& t : readTensorFolder(dir))
        stored[t.name] = t.value;
    at::NoGradGuard noGrad;
    const auto assign = [&](const std::string& name, at::Tensor target) {
        const auto it = stored.find(name);
        if (it == stored.end())
            throw InputError(dir + ": no tensor named '" + name + "' (is this folder from another model?)");
        if (it->second.sizes() != target.sizes()) {
            std::ostringstream message;
            message << dir << ": tensor '" << name << "' has shape " << it->second.sizes()
                    << " but the model expects " << target.sizes();
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

std::function<void(const TrainerState&)> snapshotWriter(const std::string& dir)
{
    return [dir](const TrainerState& state) { saveNetworkTensors(snapshotFolder(dir, state.iteration), state.network); };
}

void writeRunFolder(const std::string& dir, Trainer& trainer, const TrainResult& result)
{
    writeRunConfig(dir, trainer.config());
    writeMetrics(dir, trainer.metrics());
    saveNetworkTensors(dir + "/parameters", trainer.network());
    writeSummary(dir, trainer.config(), result, trainer.network().describe());
}

} // namespace minimascope::core
