#pragma once
// The run store of a study: one SQLite database, DIR/study.sqlite, in WAL mode, with a row per
// point of the study (its config, its state, what it measured, its run folder). The run folders
// stay the Python-friendly source of the arrays; the store is the table over them. Every write
// is one transaction, so a kill -9 of the study at any moment loses at most the runs in flight
// and leaves the database intact. One writer process at a time (the study runner holds an
// exclusive lock on DIR/study.lock); readers (`study status`, the GUI) may open it read-only
// while it is written. Not thread-safe: one StudyStore per thread. Errors throw InputError
// naming the file.
#include "study/StudyConfig.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace minimascope::core {

enum class StudyRunState { ToDo, Running, Done, Failed, Diverged };
const char* toString(StudyRunState state);

// The stability column of a run the Theorem does not cover (an optimizer other than plain SGD and
// GD without momentum, or a network with BatchNorm).
inline constexpr char kNoVerdict[] = "n/a";

struct StudyRunRecord {
    std::string key;   // StudyPoint::key
    int64_t ordinal = 0;
    StudyRunState state = StudyRunState::ToDo;
    std::string stopReason;   // loss_below, max_iterations, max_seconds, why it diverged or failed
    std::string configJson;   // the resolved run config
    std::string axesJson;     // the values of the study's axes at this point
    double eta = 0.0;
    int64_t batchSize = 0;   // the batch size the run used (n for full batch)
    std::string optimizer;
    int64_t seed = 0;
    int64_t examples = 0;                                                              // n
    double trainLoss = 0.0, trainAccuracy = 0.0, testLoss = 0.0, testAccuracy = 0.0;   // NaN = none
    int64_t iterations = 0;
    double seconds = 0.0;
    double sharpness = 0.0, nonUniformity = 0.0, lambdaMin = 0.0;   // NaN = not measured
    std::string stability;   // the verdict ("stable", "unstable", ...), kNoVerdict, or empty
                             // when not measured
    double sharpnessBound = 0.0, nonUniformityBound = 0.0;   // 2/eta and the s bound
    bool converged = false;   // reached the loss target (a minimum, as the Theorem assumes)
    std::string folder;       // the run folder, relative to the study folder
    std::string runId;
    int64_t attempts = 0;
};

class StudyStore {
public:
    static constexpr int kSchemaVersion = 1;

    // Opens DIR/study.sqlite, creating it unless readOnly. Refuses a store of a newer schema.
    StudyStore(const std::string& path, bool readOnly);
    ~StudyStore();
    StudyStore(const StudyStore&) = delete;
    StudyStore& operator=(const StudyStore&) = delete;

    // The study's name, or empty for a new store.
    std::string studyName() const;
    // The study file it was last run with (JSON text), or empty.
    std::string studyDocument() const;
    void setStudy(const std::string& name, const std::string& description, const std::string& document);

    // Adds the points not in the store yet (as to do, with their eta, B and n as configured);
    // returns how many were added.
    int64_t addPoints(const std::vector<StudyPoint>& points);
    // Runs left "running" by a study that was killed go back to "to do"; returns how many.
    int64_t requeueRunning();
    // Failed runs go back to "to do" (study run --retry-failed).
    int64_t requeueFailed();
    void markRunning(const std::string& key, const std::string& folder);
    void requeue(const std::string& key);   // an interrupted run: to do again
    // The run's outcome (state Done, Failed or Diverged, and what it measured).
    void recordResult(const StudyRunRecord& record);

    std::vector<StudyRunRecord> runs() const;   // by ordinal
    // "ok" when SQLite's integrity check passes, else its first complaint.
    std::string integrityCheck() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// The path of the store in a study folder.
std::string studyStorePath(const std::string& studyDir);

}   // namespace minimascope::core
