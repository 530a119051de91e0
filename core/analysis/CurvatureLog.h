#pragma once
// The curvature samples of a run (CurvatureTracker), kept in its folder beside the metrics:
//   curvature.csv   one row per measurement, for spreadsheets
//   curvature.json  the same rows, which readCurvatureLog reads back (figures, the GUI)
// Unmeasured values (s when only a was tracked) are empty in CSV and null in JSON.
// Writes are atomic; errors throw InputError naming the file.
#include "analysis/CurvatureTracker.h"

#include <string>
#include <vector>

namespace minimascope::core {

void writeCurvatureLog(const std::string& dir, const std::vector<CurvatureSample>& samples);
// An empty list when the run has no curvature.json (it was trained without tracking).
std::vector<CurvatureSample> readCurvatureLog(const std::string& dir);

} // namespace minimascope::core
