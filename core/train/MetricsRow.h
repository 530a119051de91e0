#pragma once
// The row of numbers the trainer records at every evaluation (and a run folder's metrics.csv holds). NaN marks a
// value not measured.
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

}   // namespace minimascope::core
