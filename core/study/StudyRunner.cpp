#include "study/StudyRunner.h"

#include "common/CancelToken.h"
#include "common/InputError.h"
#include "io/AtomicFile.h"
#include "study/PointRun.h"
#include "study/RunSlots.h"
#include "study/StudyStore.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>
#include <thread>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace minimascope::core {

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kPollInterval = std::chrono::milliseconds(50);
constexpr double kProgressInterval = 1.0;   // seconds between progress events without news

// Holds DIR/study.lock for the lifetime of the runner: two runners on one study would run
// the same points twice.
class StudyLock {
public:
    explicit StudyLock(const std::string& dir)
    {
        const std::string path = dir + "/study.lock";
        m_fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
        if (m_fd < 0)
            throw InputError("cannot write " + path + ": " + std::strerror(errno));
        if (::flock(m_fd, LOCK_EX | LOCK_NB) != 0) {
            ::close(m_fd);
            // Forked runs share the lock: after a kill -9 of the runner alone, its runs hold it
            // until they end, rather than running again beside a new runner.
            throw InputError(dir
                             + ": another process is running this study, or runs of a killed one are still "
                               "ending (wait for them, or stop them first: pgrep -f "
                             + dir + ")");
        }
    }
    ~StudyLock() { ::close(m_fd); }
    StudyLock(const StudyLock&) = delete;
    StudyLock& operator=(const StudyLock&) = delete;

private:
    int m_fd = -1;
};

}   // namespace

void resolveWorkerCounts(StudyRunnerOptions& options, int cores)
{
    cores = std::max(1, cores);
    // One single-threaded run per core: small-batch training gains nothing from a second
    // thread (docs/benchmarks.md), and independent runs scale perfectly.
    if (options.workers <= 0)
        options.workers = cores;
    if (options.threadsPerWorker <= 0)
        options.threadsPerWorker = std::max(1, cores / options.workers);
}

