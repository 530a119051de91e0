#include "study/PointRun.h"

#include "analysis/CurvatureLog.h"
#include "analysis/CurvatureReport.h"
#include "analysis/CurvatureTracker.h"
#include "analysis/LinearStability.h"
#include "analysis/StabilityBounds.h"
#include "common/CancelToken.h"
#include "common/InputError.h"
#include "data/DatasetSpec.h"
#include "io/AtomicFile.h"
#include "io/NumberFormat.h"
#include "io/StrictJson.h"
#include "train/ResourceEstimate.h"
#include "train/RunFolder.h"
#include "train/Trainer.h"

#include <ATen/Parallel.h>

#include <chrono>
#include <cmath>
#include <memory>
#include <stdexcept>

namespace minimascope::core {

namespace {

nlohmann::json measuresJson(const StudyMeasures& m)
{
    return {{"sharpness", m.sharpness},  {"non_uniformity", m.nonUniformity}, {"stability", m.stability},
            {"lambda_min", m.lambdaMin}, {"track_every", m.trackEvery},       {"track_subset", m.trackSubset}};
}

StudyRunState stateOf(RunStatus status)
{
    switch (status) {
    case RunStatus::Finished: return StudyRunState::Done;
    case RunStatus::Diverged: return StudyRunState::Diverged;
    case RunStatus::Cancelled:
    case RunStatus::Failed: return StudyRunState::Failed;
    }
    return StudyRunState::Failed;
}

}   // namespace

void writePointRequest(const std::string& dir, const RunConfig& config, const StudyMeasures& measures, int threads)
{
    ensureDirectory(dir);
    const nlohmann::json request{{"format", "minimascope-study-point"},
                                 {"version", 1},
                                 {"config", config.toJson()},
                                 {"measure", measuresJson(measures)},
                                 {"threads", threads}};
    writeFileAtomically(dir + "/request.json", request.dump(2) + "\n");
}

PointRunRequest readPointRequest(const std::string& dir)
{
    const std::string path = dir + "/request.json";
    const nlohmann::json json = parseStrictJson(readWholeFile(path), path);
    PointRunRequest request;
    try {
        if (json.at("format") != "minimascope-study-point")
            throw InputError(path + ": not a study point request");
        request.config = RunConfig::fromJson(json.at("config"));
        const nlohmann::json& m = json.at("measure");
        request.measures.sharpness = m.at("sharpness").get<bool>();
        request.measures.nonUniformity = m.at("non_uniformity").get<bool>();
        request.measures.stability = m.at("stability").get<bool>();
        request.measures.lambdaMin = m.at("lambda_min").get<bool>();
        request.measures.trackEvery = m.value("track_every", int64_t{0});
        request.measures.trackSubset = m.value("track_subset", int64_t{0});
        request.threads = json.at("threads").get<int>();
    } catch (const nlohmann::json::exception& e) {
        throw InputError(path + ": " + e.what());
    }
    if (request.measures.trackEvery < 0 || request.measures.trackSubset < 0)
        throw InputError(path + ": 'measure.track_every' and 'measure.track_subset' must be at least 0");
    if (request.threads < 1 || request.threads > 256)
        throw InputError(path + ": 'threads' must be between 1 and 256");
    return request;
}

StudyRunRecord runStudyPoint(const std::string& dir, const PointRunRequest& request, const CancelToken& cancel)
{
    RunConfig config = request.config;
    config.threads = request.threads;
    Trainer trainer(config, loadRunDatasets(config));
    RunFolderOptions options;
    options.overwrite = true;   // an interrupted attempt of this same point
    RunFolderWriter folder(dir, trainer, options);
    folder.attach(trainer);
    // On the training thread: the study's workers already use every core, and a measurement at
    // each due point (none skipped) keeps the curves the same from one attempt to the next.
    CurvatureTracking tracking;
    tracking.every = request.measures.trackEvery;
    tracking.atEnd = false;   // the end is measured below, certified
    tracking.nonUniformity = request.measures.nonUniformity;
    tracking.subset = request.measures.trackSubset;
    CurvatureTracker tracker(tracking);
    std::unique_ptr<CurvatureLogWriter> curvatureLog;
    if (tracking.every > 0) {
        curvatureLog = std::make_unique<CurvatureLogWriter>(dir, folder.runId());
        tracker.setCallback([&curvatureLog](const CurvatureSample& sample) { curvatureLog->append(sample); });
        tracker.attach(trainer);
    }
    const TrainResult result = trainer.run(cancel);
    folder.finish(trainer, result);

    const int64_t n = trainer.data().train.size();
    StudyRunRecord r;
    r.state = stateOf(result.status);
    r.stopReason = result.reason;
    r.runId = folder.runId();
    r.eta = config.optimizer.lr;
    r.batchSize = config.effectiveBatchSize(n);
    r.optimizer = config.optimizer.name;
    r.seed = static_cast<int64_t>(config.seed);
    r.examples = n;
    r.trainLoss = result.final.trainLoss;
    r.trainAccuracy = result.final.trainAccuracy;
    r.testLoss = result.final.testLoss;
    r.testAccuracy = result.final.testAccuracy;
    r.iterations = result.iterations;
    r.seconds = result.seconds;
    r.converged = result.status == RunStatus::Finished && result.reason == "loss_below";
    r.sharpness = r.nonUniformity = r.lambdaMin = kNaN;
    const BatchDraw draw = batchDrawOf(config.optimizer);
    r.sharpnessBound = sharpnessBound(r.eta);
    r.nonUniformityBound = n >= 1 && r.batchSize <= n ? nonUniformityBound(r.eta, r.batchSize, n, draw) : kNaN;

    const StudyMeasures& m = request.measures;
    const auto measureStart = std::chrono::steady_clock::now();
    if (r.state == StudyRunState::Done && (m.sharpness || m.nonUniformity || m.stability || m.lambdaMin)) {
        CurvatureRequest measure;
        measure.sharpness = m.sharpness;
        measure.nonUniformity = m.nonUniformity;
        measure.lambdaMin = m.lambdaMin;
        // The Theorem speaks of plain SGD and GD on a sum of per-example losses: an adaptive or
        // momentum optimizer, or BatchNorm (whose training loss depends on the batch, and whose a is
        // measured with running statistics), gets no verdict (a and s are still measured), rather
        // than one about dynamics the run did not follow.
        const bool theoremApplies = (config.optimizer.name == "sgd" || config.optimizer.name == "gd")
                                    && config.optimizer.momentum == 0.0 && !config.model.batchNorm;
        measure.stability = m.stability && n >= 2 && theoremApplies;
        if (m.stability && !theoremApplies)
            r.stability = kNoVerdict;
        measure.eta = r.eta;
        measure.batchSize = r.batchSize;
        measure.draw = draw;
        measure.seed = config.seed;
        const CurvatureReport report = measureCurvature(trainer.network(), trainer.parameters(), trainer.data().train,
                                                        measure, &cancel);
        if (report.status == RunStatus::Cancelled) {
            r.state = StudyRunState::Failed;
            r.stopReason = "cancelled";
        } else {
            if (!report.topEigenvalues.empty())
                r.sharpness = report.topEigenvalues.front().value;
            if (report.nonUniformity)
                r.nonUniformity = report.nonUniformity->value;
            if (report.lambdaMin)
                r.lambdaMin = report.lambdaMin->value;
            if (report.stability)
                r.stability = report.stability->verdict();
        }
    }

    const double measureSeconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - measureStart).count();
    const nlohmann::json point{{"format", "minimascope-study-point-result"},
                               {"version", 1},
                               {"run_id", r.runId},
                               {"state", toString(r.state)},
                               {"stop_reason", r.stopReason},
                               {"eta", r.eta},
                               {"batch_size", r.batchSize},
                               {"optimizer", r.optimizer},
                               {"seed", r.seed},
                               {"examples", r.examples},
                               {"train_loss", jsonNumber(r.trainLoss)},
                               {"train_accuracy", jsonNumber(r.trainAccuracy)},
                               {"test_loss", jsonNumber(r.testLoss)},
                               {"test_accuracy", jsonNumber(r.testAccuracy)},
                               {"iterations", r.iterations},
                               {"seconds", jsonNumber(r.seconds)},
                               {"sharpness", jsonNumber(r.sharpness)},
                               {"non_uniformity", jsonNumber(r.nonUniformity)},
                               {"lambda_min", jsonNumber(r.lambdaMin)},
                               {"stability", r.stability},
                               {"sharpness_bound", jsonNumber(r.sharpnessBound)},
                               {"non_uniformity_bound", jsonNumber(r.nonUniformityBound)},
                               {"converged", r.converged},
                               {"measure_seconds", jsonNumber(measureSeconds)}};
    writeFileAtomically(dir + "/point.json", point.dump(2) + "\n");
    return r;
}

