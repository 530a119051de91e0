// minimascope-cli reproduce NAME [--quick] --out DIR: `study run` and `study export` of a shipped
// study file (StudyCommand.cpp, called as they are), its follow-up analyses (`analyze` and
// `landscape`, called as they are on the runs the study file picks), the figures
// (StudyFigures.cpp, in builds with the GUI libraries) and DIR/README.md, which says what ran and
// how it ended.
#include "ReproduceCommand.h"

#include "Commands.h"

#include "common/InputError.h"
#include "io/AtomicFile.h"
#include "io/NumberFormat.h"
#include "io/ResourceLibrary.h"
#include "io/StrictJson.h"
#include "landscape/SurfaceExport.h"
#include "study/FollowUp.h"
#include "study/StudyConfig.h"
#include "study/StudyStore.h"
#include "train/RunFolder.h"

#include <algorithm>
#include <cctype>
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
// study folder, the follow-ups and the figures of an earlier reproduce, and nothing that is not one.
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
        if (!error)
            fs::remove_all(dir + "/follow-up", error);
        if (error)
            throw core::InputError("--overwrite: cannot remove what " + dir + " holds: " + error.message());
        return;
    }
    const std::string existing = core::StudyStore(core::studyStorePath(studyDir), true).studyName();
    if (!existing.empty() && existing != studyName)
        throw core::InputError(studyDir + " holds the study '" + existing + "', not '" + studyName
                               + "': choose another --out, or add --overwrite to start again there");
}

int64_t endedRuns(const std::string& studyDir)
{
    if (!fs::exists(core::studyStorePath(studyDir)))
        return 0;
    int64_t ended = 0;
    for (const core::StudyRunRecord& r : core::StudyStore(core::studyStorePath(studyDir), true).runs())
        ended += r.state == core::StudyRunState::Done || r.state == core::StudyRunState::Failed
                 || r.state == core::StudyRunState::Diverged;
    return ended;
}

// One follow-up applied to one run.
struct FollowUpRun {
    const core::StudyFollowUp* followUp = nullptr;
    std::string group;   // the value of the selector's best_per the run stands for
    std::string label;   // the group as a folder name, or "best"
    core::StudyRunRecord run;
    std::string partnerRunId;         // the run of --to, when the follow-up has one
    std::vector<std::string> words;   // the command, as one would type it after minimascope-cli
    std::string outDir;               // DIR/follow-up/NAME/LABEL
    std::string output;               // its analysis.json, or its landscape's PREFIX
    core::LandscapeGrid landscape;    // a landscape's PREFIX.vts, read once it is done
    bool reused = false;              // an earlier invocation had done it
    std::string error;
};

// Words of a command line as a reader copies them (quoted when they hold a space).
std::string commandLine(const std::vector<std::string>& words)
{
    std::string line = "minimascope-cli";
    for (const std::string& word : words)
        line += " " + (word.find(' ') == std::string::npos ? word : "'" + word + "'");
    return line;
}

std::vector<std::string> followUpWords(const core::StudyFollowUp& followUp, const std::string& runDir,
                                       const std::string& partnerParameters, const std::string& output)
{
    std::vector<std::string> words = followUp.command;
    words.insert(words.end(), {"--run", runDir});
    if (!partnerParameters.empty())
        words.insert(words.end(), {"--to", partnerParameters});
    words.insert(words.end(), {"--out", output});
    return words;
}

std::string outputOf(const core::StudyFollowUp& followUp, const std::string& outDir)
{
    return outDir + (followUp.command.front() == "analyze" ? "/analysis.json" : "/landscape");
}

// Each follow-up's command must parse before the study runs: a typo costs nothing.
void checkFollowUps(const core::StudyConfig& study)
{
    for (const core::StudyFollowUp& followUp : study.followUps) {
        try {
            const CliArguments parsed = parseArgumentWords(
                followUpWords(followUp, "RUN", followUp.hasPartner ? "OTHER/parameters" : "", "OUT/x"));
            if (parsed.command != followUp.command.front())
                throw core::InputError("it asks for help, not an analysis");
        } catch (const core::InputError& e) {
            throw core::InputError("the study file's follow-up '" + followUp.name + "': " + e.what());
        }
    }
}

std::string labelOf(const std::string& group)
{
    if (group.empty())
        return "best";
    std::string label;
    for (const char c : group)
        label += std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' ? c : '-';
    return label;
}

