// minimascope-cli: the command-line face of the core library. The options are in
// CliArguments.cpp (`minimascope-cli --help`, `minimascope-cli COMMAND --help`).
#include "Commands.h"
#include "ProgressPrinter.h"
#include "ReproduceCommand.h"

#include "analysis/CurvatureLog.h"
#include "common/AllocatorSettings.h"
#include "common/CancelToken.h"
#include "common/InputError.h"
#include "demos/Demo.h"
#include "io/AtomicFile.h"
#include "io/NumberFormat.h"
#include "io/ResourceLibrary.h"
#include "train/RunFolder.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

namespace {

using namespace minimascope;
using namespace minimascope::cli;

core::CancelToken g_cancel;

extern "C" void onSignal(int)
{
    g_cancel.requestCancel();   // a lock-free atomic store: safe in a signal handler
}

// Sends what a stdio stream writes to another file descriptor until destroyed: --quiet silences
// stderr, --json moves the human-readable stdout lines aside.
class Redirect {
public:
    Redirect(std::FILE* stream, int target) : m_stream(stream)
    {
        std::fflush(m_stream);
        m_saved = dup(fileno(m_stream));
        dup2(target, fileno(m_stream));
    }
    ~Redirect()
    {
        std::fflush(m_stream);
        dup2(m_saved, fileno(m_stream));
        close(m_saved);
    }
    Redirect(const Redirect&) = delete;
    Redirect& operator=(const Redirect&) = delete;

private:
    std::FILE* m_stream;
    int m_saved = -1;
};

nlohmann::json readJsonFile(const std::string& path) { return nlohmann::json::parse(core::readWholeFile(path)); }

// What a preset is for: its "description", or nothing for a preset without one.
std::string presetDescription(const std::string& name)
{
    try {
        const nlohmann::json preset = readJsonFile(core::findResource("presets", name));
        return preset.value("description", "");
    } catch (const std::exception&) {
        return "";
    }
}

void printPresets(bool verbose)
{
    const std::vector<std::string> names = core::listResources("presets");
    size_t width = 0;
    for (const std::string& name : names)
        width = std::max(width, name.size());
    for (const std::string& name : names) {
        std::printf("%-*s  %s\n", static_cast<int>(width), name.c_str(), presetDescription(name).c_str());
        if (verbose)
            std::fprintf(stderr, "  %s\n", core::findResource("presets", name).c_str());
    }
}

// The folder `train` writes to: --out, else runs/<config or preset name> (as TrainCommand.cpp).
std::string runDirOf(const CliArguments& args)
{
    if (!args.outDir.empty())
        return args.outDir;
    const std::string config = args.presetName.empty() ? args.configPath
                                                       : core::findResource("presets", args.presetName);
    return "runs/" + std::filesystem::path(config).stem().string();
}

void printResolved(const CliArguments& args)
{
    std::fprintf(stderr, "%s: %s\n", versionText().c_str(), args.command.c_str());
    if (args.command == "train") {
        std::fprintf(
            stderr, "  config %s\n",
            (args.presetName.empty() ? args.configPath : core::findResource("presets", args.presetName)).c_str());
        for (const auto& [key, value] : args.overrides)
            std::fprintf(stderr, "  override %s = %s\n", key.c_str(), value.dump().c_str());
        std::fprintf(stderr, "  output %s\n", runDirOf(args).c_str());
    } else if (args.command == "analyze") {
        std::fprintf(stderr, "  run %s, quantities %s\n", args.analyze.runDir.c_str(), args.analyze.quantities.c_str());
    } else if (args.command == "landscape") {
        std::fprintf(stderr, "  run %s, directions %s, %lld points a side\n", args.landscape.runDir.c_str(),
                     args.landscape.directions.c_str(), static_cast<long long>(args.landscape.resolution));
    }
}

// --json: the summary of what the command wrote, as one object. `printed` is what it printed.
nlohmann::json summaryOf(const CliArguments& args, const std::string& printed)
{
    if (args.command == "train") {
        const std::string dir = runDirOf(args);
        nlohmann::json summary = readJsonFile(dir + "/summary.json");
        summary["run_dir"] = dir;
        const std::vector<core::CurvatureSample> samples = core::readCurvatureLog(core::readRunFolderInfo(dir));
        if (!samples.empty()) {
            const core::CurvatureSample& last = samples.back();
            summary["curvature"] = {{"iteration", last.iteration},
                                    {"sharpness", core::jsonNumber(last.sharpness)},
                                    {"non_uniformity", core::jsonNumber(last.nonUniformity)}};
        }
        return summary;
    }
    if (args.command == "analyze") {
        const std::string file = args.analyze.outFile.empty() ? args.analyze.runDir + "/analysis.json"
                                                              : args.analyze.outFile;
        nlohmann::json summary = readJsonFile(file);
        summary["analysis_file"] = file;
        return summary;
    }
    // landscape: the sidecar of the surface (everything needed to recompute it) and the files
    // written, which the command lists as "  -> PATH" lines.
    const LandscapeArguments& l = args.landscape;
    const std::string prefix = l.outPrefix.empty() ? l.runDir + "/landscape_" + l.directions : l.outPrefix;
    nlohmann::json summary = readJsonFile(prefix + ".json");
    nlohmann::json files = nlohmann::json::array();
    size_t start = 0;
    while (start < printed.size()) {
        size_t end = printed.find('\n', start);
        if (end == std::string::npos)
            end = printed.size();
        const std::string line = printed.substr(start, end - start);
        if (line.rfind("  -> ", 0) == 0)
            files.push_back(line.substr(5));
        start = end + 1;
    }
    summary["files"] = files;
    return summary;
}

int runCommand(const CliArguments& args)
{
    if (args.command == "presets") {
        printPresets(args.verbose);
        return kSuccess;
    }
    // The teaching demos (resources/demos), one line each: name, seconds, title.
    if (args.command == "demos") {
        for (const core::Demo& demo : core::listDemos())
            std::cout << demo.name << '\t' << demo.seconds << " s\t" << demo.title << '\n';
        return kSuccess;
    }
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    if (args.command == "study")
        return cli::runStudyCommand(args, g_cancel);
    if (args.command == "reproduce")
        return cli::runReproduce(args, g_cancel);
    if (args.command == "landscape")
        return cli::runLandscape(args, g_cancel);
    if (args.command == "analyze")
        return cli::runAnalyze(args, g_cancel);
    if (args.command == "asymmetry")
        return cli::runAsymmetry(args, g_cancel);
    if (args.command == "fdc")
        return cli::runFitnessDistance(args, g_cancel);
    if (args.command == "figures") {
#ifdef MINIMASCOPE_HAVE_FIGURES
        return cli::runFigures(args);
#else
        throw core::InputError("figures needs a build with the GUI libraries (MINIMASCOPE_BUILD_GUI=ON)");
#endif
    }
    return cli::runTrain(args, g_cancel);
}

}   // namespace

