#pragma once
// The curvature samples of a run (CurvatureTracker), kept in its folder beside the metrics as
// curvature.csv: one row per measurement, appended as it is taken (io/CsvLog.h), with the run
// id. Unmeasured values (s when only a was tracked) are empty. Errors throw InputError naming
// the file.
#include "analysis/CurvatureTracker.h"

#include <memory>
#include <string>
#include <vector>

namespace minimascope::core {

class CsvLogWriter;
struct RunFolderInfo;

class CurvatureLogWriter {
public:
    // Creates DIR/curvature.csv for the run runId (the run folder's, RunFolderWriter::runId()).
    CurvatureLogWriter(const std::string& dir, const std::string& runId);
    ~CurvatureLogWriter();
    void append(const CurvatureSample& sample);

private:
    std::unique_ptr<CsvLogWriter> m_log;
};

// An empty list when the run has no curvature.csv (it was trained without tracking).
std::vector<CurvatureSample> readCurvatureLog(const RunFolderInfo& run);

}   // namespace minimascope::core