// What each follow-up takes from the study: one FollowUpRun per selected run (nothing for a
// follow-up whose selector matches no finished run; the README says so).
std::vector<FollowUpRun> planFollowUps(const core::StudyConfig& study, const std::string& studyDir,
                                       const std::string& dir)
{
    const std::vector<core::StudyRunRecord> runs = core::StudyStore(core::studyStorePath(studyDir), true).runs();
    std::vector<FollowUpRun> plan;
    for (const core::StudyFollowUp& followUp : study.followUps) {
        std::string partnerParameters, partnerRunId;
        if (followUp.hasPartner) {
            const std::vector<core::SelectedRun> partner = core::selectRuns(runs, followUp.partner);
            if (partner.empty())
                continue;
            const core::StudyRunRecord& other = runs[partner.front().index];
            partnerParameters = core::finalParametersDir(core::readRunFolderInfo(studyDir + "/" + other.folder));
            partnerRunId = other.runId;
        }
        for (const core::SelectedRun& selected : core::selectRuns(runs, followUp.runs)) {
            FollowUpRun item;
            item.followUp = &followUp;
            item.group = selected.group;
            item.label = labelOf(selected.group);
            item.run = runs[selected.index];
            item.partnerRunId = partnerRunId;
            item.outDir = dir + "/follow-up/" + followUp.name + "/" + item.label;
            item.output = outputOf(followUp, item.outDir);
            item.words = followUpWords(followUp, studyDir + "/" + item.run.folder, partnerParameters, item.output);
            plan.push_back(std::move(item));
        }
    }
    return plan;
}

// The record of a finished follow-up: the same command on the same runs is not run again.
nlohmann::json doneRecord(const FollowUpRun& item)
{
    return {{"command", item.words}, {"run_id", item.run.runId}, {"partner_run_id", item.partnerRunId}};
}

bool alreadyDone(const FollowUpRun& item)
{
    const std::string path = item.outDir + "/follow-up.json";
    if (!fs::exists(path))
        return false;
    try {
        return core::parseStrictJson(core::readWholeFile(path), path) == doneRecord(item);
    } catch (const core::InputError&) {
        return false;   // unreadable: do it again
    }
}

// Runs the plan in order; returns kCancelled when Ctrl-C stopped it (what is done stays done).
// A follow-up that fails is recorded in its item, and the others still run.
int runFollowUps(std::vector<FollowUpRun>& plan, const core::CancelToken& cancel)
{
    const auto fail = [](FollowUpRun& item, const std::string& error) {
        item.error = error;
        std::fprintf(stderr, "follow-up %s (%s) failed: %s\n", item.followUp->name.c_str(), item.label.c_str(),
                     error.c_str());
    };
    for (size_t i = 0; i < plan.size(); ++i) {
        FollowUpRun& item = plan[i];
        if (alreadyDone(item)) {
            item.reused = true;
            continue;
        }
        std::printf("follow-up %zu/%zu: %s (%s): %s\n", i + 1, plan.size(), item.followUp->name.c_str(),
                    item.label.c_str(), commandLine(item.words).c_str());
        std::fflush(stdout);
        try {
            core::ensureDirectory(item.outDir);
            const CliArguments args = parseArgumentWords(item.words);
            const int code = args.command == "analyze" ? runAnalyze(args, cancel) : runLandscape(args, cancel);
            if (code == kCancelled)
                return kCancelled;
            if (code != kSuccess)
                throw core::InputError("exit code " + std::to_string(code));
            core::writeFileAtomically(item.outDir + "/follow-up.json", doneRecord(item).dump(2) + "\n");
        } catch (const std::exception& e) {
            fail(item, e.what());
        }
    }
    // The landscapes, read once for the README's numbers and the figures.
    for (FollowUpRun& item : plan) {
        if (!item.error.empty() || item.followUp->command.front() == "analyze")
            continue;
        try {
            item.landscape = core::readSurfaceVts(item.output + ".vts");
        } catch (const std::exception& e) {
            fail(item, std::string("its output cannot be read: ") + e.what());
        }
    }
    return kSuccess;
}

// What a figure calls a follow-up's run: the value it was picked for ("optimizer.name = adam"), or
// its study axes when it is the one best run.
std::string legendOf(const FollowUpRun& item)
{
    const std::string& bestPer = item.followUp->runs.bestPer;
    if (!bestPer.empty())
        return bestPer + " = " + item.group;
    return core::describeAxes(nlohmann::json::parse(item.run.axesJson));
}

