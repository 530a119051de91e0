// minimascope-cli reproduce NAME [--quick] --out DIR: `study run` and `study export` of a shipped
// study file (StudyCommand.cpp, called as they are), the study window's plots (StudyFigures.cpp,
// in builds with the GUI libraries) and DIR/README.md, which says what ran and how it ended.
#include "ReproduceCommand.h"

#include "Commands.h"

#include "common/InputError.h"
#include "io/AtomicFile.h"
#include "io/ResourceLibrary.h"
#include "study/StudyConfig.h"
#include "study/StudyStore.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <sstream>
#include <tuple>

namespace minimascope::cli {

namespace {

namespace fs = std::filesystem;

constexpr char kQuickSuffix[] = "-quick";

std::string joined(const std::vector<std::string>& names)
{
    std::string text;
    for (const std::string& name : names)
        text += (text.empty() ? "" : ", ") + name;
    return text;
}

std::string number(double value)
{
    if (std::isnan(value))
        return "-";
    if (std::isinf(value))
        return "∞";
    char text[32];
    std::snprintf(text, sizeof text, "%.4g", value);
    return text;
}

std::string duration(double seconds)
{
    char text[48];
    if (seconds < 120)
        std::snprintf(text, sizeof text, "%.1f s", seconds);
    else
        std::snprintf(text, sizeof text, "%.1f min (%.0f s)", seconds / 60, seconds);
    return text;
}

void printList()
{
    for (const std::string& name : listReproductions()) {
        const size_t quick = core::loadStudyConfig(core::findResource("studies", name + kQuickSuffix)).points.size();
        const size_t full = core::loadStudyConfig(core::findResource("studies", name)).points.size();
        std::printf("%s\tquick: %zu runs, full: %zu runs\n", name.c_str(), quick, full);
    }
}

// DIR/study must be new, empty, or this study's folder (then it resumes); --overwrite removes the
// study folder and the figures of an earlier reproduce, and nothing that is not one.
void prepareFolder(const std::string& dir, const std::string& studyName, bool overwrite)
{
    const std::string studyDir = dir + "/study";
    if (!fs::exists(studyDir))
        return;
    if (!fs::exists(core::studyStorePath(studyDir))) {
        if (fs::is_directory(studyDir) && fs::is_empty(studyDir))
            return;
        throw core::InputError(studyDir + " exists and is not a study folder: choose another --out");
    }
    if (overwrite) {
        std::error_code error;
        fs::remove_all(studyDir, error);
        if (!error)
            fs::remove_all(dir + "/figures", error);
        if (error)
            throw core::InputError("--overwrite: cannot remove what " + dir + " holds: " + error.message());
        return;
    }
    const std::string existing = core::StudyStore(core::studyStorePath(studyDir), true).studyName();
    if (!existing.empty() && existing != studyName)
        throw core::InputError(studyDir + " holds the study '" + existing + "', not '" + studyName +
                               "': choose another --out, or add --overwrite to start again there");
}

int64_t endedRuns(const std::string& studyDir)
{
    if (!fs::exists(core::studyStorePath(studyDir)))
        return 0;
    int64_t ended = 0;
    for (const core::StudyRunRecord& r : core::StudyStore(core::studyStorePath(studyDir), true).runs())
        ended += r.state == core::StudyRunState::Done || r.state == core::StudyRunState::Failed ||
                 r.state == core::StudyRunState::Diverged;
    return ended;
}

struct ReadmeInputs {
    std::string command;        // the reproduce command line
    std::string studyFile;      // the study file that ran
    std::string studyDir, csvPath;
    const core::StudyConfig* study = nullptr;
    double seconds = 0.0;       // wall time of this invocation
    int64_t endedBefore = 0;    // runs an earlier invocation had finished
    std::string figures;        // the figures section
    std::string byHand;         // the equivalent commands
};

std::string readme(const ReadmeInputs& in)
{
    const std::vector<core::StudyRunRecord> runs = core::StudyStore(core::studyStorePath(in.studyDir), true).runs();
    int64_t converged = 0, notConverged = 0, diverged = 0, failed = 0, toDo = 0;
    double trainingSeconds = 0.0;
    // Per optimizer, η and B: the converged runs' a and s, summed.
    struct Sums {
        int64_t runs = 0, examples = 0;
        double a = 0.0, s = 0.0, aBound = 0.0, sBound = 0.0;
    };
    std::map<std::tuple<std::string, double, int64_t>, Sums> means;
    std::ostringstream others;
    for (const core::StudyRunRecord& r : runs) {
        const bool done = r.state == core::StudyRunState::Done;
        converged += done && r.converged;
        notConverged += done && !r.converged;
        diverged += r.state == core::StudyRunState::Diverged;
        failed += r.state == core::StudyRunState::Failed;
        toDo += r.state == core::StudyRunState::ToDo || r.state == core::StudyRunState::Running;
        if (std::isfinite(r.seconds))
            trainingSeconds += r.seconds;
        if (done && r.converged) {
            Sums& sums = means[{r.optimizer, r.eta, r.batchSize}];
            ++sums.runs;
            sums.a += r.sharpness;
            sums.s += r.nonUniformity;
            sums.aBound = r.sharpnessBound;
            sums.sBound = r.nonUniformityBound;
            sums.examples = r.examples;
        } else if (r.state != core::StudyRunState::ToDo) {
            others << "- #" << r.ordinal + 1 << " (" << core::describeAxes(nlohmann::json::parse(r.axesJson))
                   << "): " << (done ? "did not reach the loss target (" + r.stopReason + ")"
                                     : std::string(core::toString(r.state)) + " (" + r.stopReason + ")");
            if (done)
                others << ", train loss " << number(r.trainLoss) << ", a = " << number(r.sharpness)
                       << ", s = " << number(r.nonUniformity);
            others << "\n";
        }
    }

    std::ostringstream md;
    md << "# Reproduction: " << in.study->name << "\n\n";
    if (!in.study->description.empty())
        md << in.study->description << "\n\n";
    md << "Written by `" << in.command << "` (" << versionText() << ") from the study file `" << in.studyFile
       << "`.\n\n## Outcome\n\n"
       << runs.size() << " runs: " << converged << " reached the loss target (converged), " << notConverged
       << " did not (stopped at a cap), " << diverged << " diverged, " << failed << " failed, " << toDo
       << " still to do" << (toDo > 0 ? " (run the same command again to finish them)" : "") << ".\n"
       << "Only the converged runs are minima: only they enter the means below and the figures' means, "
          "and the stability bounds speak only of them (docs/studies.md); the figures draw the others "
          "hollow, and diverged or failed runs are only listed.\n\n"
       << "Wall time of this invocation: " << duration(in.seconds) << "; " << in.endedBefore
       << " runs had ended in an earlier invocation and were kept. The runs' own training times add up to "
       << duration(trainingSeconds) << ".\n\n";
    if (!means.empty()) {
        md << "| optimizer | η | B | converged runs | mean a | 2/η | mean s | s bound |\n"
              "| --- | --- | --- | --- | --- | --- | --- | --- |\n";
        for (const auto& [key, sums] : means)
            md << "| " << std::get<0>(key) << " | " << number(std::get<1>(key)) << " | " << std::get<2>(key) << " | "
               << sums.runs << " | " << number(sums.a / double(sums.runs)) << " | " << number(sums.aBound) << " | "
               << number(sums.s / double(sums.runs)) << " | "
               // B = n (GD) has no s bound; the store keeps the infinity as "none".
               << (std::get<2>(key) >= sums.examples ? std::string("∞") : number(sums.sBound)) << " |\n";
        md << "\n(The bounds are those of SGD with that η and B; they bind SGD and GD only.)\n\n";
    }
    if (!others.str().empty())
        md << "Runs that are not minima:\n\n" << others.str() << "\n";
    md << "## Files\n\n"
       << "- `study/`: the study folder (study.sqlite and runs/, docs/studies.md); `minimascope-cli study status "
       << in.studyDir << "` prints its table, `minimascope --study " << in.studyDir << "` opens the study window.\n"
       << "- `study.csv`: every run, one row (the columns of docs/studies.md).\n"
       << in.figures << "\n## The same, step by step\n\n```sh\n" << in.byHand << "```\n";
    return md.str();
}

} // namespace

std::vector<std::string> listReproductions()
{
    const std::vector<std::string> studies = core::listResources("studies");
    std::vector<std::string> names;
    for (const std::string& name : studies)
        if (std::binary_search(studies.begin(), studies.end(), name + kQuickSuffix))
            names.push_back(name);
    return names;
}

int runReproduce(const CliArguments& args, const core::CancelToken& cancel)
{
    const ReproduceArguments& r = args.reproduce;
    if (r.list) {
        printList();
        return kSuccess;
    }
    const std::vector<std::string> names = listReproductions();
    if (std::find(names.begin(), names.end(), r.name) == names.end())
        throw core::InputError("no reproduction named '" + r.name + "' (known: " +
                               (names.empty() ? "none found" : joined(names)) + ")");
    const auto start = std::chrono::steady_clock::now();
    const std::string shippedFile = core::findResource("studies", r.quick ? r.name + kQuickSuffix : r.name);
    core::StudyConfig study = core::loadStudyConfig(shippedFile);
    const bool shrunk = r.shrinkPoints > 0;
    if (shrunk)
        study = core::shrinkStudy(study, {r.shrinkPoints, r.shrinkIterations, r.shrinkExamples});

    const std::string& dir = r.dir;
    prepareFolder(dir, study.name, r.overwrite);
    core::ensureDirectory(dir);
    std::string studyFile = shippedFile;
    if (shrunk) {
        // A study file of its own, so that `study run --config` reruns exactly this.
        studyFile = dir + "/" + study.name + ".json";
        core::writeFileAtomically(studyFile, study.document.dump(2) + "\n");
    }
    const std::string studyDir = dir + "/study";
    const int64_t endedBefore = endedRuns(studyDir);

    CliArguments step = args;
    step.command = "study";
    step.study = StudyArguments{};
    step.study.action = "run";
    step.study.configPath = studyFile;
    step.study.dir = studyDir;
    step.study.workers = r.workers;
    const int code = runStudyCommand(step, cancel);
    if (code != kSuccess)
        return code;   // Ctrl-C: the study folder resumes with the same command
    step.study.action = "export";
    step.study.csvPath = dir + "/study.csv";
    runStudyCommand(step, cancel);

    std::string figures;
#ifdef MINIMASCOPE_HAVE_FIGURES
    for (const StudyFigure& figure : writeStudyFigures(studyDir, dir + "/figures"))
        figures += "- `figures/" + figure.name + ".png` (its data: `figures/" + figure.name + ".csv`): " +
                   figure.caption + "\n";
    std::printf("figures -> %s/figures (PNG, with the CSV of each)\n", dir.c_str());
    figures += "\nThe figures are the study window's plots (its Export menu writes the same PNG and CSV); the "
               "bounds drawn are those of the first drawn run, as the window shows them until a run is selected.\n";
#else
    std::printf("no figures: this minimascope-cli was built without the GUI libraries; %s/study.csv holds their "
                "data, and the desktop application draws them (minimascope --study %s)\n",
                dir.c_str(), studyDir.c_str());
    figures = "- no figures: this minimascope-cli was built without the GUI libraries. `study.csv` holds their "
              "data; `minimascope --study " + studyDir + "` draws them.\n";
#endif

    const std::string workers = r.workers > 0 ? " --workers " + std::to_string(r.workers) : "";
    ReadmeInputs in;
    in.command = "minimascope-cli reproduce " + r.name + (r.quick ? " --quick" : "") + " --out " + dir + workers +
                 (shrunk ? " --shrink " + std::to_string(r.shrinkPoints) + "," + std::to_string(r.shrinkIterations) +
                               (r.shrinkExamples > 0 ? "," + std::to_string(r.shrinkExamples) : "")
                         : "");
    in.studyFile = studyFile;
    in.studyDir = studyDir;
    in.study = &study;
    in.endedBefore = endedBefore;
    in.figures = figures;
    in.byHand = "minimascope-cli study run --config " + studyFile + " --out " + studyDir + workers + "\n" +
                "minimascope-cli study export " + studyDir + " --csv " + dir + "/study.csv\n" +
                "xvfb-run -a minimascope --study " + studyDir + " --screenshot " + dir + "/study-window.png\n";
    in.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    core::writeFileAtomically(dir + "/README.md", readme(in));
    std::printf("%s: %s -> %s/README.md\n", r.name.c_str(), duration(in.seconds).c_str(), dir.c_str());
    return kSuccess;
}

} // namespace minimascope::cli