RunStatus runStudy(const StudyConfig& study, const std::string& dir, StudyRunnerOptions options,
                   const CancelToken& cancel, const std::function<void(const StudyProgress&)>& progress)
{
    resolveWorkerCounts(options, static_cast<int>(std::thread::hardware_concurrency()));
    if (options.executable.empty())
        options.executable = selfExecutable();
    ensureDirectory(dir);
    const StudyLock lock(dir);
    StudyStore store(studyStorePath(dir), false);
    const std::string existing = store.studyName();
    if (!existing.empty() && existing != study.name)
        throw InputError(dir + " holds the study '" + existing + "', not '" + study.name
                         + "': choose another --out (or give the study file the same \"name\")");
    store.setStudy(study.name, study.description, study.document.dump());
    store.addPoints(study.points);
    store.requeueRunning();
    if (options.retryFailed)
        store.requeueFailed();

    std::map<std::string, const StudyPoint*> pointOf;
    for (const StudyPoint& point : study.points)
        pointOf[point.key] = &point;
    std::vector<const StudyPoint*> queue;
    StudyProgress state;
    state.what = "runs";
    state.total = static_cast<int64_t>(study.points.size());
    for (const StudyRunRecord& record : store.runs()) {
        if (pointOf.count(record.key) == 0)
            continue;   // a point of an earlier version of the study file: kept, not run
        switch (record.state) {
        case StudyRunState::ToDo: queue.push_back(pointOf[record.key]); break;
        case StudyRunState::Done: ++state.done; break;
        case StudyRunState::Failed: ++state.failed; break;
        case StudyRunState::Diverged: ++state.diverged; break;
        case StudyRunState::Running: break;   // requeued above
        }
    }
    std::reverse(queue.begin(), queue.end());   // pop_back takes the lowest ordinal first

    std::unique_ptr<RunSlots> ownSlots;
    RunSlots* slots = options.slots;
    if (!slots) {
        ownSlots = localRunSlots(options.workers, options.executable, options.forkedRun);
        slots = ownSlots.get();
    }

    const auto start = Clock::now();
    auto lastReport = start;
    int64_t finishedHere = 0;
    std::map<std::string, std::string> inFlight;   // run folder -> point key
    const auto report = [&](const std::string& event) {
        state.running = static_cast<int64_t>(inFlight.size());
        state.toDo = static_cast<int64_t>(queue.size());
        state.seconds = std::chrono::duration<double>(Clock::now() - start).count();
        if (finishedHere > 0) {
            const double perRun = state.seconds / static_cast<double>(finishedHere);
            state.etaSeconds = perRun * static_cast<double>(state.toDo + state.running);
        }
        state.event = event;
        lastReport = Clock::now();
        if (progress)
            progress(state);
    };
    report("");

    while (!queue.empty() || !inFlight.empty()) {
        if (cancel.isCancelled()) {
            slots->stopAll();   // each run cancels its training within a step
            for (const auto& [runDir, key] : inFlight)
                store.requeue(key);
            inFlight.clear();
            report("stopped: the runs in flight will be redone");
            return RunStatus::Cancelled;
        }
        const bool held = options.hold && options.hold->load();
        while (!held && static_cast<int>(inFlight.size()) < slots->capacity() && !queue.empty()) {
            const StudyPoint& point = *queue.back();
            queue.pop_back();
            const std::string folder = "runs/" + point.key;
            const std::string runDir = dir + "/" + folder;
            writePointRequest(runDir, point.config, study.measures, options.threadsPerWorker);
            store.markRunning(point.key, folder);
            slots->start(runDir);
            inFlight[runDir] = point.key;
            report("started " + folder + " (" + describeAxes(point.axes) + ")");
        }
        std::string runDir;
        int status = 0;
        if (slots->poll(runDir, status) && inFlight.count(runDir) > 0) {
            const std::string key = inFlight[runDir];
            inFlight.erase(runDir);
            const std::string folder = runDir.substr(dir.size() + 1);
            StudyRunRecord record;
            try {
                record = readPointResult(runDir);
            } catch (const InputError&) {
                record.state = StudyRunState::Failed;
                record.stopReason = describeProcessEnd(status, runDir);
                record.sharpness = record.nonUniformity = record.lambdaMin = std::nan("");
                record.trainLoss = record.trainAccuracy = record.testLoss = record.testAccuracy = std::nan("");
                record.seconds = record.eta = record.sharpnessBound = record.nonUniformityBound = std::nan("");
            }
            if (cancel.isCancelled() && record.state == StudyRunState::Failed) {
                store.requeue(key);   // stopped by the user, not failed
                continue;
            }
            record.key = key;
            record.folder = folder;
            const StudyPoint& point = *pointOf[key];
            if (record.state == StudyRunState::Failed && record.optimizer.empty()) {
                record.eta = point.config.optimizer.lr;
                record.optimizer = point.config.optimizer.name;
                record.seed = static_cast<int64_t>(point.config.seed);
            }
            store.recordResult(record);
            ++finishedHere;
            std::string event = std::string(toString(record.state)) + " " + folder + " (" + describeAxes(point.axes)
                                + ")";
            switch (record.state) {
            case StudyRunState::Done: {
                ++state.done;
                char numbers[128];
                std::snprintf(numbers, sizeof numbers, ": %s, loss %.3g, a = %.4g, s = %.4g", record.stopReason.c_str(),
                              record.trainLoss, record.sharpness, record.nonUniformity);
                event += numbers;
                break;
            }
            case StudyRunState::Diverged:
                ++state.diverged;
                event += ": " + record.stopReason;
                break;
            default:
                ++state.failed;
                event += ": " + record.stopReason;
                break;
            }
            report(event);
            continue;
        }
        if (std::chrono::duration<double>(Clock::now() - lastReport).count() >= kProgressInterval)
            report("");
        std::this_thread::sleep_for(kPollInterval);
    }
    return RunStatus::Finished;
}

}   // namespace minimascope::core