// A line of numbers about a follow-up's output for the README.
std::string followUpSummary(const FollowUpRun& item)
{
    try {
        if (item.followUp->command.front() == "analyze") {
            const nlohmann::json report = core::parseStrictJson(core::readWholeFile(item.output), item.output);
            std::string text;
            if (const auto top = report.find("top_eigenvalues"); top != report.end()) {
                text += "top eigenvalues";
                for (const nlohmann::json& value : *top)
                    text += " " + number(core::numberFromJson(value, "value"));
            }
            if (const auto trace = report.find("trace"); trace != report.end())
                text += (text.empty() ? "" : "; ") + std::string("trace ")
                        + number(core::numberFromJson(*trace, "value"));
            if (const auto density = report.find("density"); density != report.end()) {
                // The share of the spectrum's weight (SLQ's Ritz nodes) within 1 % of λmax of zero:
                // how concentrated near 0 the eigenvalues are (the LeNet-5 report's reading).
                const std::vector<double> nodes = density->at("nodes").get<std::vector<double>>();
                const std::vector<double> weights = density->at("weights").get<std::vector<double>>();
                const double largest = nodes.empty() ? 0.0 : *std::max_element(nodes.begin(), nodes.end());
                double total = 0.0, nearZero = 0.0;
                for (size_t k = 0; k < nodes.size() && k < weights.size(); ++k) {
                    total += weights[k];
                    if (std::abs(nodes[k]) <= 0.01 * largest)
                        nearZero += weights[k];
                }
                if (total > 0)
                    text += (text.empty() ? "" : "; ") + std::string("SLQ weight within 1 % of λmax of 0: ")
                            + number(nearZero / total);
            }
            return text;
        }
        const core::LandscapeGrid& grid = item.landscape;
        double lowest = INFINITY, highest = -INFINITY, centre = NAN, nearest = INFINITY;
        for (size_t j = 0; j < grid.ys.size(); ++j)
            for (size_t i = 0; i < grid.xs.size(); ++i) {
                const double loss = grid.loss[grid.index(i, j)];
                if (!std::isfinite(loss))
                    continue;
                lowest = std::min(lowest, loss);
                highest = std::max(highest, loss);
                const double distance = std::hypot(grid.xs[i], grid.ys[j]);
                if (distance < nearest) {
                    nearest = distance;
                    centre = loss;
                }
            }
        return "loss at the centre " + number(centre) + ", lowest " + number(lowest) + ", highest " + number(highest)
               + " over the " + std::to_string(grid.xs.size())
               + (grid.ys.size() > 1 ? " x " + std::to_string(grid.ys.size()) : "") + " grid";
    } catch (const std::exception& e) {
        return std::string("(its output cannot be read: ") + e.what() + ")";
    }
}

struct ReadmeInputs {
    std::string command;     // the reproduce command line
    std::string studyFile;   // the study file that ran
    std::string studyDir, csvPath;
    const core::StudyConfig* study = nullptr;
    double seconds = 0.0;      // wall time of this invocation
    int64_t endedBefore = 0;   // runs an earlier invocation had finished
    std::string figures;       // the figures section
    std::string followUps;     // the follow-ups section
    std::string byHand;        // the equivalent commands
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
            others << "- #" << r.ordinal + 1 << " (" << core::describeAxes(nlohmann::json::parse(r.axesJson)) << "): "
                   << (done ? "did not reach the loss target (" + r.stopReason + ")"
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
               << number(sums.s / double(sums.runs))
               << " | "
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
       << in.figures << in.followUps << "\n## The same, step by step\n\n```sh\n"
       << in.byHand << "```\n";
    return md.str();
}

}   // namespace

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
        throw core::InputError("no reproduction named '" + r.name
                               + "' (known: " + (names.empty() ? "none found" : joined(names)) + ")");
    const auto start = std::chrono::steady_clock::now();
    const std::string shippedFile = core::findResource("studies", r.quick ? r.name + kQuickSuffix : r.name);
    core::StudyConfig study = core::loadStudyConfig(shippedFile);
    const bool shrunk = r.shrinkPoints > 0;
    if (shrunk)
        study = core::shrinkStudy(study, {r.shrinkPoints, r.shrinkIterations, r.shrinkExamples});
    checkFollowUps(study);

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

    std::vector<FollowUpRun> followUps = planFollowUps(study, studyDir, dir);
    if (runFollowUps(followUps, cancel) == kCancelled) {
        std::printf("cancelled during the follow-ups: the same command resumes them\n");
        return kCancelled;
    }

    std::string figures;
    std::map<const FollowUpRun*, std::string> followUpFigures;   // the figure's line for the README
