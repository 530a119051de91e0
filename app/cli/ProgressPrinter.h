#pragma once
// Prints training progress to stderr: an updating bar with ETA on a terminal, redrawn at most
// 10 times a second, plain lines (at most one every 2 s; with --verbose every 0.5 s) when stderr
// is a file or a pipe.
#include "train/TrainProgress.h"

#include <cstdio>

namespace minimascope::cli {

class ProgressPrinter {
public:
    explicit ProgressPrinter(std::FILE* stream);
    void update(const core::TrainProgress& progress);
    void finish();   // ends the bar's line

    // --verbose: plain lines more often. Set once by main, before any printer exists.
    static void setVerbose(bool verbose);

private:
    std::FILE* m_stream;
    bool m_terminal;
    double m_lastLineSeconds = -1e9;
    double m_lastDrawSeconds = -1e9;
    bool m_barShown = false;
};

} // namespace minimascope::cli
