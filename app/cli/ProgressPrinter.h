#pragma once
// Prints the progress of long work to stderr (training, each analyze quantity, a landscape's
// points): an updating bar with ETA on a terminal, redrawn at most 10 times a second, plain
// lines (at most one every 2 s; with --verbose every 0.5 s) when stderr is a file or a pipe.
#include "common/Progress.h"

#include <chrono>
#include <cstdio>
#include <string>

namespace minimascope::cli {

class ProgressPrinter {
public:
    explicit ProgressPrinter(std::FILE* stream);
    // Shows `done` of `total` units (after the quantity, if any), the time and ETA, and a short `note` the command
    // adds ("estimate 1.23", the last evaluation's metrics). The last report of the work (done = total) always shows.
    void update(const core::Progress& progress, const std::string& note = {});
    void finish();   // ends the bar's line

    // A sink that shows each report as it comes, without a note. The printer must outlive the sink.
    core::ProgressSink sink();

    // --verbose: plain lines more often. Set once by main, before any printer exists.
    static void setVerbose(bool verbose);

private:
    std::FILE* m_stream;
    bool m_terminal;
    // Redraws are spaced by this printer's own clock: the reports' seconds restart with each solve of an analyze.
    std::chrono::steady_clock::time_point m_start = std::chrono::steady_clock::now();
    double m_lastLineSeconds = -1e9;
    double m_lastDrawSeconds = -1e9;
    bool m_barShown = false;
};

}   // namespace minimascope::cli
