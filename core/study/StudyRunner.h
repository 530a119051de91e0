#pragma once
// Runs a study on this machine: every point still to do, each in its own child process
// (`minimascope-cli study run-one DIR`), K at a time, so that a crash, an out-of-memory kill or
// a divergence of one run never takes the others down. The store (StudyStore) records each
// outcome as it comes; running again resumes (done, failed and diverged points are kept, points
// left running by a killed study are redone, new points of a changed study file are added).
// Threading: call from one thread; progress is called on it. cancel stops the children (they
// stop within a training step) and puts their points back to "to do"; runStudy then returns
// Cancelled. Errors (a folder of another study, a store written by a newer version, another
// process running the same study, an unwritable folder) throw InputError before any run starts.
#include "common/Progress.h"
#include "common/RunStatus.h"
#include "study/StudyConfig.h"

#include <atomic>
#include <functional>
#include <string>

namespace minimascope::core {

class CancelToken;
class RunSlots;

struct StudyRunnerOptions {
    int workers = 0;            // child processes at once; 0 = one per core
    int threadsPerWorker = 0;   // torch threads of each child; 0 = the cores shared among the workers
    std::string executable;     // minimascope-cli; empty = this very program (/proc/self/exe)
    bool retryFailed = false;   // run failed points again
    // While set (from any thread), no new run starts; the runs in flight finish (Pause).
    const std::atomic<bool>* hold = nullptr;
    // Where the runs execute; null = `workers` child processes on this machine (MPI passes its own).
    RunSlots* slots = nullptr;
    // For those local children: a run as a fork of this process calling this (RunSlots.h), when
    // set; the CLI sets it, the desktop application (many threads) does not.
    std::function<int(const std::string& runDir)> forkedRun;
};

// The progress of a study in runs (what = "runs"): total is the points of this study file, done
// the runs done; seconds since this invocation started, etaSeconds -1 until a run finished here.
// The study's other counts and what just happened beside it.
struct StudyProgress : Progress {
    int64_t failed = 0, diverged = 0, running = 0, toDo = 0;
    std::string event;   // e.g. "done runs/ab12...: a = 12.3, s = 4.5"
};

// The automatic worker and thread counts for `cores` cores (documented in docs/studies.md).
void resolveWorkerCounts(StudyRunnerOptions& options, int cores);

RunStatus runStudy(const StudyConfig& study, const std::string& dir, StudyRunnerOptions options,
                   const CancelToken& cancel, const std::function<void(const StudyProgress&)>& progress);

}   // namespace minimascope::core
