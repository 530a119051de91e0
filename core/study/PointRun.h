#pragma once
// One point of a study, run to its end and measured there, as the papers measured their minima:
// what each child process of a study does (minimascope-cli study run-one DIR). The runner writes
// DIR/request.json; the child trains into DIR (a run folder, core/train/RunFolder.h, replacing an
// interrupted attempt), measures a, s, the stability verdict (and lambda_min) on all of the run's
// training examples with the certified engines, and writes DIR/point.json last. A point.json
// whose run id is not the run folder's is never read, so a crash leaves "no result", never a
// stale one. Errors throw InputError naming the file.
#include "study/StudyStore.h"

#include <string>

namespace minimascope::core {

class CancelToken;

struct PointRunRequest {
    RunConfig config;
    StudyMeasures measures;
    int threads = 1;   // torch threads of the child
};

void writePointRequest(const std::string& dir, const RunConfig& config, const StudyMeasures& measures, int threads);
PointRunRequest readPointRequest(const std::string& dir);

// Trains and measures; returns the outcome (also written to DIR/point.json). Cancel stops the
// training within a step and skips the measurement; the outcome is then Failed "cancelled".
StudyRunRecord runStudyPoint(const std::string& dir, const PointRunRequest& request, const CancelToken& cancel);

// The outcome a child left in DIR; throws InputError when there is none (the child died).
StudyRunRecord readPointResult(const std::string& dir);

}   // namespace minimascope::core
