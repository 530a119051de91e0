#pragma once
// The numbers behind the "toy-2d" demo: a classifier of 2-D points (two moons, spirals, XOR,
// blobs) trained by the app's Trainer, and every `every` steps a snapshot of its decision regions:
// the predicted class at each point of a regular grid over the inputs (the data's bounding box
// plus a margin), the training loss, and the model's own prediction for each training point.
// Runs torch on the calling thread (a worker, never the GUI thread); the sink is called there.
// Errors: a run config the reader refuses, or one whose data are not 2-D points of a
// classification task, throws InputError. Cancel: honoured within a step (status Cancelled).
#include "common/RunStatus.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <vector>

namespace minimascope::core {

class CancelToken;

struct BoundaryLessonSettings {
    int64_t gridPoints = 81;   // points a side of the class map
    int64_t every = 50;        // steps between snapshots (iteration 0 and the last are included)
    double margin = 0.5;       // around the data's bounding box, in input units
};

struct BoundaryPoints {
    std::vector<double> x, y;     // the training inputs
    std::vector<int64_t> label;   // their classes
    int64_t classes = 0;
};

struct BoundarySnapshot {
    int64_t iteration = 0;
    double trainLoss = 0.0;           // the full training set's loss at this iteration
    std::vector<double> xs, ys;       // the grid's axes
    std::vector<int64_t> gridClass;   // row-major: gridClass[j * xs.size() + i] at (xs[i], ys[j])
    std::vector<int64_t> predicted;   // the model's class for each training point
};

// Trains the run and calls `sink` with each snapshot; `points` receives the training data first.
RunStatus runBoundaryLesson(const nlohmann::json& runConfig, const BoundaryLessonSettings& settings,
                            BoundaryPoints& points, const std::function<void(const BoundarySnapshot&)>& sink,
                            const CancelToken* cancel = nullptr);

}   // namespace minimascope::core
