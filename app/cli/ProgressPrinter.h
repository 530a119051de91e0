#pragma once
// Prints training progress to stderr: an updating bar with ETA on a terminal, plain lines
// (at most one every 2 s) when stderr is a file or a pipe.
#include "train/TrainProgress.h"

#include <cstdio>

namespace minimascope::cli {

class ProgressPrinter {
public:
    explicit ProgressPrinter(std::FILE* stream);
    void update(const core::TrainProgress& progress);
    void finish();   // ends the bar's line

private:
    std::FILE* m_stream;
    bool m_terminal;
    double m_lastLineSeconds = -1e9;
    bool m_barShown = false;
};

} // namespace minimascope::cli
