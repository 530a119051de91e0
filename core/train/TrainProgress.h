#pragma once
// Plain records the trainer reports: a progress event (throttled to ~30 a second, plus one at
// every evaluation) and a metrics row (one per evaluation). NaN marks a value not measured.
#include <cstdint>
#include <limits>

namespace minimascope::core {

struct MetricsRow {
    int64_t iteration = 0;   // optimizer steps taken
    int64_t epoch = 0;
    double seconds = 0.0;     // wall time since the run started
    double batchLoss = 0.0;   // loss of the last mini-batch
    double trainLoss = 0.0;
    double trainAccuracy = 0.0;
    double testLoss = 0.0;
    double testAccuracy = 0.0;
    // |grad L| over the training set; NaN unless schedule.gradient_norm
    double gradientNorm = std::numeric_limits<double>::quiet_NaN();
};

struct TrainProgress {
    int64_t iteration = 0;
    int64_t maxIterations = 0;
    double seconds = 0.0;
    double etaSeconds = 0.0;   // to the iteration or time cap, whichever comes first
    double batchLoss = 0.0;
    MetricsRow lastEvaluation;
    bool isEvaluation = false;   // true when this event carries a new metrics row
};

}   // namespace minimascope::core
