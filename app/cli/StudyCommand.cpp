// minimascope-cli study: run a study (many runs as child processes), show its table, export it.
// The options are parsed with the others in CliArguments.cpp.
#include "Commands.h"
#include "Mpi.h"
#include "MpiStudy.h"

#include "common/CancelToken.h"
#include "common/InputError.h"
#include "io/AtomicFile.h"
#include "io/NumberFormat.h"
#include "study/PointRun.h"
#include "study/StudyRunner.h"
#include "study/StudyStore.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <sstream>

namespace minimascope::cli {

namespace {

std::string formatNumber(double value, const char* format = "%.4g")
{
    if (std::isnan(value))
        return "-";
    char text[32];
    std::snprintf(text, sizeof text, format, value);
    return text;
}

std::string formatDuration(double seconds)
{
    if (seconds < 0)
        return "?";
    char text[32];
    if (seconds < 120)
        std::snprintf(text, sizeof text, "%.0f s", seconds);
    else if (seconds < 7200)
        std::snprintf(text, sizeof text, "%.0f min", seconds / 60);
    else
        std::snprintf(text, sizeof text, "%.1f h", seconds / 3600);
    return text;
}

// An axes JSON object as "lr=0.1 B=10": the last part of each key is enough in a table.
std::string shortAxes(const std::string& axesJson)
{
    const nlohmann::json axes = nlohmann::json::parse(axesJson);
    std::string text;
    for (const auto& [key, value] : axes.items()) {
        const std::string name = key.substr(key.rfind('.') == std::string::npos ? 0 : key.rfind('.') + 1);
        text += (text.empty() ? "" : " ") + name + "=" + (value.is_string() ? value.get<std::string>() : value.dump());
    }
    return text.empty() ? "(base)" : text;
}

std::string csvQuoted(const std::string& text)
{
    std::string quoted = "\"";
    for (const char c : text)
        quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    return quoted + "\"";
}

int studyRunOne(const std::string& runDir, const core::CancelToken& cancel);

int studyRun(const CliArguments& args, const core::CancelToken& cancel)
{
    const StudyArguments& s = args.study;
    const std::string& configPath = s.configPath;
    const std::string& outDir = s.dir;
    core::StudyRunnerOptions options;
    options.workers = s.workers;
    options.threadsPerWorker = s.threadsPerWorker;
    options.retryFailed = s.retryFailed;
    // Each run a fork of this process, which has loaded the libraries once (in the child,
    // `cancel` is the child's copy, set by its copy of the signal handlers).
    options.forkedRun = [&cancel](const std::string& runDir) { return studyRunOne(runDir, cancel); };
    const bool quiet = args.quiet;
    // Without --config, the study the folder was last run with (its store keeps the file).
    const core::StudyConfig study = configPath.empty() ? core::loadStoredStudy(outDir)
                                                       : core::loadStudyConfig(configPath);
    if (!quiet)
        std::fprintf(stderr, "study '%s': %zu points -> %s\n", study.name.c_str(), study.points.size(), outDir.c_str());
    // An event line for each run that starts or ends; the counts with the ETA after each run that
    // ends, and every 10 s while runs are in flight.
    double lastCounts = -1e9;
    const auto progress = [quiet, &lastCounts](const core::StudyProgress& p) {
        if (quiet)
            return;
        if (!p.event.empty())
            std::fprintf(stderr, "  %s\n", p.event.c_str());
        const bool ended = !p.event.empty() && p.event.compare(0, 7, "started") != 0;
        if (!ended && p.seconds - lastCounts < 10.0)
            return;
        lastCounts = p.seconds;
        std::fprintf(stderr, "  [%lld/%lld done, %lld diverged, %lld failed, %lld running; %s elapsed, ETA %s]\n",
                     static_cast<long long>(p.done), static_cast<long long>(p.total),
                     static_cast<long long>(p.diverged), static_cast<long long>(p.failed),
                     static_cast<long long>(p.running), formatDuration(p.seconds).c_str(),
                     formatDuration(p.etaSeconds).c_str());
    };
    core::RunStatus status = core::RunStatus::Finished;
    if (launchedUnderMpi()) {
        int rank = 0;
        status = runStudyMpi(study, outDir, options, cancel, progress, rank);
        if (rank != 0)
            return kSuccess;   // rank 0 reports
    } else {
        status = core::runStudy(study, outDir, options, cancel, progress);
    }
    const core::StudyStore store(core::studyStorePath(outDir), true);
    int64_t done = 0, notConverged = 0, diverged = 0, failed = 0;
    for (const core::StudyRunRecord& r : store.runs()) {
        done += r.state == core::StudyRunState::Done;
        notConverged += r.state == core::StudyRunState::Done && !r.converged;
        diverged += r.state == core::StudyRunState::Diverged;
        failed += r.state == core::StudyRunState::Failed;
    }
    std::printf("study '%s' %s: %lld done (%lld did not reach the loss target), %lld diverged, %lld failed -> %s\n",
                study.name.c_str(), status == core::RunStatus::Cancelled ? "stopped" : "finished",
                static_cast<long long>(done), static_cast<long long>(notConverged), static_cast<long long>(diverged),
                static_cast<long long>(failed), core::studyStorePath(outDir).c_str());
    return status == core::RunStatus::Cancelled ? kCancelled : kSuccess;
}

int studyStatus(const std::string& dir)
{
    const std::string path = core::studyStorePath(dir);
    if (!std::filesystem::exists(path))
        throw core::InputError(dir + " is not a study folder (no study.sqlite)");
    const core::StudyStore store(path, true);
    const std::vector<core::StudyRunRecord> runs = store.runs();
    std::printf("study '%s' in %s: %zu runs\n", store.studyName().c_str(), dir.c_str(), runs.size());
    std::printf("%4s  %-9s %-34s %10s %10s %9s %10s %10s %-12s %s\n", "#", "state", "point", "train loss", "test acc",
                "iters", "a", "s", "stability", "stopped");
    std::map<std::string, int64_t> counts;
    for (const core::StudyRunRecord& r : runs) {
        ++counts[core::toString(r.state)];
        const bool ended = r.state != core::StudyRunState::ToDo && r.state != core::StudyRunState::Running;
        std::printf("%4lld  %-9s %-34s %10s %10s %9s %10s %10s %-12s %s\n", static_cast<long long>(r.ordinal + 1),
                    core::toString(r.state), shortAxes(r.axesJson).substr(0, 34).c_str(),
                    ended ? formatNumber(r.trainLoss).c_str() : "", ended ? formatNumber(r.testAccuracy).c_str() : "",
                    ended ? std::to_string(r.iterations).c_str() : "", ended ? formatNumber(r.sharpness).c_str() : "",
                    ended ? formatNumber(r.nonUniformity).c_str() : "", r.stability.c_str(),
                    r.state == core::StudyRunState::Done && !r.converged ? (r.stopReason + ", not converged").c_str()
                                                                         : r.stopReason.c_str());
    }
    std::string summary;
    for (const auto& [state, count] : counts)
        summary += (summary.empty() ? "" : ", ") + std::to_string(count) + " " + state;
    std::printf("%s\n", summary.c_str());
    return kSuccess;
}

int studyExport(const std::string& dir, const std::string& csvPath)
{
    const std::string path = core::studyStorePath(dir);
    if (!std::filesystem::exists(path))
        throw core::InputError(dir + " is not a study folder (no study.sqlite)");
    const core::StudyStore store(path, true);
    std::ostringstream csv;
    csv << "ordinal,key,state,converged,stop_reason,optimizer,eta,batch_size,seed,n,train_loss,train_accuracy,"
           "test_loss,test_accuracy,iterations,seconds,sharpness,non_uniformity,lambda_min,stability,"
           "sharpness_bound,non_uniformity_bound,folder,run_id,axes\n";
    for (const core::StudyRunRecord& r : store.runs()) {
        csv << r.ordinal << ',' << r.key << ',' << core::toString(r.state) << ',' << (r.converged ? 1 : 0) << ','
            << csvQuoted(r.stopReason) << ',' << r.optimizer << ',' << core::csvNumber(r.eta) << ',' << r.batchSize
            << ',' << r.seed << ',' << r.examples << ',' << core::csvNumber(r.trainLoss) << ','
            << core::csvNumber(r.trainAccuracy) << ',' << core::csvNumber(r.testLoss) << ','
            << core::csvNumber(r.testAccuracy) << ',' << r.iterations << ',' << core::csvNumber(r.seconds) << ','
            << core::csvNumber(r.sharpness) << ',' << core::csvNumber(r.nonUniformity) << ','
            << core::csvNumber(r.lambdaMin) << ',' << r.stability << ',' << core::csvNumber(r.sharpnessBound) << ','
            << core::csvNumber(r.nonUniformityBound) << ',' << r.folder << ',' << r.runId << ','
            << csvQuoted(r.axesJson) << '\n';
    }
    core::writeFileAtomically(csvPath, csv.str());
    std::printf("%s -> %s\n", path.c_str(), csvPath.c_str());
    return kSuccess;
}

int studyRunOne(const std::string& runDir, const core::CancelToken& cancel)
{
    const core::PointRunRequest request = core::readPointRequest(runDir);
    const core::StudyRunRecord record = core::runStudyPoint(runDir, request, cancel);
    std::printf("%s (%s): loss %.6g, a = %.6g, s = %.6g\n", core::toString(record.state), record.stopReason.c_str(),
                record.trainLoss, record.sharpness, record.nonUniformity);
    return kSuccess;
}

}   // namespace

int runStudyCommand(const CliArguments& args, const core::CancelToken& cancel)
{
    const StudyArguments& s = args.study;
    if (s.action == "run")
        return studyRun(args, cancel);
    if (s.action == "status")
        return studyStatus(s.dir);
    if (s.action == "export")
        return studyExport(s.dir, s.csvPath);
    if (s.action == "run-one")
        return studyRunOne(s.dir, cancel);
    throw core::InputError("unknown study command '" + s.action + "' (run, status, export or run-one)");
}

}   // namespace minimascope::cli
