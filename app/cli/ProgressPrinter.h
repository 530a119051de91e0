#pragma once
// Prints the progress of long work to stderr (training, each analyze quantity, a landscape's
// points): an updating bar with ETA on a terminal, redrawn at most 10 times a second, plain
// lines (at most one every 2 s; with --verbose every 0.5 s) when stderr is a file or a pipe.
#include "common/CountProgress.h"
#include "train/TrainProgress.h"

#include <cstdint>
#include <cstdio>
#include <string>

namespace minimascope::cli {

// One report of any long work: `done` of `total` units of `what` ("iteration", "step",
// "points") after `seconds`, `etaSeconds` to go (negative: unknown), and a short `detail`.
struct WorkProgress {
    std::string what;
    int64_t done = 0, total = 0;
    double seconds = 0.0, etaSeconds = -1.0;
    std::string detail;
};

class ProgressPrinter {
public:
    explicit ProgressPrinter(std::FILE* stream);
    void update(const WorkProgress& progress);
    void update(const core::TrainProgress& progress);
    void finish();   // ends the bar's line

    // A sink for work counted in units of `what` (core::CountProgress): each report carries the
    // time since this call and a steady ETA. The printer must outlive the sink.
    core::CountProgress countingSink(std::string what);

    // The ETA of work that has gone at a steady pace: seconds * (total - done) / done.
    static double steadyEta(int64_t done, int64_t total, double seconds);

    // --verbose: plain lines more often. Set once by main, before any printer exists.
    static void setVerbose(bool verbose);

private:
    std::FILE* m_stream;
    bool m_terminal;
    double m_lastLineSeconds = -1e9;
    double m_lastDrawSeconds = -1e9;
    bool m_barShown = false;
};

}   // namespace minimascope::cli