StudyRunRecord readPointResult(const std::string& dir)
{
    const std::string path = dir + "/point.json";
    const RunFolderInfo run = readRunFolderInfo(dir);
    if (!run.complete())
        throw InputError(dir + ": the run did not finish (its process ended before it wrote its results)");
    const nlohmann::json json = parseStrictJson(readWholeFile(path), path);
    StudyRunRecord r;
    try {
        r.runId = json.at("run_id").get<std::string>();
        if (r.runId != run.runId)
            throw InputError(path + ": the result of run " + r.runId + ", not of the folder's run " + run.runId);
        const std::string state = json.at("state").get<std::string>();
        r.state = state == "done"       ? StudyRunState::Done
                  : state == "diverged" ? StudyRunState::Diverged
                                        : StudyRunState::Failed;
        r.stopReason = json.at("stop_reason").get<std::string>();
        r.eta = numberFromJson(json, "eta");
        r.batchSize = json.at("batch_size").get<int64_t>();
        r.optimizer = json.at("optimizer").get<std::string>();
        r.seed = json.at("seed").get<int64_t>();
        r.examples = json.at("examples").get<int64_t>();
        r.trainLoss = numberFromJson(json, "train_loss");
        r.trainAccuracy = numberFromJson(json, "train_accuracy");
        r.testLoss = numberFromJson(json, "test_loss");
        r.testAccuracy = numberFromJson(json, "test_accuracy");
        r.iterations = json.at("iterations").get<int64_t>();
        r.seconds = numberFromJson(json, "seconds");
        r.sharpness = numberFromJson(json, "sharpness");
        r.nonUniformity = numberFromJson(json, "non_uniformity");
        r.lambdaMin = numberFromJson(json, "lambda_min");
        r.stability = json.at("stability").get<std::string>();
        r.sharpnessBound = numberFromJson(json, "sharpness_bound");
        r.nonUniformityBound = numberFromJson(json, "non_uniformity_bound");
        r.converged = json.at("converged").get<bool>();
    } catch (const nlohmann::json::exception& e) {
        throw InputError(path + ": " + e.what());
    }
    return r;
}

}   // namespace minimascope::core