int main(int argc, char** argv)
{
    core::keepFreedMemoryForReuse();
    CliArguments args;
    try {
        args = cli::parseArguments(argc, argv);
    } catch (const core::InputError& e) {
        std::cerr << "minimascope-cli: " << e.what() << '\n';
        return kBadInput;
    } catch (const std::exception& e) {
        std::cerr << "minimascope-cli: internal error: " << e.what() << '\n';
        return kInternalError;
    }
    if (args.command == "help") {
        std::cout << args.helpText;
        return kSuccess;
    }
    ProgressPrinter::setVerbose(args.verbose);

    std::FILE* captured = args.json ? std::tmpfile() : nullptr;
    if (args.json && captured == nullptr) {
        std::cerr << "minimascope-cli: internal error: no temporary file for --json\n";
        return kInternalError;
    }
    int code = kSuccess;
    std::string error;
    {
        // train and study run print their progress only without --quiet; the other commands'
        // stderr lines are silenced here.
        const bool silence = args.quiet && args.command != "train" && args.command != "study";
        const int devNull = silence ? open("/dev/null", O_WRONLY | O_CLOEXEC) : -1;
        std::optional<Redirect> toCapture, toNull;
        if (captured != nullptr)
            toCapture.emplace(stdout, fileno(captured));
        if (devNull >= 0)
            toNull.emplace(stderr, devNull);
        try {
            if (args.verbose)
                printResolved(args);
            code = runCommand(args);
        } catch (const core::InputError& e) {
            code = kBadInput;
            error = e.what();
        } catch (const std::exception& e) {
            code = kInternalError;
            error = std::string("internal error: ") + e.what();
        }
        toNull.reset();
        toCapture.reset();
        if (devNull >= 0)
            close(devNull);
    }
    if (!error.empty())
        std::cerr << "minimascope-cli: " << error << '\n';
    if (captured == nullptr)
        return code;

    // --json: the human-readable lines go to stderr (unless --quiet), the summary to stdout.
    std::string printed;
    std::rewind(captured);
    char buffer[4096];
    for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, captured)) > 0;)
        printed.append(buffer, n);
    std::fclose(captured);
    if (!args.quiet)
        std::fputs(printed.c_str(), stderr);
    nlohmann::json summary;
    if (error.empty()) {
        try {
            summary = summaryOf(args, printed);
        } catch (const std::exception& e) {
            error = std::string("no summary to print: ") + e.what();
        }
    }
    if (!error.empty())
        summary = {{"error", error}};
    summary["command"] = args.command;
    summary["exit_code"] = code;
    std::cout << summary.dump(2) << std::endl;
    return code;
}
