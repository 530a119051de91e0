#pragma once
// A study: many training runs that differ in a few config keys, measured alike at their end
// (docs/studies.md). The file names a base run config (inline, or a shipped preset) and the
// points: the cartesian product of "grid" axes (at least one), an explicit "runs" list, or both.
// Every point is resolved and validated before anything runs; parseStudyConfig throws InputError
// listing each invalid point with its axis values, and naming unknown keys of the study file itself.
#include "study/FollowUp.h"
#include "train/RunConfig.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace minimascope::core {

struct StudyPoint {
    std::string key;       // 16 hex digits identifying the resolved config (threads aside):
                           // the same point keeps its result when the study file changes
    int64_t ordinal = 0;   // position among the study's points
    nlohmann::json axes;   // the keys this point sets, e.g. {"optimizer.lr": 0.1}
    RunConfig config;
};

// What each run measures: at its end, on all of its training examples (the study file's
// "measure"), and along the way (its "track"): a, and s when it is measured at the end, every
// trackEvery iterations on the first trackSubset examples (0 = all), into the run folder's
// curvature.csv, as `train --track-every` does.
struct StudyMeasures {
    bool sharpness = true;
    bool nonUniformity = true;
    bool stability = true;
    bool lambdaMin = false;
    int64_t trackEvery = 0;   // 0 = not during training
    int64_t trackSubset = 0;
};

struct StudyConfig {
    std::string name;
    std::string description;
    StudyMeasures measures;
    std::vector<StudyPoint> points;
    std::vector<StudyFollowUp> followUps;   // run by `reproduce` after the study
    nlohmann::json document;                // the study file as read, with its name: the store keeps it, so
                                            // that a study folder alone can be resumed
};

// The most points a study may have: a grid that multiplies past it is a typo, not a plan.
constexpr int64_t kMaxStudyPoints = 100000;

StudyConfig parseStudyConfig(const nlohmann::json& document, const std::string& where);
// Reads a study file; `name` defaults to the file's stem.
StudyConfig loadStudyConfig(const std::string& path);

// The study a folder's store was last run with (StudyStore::studyDocument); throws InputError
// when the folder has no store or the store no study file.
StudyConfig loadStoredStudy(const std::string& studyDir);

// A smaller version of a study, for tests of the commands that run whole studies (reproduce
// --shrink). Each limit applies when positive. The result is itself a valid study file (its
// `document`: the resolved base and the kept points as "runs"), so a folder it ran in resumes it
// from the store alone, and its name says how it was shrunk, so that the folder of the real
// study is never mixed with it.
struct StudyShrink {
    int64_t maxPoints = 0;       // keep this many points, spread evenly over the study's list
                                 // (the first and the last among them)
    int64_t maxIterations = 0;   // cap stop.max_iterations
    int64_t maxExamples = 0;     // cap dataset.n (never below a point's batch size) and dataset.test_n
};
// Throws InputError when a shrunk point is not a valid run config.
StudyConfig shrinkStudy(const StudyConfig& study, const StudyShrink& shrink);

// The point key of a resolved config.
std::string studyPointKey(const RunConfig& config);
// "optimizer.lr=0.1, optimizer.batch_size=10" for messages and tables.
std::string describeAxes(const nlohmann::json& axes);

}   // namespace minimascope::core
