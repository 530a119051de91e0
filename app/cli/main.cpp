// minimascope-cli: the command-line face of the core library (see usageText()).
#include "CliArguments.h"
#include "PresetLibrary.h"
#include "ProgressPrinter.h"

#include "common/CancelToken.h"
#include "common/InputError.h"
#include "data/DatasetSpec.h"
#include "io/AtomicFile.h"
#include "models/Network.h"
#include "train/RunFolder.h"
#include "train/Trainer.h"

#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>

namespace {

using namespace minimascope;

enum ExitCode { kSuccess = 0, kInternalError = 1, kBadInput = 2, kDiverged = 3, kCancelled = 4 };

core::CancelToken g_cancel;

extern "C" void onSignal(int)
{
    g_cancel.requestCancel();   // a lock-free atomic store: safe in a signal handler
}

int runTrain(const cli::CliArguments& args, const char* argv0)
{
    const std::string configPath = args.presetName.empty() ? args.configPath : cli::findPreset(args.presetName, argv0);
    nlohmann::json document;
    try {
        document = nlohmann::json::parse(core::readWholeFile(configPath));
    } catch (const nlohmann::json::parse_error& e) {
        throw core::InputError(configPath + ": not valid JSON (" + e.what() + ")");
    }
    cli::applyOverrides(document, args.overrides);
    core::RunConfig config;
    try {
        config = core::RunConfig::fromJson(document);
    } catch (const core::InputError& e) {
        throw core::InputError(configPath + ": " + e.what());
    }
    const std::string outDir = !args.outDir.empty()
                                   ? args.outDir
                                   : "runs/" + std::filesystem::path(configPath).stem().string();
    // Fail on an unwritable folder now, not after an hour of training.
    core::writeRunConfig(outDir, config);

    core::Trainer trainer(config, core::loadDatasets(config.dataset));
    if (config.schedule.snapshotEvery > 0 || !config.schedule.snapshotAt.empty())
        trainer.setSnapshotSink(core::snapshotWriter(outDir));
    if (!args.quiet) {
        std::fprintf(stderr, "%s on %s (n = %lld), %s eta = %g, B = %lld, seed %llu -> %s\n",
                     trainer.network().describe().c_str(), config.dataset.name.c_str(),
                     static_cast<long long>(trainer.data().train.size()), config.optimizer.name.c_str(),
                     config.optimizer.lr, static_cast<long long>(config.effectiveBatchSize(trainer.data().train.size())),
                     static_cast<unsigned long long>(config.seed), outDir.c_str());
    }
    cli::ProgressPrinter printer(stderr);
    if (!args.quiet)
        trainer.setProgressCallback([&printer](const core::TrainProgress& p) { printer.update(p); });

    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    const core::TrainResult result = trainer.run(g_cancel);
    printer.finish();
    core::writeRunFolder(outDir, trainer, result);

    std::printf("%s (%s) after %lld iterations in %.1f s: train loss %.6g", core::toString(result.status),
                result.reason.c_str(), static_cast<long long>(result.iterations), result.seconds,
                result.final.trainLoss);
    if (!std::isnan(result.final.trainAccuracy))
        std::printf(", train accuracy %.4g", result.final.trainAccuracy);
    if (!std::isnan(result.final.testAccuracy))
        std::printf(", test accuracy %.4g", result.final.testAccuracy);
    std::printf(" -> %s\n", outDir.c_str());
    switch (result.status) {
    case core::RunStatus::Finished: return kSuccess;
    case core::RunStatus::Diverged: return kDiverged;
    case core::RunStatus::Cancelled: return kCancelled;
    case core::RunStatus::Failed: return kInternalError;
    }
    return kInternalError;
}

} // namespace

int main(int argc, char** argv)
{
    try {
        const cli::CliArguments args = cli::parseArguments(argc, argv);
        if (args.command == "help" || args.helpRequested) {
            std::cout << cli::usageText();
            return kSuccess;
        }
        if (args.command == "presets") {
            for (const auto& name : cli::listPresets(argv[0]))
                std::cout << name << '\n';
            return kSuccess;
        }
        return runTrain(args, argv[0]);
    } catch (const core::InputError& e) {
        std::cerr << "minimascope-cli: " << e.what() << '\n';
        return kBadInput;
    } catch (const std::exception& e) {
        std::cerr << "minimascope-cli: internal error: " << e.what() << '\n';
        return kInternalError;
    }
}