#ifdef MINIMASCOPE_HAVE_FIGURES
    const auto figureLine = [](const StudyFigure& figure) {
        return "`figures/" + figure.name + ".png` (its data: `figures/" + figure.name + ".csv`): " + figure.caption;
    };
    {
        ReproductionFigures drawer(dir + "/figures");
        for (const StudyFigure& figure : drawer.writeStudy(studyDir))
            figures += "- " + figureLine(figure) + "\n";
        for (const core::StudyFollowUp& followUp : study.followUps) {
            const std::string& name = followUp.name;
            std::map<std::string, const FollowUpRun*> items;   // by label: those that succeeded
            for (const FollowUpRun& item : followUps)
                if (item.followUp == &followUp && item.error.empty())
                    items[item.label] = &item;
            try {
                if (followUp.command.front() == "analyze") {
                    for (const auto& [label, item] : items)
                        followUpFigures[item] = figureLine(drawer.writeSpectrum(
                            name + "-" + label, item->output, item->run.runId, name + ": " + legendOf(*item)));
                } else {
                    std::map<std::string, ReproductionFigures::Landscape> byLabel;
                    for (const auto& [label, item] : items)
                        byLabel[label] = {&item->landscape, item->output + ".vts", legendOf(*item)};
                    for (const auto& [label, figure] : drawer.writeLandscapes(name, byLabel, name))
                        followUpFigures[items.at(label)] = figureLine(figure);
                }
            } catch (const core::InputError& e) {
                for (const auto& [label, item] : items)
                    followUpFigures[item] = std::string("no figure: ") + e.what();
            }
        }
    }
    std::printf("figures -> %s/figures (PNG, with the CSV of each)\n", dir.c_str());
    figures += "\nThe study's figures are the study window's plots (its Export menu writes the same PNG and CSV); "
               "the bounds drawn are those of the first drawn run, as the window shows them until a run is "
               "selected.\n";
#else
    std::printf("no figures: this minimascope-cli was built without the GUI libraries; %s/study.csv holds their "
                "data, and the desktop application draws them (minimascope --study %s)\n",
                dir.c_str(), studyDir.c_str());
    figures = "- no figures: this minimascope-cli was built without the GUI libraries. `study.csv` holds their "
              "data; `minimascope --study "
              + studyDir + "` draws them.\n";
#endif

    std::string followUpText, followUpCommands;
    int64_t failedFollowUps = 0;
    if (!study.followUps.empty()) {
        followUpText = "\n## Follow-up analyses\n\nEach is a `minimascope-cli` command run on runs the study file "
                       "picks: the best run (the highest test accuracy among the runs that reached the loss target; "
                       "among the others when none did) overall, or of each value of a setting "
                       "(docs/studies.md). Outputs are in `follow-up/NAME/LABEL/`.\n";
        for (const core::StudyFollowUp& followUp : study.followUps) {
            followUpText += "\n### " + followUp.name + "\n\n";
            bool any = false;
            for (const FollowUpRun& item : followUps) {
                if (item.followUp != &followUp)
                    continue;
                any = true;
                const core::StudyRunRecord& run = item.run;
                followUpText += "- **" + item.label + "**: run #" + std::to_string(run.ordinal + 1) + " ("
                                + core::describeAxes(nlohmann::json::parse(run.axesJson)) + "; "
                                + (run.converged ? "reached the loss target" : "did not reach the loss target")
                                + ", test accuracy " + number(run.testAccuracy) + ")"
                                + (item.reused ? ", done by an earlier invocation" : "") + ". ";
                if (!item.error.empty()) {
                    ++failedFollowUps;
                    followUpText += "**Failed:** " + item.error + "\n";
                    continue;
                }
                followUpText += followUpSummary(item) + ".";
                if (const auto figure = followUpFigures.find(&item); figure != followUpFigures.end())
                    followUpText += " Figure " + figure->second + ".";
                followUpText += "\n";
                followUpCommands += commandLine(item.words) + "\n";
            }
            if (!any)
                followUpText += "- no finished run matches its selection"
                                + std::string(followUp.hasPartner ? " (or that of its second run)" : "") + ".\n";
        }
    }

    const std::string workers = r.workers > 0 ? " --workers " + std::to_string(r.workers) : "";
    ReadmeInputs in;
    in.command = "minimascope-cli reproduce " + r.name + (r.quick ? " --quick" : "") + " --out " + dir + workers
                 + (shrunk ? " --shrink " + std::to_string(r.shrinkPoints) + "," + std::to_string(r.shrinkIterations)
                                 + (r.shrinkExamples > 0 ? "," + std::to_string(r.shrinkExamples) : "")
                           : "");
    in.studyFile = studyFile;
    in.studyDir = studyDir;
    in.study = &study;
    in.endedBefore = endedBefore;
    in.figures = figures;
    in.followUps = followUpText;
    in.byHand = "minimascope-cli study run --config " + studyFile + " --out " + studyDir + workers + "\n"
                + "minimascope-cli study export " + studyDir + " --csv " + dir + "/study.csv\n" + followUpCommands
                + "xvfb-run -a minimascope --study " + studyDir + " --screenshot " + dir + "/study-window.png\n";
    in.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    core::writeFileAtomically(dir + "/README.md", readme(in));
    std::printf("%s: %s -> %s/README.md\n", r.name.c_str(), duration(in.seconds).c_str(), dir.c_str());
    if (failedFollowUps > 0)
        throw core::InputError(std::to_string(failedFollowUps) + " follow-up analyses failed (" + dir
                               + "/README.md says why); the study and the other outputs are written");
    return kSuccess;
}

}   // namespace minimascope::cli
