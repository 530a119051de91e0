#include "Commands.h"
#include "ProgressPrinter.h"

#include "analysis/CurvatureLog.h"
#include "analysis/CurvatureTracker.h"
#include "analysis/StabilityBounds.h"
#include "common/CancelToken.h"
#include "common/InputError.h"
#include "data/DatasetSpec.h"
#include "io/AtomicFile.h"
#include "io/ResourceLibrary.h"
#include "io/StrictJson.h"
#include "models/Network.h"
#include "train/ResourceEstimate.h"
#include "train/RunFolder.h"
#include "train/Trainer.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace minimascope::cli {

namespace {

// The progress bar's note: the last evaluation's numbers.
std::string metricsNote(const core::MetricsRow& e)
{
    char text[160];
    int used = std::snprintf(text, sizeof text, "loss %.4g", e.trainLoss);
    if (!std::isnan(e.trainAccuracy))
        used += std::snprintf(text + used, sizeof text - used, " acc %.1f%%", 100.0 * e.trainAccuracy);
    if (!std::isnan(e.testAccuracy))
        used += std::snprintf(text + used, sizeof text - used, " test %.1f%%", 100.0 * e.testAccuracy);
    if (!std::isnan(e.gradientNorm))
        std::snprintf(text + used, sizeof text - used, " |grad| %.3g", e.gradientNorm);
    return text;
}

}   // namespace

int runTrain(const CliArguments& args, const core::CancelToken& cancel)
{
    std::string configPath;
    const core::RunConfig config = loadRunConfig(args, configPath);
    const std::string outDir = !args.outDir.empty() ? args.outDir
                                                    : "runs/" + std::filesystem::path(configPath).stem().string();

    // The trainer validates the config and loads the data: only then is the folder claimed, so
    // a rejected input creates nothing.
    core::Trainer trainer(config, core::loadRunDatasets(config));
    core::RunFolderOptions folderOptions;
    folderOptions.overwrite = args.overwrite;
    folderOptions.checkpointSeconds = args.checkpointSeconds;
    core::RunFolderWriter folder(outDir, trainer, folderOptions);
    folder.attach(trainer);
    if (!args.quiet) {
        std::fprintf(stderr, "%s on %s (n = %lld), %s eta = %g, B = %lld, seed %llu -> %s (run %s)\n",
                     trainer.network().describe().c_str(), config.dataset.name.c_str(),
                     static_cast<long long>(trainer.data().train.size()), config.optimizer.name.c_str(),
                     config.optimizer.lr,
                     static_cast<long long>(config.effectiveBatchSize(trainer.data().train.size())),
                     static_cast<unsigned long long>(config.seed), outDir.c_str(), folder.runId().c_str());
    }
    const bool tracking = args.track.every > 0 || args.track.atEnd;
    core::CurvatureTracking trackingSpec;
    trackingSpec.every = args.track.every;
    trackingSpec.atEnd = true;
    trackingSpec.subset = args.track.subset;
    // On the core training leaves idle, so that tracking costs the training (almost) nothing.
    trackingSpec.background = true;
    core::CurvatureTracker tracker(trackingSpec);
    std::unique_ptr<core::CurvatureLogWriter> curvatureLog;
    if (tracking) {
        curvatureLog = std::make_unique<core::CurvatureLogWriter>(outDir, folder.runId());
        tracker.setCallback([&curvatureLog](const core::CurvatureSample& sample) { curvatureLog->append(sample); });
        tracker.attach(trainer);
    }
    ProgressPrinter printer(stderr);
    if (!args.quiet)
        // The folder takes the metrics rows; the bar shows the last one the trainer kept.
        trainer.setProgressSink([&printer, &trainer](const core::Progress& p) {
            printer.update(p, metricsNote(trainer.metrics().empty() ? core::MetricsRow{} : trainer.metrics().back()));
        });

    const core::TrainResult result = trainer.run(cancel);
    printer.finish();
    folder.finish(trainer, result);
    if (tracking && !tracker.skipped().empty() && !args.quiet)
        std::fprintf(stderr,
                     "curvature: %zu measurements; %zu due points skipped because the measurement before "
                     "them was still running on the other core\n",
                     tracker.samples().size(), tracker.skipped().size());

    // The average of the iterates (schedule.average_from) evaluated as the iterates are, as the
    // desktop app reports it.
    const std::optional<core::MetricsRow> average = result.status == core::RunStatus::Finished
                                                        ? trainer.evaluateAverage(&cancel)
                                                        : std::nullopt;
    std::printf("%s (%s) after %lld iterations in %.1f s: train loss %.6g", core::toString(result.status),
                result.reason.c_str(), static_cast<long long>(result.iterations), result.seconds,
                result.final.trainLoss);
    if (result.switchedAt >= 0)
        std::printf(" (%s until iteration %lld, then %s)", config.optimizerSwitch.from.name.c_str(),
                    static_cast<long long>(result.switchedAt), config.optimizer.name.c_str());
    if (!std::isnan(result.final.trainAccuracy))
        std::printf(", train accuracy %.4g", result.final.trainAccuracy);
    if (!std::isnan(result.final.testAccuracy))
        std::printf(", test accuracy %.4g", result.final.testAccuracy);
    if (!std::isnan(result.final.gradientNorm))
        std::printf(", gradient norm %.4g", result.final.gradientNorm);
    if (tracking && !tracker.samples().empty()) {
        const core::CurvatureSample& last = tracker.samples().back();
        std::printf(", sharpness a %.5g (2/eta = %.5g), non-uniformity s %.5g", last.sharpness,
                    core::sharpnessBound(config.optimizer.lr), last.nonUniformity);
    }
    if (average)
        std::printf("; average of the last %lld iterates: train loss %.6g, train accuracy %.4g, test accuracy %.4g",
                    static_cast<long long>(result.averagedIterates), average->trainLoss, average->trainAccuracy,
                    average->testAccuracy);
    std::printf(" -> %s\n", outDir.c_str());
    switch (result.status) {
    case core::RunStatus::Finished: return kSuccess;
    case core::RunStatus::Diverged: return kDiverged;
    case core::RunStatus::Cancelled: return kCancelled;
    case core::RunStatus::Failed: return kInternalError;
    }
    return kInternalError;
}

}   // namespace minimascope::cli
