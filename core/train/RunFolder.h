#pragma once
// A run's output folder: exactly one run, which a kill -9 at any moment leaves readable.
//   summary.json     written first: run id, "status": "incomplete" until the run ends, the last
//                    checkpoint; at the end the status, stop reason, final numbers, timing
//   config.json      the resolved RunConfig plus the run id (train --config DIR/config.json reruns it)
//   metrics.csv      one row per evaluation, appended as it is measured (io/CsvLog.h)
//   curvature.csv    the curvature samples when tracked, likewise (analysis/CurvatureLog.h)
//   checkpoint/      the parameters at the last checkpoint (every RunFolderOptions::checkpointSeconds),
//                    replaced as a unit; removed when the run ends
//   parameters/      the final parameters and buffers, written as a unit at the end
//   snapshots/iter_NNNNNNNN/  parameters at the scheduled iterations
//   average/         the running mean of the iterates from schedule.average_from on, when set
//                    (buffers such as BatchNorm statistics: the last iterate's), written at the end
//   analysis.json, landscape_*  what analyze and landscape add later
// Every file carries the run id and every reader here refuses a file of another run. Errors throw
// InputError naming the path.
#include "train/Trainer.h"

#include <memory>
#include <string>

namespace minimascope::core {

// ---- Reading ----

struct RunFolderInfo {
    std::string dir;
    std::string runId;
    std::string status;                 // "incomplete" while running or after a kill; else RunStatus
    std::string reason;                 // the stop reason of a complete run
    int64_t checkpointIteration = -1;   // the last checkpoint of an incomplete run; -1 = none
    double checkpointSeconds = 0.0;
    int64_t examples = 0;   // the training set's size n

    bool complete() const { return status != "incomplete"; }
    std::string parametersDir() const { return dir + "/parameters"; }
    std::string checkpointDir() const { return dir + "/checkpoint"; }
};

// Throws InputError when `dir` holds no run folder of this version.
RunFolderInfo readRunFolderInfo(const std::string& dir);
RunConfig readRunConfig(const RunFolderInfo& run);
// The rows streamed so far (a torn last row is skipped).
std::vector<MetricsRow> readMetrics(const RunFolderInfo& run);
// The parameters that analyze and landscape use by default: the final ones. For an incomplete
// run, throws InputError that says so and names the last checkpoint to pass with --params.
std::string finalParametersDir(const RunFolderInfo& run);
// The run id that tensors in `parametersDir` must carry: the run's when the folder lies inside the
// run folder, none (any) for parameters from elsewhere (another run's minimum, imported weights).
std::string expectedRunIdFor(const RunFolderInfo& run, const std::string& parametersDir);

// ---- Writing ----

// What a new run in `dir` would replace: empty when `dir` holds none of a run's files, else e.g.
// "run 0123456789abcdef (finished)" (for a question to the user or an error message).
std::string describeRunFolderOccupant(const std::string& dir);

struct RunFolderOptions {
    bool overwrite = false;            // replace a folder that holds another run
    double checkpointSeconds = 60.0;   // wall time between checkpoints; 0 = none
};

// Writes one run into a folder while it trains. The constructor claims the folder: it refuses a
// folder that holds another run unless options.overwrite (then it first removes every output the
// program owns there, and nothing else), refuses a disk that cannot hold the parameters, and
// writes summary.json ("incomplete") and config.json. Construct it only after the inputs are
// validated and the data loaded (the Trainer exists), so a rejected input creates nothing.
class RunFolderWriter {
public:
    RunFolderWriter(std::string dir, Trainer& trainer, RunFolderOptions options);
    ~RunFolderWriter();
    RunFolderWriter(const RunFolderWriter&) = delete;
    RunFolderWriter& operator=(const RunFolderWriter&) = delete;

    const std::string& dir() const { return m_dir; }
    const std::string& runId() const { return m_runId; }

    // Streams the trainer's metrics rows, writes its scheduled snapshots and the checkpoints.
    void attach(Trainer& trainer);
    // Appends a metrics row (attach() does this for a live run; the GUI's Save replays them).
    void appendMetrics(const MetricsRow& row);
    // Writes parameters/ and the final summary.json, which marks the run complete.
    void finish(Trainer& trainer, const TrainResult& result);

private:
    void writeCheckpoint(const TrainerState& state);
    // average/: the trainer's averaged parameters (and the network's buffers), when it has any.
    void writeAverage(Trainer& trainer);
    void writeSummary(const std::string& status, const TrainResult* result);

    struct Impl;
    std::unique_ptr<Impl> m_impl;
    std::string m_dir;
    std::string m_runId;
};

// A fresh random run id (16 hex digits).
std::string newRunId();

// Parameters and buffers (BatchNorm statistics) of a network, and reading them back into a
// network of the same architecture (throws InputError on a name or shape mismatch, or when
// runId is given and the folder belongs to another run).
void saveNetworkTensors(const std::string& dir, Network& network, const std::string& runId = {});
void loadNetworkTensors(const std::string& dir, Network& network, const std::string& runId = {});

std::string snapshotFolder(const std::string& dir, int64_t iteration);

// The snapshots of the run folder dir (dir/snapshots/iter_NNNNNNNN), in iteration order:
// each one's iteration and folder. Empty when there are none.
struct SnapshotFolder {
    int64_t iteration = 0;
    std::string dir;
};
std::vector<SnapshotFolder> listSnapshots(const std::string& dir);

}   // namespace minimascope::core
