#pragma once
// Where a study's runs execute: each run is a child process `minimascope-cli study run-one DIR`
// (its output in DIR/log.txt). LocalRunSlots runs them on this machine; MpiRunSlots
// (study/MpiStudy.h) also hands them to the other ranks of an MPI job. One thread uses a slots
// object; errors starting a process throw InputError.
#include <functional>
#include <memory>
#include <string>

namespace minimascope::core {

class RunSlots {
public:
    virtual ~RunSlots() = default;
    // Runs at once.
    virtual int capacity() const = 0;
    // Starts the run whose folder holds request.json.
    virtual void start(const std::string& runDir) = 0;
    // A run that ended since the last call: its folder and its process's wait status; false
    // when none has.
    virtual bool poll(std::string& runDir, int& waitStatus) = 0;
    // Asks every run in flight to stop (SIGTERM: it cancels within a training step) and waits for
    // them; their ends are not reported by poll().
    virtual void stopAll() = 0;
};

// What a forked child runs for a run folder: `study run-one`'s work, returning its exit code.
using ForkedRun = std::function<int(const std::string& runDir)>;

// `workers` child processes at once on this machine. With `forkedRun`, each child is a fork of
// this process that calls it and exits, without exec: Debian's libtorch brings ~290 shared
// libraries, which a new program loads and binds again for every run (docs/benchmarks.md). A
// fork copies only the calling thread, and a lock another thread held would stay locked in the
// child, so a start that finds this process running more than one thread executes `executable`
// instead. The child's output goes to DIR/log.txt either way.
std::unique_ptr<RunSlots> localRunSlots(int workers, const std::string& executable, ForkedRun forkedRun = {});

// The path of the running program (/proc/self/exe), the default study executable.
std::string selfExecutable();

// Why a run's process ended without a result, in words ("its process was killed by signal 9 ...").
std::string describeProcessEnd(int waitStatus, const std::string& runDir);

}   // namespace minimascope::core
